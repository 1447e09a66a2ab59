//===- Diagnostics.cpp - diagnostics located in ONNX models ---------------===//
//
// Part of the lowbit project.
//
// An ONNX file is binary, so its locations are `NameLoc(node, file:0:0)`;
// MLIR's source-manager handler would print them as `file:0:0` and drop the
// node name. This handler prints `file: error: node 'name': message`.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Import/ONNX.h"

#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::lowbit;

/// The model file and node of a location built by the importer.
static bool modelLocation(Location loc, StringRef &file, StringRef &node) {
  node = "";
  if (auto name = dyn_cast<NameLoc>(loc)) {
    node = name.getName().getValue();
    loc = name.getChildLoc();
  }
  auto fileLoc = dyn_cast<FileLineColLoc>(loc);
  if (!fileLoc || fileLoc.getLine() != 0 || fileLoc.getColumn() != 0 ||
      !isONNXFile(fileLoc.getFilename().getValue()))
    return false;
  file = fileLoc.getFilename().getValue();
  return true;
}

ONNXDiagnosticHandler::ONNXDiagnosticHandler(MLIRContext *context,
                                             llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(context) {
  setHandler([&os](Diagnostic &diag) -> LogicalResult {
    StringRef file, node;
    if (!modelLocation(diag.getLocation(), file, node))
      return failure();
    const char *severity = "error";
    switch (diag.getSeverity()) {
    case DiagnosticSeverity::Note:
      severity = "note";
      break;
    case DiagnosticSeverity::Warning:
      severity = "warning";
      break;
    case DiagnosticSeverity::Remark:
      severity = "remark";
      break;
    case DiagnosticSeverity::Error:
      break;
    }
    std::string message = diag.str();
    os << file << ": " << severity << ": ";
    // Messages about graph inputs, outputs and initializers name them
    // already.
    if (!node.empty() && !StringRef(message).contains(("'" + node + "'").str()))
      os << "node '" << node << "': ";
    os << message << "\n";
    for (const Diagnostic &note : diag.getNotes())
      os << file << ": note: " << note.str() << "\n";
    os.flush();
    return success();
  });
}
