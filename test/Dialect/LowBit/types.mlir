// RUN: lowbit-opt %s | FileCheck %s
// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s -mlir-print-op-generic | lowbit-opt | FileCheck %s

// Every precision from FP16 down to 1 bit as a function argument type.

// CHECK-LABEL: func.func @floats
// CHECK-SAME: tensor<4xf32>, %{{.*}}: tensor<4xf16>, %{{.*}}: tensor<4xbf16>, %{{.*}}: tensor<4xf8E4M3FN>, %{{.*}}: tensor<4xf8E5M2>
func.func @floats(%a: tensor<4xf32>, %b: tensor<4xf16>, %c: tensor<4xbf16>,
                  %d: tensor<4xf8E4M3FN>, %e: tensor<4xf8E5M2>) {
  return
}

// CHECK-LABEL: func.func @affine
// CHECK-SAME: !quant.uniform<i16:f32, 1.000000e-03>
// CHECK-SAME: !quant.uniform<i8:f32, 5.000000e-02:-3>
// CHECK-SAME: !quant.uniform<u8:f32, 1.000000e-01:128>
// CHECK-SAME: !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
// CHECK-SAME: !quant.uniform<i4:f32, 2.500000e-01:1>
// CHECK-SAME: !quant.uniform<u4:f16, 5.000000e-01:8>
// CHECK-SAME: !quant.uniform<i2:bf16, 1.000000e+00>
// CHECK-SAME: !quant.uniform<i32:f32, 1.000000e-03>
func.func @affine(
    %a: tensor<4x!quant.uniform<i16:f32, 0.001>>,
    %b: tensor<4x!quant.uniform<i8:f32, 0.05:-3>>,
    %c: tensor<4x!quant.uniform<u8:f32, 0.1:128>>,
    %d: tensor<4x!quant.uniform<i8<-127:127>:f32, 0.02>>,
    %e: tensor<4x!quant.uniform<i4:f32, 0.25:1>>,
    %f: tensor<4x!quant.uniform<u4:f16, 0.5:8>>,
    %g: tensor<4x!quant.uniform<i2:bf16, 1.0>>,
    %h: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  return
}

// CHECK-LABEL: func.func @per_channel_and_blockwise
// CHECK-SAME: tensor<3x2x!quant.uniform<i4:f32:0, {1.000000e-01,2.000000e-01:1,3.000000e-01:-1}>>
// CHECK-SAME: tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{.}}{1.000000e-01, 2.000000e-01}, {3.000000e-01, 4.000000e-01}}>>
func.func @per_channel_and_blockwise(
    %a: tensor<3x2x!quant.uniform<i4:f32:0, {0.1, 0.2:1, 0.3:-1}>>,
    %b: tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.1, 0.2}, {0.3, 0.4}}>>) {
  return
}

// Ternary is the affine type with storage range [-1, 1] and zero point 0.
// CHECK-LABEL: func.func @ternary
// CHECK-SAME: tensor<8x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>>
// CHECK-SAME: tensor<2x8x!quant.uniform<i2<-1:1>:f32:0, {5.000000e-01,2.500000e-01}>>
func.func @ternary(
    %a: tensor<8x!quant.uniform<i2<-1:1>:f32, 0.5>>,
    %b: tensor<2x8x!quant.uniform<i2<-1:1>:f32:0, {0.5, 0.25}>>) {
  return
}

// CHECK-LABEL: func.func @binary
// CHECK-SAME: %arg0: tensor<8x!lowbit.binary>,
// CHECK-SAME: %arg1: tensor<8x!lowbit.binary>,
// CHECK-SAME: %arg2: tensor<8x!lowbit.binary<f32, 2.500000e-01>>,
// CHECK-SAME: %arg3: tensor<8x!lowbit.binary<f16, 5.000000e-01>>,
// CHECK-SAME: %arg4: tensor<2x8x!lowbit.binary<f32:0, {5.000000e-01, 2.500000e-01}>>
func.func @binary(%a: tensor<8x!lowbit.binary>,
                  %b: tensor<8x!lowbit.binary<f32, 1.0>>,
                  %c: tensor<8x!lowbit.binary<f32, 0.25>>,
                  %d: tensor<8x!lowbit.binary<f16, 0.5>>,
                  %e: tensor<2x8x!lowbit.binary<f32:0, {0.5, 0.25}>>) {
  return
}

// The requantization mode recorded on a module or function.
// CHECK-LABEL: func.func @mode
// CHECK-SAME: lowbit.requant_mode = #lowbit.requant_mode<float>
func.func @mode() attributes {lowbit.requant_mode = #lowbit.requant_mode<float>} {
  return
}
