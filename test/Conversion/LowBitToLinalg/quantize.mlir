// Lowering of lowbit.quantize / dequantize / requantize by
// --lowbit-lower-quantized, in both requantization modes:
//  * fixed-point (default; TFLite): quantize rounds half away from zero
//    (math.round), dequantize multiplies in double, requantize uses the
//    integer-only SaturatingRoundingDoublingHighMul + RoundingDivideByPOT;
//  * float (ONNX): quantize rounds half to even (math.roundeven), dequantize
//    multiplies in f32, requantize multiplies by an f32 multiplier.
// A lowbit.requant_mode attribute on a function (or module) beats the option.

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=fixed-point" | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=float" | FileCheck %s --check-prefixes=CHECK,FLOAT

// CHECK-DAG: #[[ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>

//===----------------------------------------------------------------------===//
// quantize: f32 -> integer storage
//===----------------------------------------------------------------------===//

// Per tensor, signed int8, scale 0.05, zero point -3:
//   q = clamp(round(x / 0.05), -128 - (-3), 127 - (-3)) + (-3)
// with the clamp done in float before fptosi.
// CHECK-LABEL: func.func @quantize_i8(
// CHECK-SAME:      %{{.*}}: tensor<4xf32>) -> tensor<4xi8>
// CHECK:         linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]]], iterator_types = ["parallel"]}
// CHECK-SAME:        outs(%{{.*}} : tensor<4xi8>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: f32, %{{.*}}: i8):
// CHECK-DAG:       %[[S:.*]] = arith.constant 5.000000e-02 : f32
// CHECK-DAG:       %[[ZP:.*]] = arith.constant -3 : i32
// CHECK:           %[[D:.*]] = arith.divf %[[X]], %[[S]] : f32
// FIXED:           %[[R:.*]] = math.round %[[D]] : f32
// FLOAT:           %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK:           %[[ZPF:.*]] = arith.sitofp %[[ZP]] : i32 to f32
// CHECK:           %[[QMIN:.*]] = arith.constant -1.280000e+02 : f32
// CHECK:           %[[LO:.*]] = arith.subf %[[QMIN]], %[[ZPF]] : f32
// CHECK:           %[[QMAX:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:           %[[HI:.*]] = arith.subf %[[QMAX]], %[[ZPF]] : f32
// CHECK:           %[[A:.*]] = arith.maxnumf %[[R]], %[[LO]] : f32
// CHECK:           %[[B:.*]] = arith.minnumf %[[A]], %[[HI]] : f32
// CHECK:           %[[I:.*]] = arith.fptosi %[[B]] : f32 to i32
// CHECK:           %[[Q:.*]] = arith.addi %[[I]], %[[ZP]] : i32
// NaN quantizes to the zero point (real 0).
// CHECK:           %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK:           %[[QS:.*]] = arith.select %[[NAN]], %[[ZP]], %[[Q]] : i32
// CHECK:           %[[T:.*]] = arith.trunci %[[QS]] : i32 to i8
// CHECK:           linalg.yield %[[T]] : i8
func.func @quantize_i8(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// Per channel (axis 1), unsigned: scales and zero points become 1-D
// constants indexed by d1; the bounds are those of u8.
// CHECK-LABEL: func.func @quantize_u8_per_channel(
// CHECK-SAME:      -> tensor<2x3xi8>
// CHECK-DAG:     %[[SC:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.250000e-01]> : tensor<3xf32>
// CHECK-DAG:     %[[ZPS:.*]] = arith.constant dense<[0, 128, 255]> : tensor<3xi32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[COL]], #[[COL]], #[[ID2]]]
// CHECK-SAME:        ins(%{{.*}}, %[[SC]], %[[ZPS]] : tensor<2x3xf32>, tensor<3xf32>, tensor<3xi32>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: f32, %[[S:[a-z0-9_]+]]: f32, %[[ZP:[a-z0-9_]+]]: i32, %{{.*}}: i8):
// CHECK:           arith.divf %[[X]], %[[S]] : f32
// FIXED:           math.round %
// FLOAT:           math.roundeven %
// CHECK-DAG:       arith.constant 0.000000e+00 : f32
// CHECK-DAG:       arith.constant 2.550000e+02 : f32
// CHECK:           arith.fptosi
// CHECK:           arith.addi %{{.*}}, %[[ZP]] : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
func.func @quantize_u8_per_channel(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<u8:f32:1, {0.5, 0.25:128, 0.125:255}>> {
  %q = lowbit.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32:1, {0.5, 0.25:128, 0.125:255}>>
  return %q : tensor<2x3x!quant.uniform<u8:f32:1, {0.5, 0.25:128, 0.125:255}>>
}

// int4: bounds [-8, 7], stored as i4.
// CHECK-LABEL: func.func @quantize_i4(
// CHECK-SAME:      -> tensor<4xi4>
// CHECK-DAG:       arith.constant -8.000000e+00 : f32
// CHECK-DAG:       arith.constant 7.000000e+00 : f32
// CHECK:           arith.trunci %{{.*}} : i32 to i4
func.func @quantize_i4(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i4:f32, 0.5>> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i4:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i4:f32, 0.5>>
}

// Ternary int2 with the narrow range [-1, 1], stored as i2.
// CHECK-LABEL: func.func @quantize_i2_ternary(
// CHECK-SAME:      -> tensor<4xi2>
// CHECK-DAG:       arith.constant -1.000000e+00 : f32
// CHECK-DAG:       arith.constant 1.000000e+00 : f32
// CHECK:           arith.trunci %{{.*}} : i32 to i2
func.func @quantize_i2_ternary(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i2<-1:1>:f32, 0.5>> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i2<-1:1>:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i2<-1:1>:f32, 0.5>>
}

// int16: bounds [-32768, 32767], stored as i16.
// CHECK-LABEL: func.func @quantize_i16(
// CHECK-SAME:      -> tensor<4xi16>
// CHECK-DAG:       arith.constant -3.276800e+04 : f32
// CHECK-DAG:       arith.constant 3.276700e+04 : f32
// CHECK:           arith.trunci %{{.*}} : i32 to i16
func.func @quantize_i16(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.001>> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 0.001>>
  return %q : tensor<4x!quant.uniform<i16:f32, 0.001>>
}

// Binary: the stored bit is the sign bit (x < 0); sign(0) = +1, i.e. bit 0.
// CHECK-LABEL: func.func @quantize_binary(
// CHECK-SAME:      -> tensor<4xi1>
// CHECK:         ^bb0(%[[X:[a-z0-9_]+]]: f32, %{{.*}}: i1):
// CHECK:           %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:           %[[B:.*]] = arith.cmpf olt, %[[X]], %[[ZERO]] : f32
// CHECK:           linalg.yield %[[B]] : i1
func.func @quantize_binary(%x: tensor<4xf32>) -> tensor<4x!lowbit.binary<f32, 0.25>> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!lowbit.binary<f32, 0.25>>
  return %q : tensor<4x!lowbit.binary<f32, 0.25>>
}

//===----------------------------------------------------------------------===//
// dequantize: integer storage -> float
//===----------------------------------------------------------------------===//

// Unsigned storage is zero-extended. Fixed-point mode computes
// scale * (q - zp) in double and rounds once to f32 (TFLite); float mode
// multiplies in f32 (ONNX DequantizeLinear).
// CHECK-LABEL: func.func @dequantize_u8(
// CHECK-SAME:      %{{.*}}: tensor<4xi8>) -> tensor<4xf32>
// CHECK:         ^bb0(%[[Q:[a-z0-9_]+]]: i8, %{{.*}}: f32):
// CHECK-DAG:       %[[S:.*]] = arith.constant 5.000000e-02 : f32
// CHECK-DAG:       %[[ZP:.*]] = arith.constant 128 : i32
// CHECK:           %[[W:.*]] = arith.extui %[[Q]] : i8 to i32
// CHECK:           %[[C:.*]] = arith.subi %[[W]], %[[ZP]] : i32
// FIXED:           %[[S64:.*]] = arith.extf %[[S]] : f32 to f64
// FIXED:           %[[C64:.*]] = arith.sitofp %[[C]] : i32 to f64
// FIXED:           %[[P:.*]] = arith.mulf %[[C64]], %[[S64]] : f64
// FIXED:           %[[R:.*]] = arith.truncf %[[P]] : f64 to f32
// FLOAT-NOT:       f64
// FLOAT:           %[[CF:.*]] = arith.sitofp %[[C]] : i32 to f32
// FLOAT:           %[[R:.*]] = arith.mulf %[[CF]], %[[S]] : f32
// CHECK:           linalg.yield %[[R]] : f32
func.func @dequantize_u8(%x: tensor<4x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<4xf32> {
  %d = lowbit.dequantize %x : tensor<4x!quant.uniform<u8:f32, 0.05:128>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// Per channel along axis 0 of a signed int4 tensor: parameters indexed by d0.
// CHECK-LABEL: func.func @dequantize_i4_per_channel(
// CHECK-SAME:      %{{.*}}: tensor<2x3xi4>) -> tensor<2x3xf32>
// CHECK-DAG:     %[[SC:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG:     %[[ZPS:.*]] = arith.constant dense<[1, -1]> : tensor<2xi32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ROW]], #[[ID2]]]
// CHECK-SAME:        ins(%{{.*}}, %[[SC]], %[[ZPS]] : tensor<2x3xi4>, tensor<2xf32>, tensor<2xi32>)
// CHECK-NEXT:    ^bb0(%[[Q:[a-z0-9_]+]]: i4, %[[S:[a-z0-9_]+]]: f32, %[[ZP:[a-z0-9_]+]]: i32, %{{.*}}: f32):
// CHECK:           %[[W:.*]] = arith.extsi %[[Q]] : i4 to i32
// CHECK:           arith.subi %[[W]], %[[ZP]] : i32
// FIXED:           arith.extf %[[S]] : f32 to f64
// FLOAT:           arith.mulf %{{.*}}, %[[S]] : f32
func.func @dequantize_i4_per_channel(%x: tensor<2x3x!quant.uniform<i4:f32:0, {0.5:1, 0.25:-1}>>) -> tensor<2x3xf32> {
  %d = lowbit.dequantize %x : tensor<2x3x!quant.uniform<i4:f32:0, {0.5:1, 0.25:-1}>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// Binary: bit 1 is -scale, bit 0 is +scale.
// CHECK-LABEL: func.func @dequantize_binary(
// CHECK:         ^bb0(%[[B:[a-z0-9_]+]]: i1, %{{.*}}: f32):
// CHECK:           %[[S:.*]] = arith.constant 2.500000e-01 : f32
// CHECK:           %[[N:.*]] = arith.negf %[[S]] : f32
// CHECK:           %[[R:.*]] = arith.select %[[B]], %[[N]], %[[S]] : f32
// CHECK:           linalg.yield %[[R]] : f32
func.func @dequantize_binary(%x: tensor<4x!lowbit.binary<f32, 0.25>>) -> tensor<4xf32> {
  %d = lowbit.dequantize %x : tensor<4x!lowbit.binary<f32, 0.25>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// Dequantizing to f16 computes the f32 value and then rounds it to f16 with
// integer operations (round to nearest even), not arith.truncf.
// CHECK-LABEL: func.func @dequantize_to_f16(
// CHECK-SAME:      -> tensor<4xf16>
// CHECK-NOT:       arith.truncf {{.*}} to f16
// CHECK:           arith.bitcast %{{.*}} : f32 to i32
// CHECK-NOT:       arith.truncf {{.*}} to f16
// CHECK:           %[[H:.*]] = arith.trunci %{{.*}} : i32 to i16
// CHECK:           %[[F:.*]] = arith.bitcast %[[H]] : i16 to f16
// CHECK:           linalg.yield %[[F]] : f16
func.func @dequantize_to_f16(%x: tensor<4x!quant.uniform<i8:f16, 0.05:-3>>) -> tensor<4xf16> {
  %d = lowbit.dequantize %x : tensor<4x!quant.uniform<i8:f16, 0.05:-3>> -> tensor<4xf16>
  return %d : tensor<4xf16>
}

//===----------------------------------------------------------------------===//
// requantize: integer storage -> integer storage
//===----------------------------------------------------------------------===//

// An int32 accumulator (scale 0.001) to int8 (scale 0.05, zp -3).
// M = double(0.001f) / double(0.05f) = 0.0200000006...
//   = 0.6400000208... * 2^-5, M0 = round(0.6400000208 * 2^31) = 1374389580,
//   right shift 5.
// Fixed point: SRDHM on i64 (nudge 2^30 or 1 - 2^30, C division by 2^31),
// then RoundingDivideByPOT(., 5), + zp, clamp to [-128, 127].
// Float: round_half_even(f32(acc) * 0.0200000014f), clamped in float.
// CHECK-LABEL: func.func @requantize_i32_to_i8(
// CHECK-SAME:      %{{.*}}: tensor<4xi32>) -> tensor<4xi8>
// CHECK:         ^bb0(%[[ACC:[a-z0-9_]+]]: i32, %{{.*}}: i8):
// CHECK-DAG:       %[[ZPO:.*]] = arith.constant -3 : i32
// CHECK-DAG:       %[[QMIN:.*]] = arith.constant -128 : i32
// CHECK-DAG:       %[[QMAX:.*]] = arith.constant 127 : i32
// FIXED-DAG:       %[[M:.*]] = arith.constant 1374389580 : i32
// FIXED-DAG:       %[[RSH:.*]] = arith.constant 5 : i32
// FIXED:           %[[X64:.*]] = arith.extsi %{{.*}} : i32 to i64
// FIXED:           %[[M64:.*]] = arith.extsi %[[M]] : i32 to i64
// FIXED:           %[[P:.*]] = arith.muli %[[X64]], %[[M64]] : i64
// FIXED-DAG:       %[[ZERO64:.*]] = arith.constant 0 : i64
// FIXED-DAG:       %[[NNEG:.*]] = arith.cmpi sge, %[[P]], %[[ZERO64]] : i64
// FIXED-DAG:       %[[POSN:.*]] = arith.constant 1073741824 : i64
// FIXED-DAG:       %[[NEGN:.*]] = arith.constant -1073741823 : i64
// FIXED:           %[[NUDGE:.*]] = arith.select %[[NNEG]], %[[POSN]], %[[NEGN]] : i64
// FIXED:           %[[SUM:.*]] = arith.addi %[[P]], %[[NUDGE]] : i64
// FIXED:           %[[TWO31:.*]] = arith.constant 2147483648 : i64
// FIXED:           %[[DIV:.*]] = arith.divsi %[[SUM]], %[[TWO31]] : i64
// FIXED:           %[[HI:.*]] = arith.trunci %[[DIV]] : i64 to i32
// RoundingDivideByPOT(HI, 5): mask = (1 << 5) - 1, threshold = (mask >> 1) + (HI < 0).
// FIXED:           %[[ONE:.*]] = arith.constant 1 : i32
// FIXED:           %[[POW:.*]] = arith.shli %[[ONE]], %[[RSH]] : i32
// FIXED:           %[[MASK:.*]] = arith.subi %[[POW]], %[[ONE]] : i32
// FIXED:           %[[REM:.*]] = arith.andi %[[HI]], %[[MASK]] : i32
// FIXED:           %[[ISNEG:.*]] = arith.cmpi slt, %[[HI]], %{{.*}} : i32
// FIXED:           %[[HALF:.*]] = arith.shrsi %[[MASK]], %[[ONE]] : i32
// FIXED:           %[[NEGB:.*]] = arith.extui %[[ISNEG]] : i1 to i32
// FIXED:           %[[THR:.*]] = arith.addi %[[HALF]], %[[NEGB]] : i32
// FIXED:           %[[UP:.*]] = arith.cmpi sgt, %[[REM]], %[[THR]] : i32
// FIXED:           %[[UPI:.*]] = arith.extui %[[UP]] : i1 to i32
// FIXED:           %[[SH:.*]] = arith.shrsi %[[HI]], %[[RSH]] : i32
// FIXED:           %[[RD:.*]] = arith.addi %[[SH]], %[[UPI]] : i32
// FIXED:           %[[Z:.*]] = arith.addi %[[RD]], %[[ZPO]] : i32
// FIXED:           %[[C1:.*]] = arith.maxsi %[[Z]], %[[QMIN]] : i32
// FIXED:           %[[C2:.*]] = arith.minsi %[[C1]], %[[QMAX]] : i32
// FIXED:           %[[T:.*]] = arith.trunci %[[C2]] : i32 to i8
// FLOAT-NOT:       i64
// FLOAT-DAG:       %[[MF:.*]] = arith.constant 0.0200000014 : f32
// FLOAT:           %[[AF:.*]] = arith.sitofp %{{.*}} : i32 to f32
// FLOAT:           %[[PF:.*]] = arith.mulf %[[AF]], %[[MF]] : f32
// FLOAT:           %[[RF:.*]] = math.roundeven %[[PF]] : f32
// FLOAT:           arith.maxnumf %[[RF]]
// FLOAT:           arith.minnumf
// FLOAT:           %[[IF:.*]] = arith.fptosi %{{.*}} : f32 to i32
// FLOAT:           %[[ZF:.*]] = arith.addi %[[IF]], %[[ZPO]] : i32
// FLOAT:           %[[T:.*]] = arith.trunci %[[ZF]] : i32 to i8
// CHECK:           linalg.yield %[[T]] : i8
func.func @requantize_i32_to_i8(%x: tensor<4x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>> {
  %r = lowbit.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// Signed int8 (zp -3) to unsigned int4 (zp 8): M = 0.05f / 0.2f = 0.25 exactly
// = 0.5 * 2^-1: M0 = 2^30, right shift 1; output clamp [0, 15] as i4.
// CHECK-LABEL: func.func @requantize_i8_to_u4(
// CHECK-SAME:      %{{.*}}: tensor<4xi8>) -> tensor<4xi4>
// CHECK:         ^bb0(%[[Q:[a-z0-9_]+]]: i8, %{{.*}}: i4):
// CHECK:           %[[ZPI:.*]] = arith.constant -3 : i32
// CHECK:           %[[W:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK:           arith.subi %[[W]], %[[ZPI]] : i32
// CHECK-DAG:       %[[ZPO:.*]] = arith.constant 8 : i32
// CHECK-DAG:       %[[QMIN:.*]] = arith.constant 0 : i32
// CHECK-DAG:       %[[QMAX:.*]] = arith.constant 15 : i32
// FIXED-DAG:       arith.constant 1073741824 : i32
// FIXED-DAG:       %[[RSH:.*]] = arith.constant 1 : i32
// FIXED:           arith.shrsi %{{.*}}, %[[RSH]] : i32
// FIXED:           arith.maxsi %{{.*}}, %[[QMIN]] : i32
// FIXED:           arith.minsi %{{.*}}, %[[QMAX]] : i32
// FLOAT-DAG:       arith.constant 2.500000e-01 : f32
// FLOAT:           math.roundeven
// CHECK:           arith.trunci %{{.*}} : i32 to i4
func.func @requantize_i8_to_u4(%x: tensor<4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x!quant.uniform<u4:f32, 0.2:8>> {
  %r = lowbit.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x!quant.uniform<u4:f32, 0.2:8>>
  return %r : tensor<4x!quant.uniform<u4:f32, 0.2:8>>
}

// Per-channel int32 accumulator (axis 1, scales 0.001 and 0.002) to int16
// (scale 0.0005): M = {2, 4} = {0.5 * 2^2, 0.5 * 2^3}, so M0 = 2^30 for both
// channels with left shifts {2, 3} and right shifts {0, 0}; float multipliers
// {2.0, 4.0}. All are per-channel tensors indexed by d1.
// CHECK-LABEL: func.func @requantize_per_channel(
// CHECK-SAME:      %{{.*}}: tensor<2x2xi32>) -> tensor<2x2xi16>
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// CHECK-DAG:     %[[L:.*]] = arith.constant dense<[2, 3]> : tensor<2xi32>
// CHECK-DAG:     %[[MF:.*]] = arith.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[COL]], #[[COL]], #[[COL]], #[[COL]], #[[COL]], #[[COL]], #[[ID2]]]
// CHECK-SAME:        ins(%{{.*}}, %[[M]], %[[L]], %{{.*}}, %[[MF]], %{{.*}}, %{{.*}} :
// CHECK-NEXT:    ^bb0(%{{.*}}: i32, %[[MM:[a-z0-9_]+]]: i32, %[[LL:[a-z0-9_]+]]: i32, %[[RR:[a-z0-9_]+]]: i32, %[[FF:[a-z0-9_]+]]: f32,
// CHECK-DAG:       arith.constant -32768 : i32
// CHECK-DAG:       arith.constant 32767 : i32
// FIXED:           arith.shli %{{.*}}, %[[LL]] : i32
// FIXED:           arith.extsi %[[MM]] : i32 to i64
// FIXED:           arith.shrsi %{{.*}}, %[[RR]] : i32
// FLOAT:           arith.mulf %{{.*}}, %[[FF]] : f32
// FLOAT:           math.roundeven
// CHECK:           arith.trunci %{{.*}} : i32 to i16
func.func @requantize_per_channel(%x: tensor<2x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>>) -> tensor<2x2x!quant.uniform<i16:f32, 0.0005>> {
  %r = lowbit.requantize %x : tensor<2x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>> -> tensor<2x2x!quant.uniform<i16:f32, 0.0005>>
  return %r : tensor<2x2x!quant.uniform<i16:f32, 0.0005>>
}

// To binary: the sign of the real value, (q - zp) < 0.
// CHECK-LABEL: func.func @requantize_to_binary(
// CHECK-SAME:      %{{.*}}: tensor<4xi8>) -> tensor<4xi1>
// CHECK:         ^bb0(%[[Q:[a-z0-9_]+]]: i8, %{{.*}}: i1):
// CHECK:           %[[ZP:.*]] = arith.constant 5 : i32
// CHECK:           %[[W:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK:           %[[C:.*]] = arith.subi %[[W]], %[[ZP]] : i32
// CHECK:           %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK:           %[[B:.*]] = arith.cmpi slt, %[[C]], %[[ZERO]] : i32
// CHECK:           linalg.yield %[[B]] : i1
func.func @requantize_to_binary(%x: tensor<4x!quant.uniform<i8:f32, 0.1:5>>) -> tensor<4x!lowbit.binary> {
  %r = lowbit.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.1:5>> -> tensor<4x!lowbit.binary>
  return %r : tensor<4x!lowbit.binary>
}

//===----------------------------------------------------------------------===//
// Low-precision floats: conversions spelled out in integer operations
//===----------------------------------------------------------------------===//

// f32 -> f16: rebias the exponent by (127 - 15) << 23 = 939524096, round the
// 13 dropped mantissa bits to nearest even (add 2^12 - 1 + lsb), subnormals
// via the magic addend 0.5, overflow to infinity (0x7C00 = 31744), NaN 0x7E00.
// CHECK-LABEL: func.func @to_f16(
// CHECK-SAME:      -> tensor<4xf16>
// CHECK-NOT:       arith.truncf
// CHECK:           arith.bitcast %{{.*}} : f32 to i32
// CHECK-DAG:       arith.constant 939524096 : i32
// CHECK-DAG:       arith.constant 4095 : i32
// CHECK-DAG:       arith.constant 5.000000e-01 : f32
// CHECK-DAG:       arith.constant 31744 : i32
// CHECK-DAG:       arith.constant 32256 : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i16
// CHECK:           arith.bitcast %{{.*}} : i16 to f16
// CHECK-NOT:       arith.truncf
func.func @to_f16(%x: tensor<4xf32>) -> tensor<4xf16> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4xf16>
  return %q : tensor<4xf16>
}

// f32 -> bf16: same exponent bias, 16 dropped bits (add 2^15 - 1 + lsb),
// infinity 0x7F80 = 32640, NaN 0x7FC0 = 32704.
// CHECK-LABEL: func.func @to_bf16(
// CHECK-NOT:       arith.truncf
// CHECK:           arith.bitcast %{{.*}} : f32 to i32
// CHECK-DAG:       arith.constant 32767 : i32
// CHECK-DAG:       arith.constant 32640 : i32
// CHECK-DAG:       arith.constant 32704 : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i16
// CHECK:           arith.bitcast %{{.*}} : i16 to bf16
// CHECK-NOT:       arith.truncf
func.func @to_bf16(%x: tensor<4xf32>) -> tensor<4xbf16> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4xbf16>
  return %q : tensor<4xbf16>
}

// f32 -> f8E4M3FN: saturate to +-448 first (no infinity), rebias by
// (127 - 7) << 23 = 1006632960, 20 dropped bits (add 2^19 - 1 + lsb),
// subnormals below 2^-6 ((127 - 7 + 1) << 23 = 1015021568) via the magic
// addend 2^14 = 16384, NaN is 0x7F = 127, sign into bit 7.
// CHECK-LABEL: func.func @to_f8E4M3FN(
// CHECK-NOT:       arith.truncf
// CHECK:           %[[LO:.*]] = arith.constant -4.480000e+02 : f32
// CHECK:           %[[A:.*]] = arith.maximumf %{{.*}}, %[[LO]] : f32
// CHECK:           %[[HI:.*]] = arith.constant 4.480000e+02 : f32
// CHECK:           %[[B:.*]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK:           arith.bitcast %[[B]] : f32 to i32
// CHECK-DAG:       arith.constant 1006632960 : i32
// CHECK-DAG:       arith.constant 524287 : i32
// CHECK-DAG:       arith.constant 1.638400e+04 : f32
// CHECK-DAG:       arith.constant 1015021568 : i32
// CHECK-DAG:       arith.constant 127 : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
// CHECK:           arith.bitcast %{{.*}} : i8 to f8E4M3FN
// CHECK-NOT:       arith.truncf
func.func @to_f8E4M3FN(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return %q : tensor<4xf8E4M3FN>
}

// f32 -> f8E5M2: rebias by (127 - 15) << 23, 21 dropped bits (add 2^20 - 1
// + lsb), subnormal magic 2^7 = 128, infinity 0x7C = 124, NaN 0x7E = 126.
// No saturation to a finite maximum (E5M2 has infinities).
// CHECK-LABEL: func.func @to_f8E5M2(
// CHECK-NOT:       arith.maximumf
// CHECK-NOT:       arith.truncf
// CHECK:           arith.bitcast %{{.*}} : f32 to i32
// CHECK-DAG:       arith.constant 939524096 : i32
// CHECK-DAG:       arith.constant 1048575 : i32
// CHECK-DAG:       arith.constant 1.280000e+02 : f32
// CHECK-DAG:       arith.constant 124 : i32
// CHECK-DAG:       arith.constant 126 : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
// CHECK:           arith.bitcast %{{.*}} : i8 to f8E5M2
// CHECK-NOT:       arith.truncf
func.func @to_f8E5M2(%x: tensor<4xf32>) -> tensor<4xf8E5M2> {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4xf8E5M2>
  return %q : tensor<4xf8E5M2>
}

// f8E4M3FN -> f32 (exact): exponent rebiased by 127 - 7 = 120, mantissa
// shifted by 20, subnormals as mant * 2^-9, only S.1111.111 is NaN.
// CHECK-LABEL: func.func @from_f8E4M3FN(
// CHECK-NOT:       arith.extf
// CHECK:           %[[B:.*]] = arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK:           arith.extui %[[B]] : i8 to i32
// CHECK-DAG:       arith.constant 120 : i32
// CHECK-DAG:       arith.constant 0.001953125 : f32
// CHECK-DAG:       arith.constant 2143289344 : i32
// CHECK:           %[[F:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           linalg.yield %[[F]] : f32
// CHECK-NOT:       arith.extf
func.func @from_f8E4M3FN(%x: tensor<4xf8E4M3FN>) -> tensor<4xf32> {
  %d = lowbit.dequantize %x : tensor<4xf8E4M3FN> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// lowbit.requant_mode beats the pass option
//===----------------------------------------------------------------------===//

// Float mode recorded on the function: round half to even, f32 dequantize
// and f32 multiplier, whatever the option says.
// The attribute is consumed by the lowering.
// CHECK-LABEL: func.func @attr_float_wins(
// CHECK-NOT:       lowbit.requant_mode
// CHECK:           math.roundeven
// CHECK-NOT:       math.round %
// CHECK-NOT:       f64
// CHECK-NOT:       i64
// CHECK:           arith.constant 0.0200000014 : f32
// CHECK:           math.roundeven
// CHECK-NOT:       f64
// CHECK-NOT:       i64
func.func @attr_float_wins(%x: tensor<4xf32>, %acc: tensor<4x!quant.uniform<i32:f32, 0.001>>)
    -> (tensor<4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.05:-3>>)
    attributes {lowbit.requant_mode = #lowbit.requant_mode<float>} {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  %d = lowbit.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4xf32>
  %r = lowbit.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %q, %d, %r : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// Fixed-point mode recorded on the function: round half away from zero,
// double-precision dequantize, integer-only requantization.
// CHECK-LABEL: func.func @attr_fixed_point_wins(
// CHECK-NOT:       lowbit.requant_mode
// CHECK-NOT:       math.roundeven
// CHECK:           math.round %
// CHECK-NOT:       math.roundeven
// CHECK:           arith.mulf %{{.*}}, %{{.*}} : f64
// CHECK-NOT:       math.roundeven
// CHECK:           arith.constant 1374389580 : i32
// CHECK:           arith.divsi %{{.*}}, %{{.*}} : i64
// CHECK-NOT:       math.roundeven
func.func @attr_fixed_point_wins(%x: tensor<4xf32>, %acc: tensor<4x!quant.uniform<i32:f32, 0.001>>)
    -> (tensor<4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.05:-3>>)
    attributes {lowbit.requant_mode = #lowbit.requant_mode<fixed_point>} {
  %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  %d = lowbit.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4xf32>
  %r = lowbit.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %q, %d, %r : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// The attribute on an enclosing module applies to its functions (and is
// consumed by the lowering).
// CHECK-NOT:     lowbit.requant_mode
// CHECK-LABEL: func.func @nested_module_float(
// CHECK:           math.roundeven
// CHECK-NOT:       math.round %
module attributes {lowbit.requant_mode = #lowbit.requant_mode<float>} {
  func.func @nested_module_float(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>> {
    %q = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
    return %q : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  }
}
