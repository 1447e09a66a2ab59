//===- CheckLLVM.cpp - nothing left outside the LLVM dialect --------------===//
//
// Part of the lowbit project.
//
// The conversions to the LLVM dialect are partial conversions: whatever
// none of them handles is left in place without a diagnostic. This pass
// turns that into one error at the first leftover op.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITCHECKLLVM
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;

namespace {
struct CheckLLVMPass
    : public mlir::lowbit::impl::LowBitCheckLLVMBase<CheckLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The casts the conversions leave around an unconverted op are only its
    // symptom; the op itself is the one to name.
    Operation *first = nullptr, *firstCast = nullptr;
    unsigned left = 0;
    module.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op == module.getOperation() ||
          isa<LLVM::LLVMDialect>(op->getDialect()))
        return;
      ++left;
      Operation *&slot =
          isa<UnrealizedConversionCastOp>(op) ? firstCast : first;
      if (!slot)
        slot = op;
    });
    if (!left)
      return;
    if (!first)
      first = firstCast;
    unsigned others = left - 1;
    InFlightDiagnostic diag = first->emitError()
                              << "'" << first->getName()
                              << "' was not lowered to the LLVM dialect";
    if (others)
      diag << " (" << others << " more op" << (others == 1 ? "" : "s")
           << " left outside it)";
    signalPassFailure();
  }
};
} // namespace
