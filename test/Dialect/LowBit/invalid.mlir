// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

// One case per verifier and parser error of the lowbit dialect. Offending
// types sit on op operands or results: function argument types are not
// checked by any op verifier.

//===----------------------------------------------------------------------===//
// !lowbit.binary parser and verifier
//===----------------------------------------------------------------------===//

func.func @binary_int_expressed(%x: tensor<4xf32>) {
  // expected-error@+1 {{binary expressed type must be a float type, got 'i32'}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<i32, 1.0>>
  return
}

// -----

func.func @binary_f64_expressed(%x: tensor<4xf32>) {
  // expected-error@+1 {{binary expressed type must be f32, f16, bf16, f8E4M3FN or f8E5M2, got 'f64'}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f64, 1.0>>
  return
}

// -----

func.func @binary_negative_axis(%x: tensor<4xf32>) {
  // expected-error@+1 {{binary quantized axis must be non-negative}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32:-1, {1.0}>>
  return
}

// -----

func.func @binary_no_scales(%x: tensor<4xf32>) {
  // expected-error@+1 {{binary type needs at least one scale}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32:0, {}>>
  return
}

// -----

func.func @binary_zero_scale(%x: tensor<4xf32>) {
  // expected-error@+1 {{binary scale must be finite and positive, got 0.0}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32, 0.0>>
  return
}

// -----

func.func @binary_negative_channel_scale(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{binary scale must be finite and positive, got -2.5}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!lowbit.binary<f32:0, {0.5, -2.5}>>
  return
}

// -----

func.func @binary_infinite_scale(%x: tensor<4xf32>) {
  // expected-error@+1 {{binary scale must be finite and positive, got INF}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32, 0x7FF0000000000000>>
  return
}

// -----

func.func @binary_missing_scale(%x: tensor<4xf32>) {
  // expected-error@+1 {{expected ','}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32>>
  return
}

// -----

func.func @binary_axis_out_of_range(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result is quantized along axis 2 but has rank 2}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!lowbit.binary<f32:2, {0.5, 0.25}>>
  return
}

// -----

func.func @binary_scale_count(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result has 2 scales along axis 1 but that dimension has size 4}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!lowbit.binary<f32:1, {0.5, 0.25}>>
  return
}

//===----------------------------------------------------------------------===//
// !quant.uniform restrictions (verifyLowBitTensorType)
//===----------------------------------------------------------------------===//

// -----

func.func @zero_point_out_of_range(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result zero point 300 is outside the storage range [-128, 127]}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:300>>
  return
}

// -----

func.func @unsigned_zero_point_out_of_range(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result zero point -3 is outside the storage range [0, 255]}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:-3>>
  return
}

// -----

func.func @per_axis_zero_point_out_of_range(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result zero point 9 is outside the storage range [-8, 7]}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2:9}>>
  return
}

// -----

func.func @blockwise_zero_point_out_of_range(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result zero point -8 is outside the storage range [-7, 7]}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i4<-7:7>:f32:{1:2}, {{0.1:-8, 0.2}}>>
  return
}

// -----

func.func @per_axis_axis_out_of_range(%q: tensor<2x4x!quant.uniform<i8:f32:3, {0.1}>>) {
  // expected-error@+1 {{'lowbit.dequantize' op input is quantized along axis 3 but has rank 2}}
  %0 = lowbit.dequantize %q : tensor<2x4x!quant.uniform<i8:f32:3, {0.1}>> -> tensor<2x4xf32>
  return
}

// -----

func.func @per_axis_scale_count(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result has 3 scales along axis 0 but that dimension has size 2}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>
  return
}

// -----

func.func @one_bit_affine(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result has 1-bit affine storage in '!quant.uniform<i1:f32, 1.000000e+00>'; use !lowbit.binary for {-1, +1} values}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i1:f32, 1.0>>
  return
}

// -----

func.func @seventeen_bit_storage(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result has 17-bit storage; expected 2 to 16 bits, or 32 bits for biases and accumulators}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i17:f32, 1.0>>
  return
}

// -----

func.func @affine_f64_expressed(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result has expressed type 'f64'; expected f32, f16, bf16, f8E4M3FN or f8E5M2}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f64, 1.0>>
  return
}

// -----

func.func @blockwise_scales_rank(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result has blockwise scales of rank 1 for a tensor of rank 2}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {0.1, 0.2}>>
  return
}

// -----

func.func @blockwise_axis_out_of_range(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result is quantized blockwise along axis 2 but has rank 2}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{2:2}, {{0.1, 0.2}}>>
  return
}

// -----

func.func @blockwise_block_does_not_divide(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result has block size 3 along axis 1 that does not divide the dimension size 4}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{1:3}, {{0.1, 0.2}}>>
  return
}

// -----

// An axis without a block size is one block: the scales must be 1x2 here.
func.func @blockwise_scale_count(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op result needs 1 blockwise scales along axis 0, got 2}}
  %0 = lowbit.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.1, 0.2}, {0.3, 0.4}}>>
  return
}

//===----------------------------------------------------------------------===//
// Discardable attributes
//===----------------------------------------------------------------------===//

// -----

// expected-error@+1 {{'lowbit.requant_mode' expects #lowbit.requant_mode<fixed_point> or #lowbit.requant_mode<float>, got 1 : i32}}
func.func @requant_mode_not_enum() attributes {lowbit.requant_mode = 1 : i32} {
  return
}

// -----

// expected-error@+2 {{expected ::mlir::lowbit::RequantMode to be one of: fixed_point, float}}
// expected-error@+1 {{failed to parse LowBit_RequantModeAttr parameter 'value'}}
func.func @requant_mode_bad_keyword() attributes {lowbit.requant_mode = #lowbit.requant_mode<double>} {
  return
}

// -----

// expected-error@+1 {{'lowbit.threshold_pack' expects a unit attribute}}
func.func @threshold_pack_not_unit() attributes {lowbit.threshold_pack = 1 : i64} {
  return
}

// -----

// expected-error@+1 {{unknown lowbit attribute 'lowbit.mode'; the discardable lowbit attributes are 'lowbit.requant_mode', 'lowbit.io_layout', 'lowbit.io_names', 'lowbit.memory_plans', 'lowbit.arena_buffers', 'lowbit.parallel', 'lowbit.parallel_dispatch' and 'lowbit.threshold_pack'}}
module attributes {lowbit.mode = "float"} {
}

//===----------------------------------------------------------------------===//
// Fused activations
//===----------------------------------------------------------------------===//

// -----

func.func @unknown_activation(%x: tensor<4xf32>) {
  // expected-error@+1 {{unknown activation 'gelu'; expected none, relu, relu6 or clamp}}
  %0 = lowbit.add %x, %x act(gelu) : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @clamp_bounds_without_clamp(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.add' op clamp_min/clamp_max are only valid with act(clamp, <min>, <max>)}}
  %0 = lowbit.add %x, %x act(relu) {clamp_min = 0.0 : f64} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @clamp_without_bounds(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.mul' op act(clamp) needs both clamp_min and clamp_max}}
  %0 = "lowbit.mul"(%x, %x) <{activation = #lowbit<activation clamp>, clamp_max = 6.0 : f64}> : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @clamp_min_above_max(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.add' op act(clamp) needs finite bounds with min <= max, got [2.000000e+00, 1.000000e+00]}}
  %0 = lowbit.add %x, %x act(clamp, 2.0, 1.0) : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @clamp_nan_bound(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.add' op act(clamp) needs finite bounds with min <= max, got [nan, 1.000000e+00]}}
  %0 = lowbit.add %x, %x act(clamp, 0x7FF8000000000000, 1.0) : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.constant
//===----------------------------------------------------------------------===//

// -----

func.func @constant_shape() {
  // expected-error@+1 {{'lowbit.constant' op expects the value shape to equal the result shape 'tensor<3x!lowbit.binary>', got 'tensor<2xi8>'}}
  %0 = lowbit.constant dense<[1, -1]> : tensor<2xi8> as tensor<3x!lowbit.binary>
  return
}

// -----

func.func @constant_float_values() {
  // expected-error@+1 {{'lowbit.constant' op expects 'f16' values for a 'f16' tensor, got 'f32'}}
  %0 = lowbit.constant dense<[1.0, 2.0]> : tensor<2xf32> as tensor<2xf16>
  return
}

// -----

func.func @constant_float_stored_values() {
  // expected-error@+1 {{'lowbit.constant' op expects signless integer stored values for '!quant.uniform<i8:f32, 1.000000e-01>', got 'f32'}}
  %0 = lowbit.constant dense<[1.0, 2.0]> : tensor<2xf32> as tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @constant_binary_zero() {
  // expected-error@+1 {{'lowbit.constant' op stored value 0 at flat index 2 is not a value of '!lowbit.binary' (expected -1 or +1)}}
  %0 = lowbit.constant dense<[1, -1, 0, 1]> : tensor<4xi8> as tensor<4x!lowbit.binary>
  return
}

// -----

func.func @constant_ternary_out_of_range() {
  // expected-error@+1 {{'lowbit.constant' op stored value 2 at flat index 1 is outside the storage range [-1, 1] of the element type}}
  %0 = lowbit.constant dense<[-1, 2, 0]> : tensor<3xi8> as tensor<3x!quant.uniform<i2<-1:1>:f32, 0.5>>
  return
}

// -----

// Regression: a value wider than 64 bits was narrowed before the range check,
// so 2^64 + 1 passed as +1.
func.func @constant_wide_value() {
  // expected-error@+1 {{'lowbit.constant' op stored value 18446744073709551617 at flat index 0 is not a value of '!lowbit.binary' (expected -1 or +1)}}
  %0 = lowbit.constant dense<[18446744073709551617]> : tensor<1xi128> as tensor<1x!lowbit.binary>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.quantize / lowbit.dequantize / lowbit.requantize
//===----------------------------------------------------------------------===//

// -----

func.func @quantize_expressed_type(%x: tensor<4xf16>) {
  // expected-error@+1 {{'lowbit.quantize' op expects the input element type to be the result's expressed type 'f32', got 'f16'}}
  %0 = lowbit.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @quantize_shape(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.quantize' op expects input and result shapes to match, got 'tensor<4xf32>' and 'tensor<5x!lowbit.binary>'}}
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<5x!lowbit.binary>
  return
}

// -----

func.func @dequantize_expressed_type(%q: tensor<4x!lowbit.binary<f16, 0.5>>) {
  // expected-error@+1 {{'lowbit.dequantize' op expects the result element type to be the input's expressed type 'f16', got 'f32'}}
  %0 = lowbit.dequantize %q : tensor<4x!lowbit.binary<f16, 0.5>> -> tensor<4xf32>
  return
}

// -----

func.func @requantize_binary_input(%q: tensor<4x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.requantize' op expects an affine input quantized per tensor or per axis, got '!lowbit.binary'}}
  %0 = lowbit.requantize %q : tensor<4x!lowbit.binary> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @requantize_float_result(%q: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.requantize' op expects a result quantized per tensor or per axis (affine or binary), got 'f32'}}
  %0 = lowbit.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  return
}

// -----

func.func @requantize_expressed_type(%q: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.requantize' op expects input and result with one expressed type}}
  %0 = lowbit.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i4:f16, 0.1>>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.add / lowbit.mul
//===----------------------------------------------------------------------===//

// -----

func.func @mixed_float_and_quantized(%x: tensor<4xf32>, %q: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.add' op expects lhs and rhs to be both quantized or both floats of one type, got 'f32' and '!quant.uniform<i8:f32, 1.000000e-01>'}}
  %0 = lowbit.add %x, %q : tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  return
}

// -----

func.func @float_result_type(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.mul' op expects a result of the float operand type 'f32', got 'f16'}}
  %0 = lowbit.mul %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf16>
  return
}

// -----

func.func @operand_expressed_types(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f16, 0.1>>) {
  // expected-error@+1 {{'lowbit.add' op expects lhs and rhs to have one expressed type}}
  %0 = lowbit.add %a, %b : tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f16, 0.1>> -> tensor<4xf32>
  return
}

// -----

func.func @result_expressed_type(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.add' op expects a result quantized with expressed type 'f32' or of type 'f32' itself, got 'bf16'}}
  %0 = lowbit.add %a, %a : tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xbf16>
  return
}

// -----

func.func @blockwise_operand(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32:{0:2}, {0.1, 0.2}>>) {
  // expected-error@+1 {{'lowbit.mul' op rhs is quantized blockwise, which only lowbit.quantize, lowbit.dequantize and lowbit.constant accept}}
  %0 = lowbit.mul %a, %b : tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32:{0:2}, {0.1, 0.2}>> -> tensor<4xf32>
  return
}

// -----

func.func @accumulator_operand(%a: tensor<4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.add' op lhs has 32-bit storage, which is reserved for biases and accumulators; requantize it to 16 bits or fewer first}}
  %0 = lowbit.add %a, %a : tensor<4x!quant.uniform<i32:f32, 0.1>>, tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<4xf32>
  return
}

// -----

func.func @per_axis_result(%a: tensor<2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.add' op expects the result quantized per tensor, got '!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>'}}
  %0 = lowbit.add %a, %a : tensor<2x!quant.uniform<i8:f32, 0.1>>, tensor<2x!quant.uniform<i8:f32, 0.1>> -> tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @per_axis_elementwise_operand(%a: tensor<2x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2x!lowbit.binary<f32:0, {0.5, 0.25}>>) {
  // expected-error@+1 {{'lowbit.mul' op expects rhs quantized per tensor, got '!lowbit.binary<f32:0, {5.000000e-01, 2.500000e-01}>'}}
  %0 = lowbit.mul %a, %b : tensor<2x!quant.uniform<i8:f32, 0.1>>, tensor<2x!lowbit.binary<f32:0, {0.5, 0.25}>> -> tensor<2xf32>
  return
}

// -----

func.func @not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.add' op cannot broadcast shapes 'tensor<2x3xf32>' and 'tensor<4xf32>'}}
  %0 = lowbit.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @not_broadcast_shape(%a: tensor<2x1xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'lowbit.mul' op expects the result shape to be the broadcast shape [2, 3], got [2, 1]}}
  %0 = lowbit.mul %a, %b : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x1xf32>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.matmul and biases
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_lhs_rank(%a: tensor<8xf32>, %b: tensor<8x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects lhs of rank 2 (MxK) or 3 (BxMxK), got rank 1}}
  %0 = lowbit.matmul %a, %b : tensor<8xf32>, tensor<8x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @matmul_rhs_rank(%a: tensor<2x8xf32>, %b: tensor<1x1x8x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects rhs of rank 2 (KxN) or 3 (BxKxN), got rank 4}}
  %0 = lowbit.matmul %a, %b : tensor<2x8xf32>, tensor<1x1x8x4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_batched_rhs_only(%a: tensor<2x8xf32>, %b: tensor<3x8x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a batched lhs (BxMxK) with a batched rhs}}
  %0 = lowbit.matmul %a, %b : tensor<2x8xf32>, tensor<3x8x4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_result_rank(%a: tensor<2x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a result of rank 2, got rank 3}}
  %0 = lowbit.matmul %a, %b : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<1x2x4xf32>
  return
}

// -----

func.func @matmul_reduction_size(%a: tensor<2x8xf32>, %b: tensor<7x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects the reduction sizes to match: lhs has K = 8, rhs has K = 7}}
  %0 = lowbit.matmul %a, %b : tensor<2x8xf32>, tensor<7x4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_result_shape(%a: tensor<2x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a result of shape MxN with M = 2 and N = 4, got 'tensor<2x5xf32>'}}
  %0 = lowbit.matmul %a, %b : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_batch_sizes(%a: tensor<2x3x8xf32>, %b: tensor<5x8x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects equal batch sizes, got 2 and 5}}
  %0 = lowbit.matmul %a, %b : tensor<2x3x8xf32>, tensor<5x8x4xf32> -> tensor<2x3x4xf32>
  return
}

// -----

func.func @matmul_result_batch(%a: tensor<2x3x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects the result batch size 2, got 6}}
  %0 = lowbit.matmul %a, %b : tensor<2x3x8xf32>, tensor<8x4xf32> -> tensor<6x3x4xf32>
  return
}

// -----

func.func @matmul_per_axis_lhs(%a: tensor<2x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<8x4x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.matmul' op expects lhs quantized per tensor, got '!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>'}}
  %0 = lowbit.matmul %a, %b : tensor<2x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<8x4x!lowbit.binary> -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_rhs_wrong_axis(%a: tensor<2x2x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects rhs quantized per tensor or per output channel (axis 1), got axis 0}}
  %0 = lowbit.matmul %a, %b : tensor<2x2x!quant.uniform<i8:f32, 0.1>>, tensor<2x4x!quant.uniform<i4:f32:0, {0.1, 0.2}>> -> tensor<2x4xf32>
  return
}

// -----

func.func @bias_rank(%a: tensor<2x8xf32>, %b: tensor<8x4xf32>, %c: tensor<1x4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a 1-D bias, got 'tensor<1x4xf32>'}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8xf32>, tensor<8x4xf32>, tensor<1x4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @bias_size(%a: tensor<2x8xf32>, %b: tensor<8x4xf32>, %c: tensor<8xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a bias of 4 values (one per output channel), got 8}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8xf32>, tensor<8x4xf32>, tensor<8xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @float_bias_quantized_result(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x4x!lowbit.binary>, %c: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a float bias only with a float result of the same type; quantize the bias to i32 with scale scale(lhs) * scale(rhs), got 'f32' with result '!quant.uniform<i8:f32, 1.000000e+00>'}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x4x!lowbit.binary>, tensor<4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @quantized_bias_float_operands(%a: tensor<2x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x!quant.uniform<i32:f32, 1.0>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a float bias of type 'f32' for float operands, got '!quant.uniform<i32:f32, 1.000000e+00>'}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8xf32>, tensor<8x4xf32>, tensor<4x!quant.uniform<i32:f32, 1.0>> -> tensor<2x4xf32>
  return
}

// -----

func.func @bias_not_i32(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x4x!lowbit.binary>, %c: tensor<4x!quant.uniform<i16:f32, 0.5>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a quantized bias stored in i32 with zero point 0, got '!quant.uniform<i16:f32, 5.000000e-01>'}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x4x!lowbit.binary>, tensor<4x!quant.uniform<i16:f32, 0.5>> -> tensor<2x4xf32>
  return
}

// -----

func.func @bias_zero_point(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x4x!lowbit.binary>, %c: tensor<4x!quant.uniform<i32:f32, 0.5:1>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a quantized bias stored in i32 with zero point 0, got '!quant.uniform<i32:f32, 5.000000e-01:1>'}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x4x!lowbit.binary>, tensor<4x!quant.uniform<i32:f32, 0.5:1>> -> tensor<2x4xf32>
  return
}

// -----

func.func @per_axis_bias_per_tensor_weights(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x2x!lowbit.binary>, %c: tensor<2x!quant.uniform<i32:f32:0, {0.5, 0.5}>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a per-tensor bias scale when the weights are quantized per tensor}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x2x!lowbit.binary>, tensor<2x!quant.uniform<i32:f32:0, {0.5, 0.5}>> -> tensor<2x2xf32>
  return
}

// -----

func.func @bias_scale(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x4x!lowbit.binary<f32, 0.25>>, %c: tensor<4x!quant.uniform<i32:f32, 0.5>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects bias scale 1.250000e-01 (scale(lhs) * scale(rhs)) for channel 0, got 5.000000e-01}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x4x!lowbit.binary<f32, 0.25>>, tensor<4x!quant.uniform<i32:f32, 0.5>> -> tensor<2x4xf32>
  return
}

// -----

func.func @per_channel_bias_scale(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, %c: tensor<2x!quant.uniform<i32:f32:0, {0.25, 0.25}>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects bias scale 1.250000e-01 (scale(lhs) * scale(rhs)) for channel 1, got 2.500000e-01}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, tensor<2x!quant.uniform<i32:f32:0, {0.25, 0.25}>> -> tensor<2x2xf32>
  return
}

// -----

func.func @per_tensor_bias_per_channel_weights(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, %c: tensor<2x!quant.uniform<i32:f32, 0.25>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects a per-channel bias for per-channel weights with different scales}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, tensor<2x!quant.uniform<i32:f32, 0.25>> -> tensor<2x2xf32>
  return
}

// -----

// Regression: with a dynamic bias size, a per-channel bias with more scales
// than the weights read past the end of the weight scales.
func.func @bias_scale_count(%a: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %b: tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, %c: tensor<?x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.5}>>) {
  // expected-error@+1 {{'lowbit.matmul' op expects one bias scale per weight scale (2), got 3}}
  %0 = lowbit.matmul %a, %b bias %c : tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x2x!quant.uniform<i4:f32:1, {0.5, 0.25}>>, tensor<?x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.5}>> -> tensor<2x2xf32>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.conv2d
//===----------------------------------------------------------------------===//

// -----

func.func @conv_input_rank(%x: tensor<8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects an NHWC input of rank 4, got rank 3}}
  %0 = lowbit.conv2d %x, %w : tensor<8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_filter_rank(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects an OHWI filter of rank 4, got rank 3}}
  %0 = lowbit.conv2d %x, %w : tensor<1x8x8x4xf32>, tensor<3x3x4xf32> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_result_rank(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects an NHWC result of rank 4, got rank 3}}
  %0 = lowbit.conv2d %x, %w : tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<6x6x2xf32>
  return
}

// -----

func.func @conv_strides_count(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects 'strides' to have 2 values, got 3}}
  %0 = lowbit.conv2d %x, %w strides [1, 1, 1] : tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_zero_dilation(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects 'dilations' values >= 1, got 0}}
  %0 = lowbit.conv2d %x, %w dilations [0, 1] : tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_negative_padding(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects 'padding' values >= 0, got -1}}
  %0 = lowbit.conv2d %x, %w padding [0, 0, -1, 1] : tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_zero_groups(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects groups >= 1, got 0}}
  %0 = lowbit.conv2d %x, %w groups 0 : tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_per_axis_input(%x: tensor<1x8x8x2x!lowbit.binary<f32:3, {0.5, 0.25}>>, %w: tensor<2x3x3x2x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects the input quantized per tensor, got '!lowbit.binary<f32:3, {5.000000e-01, 2.500000e-01}>'}}
  %0 = lowbit.conv2d %x, %w : tensor<1x8x8x2x!lowbit.binary<f32:3, {0.5, 0.25}>>, tensor<2x3x3x2x!lowbit.binary> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_filter_axis(%x: tensor<1x8x8x2x!lowbit.binary>, %w: tensor<2x3x3x2x!lowbit.binary<f32:3, {0.5, 0.25}>>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects the filter quantized per tensor or per output channel (axis 0), got axis 3}}
  %0 = lowbit.conv2d %x, %w : tensor<1x8x8x2x!lowbit.binary>, tensor<2x3x3x2x!lowbit.binary<f32:3, {0.5, 0.25}>> -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @conv_one_padding_not_binary(%x: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<2x3x3x4x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.conv2d' op pad_value one (+1 padding) is only defined for a binary input, got '!quant.uniform<i8:f32, 1.000000e-01>'}}
  %0 = lowbit.conv2d %x, %w padding [1, 1, 1, 1] pad_value one : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>>, tensor<2x3x3x4x!lowbit.binary> -> tensor<1x8x8x2xf32>
  return
}

// -----

func.func @conv_groups_input_channels(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x1xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects groups (3) to divide the input channels (4)}}
  %0 = lowbit.conv2d %x, %w groups 3 : tensor<1x8x8x4xf32>, tensor<6x3x3x1xf32> -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv_groups_output_channels(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x1xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects groups (4) to divide the output channels (6)}}
  %0 = lowbit.conv2d %x, %w groups 4 : tensor<1x8x8x4xf32>, tensor<6x3x3x1xf32> -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv_filter_channels(%x: tensor<1x8x8x4xf32>, %w: tensor<4x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects the filter to have 2 input channels (C / groups), got 4}}
  %0 = lowbit.conv2d %x, %w groups 2 : tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32> -> tensor<1x6x6x4xf32>
  return
}

// -----

func.func @conv_window_too_large(%x: tensor<1x4x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op the dilated filter (5) is larger than the padded height (4)}}
  %0 = lowbit.conv2d %x, %w dilations [2, 1] : tensor<1x4x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x1x6x2xf32>
  return
}

// -----

func.func @conv_result_shape(%x: tensor<1x8x8x4xf32>, %w: tensor<2x3x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects a result of shape [1, 4, 4, 2], got 'tensor<1x3x3x2xf32>'}}
  %0 = lowbit.conv2d %x, %w strides [2, 2] padding [1, 1, 1, 1] : tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32> -> tensor<1x3x3x2xf32>
  return
}

// -----

// Regression: a filter of height 0 gave an output taller than the input.
func.func @conv_empty_filter(%x: tensor<1x8x8x4xf32>, %w: tensor<2x0x3x4xf32>) {
  // expected-error@+1 {{'lowbit.conv2d' op expects a filter of non-zero height, got 'tensor<2x0x3x4xf32>'}}
  %0 = lowbit.conv2d %x, %w : tensor<1x8x8x4xf32>, tensor<2x0x3x4xf32> -> tensor<1x9x6x2xf32>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.max_pool2d / lowbit.avg_pool2d
//===----------------------------------------------------------------------===//

// -----

func.func @pool_input_rank(%x: tensor<8x8x4xf32>) {
  // expected-error@+1 {{'lowbit.max_pool2d' op expects an NHWC input of rank 4, got rank 3}}
  %0 = lowbit.max_pool2d %x kernel [2, 2] : tensor<8x8x4xf32> -> tensor<4x4x4xf32>
  return
}

// -----

func.func @pool_element_type(%x: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.max_pool2d' op expects the result element type to equal the input element type '!quant.uniform<i8:f32, 1.000000e-01>', got '!quant.uniform<i8:f32, 2.000000e-01>'}}
  %0 = lowbit.max_pool2d %x kernel [2, 2] : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>> -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @pool_kernel_count(%x: tensor<1x8x8x4xf32>) {
  // expected-error@+1 {{'lowbit.avg_pool2d' op expects 'kernel' to have 2 values, got 1}}
  %0 = lowbit.avg_pool2d %x kernel [2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @pool_zero_stride(%x: tensor<1x8x8x4xf32>) {
  // expected-error@+1 {{'lowbit.max_pool2d' op expects 'strides' values >= 1, got 0}}
  %0 = lowbit.max_pool2d %x kernel [2, 2] strides [0, 2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @pool_padding_as_large_as_kernel(%x: tensor<1x8x8x4xf32>) {
  // expected-error@+1 {{'lowbit.max_pool2d' op expects padding smaller than the window, got 2 with a window of 2}}
  %0 = lowbit.max_pool2d %x kernel [2, 2] padding [0, 0, 2, 0] : tensor<1x8x8x4xf32> -> tensor<1x4x5x4xf32>
  return
}

// -----

func.func @pool_window_too_large(%x: tensor<1x8x2x4xf32>) {
  // expected-error@+1 {{'lowbit.avg_pool2d' op the pooling window (3) is larger than the padded width (2)}}
  %0 = lowbit.avg_pool2d %x kernel [3, 3] : tensor<1x8x2x4xf32> -> tensor<1x2x1x4xf32>
  return
}

// -----

func.func @pool_result_shape(%x: tensor<1x8x8x4xf32>) {
  // expected-error@+1 {{'lowbit.max_pool2d' op expects a result of shape [1, 4, 4, 4], got 'tensor<1x8x8x4xf32>'}}
  %0 = lowbit.max_pool2d %x kernel [2, 2] : tensor<1x8x8x4xf32> -> tensor<1x8x8x4xf32>
  return
}

// -----

func.func @avg_pool_binary(%x: tensor<1x8x8x4x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.avg_pool2d' op cannot average binary values (the mean of -1/+1 values is not binary); dequantize first}}
  %0 = lowbit.avg_pool2d %x kernel [2, 2] : tensor<1x8x8x4x!lowbit.binary> -> tensor<1x4x4x4x!lowbit.binary>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.sign / lowbit.threshold
//===----------------------------------------------------------------------===//

// -----

func.func @sign_result_type(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lowbit.sign' op expects a !lowbit.binary result, got '!quant.uniform<i2<-1:1>:f32, 1.000000e+00>'}}
  %0 = lowbit.sign %x : tensor<4xf32> -> tensor<4x!quant.uniform<i2<-1:1>:f32, 1.0>>
  return
}

// -----

func.func @sign_blockwise_input(%x: tensor<4x!quant.uniform<i8:f32:{0:2}, {0.1, 0.2}>>) {
  // expected-error@+1 {{'lowbit.sign' op expects an input quantized per tensor or per axis}}
  %0 = lowbit.sign %x : tensor<4x!quant.uniform<i8:f32:{0:2}, {0.1, 0.2}>> -> tensor<4x!lowbit.binary>
  return
}

// -----

func.func @threshold_scalar_input(%x: tensor<f32>, %t: tensor<1x1xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects an input of rank >= 1 whose last axis is the channel axis}}
  %0 = lowbit.threshold %x, %t : tensor<f32>, tensor<1x1xf32> -> tensor<!lowbit.binary>
  return
}

// -----

func.func @threshold_rank(%x: tensor<2x8xf32>, %t: tensor<8xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects thresholds of shape CxL or 1xL, got 'tensor<8xf32>'}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @threshold_rows(%x: tensor<2x8xf32>, %t: tensor<4x1xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects 8 rows of thresholds (one per channel) or 1, got 4}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<4x1xf32> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @threshold_no_levels(%x: tensor<2x8xf32>, %t: tensor<8x0xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects at least one threshold per channel}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<8x0xf32> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @threshold_binary_input(%x: tensor<2x8x!lowbit.binary>, %t: tensor<8x1xi8>) {
  // expected-error@+1 {{'lowbit.threshold' op expects a float or affine input (per tensor or per axis), got '!lowbit.binary'}}
  %0 = lowbit.threshold %x, %t : tensor<2x8x!lowbit.binary>, tensor<8x1xi8> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @threshold_float_type(%x: tensor<2x8xf32>, %t: tensor<8x1xf16>) {
  // expected-error@+1 {{'lowbit.threshold' op expects 'f32' thresholds for a 'f32' input, got 'f16'}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<8x1xf16> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @threshold_integer_type(%x: tensor<2x8x!quant.uniform<i8:f32, 0.1>>, %t: tensor<8x1xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects integer thresholds on the stored values of a quantized input, got 'f32'}}
  %0 = lowbit.threshold %x, %t : tensor<2x8x!quant.uniform<i8:f32, 0.1>>, tensor<8x1xf32> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @threshold_binary_levels(%x: tensor<2x8xf32>, %t: tensor<8x2xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects exactly one threshold per channel for a binary result, got 2}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @threshold_float_result(%x: tensor<2x8xf32>, %t: tensor<8x1xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects a binary result or an affine result quantized per tensor, got 'f32'}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<8x1xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @threshold_too_many_levels(%x: tensor<2x8xf32>, %t: tensor<1x4xf32>) {
  // expected-error@+1 {{'lowbit.threshold' op expects at most 3 thresholds per channel for '!quant.uniform<u2:f32, 1.000000e+00>' (values 0..3), got 4}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<1x4xf32> -> tensor<2x8x!quant.uniform<u2:f32, 1.0>>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.pack / lowbit.unpack
//===----------------------------------------------------------------------===//

// -----

func.func @pack_int8(%x: tensor<4x8x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{'lowbit.pack' op expects binary or ternary values, got '!quant.uniform<i8:f32, 1.000000e-01>'}}
  %0 = lowbit.pack %x : tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<4x1xi8>
  return
}

// -----

// A 2-bit type with a nonzero zero point is not ternary.
func.func @pack_not_ternary(%x: tensor<4x8x!quant.uniform<i2<-1:1>:f32, 0.5:1>>) {
  // expected-error@+1 {{'lowbit.pack' op expects binary or ternary values}}
  %0:2 = lowbit.pack %x : tensor<4x8x!quant.uniform<i2<-1:1>:f32, 0.5:1>> -> tensor<4x1xi8>, tensor<4x1xi8>
  return
}

// -----

func.func @pack_scalar(%x: tensor<!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.pack' op expects a tensor of rank >= 1 (packing runs along the last axis)}}
  %0 = lowbit.pack %x : tensor<!lowbit.binary> -> tensor<i8>
  return
}

// -----

func.func @pack_ternary_one_plane(%x: tensor<4x70x!quant.uniform<i2<-1:1>:f32, 0.5>>) {
  // expected-error@+1 {{'lowbit.pack' op expects 2 packed results (mask and sign) for ternary values, got 1}}
  %0 = lowbit.pack %x : tensor<4x70x!quant.uniform<i2<-1:1>:f32, 0.5>> -> tensor<4x3xi32>
  return
}

// -----

func.func @pack_plane_types(%x: tensor<4x70x!quant.uniform<i2<-1:1>:f32, 0.5>>) {
  // expected-error@+1 {{'lowbit.pack' op expects both bit-planes to have one type, got 'tensor<4x3xi32>' and 'tensor<4x2xi64>'}}
  %0:2 = lowbit.pack %x : tensor<4x70x!quant.uniform<i2<-1:1>:f32, 0.5>> -> tensor<4x3xi32>, tensor<4x2xi64>
  return
}

// -----

func.func @pack_shape(%x: tensor<4x100x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.pack' op expects packed shape [4, 4] for 'tensor<4x100x!lowbit.binary>' in 32-bit words, got 'tensor<4x3xi32>'}}
  %0 = lowbit.pack %x : tensor<4x100x!lowbit.binary> -> tensor<4x3xi32>
  return
}

// -----

func.func @unpack_binary_two_planes(%m: tensor<4x2xi64>) {
  // expected-error@+1 {{'lowbit.unpack' op expects 1 packed operands for binary values, got 2}}
  %0 = lowbit.unpack %m, %m : tensor<4x2xi64>, tensor<4x2xi64> -> tensor<4x100x!lowbit.binary>
  return
}

// -----

func.func @unpack_no_planes() {
  // expected-error@+1 {{'lowbit.unpack' op expects 2 packed operands (mask and sign) for ternary values, got 0}}
  %0 = "lowbit.unpack"() : () -> tensor<4x8x!quant.uniform<i2<-1:1>:f32, 0.5>>
  return
}

// -----

func.func @unpack_shape(%p: tensor<4x1xi64>) {
  // expected-error@+1 {{'lowbit.unpack' op expects packed shape [4, 2] for 'tensor<4x100x!lowbit.binary>' in 64-bit words, got 'tensor<4x1xi64>'}}
  %0 = lowbit.unpack %p : tensor<4x1xi64> -> tensor<4x100x!lowbit.binary>
  return
}

//===----------------------------------------------------------------------===//
// ODS type constraints
//===----------------------------------------------------------------------===//

// -----

func.func @integer_tensor_operand(%x: tensor<4xi32>) {
  // expected-error@+1 {{'lowbit.add' op operand #0 must be ranked tensor of lowbit element type (f32, f16, bf16, f8E4M3FN, f8E5M2, !quant.uniform or !lowbit.binary) values, but got 'tensor<4xi32>'}}
  %0 = lowbit.add %x, %x : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

func.func @f64_quantize_input(%x: tensor<4xf64>) {
  // expected-error@+1 {{'lowbit.quantize' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<4xf64>'}}
  %0 = lowbit.quantize %x : tensor<4xf64> -> tensor<4xf32>
  return
}

// -----

func.func @quantized_dequantize_result(%x: tensor<4x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.dequantize' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>'}}
  %0 = lowbit.dequantize %x : tensor<4x!lowbit.binary> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @pack_into_i4(%x: tensor<4x8x!lowbit.binary>) {
  // expected-error@+1 {{'lowbit.pack' op result #0 must be variadic of ranked tensor of 8-bit signless integer or 16-bit signless integer or 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4x2xi4>'}}
  %0 = lowbit.pack %x : tensor<4x8x!lowbit.binary> -> tensor<4x2xi4>
  return
}

// -----

func.func @quantized_thresholds(%x: tensor<2x8xf32>, %t: tensor<8x1x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{'lowbit.threshold' op operand #1 must be ranked tensor of signless integer or 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<8x1x!quant.uniform<i8:f32, 1.000000e+00>>'}}
  %0 = lowbit.threshold %x, %t : tensor<2x8xf32>, tensor<8x1x!quant.uniform<i8:f32, 1.0>> -> tensor<2x8x!lowbit.binary>
  return
}

// -----

func.func @unranked_operand(%x: tensor<*xf32>) {
  // expected-error@+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = lowbit.sign %x : tensor<*xf32> -> tensor<*x!lowbit.binary>
  return
}

// -----

func.func @requant_mode_on_op(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error@+1 {{'lowbit.requant_mode' belongs on a module or a function, not on 'lowbit.quantize'}}
  %q = lowbit.quantize %x {lowbit.requant_mode = #lowbit.requant_mode<float>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @pool_axis(%x: tensor<1x2x2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) {
  // expected-error@+1 {{pooling mixes values along N, H and W, so its input may only be quantized per channel (axis 3), got axis 1}}
  %y = lowbit.max_pool2d %x kernel [1, 1] : tensor<1x2x2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>> -> tensor<1x2x2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

func.func @storage_cast_two_sides(%x: tensor<4xi8>) {
  // expected-error@+1 {{expects exactly one of input and result to have a quantized element type, got 'i8' and 'i8'}}
  %y = lowbit.storage_cast %x : tensor<4xi8> to tensor<4xi8>
  return
}

// -----

func.func @storage_cast_width(%x: tensor<4xi8>) {
  // expected-error@+1 {{expects the storage type 'i4' of '!quant.uniform<i4:f32, 5.000000e-01>', got 'i8'}}
  %y = lowbit.storage_cast %x : tensor<4xi8> to tensor<4x!quant.uniform<i4:f32, 0.5>>
  return
}

// -----

func.func @storage_cast_shape(%x: tensor<4xi1>) {
  // expected-error@+1 {{expects input and result shapes to match}}
  %y = lowbit.storage_cast %x : tensor<4xi1> to tensor<5x!lowbit.binary>
  return
}

// -----

func.func @storage_cast_zero_point(%x: tensor<4xi8>) {
  // expected-error@+1 {{quantized side zero point 300 is outside the storage range [-128, 127]}}
  %y = lowbit.storage_cast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:300>>
  return
}

// -----

func.func @dot4_bytes(%acc: vector<16xi32>, %u: vector<32xi8>) {
  // expected-error@+1 {{needs 4 bytes per accumulator lane: 16 lanes but 32 bytes}}
  %r = lowbit.dot4 %acc, %u, %u : vector<32xi8> -> vector<16xi32>
  return
}

// -----

func.func @dot4_types(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi16>) {
  // expected-error@+1 {{must be vector of 8-bit signless integer values of ranks 1}}
  %r = "lowbit.dot4"(%acc, %u, %s) : (vector<16xi32>, vector<64xi8>, vector<64xi16>) -> vector<16xi32>
  return
}

// -----

func.func @dot4_signed_pairs(%acc: vector<8xi32>, %u: vector<32xi8>) {
  // expected-error@+1 {{pairs_fit_i16 describes unsigned x signed products; it cannot be combined with signed_lhs}}
  %r = lowbit.dot4 %acc, %u, %u signed_lhs pairs_fit_i16 : vector<32xi8> -> vector<8xi32>
  return
}

// -----

func.func @dot2_halves(%acc: vector<8xi32>, %a: vector<8xi16>) {
  // expected-error@+1 {{needs 2 elements per accumulator lane: 8 lanes but 8 elements}}
  %r = lowbit.dot2 %acc, %a, %a : vector<8xi16> -> vector<8xi32>
  return
}

// -----

func.func @pool_bad_dilation(%x: tensor<1x8x8x4xf32>) {
  // expected-error@+1 {{'lowbit.max_pool2d' op expects 'dilations' values >= 1, got 0}}
  %0 = lowbit.max_pool2d %x kernel [2, 2] dilations [0, 1] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// A 3x3 window dilated by 2 spans 5 rows: (8 - 5) / 1 + 1 = 4 outputs.
func.func @pool_dilated_shape(%x: tensor<1x8x8x4xf32>) {
  // expected-error@+1 {{'lowbit.max_pool2d' op expects a result of shape [1, 4, 4, 4], got 'tensor<1x6x6x4xf32>'}}
  %0 = lowbit.max_pool2d %x kernel [3, 3] strides [1, 1] dilations [2, 2] : tensor<1x8x8x4xf32> -> tensor<1x6x6x4xf32>
  return
}
