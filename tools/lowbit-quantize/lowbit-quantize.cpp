//===- lowbit-quantize.cpp - post-training quantization driver ------------===//
//
// Part of the lowbit project.
//
// lowbit-quantize model.onnx|model.mlir --calibration=DATA -o quantized.mlir
//
// Runs the float model on the calibration samples, chooses the scale and
// zero point of every activation (minmax, percentile, entropy or mse) and
// weight (per channel, int8 / int4 / int2 / ternary / binary), and writes
// a quantized lowbit module that lowbit-compile takes as is.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Import/ONNX.h"
#include "lowbit/Quantize/Quantize.h"
#include "lowbit/Support/ToolSupport.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace llvm;
namespace cal = ::lowbit::calibration;

static cl::OptionCategory category("lowbit-quantize options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o",
                                       cl::desc("output file ('-' for "
                                                "stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::list<std::string> calibrationData(
    "calibration",
    cl::desc("calibration data: .npy files (float32 or float64, any shape "
             "whose size is a multiple of the model input's), directories "
             "of them, or raw little-endian float32 files; comma-separated "
             "or repeated"),
    cl::value_desc("path"), cl::CommaSeparated, cl::cat(category));
static cl::opt<unsigned, false, mlir::lowbit::DiagnosticParser<unsigned>>
    maxSamples("max-samples",
               cl::desc("use at most this many calibration samples (0: all)"),
               cl::init(0), cl::cat(category));
static cl::opt<std::string>
    method("method",
           cl::desc("activation calibration: minmax (asymmetric, default), "
                    "minmax-symmetric, percentile, entropy or mse"),
           cl::init("minmax"), cl::cat(category));
static cl::opt<double, false, mlir::lowbit::DiagnosticParser<double>>
    percentile(
        "percentile",
        cl::desc("the percentile of |x| kept by --method=percentile (default "
                 "99.99)"),
        cl::init(99.99), cl::cat(category));
static cl::opt<std::string>
    weights("weights",
            cl::desc("weights of the layers: int8 (default), int4, int2, "
                     "ternary (TWN) or binary (XNOR-Net scales)"),
            cl::init("int8"), cl::cat(category));
static cl::opt<std::string>
    activations("activations",
                cl::desc("activations: int8 (default), int16, or binary (a "
                         "layer's input as sign(x) at scale mean|x|; the "
                         "first and last layers keep int8 unless "
                         "--quantize-first-last)"),
                cl::init("int8"), cl::cat(category));
static cl::opt<bool> perTensorWeights(
    "per-tensor-weights",
    cl::desc("one weight scale per tensor instead of one per output channel"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> lowBitFirstLast(
    "quantize-first-last",
    cl::desc("give the first and last layers the --weights width too (they "
             "keep int8 weights by default)"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> configFile(
    "config",
    cl::desc("per-layer settings: lines 'LAYER key=value...' with LAYER a "
             "layer name or #N and keys weights, activations, method"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    requantMode("requant-mode",
                cl::desc("requantization of the compiled model: fixed "
                         "(integer only, TFLite; default) or float (ONNX, "
                         "PyTorch)"),
                cl::init("fixed"), cl::cat(category));
static cl::opt<bool> report(
    "report",
    cl::desc("print a table of the layers: widths, calibration method, "
             "weight bytes and the SQNR of their outputs against the float "
             "model on the calibration set"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> reportFile(
    "report-file",
    cl::desc("also write that table as JSON (.json) or CSV (any other name)"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> statsFile(
    "stats-file",
    cl::desc("write every calibrated activation as JSON: range, method, "
             "histogram of |x|, chosen interval and type"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<bool> dynamic(
    "dynamic",
    cl::desc("dynamic quantization: int8 weights for every matmul, its input "
             "quantized at run time from each call's own min and max (ONNX "
             "DynamicQuantizeLinear); needs no calibration data"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> float16(
    "float16",
    cl::desc("half precision instead of integers: every matmul and conv2d "
             "computes on f16; needs no calibration data"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> quiet("quiet", cl::desc("no progress indicator"),
                           cl::init(false), cl::cat(category));

static int fail(const Twine &message) {
  WithColor::error(errs(), "lowbit-quantize") << message << "\n";
  return 1;
}

namespace {

/// Reads a .npy file as floats; `error` on anything else.
bool readNpy(StringRef path, StringRef data, std::vector<float> &out,
             std::string &error) {
  auto bad = [&](const Twine &why) {
    error = ("'" + path + "': " + why).str();
    return false;
  };
  if (data.size() < 10 || !data.starts_with("\x93NUMPY"))
    return bad("not a .npy file");
  unsigned major = static_cast<unsigned char>(data[6]);
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(data[8]) |
                (static_cast<unsigned char>(data[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (data.size() < 12)
      return bad("truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(static_cast<unsigned char>(data[8 + i])) << (8 * i);
    offset = 12;
  } else {
    return bad("unsupported .npy version " + Twine(major));
  }
  if (data.size() < offset + headerLen)
    return bad("truncated .npy header");
  StringRef header = data.substr(offset, headerLen);
  auto field = [&](StringRef key) -> StringRef {
    size_t at = header.find(("'" + key + "'").str());
    if (at == StringRef::npos)
      return {};
    StringRef rest = header.substr(at + key.size() + 2).ltrim(" :");
    return rest;
  };
  StringRef descr = field("descr");
  size_t elementBytes;
  bool isDouble;
  if (descr.starts_with("'<f4'")) {
    elementBytes = 4;
    isDouble = false;
  } else if (descr.starts_with("'<f8'")) {
    elementBytes = 8;
    isDouble = true;
  } else {
    return bad("element type " + descr.take_until([](char c) {
      return c == ',';
    }) + " is not float32 or float64 (little-endian)");
  }
  if (field("fortran_order").starts_with("True"))
    return bad("Fortran-ordered arrays are not supported");
  StringRef shape = field("shape");
  if (!shape.consume_front("("))
    return bad("malformed shape in the .npy header");
  shape = shape.take_until([](char c) { return c == ')'; });
  uint64_t count = 1;
  SmallVector<StringRef> dims;
  shape.split(dims, ',', -1, false);
  for (StringRef d : dims) {
    d = d.trim();
    if (d.empty())
      continue;
    uint64_t n;
    if (d.getAsInteger(10, n))
      return bad("malformed shape in the .npy header");
    count *= n;
  }
  StringRef payload = data.substr(offset + headerLen);
  if (payload.size() != count * elementBytes)
    return bad("holds " + Twine(payload.size()) +
               " data bytes; its shape needs " + Twine(count * elementBytes));
  out.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (isDouble) {
      double v;
      std::memcpy(&v, payload.data() + 8 * i, 8);
      out[i] = static_cast<float>(v);
    } else {
      std::memcpy(&out[i], payload.data() + 4 * i, 4);
    }
  }
  return true;
}

/// Reads every calibration file into samples of `inputSize` floats.
bool readCalibration(int64_t inputSize,
                     std::vector<mlir::lowbit::Sample> &samples,
                     std::string &error) {
  std::vector<std::string> files;
  for (const std::string &path : calibrationData) {
    if (sys::fs::is_directory(path)) {
      std::error_code ec;
      std::vector<std::string> inDir;
      for (sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
           it.increment(ec))
        if (StringRef(it->path()).ends_with(".npy"))
          inDir.push_back(it->path());
      if (ec) {
        error = "cannot read the directory '" + path + "': " + ec.message();
        return false;
      }
      if (inDir.empty()) {
        error = "the directory '" + path + "' holds no .npy file";
        return false;
      }
      llvm::sort(inDir);
      files.insert(files.end(), inDir.begin(), inDir.end());
    } else {
      files.push_back(path);
    }
  }
  for (const std::string &path : files) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
        MemoryBuffer::getFile(path, /*IsText=*/false);
    if (!buffer) {
      error = "cannot open the calibration file '" + path +
              "': " + buffer.getError().message();
      return false;
    }
    StringRef data = (*buffer)->getBuffer();
    std::vector<float> values;
    if (StringRef(path).ends_with(".npy")) {
      if (!readNpy(path, data, values, error))
        return false;
    } else {
      if (data.size() % 4) {
        error = "the raw calibration file '" + path + "' holds " +
                std::to_string(data.size()) +
                " bytes, not a whole number of float32 values";
        return false;
      }
      values.resize(data.size() / 4);
      std::memcpy(values.data(), data.data(), data.size());
    }
    if (values.empty() || values.size() % inputSize) {
      error = "the calibration file '" + path + "' holds " +
              std::to_string(values.size()) +
              " values, not a multiple of the model input's " +
              std::to_string(inputSize);
      return false;
    }
    for (size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i])) {
        error = "the calibration file '" + path +
                "' holds a NaN or an "
                "infinity (value " +
                std::to_string(i) + ")";
        return false;
      }
    for (size_t at = 0; at < values.size(); at += inputSize) {
      if (maxSamples && samples.size() >= maxSamples)
        return true;
      samples.push_back({std::vector<float>(values.begin() + at,
                                            values.begin() + at + inputSize)});
    }
  }
  return true;
}

std::optional<int> parseActivations(StringRef name) {
  return llvm::StringSwitch<std::optional<int>>(name)
      .Case("int8", 8)
      .Case("int16", 16)
      .Case("binary", 1)
      .Default(std::nullopt);
}

const char *activationsName(int bits) {
  return bits == 1 ? "binary" : bits == 16 ? "int16" : "int8";
}

bool parseLayerConfig(StringRef text, const mlir::lowbit::LayerConfig &base,
                      mlir::lowbit::LayerConfig &config, std::string &error) {
  config = base;
  SmallVector<StringRef> fields;
  text.split(fields, ' ', -1, false);
  for (StringRef f : fields) {
    auto [key, value] = f.split('=');
    if (key == "weights") {
      auto kind = mlir::lowbit::parseWeightKind(value);
      if (!kind) {
        error = "unknown weights '" + value.str() +
                "'; expected int8, int4, int2, ternary or binary";
        return false;
      }
      config.weights = *kind;
    } else if (key == "activations") {
      std::optional<int> bits = parseActivations(value);
      if (!bits) {
        error = "unknown activations '" + value.str() +
                "'; expected int8, int16 or binary";
        return false;
      }
      config.activationBits = *bits;
    } else if (key == "method") {
      auto m = cal::parseMethod(value.str());
      if (!m) {
        error = "unknown method '" + value.str() +
                "'; expected minmax, minmax-symmetric, percentile, entropy "
                "or mse";
        return false;
      }
      config.method = *m;
    } else {
      error = "unknown key '" + key.str() +
              "'; expected weights=, activations= or method=";
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::lowbit::setToolName("lowbit-quantize");
  cl::HideUnrelatedOptions(category);
  if (!mlir::lowbit::parseCommandLine(
          argc, argv,
          "lowbit-quantize: post-training quantization of a float model\n"))
    return 1;

  mlir::lowbit::QuantizeOptions options;
  auto kind = mlir::lowbit::parseWeightKind(weights);
  if (!kind)
    return fail("unknown --weights '" + weights +
                "'; expected int8, int4, int2, ternary or binary");
  options.defaults.weights = *kind;
  std::optional<int> activationBits = parseActivations(activations);
  if (!activationBits)
    return fail("unknown --activations '" + activations +
                "'; expected int8, int16 or binary");
  options.defaults.activationBits = *activationBits;
  auto m = cal::parseMethod(method);
  if (!m)
    return fail("unknown --method '" + method +
                "'; expected minmax, minmax-symmetric, percentile, entropy or "
                "mse");
  options.defaults.method = *m;
  options.defaults.perChannel = !perTensorWeights;
  options.lowBitFirstLast = lowBitFirstLast;
  if (!(percentile > 0 && percentile <= 100))
    return fail("--percentile must be in (0, 100], got " +
                std::to_string(static_cast<double>(percentile)));
  options.percentile = percentile;
  if (requantMode != "fixed" && requantMode != "float")
    return fail("unknown --requant-mode '" + requantMode +
                "'; expected fixed or float");
  options.requantMode = requantMode;
  if (dynamic && float16)
    return fail("--dynamic and --float16 exclude each other");
  bool needsData = !dynamic && !float16;
  if (calibrationData.empty() && needsData)
    return fail("no calibration data; give --calibration=FILE.npy or a "
                "directory of .npy files");
  if (!needsData && !calibrationData.empty())
    return fail(std::string(dynamic ? "--dynamic" : "--float16") +
                " needs no --calibration data");
  if (outputFile != "-" && mlir::lowbit::isSameFile(inputFile, outputFile))
    return fail("the output '" + outputFile +
                "' is the input model; choose "
                "another -o");

  if (!configFile.empty()) {
    std::string error;
    auto buffer = openInputFile(configFile, &error);
    if (!buffer)
      return fail(error);
    SmallVector<StringRef> lines;
    buffer->getBuffer().split(lines, '\n');
    for (auto [n, line] : llvm::enumerate(lines)) {
      // '#' starts a comment unless a digit follows (#N names a layer).
      for (size_t at = line.find('#'); at != StringRef::npos;
           at = line.find('#', at + 1))
        if (at + 1 >= line.size() || !isDigit(line[at + 1])) {
          line = line.take_front(at);
          break;
        }
      line = line.trim();
      if (line.empty())
        continue;
      auto [layer, rest] = line.split(' ');
      mlir::lowbit::LayerConfig config;
      if (!parseLayerConfig(rest.trim(), options.defaults, config, error))
        return fail(configFile + ":" + Twine(n + 1) + ": " + error);
      options.overrides[layer.str()] = config;
    }
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registry.insert<mlir::lowbit::LowBitDialect>();
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  context.loadAllAvailableDialects();

  std::string error;
  std::unique_ptr<MemoryBuffer> buffer = openInputFile(inputFile, &error);
  if (!buffer)
    return fail(error);
  bool isONNX = mlir::lowbit::isONNXFile(inputFile);
  SourceMgr sourceMgr;
  MemoryBufferRef bufferRef = buffer->getMemBufferRef();
  sourceMgr.AddNewSourceBuffer(std::move(buffer), SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::lowbit::ONNXDiagnosticHandler onnxDiagnostics(&context);
  if (!isONNX && failed(mlir::lowbit::checkIRText(bufferRef.getBuffer(),
                                                  inputFile, error)))
    return fail(error);
  OwningOpRef<ModuleOp> module;
  mlir::lowbit::setToolStage(isONNX ? "importing" : "parsing");
  if (!mlir::lowbit::runCrashGuarded("lowbit-quantize", inputFile, [&] {
        module =
            isONNX ? mlir::lowbit::importONNX(bufferRef, inputFile, &context,
                                              mlir::lowbit::ONNXImportOptions())
                   : parseSourceFile<ModuleOp>(sourceMgr, &context);
      }))
    std::_Exit(1);
  if (!module)
    return 1;

  FailureOr<SmallVector<int64_t>> inputSizes =
      mlir::lowbit::getInputSizes(*module);
  if (failed(inputSizes))
    return 1;
  std::vector<mlir::lowbit::Sample> samples;
  if (needsData) {
    if (inputSizes->size() != 1)
      return fail("lowbit-quantize calibrates models with one input; '" +
                  inputFile + "' has " + Twine(inputSizes->size()));
    if (!readCalibration(inputSizes->front(), samples, error))
      return fail(error);
  }

  // Progress on a terminal, for runs longer than a second.
  bool showProgress = !quiet && sys::Process::StandardErrIsDisplayed();
  auto start = std::chrono::steady_clock::now();
  bool shown = false;
  mlir::lowbit::ProgressFn progress = [&](int64_t done, int64_t total) {
    if (!showProgress)
      return;
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (elapsed < 1.0 && !shown)
      return;
    shown = true;
    errs() << "\rcalibrating: " << done << "/" << total << " sample runs";
    if (done == total)
      errs() << "\n";
  };

  options.measureSqnr = report || !reportFile.empty();
  for (const std::string &path :
       {std::string(reportFile), std::string(statsFile)})
    if (!path.empty() && mlir::lowbit::isSameFile(inputFile, path))
      return fail("the report '" + path + "' is the input model");
  mlir::lowbit::QuantizeReport result;
  bool ok = false;
  mlir::lowbit::setToolStage("quantizing");
  if (!mlir::lowbit::runCrashGuarded("lowbit-quantize", inputFile, [&] {
        if (dynamic)
          ok = succeeded(mlir::lowbit::dynamicQuantizeModule(*module, result));
        else if (float16)
          ok = succeeded(mlir::lowbit::float16Module(*module, result));
        else
          ok = succeeded(mlir::lowbit::quantizeModule(*module, samples, options,
                                                      result, progress));
      }))
    std::_Exit(1);
  if (!ok)
    return 1;

  const std::vector<mlir::lowbit::LayerInfo> &layers = result.layers;
  auto widths = [](const mlir::lowbit::LayerInfo &layer) {
    return std::make_pair(
        std::string(mlir::lowbit::weightKindName(layer.config.weights)),
        std::string(activationsName(layer.config.activationBits)));
  };
  if (report) {
    if (dynamic)
      outs() << "layers (dynamic: inputs quantized at run time):\n";
    else
      outs() << "layers (SQNR of each output against the float model on "
             << result.samples << " calibration samples):\n";
    outs() << format("  %-3s %-20s %-7s %-8s %-11s %-17s %9s %9s\n", "#",
                     "layer", "op", "weights", "activations", "method",
                     "weight B", "SQNR dB");
    for (auto [i, layer] : llvm::enumerate(layers)) {
      auto [w, a] = widths(layer);
      outs() << format("  %-3d %-20s %-7s %-8s %-11s %-17s %9lld %9.2f\n",
                       int(i), layer.name.c_str(), layer.op.c_str(), w.c_str(),
                       dynamic ? "uint8" : a.c_str(),
                       dynamic ? "run time"
                               : cal::methodName(layer.config.method),
                       static_cast<long long>(layer.weightBytes), layer.sqnr);
    }
  }
  std::string reportText, statsText;
  if (!reportFile.empty()) {
    raw_string_ostream os(reportText);
    if (StringRef(reportFile).ends_with(".json")) {
      json::Array rows;
      for (const mlir::lowbit::LayerInfo &layer : layers) {
        auto [w, a] = widths(layer);
        rows.push_back(json::Object{
            {"layer", layer.name},
            {"op", layer.op},
            {"weights", w},
            {"activations", a},
            {"method", cal::methodName(layer.config.method)},
            {"weight_bytes", layer.weightBytes},
            {"sqnr_db", std::isfinite(layer.sqnr) ? json::Value(layer.sqnr)
                                                  : json::Value(nullptr)}});
      }
      os << formatv("{0:2}", json::Value(json::Object{
                                 {"calibration_samples", result.samples},
                                 {"layers", std::move(rows)}}))
         << "\n";
    } else {
      os << "layer,op,weights,activations,method,weight_bytes,sqnr_db\n";
      for (const mlir::lowbit::LayerInfo &layer : layers) {
        auto [w, a] = widths(layer);
        os << layer.name << "," << layer.op << "," << w << "," << a << ","
           << cal::methodName(layer.config.method) << "," << layer.weightBytes
           << "," << format("%.4f", layer.sqnr) << "\n";
      }
    }
  }
  if (!statsFile.empty()) {
    json::Array tensors;
    for (const mlir::lowbit::TensorInfo &t : result.tensors) {
      json::Array histogram;
      for (uint64_t c : t.histogram)
        histogram.push_back(static_cast<int64_t>(c));
      tensors.push_back(json::Object{{"tensor", t.name},
                                     {"min", t.min},
                                     {"max", t.max},
                                     {"method", cal::methodName(t.method)},
                                     {"bits", t.bits},
                                     {"lo", t.lo},
                                     {"hi", t.hi},
                                     {"type", t.type},
                                     {"bin_width", t.binWidth},
                                     {"histogram", std::move(histogram)}});
    }
    raw_string_ostream os(statsText);
    os << json::Value(json::Object{{"calibration_samples", result.samples},
                                   {"tensors", std::move(tensors)}})
       << "\n";
  }

  std::string text;
  raw_string_ostream os(text);
  module->print(os);
  // The model, then the reports: every file is complete or absent.
  if (failed(mlir::lowbit::writeOutputFile(outputFile, text, error)))
    return fail(error);
  if (!reportFile.empty() &&
      failed(mlir::lowbit::writeOutputFile(reportFile, reportText, error)))
    return fail(error);
  if (!statsFile.empty() &&
      failed(mlir::lowbit::writeOutputFile(statsFile, statsText, error)))
    return fail(error);
  return 0;
}
