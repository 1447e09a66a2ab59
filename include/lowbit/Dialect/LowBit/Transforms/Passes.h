//===- Passes.h - lowbit transformation passes ------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace lowbit {

#define GEN_PASS_DECL
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H
