// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=avx512-vnni | FileCheck %s --check-prefix=AVX512
// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=avx-vnni | FileCheck %s --check-prefix=AVXVNNI
// RUN: lowbit-opt %s --lowbit-lower-dot4=isa=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-opt %s --lowbit-lower-dot4 | FileCheck %s --check-prefix=NONE
// RUN: not lowbit-opt %s --lowbit-lower-dot4=isa=neon 2>&1 | FileCheck %s --check-prefix=BADISA

// BADISA: error: unknown isa 'neon' for --lowbit-lower-dot4; expected none, avx2, avx-vnni or avx512-vnni

// AVX512-LABEL: func.func @zmm
// AVX512: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%arg0, %arg1, %arg2) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// The other instruction sets have no 16-lane form: portable code.
// AVXVNNI-LABEL: func.func @zmm
// AVXVNNI-NOT: llvm.call_intrinsic
// AVXVNNI: vector.multi_reduction
// NONE-LABEL: func.func @zmm
// NONE: %[[U:.*]] = arith.extui %arg1 : vector<64xi8> to vector<64xi32>
// NONE: %[[S:.*]] = arith.extsi %arg2 : vector<64xi8> to vector<64xi32>
// NONE: %[[P:.*]] = arith.muli %[[U]], %[[S]] : vector<64xi32>
// NONE: %[[G:.*]] = vector.shape_cast %[[P]] : vector<64xi32> to vector<16x4xi32>
// NONE: %[[R:.*]] = vector.multi_reduction <add>, %[[G]], %arg0 [1] : vector<16x4xi32> to vector<16xi32>
// NONE: return %[[R]]
func.func @zmm(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi32> {
  %r = lowbit.dot4 %acc, %u, %s : vector<64xi8> -> vector<16xi32>
  return %r : vector<16xi32>
}

// AVXVNNI-LABEL: func.func @ymm
// AVXVNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%arg0, %arg1, %arg2) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// Without the promise that vpmaddubsw cannot saturate: portable code.
// AVX2-LABEL: func.func @ymm
// AVX2-NOT: llvm.call_intrinsic
// AVX2: vector.multi_reduction
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
