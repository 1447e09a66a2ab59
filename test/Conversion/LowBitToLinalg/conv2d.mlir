// Lowering of lowbit.conv2d (NHWC input, OHWI filter) by
// --lowbit-lower-quantized: padding with the input zero point (the real
// value 0), a 5-D (n, h, w, group, channel) view of input and filter so that
// groups/depthwise are a plain dimension, strides and dilations in the input
// indexing map, per-channel requantization in the epilogue.

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=float" | FileCheck %s --check-prefixes=CHECK,FLOAT

// Loops (n, oh, ow, g, oc, kh, kw, ic).
// CHECK-DAG: #[[IN_S:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d5 * 2, d2 * 3 + d6, d3, d7)>
// CHECK-DAG: #[[IN_1:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d3, d7)>
// CHECK-DAG: #[[FIL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d4, d5, d6, d7)>
// CHECK-DAG: #[[ZW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>

!x = !quant.uniform<i8:f32, 0.5:-3>
!z = !quant.uniform<i8:f32, 1.0:2>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.25:1, 0.5:-2, 0.125}>
!b = !quant.uniform<i32:f32:0, {0.125, 0.25, 0.0625}>

// Padding [top 1, bottom 2, left 0, right 1] with the zero point -3:
// 5x5 -> 8x6. Strides [2, 3], dilations [2, 1]: ih = 2 * oh + 2 * kh,
// iw = 3 * ow + kw. A non-constant per-channel filter with zero points
// [1, -2, 0] is centered in the loop (zero points indexed by (g, oc)).
// Multipliers 0.5 * [0.25, 0.5, 0.125] / 1.0 = [0.125, 0.25, 0.0625]
// -> M0 = 2^30, right shifts [2, 1, 3]. ReLU: [max(-128, 2), 127] = [2, 127].
// CHECK-LABEL: func.func @conv_pad_stride_dilation(
// CHECK-SAME:      %[[X:.*]]: tensor<1x5x5x2xi8>, %[[W:.*]]: tensor<3x2x2x2xi8>, %[[B:.*]]: tensor<3xi32>) -> tensor<1x3x2x3xi8>
// CHECK:         %[[PV:.*]] = arith.constant -3 : i8
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 2, 1, 0]
// CHECK:           tensor.yield %[[PV]] : i8
// CHECK:         } : tensor<1x5x5x2xi8> to tensor<1x8x6x2xi8>
// CHECK:         %[[X5:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 8, 6, 1, 2] : tensor<1x8x6x2xi8> into tensor<1x8x6x1x2xi8>
// CHECK:         %[[W5:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 3, 2, 2, 2] : tensor<3x2x2x2xi8> into tensor<1x3x2x2x2xi8>
// CHECK:         %[[ZWS:.*]] = arith.constant dense<[1, -2, 0]> : tensor<3xi32>
// CHECK:         %[[ZW2:.*]] = tensor.expand_shape %[[ZWS]] {{\[\[}}0, 1]] output_shape [1, 3] : tensor<3xi32> into tensor<1x3xi32>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[IN_S]], #[[FIL]], #[[ZW]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        ins(%[[X5]], %[[W5]], %[[ZW2]] : tensor<1x8x6x1x2xi8>, tensor<1x3x2x2x2xi8>, tensor<1x3xi32>) outs(%{{.*}} : tensor<1x3x2x1x3xi32>)
// CHECK-NEXT:    ^bb0(%[[AV:[a-z0-9_]+]]: i8, %[[WV:[a-z0-9_]+]]: i8, %[[ZV:[a-z0-9_]+]]: i32, %[[OV:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[AE:.*]] = arith.extsi %[[AV]] : i8 to i32
// CHECK-NEXT:      %[[WE:.*]] = arith.extsi %[[WV]] : i8 to i32
// CHECK-NEXT:      %[[ZA:.*]] = arith.constant -3 : i32
// CHECK-NEXT:      %[[AC:.*]] = arith.subi %[[AE]], %[[ZA]] : i32
// CHECK-NEXT:      %[[WC:.*]] = arith.subi %[[WE]], %[[ZV]] : i32
// CHECK-NEXT:      %[[PR:.*]] = arith.muli %[[AC]], %[[WC]] : i32
// CHECK-NEXT:      arith.addi %[[OV]], %[[PR]] : i32
// CHECK:         %[[ACC4:.*]] = tensor.collapse_shape %[[ACC]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x3x2x1x3xi32> into tensor<1x3x2x3xi32>
// CHECK-DAG:     %[[RSH:.*]] = arith.constant dense<[2, 1, 3]> : tensor<3xi32>
// CHECK-DAG:     %[[MF:.*]] = arith.constant dense<[1.250000e-01, 2.500000e-01, 6.250000e-02]> : tensor<3xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID4]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[ID4]]]
// CHECK-SAME:        ins(%[[ACC4]], %{{.*}}, %{{.*}}, %{{.*}}, %[[RSH]], %[[MF]], %{{.*}}, %[[B]] :
// CHECK-DAG:       %[[ZPO:.*]] = arith.constant 2 : i32
// CHECK-DAG:       %[[LO:.*]] = arith.constant 2 : i32
// CHECK-DAG:       arith.constant 127 : i32
// FIXED:           arith.divsi %{{.*}}, %{{.*}} : i64
// FLOAT:           math.roundeven
// CHECK:           arith.trunci %{{.*}} : i32 to i8
func.func @conv_pad_stride_dilation(%x: tensor<1x5x5x2x!x>, %w: tensor<3x2x2x2x!w>, %b: tensor<3x!b>) -> tensor<1x3x2x3x!z> {
  %0 = lowbit.conv2d %x, %w bias %b strides [2, 3] dilations [2, 1] padding [1, 2, 0, 1] act(relu)
      : tensor<1x5x5x2x!x>, tensor<3x2x2x2x!w>, tensor<3x!b> -> tensor<1x3x2x3x!z>
  return %0 : tensor<1x3x2x3x!z>
}

// Depthwise (groups = C = 2, channel multiplier 2) with a constant filter
// (zw = 0) and constant bias; unsigned input with zero point 128, padded by 1
// on every side with 128 (printed as the i8 bit pattern -128).
// The 5-D views are input 1x6x6x2x1 (g = 2, C/g = 1) and filter 2x2x2x2x1
// (g = 2, O/g = 2). Folded offsets, K = 2 * 2 * 1 = 4, za = 128:
//   filter sums per output channel = [1+2+3+4, 5+6+7+8, 0+1+0+1, 2+2+2+2]
//                                  = [10, 26, 2, 8]
//   offsets = bias - 128 * sums = [1 - 1280, 2 - 3328, 3 - 256, 4 - 1024]
//           = [-1279, -3326, -253, -1020]
// Multiplier 0.5 * 0.25 / 1.0 = 0.125 -> M0 = 2^30, right shift 2.
// CHECK-LABEL: func.func @depthwise_constant_filter(
// CHECK-SAME:      %[[X:.*]]: tensor<1x4x4x2xi8>) -> tensor<1x5x5x4xi8>
// CHECK:         %[[F:.*]] = arith.constant dense<{{.*}}> : tensor<4x2x2x1xi8>
// CHECK:         %[[PV:.*]] = arith.constant -128 : i8
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:           tensor.yield %[[PV]] : i8
// CHECK:         %[[X5:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 6, 6, 2, 1] : tensor<1x6x6x2xi8> into tensor<1x6x6x2x1xi8>
// CHECK:         %[[F5:.*]] = tensor.expand_shape %[[F]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 2, 2, 2, 1] : tensor<4x2x2x1xi8> into tensor<2x2x2x2x1xi8>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[IN_1]], #[[FIL]], #[[OUT]]]
// CHECK-SAME:        ins(%[[X5]], %[[F5]] : tensor<1x6x6x2x1xi8>, tensor<2x2x2x2x1xi8>) outs(%{{.*}} : tensor<1x5x5x2x2xi32>)
// CHECK-NEXT:    ^bb0(%[[AV:[a-z0-9_]+]]: i8, %[[WV:[a-z0-9_]+]]: i8, %[[OV:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[AE:.*]] = arith.extui %[[AV]] : i8 to i32
// CHECK-NEXT:      %[[WE:.*]] = arith.extui %[[WV]] : i8 to i32
// CHECK-NEXT:      %[[PR:.*]] = arith.muli %[[AE]], %[[WE]] : i32
// CHECK-NEXT:      arith.addi %[[OV]], %[[PR]] : i32
// CHECK:         tensor.collapse_shape %[[ACC]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x5x5x2x2xi32> into tensor<1x5x5x4xi32>
// CHECK:         arith.constant dense<[-1279, -3326, -253, -1020]> : tensor<4xi32>
// CHECK:         arith.constant dense<1073741824> : tensor<4xi32>
// CHECK:         arith.constant dense<0> : tensor<4xi32>
// CHECK:         arith.constant dense<2> : tensor<4xi32>
// CHECK:         linalg.generic
// CHECK-DAG:       arith.constant 100 : i32
// CHECK-DAG:       arith.constant 0 : i32
// CHECK-DAG:       arith.constant 255 : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
func.func @depthwise_constant_filter(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<1x5x5x4x!quant.uniform<u8:f32, 1.0:100>> {
  %w = lowbit.constant dense<[[[[1], [2]], [[3], [4]]], [[[5], [6]], [[7], [8]]], [[[0], [1]], [[0], [1]]], [[[2], [2]], [[2], [2]]]]>
      : tensor<4x2x2x1xi8> as tensor<4x2x2x1x!quant.uniform<u8:f32, 0.25>>
  %b = lowbit.constant dense<[1, 2, 3, 4]> : tensor<4xi32> as tensor<4x!quant.uniform<i32:f32, 0.125>>
  %0 = lowbit.conv2d %x, %w bias %b padding [1, 1, 1, 1] groups 2
      : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<4x2x2x1x!quant.uniform<u8:f32, 0.25>>,
        tensor<4x!quant.uniform<i32:f32, 0.125>> -> tensor<1x5x5x4x!quant.uniform<u8:f32, 1.0:100>>
  return %0 : tensor<1x5x5x4x!quant.uniform<u8:f32, 1.0:100>>
}

// Grouped (not depthwise): C = 4, groups = 2, O = 2 -> views 1x3x3x2x2 and
// 2x1x2x2x2; no padding, so no tensor.pad.
// CHECK-LABEL: func.func @grouped(
// CHECK-NOT:     tensor.pad
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 3, 3, 2, 2] : tensor<1x3x3x4xi8> into tensor<1x3x3x2x2xi8>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 1, 2, 2, 2] : tensor<2x2x2x2xi8> into tensor<2x1x2x2x2xi8>
// CHECK:         linalg.generic {indexing_maps = [#[[IN_1]], #[[FIL]], #[[OUT]]]
// CHECK-SAME:        outs(%{{.*}} : tensor<1x2x2x2x1xi32>)
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x2x2x2x1xi32> into tensor<1x2x2x2xi32>
func.func @grouped(%x: tensor<1x3x3x4x!x>, %w: tensor<2x2x2x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!z> {
  %0 = lowbit.conv2d %x, %w groups 2 : tensor<1x3x3x4x!x>, tensor<2x2x2x2x!quant.uniform<i8:f32, 0.25>> -> tensor<1x2x2x2x!z>
  return %0 : tensor<1x2x2x2x!z>
}

// Float conv (f16) with an f16 bias: pad with 0.0, accumulate in f32, add the
// bias, round back to f16 with integer operations; no requantization.
// CHECK-LABEL: func.func @float_conv(
// CHECK-SAME:      %[[X:.*]]: tensor<1x4x4x2xf16>, %[[W:.*]]: tensor<3x3x3x2xf16>, %[[B:.*]]: tensor<3xf16>) -> tensor<1x4x4x3xf16>
// CHECK:         %[[PV:.*]] = arith.constant 0.000000e+00 : f16
// CHECK:         tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:           tensor.yield %[[PV]] : f16
// CHECK:         linalg.generic {indexing_maps = [#[[IN_1]], #[[FIL]], #[[OUT]]]
// CHECK-SAME:        outs(%{{.*}} : tensor<1x4x4x1x3xf32>)
// CHECK-NEXT:    ^bb0(%{{.*}}: f16, %{{.*}}: f16, %[[OV:[a-z0-9_]+]]: f32):
// CHECK:           %[[AF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[WF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT:      %[[PF:.*]] = arith.mulf %[[AF]], %[[WF]] : f32
// CHECK-NEXT:      arith.addf %[[OV]], %[[PF]] : f32
// CHECK:         tensor.collapse_shape %{{.*}} : tensor<1x4x4x1x3xf32> into tensor<1x4x4x3xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID4]], #[[CH]], #[[ID4]]]
// CHECK-SAME:        ins(%{{.*}}, %[[B]] : tensor<1x4x4x3xf32>, tensor<3xf16>)
// CHECK:           arith.addf
// CHECK-NOT:       arith.truncf
// CHECK:           arith.bitcast %{{.*}} : i16 to f16
// CHECK-NOT:       i64
// CHECK-NOT:       math.round
func.func @float_conv(%x: tensor<1x4x4x2xf16>, %w: tensor<3x3x3x2xf16>, %b: tensor<3xf16>) -> tensor<1x4x4x3xf16> {
  %0 = lowbit.conv2d %x, %w bias %b padding [1, 1, 1, 1] : tensor<1x4x4x2xf16>, tensor<3x3x3x2xf16>, tensor<3xf16> -> tensor<1x4x4x3xf16>
  return %0 : tensor<1x4x4x3xf16>
}
