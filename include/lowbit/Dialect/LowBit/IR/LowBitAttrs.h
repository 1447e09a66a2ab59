//===- LowBitAttrs.h - lowbit attributes ------------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "lowbit/Dialect/LowBit/IR/LowBitEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h.inc"

namespace mlir {
namespace lowbit {
/// Name of the discardable attribute (on a module or function) that records
/// the requantization convention of a model.
constexpr llvm::StringLiteral kRequantModeAttrName = "lowbit.requant_mode";
} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_H
