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
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::lowbit::registerLowBitPasses();
  mlir::lowbit::registerLowBitConversionPasses();
  mlir::lowbit::registerLowBitPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::lowbit::LowBitDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "lowbit optimizer driver\n", registry));
}
