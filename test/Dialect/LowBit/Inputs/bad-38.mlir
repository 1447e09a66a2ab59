// Blockwise operands are not accepted by lowbit.matmul.
func.func @f(%a: tensor<2x4xf32>, %w: tensor<4x2x!quant.uniform<i4:f32:{0:2}, {{0.5}, {0.25}}>>) {
  %q = lowbit.quantize %a : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 0.1>>
  %0 = lowbit.matmul %q, %w : tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x2x!quant.uniform<i4:f32:{0:2}, {{0.5}, {0.25}}>> -> tensor<2x2xf32>
  return
}
