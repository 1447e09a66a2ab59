// Inputs that --lowbit-lower-quantized rejects, with the diagnostic it gives:
// binary operands of elementwise add/mul, int32 accumulations that could
// overflow, folded offsets that do not fit int32, and an unknown
// requant-mode option value. (Binary and ternary matmul/conv2d operands are
// not errors: the pass lowers them with the --lowbit-lower-binary patterns.)

// RUN: lowbit-opt %s --lowbit-lower-quantized -split-input-file -verify-diagnostics
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=float" -split-input-file -verify-diagnostics

// Unknown option values are an error before anything is rewritten, with a
// non-zero exit status ("fixed_point" is the attribute spelling, not the
// option's).
// RUN: not lowbit-opt %s --lowbit-lower-quantized="requant-mode=double" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not lowbit-opt %s --lowbit-lower-quantized="requant-mode=fixed_point" 2>&1 | FileCheck %s --check-prefix=MODE-UNDERSCORE
// RUN: not lowbit-opt %s --lowbit-to-llvm="requant-mode=double" 2>&1 | FileCheck %s --check-prefix=MODE
// MODE: error: unknown requant-mode 'double'; expected fixed-point or float
// MODE-UNDERSCORE: error: unknown requant-mode 'fixed_point'; expected fixed-point or float

//===----------------------------------------------------------------------===//
// Binary operands of elementwise arithmetic
//===----------------------------------------------------------------------===//

func.func @binary_add(%x: tensor<4x!lowbit.binary>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+2 {{'lowbit.add' op binary operands of lowbit.add are not supported by --lowbit-lower-quantized}}
  // expected-error@+1 {{failed to legalize operation 'lowbit.add'}}
  %0 = lowbit.add %x, %x : tensor<4x!lowbit.binary>, tensor<4x!lowbit.binary> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @binary_mul(%x: tensor<4x!lowbit.binary>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+2 {{'lowbit.mul' op binary operands of lowbit.mul are not supported by --lowbit-lower-quantized}}
  // expected-error@+1 {{failed to legalize operation 'lowbit.mul'}}
  %0 = lowbit.mul %x, %x : tensor<4x!lowbit.binary>, tensor<4x!lowbit.binary> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

//===----------------------------------------------------------------------===//
// int32 accumulator bounds
//===----------------------------------------------------------------------===//

// -----

// K * max|a - za| * max|w - zw| = 2 * 32768 * 32768 = 2^31 > 2^31 - 1.
func.func @matmul_overflow_int16(%x: tensor<1x2x!quant.uniform<i16:f32, 0.5>>, %w: tensor<2x1x!quant.uniform<i16:f32, 0.5>>) -> tensor<1x1x!quant.uniform<i32:f32, 0.25>> {
  // expected-error@+2 {{'lowbit.matmul' op int32 accumulator could overflow: reduction size 2 times |a - za| <= 32768 times |w - zw| <= 32768 exceeds 2^31 - 1; split the reduction or narrow the types}}
  // expected-error@+1 {{failed to legalize operation 'lowbit.matmul'}}
  %0 = lowbit.matmul %x, %w : tensor<1x2x!quant.uniform<i16:f32, 0.5>>, tensor<2x1x!quant.uniform<i16:f32, 0.5>> -> tensor<1x1x!quant.uniform<i32:f32, 0.25>>
  return %0 : tensor<1x1x!quant.uniform<i32:f32, 0.25>>
}

// -----

// The boundary: 512 * 32768 * 128 = 2^31 is rejected (511 passes, see
// matmul.mlir @largest_k_that_fits).
func.func @matmul_overflow_boundary(%x: tensor<1x512x!quant.uniform<i16:f32, 0.5>>, %w: tensor<512x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x!quant.uniform<i32:f32, 0.25>> {
  // expected-error@+2 {{int32 accumulator could overflow: reduction size 512 times |a - za| <= 32768 times |w - zw| <= 128 exceeds 2^31 - 1}}
  // expected-error@+1 {{failed to legalize operation 'lowbit.matmul'}}
  %0 = lowbit.matmul %x, %w : tensor<1x512x!quant.uniform<i16:f32, 0.5>>, tensor<512x1x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1x!quant.uniform<i32:f32, 0.25>>
  return %0 : tensor<1x1x!quant.uniform<i32:f32, 0.25>>
}

// -----

// conv2d: K = kh * kw * C/groups = 1 * 1 * 2.
func.func @conv2d_overflow(%x: tensor<1x3x3x2x!quant.uniform<i16:f32, 0.5>>, %w: tensor<1x1x1x2x!quant.uniform<i16:f32, 0.5>>) -> tensor<1x3x3x1x!quant.uniform<i32:f32, 0.25>> {
  // expected-error@+2 {{'lowbit.conv2d' op int32 accumulator could overflow: reduction size 2 times |a - za| <= 32768 times |w - zw| <= 32768 exceeds 2^31 - 1}}
  // expected-error@+1 {{failed to legalize operation 'lowbit.conv2d'}}
  %0 = lowbit.conv2d %x, %w : tensor<1x3x3x2x!quant.uniform<i16:f32, 0.5>>, tensor<1x1x1x2x!quant.uniform<i16:f32, 0.5>> -> tensor<1x3x3x1x!quant.uniform<i32:f32, 0.25>>
  return %0 : tensor<1x3x3x1x!quant.uniform<i32:f32, 0.25>>
}

// -----

// Folded offset = bias - za * colsum(w) = 2147483647 - 1 * (-1) = 2^31.
func.func @folded_offset_overflow(%x: tensor<1x1x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x1x!quant.uniform<i32:f32, 0.25>> {
  %w = lowbit.constant dense<[[-1]]> : tensor<1x1xi8> as tensor<1x1x!quant.uniform<i8:f32, 0.5>>
  %b = lowbit.constant dense<[2147483647]> : tensor<1xi32> as tensor<1x!quant.uniform<i32:f32, 0.25>>
  // expected-error@+2 {{'lowbit.matmul' op folded bias/zero-point offset 2147483648 does not fit in int32}}
  // expected-error@+1 {{failed to legalize operation 'lowbit.matmul'}}
  %0 = lowbit.matmul %x, %w bias %b : tensor<1x1x!quant.uniform<i8:f32, 0.5:1>>, tensor<1x1x!quant.uniform<i8:f32, 0.5>>, tensor<1x!quant.uniform<i32:f32, 0.25>> -> tensor<1x1x!quant.uniform<i32:f32, 0.25>>
  return %0 : tensor<1x1x!quant.uniform<i32:f32, 0.25>>
}
