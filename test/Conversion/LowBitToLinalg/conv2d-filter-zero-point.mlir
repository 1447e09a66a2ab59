// A constant conv2d filter with a nonzero zero point: the zero-point terms
// za * sum(w) and K * za * zw are folded into the offsets, and
// zw * (window sum of the input) is subtracted at run time.
//
// --lowbit-lower-quantized builds for the run-time correction
// (Contraction.cpp, Conv2DLowering, "acc -= zw[o] * (window sum ...)") has
// indexing maps
//   (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d4, d2 + d5, d3, d6)  (input)
//   (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)                (output)
// in which the kernel dims d4 and d5 only appear inside sums, so the loop
// bounds cannot be inferred and the op fails to verify ("invalid indexing
// maps are non-invertible"). It needs an operand that carries the kernel
// shape (as the pooling lowering does with a tensor.empty of the kernel

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s

// x: i8, zp -1; w: i8, zp 1, constant [[1, 2], [3, 4]] (1 output channel,
// 2x2 kernel, 1 input channel), K = 4, sum(w) = 10:
//   offset = -za * sum(w) + K * za * zw = 10 + 4 * (-1) * 1 = 6.
// The int32 result has scale 0.5 * 0.25 = 0.125, so M = 1 (no multiplier).
// CHECK-LABEL: func.func @constant_filter_zero_point(
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<1x2x2x1x1xi32>)
// Window sums of the input, per (n, oh, ow, g).
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<1x2x2x1xi32>)
// acc -= zw * window sum
// CHECK:         linalg.generic
// CHECK:           arith.muli
// CHECK-NEXT:      arith.subi
// CHECK:         arith.constant dense<6> : tensor<1xi32>
func.func @constant_filter_zero_point(%x: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x2x2x1x!quant.uniform<i32:f32, 0.125>> {
  %w = lowbit.constant dense<[[[[1], [2]], [[3], [4]]]]> : tensor<1x2x2x1xi8> as tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25:1>>
  %0 = lowbit.conv2d %x, %w : tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:-1>>, tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25:1>> -> tensor<1x2x2x1x!quant.uniform<i32:f32, 0.125>>
  return %0 : tensor<1x2x2x1x!quant.uniform<i32:f32, 0.125>>
}
