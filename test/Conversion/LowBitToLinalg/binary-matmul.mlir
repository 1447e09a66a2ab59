// Lowering of binary / ternary lowbit.matmul by --lowbit-lower-binary.
// Bits are packed along K into i64 words, least-significant bit first,
// bit 1 = -1, tail bits 0:
//   binary x binary:   dot = K - 2 * popcount(a ^ w)
//   ternary operands:  dot = popcount(m) - 2 * popcount(m & (sa ^ sw))
//   integer x bits:    add/subtract (select), no multiplies.
// The word loop (last loop dim, "reduction") is innermost.

// RUN: lowbit-opt --lowbit-lower-binary %s | FileCheck %s

// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHSN:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[RHSK:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CH2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[UNP:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 64)>

!sb = !lowbit.binary<f32:1, {0.5, 0.25}>
!tern = !quant.uniform<i2<-1:1>:f32, 0.5>
!i8a = !quant.uniform<i8:f32, 0.05:-3>
!i8o = !quant.uniform<i8:f32, 0.25:5>

// Constant weights, K = 3, N = 2, w[k][n] = [[1, -1], [-1, -1], [-1, 1]].
// Transposed to N-major: column 0 = [1, -1, -1] -> bits k=1,2 -> 0b110 = 6,
//                        column 1 = [-1, -1, 1] -> bits k=0,1 -> 0b011 = 3.
// Epilogue: scales s_a * s_w[c] = 1.0 * [0.5, 0.25], plus the float bias.
// CHECK-LABEL: func.func @bb_const_weights(
// CHECK-NOT:     linalg.transpose
// Runtime lhs: pad K 3 -> 64 with 0 bits, split into [M, Kw, 64], OR the
// shifted bits over the bit dim.
// CHECK:         %[[PA:.*]] = tensor.pad %{{.*}} low[0, 0] high[0, 61]
// CHECK:           tensor.yield %false : i1
// CHECK:         tensor.expand_shape %[[PA]] {{\[\[}}0], [1, 2]] output_shape [2, 1, 64] : tensor<2x64xi1> into tensor<2x1x64xi1>
// CHECK:         %[[A:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK:           arith.shli
// CHECK:           arith.ori
// CHECK:         } -> tensor<2x1xi64>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}6], [3]]> : tensor<2x1xi64>
// CHECK:         %[[POP:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHSN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]], %[[W]] : tensor<2x1xi64>, tensor<2x1xi64>) outs(%{{.*}} : tensor<2x2xi32>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i64, %[[Y:[a-z0-9_]+]]: i64, %[[O:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[XOR:.*]] = arith.xori %[[X]], %[[Y]] : i64
// CHECK-NEXT:      %[[C:.*]] = math.ctpop %[[XOR]] : i64
// CHECK-NEXT:      %[[T:.*]] = arith.trunci %[[C]] : i64 to i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[O]], %[[T]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// dot = 3 - 2 * pop
// CHECK:         %[[DOT:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[POP]] :
// CHECK:           %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[TW:.*]] = arith.shli %{{.*}}, %[[ONE]] : i32
// CHECK-NEXT:      %[[K:.*]] = arith.constant 3 : i32
// CHECK-NEXT:      %{{.*}} = arith.subi %[[K]], %[[TW]] : i32
// CHECK:         %[[SC:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[DOT]], {{.*}}, %[[SC]], %{{[a-z0-9_]+}} : {{.*}}) outs(%{{.*}} : tensor<2x2xf32>)
// CHECK:           %[[F:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[F]], %{{.*}} : f32
// CHECK-NEXT:      %[[B:.*]] = arith.addf %[[M]], %{{.*}} : f32
// CHECK-NEXT:      linalg.yield %[[B]] : f32
func.func @bb_const_weights(%a: tensor<2x3x!lowbit.binary>) -> tensor<2x2xf32> {
  %w = lowbit.constant dense<[[1, -1], [-1, -1], [-1, 1]]> : tensor<3x2xi8> as tensor<3x2x!sb>
  %b = lowbit.constant dense<[1.0, -2.0]> : tensor<2xf32> as tensor<2xf32>
  %0 = lowbit.matmul %a, %w bias %b : tensor<2x3x!lowbit.binary>, tensor<3x2x!sb>, tensor<2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// Runtime weights are transposed to [N, K] and packed by a generic; the
// binary result is the sign of the real result (x < 0 -> bit 1).
// CHECK-LABEL: func.func @bb_runtime_weights(
// CHECK:         %[[A:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<2x1x64xi1>)
// CHECK:         %[[TR:.*]] = linalg.transpose ins(%{{.*}} : tensor<3x2xi1>) outs(%{{.*}} : tensor<2x3xi1>) permutation = [1, 0]
// CHECK:         %[[PW:.*]] = tensor.pad %[[TR]] low[0, 0] high[0, 61]
// CHECK:         %[[EW:.*]] = tensor.expand_shape %[[PW]] {{\[\[}}0], [1, 2]] output_shape [2, 1, 64]
// CHECK:         %[[W:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[EW]] : tensor<2x1x64xi1>)
// CHECK:           %[[E:.*]] = arith.extui %{{.*}} : i1 to i64
// CHECK-NEXT:      %[[I:.*]] = linalg.index 2 : index
// CHECK-NEXT:      %[[IC:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT:      %[[SH:.*]] = arith.shli %[[E]], %[[IC]] : i64
// CHECK-NEXT:      %[[OR:.*]] = arith.ori %{{.*}}, %[[SH]] : i64
// CHECK-NEXT:      linalg.yield %[[OR]] : i64
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[RHSN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]], %[[W]] : tensor<2x1xi64>, tensor<2x1xi64>)
// CHECK:           arith.xori
// CHECK:           math.ctpop
// CHECK:         arith.constant 3 : i32
// CHECK:         linalg.generic
// CHECK-SAME:        outs(%{{.*}} : tensor<2x2xi1>)
// CHECK:           arith.sitofp
// CHECK:           %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[NEG:.*]] = arith.cmpf olt, %{{.*}}, %[[Z]] : f32
// CHECK-NEXT:      linalg.yield %[[NEG]] : i1
// CHECK-NEXT:    } -> tensor<2x2xi1>
func.func @bb_runtime_weights(%a: tensor<2x3x!lowbit.binary>, %w: tensor<3x2x!lowbit.binary>) -> tensor<2x2x!lowbit.binary> {
  %0 = lowbit.matmul %a, %w : tensor<2x3x!lowbit.binary>, tensor<3x2x!lowbit.binary> -> tensor<2x2x!lowbit.binary>
  return %0 : tensor<2x2x!lowbit.binary>
}

// K = 70: two words per row (pad 70 -> 128, 58 zero tail bits), and the
// full K = 70 in the correction step.
// CHECK-LABEL: func.func @bb_two_words(
// CHECK:         tensor.pad %{{.*}} low[0, 0] high[0, 58]
// CHECK:         } : tensor<1x70xi1> to tensor<1x128xi1>
// CHECK:         tensor.expand_shape {{.*}} output_shape [1, 2, 64] : tensor<1x128xi1> into tensor<1x2x64xi1>
// CHECK:         linalg.transpose
// CHECK:         tensor.pad %{{.*}} low[0, 0] high[0, 58]
// CHECK:         } : tensor<2x70xi1> to tensor<2x128xi1>
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[RHSN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%{{.*}}, %{{.*}} : tensor<1x2xi64>, tensor<2x2xi64>) outs(%{{.*}} : tensor<1x2xi32>)
// CHECK:           arith.xori
// CHECK:         arith.shli
// CHECK-NEXT:    %[[K:.*]] = arith.constant 70 : i32
// CHECK-NEXT:    arith.subi %[[K]], %{{.*}} : i32
func.func @bb_two_words(%a: tensor<1x70x!lowbit.binary>, %w: tensor<70x2x!lowbit.binary>) -> tensor<1x2xf32> {
  %0 = lowbit.matmul %a, %w : tensor<1x70x!lowbit.binary>, tensor<70x2x!lowbit.binary> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// Ternary x ternary, constant weights w[k][n] = [[1, 0], [-1, 1], [0, -1]]:
//   column 0 = [1, -1, 0]: sign bit k=1 -> 2, mask bits k=0,1 -> 3
//   column 1 = [0, 1, -1]: sign bit k=2 -> 4, mask bits k=1,2 -> 6
// The lhs is split into mask (!= 0) and sign (< 0) planes; scale 0.5 * 0.5.
// CHECK-LABEL: func.func @tt_const_weights(
// CHECK:         %[[MB:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xi2>) outs(%{{.*}} : tensor<2x3xi1>)
// CHECK:           arith.cmpi ne, %{{.*}}, %{{.*}} : i2
// CHECK:         %[[SB:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xi2>) outs(%{{.*}} : tensor<2x3xi1>)
// CHECK:           arith.cmpi slt, %{{.*}}, %{{.*}} : i2
// CHECK:         tensor.pad %[[SB]]
// CHECK:         %[[AS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1xi64>)
// CHECK:         tensor.pad %[[MB]]
// CHECK:         %[[AM:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1xi64>)
// CHECK-DAG:     %[[WS:.*]] = arith.constant dense<{{\[\[}}2], [4]]> : tensor<2x1xi64>
// CHECK-DAG:     %[[WM:.*]] = arith.constant dense<{{\[\[}}3], [6]]> : tensor<2x1xi64>
// CHECK:         %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[LHS]], #[[LHS]], #[[RHSN]], #[[RHSN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[AS]], %[[AM]], %[[WS]], %[[WM]] : tensor<2x1xi64>, tensor<2x1xi64>, tensor<2x1xi64>, tensor<2x1xi64>)
// CHECK-NEXT:    ^bb0(%[[SA:[a-z0-9_]+]]: i64, %[[MA:[a-z0-9_]+]]: i64, %[[SW:[a-z0-9_]+]]: i64, %[[MW:[a-z0-9_]+]]: i64, %[[O1:[a-z0-9_]+]]: i32, %[[O2:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[M:.*]] = arith.andi %[[MA]], %[[MW]] : i64
// CHECK-NEXT:      %[[S:.*]] = arith.xori %[[SA]], %[[SW]] : i64
// CHECK-NEXT:      %[[MS:.*]] = arith.andi %[[M]], %[[S]] : i64
// CHECK-NEXT:      %[[P1:.*]] = math.ctpop %[[M]] : i64
// CHECK-NEXT:      %[[T1:.*]] = arith.trunci %[[P1]] : i64 to i32
// CHECK-NEXT:      %[[A1:.*]] = arith.addi %[[O1]], %[[T1]] : i32
// CHECK-NEXT:      %[[P2:.*]] = math.ctpop %[[MS]] : i64
// CHECK-NEXT:      %[[T2:.*]] = arith.trunci %[[P2]] : i64 to i32
// CHECK-NEXT:      %[[A2:.*]] = arith.addi %[[O2]], %[[T2]] : i32
// CHECK-NEXT:      linalg.yield %[[A1]], %[[A2]] : i32, i32
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[R]]#0, %[[R]]#1 :
// CHECK-NEXT:    ^bb0(%[[PM:[a-z0-9_]+]]: i32, %[[PMS:[a-z0-9_]+]]: i32, %{{.*}}: i32):
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[TW:.*]] = arith.shli %[[PMS]], %[[ONE]] : i32
// CHECK-NEXT:      %[[D:.*]] = arith.subi %[[PM]], %[[TW]] : i32
// CHECK-NEXT:      linalg.yield %[[D]] : i32
// CHECK:         arith.constant dense<2.500000e-01> : tensor<2xf32>
func.func @tt_const_weights(%a: tensor<2x3x!tern>) -> tensor<2x2xf32> {
  %w = lowbit.constant dense<[[1, 0], [-1, 1], [0, -1]]> : tensor<3x2xi8> as tensor<3x2x!tern>
  %0 = lowbit.matmul %a, %w : tensor<2x3x!tern>, tensor<3x2x!tern> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// Binary x ternary: the binary lhs gets an all-ones mask, packed from a
// dense<true> tensor (only the K = 3 real bits are set, the tail is 0).
// CHECK-LABEL: func.func @bt_runtime(
// CHECK:         %[[AS:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x1x64xi1>) outs(%{{.*}} : tensor<2x1xi64>)
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<3x2xi2>) outs(%{{.*}} : tensor<2x3xi2>) permutation = [1, 0]
// CHECK:         %[[WS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1xi64>)
// CHECK:         %[[WM:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1xi64>)
// CHECK:         %[[ONES:.*]] = arith.constant dense<true> : tensor<2x3xi1>
// CHECK:         tensor.pad %[[ONES]] low[0, 0] high[0, 61]
// CHECK:           tensor.yield %{{.*}} : i1
// CHECK:         %[[AM:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1xi64>)
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[LHS]], #[[RHSN]], #[[RHSN]], #[[OUT]], #[[OUT]]],
// CHECK-SAME:        ins(%[[AS]], %[[AM]], %[[WS]], %[[WM]] :
// CHECK:           arith.andi
// CHECK-NEXT:      arith.xori
// CHECK-NEXT:      arith.andi
// CHECK:         arith.constant dense<5.000000e-01> : tensor<2xf32>
func.func @bt_runtime(%a: tensor<2x3x!lowbit.binary>, %w: tensor<3x2x!tern>) -> tensor<2x2xf32> {
  %0 = lowbit.matmul %a, %w : tensor<2x3x!lowbit.binary>, tensor<3x2x!tern> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// int8 x binary: x - za is added where w = +1 (bit 0) and subtracted where
// w = -1 (bit 1); no muli in the loop, weights stay [K, N].
// Requantization to int8: s_a * s_w / s_z = 0.05 * 1 / 0.25 = 0.2
//   = 0.8 * 2^-2 -> M0 = round(0.8 * 2^31) with f32 scales
//   (f32(0.05) / 0.25 = 0.20000000298 -> 0.80000001192 * 2^31 = 1717986944),
//   right shift 2; output zero point 5, clamp [-128, 127].
// CHECK-LABEL: func.func @int8_x_binary(
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHSK]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%{{.*}}, %{{.*}} : tensor<2x3xi8>, tensor<3x2xi1>) outs(%{{.*}} : tensor<2x2xi32>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i8, %[[W:[a-z0-9_]+]]: i1, %[[O:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[XE:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK-NEXT:      %[[ZP:.*]] = arith.constant -3 : i32
// CHECK-NEXT:      %[[XC:.*]] = arith.subi %[[XE]], %[[ZP]] : i32
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[NEG:.*]] = arith.subi %[[Z]], %[[XC]] : i32
// CHECK-NEXT:      %[[SEL:.*]] = arith.select %[[W]], %[[NEG]], %[[XC]] : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[O]], %[[SEL]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// CHECK-DAG:     %[[M0:.*]] = arith.constant dense<1717986944> : tensor<2xi32>
// CHECK-DAG:     %[[RSH:.*]] = arith.constant dense<2> : tensor<2xi32>
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[ACC]], %{{[a-z0-9_]+}}, %[[M0]], %{{[a-z0-9_]+}}, %[[RSH]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} :
// CHECK-SAME:        outs(%{{.*}} : tensor<2x2xi8>)
// CHECK:           arith.constant 5 : i32
// CHECK:           arith.constant -128 : i32
// CHECK:           arith.constant 127 : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
func.func @int8_x_binary(%a: tensor<2x3x!i8a>, %w: tensor<3x2x!lowbit.binary>) -> tensor<2x2x!i8o> {
  %0 = lowbit.matmul %a, %w : tensor<2x3x!i8a>, tensor<3x2x!lowbit.binary> -> tensor<2x2x!i8o>
  return %0 : tensor<2x2x!i8o>
}

// ternary x int8: w - zw selected as +x / -x / 0 by the ternary lhs.
// Scale 0.5 * 0.05 = 0.025.
// CHECK-LABEL: func.func @ternary_x_int8(
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[RHSK]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%{{.*}}, %{{.*}} : tensor<2x3xi2>, tensor<3x2xi8>)
// CHECK-NEXT:    ^bb0(%[[T:[a-z0-9_]+]]: i2, %[[X:[a-z0-9_]+]]: i8, %[[O:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[XE:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK-NEXT:      %[[ZP:.*]] = arith.constant -3 : i32
// CHECK-NEXT:      %[[XC:.*]] = arith.subi %[[XE]], %[[ZP]] : i32
// CHECK-NOT:       arith.muli
// CHECK:           %[[NEG:.*]] = arith.subi %{{.*}}, %[[XC]] : i32
// CHECK-NOT:       arith.muli
// CHECK:           %[[ISNEG:.*]] = arith.cmpi slt, %[[T]], %{{.*}} : i2
// CHECK-NEXT:      %[[ISZ:.*]] = arith.cmpi eq, %[[T]], %{{.*}} : i2
// CHECK-NEXT:      %[[SG:.*]] = arith.select %[[ISNEG]], %[[NEG]], %[[XC]] : i32
// CHECK-NOT:       arith.muli
// CHECK:           %[[R:.*]] = arith.select %[[ISZ]], %{{.*}}, %[[SG]] : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[O]], %[[R]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// CHECK:         arith.constant dense<2.500000e-02> : tensor<2xf32>
func.func @ternary_x_int8(%a: tensor<2x3x!tern>, %w: tensor<3x2x!i8a>) -> tensor<2x2xf32> {
  %0 = lowbit.matmul %a, %w : tensor<2x3x!tern>, tensor<3x2x!i8a> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// A binary lhs unpacked from i64 words uses the words directly. K = 100:
// the last word keeps its low 100 - 64 = 36 bits, mask 2^36 - 1 =
// 68719476735 (the first word is all ones, -1).
// CHECK-LABEL: func.func @from_unpack_tail(
// CHECK-SAME:      %[[P:[a-z0-9_]+]]: tensor<2x2xi64>
// CHECK:         %[[TM:.*]] = arith.constant dense<[-1, 68719476735]> : tensor<2xi64>
// CHECK:         %[[A:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[CH2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[P]], %[[TM]] : tensor<2x2xi64>, tensor<2xi64>)
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i64, %[[MK:[a-z0-9_]+]]: i64, %{{.*}}: i64):
// CHECK-NEXT:      %[[AND:.*]] = arith.andi %[[V]], %[[MK]] : i64
// CHECK-NEXT:      linalg.yield %[[AND]] : i64
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[RHSN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[A]], %{{.*}} : tensor<2x2xi64>, tensor<2x2xi64>)
// CHECK:         arith.constant 100 : i32
func.func @from_unpack_tail(%p: tensor<2x2xi64>, %w: tensor<100x2x!lowbit.binary>) -> tensor<2x2xf32> {
  %a = lowbit.unpack %p : tensor<2x2xi64> -> tensor<2x100x!lowbit.binary>
  %0 = lowbit.matmul %a, %w : tensor<2x100x!lowbit.binary>, tensor<100x2x!lowbit.binary> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// K = 128 is a multiple of 64: the words go straight into the popcount loop,
// no tail mask.
// CHECK-LABEL: func.func @from_unpack_exact(
// CHECK-SAME:      %[[P:[a-z0-9_]+]]: tensor<2x2xi64>
// CHECK-NOT:     arith.andi
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[RHSN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[P]], %{{.*}} : tensor<2x2xi64>, tensor<2x2xi64>)
// CHECK:         arith.constant 128 : i32
func.func @from_unpack_exact(%p: tensor<2x2xi64>, %w: tensor<128x2x!lowbit.binary>) -> tensor<2x2xf32> {
  %a = lowbit.unpack %p : tensor<2x2xi64> -> tensor<2x128x!lowbit.binary>
  %0 = lowbit.matmul %a, %w : tensor<2x128x!lowbit.binary>, tensor<128x2x!lowbit.binary> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// Float matmuls are left alone.
// CHECK-LABEL: func.func @float_untouched(
// CHECK:         lowbit.matmul
func.func @float_untouched(%a: tensor<2x3xf32>, %w: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %0 = lowbit.matmul %a, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// Constant ternary weights: sum (a - za) * w = sum a * w - za * sum w, and
// -za * (column sums 1, -2) = (3, -6) joins the epilogue offsets, so the
// contraction adds or subtracts the stored activations themselves (no zero
// point in the loop, none for the kernels to correct).
// CHECK-LABEL: func.func @int8_x_const_ternary(
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x3xi8>, tensor<3x2xi2>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i8, %[[T:[a-z0-9_]+]]: i2, %[[O:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[XE:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[NEG:.*]] = arith.subi %[[Z]], %[[XE]] : i32
// CHECK:           arith.select %{{.*}}, %[[NEG]], %[[XE]] : i32
// CHECK:         arith.constant dense<[3, -6]> : tensor<2xi32>
func.func @int8_x_const_ternary(%a: tensor<2x3x!i8a>) -> tensor<2x2x!i8o> {
  %w = lowbit.constant dense<[[1, -1], [0, -1], [0, 0]]> : tensor<3x2xi2> as tensor<3x2x!tern>
  %0 = lowbit.matmul %a, %w : tensor<2x3x!i8a>, tensor<3x2x!tern> -> tensor<2x2x!i8o>
  return %0 : tensor<2x2x!i8o>
}
