// Lowering of lowbit.add and lowbit.mul by --lowbit-lower-quantized:
// numpy broadcasting in the indexing maps, TFLite ADD with integer headroom
// (numerics.md section 3) in fixed-point mode, dequantize/add/requantize in
// float mode, and fused activations as a clamp of the stored output whose
// bounds are zp + round_half_away(f / scale) cut to [qmin, qmax]
// (numerics.md section 4).

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=float" | FileCheck %s --check-prefixes=CHECK,FLOAT

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL0:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[ROW0:.*]] = affine_map<(d0, d1) -> (0, d1)>

!a = !quant.uniform<i8:f32, 0.05:-3>
!b = !quant.uniform<i8:f32, 0.1:2>
!o = !quant.uniform<i8:f32, 0.25:3>

// int8 ADD, rhs broadcast along d0 (tensor<8> against tensor<2x8>).
// Scales s_x = 0.05, s_y = 0.1, s_z = 0.25 (float32, widened to double):
//   twice_max = 0.2
//   m_x = 0.05 / 0.2 = 0.25 = 0.5 * 2^-1 -> M0 = 2^30 = 1073741824, right shift 1
//   m_y = 0.1 / 0.2  = 0.5  = 0.5 * 2^0  -> M0 = 2^30, right shift 0
//   m_out = 0.2 / (2^20 * 0.25) = 0.8000000119 * 2^-20
//         -> M0 = round(0.8000000119 * 2^31) = 1717986944, right shift 20
// ReLU: [max(-128, 3 + round(0 / 0.25)), 127] = [3, 127].
// CHECK-LABEL: func.func @add_i8(
// CHECK-SAME:      %{{.*}}: tensor<2x8xi8>, %{{.*}}: tensor<8xi8>) -> tensor<2x8xi8>
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[LAST]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i8, %[[Y:[a-z0-9_]+]]: i8, %{{.*}}: i8):
// CHECK:           %[[XW:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK:           %[[ZX:.*]] = arith.constant -3 : i32
// CHECK:           %[[XC:.*]] = arith.subi %[[XW]], %[[ZX]] : i32
// CHECK:           %[[YW:.*]] = arith.extsi %[[Y]] : i8 to i32
// CHECK:           %[[ZY:.*]] = arith.constant 2 : i32
// CHECK:           %[[YC:.*]] = arith.subi %[[YW]], %[[ZY]] : i32
//
// Fixed point: a = (x - zp_x) << 20, b = (y - zp_y) << 20 ...
// FIXED:           %[[C20:.*]] = arith.constant 20 : i32
// FIXED:           %[[SX:.*]] = arith.shli %[[XC]], %[[C20]] : i32
// FIXED:           %[[SY:.*]] = arith.shli %[[YC]], %[[C20]] : i32
// ... a' = MBQM(a, m_x): SRDHM on i64, then a rounding shift right by 1 ...
// FIXED:           %[[M1:.*]] = arith.constant 1073741824 : i32
// FIXED-NEXT:      %[[L1:.*]] = arith.constant 0 : i32
// FIXED-NEXT:      %[[R1:.*]] = arith.constant 1 : i32
// FIXED-NEXT:      %[[A1:.*]] = arith.shli %[[SX]], %[[L1]] : i32
// FIXED-NEXT:      %[[A1W:.*]] = arith.extsi %[[A1]] : i32 to i64
// FIXED-NEXT:      %[[M1W:.*]] = arith.extsi %[[M1]] : i32 to i64
// FIXED-NEXT:      %[[P1:.*]] = arith.muli %[[A1W]], %[[M1W]] : i64
// FIXED:           %[[N1:.*]] = arith.addi %[[P1]], %{{.*}} : i64
// FIXED:           %[[D1:.*]] = arith.divsi %[[N1]], %{{.*}} : i64
// FIXED:           %[[H1:.*]] = arith.trunci %[[D1]] : i64 to i32
// FIXED:           %[[S1:.*]] = arith.shrsi %[[H1]], %[[R1]] : i32
// FIXED-NEXT:      %[[XR:.*]] = arith.addi %[[S1]], %{{.*}} : i32
// ... b' = MBQM(b, m_y), no right shift ...
// FIXED:           %[[M2:.*]] = arith.constant 1073741824 : i32
// FIXED-NEXT:      %[[L2:.*]] = arith.constant 0 : i32
// FIXED-NEXT:      %[[R2:.*]] = arith.constant 0 : i32
// FIXED-NEXT:      %[[A2:.*]] = arith.shli %[[SY]], %[[L2]] : i32
// FIXED-NEXT:      %[[A2W:.*]] = arith.extsi %[[A2]] : i32 to i64
// FIXED-NEXT:      %[[M2W:.*]] = arith.extsi %[[M2]] : i32 to i64
// FIXED-NEXT:      %[[P2:.*]] = arith.muli %[[A2W]], %[[M2W]] : i64
// FIXED:           %[[D2:.*]] = arith.divsi %{{.*}}, %{{.*}} : i64
// FIXED:           %[[H2:.*]] = arith.trunci %[[D2]] : i64 to i32
// FIXED:           %[[S2:.*]] = arith.shrsi %[[H2]], %[[R2]] : i32
// FIXED-NEXT:      %[[YR:.*]] = arith.addi %[[S2]], %{{.*}} : i32
// ... z = clamp(MBQM(a' + b', m_out) + zp_z, 3, 127).
// FIXED-NEXT:      %[[SUM:.*]] = arith.addi %[[XR]], %[[YR]] : i32
// FIXED-NEXT:      %[[M3:.*]] = arith.constant 1717986944 : i32
// FIXED-NEXT:      %[[L3:.*]] = arith.constant 0 : i32
// FIXED-NEXT:      %[[R3:.*]] = arith.constant 20 : i32
// FIXED-NEXT:      %[[A3:.*]] = arith.shli %[[SUM]], %[[L3]] : i32
// FIXED-NEXT:      %[[A3W:.*]] = arith.extsi %[[A3]] : i32 to i64
// FIXED-NEXT:      %[[M3W:.*]] = arith.extsi %[[M3]] : i32 to i64
// FIXED-NEXT:      %[[P3:.*]] = arith.muli %[[A3W]], %[[M3W]] : i64
// FIXED:           %[[D3:.*]] = arith.divsi %{{.*}}, %{{.*}} : i64
// FIXED:           %[[H3:.*]] = arith.trunci %[[D3]] : i64 to i32
// FIXED:           %[[S3:.*]] = arith.shrsi %[[H3]], %[[R3]] : i32
// FIXED-NEXT:      %[[ZR:.*]] = arith.addi %[[S3]], %{{.*}} : i32
// FIXED-NEXT:      %[[ZPO:.*]] = arith.constant 3 : i32
// FIXED-NEXT:      %[[Z:.*]] = arith.addi %[[ZR]], %[[ZPO]] : i32
// FIXED-NEXT:      %[[LO:.*]] = arith.constant 3 : i32
// FIXED-NEXT:      %[[HI:.*]] = arith.constant 127 : i32
// FIXED-NEXT:      %[[C1:.*]] = arith.maxsi %[[Z]], %[[LO]] : i32
// FIXED-NEXT:      %[[C2:.*]] = arith.minsi %[[C1]], %[[HI]] : i32
// FIXED-NEXT:      %[[T:.*]] = arith.trunci %[[C2]] : i32 to i8
//
// Float: real sum in f32, divided by s_z, rounded half to even, clamped to
// [3 - 3, 127 - 3] in float (the relu range), then + zp; NaN -> zp.
// FLOAT-NOT:       arith.shli
// FLOAT:           %[[FX:.*]] = arith.sitofp %[[XC]] : i32 to f32
// FLOAT:           %[[SXF:.*]] = arith.constant 5.000000e-02 : f32
// FLOAT:           %[[RX:.*]] = arith.mulf %[[FX]], %[[SXF]] : f32
// FLOAT:           %[[FY:.*]] = arith.sitofp %[[YC]] : i32 to f32
// FLOAT:           %[[SYF:.*]] = arith.constant 1.000000e-01 : f32
// FLOAT:           %[[RY:.*]] = arith.mulf %[[FY]], %[[SYF]] : f32
// FLOAT:           %[[SUMF:.*]] = arith.addf %[[RX]], %[[RY]] : f32
// FLOAT:           %[[SZF:.*]] = arith.constant 2.500000e-01 : f32
// FLOAT:           %[[ZPO:.*]] = arith.constant 3 : i32
// FLOAT:           %[[Q:.*]] = arith.divf %[[SUMF]], %[[SZF]] : f32
// FLOAT:           %[[R:.*]] = math.roundeven %[[Q]] : f32
// FLOAT:           %[[ZPF:.*]] = arith.sitofp %[[ZPO]] : i32 to f32
// FLOAT:           %[[LOQ:.*]] = arith.constant 3.000000e+00 : f32
// FLOAT:           %[[LOF:.*]] = arith.subf %[[LOQ]], %[[ZPF]] : f32
// FLOAT:           %[[HIQ:.*]] = arith.constant 1.270000e+02 : f32
// FLOAT:           %[[HIF:.*]] = arith.subf %[[HIQ]], %[[ZPF]] : f32
// FLOAT:           %[[A:.*]] = arith.maxnumf %[[R]], %[[LOF]] : f32
// FLOAT:           %[[B:.*]] = arith.minnumf %[[A]], %[[HIF]] : f32
// FLOAT:           %[[I:.*]] = arith.fptosi %[[B]] : f32 to i32
// FLOAT:           %[[Z:.*]] = arith.addi %[[I]], %[[ZPO]] : i32
// FLOAT:           %[[S:.*]] = arith.select %{{.*}}, %[[ZPO]], %[[Z]] : i32
// FLOAT:           %[[T:.*]] = arith.trunci %[[S]] : i32 to i8
// CHECK:           linalg.yield %[[T]] : i8
func.func @add_i8(%a: tensor<2x8x!a>, %b: tensor<8x!b>) -> tensor<2x8x!o> {
  %0 = lowbit.add %a, %b act(relu) : tensor<2x8x!a>, tensor<8x!b> -> tensor<2x8x!o>
  return %0 : tensor<2x8x!o>
}

// Symmetric int16 ADD (TFLite): 15 bits of headroom instead of 20, and the
// rhs broadcast along d1 (tensor<2x1> against tensor<2x8>).
//   m_x = 0.001 / 0.004 = 0.25 -> M0 = 2^30, right shift 1
//   m_y = 0.002 / 0.004 = 0.5  -> M0 = 2^30, right shift 0
//   m_out = 0.004 / (2^15 * 0.004) = 2^-15 -> M0 = 2^30, right shift 14
// No activation: clamp to [-32768, 32767].
// CHECK-LABEL: func.func @add_i16_symmetric(
// CHECK-SAME:      %{{.*}}: tensor<2x8xi16>, %{{.*}}: tensor<2x1xi16>) -> tensor<2x8xi16>
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[COL0]], #[[ID]]]
// CHECK-NEXT:    ^bb0(%{{.*}}: i16, %{{.*}}: i16, %{{.*}}: i16):
// FIXED:           %[[C15:.*]] = arith.constant 15 : i32
// FIXED:           arith.shli %{{.*}}, %[[C15]] : i32
// FIXED:           arith.shli %{{.*}}, %[[C15]] : i32
// FIXED:           arith.constant 1073741824 : i32
// FIXED-NEXT:      arith.constant 0 : i32
// FIXED-NEXT:      arith.constant 1 : i32
// FIXED:           arith.constant 1073741824 : i32
// FIXED-NEXT:      arith.constant 0 : i32
// FIXED-NEXT:      arith.constant 0 : i32
// FIXED:           arith.constant 1073741824 : i32
// FIXED-NEXT:      arith.constant 0 : i32
// FIXED-NEXT:      arith.constant 14 : i32
// FLOAT:           math.roundeven
// FLOAT:           arith.constant -3.276800e+04 : f32
// FLOAT:           arith.constant 3.276700e+04 : f32
// FIXED-DAG:       %[[LO:.*]] = arith.constant -32768 : i32
// FIXED-DAG:       %[[HI:.*]] = arith.constant 32767 : i32
// FIXED:           arith.maxsi %{{.*}}, %[[LO]] : i32
// FIXED:           arith.minsi %{{.*}}, %[[HI]] : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i16
func.func @add_i16_symmetric(%a: tensor<2x8x!quant.uniform<i16:f32, 0.001>>, %b: tensor<2x1x!quant.uniform<i16:f32, 0.002>>) -> tensor<2x8x!quant.uniform<i16:f32, 0.004>> {
  %0 = lowbit.add %a, %b : tensor<2x8x!quant.uniform<i16:f32, 0.001>>, tensor<2x1x!quant.uniform<i16:f32, 0.002>> -> tensor<2x8x!quant.uniform<i16:f32, 0.004>>
  return %0 : tensor<2x8x!quant.uniform<i16:f32, 0.004>>
}

// MUL: (x - zp_x) * (y - zp_y) in int32, then one requantization with
//   M = 0.05 * 0.1 / 0.25 = 0.0200000006 = 0.6400000191 * 2^-5
//     -> M0 = 1374389576, right shift 5 (fixed point)
//   M_f32 = 0.05f * 0.1f / 0.25f = 0.0200000014 (float).
// Clamp activation [-1.125, 2.625] with s_z = 0.25, zp_z = 3:
//   lo = 3 + round(-1.125 / 0.25) = 3 + round(-4.5) = 3 - 5 = -2
//   hi = 3 + round(2.625 / 0.25)  = 3 + round(10.5) = 3 + 11 = 14
// (ties away from zero as TFLite; half-to-even would give -1 and 13).
// CHECK-LABEL: func.func @mul_clamp(
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[LAST]], #[[ID]]]
// CHECK-NEXT:    ^bb0(%{{.*}}: i8, %{{.*}}: i8, %{{.*}}: i8):
// CHECK:           %[[XC:.*]] = arith.subi %{{.*}}, %{{.*}} : i32
// CHECK:           %[[YC:.*]] = arith.subi %{{.*}}, %{{.*}} : i32
// CHECK:           %[[P:.*]] = arith.muli %[[XC]], %[[YC]] : i32
// CHECK-DAG:       %[[ZPO:.*]] = arith.constant 3 : i32
// CHECK-DAG:       %[[LO:.*]] = arith.constant -2 : i32
// CHECK-DAG:       %[[HI:.*]] = arith.constant 14 : i32
// FIXED-DAG:       %[[M:.*]] = arith.constant 1374389576 : i32
// FIXED-DAG:       %[[L:.*]] = arith.constant 0 : i32
// FIXED-DAG:       %[[R:.*]] = arith.constant 5 : i32
// FIXED:           %[[A:.*]] = arith.shli %[[P]], %[[L]] : i32
// FIXED:           %[[AW:.*]] = arith.extsi %[[A]] : i32 to i64
// FIXED:           %[[MW:.*]] = arith.extsi %[[M]] : i32 to i64
// FIXED:           arith.muli %[[AW]], %[[MW]] : i64
// FIXED:           arith.divsi %{{.*}}, %{{.*}} : i64
// FIXED:           %[[S:.*]] = arith.shrsi %{{.*}}, %[[R]] : i32
// FIXED:           %[[RD:.*]] = arith.addi %[[S]], %{{.*}} : i32
// FIXED:           %[[Z:.*]] = arith.addi %[[RD]], %[[ZPO]] : i32
// FIXED:           %[[C1:.*]] = arith.maxsi %[[Z]], %[[LO]] : i32
// FIXED:           %[[C2:.*]] = arith.minsi %[[C1]], %[[HI]] : i32
// FLOAT-DAG:       %[[MF:.*]] = arith.constant 0.0200000014 : f32
// FLOAT:           %[[PF:.*]] = arith.sitofp %[[P]] : i32 to f32
// FLOAT:           %[[Q:.*]] = arith.mulf %[[PF]], %[[MF]] : f32
// FLOAT:           math.roundeven %[[Q]] : f32
// Float-mode bounds are lo - zp and hi - zp, clamped before fptosi.
// FLOAT:           arith.subi %[[LO]], %[[ZPO]] : i32
// FLOAT:           arith.subi %[[HI]], %[[ZPO]] : i32
// FLOAT:           arith.maxnumf
// FLOAT:           arith.minnumf
// FLOAT:           %[[I:.*]] = arith.fptosi %{{.*}} : f32 to i32
// FLOAT:           %[[C2:.*]] = arith.addi %[[I]], %[[ZPO]] : i32
// CHECK:           %[[T:.*]] = arith.trunci %[[C2]] : i32 to i8
// CHECK:           linalg.yield %[[T]] : i8
func.func @mul_clamp(%a: tensor<2x8x!a>, %b: tensor<8x!b>) -> tensor<2x8x!o> {
  %0 = lowbit.mul %a, %b act(clamp, -1.125, 2.625) : tensor<2x8x!a>, tensor<8x!b> -> tensor<2x8x!o>
  return %0 : tensor<2x8x!o>
}

// ReLU6 with s_z = 0.25, zp_z = 3: [3 + round(0), 3 + round(6 / 0.25)] = [3, 27].
// CHECK-LABEL: func.func @mul_relu6(
// CHECK:           %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:      %[[ZPO:.*]] = arith.constant 3 : i32
// CHECK-NEXT:      %[[LO:.*]] = arith.constant 3 : i32
// CHECK-NEXT:      %[[HI:.*]] = arith.constant 27 : i32
// FIXED:           arith.maxsi %{{.*}}, %[[LO]] : i32
// FIXED:           arith.minsi %{{.*}}, %[[HI]] : i32
// FLOAT:           arith.subi %[[LO]], %{{.*}} : i32
// FLOAT:           arith.subi %[[HI]], %{{.*}} : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
func.func @mul_relu6(%a: tensor<2x8x!a>, %b: tensor<8x!b>) -> tensor<2x8x!o> {
  %0 = lowbit.mul %a, %b act(relu6) : tensor<2x8x!a>, tensor<8x!b> -> tensor<2x8x!o>
  return %0 : tensor<2x8x!o>
}

// ReLU6 bounds saturate to the storage range: s_z = 0.02, zp_z = -100 gives
// [max(-128, -100), min(127, -100 + round(6 / 0.02) = 200)] = [-100, 127].
// The multiplier:
//   M = 0.05 * 0.1 / 0.02 = 0.25000000373 -> M0 = 1073741880, right shift 1.
// CHECK-LABEL: func.func @mul_relu6_saturates(
// CHECK:           %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:      %[[ZPO:.*]] = arith.constant -100 : i32
// CHECK-NEXT:      %[[LO:.*]] = arith.constant -100 : i32
// CHECK-NEXT:      %[[HI:.*]] = arith.constant 127 : i32
// FIXED-NEXT:      arith.constant 1073741880 : i32
// FIXED:           arith.maxsi %{{.*}}, %[[LO]] : i32
// FIXED:           arith.minsi %{{.*}}, %[[HI]] : i32
// FLOAT-NEXT:      arith.constant 0.25000003 : f32
// FLOAT:           arith.subi %[[LO]], %{{.*}} : i32
// FLOAT:           arith.subi %[[HI]], %{{.*}} : i32
func.func @mul_relu6_saturates(%a: tensor<2x8x!a>, %b: tensor<8x!b>) -> tensor<2x8x!quant.uniform<i8:f32, 0.02:-100>> {
  %0 = lowbit.mul %a, %b act(relu6) : tensor<2x8x!a>, tensor<8x!b> -> tensor<2x8x!quant.uniform<i8:f32, 0.02:-100>>
  return %0 : tensor<2x8x!quant.uniform<i8:f32, 0.02:-100>>
}

// Mixed widths with a float result: int8 times int4 (broadcast along d1),
// the integer product scaled by s_x * s_y = 0.05 * 1.0 in f32; no
// requantization, identical in both modes.
// CHECK-LABEL: func.func @mul_i8_i4_to_f32(
// CHECK-SAME:      %{{.*}}: tensor<2x8xi8>, %{{.*}}: tensor<2x1xi4>) -> tensor<2x8xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[COL0]], #[[ID]]]
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i8, %[[Y:[a-z0-9_]+]]: i4, %{{.*}}: f32):
// CHECK:           arith.extsi %[[X]] : i8 to i32
// CHECK:           arith.extsi %[[Y]] : i4 to i32
// CHECK:           %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK:           %[[PF:.*]] = arith.sitofp %[[P]] : i32 to f32
// CHECK:           %[[S:.*]] = arith.constant 5.000000e-02 : f32
// CHECK:           %[[R:.*]] = arith.mulf %[[PF]], %[[S]] : f32
// CHECK:           linalg.yield %[[R]] : f32
func.func @mul_i8_i4_to_f32(%a: tensor<2x8x!a>, %b: tensor<2x1x!quant.uniform<i4:f32, 1.0>>) -> tensor<2x8xf32> {
  %0 = lowbit.mul %a, %b : tensor<2x8x!a>, tensor<2x1x!quant.uniform<i4:f32, 1.0>> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// f16 operands: widened to f32 exactly (integer bit manipulation), added in
// f32, ReLU as maximumf with 0, rounded back to f16 with integer operations.
// The lhs broadcasts along d0 (tensor<1x8> against tensor<2x8>).
// CHECK-LABEL: func.func @add_f16_relu(
// CHECK-SAME:      %{{.*}}: tensor<1x8xf16>, %{{.*}}: tensor<2x8xf16>) -> tensor<2x8xf16>
// CHECK:         linalg.generic {indexing_maps = [#[[ROW0]], #[[ID]], #[[ID]]]
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: f16, %[[Y:[a-z0-9_]+]]: f16, %{{.*}}: f16):
// CHECK-NOT:       arith.extf
// CHECK:           arith.bitcast %[[X]] : f16 to i16
// CHECK:           %[[XF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           arith.bitcast %[[Y]] : f16 to i16
// CHECK:           %[[YF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[S:.*]] = arith.addf %[[XF]], %[[YF]] : f32
// CHECK:           %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:           %[[R:.*]] = arith.maximumf %[[S]], %[[ZERO]] : f32
// CHECK:           arith.bitcast %[[R]] : f32 to i32
// CHECK-NOT:       arith.truncf
// CHECK:           %[[H:.*]] = arith.bitcast %{{.*}} : i16 to f16
// CHECK:           linalg.yield %[[H]] : f16
func.func @add_f16_relu(%a: tensor<1x8xf16>, %b: tensor<2x8xf16>) -> tensor<2x8xf16> {
  %0 = lowbit.add %a, %b act(relu) : tensor<1x8xf16>, tensor<2x8xf16> -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}

// f16 MUL with a clamp activation, computed in f32.
// CHECK-LABEL: func.func @mul_f16_clamp(
// CHECK:           %[[XF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[YF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[XF]], %[[YF]] : f32
// CHECK:           %[[LO:.*]] = arith.constant -1.000000e+00 : f32
// CHECK:           %[[A:.*]] = arith.maximumf %[[P]], %[[LO]] : f32
// CHECK:           %[[HI:.*]] = arith.constant 2.500000e+00 : f32
// CHECK:           arith.minimumf %[[A]], %[[HI]] : f32
// CHECK-NOT:       arith.truncf
// CHECK:           arith.bitcast %{{.*}} : i16 to f16
func.func @mul_f16_clamp(%a: tensor<2x8xf16>, %b: tensor<2x8xf16>) -> tensor<2x8xf16> {
  %0 = lowbit.mul %a, %b act(clamp, -1.0, 2.5) : tensor<2x8xf16>, tensor<2x8xf16> -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}
