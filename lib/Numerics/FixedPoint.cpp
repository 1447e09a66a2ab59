//===- FixedPoint.cpp - Reference requantization arithmetic ---------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Every function mirrors a published reference (see FixedPoint.h). The
// implementations avoid the references' undefined and implementation-defined
// behaviour: signed overflow is replaced by explicit modular arithmetic on
// uint32_t, right shifts of negative values by floor division written with
// non-negative shifts only, and float -> int conversions are range-checked.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Numerics/FixedPoint.h"

#include <cmath>
#include <limits>

using namespace lowbit::numerics;

static constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
static constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

/// Reduces \p v modulo 2^32 into int32 (two's complement wraparound). The
/// uint32_t conversion is modular by definition; the final step avoids the
/// implementation-defined uint32_t -> int32_t conversion of values >= 2^31.
static int32_t wrapToInt32(int64_t v) {
  const uint32_t u = static_cast<uint32_t>(v);
  if (u <= static_cast<uint32_t>(kInt32Max))
    return static_cast<int32_t>(u);
  return static_cast<int32_t>(u - 0x80000000u) + kInt32Min;
}

/// x * 2^shift modulo 2^32: what `x * (1 << shift)` in int32 compiles to.
static int32_t shiftLeftWrapping(int32_t x, int shift) {
  if (shift <= 0)
    return x;
  if (shift >= 32)
    return 0;
  return wrapToInt32(static_cast<uint32_t>(x) << shift);
}

/// floor(v / 2^n) for 0 <= n <= 62, i.e. an arithmetic right shift, without
/// shifting a negative value (implementation-defined before C++20).
static int64_t floorShiftRight(int64_t v, int n) {
  if (v >= 0)
    return v >> n;
  // For v < 0: floor(v / 2^n) = -floor((-v - 1) / 2^n) - 1, and -(v + 1)
  // cannot overflow.
  return -((-(v + 1)) >> n) - 1;
}

static int32_t saturateToInt32(int64_t v) {
  if (v < kInt32Min)
    return kInt32Min;
  if (v > kInt32Max)
    return kInt32Max;
  return static_cast<int32_t>(v);
}

static int32_t clampInt32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/// Round to nearest, ties to even, independent of the floating-point
/// environment (std::nearbyint/std::rint would follow the current rounding
/// mode). The truncation and the fractional part are exact: |v - trunc(v)| is
/// a multiple of v's ulp below 1.
template <typename Float> static Float roundHalfToEven(Float v) {
  if (!std::isfinite(v))
    return v;
  const Float truncated = std::trunc(v);
  const Float fraction = std::fabs(v - truncated);
  const Float half = static_cast<Float>(0.5);
  if (fraction < half)
    return truncated;
  const Float awayFromZero =
      truncated + (v < 0 ? static_cast<Float>(-1) : static_cast<Float>(1));
  if (fraction > half)
    return awayFromZero;
  // A tie: exactly one of truncated and awayFromZero is even.
  return std::fmod(truncated, static_cast<Float>(2)) == 0 ? truncated
                                                          : awayFromZero;
}

/// clamp(r + zp, qmin, qmax) for an integral (or non-finite) \p r, with the
/// policy documented in FixedPoint.h: NaN -> zp, infinities and anything out
/// of range saturate. The sum is formed in double; it is exact whenever the
/// result is not saturated (|r| < 2^53).
static int32_t addZeroPointAndSaturate(double r, int32_t zp, int32_t qmin,
                                       int32_t qmax) {
  if (std::isnan(r))
    return clampInt32(zp, qmin, qmax);
  const double v = r + static_cast<double>(zp);
  if (v <= static_cast<double>(qmin))
    return qmin;
  if (v >= static_cast<double>(qmax))
    return qmax;
  return static_cast<int32_t>(v);
}

//===----------------------------------------------------------------------===//
// Fixed-point multipliers
//===----------------------------------------------------------------------===//

QuantizedMultiplier lowbit::numerics::quantizeMultiplier(double m) {
  // `!(m > 0)` also rejects NaN.
  if (!(m > 0) || !std::isfinite(m))
    return {0, 0};
  int exponent = 0;
  const double q = std::frexp(m, &exponent);
  // q * 2^31 is exact (a power-of-two scaling) and lies in [2^30, 2^31), so
  // std::round (ties away from zero, like TfLiteRound) is the only rounding;
  // it may reach 2^31, which the fix-up below renormalises.
  int64_t qFixed = static_cast<int64_t>(std::round(std::ldexp(q, 31)));
  if (qFixed == (int64_t(1) << 31)) {
    qFixed /= 2;
    ++exponent;
  }
  // The right shift would exceed 31 bits: TFLite flushes these to zero.
  if (exponent < -31)
    return {0, 0};
  return {static_cast<int32_t>(qFixed), static_cast<int32_t>(exponent)};
}

int32_t lowbit::numerics::saturatingRoundingDoublingHighMul(int32_t a,
                                                            int32_t b) {
  if (a == b && a == kInt32Min)
    return kInt32Max;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
  // C++ integer division truncates toward zero, exactly as in gemmlowp. The
  // quotient fits int32 once INT32_MIN * INT32_MIN is excluded.
  return static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));
}

int32_t lowbit::numerics::roundingDivideByPOT(int32_t x, int exponent) {
  if (exponent <= 0)
    return x;
  // |x| / 2^63 < 1/2: rounds to 0.
  if (exponent >= 63)
    return 0;
  // gemmlowp's formula, widened to int64 so that it also holds for exponents
  // 32..62: remainder = x & mask, threshold = (mask >> 1) + (x < 0),
  // result = (x >> exponent) + (remainder > threshold).
  const int64_t value = x;
  const int64_t divisor = int64_t(1) << exponent;
  const int64_t quotient = floorShiftRight(value, exponent);
  const int64_t remainder = value - quotient * divisor; // In [0, divisor).
  const int64_t threshold = ((divisor - 1) >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int32_t>(quotient + (remainder > threshold ? 1 : 0));
}

int32_t lowbit::numerics::multiplyByQuantizedMultiplier(int32_t x,
                                                        QuantizedMultiplier m) {
  const int leftShift = m.shift > 0 ? m.shift : 0;
  // -shift for shift == INT32_MIN would overflow; any right shift >= 63
  // behaves the same.
  const int rightShift = m.shift > 0 ? 0 : (m.shift < -63 ? 63 : -m.shift);
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(
                                 shiftLeftWrapping(x, leftShift), m.multiplier),
                             rightShift);
}

int32_t lowbit::numerics::multiplyByQuantizedMultiplierSingleRounding(
    int32_t x, QuantizedMultiplier m) {
  // |x * multiplier| <= 2^62: exact in int64.
  const int64_t product =
      static_cast<int64_t>(x) * static_cast<int64_t>(m.multiplier);
  const int64_t totalShift = 31 - static_cast<int64_t>(m.shift);
  if (totalShift >= 1 && totalShift <= 62) {
    // TFLite's formula. product + 2^61 <= 2^62 + 2^61 does not overflow.
    const int n = static_cast<int>(totalShift);
    return saturateToInt32(
        floorShiftRight(product + (int64_t(1) << (n - 1)), n));
  }
  if (totalShift >= 63) {
    // floor(product / 2^t + 1/2) with |product| <= 2^62 <= 2^(t-1): this is 1
    // only for product == 2^62 == 2^(t-1) (x == multiplier == INT32_MIN, an
    // invalid negative multiplier), and 0 otherwise.
    return (totalShift == 63 && product == (int64_t(1) << 62)) ? 1 : 0;
  }
  // totalShift <= 0: an exact left shift of product by -totalShift, saturated.
  if (product == 0)
    return 0;
  const int64_t left = -totalShift;
  if (left >= 32)
    return product > 0 ? kInt32Max : kInt32Min;
  // product * 2^left <= INT32_MAX iff product <= INT32_MAX >> left, and
  // >= INT32_MIN iff product >= INT32_MIN / 2^left (an exact division).
  const int64_t upper = static_cast<int64_t>(kInt32Max) >> left;
  const int64_t lower = -(int64_t(1) << (31 - left));
  if (product > upper)
    return kInt32Max;
  if (product < lower)
    return kInt32Min;
  return static_cast<int32_t>(product * (int64_t(1) << left));
}

//===----------------------------------------------------------------------===//
// Float-multiplier requantization and float quantization
//===----------------------------------------------------------------------===//

int32_t lowbit::numerics::requantizeFloat(int32_t acc, float multiplier,
                                          int32_t zeroPoint, int32_t qmin,
                                          int32_t qmax) {
  // Both the int32 -> float32 conversion and the product round to nearest
  // even, as in MLAS/fbgemm.
  const float scaled = static_cast<float>(acc) * multiplier;
  return addZeroPointAndSaturate(roundHalfToEven(scaled), zeroPoint, qmin,
                                 qmax);
}

int32_t lowbit::numerics::requantizeFloatDoubleProduct(int32_t acc,
                                                       float multiplier,
                                                       int32_t zeroPoint,
                                                       int32_t qmin,
                                                       int32_t qmax) {
  const double scaled =
      static_cast<double>(acc) * static_cast<double>(multiplier);
  return addZeroPointAndSaturate(roundHalfToEven(scaled), zeroPoint, qmin,
                                 qmax);
}

int32_t lowbit::numerics::quantizeRoundHalfEven(float x, float scale,
                                                int32_t zp, int32_t qmin,
                                                int32_t qmax) {
  const float scaled = x / scale;
  return addZeroPointAndSaturate(roundHalfToEven(scaled), zp, qmin, qmax);
}

int32_t lowbit::numerics::quantizeRoundHalfAwayFromZero(float x, float scale,
                                                        int32_t zp,
                                                        int32_t qmin,
                                                        int32_t qmax) {
  const float scaled = x / scale;
  return addZeroPointAndSaturate(std::round(scaled), zp, qmin, qmax);
}

//===----------------------------------------------------------------------===//
// TFLite ADD
//===----------------------------------------------------------------------===//

AddParams lowbit::numerics::computeAddParams(double s1, double s2, double sOut,
                                             int leftShift) {
  // std::max(a, b) semantics without <algorithm>.
  const double twiceMax = 2.0 * (s1 < s2 ? s2 : s1);
  const double m1 = s1 / twiceMax;
  const double m2 = s2 / twiceMax;
  const double mOut = twiceMax / std::ldexp(sOut, leftShift);
  return {static_cast<int32_t>(leftShift), quantizeMultiplier(m1),
          quantizeMultiplier(m2), quantizeMultiplier(mOut)};
}

int32_t lowbit::numerics::addQuantized(int32_t x, int32_t zpX, int32_t y,
                                       int32_t zpY, const AddParams &params,
                                       int32_t zpOut, int32_t actMin,
                                       int32_t actMax) {
  const int32_t input1 = wrapToInt32(static_cast<int64_t>(x) - zpX);
  const int32_t input2 = wrapToInt32(static_cast<int64_t>(y) - zpY);
  const int32_t shifted1 = shiftLeftWrapping(input1, params.leftShift);
  const int32_t shifted2 = shiftLeftWrapping(input2, params.leftShift);
  const int32_t scaled1 =
      multiplyByQuantizedMultiplier(shifted1, params.input1);
  const int32_t scaled2 =
      multiplyByQuantizedMultiplier(shifted2, params.input2);
  const int32_t rawSum = wrapToInt32(static_cast<int64_t>(scaled1) + scaled2);
  const int32_t rawOutput =
      wrapToInt32(static_cast<int64_t>(
                      multiplyByQuantizedMultiplier(rawSum, params.output)) +
                  zpOut);
  // TFLite: std::min(actMax, std::max(actMin, rawOutput)).
  const int32_t lowClamped = rawOutput < actMin ? actMin : rawOutput;
  return lowClamped > actMax ? actMax : lowClamped;
}

//===----------------------------------------------------------------------===//
// Fused activations and pooling
//===----------------------------------------------------------------------===//

std::pair<int32_t, int32_t>
lowbit::numerics::activationRange(ActivationKind kind, float scale, int32_t zp,
                                  int32_t qmin, int32_t qmax, float clampLo,
                                  float clampHi) {
  // TFLite's Quantize(): zp + int(TfLiteRound(f / scale)), float32 division.
  // Saturating into [qmin, qmax] makes max(qmin, .)/min(qmax, .) implicit.
  auto quantize = [&](float f) {
    return quantizeRoundHalfAwayFromZero(f, scale, zp, qmin, qmax);
  };
  switch (kind) {
  case ActivationKind::None:
    return {qmin, qmax};
  case ActivationKind::Relu:
    return {quantize(0.0f), qmax};
  case ActivationKind::Relu6:
    return {quantize(0.0f), quantize(6.0f)};
  case ActivationKind::Clamp:
    return {quantize(clampLo), quantize(clampHi)};
  }
  return {qmin, qmax};
}

int32_t lowbit::numerics::roundingDivide(int32_t sum, int32_t count) {
  if (count <= 0)
    return 0;
  const int64_t s = sum;
  const int64_t c = count;
  // C++ division truncates toward zero, as in TFLite.
  return static_cast<int32_t>(s > 0 ? (s + c / 2) / c : (s - c / 2) / c);
}
