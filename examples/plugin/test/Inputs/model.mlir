// A two-layer model: a binary convolution and an int8 x int4 matmul.
func.func @model(%x: tensor<1x8x8x64x!lowbit.binary>, %y: tensor<2x32x!quant.uniform<i8:f32, 0.1>>)
    -> (tensor<1x8x8x32xf32>, tensor<2x16x!quant.uniform<i8:f32, 0.2>>) {
  %w = lowbit.constant dense<1> : tensor<32x3x3x64xi8> as tensor<32x3x3x64x!lowbit.binary>
  %c = lowbit.conv2d %x, %w padding [1, 1, 1, 1] pad_value one
      : tensor<1x8x8x64x!lowbit.binary>, tensor<32x3x3x64x!lowbit.binary> -> tensor<1x8x8x32xf32>
  %v = lowbit.constant dense<3> : tensor<32x16xi8> as tensor<32x16x!quant.uniform<i4:f32, 0.05>>
  %m = lowbit.matmul %y, %v : tensor<2x32x!quant.uniform<i8:f32, 0.1>>, tensor<32x16x!quant.uniform<i4:f32, 0.05>>
      -> tensor<2x16x!quant.uniform<i8:f32, 0.2>>
  return %c, %m : tensor<1x8x8x32xf32>, tensor<2x16x!quant.uniform<i8:f32, 0.2>>
}
