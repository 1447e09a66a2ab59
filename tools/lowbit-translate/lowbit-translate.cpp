//===- lowbit-translate.cpp - translations into and out of lowbit --------===//
//
// Part of the lowbit project.
//
// An mlir-translate style driver. `--import-onnx` reads an ONNX or QONNX
// model and prints the lowbit module that `lowbit-compile` and `lowbit-opt`
// take:
//
//   lowbit-translate --import-onnx model.onnx -o model.mlir
//
// Errors name the node (name, op type, domain, opset) and exit with status
// 1; the output file is only written when the import succeeds.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Import/ONNX.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

int main(int argc, char **argv) {
  lowbit::registerONNXImportCLOptions();
  TranslateToMLIRRegistration importONNX(
      "import-onnx", "import an ONNX / QONNX model (.onnx) into lowbit",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        lowbit::ONNXDiagnosticHandler diagnostics(context);
        lowbit::ONNXImportOptions options;
        std::string error;
        StringRef name = buffer->getBufferIdentifier();
        if (failed(lowbit::getONNXImportCLOptions(options, error))) {
          emitError(UnknownLoc::get(context)) << error;
          return nullptr;
        }
        if (name == "<stdin>" && options.functionName.empty())
          options.functionName = "model";
        return lowbit::importONNX(buffer->getMemBufferRef(), name, context,
                                  options);
      },
      [](DialectRegistry &registry) {
        lowbit::registerONNXImportDialects(registry);
      });
  return failed(mlirTranslateMain(argc, argv, "lowbit translation driver\n"));
}
