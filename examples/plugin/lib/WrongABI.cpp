//===- WrongABI.cpp - a plugin built for another plugin API ---------------===//
//
// Used by the tests only: the tools must refuse it with a clear error.
//
//===----------------------------------------------------------------------===//

#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION + 1000, "WrongABI", "0", []() {}};
}
