// --lowbit-dot-kernels on a conv2d with few input channels (an RGB stem,
// 7x7x3, stride 2, padding 3): each window row's 7 * 3 = 21 contiguous
// NHWC bytes are reduced as one run of 6 groups of 4 instead of 7 groups
// of 3 values padded to 4 (42 dot-product steps per pixel, not 49). The
// packed weights are [blocks, KH, 1, 6, 64]; the activations are read as
// byte rows [B, IH, IW * C] (21 x 19 * 3 after the padding) with 3 bytes
// of tail, so that the last pixel's 24-byte run stays in bounds; pixel x
// starts at byte 6x (stride 2 * 3 channels).
// RUN: lowbit-opt --lowbit-lower-quantized --lowbit-dot-kernels="isa=avx512-vnni" %s | FileCheck %s

// CHECK-LABEL: func.func @stem
// CHECK:     arith.constant dense<"0x{{[0-9A-F]+}}"> : tensor<1x7x1x6x64xi8>
// CHECK:     tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x21x19x3xi8> into tensor<1x21x57xi8>
// CHECK:     tensor.pad %{{.*}} low[0, 0, 0] high[0, 0, 3]
// CHECK:     arith.constant 6 : index
// CHECK:     vector.transfer_read %{{.*}} : tensor<1x21x60xi8>, vector<4xi8>
// CHECK-NOT: tensor<1x7x7x1x64xi8>
func.func @stem(%x: tensor<1x15x13x3x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x7x9x!quant.uniform<i8:f32, 0.1>> {
  %w = lowbit.constant dense<1> : tensor<9x7x7x3xi8> as tensor<9x7x7x3x!quant.uniform<i8:f32, 0.01>>
  %y = lowbit.conv2d %x, %w strides [2, 2] padding [3, 3, 3, 3] : tensor<1x15x13x3x!quant.uniform<i8:f32, 0.05:-3>>, tensor<9x7x7x3x!quant.uniform<i8:f32, 0.01>> -> tensor<1x8x7x9x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x8x7x9x!quant.uniform<i8:f32, 0.1>>
}

// A dilated window's row is not contiguous: the usual padded groups.
// CHECK-LABEL: func.func @dilated
// CHECK:     tensor<1x3x3x1x64xi8>
func.func @dilated(%x: tensor<1x9x9x3x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x5x5x9x!quant.uniform<i8:f32, 0.1>> {
  %w = lowbit.constant dense<1> : tensor<9x3x3x3xi8> as tensor<9x3x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = lowbit.conv2d %x, %w dilations [2, 2] : tensor<1x9x9x3x!quant.uniform<i8:f32, 0.05:-3>>, tensor<9x3x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<1x5x5x9x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x5x5x9x!quant.uniform<i8:f32, 0.1>>
}
