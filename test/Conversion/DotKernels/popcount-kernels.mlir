// --lowbit-popcount-kernels: the inner loops of the register-tiled binary
// matmul (K = 256 bits: 4 words; @bmm_odd 3 words) for three kernel sets.
//
// avx2 (4 channels per vector, 2 x 2 tile): words of two steps go through
// a carry-save adder with a running `ones` word per accumulator
// (ones' = ones ^ x0 ^ x1, twos = (ones & x0) | ((ones ^ x0) & x1)), and
// only `twos` is counted, as bytes; the byte counts and the ones words are
// loop-carried, the counts folded (doubled) per chunk of pairs.
// RUN: lowbit-opt --lowbit-lower-binary --lowbit-popcount-kernels="isa=avx2" %s | FileCheck %s --check-prefix=AVX2
// AVX2:      scf.for {{.*}} iter_args({{.*}}) -> (vector<32xi8>, vector<32xi8>, vector<32xi8>, vector<32xi8>, vector<4xi64>, vector<4xi64>, vector<4xi64>, vector<4xi64>)
// AVX2:        %[[U:.*]] = arith.xori %[[ONES:arg[0-9]+]], %[[X0:[0-9]+]] : vector<4xi64>
// AVX2-NEXT:   %[[A:.*]] = arith.andi %[[ONES]], %[[X0]] : vector<4xi64>
// AVX2-NEXT:   %[[B:.*]] = arith.andi %[[U]], %[[X1:[0-9]+]] : vector<4xi64>
// AVX2-NEXT:   %[[TWOS:.*]] = arith.ori %[[A]], %[[B]] : vector<4xi64>
// AVX2-NEXT:   %[[NEWONES:.*]] = arith.xori %[[U]], %[[X1]] : vector<4xi64>
// AVX2-NEXT:   %[[TB:.*]] = vector.bitcast %[[TWOS]] : vector<4xi64> to vector<32xi8>
// AVX2-NEXT:   %[[CNT:.*]] = math.ctpop %[[TB]] : vector<32xi8>
// AVX2-NEXT:   arith.addi %{{.*}}, %[[CNT]] : vector<32xi8>
// AVX2:        scf.yield
// The last ones words are counted once after the loop.
// AVX2:      vector.bitcast %{{.*}} : vector<4xi64> to vector<32xi8>
// AVX2-NEXT: math.ctpop %{{.*}} : vector<32xi8>

// neon, with an even number of words (4): the paired-word kernel. One
// 128-bit XOR per pixel and channel covers two words (filter [G, blocks,
// pairs, 8 channels, 2 words]); the 8 channels' byte counts are summed by
// pairwise adds (even + odd shuffles, `addp`) and widened into 16-bit
// accumulators whose lanes are the channels. With 3 words (@bmm_odd), each
// word is counted on its own into byte accumulators (2 channels per
// vector); cnt is one instruction, so there is no carry-save adder.
// RUN: lowbit-opt --lowbit-lower-binary --lowbit-popcount-kernels="isa=neon" %s | FileCheck %s --check-prefix=NEON
// NEON: #[[UNROLL:.*]] = #llvm.loop_unroll<disable = true>
// NEON: #{{.*}} = #llvm.loop_annotation<unroll = #[[UNROLL]]>
// NEON-LABEL: func.func @bmm
// NEON:      arith.constant dense<{{.*}}> : tensor<1x1x2x8x2xi64>
// NEON:      scf.for {{.*}} -> (vector<8xi16>, vector<8xi16>, vector<8xi16>, vector<8xi16>)
// NEON:      vector.transfer_read {{.*}} : tensor<1x1x2x8x2xi64>, vector<2xi64>
// NEON:      %[[A:.*]] = vector.transfer_read {{.*}} : tensor<4x4xi64>, vector<2xi64>
// NEON-NEXT: arith.xori %[[A]], %{{.*}} : vector<2xi64>
// NEON-NEXT: vector.bitcast %{{.*}} : vector<2xi64> to vector<16xi8>
// NEON-NEXT: math.ctpop %{{.*}} : vector<16xi8>
// NEON:      vector.shuffle %{{.*}}, %{{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<16xi8>, vector<16xi8>
// NEON-NEXT: vector.shuffle %{{.*}}, %{{.*}} [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<16xi8>, vector<16xi8>
// NEON-NEXT: arith.addi %{{.*}}, %{{.*}} : vector<16xi8>
// NEON:      vector.shuffle %{{.*}}, %{{.*}} [8, 9, 10, 11, 12, 13, 14, 15] : vector<16xi8>, vector<16xi8>
// NEON-NEXT: arith.extui %{{.*}} : vector<8xi8> to vector<8xi16>
// NEON-NEXT: arith.addi %{{.*}}, %{{.*}} : vector<8xi16>
// NEON:      arith.extui %{{.*}} : vector<8xi16> to vector<8xi32>
// NEON-LABEL: func.func @bmm_odd
// NEON:      arith.xori %{{.*}}, %{{.*}} : vector<2xi64>
// NEON:      %[[XB:.*]] = vector.bitcast %{{.*}} : vector<2xi64> to vector<16xi8>
// NEON-NEXT: %[[C:.*]] = math.ctpop %[[XB]] : vector<16xi8>
// NEON-NEXT: arith.addi %{{.*}}, %[[C]] : vector<16xi8>
// NEON-NOT: arith.ori {{.*}} : vector<2xi64>
// The loop over the words of a window position, and the one over kw
// around it, stay rolled (unrolled, the loads of every step spill).
// NEON:      } {llvm.loop_annotation = #[[ROLLED:.*]]}
// NEON-NEXT: scf.yield
// NEON-NEXT: } {llvm.loop_annotation = #[[ROLLED]]}

// avx512-vpopcntdq counts 64-bit lanes directly into the accumulators.
// RUN: lowbit-opt --lowbit-lower-binary --lowbit-popcount-kernels="isa=avx512-vpopcntdq" %s | FileCheck %s --check-prefix=VPOPCNTDQ
// VPOPCNTDQ:      arith.xori %{{.*}}, %{{.*}} : vector<8xi64>
// VPOPCNTDQ:      %[[C:.*]] = math.ctpop %{{.*}} : vector<8xi64>
// VPOPCNTDQ-NEXT: arith.addi %{{.*}}, %[[C]] : vector<8xi64>
// VPOPCNTDQ-NOT:  vector<64xi8>

func.func @bmm(%a: tensor<4x256x!lowbit.binary>) -> tensor<4x8xi32> {
  %w = lowbit.constant dense<1> : tensor<256x8xi8> as tensor<256x8x!lowbit.binary>
  %y = lowbit.matmul %a, %w : tensor<4x256x!lowbit.binary>, tensor<256x8x!lowbit.binary> -> tensor<4x8x!quant.uniform<i32:f32, 1.0>>
  %s = lowbit.storage_cast %y : tensor<4x8x!quant.uniform<i32:f32, 1.0>> to tensor<4x8xi32>
  return %s : tensor<4x8xi32>
}

func.func @bmm_odd(%a: tensor<4x192x!lowbit.binary>) -> tensor<4x8xi32> {
  %w = lowbit.constant dense<1> : tensor<192x8xi8> as tensor<192x8x!lowbit.binary>
  %y = lowbit.matmul %a, %w : tensor<4x192x!lowbit.binary>, tensor<192x8x!lowbit.binary> -> tensor<4x8x!quant.uniform<i32:f32, 1.0>>
  %s = lowbit.storage_cast %y : tensor<4x8x!quant.uniform<i32:f32, 1.0>> to tensor<4x8xi32>
  return %s : tensor<4x8xi32>
}
