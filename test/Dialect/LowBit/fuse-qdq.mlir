// --lowbit-fuse-qdq: dequantize -> conv2d / matmul / add / mul -> quantize
// becomes the quantized op; a conv2d / matmul on dequantized operands with
// a float result takes the quantized operands and keeps the float result;
// Q/DQ pairs of one type cancel; reshapes and transposes move onto the
// quantized values; anything the verifier would reject stays in float.

// RUN: lowbit-opt --lowbit-fuse-qdq --split-input-file %s | FileCheck %s

!x = !quant.uniform<u8:f32, 0.02:3>
!w = !quant.uniform<i8:f32, 0.01>
!b = !quant.uniform<i32:f32, 2.0e-04>
!y = !quant.uniform<u8:f32, 0.05:10>

// CHECK-LABEL: func.func @quantized_result(
// CHECK-SAME:      %[[X:.*]]: tensor<2x4x!quant.uniform<u8:f32, 2.000000e-02:3>>
// CHECK:         %[[W:.*]] = lowbit.constant
// CHECK:         %[[B:.*]] = lowbit.constant
// CHECK-NEXT:    %[[Y:.*]] = lowbit.matmul %[[X]], %[[W]] bias %[[B]] act(relu) : {{.*}} -> tensor<2x3x!quant.uniform<u8:f32, 5.000000e-02:10>>
// CHECK-NEXT:    return %[[Y]]
func.func @quantized_result(%x: tensor<2x4x!x>) -> tensor<2x3x!y> {
  %w = lowbit.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]]> : tensor<4x3xi32> as tensor<4x3x!w>
  %b = lowbit.constant dense<[1, 2, 3]> : tensor<3xi32> as tensor<3x!b>
  %xf = lowbit.dequantize %x : tensor<2x4x!x> -> tensor<2x4xf32>
  %wf = lowbit.dequantize %w : tensor<4x3x!w> -> tensor<4x3xf32>
  %bf = lowbit.dequantize %b : tensor<3x!b> -> tensor<3xf32>
  %m = lowbit.matmul %xf, %wf bias %bf act(relu) : tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %y = lowbit.quantize %m : tensor<2x3xf32> -> tensor<2x3x!y>
  return %y : tensor<2x3x!y>
}

// -----

!x = !quant.uniform<u8:f32, 0.02:3>
!w = !quant.uniform<i8:f32, 0.01>

// A float output layer: quantized operands, float result.
// CHECK-LABEL: func.func @float_result(
// CHECK-SAME:      %[[X:.*]]: tensor<2x4x!quant.uniform<u8:f32, 2.000000e-02:3>>
// CHECK:         %[[W:.*]] = lowbit.constant
// CHECK-NEXT:    %[[Y:.*]] = lowbit.matmul %[[X]], %[[W]] : tensor<2x4x!quant.uniform<u8:f32, 2.000000e-02:3>>, tensor<4x3x!quant.uniform<i8:f32, 1.000000e-02>> -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @float_result(%x: tensor<2x4x!x>) -> tensor<2x3xf32> {
  %w = lowbit.constant dense<1> : tensor<4x3xi32> as tensor<4x3x!w>
  %xf = lowbit.dequantize %x : tensor<2x4x!x> -> tensor<2x4xf32>
  %wf = lowbit.dequantize %w : tensor<4x3x!w> -> tensor<4x3xf32>
  %m = lowbit.matmul %xf, %wf : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}

// -----

// A QONNX binary conv: sign of the input, binary weights with per-channel
// scales, float result (batch normalization follows).
// CHECK-LABEL: func.func @binary_conv(
// CHECK:         %[[S:.*]] = lowbit.sign
// CHECK:         %[[W:.*]] = lowbit.constant
// CHECK-NEXT:    lowbit.conv2d %[[S]], %[[W]] padding [1, 1, 1, 1] : tensor<1x4x4x8x!lowbit.binary>, tensor<2x3x3x8x!lowbit.binary<f32:0, {5.000000e-01, 2.500000e-01}>> -> tensor<1x4x4x2xf32>
// CHECK-NOT:     lowbit.dequantize
func.func @binary_conv(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x2xf32> {
  %s = lowbit.sign %x : tensor<1x4x4x8xf32> -> tensor<1x4x4x8x!lowbit.binary>
  %w = lowbit.constant dense<1> : tensor<2x3x3x8xi8> as tensor<2x3x3x8x!lowbit.binary<f32:0, {0.5, 0.25}>>
  %sf = lowbit.dequantize %s : tensor<1x4x4x8x!lowbit.binary> -> tensor<1x4x4x8xf32>
  %wf = lowbit.dequantize %w : tensor<2x3x3x8x!lowbit.binary<f32:0, {0.5, 0.25}>> -> tensor<2x3x3x8xf32>
  %c = lowbit.conv2d %sf, %wf padding [1, 1, 1, 1] : tensor<1x4x4x8xf32>, tensor<2x3x3x8xf32> -> tensor<1x4x4x2xf32>
  return %c : tensor<1x4x4x2xf32>
}

// -----

!x = !quant.uniform<u8:f32, 0.02:3>

// One operand in float: nothing changes.
// CHECK-LABEL: func.func @mixed_float(
// CHECK:         lowbit.dequantize
// CHECK:         lowbit.matmul {{.*}} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
func.func @mixed_float(%x: tensor<2x4x!x>, %w: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %xf = lowbit.dequantize %x : tensor<2x4x!x> -> tensor<2x4xf32>
  %m = lowbit.matmul %xf, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}

// -----

!x = !quant.uniform<u8:f32, 0.02:3>
!w = !quant.uniform<i8:f32, 0.01>
!b = !quant.uniform<i32:f32, 0.5>

// A bias whose scale is not s_x * s_w: the verifier rejects the quantized
// op, so the layer stays in float.
// CHECK-LABEL: func.func @bad_bias_scale(
// CHECK:         lowbit.matmul {{.*}} : tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
func.func @bad_bias_scale(%x: tensor<2x4x!x>) -> tensor<2x3xf32> {
  %w = lowbit.constant dense<1> : tensor<4x3xi32> as tensor<4x3x!w>
  %b = lowbit.constant dense<1> : tensor<3xi32> as tensor<3x!b>
  %xf = lowbit.dequantize %x : tensor<2x4x!x> -> tensor<2x4xf32>
  %wf = lowbit.dequantize %w : tensor<4x3x!w> -> tensor<4x3xf32>
  %bf = lowbit.dequantize %b : tensor<3x!b> -> tensor<3xf32>
  %m = lowbit.matmul %xf, %wf bias %bf : tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}

// -----

!x = !quant.uniform<u8:f32, 0.02:3>

// A quantize of a dequantize of the same type cancels; through a reshape.
// CHECK-LABEL: func.func @round_trip(
// CHECK-SAME:      %[[X:.*]]: tensor<2x4x!quant.uniform<u8:f32, 2.000000e-02:3>>
// CHECK-NEXT:    %[[C:.*]] = tensor.collapse_shape %[[X]]
// CHECK-NEXT:    return %[[C]]
func.func @round_trip(%x: tensor<2x4x!x>) -> tensor<8x!x> {
  %xf = lowbit.dequantize %x : tensor<2x4x!x> -> tensor<2x4xf32>
  %c = tensor.collapse_shape %xf [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  %q = lowbit.quantize %c : tensor<8xf32> -> tensor<8x!x>
  return %q : tensor<8x!x>
}
