// --lowbit-lower-parallel-dispatch: a dispatch declaration gets a body that
// stores its captures in a stack structure and hands [0, n) to
// lowbit_parallel_for with an entry function that loads them and calls
// the task.
// RUN: lowbit-opt --lowbit-lower-parallel-dispatch %s | FileCheck %s

// CHECK: llvm.func internal @t_dispatch(%[[N:.*]]: i64, %[[P:.*]]: !llvm.ptr, %[[S:.*]]: f32)
// CHECK-NOT: lowbit.parallel_dispatch
// CHECK: %[[FRAME:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, f32)>
// CHECK: %[[F0:.*]] = llvm.getelementptr %[[FRAME]][0, 0]
// CHECK: llvm.store %[[P]], %[[F0]]
// CHECK: %[[F1:.*]] = llvm.getelementptr %[[FRAME]][0, 1]
// CHECK: llvm.store %[[S]], %[[F1]]
// CHECK: %[[ENTRY:.*]] = llvm.mlir.addressof @t_entry
// CHECK: %[[T:.*]] = llvm.mlir.constant(4 : i32)
// CHECK: llvm.call @lowbit_parallel_for(%[[ENTRY]], %[[FRAME]], %[[N]], %[[T]])
// CHECK: llvm.func internal @t_entry(%[[CTX:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK: %[[L0:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[L1:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: llvm.call @t(%[[B]], %[[E]], %[[L0]], %[[L1]])
// CHECK: llvm.func @lowbit_parallel_for(!llvm.ptr, !llvm.ptr, i64, i32)
llvm.func internal @t(%b: i64, %e: i64, %p: !llvm.ptr, %s: f32) {
  llvm.return
}
llvm.func @t_dispatch(i64, !llvm.ptr, f32) attributes {lowbit.parallel_dispatch = {task = @t, threads = 4 : i32}}
