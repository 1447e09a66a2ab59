// A zero stride.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  %0 = lowbit.conv2d %x, %w strides [0, 1] : tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x6x6x2xf32>
  return
}
