//===- ModelLoader.cpp - read and normalize an ONNX model -----------------===//
//
// Part of the lowbit project.
//
// ONNX's checker, version converter and shape inference report problems by
// throwing; this file alone is compiled with exceptions and turns them into
// error messages, so the rest of lowbit stays exception-free.
//
//===----------------------------------------------------------------------===//

#include "ModelLoader.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <google/protobuf/io/coded_stream.h>

#include <exception>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

int64_t mlir::lowbit::onnx_import::getONNXOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      return set.version();
  return 0;
}

template <typename Proto>
static bool parseProto(llvm::MemoryBufferRef buffer, Proto &proto) {
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(buffer.getBufferStart()),
      static_cast<int>(buffer.getBufferSize()));
  // Weights of large models exceed protobuf's default 64 MiB guard.
  stream.SetTotalBytesLimit(INT32_MAX);
  return proto.ParseFromCodedStream(&stream) && stream.ConsumedEntireMessage();
}

LogicalResult
mlir::lowbit::onnx_import::loadTensor(llvm::MemoryBufferRef buffer,
                                      onnx::TensorProto &tensor,
                                      std::string &error) {
  if (buffer.getBufferSize() > static_cast<size_t>(INT32_MAX) ||
      !parseProto(buffer, tensor)) {
    error = "not a serialized ONNX TensorProto (truncated or corrupt)";
    return failure();
  }
  return success();
}

LogicalResult mlir::lowbit::onnx_import::loadModel(llvm::MemoryBufferRef buffer,
                                                   onnx::ModelProto &model,
                                                   std::string &error) {
  if (buffer.getBufferSize() > static_cast<size_t>(INT32_MAX)) {
    error = "the model is larger than 2 GiB; models with external data "
            "files are not supported";
    return failure();
  }
  if (!parseProto(buffer, model) || !model.has_graph()) {
    error = "not an ONNX model (the protobuf is truncated, corrupt, or has "
            "no graph)";
    return failure();
  }
  if (!model.has_ir_version() || model.ir_version() < 3) {
    error = "ONNX IR version " + std::to_string(model.ir_version()) +
            " is not supported (expected 3 or newer)";
    return failure();
  }
  int64_t opset = getONNXOpset(model);
  if (opset == 0) {
    error = "the model imports no ai.onnx opset";
    return failure();
  }
  if (opset < kMinOpset || opset > kMaxOpset) {
    error = "ai.onnx opset " + std::to_string(opset) +
            " is outside the supported range " + std::to_string(kMinOpset) +
            ".." + std::to_string(kMaxOpset);
    return failure();
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    error = std::string("the ONNX checker rejects the model: ") + e.what();
    return failure();
  }
  if (opset < kMinNativeOpset) {
    try {
      // The converter's adapters read value shapes.
      onnx::shape_inference::InferShapes(model);
      model = onnx::version_conversion::ConvertVersion(
          model, static_cast<int>(kUpgradeTarget));
    } catch (const std::exception &e) {
      error = "cannot upgrade ai.onnx opset " + std::to_string(opset) + " to " +
              std::to_string(kUpgradeTarget) +
              " with ONNX's version converter: " + e.what();
      return failure();
    }
  }
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception &e) {
    error = std::string("ONNX shape inference fails: ") + e.what();
    return failure();
  }
  return success();
}
