// RUN: lowbit-opt %s | FileCheck %s
// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s -mlir-print-op-generic | lowbit-opt | FileCheck %s

!i8a = !quant.uniform<i8:f32, 0.05:-3>
!i8b = !quant.uniform<i8:f32, 0.1:2>
!i8o = !quant.uniform<i8:f32, 0.2:-128>
!i4w = !quant.uniform<i4:f32:1, {0.5, 0.25}>
!i32b = !quant.uniform<i32:f32:0, {0.025, 0.0125}>
!tern = !quant.uniform<i2<-1:1>:f32, 0.5>

// CHECK-LABEL: func.func @constant
func.func @constant() -> (tensor<2x2x!lowbit.binary>, tensor<2x!quant.uniform<i32:f32, 0.0025>>, tensor<3x!tern>, tensor<2xf16>) {
  // CHECK: lowbit.constant dense<{{\[\[}}1, -1], [-1, 1]]> : tensor<2x2xi8> as tensor<2x2x!lowbit.binary>
  %0 = lowbit.constant dense<[[1, -1], [-1, 1]]> : tensor<2x2xi8> as tensor<2x2x!lowbit.binary>
  // CHECK: lowbit.constant dense<[12, -7]> : tensor<2xi32> as tensor<2x!quant.uniform<i32:f32, 2.500000e-03>>
  %1 = lowbit.constant dense<[12, -7]> : tensor<2xi32> as tensor<2x!quant.uniform<i32:f32, 0.0025>>
  // CHECK: lowbit.constant dense<[-1, 0, 1]> : tensor<3xi8> as tensor<3x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>>
  %2 = lowbit.constant dense<[-1, 0, 1]> : tensor<3xi8> as tensor<3x!tern>
  // CHECK: lowbit.constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf16> as tensor<2xf16>
  %3 = lowbit.constant dense<[1.5, -2.0]> : tensor<2xf16> as tensor<2xf16>
  return %0, %1, %2, %3 : tensor<2x2x!lowbit.binary>, tensor<2x!quant.uniform<i32:f32, 0.0025>>, tensor<3x!tern>, tensor<2xf16>
}

// CHECK-LABEL: func.func @conversions
func.func @conversions(%x: tensor<4xf32>, %acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // CHECK: lowbit.quantize %{{.*}} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!i8a>
  // CHECK: lowbit.quantize %{{.*}} : tensor<4xf32> -> tensor<4x!lowbit.binary<f32, 2.500000e-01>>
  %b = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32, 0.25>>
  // CHECK: lowbit.quantize %{{.*}} : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %f8 = lowbit.quantize %x : tensor<4xf32> -> tensor<4xf8E4M3FN>
  // CHECK: lowbit.quantize %{{.*}} : tensor<4xf32> -> tensor<4xbf16>
  %bf = lowbit.quantize %x : tensor<4xf32> -> tensor<4xbf16>
  // CHECK: lowbit.dequantize %{{.*}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4xf32>
  %d = lowbit.dequantize %q : tensor<4x!i8a> -> tensor<4xf32>
  // CHECK: lowbit.dequantize %{{.*}} : tensor<4x!lowbit.binary<f32, 2.500000e-01>> -> tensor<4xf32>
  %db = lowbit.dequantize %b : tensor<4x!lowbit.binary<f32, 0.25>> -> tensor<4xf32>
  // CHECK: lowbit.dequantize %{{.*}} : tensor<4xf8E4M3FN> -> tensor<4xf32>
  %df8 = lowbit.dequantize %f8 : tensor<4xf8E4M3FN> -> tensor<4xf32>
  // CHECK: lowbit.requantize %{{.*}} : tensor<4x!quant.uniform<i32:f32, 1.000000e-03>> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %r = lowbit.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!i8a>
  // CHECK: lowbit.requantize %{{.*}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4x!quant.uniform<u4:f32, 2.000000e-01:8>>
  %r4 = lowbit.requantize %q : tensor<4x!i8a> -> tensor<4x!quant.uniform<u4:f32, 0.2:8>>
  return
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<2x8x!i8a>, %b: tensor<8x!i8b>, %f: tensor<2x8xf16>,
                       %a4: tensor<2x1x!quant.uniform<i4:f32, 1.0>>) {
  // CHECK: lowbit.add %{{.*}}, %{{.*}} : tensor<2x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<8x!quant.uniform<i8:f32, 1.000000e-01:2>> -> tensor<2x8x!quant.uniform<i8:f32, 2.000000e-01:-128>>
  %0 = lowbit.add %a, %b : tensor<2x8x!i8a>, tensor<8x!i8b> -> tensor<2x8x!i8o>
  // CHECK: lowbit.add %{{.*}}, %{{.*}} act(relu) :
  %1 = lowbit.add %a, %b act(relu) : tensor<2x8x!i8a>, tensor<8x!i8b> -> tensor<2x8x!i8o>
  // CHECK: lowbit.mul %{{.*}}, %{{.*}} act(relu6) :
  %2 = lowbit.mul %a, %b act(relu6) : tensor<2x8x!i8a>, tensor<8x!i8b> -> tensor<2x8x!i8o>
  // CHECK: lowbit.mul %{{.*}}, %{{.*}} act(clamp, -1.000000e+00, 2.500000e+00) :
  %3 = lowbit.mul %a, %b act(clamp, -1.0, 2.5) : tensor<2x8x!i8a>, tensor<8x!i8b> -> tensor<2x8x!i8o>
  // CHECK: lowbit.add %{{.*}}, %{{.*}} : tensor<2x8xf16>, tensor<2x8xf16> -> tensor<2x8xf16>
  %4 = lowbit.add %f, %f act(none) : tensor<2x8xf16>, tensor<2x8xf16> -> tensor<2x8xf16>
  // Mixed widths: int8 times int4.
  // CHECK: lowbit.mul %{{.*}}, %{{.*}} : tensor<2x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<2x1x!quant.uniform<i4:f32, 1.000000e+00>> -> tensor<2x8xf32>
  %5 = lowbit.mul %a, %a4 : tensor<2x8x!i8a>, tensor<2x1x!quant.uniform<i4:f32, 1.0>> -> tensor<2x8xf32>
  return
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%x: tensor<4x64x!i8a>, %w: tensor<64x2x!i4w>, %bias: tensor<2x!quant.uniform<i32:f32:0, {0.025, 0.0125}>>,
                  %xb: tensor<3x4x64x!lowbit.binary>, %wb: tensor<64x16x!lowbit.binary<f32:1, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}>>,
                  %wt: tensor<64x16x!tern>, %wb3: tensor<3x64x8x!lowbit.binary>, %fx: tensor<4x64xf32>, %fw: tensor<64x2xf32>, %fb: tensor<2xf32>) {
  // int8 activations x per-channel int4 weights with an i32 bias.
  // CHECK: lowbit.matmul %{{.*}}, %{{.*}} bias %{{.*}} act(relu) : tensor<4x64x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<64x2x!quant.uniform<i4:f32:1, {5.000000e-01,2.500000e-01}>>, tensor<2x!quant.uniform<i32:f32:0, {2.500000e-02,1.250000e-02}>> -> tensor<4x2x!quant.uniform<i8:f32, 2.000000e-01:-128>>
  %0 = lowbit.matmul %x, %w bias %bias act(relu) : tensor<4x64x!i8a>, tensor<64x2x!i4w>, tensor<2x!quant.uniform<i32:f32:0, {0.025, 0.0125}>> -> tensor<4x2x!i8o>
  // Batched binary x binary (shared weights) with a float result.
  // CHECK: lowbit.matmul %{{.*}}, %{{.*}} : tensor<3x4x64x!lowbit.binary>, tensor<64x16x!lowbit.binary<f32:1, {{.*}}>> -> tensor<3x4x16xf32>
  %1 = lowbit.matmul %xb, %wb : tensor<3x4x64x!lowbit.binary>, tensor<64x16x!lowbit.binary<f32:1, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}>> -> tensor<3x4x16xf32>
  // int8 activations x ternary weights with an i32 accumulator result.
  // CHECK: lowbit.matmul %{{.*}}, %{{.*}} : tensor<4x64x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<64x16x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>> -> tensor<4x16x!quant.uniform<i32:f32, 2.500000e-02>>
  %2 = lowbit.matmul %x, %wt : tensor<4x64x!i8a>, tensor<64x16x!tern> -> tensor<4x16x!quant.uniform<i32:f32, 0.025>>
  // Float matmul with a float bias.
  // CHECK: lowbit.matmul %{{.*}}, %{{.*}} bias %{{.*}} : tensor<4x64xf32>, tensor<64x2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  %3 = lowbit.matmul %fx, %fw bias %fb : tensor<4x64xf32>, tensor<64x2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  // Binary x binary to a binary result (sign of the real result).
  // CHECK: lowbit.matmul %{{.*}}, %{{.*}} : tensor<3x4x64x!lowbit.binary>, tensor<3x64x8x!lowbit.binary> -> tensor<3x4x8x!lowbit.binary>
  %4 = lowbit.matmul %xb, %wb3 : tensor<3x4x64x!lowbit.binary>, tensor<3x64x8x!lowbit.binary> -> tensor<3x4x8x!lowbit.binary>
  return
}

// CHECK-LABEL: func.func @conv2d
func.func @conv2d(%x: tensor<1x16x16x8x!i8a>, %w: tensor<4x3x3x8x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2, 0.3, 0.4}>>,
                  %b: tensor<4x!quant.uniform<i32:f32:0, {0.005, 0.01, 0.015, 0.02}>>,
                  %xb: tensor<1x9x9x64x!lowbit.binary>, %wb: tensor<32x3x3x64x!lowbit.binary>,
                  %dw: tensor<16x3x3x1x!quant.uniform<i8:f32, 0.1>>) {
  // CHECK: lowbit.conv2d %{{.*}}, %{{.*}} bias %{{.*}} padding [1, 1, 1, 1] act(relu6) : {{.*}} -> tensor<1x16x16x4x!quant.uniform<i8:f32, 2.000000e-01:-128>>
  %0 = lowbit.conv2d %x, %w bias %b padding [1, 1, 1, 1] act(relu6)
      : tensor<1x16x16x8x!i8a>, tensor<4x3x3x8x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2, 0.3, 0.4}>>,
        tensor<4x!quant.uniform<i32:f32:0, {0.005, 0.01, 0.015, 0.02}>> -> tensor<1x16x16x4x!i8o>
  // Binary conv with one padding, stride 2 and dilation 2.
  // CHECK: lowbit.conv2d %{{.*}}, %{{.*}} strides [2, 2] dilations [2, 2] padding [2, 2, 2, 2] pad_value one : tensor<1x9x9x64x!lowbit.binary>, tensor<32x3x3x64x!lowbit.binary> -> tensor<1x5x5x32xf32>
  %1 = lowbit.conv2d %xb, %wb strides [2, 2] dilations [2, 2] padding [2, 2, 2, 2] pad_value one
      : tensor<1x9x9x64x!lowbit.binary>, tensor<32x3x3x64x!lowbit.binary> -> tensor<1x5x5x32xf32>
  // Binary conv with true zero padding (explicit) and a binary result.
  // CHECK: lowbit.conv2d %{{.*}}, %{{.*}} padding [1, 1, 1, 1] pad_value zero : {{.*}} -> tensor<1x9x9x32x!lowbit.binary>
  %2 = lowbit.conv2d %xb, %wb padding [1, 1, 1, 1] pad_value zero
      : tensor<1x9x9x64x!lowbit.binary>, tensor<32x3x3x64x!lowbit.binary> -> tensor<1x9x9x32x!lowbit.binary>
  // Depthwise: groups = C, channel multiplier 2.
  // CHECK: lowbit.conv2d %{{.*}}, %{{.*}} groups 8 : tensor<1x16x16x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 1.000000e-01>> -> tensor<1x14x14x16x!quant.uniform<i8:f32, 2.000000e-01:-128>>
  %3 = lowbit.conv2d %x, %dw groups 8 : tensor<1x16x16x8x!i8a>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.1>> -> tensor<1x14x14x16x!i8o>
  return
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x8x8x16x!i8a>, %xb: tensor<1x8x8x16x!lowbit.binary>) {
  // CHECK: lowbit.max_pool2d %{{.*}} kernel [2, 2] : tensor<1x8x8x16x!lowbit.binary> -> tensor<1x4x4x16x!lowbit.binary>
  %0 = lowbit.max_pool2d %xb kernel [2, 2] : tensor<1x8x8x16x!lowbit.binary> -> tensor<1x4x4x16x!lowbit.binary>
  // CHECK: lowbit.max_pool2d %{{.*}} kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : {{.*}} -> tensor<1x4x4x16x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %1 = lowbit.max_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x8x8x16x!i8a> -> tensor<1x4x4x16x!i8a>
  // CHECK: lowbit.avg_pool2d %{{.*}} kernel [3, 3] strides [1, 1] padding [1, 1, 1, 1] : {{.*}} -> tensor<1x8x8x16x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %2 = lowbit.avg_pool2d %x kernel [3, 3] strides [1, 1] padding [1, 1, 1, 1] : tensor<1x8x8x16x!i8a> -> tensor<1x8x8x16x!i8a>
  // CHECK: lowbit.avg_pool2d %{{.*}} kernel [2, 2] padding [1, 0, 1, 0] count_include_pad :
  %3 = lowbit.avg_pool2d %x kernel [2, 2] padding [1, 0, 1, 0] count_include_pad : tensor<1x8x8x16x!i8a> -> tensor<1x4x4x16x!i8a>
  return
}

// CHECK-LABEL: func.func @sign_threshold
func.func @sign_threshold(%x: tensor<1x4x4x8x!i8a>, %acc: tensor<1x4x4x8x!quant.uniform<i32:f32, 1.0>>,
                          %t1: tensor<8x1xi32>, %t3: tensor<1x3xi32>, %f: tensor<2x8xf32>, %tf: tensor<8x2xf32>) {
  // CHECK: lowbit.sign %{{.*}} : tensor<1x4x4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<1x4x4x8x!lowbit.binary>
  %0 = lowbit.sign %x : tensor<1x4x4x8x!i8a> -> tensor<1x4x4x8x!lowbit.binary>
  // CHECK: lowbit.threshold %{{.*}}, %{{.*}} : tensor<1x4x4x8x!quant.uniform<i32:f32, 1.000000e+00>>, tensor<8x1xi32> -> tensor<1x4x4x8x!lowbit.binary>
  %1 = lowbit.threshold %acc, %t1 : tensor<1x4x4x8x!quant.uniform<i32:f32, 1.0>>, tensor<8x1xi32> -> tensor<1x4x4x8x!lowbit.binary>
  // Three shared thresholds give a 2-bit unsigned output.
  // CHECK: lowbit.threshold %{{.*}}, %{{.*}} : {{.*}}, tensor<1x3xi32> -> tensor<1x4x4x8x!quant.uniform<u2:f32, 5.000000e-01>>
  %2 = lowbit.threshold %acc, %t3 : tensor<1x4x4x8x!quant.uniform<i32:f32, 1.0>>, tensor<1x3xi32> -> tensor<1x4x4x8x!quant.uniform<u2:f32, 0.5>>
  // Two float thresholds per channel give a ternary output.
  // CHECK: lowbit.threshold %{{.*}}, %{{.*}} : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x8x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>>
  %3 = lowbit.threshold %f, %tf : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x8x!tern>
  return
}

// CHECK-LABEL: func.func @packing
func.func @packing(%x: tensor<4x100x!lowbit.binary>, %t: tensor<4x70x!tern>) {
  // CHECK: %[[P:.*]] = lowbit.pack %{{.*}} : tensor<4x100x!lowbit.binary> -> tensor<4x2xi64>
  %p = lowbit.pack %x : tensor<4x100x!lowbit.binary> -> tensor<4x2xi64>
  // CHECK: lowbit.unpack %[[P]] : tensor<4x2xi64> -> tensor<4x100x!lowbit.binary>
  %u = lowbit.unpack %p : tensor<4x2xi64> -> tensor<4x100x!lowbit.binary>
  // CHECK: %[[M:.*]]:2 = lowbit.pack %{{.*}} : tensor<4x70x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>> -> tensor<4x3xi32>, tensor<4x3xi32>
  %m, %s = lowbit.pack %t : tensor<4x70x!tern> -> tensor<4x3xi32>, tensor<4x3xi32>
  // CHECK: lowbit.unpack %[[M]]#0, %[[M]]#1 : tensor<4x3xi32>, tensor<4x3xi32> -> tensor<4x70x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>>
  %v = lowbit.unpack %m, %s : tensor<4x3xi32>, tensor<4x3xi32> -> tensor<4x70x!tern>
  return
}

// CHECK-LABEL: func.func @storage_cast
func.func @storage_cast(%bits: tensor<4x64xi1>, %q: tensor<8x!quant.uniform<u8:f32, 0.1:128>>) {
  // CHECK: lowbit.storage_cast %{{.*}} : tensor<4x64xi1> to tensor<4x64x!lowbit.binary>
  %b = lowbit.storage_cast %bits : tensor<4x64xi1> to tensor<4x64x!lowbit.binary>
  // CHECK: lowbit.storage_cast %{{.*}} : tensor<8x!quant.uniform<u8:f32, 1.000000e-01:128>> to tensor<8xi8>
  %s = lowbit.storage_cast %q : tensor<8x!quant.uniform<u8:f32, 0.1:128>> to tensor<8xi8>
  return
}

// CHECK-LABEL: func.func @dot4
func.func @dot4(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>, %a8: vector<8xi32>, %u8: vector<32xi8>) {
  // CHECK: lowbit.dot4 %{{.*}}, %{{.*}}, %{{.*}} : vector<64xi8> -> vector<16xi32>
  %r = lowbit.dot4 %acc, %u, %s : vector<64xi8> -> vector<16xi32>
  // CHECK: lowbit.dot4 %{{.*}}, %{{.*}}, %{{.*}} pairs_fit_i16 : vector<32xi8> -> vector<8xi32>
  %p = lowbit.dot4 %a8, %u8, %u8 pairs_fit_i16 : vector<32xi8> -> vector<8xi32>
  // CHECK: lowbit.dot4 %{{.*}}, %{{.*}}, %{{.*}} signed_lhs : vector<32xi8> -> vector<8xi32>
  %s8 = lowbit.dot4 %a8, %u8, %u8 signed_lhs : vector<32xi8> -> vector<8xi32>
  return
}

// CHECK-LABEL: func.func @dot2
func.func @dot2(%acc: vector<8xi32>, %a: vector<16xi16>) -> vector<8xi32> {
  // CHECK: lowbit.dot2 %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi16> -> vector<8xi32>
  %r = lowbit.dot2 %acc, %a, %a : vector<16xi16> -> vector<8xi32>
  return %r : vector<8xi32>
}
