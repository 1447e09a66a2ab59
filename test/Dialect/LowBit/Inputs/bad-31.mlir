// One padding is only defined for binary inputs.
func.func @f(%x: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<2x3x3x4x!lowbit.binary>) {
  %0 = lowbit.conv2d %x, %w padding [1, 1, 1, 1] pad_value one : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>>, tensor<2x3x3x4x!lowbit.binary> -> tensor<1x8x8x2xf32>
  return
}
