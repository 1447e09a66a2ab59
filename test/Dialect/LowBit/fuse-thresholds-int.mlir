// --lowbit-fuse-thresholds on integer layers: the sign or threshold of a
// requantized int8 matmul/conv2d moves onto its int32 accumulator, with
// thresholds found on the requantization the lowering emits (fixed point
// by default, float with requant-mode=float or a lowbit.requant_mode
// attribute). Expected values computed by hand below.

// RUN: lowbit-opt --lowbit-fuse-thresholds %s | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: lowbit-opt --lowbit-fuse-thresholds="requant-mode=float" %s | FileCheck %s --check-prefixes=CHECK,FLOAT
// RUN: not lowbit-opt --lowbit-fuse-thresholds="requant-mode=fixed" %s 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: unknown requant-mode 'fixed'; expected fixed-point or float

!x8 = !quant.uniform<i8:f32, 0.5>
!w8 = !quant.uniform<i8:f32, 0.25>
!b32 = !quant.uniform<i32:f32, 0.125>
!o8 = !quant.uniform<i8:f32, 1.0>

// M = 0.5 * 0.25 / 1.0 = 1/8, bias 8: stored = round((acc + 8) / 8), and
// sign gives +1 for stored >= 0.
//  fixed point (TFLite, ties away from zero): (acc + 8) / 8 = -0.5 rounds
//    to -1, so acc + 8 >= -3: acc >= -11;
//  float (round half to even): -0.5 rounds to -0, so acc + 8 >= -4:
//    acc >= -12.
// The weights keep their stored values at scale 1, the bias is gone, and
// the accumulator has the input's scale.
// CHECK-LABEL: func.func @matmul_sign(
// CHECK-SAME:      %[[X:[a-z0-9_]+]]: tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK:         %[[W:.*]] = lowbit.constant dense<{{\[\[}}1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8> as tensor<3x2x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK-NEXT:    %[[ACC:.*]] = lowbit.matmul %[[X]], %[[W]] : tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<3x2x!quant.uniform<i8:f32, 1.000000e+00>> -> tensor<2x2x!quant.uniform<i32:f32, 5.000000e-01>>
// FIXED-NEXT:    %[[T:.*]] = arith.constant dense<-11> : tensor<2x1xi32>
// FLOAT-NEXT:    %[[T:.*]] = arith.constant dense<-12> : tensor<2x1xi32>
// CHECK-NEXT:    %[[B:.*]] = lowbit.threshold %[[ACC]], %[[T]] : tensor<2x2x!quant.uniform<i32:f32, 5.000000e-01>>, tensor<2x1xi32> -> tensor<2x2x!lowbit.binary>
// CHECK-NEXT:    return %[[B]]
func.func @matmul_sign(%x: tensor<2x3x!x8>) -> tensor<2x2x!lowbit.binary> {
  %w = lowbit.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8> as tensor<3x2x!w8>
  %b = lowbit.constant dense<8> : tensor<2xi32> as tensor<2x!b32>
  %y = lowbit.matmul %x, %w bias %b : tensor<2x3x!x8>, tensor<3x2x!w8>, tensor<2x!b32> -> tensor<2x2x!o8>
  %s = lowbit.sign %y : tensor<2x2x!o8> -> tensor<2x2x!lowbit.binary>
  return %s : tensor<2x2x!lowbit.binary>
}

// A function that records float requantization uses it whatever the
// pass option says: acc >= -12.
// CHECK-LABEL: func.func @recorded_float(
// CHECK:         arith.constant dense<-12> : tensor<2x1xi32>
func.func @recorded_float(%x: tensor<2x3x!x8>) -> tensor<2x2x!lowbit.binary> attributes {lowbit.requant_mode = #lowbit.requant_mode<float>} {
  %w = lowbit.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8> as tensor<3x2x!w8>
  %b = lowbit.constant dense<8> : tensor<2xi32> as tensor<2x!b32>
  %y = lowbit.matmul %x, %w bias %b : tensor<2x3x!x8>, tensor<3x2x!w8>, tensor<2x!b32> -> tensor<2x2x!o8>
  %s = lowbit.sign %y : tensor<2x2x!o8> -> tensor<2x2x!lowbit.binary>
  return %s : tensor<2x2x!lowbit.binary>
}

// Per-channel weight scales [0.25, 0.5] into a u2 result with thresholds
// 1, 2, 3 on the stored output (M = 1/8 and 1/4, no bias, ReLU: the
// output's lowest value is its zero point 0).
//  fixed point rounds twice (TFLite: the doubling high multiply rounds
//  x * 2^30 / 2^31 to nearest, then the shift rounds ties away from zero),
//  so acc = 3 gives 2 / 4 -> 1 in channel 0 and acc = 1 gives 1 / 2 -> 1
//  in channel 1: the thresholds are acc >= 8t - 5 -> 3, 11, 19 and
//  acc >= 4t - 3 -> 1, 5, 9;
//  float rounds acc / 8 (acc / 4) half to even once: 0.5 -> 0, 1.5 -> 2,
//  2.5 -> 2, so channel 0 needs 5, 12, 21 and channel 1 3, 6, 11.
// CHECK-LABEL: func.func @conv_levels(
// CHECK:         %[[ACC:.*]] = lowbit.conv2d %{{.*}}, %{{.*}} padding [1, 1, 1, 1] : {{.*}} -> tensor<1x2x2x2x!quant.uniform<i32:f32, 5.000000e-01>>
// FIXED-NEXT:    %[[T:.*]] = arith.constant dense<{{\[\[}}3, 11, 19], [1, 5, 9]]> : tensor<2x3xi32>
// FLOAT-NEXT:    %[[T:.*]] = arith.constant dense<{{\[\[}}5, 12, 21], [3, 6, 11]]> : tensor<2x3xi32>
// CHECK-NEXT:    lowbit.threshold %[[ACC]], %[[T]] : {{.*}} -> tensor<1x2x2x2x!quant.uniform<u2:f32, 1.000000e+00>>
!wpc = !quant.uniform<i8:f32:0, {0.25, 0.5}>
func.func @conv_levels(%x: tensor<1x2x2x3x!x8>) -> tensor<1x2x2x2x!quant.uniform<u2:f32, 1.0>> {
  %w = lowbit.constant dense<1> : tensor<2x3x3x3xi8> as tensor<2x3x3x3x!wpc>
  %y = lowbit.conv2d %x, %w padding [1, 1, 1, 1] act(relu) : tensor<1x2x2x3x!x8>, tensor<2x3x3x3x!wpc> -> tensor<1x2x2x2x!o8>
  %t = arith.constant dense<[[1, 2, 3]]> : tensor<1x3xi32>
  %z = lowbit.threshold %y, %t : tensor<1x2x2x2x!o8>, tensor<1x3xi32> -> tensor<1x2x2x2x!quant.uniform<u2:f32, 1.0>>
  return %z : tensor<1x2x2x2x!quant.uniform<u2:f32, 1.0>>
}

// After a ReLU the output is never below its zero point, so the sign is
// always +1: threshold INT32_MIN.
// CHECK-LABEL: func.func @relu_sign(
// CHECK:         arith.constant dense<-2147483648> : tensor<2x1xi32>
func.func @relu_sign(%x: tensor<2x3x!x8>) -> tensor<2x2x!lowbit.binary> {
  %w = lowbit.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8> as tensor<3x2x!w8>
  %y = lowbit.matmul %x, %w act(relu) : tensor<2x3x!x8>, tensor<3x2x!w8> -> tensor<2x2x!o8>
  %s = lowbit.sign %y : tensor<2x2x!o8> -> tensor<2x2x!lowbit.binary>
  return %s : tensor<2x2x!lowbit.binary>
}

// Not fused: weights known only at run time, and a result with a second
// use. The sign still becomes a threshold at the zero point.
// CHECK-LABEL: func.func @not_fused(
// CHECK:         %[[Y:.*]] = lowbit.matmul %arg0, %arg1 : {{.*}} -> tensor<2x2x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK:         lowbit.threshold %[[Y]]
// CHECK:         %[[Y2:.*]] = lowbit.matmul %arg0, %{{.*}} : {{.*}} -> tensor<2x2x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK:         lowbit.threshold %[[Y2]]
func.func @not_fused(%x: tensor<2x3x!x8>, %w: tensor<3x2x!w8>) -> (tensor<2x2x!lowbit.binary>, tensor<2x2x!lowbit.binary>, tensor<2x2x!o8>) {
  %y = lowbit.matmul %x, %w : tensor<2x3x!x8>, tensor<3x2x!w8> -> tensor<2x2x!o8>
  %s = lowbit.sign %y : tensor<2x2x!o8> -> tensor<2x2x!lowbit.binary>
  %wc = lowbit.constant dense<1> : tensor<3x2xi8> as tensor<3x2x!w8>
  %y2 = lowbit.matmul %x, %wc : tensor<2x3x!x8>, tensor<3x2x!w8> -> tensor<2x2x!o8>
  %s2 = lowbit.sign %y2 : tensor<2x2x!o8> -> tensor<2x2x!lowbit.binary>
  return %s, %s2, %y2 : tensor<2x2x!lowbit.binary>, tensor<2x2x!lowbit.binary>, tensor<2x2x!o8>
}
