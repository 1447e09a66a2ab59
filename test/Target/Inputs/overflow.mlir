func.func @model(%a: tensor<1x4096x!quant.uniform<i16:f32, 0.5>>, %b: tensor<4096x1x!quant.uniform<i16:f32, 0.5>>) -> tensor<1x1x!quant.uniform<i16:f32, 1.0>> {
  %c = lowbit.matmul %a, %b : tensor<1x4096x!quant.uniform<i16:f32, 0.5>>, tensor<4096x1x!quant.uniform<i16:f32, 0.5>> -> tensor<1x1x!quant.uniform<i16:f32, 1.0>>
  return %c : tensor<1x1x!quant.uniform<i16:f32, 1.0>>
}
