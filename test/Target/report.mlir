// lowbit-compile --report: a remark at each matmul/conv2d that gets a
// register-tiled kernel, naming the kernel set, the contraction's shape and
// the tile.
// RUN: lowbit-compile %s --target=x86_64-linux-gnu --mattr=+avx512f,+avx512bw,+avx512vpopcntdq,+avx512vnni --report -o %t.o 2>&1 | FileCheck %s --check-prefix=AVX512
// RUN: lowbit-compile %s --target=x86_64-linux-gnu --report -o %t.o 2>&1 | FileCheck %s --check-prefix=GENERIC
// RUN: lowbit-compile %s --target=aarch64-linux-gnu --report -o %t.o 2>&1 | FileCheck %s --check-prefix=A64
// No remarks (and no table) without the flag.
// RUN: lowbit-compile %s --target=x86_64-linux-gnu -o %t.o 2>&1 | count 0

// AVX512: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: binary popcount (avx512-vpopcntdq), conv2d 36 x 576 bits x 32, tile 3 x 32
// GENERIC: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: binary popcount (sse2), conv2d 36 x 576 bits x 32, tile 2 x 4
// A64: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: binary popcount (neon), conv2d 36 x 576 bits x 32, tile 4 x 8
func.func @bconv(%x: tensor<1x6x6x64x!lowbit.binary>) -> tensor<1x6x6x32x!quant.uniform<i32:f32, 1.0>> {
  %w = lowbit.constant dense<1> : tensor<32x3x3x64xi8> as tensor<32x3x3x64x!lowbit.binary>
  %y = lowbit.conv2d %x, %w padding [1, 1, 1, 1] pad_value one
      : tensor<1x6x6x64x!lowbit.binary>, tensor<32x3x3x64x!lowbit.binary> -> tensor<1x6x6x32x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x6x6x32x!quant.uniform<i32:f32, 1.0>>
}

// AVX512: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: ternary popcount (avx512-vpopcntdq), matmul 4 x 128 bits x 16, tile 2 x 16
// GENERIC: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: ternary popcount (sse2), matmul 4 x 128 bits x 16, tile 1 x 4
// A64: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: ternary popcount (neon), matmul 4 x 128 bits x 16, tile 2 x 8
func.func @tmm(%x: tensor<4x128x!quant.uniform<i2<-1:1>:f32, 0.5>>) -> tensor<4x16x!quant.uniform<i32:f32, 0.25>> {
  %w = lowbit.constant dense<-1> : tensor<128x16xi8> as tensor<128x16x!quant.uniform<i2<-1:1>:f32, 0.5>>
  %y = lowbit.matmul %x, %w : tensor<4x128x!quant.uniform<i2<-1:1>:f32, 0.5>>, tensor<128x16x!quant.uniform<i2<-1:1>:f32, 0.5>> -> tensor<4x16x!quant.uniform<i32:f32, 0.25>>
  return %y : tensor<4x16x!quant.uniform<i32:f32, 0.25>>
}

// AVX512: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: int8 dot products (avx512-vnni, 4 bytes per lane), matmul 8 x 64 x 32, tile 4 x 64
// GENERIC: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: int8 dot products (sse2, 2 x 16 bits per lane), matmul 8 x 64 x 32, tile 4 x 8
// A64: report.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: kernel: int8 dot products (neon{{.*}}), matmul 8 x 64 x 32
func.func @imm(%x: tensor<8x64x!quant.uniform<i8:f32, 0.1>>) -> tensor<8x32x!quant.uniform<i8:f32, 0.5>> {
  %w = lowbit.constant dense<3> : tensor<64x32xi8> as tensor<64x32x!quant.uniform<i8:f32, 0.05>>
  %y = lowbit.matmul %x, %w : tensor<8x64x!quant.uniform<i8:f32, 0.1>>, tensor<64x32x!quant.uniform<i8:f32, 0.05>> -> tensor<8x32x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<8x32x!quant.uniform<i8:f32, 0.5>>
}

// Then a table of the layers: precisions, kernel, MACs (36 x 32 x 3x3x64;
// 4 x 16 x 128; 8 x 32 x 64), packed weight bytes (18,432 bits; 2,048
// crumbs; 2,048 bytes) and the arena offset+bytes of their buffers.
// AVX512: layers:
// AVX512-NEXT: # location op precisions kernel MACs weights arena offset+bytes
// AVX512-NEXT: 0 report.mlir:{{[0-9]+}}:{{[0-9]+}} conv2d binary x binary -> i32 binary popcount (avx512-vpopcntdq), tile 3 x 32 664K 2304 {{([0-9]+\+[0-9]+(, )?)+}}
// AVX512-NEXT: 1 report.mlir:{{[0-9]+}}:{{[0-9]+}} matmul ternary x ternary -> i32 ternary popcount (avx512-vpopcntdq), tile 2 x 16 8192 512 {{([0-9]+\+[0-9]+(, )?)+}}
// AVX512-NEXT: 2 report.mlir:{{[0-9]+}}:{{[0-9]+}} matmul i8 x i8 -> i8 int8 dot products (avx512-vnni, 4 bytes per lane), tile 4 x 64 16K 2048 {{([0-9]+\+[0-9]+(, )?)+}}
