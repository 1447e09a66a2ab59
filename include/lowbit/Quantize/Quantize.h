//===- Quantize.h - post-training quantization of float models -*- C++ -*-===//
//
// Part of the lowbit project.
//
// The library behind lowbit-quantize: runs a float lowbit model on
// calibration samples (JIT-compiled through the lowbit pipeline), chooses
// the quantization of every activation and weight, and rewrites the model
// into quantize/dequantize form, which --lowbit-fuse-qdq turns into
// quantized ops.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_QUANTIZE_QUANTIZE_H
#define LOWBIT_QUANTIZE_QUANTIZE_H

#include "lowbit/Quantize/Calibration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mlir {
namespace lowbit {

/// Weight precisions of a quantized layer.
enum class WeightKind { Int8, Int4, Int2, Ternary, Binary };
std::optional<WeightKind> parseWeightKind(StringRef name);
const char *weightKindName(WeightKind kind);

/// What one layer (matmul or conv2d) becomes.
struct LayerConfig {
  WeightKind weights = WeightKind::Int8;
  /// Bits of the activations the layer reads and writes: 8 or 16.
  int activationBits = 8;
  ::lowbit::calibration::Method method = ::lowbit::calibration::Method::MinMax;
  /// Weight scales per output channel (else one per tensor).
  bool perChannel = true;
};

/// A layer's settings from the command line and a config file.
struct QuantizeOptions {
  LayerConfig defaults;
  /// The first and last layers keep int8 weights (and int8 or wider
  /// activations) unless this is set.
  bool lowBitFirstLast = false;
  /// Overrides by layer name (its location name) or "#N" (N-th layer).
  std::map<std::string, LayerConfig> overrides;
  double percentile = 99.99;
  /// "fixed" or "float" (the module's lowbit.requant_mode).
  std::string requantMode = "fixed";
  /// Run the quantized model on the calibration samples too and measure
  /// each layer's SQNR against the float model.
  bool measureSqnr = false;
};

/// One calibration sample: a flat float vector per model input.
using Sample = std::vector<std::vector<float>>;

/// The layer of a quantized model, for the report.
struct LayerInfo {
  std::string name;
  std::string op;
  LayerConfig config;
  int64_t weightBytes = 0;
  /// Signal-to-quantization-noise ratio of the layer's output (dB) over the
  /// calibration set, against the float model; NaN until measured.
  double sqnr = 0;
};

/// One calibrated activation, for the statistics dump.
struct TensorInfo {
  std::string name;
  double min = 0, max = 0;
  ::lowbit::calibration::Method method = ::lowbit::calibration::Method::MinMax;
  int bits = 8;
  /// The chosen interval [lo, hi] (lo = 0 for unsigned types).
  double lo = 0, hi = 0;
  /// The |x| histogram (empty for the min-max methods) and its bin width.
  std::vector<uint64_t> histogram;
  double binWidth = 0;
  /// The quantized type, as MLIR prints it.
  std::string type;
};

/// What quantizeModule reports.
struct QuantizeReport {
  std::vector<LayerInfo> layers;
  std::vector<TensorInfo> tensors;
  int64_t samples = 0;
};

/// Calls back with (samples done, total) while calibrating.
using ProgressFn = std::function<void(int64_t, int64_t)>;

/// Quantizes the single public function of `module` in place. Errors are
/// reported as diagnostics (at the op they concern) and return failure.
LogicalResult quantizeModule(ModuleOp module, ArrayRef<Sample> samples,
                             const QuantizeOptions &options,
                             QuantizeReport &report,
                             const ProgressFn &progress = nullptr);

/// Dynamic quantization (PyTorch's quantize_dynamic, ONNX's
/// DynamicQuantizeLinear + MatMulInteger): every matmul with constant
/// weights gets int8 weights (symmetric, per output channel) and quantizes
/// its input at run time to uint8 from that call's own min and max; the
/// int32 product is rescaled to float. Needs no calibration data.
LogicalResult dynamicQuantizeModule(ModuleOp module, QuantizeReport &report);

/// Half precision: every matmul and conv2d computes on f16 (weights and
/// biases rounded to nearest even, inputs converted, results widened back
/// to f32 for the ops between layers). Needs no calibration data.
LogicalResult float16Module(ModuleOp module, QuantizeReport &report);

/// The flat sizes of the single public function's inputs (for reading
/// calibration files), or failure with a diagnostic.
FailureOr<SmallVector<int64_t>> getInputSizes(ModuleOp module);

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_QUANTIZE_QUANTIZE_H
