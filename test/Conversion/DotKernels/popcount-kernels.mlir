// --lowbit-popcount-kernels: the inner loops of the register-tiled binary
// matmul (K = 256 bits: 4 words) for three kernel sets.
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

// neon counts each word (cnt is one instruction): no carry-save adder.
// RUN: lowbit-opt --lowbit-lower-binary --lowbit-popcount-kernels="isa=neon" %s | FileCheck %s --check-prefix=NEON
// NEON:      arith.xori %{{.*}}, %{{.*}} : vector<2xi64>
// NEON:      %[[XB:.*]] = vector.bitcast %{{.*}} : vector<2xi64> to vector<16xi8>
// NEON-NEXT: %[[C:.*]] = math.ctpop %[[XB]] : vector<16xi8>
// NEON-NEXT: arith.addi %{{.*}}, %[[C]] : vector<16xi8>
// NEON-NOT: arith.ori {{.*}} : vector<2xi64>

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
