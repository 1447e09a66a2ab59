# Small int8 per-op models compiled ahead of time for x86-64 and AArch64
# agree bit for bit with the JIT on fixed inputs (see aot.py): requantize
# i8 -> i4 and u4 (packed outputs, one with an odd element count), add with
# broadcasting and act(relu), mul (plain and act(clamp)), matmul of int8
# activations with per-channel narrow int8 weights and an i32 bias, conv2d
# with padding, per-channel weights, bias and groups 2, a depthwise conv2d
# (channel multiplier 2, stride 2), avg_pool2d (with and without
# count_include_pad) and max_pool2d with padding. Requantization: the
# default (fixed point). Also run with each set of int8 dot-product kernels
# the host can run (x86-64 VNNI/AVX2, AArch64 dotprod).
#
# RUN: %python %s %t %mlir_lib_dir lowbit-compile lowbit-opt mlir-runner

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import aot  # noqa: E402
from aot import ttype as T  # noqa: E402

rng = np.random.default_rng(20240611)
A = "!quant.uniform<i8:f32, 0.05:-3>"
B = "!quant.uniform<i8:f32, 0.1:2>"
O = "!quant.uniform<i8:f32, 0.15:-10>"
I4 = "!quant.uniform<i4:f32, 0.3:1>"
U4 = "!quant.uniform<u4:f32, 0.2:8>"
W8 = "i8<-127:127>"

F = []

F.append("""  func.func @requant_i4(%%x: %s) -> (%s, %s) {
    %%a = lowbit.requantize %%x : %s -> %s
    %%b = lowbit.requantize %%x : %s -> %s
    return %%a, %%b : %s, %s
  }""" % (T([4, 16], A), T([4, 16], I4), T([4, 16], U4),
          T([4, 16], A), T([4, 16], I4), T([4, 16], A), T([4, 16], U4),
          T([4, 16], I4), T([4, 16], U4)))

F.append("""  func.func @requant_i4_odd(%%x: %s) -> %s {
    %%a = lowbit.requantize %%x : %s -> %s
    return %%a : %s
  }""" % (T([3, 5], A), T([3, 5], I4), T([3, 5], A), T([3, 5], I4),
          T([3, 5], I4)))

F.append("""  func.func @add_relu(%%a: %s, %%b: %s) -> %s {
    %%r = lowbit.add %%a, %%b act(relu) : %s, %s -> %s
    return %%r : %s
  }""" % (T([2, 4, 16], A), T([16], B), T([2, 4, 16], O),
          T([2, 4, 16], A), T([16], B), T([2, 4, 16], O), T([2, 4, 16], O)))

M = "!quant.uniform<i8:f32, 0.25:5>"
F.append("""  func.func @mul(%%a: %s, %%b: %s) -> (%s, %s) {
    %%r = lowbit.mul %%a, %%b : %s, %s -> %s
    %%c = lowbit.mul %%a, %%b act(clamp, -2.5, 4.0) : %s, %s -> %s
    return %%r, %%c : %s, %s
  }""" % ((T([4, 16], A), T([4, 16], B), T([4, 16], M), T([4, 16], O)) +
          (T([4, 16], A), T([4, 16], B), T([4, 16], M)) +
          (T([4, 16], A), T([4, 16], B), T([4, 16], O)) +
          (T([4, 16], M), T([4, 16], O))))

# matmul: int8 activations x per-channel narrow int8 weights + i32 bias.
ws = [round(float(s), 4) for s in rng.uniform(0.002, 0.02, 16)]
WT = aot.per_axis(W8, 1, ws)
BT = aot.per_axis("i32", 0, [0.05 * s for s in ws])
F.append("""  func.func @matmul_i8(%%x: %s) -> %s {
    %s
    %s
    %%r = lowbit.matmul %%x, %%w bias %%b : %s, %s, %s -> %s
    return %%r : %s
  }""" % (T([5, 64], A), T([5, 16], O),
          aot.qconst("w", rng, [64, 16], WT),
          "%%b = lowbit.constant %s : %s as %s" % (
              aot.dense(rng.integers(-2000, 2000, 16), [16]),
              T([16], "i32"), T([16], BT)),
          T([5, 64], A), T([64, 16], WT), T([16], BT), T([5, 16], O),
          T([5, 16], O)))

# conv2d: padding 1, groups 2, per-channel weights, bias, relu.
cs = [round(float(s), 4) for s in rng.uniform(0.005, 0.03, 8)]
CW = aot.per_axis(W8, 0, cs)
CB = aot.per_axis("i32", 0, [0.05 * s for s in cs])
F.append("""  func.func @conv_groups(%%x: %s) -> %s {
    %s
    %s
    %%r = lowbit.conv2d %%x, %%w bias %%b padding [1, 1, 1, 1] groups 2 act(relu)
        : %s, %s, %s -> %s
    return %%r : %s
  }""" % (T([1, 8, 8, 8], A), T([1, 8, 8, 8], O),
          aot.qconst("w", rng, [8, 3, 3, 4], CW),
          "%%b = lowbit.constant %s : %s as %s" % (
              aot.dense(rng.integers(-3000, 3000, 8), [8]),
              T([8], "i32"), T([8], CB)),
          T([1, 8, 8, 8], A), T([8, 3, 3, 4], CW), T([8], CB),
          T([1, 8, 8, 8], O), T([1, 8, 8, 8], O)))

# Depthwise conv2d, channel multiplier 2, stride 2, per-tensor weights.
DW = "!quant.uniform<i8:f32, 0.02>"
F.append("""  func.func @conv_depthwise(%%x: %s) -> %s {
    %s
    %%r = lowbit.conv2d %%x, %%w strides [2, 2] padding [1, 1, 1, 1] groups 4
        : %s, %s -> %s
    return %%r : %s
  }""" % (T([1, 9, 9, 4], A), T([1, 5, 5, 8], O),
          aot.qconst("w", rng, [8, 3, 3, 1], DW),
          T([1, 9, 9, 4], A), T([8, 3, 3, 1], DW), T([1, 5, 5, 8], O),
          T([1, 5, 5, 8], O)))

X, Y = T([1, 8, 8, 8], A), T([1, 4, 4, 8], A)
F.append("""  func.func @pools(%%x: %s) -> (%s, %s, %s) {
    %%a = lowbit.avg_pool2d %%x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : %s -> %s
    %%b = lowbit.avg_pool2d %%x kernel [2, 2] padding [1, 0, 1, 0] count_include_pad : %s -> %s
    %%c = lowbit.max_pool2d %%x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : %s -> %s
    return %%a, %%b, %%c : %s, %s, %s
  }""" % (X, Y, Y, Y, X, Y, X, Y, X, Y, Y, Y, Y))

aot.run(sys.argv, [aot.Model("ops_int8", aot.module(F))],
        what="module", kernel_variants=True)
