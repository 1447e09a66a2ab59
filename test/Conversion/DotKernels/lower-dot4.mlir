// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=avx512-vnni | FileCheck %s --check-prefix=AVX512
// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=avx-vnni | FileCheck %s --check-prefix=AVXVNNI
// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-opt %s --lowbit-lower-dot4 | FileCheck %s --check-prefix=NONE
// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=neon-dotprod | FileCheck %s --check-prefix=NEON
// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=sse2 | FileCheck %s --check-prefix=SSE2
// RUN: not lowbit-opt %s --lowbit-lower-dot4=isa=neon9 2>&1 | FileCheck %s --check-prefix=BADISA

// BADISA: error: unknown isa 'neon9' for --lowbit-lower-dot4; expected none, sse2, avx2, avx-vnni, avx512-vnni, neon or neon-dotprod

// AVX512-LABEL: func.func @zmm
// AVX512: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%arg0, %arg1, %arg2) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// The other instruction sets have no 16-lane form: portable code.
// AVXVNNI-LABEL: func.func @zmm
// AVXVNNI-NOT: llvm.call_intrinsic
// AVXVNNI: vector.shuffle
// Portable: widen, multiply, then lane i adds products 4i+j for j = 0..3.
// NONE-LABEL: func.func @zmm
// NONE: %[[U:.*]] = arith.extui %arg1 : vector<64xi8> to vector<64xi32>
// NONE: %[[S:.*]] = arith.extsi %arg2 : vector<64xi8> to vector<64xi32>
// NONE: %[[P:.*]] = arith.muli %[[U]], %[[S]] : vector<64xi32>
// NONE: %[[P0:.*]] = vector.shuffle %[[P]], %[[P]] [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60] : vector<64xi32>, vector<64xi32>
// NONE: %[[R0:.*]] = arith.addi %arg0, %[[P0]] : vector<16xi32>
// NONE: %[[P1:.*]] = vector.shuffle %[[P]], %[[P]] [1, 5, 9, {{.*}}, 61]
// NONE: %[[R1:.*]] = arith.addi %[[R0]], %[[P1]]
// NONE: %[[P2:.*]] = vector.shuffle %[[P]], %[[P]] [2, 6, 10, {{.*}}, 62]
// NONE: %[[R2:.*]] = arith.addi %[[R1]], %[[P2]]
// NONE: %[[P3:.*]] = vector.shuffle %[[P]], %[[P]] [3, 7, 11, {{.*}}, 63]
// NONE: %[[R3:.*]] = arith.addi %[[R2]], %[[P3]]
// NONE: return %[[R3]]
func.func @zmm(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi32> {
  %r = lowbit.dot4 %acc, %u, %s : vector<64xi8> -> vector<16xi32>
  return %r : vector<16xi32>
}

// AVXVNNI-LABEL: func.func @ymm
// AVXVNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%arg0, %arg1, %arg2) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// Without the promise that vpmaddubsw cannot saturate: portable code.
// AVX2-LABEL: func.func @ymm
// AVX2-NOT: llvm.call_intrinsic
// AVX2: vector.shuffle
// AVX512-LABEL: func.func @ymm
// AVX512-NOT: llvm.call_intrinsic
func.func @ymm(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>) -> vector<8xi32> {
  %r = lowbit.dot4 %acc, %u, %s : vector<32xi8> -> vector<8xi32>
  return %r : vector<8xi32>
}

// AVX2-LABEL: func.func @ymm_pairs
// AVX2: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%arg1, %arg2) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// AVX2: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// AVX2: %[[Q:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P]], %[[ONES]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// AVX2: arith.addi %arg0, %[[Q]] : vector<8xi32>
// AVXVNNI-LABEL: func.func @ymm_pairs
// AVXVNNI: llvm.x86.avx512.vpdpbusd.256
func.func @ymm_pairs(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>) -> vector<8xi32> {
  %r = lowbit.dot4 %acc, %u, %s pairs_fit_i16 : vector<32xi8> -> vector<8xi32>
  return %r : vector<8xi32>
}

// lowbit.dot2: vpmaddwd (AVX2 and AVX-VNNI CPUs with 8 lanes, AVX-512 BW
// with 16), then the accumulator add.
// AVX2-LABEL: func.func @dot2_ymm
// AVX2: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%arg1, %arg2) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// AVX2: arith.addi %arg0, %[[P]] : vector<8xi32>
// AVXVNNI-LABEL: func.func @dot2_ymm
// AVXVNNI: llvm.x86.avx2.pmadd.wd
// NONE-LABEL: func.func @dot2_ymm
// NONE: %[[A:.*]] = arith.extsi %arg1 : vector<16xi16> to vector<16xi32>
// NONE: %[[B:.*]] = arith.extsi %arg2 : vector<16xi16> to vector<16xi32>
// NONE: %[[P:.*]] = arith.muli %[[A]], %[[B]] : vector<16xi32>
// NONE: %[[E:.*]] = vector.shuffle %[[P]], %[[P]] [0, 2, 4, 6, 8, 10, 12, 14]
// NONE: %[[S:.*]] = arith.addi %arg0, %[[E]] : vector<8xi32>
// NONE: %[[O:.*]] = vector.shuffle %[[P]], %[[P]] [1, 3, 5, 7, 9, 11, 13, 15]
// NONE: arith.addi %[[S]], %[[O]] : vector<8xi32>
func.func @dot2_ymm(%acc: vector<8xi32>, %a: vector<16xi16>, %w: vector<16xi16>) -> vector<8xi32> {
  %r = lowbit.dot2 %acc, %a, %w : vector<16xi16> -> vector<8xi32>
  return %r : vector<8xi32>
}

// AVX512-LABEL: func.func @dot2_zmm
// AVX512: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"(%arg1, %arg2) : (vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// AVX2-LABEL: func.func @dot2_zmm
// AVX2-NOT: llvm.call_intrinsic
// AVX2: return
func.func @dot2_zmm(%acc: vector<16xi32>, %a: vector<32xi16>, %w: vector<32xi16>) -> vector<16xi32> {
  %r = lowbit.dot2 %acc, %a, %w : vector<32xi16> -> vector<16xi32>
  return %r : vector<16xi32>
}

// NEON-LABEL: func.func @sdot
// NEON: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%arg0, %arg1, %arg2) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// A signed lhs is not what vpdpbusd multiplies: portable code, which
// sign-extends both sides.
// AVX512-LABEL: func.func @sdot
// AVX512-NOT: llvm.call_intrinsic
// NONE-LABEL: func.func @sdot
// NONE: arith.extsi %arg1 : vector<16xi8> to vector<16xi32>
// NONE: arith.extsi %arg2 : vector<16xi8> to vector<16xi32>
func.func @sdot(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %r = lowbit.dot4 %acc, %a, %w signed_lhs : vector<16xi8> -> vector<4xi32>
  return %r : vector<4xi32>
}

// 16 lanes of signed x signed: no AVX-512 instruction for it.
// AVX512-LABEL: func.func @signed_zmm
// AVX512-NOT: llvm.call_intrinsic
// AVX512: return
// NEON-LABEL: func.func @signed_zmm
// NEON-NOT: llvm.call_intrinsic
// NEON: return
func.func @signed_zmm(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %r = lowbit.dot4 %acc, %a, %w signed_lhs : vector<64xi8> -> vector<16xi32>
  return %r : vector<16xi32>
}

// SSE2-LABEL: func.func @dot2_xmm
// SSE2: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"(%arg1, %arg2) : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
// SSE2: arith.addi %arg0, %[[P]] : vector<4xi32>
// AVX512-LABEL: func.func @dot2_xmm
// AVX512: llvm.x86.sse2.pmadd.wd
// NEON-LABEL: func.func @dot2_xmm
// NEON-NOT: llvm.call_intrinsic
// NEON: vector.shuffle
func.func @dot2_xmm(%acc: vector<4xi32>, %a: vector<8xi16>, %w: vector<8xi16>) -> vector<4xi32> {
  %r = lowbit.dot2 %acc, %a, %w : vector<8xi16> -> vector<4xi32>
  return %r : vector<4xi32>
}
