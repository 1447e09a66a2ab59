// Lowering of binary / ternary lowbit.conv2d by --lowbit-lower-binary.
// The input is packed per group along its channels into i64 words
// [N, H, W, G, Cw], padded spatially with 0 words; the filter becomes
// [G, O/G, KH, KW, Cw]. Loops (n, oh, ow, g, oc, kh, kw, word), the word
// loop innermost. K = KH * KW * C/G.

// RUN: lowbit-opt --lowbit-lower-binary %s | FileCheck %s

// CHECK-DAG: #[[PK:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-DAG: #[[PKO:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d3, d7)>
// CHECK-DAG: #[[INSD:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d5, d2 * 2 + d6 * 2, d3, d7)>
// CHECK-DAG: #[[FLT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d4, d5, d6, d7)>
// CHECK-DAG: #[[ACC:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[ID5:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[BC5:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d1, d2, d3, d4)>
// CHECK-DAG: #[[WSO:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4, d5)>
// CHECK-DAG: #[[COUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

!tern = !quant.uniform<i2<-1:1>:f32, 0.5>
!i8a = !quant.uniform<i8:f32, 0.05:-3>

// pad_value one, constant 2x2x2x3 filter packed at compile time into
// [G=1, O=2, KH=2, KW=2, Cw=1] words (bit c set where w = -1):
//   o=0: [1,-1,-1] -> 6, [1,1,1] -> 0, [-1,-1,-1] -> 7, [-1,1,1] -> 1
//   o=1: [1,1,-1] -> 4, [-1,1,-1] -> 5, [1,1,1] -> 0, [1,1,1] -> 0
// Padding taps are 0 words (+1), no correction; K = 2 * 2 * 3 = 12.
// CHECK-LABEL: func.func @bb_pad_one(
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 4, 4, 1, 3] : tensor<1x4x4x3xi1> into tensor<1x4x4x1x3xi1>
// CHECK:         tensor.pad %{{.*}} low[0, 0, 0, 0, 0] high[0, 0, 0, 0, 61]
// CHECK:         %[[A:.*]] = linalg.generic {indexing_maps = [#[[PK]], #[[PKO]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME:        outs(%{{.*}} : tensor<1x4x4x1x1xi64>)
// CHECK:         %[[Z:.*]] = arith.constant 0 : i64
// CHECK-NEXT:    %[[AP:.*]] = tensor.pad %[[A]] low[0, 1, 1, 0, 0] high[0, 1, 1, 0, 0]
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      tensor.yield %[[Z]] : i64
// CHECK-NEXT:    } : tensor<1x4x4x1x1xi64> to tensor<1x6x6x1x1xi64>
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[\[\[\[}}6], [0]], {{\[\[}}7], [1]]], {{\[\[\[}}4], [5]], {{\[\[}}0], [0]]]]]> : tensor<1x2x2x2x1xi64>
// CHECK:         %[[POP:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[FLT]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        ins(%[[AP]], %[[W]] : tensor<1x6x6x1x1xi64>, tensor<1x2x2x2x1xi64>) outs(%{{.*}} : tensor<1x5x5x1x2xi32>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i64, %[[Y:[a-z0-9_]+]]: i64, %[[O:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[XOR:.*]] = arith.xori %[[X]], %[[Y]] : i64
// CHECK-NEXT:      %[[C:.*]] = math.ctpop %[[XOR]] : i64
// CHECK-NEXT:      %[[T:.*]] = arith.trunci %[[C]] : i64 to i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[O]], %[[T]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// CHECK:         linalg.generic {indexing_maps = [#[[ID5]], #[[ID5]]], {{.*}} ins(%[[POP]] :
// CHECK:           arith.shli
// CHECK-NEXT:      %[[K:.*]] = arith.constant 12 : i32
// CHECK-NEXT:      arith.subi %[[K]], %{{.*}} : i32
// CHECK-NOT:     linalg.index
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x5x5x1x2xi32> into tensor<1x5x5x2xi32>
func.func @bb_pad_one(%x: tensor<1x4x4x3x!lowbit.binary>) -> tensor<1x5x5x2xf32> {
  %w = lowbit.constant dense<[[[[1, -1, -1], [1, 1, 1]], [[-1, -1, -1], [-1, 1, 1]]], [[[1, 1, -1], [-1, 1, -1]], [[1, 1, 1], [1, 1, 1]]]]> : tensor<2x2x2x3xi8> as tensor<2x2x2x3x!lowbit.binary>
  %0 = lowbit.conv2d %x, %w padding [1, 1, 1, 1] pad_value one : tensor<1x4x4x3x!lowbit.binary>, tensor<2x2x2x3x!lowbit.binary> -> tensor<1x5x5x2xf32>
  return %0 : tensor<1x5x5x2xf32>
}

// pad_value zero with strides [2, 2], dilations [1, 2] and padding
// [top 1, bottom 0, left 2, right 1] on a 2x5x5x3 input, 3x3 kernel:
//   OH = (5 + 1 - 3) / 2 + 1 = 2, OW = (5 + 3 - (2 * 2 + 1)) / 2 + 1 = 2,
//   K = 3 * 3 * 3 = 27.
// Input map (n, oh*2 + kh, ow*2 + kw*2, g, word). The correction:
//   ws[g, oc, kh, kw] = 3 - 2 * #(-1) over the 3 channels (fill 3, subtract
//   2 * bit), and corr[oh, ow, g, oc] = sum of ws over the taps with
//   oh*2 + kh*1 - 1 outside [0, 5) or ow*2 + kw*2 - 2 outside [0, 5),
//   broadcast over the batch and subtracted from the dot products.
// CHECK-LABEL: func.func @bb_pad_zero(
// CHECK:         %[[A:.*]] = linalg.generic {indexing_maps = [#[[PK]], #[[PKO]]], {{.*}} outs(%{{.*}} : tensor<2x5x5x1x1xi64>)
// CHECK:         %[[Z:.*]] = arith.constant 0 : i64
// CHECK-NEXT:    %[[AP:.*]] = tensor.pad %[[A]] low[0, 1, 2, 0, 0] high[0, 0, 1, 0, 0]
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      tensor.yield %[[Z]] : i64
// CHECK-NEXT:    } : tensor<2x5x5x1x1xi64> to tensor<2x6x8x1x1xi64>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 2, 3, 3, 3] : tensor<2x3x3x3xi1> into tensor<1x2x3x3x3xi1>
// CHECK:         %[[W:.*]] = linalg.generic {indexing_maps = [#[[PK]], #[[PKO]]], {{.*}} outs(%{{.*}} : tensor<1x2x3x3x1xi64>)
// CHECK:         %[[POP:.*]] = linalg.generic {indexing_maps = [#[[INSD]], #[[FLT]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        ins(%[[AP]], %[[W]] : tensor<2x6x8x1x1xi64>, tensor<1x2x3x3x1xi64>) outs(%{{.*}} : tensor<2x2x2x1x2xi32>)
// CHECK:           arith.xori
// CHECK:         %[[DOT:.*]] = linalg.generic {indexing_maps = [#[[ID5]], #[[ID5]]]
// CHECK:           arith.constant 27 : i32
// CHECK:         %[[F5:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 2, 3, 3, 3] : tensor<2x3x3x3xi1> into tensor<1x2x3x3x3xi1>
// CHECK:         %[[CG:.*]] = arith.constant 3 : i32
// CHECK:         %[[WSI:.*]] = linalg.fill ins(%[[CG]] : i32) outs(%{{.*}} : tensor<1x2x3x3xi32>)
// CHECK-NEXT:    %[[WS:.*]] = linalg.generic {indexing_maps = [#[[ID5]], #[[WSO]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[F5]] : tensor<1x2x3x3x3xi1>) outs(%[[WSI]] : tensor<1x2x3x3xi32>)
// CHECK-NEXT:    ^bb0(%[[B:[a-z0-9_]+]]: i1, %[[WO:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[BE:.*]] = arith.extui %[[B]] : i1 to i32
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[B2:.*]] = arith.shli %[[BE]], %[[ONE]] : i32
// CHECK-NEXT:      %[[R:.*]] = arith.subi %[[WO]], %[[B2]] : i32
// CHECK-NEXT:      linalg.yield %[[R]] : i32
// CHECK:         %[[CORR:.*]] = linalg.generic {indexing_maps = [#[[CIN]], #[[COUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[WS]] : tensor<1x2x3x3xi32>) outs(%{{.*}} : tensor<2x2x1x2xi32>)
// CHECK-NEXT:    ^bb0(%[[TAP:[a-z0-9_]+]]: i32, %[[CO:[a-z0-9_]+]]: i32):
// Rows: oh * 2 + kh * 1 - 1 outside [0, 5).
// CHECK-NEXT:      %[[OH:.*]] = linalg.index 0 : index
// CHECK-NEXT:      %[[OHI:.*]] = arith.index_cast %[[OH]] : index to i32
// CHECK-NEXT:      %[[KH:.*]] = linalg.index 4 : index
// CHECK-NEXT:      %[[KHI:.*]] = arith.index_cast %[[KH]] : index to i32
// CHECK-NEXT:      %[[SH:.*]] = arith.constant 2 : i32
// CHECK-NEXT:      %[[M1:.*]] = arith.muli %[[OHI]], %[[SH]] : i32
// CHECK-NEXT:      %[[DH:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[M2:.*]] = arith.muli %[[KHI]], %[[DH]] : i32
// CHECK-NEXT:      %[[SUM:.*]] = arith.addi %[[M1]], %[[M2]] : i32
// CHECK-NEXT:      %[[PT:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[POS:.*]] = arith.subi %[[SUM]], %[[PT]] : i32
// CHECK-NEXT:      %[[Z0:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[LO:.*]] = arith.cmpi slt, %[[POS]], %[[Z0]] : i32
// CHECK-NEXT:      %[[H:.*]] = arith.constant 5 : i32
// CHECK-NEXT:      %[[HI:.*]] = arith.cmpi sge, %[[POS]], %[[H]] : i32
// CHECK-NEXT:      %[[ROW:.*]] = arith.ori %[[LO]], %[[HI]] : i1
// Columns: ow * 2 + kw * 2 - 2 outside [0, 5).
// CHECK-NEXT:      %[[OW:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[OWI:.*]] = arith.index_cast %[[OW]] : index to i32
// CHECK-NEXT:      %[[KW:.*]] = linalg.index 5 : index
// CHECK-NEXT:      %[[KWI:.*]] = arith.index_cast %[[KW]] : index to i32
// CHECK-NEXT:      %[[SW:.*]] = arith.constant 2 : i32
// CHECK-NEXT:      %[[M3:.*]] = arith.muli %[[OWI]], %[[SW]] : i32
// CHECK-NEXT:      %[[DW:.*]] = arith.constant 2 : i32
// CHECK-NEXT:      %[[M4:.*]] = arith.muli %[[KWI]], %[[DW]] : i32
// CHECK-NEXT:      %[[SUM2:.*]] = arith.addi %[[M3]], %[[M4]] : i32
// CHECK-NEXT:      %[[PL:.*]] = arith.constant 2 : i32
// CHECK-NEXT:      %[[POS2:.*]] = arith.subi %[[SUM2]], %[[PL]] : i32
// CHECK-NEXT:      %[[Z1:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[LO2:.*]] = arith.cmpi slt, %[[POS2]], %[[Z1]] : i32
// CHECK-NEXT:      %[[W5:.*]] = arith.constant 5 : i32
// CHECK-NEXT:      %[[HI2:.*]] = arith.cmpi sge, %[[POS2]], %[[W5]] : i32
// CHECK-NEXT:      %[[COL:.*]] = arith.ori %[[LO2]], %[[HI2]] : i1
// CHECK-NEXT:      %[[PAD:.*]] = arith.ori %[[ROW]], %[[COL]] : i1
// CHECK-NEXT:      %[[Z2:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[ADD:.*]] = arith.select %[[PAD]], %[[TAP]], %[[Z2]] : i32
// CHECK-NEXT:      %[[ACCU:.*]] = arith.addi %[[CO]], %[[ADD]] : i32
// CHECK-NEXT:      linalg.yield %[[ACCU]] : i32
// CHECK:         %[[C5:.*]] = tensor.expand_shape %[[CORR]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 2, 2, 1, 2] : tensor<2x2x1x2xi32> into tensor<1x2x2x1x2xi32>
// CHECK:         linalg.generic {indexing_maps = [#[[ID5]], #[[BC5]], #[[ID5]]], {{.*}} ins(%[[DOT]], %[[C5]] : tensor<2x2x2x1x2xi32>, tensor<1x2x2x1x2xi32>)
// CHECK-NEXT:    ^bb0(%[[D:[a-z0-9_]+]]: i32, %[[CC:[a-z0-9_]+]]: i32, %{{.*}}: i32):
// CHECK-NEXT:      %[[FIX:.*]] = arith.subi %[[D]], %[[CC]] : i32
// CHECK-NEXT:      linalg.yield %[[FIX]] : i32
func.func @bb_pad_zero(%x: tensor<2x5x5x3x!lowbit.binary>, %w: tensor<2x3x3x3x!lowbit.binary>) -> tensor<2x2x2x2xf32> {
  %0 = lowbit.conv2d %x, %w strides [2, 2] dilations [1, 2] padding [1, 0, 2, 1] pad_value zero : tensor<2x5x5x3x!lowbit.binary>, tensor<2x3x3x3x!lowbit.binary> -> tensor<2x2x2x2xf32>
  return %0 : tensor<2x2x2x2xf32>
}

// groups 2: C = 4 -> [.., G=2, Cg=2] (62 tail bits), filter 4x1x1x2 ->
// [G=2, O/G=2, 1, 1, 2]; K = 1 * 1 * 2 = 2.
// CHECK-LABEL: func.func @bb_groups(
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 3, 3, 2, 2] : tensor<1x3x3x4xi1> into tensor<1x3x3x2x2xi1>
// CHECK:         tensor.pad %{{.*}} low[0, 0, 0, 0, 0] high[0, 0, 0, 0, 62]
// CHECK:         %[[A:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x2x1xi64>)
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 2, 1, 1, 2] : tensor<4x1x1x2xi1> into tensor<2x2x1x1x2xi1>
// CHECK:         %[[W:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2x1x1x1xi64>)
// CHECK:         linalg.generic {indexing_maps = [#[[IN]], #[[FLT]], #[[ACC]]]
// CHECK-SAME:        ins(%[[A]], %[[W]] : tensor<1x3x3x2x1xi64>, tensor<2x2x1x1x1xi64>) outs(%{{.*}} : tensor<1x3x3x2x2xi32>)
// CHECK:         arith.constant 2 : i32
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x3x3x2x2xi32> into tensor<1x3x3x4xi32>
func.func @bb_groups(%x: tensor<1x3x3x4x!lowbit.binary>, %w: tensor<4x1x1x2x!lowbit.binary>) -> tensor<1x3x3x4xf32> {
  %0 = lowbit.conv2d %x, %w groups 2 : tensor<1x3x3x4x!lowbit.binary>, tensor<4x1x1x2x!lowbit.binary> -> tensor<1x3x3x4xf32>
  return %0 : tensor<1x3x3x4xf32>
}

// Ternary input x binary filter: both input planes are padded with 0 words
// (padding taps fall out of the mask), the filter gets an all-ones mask.
// Scale 0.5 * 1.0.
// CHECK-LABEL: func.func @ternary_input(
// CHECK:         arith.cmpi ne, %{{.*}}, %{{.*}} : i2
// CHECK:         arith.cmpi slt, %{{.*}}, %{{.*}} : i2
// CHECK:         %[[AS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x1x1xi64>)
// CHECK:         %[[AM:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x1x1xi64>)
// CHECK:         %[[Z:.*]] = arith.constant 0 : i64
// CHECK-NEXT:    %[[ASP:.*]] = tensor.pad %[[AS]] low[0, 1, 1, 0, 0] high[0, 1, 1, 0, 0]
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      tensor.yield %[[Z]] : i64
// CHECK:         %[[Z2:.*]] = arith.constant 0 : i64
// CHECK-NEXT:    %[[AMP:.*]] = tensor.pad %[[AM]] low[0, 1, 1, 0, 0] high[0, 1, 1, 0, 0]
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      tensor.yield %[[Z2]] : i64
// CHECK:         %[[WS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x1x1x1xi64>)
// CHECK:         %[[ONES:.*]] = arith.constant dense<true> : tensor<1x2x1x1x3xi1>
// CHECK:         tensor.pad %[[ONES]] low[0, 0, 0, 0, 0] high[0, 0, 0, 0, 61]
// CHECK:         %[[WM:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x1x1x1xi64>)
// CHECK:         %{{.*}}:2 = linalg.generic {indexing_maps = [#[[IN]], #[[IN]], #[[FLT]], #[[FLT]], #[[ACC]], #[[ACC]]]
// CHECK-SAME:        ins(%[[ASP]], %[[AMP]], %[[WS]], %[[WM]] :
// CHECK:           arith.andi
// CHECK-NEXT:      arith.xori
// CHECK-NEXT:      arith.andi
// CHECK:         arith.constant dense<5.000000e-01> : tensor<2xf32>
func.func @ternary_input(%x: tensor<1x3x3x3x!tern>, %w: tensor<2x1x1x3x!lowbit.binary>) -> tensor<1x5x5x2xf32> {
  %0 = lowbit.conv2d %x, %w padding [1, 1, 1, 1] : tensor<1x3x3x3x!tern>, tensor<2x1x1x3x!lowbit.binary> -> tensor<1x5x5x2xf32>
  return %0 : tensor<1x5x5x2xf32>
}

// int8 input x binary filter: add/subtract kernel on the stored values,
// the input is padded with its zero point (-3), no packing, no correction.
// CHECK-LABEL: func.func @int8_input(
// CHECK:         %[[ZP:.*]] = arith.constant -3 : i8
// CHECK-NEXT:    %[[P:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      tensor.yield %[[ZP]] : i8
// CHECK-NEXT:    } : tensor<1x3x3x3xi8> to tensor<1x5x5x3xi8>
// CHECK:         %[[X5:.*]] = tensor.expand_shape %[[P]] {{.*}} into tensor<1x5x5x1x3xi8>
// CHECK:         %[[F5:.*]] = tensor.expand_shape %{{.*}} into tensor<1x2x3x3x3xi1>
// CHECK:         linalg.generic {indexing_maps = [#[[IN]], #[[FLT]], #[[ACC]]], {{.*}} ins(%[[X5]], %[[F5]] : tensor<1x5x5x1x3xi8>, tensor<1x2x3x3x3xi1>) outs(%{{.*}} : tensor<1x3x3x1x2xi32>)
// CHECK-NEXT:    ^bb0(%[[X:[a-z0-9_]+]]: i8, %[[B:[a-z0-9_]+]]: i1, %[[O:[a-z0-9_]+]]: i32):
// CHECK-NEXT:      %[[XE:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK-NEXT:      %[[Z:.*]] = arith.constant -3 : i32
// CHECK-NEXT:      %[[XC:.*]] = arith.subi %[[XE]], %[[Z]] : i32
// CHECK-NEXT:      %[[Z0:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[NEG:.*]] = arith.subi %[[Z0]], %[[XC]] : i32
// CHECK-NEXT:      %[[SEL:.*]] = arith.select %[[B]], %[[NEG]], %[[XC]] : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[O]], %[[SEL]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// CHECK-NOT:     math.ctpop
// CHECK-NOT:     linalg.index
// CHECK:         arith.constant dense<5.000000e-02> : tensor<2xf32>
func.func @int8_input(%x: tensor<1x3x3x3x!i8a>, %w: tensor<2x3x3x3x!lowbit.binary>) -> tensor<1x3x3x2xf32> {
  %0 = lowbit.conv2d %x, %w padding [1, 1, 1, 1] : tensor<1x3x3x3x!i8a>, tensor<2x3x3x3x!lowbit.binary> -> tensor<1x3x3x2xf32>
  return %0 : tensor<1x3x3x2xf32>
}
