//===- LowBitAttrs.h - lowbit attributes ------------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>

#include "lowbit/Dialect/LowBit/IR/LowBitEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h.inc"

namespace mlir {
namespace lowbit {
/// Name of the discardable attribute (on a module or function) that records
/// the requantization convention of a model.
constexpr llvm::StringLiteral kRequantModeAttrName = "lowbit.requant_mode";

/// The mode a `requant-mode` option names ("fixed-point" or "float").
std::optional<RequantMode> parseRequantModeOption(StringRef name);

/// The mode recorded in `lowbit.requant_mode` on `op` or its nearest
/// ancestor, if any.
std::optional<RequantMode> getRecordedRequantMode(Operation *op);

/// On a function: the layout of its rank-4 tensors, stated in the C header.
constexpr llvm::StringLiteral kIOLayoutAttrName = "lowbit.io_layout";
/// On a function: the model's names of its arguments, then its results,
/// stated in the C header.
constexpr llvm::StringLiteral kIONamesAttrName = "lowbit.io_names";
/// On a module: per public function, the memory plan of
/// --lowbit-plan-memory (a dictionary of integers: scratch_bytes,
/// alignment, peak_bytes, buffers, heap_buffers, weight_bytes).
constexpr llvm::StringLiteral kMemoryPlansAttrName = "lowbit.memory_plans";
/// On a function whose trailing arguments are buffers planned in one arena
/// (by --lowbit-plan-memory): their byte offset and size, in pairs.
constexpr llvm::StringLiteral kArenaBuffersAttrName = "lowbit.arena_buffers";
/// On an scf.for: its iterations write disjoint data and may run on
/// several threads (set by the kernel generators, used with --threads).
constexpr llvm::StringLiteral kParallelLoopAttrName = "lowbit.parallel";
/// On a function declaration made by --lowbit-outline-parallel: it runs
/// `task` over [0, n) on `threads` threads ({task = @f, threads = N}).
constexpr llvm::StringLiteral kParallelDispatchAttrName =
    "lowbit.parallel_dispatch";
/// On a linalg.generic made by --lowbit-lower-binary: it packs the binary
/// (or ternary: sign and mask planes) result of an integer threshold into
/// 64-bit words (bit c % 64 of word [..., g, c / 64] is x[..., g, c] <
/// tau[g, c]). The kernel passes store it from their registers;
/// --lowbit-lower-threshold-packs builds the rest as vector code.
constexpr llvm::StringLiteral kThresholdPackAttrName = "lowbit.threshold_pack";

/// The indexing maps of a `lowbit.threshold_pack` generic over the loops
/// (..., g, c), `loops` of them: x (identity), the thresholds of each of
/// `levels` levels ((g, c), or (0, 0) when one threshold serves every
/// channel), then the words of each plane (..., g, c floordiv 64). The
/// lowering builds the generic and the kernel passes recognise it with
/// these.
SmallVector<AffineMap> getThresholdPackMaps(unsigned loops, int64_t levels,
                                            bool sharedTau, MLIRContext *ctx);
} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_H
