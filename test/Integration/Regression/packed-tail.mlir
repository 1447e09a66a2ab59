// RUN: lowbit-opt --lowbit-to-llvm %s | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s

// A binary operand that arrives packed is used without repacking; the bits
// past K in its last word are ignored, as lowbit.unpack defines (here the
// second word of row 0 is all ones, K = 70).
// Row 0: word 5 has bits 0 and 2 set (2 of 64 are -1), then 6 more -1; dot = 70 - 2 * 8 = 54. Row 1: 123456789 has 16 set bits: 70 - 32 = 38.
// CHECK: {{\[}}[54,   54,   54],
// CHECK-NEXT: [38,   38,   38]]
func.func @main() {
  %ap = arith.constant dense<[[5, -1], [123456789, 0]]> : tensor<2x2xi64>
  %a = lowbit.unpack %ap : tensor<2x2xi64> -> tensor<2x70x!lowbit.binary>
  %w = lowbit.constant dense<1> : tensor<70x3xi8> as tensor<70x3x!lowbit.binary>
  %c = lowbit.matmul %a, %w : tensor<2x70x!lowbit.binary>, tensor<70x3x!lowbit.binary> -> tensor<2x3xf32>
  %m = bufferization.to_buffer %c : tensor<2x3xf32> to memref<2x3xf32>
  %u = memref.cast %m : memref<2x3xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
