# lowbit.max_pool2d and lowbit.avg_pool2d on stored values (TFLite): max over
# the non-padding taps; integer average rounded half away from zero over the
# non-padding taps, or over the whole window with count_include_pad (padding
# taps then hold the zero point). Identical in both requantization modes.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="requant-mode=float" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.float.out
# RUN: %python %s --check %t --mode float

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as H  # noqa: E402
import lowbit_ref as R  # noqa: E402

KINDS = ["i8", "u8", "i4", "u4", "i2", "i16", "i8n", "tern"]


def draw(rng, kind, op):
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    kh, kw = r(1, 4), r(1, 4)
    strides = [r(1, 3), r(1, 3)] if rng.random() < 0.7 else None
    padding = [r(0, kh - 1), r(0, kh - 1), r(0, kw - 1), r(0, kw - 1)] \
        if rng.random() < 0.6 else None
    n, h, w, c = r(1, 2), r(1, 9), r(1, 9), r(1, 6)
    st = strides or [kh, kw]
    pd = padding or [0, 0, 0, 0]
    if R.conv_output_size(h, pd[0], pd[1], kh, st[0], 1) < 1 or \
            R.conv_output_size(w, pd[2], pd[3], kw, st[1], 1) < 1:
        raise R.Undefined("empty output")
    qt = H.rand_qtype(rng, kind)
    x = H.rand_values(rng, qt, (n, h, w, c))
    cip = op == "avg" and rng.random() < 0.4
    if op == "max":
        exp = R.max_pool2d(x, qt, (kh, kw), st, pd)
    else:
        exp = R.avg_pool2d(x, qt, (kh, kw), st, pd, count_include_pad=cip)
    return qt, x, (kh, kw), strides, padding, cip, exp


def generate(b, rng, kinds=KINDS, reps=5):
    for kind in kinds:
        for op in ("max", "avg"):
            for rep in range(reps):
                qt, x, kernel, strides, padding, cip, exp = H.try_cases(
                    lambda g: draw(g, kind, op), rng)
                c = b.qconst(x, qt)
                r = b.fresh("r")
                attrs = " kernel [%d, %d]" % kernel
                if strides:
                    attrs += " strides [%d, %d]" % tuple(strides)
                if padding:
                    attrs += " padding [%d, %d, %d, %d]" % tuple(padding)
                if cip:
                    attrs += " count_include_pad"
                t = H.qtype_str(qt)
                desc = b.emit("%s = lowbit.%s_pool2d %s%s : %s -> %s" % (
                    r, op, c, attrs, H.tensor_str(x.shape, t),
                    H.tensor_str(exp.shape, t)))
                b.read_q(r, qt, exp.shape, exp, "%s_pool2d/%s/%d%s" % (
                    op, kind, rep, "/count_include_pad" if cip else ""), desc,
                    inputs={"input": x.ravel().tolist()})


if __name__ == "__main__":
    H.main(generate, seed=1008, description=__doc__)
