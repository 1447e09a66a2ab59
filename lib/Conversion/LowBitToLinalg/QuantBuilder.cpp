//===- QuantBuilder.cpp - IR builders for quantized arithmetic ------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "QuantBuilder.h"

#include "lowbit/Dialect/LowBit/IR/NumericsInterop.h"
#include "lowbit/Numerics/FixedPoint.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lowbit;
namespace numerics = ::lowbit::numerics;

static double roundToF32(double v) {
  return static_cast<double>(static_cast<float>(v));
}

FailureOr<QuantInfo> QuantInfo::get(Type type) {
  QuantInfo info;
  if (isSupportedFloat(type)) {
    info.isFloat = true;
    info.floatType = cast<FloatType>(type);
    return info;
  }
  if (auto b = dyn_cast<BinaryType>(type)) {
    info.isBinary = true;
    info.width = 1;
    info.qmin = -1;
    info.qmax = 1;
    info.axis = b.getAxis();
    for (double s : b.getScales())
      info.scales.push_back(roundToF32(s));
    info.zeroPoints.assign(info.scales.size(), 0);
    info.floatType = b.getExpressedType();
    return info;
  }
  auto q = dyn_cast<quant::QuantizedType>(type);
  if (!q || isa<quant::UniformQuantizedSubChannelType>(type))
    return failure();
  info.isSigned = q.isSigned();
  info.width = q.getStorageTypeIntegralWidth();
  info.qmin = q.getStorageTypeMin();
  info.qmax = q.getStorageTypeMax();
  info.floatType = cast<FloatType>(q.getExpressedType());
  if (auto t = dyn_cast<quant::UniformQuantizedType>(type)) {
    info.scales.push_back(roundToF32(t.getScale()));
    info.zeroPoints.push_back(t.getZeroPoint());
  } else {
    auto pa = cast<quant::UniformQuantizedPerAxisType>(type);
    info.axis = pa.getQuantizedDimension();
    for (double s : pa.getScales())
      info.scales.push_back(roundToF32(s));
    info.zeroPoints.assign(pa.getZeroPoints().begin(),
                           pa.getZeroPoints().end());
  }
  return info;
}

int64_t QuantInfo::maxAbsCentered() const {
  int64_t m = 0;
  for (int64_t zp : zeroPoints)
    m = std::max({m, std::abs(qmin - zp), std::abs(qmax - zp)});
  return m;
}

RequantKind mlir::lowbit::getRequantKind(Operation *op, RequantKind fallback) {
  if (std::optional<RequantMode> mode = getRecordedRequantMode(op))
    return *mode == RequantMode::Float ? RequantKind::Float
                                       : RequantKind::FixedPoint;
  return fallback;
}

//===----------------------------------------------------------------------===//
// QuantBuilder
//===----------------------------------------------------------------------===//

Value QuantBuilder::i32(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}
Value QuantBuilder::i64(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
}
Value QuantBuilder::f32(double v) {
  return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                        APFloat(static_cast<float>(v)));
}
Value QuantBuilder::f64(double v) {
  return arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(v));
}

Value QuantBuilder::extend(Value v, bool isSigned, unsigned bits) {
  Type to = b.getIntegerType(bits);
  unsigned width = v.getType().getIntOrFloatBitWidth();
  if (width == bits)
    return v;
  if (width > bits)
    return arith::TruncIOp::create(b, loc, to, v);
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, to, v);
  return arith::ExtUIOp::create(b, loc, to, v);
}

Value QuantBuilder::narrow(Value v, Type storageType) {
  if (v.getType() == storageType)
    return v;
  return arith::TruncIOp::create(b, loc, storageType, v);
}

Value QuantBuilder::clampI(Value v, Value lo, Value hi) {
  Value m = arith::MaxSIOp::create(b, loc, v, lo);
  return arith::MinSIOp::create(b, loc, m, hi);
}

Value QuantBuilder::srdhm(Value a, Value mul) {
  Type i64T = b.getI64Type();
  Value a64 = arith::ExtSIOp::create(b, loc, i64T, a);
  Value m64 = arith::ExtSIOp::create(b, loc, i64T, mul);
  Value ab = arith::MulIOp::create(b, loc, a64, m64);
  Value nonNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, ab, i64(0));
  Value nudge = arith::SelectOp::create(b, loc, nonNeg, i64(1LL << 30),
                                        i64(1 - (1LL << 30)));
  Value sum = arith::AddIOp::create(b, loc, ab, nudge);
  // C division truncates toward zero, as arith.divsi does.
  Value q = arith::DivSIOp::create(b, loc, sum, i64(1LL << 31));
  return arith::TruncIOp::create(b, loc, b.getI32Type(), q);
}

Value QuantBuilder::rdbpot(Value x, Value exponent) {
  Value one = i32(1);
  Value mask = arith::SubIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, one, exponent), one);
  Value rem = arith::AndIOp::create(b, loc, x, mask);
  Value isNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, i32(0));
  Value thr = arith::AddIOp::create(
      b, loc, arith::ShRSIOp::create(b, loc, mask, one),
      arith::ExtUIOp::create(b, loc, b.getI32Type(), isNeg));
  Value up = arith::ExtUIOp::create(
      b, loc, b.getI32Type(),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, rem, thr));
  return arith::AddIOp::create(b, loc,
                               arith::ShRSIOp::create(b, loc, x, exponent), up);
}

Value QuantBuilder::mbqm(Value x, Value multiplier, Value leftShift,
                         Value rightShift) {
  // x * 2^left wraps like the reference's int32 multiplication.
  Value shifted = arith::ShLIOp::create(b, loc, x, leftShift);
  return rdbpot(srdhm(shifted, multiplier), rightShift);
}

Value QuantBuilder::requantFloat(Value acc, Value m, Value zp, Value lo,
                                 Value hi) {
  Type f32T = b.getF32Type();
  Value f = arith::SIToFPOp::create(b, loc, f32T, acc);
  Value r =
      math::RoundEvenOp::create(b, loc, arith::MulFOp::create(b, loc, f, m));
  // Clamp in float before converting, so out-of-range values saturate
  // instead of becoming poison.
  Value loF = arith::SIToFPOp::create(b, loc, f32T,
                                      arith::SubIOp::create(b, loc, lo, zp));
  Value hiF = arith::SIToFPOp::create(b, loc, f32T,
                                      arith::SubIOp::create(b, loc, hi, zp));
  r = arith::MinNumFOp::create(b, loc, arith::MaxNumFOp::create(b, loc, r, loF),
                               hiF);
  Value i = arith::FPToSIOp::create(b, loc, b.getI32Type(), r);
  return arith::AddIOp::create(b, loc, i, zp);
}

Value QuantBuilder::i32Tensor(ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseIntElementsAttr::get(type, values));
}

Value QuantBuilder::f32Tensor(ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseFPElementsAttr::get(type, values));
}

//===----------------------------------------------------------------------===//
// Tensor builders
//===----------------------------------------------------------------------===//

Value mlir::lowbit::filledTensor(OpBuilder &b, Location loc,
                                 ArrayRef<int64_t> shape, Value value) {
  Value empty = tensor::EmptyOp::create(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value mlir::lowbit::sumLastDim(OpBuilder &b, Location loc, Value values,
                               bool isSigned) {
  MLIRContext *ctx = b.getContext();
  auto t = cast<RankedTensorType>(values.getType());
  int64_t rank = t.getRank();
  QuantBuilder qb(b, loc);
  Value init = filledTensor(b, loc, t.getShape().drop_back(), qb.i32(0));
  SmallVector<AffineExpr> out;
  for (int64_t d = 0; d + 1 < rank; ++d)
    out.push_back(getAffineDimExpr(d, ctx));
  SmallVector<utils::IteratorType> iters(rank - 1,
                                         utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, init.getType(), values, init,
             ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, out, ctx)},
             iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               QuantBuilder q(nb, l);
               linalg::YieldOp::create(
                   nb, l,
                   Value(arith::AddIOp::create(nb, l, a[1],
                                               q.extend(a[0], isSigned))));
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Elementwise generic
//===----------------------------------------------------------------------===//

Value mlir::lowbit::buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    ValueRange channelInputs, int64_t channelDim,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = resultType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  SmallVector<Value> allInputs;
  for (Value in : inputs) {
    auto t = cast<RankedTensorType>(in.getType());
    SmallVector<AffineExpr> exprs;
    int64_t offset = rank - t.getRank();
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (t.getDimSize(d) == 1 && resultType.getDimSize(offset + d) != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(offset + d, ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
    allInputs.push_back(in);
  }
  for (Value in : channelInputs) {
    maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(channelDim, ctx)));
    allInputs.push_back(in);
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, allInputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

RequantParams
mlir::lowbit::computeRequantParams(ArrayRef<double> realMultipliers,
                                   ArrayRef<float> floatMultipliers) {
  RequantParams p;
  for (double m : realMultipliers) {
    numerics::QuantizedMultiplier qm = numerics::quantizeMultiplier(m);
    p.multiplier.push_back(qm.multiplier);
    p.leftShift.push_back(std::max(qm.shift, 0));
    p.rightShift.push_back(std::max(-qm.shift, 0));
  }
  p.floatMultiplier.assign(floatMultipliers.begin(), floatMultipliers.end());
  return p;
}

std::pair<int32_t, int32_t>
mlir::lowbit::getActivationRange(const QuantInfo &out, Activation activation,
                                 std::optional<APFloat> lo,
                                 std::optional<APFloat> hi) {
  numerics::ActivationKind kind = toNumericsActivation(activation);
  float loF = lo ? static_cast<float>(lo->convertToDouble()) : 0.0f;
  float hiF = hi ? static_cast<float>(hi->convertToDouble()) : 0.0f;
  return numerics::activationRange(kind, static_cast<float>(out.scale()),
                                   static_cast<int32_t>(out.zeroPoint()),
                                   static_cast<int32_t>(out.qmin),
                                   static_cast<int32_t>(out.qmax), loF, hiF);
}

Value mlir::lowbit::applyFloatActivation(OpBuilder &b, Location loc, Value x,
                                         Activation activation,
                                         std::optional<APFloat> lo,
                                         std::optional<APFloat> hi) {
  QuantBuilder qb(b, loc);
  switch (activation) {
  case Activation::none:
    return x;
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, x, qb.f32(0.0));
  case Activation::relu6:
    return arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, x, qb.f32(0.0)), qb.f32(6.0));
  case Activation::clamp:
    return arith::MinimumFOp::create(
        b, loc,
        arith::MaximumFOp::create(b, loc, x, qb.f32(lo->convertToDouble())),
        qb.f32(hi->convertToDouble()));
  }
  llvm_unreachable("unknown activation");
}

namespace {
/// Layout of a small binary float format.
struct SmallFloatFormat {
  unsigned exponentBits, mantissaBits;
  int bias;
  bool hasInfinity; ///< false for f8E4M3FN (saturating, NaN = S.1111.111)
  unsigned width() const { return 1 + exponentBits + mantissaBits; }
};
} // namespace

static SmallFloatFormat getFormat(FloatType t) {
  if (t.isF16())
    return {5, 10, 15, true};
  if (t.isBF16())
    return {8, 7, 127, true};
  if (isa<Float8E5M2Type>(t))
    return {5, 2, 15, true};
  assert(isa<Float8E4M3FNType>(t) && "unsupported small float");
  return {4, 3, 7, false};
}

Value mlir::lowbit::truncateFloat(OpBuilder &b, Location loc, Value x,
                                  FloatType to) {
  if (x.getType() == to)
    return x;
  QuantBuilder q(b, loc);
  SmallFloatFormat f = getFormat(to);
  if (!f.hasInfinity) {
    // E4M3FN has no infinity: saturate to the largest finite value. NaN
    // propagates through maximumf/minimumf.
    x = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, x, q.f32(-448.0)),
        q.f32(448.0));
  }
  Type i32T = b.getI32Type();
  auto c = [&](int64_t v) { return q.i32(v); };
  Value bits = arith::BitcastOp::create(b, loc, i32T, x);
  Value abs = arith::AndIOp::create(b, loc, bits, c(0x7fffffff));
  Value sign = arith::ShRUIOp::create(b, loc, bits, c(31));
  int shift = 23 - static_cast<int>(f.mantissaBits);
  // Normal range: rebias the exponent, then round the mantissa to nearest
  // even; a carry out of the mantissa correctly bumps the exponent.
  Value rebased = arith::SubIOp::create(
      b, loc, abs, c(static_cast<int64_t>(127 - f.bias) << 23));
  Value lsb = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, rebased, c(shift)), c(1));
  Value rounded = arith::AddIOp::create(
      b, loc, rebased,
      arith::AddIOp::create(b, loc, c((1LL << (shift - 1)) - 1), lsb));
  Value normal = arith::ShRUIOp::create(b, loc, rounded, c(shift));
  // Subnormal range: adding 2^(24 - bias - mantissaBits) makes the f32 adder
  // round |x| to a multiple of the subnormal spacing (to nearest even); the
  // low bits of the sum are then the subnormal encoding.
  int magicExp = 24 - f.bias - static_cast<int>(f.mantissaBits);
  Value magic = q.f32(std::ldexp(1.0, magicExp));
  Value absF = arith::BitcastOp::create(b, loc, b.getF32Type(), abs);
  Value sum = arith::BitcastOp::create(
      b, loc, i32T, arith::AddFOp::create(b, loc, absF, magic));
  Value magicBits = c(static_cast<int64_t>(127 + magicExp) << 23);
  Value subnormal = arith::SubIOp::create(b, loc, sum, magicBits);
  Value isSub =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, abs,
                            c(static_cast<int64_t>(127 - f.bias + 1) << 23));
  Value enc = arith::SelectOp::create(b, loc, isSub, subnormal, normal);
  int64_t expMask = (1LL << f.exponentBits) - 1;
  int64_t infEnc = expMask << f.mantissaBits;
  int64_t nanEnc = f.hasInfinity ? infEnc | (1LL << (f.mantissaBits - 1))
                                 : (1LL << (f.width() - 1)) - 1;
  if (f.hasInfinity) {
    // Overflow (including infinite inputs) becomes infinity.
    Value over = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, enc,
                                       c(infEnc));
    enc = arith::SelectOp::create(b, loc, over, c(infEnc), enc);
  }
  Value isNan = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, abs,
                                      c(0x7f800000));
  enc = arith::SelectOp::create(b, loc, isNan, c(nanEnc), enc);
  enc = arith::OrIOp::create(
      b, loc, enc, arith::ShLIOp::create(b, loc, sign, c(f.width() - 1)));
  Type intT = b.getIntegerType(f.width());
  Value narrowBits = arith::TruncIOp::create(b, loc, intT, enc);
  return arith::BitcastOp::create(b, loc, to, narrowBits);
}

Value mlir::lowbit::extendToF32(OpBuilder &b, Location loc, Value x) {
  auto from = cast<FloatType>(x.getType());
  if (from.isF32())
    return x;
  QuantBuilder q(b, loc);
  SmallFloatFormat f = getFormat(from);
  Type i32T = b.getI32Type();
  auto c = [&](int64_t v) { return q.i32(v); };
  Value bits = arith::ExtUIOp::create(
      b, loc, i32T,
      arith::BitcastOp::create(b, loc, b.getIntegerType(f.width()), x));
  Value sign = arith::ShLIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, c(f.width() - 1)), c(31));
  int64_t mantMask = (1LL << f.mantissaBits) - 1;
  int64_t expMask = (1LL << f.exponentBits) - 1;
  Value mant = arith::AndIOp::create(b, loc, bits, c(mantMask));
  Value exp = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, c(f.mantissaBits)),
      c(expMask));
  int shift = 23 - static_cast<int>(f.mantissaBits);
  // Normal: rebias the exponent and widen the mantissa.
  Value normal = arith::OrIOp::create(
      b, loc,
      arith::ShLIOp::create(
          b, loc, arith::AddIOp::create(b, loc, exp, c(127 - f.bias)), c(23)),
      arith::ShLIOp::create(b, loc, mant, c(shift)));
  // Subnormal (and zero): mant * 2^(1 - bias - mantissaBits), exact in f32.
  Value subF = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, b.getF32Type(), mant),
      q.f32(std::ldexp(1.0, 1 - f.bias - static_cast<int>(f.mantissaBits))));
  Value sub = arith::BitcastOp::create(b, loc, i32T, subF);
  Value isSub =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exp, c(0));
  Value mag = arith::SelectOp::create(b, loc, isSub, sub, normal);
  Value special;
  if (f.hasInfinity) {
    // Exponent all ones: infinity or NaN (keep the payload's top bit set).
    special = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exp,
                                    c(expMask));
    Value infOrNan = arith::OrIOp::create(
        b, loc, c(0x7f800000), arith::ShLIOp::create(b, loc, mant, c(shift)));
    mag = arith::SelectOp::create(b, loc, special, infOrNan, mag);
  } else {
    // E4M3FN: only S.1111.111 is NaN.
    Value low =
        arith::AndIOp::create(b, loc, bits, c((1LL << (f.width() - 1)) - 1));
    special = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, low,
                                    c((1LL << (f.width() - 1)) - 1));
    mag = arith::SelectOp::create(b, loc, special, c(0x7fc00000), mag);
  }
  Value out = arith::OrIOp::create(b, loc, mag, sign);
  return arith::BitcastOp::create(b, loc, b.getF32Type(), out);
}

FailureOr<SmallVector<int64_t>> mlir::lowbit::getConstantStoredValues(Value v) {
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c)
    return failure();
  auto values = c.getValue().tryGetValues<APInt>();
  if (!values)
    return failure();
  SmallVector<int64_t> out;
  for (const APInt &x : *values)
    out.push_back(x.getSExtValue());
  return out;
}

Value mlir::lowbit::padSpatial(OpBuilder &b, Location loc, Value v,
                               ArrayRef<int64_t> pad, Value padValue) {
  if (llvm::all_of(pad, [](int64_t p) { return p == 0; }))
    return v;
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> lo(t.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> hi(t.getRank(), b.getIndexAttr(0));
  lo[1] = b.getIndexAttr(pad[0]);
  hi[1] = b.getIndexAttr(pad[1]);
  lo[2] = b.getIndexAttr(pad[2]);
  hi[2] = b.getIndexAttr(pad[3]);
  SmallVector<int64_t> shape(t.getShape());
  shape[1] += pad[0] + pad[1];
  shape[2] += pad[2] + pad[3];
  return tensor::PadOp::create(b, loc,
                               RankedTensorType::get(shape, t.getElementType()),
                               v, lo, hi, padValue);
}

Value mlir::lowbit::padSpatial(OpBuilder &b, Location loc, Value v,
                               ArrayRef<int64_t> pad, TypedAttr padValue) {
  if (llvm::all_of(pad, [](int64_t p) { return p == 0; }))
    return v;
  return padSpatial(b, loc, v, pad,
                    arith::ConstantOp::create(b, loc, padValue).getResult());
}
