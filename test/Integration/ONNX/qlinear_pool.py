# onnxruntime's com.microsoft QLinearAveragePool and QLinearGlobalAveragePool
# (uint8 and int8; padding with and without count_include_pad; strides)
# generated here and compared through the C ABI, bit for bit, with a numpy
# implementation of onnxruntime's definition: dequantize
# (x_scale * (x - x_zero_point), float32), average the window's taps in
# float32 (row-major sum divided by the tap count), quantize once:
# saturate(round_half_even(avg / y_scale) + y_zero_point). The inputs make
# many averages land exactly on .5 of the output grid, where rounding half
# to even and half away from zero differ.
#
# ONNX_TESTS=name1,name2 runs a subset, ONNX_TARGETS=x86-64 one target.
#
# RUN: %python %s %t lowbit-compile

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

import onnxtest  # noqa: E402

F32 = np.float32
MS = "com.microsoft"
RNG = np.random.default_rng(1129)


def reference(x, xs, xz, ys, yz, kernel, strides, pads, count_include_pad,
              dtype):
    """x NCHW integers -> y NCHW integers (see the top)."""
    real = (F32(xs) * (x.astype(F32) - F32(xz))).astype(F32)
    n, c, h, w = x.shape
    top, left, bottom, right = pads
    oh = (h + top + bottom - kernel[0]) // strides[0] + 1
    ow = (w + left + right - kernel[1]) // strides[1] + 1
    y = np.zeros((n, c, oh, ow), F32)
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * strides[0] - top, j * strides[1] - left
            h1, w1 = h0 + kernel[0], w0 + kernel[1]
            acc = np.zeros((n, c), F32)
            for hh in range(max(h0, 0), min(h1, h)):
                for ww in range(max(w0, 0), min(w1, w)):
                    acc = (acc + real[:, :, hh, ww]).astype(F32)
            count = kernel[0] * kernel[1] if count_include_pad else \
                (min(h1, h) - max(h0, 0)) * (min(w1, w) - max(w0, 0))
            y[:, :, i, j] = acc / F32(count)
    info = np.iinfo(dtype)
    q = np.round(y / F32(ys)) + yz
    return np.clip(q, info.min, info.max).astype(dtype)


def make_case(root, name, x, xs, xz, ys, yz, global_pool, kernel=None,
              strides=(1, 1), pads=(0, 0, 0, 0), count_include_pad=0):
    dtype = x.dtype
    inits = [numpy_helper.from_array(np.array(xs, F32), "x_scale"),
             numpy_helper.from_array(np.array(xz, dtype), "x_zero_point"),
             numpy_helper.from_array(np.array(ys, F32), "y_scale"),
             numpy_helper.from_array(np.array(yz, dtype), "y_zero_point")]
    ins = ["x", "x_scale", "x_zero_point", "y_scale", "y_zero_point"]
    if global_pool:
        node = helper.make_node("QLinearGlobalAveragePool", ins, ["y"],
                                name="pool", domain=MS)
        kernel = x.shape[2:]
        strides, pads, count_include_pad = (1, 1), (0, 0, 0, 0), 0
    else:
        # ONNX pads are [top, left, bottom, right].
        node = helper.make_node(
            "QLinearAveragePool", ins, ["y"], name="pool", domain=MS,
            kernel_shape=list(kernel), strides=list(strides),
            pads=list(pads), count_include_pad=count_include_pad)
    ref = reference(x, xs, xz, ys, yz, kernel, strides, pads,
                    count_include_pad, dtype)
    return onnxtest.write_graph_case(
        root, name, [node], inits, x, ref,
        "lowbit test/Integration/ONNX/qlinear_pool.py",
        opsets=(("", 13), (MS, 1)))


def main():
    root = onnxtest.case_root(sys.argv)
    groups = {}
    # Even input values with scale 0.5 and output scale 1: window sums of
    # two taps land on .5 steps.
    u8 = (RNG.integers(0, 128, size=(2, 3, 6, 7)) * 2 + 1).astype(np.uint8)
    i8 = RNG.integers(-128, 128, size=(1, 4, 5, 5)).astype(np.int8)
    for name, x, xs, xz, ys, yz, kw in [
            ("u8_k2", u8, 0.5, 3, 1.0, 2,
             dict(kernel=(1, 2), strides=(1, 1))),
            ("u8_k3_pad", u8, 0.25, 0, 0.5, 10,
             dict(kernel=(3, 3), strides=(2, 2), pads=(1, 1, 1, 1))),
            ("u8_k3_pad_include", u8, 0.25, 0, 0.5, 10,
             dict(kernel=(3, 3), strides=(2, 2), pads=(1, 1, 1, 1),
                  count_include_pad=1)),
            ("i8_k2_s2", i8, 0.1, -5, 0.2, 3,
             dict(kernel=(2, 2), strides=(2, 2))),
    ]:
        groups[make_case(root, "test_qlinearaveragepool_" + name, x, xs, xz,
                         ys, yz, False, **kw)] = "QLinearAveragePool"
    for name, x, xs, xz, ys, yz in [("u8", u8, 0.5, 1, 0.5, 0),
                                    ("i8", i8, 0.05, 7, 0.1, -1)]:
        groups[make_case(root, "test_qlinearglobalaveragepool_" + name, x,
                         xs, xz, ys, yz, True)] = "QLinearGlobalAveragePool"
    onnxtest.main(sys.argv, [os.path.join(root, n) for n in groups],
                  group_of=lambda c: groups[c.name],
                  order=["QLinearAveragePool", "QLinearGlobalAveragePool"],
                  targets=("x86-64", "aarch64"),
                  title="com.microsoft quantized pools")


main()
