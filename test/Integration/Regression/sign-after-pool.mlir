// RUN: lowbit-opt --lowbit-to-llvm %s | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s

// sign(max_pool(x)) on int8 (zero point -3) runs as max_pool(sign(x)) on
// packed bits. Windows 2x2, stride 2, and 3x3, stride 2 with padding 1:
// the sign is +1 where some value of the window is >= -3 (real >= 0).
//   x (one channel):  -5  -4 | -3 -9      2x2 maxima: -4  -3   -> -1 +1
//                     -9  -7 | -8 -6                  -1  -4   -> +1 -1
//                     -1 -10 | -5 -8
//                     -6  -9 | -9 -4
// 3x3 / 2, padding 1 (padding never wins): windows rows 0-1 x cols 0-1,
// rows 0-1 x cols 1-3, rows 1-3 x cols 0-1, rows 1-3 x cols 1-3:
// maxima -4, -3, -1, -4 -> -1, +1, +1, -1.
// CHECK: {{\[}}[-1,   1],
// CHECK-NEXT: [1,   -1]]
// CHECK: {{\[}}[-1,   1],
// CHECK-NEXT: [1,   -1]]
!q = !quant.uniform<i8:f32, 0.5:-3>
func.func @main() {
  %x = lowbit.constant dense<[[[[-5], [-4], [-3], [-9]], [[-9], [-7], [-8], [-6]], [[-1], [-10], [-5], [-8]], [[-6], [-9], [-9], [-4]]]]> : tensor<1x4x4x1xi8> as tensor<1x4x4x1x!q>
  %p = lowbit.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x4x4x1x!q> -> tensor<1x2x2x1x!q>
  %s = lowbit.sign %p : tensor<1x2x2x1x!q> -> tensor<1x2x2x1x!lowbit.binary>
  call @print(%s) : (tensor<1x2x2x1x!lowbit.binary>) -> ()
  %p3 = lowbit.max_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x4x4x1x!q> -> tensor<1x2x2x1x!q>
  %s3 = lowbit.sign %p3 : tensor<1x2x2x1x!q> -> tensor<1x2x2x1x!lowbit.binary>
  call @print(%s3) : (tensor<1x2x2x1x!lowbit.binary>) -> ()
  return
}
func.func @print(%b: tensor<1x2x2x1x!lowbit.binary>) {
  %f = lowbit.dequantize %b : tensor<1x2x2x1x!lowbit.binary> -> tensor<1x2x2x1xf32>
  %c = tensor.collapse_shape %f [[0, 1], [2, 3]] : tensor<1x2x2x1xf32> into tensor<2x2xf32>
  %m = bufferization.to_buffer %c : tensor<2x2xf32> to memref<2x2xf32>
  %u = memref.cast %m : memref<2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
