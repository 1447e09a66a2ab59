//===- VerifyModel.cpp - whole-model checks before lowering ---------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITVERIFYMODEL
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit;

namespace {
struct VerifyModelPass
    : public lowbit::impl::LowBitVerifyModelBase<VerifyModelPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool failedAny = false;
    module.walk([&](func::FuncOp func) {
      if (func.isPrivate() || func.isExternal())
        return;
      auto check = [&](Type type, StringRef what, unsigned index) {
        auto tensor = dyn_cast<RankedTensorType>(type);
        // Results may also be plain int64 values (shapes, indices).
        bool int64Result = tensor && what == "result" &&
                           tensor.getElementType().isSignlessInteger(64);
        if (!tensor || !tensor.hasStaticShape() ||
            !(isLowBitElementType(tensor.getElementType()) || int64Result)) {
          func.emitError() << what << " #" << index << " of public function '"
                           << func.getSymName()
                           << "' must be a statically shaped tensor of a "
                              "lowbit element type (or i64 for a result), got "
                           << type;
          failedAny = true;
        }
      };
      for (auto [i, t] : llvm::enumerate(func.getArgumentTypes()))
        check(t, "argument", i);
      for (auto [i, t] : llvm::enumerate(func.getResultTypes()))
        check(t, "result", i);
    });
    RequantModeAttr moduleMode =
        module->getAttrOfType<RequantModeAttr>(kRequantModeAttrName);
    module.walk([&](func::FuncOp func) {
      auto mode = func->getAttrOfType<RequantModeAttr>(kRequantModeAttrName);
      if (moduleMode && mode && mode != moduleMode) {
        func.emitError() << "function requantization mode " << mode
                         << " conflicts with the module's " << moduleMode;
        failedAny = true;
      }
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
