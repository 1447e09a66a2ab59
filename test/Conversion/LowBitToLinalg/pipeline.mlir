// --lowbit-to-llvm lowers a small quantized model (quantize, constant-weight
// matmul with a folded bias, requantized add, dequantize, average pooling,
// small-float conversions) all the way to the LLVM dialect, in both
// requantization modes. Nothing but llvm (and the builtin module) may remain.

// RUN: lowbit-opt %s --lowbit-to-llvm | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: lowbit-opt %s --lowbit-to-llvm="requant-mode=float" | FileCheck %s --check-prefixes=CHECK,FLOAT
// RUN: lowbit-opt %s --lowbit-to-llvm | FileCheck %s --check-prefix=ONLY-LLVM
// RUN: lowbit-opt %s --lowbit-to-llvm="requant-mode=float" | FileCheck %s --check-prefix=ONLY-LLVM

// ONLY-LLVM-NOT: lowbit.
// ONLY-LLVM-NOT: quant.
// ONLY-LLVM-NOT: linalg.
// ONLY-LLVM-NOT: tensor.
// ONLY-LLVM-NOT: arith.
// ONLY-LLVM-NOT: math.
// ONLY-LLVM-NOT: memref.
// ONLY-LLVM-NOT: bufferization.
// ONLY-LLVM-NOT: affine.
// ONLY-LLVM-NOT: scf.
// ONLY-LLVM-NOT: cf.
// ONLY-LLVM-NOT: func.
// ONLY-LLVM-NOT: unrealized_conversion_cast

!x = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8:f32:1, {0.1, 0.2}>
!z = !quant.uniform<i8:f32, 0.2:-128>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// The folded matmul offsets are bias - za * colsum(w) with za = -3,
// colsum = [1 + 3 - 5, -2 + 4 + 6] = [-1, 8]: [7 - 3, -9 + 24] = [4, 15].
// CHECK: llvm.mlir.global private constant @{{.*}}(dense<[4, 15]> : tensor<2xi32>)
// CHECK-LABEL: llvm.func @model(
// FIXED:         llvm.intr.round
// FLOAT:         llvm.intr.roundeven
// CHECK:         llvm.return
func.func @model(%in: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %q = lowbit.quantize %in : tensor<2x3xf32> -> tensor<2x3x!x>
  %w = lowbit.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8> as tensor<3x2x!w>
  %b = lowbit.constant dense<[7, -9]> : tensor<2xi32> as tensor<2x!b>
  %m = lowbit.matmul %q, %w bias %b act(relu) : tensor<2x3x!x>, tensor<3x2x!w>, tensor<2x!b> -> tensor<2x2x!z>
  %a = lowbit.add %m, %m : tensor<2x2x!z>, tensor<2x2x!z> -> tensor<2x2x!z>
  %d = lowbit.dequantize %a : tensor<2x2x!z> -> tensor<2x2xf32>
  return %d : tensor<2x2xf32>
}

// CHECK-LABEL: llvm.func @pool(
// CHECK:         llvm.sdiv
// CHECK:         llvm.return
func.func @pool(%x: tensor<1x4x4x2x!x>) -> tensor<1x4x4x2x!x> {
  %0 = lowbit.avg_pool2d %x kernel [3, 3] strides [1, 1] padding [1, 1, 1, 1] : tensor<1x4x4x2x!x> -> tensor<1x4x4x2x!x>
  return %0 : tensor<1x4x4x2x!x>
}

// Small-float conversions are integer code: no fptrunc to the small types.
// CHECK-LABEL: llvm.func @small_floats(
// CHECK-NOT:     llvm.fptrunc
// CHECK:         llvm.bitcast %{{.*}} : i16 to bf16
// CHECK-NOT:     llvm.fptrunc
// CHECK:         llvm.return
func.func @small_floats(%x: tensor<4xf32>) -> (tensor<4xf8E4M3FN>, tensor<4xbf16>) {
  %a = lowbit.quantize %x : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %b = lowbit.quantize %x : tensor<4xf32> -> tensor<4xbf16>
  return %a, %b : tensor<4xf8E4M3FN>, tensor<4xbf16>
}
