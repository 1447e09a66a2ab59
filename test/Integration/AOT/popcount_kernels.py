# The binary XNOR-popcount kernels (--lowbit-popcount-kernels) agree bit for
# bit with the JIT (generic loops, no kernels): every kernel set the host
# can run is built and compared (x86-64 with AVX-512 VPOPCNTDQ vpopcntq,
# AVX-512BW and AVX2 byte counts, scalar POPCNT, the SSE2 set of generic
# x86-64 CPUs, AArch64 NEON cnt under qemu) and so is a build without
# kernels. The cases
# cover matmul (tails in rows, in output channels and in the packed
# reduction: K not a multiple of 64), a GEMV, a long reduction (more than
# 31 words, so the byte counts are folded several times), one of 4097
# words (the carry-save kernels' 64-bit fold), conv windows whose narrow
# counts are widened per kernel row, per window position and per chunk of
# one position, batched
# activations with shared weights, and binary conv2d with one and zero
# padding, strides, dilations, groups (with and without whole vectors of
# channels per group) and a binary (thresholded) result, chains whose first
# layer stores the packed sign of its integer threshold for the next layer
# (7- and 14-pixel rows, masked channels, zero padding, groups, a shared
# threshold), and the ternary kernels (ternary x ternary and binary x
# ternary, matmul and conv2d, and a ternary chain whose first kernel stores
# the sign and mask planes of a two-level threshold).
#
# RUN: %python %s %t %mlir_lib_dir lowbit-compile lowbit-opt mlir-runner

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import aot  # noqa: E402
from aot import ttype as T  # noqa: E402

rng = np.random.default_rng(20261129)
B = "!lowbit.binary"
BS = "!lowbit.binary<f32, 0.5>"
ACC = "!quant.uniform<i32:f32, 1.0>"
O8 = "!quant.uniform<i8:f32, 2.0:3>"

F = []


def mm(name, m, k, n, out, a=B, w=B):
    F.append("""  func.func @%s(%%x: %s) -> %s {
    %s
    %%r = lowbit.matmul %%x, %%w : %s, %s -> %s
    return %%r : %s
  }""" % (name, T(m, a), T(m[:-1] + [n], out),
          aot.qconst("w", rng, [k, n], w), T(m, a), T([k, n], w),
          T(m[:-1] + [n], out), T(m[:-1] + [n], out)))


def conv(name, ishape, wshape, oshape, out, attrs, w=B, a=B):
    F.append("""  func.func @%s(%%x: %s) -> %s {
    %s
    %%r = lowbit.conv2d %%x, %%w %s : %s, %s -> %s
    return %%r : %s
  }""" % (name, T(ishape, a), T(oshape, out),
          aot.qconst("w", rng, wshape, w), attrs, T(ishape, a),
          T(wshape, w), T(oshape, out), T(oshape, out)))


mm("mm_tails", [7, 200], 200, 37, ACC)
mm("mm_gemv", [1, 4096], 4096, 64, ACC)
mm("mm_long", [9, 3000], 3000, 24, O8, w=BS)
mm("mm_batched", [2, 5, 130], 130, 20, ACC)
mm("mm_small", [3, 64], 64, 8, ACC)
# 4097 words: too long for the carry-save kernels' 16-bit partial sums
# (AVX2, AVX-512BW, SSE2), which then fold into 64 bits every chunk.
mm("mm_huge_k", [2, 262208], 262208, 4, ACC)
conv("conv_pad_one", [1, 7, 9, 70], [20, 3, 3, 70], [1, 7, 9, 20], ACC,
     "padding [1, 1, 1, 1] pad_value one")
conv("conv_pad_zero", [1, 7, 9, 70], [20, 3, 3, 70], [1, 7, 9, 20], ACC,
     "padding [1, 1, 1, 1]")
conv("conv_s2d2", [2, 11, 11, 64], [16, 3, 3, 64], [2, 4, 4, 16], O8,
     "strides [2, 2] dilations [2, 2]")
conv("conv_groups", [1, 6, 6, 128], [32, 3, 3, 64], [1, 6, 6, 32], ACC,
     "padding [1, 1, 1, 1] pad_value one groups 2")
conv("conv_groups_tail", [1, 5, 5, 40], [20, 3, 3, 10], [1, 3, 3, 20], ACC,
     "groups 4")
conv("conv_binary_out", [1, 6, 6, 96], [24, 3, 3, 96], [1, 6, 6, 24], B,
     "padding [1, 1, 1, 1] pad_value one")
# Window reductions longer than the narrow accumulators hold, which are
# then widened at the end of each kernel row (5 words per position), of
# each window position (11 words), of each chunk of one position (33
# words); the NEON paired-word kernel's 16-bit lanes (511 pairs) per
# kernel row (114 words per position) and per chunk (513 pairs).
conv("conv_rows_fit", [1, 4, 5, 320], [8, 3, 3, 320], [1, 4, 5, 8], ACC,
     "padding [1, 1, 1, 1] pad_value one")
conv("conv_position_fit", [1, 3, 4, 704], [8, 3, 3, 704], [1, 3, 4, 8], ACC,
     "padding [1, 1, 1, 1]")
conv("conv_position_chunks", [1, 3, 3, 2112], [4, 3, 3, 2112], [1, 1, 1, 4],
     ACC, "")
conv("conv_paired_rows", [1, 3, 3, 7296], [4, 3, 3, 7296], [1, 1, 1, 4],
     ACC, "")
mm("mm_paired_chunks", [2, 65664], 65664, 4, ACC)



def chain(name, ishape, w1shape, mid, w2shape, oshape, attrs1, attrs2,
          shared=False, elt=B, acc=ACC, levels=1):
    """conv2d -> integer threshold -> conv2d: the first kernel stores the
    packed sign (threshold pack) that the second one reads. With `levels` 2
    and ternary `elt`, the ternary value's sign and mask planes; `acc` is
    the first layer's accumulator type, at its operands' scale so that no
    requantization stands between the kernel and the thresholds."""
    c = mid[-1]
    span = w1shape[1] * w1shape[2] * w1shape[3] // 4
    taus = rng.integers(-span, span + 1, size=[1 if shared else c, levels])
    F.append("""  func.func @%s(%%x: %s) -> %s {
    %s
    %%a = lowbit.conv2d %%x, %%w %s : %s, %s -> %s
    %%t = arith.constant %s : %s
    %%s = lowbit.threshold %%a, %%t : %s, %s -> %s
    %s
    %%r = lowbit.conv2d %%s, %%v %s : %s, %s -> %s
    return %%r : %s
  }""" % (name, T(ishape, elt), T(oshape, ACC),
          aot.qconst("w", rng, w1shape, elt), attrs1, T(ishape, elt),
          T(w1shape, elt), T(mid, acc), aot.dense(taus.ravel(), taus.shape),
          T(list(taus.shape), "i32"), T(mid, acc), T(list(taus.shape), "i32"),
          T(mid, elt), aot.qconst("v", rng, w2shape, elt), attrs2,
          T(mid, elt), T(w2shape, elt), T(oshape, ACC), T(oshape, ACC)))


# Chains whose first layer stores the next layer's packed sign: rows of 7
# and 14 pixels (the 7 x 16 and 2 x 64 tiles), channels that are not a
# multiple of 64 (a masked last vector), zero padding (the correction
# before the comparison), groups, a shared threshold.
chain("chain_pad_one", [1, 7, 7, 64], [96, 3, 3, 64], [1, 7, 7, 96],
      [24, 3, 3, 96], [1, 7, 7, 24], "padding [1, 1, 1, 1] pad_value one",
      "padding [1, 1, 1, 1] pad_value one")
chain("chain_pad_zero", [2, 5, 14, 70], [40, 3, 3, 70], [2, 5, 14, 40],
      [8, 1, 1, 40], [2, 5, 14, 8], "padding [1, 1, 1, 1]", "")
chain("chain_groups", [1, 6, 6, 128], [128, 3, 3, 64], [1, 3, 3, 128],
      [16, 3, 3, 64], [1, 3, 3, 16], "strides [2, 2] padding [1, 1, 1, 1] "
      "pad_value one groups 2", "padding [1, 1, 1, 1] pad_value one groups 2")
chain("chain_shared", [1, 4, 9, 64], [20, 3, 3, 64], [1, 4, 9, 20],
      [8, 3, 3, 20], [1, 4, 9, 8], "padding [1, 1, 1, 1] pad_value one",
      "padding [1, 1, 1, 1]", shared=True)


# Ternary (mask and sign planes): ternary x ternary and binary x ternary,
# matmul (K tails, batched) and conv2d with padding (ternary activations pad
# with 0; binary ones with +1 or 0).
TR = "!quant.uniform<i2<-1:1>:f32, 0.5>"
mm("mm_tern_tern", [6, 200], 200, 20, ACC, a=TR, w=TR)
mm("mm_bin_tern", [5, 256], 256, 40, O8, a=B, w=TR)
mm("mm_tern_batched", [2, 3, 2100], 2100, 16, ACC, a=TR, w=TR)
# Rows of whole 64-bit words: the planes are read from the C ABI bytes.
mm("mm_tern_words", [5, 256], 256, 24, ACC, a=TR, w=TR)
mm("mm_bin_words", [3, 128], 128, 16, ACC)
conv("conv_tern_tern", [1, 6, 7, 96], [24, 3, 3, 96], [1, 6, 7, 24], ACC,
     "padding [1, 1, 1, 1]", w=TR, a=TR)
conv("conv_tern_rows", [1, 4, 4, 320], [8, 3, 3, 320], [1, 4, 4, 8], ACC,
     "padding [1, 1, 1, 1]", w=TR, a=TR)
conv("conv_bin_tern_one", [1, 6, 6, 64], [16, 3, 3, 64], [1, 6, 6, 16], ACC,
     "padding [1, 1, 1, 1] pad_value one", w=TR)
conv("conv_bin_tern_zero", [1, 6, 6, 64], [16, 3, 3, 64], [1, 6, 6, 16], ACC,
     "padding [1, 1, 1, 1]", w=TR)
# Ternary activations between layers, stored as two planes by the kernel.
chain("chain_tern", [1, 6, 7, 64], [70, 3, 3, 64], [1, 6, 7, 70],
      [12, 3, 3, 70], [1, 6, 7, 12], "padding [1, 1, 1, 1]",
      "padding [1, 1, 1, 1]", elt=TR, acc="!quant.uniform<i32:f32, 0.25>",
      levels=2)

# Builds per kernel set (tag, triple, lowbit-compile flags, /proc/cpuinfo
# flags the host needs); the default x86-64 and AArch64 builds use the
# SSE2 and NEON kernels.
aot.KERNEL_VARIANTS = [
    ("x86-vpopcntdq", "x86_64-linux-gnu",
     ["--mattr=+avx512f,+avx512bw,+avx512vpopcntdq",
      "--popcount-kernels=avx512-vpopcntdq"],
     ["avx512f", "avx512bw", "avx512_vpopcntdq"]),
    ("x86-avx512bw", "x86_64-linux-gnu",
     ["--mattr=+avx512f,+avx512bw", "--popcount-kernels=avx512bw"],
     ["avx512f", "avx512bw"]),
    ("x86-avx2", "x86_64-linux-gnu", ["--mattr=+avx2"], ["avx2"]),
    ("x86-popcnt", "x86_64-linux-gnu", ["--mattr=+popcnt"], ["popcnt"]),
    ("x86-nokernels", "x86_64-linux-gnu", ["--popcount-kernels=none"], []),
    # Kernel loops split across three threads, the chains' packed words
    # included (tiles narrower than a word share words, so only their rows
    # are split).
    ("x86-threads", "x86_64-linux-gnu",
     ["--mattr=+avx512f,+avx512bw,+avx512vpopcntdq",
      "--popcount-kernels=avx512-vpopcntdq", "--threads=3"],
     ["avx512f", "avx512bw", "avx512_vpopcntdq"]),
]
aot.run(sys.argv, [aot.Model("popcount_kernels", aot.module(F))],
        what="module", kernel_variants=True)
