// 17-bit storage is not supported.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i17:f32, 0.1>>
  return
}
