func.func @huge(%x: tensor<2x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<2x2x!quant.uniform<i8:f32, 1.0>> {
  %c = lowbit.constant dense<1> : tensor<4294967296x4294967296xi8> as tensor<4294967296x4294967296x!quant.uniform<i8:f32, 1.0>>
  return %x : tensor<2x2x!quant.uniform<i8:f32, 1.0>>
}
