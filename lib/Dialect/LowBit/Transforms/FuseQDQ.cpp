//===- FuseQDQ.cpp - fold dequantize -> op -> quantize --------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITFUSEQDQ
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit;

namespace {

/// The quantized value a float operand was dequantized from, or null.
Value dequantizedFrom(Value v) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq || !isQuantized(getElementTypeOrSelf(dq.getInput().getType())))
    return nullptr;
  return dq.getInput();
}

/// Creates `op` on `operands` with result type `type` if the verifier
/// accepts it (e.g. the bias scale must be s_x * s_w); null otherwise.
Operation *createVerified(PatternRewriter &rewriter, Operation *op,
                          ValueRange operands, Type type) {
  OperationState state(op->getLoc(), op->getName());
  state.addOperands(operands);
  state.addTypes(type);
  state.addAttributes(op->getAttrs());
  Operation *fused = rewriter.create(state);
  ScopedDiagnosticHandler silence(op->getContext(),
                                  [](Diagnostic &) { return success(); });
  if (failed(mlir::verify(fused))) {
    rewriter.eraseOp(fused);
    return nullptr;
  }
  return fused;
}

/// op(dequantize(a), dequantize(b)[, dequantize(bias)]) on quantized values:
///  - quantize(op(...)) -> the quantized op with the quantize's result type,
///    for conv2d, matmul, add and mul;
///  - otherwise, for conv2d and matmul, the op on the quantized operands
///    with its float result (integer or XNOR-popcount arithmetic, one
///    rescale at the end), as a float output layer or a binary layer
///    followed by batch normalization needs.
struct FuseArithmetic : RewritePattern {
  FuseArithmetic(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<Conv2DOp, MatmulOp, AddOp, MulOp>(op))
      return failure();
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      Value q = dequantizedFrom(operand);
      if (!q)
        return failure();
      operands.push_back(q);
    }
    Value result = op->getResult(0);
    if (result.hasOneUse())
      if (auto quantize = dyn_cast<QuantizeOp>(*result.getUsers().begin()))
        if (Operation *fused = createVerified(rewriter, op, operands,
                                              quantize.getResult().getType())) {
          rewriter.replaceOp(quantize, fused->getResults());
          rewriter.eraseOp(op);
          return success();
        }
    if (!isa<Conv2DOp, MatmulOp>(op))
      return failure();
    Operation *fused = createVerified(rewriter, op, operands, result.getType());
    if (!fused)
      return failure();
    rewriter.replaceOp(op, fused->getResults());
    return success();
  }
};

/// quantize(max_pool(dequantize(x))) -> max_pool(x) when x already has the
/// result type: max commutes with the monotonic (de)quantization.
struct FuseMaxPool : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    auto pool = quantize.getInput().getDefiningOp<MaxPool2DOp>();
    if (!pool || !pool->hasOneUse())
      return failure();
    Value q = dequantizedFrom(pool.getInput());
    if (!q || getElementTypeOrSelf(q.getType()) !=
                  getElementTypeOrSelf(quantize.getResult().getType()))
      return failure();
    auto fused = MaxPool2DOp::create(
        rewriter, pool.getLoc(), quantize.getResult().getType(), q,
        pool.getKernelAttr(), pool.getStridesAttr(), pool.getDilationsAttr(),
        pool.getPaddingAttr());
    rewriter.replaceOp(quantize, fused.getResult());
    rewriter.eraseOp(pool);
    return success();
  }
};

/// quantize(dequantize(x)) -> x for one type: real values on the grid
/// quantize back to themselves.
struct CancelRoundTrip : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp quantize,
                                PatternRewriter &rewriter) const override {
    Value q = dequantizedFrom(quantize.getInput());
    if (!q || q.getType() != quantize.getResult().getType())
      return failure();
    rewriter.replaceOp(quantize, q);
    return success();
  }
};

/// reshape(dequantize(q)) -> dequantize(reshape(q)) for per-tensor types,
/// so the quantized op (or a cancelling quantize) sees the dequantize.
template <typename ReshapeOp>
struct SinkThroughReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern<ReshapeOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Value q = dequantizedFrom(op.getSrc());
    if (!q || isPerAxis(getElementTypeOrSelf(q.getType())))
      return failure();
    auto type = op.getResultType().clone(getElementTypeOrSelf(q.getType()));
    Value moved = ReshapeOp::create(rewriter, op.getLoc(), type, q,
                                    op.getReassociationIndices());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, op.getResultType(), moved);
    return success();
  }
};

/// transpose(dequantize(q)) -> dequantize(transpose(q)); a per-axis type
/// moves its axis with the permutation.
struct SinkThroughTranspose : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Value q = dequantizedFrom(op.getInput());
    if (!q || op->getNumResults() != 1)
      return failure();
    Type element = getElementTypeOrSelf(q.getType());
    ArrayRef<int64_t> perm = op.getPermutation();
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
      int32_t axis = perAxis.getQuantizedDimension();
      element = quant::UniformQuantizedPerAxisType::get(
          perAxis.getFlags(), perAxis.getStorageType(),
          perAxis.getExpressedType(), perAxis.getScales(),
          perAxis.getZeroPoints(),
          static_cast<int32_t>(llvm::find(perm, axis) - perm.begin()),
          perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
    } else if (isPerAxis(element)) {
      return failure();
    }
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(),
                                         resultType.getShape(), element);
    Value moved =
        linalg::TransposeOp::create(rewriter, op.getLoc(), q, init, perm)
            ->getResult(0);
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType, moved);
    return success();
  }
};

struct FuseQDQPass : public lowbit::impl::LowBitFuseQDQBase<FuseQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<FuseArithmetic, FuseMaxPool, CancelRoundTrip,
             SinkThroughReshape<tensor::CollapseShapeOp>,
             SinkThroughReshape<tensor::ExpandShapeOp>, SinkThroughTranspose>(
            &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
