// The binary matmul kernel uses each target's popcount: the vpshufb nibble
// lookup on AVX2 (no vector popcount), vpopcntq with AVX-512 VPOPCNTDQ,
// scalar popcnt with only +popcnt, and cnt on AArch64.
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx2 -O3 -o - | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+avx512f,+avx512vpopcntdq -O3 -o - | FileCheck %s --check-prefix=VPOPCNT
// RUN: lowbit-compile %s --emit=asm --target=x86_64-linux-gnu --mattr=+popcnt -O3 -o - | FileCheck %s --check-prefix=POPCNT
// RUN: lowbit-compile %s --emit=asm --target=aarch64-linux-gnu -O3 -o - | FileCheck %s --check-prefix=A64

// AVX2-LABEL: bmm_with_scratch:
// AVX2: vpshufb
// VPOPCNT-LABEL: bmm_with_scratch:
// VPOPCNT: vpopcntq
// POPCNT-LABEL: bmm_with_scratch:
// POPCNT: popcntq
// A64-LABEL: bmm_with_scratch:
// A64: cnt v{{[0-9]+}}.16b
func.func @bmm(%a: tensor<16x256x!lowbit.binary>, %w: tensor<256x16x!lowbit.binary>)
    -> tensor<16x16x!quant.uniform<i32:f32, 1.0>> {
  %c = lowbit.matmul %a, %w : tensor<16x256x!lowbit.binary>, tensor<256x16x!lowbit.binary>
      -> tensor<16x16x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<16x16x!quant.uniform<i32:f32, 1.0>>
}
