// The zero point 200 is outside [-128, 127].
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:200>>
  return
}
