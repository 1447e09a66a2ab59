//===- CReturnStatus.cpp - int32 status results for the C ABI -------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITCRETURNSTATUS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;

namespace {
struct CReturnStatusPass
    : public mlir::lowbit::impl::LowBitCReturnStatusBase<CReturnStatusPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(module.getContext());
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isPrivate() || func.isExternal() || func.getNumResults() != 0)
        continue;
      func.setFunctionType(FunctionType::get(
          func.getContext(), func.getArgumentTypes(), {b.getI32Type()}));
      func.walk([&](func::ReturnOp ret) {
        b.setInsertionPoint(ret);
        Value ok =
            arith::ConstantIntOp::create(b, ret.getLoc(), b.getI32Type(), 0);
        func::ReturnOp::create(b, ret.getLoc(), ok);
        ret.erase();
      });
    }
  }
};
} // namespace
