// RUN: lowbit-opt %s --split-input-file --verify-diagnostics --lowbit-check-llvm
// RUN: not lowbit-opt %s --split-input-file --lowbit-to-llvm 2>&1 | FileCheck %s --check-prefix=PIPE

// A module all in the LLVM dialect passes.
llvm.func @ok(%a: i32) -> i32 {
  llvm.return %a : i32
}

// -----

// The op is named, not the casts around it, and the rest are counted.
llvm.func @left(%a: i64) -> i64 {
  %0 = builtin.unrealized_conversion_cast %a : i64 to index
  // expected-error @+1 {{'arith.addi' was not lowered to the LLVM dialect (2 more ops left outside it)}}
  %1 = arith.addi %0, %0 : index
  %2 = builtin.unrealized_conversion_cast %1 : index to i64
  llvm.return %2 : i64
}

// -----

// Casts alone are reported too.
llvm.func @casts(%a: i64) -> i64 {
  // expected-error @+1 {{'builtin.unrealized_conversion_cast' was not lowered to the LLVM dialect (1 more op left outside it)}}
  %0 = builtin.unrealized_conversion_cast %a : i64 to index
  %1 = builtin.unrealized_conversion_cast %0 : index to i64
  llvm.return %1 : i64
}

// -----

// The pipeline ends with the check: a vector transfer whose layout no
// conversion handles is an error at the transfer, not a module that cannot
// be translated. (Alone, the check names the function first.)
// expected-error @+1 {{'func.func' was not lowered to the LLVM dialect (4 more ops left outside it)}}
func.func @strided(%m: memref<4x8xi32>) -> vector<4xi32> {
  %c0 = arith.constant 0 : index
  %p = arith.constant 0 : i32
  // PIPE: check-llvm.mlir:[[@LINE+1]]:8: error: 'vector.transfer_read' was not lowered to the LLVM dialect
  %v = vector.transfer_read %m[%c0, %c0], %p {in_bounds = [true], permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<4x8xi32>, vector<4xi32>
  return %v : vector<4xi32>
}
