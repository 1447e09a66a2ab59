//===- CalibrationTest.cpp - Tests for the calibration statistics ---------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Expectations are worked out by hand (derivations in the comments), not
// copied from the implementation. test/Quantize/entropy_reference.py checks
// the entropy threshold against an independent numpy implementation on
// larger histograms.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quantize/Calibration.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

using namespace lowbit::calibration;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

/// Stats over `values` after both passes.
TensorStats statsOf(const std::vector<float> &values) {
  TensorStats stats;
  EXPECT_TRUE(stats.observeRange(values.data(), values.size()));
  stats.observeHistogram(values.data(), values.size());
  return stats;
}

uint64_t sum(const std::vector<uint64_t> &bins) {
  uint64_t total = 0;
  for (uint64_t c : bins)
    total += c;
  return total;
}

//===----------------------------------------------------------------------===//
// Methods
//===----------------------------------------------------------------------===//

TEST(CalibrationTest, MethodNamesRoundTrip) {
  const Method methods[] = {Method::MinMax, Method::MinMaxSymmetric,
                            Method::Percentile, Method::Entropy, Method::Mse};
  const char *names[] = {"minmax", "minmax-symmetric", "percentile", "entropy",
                         "mse"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_STREQ(methodName(methods[i]), names[i]);
    std::optional<Method> parsed = parseMethod(names[i]);
    ASSERT_TRUE(parsed.has_value()) << names[i];
    EXPECT_EQ(*parsed, methods[i]);
  }
  EXPECT_FALSE(parseMethod("").has_value());
  EXPECT_FALSE(parseMethod("MinMax").has_value());
  EXPECT_FALSE(parseMethod("minmax-symmetric ").has_value());
  EXPECT_FALSE(parseMethod("kl").has_value());

  EXPECT_FALSE(isSymmetric(Method::MinMax));
  EXPECT_TRUE(isSymmetric(Method::MinMaxSymmetric));
  EXPECT_TRUE(isSymmetric(Method::Percentile));
  EXPECT_TRUE(isSymmetric(Method::Entropy));
  EXPECT_TRUE(isSymmetric(Method::Mse));
}

//===----------------------------------------------------------------------===//
// Range pass
//===----------------------------------------------------------------------===//

TEST(CalibrationTest, ObserveRangeAccumulates) {
  TensorStats stats;
  EXPECT_TRUE(stats.empty());
  EXPECT_EQ(stats.absMax(), 0.0);

  std::vector<float> first = {1.0f, 0.5f, 3.0f};
  ASSERT_TRUE(stats.observeRange(first.data(), first.size()));
  // The first batch sets both ends, even though it does not contain 0.
  EXPECT_EQ(stats.min(), 0.5);
  EXPECT_EQ(stats.max(), 3.0);
  EXPECT_EQ(stats.size(), 3);
  EXPECT_FALSE(stats.empty());

  std::vector<float> second = {-4.0f, 2.0f};
  ASSERT_TRUE(stats.observeRange(second.data(), second.size()));
  EXPECT_EQ(stats.min(), -4.0);
  EXPECT_EQ(stats.max(), 3.0);
  EXPECT_EQ(stats.size(), 5);
  EXPECT_EQ(stats.absMax(), 4.0);
  EXPECT_EQ(stats.binWidth(), 4.0 / 2048);
  // No histogram before the second pass.
  EXPECT_TRUE(stats.histogram().empty());
}

TEST(CalibrationTest, ObserveRangeRejectsNonFinite) {
  TensorStats stats;
  std::vector<float> good = {-1.0f, 2.0f};
  ASSERT_TRUE(stats.observeRange(good.data(), good.size()));

  // Each bad batch has finite values that would widen the range if they were
  // recorded before the bad value was seen.
  std::vector<std::vector<float>> bad = {{100.0f, kNaN},
                                         {-100.0f, kInf},
                                         {-kInf, 100.0f},
                                         {kNaN},
                                         {-50.0f, 7.0f, -kNaN}};
  for (const std::vector<float> &batch : bad) {
    EXPECT_FALSE(stats.observeRange(batch.data(), batch.size()));
    EXPECT_EQ(stats.min(), -1.0);
    EXPECT_EQ(stats.max(), 2.0);
    EXPECT_EQ(stats.size(), 2);
  }

  // A rejected first batch leaves the stats empty.
  TensorStats fresh;
  EXPECT_FALSE(fresh.observeRange(bad[0].data(), bad[0].size()));
  EXPECT_TRUE(fresh.empty());
  EXPECT_EQ(fresh.absMax(), 0.0);
}

//===----------------------------------------------------------------------===//
// Histogram pass
//===----------------------------------------------------------------------===//

TEST(CalibrationTest, HistogramBinEdges) {
  // absMax = 2048: w = 1, bin i holds i <= |x| < i + 1.
  std::vector<float> values = {0.0f,    0.99f,   1.0f,     4.999f,
                               5.0f,    -5.0f,   -5.5f,    2046.999f,
                               2047.0f, 2047.5f, -2048.0f, 2048.0f};
  TensorStats stats = statsOf(values);
  ASSERT_EQ(stats.absMax(), 2048.0);
  ASSERT_EQ(stats.binWidth(), 1.0);
  const std::vector<uint64_t> &bins = stats.histogram();
  ASSERT_EQ(bins.size(), static_cast<size_t>(kHistogramBins));
  EXPECT_EQ(sum(bins), values.size());
  EXPECT_EQ(bins[0], 2u);    // 0, 0.99
  EXPECT_EQ(bins[1], 1u);    // 1 (lower edge of bin 1)
  EXPECT_EQ(bins[4], 1u);    // 4.999
  EXPECT_EQ(bins[5], 3u);    // 5, |-5|, |-5.5|
  EXPECT_EQ(bins[2046], 1u); // 2046.999
  // 2047, 2047.5 and absMax itself (both signs) share the last bin.
  EXPECT_EQ(bins[2047], 4u);
}

TEST(CalibrationTest, HistogramNonPowerOfTwoRange) {
  // absMax = 3: w = 3 / 2048. 1.5 = 1024 w is the lower edge of bin 1024,
  // 0.75 = 512 w that of bin 512; 3 lands in the last bin.
  std::vector<float> values = {-3.0f, 1.5f, -0.75f, 3.0f, 0.0f};
  TensorStats stats = statsOf(values);
  const std::vector<uint64_t> &bins = stats.histogram();
  EXPECT_EQ(bins[0], 1u);
  EXPECT_EQ(bins[511], 0u);
  EXPECT_EQ(bins[512], 1u);
  EXPECT_EQ(bins[1023], 0u);
  EXPECT_EQ(bins[1024], 1u);
  EXPECT_EQ(bins[2047], 2u);
  EXPECT_EQ(sum(bins), 5u);
}

TEST(CalibrationTest, HistogramAllZeros) {
  std::vector<float> values(7, 0.0f);
  values[3] = -0.0f;
  TensorStats stats = statsOf(values);
  EXPECT_EQ(stats.absMax(), 0.0);
  const std::vector<uint64_t> &bins = stats.histogram();
  ASSERT_EQ(bins.size(), static_cast<size_t>(kHistogramBins));
  EXPECT_EQ(bins[0], 7u);
  EXPECT_EQ(sum(bins), 7u);
  // Every symmetric method gives the zero threshold.
  for (Method method : {Method::MinMaxSymmetric, Method::Percentile,
                        Method::Entropy, Method::Mse})
    EXPECT_EQ(symmetricThreshold(stats, method, 8, 99.9), 0.0);
}

TEST(CalibrationTest, HistogramAccumulatesOverBatches) {
  std::vector<float> a = {1.0f, -2048.0f};
  std::vector<float> b = {1.5f, 3.25f};
  TensorStats stats;
  ASSERT_TRUE(stats.observeRange(a.data(), a.size()));
  ASSERT_TRUE(stats.observeRange(b.data(), b.size()));
  stats.observeHistogram(a.data(), a.size());
  stats.observeHistogram(b.data(), b.size());
  const std::vector<uint64_t> &bins = stats.histogram();
  EXPECT_EQ(bins[1], 2u);
  EXPECT_EQ(bins[3], 1u);
  EXPECT_EQ(bins[2047], 1u);
  EXPECT_EQ(sum(bins), 4u);
}

//===----------------------------------------------------------------------===//
// Thresholds
//===----------------------------------------------------------------------===//

TEST(CalibrationTest, PercentileThreshold) {
  // w = 1 (absMax 2048). 90 samples in bin 0, 9 in bin 10, 1 in bin 2047:
  // the cumulative counts are 90 up to bin 9, 99 up to bin 2046, 100.
  std::vector<float> values(90, 0.5f);
  values.insert(values.end(), 9, -10.5f);
  values.push_back(2048.0f);
  TensorStats stats = statsOf(values);
  ASSERT_EQ(stats.binWidth(), 1.0);

  // 90% of 100 = 90 samples: reached in bin 0, whose upper edge is 1.
  EXPECT_EQ(symmetricThreshold(stats, Method::Percentile, 8, 90.0), 1.0);
  EXPECT_EQ(symmetricThreshold(stats, Method::Percentile, 8, 50.0), 1.0);
  // 90.5 samples: bin 10, upper edge 11.
  EXPECT_EQ(symmetricThreshold(stats, Method::Percentile, 8, 90.5), 11.0);
  EXPECT_EQ(symmetricThreshold(stats, Method::Percentile, 8, 99.0), 11.0);
  // 99.5 samples and all 100: only the last bin gets there.
  EXPECT_EQ(symmetricThreshold(stats, Method::Percentile, 8, 99.5), 2048.0);
  EXPECT_EQ(symmetricThreshold(stats, Method::Percentile, 8, 100.0), 2048.0);

  EXPECT_EQ(symmetricThreshold(stats, Method::MinMaxSymmetric, 8, 90.0),
            2048.0);
}

TEST(CalibrationTest, MseClipsLongTail) {
  // w = 1; 100000 samples at each of 0.5, 1.5, ..., 9.5 (bins 0-9) and one
  // at 2048 (bin 2047, centre 2047.5). N = 1000001.
  //
  // For 10 <= k <= 2047 the 8-bit error at t = k is
  //   f(k) = 1e6 * (k / 127)^2 / 12 + (2047.5 - k)^2,
  // minimized where 2e6 k / 193548 = 2 (2047.5 - k), i.e.
  // k = 4095 / (2 + 1e6 / 96774) = 4095 / 12.33340... = 332.02;
  // f is a convex quadratic there, so the best bin edge is k = 332
  // (f(331) = 3512438.5, f(332) = 3512432.1, f(333) = 3512437.9).
  // Keeping the tail, f(2048) = 1000001 * (2048 / 127)^2 / 12 = 2.17e7;
  // clipping into the dense bins costs more than the tail alone,
  // 2038.5^2 = 4.16e6.
  std::vector<float> values;
  for (int j = 0; j < 10; ++j)
    values.insert(values.end(), 100000, static_cast<float>(j) + 0.5f);
  values.push_back(-2048.0f);
  TensorStats stats = statsOf(values);
  ASSERT_EQ(stats.binWidth(), 1.0);
  double t = symmetricThreshold(stats, Method::Mse, 8, 0.0);
  EXPECT_LT(t, stats.absMax());
  EXPECT_EQ(t, 332.0);

  // With 2 bits (one level each side) the step is t itself. For k <= 10,
  // f(k) = 1e5 k * k^2 / 12 + 1e5 * sum_{m < 10 - k} (m + 0.5)^2
  //        + (2047.5 - k)^2:
  //   f(6) = 1.8e6 + 2.1e6 + 4167722.25 = 8067722.25,
  //   f(7) = 2858333.33 + 875000 + 4163640.25 = 7896973.58,
  //   f(8) = 4266666.67 + 250000 + 4159560.25 = 8676226.92;
  // below 6 the clipping grows faster (f(5) = 9.34e6), above 8 the
  // rounding does (f(10) = 1.25e7, and 1e6 k^2 / 12 beyond). So t = 7.
  EXPECT_EQ(symmetricThreshold(stats, Method::Mse, 2, 0.0), 7.0);
}

TEST(CalibrationTest, MseKeepsUniformRange) {
  // One sample in every bin (two in the last, which also gets absMax):
  // N = 2049, w = 1. Lowering t by 1 saves about
  // d/dt [N t^2 / (127^2 * 12)] = 2 * 2049 * 2048 / 193548 = 43.4 of
  // rounding error, while the k-th clipped bin (from the top) costs
  // (k - 0.5)^2 more: 6.5^2 = 42.25 is still worth it, 7.5^2 = 56.25 is
  // not. So 7 bins are clipped: t = 2041, below absMax.
  std::vector<float> values;
  for (int j = 0; j < 2048; ++j)
    values.push_back(static_cast<float>(j) + 0.5f);
  values.push_back(2048.0f);
  TensorStats stats = statsOf(values);
  double t = symmetricThreshold(stats, Method::Mse, 8, 0.0);
  EXPECT_LT(t, stats.absMax());
  EXPECT_EQ(t, 2041.0);
}

//===----------------------------------------------------------------------===//
// Quantization parameters
//===----------------------------------------------------------------------===//

TEST(CalibrationTest, ChooseParamsAsymmetric) {
  // u8 over [-1, 3]: scale = 4 / 255; -1 / scale = -63.75 -> zero point
  // 0 - round(-63.75) = 64.
  QuantParams u8 = chooseParams(-1.0, 3.0, 8, /*isSigned=*/false,
                                /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(u8.scale, 4.0 / 255.0);
  EXPECT_EQ(u8.zeroPoint, 64);

  // i8 over the same interval: qmin = -128, zero point -128 + 64 = -64.
  QuantParams i8 = chooseParams(-1.0, 3.0, 8, true, false);
  EXPECT_DOUBLE_EQ(i8.scale, 4.0 / 255.0);
  EXPECT_EQ(i8.zeroPoint, -64);

  // The interval is widened to contain 0: [1, 3] -> [0, 3], zero point at
  // qmin; [-3, -1] -> [-3, 0], zero point at qmax.
  QuantParams positive = chooseParams(1.0, 3.0, 8, false, false);
  EXPECT_DOUBLE_EQ(positive.scale, 3.0 / 255.0);
  EXPECT_EQ(positive.zeroPoint, 0);
  QuantParams negative = chooseParams(-3.0, -1.0, 8, false, false);
  EXPECT_DOUBLE_EQ(negative.scale, 3.0 / 255.0);
  EXPECT_EQ(negative.zeroPoint, 255);
  QuantParams negativeI8 = chooseParams(-3.0, -1.0, 8, true, false);
  EXPECT_EQ(negativeI8.zeroPoint, 127);

  // u4 over [-1, 2]: scale = 3 / 15 = 0.2, -1 / 0.2 = -5 -> zero point 5.
  QuantParams u4 = chooseParams(-1.0, 2.0, 4, false, false);
  EXPECT_DOUBLE_EQ(u4.scale, 0.2);
  EXPECT_EQ(u4.zeroPoint, 5);
}

TEST(CalibrationTest, ChooseParamsSymmetric) {
  // i8: scale = max(|lo|, |hi|) / 127, zero point 0.
  QuantParams a = chooseParams(-1.0, 3.0, 8, true, true);
  EXPECT_DOUBLE_EQ(a.scale, 3.0 / 127.0);
  EXPECT_EQ(a.zeroPoint, 0);
  QuantParams b = chooseParams(-5.0, 2.0, 8, true, true);
  EXPECT_DOUBLE_EQ(b.scale, 5.0 / 127.0);
  EXPECT_EQ(b.zeroPoint, 0);
  // i4: / 7.
  QuantParams c = chooseParams(-1.0, 1.0, 4, true, true);
  EXPECT_DOUBLE_EQ(c.scale, 1.0 / 7.0);
  EXPECT_EQ(c.zeroPoint, 0);

  // Symmetric unsigned over a non-negative interval: max / 255, zero point
  // 0; with negative values it falls back to the asymmetric formula.
  QuantParams d = chooseParams(0.5, 3.0, 8, false, true);
  EXPECT_DOUBLE_EQ(d.scale, 3.0 / 255.0);
  EXPECT_EQ(d.zeroPoint, 0);
  QuantParams e = chooseParams(-1.0, 3.0, 8, false, true);
  EXPECT_DOUBLE_EQ(e.scale, 4.0 / 255.0);
  EXPECT_EQ(e.zeroPoint, 64);
}

TEST(CalibrationTest, ChooseParamsZeroWidth) {
  for (bool isSigned : {false, true}) {
    for (bool symmetric : {false, true}) {
      QuantParams p = chooseParams(0.0, 0.0, 8, isSigned, symmetric);
      EXPECT_EQ(p.scale, 1.0);
      EXPECT_EQ(p.zeroPoint, 0);
    }
  }
  // [2, 2] is widened to [0, 2], which is not zero-width.
  QuantParams p = chooseParams(2.0, 2.0, 8, false, false);
  EXPECT_DOUBLE_EQ(p.scale, 2.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, 0);
}

//===----------------------------------------------------------------------===//
// Entropy
//===----------------------------------------------------------------------===//

TEST(CalibrationTest, EntropyTinyHandChecked) {
  // bins = {6, 0, 2, 1, 1}, numLevels = 2: candidates i = 2..5. With z zero
  // and n non-zero entries, smoothing adds 1e-4 to zeros and subtracts
  // 1e-4 z / n from the others; the smoothing terms are dropped in the
  // approximations below (the exact values keep them).
  //
  // i = 2: P = {6, 0 + (2+1+1)} = {6, 4}; levels of 1 bin: Q = {6, 0}
  //   (Q comes from the sliced bins, whose bin 1 is 0). Smoothed Q =
  //   {6 - 1e-4, 1e-4}, so KL ~ 0.6 ln(0.6) + 0.4 ln(0.4 * 6 / 1e-4)
  //   = -0.3065 + 4.0343 = 3.7278.
  // i = 3: P = {6, 0, 4}; levels {bin 0}, {bins 1, 2} (remainder to the
  //   last): Q = {6, 0, (0+2)/1} = {6, 0, 2}; normalized p = {.6, 0, .4},
  //   q = {.75, 0, .25}: KL ~ .6 ln(.8) + .4 ln(1.6) = 0.05412.
  // i = 4: P = {6, 0, 2, 1+1}; levels {0, 1}, {2, 3}: Q = {6, 0, 1.5, 1.5}
  //   (the sliced level total 2 + 1 = 3 over 2 non-zero bins); p = {.6, 0,
  //   .2, .2}, q = {6/9, 0, 1/6, 1/6}: KL ~ .6 ln(.9) + .4 ln(1.2) =
  //   0.009713.
  // i = 5: P = {6, 0, 2, 1, 1}; levels {0, 1}, {2, 3, 4}: Q = {6, 0, 4/3,
  //   4/3, 4/3}; KL ~ .2 ln(1.5) + .2 ln(.75) = 0.02356.
  // The minimum is at i = 4.
  std::vector<uint64_t> bins = {6, 0, 2, 1, 1};
  EXPECT_NEAR(entropyDivergence(bins, 2, 2), 3.7278382695557726, 1e-12);
  EXPECT_NEAR(entropyDivergence(bins, 3, 2), 0.05411685520511625, 1e-12);
  EXPECT_NEAR(entropyDivergence(bins, 4, 2), 0.009712617670798271, 1e-12);
  EXPECT_NEAR(entropyDivergence(bins, 5, 2), 0.023557031886681314, 1e-12);
  EXPECT_EQ(entropyThresholdBin(bins, 2), 4);

  // Out-of-range candidates.
  EXPECT_EQ(entropyDivergence(bins, 1, 2),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(entropyDivergence(bins, 6, 2),
            std::numeric_limits<double>::infinity());
}

TEST(CalibrationTest, EntropyInvalidCandidate) {
  // bins = {0, 0, 5, 5}, numLevels = 2. i = 2: the sliced bins are {0, 0},
  // so Q is all zero and the candidate is skipped (KL = +inf).
  // i = 3: P = {0, 0, 10}, Q = {0, 0, 5} (level {1, 2}: sliced total 5 on
  //   one non-zero bin): both smooth to {1e-4, 1e-4, x - 2e-4}, so
  //   p = {1e-5, 1e-5, 1 - 2e-5} and q ~ {2e-5, 2e-5, 1 - 4e-5}:
  //   KL ~ 2e-5 ln(0.5) + (1 - 2e-5) ln((1 - 2e-5) / (1 - 4e-5)) = 6.1e-6.
  // i = 4: P = {0, 0, 5, 5}, Q = levels {0, 1} (empty) and {2, 3} = 10 over
  //   2 bins: Q = P, KL = 0. So i = 4 wins.
  std::vector<uint64_t> bins = {0, 0, 5, 5};
  EXPECT_EQ(entropyDivergence(bins, 2, 2),
            std::numeric_limits<double>::infinity());
  EXPECT_NEAR(entropyDivergence(bins, 3, 2), 6.1e-6, 0.1e-6);
  EXPECT_EQ(entropyDivergence(bins, 4, 2), 0.0);
  EXPECT_EQ(entropyThresholdBin(bins, 2), 4);
}

TEST(CalibrationTest, EntropyDegenerateHistograms) {
  // Shorter than numLevels.
  EXPECT_EQ(entropyThresholdBin({1, 2, 3}, 4), 3);
  EXPECT_EQ(entropyThresholdBin({}, 128), 0);
  // Fewer non-zero bins than levels: the whole histogram, although the KL
  // search would pick i = 3, where 3 levels of 1 bin give Q = P = {1, 3, 0}.
  std::vector<uint64_t> sparse = {1, 3, 0, 0, 0, 0};
  EXPECT_EQ(entropyDivergence(sparse, 3, 3), 0.0);
  EXPECT_EQ(entropyThresholdBin(sparse, 3), 6);
  std::vector<uint64_t> oneBin(2048, 0);
  oneBin[17] = 1000;
  EXPECT_EQ(entropyThresholdBin(oneBin, 128), 2048);
}

TEST(CalibrationTest, EntropyMassInFirstBins) {
  // All the mass in the first 100 of 2048 bins.
  std::vector<uint64_t> bins(2048, 0);
  for (int j = 0; j < 100; ++j)
    bins[j] = 1000;

  // With 128 levels only 100 bins are non-zero: the whole histogram.
  EXPECT_EQ(entropyThresholdBin(bins, 128), 2048);

  // With 64 levels: for i < 100 P[i - 1] holds the clipped mass, which Q
  // (built from the sliced bins) does not, so KL > 0. At i = 100, levels
  // 0-62 are single bins and the last level spreads bins 63-99 (37 * 1000)
  // evenly: Q = P and KL = 0. Nothing is clipped and the KL there is the
  // smallest of all candidates, and the first of them.
  int64_t best = entropyThresholdBin(bins, 64);
  EXPECT_EQ(best, 100);
  EXPECT_GE(best, 100);
  double bestKL = entropyDivergence(bins, best, 64);
  EXPECT_EQ(bestKL, 0.0);
  for (int64_t i = 64; i <= 2048; ++i) {
    double kl = entropyDivergence(bins, i, 64);
    if (i < best)
      EXPECT_GT(kl, bestKL) << "candidate " << i;
    else
      EXPECT_GE(kl, bestKL) << "candidate " << i;
  }

  // Decreasing counts in the first 100 bins (2000 - 19 j): the threshold
  // still keeps every sample and its KL is the minimum.
  for (int j = 0; j < 100; ++j)
    bins[j] = 2000 - 19 * j;
  best = entropyThresholdBin(bins, 64);
  EXPECT_GE(best, 100);
  bestKL = entropyDivergence(bins, best, 64);
  for (int64_t i = 64; i <= 2048; ++i) {
    double kl = entropyDivergence(bins, i, 64);
    if (i < best)
      EXPECT_GT(kl, bestKL) << "candidate " << i;
    else
      EXPECT_GE(kl, bestKL) << "candidate " << i;
  }
}

TEST(CalibrationTest, EntropyThresholdFromStats) {
  // 8 bits: 128 levels, threshold = bin * w. 1000 - 4 j samples in bin j
  // for j < 200 and one outlier at absMax = 2048 (w = 1): 201 non-zero
  // bins. Candidates below 200 fold hundreds of body samples into P[i - 1],
  // which Q (built from the unclipped bins) spreads over a whole level: a
  // large KL. Keeping everything (i = 2048) merges 16 bins a level, so the
  // body gets only 13 levels. A threshold in between keeps the body at a
  // finer resolution and only moves the single outlier into P[i - 1].
  std::vector<float> values;
  for (int j = 0; j < 200; ++j)
    values.insert(values.end(), 1000 - 4 * j, static_cast<float>(j) + 0.5f);
  values.push_back(2048.0f);
  TensorStats stats = statsOf(values);
  double t = symmetricThreshold(stats, Method::Entropy, 8, 0.0);
  int64_t bin = entropyThresholdBin(stats.histogram(), 128);
  EXPECT_EQ(t, static_cast<double>(bin) * stats.binWidth());
  EXPECT_GE(t, 200.0);
  EXPECT_LT(t, stats.absMax());
  // 4 bits: 8 levels.
  EXPECT_EQ(symmetricThreshold(stats, Method::Entropy, 4, 0.0),
            static_cast<double>(entropyThresholdBin(stats.histogram(), 8)) *
                stats.binWidth());
}

} // namespace
