# Small sub-byte per-op models compiled ahead of time for x86-64 and AArch64
# agree bit for bit with the JIT on fixed inputs (see aot.py): an int4
# function argument (packed at the boundary) times per-channel int4 weights
# with a bias, int4 + int8 -> int4 with odd element counts (packed tails),
# binary matmul (binary arguments packed at the boundary; K = 128 and K =
# 100, f32 and binary results, per-channel weight scales), binary conv2d
# (one padding, zero padding with stride 2 and a binary result, 40 input
# channels), int8 x ternary weights (i32 and requantized int8 results), a
# ternary argument (2-bit packed) x int8 weights, and requantize to ternary
# (2-bit packed output with a tail); and, in a module of its own, int8 x
# binary with scales that are whole numbers (1.0, 2.0), which the header
# must write as valid C float literals.
#
# RUN: %python %s %t %mlir_lib_dir lowbit-compile lowbit-opt mlir-runner

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import aot  # noqa: E402
from aot import ttype as T  # noqa: E402

rng = np.random.default_rng(7031)
A = "!quant.uniform<i8:f32, 0.05:-3>"
O = "!quant.uniform<i8:f32, 0.15:-10>"
X4 = "!quant.uniform<i4:f32, 0.1:-1>"
BIN = "!lowbit.binary"
TERN = "!quant.uniform<i2<-1:1>:f32, 0.5>"

F = []


def fn(name, args, results, body):
    """args: [(name, type)], results: [(value, type)]."""
    return "  func.func @%s(%s) -> (%s) {\n%s\n    return %s : %s\n  }" % (
        name, ", ".join("%%%s: %s" % a for a in args),
        ", ".join(t for _, t in results),
        "\n".join("    " + l for l in body),
        ", ".join("%%%s" % v for v, _ in results),
        ", ".join(t for _, t in results))


def bias(name, n, scales):
    bt = aot.per_axis("i32", 0, scales) if isinstance(scales, list) else \
        "!quant.uniform<i32:f32, %r>" % scales
    return ("%%%s = lowbit.constant %s : %s as %s" % (
        name, aot.dense(rng.integers(-500, 500, n), [n]), T([n], "i32"),
        T([n], bt)), T([n], bt))


# int4 argument x per-channel int4 weights + bias -> int8.
s4 = [0.25, 0.125, 0.5, 0.0625, 0.375, 0.2, 0.3, 0.15]
W4 = aot.per_axis("i4", 1, s4)
b, BT = bias("b", 8, [0.1 * s for s in s4])
F.append(fn("matmul_i4", [("x", T([4, 32], X4))], [("r", T([4, 8], O))], [
    aot.qconst("w", rng, [32, 8], W4), b,
    "%%r = lowbit.matmul %%x, %%w bias %%b act(relu) : %s, %s, %s -> %s" % (
        T([4, 32], X4), T([32, 8], W4), BT, T([4, 8], O))]))

# int4 + int8 -> int4, 15 elements (packed tails in and out).
R4 = "!quant.uniform<i4:f32, 0.25>"
F.append(fn("add_i4_odd", [("a", T([3, 5], X4)), ("b", T([3, 5], A))],
            [("r", T([3, 5], R4))], [
    "%%r = lowbit.add %%a, %%b : %s, %s -> %s" % (
        T([3, 5], X4), T([3, 5], A), T([3, 5], R4))]))

# Binary matmul, both operands arguments: f32 and binary results.
F.append(fn("bmatmul", [("x", T([4, 128], BIN)), ("w", T([128, 16], BIN))],
            [("r", T([4, 16], "f32")), ("s", T([4, 16], BIN))], [
    "%%r = lowbit.matmul %%x, %%w : %s, %s -> %s" % (
        T([4, 128], BIN), T([128, 16], BIN), T([4, 16], "f32")),
    "%%s = lowbit.matmul %%x, %%w : %s, %s -> %s" % (
        T([4, 128], BIN), T([128, 16], BIN), T([4, 16], BIN))]))

# K = 100 (a partial word), per-channel weight scales on a binary argument.
WB = "!lowbit.binary<f32:1, {0.5, 0.25, 0.125, 1.5, 0.75}>"
F.append(fn("bmatmul_tail", [("x", T([3, 100], BIN)), ("w", T([100, 5], WB))],
            [("r", T([3, 5], "f32"))], [
    "%%r = lowbit.matmul %%x, %%w : %s, %s -> %s" % (
        T([3, 100], BIN), T([100, 5], WB), T([3, 5], "f32"))]))

# Binary conv2d: one padding (f32 result), zero padding + stride 2 (binary
# result), 40 channels.
XB, WC = T([1, 6, 6, 40], BIN), T([16, 3, 3, 40], BIN)
F.append(fn("bconv", [("x", XB), ("w", WC)],
            [("r", T([1, 6, 6, 16], "f32")), ("s", T([1, 3, 3, 16], BIN))], [
    "%%r = lowbit.conv2d %%x, %%w padding [1, 1, 1, 1] pad_value one : "
    "%s, %s -> %s" % (XB, WC, T([1, 6, 6, 16], "f32")),
    "%%s = lowbit.conv2d %%x, %%w strides [2, 2] padding [1, 1, 1, 1] "
    "pad_value zero : %s, %s -> %s" % (XB, WC, T([1, 3, 3, 16], BIN))]))

# int8 x ternary weights: i32 accumulator and requantized int8 results.
TW = aot.per_axis("i2<-1:1>", 1, [0.05, 0.1, 0.02, 0.04, 0.08, 0.03, 0.06,
                                  0.07])
b, BT = bias("b", 8, [0.05 * s for s in [0.05, 0.1, 0.02, 0.04, 0.08, 0.03,
                                         0.06, 0.07]])
ACC = "!quant.uniform<i32:f32, 0.025>"
F.append(fn("tmatmul", [("x", T([4, 64], A))],
            [("r", T([4, 16], ACC)), ("q", T([4, 8], O))], [
    aot.qconst("t", rng, [64, 16], TERN),
    aot.qconst("u", rng, [64, 8], TW), b,
    "%%r = lowbit.matmul %%x, %%t : %s, %s -> %s" % (
        T([4, 64], A), T([64, 16], TERN), T([4, 16], ACC)),
    "%%q = lowbit.matmul %%x, %%u bias %%b : %s, %s, %s -> %s" % (
        T([4, 64], A), T([64, 8], TW), BT, T([4, 8], O))]))

# A ternary argument (2-bit packed at the boundary) x int8 weights; and
# requantize int8 -> ternary (15 values: a packed tail).
W8 = "!quant.uniform<i8:f32, 0.02:1>"
ACC2 = "!quant.uniform<i32:f32, 0.01>"
T3 = "!quant.uniform<i2<-1:1>:f32, 0.1>"
F.append(fn("ternary_io", [("t", T([4, 72], TERN)), ("x", T([3, 5], A))],
            [("r", T([4, 8], ACC2)), ("q", T([3, 5], T3))], [
    aot.qconst("w", rng, [72, 8], W8),
    "%%r = lowbit.matmul %%t, %%w : %s, %s -> %s" % (
        T([4, 72], TERN), T([72, 8], W8), T([4, 8], ACC2)),
    "%%q = lowbit.requantize %%x : %s -> %s" % (T([3, 5], A), T([3, 5], T3))]))

# Scales that are whole numbers (1.0 and 2.0), per tensor and per channel,
# in a separate module: the header writes them as C float literals.
U = "!quant.uniform<i8:f32, 1.0>"
WU = "!lowbit.binary<f32:1, {1.0, 2.0, 0.5}>"
G = [fn("unit_scales", [("x", T([2, 8], U)), ("w", T([8, 3], WU))],
        [("r", T([2, 3], "f32"))], [
    "%%r = lowbit.matmul %%x, %%w : %s, %s -> %s" % (
        T([2, 8], U), T([8, 3], WU), T([2, 3], "f32"))])]

aot.run(sys.argv, [aot.Model("ops_lowbit", aot.module(F)),
                   aot.Model("unit_scales", aot.module(G))], what="modules")
