//===- Pipelines.cpp - lowbit pass pipelines ------------------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Pipelines/Pipelines.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::lowbit;

ArrayRef<StringLiteral> mlir::lowbit::getPipelineInsertionPoints() {
  static constexpr StringLiteral points[] = {
      "after-parse", "after-binary-lowering", "after-quantized-lowering",
      "before-bufferization", "before-llvm"};
  return points;
}

void mlir::lowbit::buildLowBitToLLVMPipeline(
    OpPassManager &pm, const LowBitToLLVMOptions &options) {
  (void)buildLowBitToLLVMPipeline(pm, options, {});
}

LogicalResult mlir::lowbit::buildLowBitToLLVMPipeline(
    OpPassManager &pm, const LowBitToLLVMOptions &options,
    function_ref<LogicalResult(OpPassManager &, StringRef)> insert) {
  auto at = [&](StringRef point) {
    return insert ? insert(pm, point) : success();
  };
  if (failed(at("after-parse")))
    return failure();
  // Quantized ONNX models arrive as dequantize -> float op -> quantize;
  // by the ops' definition that is the quantized op.
  pm.addPass(createLowBitFuseQDQ());
  // Exact by construction (same output bits), so always on.
  LowBitFuseThresholdsOptions thresholds;
  thresholds.requantMode = options.requantMode;
  pm.addPass(createLowBitFuseThresholds(thresholds));
  LowBitLowerBinaryOptions binary;
  binary.requantMode = options.requantMode;
  pm.addPass(createLowBitLowerBinary(binary));
  if (failed(at("after-binary-lowering")))
    return failure();
  LowBitLowerQuantizedOptions lower;
  lower.requantMode = options.requantMode;
  pm.addPass(createLowBitLowerQuantized(lower));
  if (failed(at("after-quantized-lowering")))
    return failure();
  // Drops what the lowerings left dead (e.g. the unpacked copy of a sign
  // that is only read packed) and identity casts, so that the kernels see
  // which results have one use.
  pm.addPass(createCanonicalizerPass());
  if (options.popcountKernels != "none") {
    LowBitPopcountKernelsOptions pop;
    pop.isa = options.popcountKernels;
    pop.report = options.report;
    pm.addPass(createLowBitPopcountKernels(pop));
  }
  if (options.dotKernels != "none") {
    // Before sub-byte packing, so constant 4- and 2-bit weights are packed
    // for the kernel at compile time instead of unpacked on every call.
    LowBitDotKernelsOptions dot;
    dot.isa = options.dotKernels;
    dot.report = options.report;
    dot.packWeights = options.packWeights;
    // Canonicalization (above) drops zero zero-point subtractions,
    // leaving the plain ext * ext products the kernels match.
    pm.addPass(createLowBitDotKernels(dot));
  }
  // The packed signs the kernels did not store from their registers.
  pm.addPass(createLowBitLowerThresholdPacks());
  pm.addPass(createLowBitPackSubByte());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());

  if (failed(at("before-bufferization")))
    return failure();
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  if (options.cABI) {
    // Loops written on tensors (the kernels) carry their output buffer as
    // an iteration argument; folding it lets a returned result be its
    // allocation, which the next pass turns into the out-parameter instead
    // of copying into it.
    pm.addPass(createCanonicalizerPass());
    // Results become caller-allocated out-parameters; a static result
    // buffer is the out-parameter itself, so nothing is copied.
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
    pm.addPass(createLowBitCReturnStatus());
    // Intermediate buffers share one arena, which a caller may provide.
    if (options.planMemory) {
      LowBitPlanMemoryOptions plan;
      plan.report = options.report;
      pm.addPass(createLowBitPlanMemory(plan));
    }
  }
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);

  pm.addPass(createLowBitCopiesToLinalg());
  if (options.threads > 1) {
    // Element-wise and other linalg ops become scf.parallel, which, like
    // the kernels' marked loops, may then be split across threads.
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
    LowBitOutlineParallelOptions outline;
    outline.threads = options.threads;
    pm.addPass(createLowBitOutlineParallel(outline));
  } else {
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  }
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(arith::createArithExpandOpsPass());
  if (failed(at("before-llvm")))
    return failure();
  LowBitLowerDot4Options dot4;
  dot4.isa = options.dot4Portable ? std::string("none")
                                  : std::string(options.dotKernels);
  pm.addPass(createLowBitLowerDot4(dot4));
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  // aligned_alloc returns the aligned pointer itself, so LLVM's alias
  // analysis sees a fresh allocation (malloc plus pointer rounding hides it
  // behind an inttoptr) and can keep reduction accumulators in registers.
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useAlignedAlloc = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  if (options.cABI) {
    // Statically shaped memref arguments become bare pointers.
    ConvertFuncToLLVMPassOptions funcOptions;
    funcOptions.useBarePtrCallConv = true;
    pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  }
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createLowBitLoopAnnotations());
  pm.addPass(createCanonicalizerPass());
  if (options.cABI && options.planMemory)
    pm.addPass(createLowBitArenaAliasScopes());
  if (options.threads > 1)
    pm.addPass(createLowBitLowerParallelDispatch());
  pm.addPass(createLowBitCheckLLVM());
  return success();
}

void mlir::lowbit::registerLowBitPipelines() {
  PassPipelineRegistration<LowBitToLLVMOptions>(
      "lowbit-to-llvm",
      "lower lowbit ops on tensors all the way to the LLVM dialect",
      [](OpPassManager &pm, const LowBitToLLVMOptions &options) {
        buildLowBitToLLVMPipeline(pm, options);
      });
}
