# lowbit.matmul with binary/ternary operands and an int8 result: the exact
# dot product plus an i32 bias (scale s_lhs * s_rhs, per channel) is
# requantized with M = s_lhs * s_rhs[c] / s_out, either by TFLite
# MultiplyByQuantizedMultiplier (fixed-point, default; ties away from zero
# through RoundingDivideByPOT) or by a float32 multiplier rounded half to even
# (float, ONNX), then offset by the output zero point and clamped to the
# activation range. Power-of-two multipliers make many exact ties, where the
# two modes differ; other cases use arbitrary float32 output scales, and some
# M == 1 exactly; some operands and biases are computed at run time.
# Reference: numpy dot of the unpacked values and the numerics.md section 2
# arithmetic written out in Python integers.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.fixed.out
# RUN: %python %s --check %t --out %t.fixed.out --mode fixed
# RUN: lowbit-opt --lowbit-to-llvm="requant-mode=float" %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.float.out
# RUN: %python %s --check %t --out %t.float.out --mode float

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import binref as B  # noqa: E402

PAIRS = [("bin", "bin"), ("tern", "tern"), ("tern", "bin"), ("bin", "tern"),
         ("i8", "bin"), ("i8", "tern"), ("bin", "i8"), ("tern", "i8")]
KS = [1, 5, 63, 64, 65, 130, 200]


def p2(rng, lo=-4, hi=1):
    return 2.0 ** int(rng.integers(lo, hi + 1))


def case(b, rng, ka, kw, k, how, label):
    """how: 'tie' (power-of-two multipliers), 'arb' (any float32 output
    scale) or 'one' (M == 1)."""
    m = int(rng.integers(0, 5)) * 2 + 1
    n = int(rng.integers(0, 5)) * 2 + 1
    batched = rng.random() < 0.35
    bb = int(rng.integers(2, 4))
    if ka == "i8":
        ea = B.Elt("int", [p2(rng)], zp=int(rng.integers(-30, 31)) or -9)
    else:
        ea = B.Elt(ka, [p2(rng)])
    if kw == "i8":
        ew = B.Elt("int", [p2(rng)], zp=int(rng.integers(-10, 11)))
    elif how == "one" or rng.random() < 0.25:
        ew = B.Elt(kw, [p2(rng)])
    else:
        ew = B.Elt(kw, [p2(rng) for _ in range(n)], axis=1)
    sha = (bb, m, k) if batched else (m, k)
    a = ea.rand(rng, sha)
    w = ew.rand(rng, (k, n))
    dot = B.matmul_ref(ea.centered(a), ew.centered(w))
    sx = ea.scale()
    sw = [ew.scale(c) for c in range(n)]
    with_bias = rng.random() < 0.75
    bias = np.zeros(n, np.int64)
    if with_bias:
        mag = max(2, int(np.abs(dot).max()))
        bias = rng.integers(-mag, mag + 1, size=n)
    acc = dot + bias
    spread = max(1.0, float(np.abs(acc).max()))
    if how == "one":
        so = sx * sw[0]
    elif how == "tie":
        # M = 2^-j: the output step is 2^j accumulator units.
        j = max(1, int(round(np.log2(spread / 100.0))) +
                int(rng.integers(0, 3)))
        so = sx * sw[0] * 2.0 ** j
    else:
        so = float(np.float32(sx * sw[0] * spread / 120.0 *
                              rng.uniform(0.6, 1.4)))
    zo = int(rng.integers(-20, 21))
    eo = B.Elt("int", [so], zp=zo)
    act = [None, None, "relu", "relu6"][int(rng.integers(4))]
    if act == "relu6" and how != "arb":
        act = "relu"
    # Some operands and biases are computed at run time (lowbit.quantize of
    # f32 constants): no compile-time weight packing, no bias folding.
    runtime = rng.random() < 0.3
    runtime_bias = rng.random() < 0.3
    ca = (b.runtime if runtime else b.const)(a, ea)
    cw = (b.runtime if runtime else b.const)(w, ew)
    sb = bt = ""
    if with_bias:
        bs = [sx * s for s in sw] if ew.per_channel else [sx * sw[0]]
        eb = B.Elt("int", bs,
                   axis=0 if ew.per_channel else None, bits=32)
        cb = (b.runtime if runtime_bias else b.const)(bias, eb)
        sb = " bias " + cb
        bt = ", " + B.tensor_str((n,), eb)
    r = b.fresh("r")
    desc = "lowbit.matmul%s%s : %s, %s%s -> %s" % (
        sb and " bias", B.act_str(act), B.tensor_str(sha, ea),
        B.tensor_str((k, n), ew), bt, B.tensor_str(dot.shape, eo))
    if runtime:
        label += "-rt"
        desc += "  [operands computed at run time]"
    if runtime_bias and with_bias:
        label += "-rtbias"
        desc += "  [bias computed at run time]"
    b.comment(label + ": " + desc)
    b.emit("%s = lowbit.matmul %s, %s%s%s : %s, %s%s -> %s" % (
        r, ca, cw, sb, B.act_str(act), B.tensor_str(sha, ea),
        B.tensor_str((k, n), ew), bt, B.tensor_str(dot.shape, eo)))
    exp = {mode: B.requant_ref(acc, sx, sw, eo, mode, act)
           for mode in B.MODES}
    inputs = {"lhs": a, "rhs": w, "bias": bias, "acc": acc}
    b.print_stored(r, dot.shape, eo, exp, label, desc, inputs)
    return exp


def generate(b, rng):
    differ = 0
    for ka, kw in PAIRS:
        for i, how in enumerate(["tie", "tie", "arb", "arb", "one"]):
            k = KS[int(rng.integers(len(KS)))]
            exp = case(b, rng, ka, kw, k, how,
                       "requant-%s-%s-%s-k%d-%d" % (ka, kw, how, k, i))
            differ += int(np.any(exp["fixed"] != exp["float"]))
    # The tie cases must make the two modes differ somewhere.
    assert differ >= 8, differ


if __name__ == "__main__":
    B.main(generate, seed=777)
