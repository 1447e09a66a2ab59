# Small per-op models with f16, bf16 (and fp8) inputs and outputs compiled
# ahead of time for x86-64 and AArch64 agree bit for bit with the JIT on
# fixed inputs (see aot.py; the input bit patterns are finite numbers):
# f16 add, mul with act(relu), matmul, padded conv2d and max_pool2d;
# bf16 conv2d (groups 2) and avg_pool2d, and in a module of its own
# max_pool2d (with and without padding); quantize f16 -> int8 with an f16
# expressed type and dequantize int8 -> bf16; quantize f32 -> f16 / bf16 /
# f8E4M3FN and f16 -> bf16; dequantize f8E5M2 -> f32.
#
# RUN: %python %s %t %mlir_lib_dir lowbit-compile lowbit-opt mlir-runner

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aot  # noqa: E402
from aot import ttype as T  # noqa: E402

QH = "!quant.uniform<i8:f16, 0.05:-3>"
QB = "!quant.uniform<i8:bf16, 0.0625:4>"


def fn(name, args, results, body):
    return "  func.func @%s(%s) -> (%s) {\n%s\n    return %s : %s\n  }" % (
        name, ", ".join("%%%s: %s" % a for a in args),
        ", ".join(t for _, t in results),
        "\n".join("    " + l for l in body),
        ", ".join("%%%s" % v for v, _ in results),
        ", ".join(t for _, t in results))


H, H2 = T([4, 16], "f16"), T([16, 8], "f16")
F = []
F.append(fn("f16_ops", [("a", H), ("b", H), ("w", H2)],
            [("s", H), ("p", H), ("m", T([4, 8], "f16"))], [
    "%%s = lowbit.add %%a, %%b : %s, %s -> %s" % (H, H, H),
    "%%p = lowbit.mul %%a, %%b act(relu) : %s, %s -> %s" % (H, H, H),
    "%%m = lowbit.matmul %%a, %%w : %s, %s -> %s" % (H, H2, T([4, 8], "f16"))]))

X, K = T([1, 5, 5, 8], "f16"), T([4, 3, 3, 8], "f16")
F.append(fn("f16_conv_pool", [("x", X), ("k", K)],
            [("r", T([1, 5, 5, 4], "f16")), ("m", T([1, 3, 3, 8], "f16"))], [
    "%%r = lowbit.conv2d %%x, %%k padding [1, 1, 1, 1] : %s, %s -> %s" % (
        X, K, T([1, 5, 5, 4], "f16")),
    "%%m = lowbit.max_pool2d %%x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1]"
    " : %s -> %s" % (X, T([1, 3, 3, 8], "f16"))]))

XB, KB = T([1, 6, 6, 4], "bf16"), T([8, 3, 3, 2], "bf16")
PB = T([1, 3, 3, 4], "bf16")
F.append(fn("bf16_ops", [("x", XB), ("k", KB)],
            [("c", T([1, 6, 6, 8], "bf16")), ("a", PB)], [
    "%%c = lowbit.conv2d %%x, %%k padding [1, 1, 1, 1] groups 2 : %s, %s -> %s" % (
        XB, KB, T([1, 6, 6, 8], "bf16")),
    "%%a = lowbit.avg_pool2d %%x kernel [2, 2] : %s -> %s" % (XB, PB)]))

F.append(fn("convert", [("h", H), ("f", T([4, 16], "f32")), ("q", T([4, 16], QB)),
                        ("g", T([4, 8], "f8E5M2"))],
            [("qh", T([4, 16], QH)), ("dq", T([4, 16], "bf16")),
             ("fh", H), ("fb", T([4, 16], "bf16")), ("f8", T([4, 16], "f8E4M3FN")),
             ("hb", T([4, 16], "bf16")), ("g32", T([4, 8], "f32"))], [
    "%%qh = lowbit.quantize %%h : %s -> %s" % (H, T([4, 16], QH)),
    "%%dq = lowbit.dequantize %%q : %s -> %s" % (T([4, 16], QB), T([4, 16], "bf16")),
    "%%fh = lowbit.quantize %%f : %s -> %s" % (T([4, 16], "f32"), H),
    "%%fb = lowbit.quantize %%f : %s -> %s" % (T([4, 16], "f32"), T([4, 16], "bf16")),
    "%%f8 = lowbit.quantize %%f : %s -> %s" % (T([4, 16], "f32"), T([4, 16], "f8E4M3FN")),
    "%%hb = lowbit.quantize %%h : %s -> %s" % (H, T([4, 16], "bf16")),
    "%%g32 = lowbit.dequantize %%g : %s -> %s" % (T([4, 8], "f8E5M2"), T([4, 8], "f32"))]))

# bf16 max_pool2d, in a module of its own: compiled for x86-64 it has
# called __truncsfbf2, which libgcc before GCC 13 lacks (the C ABI promises
# that linking needs only libc and libm).
G = [fn("bf16_max_pool", [("x", XB)], [("m", PB), ("p", PB)], [
    "%%m = lowbit.max_pool2d %%x kernel [2, 2] : %s -> %s" % (XB, PB),
    "%%p = lowbit.max_pool2d %%x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1]"
    " : %s -> %s" % (XB, PB)])]

aot.run(sys.argv, [aot.Model("ops_float", aot.module(F)),
                   aot.Model("bf16_max_pool", aot.module(G))],
        what="modules")
