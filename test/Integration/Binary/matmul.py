# lowbit.matmul with binary and ternary operands (--lowbit-lower-binary):
# binary x binary (XOR/popcount), ternary x ternary, ternary x binary and
# binary x ternary (mask/sign bit-planes), and binary/ternary x int8 in both
# operand orders (add/subtract kernel, int8 with a nonzero zero point; also
# uint8 and int4; int8 weights quantized per output channel); K = 1 ... 200 (not multiples of the 64-bit word, and
# exactly 64) plus 777 and 1000, odd M/N, batched lhs with a shared or
# batched rhs; some operands computed at run time (no compile-time weight
# packing). Results: raw dot products as f32 (scales 1), per-channel
# power-of-two weight scales with a float bias and activation (exact in
# float32), and the sign (binary result, with an i32 bias making exact
# zeros: sign(0) = +1). Reference: numpy integer matmul of the unpacked
# -1/0/+1 values.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.out
# RUN: %python %s --check %t --out %t.out

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import binref as B  # noqa: E402

PAIRS = [("bin", "bin"), ("tern", "tern"), ("tern", "bin"), ("bin", "tern"),
         ("i8", "bin"), ("i8", "tern"), ("bin", "i8"), ("tern", "i8")]
# Other integer widths next to binary/ternary (raw dot products only).
EXTRA_PAIRS = [("u8", "bin"), ("u8", "tern"), ("i4", "bin"), ("tern", "u8")]
KS = [1, 5, 63, 64, 65, 130, 200]


def elt(kind, rng, scaled, per_channel=None, axis=None):
    """An operand type; scaled: power-of-two scales, per_channel: N."""
    def p2(lo=-4, hi=2):
        return 2.0 ** int(rng.integers(lo, hi + 1))
    if kind == "i8":
        zp = int(rng.integers(-20, 21)) or 7
        return B.Elt("int", [p2() if scaled else 1.0], zp=zp)
    if kind == "i8c":
        # int8 weights per output channel, each with its zero point.
        return B.Elt("int", [p2() if scaled else 1.0
                             for _ in range(per_channel)], axis=axis,
                     zp=[int(z) for z in rng.integers(-20, 21,
                                                      size=per_channel)])
    if kind == "u8":
        return B.Elt("int", [p2() if scaled else 1.0],
                     zp=int(rng.integers(100, 156)), signed=False)
    if kind == "i4":
        return B.Elt("int", [p2() if scaled else 1.0],
                     zp=int(rng.integers(-3, 4)) or 1, bits=4)
    if per_channel:
        return B.Elt(kind, [p2() for _ in range(per_channel)], axis=axis)
    return B.Elt(kind, [p2() if scaled else 1.0])


def odd(rng, hi=9):
    return int(rng.integers(0, (hi + 1) // 2)) * 2 + 1


def case(b, rng, ka, kw, k, result, label):
    """result: 'raw' | 'scaled' | 'sign'."""
    m, n = odd(rng), odd(rng)
    batched = rng.random() < 0.4
    bb = int(rng.integers(2, 4))
    # Sometimes a batched rhs (BxKxN) instead of a shared KxN one.
    rhs_batched = batched and rng.random() < 0.4
    scaled = result != "raw"
    ea = elt(ka, rng, scaled)
    per_channel = (scaled and kw in ("bin", "tern") and rng.random() < 0.8
                   or kw == "i8c")
    ew = elt(kw, rng, scaled, per_channel=n if per_channel else None,
             axis=2 if rhs_batched else 1)
    sha = (bb, m, k) if batched else (m, k)
    shw = (bb, k, n) if rhs_batched else (k, n)
    a = ea.rand(rng, sha)
    w = ew.rand(rng, shw)
    dot = B.matmul_ref(ea.centered(a), ew.centered(w))
    # Some cases compute the operands at run time (lowbit.quantize of f32
    # constants): no compile-time packing of constant weights.
    runtime = rng.random() < 0.3
    mk = b.runtime if runtime else b.const
    ca = mk(a, ea)
    cw = mk(w, ew)
    sw = [ew.scale(c) for c in range(n)]
    bias = None
    act = None
    sb = ""
    bt = ""
    acc = dot
    if result == "scaled" and rng.random() < 0.85:
        # Dyadic float bias; for some channels exactly minus one of the
        # products, so the float result is exactly 0 there.
        bias = (rng.integers(-40, 41, size=n) / 8.0).astype(np.float32)
        flat = dot.reshape(-1, n)
        for c in range(n):
            if rng.random() < 0.5:
                v = flat[int(rng.integers(len(flat))), c]
                bias[c] = -np.float32(v) * (np.float32(ea.scale()) *
                                            np.float32(sw[c]))
        cb = b.fconst(bias)
        sb = " bias %s" % cb
        bt = ", " + B.tensor_str((n,), "f32")
    elif result == "sign" and rng.random() < 0.85:
        # A binary result takes an i32 bias with scale s_lhs * s_rhs; for
        # some channels minus one of the dot products (sign(0) = +1).
        ibias = rng.integers(-3, 4, size=n)
        flat = dot.reshape(-1, n)
        for c in range(n):
            if rng.random() < 0.6:
                ibias[c] = -flat[int(rng.integers(len(flat))), c]
        sbias = [ea.scale() * s for s in sw]
        eb = B.Elt("int", sbias if ew.per_channel else sbias[:1],
                   axis=0 if ew.per_channel else None,
                   bits=32)
        cb = b.const(ibias, eb)
        sb = " bias %s" % cb
        bt = ", " + B.tensor_str((n,), eb)
        acc = dot + ibias
        bias = ibias
    if result == "scaled":
        act = [None, None, "relu", "relu6", ("clamp", -2.5, 3.75)][
            int(rng.integers(5))]
    out_shape = dot.shape
    res_elt = B.F32
    if result == "sign":
        res_elt = B.BIN if rng.random() < 0.6 else B.Elt("bin", [0.25])
    r = b.fresh("r")
    desc = "lowbit.matmul%s%s : %s, %s%s -> %s" % (
        " bias" if bias is not None else "", B.act_str(act),
        B.tensor_str(sha, ea), B.tensor_str(shw, ew), bt,
        B.tensor_str(out_shape, res_elt))
    if runtime:
        label += "-rt"
        desc += "  [operands computed at run time]"
    b.comment(label + ": " + desc)
    b.emit("%s = lowbit.matmul %s, %s%s%s : %s, %s%s -> %s" % (
        r, ca, cw, sb, B.act_str(act), B.tensor_str(sha, ea),
        B.tensor_str(shw, ew), bt, B.tensor_str(out_shape, res_elt)))
    inputs = {"lhs": a, "rhs": w}
    if bias is not None:
        inputs["bias"] = bias
    if result == "sign":
        f = B.float_epilogue(acc, ea.scale(), sw)
        b.print_dequant(r, out_shape, res_elt, B.sign_of(f), label, desc,
                        inputs)
    else:
        f = B.float_epilogue(dot, ea.scale(), sw, bias, act)
        b.print_f32(r, out_shape, f, label, desc, inputs)


def generate(b, rng):
    for ka, kw in PAIRS:
        for k in KS:
            case(b, rng, ka, kw, k, "raw", "raw-%s-%s-k%d" % (ka, kw, k))
    for ka, kw in EXTRA_PAIRS:
        for k in (1, 63, 130):
            case(b, rng, ka, kw, k, "raw", "raw-%s-%s-k%d" % (ka, kw, k))
    # Binary/ternary activations x int8 weights quantized per output
    # channel (own scale and zero point each).
    for ka in ("bin", "tern"):
        for k in (5, 64, 130):
            case(b, rng, ka, "i8c", k, "raw", "raw-%s-i8c-k%d" % (ka, k))
        case(b, rng, ka, "i8c", 65, "scaled", "scaled-%s-i8c" % ka)
        case(b, rng, ka, "i8c", 70, "sign", "sign-%s-i8c" % ka)
    case(b, rng, "bin", "bin", 1000, "raw", "raw-bin-bin-k1000")
    case(b, rng, "tern", "bin", 777, "raw", "raw-tern-bin-k777")
    for ka, kw in PAIRS:
        for i in range(3):
            k = KS[int(rng.integers(len(KS)))]
            case(b, rng, ka, kw, k, "scaled",
                 "scaled-%s-%s-k%d-%d" % (ka, kw, k, i))
        for i in range(2):
            k = KS[int(rng.integers(1, len(KS)))]
            case(b, rng, ka, kw, k, "sign",
                 "sign-%s-%s-k%d-%d" % (ka, kw, k, i))


if __name__ == "__main__":
    B.main(generate, seed=20250101)
