//===- FuzzCommon.h - shared set-up of the lowbit fuzz targets --*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_TOOLS_LOWBIT_FUZZ_FUZZCOMMON_H
#define LOWBIT_TOOLS_LOWBIT_FUZZ_FUZZCOMMON_H

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Support/ToolSupport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include <memory>
#include <string>

namespace lowbit_fuzz {

/// One context for many inputs (creating one per input would dominate the
/// time), replaced every 256 inputs by newInput(): it interns every type
/// and attribute an input creates, and would otherwise grow without bound
/// over a long run. Every dialect a model may use is loaded up front;
/// diagnostics are dropped.
inline std::unique_ptr<mlir::MLIRContext> &contextSlot() {
  static std::unique_ptr<mlir::MLIRContext> ctx;
  return ctx;
}

inline mlir::MLIRContext &context() {
  std::unique_ptr<mlir::MLIRContext> &ctx = contextSlot();
  if (!ctx) {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    mlir::registerBuiltinDialectTranslation(registry);
    mlir::registerLLVMDialectTranslation(registry);
    registry.insert<mlir::lowbit::LowBitDialect>();
    ctx = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    ctx->getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  }
  return *ctx;
}

/// Called first for every input (no IR of the previous one is alive).
inline void newInput() {
  static unsigned inputs = 0;
  if (++inputs % 256 == 0)
    contextSlot().reset();
}

/// Parses `data` as a module the way the tools do (nesting limit first).
inline mlir::OwningOpRef<mlir::ModuleOp> parse(const uint8_t *data,
                                               size_t size) {
  // MLIR's lexer relies on the NUL after the buffer that every file the
  // tools read has (MemoryBuffer adds it); libFuzzer's data has none, and
  // reading past it would be a bug of this harness, not of lowbit.
  std::string text(reinterpret_cast<const char *>(data), size);
  std::string error;
  if (mlir::failed(mlir::lowbit::checkIRText(text, "fuzz", error)))
    return nullptr;
  return mlir::parseSourceString<mlir::ModuleOp>(text, &context());
}

/// Verifies `module` as lowbit-compile does, then lowers it with the C ABI
/// and the given kernel sets. Returns the lowering's success.
inline bool lower(mlir::ModuleOp module, llvm::StringRef dotKernels,
                  llvm::StringRef popcountKernels) {
  {
    mlir::PassManager pm(&context());
    // Small models only: a huge splat constant is legal but expands to
    // gigabytes in the kernels' weight packing, which is not a bug.
    mlir::lowbit::LowBitVerifyModelOptions verify;
    verify.maxTensorBytes = int64_t(1) << 24;
    pm.addPass(mlir::lowbit::createLowBitVerifyModel(verify));
    if (mlir::failed(pm.run(module)))
      return false;
  }
  mlir::PassManager pm(&context());
  mlir::lowbit::LowBitToLLVMOptions options;
  options.cABI = true;
  options.dotKernels = dotKernels.str();
  options.popcountKernels = popcountKernels.str();
  mlir::lowbit::buildLowBitToLLVMPipeline(pm, options);
  return mlir::succeeded(pm.run(module));
}

} // namespace lowbit_fuzz

#endif // LOWBIT_TOOLS_LOWBIT_FUZZ_FUZZCOMMON_H
