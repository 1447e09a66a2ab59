//===- Calibration.h - activation statistics and range choice ---*- C++ -*-===//
//
// Part of the lowbit project.
//
// What lowbit-quantize computes from the calibration set for one tensor:
// its range (pass 1), a histogram of |x| (pass 2, for the methods that need
// one), and from those the real interval its quantized type covers.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_QUANTIZE_CALIBRATION_H
#define LOWBIT_QUANTIZE_CALIBRATION_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lowbit {
namespace calibration {

/// Bins of the |x| histogram (TensorRT's 2048).
constexpr int64_t kHistogramBins = 2048;

enum class Method {
  MinMax,          ///< [min, max] of the data, widened to contain 0
  MinMaxSymmetric, ///< [-max|x|, max|x|]
  Percentile,      ///< symmetric, the given percentile of |x|
  Entropy,         ///< symmetric, TensorRT's KL-divergence threshold
  Mse,             ///< symmetric, the threshold minimizing the squared error
};

/// Parses "minmax", "minmax-symmetric", "percentile", "entropy", "mse".
std::optional<Method> parseMethod(const std::string &name);
const char *methodName(Method method);
/// Whether `method` chooses a symmetric interval (zero point 0 for signed
/// storage).
bool isSymmetric(Method method);

/// Statistics of one tensor over the calibration set. observeRange() sees
/// every sample first; observeHistogram() then sees every sample again and
/// fills kHistogramBins bins of |x| over [0, max|x|] (bin i holds
/// i * w <= |x| < (i + 1) * w, w = max|x| / kHistogramBins; max|x| itself
/// goes to the last bin).
class TensorStats {
public:
  /// Returns false (and records nothing) if `values` holds a NaN or an
  /// infinity.
  bool observeRange(const float *values, int64_t count);
  void observeHistogram(const float *values, int64_t count);

  bool empty() const { return count == 0; }
  double min() const { return lo; }
  double max() const { return hi; }
  double absMax() const;
  int64_t size() const { return count; }
  /// mean|x| (the L2-optimal scale of sign(x)).
  double meanAbs() const { return count ? sumAbs / count : 0.0; }
  /// Empty until observeHistogram() was called.
  const std::vector<uint64_t> &histogram() const { return bins; }
  double binWidth() const { return absMax() / kHistogramBins; }

private:
  double lo = 0, hi = 0, sumAbs = 0;
  int64_t count = 0;
  std::vector<uint64_t> bins;
};

/// TensorRT's entropy calibration on a histogram of |x| (see
/// docs/Quantize.md): for i in [numLevels, bins.size()], P = the first i
/// bins with the mass of the rest added to bin i - 1, Q = the first i bins
/// (without that mass, as the reference implementations do) merged into
/// numLevels levels (i / numLevels bins each, the last level also taking
/// the remainder) and each level spread evenly over its bins that are
/// non-zero in P; P and Q are smoothed (eps = 1e-4 moved onto zero bins, on
/// the counts as MXNet and onnxruntime do) and normalized, and the first i
/// with the smallest KL(P || Q) wins. Returns that i; the threshold is
/// i * binWidth (the upper edge of bin i - 1). A histogram with fewer than
/// numLevels non-zero bins, or shorter than numLevels, returns bins.size().
int64_t entropyThresholdBin(const std::vector<uint64_t> &bins,
                            int64_t numLevels = 128);

/// KL(P || Q) of candidate i (numLevels <= i <= bins.size()) as
/// entropyThresholdBin computes it; +infinity when a smoothed P or Q is not
/// a valid distribution (all zero, or a bin that would not stay positive).
double entropyDivergence(const std::vector<uint64_t> &bins, int64_t i,
                         int64_t numLevels);

/// The threshold t (|x| <= t is kept) for the symmetric methods:
/// MinMaxSymmetric -> absMax; Percentile -> the smallest upper bin edge
/// below which `percentile` percent of the samples lie; Entropy -> as
/// above with 2^(bits-1) levels; Mse -> the upper bin edge minimizing the
/// expected squared error of symmetric `bits`-bit quantization (rounding
/// error inside, clipping error outside) estimated from the histogram
/// (bin centres).
double symmetricThreshold(const TensorStats &stats, Method method, int bits,
                          double percentile);

/// Scale and zero point of a `bits`-bit integer type covering [lo, hi]
/// (lo <= 0 <= hi after widening to contain 0). Symmetric signed: scale =
/// max(|lo|, |hi|) / (2^(bits-1) - 1), zero point 0. Asymmetric: scale =
/// (hi - lo) / (qmax - qmin), zero point = qmin - round(lo / scale),
/// clamped to [qmin, qmax]. A zero-width interval gets scale 1.
struct QuantParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
};
QuantParams chooseParams(double lo, double hi, int bits, bool isSigned,
                         bool symmetric);

} // namespace calibration
} // namespace lowbit

#endif // LOWBIT_QUANTIZE_CALIBRATION_H
