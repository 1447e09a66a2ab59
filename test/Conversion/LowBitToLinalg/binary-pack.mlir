// Lowering of lowbit.pack / lowbit.unpack by --lowbit-lower-binary.
// pack: the i1 bits (1 = -1) are padded with 0 to a whole number of words,
// split into [..., Kw, W], and OR-reduced as (zext(bit) << index) over the
// W dim, least-significant bit first. unpack: bit k is
// trunc(word[k floordiv W] >> (k mod W)). Ternary values use a mask plane
// (v != 0) and a sign plane (v < 0).

// RUN: lowbit-opt --lowbit-lower-binary %s | FileCheck %s

// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[W64:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 64)>
// CHECK-DAG: #[[W32:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 32)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>

!tern = !quant.uniform<i2<-1:1>:f32, 0.5>

// K = 100 into i64: 2 words, 128 - 100 = 28 tail bits of 0.
// CHECK-LABEL: func.func @pack_binary_i64(
// CHECK:         %[[F:.*]] = arith.constant false
// CHECK-NEXT:    %[[P:.*]] = tensor.pad %{{.*}} low[0, 0] high[0, 28]
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      tensor.yield %[[F]] : i1
// CHECK-NEXT:    } : tensor<4x100xi1> to tensor<4x128xi1>
// CHECK-NEXT:    %[[E:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2]] output_shape [4, 2, 64] : tensor<4x128xi1> into tensor<4x2x64xi1>
// CHECK:         %[[Z:.*]] = arith.constant 0 : i64
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[Z]] : i64) outs(%{{.*}} : tensor<4x2xi64>)
// CHECK-NEXT:    %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[RED]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[E]] : tensor<4x2x64xi1>) outs(%[[INIT]] : tensor<4x2xi64>)
// CHECK-NEXT:    ^bb0(%[[B:[a-z0-9_]+]]: i1, %[[O:[a-z0-9_]+]]: i64):
// CHECK-NEXT:      %[[BE:.*]] = arith.extui %[[B]] : i1 to i64
// CHECK-NEXT:      %[[I:.*]] = linalg.index 2 : index
// CHECK-NEXT:      %[[IC:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT:      %[[SH:.*]] = arith.shli %[[BE]], %[[IC]] : i64
// CHECK-NEXT:      %[[OR:.*]] = arith.ori %[[O]], %[[SH]] : i64
// CHECK-NEXT:      linalg.yield %[[OR]] : i64
// CHECK:         return %[[R]] : tensor<4x2xi64>
func.func @pack_binary_i64(%x: tensor<4x100x!lowbit.binary>) -> tensor<4x2xi64> {
  %p = lowbit.pack %x : tensor<4x100x!lowbit.binary> -> tensor<4x2xi64>
  return %p : tensor<4x2xi64>
}

// K = 16 into i8: exactly 2 words, no padding.
// CHECK-LABEL: func.func @pack_binary_i8_exact(
// CHECK-NOT:     tensor.pad
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 2, 8] : tensor<2x16xi1> into tensor<2x2x8xi1>
// CHECK:         arith.constant 0 : i8
// CHECK:         linalg.generic {indexing_maps = [#[[ID3]], #[[RED]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<2x2x8xi1>) outs(%{{.*}} : tensor<2x2xi8>)
// CHECK:           arith.extui %{{.*}} : i1 to i8
// CHECK:           arith.index_cast %{{.*}} : index to i8
// CHECK:           arith.shli %{{.*}}, %{{.*}} : i8
// CHECK:           arith.ori %{{.*}}, %{{.*}} : i8
func.func @pack_binary_i8_exact(%x: tensor<2x16x!lowbit.binary>) -> tensor<2x2xi8> {
  %p = lowbit.pack %x : tensor<2x16x!lowbit.binary> -> tensor<2x2xi8>
  return %p : tensor<2x2xi8>
}

// K = 10 into i8: 2 words, 16 - 10 = 6 tail bits.
// CHECK-LABEL: func.func @pack_binary_i8_tail(
// CHECK:         tensor.pad %{{.*}} low[0, 0] high[0, 6]
// CHECK:         } : tensor<2x10xi1> to tensor<2x16xi1>
// CHECK:         tensor.expand_shape %{{.*}} output_shape [2, 2, 8] : tensor<2x16xi1> into tensor<2x2x8xi1>
// CHECK:         outs(%{{.*}} : tensor<2x2xi8>)
func.func @pack_binary_i8_tail(%x: tensor<2x10x!lowbit.binary>) -> tensor<2x2xi8> {
  %p = lowbit.pack %x : tensor<2x10x!lowbit.binary> -> tensor<2x2xi8>
  return %p : tensor<2x2xi8>
}

// CHECK-LABEL: func.func @unpack_binary_i64(
// CHECK-SAME:      %[[W:[a-z0-9_]+]]: tensor<4x2xi64>
// CHECK:         %[[U:.*]] = linalg.generic {indexing_maps = [#[[W64]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[W]] : tensor<4x2xi64>) outs(%{{.*}} : tensor<4x100xi1>)
// CHECK-NEXT:    ^bb0(%[[V:[a-z0-9_]+]]: i64, %{{.*}}: i1):
// CHECK-NEXT:      %[[K:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[C64:.*]] = arith.constant 64 : index
// CHECK-NEXT:      %[[POS:.*]] = arith.remui %[[K]], %[[C64]] : index
// CHECK-NEXT:      %[[PC:.*]] = arith.index_cast %[[POS]] : index to i64
// CHECK-NEXT:      %[[SH:.*]] = arith.shrui %[[V]], %[[PC]] : i64
// CHECK-NEXT:      %[[BIT:.*]] = arith.trunci %[[SH]] : i64 to i1
// CHECK-NEXT:      linalg.yield %[[BIT]] : i1
// CHECK:         builtin.unrealized_conversion_cast %[[U]] : tensor<4x100xi1> to tensor<4x100x!lowbit.binary>
func.func @unpack_binary_i64(%p: tensor<4x2xi64>) -> tensor<4x100x!lowbit.binary> {
  %u = lowbit.unpack %p : tensor<4x2xi64> -> tensor<4x100x!lowbit.binary>
  return %u : tensor<4x100x!lowbit.binary>
}

// Ternary K = 70 into i32: 3 words, 96 - 70 = 26 tail bits; results are
// (mask, sign).
// CHECK-LABEL: func.func @pack_ternary_i32(
// CHECK:         %[[M:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]]], {{.*}} ins(%{{.*}} : tensor<4x70xi2>) outs(%{{.*}} : tensor<4x70xi1>)
// CHECK:           arith.cmpi ne, %{{.*}}, %{{.*}} : i2
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]]], {{.*}} ins(%{{.*}} : tensor<4x70xi2>) outs(%{{.*}} : tensor<4x70xi1>)
// CHECK:           arith.cmpi slt, %{{.*}}, %{{.*}} : i2
// CHECK:         tensor.pad %[[M]] low[0, 0] high[0, 26]
// CHECK:         tensor.expand_shape %{{.*}} output_shape [4, 3, 32] : tensor<4x96xi1> into tensor<4x3x32xi1>
// CHECK:         %[[MW:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[RED]]], {{.*}} outs(%{{.*}} : tensor<4x3xi32>)
// CHECK:           arith.shli %{{.*}}, %{{.*}} : i32
// CHECK:           arith.ori %{{.*}}, %{{.*}} : i32
// CHECK:         tensor.pad %[[S]] low[0, 0] high[0, 26]
// CHECK:         %[[SW:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[RED]]], {{.*}} outs(%{{.*}} : tensor<4x3xi32>)
// CHECK:         return %[[MW]], %[[SW]] : tensor<4x3xi32>, tensor<4x3xi32>
func.func @pack_ternary_i32(%t: tensor<4x70x!tern>) -> (tensor<4x3xi32>, tensor<4x3xi32>) {
  %m, %s = lowbit.pack %t : tensor<4x70x!tern> -> tensor<4x3xi32>, tensor<4x3xi32>
  return %m, %s : tensor<4x3xi32>, tensor<4x3xi32>
}

// unpack of ternary planes: v = mask ? (sign ? -1 : 1) : 0.
// CHECK-LABEL: func.func @unpack_ternary_i32(
// CHECK-SAME:      %[[MW:[a-z0-9_]+]]: tensor<4x3xi32>, %[[SW:[a-z0-9_]+]]: tensor<4x3xi32>
// CHECK:         %[[M:.*]] = linalg.generic {indexing_maps = [#[[W32]], #[[ID2]]], {{.*}} ins(%[[MW]] : tensor<4x3xi32>) outs(%{{.*}} : tensor<4x70xi1>)
// CHECK:           arith.constant 32 : index
// CHECK:           arith.shrui %{{.*}}, %{{.*}} : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i1
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [#[[W32]], #[[ID2]]], {{.*}} ins(%[[SW]] : tensor<4x3xi32>) outs(%{{.*}} : tensor<4x70xi1>)
// CHECK:         linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]], #[[ID2]]], {{.*}} ins(%[[M]], %[[S]] : tensor<4x70xi1>, tensor<4x70xi1>) outs(%{{.*}} : tensor<4x70xi2>)
// CHECK-NEXT:    ^bb0(%[[MB:[a-z0-9_]+]]: i1, %[[SB:[a-z0-9_]+]]: i1, %{{.*}}: i2):
// CHECK-NEXT:      %[[P1:.*]] = arith.constant 1 : i2
// CHECK-NEXT:      %[[N1:.*]] = arith.constant -1 : i2
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i2
// CHECK-NEXT:      %[[NZ:.*]] = arith.select %[[SB]], %[[N1]], %[[P1]] : i2
// CHECK-NEXT:      %[[V:.*]] = arith.select %[[MB]], %[[NZ]], %[[Z]] : i2
// CHECK-NEXT:      linalg.yield %[[V]] : i2
func.func @unpack_ternary_i32(%m: tensor<4x3xi32>, %s: tensor<4x3xi32>) -> tensor<4x70x!tern> {
  %v = lowbit.unpack %m, %s : tensor<4x3xi32>, tensor<4x3xi32> -> tensor<4x70x!tern>
  return %v : tensor<4x70x!tern>
}

// Words with a dynamic packed dimension are unpacked (only the ceil(K/64)
// words a row needs are read) and packed again, not fed to the popcount
// loop directly, which would read a run-time number of words.
// CHECK-LABEL: func.func @dynamic_words(
// CHECK-SAME:      %[[P:.*]]: tensor<2x?xi64>
// CHECK:         linalg.generic {{.*}} ins(%[[P]] : tensor<2x?xi64>) outs(%{{.*}} : tensor<2x128xi1>)
// CHECK-NOT:     tensor<2x?xi64>
// CHECK:         math.ctpop
func.func @dynamic_words(%p: tensor<2x?xi64>) -> tensor<2x4x!quant.uniform<i32:f32, 1.0>> {
  %a = lowbit.unpack %p : tensor<2x?xi64> -> tensor<2x128x!lowbit.binary>
  %w = lowbit.constant dense<1> : tensor<128x4xi8> as tensor<128x4x!lowbit.binary>
  %c = lowbit.matmul %a, %w : tensor<2x128x!lowbit.binary>, tensor<128x4x!lowbit.binary> -> tensor<2x4x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<2x4x!quant.uniform<i32:f32, 1.0>>
}
