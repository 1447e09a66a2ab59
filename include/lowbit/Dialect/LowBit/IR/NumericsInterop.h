//===- NumericsInterop.h - lowbit attributes in the reference arithmetic -===//
//
// Part of the lowbit project.
//
// Kept apart from LowBitAttrs.h: lowbit/Numerics/FixedPoint.h declares the
// top-level namespace `lowbit`, which would make `lowbit` ambiguous in every
// file that says `using namespace mlir`.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_NUMERICSINTEROP_H
#define LOWBIT_DIALECT_LOWBIT_IR_NUMERICSINTEROP_H

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Numerics/FixedPoint.h"

namespace mlir {
namespace lowbit {

/// The reference arithmetic's name for a fused activation.
inline ::lowbit::numerics::ActivationKind
toNumericsActivation(Activation activation) {
  switch (activation) {
  case Activation::none:
    return ::lowbit::numerics::ActivationKind::None;
  case Activation::relu:
    return ::lowbit::numerics::ActivationKind::Relu;
  case Activation::relu6:
    return ::lowbit::numerics::ActivationKind::Relu6;
  case Activation::clamp:
    return ::lowbit::numerics::ActivationKind::Clamp;
  }
  return ::lowbit::numerics::ActivationKind::None;
}

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_DIALECT_LOWBIT_IR_NUMERICSINTEROP_H
