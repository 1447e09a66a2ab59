//===- lowbit-opt.cpp - lowbit optimizer driver ---------------------------===//
//
// Part of the lowbit project.
//
// An mlir-opt style driver: parses IR files, runs passes, prints IR. It
// registers the lowbit dialect and passes plus the upstream dialects and
// passes that lowbit's pipelines are built from.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/raw_ostream.h"

/// MlirOptMain reports a plugin that fails to load and carries on; lowbit
/// treats it as an error. Loading (without registering anything) first gives
/// one clear message and exit status 1.
static bool checkPlugins(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    bool isPass = arg.consume_front("--load-pass-plugin=") ||
                  arg.consume_front("-load-pass-plugin=");
    bool isDialect = !isPass && (arg.consume_front("--load-dialect-plugin=") ||
                                 arg.consume_front("-load-dialect-plugin="));
    if (!isPass && !isDialect)
      continue;
    llvm::Error err = isPass ? mlir::PassPlugin::load(arg.str()).takeError()
                             : mlir::DialectPlugin::load(arg.str()).takeError();
    if (err) {
      llvm::errs() << "lowbit-opt: error: cannot load "
                   << (isPass ? "pass" : "dialect") << " plugin '" << arg
                   << "': " << llvm::toString(std::move(err)) << "\n";
      return false;
    }
  }
  return true;
}

int main(int argc, char **argv) {
  if (!checkPlugins(argc, argv))
    return 1;
  mlir::registerAllPasses();
  mlir::lowbit::registerLowBitPasses();
  mlir::lowbit::registerLowBitConversionPasses();
  mlir::lowbit::registerLowBitPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::lowbit::LowBitDialect>();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "lowbit optimizer driver\n", registry));
}
