//===- CopiesToLinalg.cpp - memref.copy as linalg.copy --------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITCOPIESTOLINALG
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;

namespace {
struct CopiesToLinalgPass
    : public mlir::lowbit::impl::LowBitCopiesToLinalgBase<CopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp op) { copies.push_back(op); });
    for (memref::CopyOp op : copies) {
      OpBuilder b(op);
      linalg::CopyOp::create(b, op.getLoc(), op.getSource(), op.getTarget());
      op.erase();
    }
  }
};
} // namespace
