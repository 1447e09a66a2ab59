// A !quant.uniform type without a scale.
func.func @f(%x: tensor<4xf32>) {
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32>>
  return
}
