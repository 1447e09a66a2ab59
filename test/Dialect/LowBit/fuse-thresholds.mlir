// --lowbit-fuse-thresholds: a binary conv2d / matmul with constant weights,
// its float epilogue (scales, bias, activation), lowbit.mul / lowbit.add by
// per-channel constants and a final lowbit.sign / lowbit.threshold become
// the exact i32 dot product plus one lowbit.threshold on it.
//
// Expected thresholds were computed independently (Python, exhaustive over
// every dot product d in [-K, K]): tau[c] = the smallest d with
// f_c(d) >= t (after negating d for a decreasing channel), INT32_MIN when
// every d passes, INT32_MAX when none does.

// RUN: lowbit-opt --lowbit-fuse-thresholds %s | FileCheck %s

!bin = !lowbit.binary<f32, 0.5>
!wsc = !lowbit.binary<f32:0, {1.0, 2.0, 1.0, 1.0}>

// K = 1 * 1 * 8 = 8, s_in = 0.5, s_w = [1, 2, 1, 1], bias [0.5, -1, 0.25, 0.25],
// mul [2, -1, 0, 0], add [-1, 0.5, 0.5, -0.5]; sign: f >= 0 gives +1.
//   c0: (0.5 d + 0.5) * 2 - 1 = d            >= 0 <=> d >= 0      -> 0
//   c1: (1.0 d - 1) * -1 + 0.5 = 1.5 - d     decreasing: flip, weights of
//       channel 1 negated; with d' = -d: d' + 1.5 >= 0 <=> d' >= -1 -> -1
//   c2: 0 * (..) + 0.5 = 0.5, always >= 0                         -> -2147483648
//   c3: 0 * (..) - 0.5 = -0.5, never >= 0                         -> 2147483647
// Channel 1 [-1, -1, 1, 1, 1, -1, 1, -1] becomes [1, 1, -1, -1, -1, 1, -1, 1].
// CHECK-LABEL: func.func @conv_mul_add_sign(
// CHECK-SAME:      %[[X:[a-z0-9_]+]]: tensor<1x2x2x8x!lowbit.binary<f32, 5.000000e-01>>
// CHECK-NOT:     lowbit.mul
// CHECK-NOT:     lowbit.add
// CHECK-NOT:     lowbit.sign
// CHECK:         %[[W:.*]] = lowbit.constant dense<{{\[\[\[\[}}1, -1, 1, 1, -1, -1, 1, 1]]], {{\[\[\[}}1, 1, -1, -1, -1, 1, -1, 1]]], {{\[\[\[}}1, 1, 1, 1, 1, 1, 1, 1]]], {{\[\[\[}}-1, -1, -1, -1, 1, 1, 1, 1]]]]> : tensor<4x1x1x8xi8> as tensor<4x1x1x8x!lowbit.binary>
// CHECK-NEXT:    %[[ACC:.*]] = lowbit.conv2d %[[X]], %[[W]] : tensor<1x2x2x8x!lowbit.binary<f32, 5.000000e-01>>, tensor<4x1x1x8x!lowbit.binary> -> tensor<1x2x2x4x!quant.uniform<i32:f32, 5.000000e-01>>
// CHECK-NEXT:    %[[T:.*]] = arith.constant dense<{{\[\[}}0], [-1], [-2147483648], [2147483647]]> : tensor<4x1xi32>
// CHECK-NEXT:    %[[B:.*]] = lowbit.threshold %[[ACC]], %[[T]] : tensor<1x2x2x4x!quant.uniform<i32:f32, 5.000000e-01>>, tensor<4x1xi32> -> tensor<1x2x2x4x!lowbit.binary>
// CHECK-NEXT:    return %[[B]]
// CHECK-NOT:     lowbit.mul
// CHECK-NOT:     lowbit.add
// CHECK-NOT:     lowbit.sign
// CHECK-LABEL: func.func @matmul_multi_level(
func.func @conv_mul_add_sign(%x: tensor<1x2x2x8x!bin>) -> tensor<1x2x2x4x!lowbit.binary> {
  %w = lowbit.constant dense<[[[[1, -1, 1, 1, -1, -1, 1, 1]]], [[[-1, -1, 1, 1, 1, -1, 1, -1]]], [[[1, 1, 1, 1, 1, 1, 1, 1]]], [[[-1, -1, -1, -1, 1, 1, 1, 1]]]]> : tensor<4x1x1x8xi8> as tensor<4x1x1x8x!wsc>
  %b = lowbit.constant dense<[0.5, -1.0, 0.25, 0.25]> : tensor<4xf32> as tensor<4xf32>
  %m = lowbit.constant dense<[2.0, -1.0, 0.0, 0.0]> : tensor<4xf32> as tensor<4xf32>
  %a = lowbit.constant dense<[-1.0, 0.5, 0.5, -0.5]> : tensor<4xf32> as tensor<4xf32>
  %0 = lowbit.conv2d %x, %w bias %b : tensor<1x2x2x8x!bin>, tensor<4x1x1x8x!wsc>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  %1 = lowbit.mul %0, %m : tensor<1x2x2x4xf32>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  %2 = lowbit.add %1, %a : tensor<1x2x2x4xf32>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  %3 = lowbit.sign %2 : tensor<1x2x2x4xf32> -> tensor<1x2x2x4x!lowbit.binary>
  return %3 : tensor<1x2x2x4x!lowbit.binary>
}

// Two float thresholds per channel (u2 result). K = 4, f = 0.5 d:
//   c0: 0.5 d >= -1.5 <=> d >= -3;  0.5 d >= 1.0 <=> d >= 2
//   c1: 0.5 d >= 0.0  <=> d >= 0;   0.5 d >= 2.5 <=> d >= 5 > K -> 2147483647
// CHECK:         %[[W:.*]] = lowbit.constant dense<{{\[\[}}1, -1], [-1, -1], [1, 1], [1, -1]]> : tensor<4x2xi8> as tensor<4x2x!lowbit.binary>
// CHECK-NEXT:    %[[ACC:.*]] = lowbit.matmul %{{.*}}, %[[W]] : tensor<2x4x!lowbit.binary>, tensor<4x2x!lowbit.binary> -> tensor<2x2x!quant.uniform<i32:f32, 1.000000e+00>>
// CHECK-NEXT:    %[[T:.*]] = arith.constant dense<{{\[\[}}-3, 2], [0, 2147483647]]> : tensor<2x2xi32>
// CHECK-NEXT:    %[[R:.*]] = lowbit.threshold %[[ACC]], %[[T]] : tensor<2x2x!quant.uniform<i32:f32, 1.000000e+00>>, tensor<2x2xi32> -> tensor<2x2x!quant.uniform<u2:f32, 1.000000e+00>>
// CHECK-NEXT:    return %[[R]]
// CHECK-NOT:     lowbit.mul
func.func @matmul_multi_level(%x: tensor<2x4x!lowbit.binary>) -> tensor<2x2x!quant.uniform<u2:f32, 1.0>> {
  %w = lowbit.constant dense<[[1, -1], [-1, -1], [1, 1], [1, -1]]> : tensor<4x2xi8> as tensor<4x2x!lowbit.binary>
  %h = lowbit.constant dense<0.5> : tensor<2xf32> as tensor<2xf32>
  %t = lowbit.constant dense<[[-1.5, 1.0], [0.0, 2.5]]> : tensor<2x2xf32> as tensor<2x2xf32>
  %0 = lowbit.matmul %x, %w : tensor<2x4x!lowbit.binary>, tensor<4x2x!lowbit.binary> -> tensor<2x2xf32>
  %1 = lowbit.mul %0, %h : tensor<2x2xf32>, tensor<2xf32> -> tensor<2x2xf32>
  %2 = lowbit.threshold %1, %t : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2x!quant.uniform<u2:f32, 1.0>>
  return %2 : tensor<2x2x!quant.uniform<u2:f32, 1.0>>
}

// Negative: the weights are a function argument, nothing is fused.
// CHECK-LABEL: func.func @runtime_weights(
// CHECK:         %[[C:.*]] = lowbit.conv2d %{{.*}}, %{{.*}} bias %{{.*}} : {{.*}} -> tensor<1x2x2x4xf32>
// CHECK-NEXT:    %[[M:.*]] = lowbit.mul %[[C]], %{{.*}} :
// CHECK-NEXT:    %[[S:.*]] = lowbit.sign %[[M]] :
// CHECK-NEXT:    return %[[S]]
// CHECK-NOT:     lowbit.threshold
// CHECK-LABEL: func.func @two_uses(
func.func @runtime_weights(%x: tensor<1x2x2x8x!bin>, %w: tensor<4x1x1x8x!lowbit.binary>) -> tensor<1x2x2x4x!lowbit.binary> {
  %b = lowbit.constant dense<[0.5, -1.0, 0.25, 0.25]> : tensor<4xf32> as tensor<4xf32>
  %m = lowbit.constant dense<[2.0, -1.0, 0.0, 0.0]> : tensor<4xf32> as tensor<4xf32>
  %0 = lowbit.conv2d %x, %w bias %b : tensor<1x2x2x8x!bin>, tensor<4x1x1x8x!lowbit.binary>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  %1 = lowbit.mul %0, %m : tensor<1x2x2x4xf32>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  %2 = lowbit.sign %1 : tensor<1x2x2x4xf32> -> tensor<1x2x2x4x!lowbit.binary>
  return %2 : tensor<1x2x2x4x!lowbit.binary>
}

// Negative: the producer's float result is also returned, so it must stay;
// the chain is left as it is.
// CHECK:         %[[C:.*]] = lowbit.conv2d %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x2x2x4xf32>
// CHECK-NEXT:    %[[M:.*]] = lowbit.mul %[[C]], %{{.*}} :
// CHECK-NEXT:    %[[S:.*]] = lowbit.sign %[[M]] :
// CHECK-NEXT:    return %[[S]], %[[C]]
// CHECK-NOT:     lowbit.threshold
// CHECK-LABEL: func.func @two_uses_mid(
func.func @two_uses(%x: tensor<1x2x2x8x!bin>) -> (tensor<1x2x2x4x!lowbit.binary>, tensor<1x2x2x4xf32>) {
  %w = lowbit.constant dense<1> : tensor<4x1x1x8xi8> as tensor<4x1x1x8x!lowbit.binary>
  %m = lowbit.constant dense<[2.0, -1.0, 0.0, 0.0]> : tensor<4xf32> as tensor<4xf32>
  %0 = lowbit.conv2d %x, %w : tensor<1x2x2x8x!bin>, tensor<4x1x1x8x!lowbit.binary> -> tensor<1x2x2x4xf32>
  %1 = lowbit.mul %0, %m : tensor<1x2x2x4xf32>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  %2 = lowbit.sign %1 : tensor<1x2x2x4xf32> -> tensor<1x2x2x4x!lowbit.binary>
  return %2, %0 : tensor<1x2x2x4x!lowbit.binary>, tensor<1x2x2x4xf32>
}

// Negative: the intermediate lowbit.mul has two uses (also returned).
// CHECK:         %[[C:.*]] = lowbit.conv2d %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x2x2x4xf32>
// CHECK-NEXT:    %[[M:.*]] = lowbit.mul %[[C]], %{{.*}} :
// CHECK-NEXT:    %[[S:.*]] = lowbit.sign %[[M]] :
// CHECK-NEXT:    return %[[S]], %[[M]]
// CHECK-NOT:     lowbit.threshold
// CHECK-LABEL: func.func @float_producer(
func.func @two_uses_mid(%x: tensor<1x2x2x8x!bin>) -> (tensor<1x2x2x4x!lowbit.binary>, tensor<1x2x2x4xf32>) {
  %w = lowbit.constant dense<1> : tensor<4x1x1x8xi8> as tensor<4x1x1x8x!lowbit.binary>
  %m = lowbit.constant dense<[2.0, -1.0, 0.0, 0.0]> : tensor<4xf32> as tensor<4xf32>
  %0 = lowbit.conv2d %x, %w : tensor<1x2x2x8x!bin>, tensor<4x1x1x8x!lowbit.binary> -> tensor<1x2x2x4xf32>
  %1 = lowbit.mul %0, %m : tensor<1x2x2x4xf32>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  %2 = lowbit.sign %1 : tensor<1x2x2x4xf32> -> tensor<1x2x2x4x!lowbit.binary>
  return %2, %1 : tensor<1x2x2x4x!lowbit.binary>, tensor<1x2x2x4xf32>
}

// Negative: a float (non-binary) matmul producer.
// CHECK:         %[[P:.*]] = lowbit.matmul %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32>
// CHECK-NEXT:    %[[M:.*]] = lowbit.mul %[[P]], %{{.*}} :
// CHECK-NEXT:    %[[S:.*]] = lowbit.sign %[[M]] :
// CHECK-NEXT:    return %[[S]]
// CHECK-NOT:     lowbit.threshold
func.func @float_producer(%x: tensor<2x4xf32>) -> tensor<2x2x!lowbit.binary> {
  %w = lowbit.constant dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0], [1.0, -1.0]]> : tensor<4x2xf32> as tensor<4x2xf32>
  %h = lowbit.constant dense<0.5> : tensor<2xf32> as tensor<2xf32>
  %0 = lowbit.matmul %x, %w : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32>
  %1 = lowbit.mul %0, %h : tensor<2x2xf32>, tensor<2xf32> -> tensor<2x2xf32>
  %2 = lowbit.sign %1 : tensor<2x2xf32> -> tensor<2x2x!lowbit.binary>
  return %2 : tensor<2x2x!lowbit.binary>
}

// -----

// sign(max_pool(x)) becomes max_pool(sign(x)) (sign is monotone), and the
// sign of per-tensor integers becomes a threshold at the zero point
// (x >= -3 means real >= 0, +1), which the binary lowering packs with vector
// comparisons; the pool then runs on packed bits.
// CHECK-LABEL: func.func @sign_after_pool
// CHECK: %[[T:.*]] = arith.constant dense<-3> : tensor<1x1xi32>
// CHECK: %[[B:.*]] = lowbit.threshold %arg0, %[[T]] : tensor<1x8x8x4x!quant.uniform<i8:f32, 1.000000e-01:-3>>, tensor<1x1xi32> -> tensor<1x8x8x4x!lowbit.binary>
// CHECK: %[[P:.*]] = lowbit.max_pool2d %[[B]] kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x8x8x4x!lowbit.binary> -> tensor<1x4x4x4x!lowbit.binary>
// CHECK: return %[[P]]
// CHECK-NOT: lowbit.sign
func.func @sign_after_pool(%x: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x4x4x!lowbit.binary> {
  %p = lowbit.max_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>
  %s = lowbit.sign %p : tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x4x4x4x!lowbit.binary>
  return %s : tensor<1x4x4x4x!lowbit.binary>
}
