// RUN: lowbit-opt --lowbit-to-llvm %s | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s

// Binary and ternary layers with a zero-sized dimension. K = 0: every dot
// product is an empty sum, so the output is the bias (or 0). M = 0 or a
// batch of 0: the result is empty; nothing is computed (the runtime
// printer shows one garbage row for empty memrefs; the sizes matter).
// CHECK: {{\[}}[0,   0,   0],
// CHECK-NEXT: [0,   0,   0]]
// CHECK: {{\[}}[0.5,   -1,   2],
// CHECK-NEXT: [0.5,   -1,   2]]
// CHECK: {{\[}}[0,   0,   0],
// CHECK-NEXT: [0,   0,   0]]
// CHECK: sizes = [0, 3]
// CHECK: sizes = [0, 4, 4, 3]
func.func @main() {
  %a = lowbit.constant dense<1> : tensor<2x0xi8> as tensor<2x0x!lowbit.binary>
  %w = lowbit.constant dense<1> : tensor<0x3xi8> as tensor<0x3x!lowbit.binary>
  %c = lowbit.matmul %a, %w : tensor<2x0x!lowbit.binary>, tensor<0x3x!lowbit.binary> -> tensor<2x3xf32>
  call @print(%c) : (tensor<2x3xf32>) -> ()
  %b = arith.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
  %t = lowbit.constant dense<1> : tensor<2x0xi8> as tensor<2x0x!quant.uniform<i2<-1:1>:f32, 1.0>>
  %c2 = lowbit.matmul %t, %w bias %b : tensor<2x0x!quant.uniform<i2<-1:1>:f32, 1.0>>, tensor<0x3x!lowbit.binary>, tensor<3xf32> -> tensor<2x3xf32>
  call @print(%c2) : (tensor<2x3xf32>) -> ()
  %i = lowbit.constant dense<3> : tensor<2x0xi8> as tensor<2x0x!quant.uniform<i8:f32, 0.5:1>>
  %c3 = lowbit.matmul %i, %w : tensor<2x0x!quant.uniform<i8:f32, 0.5:1>>, tensor<0x3x!lowbit.binary> -> tensor<2x3xf32>
  call @print(%c3) : (tensor<2x3xf32>) -> ()
  %e = lowbit.constant dense<1> : tensor<0x5xi8> as tensor<0x5x!lowbit.binary>
  %w5 = lowbit.constant dense<1> : tensor<5x3xi8> as tensor<5x3x!lowbit.binary>
  %c4 = lowbit.matmul %e, %w5 : tensor<0x5x!lowbit.binary>, tensor<5x3x!lowbit.binary> -> tensor<0x3xf32>
  %m4 = bufferization.to_buffer %c4 : tensor<0x3xf32> to memref<0x3xf32>
  %u4 = memref.cast %m4 : memref<0x3xf32> to memref<*xf32>
  call @printMemrefF32(%u4) : (memref<*xf32>) -> ()
  %x = lowbit.constant dense<2> : tensor<0x4x4x2xi8> as tensor<0x4x4x2x!quant.uniform<i8:f32, 0.5>>
  %f = lowbit.constant dense<1> : tensor<3x3x3x2xi8> as tensor<3x3x3x2x!lowbit.binary>
  %c5 = lowbit.conv2d %x, %f padding [1, 1, 1, 1] : tensor<0x4x4x2x!quant.uniform<i8:f32, 0.5>>, tensor<3x3x3x2x!lowbit.binary> -> tensor<0x4x4x3xf32>
  %m5 = bufferization.to_buffer %c5 : tensor<0x4x4x3xf32> to memref<0x4x4x3xf32>
  %u5 = memref.cast %m5 : memref<0x4x4x3xf32> to memref<*xf32>
  call @printMemrefF32(%u5) : (memref<*xf32>) -> ()
  return
}
func.func @print(%t: tensor<2x3xf32>) {
  %m = bufferization.to_buffer %t : tensor<2x3xf32> to memref<2x3xf32>
  %u = memref.cast %m : memref<2x3xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
