// Lowering of lowbit.max_pool2d / avg_pool2d by --lowbit-lower-quantized.
// Pooling keeps the input quantization and works on stored values: max
// commutes with the monotonic quantization (pad and init with the lowest
// value), the integer average follows TFLite (sum of the real taps, divided
// by their count rounding half away from zero). Requantization mode does not
// matter, so both modes share the checks.

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=float" | FileCheck %s

// Loops (n, oh, ow, c, kh, kw); the kernel shape is carried by an i1 tensor.
// CHECK-DAG: #[[IN_S2:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3)>
// CHECK-DAG: #[[IN_S1:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d4, d2 + d5, d3)>
// CHECK-DAG: #[[IN_DIL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d4 * 2, d2 + d5 * 3, d3)>
// CHECK-DAG: #[[KER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

!s = !quant.uniform<i8:f32, 0.05:-3>
!u = !quant.uniform<u8:f32, 0.05:128>

// Signed max pool, 3x3 kernel, stride 2, padding [1, 0, 1, 0]: pad and init
// with qmin = -128 so padding never wins; arith.maxsi.
// CHECK-LABEL: func.func @max_pool_signed(
// CHECK-SAME:      %[[X:.*]]: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK:         %[[PV:.*]] = arith.constant -128 : i8
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK:           tensor.yield %[[PV]] : i8
// CHECK:         } : tensor<1x4x4x2xi8> to tensor<1x5x5x2xi8>
// CHECK:         %[[INIT:.*]] = arith.constant -128 : i8
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%[[INIT]] : i8) outs(%{{.*}} : tensor<1x2x2x2xi8>)
// CHECK:         %[[K:.*]] = tensor.empty() : tensor<3x3xi1>
// CHECK:         linalg.generic {indexing_maps = [#[[IN_S2]], #[[KER]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME:        ins(%[[P]], %[[K]] : tensor<1x5x5x2xi8>, tensor<3x3xi1>) outs(%[[FILL]] : tensor<1x2x2x2xi8>)
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i8, %{{.*}}: i1, %[[ACC:[a-z0-9_]+]]: i8):
// CHECK-NEXT:      %[[M:.*]] = arith.maxsi %[[ACC]], %[[V]] : i8
// CHECK-NEXT:      linalg.yield %[[M]] : i8
func.func @max_pool_signed(%x: tensor<1x4x4x2x!s>) -> tensor<1x2x2x2x!s> {
  %0 = lowbit.max_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 0, 1, 0] : tensor<1x4x4x2x!s> -> tensor<1x2x2x2x!s>
  return %0 : tensor<1x2x2x2x!s>
}

// Unsigned max pool: qmin = 0 and an unsigned comparison (arith.maxui);
// the padding value is 0.
// CHECK-LABEL: func.func @max_pool_unsigned(
// CHECK-SAME:      %[[X:.*]]: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK:         %[[PV:.*]] = arith.constant 0 : i8
// CHECK:         tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK:           tensor.yield %[[PV]] : i8
// CHECK:         %[[INIT:.*]] = arith.constant 0 : i8
// CHECK:         linalg.fill ins(%[[INIT]] : i8)
// CHECK:         linalg.generic {indexing_maps = [#[[IN_S2]], #[[KER]], #[[OUT]]]
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i8, %{{.*}}: i1, %[[ACC:[a-z0-9_]+]]: i8):
// CHECK-NEXT:      %[[M:.*]] = arith.maxui %[[ACC]], %[[V]] : i8
// CHECK-NOT:       arith.maxsi
// CHECK:           linalg.yield %[[M]] : i8
func.func @max_pool_unsigned(%x: tensor<1x4x4x2x!u>) -> tensor<1x2x2x2x!u> {
  %0 = lowbit.max_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 0, 1, 0] : tensor<1x4x4x2x!u> -> tensor<1x2x2x2x!u>
  return %0 : tensor<1x2x2x2x!u>
}

// int4 max pool without padding: init with qmin = -8 as i4, no tensor.pad.
// CHECK-LABEL: func.func @max_pool_i4(
// CHECK-NOT:     tensor.pad
// CHECK:         %[[INIT:.*]] = arith.constant -8 : i4
// CHECK:         linalg.fill ins(%[[INIT]] : i4)
// CHECK:         arith.maxsi %{{.*}}, %{{.*}} : i4
func.func @max_pool_i4(%x: tensor<1x4x4x2x!quant.uniform<i4:f32, 0.5>>) -> tensor<1x2x2x2x!quant.uniform<i4:f32, 0.5>> {
  %0 = lowbit.max_pool2d %x kernel [2, 2] : tensor<1x4x4x2x!quant.uniform<i4:f32, 0.5>> -> tensor<1x2x2x2x!quant.uniform<i4:f32, 0.5>>
  return %0 : tensor<1x2x2x2x!quant.uniform<i4:f32, 0.5>>
}

// Binary max pool: -1 is bit 1, so max over {-1, +1} is an AND of the bits,
// done on 64-bit words packed along the channels (the 2 channels pad to one
// word), starting from all ones (-1, which never wins), then unpacked.
// CHECK-LABEL: func.func @max_pool_binary(
// CHECK:         tensor.pad %{{.*}} low[1, 0, 0, 0] high[0, 0, 0, 62]
// CHECK:         arith.ori %{{.*}}, %{{.*}} : i64
// CHECK:         %[[ONES:.*]] = arith.constant -1 : i64
// CHECK:         linalg.fill ins(%[[ONES]] : i64)
// CHECK:         ^bb0(%[[V:[a-z0-9_]+]]: i64, %{{.*}}: i1, %[[ACC:[a-z0-9_]+]]: i64):
// CHECK-NEXT:      arith.andi %[[ACC]], %[[V]] : i64
// CHECK:         arith.shrui %{{.*}}, %{{.*}} : i64
func.func @max_pool_binary(%x: tensor<1x4x4x2x!lowbit.binary>) -> tensor<1x2x2x2x!lowbit.binary> {
  %0 = lowbit.max_pool2d %x kernel [2, 2] : tensor<1x4x4x2x!lowbit.binary> -> tensor<1x2x2x2x!lowbit.binary>
  return %0 : tensor<1x2x2x2x!lowbit.binary>
}

// Float max pool: pad and init with -infinity, arith.maximumf.
// CHECK-LABEL: func.func @max_pool_float(
// CHECK:         %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:         tensor.pad
// CHECK:           tensor.yield %[[NINF]] : f32
// CHECK:         linalg.fill ins(%{{.*}} : f32)
// CHECK:         ^bb0(%[[V:[a-z0-9_]+]]: f32, %{{.*}}: i1, %[[ACC:[a-z0-9_]+]]: f32):
// CHECK-NEXT:      arith.maximumf %[[ACC]], %[[V]] : f32
func.func @max_pool_float(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  %0 = lowbit.max_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 0, 1, 0] : tensor<1x4x4x2xf32> -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// Average pool, 3x3 kernel, stride 1, padding 1 on each side, int8 zp -3.
// The input is padded with the zero point and summed in int32; the epilogue
// computes the number of real taps from the output position (linalg.index)
//   count_h = min(oh * 1 - 1 + 3, 4) - max(oh * 1 - 1, 0)   (same for w)
// removes the (9 - count) padding taps, each summed as zp = -3, and divides
// with TFLite rounding: (s > 0 ? s + count / 2 : s - count / 2) / count.
// CHECK-LABEL: func.func @avg_pool(
// CHECK-SAME:      %[[X:.*]]: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
// CHECK:         %[[PV:.*]] = arith.constant -3 : i8
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:           tensor.yield %[[PV]] : i8
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x4x4x2xi32>)
// CHECK:         %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[IN_S1]], #[[KER]], #[[OUT]]]
// CHECK-SAME:        ins(%[[P]], %{{.*}} : tensor<1x6x6x2xi8>, tensor<3x3xi1>) outs(%[[FILL]] : tensor<1x4x4x2xi32>)
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i8, %{{.*}}: i1, %[[ACC:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[VE:.*]] = arith.extsi %[[V]] : i8 to i32
// CHECK-NEXT:      arith.addi %[[ACC]], %[[VE]] : i32
// CHECK:         linalg.generic {indexing_maps = [#[[ID4]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME:        ins(%[[SUM]] : tensor<1x4x4x2xi32>)
// CHECK-NEXT:    ^bb0(%[[S:[a-z0-9_]+]]: i32, %{{.*}}: i8):
// CHECK-NEXT:      %[[OH:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[OHI:.*]] = arith.index_cast %[[OH]] : index to i32
// CHECK-NEXT:      %[[STH:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[H0:.*]] = arith.muli %[[OHI]], %[[STH]] : i32
// CHECK-NEXT:      %[[PH:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[HS:.*]] = arith.subi %[[H0]], %[[PH]] : i32
// CHECK-NEXT:      %[[KH:.*]] = arith.constant 3 : i32
// CHECK-NEXT:      %[[HE:.*]] = arith.addi %[[HS]], %[[KH]] : i32
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[HS0:.*]] = arith.maxsi %[[HS]], %[[Z]] : i32
// CHECK-NEXT:      %[[H:.*]] = arith.constant 4 : i32
// CHECK-NEXT:      %[[HE0:.*]] = arith.minsi %[[HE]], %[[H]] : i32
// CHECK-NEXT:      %[[CH:.*]] = arith.subi %[[HE0]], %[[HS0]] : i32
// CHECK-NEXT:      %[[OW:.*]] = linalg.index 2 : index
// CHECK:           arith.minsi
// CHECK-NEXT// A binary result takes one thres:      %[[CWhold per channel:.*]] = .
fa