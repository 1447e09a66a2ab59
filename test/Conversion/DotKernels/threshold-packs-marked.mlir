// --lowbit-lower-threshold-packs on hand-written generics marked
// lowbit.threshold_pack: one of the pack's form (here with one shared
// threshold, unsigned 8-bit x widened to i32, and 100 channels: a masked
// second word) becomes vector code; a marked generic of any other form is
// an ordinary generic and stays as it is (the mark only names a form the
// lowering may recognize, never a meaning of its own).
// RUN: lowbit-opt --lowbit-lower-threshold-packs %s | FileCheck %s
// RUN: lowbit-opt --lowbit-lower-threshold-packs %s | lowbit-opt --verify-diagnostics > /dev/null

#mx = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#mt = affine_map<(d0, d1, d2) -> (0, 0)>
#mw = affine_map<(d0, d1, d2) -> (d0, d1, d2 floordiv 64)>

// CHECK-LABEL: func.func @pack
// CHECK-NOT:     lowbit.threshold_pack
// CHECK:         vector.transfer_read %{{.*}} : tensor<5x1x100xi8>, vector<64xi8>
// CHECK:         arith.extui %{{.*}} : vector<64xi8> to vector<64xi32>
// CHECK:         tensor.extract %{{.*}} : tensor<1x1xi32>
// CHECK:         arith.cmpi slt, %{{.*}}, %{{.*}} : vector<64xi32>
// CHECK:         vector.create_mask
// CHECK:         vector.bitcast %{{.*}} : vector<64xi1> to vector<1xi64>
// CHECK:         tensor.insert %{{.*}} : tensor<5x1x2xi64>
func.func @pack(%x: tensor<5x1x100xi8>, %t: tensor<1x1xi32>) -> tensor<5x1x2xi64> {
  %c0 = arith.constant 0 : i64
  %e = tensor.empty() : tensor<5x1x2xi64>
  %f = linalg.fill ins(%c0 : i64) outs(%e : tensor<5x1x2xi64>) -> tensor<5x1x2xi64>
  %r = linalg.generic {indexing_maps = [#mx, #mt, #mw], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %t : tensor<5x1x100xi8>, tensor<1x1xi32>) outs(%f : tensor<5x1x2xi64>) attrs = {lowbit.threshold_pack} {
  ^bb0(%a: i8, %b: i32, %o: i64):
    %ax = arith.extui %a : i8 to i32
    %lt = arith.cmpi slt, %ax, %b : i32
    %i = linalg.index 2 : index
    %c64 = arith.constant 64 : index
    %m = arith.remui %i, %c64 : index
    %e1 = arith.extui %lt : i1 to i64
    %mi = arith.index_cast %m : index to i64
    %s = arith.shli %e1, %mi : i64
    %or = arith.ori %o, %s : i64
    linalg.yield %or : i64
  } -> tensor<5x1x2xi64>
  return %r : tensor<5x1x2xi64>
}

// The bit is not c % 64: not a pack.
// CHECK-LABEL: func.func @other_bit
// CHECK:         linalg.generic {{.*}} attrs = {lowbit.threshold_pack}
// CHECK-NOT:     vector.bitcast
func.func @other_bit(%x: tensor<5x1x100xi32>, %t: tensor<1x1xi32>) -> tensor<5x1x2xi64> {
  %c0 = arith.constant 0 : i64
  %e = tensor.empty() : tensor<5x1x2xi64>
  %f = linalg.fill ins(%c0 : i64) outs(%e : tensor<5x1x2xi64>) -> tensor<5x1x2xi64>
  %r = linalg.generic {indexing_maps = [#mx, #mt, #mw], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %t : tensor<5x1x100xi32>, tensor<1x1xi32>) outs(%f : tensor<5x1x2xi64>) attrs = {lowbit.threshold_pack} {
  ^bb0(%a: i32, %b: i32, %o: i64):
    %lt = arith.cmpi slt, %a, %b : i32
    %i = linalg.index 2 : index
    %c32 = arith.constant 32 : index
    %m = arith.remui %i, %c32 : index
    %e1 = arith.extui %lt : i1 to i64
    %mi = arith.index_cast %m : index to i64
    %s = arith.shli %e1, %mi : i64
    %or = arith.ori %o, %s : i64
    linalg.yield %or : i64
  } -> tensor<5x1x2xi64>
  return %r : tensor<5x1x2xi64>
}

// x >= tau instead of x < tau: not a pack.
// CHECK-LABEL: func.func @other_predicate
// CHECK:         linalg.generic {{.*}} attrs = {lowbit.threshold_pack}
// CHECK:           arith.cmpi sge
func.func @other_predicate(%x: tensor<5x1x100xi32>, %t: tensor<1x1xi32>) -> tensor<5x1x2xi64> {
  %c0 = arith.constant 0 : i64
  %e = tensor.empty() : tensor<5x1x2xi64>
  %f = linalg.fill ins(%c0 : i64) outs(%e : tensor<5x1x2xi64>) -> tensor<5x1x2xi64>
  %r = linalg.generic {indexing_maps = [#mx, #mt, #mw], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %t : tensor<5x1x100xi32>, tensor<1x1xi32>) outs(%f : tensor<5x1x2xi64>) attrs = {lowbit.threshold_pack} {
  ^bb0(%a: i32, %b: i32, %o: i64):
    %lt = arith.cmpi sge, %a, %b : i32
    %i = linalg.index 2 : index
    %c64 = arith.constant 64 : index
    %m = arith.remui %i, %c64 : index
    %e1 = arith.extui %lt : i1 to i64
    %mi = arith.index_cast %m : index to i64
    %s = arith.shli %e1, %mi : i64
    %or = arith.ori %o, %s : i64
    linalg.yield %or : i64
  } -> tensor<5x1x2xi64>
  return %r : tensor<5x1x2xi64>
}
