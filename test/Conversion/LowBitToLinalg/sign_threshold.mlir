// Lowering of lowbit.sign and lowbit.threshold by --lowbit-lower-quantized.
// sign: the stored bit is 1 (-1) exactly when the real value is negative,
// i.e. q < zp for affine inputs (sign(0) = +1). threshold: n = #{k : x >=
// T[c, k]} as a reduction over the threshold levels, then the n-th stored
// value from qmin (or n = 0 -> bit 1 for a binary result). Neither depends on
// the requantization mode.

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=float" | FileCheck %s

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CH2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[X4:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[T4:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// CHECK-DAG: #[[X2:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[TSHARED:.*]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-DAG: #[[T2:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>

// Per tensor, signed: bit = q < -3.
// CHECK-LABEL: func.func @sign_per_tensor(
// CHECK-SAME:      %{{.*}}: tensor<2x4xi8>) -> tensor<2x4xi1>
// CHECK:         ^bb0(%[[Q:[a-z0-9_]+]]: i8, %{{.*}}: i1):
// CHECK-NEXT:      %[[ZP:.*]] = arith.constant -3 : i32
// CHECK-NEXT:      %[[W:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK-NEXT:      %[[B:.*]] = arith.cmpi slt, %[[W]], %[[ZP]] : i32
// CHECK-NEXT:      linalg.yield %[[B]] : i1
func.func @sign_per_tensor(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<2x4x!lowbit.binary> {
  %0 = lowbit.sign %x : tensor<2x4x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<2x4x!lowbit.binary>
  return %0 : tensor<2x4x!lowbit.binary>
}

// Per channel, unsigned: zero-extended, compared with zp[c] (indexed by d1).
// CHECK-LABEL: func.func @sign_per_channel_unsigned(
// CHECK:         %[[ZPS:.*]] = arith.constant dense<[128, 100, 0]> : tensor<3xi32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[CH2]], #[[ID2]]]
// CHECK-SAME:        ins(%{{.*}}, %[[ZPS]] : tensor<2x3xi8>, tensor<3xi32>)
// CHECK-NEXT:    ^bb0(%[[Q:[a-z0-9_]+]]: i8, %[[ZP:[a-z0-9_]+]]: i32, %{{.*}}: i1):
// CHECK-NEXT:      %[[W:.*]] = arith.extui %[[Q]] : i8 to i32
// CHECK-NEXT:      %[[B:.*]] = arith.cmpi slt, %[[W]], %[[ZP]] : i32
// CHECK-NEXT:      linalg.yield %[[B]] : i1
func.func @sign_per_channel_unsigned(%x: tensor<2x3x!quant.uniform<u8:f32:1, {0.1:128, 0.2:100, 0.3:0}>>) -> tensor<2x3x!lowbit.binary> {
  %0 = lowbit.sign %x : tensor<2x3x!quant.uniform<u8:f32:1, {0.1:128, 0.2:100, 0.3:0}>> -> tensor<2x3x!lowbit.binary>
  return %0 : tensor<2x3x!lowbit.binary>
}

// Float input (f16): widened exactly, then x < 0.0 (so -0.0 and +0.0 give +1).
// CHECK-LABEL: func.func @sign_f16(
// CHECK:           %[[F:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[B:.*]] = arith.cmpf olt, %[[F]], %[[Z]] : f32
// CHECK-NEXT:      linalg.yield %[[B]] : i1
func.func @sign_f16(%x: tensor<4xf16>) -> tensor<4x!lowbit.binary> {
  %0 = lowbit.sign %x : tensor<4xf16> -> tensor<4x!lowbit.binary>
  return %0 : tensor<4x!lowbit.binary>
}

// One threshold per channel on an int32 accumulator, binary result: the
// count over the level dim (d4, a reduction) compares in i64, and the bit is
// 1 (-1) when no threshold is reached.
// CHECK-LABEL: func.func @threshold_binary(
// CHECK-SAME:      %[[ACC:.*]]: tensor<1x2x2x3xi32>, %[[T:.*]]: tensor<3x1xi32>) -> tensor<1x2x2x3xi1>
// CHECK:         %[[N:.*]] = linalg.generic {indexing_maps = [#[[X4]], #[[T4]], #[[X4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[ACC]], %[[T]] : tensor<1x2x2x3xi32>, tensor<3x1xi32>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i32, %[[TV:[a-z0-9_]+]]: i32, %[[C:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[X64:.*]] = arith.extsi %[[X]] : i32 to i64
// CHECK-NEXT:      %[[T64:.*]] = arith.extsi %[[TV]] : i32 to i64
// CHECK-NEXT:      %[[GE:.*]] = arith.cmpi sge, %[[X64]], %[[T64]] : i64
// CHECK-NEXT:      %[[INC:.*]] = arith.extui %[[GE]] : i1 to i32
// CHECK-NEXT:      arith.addi %[[C]], %[[INC]] : i32
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[N]] : tensor<1x2x2x3xi32>)
// CHECK-NEXT:    ^bb0(%[[NV:[a-z0-9_]+]]: i32, %{{.*}}: i1):
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[B:.*]] = arith.cmpi eq, %[[NV]], %[[Z]] : i32
// CHECK-NEXT:      linalg.yield %[[B]] : i1
func.func @threshold_binary(%acc: tensor<1x2x2x3x!quant.uniform<i32:f32, 1.0>>, %t: tensor<3x1xi32>) -> tensor<1x2x2x3x!lowbit.binary> {
  %0 = lowbit.threshold %acc, %t : tensor<1x2x2x3x!quant.uniform<i32:f32, 1.0>>, tensor<3x1xi32> -> tensor<1x2x2x3x!lowbit.binary>
  return %0 : tensor<1x2x2x3x!lowbit.binary>
}

// Three thresholds shared by every channel (1x3, map (0, d2)) give an
// unsigned 2-bit result: stored value qmin + n = 0 + n.
// CHECK-LABEL: func.func @threshold_shared_u2(
// CHECK:         linalg.generic {indexing_maps = [#[[X2]], #[[TSHARED]], #[[X2]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[NV:[a-z0-9_]+]]: i32, %{{.*}}: i2):
// CHECK-NEXT:      %[[QMIN:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[NV]], %[[QMIN]] : i32
// CHECK-NEXT:      %[[T:.*]] = arith.trunci %[[S]] : i32 to i2
// CHECK-NEXT:      linalg.yield %[[T]] : i2
func.func @threshold_shared_u2(%acc: tensor<2x3x!quant.uniform<i32:f32, 1.0>>, %t: tensor<1x3xi32>) -> tensor<2x3x!quant.uniform<u2:f32, 0.5>> {
  %0 = lowbit.threshold %acc, %t : tensor<2x3x!quant.uniform<i32:f32, 1.0>>, tensor<1x3xi32> -> tensor<2x3x!quant.uniform<u2:f32, 0.5>>
  return %0 : tensor<2x3x!quant.uniform<u2:f32, 0.5>>
}

// Two float thresholds per channel give a ternary result: the float
// comparison is oge, and the stored value is qmin + n = -1 + n in [-1, 1].
// CHECK-LABEL: func.func @threshold_float_ternary(
// CHECK:         linalg.generic {indexing_maps = [#[[X2]], #[[T2]], #[[X2]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: f32, %[[TV:[a-z0-9_]+]]: f32, %{{.*}}: i32):
// CHECK-NEXT:      arith.cmpf oge, %[[X]], %[[TV]] : f32
// CHECK:         linalg.generic
// CHECK-NEXT:    ^bb0(%[[NV:[a-z0-9_]+]]: i32, %{{.*}}: i2):
// CHECK-NEXT:      %[[QMIN:.*]] = arith.constant -1 : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[NV]], %[[QMIN]] : i32
// CHECK-NEXT:      arith.trunci %[[S]] : i32 to i2
func.func @threshold_float_ternary(%f: tensor<2x8xf32>, %t: tensor<8x2xf32>) -> tensor<2x8x!quant.uniform<i2<-1:1>:f32, 0.5>> {
  %0 = lowbit.threshold %f, %t : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x8x!quant.uniform<i2<-1:1>:f32, 0.5>>
  return %0 : tensor<2x8x!quant.uniform<i2<-1:1>:f32, 0.5>>
}
