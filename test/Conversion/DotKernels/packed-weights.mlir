// Constant weights in the dot kernels stay small: bytes for every kernel
// (the 16-bit SSE2 kernel sign-extends them as it loads them) and, in a
// one-row matmul (each weight read once per call), two 4-bit values to a
// byte: byte j of a weight vector of v values holds value j in its low
// nibble and value j + v/2 in its high one, unpacked by mask, shift and
// (f ^ 8) - 8. With pack-weights=never they are one to a byte.
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels=isa=neon-dotprod --canonicalize | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels="isa=sse2" --canonicalize | FileCheck %s --check-prefix=SSE2
// RUN: lowbit-opt %s --split-input-file --lowbit-dot-kernels="isa=neon-dotprod pack-weights=never" --canonicalize | FileCheck %s --check-prefix=NEVER
// RUN: not lowbit-opt %s --split-input-file --lowbit-dot-kernels="pack-weights=tight" 2>&1 | FileCheck %s --check-prefix=BAD

// The first vector of the (NEON dotprod) layout holds, for channels 0-3,
// K rows 0-3: [1, 5, 0, -1, -2, -6, 1, -2, 3, 7, 2, -3, -4, -8, 3, -4];
// byte 0 = 1 | 3 << 4 = 49, byte 3 = 15 | 13 << 4 = 223 = -33.
// CHECK-LABEL: func.func @gemv_i4
// CHECK-DAG: %[[HALF:.*]] = arith.constant dense<8> : vector<8xi8>
// CHECK-DAG: %[[MASK:.*]] = arith.constant dense<15> : vector<8xi8>
// CHECK-DAG: %[[FOUR:.*]] = arith.constant dense<4> : vector<8xi8>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[\[}}49, 117, 32, -33, -50, -118, 49, -50], [87, -88, 17, 31, 70, -71, 17, 0]]]]]> : tensor<1x1x1x2x8xi8>
// CHECK: %[[B:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x1x1x2x8xi8>, vector<8xi8>
// CHECK: %[[LO:.*]] = arith.andi %[[B]], %[[MASK]]
// CHECK: %[[LOX:.*]] = arith.xori %[[LO]], %[[HALF]]
// CHECK: %[[LOS:.*]] = arith.subi %[[LOX]], %[[HALF]]
// CHECK: %[[HI:.*]] = arith.shrui %[[B]], %[[FOUR]]
// CHECK: %[[HIX:.*]] = arith.xori %[[HI]], %[[HALF]]
// CHECK: %[[HIS:.*]] = arith.subi %[[HIX]], %[[HALF]]
// CHECK: %[[V:.*]] = vector.shuffle %[[LOS]], %[[HIS]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xi8>, vector<8xi8>
// CHECK: lowbit.dot4 %{{.*}}, %{{.*}}, %[[V]]

// SSE2-LABEL: func.func @gemv_i4
// SSE2: arith.constant dense<{{\[\[\[\[\[}}49, 117, -50, -118], [32, -33, 49, -50], [87, -88, 70, -71], [17, 31, 17, 0]]]]]> : tensor<1x1x1x4x4xi8>
// SSE2: %[[V:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xi8>, vector<4xi8>
// SSE2: arith.extsi %[[V]] : vector<8xi8> to vector<8xi16>

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
