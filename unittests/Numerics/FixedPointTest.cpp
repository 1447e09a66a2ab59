//===- FixedPointTest.cpp - Tests for the requantization arithmetic -------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Every function is checked against its reference, not against values copied
// from the implementation: gemmlowp's own fixedpoint.h for the fixed-point
// primitives, literal transcriptions of the TFLite reference code built on
// those primitives, std::nearbyint under FE_TONEAREST / std::round for the
// float modes, and values worked out by hand (with the derivation in a
// comment) for the documented edge cases.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Numerics/FixedPoint.h"

#include "gemmlowp/fixedpoint/fixedpoint.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <ostream>
#include <random>
#include <vector>

using namespace lowbit::numerics;

namespace lowbit {
namespace numerics {
// Readable gtest failure messages (found by ADL).
static void PrintTo(const QuantizedMultiplier &m, std::ostream *os) {
  *os << "{multiplier=" << m.multiplier << ", shift=" << m.shift << "}";
}
} // namespace numerics
} // namespace lowbit

namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t k2Pow30 = int32_t(1) << 30;

/// Values where fixed-point code tends to break.
std::vector<int32_t> edgeValues() {
  std::vector<int32_t> values = {kMin,
                                 kMin + 1,
                                 kMin + 2,
                                 -k2Pow30 - 1,
                                 -k2Pow30,
                                 -k2Pow30 + 1,
                                 -(int32_t(1) << 16),
                                 -65535,
                                 -255,
                                 -128,
                                 -5,
                                 -3,
                                 -2,
                                 -1,
                                 0,
                                 1,
                                 2,
                                 3,
                                 5,
                                 127,
                                 255,
                                 65535,
                                 int32_t(1) << 16,
                                 k2Pow30 - 1,
                                 k2Pow30,
                                 k2Pow30 + 1,
                                 kMax - 2,
                                 kMax - 1,
                                 kMax};
  return values;
}

/// Random int32 inputs: a mix of the full range, small values, and values
/// constructed to hit rounding ties.
class Int32Source {
public:
  explicit Int32Source(uint32_t seed) : rng(seed) {}

  int32_t any() {
    return std::uniform_int_distribution<int32_t>(kMin, kMax)(rng);
  }
  int32_t small() {
    return std::uniform_int_distribution<int32_t>(-1024, 1024)(rng);
  }
  int32_t mixed() {
    switch (rng() % 4) {
    case 0:
      return any();
    case 1:
      return small();
    case 2: {
      // Near a power of two.
      const int bit = std::uniform_int_distribution<int>(0, 30)(rng);
      const int64_t v =
          (int64_t(1) << bit) + std::uniform_int_distribution<int>(-3, 3)(rng);
      return static_cast<int32_t>(sign() * std::min<int64_t>(v, kMax));
    }
    default:
      // Many trailing zeros.
      return static_cast<int32_t>(
          static_cast<uint32_t>(any()) &
          ~((uint32_t(1) << std::uniform_int_distribution<int>(0, 30)(rng)) -
            1));
    }
  }
  int exponent(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  }
  int32_t sign() { return (rng() & 1) ? 1 : -1; }
  /// sign * odd * 2^bits, with |result| < 2^31.
  int32_t oddTimesPowerOfTwo(int bits) {
    const int64_t oddMax = (int64_t(1) << (30 - bits)) - 1;
    const int64_t odd =
        2 * std::uniform_int_distribution<int64_t>(0, oddMax)(rng) + 1;
    return static_cast<int32_t>(sign() * (odd << bits));
  }
  std::mt19937 &engine() { return rng; }

private:
  std::mt19937 rng;
};

//===----------------------------------------------------------------------===//
// Literal transcriptions of the TFLite reference, built on gemmlowp.
//===----------------------------------------------------------------------===//

/// tflite::QuantizeMultiplier (quantization_util.cc), double-rounding build.
void tfliteQuantizeMultiplier(double double_multiplier,
                              int32_t *quantized_multiplier, int *shift) {
  if (double_multiplier == 0.) {
    *quantized_multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(double_multiplier, shift);
  auto q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  ASSERT_LE(q_fixed, 1LL << 31);
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  ASSERT_LE(q_fixed, std::numeric_limits<int32_t>::max());
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  *quantized_multiplier = static_cast<int32_t>(q_fixed);
}

/// tflite::MultiplyByQuantizedMultiplier (common.h), double-rounding build.
/// `x * (1 << left_shift)` is formed in int64 and narrowed, which is the
/// int32 wraparound it compiles to (GCC/Clang narrow modulo 2^32).
int32_t tfliteMultiplyByQuantizedMultiplier(int32_t x,
                                            int32_t quantized_multiplier,
                                            int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  const int32_t shifted = static_cast<int32_t>(static_cast<int64_t>(x) *
                                               (int64_t(1) << left_shift));
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(shifted,
                                                  quantized_multiplier),
      right_shift);
}

/// tflite::MultiplyByQuantizedMultiplierSmallerThanOneExp (common.h).
int32_t tfliteMultiplyByQuantizedMultiplierSmallerThanOneExp(
    int32_t x, int32_t quantized_multiplier, int left_shift) {
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(x, quantized_multiplier),
      -left_shift);
}

/// tflite::MultiplyByQuantizedMultiplier (common.h), single-rounding build,
/// valid for -31 <= shift <= 30.
int64_t tfliteSingleRoundingUnnarrowed(int32_t x, int32_t quantized_multiplier,
                                       int shift) {
  const int64_t total_shift = 31 - shift;
  const int64_t round = static_cast<int64_t>(1) << (total_shift - 1);
  int64_t result = x * static_cast<int64_t>(quantized_multiplier) + round;
  result = result >> total_shift;
  return result;
}

//===----------------------------------------------------------------------===//
// saturatingRoundingDoublingHighMul
//===----------------------------------------------------------------------===//

TEST(FixedPointTest, SRDHMHandWorkedValues) {
  // The only overflow: (-1) * (-1) in Q0.31 is +1, not representable.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMin, kMin), kMax);
  // 2 * (-2^31) * (2^31 - 1) / 2^32 = -(2^31 - 1), exact.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMin, kMax), -kMax);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMax, kMin), -kMax);
  // 2 * (2^31 - 1)^2 / 2^32 = 2^31 - 2 + 2^-31: rounds to 2^31 - 2.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMax, kMax), kMax - 1);
  // Ties (x * 2^30 / 2^31 = x / 2) round toward +infinity.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(1, k2Pow30), 1);   // 0.5
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-1, k2Pow30), 0);  // -0.5
  EXPECT_EQ(saturatingRoundingDoublingHighMul(3, k2Pow30), 2);   // 1.5
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-3, k2Pow30), -1); // -1.5
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-5, k2Pow30), -2); // -2.5
  // Not ties: 0.25 -> 0, -0.75 -> -1.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(1, k2Pow30 / 2), 0);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-3, k2Pow30 / 2), -1);
}

TEST(FixedPointTest, SRDHMMatchesGemmlowpOnEdgeCases) {
  const std::vector<int32_t> values = edgeValues();
  for (int32_t a : values)
    for (int32_t b : values)
      ASSERT_EQ(saturatingRoundingDoublingHighMul(a, b),
                gemmlowp::SaturatingRoundingDoublingHighMul(a, b))
          << "a=" << a << " b=" << b;
}

TEST(FixedPointTest, SRDHMMatchesGemmlowpOnRandomInputs) {
  Int32Source source(0x5eed0001u);
  int ties = 0;
  for (int i = 0; i < 300000; ++i) {
    int32_t a, b;
    switch (i % 3) {
    case 0:
      a = source.any();
      b = source.any();
      break;
    case 1:
      a = source.mixed();
      b = source.mixed();
      break;
    default: {
      // a * b = odd * 2^30: an exact tie.
      const int bits = source.exponent(0, 30);
      a = source.oddTimesPowerOfTwo(bits);
      b = source.oddTimesPowerOfTwo(30 - bits);
      break;
    }
    }
    const int64_t product = int64_t(a) * b;
    if (product % (int64_t(1) << 31) == (product < 0 ? -1 : 1) * k2Pow30)
      ++ties;
    ASSERT_EQ(saturatingRoundingDoublingHighMul(a, b),
              gemmlowp::SaturatingRoundingDoublingHighMul(a, b))
        << "a=" << a << " b=" << b;
  }
  // The generator really produces ties of both signs.
  EXPECT_GT(ties, 50000);
}

//===----------------------------------------------------------------------===//
// roundingDivideByPOT
//===----------------------------------------------------------------------===//

TEST(FixedPointTest, RDBPOTHandWorkedValues) {
  EXPECT_EQ(roundingDivideByPOT(5, 1), 3);   // 2.5 -> 3 (away from zero)
  EXPECT_EQ(roundingDivideByPOT(-5, 1), -3); // -2.5 -> -3
  EXPECT_EQ(roundingDivideByPOT(-3, 2), -1); // -0.75 -> -1
  EXPECT_EQ(roundingDivideByPOT(-1, 1), -1); // -0.5 -> -1
  EXPECT_EQ(roundingDivideByPOT(1, 1), 1);   // 0.5 -> 1
  EXPECT_EQ(roundingDivideByPOT(1, 2), 0);   // 0.25 -> 0
  EXPECT_EQ(roundingDivideByPOT(kMin, 31), -1);
  EXPECT_EQ(roundingDivideByPOT(kMax, 31), 1); // 1 - 2^-31
  EXPECT_EQ(roundingDivideByPOT(k2Pow30, 31), 1);
  EXPECT_EQ(roundingDivideByPOT(-k2Pow30, 31), -1);
  EXPECT_EQ(roundingDivideByPOT(-k2Pow30 + 1, 31), 0);
  EXPECT_EQ(roundingDivideByPOT(kMin, 0), kMin);
  EXPECT_EQ(roundingDivideByPOT(kMax, 0), kMax);
  // Documented extension beyond gemmlowp's 0..31: still correctly rounded.
  EXPECT_EQ(roundingDivideByPOT(kMin, 32), -1); // -0.5 -> -1
  EXPECT_EQ(roundingDivideByPOT(kMax, 32), 0);  // just below 0.5
  EXPECT_EQ(roundingDivideByPOT(kMin, 33), 0);  // -0.25
  EXPECT_EQ(roundingDivideByPOT(kMin, 100), 0);
  EXPECT_EQ(roundingDivideByPOT(-7, -3), -7);
}

TEST(FixedPointTest, RDBPOTMatchesGemmlowpOnEdgeCases) {
  for (int32_t x : edgeValues())
    for (int exponent = 0; exponent <= 31; ++exponent)
      ASSERT_EQ(roundingDivideByPOT(x, exponent),
                gemmlowp::RoundingDivideByPOT(x, exponent))
          << "x=" << x << " exponent=" << exponent;
}

TEST(FixedPointTest, RDBPOTMatchesGemmlowpOnRandomInputs) {
  Int32Source source(0x5eed0002u);
  int ties = 0;
  for (int i = 0; i < 300000; ++i) {
    const int exponent = source.exponent(0, 31);
    int32_t x;
    switch (i % 3) {
    case 0:
      x = source.any();
      break;
    case 1:
      x = source.mixed();
      break;
    default: {
      // x = q * 2^e + 2^(e-1): an exact tie when exponent >= 1.
      if (exponent == 0) {
        x = source.small();
        break;
      }
      const int64_t range = (int64_t(1) << (31 - exponent)) - 1;
      const int64_t q = std::uniform_int_distribution<int64_t>(
          -range - 1, range - 1)(source.engine());
      x = static_cast<int32_t>(q * (int64_t(1) << exponent) +
                               (int64_t(1) << (exponent - 1)));
      ++ties;
      break;
    }
    }
    ASSERT_EQ(roundingDivideByPOT(x, exponent),
              gemmlowp::RoundingDivideByPOT(x, exponent))
        << "x=" << x << " exponent=" << exponent;
  }
  EXPECT_GT(ties, 90000);
}

//===----------------------------------------------------------------------===//
// quantizeMultiplier
//===----------------------------------------------------------------------===//

TEST(FixedPointTest, QuantizeMultiplierKnownValues) {
  auto qm = [](int32_t multiplier, int32_t shift) {
    return QuantizedMultiplier{multiplier, shift};
  };
  EXPECT_EQ(quantizeMultiplier(0.5), qm(k2Pow30, 0));
  EXPECT_EQ(quantizeMultiplier(0.75), qm(1610612736, 0)); // 3 * 2^29
  EXPECT_EQ(quantizeMultiplier(1.0), qm(k2Pow30, 1));
  EXPECT_EQ(quantizeMultiplier(2.0), qm(k2Pow30, 2));
  EXPECT_EQ(quantizeMultiplier(3.0), qm(1610612736, 2));
  EXPECT_EQ(quantizeMultiplier(0.25), qm(k2Pow30, -1));
  // 1/3 = (2/3) * 2^-1; (2/3) * 2^31 = 1431655765.33 -> 1431655765.
  EXPECT_EQ(quantizeMultiplier(1.0 / 3.0), qm(1431655765, -1));
  // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4 -> 1717986918.
  EXPECT_EQ(quantizeMultiplier(0.1), qm(1717986918, -3));
  // q = 1 - 2^-33: q * 2^31 = 2^31 - 1/4 rounds to 2^31 -> fix-up.
  EXPECT_EQ(quantizeMultiplier(1.0 - std::ldexp(1.0, -33)), qm(k2Pow30, 1));
  // q = 1 - 2^-32: q * 2^31 = 2^31 - 1/2, a tie, rounds away -> fix-up.
  EXPECT_EQ(quantizeMultiplier(1.0 - std::ldexp(1.0, -32)), qm(k2Pow30, 1));
  // q = 1 - 2^-31: q * 2^31 = 2^31 - 1 exactly.
  EXPECT_EQ(quantizeMultiplier(1.0 - std::ldexp(1.0, -31)), qm(kMax, 0));
  // q * 2^31 = 2^30 + 1/2: ties round away from zero (half-even would give
  // 2^30).
  EXPECT_EQ(quantizeMultiplier(std::ldexp(double(k2Pow30) + 0.5, -31)),
            qm(k2Pow30 + 1, 0));
  EXPECT_EQ(quantizeMultiplier(std::ldexp(double(k2Pow30) + 1.5, -31)),
            qm(k2Pow30 + 2, 0));
  // The smallest representable multiplier is 2^30 * 2^-62 = 2^-32.
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, -32)), qm(k2Pow30, -31));
  // Just below, it rounds up into the fix-up and survives...
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0 - std::ldexp(1.0, -32), -32)),
            qm(k2Pow30, -31));
  // ...but one 31-bit step lower the shift is -32: flushed to zero.
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0 - std::ldexp(1.0, -31), -32)),
            qm(0, 0));
  EXPECT_EQ(quantizeMultiplier(1e-12), qm(0, 0));
  EXPECT_EQ(quantizeMultiplier(std::numeric_limits<double>::denorm_min()),
            qm(0, 0));
  // Large multipliers keep growing the shift.
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, 40)), qm(k2Pow30, 41));
  // Outside the precondition.
  EXPECT_EQ(quantizeMultiplier(0.0), qm(0, 0));
  EXPECT_EQ(quantizeMultiplier(-0.0), qm(0, 0));
  EXPECT_EQ(quantizeMultiplier(-0.5), qm(0, 0));
  EXPECT_EQ(quantizeMultiplier(std::numeric_limits<double>::quiet_NaN()),
            qm(0, 0));
  EXPECT_EQ(quantizeMultiplier(std::numeric_limits<double>::infinity()),
            qm(0, 0));
}

/// Independent characterisation: a nonzero result is the unique normalised
/// Q0.31 value nearest to m (ties away from zero), and zero is returned
/// exactly when m is below the smallest representable multiplier.
void checkQuantizeMultiplierProperties(double m) {
  const QuantizedMultiplier q = quantizeMultiplier(m);
  if (q.multiplier == 0) {
    EXPECT_EQ(q.shift, 0) << "m=" << m;
    // Values at or above 2^-32 * (1 - 2^-32) round to at least 2^-32.
    EXPECT_LT(m, std::ldexp(1.0 - std::ldexp(1.0, -32), -32)) << "m=" << m;
    return;
  }
  ASSERT_GE(q.multiplier, k2Pow30) << "m=" << m;
  ASSERT_GE(q.shift, -31) << "m=" << m;
  const double represented = std::ldexp(double(q.multiplier), q.shift - 31);
  // Exact by Sterbenz's lemma (the two are within a factor of 2).
  const double error = represented - m;
  const double halfStep = std::ldexp(1.0, q.shift - 32);
  EXPECT_LE(std::fabs(error), halfStep) << "m=" << m;
  // A tie must have been rounded up (away from zero).
  if (std::fabs(error) == halfStep) {
    EXPECT_GT(error, 0.0) << "m=" << m;
  }
}

TEST(FixedPointTest, QuantizeMultiplierIsNearestNormalisedFixedPoint) {
  std::mt19937 rng(0x5eed0003u);
  std::uniform_real_distribution<double> logScale(-45.0, 45.0);
  std::uniform_int_distribution<uint64_t> bits;
  for (int i = 0; i < 200000; ++i)
    checkQuantizeMultiplierProperties(std::exp2(logScale(rng)));
  // Odd mantissas with exactly 32 significant bits: q * 2^31 ends in .5.
  for (int i = 0; i < 20000; ++i) {
    const uint64_t mantissa = (bits(rng) >> 33) | (uint64_t(1) << 31) | 1;
    checkQuantizeMultiplierProperties(std::ldexp(
        double(mantissa), std::uniform_int_distribution<int>(-80, 20)(rng)));
  }
  // Typical products of float32 scales.
  std::uniform_real_distribution<float> scale(1e-4f, 1.0f);
  for (int i = 0; i < 20000; ++i) {
    const float sX = scale(rng), sW = scale(rng), sOut = scale(rng);
    checkQuantizeMultiplierProperties(double(sX) * double(sW) / double(sOut));
  }
}

TEST(FixedPointTest, QuantizeMultiplierMatchesTFLite) {
  std::mt19937 rng(0x5eed0004u);
  std::uniform_real_distribution<double> logScale(-40.0, 40.0);
  for (int i = 0; i < 100000; ++i) {
    const double m = std::exp2(logScale(rng));
    int32_t multiplier;
    int shift;
    tfliteQuantizeMultiplier(m, &multiplier, &shift);
    ASSERT_EQ(quantizeMultiplier(m), (QuantizedMultiplier{multiplier, shift}))
        << "m=" << m;
  }
}

//===----------------------------------------------------------------------===//
// multiplyByQuantizedMultiplier (double rounding)
//===----------------------------------------------------------------------===//

TEST(FixedPointTest, MBQMHandWorkedValues) {
  // m = 3.0 -> {3 * 2^29, 2}: an exact multiplication by 3.
  const QuantizedMultiplier three = quantizeMultiplier(3.0);
  EXPECT_EQ(multiplyByQuantizedMultiplier(100, three), 300);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-7, three), -21);
  // m rounds to 2^31 * 2^-31 = 1 (fix-up): the identity on small values.
  const QuantizedMultiplier one =
      quantizeMultiplier(1.0 - std::ldexp(1.0, -33));
  for (int32_t x : {-1000000, -3, -1, 0, 1, 2, 12345})
    EXPECT_EQ(multiplyByQuantizedMultiplier(x, one), x);
  // m = 2^-40 flushes to {0, 0}: everything becomes 0.
  const QuantizedMultiplier tiny = quantizeMultiplier(std::ldexp(1.0, -40));
  for (int32_t x : edgeValues())
    EXPECT_EQ(multiplyByQuantizedMultiplier(x, tiny), 0);
  // m = 0.25 on ties: SRDHM(x, 2^30) = x / 2 exactly for even x, then the
  // shift rounds x / 4 away from zero: 2 -> 0.5 -> 1, -2 -> -1, -6 -> -2.
  const QuantizedMultiplier quarter = quantizeMultiplier(0.25);
  EXPECT_EQ(multiplyByQuantizedMultiplier(2, quarter), 1);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-2, quarter), -1);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-6, quarter), -2);
  // Documented wraparound: 2^30 * 2^2 = 2^32 == 0 (mod 2^32), so m = 2.0
  // (shift 2) turns 2^30 into 0, and 2^29 + 1 into -2^31 + 4 before the
  // multiply by 0.5.
  const QuantizedMultiplier two = quantizeMultiplier(2.0);
  EXPECT_EQ(multiplyByQuantizedMultiplier(k2Pow30, two), 0);
  EXPECT_EQ(multiplyByQuantizedMultiplier((int32_t(1) << 29) + 1, two),
            -k2Pow30 + 2);
  // A left shift of 32 or more discards every bit.
  EXPECT_EQ(multiplyByQuantizedMultiplier(12345, {k2Pow30, 40}), 0);
  // A right shift beyond 31 is rounded exactly (gemmlowp would assert).
  EXPECT_EQ(multiplyByQuantizedMultiplier(kMax, {kMax, -40}), 0);
}

TEST(FixedPointTest, MBQMMatchesTFLiteComposition) {
  Int32Source source(0x5eed0005u);
  std::uniform_int_distribution<int32_t> normalised(k2Pow30, kMax);
  std::uniform_real_distribution<double> logScale(-36.0, 30.0);
  for (int i = 0; i < 300000; ++i) {
    QuantizedMultiplier m;
    switch (i % 4) {
    case 0:
      m = {normalised(source.engine()), source.exponent(-31, 31)};
      break;
    case 1:
      m = {normalised(source.engine()), source.exponent(-31, 0)};
      break;
    case 2:
      m = quantizeMultiplier(std::exp2(logScale(source.engine())));
      break;
    default:
      // Multipliers with trailing zeros make SRDHM ties likely.
      m = {k2Pow30 | (source.exponent(0, 7) << 27), source.exponent(-31, 3)};
      break;
    }
    const int32_t x = (i & 1) ? source.mixed() : source.small();
    ASSERT_EQ(multiplyByQuantizedMultiplier(x, m),
              tfliteMultiplyByQuantizedMultiplier(x, m.multiplier, m.shift))
        << "x=" << x << " multiplier=" << m.multiplier << " shift=" << m.shift;
  }
}

TEST(FixedPointTest, MBQMIsWithinOneOfTheExactProduct) {
  Int32Source source(0x5eed0006u);
  std::uniform_real_distribution<double> logScale(-30.0, 0.0);
  for (int i = 0; i < 100000; ++i) {
    const double real = std::exp2(logScale(source.engine()));
    const QuantizedMultiplier m = quantizeMultiplier(real);
    if (m.shift > 0)
      continue; // Rounded up to 1.0: x * 2 may wrap.
    const int32_t x = source.mixed();
    const double exact = std::ldexp(double(x) * double(m.multiplier),
                                    m.shift - 31); // Rounded, but < 2^-20 off.
    EXPECT_LE(std::fabs(multiplyByQuantizedMultiplier(x, m) - exact), 1.0)
        << "x=" << x << " m=" << real;
  }
}

//===----------------------------------------------------------------------===//
// multiplyByQuantizedMultiplierSingleRounding
//===----------------------------------------------------------------------===//

TEST(FixedPointTest, SingleVersusDoubleRoundingExample) {
  // numerics.md section 2: x = -2, M0 = 2^30, shift = -1, i.e. -2 * 0.25 =
  // -0.5. Double rounding: SRDHM gives -1 exactly, then -1 / 2 = -0.5 rounds
  // away from zero to -1. Single rounding: floor(-0.5 + 0.5) = 0.
  const QuantizedMultiplier m{k2Pow30, -1};
  EXPECT_EQ(multiplyByQuantizedMultiplier(-2, m), -1);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(-2, m), 0);
  // Positive ties agree: 2 * 0.25 = 0.5 -> 1 in both.
  EXPECT_EQ(multiplyByQuantizedMultiplier(2, m), 1);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(2, m), 1);
}

TEST(FixedPointTest, SingleRoundingMatchesTFLite) {
  Int32Source source(0x5eed0007u);
  std::uniform_int_distribution<int32_t> normalised(k2Pow30, kMax);
  for (int i = 0; i < 200000; ++i) {
    const QuantizedMultiplier m{normalised(source.engine()),
                                source.exponent(-31, 30)};
    const int32_t x = source.mixed();
    const int64_t reference =
        tfliteSingleRoundingUnnarrowed(x, m.multiplier, m.shift);
    // TFLite only defines results that fit int32; out of range we saturate.
    const int64_t expected =
        std::clamp<int64_t>(reference, int64_t(kMin), int64_t(kMax));
    ASSERT_EQ(multiplyByQuantizedMultiplierSingleRounding(x, m), expected)
        << "x=" << x << " multiplier=" << m.multiplier << " shift=" << m.shift;
    // One rounding vs two: never more than 1 apart (without wraparound).
    if (m.shift <= 0) {
      ASSERT_LE(std::abs(multiplyByQuantizedMultiplier(x, m) - expected), 1);
    }
  }
}

TEST(FixedPointTest, SingleRoundingOutsideTFLiteShiftRange) {
  // shift = 31 (t = 0): exactly x * M0, saturated.
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(1, {k2Pow30, 31}),
            k2Pow30);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(3, {k2Pow30, 31}),
            kMax);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(-2, {k2Pow30, 31}),
            kMin);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(-3, {k2Pow30, 31}),
            kMin);
  // shift = 32: x * M0 * 2.
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(-1, {k2Pow30, 32}),
            kMin);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(1, {k2Pow30 / 2, 32}),
            k2Pow30);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(0, {kMax, 100}), 0);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(5, {1, 100}), kMax);
  // shift = 30 (t = 1) with an overflowing result saturates.
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(kMax, {kMax, 30}),
            kMax);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(kMin, {kMax, 30}),
            kMin);
  // shift <= -32 (t >= 63): |x * M0| / 2^63 < 1/2 rounds to 0.
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(kMax, {kMax, -32}), 0);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(kMin, {kMax, -32}), 0);
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(kMin, {kMax, -1000}),
            0);
  // shift = -31 (t = 62): -2^31 * 2^30 / 2^62 = -1/2, a tie rounded toward
  // +infinity (double rounding would give -1).
  EXPECT_EQ(multiplyByQuantizedMultiplierSingleRounding(kMin, {k2Pow30, -31}),
            0);
  EXPECT_EQ(multiplyByQuantizedMultiplier(kMin, {k2Pow30, -31}), -1);
}

//===----------------------------------------------------------------------===//
// Float modes
//===----------------------------------------------------------------------===//

/// clamp(r + zp) for an already rounded float, with the documented policy.
int32_t referenceSaturate(double rounded, int32_t zp, int32_t qmin,
                          int32_t qmax) {
  if (std::isnan(rounded))
    return std::clamp(zp, qmin, qmax);
  if (rounded > 1e15)
    return qmax;
  if (rounded < -1e15)
    return qmin;
  return static_cast<int32_t>(
      std::clamp<long long>(static_cast<long long>(rounded) + zp, qmin, qmax));
}

/// ONNX/MLAS requantization with the hardware's round-to-nearest-even.
int32_t referenceRequantizeFloat(int32_t acc, float multiplier, int32_t zp,
                                 int32_t qmin, int32_t qmax) {
  const float product = static_cast<float>(acc) * multiplier;
  return referenceSaturate(std::nearbyint(product), zp, qmin, qmax);
}

/// The ONNX Python reference: int32 array * float32 scalar is float64 in
/// numpy.
int32_t referenceRequantizeNumpy(int32_t acc, float multiplier, int32_t zp,
                                 int32_t qmin, int32_t qmax) {
  const double product = static_cast<double>(acc) * multiplier;
  return referenceSaturate(std::nearbyint(product), zp, qmin, qmax);
}

int32_t referenceQuantizeLinear(float x, float scale, int32_t zp, int32_t qmin,
                                int32_t qmax) {
  return referenceSaturate(std::nearbyint(x / scale), zp, qmin, qmax);
}

int32_t referenceTFLiteQuantize(float x, float scale, int32_t zp, int32_t qmin,
                                int32_t qmax) {
  return referenceSaturate(std::round(x / scale), zp, qmin, qmax);
}

class FloatModeTest : public ::testing::Test {
protected:
  void SetUp() override {
    savedRounding = std::fegetround();
    ASSERT_EQ(std::fesetround(FE_TONEAREST), 0);
  }
  void TearDown() override { std::fesetround(savedRounding); }

private:
  int savedRounding = FE_TONEAREST;
};

TEST_F(FloatModeTest, HandWorkedTiesAndSaturation) {
  // Half to even on both signs.
  EXPECT_EQ(requantizeFloat(5, 0.5f, 0, -128, 127), 2);   // 2.5
  EXPECT_EQ(requantizeFloat(-5, 0.5f, 0, -128, 127), -2); // -2.5
  EXPECT_EQ(requantizeFloat(7, 0.5f, 0, -128, 127), 4);   // 3.5
  EXPECT_EQ(requantizeFloat(-7, 0.5f, 0, -128, 127), -4); // -3.5
  EXPECT_EQ(requantizeFloat(1, 0.5f, 0, -128, 127), 0);   // 0.5
  EXPECT_EQ(requantizeFloat(-1, 0.5f, 0, -128, 127), 0);  // -0.5
  EXPECT_EQ(requantizeFloat(5, 0.5f, 10, -128, 127), 12);
  EXPECT_EQ(requantizeFloat(1000, 1.0f, 0, -128, 127), 127);
  EXPECT_EQ(requantizeFloat(-1000, 1.0f, 0, -128, 127), -128);
  EXPECT_EQ(requantizeFloat(100, 1.0f, 200, 0, 255), 255);
  // float(2^24 + 1) = 2^24 (ties to even).
  EXPECT_EQ(requantizeFloat((1 << 24) + 1, 1.0f, 0, kMin, kMax), 1 << 24);
  EXPECT_EQ(requantizeFloatDoubleProduct((1 << 24) + 1, 1.0f, 0, kMin, kMax),
            (1 << 24) + 1);
  // 20 * 0.425f is 8.50000024 in double but rounds to the tie 8.5 in float32.
  EXPECT_EQ(requantizeFloat(20, 0.425f, 0, -128, 127), 8);
  EXPECT_EQ(requantizeFloatDoubleProduct(20, 0.425f, 0, -128, 127), 9);
  // 20 * 0.475f is 9.49999988 in double, 9.5 in float32.
  EXPECT_EQ(requantizeFloat(20, 0.475f, 0, -128, 127), 10);
  EXPECT_EQ(requantizeFloatDoubleProduct(20, 0.475f, 0, -128, 127), 9);
  EXPECT_EQ(requantizeFloat(kMax, 1.0f, 0, kMin, kMax), kMax);
  EXPECT_EQ(requantizeFloat(kMin, 1.0f, 0, kMin, kMax), kMin);
  EXPECT_EQ(requantizeFloat(kMin, 1.0f, -1, kMin, kMax), kMin);

  EXPECT_EQ(quantizeRoundHalfEven(2.5f, 1.0f, 0, -128, 127), 2);
  EXPECT_EQ(quantizeRoundHalfEven(-2.5f, 1.0f, 0, -128, 127), -2);
  EXPECT_EQ(quantizeRoundHalfEven(3.5f, 1.0f, 0, -128, 127), 4);
  EXPECT_EQ(quantizeRoundHalfEven(-3.5f, 1.0f, 0, -128, 127), -4);
  EXPECT_EQ(quantizeRoundHalfEven(-0.5f, 1.0f, 0, -128, 127), 0);
  EXPECT_EQ(quantizeRoundHalfEven(0.75f, 0.5f, 3, -128, 127), 5); // 1.5 -> 2
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(2.5f, 1.0f, 0, -128, 127), 3);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(-2.5f, 1.0f, 0, -128, 127), -3);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(0.5f, 1.0f, 0, -128, 127), 1);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(-0.5f, 1.0f, 0, -128, 127), -1);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(0.75f, 0.5f, 3, -128, 127), 5);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(1.25f, 0.5f, 3, -128, 127), 6);
  EXPECT_EQ(quantizeRoundHalfEven(1.25f, 0.5f, 3, -128, 127), 5);

  // Non-finite and huge values (documented policy).
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(quantizeRoundHalfEven(1e30f, 0.1f, 0, -128, 127), 127);
  EXPECT_EQ(quantizeRoundHalfEven(-1e30f, 0.1f, 0, -128, 127), -128);
  EXPECT_EQ(quantizeRoundHalfEven(inf, 0.1f, 0, -128, 127), 127);
  EXPECT_EQ(quantizeRoundHalfEven(-inf, 0.1f, 0, -128, 127), -128);
  EXPECT_EQ(quantizeRoundHalfEven(nan, 0.1f, 7, -128, 127), 7);
  EXPECT_EQ(quantizeRoundHalfEven(nan, 0.1f, 7, 10, 20), 10);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(inf, 0.1f, 0, 0, 255), 255);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(nan, 0.1f, 128, 0, 255), 128);
  EXPECT_EQ(quantizeRoundHalfAwayFromZero(1.0f, 0.0f, 0, 0, 255), 255);
  EXPECT_EQ(requantizeFloat(5, nan, 3, -128, 127), 3);
  EXPECT_EQ(requantizeFloat(-5, inf, 3, -128, 127), -128);
  EXPECT_EQ(requantizeFloat(0, inf, 3, -128, 127), 3); // 0 * inf = NaN
}

/// Quantization ranges exercised by the random tests.
struct Range {
  int32_t qmin, qmax;
};
const Range kRanges[] = {{-128, 127}, {0, 255},        {-127, 127}, {-8, 7},
                         {-1, 1},     {-32768, 32767}, {kMin, kMax}};

TEST_F(FloatModeTest, RequantizeMatchesReferenceOnRandomInputs) {
  Int32Source source(0x5eed0008u);
  std::uniform_real_distribution<float> logScale(-20.0f, 4.0f);
  for (int i = 0; i < 200000; ++i) {
    const Range range = kRanges[i % 7];
    const int32_t zp = std::uniform_int_distribution<int32_t>(
        std::max(range.qmin, -200), std::min(range.qmax, 200))(source.engine());
    // Powers of two make exact .5 products common; others exercise rounding
    // of the float32 product itself.
    const float multiplier = (i % 3 == 0)
                                 ? std::ldexp(1.0f, source.exponent(-12, 1))
                                 : std::exp2(logScale(source.engine()));
    const int32_t acc = (i & 1) ? source.mixed() : source.small();
    ASSERT_EQ(
        requantizeFloat(acc, multiplier, zp, range.qmin, range.qmax),
        referenceRequantizeFloat(acc, multiplier, zp, range.qmin, range.qmax))
        << "acc=" << acc << " multiplier=" << multiplier << " zp=" << zp;
    ASSERT_EQ(
        requantizeFloatDoubleProduct(acc, multiplier, zp, range.qmin,
                                     range.qmax),
        referenceRequantizeNumpy(acc, multiplier, zp, range.qmin, range.qmax))
        << "acc=" << acc << " multiplier=" << multiplier << " zp=" << zp;
  }
}

TEST_F(FloatModeTest, QuantizeMatchesReferenceOnRandomInputs) {
  std::mt19937 rng(0x5eed0009u);
  std::uniform_real_distribution<float> logScale(-16.0f, 2.0f);
  std::uniform_real_distribution<float> value(-300.0f, 300.0f);
  std::uniform_int_distribution<int> halves(-600, 600);
  for (int i = 0; i < 200000; ++i) {
    const Range range = kRanges[i % 7];
    const int32_t zp = std::uniform_int_distribution<int32_t>(
        std::max(range.qmin, -200), std::min(range.qmax, 200))(rng);
    float scale, x;
    if (i % 2 == 0) {
      // x / scale = k / 2 exactly: ties whenever k is odd.
      scale = std::ldexp(1.0f, std::uniform_int_distribution<int>(-8, 4)(rng));
      x = static_cast<float>(halves(rng)) * 0.5f * scale;
    } else {
      scale = std::exp2(logScale(rng));
      x = value(rng) * scale * (i % 5 == 1 ? 1000.0f : 1.0f);
    }
    ASSERT_EQ(quantizeRoundHalfEven(x, scale, zp, range.qmin, range.qmax),
              referenceQuantizeLinear(x, scale, zp, range.qmin, range.qmax))
        << "x=" << x << " scale=" << scale << " zp=" << zp;
    ASSERT_EQ(
        quantizeRoundHalfAwayFromZero(x, scale, zp, range.qmin, range.qmax),
        referenceTFLiteQuantize(x, scale, zp, range.qmin, range.qmax))
        << "x=" << x << " scale=" << scale << " zp=" << zp;
  }
}

//===----------------------------------------------------------------------===//
// TFLite ADD
//===----------------------------------------------------------------------===//

/// tflite::ops::builtin::add Prepare, 8-bit general path, transcribed with
/// its float/double mix (scales are float in TfLiteQuantizationParams).
struct TFLiteAddParams {
  int left_shift;
  int32_t input1_multiplier, input2_multiplier, output_multiplier;
  int input1_shift, input2_shift, output_shift;
};

TFLiteAddParams tflitePrepareAdd(float input1_scale, float input2_scale,
                                 float output_scale) {
  TFLiteAddParams data;
  data.left_shift = 20;
  const double twice_max_input_scale = 2 * std::max(input1_scale, input2_scale);
  const double real_input1_multiplier = input1_scale / twice_max_input_scale;
  const double real_input2_multiplier = input2_scale / twice_max_input_scale;
  const double real_output_multiplier =
      twice_max_input_scale / ((1 << data.left_shift) * output_scale);
  tfliteQuantizeMultiplier(real_input1_multiplier, &data.input1_multiplier,
                           &data.input1_shift);
  tfliteQuantizeMultiplier(real_input2_multiplier, &data.input2_multiplier,
                           &data.input2_shift);
  tfliteQuantizeMultiplier(real_output_multiplier, &data.output_multiplier,
                           &data.output_shift);
  return data;
}

/// tflite::reference_integer_ops::AddElementwise for one int8 element.
int32_t tfliteAddElement(const TFLiteAddParams &params, int32_t input1_offset,
                         int32_t input2_offset, int32_t output_offset,
                         int8_t input1, int8_t input2, int32_t act_min,
                         int32_t act_max) {
  const int32_t input1_val = input1_offset + input1;
  const int32_t input2_val = input2_offset + input2;
  const int32_t shifted_input1_val = input1_val * (1 << params.left_shift);
  const int32_t shifted_input2_val = input2_val * (1 << params.left_shift);
  const int32_t scaled_input1_val =
      tfliteMultiplyByQuantizedMultiplierSmallerThanOneExp(
          shifted_input1_val, params.input1_multiplier, params.input1_shift);
  const int32_t scaled_input2_val =
      tfliteMultiplyByQuantizedMultiplierSmallerThanOneExp(
          shifted_input2_val, params.input2_multiplier, params.input2_shift);
  const int32_t raw_sum = scaled_input1_val + scaled_input2_val;
  const int32_t raw_output =
      tfliteMultiplyByQuantizedMultiplierSmallerThanOneExp(
          raw_sum, params.output_multiplier, params.output_shift) +
      output_offset;
  return std::min(act_max, std::max(act_min, raw_output));
}

TEST(FixedPointTest, AddHandWorkedExample) {
  // Equal scales: m1 = m2 = 1/2, mOut = 2 s / (2^20 s) = 2^-19.
  const AddParams params = computeAddParams(0.5, 0.5, 0.5);
  EXPECT_EQ(params.leftShift, 20);
  EXPECT_EQ(params.input1, (QuantizedMultiplier{k2Pow30, 0}));
  EXPECT_EQ(params.input2, (QuantizedMultiplier{k2Pow30, 0}));
  EXPECT_EQ(params.output, (QuantizedMultiplier{k2Pow30, -18}));
  // 0.5 * (10 - 2) + 0.5 * (7 - (-3)) = 9 = 0.5 * (q - 1) -> q = 19.
  EXPECT_EQ(addQuantized(10, 2, 7, -3, params, 1, -128, 127), 19);
  EXPECT_EQ(addQuantized(127, 0, 127, 0, params, 0, -128, 127), 127);
  EXPECT_EQ(addQuantized(-128, 0, -128, 0, params, 0, -128, 127), -128);
  // Relu-style activation range.
  EXPECT_EQ(addQuantized(-10, 0, 3, 0, params, 0, 0, 127), 0);
}

TEST(FixedPointTest, AddMatchesTFLiteOnRandomScales) {
  std::mt19937 rng(0x5eed000au);
  std::uniform_real_distribution<float> logScale(-12.0f, 0.0f);
  std::uniform_int_distribution<int32_t> int8Value(-128, 127);
  for (int i = 0; i < 10000; ++i) {
    const float s1 = std::exp2(logScale(rng));
    // Often equal or power-of-two related scales, where ties are likely.
    const float s2 = (i % 4 == 0)
                         ? s1
                         : (i % 4 == 1 ? s1 * 0.25f : std::exp2(logScale(rng)));
    const float sOut = (i % 5 == 0) ? s1 + s2 : std::exp2(logScale(rng));
    const int32_t zp1 = int8Value(rng), zp2 = int8Value(rng),
                  zpOut = int8Value(rng);
    const bool relu = i % 3 == 0;
    const int32_t actMin = relu ? std::max(-128, zpOut) : -128;

    const TFLiteAddParams reference = tflitePrepareAdd(s1, s2, sOut);
    const AddParams params = computeAddParams(s1, s2, sOut);
    ASSERT_EQ(params.leftShift, reference.left_shift);
    ASSERT_EQ(params.input1, (QuantizedMultiplier{reference.input1_multiplier,
                                                  reference.input1_shift}));
    ASSERT_EQ(params.input2, (QuantizedMultiplier{reference.input2_multiplier,
                                                  reference.input2_shift}));
    ASSERT_EQ(params.output, (QuantizedMultiplier{reference.output_multiplier,
                                                  reference.output_shift}));
    // TFLite's Prepare accepts the model only in this case.
    ASSERT_LE(reference.input1_shift, 0);
    ASSERT_LE(reference.input2_shift, 0);
    ASSERT_LE(reference.output_shift, 0);

    for (int j = 0; j < 16; ++j) {
      const int32_t x = j == 0 ? -128 : (j == 1 ? 127 : int8Value(rng));
      const int32_t y = j == 0 ? 127 : (j == 2 ? -128 : int8Value(rng));
      const int32_t got =
          addQuantized(x, zp1, y, zp2, params, zpOut, actMin, 127);
      ASSERT_EQ(got, tfliteAddElement(reference, -zp1, -zp2, zpOut,
                                      static_cast<int8_t>(x),
                                      static_cast<int8_t>(y), actMin, 127))
          << "s1=" << s1 << " s2=" << s2 << " sOut=" << sOut << " x=" << x
          << " y=" << y;
      // And the fixed-point result is within one step of the real sum.
      const double real =
          (double(s1) * (x - zp1) + double(s2) * (y - zp2)) / sOut + zpOut;
      const double ideal = std::clamp(std::round(real), double(actMin), 127.0);
      ASSERT_LE(std::fabs(got - ideal), 1.0)
          << "s1=" << s1 << " s2=" << s2 << " sOut=" << sOut << " x=" << x
          << " y=" << y;
    }
  }
}

//===----------------------------------------------------------------------===//
// Activations and pooling
//===----------------------------------------------------------------------===//

using RangePair = std::pair<int32_t, int32_t>;

TEST(FixedPointTest, ActivationRangeHandWorked) {
  // None: the storage range.
  EXPECT_EQ(activationRange(ActivationKind::None, 0.05f, -10, -128, 127),
            RangePair(-128, 127));
  // Relu: Q(0) = zp.
  EXPECT_EQ(activationRange(ActivationKind::Relu, 0.05f, -10, -128, 127),
            RangePair(-10, 127));
  EXPECT_EQ(activationRange(ActivationKind::Relu, 0.05f, -128, -128, 127),
            RangePair(-128, 127));
  EXPECT_EQ(activationRange(ActivationKind::Relu, 0.1f, 0, 0, 255),
            RangePair(0, 255));
  // Relu6: 6 / 0.05f = 120 -> -10 + 120 = 110.
  EXPECT_EQ(activationRange(ActivationKind::Relu6, 0.05f, -10, -128, 127),
            RangePair(-10, 110));
  // Relu6 beyond the range: 6 / 0.02f = 300 -> clipped to qmax.
  EXPECT_EQ(activationRange(ActivationKind::Relu6, 0.02f, -10, -128, 127),
            RangePair(-10, 127));
  // uint8 with scale 6/255: Q(6) = 255.
  EXPECT_EQ(activationRange(ActivationKind::Relu6, 6.0f / 255.0f, 0, 0, 255),
            RangePair(0, 255));
  // Relu6 with 6 / 0.25 = 24 and zp = 100 in uint8.
  EXPECT_EQ(activationRange(ActivationKind::Relu6, 0.25f, 100, 0, 255),
            RangePair(100, 124));
  // RELU_N1_TO_1 as Clamp(-1, 1) with scale 0.5: -2 and 2.
  EXPECT_EQ(
      activationRange(ActivationKind::Clamp, 0.5f, 0, -128, 127, -1.0f, 1.0f),
      RangePair(-2, 2));
  // Ties round away from zero (TfLiteRound): +-1.25 / 0.5 = +-2.5 -> +-3.
  EXPECT_EQ(
      activationRange(ActivationKind::Clamp, 0.5f, 0, -128, 127, -1.25f, 1.25f),
      RangePair(-3, 3));
  EXPECT_EQ(
      activationRange(ActivationKind::Clamp, 0.5f, 5, -128, 127, -0.25f, 0.75f),
      RangePair(4, 7)); // -0.5 -> -1, 1.5 -> 2
  // Bounds outside the storage range saturate.
  EXPECT_EQ(activationRange(ActivationKind::Clamp, 0.01f, 0, -128, 127,
                            -1000.0f, 1000.0f),
            RangePair(-128, 127));
}

TEST(FixedPointTest, RoundingDivideHandWorked) {
  EXPECT_EQ(roundingDivide(5, 2), 3);   // 2.5
  EXPECT_EQ(roundingDivide(-5, 2), -3); // -2.5
  EXPECT_EQ(roundingDivide(4, 2), 2);
  EXPECT_EQ(roundingDivide(7, 3), 2);   // 2.33
  EXPECT_EQ(roundingDivide(8, 3), 3);   // 2.67
  EXPECT_EQ(roundingDivide(-8, 3), -3); // -2.67
  EXPECT_EQ(roundingDivide(-7, 3), -2); // -2.33
  EXPECT_EQ(roundingDivide(0, 9), 0);
  EXPECT_EQ(roundingDivide(-1, 2), -1); // -0.5
  EXPECT_EQ(roundingDivide(1, 2), 1);   // 0.5
  EXPECT_EQ(roundingDivide(kMax, 1), kMax);
  EXPECT_EQ(roundingDivide(kMin, 1), kMin);
  EXPECT_EQ(roundingDivide(kMax, 2), k2Pow30);  // 2^30 - 0.5 -> 2^30
  EXPECT_EQ(roundingDivide(kMin, 2), -k2Pow30); // exact
  EXPECT_EQ(roundingDivide(kMin + 1, 2), -k2Pow30);
  EXPECT_EQ(roundingDivide(7, 0), 0);
}

TEST(FixedPointTest, RoundingDivideIsRoundHalfAwayFromZero) {
  for (int32_t count = 1; count <= 64; ++count)
    for (int32_t sum = -2000; sum <= 2000; ++sum)
      ASSERT_EQ(roundingDivide(sum, count),
                static_cast<int32_t>(std::round(double(sum) / count)))
          << "sum=" << sum << " count=" << count;
}

} // namespace
