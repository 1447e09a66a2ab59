// --lowbit-arena-alias-scopes: accesses traced (through getelementptr) to
// a planned buffer argument get its scope and, as no-alias scopes, those
// of the buffers whose bytes are disjoint from it. Buffers 0 and 2 share
// bytes, so they are never declared disjoint; accesses to other memory get
// no metadata; the marker attribute is dropped.
// RUN: lowbit-opt --lowbit-arena-alias-scopes %s | FileCheck %s

// CHECK-DAG: #[[DOMAIN:.*]] = #llvm.alias_scope_domain<{{.*}}description = "f_body arena">
// CHECK-DAG: #[[S0:.*]] = #llvm.alias_scope<{{.*}}domain = #[[DOMAIN]], description = "buffer 0">
// CHECK-DAG: #[[S1:.*]] = #llvm.alias_scope<{{.*}}domain = #[[DOMAIN]], description = "buffer 1">
// CHECK-DAG: #[[S2:.*]] = #llvm.alias_scope<{{.*}}domain = #[[DOMAIN]], description = "buffer 2">
// CHECK-LABEL: llvm.func internal @f_body(
// CHECK-NOT: lowbit.arena_buffers
// CHECK: llvm.load %arg0 : !llvm.ptr -> f32
// CHECK: llvm.store %{{.*}}, %{{.*}} {alias_scopes = [#[[S0]]], noalias_scopes = [#[[S1]]]}
// CHECK: llvm.load %arg2 {alias_scopes = [#[[S1]]], noalias_scopes = [#[[S0]], #[[S2]]]}
// CHECK: llvm.store %{{.*}}, %arg3 {alias_scopes = [#[[S2]]], noalias_scopes = [#[[S1]]]}
// CHECK: "llvm.intr.memcpy"(%arg3, %arg0, %{{.*}}) <{isVolatile = false}>
// CHECK: "llvm.intr.memcpy"(%arg2, %arg3, %{{.*}}) <{alias_scopes = [#[[S1]], #[[S2]]], isVolatile = false}>
llvm.func internal @f_body(%in: !llvm.ptr, %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: !llvm.ptr) attributes {lowbit.arena_buffers = array<i64: 0, 64, 64, 64, 0, 64>} {
  %0 = llvm.load %in : !llvm.ptr -> f32
  %p = llvm.getelementptr %b0[1] : (!llvm.ptr) -> !llvm.ptr, f32
  llvm.store %0, %p : f32, !llvm.ptr
  %1 = llvm.load %b1 : !llvm.ptr -> f32
  llvm.store %1, %b2 : f32, !llvm.ptr
  %n = llvm.mlir.constant(64 : i64) : i64
  "llvm.intr.memcpy"(%b2, %in, %n) <{isVolatile = false}> : (!llvm.ptr, !llvm.ptr, i64) -> ()
  "llvm.intr.memcpy"(%b1, %b2, %n) <{isVolatile = false}> : (!llvm.ptr, !llvm.ptr, i64) -> ()
  llvm.return
}

// Functions without the marker are untouched.
// CHECK-LABEL: llvm.func @plain(
// CHECK: llvm.store %{{.*}}, %arg0 : f32, !llvm.ptr
llvm.func @plain(%p: !llvm.ptr) {
  %c = llvm.mlir.constant(1.0 : f32) : f32
  llvm.store %c, %p : f32, !llvm.ptr
  llvm.return
}
