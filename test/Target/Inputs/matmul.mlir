func.func @mm(%a: tensor<4x64x!quant.uniform<u8:f32, 0.1:128>>, %w: tensor<64x16x!quant.uniform<i8:f32, 0.1>>)
    -> tensor<4x16x!quant.uniform<i32:f32, 0.01>> {
  %c = lowbit.matmul %a, %w : tensor<4x64x!quant.uniform<u8:f32, 0.1:128>>, tensor<64x16x!quant.uniform<i8:f32, 0.1>>
      -> tensor<4x16x!quant.uniform<i32:f32, 0.01>>
  return %c : tensor<4x16x!quant.uniform<i32:f32, 0.01>>
}
