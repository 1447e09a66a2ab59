// Constant weights in the dot kernels stay small: bytes for every kernel
// (the 16-bit SSE2 kernel sign-extends them as it loads them) and, in a
// one-row matmul (each weight read once per call), two 4-bit values to a
// byte. Two consecutive weight vectors (reduction steps q and q + 1) share
// one stored vector: byte j holds value j of step q in its low nibble and
// value j of step q + 1 in its high one. Signed fields are sign-extended by
// a left shift and an arithmetic right shift; for the x86 byte
// instructions they are stored as w + 8 (never negative, so either operand
// of vpdpbusd takes them), unpacked by shift and mask in 32-bit lanes, and
// 8 * sum(a), from more dot products with the mask, is subtracted at the
// end. The reduction over packed weights keeps LLVM from unrolling it
// (unrolled, the loads would fold into full-size constants). With
// pack-weights=never they are one to a byte.
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=neon-dotprod --canonicalize | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels="isa=sse2" --canonicalize | FileCheck %s --check-prefix=SSE2
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels="isa=avx512-vnni" --canonicalize | FileCheck %s --check-prefix=VNNI
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels="isa=neon-dotprod pack-weights=never" --canonicalize | FileCheck %s --check-prefix=NEVER
// RUN: not lowbit-opt %s --split-input-file --lowbit-dot-kernels="pack-weights=tight" 2>&1 | FileCheck %s --check-prefix=BAD

// NEON dotprod, 4 channels x 4 reduction elements per vector: step 0 is K
// rows 0-3 of channels 0-3, [1, 5, 0, -1, -2, -6, 1, -2, ...], step 1 rows
// 4-7, [7, -8, 1, -1, 6, -7, 1, 0, ...]; byte 0 = 1 | 7 << 4 = 113, byte 1
// = 5 | (-8 & 15) << 4 = 133 = -123.
// CHECK-LABEL: func.func @gemv_i4
// CHECK-DAG: %[[FOUR:.*]] = arith.constant dense<4> : vector<16xi8>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[\[}}113, -123, 16, -1, 110, -102, 17, 14, 83, -89, 18, 29, 76, -72, 19, 12]]]]]> : tensor<1x1x1x1x16xi8>
// CHECK: %[[B:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x1x1x1x16xi8>, vector<16xi8>
// CHECK: %[[LOU:.*]] = arith.shli %[[B]], %[[FOUR]]
// CHECK: %[[LO:.*]] = arith.shrsi %[[LOU]], %[[FOUR]]
// CHECK: lowbit.dot4 %{{.*}}, %{{.*}}, %[[LO]] signed_lhs
// CHECK: %[[HI:.*]] = arith.shrsi %[[B]], %[[FOUR]]
// CHECK: lowbit.dot4 %{{.*}}, %{{.*}}, %[[HI]] signed_lhs

// With SSE2, 4 channels x 2 reduction elements per vector; step 0 = [1, 5, -2,
// -6, ...], step 1 = [0, -1, 1, -2, ...]: byte 1 = 5 | 15 << 4 = -11. The
// fields are taken from 16-bit lanes.
// SSE2-LABEL: func.func @gemv_i4
// SSE2-DAG: %[[EIGHT:.*]] = arith.constant dense<8> : vector<8xi16>
// SSE2-DAG: %[[TWELVE:.*]] = arith.constant dense<12> : vector<8xi16>
// SSE2-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[\[}}1, -11, 30, -22, 35, -41, 60, -56], [23, -8, 22, 9, 21, 26, 20, 11]]]]]> : tensor<1x1x1x2x8xi8>
// SSE2: scf.for %[[Q:.*]] = %c0 to %c2 step %c1
// SSE2: %[[B:.*]] = vector.transfer_read %[[W]][%c0, %c0, %c0, %[[Q]], %c0]{{.*}} : tensor<1x1x1x2x8xi8>, vector<8xi8>
// SSE2: %[[B16:.*]] = arith.extui %[[B]] : vector<8xi8> to vector<8xi16>
// SSE2: %[[LOU:.*]] = arith.shli %[[B16]], %[[TWELVE]]
// SSE2: %[[LO:.*]] = arith.shrsi %[[LOU]], %[[TWELVE]]
// SSE2: lowbit.dot2 %{{.*}}, %{{.*}}, %[[LO]]
// SSE2: %[[HIU:.*]] = arith.shli %[[B16]], %[[EIGHT]]
// SSE2: %[[HI:.*]] = arith.shrsi %[[HIU]], %[[TWELVE]]
// SSE2: lowbit.dot2 %{{.*}}, %{{.*}}, %[[HI]]
// SSE2: } {llvm.loop_annotation = #[[ROLLED:.*]]}

// With AVX-512 VNNI, 16 lanes (channels 4-15 are zero, stored as 8 | 8 << 4 =
// -120); byte 0 = (1 + 8) | (7 + 8) << 4 = 249 = -7. Two chains of dot
// products with the mask 15 sum 15 * sum(a); 8 * sum(a) is that times
// 8 / 15 modulo 2^32 = 8 * 0xEEEEEEEF = 2004318072.
// VNNI-LABEL: func.func @gemv_i4
// VNNI-DAG: %[[FACTOR:.*]] = arith.constant 2004318072 : i32
// VNNI-DAG: %[[FOUR:.*]] = arith.constant dense<4> : vector<16xi32>
// VNNI-DAG: %[[MASK:.*]] = arith.constant dense<252645135> : vector<16xi32>
// VNNI-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[\[}}-7, 13, -104, 119, -26, 18, -103, -122, -37, 47, -102, -107, -60, 48, -101, -124, -120, {{.*}}]]]]]> : tensor<1x1x1x1x64xi8>
// VNNI: %[[MASKB:.*]] = vector.bitcast %[[MASK]] : vector<16xi32> to vector<64xi8>
// VNNI: %[[B:.*]] = vector.transfer_read %[[W]]
// VNNI: %[[BW:.*]] = vector.bitcast %[[B]] : vector<64xi8> to vector<16xi32>
// VNNI: %[[LOW:.*]] = arith.andi %[[BW]], %[[MASK]]
// VNNI: %[[LO:.*]] = vector.bitcast %[[LOW]] : vector<16xi32> to vector<64xi8>
// VNNI: %[[A0:.*]] = vector.bitcast %{{.*}} : vector<16xi32> to vector<64xi8>
// VNNI: %[[D0:.*]] = lowbit.dot4 %{{.*}}, %[[LO]], %[[A0]]
// VNNI: %[[S0:.*]] = lowbit.dot4 %{{.*}}, %[[MASKB]], %[[A0]]
// VNNI: %[[HIS:.*]] = arith.shrui %{{.*}}, %[[FOUR]]
// VNNI: %[[HIW:.*]] = arith.andi %[[HIS]], %[[MASK]]
// VNNI: %[[HI:.*]] = vector.bitcast %[[HIW]] : vector<16xi32> to vector<64xi8>
// VNNI: %[[A1:.*]] = vector.bitcast %{{.*}} : vector<16xi32> to vector<64xi8>
// VNNI: %[[D1:.*]] = lowbit.dot4 %[[D0]], %[[HI]], %[[A1]]
// VNNI: %[[S1:.*]] = lowbit.dot4 %{{.*}}, %[[MASKB]], %[[A1]]
// VNNI: %[[S:.*]] = arith.addi %[[S0]], %[[S1]]
// VNNI: %[[S15:.*]] = vector.extract %[[S]][0]
// VNNI: %[[FIX:.*]] = arith.muli %[[S15]], %[[FACTOR]] : i32
// VNNI: %[[FIXV:.*]] = vector.broadcast %[[FIX]] : i32 to vector<16xi32>
// VNNI: arith.subi %[[D1]], %[[FIXV]]

// NEVER-LABEL: func.func @gemv_i4
// NEVER: arith.constant dense<{{\[\[\[\[\[}}1, 5, 0, -1, -2, -6, 1, -2, 3, 7, 2, -3, -4, -8, 3, -4], {{.*}}> : tensor<1x1x1x2x16xi8>
// NEVER-NOT: arith.shrui

// BAD: unknown pack-weights 'tight' for --lowbit-dot-kernels; expected auto, always or never

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @gemv_i4(%a: tensor<1x8xi8>) -> tensor<1x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [0, 1, 2, 3], [-1, -2, -3, -4], [7, 6, 5, 4], [-8, -7, -6, -5], [1, 1, 1, 1], [-1, 0, 1, 0]]> : tensor<8x4xi4>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x4xi32>) -> tensor<1x4xi32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<1x8xi8>, tensor<8x4xi4>) outs(%init : tensor<1x4xi32>) {
  ^bb0(%x: i8, %y: i4, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i4 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<1x4xi32>
  return %r : tensor<1x4xi32>
}

// -----

// Two rows: each weight is read twice per call, so by default the 4-bit
// weights are stored one to a byte (no unpacking in the inner loop).
// CHECK-LABEL: func.func @mm2_i4
// CHECK: arith.constant dense<{{.*}}> : tensor<1x1x1x2x16xi8>
// CHECK-NOT: arith.shrui
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @mm2_i4(%a: tensor<2x8xi8>) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [0, 1, 2, 3], [-1, -2, -3, -4], [7, 6, 5, 4], [-8, -7, -6, -5], [1, 1, 1, 1], [-1, 0, 1, 0]]> : tensor<8x4xi4>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x4xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x4xi32>) -> tensor<2x4xi32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x8xi8>, tensor<8x4xi4>) outs(%init : tensor<2x4xi32>) {
  ^bb0(%x: i8, %y: i4, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i4 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}
