//===- Quantize.cpp - post-training quantization of float models ---------===//
//
// Part of the lowbit project.
//
// 1. Every float tensor of the model's public function (its arguments and
//    the results of its top-level ops) becomes an extra result of a copy of
//    the function, which the lowbit pipeline lowers and MLIR's execution
//    engine JIT-compiles; running it on each calibration sample feeds the
//    statistics of every tensor (a second run fills the histograms when a
//    method needs them).
// 2. The model is rewritten into quantize/dequantize form: each activation
//    a layer reads or writes goes through quantize + dequantize with the
//    type its statistics choose, each weight tensor becomes a quantized
//    constant (int8/int4/int2 per channel, ternary as TWN, binary as
//    XNOR-Net) and each bias an int32 constant at scale s_x * s_w.
// 3. --lowbit-fuse-qdq folds that form into quantized matmul, conv2d, add,
//    mul and max_pool2d ops, exactly as for a QDQ model from an exporter.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quantize/Quantize.h"

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Target/ObjectEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <cmath>
#include <set>

using namespace mlir;
using namespace mlir::lowbit;
namespace cal = ::lowbit::calibration;

std::optional<WeightKind> mlir::lowbit::parseWeightKind(StringRef name) {
  return llvm::StringSwitch<std::optional<WeightKind>>(name)
      .Case("int8", WeightKind::Int8)
      .Case("int4", WeightKind::Int4)
      .Case("int2", WeightKind::Int2)
      .Case("ternary", WeightKind::Ternary)
      .Case("binary", WeightKind::Binary)
      .Default(std::nullopt);
}

const char *mlir::lowbit::weightKindName(WeightKind kind) {
  switch (kind) {
  case WeightKind::Int8:
    return "int8";
  case WeightKind::Int4:
    return "int4";
  case WeightKind::Int2:
    return "int2";
  case WeightKind::Ternary:
    return "ternary";
  case WeightKind::Binary:
    return "binary";
  }
  return "?";
}

namespace {

bool isFloatTensor(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

/// The single public function with a body.
FailureOr<func::FuncOp> getEntry(ModuleOp module) {
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    if (entry) {
      func.emitError() << "lowbit-quantize takes a model with one public "
                          "function; '"
                       << entry.getSymName() << "' is another";
      return failure();
    }
    entry = func;
  }
  if (!entry) {
    module.emitError() << "the model has no public function to quantize";
    return failure();
  }
  for (Type t : entry.getArgumentTypes())
    if (!isFloatTensor(t)) {
      entry.emitError() << "input of type " << t
                        << " is not a statically shaped f32 tensor; "
                           "lowbit-quantize takes float models";
      return failure();
    }
  // A model that already holds quantized values (a QDQ or QONNX export)
  // is compiled as it is.
  Operation *quantized = nullptr;
  entry.walk([&](Operation *op) {
    auto isQuantizedType = [](Type t) {
      Type e = getElementTypeOrSelf(t);
      return isa<quant::QuantizedType, BinaryType>(e);
    };
    if (isa<QuantizeOp, DequantizeOp>(op) ||
        llvm::any_of(op->getResultTypes(), isQuantizedType)) {
      quantized = op;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (quantized) {
    InFlightDiagnostic diag =
        quantized->emitError()
        << "the model is already quantized; lowbit-quantize takes float "
           "models";
    diag.attachNote() << "compile it with lowbit-compile as it is";
    return failure();
  }
  return entry;
}

/// The tensors whose statistics are gathered: the arguments, then the f32
/// results of the top-level ops (not constants), in program order.
SmallVector<Value> observedValues(func::FuncOp func) {
  SmallVector<Value> values;
  for (BlockArgument arg : func.getArguments())
    values.push_back(arg);
  for (Operation &op : func.getBody().front()) {
    if (op.hasTrait<OpTrait::ConstantLike>() ||
        isa<tensor::EmptyOp, func::ReturnOp>(op))
      continue;
    for (Value result : op.getResults())
      if (isFloatTensor(result.getType()))
        values.push_back(result);
  }
  return values;
}

int64_t numElements(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// A copy of the model whose function returns the values `outputsOf`
/// picks in the copy (adding ops if needed), JIT-compiled.
class ModelRunner {
public:
  static FailureOr<std::unique_ptr<ModelRunner>>
  create(ModuleOp module, func::FuncOp entry, StringRef what,
         function_ref<SmallVector<Value>(func::FuncOp)> outputsOf) {
    auto runner = std::make_unique<ModelRunner>();
    OwningOpRef<ModuleOp> copy = module.clone();
    auto func = copy->lookupSymbol<func::FuncOp>(entry.getSymName());
    SmallVector<Value> values = outputsOf(func);
    for (BlockArgument arg : func.getArguments())
      runner->inputSizes.push_back(numElements(arg));
    for (Value v : values)
      runner->outputSizes.push_back(numElements(v));
    Operation *ret = func.getBody().front().getTerminator();
    OpBuilder b(ret);
    func::ReturnOp::create(b, ret->getLoc(), values);
    ret->erase();
    SmallVector<Type> types;
    for (Value v : values)
      types.push_back(v.getType());
    func.setFunctionType(
        FunctionType::get(module.getContext(), func.getArgumentTypes(), types));
    // Private helpers of the model stay; other public functions were
    // rejected by getEntry.
    runner->name = func.getSymName().str();

    PassManager pm(module.getContext());
    LowBitToLLVMOptions options;
    options.cABI = true;
    options.dotKernels = "none";
    options.popcountKernels = "none";
    buildLowBitToLLVMPipeline(pm, options);
    if (failed(pm.run(*copy))) {
      entry.emitError() << "the " << what << " could not be compiled";
      return failure();
    }
    initializeLLVMTargets();
    ExecutionEngineOptions engineOptions;
    runner->transformer = makeOptimizingTransformer(2, 0, nullptr);
    engineOptions.transformer = runner->transformer;
    auto engine = ExecutionEngine::create(*copy, engineOptions);
    if (!engine) {
      entry.emitError() << "the " << what << " could not be JIT-compiled: "
                        << llvm::toString(engine.takeError());
      return failure();
    }
    runner->engine = std::move(*engine);
    return runner;
  }

  /// Runs one sample; `outputs` receives every returned tensor.
  LogicalResult run(const Sample &sample,
                    std::vector<std::vector<float>> &outputs) {
    outputs.resize(outputSizes.size());
    SmallVector<void *> pointers;
    for (const std::vector<float> &in : sample)
      pointers.push_back(const_cast<float *>(in.data()));
    for (size_t i = 0; i < outputSizes.size(); ++i) {
      outputs[i].assign(outputSizes[i], 0.0f);
      pointers.push_back(outputs[i].data());
    }
    int32_t status = 0;
    SmallVector<void *> args;
    for (void *&p : pointers)
      args.push_back(&p);
    args.push_back(&status);
    if (llvm::Error error = engine->invokePacked(name, args)) {
      llvm::consumeError(std::move(error));
      return failure();
    }
    return success(status == 0);
  }

  SmallVector<int64_t> inputSizes, outputSizes;

private:
  // Kept alive for the engine, which may compile lazily.
  std::function<llvm::Error(llvm::Module *)> transformer;
  std::unique_ptr<ExecutionEngine> engine;
  std::string name;
};

/// A quantized activation type.
Type activationType(MLIRContext *ctx, const cal::TensorStats &stats,
                    const LayerConfig &config, double percentile) {
  int bits = config.activationBits;
  Type f32 = Float32Type::get(ctx);
  // Binary: sign(x) at scale mean|x|, the L2-optimal one.
  if (bits == 1)
    return BinaryType::get(cast<FloatType>(f32),
                           {stats.meanAbs() > 0 ? stats.meanAbs() : 1.0}, -1);
  cal::QuantParams params;
  bool isSigned = true;
  if (cal::isSymmetric(config.method)) {
    // Non-negative data (e.g. after ReLU) uses the whole unsigned range:
    // 2^bits levels over [0, t], which the threshold search must assume
    // too (one more bit than a signed type's 2^(bits-1) levels per side).
    if (stats.min() >= 0 && bits == 8) {
      isSigned = false;
      double t =
          cal::symmetricThreshold(stats, config.method, bits + 1, percentile);
      params = cal::chooseParams(0, t, bits, false, true);
    } else {
      double t =
          cal::symmetricThreshold(stats, config.method, bits, percentile);
      params = cal::chooseParams(-t, t, bits, true, true);
    }
  } else {
    params = cal::chooseParams(stats.min(), stats.max(), bits, true, false);
  }
  int64_t qmin = isSigned ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t qmax =
      isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  return quant::UniformQuantizedType::get(
      isSigned ? quant::QuantizationFlags::Signed : 0,
      IntegerType::get(ctx, bits), f32, params.scale, params.zeroPoint, qmin,
      qmax);
}

/// Weights quantized for one layer.
struct QuantizedWeights {
  Type elementType; // the quantized (or binary) element type
  Type storageType; // the integer storage of the constant
  SmallVector<APInt> values;
  SmallVector<double> scales; // per channel, or one
  int64_t bits = 8;
};

/// Quantizes `w` (row-major, `shape`) along output-channel axis `axis`.
QuantizedWeights quantizeWeights(MLIRContext *ctx, ArrayRef<float> w,
                                 ArrayRef<int64_t> shape, int32_t axis,
                                 const LayerConfig &config) {
  int64_t n = w.size();
  int64_t channels = config.perChannel ? shape[axis] : 1;
  int64_t inner = 1;
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  auto channelOf = [&](int64_t i) -> int64_t {
    return config.perChannel ? (i / inner) % shape[axis] : 0;
  };
  // Per channel: the values' indices.
  std::vector<std::vector<int64_t>> members(channels);
  for (int64_t i = 0; i < n; ++i)
    members[channelOf(i)].push_back(i);

  QuantizedWeights out;
  SmallVector<int64_t> q(n, 0);
  Type f32 = Float32Type::get(ctx);
  // Signed, zero point 0, one scale per channel or per tensor.
  auto symmetricType = [&](Type storage, ArrayRef<double> scales, int64_t qmin,
                           int64_t qmax) -> Type {
    if (config.perChannel)
      return quant::UniformQuantizedPerAxisType::get(
          quant::QuantizationFlags::Signed, storage, f32, scales,
          SmallVector<int64_t>(scales.size(), 0), axis, qmin, qmax);
    return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                            storage, f32, scales.front(), 0,
                                            qmin, qmax);
  };
  auto roundClamp = [](double v, int64_t lo, int64_t hi) {
    return std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(v)), lo, hi);
  };
  switch (config.weights) {
  case WeightKind::Int8:
  case WeightKind::Int4:
  case WeightKind::Int2: {
    int64_t bits = config.weights == WeightKind::Int8   ? 8
                   : config.weights == WeightKind::Int4 ? 4
                                                        : 2;
    int64_t qmin = -(int64_t(1) << (bits - 1)), qmax = -qmin - 1;
    for (const std::vector<int64_t> &idx : members) {
      double absMax = 0;
      for (int64_t i : idx)
        absMax = std::max(absMax, std::fabs(double(w[i])));
      double best = absMax > 0 ? absMax / std::max<int64_t>(qmax, 1) : 1.0;
      if (bits < 8 && absMax > 0) {
        // Few levels: the scale minimizing the squared error over a grid
        // (clipping the largest weights usually pays).
        double bestErr = INFINITY;
        for (int k = 20; k <= 100; ++k) {
          double s = absMax * k / 100.0 / std::max<int64_t>(qmax, 1);
          double err = 0;
          for (int64_t i : idx) {
            double d = w[i] - s * roundClamp(w[i] / s, qmin, qmax);
            err += d * d;
          }
          if (err < bestErr) {
            bestErr = err;
            best = s;
          }
        }
      }
      out.scales.push_back(best);
      for (int64_t i : idx)
        q[i] = roundClamp(w[i] / best, qmin, qmax);
    }
    out.bits = bits;
    out.storageType = IntegerType::get(ctx, bits);
    out.elementType = symmetricType(out.storageType, out.scales, qmin, qmax);
    break;
  }
  case WeightKind::Ternary: {
    // TWN: delta = 0.7 * mean|w|, alpha = mean |w| over |w| > delta.
    for (const std::vector<int64_t> &idx : members) {
      double sum = 0;
      for (int64_t i : idx)
        sum += std::fabs(double(w[i]));
      double delta = idx.empty() ? 0 : 0.7 * sum / idx.size();
      double kept = 0;
      int64_t count = 0;
      for (int64_t i : idx)
        if (std::fabs(double(w[i])) > delta) {
          kept += std::fabs(double(w[i]));
          ++count;
        }
      double alpha = count ? kept / count : 1.0;
      out.scales.push_back(alpha);
      for (int64_t i : idx)
        q[i] = std::fabs(double(w[i])) > delta ? (w[i] < 0 ? -1 : 1) : 0;
    }
    out.bits = 2;
    out.storageType = IntegerType::get(ctx, 2);
    out.elementType = symmetricType(out.storageType, out.scales, -1, 1);
    break;
  }
  case WeightKind::Binary: {
    // XNOR-Net: alpha = mean|w|; bit 1 stores -1.
    for (const std::vector<int64_t> &idx : members) {
      double sum = 0;
      for (int64_t i : idx)
        sum += std::fabs(double(w[i]));
      double alpha = idx.empty() || sum == 0 ? 1.0 : sum / idx.size();
      out.scales.push_back(alpha);
      for (int64_t i : idx)
        q[i] = w[i] < 0 ? -1 : 1;
    }
    // Binary constants are written as -1 / +1 bytes (stored as bits).
    out.bits = 1;
    out.storageType = IntegerType::get(ctx, 8);
    out.elementType = BinaryType::get(cast<FloatType>(f32), out.scales,
                                      config.perChannel ? axis : -1);
    break;
  }
  }
  unsigned width = out.storageType.getIntOrFloatBitWidth();
  for (int64_t v : q)
    out.values.push_back(
        APInt(width, static_cast<uint64_t>(v), /*isSigned=*/true));
  return out;
}

/// The float values of a constant f32 tensor operand, or none.
std::optional<SmallVector<float>> constantFloats(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  return SmallVector<float>(attr.getValues<float>());
}

std::string layerName(Operation *op, int64_t index) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(op->getLoc()))
    for (Location l : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(l))
        return name.getName().str();
  return "#" + std::to_string(index);
}

double elementScale(Type element, int64_t channel) {
  if (auto t = dyn_cast<quant::UniformQuantizedType>(element))
    return t.getScale();
  if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(element))
    return t.getScales()[channel];
  if (auto t = dyn_cast<BinaryType>(element))
    return t.isPerTensor() ? t.getScale() : t.getScales()[channel];
  return 1.0;
}

} // namespace

FailureOr<SmallVector<int64_t>> mlir::lowbit::getInputSizes(ModuleOp module) {
  FailureOr<func::FuncOp> entry = getEntry(module);
  if (failed(entry))
    return failure();
  SmallVector<int64_t> sizes;
  for (BlockArgument arg : entry->getArguments())
    sizes.push_back(numElements(arg));
  return sizes;
}

LogicalResult mlir::lowbit::quantizeModule(ModuleOp module,
                                           ArrayRef<Sample> samples,
                                           const QuantizeOptions &options,
                                           QuantizeReport &report,
                                           const ProgressFn &progress) {
  std::vector<LayerInfo> &layers = report.layers;
  report.samples = samples.size();
  MLIRContext *ctx = module.getContext();
  FailureOr<func::FuncOp> entryOr = getEntry(module);
  if (failed(entryOr))
    return failure();
  func::FuncOp entry = *entryOr;
  if (samples.empty())
    return entry.emitError() << "no calibration samples";

  // Layers and their settings.
  SmallVector<Operation *> layerOps;
  for (Operation &op : entry.getBody().front())
    if (isa<MatmulOp, Conv2DOp>(op))
      layerOps.push_back(&op);
  if (layerOps.empty())
    return entry.emitError() << "the model has no matmul or conv2d to quantize";
  llvm::DenseMap<Operation *, LayerConfig> configOf;
  std::set<std::string> used;
  layers.clear();
  for (auto [i, op] : llvm::enumerate(layerOps)) {
    LayerConfig config = options.defaults;
    bool edge = i == 0 || i + 1 == layerOps.size();
    if (edge && !options.lowBitFirstLast) {
      config.weights = WeightKind::Int8;
      config.activationBits = std::max(config.activationBits, 8);
    }
    std::string name = layerName(op, i);
    for (const std::string &key : {name, "#" + std::to_string(i)})
      if (auto it = options.overrides.find(key);
          it != options.overrides.end()) {
        config = it->second;
        used.insert(key);
      }
    configOf[op] = config;
    LayerInfo info;
    info.name = name;
    info.op = op->getName().stripDialect().str();
    info.config = config;
    info.sqnr = NAN;
    layers.push_back(info);
  }
  for (const auto &[key, config] : options.overrides)
    if (!used.count(key))
      return entry.emitError()
             << "the layer configuration names '" << key
             << "', which is no layer of the model (layers are named by "
                "their location, e.g. the ONNX node name, or #N)";

  // Calibration.
  FailureOr<std::unique_ptr<ModelRunner>> runner = ModelRunner::create(
      module, entry, "float model (for calibration)", observedValues);
  if (failed(runner))
    return failure();
  SmallVector<Value> observed = observedValues(entry);
  std::vector<cal::TensorStats> stats(observed.size());
  bool needHistogram = false;
  for (const auto &[op, config] : configOf)
    needHistogram |= config.method != cal::Method::MinMax &&
                     config.method != cal::Method::MinMaxSymmetric;
  int64_t passes = needHistogram ? 2 : 1;
  std::vector<std::vector<float>> outputs;
  for (int64_t pass = 0; pass < passes; ++pass) {
    for (auto [s, sample] : llvm::enumerate(samples)) {
      if (sample.size() != (*runner)->inputSizes.size())
        return entry.emitError()
               << "calibration sample " << s << " has " << sample.size()
               << " inputs; the model takes " << (*runner)->inputSizes.size();
      if (failed((*runner)->run(sample, outputs)))
        return entry.emitError()
               << "the float model failed on calibration sample " << s;
      for (size_t v = 0; v < observed.size(); ++v) {
        const std::vector<float> &data = outputs[v];
        if (pass == 0) {
          if (!stats[v].observeRange(data.data(), data.size()))
            return observed[v].getLoc() == entry.getLoc()
                       ? entry.emitError() << "calibration sample " << s
                                           << " holds a NaN or an infinity"
                       : emitError(observed[v].getLoc())
                             << "this tensor is NaN or infinite on "
                                "calibration sample "
                             << s;
        } else {
          stats[v].observeHistogram(data.data(), data.size());
        }
      }
      if (progress)
        progress(pass * samples.size() + s + 1, passes * samples.size());
    }
  }
  llvm::DenseMap<Value, const cal::TensorStats *> statsOf;
  for (auto [v, s] : llvm::zip(observed, stats))
    statsOf[v] = &s;

  // The settings an activation is quantized with: those of the layer that
  // produces it, else of the first layer that reads it.
  // Binary activations are a layer's input: what it produces is int8.
  auto configFor = [&](Value v) -> LayerConfig {
    auto outputConfig = [](LayerConfig config) {
      if (config.activationBits == 1)
        config.activationBits = 8;
      return config;
    };
    if (Operation *def = v.getDefiningOp())
      if (auto it = configOf.find(def); it != configOf.end())
        return outputConfig(it->second);
    for (Operation *user : v.getUsers())
      if (auto it = configOf.find(user); it != configOf.end())
        return it->second.activationBits == 1 ? outputConfig(it->second)
                                              : it->second;
    return outputConfig(options.defaults);
  };

  // Layers are tagged (the fusion keeps the attribute) so that the
  // quantized model's layer outputs can be found again; their float
  // counterparts are observed values.
  constexpr llvm::StringLiteral kLayerAttr = "quantize_layer_index";
  SmallVector<int64_t> floatIndex;
  for (auto [i, op] : llvm::enumerate(layerOps)) {
    op->setAttr(kLayerAttr, IntegerAttr::get(IntegerType::get(ctx, 64), i));
    floatIndex.push_back(llvm::find(observed, op->getResult(0)) -
                         observed.begin());
  }

  llvm::DenseSet<Value> recorded;
  auto valueName = [&](Value v) -> std::string {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return "input " + std::to_string(arg.getArgNumber());
    Operation *def = v.getDefiningOp();
    std::string name = layerName(def, -1);
    return (name == "#-1" ? std::string() : name + " ") +
           def->getName().getStringRef().str();
  };

  // Rewrite into quantize/dequantize form.
  llvm::DenseMap<Value, Value> dequantized; // float value -> its QDQ copy
  auto qdq = [&](Value v, Type element) -> Value {
    auto it = dequantized.find(v);
    if (it != dequantized.end())
      return it->second;
    OpBuilder b(ctx);
    if (auto arg = dyn_cast<BlockArgument>(v))
      b.setInsertionPointToStart(arg.getOwner());
    else
      b.setInsertionPointAfter(v.getDefiningOp());
    auto type = cast<RankedTensorType>(v.getType());
    Value q = QuantizeOp::create(b, v.getLoc(), type.clone(element), v);
    Value d = DequantizeOp::create(b, v.getLoc(), type, q);
    // Every use but the function's results reads the quantized copy.
    v.replaceUsesWithIf(d, [&](OpOperand &use) {
      return use.getOwner() != q.getDefiningOp() &&
             !isa<func::ReturnOp>(use.getOwner());
    });
    dequantized[v] = d;
    dequantized[d] = d;
    return d;
  };
  auto quantizedElement = [](Value v) -> Type {
    auto dq = v.getDefiningOp<DequantizeOp>();
    return dq ? getElementTypeOrSelf(dq.getInput().getType()) : Type();
  };
  auto activation = [&](Value v) -> Type {
    // A tensor read only by max_pool2d shares the pool's quantized type;
    // the values that reach the next layer are the pool's, so they choose
    // it (a layer output before pooling has many more small values).
    while (v.hasOneUse() && isa<MaxPool2DOp>(*v.getUsers().begin()))
      v = v.getUsers().begin()->getResult(0);
    const cal::TensorStats *s = statsOf.lookup(v);
    assert(s && "every f32 tensor of the function is observed");
    LayerConfig config = configFor(v);
    Type type = activationType(ctx, *s, config, options.percentile);
    if (recorded.insert(v).second) {
      TensorInfo info;
      info.name = valueName(v);
      info.min = s->min();
      info.max = s->max();
      info.method = config.method;
      info.bits = config.activationBits;
      if (auto q = dyn_cast<quant::UniformQuantizedType>(type)) {
        info.lo = q.getScale() * (q.getStorageTypeMin() - q.getZeroPoint());
        info.hi = q.getScale() * (q.getStorageTypeMax() - q.getZeroPoint());
      } else {
        double scale = cast<BinaryType>(type).getScale();
        info.lo = -scale;
        info.hi = scale;
      }
      info.histogram = s->histogram();
      info.binWidth = s->binWidth();
      llvm::raw_string_ostream os(info.type);
      type.print(os);
      report.tensors.push_back(std::move(info));
    }
    return type;
  };
  // `v` read through quantize/dequantize (once per value). A reshape or
  // transpose of a quantized tensor keeps its type, so the quantize cancels
  // against the dequantize before it.
  auto quantizedRead = [&](Value v) -> Value {
    if (v.getDefiningOp<DequantizeOp>())
      return v;
    if (auto it = dequantized.find(v); it != dequantized.end())
      return it->second;
    Value source = v;
    while (Operation *def = source.getDefiningOp()) {
      if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
               linalg::TransposeOp>(def))
        break;
      source = def->getOperand(0);
    }
    if (source != v)
      if (Type element = quantizedElement(source);
          element && !isa<quant::UniformQuantizedPerAxisType>(element))
        return qdq(v, element);
    return qdq(v, activation(v));
  };

  SmallVector<Operation *> ops;
  for (Operation &op : entry.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    OpBuilder b(op);
    if (isa<MatmulOp, Conv2DOp>(op)) {
      const LayerConfig &config = configOf[op];
      Value x = op->getOperand(0), w = op->getOperand(1);
      Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
      Value xq = quantizedRead(x);
      if (config.activationBits == 1 &&
          !isa<BinaryType>(quantizedElement(xq))) {
        // sign(x) of the (possibly already quantized) input, at scale
        // mean|x| of the float input.
        LayerConfig binary = config;
        // The statistics are those of the float tensor behind any
        // quantize/dequantize pair already inserted.
        Value source = x;
        while (auto dq = source.getDefiningOp<DequantizeOp>()) {
          auto q = dq.getInput().getDefiningOp<QuantizeOp>();
          if (!q)
            break;
          source = q.getInput();
        }
        const cal::TensorStats *s = statsOf.lookup(source);
        if (!s)
          return op->emitError() << "no calibration statistics for this "
                                    "layer's input";
        auto type = cast<RankedTensorType>(x.getType());
        Value q = QuantizeOp::create(
            b, op->getLoc(),
            type.clone(activationType(ctx, *s, binary, options.percentile)),
            xq);
        xq = DequantizeOp::create(b, op->getLoc(), type, q);
      }
      op->setOperand(0, xq);
      std::optional<SmallVector<float>> wf = constantFloats(w);
      if (!wf)
        return op->emitError() << "the weights of this layer are not a "
                                  "constant; lowbit-quantize needs constant "
                                  "weights";
      auto wType = cast<RankedTensorType>(w.getType());
      int32_t axis = isa<Conv2DOp>(op) ? 0 : wType.getRank() - 1;
      QuantizedWeights qw =
          quantizeWeights(ctx, *wf, wType.getShape(), axis, config);
      auto storage = RankedTensorType::get(wType.getShape(), qw.storageType);
      Value wc = ConstantOp::create(
          b, op->getLoc(), wType.clone(qw.elementType),
          DenseElementsAttr::get(storage, ArrayRef<APInt>(qw.values)));
      op->setOperand(1, DequantizeOp::create(b, op->getLoc(), wType, wc));
      layers[llvm::find(layerOps, op) - layerOps.begin()].weightBytes =
          (wType.getNumElements() * qw.bits + 7) / 8;
      if (bias) {
        std::optional<SmallVector<float>> bf = constantFloats(bias);
        if (!bf)
          return op->emitError() << "the bias of this layer is not a "
                                    "constant; lowbit-quantize needs "
                                    "constant biases";
        Type xElement = quantizedElement(xq);
        double sx = elementScale(xElement, 0);
        int64_t channels = bf->size();
        SmallVector<double> scales;
        SmallVector<APInt> values;
        for (int64_t c = 0; c < channels; ++c) {
          double s =
              sx * elementScale(qw.elementType, qw.scales.size() > 1 ? c : 0);
          scales.push_back(s);
          double q = std::nearbyint((*bf)[c] / s);
          if (!(std::fabs(q) <= INT32_MAX))
            return op->emitError() << "bias " << (*bf)[c] << " of channel " << c
                                   << " does not fit in int32 at scale " << s;
          values.push_back(APInt(32, static_cast<uint64_t>(int64_t(q)),
                                 /*isSigned=*/true));
        }
        auto bType = cast<RankedTensorType>(bias.getType());
        Type f32 = Float32Type::get(ctx);
        // Per channel exactly when the weights are (the verifier wants
        // the bias scale to be s_x * s_w in the same form).
        Type bElement = qw.scales.size() > 1
                            ? Type(quant::UniformQuantizedPerAxisType::get(
                                  quant::QuantizationFlags::Signed,
                                  IntegerType::get(ctx, 32), f32, scales,
                                  SmallVector<int64_t>(channels, 0), 0,
                                  INT32_MIN, INT32_MAX))
                            : Type(quant::UniformQuantizedType::get(
                                  quant::QuantizationFlags::Signed,
                                  IntegerType::get(ctx, 32), f32,
                                  scales.front(), 0, INT32_MIN, INT32_MAX));
        Value bc = ConstantOp::create(
            b, op->getLoc(), bType.clone(bElement),
            DenseElementsAttr::get(
                RankedTensorType::get(bType.getShape(),
                                      IntegerType::get(ctx, 32)),
                ArrayRef<APInt>(values)));
        op->setOperand(2, DequantizeOp::create(b, op->getLoc(), bType, bc));
      }
    } else if (isa<AddOp, MulOp>(op)) {
      for (OpOperand &operand : op->getOpOperands())
        if (isFloatTensor(operand.get().getType()))
          operand.set(quantizedRead(operand.get()));
    } else if (auto pool = dyn_cast<MaxPool2DOp>(op)) {
      // Max commutes with quantization: the result keeps the input's type.
      if (Type element = quantizedElement(pool.getInput()))
        qdq(pool.getResult(), element);
      continue;
    } else {
      continue;
    }
    // The result of a layer, add or mul is quantized unless only the
    // function returns it: a last layer keeps a float output.
    Value result = op->getResult(0);
    bool onlyReturned = llvm::all_of(result.getUsers(), [](Operation *user) {
      return isa<func::ReturnOp>(user);
    });
    if (!onlyReturned)
      qdq(result, activation(result));
  }

  module->setAttr(kRequantModeAttrName,
                  RequantModeAttr::get(ctx, options.requantMode == "float"
                                                ? RequantMode::Float
                                                : RequantMode::FixedPoint));
  PassManager pm(ctx);
  pm.addPass(createLowBitFuseQDQ());
  pm.addPass(createCanonicalizerPass());
  if (failed(pm.run(module)))
    return failure();
  // Every layer must now compute on integers.
  for (Operation &op : entry.getBody().front())
    if (isa<MatmulOp, Conv2DOp>(op) &&
        llvm::any_of(op.getOperandTypes(),
                     [](Type t) { return getElementTypeOrSelf(t).isF32(); }))
      return op.emitError() << "this layer could not be quantized (its "
                               "quantized form does not verify, e.g. the "
                               "int32 accumulator could overflow)";

  // The result must compile (e.g. an int32 accumulator that could
  // overflow is only found by the lowering): lower a copy.
  {
    OwningOpRef<ModuleOp> copy = module.clone();
    PassManager lower(ctx);
    LowBitToLLVMOptions lowering;
    lowering.cABI = true;
    lowering.dotKernels = "none";
    lowering.popcountKernels = "none";
    buildLowBitToLLVMPipeline(lower, lowering);
    // Only the first error says why (the rest is the conversion failing).
    std::optional<std::pair<Location, std::string>> first;
    LogicalResult lowered = success();
    {
      ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error && !first)
          first.emplace(diag.getLocation(), diag.str());
        return success();
      });
      lowered = lower.run(*copy);
    }
    if (failed(lowered)) {
      InFlightDiagnostic diag =
          first ? emitError(first->first)
                      << "the quantized layer does not compile: "
                      << first->second
                : entry.emitError() << "the quantized model does not compile";
      diag.attachNote() << "choose narrower activations or weights for this "
                           "layer (--config)";
      return diag;
    }
  }
  if (options.measureSqnr) {
    FailureOr<std::unique_ptr<ModelRunner>> quantized = ModelRunner::create(
        module, entry, "quantized model (for the report)",
        [&](func::FuncOp func) {
          SmallVector<Value> outputs(layerOps.size());
          func.walk([&](Operation *op) {
            auto tag = op->getAttrOfType<IntegerAttr>(kLayerAttr);
            if (!tag)
              return;
            Value r = op->getResult(0);
            if (!getElementTypeOrSelf(r.getType()).isF32()) {
              OpBuilder b(op->getContext());
              b.setInsertionPointAfter(op);
              r = DequantizeOp::create(
                  b, op->getLoc(),
                  cast<RankedTensorType>(r.getType())
                      .clone(Float32Type::get(op->getContext())),
                  r);
            }
            outputs[tag.getInt()] = r;
          });
          return outputs;
        });
    if (failed(quantized))
      return failure();
    std::vector<double> signal(layerOps.size()), noise(layerOps.size());
    std::vector<std::vector<float>> floats, quants;
    for (auto [s, sample] : llvm::enumerate(samples)) {
      if (failed((*runner)->run(sample, floats)) ||
          failed((*quantized)->run(sample, quants)))
        return entry.emitError()
               << "the model failed on calibration sample " << s
               << " while measuring the quantization error";
      for (size_t l = 0; l < layerOps.size(); ++l) {
        const std::vector<float> &f = floats[floatIndex[l]], &q = quants[l];
        for (size_t i = 0; i < f.size(); ++i) {
          signal[l] += double(f[i]) * f[i];
          noise[l] += (double(q[i]) - f[i]) * (double(q[i]) - f[i]);
        }
      }
    }
    for (size_t l = 0; l < layerOps.size(); ++l)
      layers[l].sqnr =
          noise[l] == 0 ? INFINITY : 10 * std::log10(signal[l] / noise[l]);
  }
  entry.walk([&](Operation *op) { op->removeAttr(kLayerAttr); });
  return success();
}

//===----------------------------------------------------------------------===//
// Dynamic quantization
//===----------------------------------------------------------------------===//

namespace {

/// A linalg.generic over `shape` with identity maps for `inputs` of that
/// shape and `scalars` (0-d tensors) broadcast, producing `resultElement`.
Value elementwise(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  ValueRange inputs, ValueRange scalars, Type resultElement,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = shape.size();
  SmallVector<AffineMap> maps;
  SmallVector<Value> operands;
  for (Value v : inputs) {
    operands.push_back(v);
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() == static_cast<int64_t>(rank))
      maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
    else // a per-channel vector along the last dimension
      maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)));
  }
  for (Value v : scalars) {
    operands.push_back(v);
    maps.push_back(AffineMap::get(rank, 0, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value init = tensor::EmptyOp::create(b, loc, shape, resultElement);
  return linalg::GenericOp::create(
             b, loc, init.getType(), operands, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

/// min(0, min(x)) or max(0, max(x)) over every element, as a 0-d tensor.
Value reduceAll(OpBuilder &b, Location loc, Value x, bool isMax) {
  MLIRContext *ctx = b.getContext();
  auto t = cast<RankedTensorType>(x.getType());
  unsigned rank = t.getRank();
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value init =
      linalg::FillOp::create(b, loc, zero,
                             ValueRange{tensor::EmptyOp::create(
                                 b, loc, ArrayRef<int64_t>{}, b.getF32Type())})
          .getResult(0);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x}, ValueRange{init},
             ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, ctx)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::reduction),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value r = isMax ? Value(arith::MaximumFOp::create(nb, l, args[0],
                                                                 args[1]))
                               : Value(arith::MinimumFOp::create(nb, l, args[0],
                                                                 args[1]));
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

LogicalResult dynamicMatmul(MatmulOp op, LayerInfo &info) {
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  auto xType = dyn_cast<RankedTensorType>(op.getLhs().getType());
  auto wType = dyn_cast<RankedTensorType>(op.getRhs().getType());
  auto yType = dyn_cast<RankedTensorType>(op.getResult().getType());
  if (!xType || !wType || !yType || xType.getRank() != 2 ||
      wType.getRank() != 2)
    return op.emitError() << "dynamic quantization takes matmuls of a "
                             "[M, K] input and [K, N] weights";
  if (op.getActivation() != Activation::none &&
      op.getActivation() != Activation::relu)
    return op.emitError() << "dynamic quantization takes matmuls with no "
                             "fused activation or relu";
  std::optional<SmallVector<float>> wf = constantFloats(op.getRhs());
  if (!wf)
    return op.emitError() << "the weights of this layer are not a constant; "
                             "lowbit-quantize needs constant weights";
  std::optional<SmallVector<float>> bf;
  if (op.getBias()) {
    bf = constantFloats(op.getBias());
    if (!bf)
      return op.emitError() << "the bias of this layer is not a constant";
  }
  int64_t m = xType.getDimSize(0), k = xType.getDimSize(1),
          n = wType.getDimSize(1);
  LayerConfig config;
  QuantizedWeights qw =
      quantizeWeights(ctx, *wf, wType.getShape(), /*axis=*/1, config);
  // Column sums of the stored weights: sum_k (xq - zp) w = sum_k xq w - zp
  // * colsum (the int8 kernels take the first form).
  SmallVector<int32_t> colsum(n, 0);
  for (int64_t i = 0; i < k * n; ++i)
    colsum[i % n] += static_cast<int32_t>(qw.values[i].getSExtValue());
  SmallVector<float> wScale;
  for (double s : qw.scales)
    wScale.push_back(static_cast<float>(s));
  info.weightBytes = k * n;

  OpBuilder b(op);
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i8 = b.getI8Type();
  auto f32c = [&](OpBuilder &nb, Location l, float v) -> Value {
    return arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(v));
  };
  // DynamicQuantizeLinear: scale = (max(0, max x) - min(0, min x)) / 255,
  // zero point = saturate(round(0 - min / scale)); all-zero input: scale
  // 1, zero point 0.
  Value lo = reduceAll(b, loc, op.getLhs(), false);
  Value hi = reduceAll(b, loc, op.getLhs(), true);
  Value scale = elementwise(
      b, loc, {}, {}, {lo, hi}, f32,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value range = arith::SubFOp::create(nb, l, a[1], a[0]);
        Value s = arith::DivFOp::create(nb, l, range, f32c(nb, l, 255.0f));
        Value isZero = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                             s, f32c(nb, l, 0.0f));
        return arith::SelectOp::create(nb, l, isZero, f32c(nb, l, 1.0f), s);
      });
  Value zp = elementwise(
      b, loc, {}, {}, {lo, scale}, f32,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value z = arith::SubFOp::create(
            nb, l, f32c(nb, l, 0.0f), arith::DivFOp::create(nb, l, a[0], a[1]));
        z = math::RoundEvenOp::create(nb, l, z);
        z = arith::MaximumFOp::create(nb, l, z, f32c(nb, l, 0.0f));
        return arith::MinimumFOp::create(nb, l, z, f32c(nb, l, 255.0f));
      });
  // xq = saturate(round(x / scale) + zp), uint8 in i8 storage.
  Value xq = elementwise(
      b, loc, xType.getShape(), {op.getLhs()}, {scale, zp}, i8,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value q = math::RoundEvenOp::create(
            nb, l, arith::DivFOp::create(nb, l, a[0], a[1]));
        q = arith::AddFOp::create(nb, l, q, a[2]);
        q = arith::MaximumFOp::create(nb, l, q, f32c(nb, l, 0.0f));
        q = arith::MinimumFOp::create(nb, l, q, f32c(nb, l, 255.0f));
        return arith::FPToUIOp::create(nb, l, i8, q);
      });
  // acc = sum_k xq * w on integers (the form the int8 kernels take).
  auto wStorage = RankedTensorType::get(wType.getShape(), i8);
  Value w = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(wStorage, ArrayRef<APInt>(qw.values)));
  Value zeroI = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value accInit =
      linalg::FillOp::create(b, loc, zeroI,
                             ValueRange{tensor::EmptyOp::create(
                                 b, loc, ArrayRef<int64_t>{m, n}, i32)})
          .getResult(0);
  AffineExpr dm = getAffineDimExpr(0, ctx), dn = getAffineDimExpr(1, ctx),
             dk = getAffineDimExpr(2, ctx);
  Value acc =
      linalg::GenericOp::create(
          b, loc, accInit.getType(), ValueRange{xq, w}, ValueRange{accInit},
          ArrayRef<AffineMap>{AffineMap::get(3, 0, {dm, dk}, ctx),
                              AffineMap::get(3, 0, {dk, dn}, ctx),
                              AffineMap::get(3, 0, {dm, dn}, ctx)},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                        utils::IteratorType::parallel,
                                        utils::IteratorType::reduction},
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value xa = arith::ExtUIOp::create(nb, l, i32, a[0]);
            Value wa = arith::ExtSIOp::create(nb, l, i32, a[1]);
            Value p = arith::MulIOp::create(nb, l, xa, wa);
            linalg::YieldOp::create(
                nb, l, Value(arith::AddIOp::create(nb, l, a[2], p)));
          })
          .getResult(0);
  // y = float(acc - zp * colsum) * (scale * wscale[n]) (+ bias[n]) (relu).
  auto vecI = [&](ArrayRef<int32_t> v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({n}, i32), v));
  };
  auto vecF = [&](ArrayRef<float> v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({n}, f32), v));
  };
  SmallVector<Value> perChannel = {acc, vecI(colsum), vecF(wScale)};
  if (bf)
    perChannel.push_back(vecF(*bf));
  bool relu = op.getActivation() == Activation::relu;
  bool hasBias = bf.has_value();
  Value y = elementwise(
      b, loc, yType.getShape(), perChannel, {scale, zp}, f32,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        unsigned s = hasBias ? 4 : 3;
        Value zpI = arith::FPToSIOp::create(nb, l, i32, a[s + 1]);
        Value centered = arith::SubIOp::create(
            nb, l, a[0], arith::MulIOp::create(nb, l, zpI, a[1]));
        Value multiplier = arith::MulFOp::create(nb, l, a[s], a[2]);
        Value r = arith::MulFOp::create(
            nb, l, arith::SIToFPOp::create(nb, l, f32, centered), multiplier);
        if (hasBias)
          r = arith::AddFOp::create(nb, l, r, a[3]);
        if (relu)
          r = arith::MaximumFOp::create(nb, l, r, f32c(nb, l, 0.0f));
        return r;
      });
  op.getResult().replaceAllUsesWith(y);
  op.erase();
  return success();
}

} // namespace

LogicalResult mlir::lowbit::dynamicQuantizeModule(ModuleOp module,
                                                  QuantizeReport &report) {
  FailureOr<func::FuncOp> entry = getEntry(module);
  if (failed(entry))
    return failure();
  SmallVector<MatmulOp> matmuls;
  for (Operation &op : entry->getBody().front())
    if (auto mm = dyn_cast<MatmulOp>(op))
      matmuls.push_back(mm);
  if (matmuls.empty())
    return entry->emitError() << "dynamic quantization found no matmul";
  for (auto [i, mm] : llvm::enumerate(matmuls)) {
    LayerInfo info;
    info.name = layerName(mm, i);
    info.op = "matmul";
    info.sqnr = NAN;
    if (failed(dynamicMatmul(mm, info)))
      return failure();
    report.layers.push_back(info);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Half precision
//===----------------------------------------------------------------------===//

LogicalResult mlir::lowbit::float16Module(ModuleOp module,
                                          QuantizeReport &report) {
  FailureOr<func::FuncOp> entry = getEntry(module);
  if (failed(entry))
    return failure();
  SmallVector<Operation *> layerOps;
  for (Operation &op : entry->getBody().front())
    if (isa<MatmulOp, Conv2DOp>(op))
      layerOps.push_back(&op);
  if (layerOps.empty())
    return entry->emitError() << "the model has no matmul or conv2d";
  MLIRContext *ctx = module.getContext();
  Type f16 = Float16Type::get(ctx);
  for (auto [i, op] : llvm::enumerate(layerOps)) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    LayerInfo info;
    info.name = layerName(op, i);
    info.op = op->getName().stripDialect().str();
    info.sqnr = NAN;
    for (OpOperand &operand : op->getOpOperands()) {
      auto type = cast<RankedTensorType>(operand.get().getType());
      if (!type.getElementType().isF32())
        return op->emitError() << "half precision takes f32 layers";
      auto half = type.clone(f16);
      if (std::optional<SmallVector<float>> values =
              constantFloats(operand.get())) {
        // Constants are rounded here (to nearest even).
        SmallVector<APFloat> rounded;
        for (float v : *values) {
          APFloat h(v);
          bool lost;
          h.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &lost);
          rounded.push_back(h);
        }
        operand.set(arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(half, rounded)));
        if (operand.getOperandNumber() == 1)
          info.weightBytes = 2 * type.getNumElements();
      } else {
        operand.set(QuantizeOp::create(b, loc, half, operand.get()));
      }
    }
    Value result = op->getResult(0);
    auto type = cast<RankedTensorType>(result.getType());
    result.setType(type.clone(f16));
    b.setInsertionPointAfter(op);
    auto wide = DequantizeOp::create(b, loc, type, result);
    result.replaceAllUsesExcept(wide, wide);
    report.layers.push_back(info);
  }
  return success();
}
