//===- ONNX.h - import ONNX and QONNX models into lowbit --------*- C++ -*-===//
//
// Part of the lowbit project.
//
// Turns an ONNX model file (float, QDQ, QLinear*/Integer ops, QONNX) into a
// module with one public function of lowbit ops on tensors, ready for
// `lowbit-compile` or `lowbit-opt --lowbit-to-llvm`.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_IMPORT_ONNX_H
#define LOWBIT_IMPORT_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"

#include <string>

namespace mlir {
namespace lowbit {

/// The float type a float graph computes in.
enum class ImportPrecision { F32, F16, BF16 };

/// The layout of the compiled function's rank-4 inputs and outputs.
enum class IOLayout {
  /// As in the ONNX file (NCHW): the caller feeds what onnxruntime takes.
  ONNX,
  /// Channels last (NHWC), lowbit's internal layout: no boundary transposes.
  NHWC,
};

struct ONNXImportOptions {
  /// Name of the generated function; empty: derived from the file name.
  std::string functionName;
  ImportPrecision precision = ImportPrecision::F32;
  IOLayout ioLayout = IOLayout::ONNX;
  /// Fixed shapes for inputs with dynamic or symbolic dimensions.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Graph inputs turned into constants, read from serialized TensorProto
  /// files (`name -> path`).
  llvm::StringMap<std::string> frozenInputs;
};

/// True if `path` names an ONNX model (by its `.onnx` extension).
bool isONNXFile(llvm::StringRef path);

/// Imports the serialized ModelProto in `buffer`; `fileName` names it in
/// locations and diagnostics. On failure emits one error (naming the node,
/// op type, domain and opset where one is at fault) and returns null.
OwningOpRef<ModuleOp> importONNX(llvm::MemoryBufferRef buffer,
                                 llvm::StringRef fileName, MLIRContext *context,
                                 const ONNXImportOptions &options);

/// Registers the import options (`--input-shape`, `--precision`,
/// `--io-layout`, `--freeze-input`, `--function-name`) with LLVM's command
/// line, so every tool spells them alike. Call before parsing.
void registerONNXImportCLOptions();

/// The category of those options (for cl::HideUnrelatedOptions).
llvm::cl::OptionCategory &getONNXImportCLCategory();

/// Reads the options registered above; fails with a message in `error` on a
/// malformed value.
LogicalResult getONNXImportCLOptions(ONNXImportOptions &options,
                                     std::string &error);

/// Prints diagnostics located in an imported model (`NameLoc(node, file)`)
/// as `file: error: node 'name': message`; other diagnostics go to the
/// handlers registered before it.
class ONNXDiagnosticHandler : public ScopedDiagnosticHandler {
public:
  explicit ONNXDiagnosticHandler(MLIRContext *context,
                                 llvm::raw_ostream &os = llvm::errs());
};

/// The dialects an imported module uses.
void registerONNXImportDialects(DialectRegistry &registry);

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_IMPORT_ONNX_H
