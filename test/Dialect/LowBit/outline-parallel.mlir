// --lowbit-outline-parallel: a loop marked lowbit.parallel and a large
// scf.parallel become tasks over [begin, end) of their (first multi-
// iteration) dimension, called through declared dispatch functions; views
// and constants are re-created inside the task, buffers and scalars are
// passed. Loops that are small, carry values or capture buffers of run-time
// shape stay; with threads=1 nothing changes.
// RUN: lowbit-opt --lowbit-outline-parallel="threads=2 min-iterations=64" %s | FileCheck %s
// RUN: lowbit-opt --lowbit-outline-parallel="threads=2" %s | FileCheck %s --check-prefix=BIGMIN
// RUN: lowbit-opt --lowbit-outline-parallel="threads=1" %s | FileCheck %s --check-prefix=ONE

// CHECK-LABEL: func.func private @f_par0(
// CHECK-SAME: %[[B:.*]]: index, %[[E:.*]]: index, %[[IN:.*]]: memref<64x64xf32>, %[[W:.*]]: memref<64xf32>, %[[S:.*]]: f32, %[[OUT:.*]]: memref<64x64xf32>)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: %[[SUB:.*]] = memref.subview %[[IN]]
// CHECK: %[[LO:.*]] = arith.addi %c0{{.*}}, %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %c64{{.*}}, %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[LO]] to %[[HI]] step
// CHECK-NOT: lowbit.parallel
// CHECK: memref.load %[[SUB]]
// CHECK: func.func private @f_par0_dispatch(index, memref<64x64xf32>, memref<64xf32>, f32, memref<64x64xf32>) attributes {lowbit.parallel_dispatch = {task = @f_par0, threads = 2 : i32}}
// CHECK-LABEL: func.func private @f_par1(
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%c0{{.*}}, %{{.*}}) to (%c1{{.*}}, %{{.*}})
// CHECK: func.func private @f_par1_dispatch(index, f32, memref<64x64xf32>)
// CHECK-LABEL: func.func @f(
// CHECK: call @f_par0_dispatch(%c64{{.*}}, %arg0, %{{.*}}, %arg2, %arg1)
// CHECK: call @f_par1_dispatch(%c64{{.*}}, %arg2, %arg1)
// CHECK-LABEL: func.func @dynamic(
// CHECK: scf.for
// CHECK-LABEL: func.func @carried(
// CHECK: scf.for

// The scf.parallel has 64 iterations, below the default threshold.
// BIGMIN: call @f_par0_dispatch
// BIGMIN-NOT: f_par1
// BIGMIN: scf.parallel
// ONE-NOT: dispatch

memref.global "private" constant @w : memref<64xf32> = dense<1.0>
func.func @f(%in: memref<64x64xf32>, %out: memref<64x64xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %w = memref.get_global @w : memref<64xf32>
  %sub = memref.subview %in[0, 0] [64, 32] [1, 1] : memref<64x64xf32> to memref<64x32xf32, strided<[64, 1]>>
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c64 step %c1 {
      %x = memref.load %in[%i, %j] : memref<64x64xf32>
      %y = memref.load %w[%j] : memref<64xf32>
      %k = arith.remui %j, %c1 : index
      %z = memref.load %sub[%i, %k] : memref<64x32xf32, strided<[64, 1]>>
      %p = arith.mulf %x, %y : f32
      %q = arith.addf %p, %z : f32
      %r = arith.mulf %q, %s : f32
      memref.store %r, %out[%i, %j] : memref<64x64xf32>
    }
  } {lowbit.parallel}
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1, %c64) step (%c1, %c1) {
    memref.store %s, %out[%i, %j] : memref<64x64xf32>
  }
  return
}

func.func @dynamic(%buf: memref<?xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %s, %buf[%i] : memref<?xf32>
  } {lowbit.parallel}
  return
}

func.func @carried(%s: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %s) -> f32 {
    %b = arith.addf %a, %s : f32
    scf.yield %b : f32
  } {lowbit.parallel}
  return %r : f32
}
