//===- ObjectEmitter.h - native code for lowbit models ----------*- C++ -*-===//
//
// Part of the lowbit project.
//
// In-process code generation through LLVM's TargetMachine (no llc, no C
// compiler) and the C header that documents a compiled model's ABI.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_TARGET_OBJECTEMITTER_H
#define LOWBIT_TARGET_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
namespace lowbit {

enum class EmitKind { MLIR, LLVM, Assembly, Object };

struct TargetSpec {
  /// Target triple, e.g. x86_64-linux-gnu; empty means the host.
  std::string triple;
  /// CPU name, "native" for the host CPU, empty for the generic CPU.
  std::string cpu;
  /// Comma-separated features, e.g. "+avx2,+fma".
  std::string features;
  /// 0..3.
  unsigned optLevel = 2;
};

/// Registers every LLVM target that the installed LLVM was built with.
void initializeLLVMTargets();

/// Creates the TargetMachine for `spec`, or returns null and sets `error`
/// to a message for an unknown triple, CPU or feature.
std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetSpec &spec,
                                                         std::string &error);

/// Whether `tm` has the CPU features the int8 dot-product kernels of `isa`
/// (avx512-vnni, avx-vnni, avx2, sse2, neon-dotprod or neon; see
/// --lowbit-dot-kernels) need.
bool supportsDotKernels(const llvm::TargetMachine &tm, llvm::StringRef isa);

/// The best int8 dot-product kernels `tm` supports, or "none".
std::string selectDotKernels(const llvm::TargetMachine &tm);

/// Whether `tm` has the CPU features of the popcount kernel set `isa`
/// (avx512-vpopcntdq, avx512bw, avx2, popcnt, sse2, neon).
bool supportsPopcountKernels(const llvm::TargetMachine &tm,
                             llvm::StringRef isa);

/// The best popcount kernel set for `tm`, or "none".
std::string selectPopcountKernels(const llvm::TargetMachine &tm);

/// Translates a module in the LLVM dialect to LLVM IR for `tm`, optimizes it
/// at `optLevel` and writes it as LLVM IR, assembly or an object file. A
/// module that calls target intrinsics the target cannot run (x86 kernels
/// for AArch64, VNNI or dotprod without the feature) is refused. A failure sets
/// `error`, or leaves it empty when a diagnostic was emitted.
/// Translates `module` (LLVM dialect) and emits it. A module calling
/// lowbit_parallel_for (--threads) gets the thread pool linked in, internal;
/// a non-empty `parallelForSetter` also exports the pool's replacement hook
/// under that name (the header's NAME_set_parallel_for).
LogicalResult emitModule(ModuleOp module, llvm::TargetMachine &tm,
                         unsigned optLevel, EmitKind kind,
                         llvm::raw_pwrite_stream &os, std::string &error,
                         llvm::StringRef parallelForSetter = "");

/// A C header declaring every public function of a lowbit model (given
/// before lowering, so the quantization of every tensor is known), with
/// shapes, element types, scales and zero points as comments and constants.
/// The C header of `model` (the module before lowering). With the
/// `lowbit.memory_plans` of the lowered module, it also declares each
/// function's `_with_scratch` entry point and its memory figures.
/// With `threads` > 1 it also declares the thread pool's replacement hook
/// `<first function>_set_parallel_for`.
std::string generateCHeader(ModuleOp model, llvm::StringRef headerName,
                            DictionaryAttr memoryPlans = {},
                            unsigned threads = 1);

/// One row of `lowbit-compile --report`'s layer table: a lowbit op of the
/// model as written.
struct LayerRow {
  std::string location;    ///< locationKey() of the op
  std::string op;          ///< name without the dialect
  std::string precisions;  ///< e.g. "i8 x i4 -> i8"
  int64_t macs = 0;        ///< multiply-accumulates (matmul, conv2d)
  int64_t weightBytes = 0; ///< constant operands, packed
};

/// The printed form of `loc`, by which remarks are matched to layers.
std::string locationKey(Location loc);

/// The rows of the layer table of `model` (before lowering).
std::vector<LayerRow> collectLayers(ModuleOp model);

/// Prints the table; `kernels` and `buffers` map a location key to the
/// kernel a layer got and to its planned buffers ("offset+bytes, ...").
void printLayerReport(llvm::raw_ostream &os, ArrayRef<LayerRow> rows,
                      const llvm::StringMap<std::string> &kernels,
                      const llvm::StringMap<std::string> &buffers,
                      ArrayRef<std::string> summaries);

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_TARGET_OBJECTEMITTER_H
