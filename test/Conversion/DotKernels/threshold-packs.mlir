// The packed sign between layers. --lowbit-lower-binary writes the binary
// result of an integer lowbit.threshold that feeds a binary layer as a
// linalg.generic marked lowbit.threshold_pack (PACK): bit c % 64 of word
// c / 64 is x < tau. --lowbit-popcount-kernels and --lowbit-dot-kernels
// store such a pack from the registers of the kernel that computes x, so
// the int32 results are never written (KERNELS); the packs no kernel took
// become vector code, one 64-lane comparison per word (LOWER).
// RUN: lowbit-opt --lowbit-lower-binary %s | FileCheck %s --check-prefix=PACK
// RUN: lowbit-opt --lowbit-lower-binary --lowbit-lower-quantized --canonicalize \
// RUN:   --lowbit-popcount-kernels="isa=avx512-vpopcntdq" \
// RUN:   --lowbit-dot-kernels="isa=avx512-vnni" %s \
// RUN:   | FileCheck %s --check-prefix=KERNELS
// RUN: lowbit-opt --lowbit-lower-binary --lowbit-lower-quantized --canonicalize \
// RUN:   --lowbit-lower-threshold-packs %s | FileCheck %s --check-prefix=LOWER
// RUN: lowbit-opt --lowbit-lower-binary --lowbit-lower-quantized --canonicalize \
// RUN:   --lowbit-dot-kernels="isa=avx2" %s | FileCheck %s --check-prefix=AVX2

// 96 channels (two words, the second half full) from a 3x3 binary conv,
// packed for a 1x1 binary conv. The kernel (7 pixels x 16 channels, the
// tile that fits a row of 7) compares its 64-bit popcounts with
// floor((K - tau) / 2) + 1 and ORs each row's 16 bits into its word.
// PACK-DAG:   #[[$MX:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// PACK-DAG:   #[[$MT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// PACK-DAG:   #[[$MW:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4 floordiv 64)>
// PACK-LABEL: func.func @chain
// PACK:         %[[X:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 6, 7, 1, 96] : tensor<1x6x7x96xi32> into tensor<1x6x7x1x96xi32>
// PACK:         %[[T:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 96] : tensor<96xi32> into tensor<1x96xi32>
// PACK:         %[[Z:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<1x6x7x1x2xi64>)
// PACK:         linalg.generic {indexing_maps = [#[[$MX]], #[[$MT]], #[[$MW]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// PACK-SAME:        ins(%[[X]], %[[T]] : tensor<1x6x7x1x96xi32>, tensor<1x96xi32>) outs(%[[Z]] : tensor<1x6x7x1x2xi64>) attrs = {lowbit.threshold_pack}
// PACK:           arith.cmpi slt
// PACK:           linalg.index 4
// PACK:           arith.remui
// PACK:           arith.shli
// PACK:           arith.ori

// KERNELS-LABEL: func.func @chain
// KERNELS-NOT:     lowbit.threshold_pack
// KERNELS-NOT:     vector.transfer_write {{.*}} tensor<1x6x7x1x96xi32>
// KERNELS:         arith.cmpi sge, %{{.*}}, %{{.*}} : vector<8xi64>
// KERNELS:         vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xi1>, vector<8xi1>
// KERNELS:         vector.bitcast %{{.*}} : vector<16xi1> to vector<1xi16>
// KERNELS:         tensor.extract %{{.*}} : tensor<1x6x7x1x2xi64>
// KERNELS:         arith.ori
// KERNELS:         tensor.insert %{{.*}} : tensor<1x6x7x1x2xi64>
// Tiles of 16 channels OR into words they share: only the loop over output
// rows (oh) may be split across threads, not the one over channel tiles.
// KERNELS:         scf.yield %{{.*}} : tensor<1x6x7x1x2xi64>
// KERNELS-NEXT:    {{^ *[}]$}}
// KERNELS-NEXT:    scf.yield %{{.*}} : tensor<1x6x7x1x2xi64>
// KERNELS-NEXT:    {{^ *[}]$}}
// KERNELS-NEXT:    scf.yield %{{.*}} : tensor<1x6x7x1x2xi64>
// KERNELS-NEXT:    {{^ *[}]$}}
// KERNELS-NEXT:    scf.yield %{{.*}} : tensor<1x6x7x1x2xi64>
// KERNELS-NEXT:    } {lowbit.parallel}

// LOWER-LABEL: func.func @chain
// LOWER-NOT:     lowbit.threshold_pack
// LOWER:         scf.for
// LOWER:         vector.transfer_read %{{.*}} : tensor<1x6x7x1x96xi32>, vector<64xi32>
// LOWER:         vector.transfer_read %{{.*}} : tensor<1x96xi32>, vector<64xi32>
// LOWER:         arith.cmpi slt, %{{.*}}, %{{.*}} : vector<64xi32>
// LOWER:         vector.create_mask %{{.*}} : vector<64xi1>
// LOWER:         vector.bitcast %{{.*}} : vector<64xi1> to vector<1xi64>
// LOWER:         tensor.insert %{{.*}} : tensor<1x6x7x1x2xi64>
func.func @chain(%x: tensor<1x6x7x64x!lowbit.binary>) -> tensor<1x6x7x16x!quant.uniform<i32:f32, 1.0>> {
  %w1 = lowbit.constant dense<1> : tensor<96x3x3x64xi8> as tensor<96x3x3x64x!lowbit.binary>
  %a = lowbit.conv2d %x, %w1 padding [1, 1, 1, 1] pad_value one : tensor<1x6x7x64x!lowbit.binary>, tensor<96x3x3x64x!lowbit.binary> -> tensor<1x6x7x96x!quant.uniform<i32:f32, 1.0>>
  %t = arith.constant dense<3> : tensor<96x1xi32>
  %s = lowbit.threshold %a, %t : tensor<1x6x7x96x!quant.uniform<i32:f32, 1.0>>, tensor<96x1xi32> -> tensor<1x6x7x96x!lowbit.binary>
  %w2 = lowbit.constant dense<1> : tensor<16x1x1x96xi8> as tensor<16x1x1x96x!lowbit.binary>
  %y = lowbit.conv2d %s, %w2 : tensor<1x6x7x96x!lowbit.binary>, tensor<16x1x1x96x!lowbit.binary> -> tensor<1x6x7x16x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x6x7x16x!quant.uniform<i32:f32, 1.0>>
}

// Zero padding: the kernel subtracts the border correction from the int32
// dot products and compares those with the one shared threshold.
// KERNELS-LABEL: func.func @zero_pad
// KERNELS-NOT:     lowbit.threshold_pack
// KERNELS:         vector.transfer_read %{{.*}} : tensor<1x6x7x1x64xi32>, vector<8xi32>
// KERNELS:         arith.subi %{{.*}}, %{{.*}} : vector<8xi32>
// KERNELS:         vector.broadcast %{{.*}} : i32 to vector<8xi32>
// KERNELS:         arith.cmpi slt, %{{.*}}, %{{.*}} : vector<8xi32>
// KERNELS:         tensor.insert %{{.*}} : tensor<1x6x7x1x1xi64>
func.func @zero_pad(%x: tensor<1x6x7x64x!lowbit.binary>) -> tensor<1x6x7x16x!quant.uniform<i32:f32, 1.0>> {
  %w1 = lowbit.constant dense<1> : tensor<64x3x3x64xi8> as tensor<64x3x3x64x!lowbit.binary>
  %a = lowbit.conv2d %x, %w1 padding [1, 1, 1, 1] : tensor<1x6x7x64x!lowbit.binary>, tensor<64x3x3x64x!lowbit.binary> -> tensor<1x6x7x64x!quant.uniform<i32:f32, 1.0>>
  %t = arith.constant dense<-2> : tensor<1x1xi32>
  %s = lowbit.threshold %a, %t : tensor<1x6x7x64x!quant.uniform<i32:f32, 1.0>>, tensor<1x1xi32> -> tensor<1x6x7x64x!lowbit.binary>
  %w2 = lowbit.constant dense<1> : tensor<16x1x1x64xi8> as tensor<16x1x1x64x!lowbit.binary>
  %y = lowbit.conv2d %s, %w2 : tensor<1x6x7x64x!lowbit.binary>, tensor<16x1x1x64x!lowbit.binary> -> tensor<1x6x7x16x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x6x7x16x!quant.uniform<i32:f32, 1.0>>
}

// The sign is also returned unpacked: the int32 results have another
// reader, so the kernel stores them and the pack stays for the lowering.
// KERNELS-LABEL: func.func @also_returned
// KERNELS:         vector.transfer_write %{{.*}} : vector<8xi32>, tensor<4x64xi32>
// KERNELS:         linalg.generic {{.*}} attrs = {lowbit.threshold_pack}
func.func @also_returned(%x: tensor<4x64x!lowbit.binary>) -> (tensor<4x64x!lowbit.binary>, tensor<4x8x!quant.uniform<i32:f32, 1.0>>) {
  %w1 = lowbit.constant dense<1> : tensor<64x64xi8> as tensor<64x64x!lowbit.binary>
  %a = lowbit.matmul %x, %w1 : tensor<4x64x!lowbit.binary>, tensor<64x64x!lowbit.binary> -> tensor<4x64x!quant.uniform<i32:f32, 1.0>>
  %t = arith.constant dense<0> : tensor<64x1xi32>
  %s = lowbit.threshold %a, %t : tensor<4x64x!quant.uniform<i32:f32, 1.0>>, tensor<64x1xi32> -> tensor<4x64x!lowbit.binary>
  %w2 = lowbit.constant dense<1> : tensor<64x8xi8> as tensor<64x8x!lowbit.binary>
  %y = lowbit.matmul %s, %w2 : tensor<4x64x!lowbit.binary>, tensor<64x8x!lowbit.binary> -> tensor<4x8x!quant.uniform<i32:f32, 1.0>>
  return %s, %y : tensor<4x64x!lowbit.binary>, tensor<4x8x!quant.uniform<i32:f32, 1.0>>
}

// An int8 first layer: its int32 result at the accumulator's scale needs no
// epilogue, and the vpdpbusd kernel's tile row (4 x 16 lanes = 64
// channels) is one whole word, stored without a read.
// KERNELS-LABEL: func.func @int8_stem
// KERNELS-NOT:     lowbit.threshold_pack
// KERNELS:         lowbit.dot4
// KERNELS:         arith.cmpi slt, %{{.*}}, %{{.*}} : vector<16xi32>
// KERNELS:         vector.shuffle %{{.*}}, %{{.*}} {{.*}} : vector<32xi1>, vector<32xi1>
// KERNELS:         vector.bitcast %{{.*}} : vector<64xi1> to vector<1xi64>
// KERNELS-NOT:     tensor.extract %{{.*}} : tensor<1x5x5x1xi64>
// KERNELS:         tensor.insert %{{.*}} : tensor<1x5x5x1xi64>
// With AVX2 a tile holds 16 channels: tiles share words, so their loop
// (inside the one over pixel tiles) is not split across threads.
// AVX2-LABEL: func.func @int8_stem
// AVX2:         arith.ori
// AVX2:         tensor.insert %{{.*}} : tensor<1x5x5x1xi64>
// AVX2:         scf.yield %{{.*}} : tensor<1x5x5x1xi64>
// AVX2-NEXT:    {{^ *[}]$}}
// AVX2-NEXT:    scf.yield %{{.*}} : tensor<1x5x5x1xi64>
// AVX2-NEXT:    } {lowbit.parallel}
func.func @int8_stem(%x: tensor<1x9x9x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x5x5x8x!quant.uniform<i32:f32, 1.0>> {
  %w1 = lowbit.constant dense<3> : tensor<64x3x3x3xi8> as tensor<64x3x3x3x!quant.uniform<i8:f32, 0.25>>
  %a = lowbit.conv2d %x, %w1 strides [2, 2] padding [1, 1, 1, 1] : tensor<1x9x9x3x!quant.uniform<i8:f32, 0.5>>, tensor<64x3x3x3x!quant.uniform<i8:f32, 0.25>> -> tensor<1x5x5x64x!quant.uniform<i32:f32, 0.125>>
  %t = arith.constant dense<7> : tensor<64x1xi32>
  %s = lowbit.threshold %a, %t : tensor<1x5x5x64x!quant.uniform<i32:f32, 0.125>>, tensor<64x1xi32> -> tensor<1x5x5x64x!lowbit.binary>
  %w2 = lowbit.constant dense<1> : tensor<8x1x1x64xi8> as tensor<8x1x1x64x!lowbit.binary>
  %y = lowbit.conv2d %s, %w2 : tensor<1x5x5x64x!lowbit.binary>, tensor<8x1x1x64x!lowbit.binary> -> tensor<1x5x5x8x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x5x5x8x!quant.uniform<i32:f32, 1.0>>
}

// A uint8 first layer with a zero point: -za * sum(w) per channel is added
// after the kernel (an add of constants), which the kernel folds in before
// comparing.
// KERNELS-LABEL: func.func @uint8_stem
// KERNELS-NOT:     lowbit.threshold_pack
// KERNELS:         lowbit.dot4
// KERNELS:         vector.transfer_read %[[OFF:.*]][%{{.*}}], %{{.*}} : tensor<40xi32>, vector<16xi32>
// KERNELS:         arith.addi %{{.*}}, %{{.*}} : vector<16xi32>
// KERNELS:         arith.cmpi slt, %{{.*}}, %{{.*}} : vector<16xi32>
// KERNELS:         tensor.insert %{{.*}} : tensor<1x5x5x1xi64>
func.func @uint8_stem(%x: tensor<1x9x9x3x!quant.uniform<u8:f32, 0.5:120>>) -> tensor<1x5x5x8x!quant.uniform<i32:f32, 1.0>> {
  %w1 = lowbit.constant dense<3> : tensor<40x3x3x3xi8> as tensor<40x3x3x3x!quant.uniform<i8:f32, 0.25>>
  %a = lowbit.conv2d %x, %w1 strides [2, 2] padding [1, 1, 1, 1] : tensor<1x9x9x3x!quant.uniform<u8:f32, 0.5:120>>, tensor<40x3x3x3x!quant.uniform<i8:f32, 0.25>> -> tensor<1x5x5x40x!quant.uniform<i32:f32, 0.125>>
  %t = arith.constant dense<7> : tensor<40x1xi32>
  %s = lowbit.threshold %a, %t : tensor<1x5x5x40x!quant.uniform<i32:f32, 0.125>>, tensor<40x1xi32> -> tensor<1x5x5x40x!lowbit.binary>
  %w2 = lowbit.constant dense<1> : tensor<8x1x1x40xi8> as tensor<8x1x1x40x!lowbit.binary>
  %y = lowbit.conv2d %s, %w2 : tensor<1x5x5x40x!lowbit.binary>, tensor<8x1x1x40x!lowbit.binary> -> tensor<1x5x5x8x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x5x5x8x!quant.uniform<i32:f32, 1.0>>
}

// A ternary result (two thresholds per channel, in either order): the
// pack has two planes, sign b1 & b2 and mask !(b1 ^ b2) with
// b_k = x < t_k, each level's thresholds a row of the transposed [2, C].
// The ternary kernel stores both into words [..., CW, 2].
// PACK-LABEL: func.func @ternary
// PACK:         linalg.transpose ins(%{{.*}} : tensor<64x2xi32>) outs(%{{.*}} : tensor<2x64xi32>) permutation = [1, 0]
// PACK:         %{{.*}}:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x6x6x1x1xi64>, tensor<1x6x6x1x1xi64>) attrs = {lowbit.threshold_pack}
// PACK:           %[[B1:.*]] = arith.cmpi slt
// PACK:           %[[B2:.*]] = arith.cmpi slt
// PACK:           arith.andi %[[B1]], %[[B2]] : i1
// PACK:           %[[D:.*]] = arith.xori %[[B1]], %[[B2]] : i1
// PACK:           arith.xori %[[D]], %{{.*}} : i1
// KERNELS-LABEL: func.func @ternary
// KERNELS-NOT:     lowbit.threshold_pack
// KERNELS:         linalg.fill {{.*}} -> tensor<1x6x6x1x1x2xi64>
// KERNELS:         arith.andi %{{.*}}, %{{.*}} : vector<8xi1>
// KERNELS:         tensor.insert %{{.*}} : tensor<1x6x6x1x1x2xi64>
// KERNELS:         tensor.extract_slice %{{.*}} : tensor<1x6x6x1x1x2xi64> to tensor<1x6x6x1x1x1xi64>
// LOWER-LABEL: func.func @ternary
// LOWER-NOT:     lowbit.threshold_pack
// LOWER:         arith.andi %{{.*}}, %{{.*}} : vector<64xi1>
// LOWER:         arith.xori %{{.*}}, %{{.*}} : vector<64xi1>
// LOWER:         vector.bitcast %{{.*}} : vector<64xi1> to vector<1xi64>
// LOWER:         tensor.insert
// LOWER:         vector.bitcast %{{.*}} : vector<64xi1> to vector<1xi64>
// LOWER:         tensor.insert
func.func @ternary(%x: tensor<1x6x6x64x!quant.uniform<i2<-1:1>:f32, 1.0>>) -> tensor<1x6x6x16x!quant.uniform<i32:f32, 1.0>> {
  %w1 = lowbit.constant dense<1> : tensor<64x3x3x64xi8> as tensor<64x3x3x64x!quant.uniform<i2<-1:1>:f32, 1.0>>
  %a = lowbit.conv2d %x, %w1 padding [1, 1, 1, 1] : tensor<1x6x6x64x!quant.uniform<i2<-1:1>:f32, 1.0>>, tensor<64x3x3x64x!quant.uniform<i2<-1:1>:f32, 1.0>> -> tensor<1x6x6x64x!quant.uniform<i32:f32, 1.0>>
  %tc = arith.constant dense<1> : tensor<64x2xi32>
  %s = lowbit.threshold %a, %tc : tensor<1x6x6x64x!quant.uniform<i32:f32, 1.0>>, tensor<64x2xi32> -> tensor<1x6x6x64x!quant.uniform<i2<-1:1>:f32, 1.0>>
  %w2 = lowbit.constant dense<1> : tensor<16x1x1x64xi8> as tensor<16x1x1x64x!quant.uniform<i2<-1:1>:f32, 1.0>>
  %y = lowbit.conv2d %s, %w2 : tensor<1x6x6x64x!quant.uniform<i2<-1:1>:f32, 1.0>>, tensor<16x1x1x64x!quant.uniform<i2<-1:1>:f32, 1.0>> -> tensor<1x6x6x16x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x6x6x16x!quant.uniform<i32:f32, 1.0>>
}
