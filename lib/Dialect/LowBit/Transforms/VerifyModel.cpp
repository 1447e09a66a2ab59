//===- VerifyModel.cpp - whole-model checks before lowering ---------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/MathExtras.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITVERIFYMODEL
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit;

/// Bytes a static tensor of `type` takes at its storage width (packed
/// sub-byte values count their bits), or nullopt on int64 overflow.
static std::optional<int64_t> tensorBytes(RankedTensorType type) {
  // Other element types (index, ...) count as 64 bits.
  int64_t total = getStorageBitWidth(type.getElementType());
  if (total == 0)
    total = 64;
  for (int64_t d : type.getShape())
    if (llvm::MulOverflow(total, d, total))
      return std::nullopt;
  return llvm::divideCeil(total, 8);
}

namespace {
struct VerifyModelPass
    : public lowbit::impl::LowBitVerifyModelBase<VerifyModelPass> {
  using Base::Base;
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
    // Sizes: one multiplication per dimension, whatever the tensor holds.
    auto tooLarge = [&](Type type) -> std::optional<std::string> {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape())
        return std::nullopt;
      std::optional<int64_t> bytes = tensorBytes(tensor);
      if (bytes && *bytes <= maxTensorBytes)
        return std::nullopt;
      std::string s;
      llvm::raw_string_ostream os(s);
      os << "tensor " << type << " takes "
         << (bytes ? std::to_string(*bytes) : std::string("more than 2^63"))
         << " bytes, more than the limit of " << maxTensorBytes
         << " (--max-tensor-bytes)";
      return s;
    };
    module.walk([&](Operation *op) {
      for (Value v : op->getResults())
        if (std::optional<std::string> msg = tooLarge(v.getType())) {
          op->emitError() << *msg;
          failedAny = true;
          return WalkResult::interrupt();
        }
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (std::optional<std::string> msg = tooLarge(arg.getType())) {
              op->emitError() << *msg;
              failedAny = true;
              return WalkResult::interrupt();
            }
      return WalkResult::advance();
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
