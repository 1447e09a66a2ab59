//===- Options.cpp - command-line options of the ONNX import --------------===//
//
// Part of the lowbit project.
//
// lowbit-translate and lowbit-compile share these flags, so a model imports
// the same way through either tool.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Import/ONNX.h"
#include "lowbit/Support/CIdentifier.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ManagedStatic.h"

using namespace mlir;
using namespace mlir::lowbit;
using namespace llvm;

namespace {
struct ImportCLOptions {
  cl::OptionCategory category{"ONNX import options (for .onnx inputs)"};
  cl::list<std::string> inputShapes{
      "input-shape",
      cl::desc("NAME=D0xD1x...: fix the shape of a graph input with dynamic "
               "or symbolic dimensions; repeatable"),
      cl::value_desc("name=shape"), cl::cat(category)};
  cl::list<std::string> frozenInputs{
      "freeze-input",
      cl::desc("NAME=FILE.pb: make a graph input a compile-time constant "
               "read from a serialized ONNX TensorProto; repeatable"),
      cl::value_desc("name=file"), cl::cat(category)};
  cl::opt<ImportPrecision> precision{
      "precision",
      cl::desc("float type a float model computes in (inputs and outputs "
               "stay float32)"),
      cl::init(ImportPrecision::F32),
      cl::values(clEnumValN(ImportPrecision::F32, "f32", "float32 (default)"),
                 clEnumValN(ImportPrecision::F16, "f16", "IEEE half"),
                 clEnumValN(ImportPrecision::BF16, "bf16", "bfloat16")),
      cl::cat(category)};
  cl::opt<IOLayout> ioLayout{
      "io-layout",
      cl::desc("layout of rank-4 inputs and outputs of the compiled "
               "function"),
      cl::init(IOLayout::ONNX),
      cl::values(
          clEnumValN(IOLayout::ONNX, "onnx", "as in the model, NCHW (default)"),
          clEnumValN(IOLayout::NHWC, "nhwc", "channels last")),
      cl::cat(category)};
  cl::opt<std::string> functionName{
      "function-name",
      cl::desc("name of the generated function (default: from the file "
               "name)"),
      cl::value_desc("name"), cl::cat(category)};
};
} // namespace

static ManagedStatic<ImportCLOptions> clOptions;

void mlir::lowbit::registerONNXImportCLOptions() { *clOptions; }

cl::OptionCategory &mlir::lowbit::getONNXImportCLCategory() {
  return clOptions->category;
}

LogicalResult mlir::lowbit::getONNXImportCLOptions(ONNXImportOptions &options,
                                                   std::string &error) {
  if (!clOptions.isConstructed())
    return success();
  options.precision = clOptions->precision;
  options.ioLayout = clOptions->ioLayout;
  options.functionName = clOptions->functionName;
  if (!options.functionName.empty() && !isCIdentifier(options.functionName)) {
    error =
        "--function-name '" + options.functionName + "' is not a C identifier";
    return failure();
  }
  for (const std::string &spec : clOptions->inputShapes) {
    auto [name, dims] = StringRef(spec).split('=');
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    SmallVector<int64_t> shape;
    bool ok = !name.empty() && !dims.empty();
    for (StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d <= 0) {
        ok = false;
        break;
      }
      shape.push_back(d);
    }
    if (!ok) {
      error = "--input-shape expects NAME=D0xD1x... with positive sizes, "
              "got '" +
              spec + "'";
      return failure();
    }
    options.inputShapes[name] = shape;
  }
  for (const std::string &spec : clOptions->frozenInputs) {
    auto [name, file] = StringRef(spec).split('=');
    if (name.empty() || file.empty()) {
      error = "--freeze-input expects NAME=FILE.pb, got '" + spec + "'";
      return failure();
    }
    options.frozenInputs[name] = file.str();
  }
  return success();
}
