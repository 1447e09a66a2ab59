# The int8 dot-product kernels (--lowbit-dot-kernels) agree bit for bit
# with the JIT (generic loops, no kernels): every build the host can run
# (x86-64 with AVX-512 VNNI vpdpbusd, AVX-VNNI vpdpbusd, AVX2 vpmaddubsw or
# vpmaddwd, AArch64 with sdot under qemu, and both generic CPUs without
# kernels) is compared. The
# cases cover each signedness pair (flipped or not), weights constant
# (packed at compile time) or passed in (packed at run time), batched
# activations with shared weights, a single row (GEMV), K = 3, depthwise
# conv2d, binary and ternary weights, tails in
# rows, channels and the reduction (K not a multiple of 4), 4-bit
# activations and weights, per-channel weights with a bias, and conv2d with
# padding, strides, dilations and 1, 3 or 5 input channels (window rows
# reduced as one run of bytes), and an int8 first layer whose sign feeds a
# binary layer (the kernel stores the packed sign bits).
#
# RUN: %python %s %t %mlir_lib_dir lowbit-compile lowbit-opt mlir-runner

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import aot  # noqa: E402
from aot import ttype as T  # noqa: E402

rng = np.random.default_rng(20261126)
I8 = "!quant.uniform<i8:f32, 0.05:-3>"
U8 = "!quant.uniform<u8:f32, 0.04:120>"
I4 = "!quant.uniform<i4:f32, 0.3:1>"
ACC = "!quant.uniform<i32:f32, 0.0001>"
O8 = "!quant.uniform<i8:f32, 0.2:4>"

F = []


def mm(name, m, k, n, a, w, out, const=True, bias=None):
    wdef = aot.qconst("w", rng, [k, n], w) if const else ""
    args = "%%x: %s" % T([m, k], a)
    if not const:
        args += ", %%w: %s" % T([k, n], w)
    bdef, buse, btype = "", "", ""
    if bias:
        bt = bias
        bdef = "%%b = lowbit.constant %s : %s as %s" % (
            aot.dense(rng.integers(-5000, 5000, n), [n]), T([n], "i32"),
            T([n], bt))
        buse, btype = " bias %b", ", " + T([n], bt)
    F.append("""  func.func @%s(%s) -> %s {
    %s
    %s
    %%r = lowbit.matmul %%x, %%w%s : %s, %s%s -> %s
    return %%r : %s
  }""" % (name, args, T([m, n], out), wdef, bdef, buse, T([m, k], a),
          T([k, n], w), btype, T([m, n], out), T([m, n], out)))


def conv(name, ishape, wshape, oshape, a, w, out, attrs, const=True):
    wdef = aot.qconst("w", rng, wshape, w) if const else ""
    args = "%%x: %s" % T(ishape, a)
    if not const:
        args += ", %%w: %s" % T(wshape, w)
    F.append("""  func.func @%s(%s) -> %s {
    %s
    %%r = lowbit.conv2d %%x, %%w %s : %s, %s -> %s
    return %%r : %s
  }""" % (name, args, T(oshape, out), wdef, attrs, T(ishape, a),
          T(wshape, w), T(oshape, out), T(oshape, out)))


WS = [round(float(s), 4) for s in rng.uniform(0.002, 0.02, 40)]
WC = aot.per_axis("i8", 1, WS)
BC = aot.per_axis("i32", 0, [0.05 * s for s in WS])
mm("mm_u8_i8_arg", 7, 37, 21, U8, "!quant.uniform<i8:f32, 0.01>", ACC,
   const=False)
mm("mm_i8_i8_bias", 5, 64, 40, I8, WC, O8, bias=BC)
mm("mm_u8_u8", 9, 30, 16, U8, "!quant.uniform<u8:f32, 0.01:128>", ACC)
mm("mm_i8_u8_arg", 4, 8, 8, I8, "!quant.uniform<u8:f32, 0.01>", ACC,
   const=False)
mm("mm_u8_i4", 6, 50, 24, U8, "!quant.uniform<i4:f32, 0.05>", O8)
mm("mm_u8_i7", 3, 96, 48, U8, "!quant.uniform<i8<-64:64>:f32, 0.02>", O8)
mm("mm_i8_i8_big", 33, 256, 70, I8, "!quant.uniform<i8:f32, 0.003>", ACC)
mm("mm_gemv", 1, 64, 40, U8, "!quant.uniform<i8:f32, 0.01>", O8)
mm("mm_k3", 2, 3, 17, I8, "!quant.uniform<i8:f32, 0.01>", ACC)
# Batched activations [2, 5, 24] x shared weights [24, 20]: one matmul of
# 10 rows.
F.append("""  func.func @mm_batched(%%x: %s) -> %s {
    %s
    %%r = lowbit.matmul %%x, %%w : %s, %s -> %s
    return %%r : %s
  }""" % (T([2, 5, 24], I8), T([2, 5, 20], O8),
          aot.qconst("w", rng, [24, 20], "!quant.uniform<i8:f32, 0.02>"),
          T([2, 5, 24], I8), T([24, 20], "!quant.uniform<i8:f32, 0.02>"),
          T([2, 5, 20], O8), T([2, 5, 20], O8)))
conv("conv_i8_pad", [1, 7, 9, 8], [20, 3, 3, 8], [1, 7, 9, 20], I8,
     "!quant.uniform<i8:f32, 0.01>", O8, "padding [1, 1, 1, 1]")
conv("conv_u8_s2d2", [2, 9, 9, 3], [5, 3, 3, 3], [2, 3, 3, 5], U8,
     "!quant.uniform<i8:f32, 0.01>", O8, "strides [2, 2] dilations [2, 2]")
# Few input channels: each window row's KW * C bytes are reduced as one
# run (an RGB stem: 7 x 7 x 3, stride 2, padding 3; a grayscale 3 x 3 x 1;
# 5 channels with strides [1, 2], per-channel weights and a tail past the
# padded row).
conv("conv_rgb_stem", [1, 15, 13, 3], [9, 7, 7, 3], [1, 8, 7, 9], I8,
     "!quant.uniform<i8:f32, 0.01>", O8,
     "strides [2, 2] padding [3, 3, 3, 3]")
conv("conv_gray", [2, 8, 8, 1], [8, 3, 3, 1], [2, 8, 8, 8], U8,
     "!quant.uniform<i8:f32, 0.01>", ACC, "padding [1, 1, 1, 1]")
conv("conv_c5_s12", [1, 6, 11, 5], [6, 3, 3, 5], [1, 4, 5, 6], U8,
     "!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03, 0.01, 0.02, 0.03}>", O8,
     "strides [1, 2]")
conv("conv_i4_1x1", [1, 4, 4, 16], [32, 1, 1, 16], [1, 4, 4, 32], I4,
     "!quant.uniform<i4:f32, 0.1>", O8, "")
conv("conv_i8_arg", [1, 6, 6, 4], [8, 3, 3, 4], [1, 4, 4, 8], I8,
     "!quant.uniform<i8:f32, 0.01>", ACC, "", const=False)

# int8 activations x binary or ternary weights: --lowbit-lower-binary adds
# or subtracts, the kernels multiply by -1/0/+1 (exact vpmaddubsw on AVX2).
# Weights passed in (binary ones decoded to -1/+1 before the zero padding
# of K = 37) and constant, matmul and conv2d.
BIN = "!lowbit.binary"
TERN = "!quant.uniform<i2<-1:1>:f32, 0.5>"
mm("mm_i8_bin", 5, 64, 24, I8, BIN, O8)
mm("mm_i8_bin_arg", 3, 37, 20, I8, BIN, ACC, const=False)
mm("mm_u8_tern", 6, 40, 20, U8, TERN, O8)
mm("mm_i8_tern_arg", 2, 37, 12, I8, TERN, ACC, const=False)
conv("conv_u8_tern", [1, 6, 6, 8], [16, 3, 3, 8], [1, 6, 6, 16], U8, TERN,
     O8, "padding [1, 1, 1, 1]")

# Depthwise conv2d (vectorized across channels): 20 channels (tails for
# every vector width), stride 2 with 4-bit activations, and a channel
# multiplier of 2, which stays with the generic loops.
conv("dw_pad", [1, 6, 7, 20], [20, 3, 3, 1], [1, 6, 7, 20], U8,
     "!quant.uniform<i8:f32, 0.02>", O8, "padding [1, 1, 1, 1] groups 20")
conv("dw_s2_i4", [2, 9, 9, 32], [32, 3, 3, 1], [2, 4, 4, 32], I4,
     "!quant.uniform<i8:f32, 0.02>", O8, "strides [2, 2] groups 32")
conv("dw_mult2", [1, 5, 5, 8], [16, 3, 3, 1], [1, 3, 3, 16], I8,
     "!quant.uniform<i8:f32, 0.02>", ACC, "groups 8")



def stem_chain(name, ishape, wshape, mid, w2shape, oshape, a, attrs):
    """int8 conv2d -> sign -> binary conv2d: the sign becomes a threshold
    on the int8 kernel's accumulators, which stores the packed bits the
    binary layer reads."""
    acc = "!quant.uniform<i32:f32, 1.0>"
    F.append("""  func.func @%s(%%x: %s) -> %s {
    %s
    %%a = lowbit.conv2d %%x, %%w %s : %s, %s -> %s
    %%s = lowbit.sign %%a : %s -> %s
    %s
    %%r = lowbit.conv2d %%s, %%v padding [1, 1, 1, 1] pad_value one : %s, %s -> %s
    return %%r : %s
  }""" % (name, T(ishape, a), T(oshape, acc),
          aot.qconst("w", rng, wshape, "!quant.uniform<i8:f32, 0.01>"),
          attrs, T(ishape, a), T(wshape, "!quant.uniform<i8:f32, 0.01>"),
          T(mid, O8), T(mid, O8), T(mid, "!lowbit.binary"),
          aot.qconst("v", rng, w2shape, "!lowbit.binary"),
          T(mid, "!lowbit.binary"), T(w2shape, "!lowbit.binary"),
          T(oshape, acc), T(oshape, acc)))


# An int8 first layer whose sign feeds a binary layer: 64 channels (one
# whole word per kernel row on AVX-512) and 40 (masked lanes).
stem_chain("stem_sign_64", [1, 15, 13, 3], [64, 7, 7, 3], [1, 8, 7, 64],
           [16, 3, 3, 64], [1, 8, 7, 16], I8, "strides [2, 2] padding [3, 3, 3, 3]")
stem_chain("stem_sign_40", [1, 9, 9, 3], [40, 3, 3, 3], [1, 9, 9, 40],
           [8, 3, 3, 40], [1, 9, 9, 8], U8, "padding [1, 1, 1, 1]")

aot.run(sys.argv, [aot.Model("dot_kernels", aot.module(F))],
        what="module", kernel_variants=True)
