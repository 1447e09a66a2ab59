//===- LoopAnnotations.cpp - scf.for loop hints into LLVM metadata --------===//
//
// Part of the lowbit project.
//
// convert-scf-to-cf leaves an scf.for's `llvm.loop_annotation` on the
// back-edge branch as a discardable attribute; only the branch's inherent
// `loop_annotation` becomes `!llvm.loop` metadata, so it is moved there.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITLOOPANNOTATIONS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;

namespace {
constexpr llvm::StringLiteral kDiscardable = "llvm.loop_annotation";

struct LoopAnnotationsPass
    : public mlir::lowbit::impl::LowBitLoopAnnotationsBase<
          LoopAnnotationsPass> {
  void runOnOperation() override {
    getOperation().walk([](Operation *op) {
      auto hint = op->getAttrOfType<LLVM::LoopAnnotationAttr>(kDiscardable);
      if (!hint)
        return;
      op->removeAttr(kDiscardable);
      if (auto br = dyn_cast<LLVM::BrOp>(op))
        br.setLoopAnnotationAttr(hint);
      else if (auto condBr = dyn_cast<LLVM::CondBrOp>(op))
        condBr.setLoopAnnotationAttr(hint);
    });
  }
};
} // namespace
