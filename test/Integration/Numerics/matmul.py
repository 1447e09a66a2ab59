# lowbit.matmul (MxK x KxN, batched BxMxK x KxN and BxMxK x BxKxN) with
# per-tensor and per-channel weights, optional int32 bias and fused
# activations; int32 accumulation, then TFLite fixed-point or ONNX float
# requantization.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# The int8 dot-product kernels (16-, 8- and 4-lane tilings; 4, 2 or 1
# reduction elements per lane; unsigned x signed or signed x signed bytes),
# their instructions replaced by portable code so that any CPU runs them:
# same results.
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=avx512-vnni dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=avx-vnni dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=avx2 dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=neon-dotprod dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=sse2 dot4-portable=1" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="dot-kernels=neon dot4-portable=1" %t.mlir \
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

# (lhs, rhs, result) storage kinds; "/s" marks symmetric types.
COMBOS = [
    ("i8", "i8/s", "i8"), ("i8", "i8", "i8"), ("u8", "u8", "u8"),
    ("i8", "i8n/s", "i8"), ("i8", "i4/s", "i8"), ("i8", "u4", "i8"),
    ("i8", "i2", "i8"), ("i8", "tern", "i8"), ("u8", "i8/s", "u8"),
    ("i4", "i4", "i4"), ("u4", "u4", "u4"), ("i2", "i2", "i2"),
    ("i4", "i8", "i8"), ("i16/s", "i8/s", "i16/s"), ("i16", "i4", "i8"),
    ("i8n", "i8n", "i8n"), ("tern", "i8", "i16"), ("i8", "i8", "u4"),
    ("u8", "i4n", "i4"), ("i4", "tern", "i8"),
]


def qtype(rng, kind, scale=None, axis=None, channels=None):
    base, _, sym = kind.partition("/")
    return H.rand_qtype(rng, base, scale=scale, symmetric=bool(sym),
                        axis=axis, channels=channels)


def pow2_scales(rng, qt):
    """The same type with power-of-two scales (exact rounding ties)."""
    return R.QType(qt.bits, qt.signed, [H.pow2_scale(rng) for _ in qt.scales],
                   qt.zps, axis=qt.axis, narrow=qt.narrow)


def draw(rng, combo, per_channel, with_bias, batch, tie=False):
    ka, kw, ko = combo
    m = int(rng.integers(1, 10))
    n = int(rng.integers(1, 10))
    k = int(rng.integers(1, 71 if not ka.startswith("i16") else 41))
    qa = qtype(rng, ka)
    if per_channel:
        qw = qtype(rng, kw, axis=(2 if batch == "both" else 1), channels=n)
    else:
        qw = qtype(rng, kw)
    if tie:
        qa, qw = pow2_scales(rng, qa), pow2_scales(rng, qw)
    b_ = int(rng.integers(1, 5))
    sha = (m, k) if batch == "none" else (b_, m, k)
    shw = (b_, k, n) if batch == "both" else (k, n)
    a = H.rand_values(rng, qa, sha)
    w = H.rand_values(rng, qw, shw)
    zw = np.array([qw.channel(j)[1] for j in range(n)])
    acc = np.matmul(a - qa.zp, w - zw)
    bias = None
    if with_bias:
        mag = max(1, int(np.abs(acc).max()))
        bias = rng.integers(-mag, mag + 1, size=n, dtype=np.int64)
        acc = acc + bias
    spread = max(1.0, float(np.percentile(np.abs(acc), 90)))
    base = H.storage_type(ko.partition("/")[0])
    sw = float(np.median(qw.scales))
    so = qa.scale * sw * spread / (base.qmax - base.qmin) * 2 * \
        float(np.exp(rng.uniform(-0.7, 0.7)))
    if tie:
        so = 2.0 ** round(np.log2(so))
    qo = qtype(rng, ko, so)
    act, cmin, cmax = H.rand_act(rng, qo)
    exp = {md: R.matmul(a, w, qa, qw, qo, md, bias, act, cmin, cmax)
           for md in H.MODES}
    return qa, qw, qo, act, cmin, cmax, a, w, bias, exp


def generate(b, rng, combos=COMBOS, reps=3):
    for combo in combos:
        for rep in range(reps):
            per_channel = rng.random() < 0.5
            with_bias = rng.random() < 0.5
            batch = ["none", "none", "lhs", "both"][int(rng.integers(4))]
            tie = rep == 0
            qa, qw, qo, act, cmin, cmax, a, w, bias, exp = H.try_cases(
                lambda g: draw(g, combo, per_channel, with_bias, batch, tie),
                rng)
            ca = b.qconst(a, qa)
            cw = b.qconst(w, qw)
            types = [H.tensor_str(a.shape, H.qtype_str(qa)),
                     H.tensor_str(w.shape, H.qtype_str(qw))]
            bias_part = ""
            if bias is not None:
                cb, bt = b.bias_const(bias, qa, qw)
                bias_part = " bias %s" % cb
                types.append(bt)
            r = b.fresh("r")
            shape = exp["fixed"].shape
            desc = b.emit("%s = lowbit.matmul %s, %s%s%s : %s -> %s" % (
                r, ca, cw, bias_part, H.act_str(act, cmin, cmax),
                ", ".join(types), H.tensor_str(shape, H.qtype_str(qo))))
            inputs = {"lhs": a.ravel().tolist(), "rhs": w.ravel().tolist()}
            if bias is not None:
                inputs["bias"] = bias.tolist()
            b.read_q(r, qo, shape, exp, "matmul/%s/%d/%s%s%s%s" % (
                ",".join(combo), rep, batch,
                "/per-channel" if per_channel else "",
                "/bias" if with_bias else "", "/tie" if tie else ""),
                desc, inputs=inputs)


if __name__ == "__main__":
    H.main(generate, seed=1006, description=__doc__)
