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
#include "lowbit/Support/ToolSupport.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

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

  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "lowbit optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  auto fail = [](const llvm::Twine &message) {
    llvm::errs() << "lowbit-opt: error: " << message << "\n";
    return 1;
  };
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFile, &error);
  if (!input)
    return fail(error);
  if (failed(mlir::lowbit::checkIRText(input->getBuffer(), inputFile, error)))
    return fail(error);

  // The pipeline from the command line, plus naming each pass as the
  // stage a crash is reported in.
  mlir::MlirOptMainConfig fromCommandLine = config;
  config.setPassPipelineSetupFn([fromCommandLine](mlir::PassManager &pm) {
    if (mlir::failed(fromCommandLine.setupPassPipeline(pm)))
      return mlir::failure();
    mlir::lowbit::trackPassStages(pm);
    return mlir::success();
  });

  // The result is kept in memory and written only if everything succeeded:
  // a failing run never truncates or deletes a file (not even the input
  // given as -o). A crash in upstream code ends as one error line.
  std::string result;
  llvm::raw_string_ostream os(result);
  mlir::LogicalResult ran = mlir::failure();
  mlir::lowbit::setToolStage("parsing");
  if (!mlir::lowbit::runCrashGuarded("lowbit-opt", inputFile, [&] {
        ran = mlir::MlirOptMain(os, std::move(input), registry, config);
      }))
    std::_Exit(1);
  if (mlir::failed(ran))
    return 1;
  if (mlir::failed(mlir::lowbit::writeOutputFile(outputFile, result, error)))
    return fail(error);
  return 0;
}
