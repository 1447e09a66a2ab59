// RUN: lowbit-opt %s --lowbit-loop-annotations | FileCheck %s
// RUN: lowbit-opt %s --lowbit-loop-annotations | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=IR

// The hint that convert-scf-to-cf left on the back edge becomes the
// branch's own loop annotation, which the translation turns into
// !llvm.loop metadata; branches without one are left alone.
#unroll = #llvm.loop_unroll<disable = true>
#hint = #llvm.loop_annotation<unroll = #unroll>

// CHECK-LABEL: llvm.func @rolled
// CHECK: llvm.br ^bb1(%{{.*}} : i64) {loop_annotation = #{{.*}}}
// CHECK-NOT: llvm.loop_annotation
// IR-LABEL: define i64 @rolled
// IR: br label %{{.*}}, !llvm.loop ![[LOOP:[0-9]+]]
// IR: ![[LOOP]] = distinct !{![[LOOP]], ![[DISABLE:[0-9]+]]}
// IR: ![[DISABLE]] = !{!"llvm.loop.unroll.disable"}
llvm.func @rolled(%n: i64) -> i64 {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%c0 : i64)
^head(%i: i64):
  %done = llvm.icmp "sge" %i, %n : i64
  llvm.cond_br %done, ^exit, ^body
^body:
  %next = llvm.add %i, %c1 : i64
  llvm.br ^head(%next : i64) {llvm.loop_annotation = #hint}
^exit:
  llvm.return %i : i64
}
