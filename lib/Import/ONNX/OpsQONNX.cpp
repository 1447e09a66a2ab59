//===- OpsQONNX.cpp - QONNX quantization ops
//-------------------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

void mlir::lowbit::onnx_import::registerQONNXOps(OpRegistry &r) {}
