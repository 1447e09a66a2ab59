// Lowering of lowbit.matmul by --lowbit-lower-quantized:
//   acc = sum_k (a - za)(w - zw) + bias   (int32)
// With constant weights the loop multiplies raw stored values and the
// zero-point terms are folded into one per-channel offset
//   bias - za * colsum(w) + K * za * zw,
// leaving only zw * rowsum(a) at run time (when zw != 0). Non-constant
// weights are centered inside the loop. The epilogue adds the offsets (and a
// run-time bias) and requantizes per output channel.
// The int32 overflow check is tested in errors.mlir.

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: lowbit-opt %s --lowbit-lower-quantized="requant-mode=float" | FileCheck %s --check-prefixes=CHECK,FLOAT

// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[N:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CH2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ROWIN:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[ROWB:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[BLHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[BRHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[SRHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[BOUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CH3:.*]] = affine_map<(d0, d1, d2) -> (d2)>

!x = !quant.uniform<i8:f32, 0.5:4>
!z = !quant.uniform<i8:f32, 1.0:-5>

// Constant per-channel weights (zw = 0) and a constant bias, K = 3, za = 4:
//   w = [[1, -2], [3, 4], [-5, 6]]  ->  colsum = [-1, 8]
//   offsets = bias - za * colsum + K * za * zw
//           = [10 - 4 * (-1) + 0, -20 - 4 * 8 + 0] = [14, -52]
// Multipliers s_x * s_w[c] / s_z = [0.5 * 0.25, 0.5 * 0.125] = [0.125, 0.0625]
//   = 0.5 * 2^-2, 0.5 * 2^-3  ->  M0 = 2^30, right shifts [2, 3].
// CHECK-LABEL: func.func @constant_weights(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3xi8>) -> tensor<2x2xi8>
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8>
// CHECK:         %[[FILL:.*]] = linalg.fill
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]], %[[W]] : tensor<2x3xi8>, tensor<3x2xi8>) outs(%[[FILL]] : tensor<2x2xi32>)
// CHECK-NEXT:    ^bb0(%[[AV:[a-z0-9_]+]]: i8, %[[WV:[a-z0-9_]+]]: i8, %[[OV:[a-z0-9_]+]]: i32):
// Raw stored values, no zero point in the loop.
// CHECK-NEXT:      %[[AE:.*]] = arith.extsi %[[AV]] : i8 to i32
// CHECK-NEXT:      %[[WE:.*]] = arith.extsi %[[WV]] : i8 to i32
// CHECK-NEXT:      %[[P:.*]] = arith.muli %[[AE]], %[[WE]] : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[OV]], %[[P]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// CHECK-NOT:     linalg.generic
// CHECK-DAG:     %[[OFF:.*]] = arith.constant dense<[14, -52]> : tensor<2xi32>
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// CHECK-DAG:     %[[RSH:.*]] = arith.constant dense<[2, 3]> : tensor<2xi32>
// CHECK-DAG:     %[[MF:.*]] = arith.constant dense<[1.250000e-01, 6.250000e-02]> : tensor<2xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[ID2]]]
// CHECK-SAME:        ins(%[[ACC]], %[[OFF]], %[[M]], %{{.*}}, %[[RSH]], %[[MF]], %{{.*}} :
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i32, %[[O:[a-z0-9_]+]]: i32, %[[MM:[a-z0-9_]+]]: i32, %[[LL:[a-z0-9_]+]]: i32, %[[RR:[a-z0-9_]+]]: i32, %[[FF:[a-z0-9_]+]]: f32, %{{.*}}: f32, %{{.*}}: i8):
// CHECK-NEXT:      %[[VO:.*]] = arith.addi %[[V]], %[[O]] : i32
// CHECK-DAG:       %[[ZPO:.*]] = arith.constant -5 : i32
// CHECK-DAG:       arith.constant -128 : i32
// CHECK-DAG:       arith.constant 127 : i32
// FIXED:           %[[SH:.*]] = arith.shli %[[VO]], %[[LL]] : i32
// FIXED:           arith.extsi %[[MM]] : i32 to i64
// FIXED:           arith.divsi %{{.*}}, %{{.*}} : i64
// FIXED:           %[[RD:.*]] = arith.shrsi %{{.*}}, %[[RR]] : i32
// FIXED:           arith.addi %{{.*}}, %[[ZPO]] : i32
// FIXED:           arith.maxsi
// FIXED:           arith.minsi
// FLOAT-NOT:       i64
// FLOAT:           %[[VF:.*]] = arith.sitofp %[[VO]] : i32 to f32
// FLOAT:           %[[PF:.*]] = arith.mulf %[[VF]], %[[FF]] : f32
// FLOAT:           math.roundeven %[[PF]] : f32
// FLOAT:           arith.addi %{{.*}}, %[[ZPO]] : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
func.func @constant_weights(%x: tensor<2x3x!x>) -> tensor<2x2x!z> {
  %w = lowbit.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8> as tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.125}>>
  %b = lowbit.constant dense<[10, -20]> : tensor<2xi32> as tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %0 = lowbit.matmul %x, %w bias %b : tensor<2x3x!x>, tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.125}>>, tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>> -> tensor<2x2x!z>
  return %0 : tensor<2x2x!z>
}

// Constant unsigned weights with a nonzero zero point zw = 2, no bias:
//   w = [[1, 2], [3, 4], [5, 6]] (u8)  ->  colsum = [9, 12]
//   offsets = -4 * [9, 12] + 3 * 4 * 2 = [-36 + 24, -48 + 24] = [-12, -24]
// and the run-time correction acc[m, n] -= zw * rowsum(a)[m].
// CHECK-LABEL: func.func @constant_weights_zero_point(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3xi8>) -> tensor<2x2xi8>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]]
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT:      arith.extui %{{.*}} : i8 to i32
// CHECK-NEXT:      arith.muli
// Row sums of the activations.
// CHECK:         %[[ROWS:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROWIN]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]] : tensor<2x3xi8>) outs(%{{.*}} : tensor<2xi32>)
// CHECK:         %[[ROWS2:.*]] = tensor.expand_shape %[[ROWS]] {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xi32> into tensor<2x1xi32>
// CHECK:         %[[ZW:.*]] = arith.constant dense<2> : tensor<2xi32>
// CHECK:         %[[CORR:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROWB]], #[[CH2]], #[[ID2]]]
// CHECK-SAME:        ins(%[[ACC]], %[[ROWS2]], %[[ZW]] :
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i32, %[[R:[a-z0-9_]+]]: i32, %[[Z:[a-z0-9_]+]]: i32, %{{.*}}: i32):
// CHECK-NEXT:      %[[RZ:.*]] = arith.muli %[[R]], %[[Z]] : i32
// CHECK-NEXT:      %[[D:.*]] = arith.subi %[[V]], %[[RZ]] : i32
// CHECK-NEXT:      linalg.yield %[[D]] : i32
// CHECK:         %[[OFF:.*]] = arith.constant dense<[-12, -24]> : tensor<2xi32>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[CORR]], %[[OFF]],
func.func @constant_weights_zero_point(%x: tensor<2x3x!x>) -> tensor<2x2x!z> {
  %w = lowbit.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8> as tensor<3x2x!quant.uniform<u8:f32, 0.25:2>>
  %0 = lowbit.matmul %x, %w : tensor<2x3x!x>, tensor<3x2x!quant.uniform<u8:f32, 0.25:2>> -> tensor<2x2x!z>
  return %0 : tensor<2x2x!z>
}

// Non-constant weights: both operands are centered inside the loop
// ((a - 4) * (w - 2)); nothing is folded (offsets 0) and the bias argument is
// added at run time as an extra per-channel input of the epilogue.
// CHECK-LABEL: func.func @dynamic_weights(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3xi8>, %[[W:.*]]: tensor<3x2xi8>, %[[B:.*]]: tensor<2xi32>)
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]]
// CHECK-SAME:        ins(%[[A]], %[[W]] :
// CHECK-NEXT:    ^bb0(%[[AV:[a-z0-9_]+]]: i8, %[[WV:[a-z0-9_]+]]: i8, %[[OV:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[AE:.*]] = arith.extsi %[[AV]] : i8 to i32
// CHECK-NEXT:      %[[WE:.*]] = arith.extui %[[WV]] : i8 to i32
// CHECK-NEXT:      %[[ZA:.*]] = arith.constant 4 : i32
// CHECK-NEXT:      %[[AC:.*]] = arith.subi %[[AE]], %[[ZA]] : i32
// CHECK-NEXT:      %[[ZW:.*]] = arith.constant 2 : i32
// CHECK-NEXT:      %[[WC:.*]] = arith.subi %[[WE]], %[[ZW]] : i32
// CHECK-NEXT:      %[[P:.*]] = arith.muli %[[AC]], %[[WC]] : i32
// CHECK-NEXT:      arith.addi %[[OV]], %[[P]] : i32
// CHECK-NOT:     linalg.generic
// CHECK:         %[[OFF:.*]] = arith.constant dense<0> : tensor<2xi32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #[[ID2]]]
// CHECK-SAME:        ins(%[[ACC]], %[[OFF]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[B]] :
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i32, %[[O:[a-z0-9_]+]]: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: f32, %{{.*}}: f32, %[[BV:[a-z0-9_]+]]: i32, %{{.*}}: i8):
// CHECK-NEXT:      %[[VO:.*]] = arith.addi %[[V]], %[[O]] : i32
// CHECK-NEXT:      arith.addi %[[VO]], %[[BV]] : i32
func.func @dynamic_weights(%x: tensor<2x3x!x>, %w: tensor<3x2x!quant.uniform<u8:f32, 0.25:2>>, %b: tensor<2x!quant.uniform<i32:f32, 0.125>>) -> tensor<2x2x!z> {
  %0 = lowbit.matmul %x, %w bias %b : tensor<2x3x!x>, tensor<3x2x!quant.uniform<u8:f32, 0.25:2>>, tensor<2x!quant.uniform<i32:f32, 0.125>> -> tensor<2x2x!z>
  return %0 : tensor<2x2x!z>
}

// Non-constant int4 weights with per-channel zero points [1, -1]: the zero
// points enter the loop as a tensor indexed by n (d1). The int32 result with
// scale 0.125 gets multipliers s_x * s_w / s_z = [0.5 * 0.25, 0.5 * 0.5] / 0.125
// = [1, 2] = [0.5 * 2^1, 0.5 * 2^2]: M0 = 2^30, left shifts [1, 2]; float
// multipliers [1.0, 2.0]; clamp to the int32 range.
// CHECK-LABEL: func.func @per_channel_zero_points(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3xi8>, %[[W:.*]]: tensor<3x2xi4>) -> tensor<2x2xi32>
// CHECK:         %[[ZWS:.*]] = arith.constant dense<[1, -1]> : tensor<2xi32>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[N]], #[[OUT]]]
// CHECK-SAME:        ins(%[[A]], %[[W]], %[[ZWS]] : tensor<2x3xi8>, tensor<3x2xi4>, tensor<2xi32>)
// CHECK-NEXT:    ^bb0(%{{.*}}: i8, %[[WV:[a-z0-9_]+]]: i4, %[[ZW:[a-z0-9_]+]]: i32, %{{.*}}: i32):
// CHECK:           %[[WE:.*]] = arith.extsi %[[WV]] : i4 to i32
// CHECK:           arith.subi %[[WE]], %[[ZW]] : i32
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// CHECK-DAG:     %[[LSH:.*]] = arith.constant dense<[1, 2]> : tensor<2xi32>
// CHECK-DAG:     %[[MF:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[ACC]], %{{.*}}, %[[M]], %[[LSH]], %{{.*}}, %[[MF]], %{{.*}} :
// CHECK-DAG:       arith.constant -2147483648 : i32
// CHECK-DAG:       arith.constant 2147483647 : i32
// FIXED:           arith.shli
// FLOAT:           math.roundeven
// CHECK-NOT:       arith.trunci {{.*}} : i32 to
// CHECK:           linalg.yield %{{.*}} : i32
func.func @per_channel_zero_points(%x: tensor<2x3x!x>, %w: tensor<3x2x!quant.uniform<i4:f32:1, {0.25:1, 0.5:-1}>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %0 = lowbit.matmul %x, %w : tensor<2x3x!x>, tensor<3x2x!quant.uniform<i4:f32:1, {0.25:1, 0.5:-1}>> -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %0 : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// An int32 result whose scale is exactly s_x * s_w (M = 1), with no offset
// left to add (the zero point is subtracted inside the loop) and no clamp
// narrower than int32: the result is the accumulator, with no epilogue.
// CHECK-LABEL: func.func @i32_result_identity(
// CHECK-SAME:      -> tensor<2x2xi32>
// CHECK:         %[[ACC:.*]] = linalg.generic
// CHECK:           arith.subi
// CHECK:         } -> tensor<2x2xi32>
// CHECK-NEXT:    return %[[ACC]] : tensor<2x2xi32>
func.func @i32_result_identity(%x: tensor<2x3x!x>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %0 = lowbit.matmul %x, %w : tensor<2x3x!x>, tensor<3x2x!quant.uniform<i8:f32, 0.25>> -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %0 : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// The largest reduction that provably fits: K * max|a - za| * max|w - zw| =
// 511 * 32768 * 128 = 2143289344 <= 2^31 - 1 (K = 512 is rejected, see
// errors.mlir).
// CHECK-LABEL: func.func @largest_k_that_fits(
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x511xi16>, tensor<511x1xi8>)
func.func @largest_k_that_fits(%x: tensor<1x511x!quant.uniform<i16:f32, 0.5>>, %w: tensor<511x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x!quant.uniform<i32:f32, 0.25>> {
  %0 = lowbit.matmul %x, %w : tensor<1x511x!quant.uniform<i16:f32, 0.5>>, tensor<511x1x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1x!quant.uniform<i32:f32, 0.25>>
  return %0 : tensor<1x1x!quant.uniform<i32:f32, 0.25>>
}

// Batched (both operands batched) with an f32 result: loops (b, m, n, k) and
// the accumulator scaled by s_x * s_w = 0.125 in f32 (identical in both modes).
// CHECK-LABEL: func.func @batched_float_result(
// CHECK-SAME:      %[[A:.*]]: tensor<5x2x3xi8>, %[[W:.*]]: tensor<5x3x2xi8>) -> tensor<5x2x2xf32>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[BLHS]], #[[BRHS]], #[[BOUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]], %[[W]] : tensor<5x2x3xi8>, tensor<5x3x2xi8>) outs(%{{.*}} : tensor<5x2x2xi32>)
// CHECK:         %[[AS:.*]] = arith.constant dense<1.250000e-01> : tensor<2xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID3]], #[[CH3]], #[[CH3]], #[[CH3]], #[[CH3]], #[[CH3]], #[[CH3]], #[[ID3]]]
// CHECK-SAME:        ins(%[[ACC]], {{.*}}, %[[AS]] :
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i32, %[[O:[a-z0-9_]+]]: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: f32, %[[S:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[VO:.*]] = arith.addi %[[V]], %[[O]] : i32
// CHECK-NEXT:      %[[VF:.*]] = arith.sitofp %[[VO]] : i32 to f32
// CHECK-NEXT:      %[[R:.*]] = arith.mulf %[[VF]], %[[S]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
func.func @batched_float_result(%x: tensor<5x2x3x!x>, %w: tensor<5x3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<5x2x2xf32> {
  %0 = lowbit.matmul %x, %w : tensor<5x2x3x!x>, tensor<5x3x2x!quant.uniform<i8:f32, 0.25>> -> tensor<5x2x2xf32>
  return %0 : tensor<5x2x2xf32>
}

// Batched activations with shared 2-D weights and a binary result: the
// weights map ignores the batch dim, and the output bit is the sign of the
// real result (acc * s_x * s_w < 0).
// CHECK-LABEL: func.func @shared_weights_binary_result(
// CHECK-SAME:      -> tensor<5x2x2xi1>
// CHECK:         linalg.generic {indexing_maps = [#[[BLHS]], #[[SRHS]], #[[BOUT]]]
// CHECK:         linalg.generic
// CHECK:           %[[VF:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK-NEXT:      %[[R:.*]] = arith.mulf %[[VF]], %{{.*}} : f32
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[B:.*]] = arith.cmpf olt, %[[R]], %[[ZERO]] : f32
// CHECK-NEXT:      linalg.yield %[[B]] : i1
func.func @shared_weights_binary_result(%x: tensor<5x2x3x!x>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<5x2x2x!lowbit.binary> {
  %0 = lowbit.matmul %x, %w : tensor<5x2x3x!x>, tensor<3x2x!quant.uniform<i8:f32, 0.25>> -> tensor<5x2x2x!lowbit.binary>
  return %0 : tensor<5x2x2x!lowbit.binary>
}

// Float matmul (bf16) with a bias and ReLU6: accumulate in f32 from exactly
// widened operands, add the widened bias, clamp to [0, 6], round to bf16.
// CHECK-LABEL: func.func @float_matmul(
// CHECK-SAME:      %[[A:.*]]: tensor<2x3xbf16>, %[[W:.*]]: tensor<3x2xbf16>, %[[B:.*]]: tensor<2xbf16>) -> tensor<2x2xbf16>
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x2xf32>)
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]]
// CHECK-SAME:        ins(%[[A]], %[[W]] : tensor<2x3xbf16>, tensor<3x2xbf16>) outs(%[[FILL]] : tensor<2x2xf32>)
// CHECK-NEXT:    ^bb0(%{{.*}}: bf16, %{{.*}}: bf16, %[[OV:[a-z0-9_]+]]: f32):
// CHECK-NOT:       arith.extf
// CHECK:           %[[AF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[WF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[AF]], %[[WF]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[OV]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[CH2]], #[[ID2]]]
// CHECK-SAME:        ins(%[[ACC]], %[[B]] : tensor<2x2xf32>, tensor<2xbf16>)
// CHECK:           %[[BF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT:      %[[V:.*]] = arith.addf %{{.*}}, %[[BF]] : f32
// CHECK-NEXT:      %[[C0:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[R0:.*]] = arith.maximumf %[[V]], %[[C0]] : f32
// CHECK-NEXT:      %[[C6:.*]] = arith.constant 6.000000e+00 : f32
// CHECK-NEXT:      %[[R6:.*]] = arith.minimumf %[[R0]], %[[C6]] : f32
// CHECK-NOT:       arith.truncf
// CHECK:           %[[H:.*]] = arith.bitcast %{{.*}} : i16 to bf16
// CHECK-NEXT:      linalg.yield %[[H]] : bf16
func.func @float_matmul(%x: tensor<2x3xbf16>, %w: tensor<3x2xbf16>, %b: tensor<2xbf16>) -> tensor<2x2xbf16> {
  %0 = lowbit.matmul %x, %w bias %b act(relu6) : tensor<2x3xbf16>, tensor<3x2xbf16>, tensor<2xbf16> -> tensor<2x2xbf16>
  return %0 : tensor<2x2xbf16>
}
