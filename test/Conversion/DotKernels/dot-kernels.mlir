// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels --canonicalize | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=avx-vnni --canonicalize | FileCheck %s --check-prefix=YMM
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=avx2 --canonicalize | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=neon-dotprod --canonicalize | FileCheck %s --check-prefix=NEON
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=sse2 --canonicalize | FileCheck %s --check-prefix=SSE2
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=neon --canonicalize | FileCheck %s --check-prefix=SMLAL
// RUN: not lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=sse9 2>&1 | FileCheck %s --check-prefix=BADISA

// BADISA: error: unknown isa 'sse9' for --lowbit-dot-kernels; expected avx512-vnni, avx-vnni, avx2, sse2, neon-dotprod or neon

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>

// s8 x s8 with constant weights: the weights are packed at compile time
// (4 reduction elements of each of 16 channels per 64-byte vector, K padded
// from 6 to 8 with zeros), the activation bytes are flipped to u8 and
// -128 * column sums (31, 53, -95), stored as 16-bit values since they
// fit, start the accumulators. One vector of
// channels leaves registers for 8 rows: 10 rows are a tile of 8, then a
// tail tile that repeats row 9.
// CHECK-LABEL: func.func @mm_s8_const
// CHECK-DAG: %[[FLIP:.*]] = arith.constant dense<-128> : vector<64xi8>
// CHECK-DAG: %[[CORR:.*]] = arith.constant dense<{{\[\[}}-3968, -6784, 12160, 0, {{.*}}]]> : tensor<1x16xi16>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<"0x010407F6FE05080B03FA090C0000{{0*}}0D1000000E1100000F80{{0*}}"> : tensor<1x1x1x2x64xi8>
// CHECK: %[[A:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 0, 2]
// CHECK: scf.for %[[M:.*]] = %c0 to %c10 step %c8 iter_args
// CHECK: %[[ROW:.*]] = arith.minsi %[[M]], %c9 : index
// CHECK: %[[C16:.*]] = vector.transfer_read %[[CORR]][%c0, %c0]{{.*}} : tensor<1x16xi16>, vector<16xi16>
// CHECK: arith.extsi %[[C16]] : vector<16xi16> to vector<16xi32>
// CHECK: scf.for %[[K:.*]] = %c0 to %c2 step %c1 iter_args(%[[ACC:[^ ]*]] = {{.*}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK: %[[WV:.*]] = vector.transfer_read %[[W]][%c0, %c0, %c0, %[[K]], %c0]{{.*}} : tensor<1x1x1x2x64xi8>, vector<64xi8>
// CHECK: %[[K4:.*]] = arith.muli %[[K]], %c4 : index
// CHECK: %[[A4:.*]] = vector.transfer_read %[[A]][%c0, %c0, %[[ROW]], %[[K4]]]{{.*}} : tensor<1x1x10x8xi8>, vector<4xi8>
// CHECK: %[[A1:.*]] = vector.bitcast %[[A4]] : vector<4xi8> to vector<1xi32>
// CHECK: %[[AW:.*]] = vector.extract %[[A1]][0]
// CHECK: %[[AB:.*]] = vector.broadcast %[[AW]] : i32 to vector<16xi32>
// CHECK: %[[AV:.*]] = vector.bitcast %[[AB]] : vector<16xi32> to vector<64xi8>
// CHECK: %[[AU:.*]] = arith.xori %[[AV]], %[[FLIP]] : vector<64xi8>
// CHECK: lowbit.dot4 %[[ACC]], %[[AU]], %[[WV]] : vector<64xi8> -> vector<16xi32>
// CHECK-NOT: pairs_fit_i16
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%c0, %c0, %[[ROW]], %c0] : vector<16xi32>, tensor<1x1x10x3xi32>
// CHECK-NOT: linalg.generic
// YMM-LABEL: func.func @mm_s8_const
// YMM: tensor<1x1x1x2x32xi8>
// YMM: lowbit.dot4 {{.*}} : vector<32xi8> -> vector<8xi32>
// sdot multiplies signed bytes: no flip and no correction, 4 lanes.
// NEON-LABEL: func.func @mm_s8_const
// NEON: arith.constant dense<{{\[\[\[\[\[}}1, 4, 7, -10, -2, 5, 8, 11, 3, -6, 9, 12, 0, 0, 0, 0], [13, 16, 0, 0, 14, 17, 0, 0, 15, -128, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x1x2x16xi8>
// NEON-NOT: arith.xori
// NEON: lowbit.dot4 %{{.*}}, %{{.*}}, %{{.*}} signed_lhs : vector<16xi8> -> vector<4xi32>
// With only SSE2, pairs of 16-bit values and 4 lanes.
// SSE2-LABEL: func.func @mm_s8_const
// SSE2: tensor<1x1x1x3x8xi16>
// SSE2: lowbit.dot2 %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi16> -> vector<4xi32>
// With plain NEON, one reduction element at a time and a widening
// multiply-add.
// SMLAL-LABEL: func.func @mm_s8_const
// SMLAL: arith.constant dense<{{\[\[\[\[\[}}1, -2, 3, 0], [4, 5, -6, 0], [7, 8, 9, 0], [-10, 11, 12, 0], [13, 14, 15, 0], [16, 17, -128, 0]]]]]> : tensor<1x1x1x6x4xi8>
// SMLAL: %[[A1:.*]] = vector.transfer_read %{{.*}} : tensor<1x1x10x6xi8>, vector<1xi8>
// SMLAL: %[[A16:.*]] = arith.extsi %[[A1]] : vector<1xi8> to vector<1xi16>
// SMLAL: %[[AS:.*]] = vector.extract %[[A16]][0] : i16 from vector<1xi16>
// SMLAL: %[[AB:.*]] = vector.broadcast %[[AS]] : i16 to vector<4xi16>
// SMLAL: %[[AW:.*]] = arith.extsi %[[AB]] : vector<4xi16> to vector<4xi32>
// SMLAL: %[[WW:.*]] = arith.extsi %{{.*}} : vector<4xi8> to vector<4xi32>
// SMLAL: %[[P:.*]] = arith.muli %[[AW]], %[[WW]] : vector<4xi32>
// SMLAL: arith.addi %{{.*}}, %[[P]] : vector<4xi32>
// SMLAL-NOT: lowbit.dot
// The largest weight, -128, could make vpmaddubsw saturate: the AVX2 kernel
// widens to 16 bits instead (pairs of K, no flip: only the values change).
// AVX2-LABEL: func.func @mm_s8_const
// AVX2-NOT: lowbit.dot4
// The weights are stored as bytes and widened as they are loaded.
// AVX2-DAG: arith.constant dense<{{\[\[\[\[\[}}1, 4, -2, 5, 3, -6, 0, 0, {{.*}}]]]]]> : tensor<1x1x1x3x16xi8>
// AVX2-DAG: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi16>
// AVX2: %[[A2:.*]] = vector.transfer_read %{{.*}} : tensor<1x1x10x6xi8>, vector<2xi8>
// AVX2: %[[A16:.*]] = arith.extsi %[[A2]] : vector<2xi8> to vector<2xi16>
// AVX2: vector.bitcast %[[A16]] : vector<2xi16> to vector<1xi32>
// AVX2-NOT: arith.xori
// AVX2: lowbit.dot2 %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi16> -> vector<8xi32>
// AVX2-NOT: linalg.generic
func.func @mm_s8_const(%a: tensor<10x6xi8>) -> tensor<10x3xi32> {
  %w = arith.constant dense<[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12], [13, 14, 15], [16, 17, -128]]> : tensor<6x3xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<10x3xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<10x3xi32>) -> tensor<10x3xi32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<10x6xi8>, tensor<6x3xi8>) outs(%init : tensor<10x3xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<10x3xi32>
  return %r : tensor<10x3xi32>
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>

// u8 activations with zero point 128 times weights passed in: the weights
// are packed by a loop and their column sums times -128 (the zero point)
// start the accumulators; the u8 bytes go to the instruction as they are.
// The initial accumulator is read from the output operand.
// CHECK-LABEL: func.func @mm_u8_arg
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0] high[0, 12]
// CHECK: %[[P6:.*]] = linalg.generic {{.*}} ins(%[[PAD]] : tensor<64x16xi8>) outs(%{{.*}} : tensor<1x1x1x16x16x4xi8>)
// CHECK: %[[P:.*]] = tensor.collapse_shape %[[P6]] {{\[\[}}0], [1], [2], [3], [4, 5]]
// CHECK: %[[SUMS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction", "reduction", "parallel", "reduction"]} ins(%[[P6]] : tensor<1x1x1x16x16x4xi8>)
// CHECK: arith.extsi
// CHECK: arith.muli %{{.*}}, %c-128_i32
// CHECK: %[[INIT:.*]] = vector.transfer_read %{{.*}}[%c0, %c0, %c0, %c0], %c0_i32 : tensor<1x1x3x4xi32>, vector<16xi32>
// CHECK: %[[C:.*]] = vector.transfer_read %[[SUMS]]
// CHECK: arith.addi %[[INIT]], %[[C]] : vector<16xi32>
// CHECK: scf.for
// CHECK-NOT: arith.xori
// CHECK: %[[WV:.*]] = vector.transfer_read %[[P]]
// CHECK-NOT: arith.xori
// CHECK: lowbit.dot4 %{{.*}}, %{{.*}}, %[[WV]] : vector<64xi8> -> vector<16xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16xi32>, tensor<1x1x3x4xi32>
// On AArch64 the u8 bytes are flipped to a - 128, whose +128 * sum(w)
// cancels the zero point's -128 * sum(w): no correction at all.
// NEON-LABEL: func.func @mm_u8_arg
// NEON-NOT: tensor<1x4xi32>
// NEON: %[[AB:.*]] = vector.bitcast %{{.*}} : vector<4xi32> to vector<16xi8>
// NEON: %[[AS:.*]] = arith.xori %[[AB]], %{{.*}} : vector<16xi8>
// NEON: lowbit.dot4 %{{.*}}, %[[AS]], %{{.*}} signed_lhs : vector<16xi8> -> vector<4xi32>
// AVX2-LABEL: func.func @mm_u8_arg
// AVX2: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x1x32x8x2xi16>)
// AVX2: arith.extsi %{{.*}} : i8 to i16
// AVX2: arith.extui %{{.*}} : vector<2xi8> to vector<2xi16>
// AVX2: lowbit.dot2
func.func @mm_u8_arg(%a: tensor<3x64xi8>, %w: tensor<64x4xi8>, %init: tensor<3x4xi32>) -> tensor<3x4xi32> {
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<3x64xi8>, tensor<64x4xi8>) outs(%init : tensor<3x4xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %c128 = arith.constant 128 : i32
    %0 = arith.extui %x : i8 to i32
    %1 = arith.subi %0, %c128 : i32
    %2 = arith.extsi %y : i8 to i32
    %3 = arith.muli %1, %2 : i32
    %4 = arith.addi %acc, %3 : i32
    linalg.yield %4 : i32
  } -> tensor<3x4xi32>
  return %r : tensor<3x4xi32>
}

// -----

// Unsigned weights: sdot cannot take them, the dotprod CPU runs the plain
// NEON kernel (16-bit values, one reduction element per step).
// NEON-LABEL: func.func @mm_u8_weights
// NEON-NOT: lowbit.dot4
// The unsigned weights are stored as bytes (200 is -56) and zero-extended.
// NEON: arith.constant dense<{{\[\[\[\[\[}}-56, 1, 2, 0]{{.*}}> : tensor<1x1x1x4x4xi8>
// NEON: arith.extui %{{.*}} : vector<4xi8> to vector<4xi32>
// NEON: arith.muli %{{.*}}, %{{.*}} : vector<4xi32>
// NEON-NOT: linalg.generic
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @mm_u8_weights(%a: tensor<2x4xi8>) -> tensor<2x3xi32> {
  %w = arith.constant dense<[[-56, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, -1]]> : tensor<4x3xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x3xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x3xi32>) -> tensor<2x3xi32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x4xi8>, tensor<4x3xi8>) outs(%init : tensor<2x3xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extui %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// conv2d (n, oh, ow, g, oc, kh, kw, c) with stride 2 and dilation 3, i4
// weights and i4 activations: the activations are widened to bytes, the
// filter taps are loops and the input position is oh*2 + kh*3. Small
// constant weights keep vpmaddubsw exact, so AVX2 gets a kernel too.
// CHECK-LABEL: func.func @conv_i4
// NEON-LABEL: func.func @conv_i4
// CHECK: arith.extsi %{{.*}} : tensor<1x9x9x1x4xi4> to tensor<1x9x9x1x4xi8>
// CHECK: scf.for %[[OH:[^ ]*]] = %c0 to %c2 step %c1
// CHECK: scf.for %[[KH:[^ ]*]] = %c0 to %c2 step %c1
// CHECK: scf.for %[[KW:[^ ]*]] = %c0 to %c2 step %c1
// CHECK: %[[H1:.*]] = arith.muli %[[OH]], %c2 : index
// CHECK: %[[H2:.*]] = arith.muli %[[KH]], %c3 : index
// CHECK: arith.addi %[[H1]], %[[H2]] : index
// CHECK: lowbit.dot4
// AVX2-LABEL: func.func @conv_i4
// AVX2: lowbit.dot4 {{.*}} pairs_fit_i16 : vector<32xi8> -> vector<8xi32>
#in = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d5 * 3, d2 * 2 + d6 * 3, d3, d7)>
#f = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d4, d5, d6, d7)>
#o = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
func.func @conv_i4(%a: tensor<1x9x9x1x4xi4>) -> tensor<1x2x2x1x2xi32> {
  %w = arith.constant dense<[[[[[1, 2, 3, 4], [-1, -2, -3, -4]], [[5, 6, 7, -8], [0, 0, 1, 1]]],
                               [[[7, 7, 7, 7], [-8, -8, -8, -8]], [[1, 0, 1, 0], [2, 3, 4, 5]]]]]> : tensor<1x2x2x2x4xi4>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x2x2x1x2xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x2x2x1x2xi32>) -> tensor<1x2x2x1x2xi32>
  %r = linalg.generic {indexing_maps = [#in, #f, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%a, %w : tensor<1x9x9x1x4xi4>, tensor<1x2x2x2x4xi4>) outs(%init : tensor<1x2x2x1x2xi32>) {
  ^bb0(%x: i4, %y: i4, %acc: i32):
    %0 = arith.extsi %x : i4 to i32
    %1 = arith.extsi %y : i4 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<1x2x2x1x2xi32>
  return %r : tensor<1x2x2x1x2xi32>
}

// -----

// A batch of activations times one weight matrix is one matmul over B*M
// rows: [2, 3, 8] -> [6, 8] -> [1, 1, 6, 8], and back for the result.
// CHECK-LABEL: func.func @mm_batched
// CHECK: %[[A2:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x3x8xi8> into tensor<6x8xi8>
// CHECK: tensor.expand_shape %[[A2]] {{\[\[}}0, 1, 2], [3]] output_shape [1, 1, 6, 8]
// CHECK: lowbit.dot4
// CHECK: %[[R2:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] : tensor<1x1x6x4xi32> into tensor<6x4xi32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[R2]] {{\[\[}}0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xi32> into tensor<2x3x4xi32>
// CHECK: return %[[R]]
#bA = affine_map<(b, m, n, k) -> (b, m, k)>
#sB = affine_map<(b, m, n, k) -> (k, n)>
#bC = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @mm_batched(%a: tensor<2x3x8xi8>, %w: tensor<8x4xi8>) -> tensor<2x3x4xi32> {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x3x4xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x3x4xi32>) -> tensor<2x3x4xi32>
  %r = linalg.generic {indexing_maps = [#bA, #sB, #bC], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x3x8xi8>, tensor<8x4xi8>) outs(%init : tensor<2x3x4xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<2x3x4xi32>
  return %r : tensor<2x3x4xi32>
}

// -----

// The add/subtract bodies of --lowbit-lower-binary for int8 x binary
// weights (bit 1 is -1) and int8 x ternary weights are (a - za) * w too.
// Binary weights passed in are decoded to -1/+1 before the zero padding of
// K (6 -> 8); the activation zero point 3 and the flip of the signed
// activations give the correction (-128 - 3) * sum(w).
// CHECK-LABEL: func.func @mm_binary_arg
// CHECK-DAG: %[[M1:.*]] = arith.constant dense<-1> : tensor<6x4xi8>
// CHECK-DAG: %[[P1:.*]] = arith.constant dense<1> : tensor<6x4xi8>
// CHECK-DAG: %[[F:.*]] = arith.constant -131 : i32
// CHECK: %[[D:.*]] = arith.select %arg1, %[[M1]], %[[P1]] : tensor<6x4xi1>, tensor<6x4xi8>
// CHECK: tensor.pad %[[D]] low[0, 0] high[2, 12]
// CHECK: arith.muli %{{.*}}, %[[F]] : i32
// CHECK: lowbit.dot4
// CHECK-NOT: arith.select %in
// Constant ternary weights keep vpmaddubsw exact: AVX2 uses it.
// AVX2-LABEL: func.func @mm_ternary
// AVX2: arith.constant dense<{{\[\[\[\[\[}}1, 0, -1, 1, -1, -1, 1, 1, 0, 0, {{.*}}]]]]]> : tensor<1x1x1x1x32xi8>
// AVX2: lowbit.dot4 {{.*}} pairs_fit_i16 : vector<32xi8> -> vector<8xi32>
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @mm_binary_arg(%a: tensor<2x6xi8>, %w: tensor<6x4xi1>) -> tensor<2x4xi32> {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x4xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x4xi32>) -> tensor<2x4xi32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x6xi8>, tensor<6x4xi1>) outs(%init : tensor<2x4xi32>) {
  ^bb0(%in: i8, %bit: i1, %acc: i32):
    %c3 = arith.constant 3 : i32
    %0 = arith.extsi %in : i8 to i32
    %1 = arith.subi %0, %c3 : i32
    %2 = arith.subi %c3, %0 : i32
    %3 = arith.select %bit, %2, %1 : i32
    %4 = arith.addi %acc, %3 : i32
    linalg.yield %4 : i32
  } -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}
func.func @mm_ternary(%a: tensor<2x4xi8>) -> tensor<2x2xi32> {
  %w = arith.constant dense<[[1, -1], [0, -1], [-1, 1], [1, 1]]> : tensor<4x2xi2>
  %c0 = arith.constant 0 : i32
  %c0_i2 = arith.constant 0 : i2
  %e = tensor.empty() : tensor<2x2xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x2xi32>) -> tensor<2x2xi32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x4xi8>, tensor<4x2xi2>) outs(%init : tensor<2x2xi32>) {
  ^bb0(%in: i8, %t: i2, %acc: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.subi %c0, %0 : i32
    %neg = arith.cmpi slt, %t, %c0_i2 : i2
    %zero = arith.cmpi eq, %t, %c0_i2 : i2
    %2 = arith.select %neg, %1, %0 : i32
    %3 = arith.select %zero, %c0, %2 : i32
    %4 = arith.addi %acc, %3 : i32
    linalg.yield %4 : i32
  } -> tensor<2x2xi32>
  return %r : tensor<2x2xi32>
}

// -----

// Depthwise conv2d (one channel per group) with constant weights: vectors
// across channels, the 3x3 taps as loops, weights as 16-bit values padded
// to whole vectors (12 channels -> 16). With AVX2 two 8-channel vectors,
// the second one masked past channel 12.
// AVX2-LABEL: func.func @dw
// AVX2: %[[W:.*]] = arith.constant dense<"0x0300{{.*}}"> : tensor<3x3x16xi16>
// AVX2: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x4x4x12x1xi8> into tensor<1x4x4x12xi8>
// AVX2: scf.for %[[KH:[^ ]*]] = %c0 to %c3 step %c1
// AVX2: scf.for %[[KW:[^ ]*]] = %c0 to %c3 step %c1
// AVX2: %[[W0:.*]] = vector.transfer_read %[[W]][%[[KH]], %[[KW]], %c0], %c0_i16 {in_bounds = [true]} : tensor<3x3x16xi16>, vector<8xi16>
// AVX2: %[[W0W:.*]] = arith.extsi %[[W0]] : vector<8xi16> to vector<8xi32>
// AVX2: %[[X0:.*]] = vector.transfer_read %[[A]][%c0, %{{.*}}, %[[KW]], %c0], %c0_i8 {in_bounds = [true]} : tensor<1x4x4x12xi8>, vector<8xi8>
// AVX2: %[[X0W:.*]] = arith.extui %[[X0]] : vector<8xi8> to vector<8xi32>
// AVX2: %[[P:.*]] = arith.muli %[[X0W]], %[[W0W]] : vector<8xi32>
// AVX2: arith.addi %{{.*}}, %[[P]] : vector<8xi32>
// AVX2: vector.transfer_read %[[A]][%c0, %{{.*}}, %[[KW]], %c8], %c0_i8 : tensor<1x4x4x12xi8>, vector<8xi8>
// AVX2: vector.transfer_write %{{.*}}[%c0, %{{.*}}, %c1, %c8] : vector<8xi32>, tensor<1x2x2x12xi32>
// AVX2-NOT: linalg.generic
// CHECK-LABEL: func.func @dw
// CHECK: tensor<3x3x16xi16>
// CHECK: vector.transfer_read {{.*}} : tensor<1x4x4x12xi8>, vector<16xi8>
// CHECK-NOT: linalg.generic
#in = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d3, d7)>
#f = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d4, d5, d6, d7)>
#o = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
func.func @dw(%a: tensor<1x4x4x12x1xi8>) -> tensor<1x2x2x12x1xi32> {
  %w = arith.constant dense<3> : tensor<12x1x3x3x1xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x2x2x12x1xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x2x2x12x1xi32>) -> tensor<1x2x2x12x1xi32>
  %r = linalg.generic {indexing_maps = [#in, #f, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%a, %w : tensor<1x4x4x12x1xi8>, tensor<12x1x3x3x1xi8>) outs(%init : tensor<1x2x2x12x1xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<1x2x2x12x1xi32>
  return %r : tensor<1x2x2x12x1xi32>
}

// -----

// Left alone: 16-bit operands, a weight zero point inside the loop, grouped
// convolution (2 channels per group) and batched matmul with a weight
// matrix per batch.
// CHECK-LABEL: func.func @not_matched
// AVX2-LABEL: func.func @not_matched
// CHECK-NOT: lowbit.dot4
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT: lowbit.dot4
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#bA = affine_map<(b, m, n, k) -> (b, m, k)>
#bB = affine_map<(b, m, n, k) -> (b, k, n)>
#bC = affine_map<(b, m, n, k) -> (b, m, n)>
#in = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d3, d7)>
#f = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d4, d5, d6, d7)>
#o = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
func.func @not_matched(%a16: tensor<4x8xi16>, %w16: tensor<8x4xi16>, %a: tensor<4x8xi8>, %w: tensor<8x4xi8>,
                       %ag: tensor<1x3x3x2x4xi8>, %wg: tensor<2x2x1x1x4xi8>,
                       %ab: tensor<2x4x8xi8>, %wb: tensor<2x8x4xi8>)
    -> (tensor<4x4xi32>, tensor<4x4xi32>, tensor<1x3x3x2x2xi32>, tensor<2x4x4xi32>) {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x4xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<4x4xi32>) -> tensor<4x4xi32>
  %r0 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a16, %w16 : tensor<4x8xi16>, tensor<8x4xi16>) outs(%init : tensor<4x4xi32>) {
  ^bb0(%x: i16, %y: i16, %acc: i32):
    %0 = arith.extsi %x : i16 to i32
    %1 = arith.extsi %y : i16 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<4x4xi32>
  %r1 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<4x8xi8>, tensor<8x4xi8>) outs(%init : tensor<4x4xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %c3 = arith.constant 3 : i32
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %s = arith.subi %1, %c3 : i32
    %2 = arith.muli %0, %s : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<4x4xi32>
  %eg = tensor.empty() : tensor<1x3x3x2x2xi32>
  %ig = linalg.fill ins(%c0 : i32) outs(%eg : tensor<1x3x3x2x2xi32>) -> tensor<1x3x3x2x2xi32>
  %r2 = linalg.generic {indexing_maps = [#in, #f, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%ag, %wg : tensor<1x3x3x2x4xi8>, tensor<2x2x1x1x4xi8>) outs(%ig : tensor<1x3x3x2x2xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<1x3x3x2x2xi32>
  %eb = tensor.empty() : tensor<2x4x4xi32>
  %ib = linalg.fill ins(%c0 : i32) outs(%eb : tensor<2x4x4xi32>) -> tensor<2x4x4xi32>
  %r3 = linalg.generic {indexing_maps = [#bA, #bB, #bC], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%ab, %wb : tensor<2x4x8xi8>, tensor<2x8x4xi8>) outs(%ib : tensor<2x4x4xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<2x4x4xi32>
  return %r0, %r1, %r2, %r3 : tensor<4x4xi32>, tensor<4x4xi32>, tensor<1x3x3x2x2xi32>, tensor<2x4x4xi32>
}
