//===- Passes.h - lowbit conversion passes ----------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_CONVERSION_PASSES_H
#define LOWBIT_CONVERSION_PASSES_H

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace lowbit {

#define GEN_PASS_DECL
#include "lowbit/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowbit/Conversion/Passes.h.inc"

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_CONVERSION_PASSES_H
