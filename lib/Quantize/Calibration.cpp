//===- Calibration.cpp - activation statistics and range choice -----------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Conventions of the entropy (KL-divergence) threshold, following the
// reference implementations of TensorRT's method (MXNet's
// _get_optimal_threshold, onnxruntime's get_entropy_threshold, TVM's
// kl_divergence), restricted to the one-sided |x| histogram:
//
//  - Candidate i (numLevels <= i <= bins.size()) keeps bins [0, i); its
//    threshold is the upper edge of bin i - 1, i * binWidth.
//  - P is bins[0, i) with the counts of bins [i, end) added to P[i - 1].
//  - Q quantizes the sliced histogram bins[0, i) (without the outlier mass,
//    as the references do) into numLevels levels of i / numLevels bins, the
//    last level also taking the i % numLevels remaining bins; a level's total
//    is spread evenly over its bins that are non-zero in P (outlier mass
//    included), the others get 0.
//  - Smoothing comes first and works on the counts, normalization second
//    (the order of MXNet and onnxruntime, which smooth the count vectors and
//    let scipy.stats.entropy normalize): with n0 zero and n1 non-zero
//    entries, zeros become eps = 1e-4 and non-zeros lose eps * n0 / n1. A
//    vector without non-zero entries, eps * n0 / n1 >= 1, or an entry that
//    does not stay positive makes the candidate's KL +infinity (the
//    references raise or assert there). Smoothing normalized vectors instead
//    would push the smallest probabilities below zero on large calibration
//    sets.
//  - KL(P || Q) = sum p log(p / q) over the normalized vectors, everything in
//    double (MXNet smooths in float32). The first candidate with the strictly
//    smallest KL wins.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quantize/Calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace lowbit;
using namespace lowbit::calibration;

std::optional<Method> calibration::parseMethod(const std::string &name) {
  if (name == "minmax")
    return Method::MinMax;
  if (name == "minmax-symmetric")
    return Method::MinMaxSymmetric;
  if (name == "percentile")
    return Method::Percentile;
  if (name == "entropy")
    return Method::Entropy;
  if (name == "mse")
    return Method::Mse;
  return std::nullopt;
}

const char *calibration::methodName(Method method) {
  switch (method) {
  case Method::MinMax:
    return "minmax";
  case Method::MinMaxSymmetric:
    return "minmax-symmetric";
  case Method::Percentile:
    return "percentile";
  case Method::Entropy:
    return "entropy";
  case Method::Mse:
    return "mse";
  }
  return "unknown";
}

bool calibration::isSymmetric(Method method) {
  return method != Method::MinMax;
}

//===----------------------------------------------------------------------===//
// TensorStats
//===----------------------------------------------------------------------===//

bool TensorStats::observeRange(const float *values, int64_t n) {
  if (n <= 0)
    return true;
  float batchLo = values[0], batchHi = values[0];
  double batchAbs = 0;
  for (int64_t i = 0; i < n; ++i) {
    float v = values[i];
    if (!std::isfinite(v))
      return false;
    batchLo = std::min(batchLo, v);
    batchHi = std::max(batchHi, v);
    batchAbs += std::fabs(static_cast<double>(v));
  }
  sumAbs += batchAbs;
  if (count == 0) {
    lo = batchLo;
    hi = batchHi;
  } else {
    lo = std::min(lo, static_cast<double>(batchLo));
    hi = std::max(hi, static_cast<double>(batchHi));
  }
  count += n;
  return true;
}

double TensorStats::absMax() const {
  if (count == 0)
    return 0.0;
  return std::max(std::fabs(lo), std::fabs(hi));
}

void TensorStats::observeHistogram(const float *values, int64_t n) {
  if (bins.empty())
    bins.assign(kHistogramBins, 0);
  double width = binWidth();
  for (int64_t i = 0; i < n; ++i) {
    // observeRange() rejected batches holding these.
    if (!std::isfinite(values[i]))
      continue;
    int64_t bin = 0;
    if (width > 0) {
      // |x| / w rounds once: w = absMax / 2^11 is exact.
      double scaled =
          std::floor(std::fabs(static_cast<double>(values[i])) / width);
      bin = scaled >= static_cast<double>(kHistogramBins - 1)
                ? kHistogramBins - 1
                : static_cast<int64_t>(scaled);
    }
    ++bins[bin];
  }
}

//===----------------------------------------------------------------------===//
// Entropy
//===----------------------------------------------------------------------===//

namespace {

/// MXNet's _smooth_distribution on a count vector: zeros become eps, the
/// non-zeros pay for them. Returns false where the references raise/assert.
bool smooth(std::vector<double> &dist) {
  constexpr double eps = 1e-4;
  int64_t zeros = std::count(dist.begin(), dist.end(), 0.0);
  int64_t nonZeros = static_cast<int64_t>(dist.size()) - zeros;
  if (nonZeros == 0)
    return false;
  double eps1 =
      eps * static_cast<double>(zeros) / static_cast<double>(nonZeros);
  if (eps1 >= 1.0)
    return false;
  for (double &v : dist) {
    v = v == 0.0 ? eps : v - eps1;
    if (!(v > 0.0))
      return false;
  }
  return true;
}

void normalize(std::vector<double> &dist) {
  double sum = 0;
  for (double v : dist)
    sum += v;
  for (double &v : dist)
    v /= sum;
}

} // namespace

double calibration::entropyDivergence(const std::vector<uint64_t> &bins,
                                      int64_t i, int64_t numLevels) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  int64_t numBins = static_cast<int64_t>(bins.size());
  if (numLevels < 1 || i < numLevels || i > numBins)
    return inf;

  // Reference distribution: the kept bins, outliers folded into the last.
  std::vector<double> p(bins.begin(), bins.begin() + i);
  uint64_t outliers = 0;
  for (int64_t j = i; j < numBins; ++j)
    outliers += bins[j];
  p[i - 1] += static_cast<double>(outliers);

  // Candidate distribution: the kept bins (without the outliers) merged into
  // numLevels levels and expanded back over the bins non-zero in P.
  std::vector<double> q(i, 0.0);
  int64_t levelBins = i / numLevels;
  for (int64_t level = 0; level < numLevels; ++level) {
    int64_t start = level * levelBins;
    int64_t stop = level == numLevels - 1 ? i : start + levelBins;
    uint64_t total = 0;
    int64_t nonZero = 0;
    for (int64_t j = start; j < stop; ++j) {
      total += bins[j];
      nonZero += p[j] != 0.0;
    }
    if (nonZero == 0)
      continue;
    double share = static_cast<double>(total) / static_cast<double>(nonZero);
    for (int64_t j = start; j < stop; ++j)
      q[j] = p[j] != 0.0 ? share : 0.0;
  }

  if (!smooth(p) || !smooth(q))
    return inf;
  normalize(p);
  normalize(q);
  double kl = 0;
  for (int64_t j = 0; j < i; ++j)
    kl += p[j] * std::log(p[j] / q[j]);
  return kl;
}

int64_t calibration::entropyThresholdBin(const std::vector<uint64_t> &bins,
                                         int64_t numLevels) {
  int64_t numBins = static_cast<int64_t>(bins.size());
  if (numLevels < 1 || numBins < numLevels)
    return numBins;
  int64_t nonZero = std::count_if(bins.begin(), bins.end(),
                                  [](uint64_t c) { return c != 0; });
  if (nonZero < numLevels)
    return numBins;

  int64_t best = numBins;
  double bestKL = std::numeric_limits<double>::infinity();
  for (int64_t i = numLevels; i <= numBins; ++i) {
    double kl = entropyDivergence(bins, i, numLevels);
    if (kl < bestKL) {
      bestKL = kl;
      best = i;
    }
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Thresholds and parameters
//===----------------------------------------------------------------------===//

namespace {

double percentileThreshold(const std::vector<uint64_t> &bins, double width,
                           double percentile) {
  uint64_t total = 0;
  for (uint64_t c : bins)
    total += c;
  double target =
      std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(total);
  uint64_t cumulative = 0;
  for (size_t k = 0; k < bins.size(); ++k) {
    cumulative += bins[k];
    if (static_cast<double>(cumulative) >= target)
      return static_cast<double>(k + 1) * width;
  }
  return static_cast<double>(bins.size()) * width;
}

double mseThreshold(const std::vector<uint64_t> &bins, double width, int bits) {
  int64_t numBins = static_cast<int64_t>(bins.size());
  double levels = std::max<double>(1.0, std::ldexp(1.0, bits - 1) - 1.0);
  double best = static_cast<double>(numBins) * width;
  double bestError = std::numeric_limits<double>::infinity();
  for (int64_t k = 1; k <= numBins; ++k) {
    double t = static_cast<double>(k) * width;
    double step = t / levels;
    double rounding = step * step / 12.0;
    double error = 0;
    for (int64_t j = 0; j < numBins; ++j) {
      if (bins[j] == 0)
        continue;
      double center = (static_cast<double>(j) + 0.5) * width;
      double clip = center - t;
      error +=
          static_cast<double>(bins[j]) * (center <= t ? rounding : clip * clip);
    }
    if (error < bestError) {
      bestError = error;
      best = t;
    }
  }
  return best;
}

} // namespace

double calibration::symmetricThreshold(const TensorStats &stats, Method method,
                                       int bits, double percentile) {
  double absMax = stats.absMax();
  const std::vector<uint64_t> &bins = stats.histogram();
  // Without a histogram (or with nothing but zeros) the range is all there
  // is.
  if (method == Method::MinMax || method == Method::MinMaxSymmetric ||
      bins.empty() || absMax == 0.0)
    return absMax;
  double width = stats.binWidth();
  switch (method) {
  case Method::Percentile:
    return percentileThreshold(bins, width, percentile);
  case Method::Entropy: {
    int64_t numLevels = int64_t(1) << std::clamp(bits - 1, 0, 62);
    return static_cast<double>(entropyThresholdBin(bins, numLevels)) * width;
  }
  case Method::Mse:
    return mseThreshold(bins, width, bits);
  case Method::MinMax:
  case Method::MinMaxSymmetric:
    break;
  }
  return absMax;
}

QuantParams calibration::chooseParams(double lo, double hi, int bits,
                                      bool isSigned, bool symmetric) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  QuantParams params;
  if (hi == lo)
    return params;

  double qmin = isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
  double qmax =
      isSigned ? std::ldexp(1.0, bits - 1) - 1.0 : std::ldexp(1.0, bits) - 1.0;
  // Symmetric unsigned storage only fits a non-negative interval; anything
  // else takes the asymmetric formula.
  if (symmetric && (isSigned || lo >= 0.0)) {
    double range = std::max(std::fabs(lo), std::fabs(hi));
    params.scale = range / std::max(1.0, qmax);
    params.zeroPoint = 0;
    return params;
  }

  params.scale = (hi - lo) / (qmax - qmin);
  double zeroPoint = qmin - std::round(lo / params.scale);
  params.zeroPoint = static_cast<int64_t>(std::clamp(zeroPoint, qmin, qmax));
  return params;
}
