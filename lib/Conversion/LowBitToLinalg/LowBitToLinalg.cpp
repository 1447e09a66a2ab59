//===- LowBitToLinalg.cpp - lower quantized lowbit ops --------------------===//
//
// Part of the lowbit project.
//
// The --lowbit-lower-quantized pass: type conversion to storage types,
// conversions (constant, quantize, dequantize, requantize, sign, threshold)
// and elementwise arithmetic (add, mul). Contractions and pooling live in
// Contraction.cpp and Pooling.cpp.
//
//===----------------------------------------------------------------------===//

#include "QuantBuilder.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Numerics/FixedPoint.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITLOWERQUANTIZED
#define GEN_PASS_DEF_LOWBITLOWERBINARY
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit;
namespace numerics = ::lowbit::numerics;

/// The storage type of an element type: iN for affine types (signless;
/// signedness is kept in the quantized type and applied when widening), i1
/// for binary (1 means -1), the type itself for floats.
static Type convertElementType(Type type) {
  if (isa<BinaryType>(type))
    return IntegerType::get(type.getContext(), 1);
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    return IntegerType::get(type.getContext(), q.getStorageTypeIntegralWidth());
  return type;
}

static RankedTensorType storageTensorType(Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  return RankedTensorType::get(t.getShape(),
                               convertElementType(t.getElementType()));
}

namespace {

/// Reads the quantization info of every element type an op uses, failing
/// the match with a diagnostic for unsupported ones.
template <typename OpTy>
struct LowBitPattern : public OpConversionPattern<OpTy> {
  LowBitPattern(const TypeConverter &converter, MLIRContext *ctx,
                RequantKind fallback)
      : OpConversionPattern<OpTy>(converter, ctx), fallback(fallback) {}
  RequantKind fallback;
};

//===----------------------------------------------------------------------===//
// Constants and casts
//===----------------------------------------------------------------------===//

struct ConstantLowering : public LowBitPattern<ConstantOp> {
  using LowBitPattern::LowBitPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = storageTensorType(op.getResult());
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense)
      return op.emitOpError("only dense constants can be lowered");
    Attribute value;
    Type element = op.getResult().getType().getElementType();
    if (isSupportedFloat(element)) {
      value = dense;
    } else if (isa<BinaryType>(element)) {
      value = dense.mapValues(rewriter.getI1Type(), [](const APInt &v) {
        return APInt(1, v.isNegative() ? 1 : 0);
      });
    } else {
      unsigned width = type.getElementTypeBitWidth();
      value = dense.mapValues(type.getElementType(), [&](const APInt &v) {
        return v.sextOrTrunc(width);
      });
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                   cast<TypedAttr>(value));
    return success();
  }
};

/// quant.scast and lowbit.storage_cast between a quantized tensor and its
/// storage are the identity once types are converted.
template <typename CastOp>
struct StorageCastLowering : public OpConversionPattern<CastOp> {
  using OpConversionPattern<CastOp>::OpConversionPattern;
  using OpAdaptor = typename CastOp::Adaptor;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = this->getTypeConverter()->convertType(op.getType());
    Value input = adaptor.getInput();
    if (input.getType() != resultType)
      return rewriter.notifyMatchFailure(op, "storage types differ");
    rewriter.replaceOp(op, input);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// quantize / dequantize / requantize
//===----------------------------------------------------------------------===//

/// Converts one f32 scalar to the stored value of `out` (scale and zero
/// point passed as scalars, so per-channel types work too), saturating to
/// [qmin, qmax] (the storage range, or a fused activation's range).
static Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                            Value zp, const QuantInfo &out, RequantKind kind,
                            Type storage, int64_t qmin, int64_t qmax) {
  QuantBuilder qb(b, loc);
  if (out.isBinary) {
    // sign(0) = +1: the stored bit is 1 only for negative values.
    Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                      qb.f32(0.0));
    return neg;
  }
  Value y = arith::DivFOp::create(b, loc, x, scale);
  Value r = kind == RequantKind::Float
                ? Value(math::RoundEvenOp::create(b, loc, y))
                : Value(math::RoundOp::create(b, loc, y));
  Value zpF = arith::SIToFPOp::create(b, loc, b.getF32Type(), zp);
  // Saturate in float so huge values and infinities clamp.
  Value lo = arith::SubFOp::create(b, loc, qb.f32(qmin), zpF);
  Value hi = arith::SubFOp::create(b, loc, qb.f32(qmax), zpF);
  r = arith::MinNumFOp::create(b, loc, arith::MaxNumFOp::create(b, loc, r, lo),
                               hi);
  Value i = arith::AddIOp::create(
      b, loc, arith::FPToSIOp::create(b, loc, b.getI32Type(), r), zp);
  // NaN has no nearest value; it maps to the zero point (real 0), as the
  // numerics library documents.
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  i = arith::SelectOp::create(b, loc, isNan, zp, i);
  return qb.narrow(i, storage);
}

/// An elementwise op over `input` that needs the scale and zero point of
/// `info` at each element: `body(b, l, x, scale, zp)` gets them as an f32
/// and an i32 scalar, per channel along `info.axis` when the type is
/// quantized per channel.
static Value buildWithQuantParams(
    OpBuilder &b, Location loc, RankedTensorType resultType, Value input,
    const QuantInfo &info,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  QuantBuilder qb(b, loc);
  SmallVector<Value> channel;
  if (info.axis >= 0) {
    SmallVector<float> scales(info.scales.begin(), info.scales.end());
    SmallVector<int32_t> zps(info.zeroPoints.begin(), info.zeroPoints.end());
    channel = {qb.f32Tensor(scales), qb.i32Tensor(zps)};
  }
  return buildElementwise(
      b, loc, resultType, input, channel, std::max<int64_t>(info.axis, 0),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        QuantBuilder q(nb, l);
        Value scale = info.axis >= 0 ? a[1] : q.f32(info.scale());
        Value zp = info.axis >= 0 ? a[2] : q.i32(info.zeroPoint());
        return body(nb, l, a[0], scale, zp);
      });
}

struct QuantizeLowering : public LowBitPattern<QuantizeOp> {
  using LowBitPattern::LowBitPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type outElement = op.getResult().getType().getElementType();
    RankedTensorType resultType = storageTensorType(op.getResult());
    Type storage = resultType.getElementType();
    if (isSupportedFloat(outElement)) {
      auto to = cast<FloatType>(outElement);
      rewriter.replaceOp(
          op, buildElementwise(
                  rewriter, loc, resultType, adaptor.getInput(), {}, 0,
                  [&](OpBuilder &b, Location l, ValueRange a) {
                    return truncateFloat(b, l, extendToF32(b, l, a[0]), to);
                  }));
      return success();
    }
    FailureOr<QuantInfo> out = QuantInfo::get(outElement);
    if (failed(out))
      return op.emitOpError("cannot lower quantization to ") << outElement;
    RequantKind kind = getRequantKind(op, fallback);
    Value result = buildWithQuantParams(
        rewriter, loc, resultType, adaptor.getInput(), *out,
        [&](OpBuilder &b, Location l, Value x, Value scale, Value zp) {
          return quantizeScalar(b, l, extendToF32(b, l, x), scale, zp, *out,
                                kind, storage, out->qmin, out->qmax);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// real = scale * (q - zp): fixed-point mode computes in double and rounds
/// once (TFLite Dequantize); float mode multiplies in float32 (ONNX
/// DequantizeLinear). Binary values are -scale / +scale.
static Value dequantizeScalar(OpBuilder &b, Location loc, Value q,
                              const QuantInfo &in, Value scaleF32, Value zp,
                              RequantKind kind) {
  QuantBuilder qb(b, loc);
  if (in.isBinary) {
    Value s = scaleF32;
    Value neg = arith::NegFOp::create(b, loc, s);
    return arith::SelectOp::create(b, loc, q, neg, s);
  }
  Value centered = arith::SubIOp::create(b, loc, qb.extend(q, in.isSigned), zp);
  if (kind == RequantKind::Float)
    return arith::MulFOp::create(
        b, loc, arith::SIToFPOp::create(b, loc, b.getF32Type(), centered),
        scaleF32);
  Value s64 = arith::ExtFOp::create(b, loc, b.getF64Type(), scaleF32);
  Value prod = arith::MulFOp::create(
      b, loc, arith::SIToFPOp::create(b, loc, b.getF64Type(), centered), s64);
  return arith::TruncFOp::create(b, loc, b.getF32Type(), prod);
}

struct DequantizeLowering : public LowBitPattern<DequantizeOp> {
  using LowBitPattern::LowBitPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type inElement = op.getInput().getType().getElementType();
    RankedTensorType resultType = op.getResult().getType();
    auto to = cast<FloatType>(resultType.getElementType());
    if (isSupportedFloat(inElement)) {
      rewriter.replaceOp(
          op,
          buildElementwise(rewriter, loc, resultType, adaptor.getInput(), {}, 0,
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             Value x = extendToF32(b, l, a[0]);
                             return to.isF32() ? x : truncateFloat(b, l, x, to);
                           }));
      return success();
    }
    FailureOr<QuantInfo> in = QuantInfo::get(inElement);
    if (failed(in))
      return op.emitOpError("cannot lower dequantization of ") << inElement;
    RequantKind kind = getRequantKind(op, fallback);
    Value result = buildWithQuantParams(
        rewriter, loc, resultType, adaptor.getInput(), *in,
        [&](OpBuilder &b, Location l, Value x, Value scale, Value zp) {
          Value r = dequantizeScalar(b, l, x, *in, scale, zp, kind);
          return to.isF32() ? r : truncateFloat(b, l, r, to);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RequantizeLowering : public LowBitPattern<RequantizeOp> {
  using LowBitPattern::LowBitPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantInfo> in =
        QuantInfo::get(op.getInput().getType().getElementType());
    FailureOr<QuantInfo> out =
        QuantInfo::get(op.getResult().getType().getElementType());
    if (failed(in) || failed(out))
      return op.emitOpError("cannot lower this requantization");
    RankedTensorType resultType = storageTensorType(op.getResult());
    Type storage = resultType.getElementType();
    RequantKind kind = getRequantKind(op, fallback);
    QuantBuilder qb(rewriter, loc);

    if (out->axis >= 0 && in->axis >= 0 && out->axis != in->axis)
      return op.emitOpError("cannot requantize between different quantized "
                            "axes");
    int64_t axis = std::max(in->axis, out->axis);
    size_t channels = std::max(in->scales.size(), out->scales.size());
    SmallVector<double> real;
    SmallVector<float> realF;
    SmallVector<int32_t> zpIn, zpOut;
    for (size_t c = 0; c < channels; ++c) {
      real.push_back(in->scale(c) / out->scale(c));
      realF.push_back(static_cast<float>(in->scale(c)) /
                      static_cast<float>(out->scale(c)));
      zpIn.push_back(in->zeroPoint(c));
      zpOut.push_back(out->zeroPoint(c));
    }
    RequantParams p = computeRequantParams(real, realF);
    SmallVector<Value> channel;
    if (axis >= 0)
      channel = {qb.i32Tensor(p.multiplier), qb.i32Tensor(p.leftShift),
                 qb.i32Tensor(p.rightShift), qb.f32Tensor(p.floatMultiplier),
                 qb.i32Tensor(zpIn),         qb.i32Tensor(zpOut)};
    Value result = buildElementwise(
        rewriter, loc, resultType, adaptor.getInput(), channel,
        std::max<int64_t>(axis, 0),
        [&](OpBuilder &b, Location l, ValueRange a) {
          QuantBuilder q(b, l);
          auto pick = [&](unsigned i, Value v) {
            return axis >= 0 ? a[1 + i] : v;
          };
          Value zi = pick(4, q.i32(zpIn[0]));
          Value x =
              arith::SubIOp::create(b, l, q.extend(a[0], in->isSigned), zi);
          if (out->isBinary)
            return Value(arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                               x, q.i32(0)));
          Value zo = pick(5, q.i32(zpOut[0]));
          Value lo = q.i32(out->qmin), hi = q.i32(out->qmax);
          Value r;
          if (kind == RequantKind::Float) {
            r = q.requantFloat(x, pick(3, q.f32(p.floatMultiplier[0])), zo, lo,
                               hi);
          } else {
            r = q.mbqm(x, pick(0, q.i32(p.multiplier[0])),
                       pick(1, q.i32(p.leftShift[0])),
                       pick(2, q.i32(p.rightShift[0])));
            r = q.clampI(arith::AddIOp::create(b, l, r, zo), lo, hi);
          }
          return q.narrow(r, storage);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// sign / threshold
//===----------------------------------------------------------------------===//

struct SignLowering : public LowBitPattern<SignOp> {
  using LowBitPattern::LowBitPattern;
  LogicalResult
  matchAndRewrite(SignOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type inElement = op.getInput().getType().getElementType();
    FailureOr<QuantInfo> in = QuantInfo::get(inElement);
    if (failed(in))
      return op.emitOpError("cannot lower sign of ") << inElement;
    RankedTensorType resultType = storageTensorType(op.getResult());
    QuantBuilder qb(rewriter, op.getLoc());
    SmallVector<Value> channel;
    if (!in->isFloat && !in->isBinary && in->axis >= 0) {
      SmallVector<int32_t> zps(in->zeroPoints.begin(), in->zeroPoints.end());
      channel.push_back(qb.i32Tensor(zps));
    }
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getInput(), channel,
        std::max<int64_t>(in->axis, 0),
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          QuantBuilder q(b, l);
          if (in->isBinary)
            return a[0];
          if (in->isFloat)
            return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                         extendToF32(b, l, a[0]), q.f32(0.0));
          Value zp = channel.empty() ? q.i32(in->zeroPoint()) : a[1];
          return arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                       q.extend(a[0], in->isSigned), zp);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ThresholdLowering : public LowBitPattern<ThresholdOp> {
  using LowBitPattern::LowBitPattern;
  LogicalResult
  matchAndRewrite(ThresholdOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type inElement = op.getInput().getType().getElementType();
    FailureOr<QuantInfo> in = QuantInfo::get(inElement);
    FailureOr<QuantInfo> out =
        QuantInfo::get(op.getResult().getType().getElementType());
    if (failed(in) || failed(out))
      return op.emitOpError("cannot lower this threshold");
    RankedTensorType resultType = storageTensorType(op.getResult());
    RankedTensorType tType = op.getThresholds().getType();
    int64_t rank = resultType.getRank();
    bool shared = tType.getDimSize(0) == 1;
    MLIRContext *ctx = rewriter.getContext();
    // Iterate over the result plus one reduction dim over the levels.
    SmallVector<AffineExpr> dims;
    for (int64_t d = 0; d <= rank; ++d)
      dims.push_back(getAffineDimExpr(d, ctx));
    AffineMap inMap =
        AffineMap::get(rank + 1, 0, ArrayRef(dims).drop_back(), ctx);
    AffineMap tMap = AffineMap::get(
        rank + 1, 0,
        {shared ? getAffineConstantExpr(0, ctx) : dims[rank - 1], dims[rank]},
        ctx);
    auto countType =
        RankedTensorType::get(resultType.getShape(), rewriter.getI32Type());
    QuantBuilder qb(rewriter, loc);
    Value init = filledTensor(rewriter, loc, countType.getShape(), qb.i32(0));
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value count =
        linalg::GenericOp::create(
            rewriter, loc, countType,
            ValueRange{adaptor.getInput(), adaptor.getThresholds()},
            ValueRange{init}, ArrayRef<AffineMap>{inMap, tMap, inMap}, iters,
            [&](OpBuilder &b, Location l, ValueRange a) {
              QuantBuilder q(b, l);
              Value ge;
              if (in->isFloat) {
                ge = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE,
                                           extendToF32(b, l, a[0]),
                                           extendToF32(b, l, a[1]));
              } else {
                Value x = q.extend(a[0], in->isSigned, 64);
                Value t = q.extend(a[1], true, 64);
                ge = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, x,
                                           t);
              }
              Value inc = arith::ExtUIOp::create(b, l, b.getI32Type(), ge);
              linalg::YieldOp::create(
                  b, l, Value(arith::AddIOp::create(b, l, a[2], inc)));
            })
            .getResult(0);
    Value result = buildElementwise(
        rewriter, loc, resultType, count, {}, 0,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          QuantBuilder q(b, l);
          if (out->isBinary)
            return arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, a[0],
                                         q.i32(0));
          Value v = arith::AddIOp::create(b, l, a[0], q.i32(out->qmin));
          return q.narrow(v, resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// add / mul
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult lowerFloatElementwise(OpTy op, Value lhs, Value rhs,
                                           ConversionPatternRewriter &rewriter,
                                           bool isAdd) {
  RankedTensorType resultType = op.getResult().getType();
  auto to = cast<FloatType>(resultType.getElementType());
  Value result = buildElementwise(
      rewriter, op.getLoc(), resultType, {lhs, rhs}, {}, 0,
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value x = extendToF32(b, l, a[0]), y = extendToF32(b, l, a[1]);
        Value r = isAdd ? Value(arith::AddFOp::create(b, l, x, y))
                        : Value(arith::MulFOp::create(b, l, x, y));
        r = applyFloatActivation(b, l, r, op.getActivation(), op.getClampMin(),
                                 op.getClampMax());
        return truncateFloat(b, l, r, to);
      });
  rewriter.replaceOp(op, result);
  return success();
}

/// The quantization of an integer lowbit.add / lowbit.mul (binary operands
/// are refused), its storage result type, its fused activation and the
/// stored range that activation allows.
struct ElementwiseInfo {
  QuantInfo x, y, z;
  RankedTensorType resultType;
  Activation activation;
  std::optional<APFloat> clampMin, clampMax;
  std::pair<int32_t, int32_t> act{0, 0};

  /// The activation applied to an f32 scalar (for float results).
  Value activate(OpBuilder &b, Location l, Value f) const {
    return applyFloatActivation(b, l, f, activation, clampMin, clampMax);
  }
};

template <typename OpTy>
static FailureOr<ElementwiseInfo> readElementwise(OpTy op) {
  FailureOr<QuantInfo> x =
      QuantInfo::get(op.getLhs().getType().getElementType());
  FailureOr<QuantInfo> y =
      QuantInfo::get(op.getRhs().getType().getElementType());
  FailureOr<QuantInfo> z =
      QuantInfo::get(op.getResult().getType().getElementType());
  if (failed(x) || failed(y) || failed(z) || x->isBinary || y->isBinary)
    return op.emitOpError("binary operands of ")
           << op->getName() << " are not supported by --lowbit-lower-quantized";
  ElementwiseInfo info{*x,
                       *y,
                       *z,
                       storageTensorType(op.getResult()),
                       op.getActivation(),
                       op.getClampMin(),
                       op.getClampMax()};
  if (!z->isFloat && !z->isBinary)
    info.act =
        getActivationRange(*z, info.activation, info.clampMin, info.clampMax);
  return info;
}

/// ext(v) - zero point of `info`, in int32.
static Value centeredI32(OpBuilder &b, Location l, Value v,
                         const QuantInfo &info) {
  QuantBuilder q(b, l);
  return arith::SubIOp::create(b, l, q.extend(v, info.isSigned),
                               q.i32(info.zeroPoint()));
}

/// The scalar body of an integer lowbit.add / lowbit.mul, given both
/// operands centered in int32 (`xa`, `ya`).
using ElementwiseBody =
    std::function<Value(OpBuilder &, Location, Value xa, Value ya)>;

/// lowbit.add and lowbit.mul: float operands in float32, integer ones
/// through `Derived::prepare(op, info, kind)`, which checks the op and
/// returns its scalar body.
template <typename OpTy, typename Derived>
struct QuantizedElementwiseLowering : public LowBitPattern<OpTy> {
  using LowBitPattern<OpTy>::LowBitPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isSupportedFloat(op.getLhs().getType().getElementType()))
      return lowerFloatElementwise(op, adaptor.getLhs(), adaptor.getRhs(),
                                   rewriter, Derived::kIsAdd);
    FailureOr<ElementwiseInfo> info = readElementwise(op);
    if (failed(info))
      return failure();
    FailureOr<ElementwiseBody> body =
        Derived::prepare(op, *info, getRequantKind(op, this->fallback));
    if (failed(body))
      return failure();
    Value result = buildElementwise(
        rewriter, op.getLoc(), info->resultType,
        {adaptor.getLhs(), adaptor.getRhs()}, {}, 0,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return (*body)(b, l, centeredI32(b, l, a[0], info->x),
                         centeredI32(b, l, a[1], info->y));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AddLowering : public QuantizedElementwiseLowering<AddOp, AddLowering> {
  using QuantizedElementwiseLowering::QuantizedElementwiseLowering;
  static constexpr bool kIsAdd = true;

  static FailureOr<ElementwiseBody>
  prepare(AddOp op, const ElementwiseInfo &info, RequantKind kind) {
    QuantInfo x = info.x, y = info.y, z = info.z;
    std::pair<int32_t, int32_t> act = info.act;
    Type storage = info.resultType.getElementType();
    // Headroom as in TFLite: 20 bits for 8-bit inputs, 15 for symmetric
    // int16; in general the largest that keeps (q - zp) << shift in int32.
    unsigned w = std::max(x.width, y.width);
    bool centered = x.hasNonZeroZeroPoint() || y.hasNonZeroZeroPoint() ||
                    !x.isSigned || !y.isSigned;
    int leftShift = std::min<int>(20, 30 - (centered ? w : w - 1));
    numerics::AddParams params =
        numerics::computeAddParams(x.scale(), y.scale(), z.scale(), leftShift);
    return ElementwiseBody(
        [=](OpBuilder &b, Location l, Value xa, Value ya) -> Value {
          QuantBuilder q(b, l);
          if (z.isFloat || z.isBinary || kind == RequantKind::Float) {
            // Dequantize both in float32, add, requantize (PyTorch / ONNX style
            // with round half to even).
            Value fx = arith::MulFOp::create(
                b, l, arith::SIToFPOp::create(b, l, b.getF32Type(), xa),
                q.f32(x.scale()));
            Value fy = arith::MulFOp::create(
                b, l, arith::SIToFPOp::create(b, l, b.getF32Type(), ya),
                q.f32(y.scale()));
            Value sum = arith::AddFOp::create(b, l, fx, fy);
            if (z.isFloat) {
              sum = info.activate(b, l, sum);
              return truncateFloat(b, l, sum, z.floatType);
            }
            if (z.isBinary)
              return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, sum,
                                           q.f32(0.0));
            return quantizeScalar(b, l, sum, q.f32(z.scale()),
                                  q.i32(z.zeroPoint()), z, RequantKind::Float,
                                  storage, act.first, act.second);
          }
          Value shift = q.i32(params.leftShift);
          Value sx = arith::ShLIOp::create(b, l, xa, shift);
          Value sy = arith::ShLIOp::create(b, l, ya, shift);
          auto apply = [&](Value v, numerics::QuantizedMultiplier m) {
            return q.mbqm(v, q.i32(m.multiplier), q.i32(std::max(m.shift, 0)),
                          q.i32(std::max(-m.shift, 0)));
          };
          Value sum = arith::AddIOp::create(b, l, apply(sx, params.input1),
                                            apply(sy, params.input2));
          Value r = arith::AddIOp::create(b, l, apply(sum, params.output),
                                          q.i32(z.zeroPoint()));
          return q.narrow(q.clampI(r, q.i32(act.first), q.i32(act.second)),
                          storage);
        });
  }
};

struct MulLowering : public QuantizedElementwiseLowering<MulOp, MulLowering> {
  using QuantizedElementwiseLowering::QuantizedElementwiseLowering;
  static constexpr bool kIsAdd = false;

  static FailureOr<ElementwiseBody>
  prepare(MulOp op, const ElementwiseInfo &info, RequantKind kind) {
    QuantInfo x = info.x, y = info.y, z = info.z;
    std::pair<int32_t, int32_t> act = info.act;
    Type storage = info.resultType.getElementType();
    int64_t bound = x.maxAbsCentered() * y.maxAbsCentered();
    if (bound > std::numeric_limits<int32_t>::max())
      return op.emitOpError("the product of ")
             << op.getLhs().getType().getElementType() << " and "
             << op.getRhs().getType().getElementType() << " can overflow int32";
    double sxy = x.scale() * y.scale();
    float sxyF = static_cast<float>(x.scale()) * static_cast<float>(y.scale());
    RequantParams p = computeRequantParams(
        {z.isFloat ? 1.0 : sxy / z.scale()},
        {z.isFloat ? 1.0f : sxyF / static_cast<float>(z.scale())});
    return ElementwiseBody(
        [=](OpBuilder &b, Location l, Value xa, Value ya) -> Value {
          QuantBuilder q(b, l);
          Value prod = arith::MulIOp::create(b, l, xa, ya);
          if (z.isBinary)
            return arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, prod,
                                         q.i32(0));
          if (z.isFloat) {
            Value f = arith::MulFOp::create(
                b, l, arith::SIToFPOp::create(b, l, b.getF32Type(), prod),
                q.f32(sxyF));
            f = info.activate(b, l, f);
            return truncateFloat(b, l, f, z.floatType);
          }
          Value zp = q.i32(z.zeroPoint());
          Value lo = q.i32(act.first), hi = q.i32(act.second);
          Value r;
          if (kind == RequantKind::Float) {
            r = q.requantFloat(prod, q.f32(p.floatMultiplier[0]), zp, lo, hi);
          } else {
            r = q.mbqm(prod, q.i32(p.multiplier[0]), q.i32(p.leftShift[0]),
                       q.i32(p.rightShift[0]));
            r = q.clampI(arith::AddIOp::create(b, l, r, zp), lo, hi);
          }
          return q.narrow(r, storage);
        });
  }
};

//===----------------------------------------------------------------------===//
// Other ops on quantized tensors
//===----------------------------------------------------------------------===//

/// Rebuilds a region-free op from another dialect (tensor.collapse_shape,
/// tensor.extract_slice, tensor.concat, ...) on the storage types: these ops
/// only move values, so the stored integers move unchanged.
struct StructuralTypeConversion : public ConversionPattern {
  StructuralTypeConversion(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<LowBitDialect>(op->getDialect()) || op->getNumRegions() != 0 ||
        isa<func::FuncOp, func::ReturnOp, func::CallOp>(op))
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         resultTypes, op->getAttrs());
    Operation *converted = rewriter.create(state);
    rewriter.replaceOp(op, converted->getResults());
    return success();
  }
};

/// linalg.transpose of quantized tensors (left by the QDQ fusion) moves
/// stored values like the ops above; its region is rebuilt by the builder.
struct TransposeTypeConversion
    : public OpConversionPattern<linalg::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(linalg::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1)
      return failure();
    auto converted =
        linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getInput(),
                                    adaptor.getInit(), op.getPermutation());
    rewriter.replaceOp(op, converted->getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// Parses the requant-mode option.
static FailureOr<RequantKind> parseRequantMode(Operation *op, StringRef mode) {
  if (std::optional<RequantMode> m = parseRequantModeOption(mode))
    return *m == RequantMode::Float ? RequantKind::Float
                                    : RequantKind::FixedPoint;
  return op->emitError() << "unknown requant-mode '" << mode
                         << "'; expected fixed-point or float";
}

struct LowerQuantizedPass
    : public mlir::lowbit::impl::LowBitLowerQuantizedBase<LowerQuantizedPass> {
  using LowBitLowerQuantizedBase::LowBitLowerQuantizedBase;

  void runOnOperation() override {
    FailureOr<RequantKind> fallback =
        parseRequantMode(getOperation(), requantMode);
    if (failed(fallback))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    populateStorageTypeConversion(converter);

    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect>();
    target.addIllegalDialect<LowBitDialect>();
    target.addIllegalOp<quant::StorageCastOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<linalg::TransposeOp>(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    patterns.add<ConstantLowering, QuantizeLowering, DequantizeLowering,
                 RequantizeLowering, SignLowering, ThresholdLowering,
                 AddLowering, MulLowering>(converter, ctx, *fallback);
    patterns.add<StorageCastLowering<quant::StorageCastOp>,
                 StorageCastLowering<StorageCastOp>, StructuralTypeConversion,
                 TransposeTypeConversion>(converter, ctx);
    populateContractionPatterns(converter, patterns, *fallback);
    populatePoolingPatterns(converter, patterns);
    // Binary and ternary ops left over from --lowbit-lower-binary (or when
    // it did not run) are lowered here too.
    populateBinaryPatterns(converter, patterns, *fallback);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    // Nothing reads the requantization mode past this point, and the
    // attribute would tie the lowered IR to the lowbit dialect.
    getOperation()->walk(
        [](Operation *op) { op->removeAttr(kRequantModeAttrName); });
  }
};

struct LowerBinaryPass
    : public mlir::lowbit::impl::LowBitLowerBinaryBase<LowerBinaryPass> {
  using LowBitLowerBinaryBase::LowBitLowerBinaryBase;

  void runOnOperation() override {
    FailureOr<RequantKind> fallback =
        parseRequantMode(getOperation(), requantMode);
    if (failed(fallback))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    populateStorageTypeConversion(converter);

    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           LowBitDialect, func::FuncDialect>();
    target.addLegalOp<UnrealizedConversionCastOp>();
    target.addDynamicallyLegalDialect<LowBitDialect>(
        [](Operation *op) { return !isBinaryLoweringOp(op); });

    RewritePatternSet patterns(ctx);
    populateBinaryPatterns(converter, patterns, *fallback);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::lowbit::populateStorageTypeConversion(TypeConverter &converter) {
  converter.addConversion([](Type t) -> Type {
    if (isa<quant::QuantizedType, BinaryType>(t))
      return convertElementType(t);
    return t;
  });
  converter.addConversion([](RankedTensorType t) -> Type {
    return RankedTensorType::get(
        t.getShape(), convertElementType(t.getElementType()), t.getEncoding());
  });
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  converter.addSourceMaterialization(materialize);
  converter.addTargetMaterialization(materialize);
}
