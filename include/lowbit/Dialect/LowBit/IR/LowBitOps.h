//===- LowBitOps.h - lowbit operations --------------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_H

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h.inc"

namespace mlir {
namespace lowbit {
/// Output size of one spatial dimension of a convolution or pooling window;
/// returns a negative value if the window does not fit even once.
int64_t getWindowOutputSize(int64_t in, int64_t padBefore, int64_t padAfter,
                            int64_t kernel, int64_t stride, int64_t dilation);
} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_H
