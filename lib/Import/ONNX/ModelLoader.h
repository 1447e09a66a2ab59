//===- ModelLoader.h - read and normalize an ONNX model ---------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_IMPORT_ONNX_MODELLOADER_H
#define LOWBIT_LIB_IMPORT_ONNX_MODELLOADER_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/MemoryBuffer.h"

#include <string>

#include "onnx/onnx_pb.h"

namespace mlir {
namespace lowbit {
namespace onnx_import {

/// The ai.onnx opsets the op handlers implement; older models are upgraded
/// to kUpgradeTarget with ONNX's version converter.
constexpr int64_t kMinNativeOpset = 11;
constexpr int64_t kUpgradeTarget = 11;
constexpr int64_t kMinOpset = 1;
constexpr int64_t kMaxOpset = 17;

/// Parses a serialized ModelProto, runs ONNX's checker, upgrades opsets
/// older than kMinNativeOpset and runs ONNX's shape inference. Fails with a
/// message in `error`.
LogicalResult loadModel(llvm::MemoryBufferRef buffer, onnx::ModelProto &model,
                        std::string &error);

/// Parses a serialized TensorProto (the `.pb` files of ONNX's test data).
LogicalResult loadTensor(llvm::MemoryBufferRef buffer,
                         onnx::TensorProto &tensor, std::string &error);

/// The ai.onnx opset version a model imports (0 if none).
int64_t getONNXOpset(const onnx::ModelProto &model);

} // namespace onnx_import
} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_LIB_IMPORT_ONNX_MODELLOADER_H
