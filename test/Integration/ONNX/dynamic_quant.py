# Dynamically quantized layers as onnxruntime's quantize_dynamic writes
# them: DynamicQuantizeLinear of the float activation (its scale and zero
# point computed at run time from each call's min/max), MatMulInteger or
# ConvInteger of the uint8 activation and the int8/uint8 weights with the
# run-time zero point, Cast to float, and the rescale by the product of the
# two scales (+ bias).
# The models are generated here; the reference is numpy following the ONNX
# definitions of those ops in float32 and integers. Compiled for x86-64 and
# AArch64 (under qemu, skipped with a message when the cross tools are
# missing) and compared through the C ABI by onnxtest.py (1e-5 relative).
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

F32 = np.float32
RNG = np.random.default_rng(29)


def dynamic_quantize(x):
    """ONNX DynamicQuantizeLinear: (y uint8, scale f32, zero point uint8)."""
    lo = min(F32(0), x.min())
    hi = max(F32(0), x.max())
    scale = F32((hi - lo) / F32(255))
    zp = np.uint8(np.clip(np.round((F32(0) - lo) / scale), 0, 255))
    y = np.clip(np.round(x / scale) + F32(zp), 0, 255).astype(np.uint8)
    return y, scale, zp


def dynamic_layer(root, name, x, op, w_q, w_scale, w_zp, integer_ref,
                  bias=None, **attrs):
    """DynamicQuantizeLinear -> `op` (MatMulInteger or ConvInteger, with the
    run-time zero point; attributes `attrs`) -> Cast -> Mul(x_scale *
    W_scale) [-> Add(bias)]. integer_ref(centered x) is the exact int64
    result of `op`."""
    xq, xs, xz = dynamic_quantize(x)
    acc = integer_ref(xq.astype(np.int64) - np.int64(xz))
    scale = F32(xs * F32(w_scale))
    ref = (acc.astype(F32) * scale).astype(F32)
    if bias is not None:
        ref = (ref + bias).astype(F32)
    inits = [numpy_helper.from_array(w_q, "W"),
             numpy_helper.from_array(np.array(w_scale, F32), "W_scale"),
             numpy_helper.from_array(w_zp, "W_zero_point")]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"],
                         ["x_q", "x_scale", "x_zero_point"], name="dql"),
        helper.make_node(op, ["x_q", "W", "x_zero_point", "W_zero_point"],
                         ["acc"], name="integer", **attrs),
        helper.make_node("Cast", ["acc"], ["acc_f"], to=TensorProto.FLOAT,
                         name="cast"),
        helper.make_node("Mul", ["x_scale", "W_scale"], ["scale"],
                         name="scale"),
        helper.make_node("Mul", ["acc_f", "scale"],
                         ["y" if bias is None else "y0"], name="rescale"),
    ]
    if bias is not None:
        inits.append(numpy_helper.from_array(bias, "B"))
        nodes.append(helper.make_node("Add", ["y0", "B"], ["y"], name="bias"))
    return onnxtest.write_graph_case(
        root, name, nodes, inits, x, ref,
        "lowbit test/Integration/ONNX/dynamic_quant.py")


def make_case(root, name, x, w_q, w_scale, w_zp, bias):
    """MatMulInteger; w_zp one value or one per column."""
    wc = w_q.astype(np.int64) - w_zp.astype(np.int64)
    return dynamic_layer(root, name, x, "MatMulInteger", w_q, w_scale, w_zp,
                         lambda xc: np.matmul(xc, wc), bias)


def make_conv_case(root, name, x, w_q, w_scale, w_zp, pads, strides, group):
    """ConvInteger (NCHW x OIHW); w_zp one value or one per output
    channel."""
    wc = w_q.astype(np.int64) - w_zp.astype(np.int64).reshape(-1, 1, 1, 1)
    o, cg, kh, kw = w_q.shape

    def conv(xc):
        top, left, bottom, right = pads
        xc = np.pad(xc, ((0, 0), (0, 0), (top, bottom), (left, right)))
        n, c, h, w = xc.shape
        oh, ow = (h - kh) // strides[0] + 1, (w - kw) // strides[1] + 1
        acc = np.zeros((n, o, oh, ow), np.int64)
        per = o // group
        for g in range(group):
            for i in range(kh):
                for j in range(kw):
                    patch = xc[:, g * cg:(g + 1) * cg,
                               i:i + strides[0] * oh:strides[0],
                               j:j + strides[1] * ow:strides[1]]
                    acc[:, g * per:(g + 1) * per] += np.einsum(
                        "nchw,oc->nohw", patch,
                        wc[g * per:(g + 1) * per, :, i, j])
        return acc

    return dynamic_layer(root, name, x, "ConvInteger", w_q, w_scale, w_zp,
                         conv, pads=list(pads), strides=list(strides),
                         group=group, kernel_shape=[kh, kw])


def make_static_case(root, name):
    """uint8 input, MatMulInteger with constant zero points, Cast to float
    (the int32 accumulator read as numbers)."""
    x = RNG.integers(0, 256, size=(3, 10)).astype(np.uint8)
    w = RNG.integers(-128, 128, size=(10, 4)).astype(np.int8)
    ref = ((x.astype(np.int64) - 17) @ (w.astype(np.int64) + 2)).astype(F32)
    inits = [numpy_helper.from_array(w, "W"),
             numpy_helper.from_array(np.array(17, np.uint8), "x_zero_point"),
             numpy_helper.from_array(np.array(-2, np.int8), "W_zero_point")]
    nodes = [helper.make_node("MatMulInteger", ["x", "W", "x_zero_point",
                                                "W_zero_point"], ["acc"],
                              name="mmi"),
             helper.make_node("Cast", ["acc"], ["y"], to=TensorProto.FLOAT,
                              name="cast")]
    return onnxtest.write_graph_case(
        root, name, nodes, inits, x, ref,
        "lowbit test/Integration/ONNX/dynamic_quant.py")


def main():
    root = onnxtest.case_root(sys.argv)
    names = []
    x2 = RNG.normal(size=(4, 24)).astype(F32)
    x3 = RNG.uniform(-1, 3, size=(2, 5, 24)).astype(F32)
    xpos = RNG.uniform(0.5, 2, size=(3, 24)).astype(F32)  # min(0, x) = 0
    w_i8 = RNG.integers(-127, 128, size=(24, 8)).astype(np.int8)
    w_u8 = RNG.integers(0, 256, size=(24, 8)).astype(np.uint8)
    bias = RNG.normal(size=(8,)).astype(F32)
    names.append(make_case(root, "test_dynamic_matmul_s8", x2, w_i8, 0.02,
                           np.array(0, np.int8), bias))
    names.append(make_case(root, "test_dynamic_matmul_u8_per_column", x2,
                           w_u8, 0.01,
                           RNG.integers(100, 150, size=(8,)).astype(np.uint8),
                           None))
    names.append(make_case(root, "test_dynamic_matmul_3d", x3, w_i8, 0.05,
                           np.array(3, np.int8), bias))
    names.append(make_case(root, "test_dynamic_matmul_positive", xpos, w_i8,
                           0.02, np.array(0, np.int8), None))
    xc = RNG.normal(size=(1, 4, 7, 6)).astype(F32)
    w_c = RNG.integers(-127, 128, size=(6, 4, 3, 3)).astype(np.int8)
    names.append(make_conv_case(root, "test_dynamic_conv_pad", xc, w_c, 0.01,
                                np.array(0, np.int8), (1, 1, 1, 1), (1, 1),
                                1))
    w_g = RNG.integers(0, 256, size=(8, 2, 3, 3)).astype(np.uint8)
    names.append(make_conv_case(
        root, "test_dynamic_conv_grouped_u8", xc, w_g, 0.02,
        RNG.integers(120, 136, size=(8,)).astype(np.uint8), (0, 1, 2, 1),
        (2, 1), 2))
    names.append(make_static_case(root, "test_static_matmulinteger_cast"))
    onnxtest.main(sys.argv, [os.path.join(root, n) for n in names],
                  group_of=lambda c: "dynamic " + (
                      "ConvInteger" if "ConvInteger" in c.ops
                      else "MatMulInteger"),
                  targets=("x86-64", "aarch64"),
                  title="dynamically quantized layers")


main()
