func.func @big(%x: tensor<100000x100000x!quant.uniform<i8:f32, 1.0>>) -> tensor<100000x100000x!quant.uniform<i8:f32, 1.0>> {
  return %x : tensor<100000x100000x!quant.uniform<i8:f32, 1.0>>
}
