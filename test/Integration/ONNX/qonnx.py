# QONNX models (IntQuant/Quant, BipolarQuant, MultiThreshold, Trunc v1/v2,
# FloatQuant, in the qonnx.custom_op.general, finn.custom_op.general and
# onnx.brevitas domains) generated here, with reference outputs computed by
# the numpy implementation of the QONNX operator definitions below, then
# compiled with lowbit-compile for x86-64 and AArch64 (under qemu, skipped
# with a message when the cross tools are missing) and compared through the
# C ABI by the harness in onnxtest.py. Single quantizers give grid values,
# so any wrong rounding is a whole grid step, far outside the harness's
# 1e-5 relative tolerance; layers (Conv, Gemm, MatMul on quantized
# operands) are compared with the same tolerance against float64 sums.
#
# The inputs are drawn on and next to the rounding ties of each grid
# (x = (k + 0.5) * scale, and +-1 ulp from it), where a wrong rounding mode,
# zero-point order or clamp shows.
#
# ONNX_TESTS=name1,name2 runs a subset, ONNX_TARGETS=x86-64 one target.
#
# RUN: %python %s %t lowbit-compile

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import onnxtest  # noqa: E402

QONNX = "qonnx.custom_op.general"
FINN = "finn.custom_op.general"
BREVITAS = "onnx.brevitas"
F32 = np.float32

# --------------------------------------------------------------------------
# Reference: the QONNX operator definitions, in float32 like QONNX's own
# execution (X / scale etc. are float32 operations).
# --------------------------------------------------------------------------


def round_mode(y, mode):
    mode = mode.upper()
    if mode in ("ROUND", "HALF_EVEN"):
        return np.round(y)  # half to even
    if mode == "CEIL":
        return np.ceil(y)
    if mode == "FLOOR":
        return np.floor(y)
    if mode == "UP":  # away from zero
        return np.sign(y) * np.ceil(np.abs(y))
    if mode == "DOWN":  # toward zero
        return np.trunc(y)
    if mode == "HALF_UP":
        return np.sign(y) * np.floor(np.abs(y) + F32(0.5))
    if mode == "HALF_DOWN":
        return np.sign(y) * np.ceil(np.abs(y) - F32(0.5))
    raise ValueError(mode)


def int_range(bits, signed, narrow):
    if signed:
        return -(2 ** (bits - 1)) + int(narrow), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - int(narrow)


def ref_intquant(x, scale, zp, bits, signed=1, narrow=0, mode="ROUND"):
    x, scale, zp = F32(x), F32(scale), F32(zp)
    y = x / scale + zp
    if bits == 1 and signed:
        y = np.where(y >= 0, F32(1), F32(-1))
    else:
        lo, hi = int_range(bits, signed, narrow)
        y = round_mode(np.clip(y, F32(lo), F32(hi)), mode)
    return ((y - zp) * scale).astype(F32)


def ref_bipolar(x, scale):
    return (np.where(F32(x) >= 0, F32(1), F32(-1)) * F32(scale)).astype(F32)


def ref_multithreshold(x, t, out_scale=1.0, out_bias=0.0, layout="NCHW"):
    x = F32(x)
    xm = x if layout[-1] == "C" else np.moveaxis(x, 1, -1)
    n = (xm[..., None] >= F32(t)).sum(-1).astype(F32)
    if layout[-1] != "C":
        n = np.moveaxis(n, -1, 1)
    return (F32(out_scale) * n + F32(out_bias)).astype(F32)


def ref_trunc_v2(x, scale, zp, out_scale, out_bits, signed=1, narrow=0,
                 mode="FLOOR"):
    x, scale, zp, out_scale = F32(x), F32(scale), F32(zp), F32(out_scale)
    y = np.round(x / scale + zp)
    t = F32(2.0) ** np.round(np.log2(out_scale / scale))
    y = y / t
    lo, hi = int_range(out_bits, signed, narrow)
    y = round_mode(np.clip(y, F32(lo), F32(hi)), mode)
    return ((y - zp / t) * out_scale).astype(F32)


def ref_trunc_v1(x, scale, zp, in_bits, out_bits, mode="FLOOR"):
    x, scale, zp = F32(x), F32(scale), F32(zp)
    y = np.round(x / scale + zp)
    y = round_mode(y / F32(2.0 ** (in_bits - out_bits)), mode)
    return ((y - zp) * scale).astype(F32)


def fp8_grid(mantissa, bias, max_val):
    """All non-negative values of a minifloat with subnormals."""
    vals = {0.0}
    for e in range(0, 40):
        for m in range(2 ** mantissa):
            if e == 0:
                v = m * 2.0 ** (1 - bias - mantissa)
            else:
                v = (1 + m / 2 ** mantissa) * 2.0 ** (e - bias)
            if v <= max_val:
                vals.add(v)
    return np.array(sorted(vals))


def ref_floatquant(x, scale, mantissa, bias, max_val):
    """Round x / scale to the nearest grid value (ties to the even
    mantissa), saturate to max_val, times scale."""
    grid = fp8_grid(mantissa, bias, max_val)
    y = np.abs(F32(x) / F32(scale)).astype(np.float64)
    i = np.clip(np.searchsorted(grid, y), 1, len(grid) - 1)
    lo, hi = grid[i - 1], grid[i]
    # Even mantissa: the index parity of the grid within a binade is the
    # mantissa parity, which holds for the sorted grid from 0.
    pick_hi = (y - lo > hi - y) | ((y - lo == hi - y) & (i % 2 == 0))
    q = np.where(y >= grid[-1], grid[-1], np.where(pick_hi, hi, lo))
    return (np.sign(x) * q * np.float64(scale)).astype(F32)


def conv2d(x, w, pads, group=1):
    """NCHW x OIHW cross-correlation in float64, stride 1."""
    top, left, bottom, right = pads
    x = np.pad(x.astype(np.float64),
               ((0, 0), (0, 0), (top, bottom), (left, right)))
    o, cg, kh, kw = w.shape
    oh, ow = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    out = np.zeros((x.shape[0], o, oh, ow))
    per = o // group
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                out[:, g * per:(g + 1) * per] += np.einsum(
                    "nchw,oc->nohw", xs[:, :, i:i + oh, j:j + ow],
                    w[g * per:(g + 1) * per, :, i, j].astype(np.float64))
    return out.astype(F32)


# --------------------------------------------------------------------------
# Inputs near rounding ties
# --------------------------------------------------------------------------

RNG = np.random.default_rng(20261129)


def near_ties(shape, scale, lo, hi):
    """Values (k + 0.5) * scale, k * scale, and their float32 neighbours,
    for k in [lo - 1, hi + 1] (so saturation is reached too)."""
    k = RNG.integers(lo - 2, hi + 2, size=shape).astype(F32)
    frac = RNG.choice(np.array([0.5, 0.0, 0.25, 0.75], F32), size=shape)
    x = (k + frac) * F32(scale)
    nudge = RNG.integers(-1, 2, size=shape)
    x = np.where(nudge < 0, np.nextafter(x, F32(-np.inf)), x)
    x = np.where(nudge > 0, np.nextafter(x, F32(np.inf)), x)
    return x.astype(F32)


# --------------------------------------------------------------------------
# Model construction
# --------------------------------------------------------------------------


class Graph:
    def __init__(self):
        self.nodes, self.inits = [], []
        self.n = 0

    def const(self, value, dtype=F32):
        self.n += 1
        name = "c%d" % self.n
        self.inits.append(numpy_helper.from_array(
            np.asarray(value, dtype=dtype), name))
        return name

    def node(self, op, inputs, domain="", **attrs):
        self.n += 1
        out = "t%d" % self.n
        self.nodes.append(helper.make_node(op, inputs, [out],
                                           name="%s_%d" % (op, self.n),
                                           domain=domain, **attrs))
        return out


def save_case(root, name, graph, inputs, output, ref, domains=(QONNX,)):
    """Writes root/name/{model.onnx,test_data_set_0/*.pb}."""
    g_inputs = [helper.make_tensor_value_info(k, TensorProto.FLOAT,
                                              list(v.shape))
                for k, v in inputs.items()]
    g_out = helper.make_tensor_value_info(output, TensorProto.FLOAT,
                                          list(ref.shape))
    model = helper.make_model(
        helper.make_graph(graph.nodes, name, g_inputs, [g_out],
                          initializer=graph.inits),
        producer_name="lowbit test/Integration/ONNX/qonnx.py",
        opset_imports=[helper.make_opsetid("", 13)] +
        [helper.make_opsetid(dom, 1) for dom in domains])
    onnxtest.write_case(os.path.join(root, name), model,
                        list(inputs.items()), [(output, ref.astype(F32))])


def cases(root):
    """Generates every case; returns {name: group}."""
    groups = {}

    def add(group, name, graph, inputs, output, ref, domains=(QONNX,)):
        save_case(root, "test_qonnx_" + name, graph, inputs, output, ref,
                  domains)
        groups["test_qonnx_" + name] = group

    # IntQuant on activations: widths, signedness, narrow range, every
    # rounding mode, zero points, per channel; the old name Quant and the
    # FINN / Brevitas domains.
    shape = (2, 3, 4, 5)
    for bits, signed, narrow, zp, mode, op, dom in [
            (8, 1, 0, 0, "ROUND", "IntQuant", QONNX),
            (8, 0, 0, 0, "ROUND", "IntQuant", QONNX),
            (8, 0, 0, 7, "ROUND", "IntQuant", QONNX),
            (4, 1, 0, 0, "ROUND", "Quant", QONNX),
            (4, 1, 1, 0, "ROUND", "Quant", BREVITAS),
            (4, 0, 1, 0, "ROUND", "IntQuant", FINN),
            (2, 1, 1, 0, "ROUND", "IntQuant", QONNX),   # ternary
            (3, 0, 0, 2, "HALF_EVEN", "IntQuant", QONNX),
            (16, 1, 0, 0, "ROUND", "IntQuant", QONNX),
            (5, 1, 0, -3, "FLOOR", "IntQuant", QONNX),
            (5, 1, 0, 0, "CEIL", "IntQuant", QONNX),
            (5, 1, 0, 0, "UP", "IntQuant", QONNX),
            (5, 1, 0, 0, "DOWN", "IntQuant", QONNX),
            (5, 1, 0, 1, "HALF_UP", "IntQuant", QONNX),
            (5, 1, 0, 0, "HALF_DOWN", "IntQuant", QONNX)]:
        scale = 0.0625 if bits != 16 else 0.001
        lo, hi = int_range(bits, signed, narrow)
        x = near_ties(shape, scale, lo - zp, min(hi - zp, 300))
        g = Graph()
        out = g.node(op, ["x", g.const(scale), g.const(zp), g.const(bits)],
                     domain=dom, signed=signed, narrow=narrow,
                     rounding_mode=mode)
        ref = ref_intquant(x, scale, zp, bits, signed, narrow, mode)
        add("IntQuant", "intquant_%s%d%s_zp%d_%s_%s" % (
            "s" if signed else "u", bits, "n" if narrow else "", zp,
            mode.lower(), dom.split(".")[0]), g, {"x": x}, out, ref, (dom,))

    # Per-channel activation scales (axis 1 of NCHW) with zero points.
    scales = np.array([0.05, 0.1, 0.2], F32).reshape(1, 3, 1, 1)
    zps = np.array([0, 3, 9], F32).reshape(1, 3, 1, 1)
    x = near_ties(shape, 0.05, -20, 40)
    for mode in ("ROUND", "FLOOR"):
        g = Graph()
        out = g.node("IntQuant", ["x", g.const(scales), g.const(zps),
                                  g.const(4)],
                     domain=QONNX, signed=0, rounding_mode=mode)
        add("IntQuant", "intquant_u4_per_channel_" + mode.lower(), g,
            {"x": x}, out, ref_intquant(x, scales, zps, 4, 0, 0, mode))

    # 1-bit signed IntQuant (bipolar) and BipolarQuant.
    x = near_ties(shape, 0.25, -4, 4)
    g = Graph()
    out = g.node("IntQuant", ["x", g.const(0.5), g.const(0.0), g.const(1.0)],
                 domain=QONNX)
    add("BipolarQuant", "intquant_1bit", g, {"x": x}, out,
        ref_intquant(x, 0.5, 0.0, 1))
    g = Graph()
    out = g.node("BipolarQuant", ["x", g.const(0.75)], domain=QONNX)
    add("BipolarQuant", "bipolar", g, {"x": x}, out, ref_bipolar(x, 0.75))

    # Layers: quantized activations times IntQuant weights (4 and 2 bits,
    # per output channel), a float result, as Brevitas writes QuantConv2d
    # and QuantLinear.
    x = RNG.uniform(-1, 3, size=(1, 4, 6, 6)).astype(F32)
    w = RNG.normal(size=(8, 4, 3, 3)).astype(F32)
    for wbits in (4, 2):
        ws = (np.abs(w).max(axis=(1, 2, 3)) /
              (2 ** (wbits - 1) - 1)).astype(F32).reshape(8, 1, 1, 1)
        g = Graph()
        xq = g.node("IntQuant", ["x", g.const(0.02), g.const(0.0),
                                 g.const(8)], domain=QONNX, signed=0)
        wq = g.node("IntQuant", [g.const(w), g.const(ws), g.const(0.0),
                                 g.const(wbits)], domain=QONNX, narrow=1)
        out = g.node("Conv", [xq, wq], pads=[1, 1, 1, 1],
                     kernel_shape=[3, 3])
        ref = conv2d(ref_intquant(x, 0.02, 0, 8, 0),
                     ref_intquant(w, ws, 0, wbits, 1, 1), (1, 1, 1, 1))
        add("layers", "conv_u8_w%d" % wbits, g, {"x": x}, out, ref)

    # MLP: 4-bit activations, 4-bit weights, Gemm with bias, Relu, a
    # second quantizer and a MatMul.
    x = RNG.uniform(-2, 2, size=(3, 16)).astype(F32)
    w1 = RNG.normal(size=(12, 16)).astype(F32) / 4
    b1 = RNG.normal(size=(12,)).astype(F32)
    w2 = RNG.normal(size=(12, 5)).astype(F32) / 4
    g = Graph()
    a = g.node("IntQuant", ["x", g.const(0.25), g.const(0.0), g.const(4)],
               domain=QONNX)
    q1 = g.node("IntQuant", [g.const(w1), g.const(0.125), g.const(0.0),
                             g.const(4)], domain=QONNX, narrow=1)
    h = g.node("Gemm", [a, q1, g.const(b1)], transB=1)
    h = g.node("Relu", [h])
    h = g.node("IntQuant", [h, g.const(0.5), g.const(0.0), g.const(4)],
               domain=QONNX, signed=0)
    q2 = g.node("IntQuant", [g.const(w2), g.const(0.125), g.const(0.0),
                             g.const(4)], domain=QONNX, narrow=1)
    out = g.node("MatMul", [h, q2])
    r = ref_intquant(x, 0.25, 0, 4).astype(np.float64) @ \
        ref_intquant(w1, 0.125, 0, 4, 1, 1).T.astype(np.float64) + b1
    r = ref_intquant(np.maximum(r, 0).astype(F32), 0.5, 0, 4, 0)
    r = (r.astype(np.float64) @
         ref_intquant(w2, 0.125, 0, 4, 1, 1).astype(np.float64)).astype(F32)
    add("layers", "mlp_int4", g, {"x": x}, out, r)

    # Binary layers: BipolarQuant activations and weights (per-channel
    # weight scales, XNOR-Net style), zero-padded Conv and a Gemm.
    x = RNG.normal(size=(1, 8, 5, 5)).astype(F32)
    w = RNG.normal(size=(4, 8, 3, 3)).astype(F32)
    alpha = np.abs(w).mean(axis=(1, 2, 3)).astype(F32).reshape(4, 1, 1, 1)
    g = Graph()
    xb = g.node("BipolarQuant", ["x", g.const(1.0)], domain=QONNX)
    wb = g.node("BipolarQuant", [g.const(w), g.const(alpha)], domain=QONNX)
    out = g.node("Conv", [xb, wb], pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    add("layers", "conv_binary", g, {"x": x}, out,
        conv2d(ref_bipolar(x, 1.0), ref_bipolar(w, alpha), (1, 1, 1, 1)))
    x = RNG.normal(size=(2, 64)).astype(F32)
    w = RNG.normal(size=(10, 64)).astype(F32)
    g = Graph()
    xb = g.node("BipolarQuant", ["x", g.const(1.0)], domain=QONNX)
    wb = g.node("BipolarQuant", [g.const(w), g.const(0.5)], domain=QONNX)
    out = g.node("Gemm", [xb, wb], transB=1)
    add("layers", "gemm_binary", g, {"x": x}, out,
        (ref_bipolar(x, 1.0).astype(np.float64) @
         ref_bipolar(w, 0.5).T.astype(np.float64)).astype(F32))

    # MultiThreshold: NCHW and NHWC, per-channel and shared thresholds,
    # unsigned / signed / bipolar output grids, rank 2 and 4, FINN domain.
    def thresholds(c, t, step):
        base = np.sort(RNG.integers(-8, 8, size=(c, t)), axis=1)
        return (base * step + np.arange(t) * step).astype(F32)

    for name, xshape, layout, tshape, out_scale, out_bias, dom in [
            ("nchw_u2", (2, 4, 3, 3), "NCHW", (4, 3), 1.0, 0.0, QONNX),
            ("nchw_shared_s3", (1, 4, 3, 3), "NCHW", (1, 7), 0.5, -2.0,
             QONNX),
            ("nhwc_u4", (1, 3, 3, 4), "NHWC", (4, 15), 0.25, 0.0, FINN),
            ("rank2_bipolar", (3, 6), "NCHW", (6, 1), 2.0, -1.0, QONNX),
            ("nchw_bipolar", (1, 5, 2, 3), "NCHW", (5, 1), 2.0, -1.0,
             QONNX)]:
        t = thresholds(tshape[0], tshape[1], 0.125)
        x = near_ties(xshape, 0.125, -10, 26)
        g = Graph()
        attrs = dict(out_scale=out_scale, out_bias=out_bias,
                     data_layout=layout)
        if dom == FINN:
            attrs["out_dtype"] = "UINT4"
        out = g.node("MultiThreshold", ["x", g.const(t)], domain=dom, **attrs)
        add("MultiThreshold", "multithreshold_" + name, g, {"x": x}, out,
            ref_multithreshold(x, t, out_scale, out_bias, layout), (dom,))

    # Trunc v2 (average-pool outputs) and v1.
    x = near_ties((1, 4, 3, 3), 0.25, -200, 200)
    x = np.round(x / F32(0.25)) * F32(0.25)  # on the input grid
    for mode, signed, narrow, out_scale in [("FLOOR", 1, 0, 2.0),
                                            ("ROUND", 1, 1, 4.0),
                                            ("CEIL", 0, 0, 1.0)]:
        g = Graph()
        out = g.node("Trunc", ["x", g.const(0.25), g.const(0.0),
                               g.const(10.0), g.const(out_scale),
                               g.const(6.0)],
                     domain=QONNX, rounding_mode=mode, signed=signed,
                     narrow=narrow)
        add("Trunc", "trunc_v2_%s_%d%d" % (mode.lower(), signed, narrow), g,
            {"x": x}, out,
            ref_trunc_v2(x, 0.25, 0, out_scale, 6, signed, narrow, mode))
    g = Graph()
    out = g.node("Trunc", ["x", g.const(0.25), g.const(2.0), g.const(10.0),
                           g.const(7.0)], domain=QONNX)
    add("Trunc", "trunc_v1_floor", g, {"x": x}, out,
        ref_trunc_v1(x, 0.25, 2.0, 10, 7))

    # FloatQuant E4M3 (scale 1) and E5M2 (scale 0.5), with saturation and
    # values at midpoints between grid neighbours.
    for name, e, m, bias, max_val, scale in [("e4m3", 4, 3, 7, 448.0, 1.0),
                                             ("e5m2", 5, 2, 15, 57344.0, 0.5)]:
        grid = fp8_grid(m, bias, max_val)
        mids = (grid[1:] + grid[:-1]) / 2
        pick = RNG.choice(np.concatenate([grid, mids, [max_val * 1.5]]),
                          size=(4, 40))
        x = (pick * RNG.choice([-1, 1], size=pick.shape) * scale).astype(F32)
        g = Graph()
        out = g.node("FloatQuant", ["x", g.const(scale), g.const(e),
                                    g.const(m), g.const(bias),
                                    g.const(max_val)], domain=QONNX)
        add("FloatQuant", "floatquant_" + name, g, {"x": x}, out,
            ref_floatquant(x, scale, m, bias, max_val))
    return groups


def main():
    root = onnxtest.case_root(sys.argv)
    groups = cases(root)
    order = ["IntQuant", "BipolarQuant", "layers", "MultiThreshold", "Trunc",
             "FloatQuant"]
    onnxtest.main(sys.argv, [os.path.join(root, n) for n in groups],
                  group_of=lambda c: groups[c.name], order=order,
                  targets=("x86-64", "aarch64"), title="QONNX models")


main()
