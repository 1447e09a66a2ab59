//===- Importer.h - ONNX graph importer internals ---------------*- C++ -*-===//
//
// Part of the lowbit project.
//
// The graph walk (Importer.cpp) keeps one TensorValue per ONNX value name and
// hands each node to the handler registered for its (domain, op type,
// opset); handlers live in Ops*.cpp, one file per op family, and read their
// operands and attributes through a NodeContext, which fails cleanly with a
// message naming the node.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_IMPORT_ONNX_IMPORTER_H
#define LOWBIT_LIB_IMPORT_ONNX_IMPORTER_H

#include "lowbit/Import/ONNX.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>

#include "onnx/onnx_pb.h"

namespace mlir {
namespace lowbit {
namespace onnx_import {

/// How a value is laid out in memory relative to its ONNX (logical) shape.
enum class Layout {
  /// Dimensions in ONNX order.
  Logical,
  /// A rank-4 NCHW value stored as NHWC (lowbit's layout for conv2d and
  /// pooling); kept until an op needs the ONNX order.
  NHWC,
};

/// One ONNX value during import.
struct TensorValue {
  /// The value in the IR; null while it is only known as a constant.
  Value value;
  /// Its contents when known at compile time, in logical layout and in the
  /// element type of the ONNX tensor (`ui8` for uint8 and so on).
  DenseElementsAttr constant;
  /// ONNX (logical) shape.
  SmallVector<int64_t> shape;
  /// onnx::TensorProto_DataType of the ONNX tensor.
  int32_t dtype = 0;
  Layout layout = Layout::Logical;

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// A value computed at run time.
  static TensorValue of(Value value, ArrayRef<int64_t> shape, int32_t dtype,
                        Layout layout) {
    TensorValue tv;
    tv.value = value;
    tv.shape = llvm::to_vector(shape);
    tv.dtype = dtype;
    tv.layout = layout;
    return tv;
  }
  bool isConstant() const { return static_cast<bool>(constant); }
  /// The layout an op that keeps its operand's layout uses: the value's,
  /// or the ONNX order for a constant not yet materialized.
  Layout keptLayout() const { return value ? layout : Layout::Logical; }
};

/// Where logical axis d of an NCHW tensor is stored in NHWC.
constexpr int64_t kNHWCPosition[] = {0, 3, 1, 2};

class GraphImporter;

/// Binder for one node: operands, attributes with defaults, outputs and
/// diagnostics that name the node.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              StringRef name, int64_t opset, Location loc)
      : importer(importer), node(node), name(name.str()), opset(opset),
        loc(loc) {}

  GraphImporter &importer;
  const onnx::NodeProto &node;
  /// The node's name, or `<OpType>_<index>` for an unnamed node.
  std::string name;
  /// The opset version of the node's domain in this model.
  int64_t opset;
  Location loc;

  OpBuilder &builder();
  MLIRContext *getContext();
  StringRef opType() const { return node.op_type(); }

  /// An error at the node, prefixed with its name, op type, domain and
  /// opset.
  InFlightDiagnostic emitError();

  // Operands.
  int64_t numInputs() const { return node.input_size(); }
  /// True if operand `i` is given (present and not the empty name).
  bool hasInput(int64_t i) const;
  /// Operand `i`; fails with a message if it is missing.
  FailureOr<TensorValue *> input(int64_t i);
  /// The compile-time value of operand `i`; fails (naming `what`) if the
  /// operand is missing or not a constant.
  FailureOr<DenseElementsAttr> constantInput(int64_t i, StringRef what);
  /// A constant integer list operand (e.g. Reshape's shape, Squeeze axes).
  FailureOr<SmallVector<int64_t>> intsInput(int64_t i, StringRef what);

  // Attributes.
  const onnx::AttributeProto *attr(StringRef name) const;
  bool hasAttr(StringRef name) const { return attr(name) != nullptr; }
  int64_t attrInt(StringRef name, int64_t dflt) const;
  float attrFloat(StringRef name, float dflt) const;
  std::string attrString(StringRef name, StringRef dflt) const;
  SmallVector<int64_t> attrInts(StringRef name) const;
  /// Fails with an error for any attribute not in `known`.
  LogicalResult checkAttributes(ArrayRef<StringRef> known);

  // Results.
  int64_t numOutputs() const { return node.output_size(); }
  /// True if output `i` is named and used (by a node or as a graph output).
  bool isOutputUsed(int64_t i) const;
  void setOutput(int64_t i, TensorValue value);
  /// Number of consumers of operand `i` (nodes and graph outputs).
  int64_t useCount(int64_t i) const;
};

using Handler = std::function<LogicalResult(NodeContext &)>;

/// Handlers keyed by domain, op type and the opset version they are valid
/// from (as torch-mlir's `onOp`): a model with opset v uses the handler with
/// the largest since-version <= v.
class OpRegistry {
public:
  void on(StringRef domain, StringRef opType, int64_t sinceVersion,
          Handler handler);
  /// The handler for `opType` at `version`; null if none. `known` is set if
  /// the op exists in the domain at any version.
  const Handler *lookup(StringRef domain, StringRef opType, int64_t version,
                        bool &known) const;
  bool hasDomain(StringRef domain) const;

private:
  std::map<std::string, std::map<std::string, std::map<int64_t, Handler>>>
      table;
};

void registerFloatOps(OpRegistry &registry);
void registerShapeOps(OpRegistry &registry);
void registerQuantizedOps(OpRegistry &registry);
void registerQONNXOps(OpRegistry &registry);
/// Registers `floatHandler` for ai.onnx `op` (Add/Sub/Mul/Div) behind
/// compile-time folding of integer operands.
void wrapIntegerFolding(OpRegistry &registry, StringRef op,
                        Handler floatHandler);

/// Domain names.
constexpr StringLiteral kDomainONNX = "";
constexpr StringLiteral kDomainMicrosoft = "com.microsoft";
constexpr StringLiteral kDomainQONNX = "qonnx.custom_op.general";
constexpr StringLiteral kDomainFINN = "finn.custom_op.general";
constexpr StringLiteral kDomainBrevitas = "onnx.brevitas";

/// The graph walk and the shared building blocks of the handlers.
class GraphImporter {
public:
  GraphImporter(MLIRContext *context, StringRef fileName,
                const ONNXImportOptions &options);

  MLIRContext *context;
  OpBuilder builder;
  std::string fileName;
  const ONNXImportOptions &options;
  /// The float type float ops compute in (`--precision`).
  FloatType floatType;
  /// Values by ONNX name.
  llvm::StringMap<TensorValue> values;
  /// Consumers per value name (node operands and graph outputs).
  llvm::StringMap<int64_t> uses;
  /// Opset version per domain.
  llvm::StringMap<int64_t> opsets;

  /// Imports `model` into a new module; null on failure (an error has been
  /// emitted).
  OwningOpRef<ModuleOp> importModel(const onnx::ModelProto &model);

  // Element types.
  /// The MLIR element type of an ONNX data type as constants hold it
  /// (unsigned types as `uiN`); null for unsupported types.
  Type constantElementType(int32_t dtype);
  /// The element type of values in the IR: `floatType` for float32 (and
  /// the other float types as is), signless integers for integer types.
  Type valueElementType(int32_t dtype);
  static bool isFloatDType(int32_t dtype);
  static bool isIntegerDType(int32_t dtype);
  static bool isUnsignedDType(int32_t dtype);
  static StringRef dtypeName(int32_t dtype);

  // Constants.
  /// Reads a TensorProto; fails with a message in `error`.
  FailureOr<DenseElementsAttr> readTensor(const onnx::TensorProto &tensor,
                                          std::string &error);
  /// A TensorValue for a compile-time constant (not materialized yet).
  TensorValue makeConstant(DenseElementsAttr attr, int32_t dtype);
  /// Emits the IR constant of `attr` converted to the value element type.
  Value materializeConstant(DenseElementsAttr attr, int32_t dtype,
                            Location loc);

  // Layout.
  /// The runtime value of `tv` in `layout` (transposing or reshaping as
  /// needed; constants are permuted at compile time).
  Value get(TensorValue &tv, Layout layout, Location loc);
  /// The physical shape of a logical shape in `layout`.
  static SmallVector<int64_t> physicalShape(ArrayRef<int64_t> shape,
                                            Layout layout);
  /// Permutes `value` (physical dims) by `perm`: a reshape when only unit
  /// dimensions move, else linalg.transpose.
  Value permute(Value value, ArrayRef<int64_t> perm, Location loc);
  /// `permute` of a constant, a lowbit.constant or the dequantization of
  /// one, done at compile time; null for anything else.
  Value permuteConstant(Value value, ArrayRef<int64_t> perm, Location loc);
  /// Reshapes a static tensor to `shape` (same element count).
  Value reshape(Value value, ArrayRef<int64_t> shape, Location loc);

  /// An elementwise linalg.generic over numpy-broadcast operands (physical
  /// shapes, right-aligned) with result element type `resultElement`.
  Value map(ValueRange operands, Type resultElement, Location loc,
            function_ref<Value(OpBuilder &, Location, ValueRange)> body);
};

/// The 2-D window of a Conv or pool: kernel, strides, dilations (default
/// 1), padding as lowbit's [top, bottom, left, right] from ONNX `pads` or
/// `auto_pad`, and the output size. `ceilMode` (pools) adds the trailing
/// padding that makes the floor division see the last partial window.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations;
  SmallVector<int64_t, 4> padding;
  SmallVector<int64_t> outHW;
};
FailureOr<Window> readWindow(NodeContext &ctx, ArrayRef<int64_t> inHW,
                             ArrayRef<int64_t> kernel, bool ceilMode = false);

/// Permutes the elements of a constant (any element type) by `perm`.
DenseElementsAttr transposeConstant(DenseElementsAttr attr,
                                    ArrayRef<int64_t> perm);

/// Numpy broadcast of two shapes; fails if incompatible.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b);

/// Widens or narrows every float of `attr` to `type` (round to nearest
/// even); integers are converted to floats.
DenseElementsAttr convertToFloat(DenseElementsAttr attr, FloatType type);

/// Reads constant elements as doubles / int64 (any numeric element type).
SmallVector<double> toDoubles(DenseElementsAttr attr);
SmallVector<int64_t> toInts(DenseElementsAttr attr);

} // namespace onnx_import
} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_LIB_IMPORT_ONNX_IMPORTER_H
