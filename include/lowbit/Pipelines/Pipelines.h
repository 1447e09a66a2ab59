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
struct LowBitToLLVMOptions
    : public PassPipelineOptions<LowBitToLLVMOptions> {
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
};

/// lowbit ops on tensors -> integer linalg -> bufferized loops -> LLVM
/// dialect. Every stage is a registered pass, so `lowbit-opt` can print and
/// re-run any prefix.
void buildLowBitToLLVMPipeline(OpPassManager &pm,
                               const LowBitToLLVMOptions &options);

/// Registers `lowbit-to-llvm`.
void registerLowBitPipelines();

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_PIPELINES_PIPELINES_H
