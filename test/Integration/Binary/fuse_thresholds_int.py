# --lowbit-fuse-thresholds on integer layers: the sign or threshold of a
# requantized matmul/conv2d result compared on the int32 accumulator.
#
#   conv2d / matmul (int8 or uint8 input with a zero point, int8 or int4
#                    constant weights per tensor or per output channel,
#                    optional constant int32 bias, act none/relu/relu6,
#                    requantized to int8 or uint8 with any zero point)
#   -> lowbit.sign (binary), or lowbit.threshold with Cx1 (binary), Cx3 or
#      1x3 (u2) integer thresholds on the stored output.
#
# Multipliers are powers of two (exact ties, where fixed-point and float
# requantization round differently) or arbitrary float32 values, and most
# thresholds are stored values the layer reaches, so ">=" is tested on
# both sides. Reference: numpy dot products, numerics.md section 2 written
# out in Python integers (binref.requant_ref), then the comparison. Each
# mode runs fused (--lowbit-to-llvm fuses) and unfused (the contraction
# lowered first, so nothing is left to fuse), and both must match the
# reference. The fused IR must compare an i32 accumulator in every graph.
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
# RUN: lowbit-opt --lowbit-lower-quantized %t.mlir | lowbit-opt --lowbit-to-llvm \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.unfused.out
# RUN: %python %s --check %t --out %t.unfused.out --mode fixed
# RUN: lowbit-opt --lowbit-fuse-thresholds %t.mlir > %t.fused.mlir
# RUN: %python %s --extra fused %t %t.fused.mlir
# RUN: lowbit-opt --lowbit-fuse-thresholds="requant-mode=float" %t.mlir > %t.ffused.mlir
# RUN: %python %s --extra fused %t %t.ffused.mlir

import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import binref as B  # noqa: E402

U2 = B.Elt("int", [1.0], zp=0, bits=2, signed=False)


def scale(rng):
    if rng.random() < 0.5:
        return 2.0 ** int(rng.integers(-6, 0))
    return float(np.float32(np.exp(rng.uniform(np.log(0.002), np.log(0.5)))))


def graph(b, rng, label):
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    sx = scale(rng)
    ex = B.Elt("int", [sx], zp=r(-20, 20)) if rng.random() < 0.7 else \
        B.Elt("int", [sx], zp=r(0, 255), signed=False)
    wbits = 8 if rng.random() < 0.75 else 4
    is_conv = rng.random() < 0.5
    if is_conv:
        c_in, o = [1, 3, 4, 8, 17][r(0, 4)], r(1, 9)
        kh, kw = r(1, 3), r(1, 3)
        st = (r(1, 2), r(1, 2))
        pad = tuple(r(0, 1) for _ in range(4))
        h, w = r(kh, 6), r(kw, 6)
        xs, ws = (1, h, w, c_in), (o, kh, kw, c_in)
        axis, c, k = 0, o, kh * kw * c_in
    else:
        k, c = [1, 5, 31, 64, 65, 130][r(0, 5)], r(1, 9)
        xs = (r(2, 3), r(1, 5), k) if rng.random() < 0.3 else (r(1, 5), k)
        ws = (k, c)
        axis = 1
    if rng.random() < 0.7:
        ew = B.Elt("int", [scale(rng) for _ in range(c)], axis=axis,
                   bits=wbits)
    else:
        ew = B.Elt("int", [scale(rng)], bits=wbits)
    x = ex.rand(rng, xs)
    wt = ew.rand(rng, ws)
    if is_conv:
        dot = B.conv2d_ref(ex.centered(x), wt, st, (1, 1), pad, 1, 0)
    else:
        dot = B.matmul_ref(ex.centered(x), wt)
    sw = [ew.scale(ch) for ch in range(c)]
    bias = np.zeros(c, np.int64)
    with_bias = rng.random() < 0.7
    if with_bias:
        mag = max(2, int(np.abs(dot).max()))
        bias = rng.integers(-mag, mag + 1, size=c)
    acc = dot + bias
    spread = max(1.0, float(np.abs(acc).max()))
    if rng.random() < 0.5:
        j = max(1, int(round(np.log2(spread / 100.0))) + r(0, 2))
        so = sx * sw[0] * 2.0 ** j
    else:
        so = float(np.float32(sx * sw[0] * spread / 120.0 *
                              rng.uniform(0.6, 1.4)))
    eo = B.Elt("int", [so], zp=r(-30, 30)) if rng.random() < 0.7 else \
        B.Elt("int", [so], zp=r(0, 255), signed=False)
    act = [None, None, "relu", "relu6"][r(0, 3)]
    stored = {m: B.requant_ref(acc, sx, sw, eo, m, act) for m in B.MODES}

    cx, cw = b.const(x, ex), b.const(wt, ew)
    sb = bt = ""
    if with_bias:
        bs = [sx * s for s in sw] if ew.per_channel else [sx * sw[0]]
        eb = B.Elt("int", bs, axis=0 if ew.per_channel else None, bits=32)
        sb = " bias " + b.const(bias, eb)
        bt = ", " + B.tensor_str((c,), eb)
    attrs = ""
    if is_conv:
        if st != (1, 1):
            attrs += " strides [%d, %d]" % st
        if pad != (0, 0, 0, 0):
            attrs += " padding [%d, %d, %d, %d]" % pad
    op = "lowbit.conv2d" if is_conv else "lowbit.matmul"
    y = b.fresh("y")
    shape = dot.shape
    desc = "%s%s%s%s : %s, %s%s -> %s" % (
        op, sb and " bias", attrs, B.act_str(act), B.tensor_str(xs, ex),
        B.tensor_str(ws, ew), bt, B.tensor_str(shape, eo))
    b.emit("%s = %s %s, %s%s%s%s : %s, %s%s -> %s" % (
        y, op, cx, cw, sb, attrs, B.act_str(act), B.tensor_str(xs, ex),
        B.tensor_str(ws, ew), bt, B.tensor_str(shape, eo)))

    end = ["sign", "t1", "t3", "t3shared"][r(0, 3)]
    res = b.fresh("t")
    if end == "sign":
        out = B.BIN
        b.emit("%s = lowbit.sign %s : %s -> %s" % (
            res, y, B.tensor_str(shape, eo), B.tensor_str(shape, out)))
        expected = {m: np.where(v >= eo.zp, 1, -1)
                    for m, v in stored.items()}
        desc += " -> sign"
    else:
        levels = 1 if end == "t1" else 3
        rows = 1 if end == "t3shared" else c
        thr = np.zeros((rows, levels), np.int64)
        flat = stored["fixed"].reshape(-1, c)
        for row in range(rows):
            for lv in range(levels):
                if rng.random() < 0.8:
                    col = flat[:, row % c]
                    thr[row, lv] = int(col[r(0, len(col) - 1)]) + r(-1, 1) * (
                        rng.random() < 0.3)
                else:
                    thr[row, lv] = [eo.qmin - 1, eo.qmin, eo.qmax,
                                    eo.qmax + 1][r(0, 3)]
            thr[row].sort()
        out = B.BIN if levels == 1 else U2
        tc = b.iconst(thr, "i32")
        b.emit("%s = lowbit.threshold %s, %s : %s, %s -> %s" % (
            res, y, tc, B.tensor_str(shape, eo),
            B.tensor_str(thr.shape, "i32"), B.tensor_str(shape, out)))
        t = np.broadcast_to(thr, (c, levels))
        expected = {}
        for m, v in stored.items():
            count = (v[..., None] >= t).sum(axis=-1)
            expected[m] = np.where(count == 1, 1, -1) if levels == 1 \
                else count
        desc += " -> threshold %dx%d" % thr.shape
    b.comment(label + ": " + desc)
    inputs = {"input": x, "weights": wt, "bias": bias, "acc": acc,
              "stored_fixed": stored["fixed"],
              "stored_float": stored["float"]}
    b.print_dequant(res, shape, out, expected, label, desc, inputs)


def generate(b, rng):
    for i in range(40):
        graph(b, rng, "graph%d" % i)


def check_fused(prefix, path):
    """Every graph ends in one lowbit.threshold on an i32 accumulator whose
    producer has no bias or activation, and no requantized result is
    compared any more."""
    with open(prefix + ".json") as f:
        graphs = json.load(f)["outputs"]
    text = open(path).read()
    ends = re.findall(r"= (lowbit\.(?:threshold|sign) [^\n]*)", text)
    errors = []
    if len(ends) != len(graphs):
        errors.append("%d lowbit.threshold/sign ops, expected %d" % (
            len(ends), len(graphs)))
    for g, end in zip(graphs, ends):
        if not end.startswith("lowbit.threshold") or \
                "!quant.uniform<i32" not in end.split(":")[1]:
            errors.append("%s not fused: %s\n    graph: %s" % (
                g["label"], end[:120], g["desc"]))
    prods = re.findall(r"= (lowbit\.(?:matmul|conv2d) [^\n]*)", text)
    for p in prods:
        if "!quant.uniform<i32" not in p.split("->")[-1]:
            errors.append("producer not turned into an accumulator: " +
                          p[:160])
        elif " bias " in p or " act(" in p:
            errors.append("fused producer keeps a bias/activation: " + p)
    return B.report_ir_check(
        errors, path,
        "fused IR ok: %d graphs, each one lowbit.threshold on an i32 "
        "accumulator" % len(graphs))


if __name__ == "__main__":
    B.main(generate, seed=4242, extra_checks={"fused": check_fused})
