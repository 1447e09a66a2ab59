//===- Plugin.cpp - plugin entry points -----------------------------------===//
//
// lowbit-opt and lowbit-compile load this library with
//   --load-pass-plugin=LowBitReportPlugin.so     (the lowbit-report pass)
//   --load-dialect-plugin=LowBitReportPlugin.so  (the lbreport dialect)
//
//===----------------------------------------------------------------------===//

#include "LowBitReport/ReportDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LowBitReport", LLVM_VERSION_STRING,
          []() { lbreport::registerReportPass(); }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LowBitReport", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            registry->insert<lbreport::LBReportDialect>();
          }};
}
