//===- FuseThresholds.cpp - fold epilogues into integer thresholds --------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "lowbit/Dialect/LowBit/IR/NumericsInterop.h"
#include "lowbit/Numerics/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITFUSETHRESHOLDS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit;
namespace numerics = ::lowbit::numerics;

namespace {

/// One float32 step of the unfused epilogue, per channel.
struct Step {
  enum Kind { Mul, Add } kind;
  SmallVector<float> values; ///< one per channel, or one for all
  Activation activation;
  float clampMin = 0, clampMax = 0;
  float at(int64_t c) const { return values[values.size() == 1 ? 0 : c]; }
};

float applyActivation(float x, Activation a, float lo, float hi) {
  switch (a) {
  case Activation::none:
    return x;
  case Activation::relu:
    return std::isnan(x) ? x : std::max(x, 0.0f);
  case Activation::relu6:
    return std::isnan(x) ? x : std::min(std::max(x, 0.0f), 6.0f);
  case Activation::clamp:
    return std::isnan(x) ? x : std::min(std::max(x, lo), hi);
  }
  return x;
}

/// The f32 elements of an arith.constant or lowbit.constant.
DenseFPElementsAttr getFloatConstant(Value v) {
  DenseFPElementsAttr attr;
  if (auto c = v.getDefiningOp<ConstantOp>())
    attr = dyn_cast<DenseFPElementsAttr>(c.getValue());
  else if (!matchPattern(v, m_Constant(&attr)))
    return {};
  if (!attr || !attr.getElementType().isF32())
    return {};
  return attr;
}

/// Per-channel f32 values of a constant operand whose shape broadcasts to
/// [..., C] only along the last axis (or is a splat).
FailureOr<SmallVector<float>> channelConstant(Value v, int64_t channels) {
  DenseFPElementsAttr attr = getFloatConstant(v);
  if (!attr)
    return failure();
  if (attr.isSplat())
    return SmallVector<float>{attr.getSplatValue<float>()};
  auto t = cast<ShapedType>(attr.getType());
  for (int64_t d = 0; d + 1 < t.getRank(); ++d)
    if (t.getDimSize(d) != 1)
      return failure();
  if (t.getRank() == 0 || t.getDimSize(t.getRank() - 1) != channels)
    return failure();
  return SmallVector<float>(attr.getValues<float>());
}

float floatOf(std::optional<APFloat> v) {
  return v ? static_cast<float>(v->convertToDouble()) : 0.0f;
}

/// The integer elements of an arith.constant or lowbit.constant (stored
/// values), as int64.
FailureOr<SmallVector<int64_t>> intConstant(Value v) {
  DenseIntElementsAttr attr;
  if (auto c = v.getDefiningOp<ConstantOp>())
    attr = dyn_cast<DenseIntElementsAttr>(c.getValue());
  else if (!matchPattern(v, m_Constant(&attr)))
    return failure();
  if (!attr)
    return failure();
  SmallVector<int64_t> out;
  for (const APInt &i : attr.getValues<APInt>())
    out.push_back(i.getSExtValue());
  return out;
}

/// Scale of a quantized type rounded to float32, as every reference (and
/// the lowering) stores it.
double f32Scale(double s) { return static_cast<double>(static_cast<float>(s)); }

/// The fused epilogue of a lowbit.matmul / lowbit.conv2d.
struct ProducerEpilogue {
  Activation activation;
  float clampMin, clampMax;
  Value bias;
};

ProducerEpilogue getProducerEpilogue(Operation *producer) {
  if (auto m = dyn_cast<MatmulOp>(producer))
    return {m.getActivation(), floatOf(m.getClampMin()),
            floatOf(m.getClampMax()), m.getBias()};
  auto c = cast<Conv2DOp>(producer);
  return {c.getActivation(), floatOf(c.getClampMin()), floatOf(c.getClampMax()),
          c.getBias()};
}

/// `producer` again with `weights`, no bias and no activation: its exact
/// dot product as `accType`.
Value createDotProduct(OpBuilder &b, Operation *producer, Value weights,
                       RankedTensorType accType) {
  Location loc = producer->getLoc();
  MLIRContext *ctx = b.getContext();
  if (auto m = dyn_cast<MatmulOp>(producer))
    return MatmulOp::create(b, loc, accType, m.getLhs(), weights, Value(),
                            ActivationAttr::get(ctx, Activation::none),
                            FloatAttr(), FloatAttr());
  auto c = cast<Conv2DOp>(producer);
  return Conv2DOp::create(
      b, loc, accType, c.getInput(), weights, Value(), c.getStridesAttr(),
      c.getDilationsAttr(), c.getPaddingAttr(), c.getPadValueAttr(),
      c.getGroupsAttr(), ActivationAttr::get(ctx, Activation::none),
      FloatAttr(), FloatAttr());
}

/// Replaces `end` (a sign or threshold) by `lowbit.threshold` with `taus`
/// ([C, L]) on the exact dot product of `producer` with `weights`, an i32
/// value at the input's scale `inScale`. Returns the new threshold.
Value thresholdDotProduct(OpBuilder &b, Operation *producer, Value weights,
                          double inScale, ArrayRef<int32_t> taus,
                          int64_t channels, Operation *end) {
  MLIRContext *ctx = b.getContext();
  auto endInput = cast<RankedTensorType>(end->getOperand(0).getType());
  auto accElement = quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 32),
      Float32Type::get(ctx), inScale, 0, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max());
  Value acc =
      createDotProduct(b, producer, weights,
                       RankedTensorType::get(endInput.getShape(), accElement));
  auto tauType = RankedTensorType::get(
      {channels, static_cast<int64_t>(taus.size()) / channels},
      IntegerType::get(ctx, 32));
  Value tau = arith::ConstantOp::create(
      b, producer->getLoc(), DenseIntElementsAttr::get(tauType, taus));
  b.setInsertionPoint(end);
  Value fused = ThresholdOp::create(b, end->getLoc(),
                                    end->getResult(0).getType(), acc, tau);
  end->getResult(0).replaceAllUsesWith(fused);
  return fused;
}

/// The smallest d in [lo, hi] with reaches(d), for a predicate that is
/// monotonic (false, then true); INT32_MIN when reaches(lo) (always on),
/// INT32_MAX when not reaches(hi) (never on).
int32_t lowestReaching(int64_t lo, int64_t hi,
                       function_ref<bool(int64_t)> reaches) {
  if (reaches(lo))
    return std::numeric_limits<int32_t>::min();
  if (!reaches(hi))
    return std::numeric_limits<int32_t>::max();
  while (hi - lo > 1) { // !reaches(lo), reaches(hi)
    int64_t mid = lo + (hi - lo) / 2;
    if (reaches(mid))
      hi = mid;
    else
      lo = mid;
  }
  return static_cast<int32_t>(hi);
}

struct FuseThresholdsPass
    : public mlir::lowbit::impl::LowBitFuseThresholdsBase<FuseThresholdsPass> {
  using LowBitFuseThresholdsBase::LowBitFuseThresholdsBase;

  void runOnOperation() override {
    if (!parseRequantModeOption(requantMode)) {
      getOperation().emitError("unknown requant-mode '")
          << requantMode << "'; expected fixed-point or float";
      return signalPassFailure();
    }
    // sign(max_pool(x)) -> max_pool(sign(x)): sign is monotone, so it
    // commutes with max (the pool's padding, the smallest value of x's
    // type, becomes -1, the smallest binary value, which never wins unless
    // every value is -1 anyway). The pool then runs on packed bits and the
    // sign packs the wider tensor as a threshold.
    SmallVector<SignOp> signs;
    getOperation().walk([&](SignOp op) { signs.push_back(op); });
    for (SignOp sign : signs) {
      auto pool = sign.getInput().getDefiningOp<MaxPool2DOp>();
      if (!pool || !pool->hasOneUse())
        continue;
      OpBuilder b(pool);
      auto inType = pool.getInput().getType();
      auto bits = SignOp::create(
          b, sign.getLoc(),
          inType.clone(getElementTypeOrSelf(sign.getResult().getType())),
          pool.getInput());
      auto pooled =
          MaxPool2DOp::create(b, pool.getLoc(), sign.getResult().getType(),
                              bits, pool.getKernelAttr(), pool.getStridesAttr(),
                              pool.getDilationsAttr(), pool.getPaddingAttr());
      sign.getResult().replaceAllUsesWith(pooled.getResult());
      sign->erase();
      pool->erase();
    }
    // sign(x) of per-tensor integers: x >= zero point, an integer threshold
    // (which the binary lowering packs 64 channels per vector comparison).
    signs.clear();
    getOperation().walk([&](SignOp op) { signs.push_back(op); });
    for (SignOp sign : signs) {
      auto q = dyn_cast<quant::UniformQuantizedType>(
          getElementTypeOrSelf(sign.getInput().getType()));
      if (!q || !isa<BinaryType>(getElementTypeOrSelf(sign.getResult())) ||
          isTernary(q))
        continue;
      OpBuilder b(sign);
      auto tauType = RankedTensorType::get({1, 1}, b.getI32Type());
      Value tau = arith::ConstantOp::create(
          b, sign.getLoc(),
          DenseIntElementsAttr::get(
              tauType,
              ArrayRef<int32_t>{static_cast<int32_t>(q.getZeroPoint())}));
      Value fused = ThresholdOp::create(
          b, sign.getLoc(), sign.getResult().getType(), sign.getInput(), tau);
      sign.getResult().replaceAllUsesWith(fused);
      sign->erase();
    }

    SmallVector<Operation *> ends;
    getOperation().walk([&](Operation *op) {
      if (isa<SignOp, ThresholdOp>(op))
        ends.push_back(op);
    });
    for (Operation *end : ends) {
      if (auto t = dyn_cast<ThresholdOp>(end);
          t && isa<quant::UniformQuantizedType>(
                   getElementTypeOrSelf(t.getInput().getType())))
        (void)fuseInteger(t);
      else
        (void)fuse(end);
    }
  }

  /// threshold(requantize(integer dot product)) -> threshold(dot product):
  /// a matmul/conv2d on integer operands (an int8 first layer whose output
  /// is binarized, or a layer feeding a multi-threshold) is compared on
  /// its exact int32 accumulator instead of being requantized, narrowed and
  /// compared. Requantization (fixed point or float, then the zero point
  /// and the activation's clamp) is monotonic non-decreasing in the
  /// accumulator, so each stored threshold T becomes the smallest
  /// accumulator whose requantized value reaches T, found by bisection on
  /// the same arithmetic the lowering emits (lowbit/Numerics/FixedPoint.h).
  LogicalResult fuseInteger(ThresholdOp end) {
    auto outType = cast<RankedTensorType>(end.getInput().getType());
    auto qz = cast<quant::UniformQuantizedType>(outType.getElementType());
    if (isTernary(qz))
      return failure();
    int64_t channels = outType.getDimSize(outType.getRank() - 1);
    Operation *producer = end.getInput().getDefiningOp();
    if (!producer || !producer->hasOneUse() ||
        !isa<MatmulOp, Conv2DOp>(producer))
      return failure();
    bool isConv = isa<Conv2DOp>(producer);
    Value input = producer->getOperand(0), weights = producer->getOperand(1);
    auto wType = cast<RankedTensorType>(weights.getType());
    if (!isConv && wType.getRank() != 2)
      return failure();
    auto qx = dyn_cast<quant::UniformQuantizedType>(
        getElementTypeOrSelf(input.getType()));
    Type wElement = wType.getElementType();
    if (!qx || isTernary(qx) || isTernary(wElement) ||
        !isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
            wElement))
      return failure();
    auto wq = cast<quant::QuantizedType>(wElement);
    auto wConst = weights.getDefiningOp<ConstantOp>();
    if (!wConst || !isa<DenseIntElementsAttr>(wConst.getValue()))
      return failure();
    int32_t wAxis;
    FailureOr<SmallVector<double>> wScales = getScales(wElement, wAxis);
    if (failed(wScales))
      return failure();
    SmallVector<int64_t> wZeroPoints;
    if (auto t = dyn_cast<quant::UniformQuantizedType>(wElement))
      wZeroPoints.push_back(t.getZeroPoint());
    else
      llvm::append_range(
          wZeroPoints,
          cast<quant::UniformQuantizedPerAxisType>(wElement).getZeroPoints());
    // The unscaled weights keep one zero point.
    if (!llvm::all_equal(wZeroPoints))
      return failure();

    // Thresholds on the stored output: [C or 1, L] integers.
    auto thresholdType = cast<RankedTensorType>(end.getThresholds().getType());
    FailureOr<SmallVector<int64_t>> stored = intConstant(end.getThresholds());
    if (failed(stored) || thresholdType.getRank() != 2)
      return failure();
    int64_t numLevels = thresholdType.getDimSize(1);
    bool perChannelLevels = thresholdType.getDimSize(0) != 1;

    ProducerEpilogue epilogue = getProducerEpilogue(producer);
    Value bias = epilogue.bias;
    SmallVector<int64_t> biasValues(1, 0);
    if (bias) {
      FailureOr<SmallVector<int64_t>> b = intConstant(bias);
      if (failed(b) ||
          (b->size() != 1 && static_cast<int64_t>(b->size()) != channels))
        return failure();
      biasValues = *b;
    }
    auto biasAt = [&](int64_t c) {
      return biasValues[biasValues.size() == 1 ? 0 : c];
    };

    // The accumulator lies in [-bound, bound]; with the bias it must stay
    // in int32 (the lowering refuses the layer otherwise).
    int64_t k =
        isConv ? wType.getDimSize(1) * wType.getDimSize(2) * wType.getDimSize(3)
               : wType.getDimSize(0);
    int64_t maxX =
        std::max(std::abs(qx.getStorageTypeMin() - qx.getZeroPoint()),
                 std::abs(qx.getStorageTypeMax() - qx.getZeroPoint()));
    int64_t maxW =
        std::max(std::abs(wq.getStorageTypeMin() - wZeroPoints.front()),
                 std::abs(wq.getStorageTypeMax() - wZeroPoints.front()));
    __int128 bound128 = static_cast<__int128>(k) * maxX * maxW;
    int64_t maxBias = 0;
    for (int64_t b : biasValues)
      maxBias = std::max(maxBias, std::abs(b));
    if (bound128 + maxBias >= std::numeric_limits<int32_t>::max())
      return failure();
    int64_t bound = static_cast<int64_t>(bound128);

    // The lowering's epilogue, evaluated at compile time (buildEpilogue in
    // lib/Conversion/LowBitToLinalg/Contraction.cpp does the same at run
    // time): acc + bias, then requantization, the zero point and the
    // activation's range.
    bool isFloatMode =
        getRecordedRequantMode(producer).value_or(
            *parseRequantModeOption(requantMode)) == RequantMode::Float;
    double sx = f32Scale(qx.getScale()), sz = f32Scale(qz.getScale());
    SmallVector<double> real;
    SmallVector<float> realF;
    for (int64_t c = 0; c < channels; ++c) {
      double sw = f32Scale((*wScales)[wScales->size() == 1 ? 0 : c]);
      real.push_back(sx * sw / sz);
      realF.push_back(static_cast<float>(sx) * static_cast<float>(sw) /
                      static_cast<float>(sz));
    }
    bool identity = llvm::all_of(real, [](double m) { return m == 1.0; });
    SmallVector<numerics::QuantizedMultiplier> multipliers;
    for (double m : real)
      multipliers.push_back(numerics::quantizeMultiplier(m));
    int32_t zp = qz.getZeroPoint();
    std::pair<int32_t, int32_t> range = numerics::activationRange(
        toNumericsActivation(epilogue.activation), static_cast<float>(sz), zp,
        static_cast<int32_t>(qz.getStorageTypeMin()),
        static_cast<int32_t>(qz.getStorageTypeMax()), epilogue.clampMin,
        epilogue.clampMax);
    int32_t lo = range.first, hi = range.second;
    // The requantized value before the zero point and the clamp (int64;
    // the lowering adds the zero point in int32, checked not to wrap).
    auto scaled = [&](int64_t c, int64_t acc) -> int64_t {
      int32_t v = static_cast<int32_t>(acc + biasAt(c));
      if (identity)
        return v;
      return numerics::multiplyByQuantizedMultiplier(v, multipliers[c]);
    };
    SmallVector<int32_t> taus(channels * numLevels);
    for (int64_t c = 0; c < channels; ++c) {
      if (!isFloatMode || identity) {
        // A left shift that could wrap, or a sum with the zero point
        // outside int32, would make the function non-monotonic.
        const numerics::QuantizedMultiplier &qm = multipliers[c];
        if (!identity && qm.shift > 0 &&
            bound + maxBias > (std::numeric_limits<int32_t>::max() >> qm.shift))
          return failure();
        if (scaled(c, -bound) + zp < std::numeric_limits<int32_t>::min() ||
            scaled(c, bound) + zp > std::numeric_limits<int32_t>::max())
          return failure();
      }
      auto g = [&](int64_t acc) -> int64_t {
        if (isFloatMode && !identity)
          return numerics::requantizeFloat(
              static_cast<int32_t>(acc + biasAt(c)), realF[c], zp, lo, hi);
        return std::clamp<int64_t>(scaled(c, acc) + zp, lo, hi);
      };
      for (int64_t l = 0; l < numLevels; ++l) {
        int64_t t = (*stored)[(perChannelLevels ? c : 0) * numLevels + l];
        taus[c * numLevels + l] =
            lowestReaching(-bound, bound, [&](int64_t a) { return g(a) >= t; });
      }
    }

    // The same weights, unscaled, and the dot product as an i32 value with
    // the input's scale (an identity requantization).
    OpBuilder b(producer);
    Location loc = producer->getLoc();
    MLIRContext *ctx = b.getContext();
    auto unscaled = quant::UniformQuantizedType::get(
        wq.getFlags(), wq.getStorageType(), Float32Type::get(ctx), 1.0,
        wZeroPoints.front(), wq.getStorageTypeMin(), wq.getStorageTypeMax());
    Value newWeights = ConstantOp::create(
        b, loc, RankedTensorType::get(wType.getShape(), unscaled),
        wConst.getValue());
    Operation *oldThresholds = end.getThresholds().getDefiningOp();
    thresholdDotProduct(b, producer, newWeights, qx.getScale(), taus, channels,
                        end);
    end->erase();
    producer->erase();
    for (Operation *op : {static_cast<Operation *>(wConst), oldThresholds,
                          bias ? bias.getDefiningOp() : nullptr})
      if (op && op->use_empty() && isMemoryEffectFree(op))
        op->erase();
    return success();
  }

  LogicalResult fuse(Operation *end) {
    Value cur = end->getOperand(0);
    auto curType = cast<RankedTensorType>(cur.getType());
    if (!curType.getElementType().isF32())
      return failure();
    int64_t channels = curType.getDimSize(curType.getRank() - 1);

    // Levels: sign is one threshold at 0 (y >= 0 gives +1).
    SmallVector<SmallVector<float>> levels; // [C or 1][L]
    if (auto t = dyn_cast<ThresholdOp>(end)) {
      DenseFPElementsAttr attr = getFloatConstant(t.getThresholds());
      if (!attr)
        return failure();
      auto tt = cast<ShapedType>(attr.getType());
      SmallVector<float> flat(attr.getValues<float>());
      int64_t l = tt.getDimSize(1);
      for (int64_t r = 0; r < tt.getDimSize(0); ++r)
        levels.emplace_back(flat.begin() + r * l, flat.begin() + (r + 1) * l);
    } else {
      levels.push_back({0.0f});
    }

    // Walk back through mul/add with constant per-channel operands.
    SmallVector<Step> steps;
    SmallVector<Operation *> chain;
    while (Operation *def = cur.getDefiningOp()) {
      if (!isa<MulOp, AddOp>(def) || !def->hasOneUse())
        break;
      Value lhs = def->getOperand(0), rhs = def->getOperand(1);
      FailureOr<SmallVector<float>> values = channelConstant(rhs, channels);
      Value other = lhs;
      if (failed(values)) {
        values = channelConstant(lhs, channels);
        other = rhs;
      }
      if (failed(values) || other.getType() != def->getResult(0).getType())
        break;
      Step step;
      step.kind = isa<MulOp>(def) ? Step::Mul : Step::Add;
      step.values = *values;
      if (auto m = dyn_cast<MulOp>(def)) {
        step.activation = m.getActivation();
        step.clampMin = floatOf(m.getClampMin());
        step.clampMax = floatOf(m.getClampMax());
      } else {
        auto a = cast<AddOp>(def);
        step.activation = a.getActivation();
        step.clampMin = floatOf(a.getClampMin());
        step.clampMax = floatOf(a.getClampMax());
      }
      steps.push_back(step);
      chain.push_back(def);
      cur = other;
    }
    std::reverse(steps.begin(), steps.end());

    Operation *producer = cur.getDefiningOp();
    if (!producer || !producer->hasOneUse() ||
        !isa<MatmulOp, Conv2DOp>(producer))
      return failure();
    bool isConv = isa<Conv2DOp>(producer);
    if (!isConv &&
        cast<ShapedType>(producer->getOperand(1).getType()).getRank() != 2)
      return failure();
    Value input = producer->getOperand(0), weights = producer->getOperand(1);
    Type inElement = getElementTypeOrSelf(input.getType());
    Type wElement = getElementTypeOrSelf(weights.getType());
    auto isBits = [](Type t) { return isa<BinaryType>(t) || isTernary(t); };
    // An integer input (a first layer: int8 pixels times binary weights)
    // works the same way: the dot product of its centered values with the
    // -1/0/+1 weights is an exact integer, only over a wider range.
    int64_t inRange = 1;
    if (auto q = dyn_cast<quant::UniformQuantizedType>(inElement);
        q && !isBits(inElement)) {
      int64_t zp = q.getZeroPoint();
      inRange = std::max(std::abs(q.getStorageTypeMin() - zp),
                         std::abs(q.getStorageTypeMax() - zp));
    } else if (!isBits(inElement)) {
      return failure();
    }
    if (!isBits(wElement))
      return failure();
    auto wConst = weights.getDefiningOp<ConstantOp>();
    if (!wConst)
      return failure();
    auto wAttr = dyn_cast<DenseIntElementsAttr>(wConst.getValue());
    if (!wAttr)
      return failure();
    FailureOr<double> inScale = getPerTensorScale(inElement);
    int32_t wAxis;
    FailureOr<SmallVector<double>> wScales = getScales(wElement, wAxis);
    if (failed(inScale) || failed(wScales))
      return failure();

    // The producer's own epilogue: f32(dot) * (f32(s_in) * f32(s_w[c])),
    // plus a constant float bias, then its activation.
    ProducerEpilogue epilogue = getProducerEpilogue(producer);
    Value bias = epilogue.bias;
    SmallVector<float> biasValues;
    if (bias) {
      FailureOr<SmallVector<float>> b = channelConstant(bias, channels);
      if (failed(b))
        return failure();
      biasValues = *b;
    }

    auto wType = cast<RankedTensorType>(weights.getType());
    // The dot products lie in [-k, k].
    int64_t k;
    if (isConv)
      k = wType.getDimSize(1) * wType.getDimSize(2) * wType.getDimSize(3);
    else
      k = wType.getDimSize(wType.getRank() - 2);
    k *= inRange;

    auto evaluate = [&](int64_t c, int64_t dot) {
      float s = static_cast<float>(*inScale) *
                static_cast<float>((*wScales)[wScales->size() == 1 ? 0 : c]);
      float f = static_cast<float>(dot) * s;
      if (!biasValues.empty())
        f = f + biasValues[biasValues.size() == 1 ? 0 : c];
      f = applyActivation(f, epilogue.activation, epilogue.clampMin,
                          epilogue.clampMax);
      for (const Step &step : steps) {
        f = step.kind == Step::Mul ? f * step.at(c) : f + step.at(c);
        f = applyActivation(f, step.activation, step.clampMin, step.clampMax);
      }
      return f;
    };

    int64_t numLevels = levels.front().size();
    SmallVector<int32_t> taus(channels * numLevels);
    SmallVector<bool> flip(channels, false);
    for (int64_t c = 0; c < channels; ++c) {
      // Monotonic in dot; decreasing channels are flipped so that the
      // fused comparison is always dot' >= tau.
      flip[c] = evaluate(c, -k) > evaluate(c, k);
      auto g = [&](int64_t d) { return evaluate(c, flip[c] ? -d : d); };
      const SmallVector<float> &row = levels[levels.size() == 1 ? 0 : c];
      for (int64_t l = 0; l < numLevels; ++l) {
        float t = row[l];
        taus[c * numLevels + l] =
            lowestReaching(-k, k, [&](int64_t d) { return g(d) >= t; });
      }
    }

    // Negate the weights of flipped channels and drop their scales.
    OpBuilder b(producer);
    Location loc = producer->getLoc();
    MLIRContext *ctx = b.getContext();
    SmallVector<APInt> wValues(wAttr.getValues<APInt>());
    int64_t n = wType.getDimSize(wType.getRank() - 1);
    for (int64_t i = 0, e = wValues.size(); i < e; ++i) {
      int64_t c = isConv ? i / (wType.getNumElements() / channels) : i % n;
      if (flip[c])
        wValues[i] = -wValues[i];
    }
    Type unscaled;
    if (isa<BinaryType>(wElement))
      unscaled = BinaryType::get(ctx);
    else
      unscaled = quant::UniformQuantizedType::get(
          quant::QuantizationFlags::Signed, IntegerType::get(ctx, 2),
          Float32Type::get(ctx), 1.0, 0, -1, 1);
    auto newWType = RankedTensorType::get(wType.getShape(), unscaled);
    Value newWeights = ConstantOp::create(
        b, loc, newWType,
        DenseElementsAttr::get(cast<ShapedType>(wAttr.getType()), wValues));
    // The exact dot product as an i32 value with the input's scale.
    thresholdDotProduct(b, producer, newWeights, *inScale, taus, channels, end);
    end->erase();
    for (Operation *op : chain)
      op->erase();
    producer->erase();
    if (wConst->use_empty())
      wConst->erase();
    return success();
  }
};

} // namespace
