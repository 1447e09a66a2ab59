// quantize / dequantize with a per-channel binary type
// !lowbit.binary<f32:1, {s0, s1, s2}>: the bit is the sign, the real value
// is -s[c] / +s[c].
//
// (LowBitToLinalg.cpp) pass the zero points as a per-channel tensor built
// from QuantInfo::zeroPoints, which for a binary type holds a single 0
// (QuantBuilder.cpp, QuantInfo::get), while the scales tensor has one entry
// per channel. The linalg.generic then indexes a tensor<1xi32> with the
// channel dim of size 3 and fails to verify ("inferred input/output operand
// once both functions lower.

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s

!b = !lowbit.binary<f32:1, {0.5, 0.25, 0.125}>

// CHECK-LABEL: func.func @dequantize_binary_per_channel(
// CHECK-SAME:      %{{.*}}: tensor<2x3xi1>) -> tensor<2x3xf32>
// CHECK:         %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.250000e-01]> : tensor<3xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%{{.*}}, %[[S]]
// CHECK:           %[[N:.*]] = arith.negf %[[SC:.*]] : f32
// CHECK:           arith.select %{{.*}}, %[[N]], %[[SC]] : f32
func.func @dequantize_binary_per_channel(%x: tensor<2x3x!b>) -> tensor<2x3xf32> {
  %0 = lowbit.dequantize %x : tensor<2x3x!b> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @quantize_binary_per_channel(
// CHECK-SAME:      %{{.*}}: tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK:           arith.cmpf olt, %{{.*}}, %{{.*}} : f32
func.func @quantize_binary_per_channel(%x: tensor<2x3xf32>) -> tensor<2x3x!b> {
  %0 = lowbit.quantize %x : tensor<2x3xf32> -> tensor<2x3x!b>
  return %0 : tensor<2x3x!b>
}
