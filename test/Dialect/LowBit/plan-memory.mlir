// --lowbit-plan-memory: statically shaped buffers share one arena by live
// range (a buffer lives until the last use of any alias, here a subview);
// the body takes them as arguments, <name>_with_scratch makes them views of
// the caller's memory, <name> allocates that memory itself. A buffer of
// run-time size stays on the heap.
// RUN: lowbit-opt --lowbit-plan-memory %s | FileCheck %s
// RUN: lowbit-opt --lowbit-plan-memory=report=1 %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not lowbit-opt --lowbit-plan-memory=alignment=24 %s 2>&1 | FileCheck %s --check-prefix=ALIGN

// CHECK: module attributes {lowbit.memory_plans = {chain = {alignment = 64 : i64, buffers = 4 : i64, heap_buffers = 1 : i64, peak_bytes = 192 : i64, scratch_bytes = 192 : i64, weight_bytes = 16 : i64}, nothing = {alignment = 64 : i64, buffers = 0 : i64, heap_buffers = 0 : i64, peak_bytes = 0 : i64, scratch_bytes = 0 : i64, weight_bytes = 0 : i64}}}

// REPORT: remark: memory plan: scratch 192 bytes for 4 buffers (peak of live buffers 192 bytes), 16 weight bytes, 1 heap allocations left
// ALIGN: error: --lowbit-plan-memory: alignment 24 is not a power of two of at least 16

memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[IN:.*]]: memref<16xf32>, %[[N:.*]]: index, %[[OUT:.*]]: memref<16xf32>) -> i32
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<192xi8>
// CHECK: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK: scf.if
// CHECK: arith.constant 2 : i32
// CHECK: else
// CHECK: func.call @chain_with_scratch(%[[IN]], %[[N]], %[[OUT]], %[[ARENA]])

// CHECK-LABEL: func.func @chain_with_scratch(
// CHECK-SAME: %{{.*}}: memref<192xi8> {llvm.noalias}) -> i32
// CHECK: arith.constant 63 : index
// CHECK: scf.if
// CHECK: arith.constant 1 : i32
// CHECK: else
// CHECK: memref.view %{{.*}}[%c0{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK: memref.view %{{.*}}[%c64{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK: memref.view %{{.*}}[%c128{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK: memref.view %{{.*}}[%c0{{.*}}][] : memref<192xi8> to memref<4xi1>
// CHECK: func.call @chain_body(

// CHECK-LABEL: func.func private @chain_body(
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<16xf32> {llvm.align = 64 : i64}, %[[B:[a-z0-9]+]]: memref<16xf32> {llvm.align = 64 : i64}, %[[C:[a-z0-9]+]]: memref<16xf32> {llvm.align = 64 : i64}, %{{.*}}: memref<4xi1> {llvm.align = 64 : i64}) -> i32
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>, lowbit.arena_buffers = array<i64: 0, 64, 64, 64, 128, 64, 0, 64>
// CHECK-NOT: memref.alloc()
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK-NOT: memref.alloc()
// CHECK: return
func.func @chain(%in: memref<16xf32>, %n: index, %out: memref<16xf32>) -> i32 {
  %w = memref.get_global @weights : memref<4xf32>
  // a: live until the copy out of its subview.
  %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%a : memref<16xf32>)
  %sub = memref.subview %a[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  // b and c: live together at the copy from b to c.
  %b = memref.alloc() : memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%b : memref<16xf32>)
  %c = memref.alloc() : memref<16xf32>
  linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
  %d = memref.alloc(%n) : memref<?xf32>
  %s = memref.subview %c[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  linalg.copy ins(%sub : memref<8xf32, strided<[1]>>) outs(%s : memref<8xf32, strided<[1]>>)
  linalg.copy ins(%c : memref<16xf32>) outs(%out : memref<16xf32>)
  // e: after a is dead, so it reuses a's bytes.
  %e = memref.alloc() : memref<4xi1>
  %ok = arith.constant 0 : i32
  return %ok : i32
}

// A function without status result or planned buffers still gets the
// entry point, with a one-byte placeholder arena on the stack.
// CHECK-LABEL: func.func @nothing(
// CHECK: memref.alloca() : memref<1xi8>
// CHECK: call @nothing_with_scratch
// CHECK-LABEL: func.func @nothing_with_scratch(
// CHECK-NOT: scf.if
// CHECK: call @nothing_body
func.func @nothing(%in: memref<4xf32>, %out: memref<4xf32>) {
  linalg.copy ins(%in : memref<4xf32>) outs(%out : memref<4xf32>)
  return
}

// Functions returning memrefs and private functions are left alone.
// CHECK-LABEL: func.func @returns_buffer(
// CHECK: memref.alloc() : memref<4xf32>
// CHECK-NOT: returns_buffer_with_scratch
func.func @returns_buffer() -> memref<4xf32> {
  %a = memref.alloc() : memref<4xf32>
  return %a : memref<4xf32>
}
