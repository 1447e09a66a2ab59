// pad_value is zero or one.
func.func @f(%x: tensor<1x8x8x4x!lowbit.binary>, %w: tensor<2x3x3x4x!lowbit.binary>) {
  %0 = lowbit.conv2d %x, %w pad_value two : tensor<1x8x8x4x!lowbit.binary>, tensor<2x3x3x4x!lowbit.binary> -> tensor<1x6x6x2xf32>
  return
}
