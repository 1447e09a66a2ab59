//===- Importer.cpp - ONNX graph to lowbit IR
//------------------------------===//
//
// Part of the lowbit project.
//
// The protobuf -> MLIR walk: initializers and frozen inputs become
// compile-time constants, graph inputs become function arguments, each node
// goes to its registered handler, graph outputs become results. Locations
// are `NameLoc(node name, file)`, so every later diagnostic names the node.
//
// Layout: ONNX is NCHW with OIHW filters, lowbit's conv2d and pooling are
// NHWC/OHWI. A rank-4 value produced by a conv or pool stays NHWC (its
// TensorValue says so) through layout-agnostic consumers (elementwise ops,
// activations, per-tensor (de)quantization) and is transposed back only
// where an op needs the ONNX order (Flatten, Reshape, Softmax, graph
// outputs), so a chain of convolutions has no transposes in between.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "ModelLoader.h"

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

void OpRegistry::on(StringRef domain, StringRef opType, int64_t sinceVersion,
                    Handler handler) {
  table[domain.str()][opType.str()][sinceVersion] = std::move(handler);
}

const Handler *OpRegistry::lookup(StringRef domain, StringRef opType,
                                  int64_t version, bool &known) const {
  known = false;
  auto d = table.find(domain.str());
  if (d == table.end())
    return nullptr;
  auto o = d->second.find(opType.str());
  if (o == d->second.end())
    return nullptr;
  known = true;
  auto it = o->second.upper_bound(version);
  if (it == o->second.begin())
    return nullptr;
  return &std::prev(it)->second;
}

bool OpRegistry::hasDomain(StringRef domain) const {
  return table.count(domain.str()) != 0;
}

static const OpRegistry &getRegistry() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerFloatOps(r);
    registerShapeOps(r);
    registerQuantizedOps(r);
    registerQONNXOps(r);
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

static std::string domainName(StringRef domain) {
  return domain.empty() ? "ai.onnx" : domain.str();
}

OpBuilder &NodeContext::builder() { return importer.builder; }
MLIRContext *NodeContext::getContext() { return importer.context; }

InFlightDiagnostic NodeContext::emitError() {
  InFlightDiagnostic diag = mlir::emitError(loc);
  diag << "node '" << name << "' (" << node.op_type() << ", domain "
       << domainName(node.domain()) << ", opset " << opset << "): ";
  return diag;
}

bool NodeContext::hasInput(int64_t i) const {
  return i < node.input_size() && !node.input(i).empty();
}

FailureOr<TensorValue *> NodeContext::input(int64_t i) {
  if (!hasInput(i)) {
    emitError() << "operand #" << i << " is missing";
    return failure();
  }
  auto it = importer.values.find(node.input(i));
  if (it == importer.values.end()) {
    emitError() << "operand '" << node.input(i)
                << "' is not produced by any earlier node, initializer or "
                   "graph input";
    return failure();
  }
  return &it->second;
}

FailureOr<DenseElementsAttr> NodeContext::constantInput(int64_t i,
                                                        StringRef what) {
  FailureOr<TensorValue *> tv = input(i);
  if (failed(tv))
    return failure();
  if (!(*tv)->constant) {
    emitError() << what << " ('" << node.input(i)
                << "') must be a constant (an initializer, a Constant node "
                   "or an input frozen with --freeze-input)";
    return failure();
  }
  return (*tv)->constant;
}

FailureOr<SmallVector<int64_t>> NodeContext::intsInput(int64_t i,
                                                       StringRef what) {
  FailureOr<DenseElementsAttr> c = constantInput(i, what);
  if (failed(c))
    return failure();
  if (!isa<IntegerType>(c->getElementType())) {
    emitError() << what << " must hold integers, got " << c->getElementType();
    return failure();
  }
  return toInts(*c);
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::attrFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::attrString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t> NodeContext::attrInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

LogicalResult NodeContext::checkAttributes(ArrayRef<StringRef> known) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (!llvm::is_contained(known, a.name())) {
      emitError() << "attribute '" << a.name() << "' is not supported";
      return failure();
    }
  return success();
}

bool NodeContext::isOutputUsed(int64_t i) const {
  if (i >= node.output_size() || node.output(i).empty())
    return false;
  return importer.uses.lookup(node.output(i)) > 0;
}

void NodeContext::setOutput(int64_t i, TensorValue value) {
  if (i < node.output_size() && !node.output(i).empty())
    importer.values[node.output(i)] = std::move(value);
}

int64_t NodeContext::useCount(int64_t i) const {
  if (!hasInput(i))
    return 0;
  return importer.uses.lookup(node.input(i));
}

//===----------------------------------------------------------------------===//
// Element types and constants
//===----------------------------------------------------------------------===//

using DT = onnx::TensorProto_DataType;

bool GraphImporter::isFloatDType(int32_t dtype) {
  return dtype == DT::TensorProto_DataType_FLOAT ||
         dtype == DT::TensorProto_DataType_FLOAT16 ||
         dtype == DT::TensorProto_DataType_BFLOAT16 ||
         dtype == DT::TensorProto_DataType_DOUBLE;
}

bool GraphImporter::isIntegerDType(int32_t dtype) {
  switch (dtype) {
  case DT::TensorProto_DataType_INT8:
  case DT::TensorProto_DataType_UINT8:
  case DT::TensorProto_DataType_INT16:
  case DT::TensorProto_DataType_UINT16:
  case DT::TensorProto_DataType_INT32:
  case DT::TensorProto_DataType_UINT32:
  case DT::TensorProto_DataType_INT64:
  case DT::TensorProto_DataType_UINT64:
  case DT::TensorProto_DataType_BOOL:
    return true;
  default:
    return false;
  }
}

bool GraphImporter::isUnsignedDType(int32_t dtype) {
  return dtype == DT::TensorProto_DataType_UINT8 ||
         dtype == DT::TensorProto_DataType_UINT16 ||
         dtype == DT::TensorProto_DataType_UINT32 ||
         dtype == DT::TensorProto_DataType_UINT64 ||
         dtype == DT::TensorProto_DataType_BOOL;
}

StringRef GraphImporter::dtypeName(int32_t dtype) {
  if (onnx::TensorProto_DataType_IsValid(dtype))
    return onnx::TensorProto_DataType_Name(static_cast<DT>(dtype));
  return "unknown";
}

static unsigned integerWidth(int32_t dtype) {
  switch (dtype) {
  case DT::TensorProto_DataType_BOOL:
    return 1;
  case DT::TensorProto_DataType_INT8:
  case DT::TensorProto_DataType_UINT8:
    return 8;
  case DT::TensorProto_DataType_INT16:
  case DT::TensorProto_DataType_UINT16:
    return 16;
  case DT::TensorProto_DataType_INT32:
  case DT::TensorProto_DataType_UINT32:
    return 32;
  default:
    return 64;
  }
}

Type GraphImporter::constantElementType(int32_t dtype) {
  Builder b(context);
  switch (dtype) {
  case DT::TensorProto_DataType_FLOAT:
    return b.getF32Type();
  case DT::TensorProto_DataType_FLOAT16:
    return b.getF16Type();
  case DT::TensorProto_DataType_BFLOAT16:
    return b.getBF16Type();
  case DT::TensorProto_DataType_DOUBLE:
    return b.getF64Type();
  default:
    break;
  }
  if (!isIntegerDType(dtype))
    return nullptr;
  unsigned width = integerWidth(dtype);
  if (width == 1)
    return b.getI1Type();
  return IntegerType::get(context, width,
                          isUnsignedDType(dtype) ? IntegerType::Unsigned
                                                 : IntegerType::Signless);
}

Type GraphImporter::valueElementType(int32_t dtype) {
  if (dtype == DT::TensorProto_DataType_FLOAT)
    return floatType;
  if (dtype == DT::TensorProto_DataType_FLOAT16)
    return Float16Type::get(context);
  if (dtype == DT::TensorProto_DataType_BFLOAT16)
    return BFloat16Type::get(context);
  if (isIntegerDType(dtype))
    return IntegerType::get(context, integerWidth(dtype));
  return nullptr;
}

template <typename T> static void appendRaw(std::vector<char> &bytes, T value) {
  const char *p = reinterpret_cast<const char *>(&value);
  bytes.insert(bytes.end(), p, p + sizeof(T));
}

FailureOr<DenseElementsAttr>
GraphImporter::readTensor(const onnx::TensorProto &tensor, std::string &error) {
  if (tensor.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    error = "tensor '" + tensor.name() +
            "' keeps its data in an external file, which is not supported "
            "(save the model with its weights inside)";
    return failure();
  }
  int32_t dtype = tensor.data_type();
  Type element = constantElementType(dtype);
  if (!element) {
    error = "tensor '" + tensor.name() + "' has element type " +
            dtypeName(dtype).str() + ", which lowbit does not support";
    return failure();
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d)) {
      error = "tensor '" + tensor.name() + "' has an invalid shape";
      return failure();
    }
    count *= d;
  }
  auto type = RankedTensorType::get(shape, element);
  unsigned width = integerWidth(dtype);
  size_t elementBytes = isa<FloatType>(element)
                            ? cast<FloatType>(element).getWidth() / 8
                            : std::max(1u, width / 8);

  // Booleans are built from values: their attribute storage is not bytes.
  if (dtype == DT::TensorProto_DataType_BOOL) {
    SmallVector<bool> values;
    if (tensor.has_raw_data()) {
      for (char c : tensor.raw_data())
        values.push_back(c != 0);
    } else {
      for (int32_t v : tensor.int32_data())
        values.push_back(v != 0);
    }
    if (static_cast<int64_t>(values.size()) != count) {
      error = "tensor '" + tensor.name() + "' holds " +
              std::to_string(values.size()) + " values for " +
              std::to_string(count) + " elements";
      return failure();
    }
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }

  std::vector<char> bytes;
  if (tensor.has_raw_data()) {
    bytes.assign(tensor.raw_data().begin(), tensor.raw_data().end());
  } else {
    switch (dtype) {
    case DT::TensorProto_DataType_FLOAT:
      for (float v : tensor.float_data())
        appendRaw(bytes, v);
      break;
    case DT::TensorProto_DataType_DOUBLE:
      for (double v : tensor.double_data())
        appendRaw(bytes, v);
      break;
    case DT::TensorProto_DataType_INT64:
      for (int64_t v : tensor.int64_data())
        appendRaw(bytes, v);
      break;
    case DT::TensorProto_DataType_UINT32:
    case DT::TensorProto_DataType_UINT64:
      for (uint64_t v : tensor.uint64_data()) {
        if (dtype == DT::TensorProto_DataType_UINT32)
          appendRaw(bytes, static_cast<uint32_t>(v));
        else
          appendRaw(bytes, v);
      }
      break;
    default:
      // int8/uint8/int16/uint16/int32/f16/bf16 live in int32_data.
      for (int32_t v : tensor.int32_data()) {
        if (elementBytes == 1)
          appendRaw(bytes, static_cast<uint8_t>(v));
        else if (elementBytes == 2)
          appendRaw(bytes, static_cast<uint16_t>(v));
        else
          appendRaw(bytes, v);
      }
      break;
    }
  }
  if (bytes.size() != static_cast<size_t>(count) * elementBytes) {
    error = "tensor '" + tensor.name() + "' holds " +
            std::to_string(bytes.size()) + " bytes of data for " +
            std::to_string(count) + " elements of " + dtypeName(dtype).str();
    return failure();
  }
  if (count == 0)
    return DenseElementsAttr::get(type, ArrayRef<Attribute>());
  bool splat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, bytes, splat)) {
    error = "tensor '" + tensor.name() + "' has malformed data";
    return failure();
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

TensorValue GraphImporter::makeConstant(DenseElementsAttr attr, int32_t dtype) {
  TensorValue tv;
  tv.constant = attr;
  tv.shape = llvm::to_vector(attr.getType().getShape());
  tv.dtype = dtype;
  return tv;
}

DenseElementsAttr
mlir::lowbit::onnx_import::convertToFloat(DenseElementsAttr attr,
                                          FloatType type) {
  auto resultType = attr.getType().clone(type);
  if (attr.getElementType() == type)
    return attr;
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  auto convert = [&](APFloat v) {
    bool lost;
    v.convert(sem, APFloat::rmNearestTiesToEven, &lost);
    return v;
  };
  if (auto ft = dyn_cast<FloatType>(attr.getElementType())) {
    (void)ft;
    return attr.mapValues(
        type, [&](const APFloat &v) { return convert(v).bitcastToAPInt(); });
  }
  bool isUnsigned = attr.getElementType().isUnsignedInteger() ||
                    attr.getElementType().isInteger(1);
  SmallVector<APFloat> values;
  for (const APInt &v : attr.getValues<APInt>()) {
    APFloat f(sem);
    f.convertFromAPInt(v, !isUnsigned, APFloat::rmNearestTiesToEven);
    values.push_back(f);
  }
  return DenseElementsAttr::get(resultType, values);
}

SmallVector<double>
mlir::lowbit::onnx_import::toDoubles(DenseElementsAttr attr) {
  SmallVector<double> out;
  if (isa<FloatType>(attr.getElementType())) {
    for (APFloat v : attr.getValues<APFloat>()) {
      bool lost;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(v.convertToDouble());
    }
    return out;
  }
  bool isUnsigned = attr.getElementType().isUnsignedInteger() ||
                    attr.getElementType().isInteger(1);
  for (const APInt &v : attr.getValues<APInt>())
    out.push_back(isUnsigned ? static_cast<double>(v.getZExtValue())
                             : static_cast<double>(v.getSExtValue()));
  return out;
}

SmallVector<int64_t> mlir::lowbit::onnx_import::toInts(DenseElementsAttr attr) {
  SmallVector<int64_t> out;
  if (isa<FloatType>(attr.getElementType())) {
    for (double d : toDoubles(attr))
      out.push_back(static_cast<int64_t>(d));
    return out;
  }
  bool isUnsigned = attr.getElementType().isUnsignedInteger() ||
                    attr.getElementType().isInteger(1);
  for (const APInt &v : attr.getValues<APInt>())
    out.push_back(isUnsigned ? static_cast<int64_t>(v.getZExtValue())
                             : v.getSExtValue());
  return out;
}

Value GraphImporter::materializeConstant(DenseElementsAttr attr, int32_t dtype,
                                         Location loc) {
  Type element = valueElementType(dtype);
  DenseElementsAttr value = attr;
  if (auto ft = dyn_cast<FloatType>(element)) {
    value = convertToFloat(attr, ft);
  } else if (element != attr.getElementType()) {
    // Unsigned constants become signless: same bits.
    value = attr.bitcast(element);
  }
  return arith::ConstantOp::create(builder, loc, value);
}

DenseElementsAttr
mlir::lowbit::onnx_import::transposeConstant(DenseElementsAttr attr,
                                             ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(attr.getType());
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> newShape;
  for (int64_t p : perm)
    newShape.push_back(shape[p]);
  auto newType = RankedTensorType::get(newShape, type.getElementType());
  if (attr.isSplat())
    return attr.resizeSplat(newType);
  int64_t rank = type.getRank();
  int64_t count = type.getNumElements();
  SmallVector<int64_t> srcStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    srcStrides[i] = srcStrides[i + 1] * shape[i + 1];
  // For each destination index, the source linear index.
  SmallVector<int64_t> source(count);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t s = 0;
    for (int64_t d = 0; d < rank; ++d)
      s += index[d] * srcStrides[perm[d]];
    source[linear] = s;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < newShape[d])
        break;
      index[d] = 0;
    }
  }
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> values(attr.getValues<bool>());
    SmallVector<bool> out(count);
    for (int64_t i = 0; i < count; ++i)
      out[i] = values[source[i]];
    return DenseElementsAttr::get(newType, ArrayRef<bool>(out));
  }
  ArrayRef<char> raw = attr.getRawData();
  size_t bytes = raw.size() / count;
  std::vector<char> out(raw.size());
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(out.data() + i * bytes, raw.data() + source[i] * bytes, bytes);
  return DenseElementsAttr::getFromRawBuffer(newType, out);
}

FailureOr<SmallVector<int64_t>>
mlir::lowbit::onnx_import::broadcastShapes(ArrayRef<int64_t> a,
                                           ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x != y && x != 1 && y != 1)
      return failure();
    out[i] = x == 1 ? y : x;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// 2-D windows (Conv, QLinearConv, ConvInteger, pools)
//===----------------------------------------------------------------------===//

/// ONNX pads [x1_begin, x2_begin, x1_end, x2_end] (or auto_pad) to lowbit's
/// [top, bottom, left, right]. `kernel` is the effective (dilated) extent.
static FailureOr<SmallVector<int64_t, 4>>
convPadding(NodeContext &ctx, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
            ArrayRef<int64_t> strides) {
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads = ctx.attrInts("pads");
    if (pads.empty())
      return SmallVector<int64_t, 4>{0, 0, 0, 0};
    if (pads.size() != 4 ||
        llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
      ctx.emitError() << "expects 4 non-negative pads for a 2-D window, got "
                      << pads.size() << " values";
      return failure();
    }
    return SmallVector<int64_t, 4>{pads[0], pads[2], pads[1], pads[3]};
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t, 4>{0, 0, 0, 0};
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER") {
    ctx.emitError() << "auto_pad '" << autoPad << "' is not supported";
    return failure();
  }
  SmallVector<int64_t, 4> out(4);
  for (int d = 0; d < 2; ++d) {
    int64_t outSize = (in[d] + strides[d] - 1) / strides[d];
    int64_t total =
        std::max<int64_t>((outSize - 1) * strides[d] + kernel[d] - in[d], 0);
    int64_t small = total / 2, large = total - small;
    out[2 * d] = autoPad == "SAME_UPPER" ? small : large;
    out[2 * d + 1] = autoPad == "SAME_UPPER" ? large : small;
  }
  return out;
}

FailureOr<Window>
mlir::lowbit::onnx_import::readWindow(NodeContext &ctx, ArrayRef<int64_t> inHW,
                                      ArrayRef<int64_t> kernel, bool ceilMode) {
  Window w;
  w.kernel = llvm::to_vector(kernel);
  w.strides = ctx.attrInts("strides");
  if (w.strides.empty())
    w.strides = {1, 1};
  w.dilations = ctx.attrInts("dilations");
  if (w.dilations.empty())
    w.dilations = {1, 1};
  if (w.strides.size() != 2 || w.dilations.size() != 2 ||
      llvm::any_of(w.strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(w.dilations, [](int64_t s) { return s < 1; })) {
    ctx.emitError() << "expects 2 positive strides and dilations";
    return failure();
  }
  SmallVector<int64_t> extent = {w.dilations[0] * (kernel[0] - 1) + 1,
                                 w.dilations[1] * (kernel[1] - 1) + 1};
  FailureOr<SmallVector<int64_t, 4>> pad =
      convPadding(ctx, inHW, extent, w.strides);
  if (failed(pad))
    return failure();
  w.padding = *pad;
  for (int d = 0; d < 2; ++d) {
    int64_t span = inHW[d] + w.padding[2 * d] + w.padding[2 * d + 1];
    if (span < extent[d]) {
      ctx.emitError() << "the window (" << extent[d]
                      << ") is larger than the padded input (" << span << ")";
      return failure();
    }
    int64_t out = (span - extent[d]) / w.strides[d] + 1;
    if (ceilMode) {
      int64_t c = (span - extent[d] + w.strides[d] - 1) / w.strides[d] + 1;
      // The last window must start inside the input or its leading padding.
      if ((c - 1) * w.strides[d] >= inHW[d] + w.padding[2 * d])
        --c;
      // Extra trailing padding makes the floor division see that window.
      w.padding[2 * d + 1] += (c - 1) * w.strides[d] + extent[d] - span;
      out = c;
    }
    w.outHW.push_back(out);
  }
  return w;
}

//===----------------------------------------------------------------------===//
// Layout and shape helpers
//===----------------------------------------------------------------------===//

static constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
static constexpr int64_t kToNCHW[] = {0, 3, 1, 2};

SmallVector<int64_t> GraphImporter::physicalShape(ArrayRef<int64_t> shape,
                                                  Layout layout) {
  if (layout == Layout::Logical)
    return llvm::to_vector(shape);
  SmallVector<int64_t> padded(4 - std::min<size_t>(4, shape.size()), 1);
  padded.append(shape.begin(), shape.end());
  return {padded[0], padded[2], padded[3], padded[1]};
}

Value GraphImporter::reshape(Value value, ArrayRef<int64_t> shape,
                             Location loc) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto target = RankedTensorType::get(shape, type.getElementType());
  auto all = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t i = 0; i < rank; ++i)
      r.push_back(i);
    return SmallVector<ReassociationIndices>{r};
  };
  Value flat = value;
  int64_t count = type.getNumElements();
  if (type.getRank() == 0) {
    // tensor<T> -> tensor<1x..x1xT>.
    return tensor::ExpandShapeOp::create(builder, loc, target, value,
                                         SmallVector<ReassociationIndices>{});
  }
  if (target.getRank() == 0)
    return tensor::CollapseShapeOp::create(builder, loc, target, value,
                                           SmallVector<ReassociationIndices>{});
  if (type.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(
        builder, loc, RankedTensorType::get({count}, type.getElementType()),
        value, all(type.getRank()));
  if (target.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(builder, loc, target, flat,
                                       all(target.getRank()));
}

/// A quantized element type with its per-axis dimension moved by `perm`
/// (result dim j is source dim perm[j]); null if it cannot be expressed.
static Type permuteElementType(Type element, ArrayRef<int64_t> perm) {
  if (auto binary = dyn_cast<BinaryType>(element)) {
    if (binary.isPerTensor())
      return element;
    int32_t moved =
        static_cast<int32_t>(llvm::find(perm, binary.getAxis()) - perm.begin());
    return BinaryType::get(binary.getExpressedType(), binary.getScales(),
                           moved);
  }
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element);
  if (!perAxis)
    return isa<quant::UniformQuantizedType>(element) ? element : Type();
  int32_t axis = perAxis.getQuantizedDimension();
  int32_t moved = static_cast<int32_t>(llvm::find(perm, axis) - perm.begin());
  return quant::UniformQuantizedPerAxisType::get(
      perAxis.getFlags(), perAxis.getStorageType(), perAxis.getExpressedType(),
      perAxis.getScales(), perAxis.getZeroPoints(), moved,
      perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
}

Value GraphImporter::permuteConstant(Value value, ArrayRef<int64_t> perm,
                                     Location loc) {
  // Weights: transposed at compile time, so the quantized ops (and the QDQ
  // fusion) see plain constants.
  if (auto c = value.getDefiningOp<arith::ConstantOp>()) {
    auto attr = dyn_cast<DenseElementsAttr>(c.getValue());
    if (!attr)
      return nullptr;
    return arith::ConstantOp::create(builder, loc,
                                     transposeConstant(attr, perm));
  }
  auto constantOf = [&](lowbit::ConstantOp c) -> Value {
    auto attr = dyn_cast<DenseElementsAttr>(c.getValue());
    Type element =
        permuteElementType(c.getResult().getType().getElementType(), perm);
    if (!attr || !element)
      return nullptr;
    DenseElementsAttr t = transposeConstant(attr, perm);
    return lowbit::ConstantOp::create(
        builder, loc, RankedTensorType::get(t.getType().getShape(), element),
        t);
  };
  if (auto c = value.getDefiningOp<lowbit::ConstantOp>())
    return constantOf(c);
  if (auto dq = value.getDefiningOp<lowbit::DequantizeOp>())
    if (auto c = dq.getInput().getDefiningOp<lowbit::ConstantOp>())
      if (Value t = constantOf(c))
        return lowbit::DequantizeOp::create(
            builder, loc,
            cast<RankedTensorType>(t.getType())
                .clone(dq.getResult().getType().getElementType()),
            t);
  return nullptr;
}

Value GraphImporter::permute(Value value, ArrayRef<int64_t> perm,
                             Location loc) {
  auto type = cast<RankedTensorType>(value.getType());
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> newShape;
  for (int64_t p : perm)
    newShape.push_back(shape[p]);
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return value;
  // Moving only unit dimensions keeps the element order: a reshape.
  SmallVector<int64_t> order;
  for (int64_t p : perm)
    if (shape[p] != 1)
      order.push_back(p);
  if (llvm::is_sorted(order))
    return reshape(value, newShape, loc);
  if (Value folded = permuteConstant(value, perm, loc))
    return folded;
  Value init =
      tensor::EmptyOp::create(builder, loc, newShape, type.getElementType());
  return linalg::TransposeOp::create(builder, loc, value, init, perm)
      ->getResult(0);
}

Value GraphImporter::get(TensorValue &tv, Layout layout, Location loc) {
  if (!tv.value) {
    if (layout == Layout::NHWC) {
      SmallVector<int64_t> padded(4 - std::min<size_t>(4, tv.shape.size()), 1);
      padded.append(tv.shape.begin(), tv.shape.end());
      DenseElementsAttr c = tv.constant.reshape(
          RankedTensorType::get(padded, tv.constant.getElementType()));
      return materializeConstant(transposeConstant(c, kToNHWC), tv.dtype, loc);
    }
    tv.value = materializeConstant(tv.constant, tv.dtype, loc);
    tv.layout = Layout::Logical;
    return tv.value;
  }
  if (tv.layout == layout)
    return tv.value;
  if (layout == Layout::Logical)
    return permute(tv.value, kToNCHW, loc);
  // Logical -> NHWC, padding lower ranks with leading unit dimensions.
  Value v = tv.value;
  if (tv.rank() < 4) {
    SmallVector<int64_t> padded(4 - tv.rank(), 1);
    padded.append(tv.shape.begin(), tv.shape.end());
    v = reshape(v, padded, loc);
  }
  return permute(v, kToNHWC, loc);
}

Value GraphImporter::map(
    ValueRange operands, Type resultElement, Location loc,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<int64_t> shape;
  for (Value v : operands)
    shape =
        *broadcastShapes(shape, cast<RankedTensorType>(v.getType()).getShape());
  int64_t rank = shape.size();
  SmallVector<AffineMap> maps;
  for (Value v : operands) {
    ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
    SmallVector<AffineExpr> exprs;
    int64_t offset = rank - static_cast<int64_t>(s.size());
    for (int64_t i = 0, e = s.size(); i < e; ++i)
      exprs.push_back(s[i] == 1 && shape[i + offset] != 1
                          ? builder.getAffineConstantExpr(0)
                          : builder.getAffineDimExpr(i + offset));
    maps.push_back(AffineMap::get(rank, 0, exprs, context));
  }
  maps.push_back(builder.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(builder, loc, shape, resultElement);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto op = linalg::GenericOp::create(
      builder, loc, TypeRange{init.getType()}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &b, Location l, ValueRange args) {
        Value r = body(b, l, args.drop_back());
        linalg::YieldOp::create(b, l, r);
      });
  return op->getResult(0);
}

//===----------------------------------------------------------------------===//
// The graph walk
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext *context, StringRef fileName,
                             const ONNXImportOptions &options)
    : context(context), builder(context), fileName(fileName.str()),
      options(options) {
  switch (options.precision) {
  case ImportPrecision::F32:
    floatType = Float32Type::get(context);
    break;
  case ImportPrecision::F16:
    floatType = Float16Type::get(context);
    break;
  case ImportPrecision::BF16:
    floatType = BFloat16Type::get(context);
    break;
  }
}

/// A C identifier made from the file name: `resnet-18.onnx` -> `resnet_18`.
static std::string functionNameFor(StringRef fileName) {
  std::string stem = llvm::sys::path::stem(fileName).str();
  std::string name;
  for (char c : stem)
    name += llvm::isAlnum(c) ? c : '_';
  if (name.empty() || llvm::isDigit(name[0]))
    name = "model_" + name;
  return name;
}

/// The C-ABI type of a graph input or output of ONNX type `dtype`: floats as
/// is, integers as affine types of scale 1 (stored value = integer value).
static Type boundaryElementType(MLIRContext *ctx, int32_t dtype) {
  auto f32 = Float32Type::get(ctx);
  switch (dtype) {
  case DT::TensorProto_DataType_FLOAT:
    return f32;
  case DT::TensorProto_DataType_FLOAT16:
    return Float16Type::get(ctx);
  case DT::TensorProto_DataType_BFLOAT16:
    return BFloat16Type::get(ctx);
  default:
    break;
  }
  unsigned width;
  bool isSigned;
  switch (dtype) {
  case DT::TensorProto_DataType_INT8:
    width = 8, isSigned = true;
    break;
  case DT::TensorProto_DataType_UINT8:
    width = 8, isSigned = false;
    break;
  case DT::TensorProto_DataType_INT16:
    width = 16, isSigned = true;
    break;
  case DT::TensorProto_DataType_UINT16:
    width = 16, isSigned = false;
    break;
  case DT::TensorProto_DataType_INT32:
    width = 32, isSigned = true;
    break;
  default:
    return nullptr;
  }
  auto storage = IntegerType::get(ctx, width);
  int64_t lo = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t hi =
      isSigned ? (int64_t(1) << (width - 1)) - 1 : (int64_t(1) << width) - 1;
  return quant::UniformQuantizedType::get(
      isSigned ? quant::QuantizationFlags::Signed : 0, storage, f32, 1.0, 0, lo,
      hi);
}

OwningOpRef<ModuleOp>
GraphImporter::importModel(const onnx::ModelProto &model) {
  const onnx::GraphProto &graph = model.graph();
  Location fileLoc = FileLineColLoc::get(context, fileName, 0, 0);
  auto nameLoc = [&](StringRef name) -> Location {
    return NameLoc::get(StringAttr::get(context, name), fileLoc);
  };

  for (const onnx::OperatorSetIdProto &set : model.opset_import()) {
    std::string domain = set.domain() == "ai.onnx" ? "" : set.domain();
    opsets[domain] = set.version();
  }
  const OpRegistry &registry = getRegistry();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  // ONNX rounds half to even with float32 multipliers (onnxruntime).
  (*module)->setAttr(kRequantModeAttrName,
                     RequantModeAttr::get(context, RequantMode::Float));
  builder.setInsertionPointToEnd(module->getBody());

  auto fail = [&](Location loc, const Twine &message) {
    mlir::emitError(loc) << message;
    return OwningOpRef<ModuleOp>();
  };

  // Compile-time constants: initializers, then frozen inputs.
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &t : graph.initializer()) {
    std::string error;
    FailureOr<DenseElementsAttr> attr = readTensor(t, error);
    if (failed(attr))
      return fail(nameLoc(t.name()), "initializer: " + error);
    values[t.name()] = makeConstant(*attr, t.data_type());
    initializers.insert(t.name());
  }
  for (const onnx::SparseTensorProto &t : graph.sparse_initializer())
    return fail(nameLoc(t.values().name()),
                "sparse initializers are not supported");

  llvm::StringSet<> graphInputs;
  for (const onnx::ValueInfoProto &in : graph.input())
    graphInputs.insert(in.name());
  for (const auto &entry : options.frozenInputs) {
    if (!graphInputs.contains(entry.getKey()))
      return fail(fileLoc, "--freeze-input names '" + entry.getKey() +
                               "', which is not an input of the graph");
  }
  for (const auto &entry : options.inputShapes) {
    if (!graphInputs.contains(entry.getKey()))
      return fail(fileLoc, "--input-shape names '" + entry.getKey() +
                               "', which is not an input of the graph");
  }

  // The function: one argument per runtime input.
  std::string funcName = options.functionName.empty()
                             ? functionNameFor(fileName)
                             : options.functionName;
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> runtimeInputs;
  SmallVector<SmallVector<int64_t>> inputShapes;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (initializers.contains(in.name()))
      continue;
    Location loc = nameLoc(in.name());
    if (!in.type().has_tensor_type())
      return fail(loc, "input '" + in.name() + "' is not a tensor");
    const onnx::TypeProto_Tensor &tt = in.type().tensor_type();
    int32_t dtype = tt.elem_type();
    // Shape: from the model, with --input-shape filling dynamic dims.
    SmallVector<int64_t> shape;
    auto given = options.inputShapes.find(in.name());
    if (!tt.has_shape())
      if (given == options.inputShapes.end())
        return fail(loc, "input '" + in.name() +
                             "' has no shape; give one with --input-shape=" +
                             in.name() + "=...");
    if (given != options.inputShapes.end()) {
      shape = given->second;
      if (tt.has_shape() && tt.shape().dim_size() != (int)shape.size())
        return fail(loc, "--input-shape gives input '" + in.name() + "' rank " +
                             Twine(shape.size()) +
                             ", but the model says rank " +
                             Twine(tt.shape().dim_size()));
      if (tt.has_shape())
        for (int i = 0, e = tt.shape().dim_size(); i < e; ++i) {
          const auto &dim = tt.shape().dim(i);
          if (dim.has_dim_value() && dim.dim_value() > 0 &&
              dim.dim_value() != shape[i])
            return fail(loc, "--input-shape gives dimension " + Twine(i) +
                                 " of input '" + in.name() + "' size " +
                                 Twine(shape[i]) + ", but the model fixes " +
                                 Twine(dim.dim_value()));
        }
    } else {
      for (int i = 0, e = tt.shape().dim_size(); i < e; ++i) {
        const auto &dim = tt.shape().dim(i);
        if (!dim.has_dim_value() || dim.dim_value() <= 0) {
          std::string what = dim.has_dim_param()
                                 ? " ('" + dim.dim_param() + "')"
                                 : std::string();
          return fail(loc, "input '" + in.name() +
                               "' has a dynamic dimension " + Twine(i) + what +
                               "; fix it with --input-shape=" + in.name() +
                               "=<d0>x<d1>x...");
        }
        shape.push_back(dim.dim_value());
      }
    }
    auto frozen = options.frozenInputs.find(in.name());
    if (frozen != options.frozenInputs.end()) {
      auto buffer = llvm::MemoryBuffer::getFile(frozen->second);
      if (!buffer)
        return fail(
            loc, "input '" + in.name() + "': cannot read '" + frozen->second +
                     "' for --freeze-input: " + buffer.getError().message());
      onnx::TensorProto tensor;
      std::string error;
      if (failed(loadTensor((*buffer)->getMemBufferRef(), tensor, error)))
        return fail(loc, "input '" + in.name() + "': '" + frozen->second +
                             "' (--freeze-input) is " + error);
      FailureOr<DenseElementsAttr> attr = readTensor(tensor, error);
      if (failed(attr))
        return fail(loc, "input '" + in.name() + "': " + error);
      if (tensor.data_type() != dtype ||
          attr->getType().getShape() != ArrayRef<int64_t>(shape))
        return fail(loc, "input '" + in.name() + "': the tensor in '" +
                             frozen->second +
                             "' (--freeze-input) does not "
                             "match the input's type and shape");
      values[in.name()] = makeConstant(*attr, dtype);
      continue;
    }
    Type element = boundaryElementType(context, dtype);
    if (!element)
      return fail(loc, "input '" + in.name() + "' has element type " +
                           dtypeName(dtype) +
                           ", which the C ABI does not take (float32, "
                           "float16, bfloat16, int8, uint8, int16, uint16, "
                           "int32)");
    Layout layout = options.ioLayout == IOLayout::NHWC && shape.size() == 4
                        ? Layout::NHWC
                        : Layout::Logical;
    argTypes.push_back(
        RankedTensorType::get(physicalShape(shape, layout), element));
    runtimeInputs.push_back(&in);
    inputShapes.push_back(shape);
  }

  auto func = func::FuncOp::create(builder, fileLoc, funcName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);

  for (auto [i, in] : llvm::enumerate(runtimeInputs)) {
    Location loc = nameLoc(in->name());
    Value arg = entry->getArgument(i);
    auto argType = cast<RankedTensorType>(arg.getType());
    TensorValue tv;
    tv.shape = inputShapes[i];
    tv.dtype = in->type().tensor_type().elem_type();
    tv.layout = options.ioLayout == IOLayout::NHWC && tv.shape.size() == 4
                    ? Layout::NHWC
                    : Layout::Logical;
    Type element = argType.getElementType();
    if (isa<quant::QuantizedType>(element)) {
      tv.value = lowbit::StorageCastOp::create(
          builder, loc, argType.clone(valueElementType(tv.dtype)), arg);
    } else if (element != valueElementType(tv.dtype)) {
      tv.value = lowbit::QuantizeOp::create(
          builder, loc, argType.clone(valueElementType(tv.dtype)), arg);
    } else {
      tv.value = arg;
    }
    values[in->name()] = tv;
  }

  // Consumers per value, so handlers can fuse into single-use producers.
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &name : node.input())
      if (!name.empty())
        ++uses[name];
  for (const onnx::ValueInfoProto &out : graph.output())
    ++uses[out.name()];

  for (const auto &[index, node] : llvm::enumerate(graph.node())) {
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(index)
                           : node.name();
    Location loc = nameLoc(name);
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    auto opset = opsets.find(domain);
    if (opset == opsets.end())
      return fail(loc, "node '" + name + "' (" + node.op_type() +
                           "): the model imports no opset for its domain '" +
                           domainName(domain) + "'");
    bool known = false;
    const Handler *handler =
        registry.lookup(domain, node.op_type(), opset->second, known);
    // Older QONNX files spell the domain differently; same ops.
    if (!handler && (domain == kDomainFINN || domain == kDomainBrevitas))
      handler = registry.lookup(kDomainQONNX, node.op_type(), 1, known);
    if (!handler) {
      std::string prefix = "node '" + name + "' (" + node.op_type() +
                           ", domain " + domainName(domain) + ", opset " +
                           std::to_string(opset->second) + "): ";
      if (!registry.hasDomain(domain) && domain != kDomainFINN &&
          domain != kDomainBrevitas)
        return fail(loc, prefix + "domain '" + domainName(domain) +
                             "' is not supported");
      if (known)
        return fail(loc, prefix + "this opset version of the op is not "
                                  "supported");
      return fail(loc, prefix + "unsupported op");
    }
    // A node whose results nobody reads is dropped (e.g. Dropout masks).
    NodeContext ctx(*this, node, name, opset->second, loc);
    if (failed((*handler)(ctx)))
      return {};
    for (int64_t i = 0; i < node.output_size(); ++i) {
      if (ctx.isOutputUsed(i) && !values.count(node.output(i)))
        return fail(loc, "node '" + name + "' (" + node.op_type() +
                             "): output #" + Twine(i) +
                             " is used but cannot be imported");
    }
  }

  // Results.
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    Location loc = nameLoc(out.name());
    auto it = values.find(out.name());
    if (it == values.end())
      return fail(loc, "graph output '" + out.name() + "' is never produced");
    TensorValue &tv = it->second;
    Layout layout = options.ioLayout == IOLayout::NHWC && tv.rank() == 4
                        ? Layout::NHWC
                        : Layout::Logical;
    Value v = get(tv, layout, loc);
    auto type = cast<RankedTensorType>(v.getType());
    Type element = type.getElementType();
    if (isa<quant::QuantizedType>(element)) {
      // Quantized results keep their type: the header states scale and
      // zero point.
    } else if (isa<FloatType>(element)) {
      if (element != boundaryElementType(context, tv.dtype)) {
        Type want = boundaryElementType(context, tv.dtype);
        if (!want || !isa<FloatType>(want))
          return fail(loc, "graph output '" + out.name() +
                               "' has element type " + dtypeName(tv.dtype) +
                               ", which the C ABI does not take");
        v = lowbit::DequantizeOp::create(builder, loc, type.clone(want), v);
      }
    } else if (tv.dtype == DT::TensorProto_DataType_INT64 &&
               element.isSignlessInteger(64)) {
      // int64 results (e.g. Shape) are plain int64_t arrays at the C ABI.
    } else {
      Type want = boundaryElementType(context, tv.dtype);
      if (!want)
        return fail(loc, "graph output '" + out.name() + "' has element type " +
                             dtypeName(tv.dtype) +
                             ", which the C ABI does not take (float32, "
                             "float16, bfloat16, int8, uint8, int16, uint16, "
                             "int32, and int64 for outputs)");
      v = lowbit::StorageCastOp::create(builder, loc, type.clone(want), v);
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  // The C header names each tensor and states the layout of rank-4 ones.
  SmallVector<Attribute> names;
  for (const onnx::ValueInfoProto *in : runtimeInputs)
    names.push_back(builder.getStringAttr(in->name()));
  for (const onnx::ValueInfoProto &out : graph.output())
    names.push_back(builder.getStringAttr(out.name()));
  func->setAttr(kIONamesAttrName, builder.getArrayAttr(names));
  func->setAttr(kIOLayoutAttrName,
                builder.getStringAttr(options.ioLayout == IOLayout::NHWC
                                          ? "NHWC (channels last)"
                                          : "NCHW (as in the ONNX model)"));
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

bool mlir::lowbit::isONNXFile(StringRef path) {
  return llvm::sys::path::extension(path).equals_insensitive(".onnx");
}

void mlir::lowbit::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, quant::QuantDialect, tensor::TensorDialect,
                  lowbit::LowBitDialect>();
}

OwningOpRef<ModuleOp>
mlir::lowbit::importONNX(llvm::MemoryBufferRef buffer, StringRef fileName,
                         MLIRContext *context,
                         const ONNXImportOptions &options) {
  DialectRegistry registry;
  registerONNXImportDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  onnx::ModelProto model;
  std::string error;
  if (failed(loadModel(buffer, model, error))) {
    mlir::emitError(FileLineColLoc::get(context, fileName, 0, 0)) << error;
    return {};
  }
  GraphImporter importer(context, fileName, options);
  if (options.precision != ImportPrecision::F32) {
    for (const onnx::NodeProto &node : model.graph().node())
      if (node.op_type() == "QuantizeLinear" ||
          node.op_type() == "DequantizeLinear" ||
          StringRef(node.op_type()).starts_with("QLinear") ||
          StringRef(node.op_type()).ends_with("Integer")) {
        mlir::emitError(FileLineColLoc::get(context, fileName, 0, 0))
            << "--precision applies to float models; node '" << node.name()
            << "' (" << node.op_type() << ") makes this one quantized";
        return {};
      }
  }
  OwningOpRef<ModuleOp> module = importer.importModel(model);
  if (!module)
    return {};
  if (failed(mlir::verify(*module)))
    return {};
  return module;
}
