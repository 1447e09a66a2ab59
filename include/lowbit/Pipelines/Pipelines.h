//===- Pipelines.h - lowbit pass pipelines ----------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_PIPELINES_PIPELINES_H
#define LOWBIT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace lowbit {

/// Options of the `lowbit-to-llvm` pipeline.
struct LowBitToLLVMOptions : public PassPipelineOptions<LowBitToLLVMOptions> {
  PassOptions::Option<std::string> requantMode{
      *this, "requant-mode",
      llvm::cl::desc("requantization for functions that record none: "
                     "fixed-point or float"),
      llvm::cl::init("fixed-point")};
  PassOptions::Option<bool> cABI{
      *this, "c-abi",
      llvm::cl::desc("give public functions the C ABI of lowbit-compile: "
                     "one pointer per input, then one per output "
                     "(caller-allocated), returning an int32 status"),
      llvm::cl::init(false)};
  PassOptions::Option<std::string> dotKernels{
      *this, "dot-kernels",
      llvm::cl::desc("int8 matmul/conv2d kernels (--lowbit-dot-kernels): "
                     "none, sse2, avx2, avx-vnni, avx512-vnni, neon or "
                     "neon-dotprod; the object code then needs those CPU "
                     "features"),
      llvm::cl::init("none")};
  PassOptions::Option<std::string> popcountKernels{
      *this, "popcount-kernels",
      llvm::cl::desc("binary matmul/conv2d kernels "
                     "(--lowbit-popcount-kernels): none, avx512-vpopcntdq, "
                     "avx512bw, avx2, popcnt, sse2 or neon; the object code "
                     "then "
                     "needs those CPU features"),
      llvm::cl::init("none")};
  PassOptions::Option<bool> report{
      *this, "report",
      llvm::cl::desc("emit a remark at each matmul/conv2d that gets a "
                     "register-tiled kernel (which one, its shape and "
                     "tile)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> planMemory{
      *this, "plan-memory",
      llvm::cl::desc("with c-abi: place intermediate buffers in one planned "
                     "arena and add <name>_with_scratch entry points "
                     "(--lowbit-plan-memory)"),
      llvm::cl::init(true)};
  PassOptions::Option<std::string> packWeights{
      *this, "pack-weights",
      llvm::cl::desc("4- and 2-bit constant weights in the dot kernels: "
                     "auto, always or never (--lowbit-dot-kernels)"),
      llvm::cl::init("auto")};
  PassOptions::Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("split large loops across this many threads "
                     "(--lowbit-outline-parallel; the object then calls "
                     "lowbit_parallel_for, which lowbit-compile links in)"),
      llvm::cl::init(1)};
  PassOptions::Option<bool> dot4Portable{
      *this, "dot4-portable",
      llvm::cl::desc("lower the dot-kernels' lowbit.dot4/dot2 ops to portable "
                     "vector code instead of x86 instructions, e.g. to run "
                     "the kernels on a CPU without those features"),
      llvm::cl::init(false)};
};

/// lowbit ops on tensors -> integer linalg -> bufferized loops -> LLVM
/// dialect. Every stage is a registered pass, so `lowbit-opt` can print and
/// re-run any prefix.
void buildLowBitToLLVMPipeline(OpPassManager &pm,
                               const LowBitToLLVMOptions &options);

/// The named points of `lowbit-to-llvm` where users can insert passes:
///   after-parse              before any lowbit pass
///   after-binary-lowering    after --lowbit-lower-binary
///   after-quantized-lowering after --lowbit-lower-quantized (linalg on
///                            storage types, still tensors)
///   before-bufferization     after packing and elementwise fusion
///   before-llvm              on loops over buffers, before LLVM conversion
ArrayRef<StringLiteral> getPipelineInsertionPoints();

/// Builds the pipeline and calls `insert(pm, point)` at each insertion point
/// in order; a failure from `insert` stops the construction.
LogicalResult buildLowBitToLLVMPipeline(
    OpPassManager &pm, const LowBitToLLVMOptions &options,
    function_ref<LogicalResult(OpPassManager &, StringRef)> insert);

/// Registers `lowbit-to-llvm`.
void registerLowBitPipelines();

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_PIPELINES_PIPELINES_H
