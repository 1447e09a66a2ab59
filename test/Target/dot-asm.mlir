// int8 matmul accumulation uses the targets' dot-product instructions:
// sdot with +dotprod on AArch64 (signed x signed), vpmaddwd on AVX2, and
// the VNNI vpdpwssd with AVX-VNNI or AVX-512 VNNI (unsigned activations x
// signed weights).
// RUN: lowbit-compile %s --emit=asm --target=aarch64-linux-gnu --mattr=+dotprod -O3 -o - | FileCheck %s --check-prefix=DOTPROD
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx2 -O3 -o - | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx2,+avxvnni -O3 -o - | FileCheck %s --check-prefix=VNNI
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx512f,+avx512bw,+avx512vnni -O3 -o - | FileCheck %s --check-prefix=VNNI

// DOTPROD-LABEL: mm_s8:
// DOTPROD: sdot v{{[0-9]+}}.4s, v{{[0-9]+}}.16b, v{{[0-9]+}}.16b
// AVX2-LABEL: mm_s8:
// AVX2: vpmaddwd
func.func @mm_s8(%a: tensor<16x256x!quant.uniform<i8:f32, 0.1>>, %w: tensor<256x16x!quant.uniform<i8:f32, 0.1>>)
    -> tensor<16x16x!quant.uniform<i32:f32, 0.01>> {
  %c = lowbit.matmul %a, %w : tensor<16x256x!quant.uniform<i8:f32, 0.1>>, tensor<256x16x!quant.uniform<i8:f32, 0.1>>
      -> tensor<16x16x!quant.uniform<i32:f32, 0.01>>
  return %c : tensor<16x16x!quant.uniform<i32:f32, 0.01>>
}

// VNNI-LABEL: mm_u8:
// VNNI: vpdpwssd
func.func @mm_u8(%a: tensor<16x256x!quant.uniform<u8:f32, 0.1>>, %w: tensor<256x16x!quant.uniform<i8:f32, 0.1>>)
    -> tensor<16x16x!quant.uniform<i32:f32, 0.01>> {
  %c = lowbit.matmul %a, %w : tensor<16x256x!quant.uniform<u8:f32, 0.1>>, tensor<256x16x!quant.uniform<i8:f32, 0.1>>
      -> tensor<16x16x!quant.uniform<i32:f32, 0.01>>
  return %c : tensor<16x16x!quant.uniform<i32:f32, 0.01>>
}
