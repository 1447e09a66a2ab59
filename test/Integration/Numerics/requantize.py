# lowbit.requantize between affine types (per tensor), including int32
# accumulators to 8/4/2-bit outputs, widening and narrowing, multipliers
# below and above one and exact rounding ties, in both requantization modes.
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

import numpy as np  # noqa: E402

import harness as H  # noqa: E402
import lowbit_ref as R  # noqa: E402

KINDS = ["i8", "u8", "i4", "u4", "i2", "i16", "i8n", "i4n", "tern"]


def draw(rng, kin, kout, tie):
    shape = H.rand_shape(rng)
    if kin == "i32":
        mag = 1 << int(rng.integers(4, 25))
        qin = R.QType(32, True, H.rand_scale(rng, 1e-6, 1e-2), 0)
        v = rng.integers(-mag, mag + 1, size=shape, dtype=np.int64)
    else:
        qin = H.rand_qtype(rng, kin,
                           scale=H.pow2_scale(rng) if tie else None)
        v = H.rand_values(rng, qin, shape)
    spread = max(1, int(np.abs(v - qin.zp).max()))
    out_range = H.storage_type(kout).qmax - H.storage_type(kout).qmin
    ratio = 2 * spread / out_range * float(np.exp(rng.uniform(-1.0, 1.0)))
    if rng.random() < 0.15:
        ratio *= float(np.exp(rng.uniform(-5, 5)))     # far from the range
    if tie:
        ratio = 2.0 ** round(np.log2(ratio))
    qout = H.rand_qtype(rng, kout, scale=qin.scale * ratio)
    exp = {m: R.requantize(v, qin, qout, m) for m in H.MODES}
    return shape, qin, qout, v, exp


def emit_case(b, label, shape, qin, qout, v, exp):
    c = b.qconst(v, qin)
    r = b.fresh("r")
    desc = b.emit("%s = lowbit.requantize %s : %s -> %s" % (
        r, c, H.tensor_str(shape, H.qtype_str(qin)),
        H.tensor_str(shape, H.qtype_str(qout))))
    b.read_q(r, qout, shape, exp, label, desc, inputs={"q": v.ravel().tolist()})


def generate(b, rng, pairs=None, reps=3):
    if pairs is not None:
        return emit_pairs(b, rng, pairs, reps)
    pairs = [(a, a) for a in KINDS]
    pairs += [("i8", "i4"), ("i8", "u4"), ("i8", "i2"), ("i8", "tern"),
              ("u8", "i8"), ("i8", "u8"), ("i4", "i8"), ("u4", "u8"),
              ("i16", "i8"), ("i8", "i16"), ("u8", "i16"), ("i2", "i16"),
              ("i8n", "i8"), ("i8", "i8n"), ("tern", "i8"), ("i16", "u4"),
              ("i32", "i8"), ("i32", "u8"), ("i32", "i4"), ("i32", "i16"),
              ("i32", "i2"), ("i32", "i8n"), ("i32", "u4")]
    emit_pairs(b, rng, pairs, reps)


def emit_pairs(b, rng, pairs, reps):
    for kin, kout in pairs:
        for rep in range(reps):
            tie = rep == 0
            case = H.try_cases(lambda g: draw(g, kin, kout, tie), rng)
            emit_case(b, "requantize/%s->%s/%d%s" % (
                kin, kout, rep, "/tie" if tie else ""), *case)


if __name__ == "__main__":
    H.main(generate, seed=1002, description=__doc__)
