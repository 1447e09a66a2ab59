//===- LowBitDialect.h - lowbit dialect -------------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h.inc"

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_H
