//===- Pooling.cpp - lower max and average pooling ------------------------===//
//
// Part of the lowbit project.
//
// Pooling keeps the input's quantization, so it works on stored values:
// max commutes with the monotonic quantization, and the average follows
// TFLite's integer kernel (sum of the real taps, rounding division by their
// count, ties away from zero).
//
//===----------------------------------------------------------------------===//

#include "QuantBuilder.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {

/// A window reduction over (n, oh, ow, c, kh, kw) into `init`.
static Value
windowReduce(OpBuilder &b, Location loc, Value padded, Value init,
             ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilations,
             function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> d;
  for (int i = 0; i < 6; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  // The kernel shape is carried by a dummy operand, as linalg's pooling ops
  // do, so the loop bounds of kh and kw are known.
  Value window = tensor::EmptyOp::create(b, loc, kernel, b.getI1Type());
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0,
                     {d[0], d[1] * strides[0] + d[4] * dilations[0],
                      d[2] * strides[1] + d[5] * dilations[1], d[3]},
                     ctx),
      AffineMap::get(6, 0, {d[4], d[5]}, ctx),
      AffineMap::get(6, 0, {d[0], d[1], d[2], d[3]}, ctx)};
  SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
  iters.append(2, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{padded, window},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, combine(nb, l, a[2], a[0]));
             })
      .getResult(0);
}

struct MaxPoolLowering : public OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantInfo> info =
        QuantInfo::get(op.getInput().getType().getElementType());
    if (failed(info))
      return op.emitOpError("unsupported element type for lowering");
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    Type storage = resultType.getElementType();
    // Padding taps must never win: pad with the lowest value (for binary,
    // bit 1 = -1; max over -1/+1 is then an AND of the bits).
    TypedAttr lowest, initValue;
    if (info->isFloat) {
      lowest = rewriter.getFloatAttr(
          storage, APFloat::getInf(cast<FloatType>(storage).getFloatSemantics(),
                                   /*Negative=*/true));
    } else if (info->isBinary) {
      lowest = rewriter.getIntegerAttr(storage, 1);
    } else {
      lowest = rewriter.getIntegerAttr(storage, APInt(info->width, info->qmin,
                                                      /*isSigned=*/true,
                                                      /*implicitTrunc=*/true));
    }
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(),
                              op.getPaddingValues(), lowest);
    Value init = filledTensor(rewriter, loc, resultType.getShape(),
                              arith::ConstantOp::create(rewriter, loc, lowest));
    bool isSigned = info->isSigned;
    Value result = windowReduce(
        rewriter, loc, padded, init, op.getKernel(), op.getStrideValues(),
        op.getDilationValues(),
        [&](OpBuilder &b, Location l, Value acc, Value v) -> Value {
          if (info->isFloat) {
            // Compare in f32 (exact for every smaller float): LLVM has no
            // native bf16/fp8 comparisons and would call soft-float helpers.
            if (cast<FloatType>(v.getType()).isF32())
              return arith::MaximumFOp::create(b, l, acc, v);
            Value m = arith::MaximumFOp::create(b, l, extendToF32(b, l, acc),
                                                extendToF32(b, l, v));
            return truncateFloat(b, l, m, cast<FloatType>(v.getType()));
          }
          if (info->isBinary)
            return arith::AndIOp::create(b, l, acc, v);
          if (isSigned)
            return arith::MaxSIOp::create(b, l, acc, v);
          return arith::MaxUIOp::create(b, l, acc, v);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AvgPoolLowering : public OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantInfo> info =
        QuantInfo::get(op.getInput().getType().getElementType());
    if (failed(info) || info->isBinary)
      return op.emitOpError("unsupported element type for lowering");
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    Type storage = resultType.getElementType();
    RankedTensorType inType = op.getInput().getType();
    int64_t h = inType.getDimSize(1), w = inType.getDimSize(2);
    ArrayRef<int64_t> kernel = op.getKernel();
    SmallVector<int64_t, 2> strides = op.getStrideValues();
    SmallVector<int64_t, 4> pad = op.getPaddingValues();
    bool includePad = op.getCountIncludePad();
    QuantBuilder qb(rewriter, loc);

    // Sum the real taps: padding holds the real value 0 (the zero point)
    // and is subtracted out of integer sums below unless it counts.
    Value input = adaptor.getInput();
    TypedAttr zero;
    if (info->isFloat)
      zero = rewriter.getFloatAttr(storage, 0.0);
    else
      zero = rewriter.getIntegerAttr(
          storage, APInt(info->width, info->zeroPoint(), /*isSigned=*/true,
                         /*implicitTrunc=*/true));
    Value padded = padSpatial(rewriter, loc, input, pad, zero);
    Value init = filledTensor(rewriter, loc, resultType.getShape(),
                              info->isFloat ? qb.f32(0.0) : qb.i32(0));
    bool isSigned = info->isSigned;
    bool isFloat = info->isFloat;
    Value sum = windowReduce(
        rewriter, loc, padded, init, kernel, strides, /*dilations=*/{1, 1},
        [&](OpBuilder &b, Location l, Value acc, Value v) -> Value {
          if (isFloat)
            return arith::AddFOp::create(
                b, l, acc, v.getType().isF32() ? v : extendToF32(b, l, v));
          QuantBuilder q(b, l);
          return arith::AddIOp::create(b, l, acc, q.extend(v, isSigned));
        });

    // Epilogue with the window position from linalg.index.
    auto outType = cast<RankedTensorType>(resultType);
    // Padding holds zp[0]; a per-channel input (axis 3) needs its own zero
    // point per channel when padding taps count.
    int64_t zp = isFloat ? 0 : info->zeroPoint();
    bool perChannel = !isFloat && info->axis >= 0;
    SmallVector<Value> channel;
    if (perChannel) {
      SmallVector<int32_t> zps(info->zeroPoints.begin(),
                               info->zeroPoints.end());
      channel.push_back(qb.i32Tensor(zps));
    }
    Value result = buildElementwise(
        rewriter, loc, outType, sum, channel, 3,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          QuantBuilder q(b, l);
          auto validCount = [&](unsigned dim, int64_t stride, int64_t padBefore,
                                int64_t k, int64_t size) -> Value {
            Value idx = arith::IndexCastOp::create(
                b, l, b.getI32Type(), linalg::IndexOp::create(b, l, dim));
            Value start = arith::SubIOp::create(
                b, l, arith::MulIOp::create(b, l, idx, q.i32(stride)),
                q.i32(padBefore));
            Value end = arith::AddIOp::create(b, l, start, q.i32(k));
            Value s0 = arith::MaxSIOp::create(b, l, start, q.i32(0));
            Value e0 = arith::MinSIOp::create(b, l, end, q.i32(size));
            return arith::SubIOp::create(b, l, e0, s0);
          };
          Value count = arith::MulIOp::create(
              b, l, validCount(1, strides[0], pad[0], kernel[0], h),
              validCount(2, strides[1], pad[2], kernel[1], w));
          Value full = q.i32(kernel[0] * kernel[1]);
          Value s = a[0];
          if (isFloat) {
            Value div = includePad ? full : count;
            Value r = arith::DivFOp::create(
                b, l, s, arith::SIToFPOp::create(b, l, b.getF32Type(), div));
            return truncateFloat(b, l, r, cast<FloatType>(storage));
          }
          // Padding taps were summed as zp; remove them unless they count.
          Value padTaps = arith::SubIOp::create(b, l, full, count);
          Value padSum = arith::MulIOp::create(b, l, padTaps, q.i32(zp));
          Value divisor = count;
          if (!includePad) {
            s = arith::SubIOp::create(b, l, s, padSum);
          } else {
            divisor = full;
            if (perChannel) {
              // Padding taps count as real zeros of their own channel.
              Value diff = arith::SubIOp::create(b, l, a[1], q.i32(zp));
              s = arith::AddIOp::create(
                  b, l, s, arith::MulIOp::create(b, l, padTaps, diff));
            }
          }
          // TFLite: (sum +- count / 2) / count, C division.
          Value half = arith::DivSIOp::create(b, l, divisor, q.i32(2));
          Value pos = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, s,
                                            q.i32(0));
          Value adj = arith::SelectOp::create(
              b, l, pos, arith::AddIOp::create(b, l, s, half),
              arith::SubIOp::create(b, l, s, half));
          Value r = arith::DivSIOp::create(b, l, adj, divisor);
          r = q.clampI(r, q.i32(info->qmin), q.i32(info->qmax));
          return q.narrow(r, storage);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::lowbit::populatePoolingPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering>(converter,
                                                 patterns.getContext());
}
