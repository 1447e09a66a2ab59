// Binary scales are positive.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32, -0.5>>
  return
}
