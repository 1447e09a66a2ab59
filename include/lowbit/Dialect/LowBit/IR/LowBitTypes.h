//===- LowBitTypes.h - lowbit types and type predicates ---------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITTYPES_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITTYPES_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h.inc"

namespace mlir {
namespace lowbit {

/// The float types lowbit computes with: f32 (reference), f16, bf16,
/// f8E4M3FN and f8E5M2.
bool isSupportedFloat(Type type);

/// Upstream affine quantized types: per tensor, per axis or blockwise.
bool isAffineQuantized(Type type);

/// A ternary type: `!quant.uniform<i2<-1:1>:f, s>` (signed 2-bit storage,
/// storage range exactly [-1, 1], every zero point 0).
bool isTernary(Type type);

/// Any quantized element type: affine (including ternary) or binary.
bool isQuantized(Type type);

/// Any element type a lowbit op accepts on a value: a supported float, an
/// affine quantized type or `!lowbit.binary`. Constraints that need the
/// tensor shape are checked by `verifyLowBitTensorType`.
bool isLowBitElementType(Type type);

/// The expressed (real) type of a quantized type, or the type itself for a
/// float. Null for anything else.
FloatType getExpressedType(Type type);

/// Number of bits in the storage of an element type (1 for binary); 0 for
/// a type that is neither an integer, a float nor a lowbit type.
unsigned getStorageBitWidth(Type type);

/// Checks what upstream `!quant` does not: storage widths (2..16 bits, or
/// 32 for biases and accumulators), zero points within the storage range,
/// a supported expressed type, and, given the tensor shape, the quantized
/// axis and block sizes. Emits one error through `emitError` on failure.
LogicalResult
verifyLowBitTensorType(function_ref<InFlightDiagnostic()> emitError,
                       ShapedType type, StringRef what);

/// The per-tensor scale of a quantized element type; fails for per-axis and
/// blockwise types.
FailureOr<double> getPerTensorScale(Type type);

/// The scales of a quantized element type along its quantized axis (one
/// element for per-tensor types); the axis is returned in `axis` (-1 for
/// per-tensor). Fails for blockwise and float types.
FailureOr<SmallVector<double>> getScales(Type type, int32_t &axis);

/// True if the element type is quantized per axis (affine or binary).
bool isPerAxis(Type type);

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITTYPES_H
