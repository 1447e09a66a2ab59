func.func @m(%a: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>> {
  %w = lowbit.constant dense<[[1, 2, 3], [4, 5, 6], [7, -128, 9], [1, 1, 1]]> : tensor<4x3xi8> as tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2, 0.3}>>
  %c = lowbit.matmul %a, %w : tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2, 0.3}>> -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  return %c : tensor<2x3x!quant.uniform<i8:f32, 0.1>>
}
