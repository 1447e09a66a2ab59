// int8 matmul and conv2d accumulation uses the targets' byte dot-product
// instructions through the kernels of --lowbit-dot-kernels, which
// lowbit-compile picks from the CPU features (--dot-kernels=auto): sdot with
// +dotprod on AArch64 (smlal on 16-bit values without it), and on x86 vpdpbusd with AVX-512 VNNI
// (zmm) or AVX-VNNI ({vex}, ymm), and vpmaddubsw + vpmaddwd with AVX2 when the
// constant weights keep vpmaddubsw exact (here 4-bit weights), else vpmaddwd,
// and pmaddwd on the baseline x86-64 CPU (SSE2). With --dot-kernels=none
// LLVM's vectorizer widens to 16 bits itself: vpmaddwd.
//
// RUN: lowbit-compile %s --emit=asm --target=aarch64-linux-gnu --mattr=+dotprod -O3 -o - | FileCheck %s --check-prefix=DOTPROD
// RUN: lowbit-compile %s --emit=asm --target=aarch64-linux-gnu -O3 -o - | FileCheck %s --check-prefix=A64BASE
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu -O3 -o - | FileCheck %s --check-prefix=SSE2
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx512f,+avx512bw,+avx512vnni -O3 -o - | FileCheck %s --check-prefix=AVX512
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mcpu=znver5 -O3 -o - | FileCheck %s --check-prefix=AVX512
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx2,+avxvnni -O3 -o - | FileCheck %s --check-prefix=AVXVNNI
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx2 -O3 -o - | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx2,+avxvnni --dot-kernels=none -O3 -o - | FileCheck %s --check-prefix=NONE
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx512f,+avx512bw,+avx512vnni --dot-kernels=avx2 -O3 -o - | FileCheck %s --check-prefix=AVX2

// DOTPROD-LABEL: mm_s8_with_scratch:
// DOTPROD: sdot v{{[0-9]+}}.4s, v{{[0-9]+}}.16b, v{{[0-9]+}}.16b
// A64BASE-NOT: sdot
// A64BASE-LABEL: mm_s8_with_scratch:
// A64BASE: smlal v{{[0-9]+}}.4s, v{{[0-9]+}}.4h, v{{[0-9]+}}.4h
// A64BASE-NOT: sdot
// SSE2-LABEL: mm_s8_with_scratch:
// SSE2-NOT: %ymm
// SSE2: pmaddwd %xmm{{[0-9]+}}, %xmm{{[0-9]+}}
// SSE2-NOT: %ymm
// SSE2-LABEL: .Lfunc_end1:
// AVX512-LABEL: mm_s8_with_scratch:
// AVX512: vpdpbusd %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// AVXVNNI-LABEL: mm_s8_with_scratch:
// AVXVNNI: {vex} vpdpbusd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// AVX2-LABEL: mm_s8_with_scratch:
// AVX2-NOT: vpmaddubsw
// AVX2: vpmaddwd
// AVX2-LABEL: .Lfunc_end1:
// NONE-LABEL: mm_s8_with_scratch:
// NONE-NOT: vpdpbusd
// NONE: vpmaddwd
// NONE-LABEL: .Lfunc_end1:
func.func @mm_s8(%a: tensor<16x256x!quant.uniform<i8:f32, 0.1>>, %w: tensor<256x16x!quant.uniform<i8:f32, 0.1>>)
    -> tensor<16x16x!quant.uniform<i32:f32, 0.01>> {
  %c = lowbit.matmul %a, %w : tensor<16x256x!quant.uniform<i8:f32, 0.1>>, tensor<256x16x!quant.uniform<i8:f32, 0.1>>
      -> tensor<16x16x!quant.uniform<i32:f32, 0.01>>
  return %c : tensor<16x16x!quant.uniform<i32:f32, 0.01>>
}

// AVX512-LABEL: mm_u8_with_scratch:
// AVX512: vpdpbusd %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// AVXVNNI-LABEL: mm_u8_with_scratch:
// AVXVNNI: {vex} vpdpbusd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
func.func @mm_u8(%a: tensor<16x256x!quant.uniform<u8:f32, 0.1>>, %w: tensor<256x16x!quant.uniform<i8:f32, 0.1>>)
    -> tensor<16x16x!quant.uniform<i32:f32, 0.01>> {
  %c = lowbit.matmul %a, %w : tensor<16x256x!quant.uniform<u8:f32, 0.1>>, tensor<256x16x!quant.uniform<i8:f32, 0.1>>
      -> tensor<16x16x!quant.uniform<i32:f32, 0.01>>
  return %c : tensor<16x16x!quant.uniform<i32:f32, 0.01>>
}

// Constant 4-bit weights: 2 * 255 * 8 fits in int16, so AVX2 uses
// vpmaddubsw (u8 x s8 pairs) and vpmaddwd by ones (pairs to int32).
// DOTPROD-LABEL: conv_u8_i4_with_scratch:
// DOTPROD: sdot v{{[0-9]+}}.4s, v{{[0-9]+}}.16b, v{{[0-9]+}}.16b
// AVX2-LABEL: conv_u8_i4_with_scratch:
// AVX2: vpmaddubsw %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// AVX2: vpmaddwd
// AVX512-LABEL: conv_u8_i4_with_scratch:
// AVX512: vpdpbusd %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// AVXVNNI-LABEL: conv_u8_i4_with_scratch:
// AVXVNNI: {vex} vpdpbusd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// NONE-LABEL: conv_u8_i4_with_scratch:
// NONE-NOT: vpdpbusd
// NONE: .Lfunc_end5:
func.func @conv_u8_i4(%a: tensor<1x8x8x16x!quant.uniform<u8:f32, 0.1:128>>)
    -> tensor<1x8x8x16x!quant.uniform<u8:f32, 0.5:128>> {
  %w = lowbit.constant dense<[[[[-8, 7, 3, -2, 1, 0, 5, -6, 4, -3, 2, -1, 6, -7, 0, 1]]],
      [[[1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0]]],
      [[[7, 7, 7, 7, -8, -8, -8, -8, 0, 0, 0, 0, 1, 1, 1, 1]]],
      [[[2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2]]],
      [[[-8, 7, 3, -2, 1, 0, 5, -6, 4, -3, 2, -1, 6, -7, 0, 1]]],
      [[[1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0]]],
      [[[7, 7, 7, 7, -8, -8, -8, -8, 0, 0, 0, 0, 1, 1, 1, 1]]],
      [[[2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2]]],
      [[[-8, 7, 3, -2, 1, 0, 5, -6, 4, -3, 2, -1, 6, -7, 0, 1]]],
      [[[1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0]]],
      [[[7, 7, 7, 7, -8, -8, -8, -8, 0, 0, 0, 0, 1, 1, 1, 1]]],
      [[[2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2]]],
      [[[-8, 7, 3, -2, 1, 0, 5, -6, 4, -3, 2, -1, 6, -7, 0, 1]]],
      [[[1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0]]],
      [[[7, 7, 7, 7, -8, -8, -8, -8, 0, 0, 0, 0, 1, 1, 1, 1]]],
      [[[2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2, 2, -2]]]]>
      : tensor<16x1x1x16xi8> as tensor<16x1x1x16x!quant.uniform<i4:f32, 0.05>>
  %c = lowbit.conv2d %a, %w : tensor<1x8x8x16x!quant.uniform<u8:f32, 0.1:128>>, tensor<16x1x1x16x!quant.uniform<i4:f32, 0.05>>
      -> tensor<1x8x8x16x!quant.uniform<u8:f32, 0.5:128>>
  return %c : tensor<1x8x8x16x!quant.uniform<u8:f32, 0.5:128>>
}
