// lowbit-compile --report on convolutions: every kernel family recognizes
// the grouped conv2d contraction the lowerings write (one matcher for the
// window), ternary ones too (whose contraction carries mask planes), and
// an RGB conv whose window rows are reduced as runs of bytes keeps its
// kernel. A convolution that silently lost its kernel would still compute
// correct results, so this checks the choice itself.
// RUN: lowbit-compile %s --target=x86_64-linux-gnu --mattr=+avx512f,+avx512bw,+avx512vpopcntdq,+avx512vnni --report -o %t.o 2>&1 | FileCheck %s --check-prefix=AVX512
// RUN: lowbit-compile %s --target=x86_64-linux-gnu --report -o %t.o 2>&1 | FileCheck %s --check-prefix=GENERIC
// RUN: lowbit-compile %s --target=aarch64-linux-gnu --report -o %t.o 2>&1 | FileCheck %s --check-prefix=A64

!t = !quant.uniform<i2<-1:1>:f32, 0.5>
// AVX512: remark: kernel: ternary popcount (avx512-vpopcntdq), conv2d 42 x 1152 bits x 24, tile 2 x 24
// GENERIC: remark: kernel: ternary popcount (sse2), conv2d 42 x 1152 bits x 24, tile 1 x 4
// A64: remark: kernel: ternary popcount (neon), conv2d 42 x 1152 bits x 24, tile 2 x 8
func.func @tc(%x: tensor<1x6x7x96x!t>) -> tensor<1x6x7x24x!quant.uniform<i32:f32, 1.0>> {
  %w = lowbit.constant dense<1> : tensor<24x3x3x96xi8> as tensor<24x3x3x96x!t>
  %y = lowbit.conv2d %x, %w padding [1, 1, 1, 1] : tensor<1x6x7x96x!t>, tensor<24x3x3x96x!t> -> tensor<1x6x7x24x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x6x7x24x!quant.uniform<i32:f32, 1.0>>
}

// AVX512: remark: kernel: binary popcount (avx512-vpopcntdq), conv2d 42 x 1152 bits x 24, tile 4 x 24
// GENERIC: remark: kernel: binary popcount (sse2), conv2d 42 x 1152 bits x 24, tile 2 x 4
// A64: remark: kernel: binary popcount (neon, two words per XOR), conv2d 42 x 1152 bits x 24, tile 4 x 8
func.func @bc(%x: tensor<1x6x7x96x!lowbit.binary>) -> tensor<1x6x7x24x!quant.uniform<i32:f32, 1.0>> {
  %w = lowbit.constant dense<1> : tensor<24x3x3x96xi8> as tensor<24x3x3x96x!lowbit.binary>
  %y = lowbit.conv2d %x, %w padding [1, 1, 1, 1] pad_value one : tensor<1x6x7x96x!lowbit.binary>, tensor<24x3x3x96x!lowbit.binary> -> tensor<1x6x7x24x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x6x7x24x!quant.uniform<i32:f32, 1.0>>
}

// AVX512: remark: kernel: int8 dot products (avx512-vnni, 4 bytes per lane), conv2d 42 x 27 x 24, tile 4 x 64
// GENERIC: remark: kernel: int8 dot products (sse2, 2 x 16 bits per lane), conv2d 42 x 27 x 24, tile 4 x 8
// A64: remark: kernel: int8 dot products (neon, 16 bits per lane), conv2d 42 x 27 x 24, tile 4 x 16
func.func @ic(%x: tensor<1x6x7x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x6x7x24x!quant.uniform<i8:f32, 1.0>> {
  %w = lowbit.constant dense<1> : tensor<24x3x3x3xi8> as tensor<24x3x3x3x!quant.uniform<i8:f32, 0.1>>
  %y = lowbit.conv2d %x, %w padding [1, 1, 1, 1] : tensor<1x6x7x3x!quant.uniform<i8:f32, 0.1>>, tensor<24x3x3x3x!quant.uniform<i8:f32, 0.1>> -> tensor<1x6x7x24x!quant.uniform<i8:f32, 1.0>>
  return %y : tensor<1x6x7x24x!quant.uniform<i8:f32, 1.0>>
}
