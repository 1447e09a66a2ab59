// A filter of width 0.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x0x4xf32>) {
  %0 = lowbit.conv2d %x, %w : tensor<1x8x8x4xf32>, tensor<2x3x0x4xf32> -> tensor<1x6x9x2xf32>
  return
}
