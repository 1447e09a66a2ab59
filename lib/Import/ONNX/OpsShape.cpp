//===- OpsShape.cpp - ONNX shape, layout, constant and cast ops -----------===//
//
// Part of the lowbit project.
//
// Shapes are static after import, so Shape, ConstantOfShape and the integer
// arithmetic PyTorch emits around Reshape fold to constants at compile time.
// Reshape, Flatten, Squeeze and Unsqueeze become tensor reshapes, Transpose
// a linalg.transpose (composed with a pending NHWC layout), Concat a chain of
// tensor.insert_slice.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

using DT = onnx::TensorProto_DataType;

namespace {

/// Normalizes an axis in [-rank, rank) to [0, rank).
FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis, int64_t rank,
                                 StringRef what = "axis") {
  if (axis < -rank || axis >= rank) {
    ctx.emitError() << what << " " << axis << " is out of range for rank "
                    << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

/// Sets output 0 to `input` reshaped to `shape` (folded for constants).
LogicalResult reshapeTo(NodeContext &ctx, TensorValue *input,
                        ArrayRef<int64_t> shape) {
  TensorValue out;
  out.shape = llvm::to_vector(shape);
  out.dtype = input->dtype;
  if (input->constant) {
    out.constant = input->constant.reshape(
        RankedTensorType::get(shape, input->constant.getElementType()));
  } else {
    Value v = ctx.importer.get(*input, Layout::Logical, ctx.loc);
    out.value = ctx.importer.reshape(v, shape, ctx.loc);
  }
  ctx.setOutput(0, out);
  return success();
}

int64_t product(ArrayRef<int64_t> v) {
  int64_t p = 1;
  for (int64_t d : v)
    p *= d;
  return p;
}

LogicalResult importFlatten(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = (*x)->rank();
  int64_t axis = ctx.attrInt("axis", 1);
  if (axis < -rank || axis > rank) {
    ctx.emitError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> s = (*x)->shape;
  return reshapeTo(ctx, *x,
                   {product(s.take_front(axis)), product(s.drop_front(axis))});
}

LogicalResult importReshape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"allowzero", "shape"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> target;
  if (ctx.opset < 5) {
    target = ctx.attrInts("shape");
  } else {
    FailureOr<SmallVector<int64_t>> s = ctx.intsInput(1, "the target shape");
    if (failed(s))
      return failure();
    target = *s;
  }
  bool allowZero = ctx.attrInt("allowzero", 0);
  ArrayRef<int64_t> in = (*x)->shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= static_cast<int64_t>(in.size())) {
        ctx.emitError() << "shape entry " << i
                        << " is 0 (copy) past the input rank";
        return failure();
      }
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0) {
        ctx.emitError() << "the target shape has more than one -1";
        return failure();
      }
      inferred = i;
      continue;
    }
    if (d < 0) {
      ctx.emitError() << "invalid target dimension " << d;
      return failure();
    }
    known *= d;
  }
  int64_t total = product(in);
  if (inferred >= 0) {
    if (known == 0 || total % known) {
      ctx.emitError() << "cannot infer the -1 dimension: " << total
                      << " elements do not divide by " << known;
      return failure();
    }
    target[inferred] = total / known;
    known = total;
  }
  if (known != total) {
    ctx.emitError() << "cannot reshape " << total << " elements into " << known;
    return failure();
  }
  return reshapeTo(ctx, *x, target);
}

LogicalResult importSqueeze(NodeContext &ctx, bool unsqueeze) {
  if (failed(ctx.checkAttributes({"axes"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  if (ctx.opset < 13) {
    axes = ctx.attrInts("axes");
  } else if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> a = ctx.intsInput(1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  }
  ArrayRef<int64_t> in = (*x)->shape;
  SmallVector<int64_t> out;
  if (unsqueeze) {
    int64_t rank = in.size() + axes.size();
    SmallVector<bool> inserted(rank, false);
    for (int64_t a : axes) {
      FailureOr<int64_t> n = normalizeAxis(ctx, a, rank);
      if (failed(n))
        return failure();
      if (inserted[*n]) {
        ctx.emitError() << "axis " << a << " is repeated";
        return failure();
      }
      inserted[*n] = true;
    }
    size_t next = 0;
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(inserted[i] ? 1 : in[next++]);
  } else {
    int64_t rank = in.size();
    SmallVector<bool> removed(rank, false);
    if (axes.empty()) {
      for (int64_t i = 0; i < rank; ++i)
        removed[i] = in[i] == 1;
    }
    for (int64_t a : axes) {
      FailureOr<int64_t> n = normalizeAxis(ctx, a, rank);
      if (failed(n))
        return failure();
      if (in[*n] != 1) {
        ctx.emitError() << "cannot squeeze axis " << a << " of size " << in[*n];
        return failure();
      }
      removed[*n] = true;
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!removed[i])
        out.push_back(in[i]);
  }
  return reshapeTo(ctx, *x, out);
}

LogicalResult importTranspose(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"perm"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = (*x)->rank();
  SmallVector<int64_t> perm = ctx.attrInts("perm");
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<int64_t> sorted = perm;
  llvm::sort(sorted);
  if (static_cast<int64_t>(perm.size()) != rank ||
      !llvm::equal(sorted, llvm::seq<int64_t>(0, rank))) {
    ctx.emitError() << "perm is not a permutation of 0.." << rank - 1;
    return failure();
  }
  TensorValue out;
  out.dtype = (*x)->dtype;
  for (int64_t p : perm)
    out.shape.push_back((*x)->shape[p]);
  GraphImporter &g = ctx.importer;
  if ((*x)->constant) {
    out.constant = transposeConstant((*x)->constant, perm);
  } else if ((*x)->layout == Layout::NHWC) {
    // Compose with the pending layout: logical dim d lives at physical
    // position pos[d].
    static constexpr int64_t pos[] = {0, 3, 1, 2};
    SmallVector<int64_t> physical;
    for (int64_t p : perm)
      physical.push_back(pos[p]);
    out.value = g.permute((*x)->value, physical, ctx.loc);
  } else {
    out.value = g.permute((*x)->value, perm, ctx.loc);
  }
  ctx.setOutput(0, out);
  return success();
}

LogicalResult importConcat(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  SmallVector<TensorValue *> inputs;
  for (int64_t i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<TensorValue *> x = ctx.input(i);
    if (failed(x))
      return failure();
    inputs.push_back(*x);
  }
  if (inputs.empty()) {
    ctx.emitError() << "expects at least one operand";
    return failure();
  }
  int64_t rank = inputs[0]->rank();
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.attrInt("axis", 0), std::max<int64_t>(rank, 1));
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape = inputs[0]->shape;
  shape[*axis] = 0;
  bool allConstant = true, anyNHWC = false;
  for (TensorValue *in : inputs) {
    if (in->dtype != inputs[0]->dtype || in->rank() != rank) {
      ctx.emitError() << "operands differ in element type or rank";
      return failure();
    }
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && in->shape[d] != shape[d]) {
        ctx.emitError() << "operand shapes differ outside the axis";
        return failure();
      }
    shape[*axis] += in->shape[*axis];
    allConstant &= in->isConstant();
    anyNHWC |= in->value && in->layout == Layout::NHWC;
  }
  TensorValue out;
  out.shape = shape;
  out.dtype = inputs[0]->dtype;
  if (allConstant) {
    // Element-wise copy through attributes: constants here are small
    // (shape vectors, a few weights).
    SmallVector<Attribute> values;
    int64_t outer = product(ArrayRef<int64_t>(shape).take_front(*axis));
    for (int64_t o = 0; o < outer; ++o)
      for (TensorValue *in : inputs) {
        int64_t block = product(ArrayRef<int64_t>(in->shape).drop_front(*axis));
        auto all = llvm::to_vector(in->constant.getValues<Attribute>());
        values.append(all.begin() + o * block, all.begin() + (o + 1) * block);
      }
    out.constant = DenseElementsAttr::get(
        RankedTensorType::get(shape, inputs[0]->constant.getElementType()),
        values);
    ctx.setOutput(0, out);
    return success();
  }
  GraphImporter &g = ctx.importer;
  Layout layout = anyNHWC && rank == 4 ? Layout::NHWC : Layout::Logical;
  static constexpr int64_t pos[] = {0, 3, 1, 2};
  int64_t physAxis = layout == Layout::NHWC ? pos[*axis] : *axis;
  SmallVector<int64_t> physShape = GraphImporter::physicalShape(shape, layout);
  SmallVector<Value> operands;
  for (TensorValue *in : inputs)
    operands.push_back(g.get(*in, layout, ctx.loc));
  Type element = cast<RankedTensorType>(operands[0].getType()).getElementType();
  OpBuilder &b = ctx.builder();
  Value result = tensor::EmptyOp::create(b, ctx.loc, physShape, element);
  int64_t offset = 0;
  for (Value v : operands) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> offsets(physShape.size(), 0),
        strides(physShape.size(), 1);
    offsets[physAxis] = offset;
    result = tensor::InsertSliceOp::create(
        b, ctx.loc, v, result, ValueRange{}, ValueRange{}, ValueRange{},
        b.getDenseI64ArrayAttr(offsets),
        b.getDenseI64ArrayAttr(type.getShape()),
        b.getDenseI64ArrayAttr(strides));
    offset += type.getDimSize(physAxis);
  }
  out.value = result;
  out.layout = layout;
  ctx.setOutput(0, out);
  return success();
}

LogicalResult importIdentity(NodeContext &ctx) {
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  ctx.setOutput(0, **x);
  return success();
}

LogicalResult importDropout(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"ratio", "seed", "is_test"})))
    return failure();
  if (ctx.hasInput(2)) {
    FailureOr<DenseElementsAttr> training =
        ctx.constantInput(2, "training_mode");
    if (failed(training))
      return failure();
    if (llvm::any_of(toInts(*training), [](int64_t v) { return v != 0; })) {
      ctx.emitError() << "training mode is not supported";
      return failure();
    }
  }
  if (ctx.isOutputUsed(1)) {
    ctx.emitError() << "the mask output is not supported";
    return failure();
  }
  return importIdentity(ctx);
}

LogicalResult importConstant(NodeContext &ctx) {
  if (ctx.node.attribute_size() != 1) {
    ctx.emitError() << "expects exactly one value attribute";
    return failure();
  }
  const onnx::AttributeProto &a = ctx.node.attribute(0);
  OpBuilder &b = ctx.builder();
  DenseElementsAttr attr;
  int32_t dtype;
  if (a.name() == "value") {
    std::string error;
    FailureOr<DenseElementsAttr> t = ctx.importer.readTensor(a.t(), error);
    if (failed(t)) {
      ctx.emitError() << error;
      return failure();
    }
    attr = *t;
    dtype = a.t().data_type();
  } else if (a.name() == "value_float" || a.name() == "value_floats") {
    SmallVector<float> v;
    if (a.name() == "value_float")
      v.push_back(a.f());
    else
      v.assign(a.floats().begin(), a.floats().end());
    SmallVector<int64_t> shape;
    if (a.name() == "value_floats")
      shape.push_back(v.size());
    attr = DenseElementsAttr::get(RankedTensorType::get(shape, b.getF32Type()),
                                  ArrayRef<float>(v));
    dtype = DT::TensorProto_DataType_FLOAT;
  } else if (a.name() == "value_int" || a.name() == "value_ints") {
    SmallVector<int64_t> v;
    if (a.name() == "value_int")
      v.push_back(a.i());
    else
      v.assign(a.ints().begin(), a.ints().end());
    SmallVector<int64_t> shape;
    if (a.name() == "value_ints")
      shape.push_back(v.size());
    attr = DenseElementsAttr::get(RankedTensorType::get(shape, b.getI64Type()),
                                  ArrayRef<int64_t>(v));
    dtype = DT::TensorProto_DataType_INT64;
  } else {
    ctx.emitError() << "constant attribute '" << a.name()
                    << "' is not supported";
    return failure();
  }
  ctx.setOutput(0, ctx.importer.makeConstant(attr, dtype));
  return success();
}

LogicalResult importConstantOfShape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"value"})))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = ctx.intsInput(0, "the shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; })) {
    ctx.emitError() << "negative dimension in the shape";
    return failure();
  }
  OpBuilder &b = ctx.builder();
  DenseElementsAttr value;
  int32_t dtype = DT::TensorProto_DataType_FLOAT;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    std::string error;
    FailureOr<DenseElementsAttr> t = ctx.importer.readTensor(a->t(), error);
    if (failed(t)) {
      ctx.emitError() << error;
      return failure();
    }
    if (t->getNumElements() != 1) {
      ctx.emitError() << "value must hold one element";
      return failure();
    }
    value = *t;
    dtype = a->t().data_type();
  } else {
    value = DenseElementsAttr::get(RankedTensorType::get({1}, b.getF32Type()),
                                   0.0f);
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  ctx.setOutput(0, ctx.importer.makeConstant(
                       DenseElementsAttr::get(
                           type, *value.getValues<Attribute>().begin()),
                       dtype));
  return success();
}

LogicalResult importShape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"start", "end"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = (*x)->rank();
  auto clampAxis = [&](int64_t a) {
    if (a < 0)
      a += rank;
    return std::min(std::max<int64_t>(a, 0), rank);
  };
  int64_t start = clampAxis(ctx.attrInt("start", 0));
  int64_t end = clampAxis(ctx.attrInt("end", rank));
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back((*x)->shape[i]);
  OpBuilder &b = ctx.builder();
  auto attr = DenseElementsAttr::get(
      RankedTensorType::get({static_cast<int64_t>(dims.size())},
                            b.getI64Type()),
      ArrayRef<int64_t>(dims));
  ctx.setOutput(
      0, ctx.importer.makeConstant(attr, DT::TensorProto_DataType_INT64));
  return success();
}

LogicalResult importGather(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  FailureOr<TensorValue *> data = ctx.input(0);
  if (failed(data))
    return failure();
  if (!(*data)->constant) {
    ctx.emitError() << "Gather is only imported on constants (shape "
                       "computations); the data here is computed at run "
                       "time";
    return failure();
  }
  FailureOr<DenseElementsAttr> indices = ctx.constantInput(1, "the indices");
  if (failed(indices))
    return failure();
  int64_t rank = (*data)->rank();
  FailureOr<int64_t> axis = normalizeAxis(ctx, ctx.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> shape = (*data)->shape;
  int64_t outer = product(shape.take_front(*axis));
  int64_t inner = product(shape.drop_front(*axis + 1));
  int64_t n = shape[*axis];
  auto values = llvm::to_vector((*data)->constant.getValues<Attribute>());
  SmallVector<Attribute> out;
  SmallVector<int64_t> idx = toInts(*indices);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : idx) {
      if (i < -n || i >= n) {
        ctx.emitError() << "index " << i << " is out of range for size " << n;
        return failure();
      }
      if (i < 0)
        i += n;
      for (int64_t k = 0; k < inner; ++k)
        out.push_back(values[(o * n + i) * inner + k]);
    }
  SmallVector<int64_t> outShape(shape.take_front(*axis));
  auto ishape = indices->getType().getShape();
  outShape.append(ishape.begin(), ishape.end());
  outShape.append(shape.begin() + *axis + 1, shape.end());
  ctx.setOutput(0, ctx.importer.makeConstant(
                       DenseElementsAttr::get(
                           RankedTensorType::get(
                               outShape, (*data)->constant.getElementType()),
                           out),
                       (*data)->dtype));
  return success();
}

/// Cast of a compile-time constant.
FailureOr<DenseElementsAttr> castConstant(NodeContext &ctx,
                                          DenseElementsAttr attr, int32_t to) {
  Type element = ctx.importer.constantElementType(to);
  if (auto ft = dyn_cast<FloatType>(element))
    return convertToFloat(attr, ft);
  auto it = cast<IntegerType>(element);
  SmallVector<APInt> values;
  if (isa<FloatType>(attr.getElementType())) {
    for (double d : toDoubles(attr)) {
      APSInt v(it.getWidth(), it.isUnsigned() || it.getWidth() == 1);
      bool exact;
      APFloat(d).convertToInteger(v, APFloat::rmTowardZero, &exact);
      values.push_back(v);
    }
  } else {
    bool isUnsigned = attr.getElementType().isUnsignedInteger() ||
                      attr.getElementType().isInteger(1);
    for (APInt v : attr.getValues<APInt>())
      values.push_back(it.getWidth() == 1 ? APInt(1, !v.isZero())
                       : isUnsigned       ? v.zextOrTrunc(it.getWidth())
                                          : v.sextOrTrunc(it.getWidth()));
  }
  return DenseElementsAttr::get(attr.getType().clone(element), values);
}

LogicalResult importCast(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"to", "saturate"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  int32_t to = ctx.attrInt("to", 0);
  GraphImporter &g = ctx.importer;
  if (!g.constantElementType(to)) {
    ctx.emitError() << "cast to " << GraphImporter::dtypeName(to)
                    << " is not supported";
    return failure();
  }
  if ((*x)->dtype == to) {
    ctx.setOutput(0, **x);
    return success();
  }
  TensorValue out;
  out.shape = (*x)->shape;
  out.dtype = to;
  if ((*x)->constant) {
    FailureOr<DenseElementsAttr> c = castConstant(ctx, (*x)->constant, to);
    if (failed(c))
      return failure();
    out.constant = *c;
    ctx.setOutput(0, out);
    return success();
  }
  Type from = g.valueElementType((*x)->dtype), into = g.valueElementType(to);
  if (!from || !into) {
    ctx.emitError() << "cast from " << GraphImporter::dtypeName((*x)->dtype)
                    << " to " << GraphImporter::dtypeName(to)
                    << " is not supported at run time";
    return failure();
  }
  Layout layout = (*x)->layout;
  Value v = g.get(**x, layout, ctx.loc);
  auto vType = cast<RankedTensorType>(v.getType());
  if (auto q = dyn_cast<quant::QuantizedType>(vType.getElementType())) {
    // A quantized value is its stored integers to ONNX (e.g. the int32
    // accumulator of MatMulInteger / ConvInteger before its Cast to float).
    Type storage =
        IntegerType::get(ctx.getContext(), q.getStorageTypeIntegralWidth());
    if (storage != from) {
      ctx.emitError() << "cast of a value stored in "
                      << q.getStorageTypeIntegralWidth() << " bits as "
                      << GraphImporter::dtypeName((*x)->dtype)
                      << " is not supported";
      return failure();
    }
    if (from != into)
      v = lowbit::StorageCastOp::create(ctx.builder(), ctx.loc,
                                        vType.clone(storage), v);
  }
  if (from == into) {
    // Same storage, different ONNX type (e.g. a quantized uint8 passed on
    // as uint8): nothing to compute.
    out.value = v;
    out.layout = layout;
    ctx.setOutput(0, out);
    return success();
  }
  bool srcUnsigned = GraphImporter::isUnsignedDType((*x)->dtype);
  bool dstUnsigned = GraphImporter::isUnsignedDType(to);
  out.value = g.map(
      v, into, ctx.loc, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value s = a[0];
        bool fromFloat = isa<FloatType>(from);
        bool toFloat = isa<FloatType>(into);
        if (fromFloat && toFloat)
          return from.getIntOrFloatBitWidth() < into.getIntOrFloatBitWidth()
                     ? (Value)arith::ExtFOp::create(b, l, into, s)
                     : (Value)arith::TruncFOp::create(b, l, into, s);
        if (!fromFloat && toFloat)
          return srcUnsigned ? (Value)arith::UIToFPOp::create(b, l, into, s)
                             : (Value)arith::SIToFPOp::create(b, l, into, s);
        if (fromFloat && !toFloat)
          return dstUnsigned ? (Value)arith::FPToUIOp::create(b, l, into, s)
                             : (Value)arith::FPToSIOp::create(b, l, into, s);
        unsigned fw = from.getIntOrFloatBitWidth(),
                 tw = into.getIntOrFloatBitWidth();
        if (tw == 1)
          return arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::ne, s,
              arith::ConstantOp::create(b, l, b.getIntegerAttr(from, 0)));
        if (fw > tw)
          return arith::TruncIOp::create(b, l, into, s);
        return srcUnsigned ? (Value)arith::ExtUIOp::create(b, l, into, s)
                           : (Value)arith::ExtSIOp::create(b, l, into, s);
      });
  out.layout = layout;
  ctx.setOutput(0, out);
  return success();
}

/// Integer arithmetic on constants (shape computations).
LogicalResult foldIntegerBinary(NodeContext &ctx, StringRef op) {
  FailureOr<DenseElementsAttr> a = ctx.constantInput(0, "operand #0"),
                               b = ctx.constantInput(1, "operand #1");
  if (failed(a) || failed(b))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(a->getType().getShape(), b->getType().getShape());
  if (failed(shape)) {
    ctx.emitError() << "operand shapes do not broadcast";
    return failure();
  }
  if (a->getElementType() != b->getElementType()) {
    ctx.emitError() << "operands have different element types";
    return failure();
  }
  SmallVector<int64_t> x = toInts(*a), y = toInts(*b);
  int64_t count = product(*shape);
  auto at = [&](const SmallVector<int64_t> &v, ArrayRef<int64_t> s,
                int64_t linear) {
    int64_t index = 0, stride = 1;
    int64_t rank = shape->size(), offset = rank - s.size();
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t coord = (linear / stride) % (*shape)[d];
      stride *= (*shape)[d];
      if (d >= offset) {
        int64_t sd = s[d - offset];
        int64_t sstride = product(s.drop_front(d - offset + 1));
        index += (sd == 1 ? 0 : coord) * sstride;
      }
    }
    return v[index];
  };
  SmallVector<APInt> out;
  unsigned width = a->getElementType().getIntOrFloatBitWidth();
  for (int64_t i = 0; i < count; ++i) {
    int64_t l = at(x, a->getType().getShape(), i),
            r = at(y, b->getType().getShape(), i), v = 0;
    if (op == "Add")
      v = l + r;
    else if (op == "Sub")
      v = l - r;
    else if (op == "Mul")
      v = l * r;
    else {
      if (r == 0) {
        ctx.emitError() << "integer division by zero";
        return failure();
      }
      v = l / r;
    }
    out.push_back(APInt(width, v, /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  FailureOr<TensorValue *> in0 = ctx.input(0);
  ctx.setOutput(
      0, ctx.importer.makeConstant(
             DenseElementsAttr::get(
                 RankedTensorType::get(*shape, a->getElementType()), out),
             (*in0)->dtype));
  return success();
}

} // namespace

/// Integer Add/Sub/Mul/Div fold on constants; floats go to the arithmetic
/// handlers. Registered over them by the registry order below.
static Handler integerFolding(StringRef op, Handler floatHandler) {
  std::string name = op.str();
  return [name, floatHandler](NodeContext &ctx) -> LogicalResult {
    if (ctx.hasInput(0)) {
      auto it = ctx.importer.values.find(ctx.node.input(0));
      if (it != ctx.importer.values.end() &&
          GraphImporter::isIntegerDType(it->second.dtype))
        return foldIntegerBinary(ctx, name);
    }
    return floatHandler(ctx);
  };
}

void mlir::lowbit::onnx_import::registerShapeOps(OpRegistry &r) {
  r.on(kDomainONNX, "Flatten", 1, importFlatten);
  r.on(kDomainONNX, "Reshape", 1, importReshape);
  r.on(kDomainONNX, "Squeeze", 1,
       [](NodeContext &c) { return importSqueeze(c, /*unsqueeze=*/false); });
  r.on(kDomainONNX, "Unsqueeze", 1,
       [](NodeContext &c) { return importSqueeze(c, /*unsqueeze=*/true); });
  r.on(kDomainONNX, "Transpose", 1, importTranspose);
  r.on(kDomainONNX, "Concat", 4, importConcat);
  r.on(kDomainONNX, "Identity", 1, importIdentity);
  r.on(kDomainONNX, "Dropout", 1, importDropout);
  r.on(kDomainONNX, "Constant", 1, importConstant);
  r.on(kDomainONNX, "ConstantOfShape", 9, importConstantOfShape);
  r.on(kDomainONNX, "Shape", 1, importShape);
  r.on(kDomainONNX, "Gather", 1, importGather);
  r.on(kDomainONNX, "Cast", 6, importCast);
}

namespace mlir {
namespace lowbit {
namespace onnx_import {
/// Wraps the arithmetic handlers registered by registerFloatOps with
/// constant folding for integers.
void wrapIntegerFolding(OpRegistry &r, StringRef op, Handler floatHandler) {
  r.on(kDomainONNX, op, 7, integerFolding(op, std::move(floatHandler)));
}
} // namespace onnx_import
} // namespace lowbit
} // namespace mlir
