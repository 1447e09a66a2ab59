//===- OpsFloat.cpp - ONNX arithmetic, activations, conv, pooling ---------===//
//
// Part of the lowbit project.
//
// Convolutions, matrix products, pooling and the numpy-broadcast Add/Mul
// become lowbit ops (float operands here; the QDQ fusion pass later turns
// dequantize -> op -> quantize into the quantized op). Ops lowbit has no
// reason to own (Sigmoid, Tanh, Softmax, Div, ...) become linalg.generic.
// Relu and Clip fold into the single-use lowbit op that produces their
// operand; BatchNormalization folds into a preceding conv/Gemm with float
// constant weights.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

using DT = onnx::TensorProto_DataType;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace {
/// The float operand `i` of a node: fails unless it is a float tensor.
FailureOr<TensorValue *> floatInput(NodeContext &ctx, int64_t i) {
  FailureOr<TensorValue *> tv = ctx.input(i);
  if (failed(tv))
    return failure();
  if (!GraphImporter::isFloatDType((*tv)->dtype) ||
      (*tv)->dtype == DT::TensorProto_DataType_DOUBLE) {
    ctx.emitError() << "operand #" << i << " ('" << ctx.node.input(i)
                    << "') has element type "
                    << GraphImporter::dtypeName((*tv)->dtype)
                    << "; this op is imported for float32/float16/bfloat16";
    return failure();
  }
  return tv;
}

/// NHWC if any rank-4 operand already is (the others follow), else the ONNX
/// order.
Layout elementwiseLayout(ArrayRef<TensorValue *> operands) {
  bool anyNHWC = false;
  for (TensorValue *tv : operands) {
    if (tv->rank() > 4)
      return Layout::Logical;
    anyNHWC |= tv->value && tv->layout == Layout::NHWC;
  }
  return anyNHWC ? Layout::NHWC : Layout::Logical;
}

Value floatConstant(NodeContext &ctx, ArrayRef<float> values,
                    ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, ctx.builder().getF32Type());
  auto attr = DenseElementsAttr::get(type, values);
  return ctx.importer.materializeConstant(attr, DT::TensorProto_DataType_FLOAT,
                                          ctx.loc);
}

Value scalarOf(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
}

/// Computes `f` in f32 for narrower float types (exp and tanh of f16 are
/// not worth their own approximations).
Value inF32(OpBuilder &b, Location loc, Value x, function_ref<Value(Value)> f) {
  Type t = x.getType();
  if (t.isF32())
    return f(x);
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  return arith::TruncFOp::create(b, loc, t, f(wide));
}

/// The lowbit op producing `v` that an activation may fold into: a conv2d,
/// matmul, add or mul with no activation yet, whose result only this node
/// reads.
Operation *fusableProducer(NodeContext &ctx, TensorValue *tv) {
  if (!tv->value || ctx.useCount(0) != 1)
    return nullptr;
  Operation *op = tv->value.getDefiningOp();
  if (!op ||
      !isa<lowbit::Conv2DOp, lowbit::MatmulOp, lowbit::AddOp, lowbit::MulOp>(
          op))
    return nullptr;
  auto act = op->getAttrOfType<ActivationAttr>("activation");
  if (act && act.getValue() != Activation::none)
    return nullptr;
  return op;
}

DenseI64ArrayAttr i64s(NodeContext &ctx, ArrayRef<int64_t> v) {
  return ctx.builder().getDenseI64ArrayAttr(v);
}

//===----------------------------------------------------------------------===//
// Conv, Gemm, MatMul
//===----------------------------------------------------------------------===//

/// The filter of a conv as OHWI: constants are permuted at compile time.
Value ohwiFilter(NodeContext &ctx, TensorValue *w) {
  return ctx.importer.get(*w, Layout::NHWC, ctx.loc);
}

LogicalResult importConv(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"auto_pad", "dilations", "group",
                                  "kernel_shape", "pads", "strides"})))
    return failure();
  FailureOr<TensorValue *> x = floatInput(ctx, 0), w = floatInput(ctx, 1);
  if (failed(x) || failed(w))
    return failure();
  if ((*x)->rank() != 4 || (*w)->rank() != 4) {
    ctx.emitError() << "only 2-D convolutions (rank-4 input and filter) are "
                       "supported, got input rank "
                    << (*x)->rank();
    return failure();
  }
  ArrayRef<int64_t> xs = (*x)->shape, ws = (*w)->shape;
  int64_t groups = ctx.attrInt("group", 1);
  if (groups < 1 || xs[1] % groups || ws[0] % groups ||
      ws[1] * groups != xs[1]) {
    ctx.emitError() << "filter " << ws[0] << "x" << ws[1] << "x" << ws[2] << "x"
                    << ws[3] << " and group " << groups << " do not fit "
                    << xs[1] << " input channels";
    return failure();
  }
  SmallVector<int64_t> kernelShape = ctx.attrInts("kernel_shape");
  if (!kernelShape.empty() &&
      (kernelShape.size() != 2 || kernelShape[0] != ws[2] ||
       kernelShape[1] != ws[3])) {
    ctx.emitError() << "kernel_shape does not match the filter shape";
    return failure();
  }
  FailureOr<Window> win = readWindow(ctx, {xs[2], xs[3]}, {ws[2], ws[3]});
  if (failed(win))
    return failure();

  Value bias;
  if (ctx.hasInput(2)) {
    FailureOr<TensorValue *> b = floatInput(ctx, 2);
    if (failed(b))
      return failure();
    if ((*b)->rank() != 1 || (*b)->shape[0] != ws[0]) {
      ctx.emitError() << "expects a bias of " << ws[0] << " values";
      return failure();
    }
    bias = ctx.importer.get(**b, Layout::Logical, ctx.loc);
  }
  Value input = ctx.importer.get(**x, Layout::NHWC, ctx.loc);
  Value filter = ohwiFilter(ctx, *w);
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  SmallVector<int64_t> outShape = {xs[0], ws[0], win->outHW[0], win->outHW[1]};
  auto resultType = RankedTensorType::get(
      GraphImporter::physicalShape(outShape, Layout::NHWC), element);
  OpBuilder &b = ctx.builder();
  SmallVector<Value> operands = {input, filter};
  if (bias)
    operands.push_back(bias);
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("strides", i64s(ctx, win->strides)),
      b.getNamedAttr("dilations", i64s(ctx, win->dilations)),
      b.getNamedAttr("padding", i64s(ctx, win->padding))};
  if (groups != 1)
    attrs.push_back(b.getNamedAttr("groups", b.getI64IntegerAttr(groups)));
  auto conv = lowbit::Conv2DOp::create(b, ctx.loc, TypeRange{resultType},
                                       operands, attrs);
  ctx.setOutput(0, TensorValue::of(conv.getResult(), outShape, (*x)->dtype,
                                   Layout::NHWC));
  return success();
}

LogicalResult importGemm(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"alpha", "beta", "transA", "transB"})))
    return failure();
  FailureOr<TensorValue *> a = floatInput(ctx, 0), bv = floatInput(ctx, 1);
  if (failed(a) || failed(bv))
    return failure();
  if ((*a)->rank() != 2 || (*bv)->rank() != 2) {
    ctx.emitError() << "expects 2-D A and B";
    return failure();
  }
  bool transA = ctx.attrInt("transA", 0), transB = ctx.attrInt("transB", 0);
  float alpha = ctx.attrFloat("alpha", 1.0f),
        beta = ctx.attrFloat("beta", 1.0f);
  int64_t m = (*a)->shape[transA ? 1 : 0], k = (*a)->shape[transA ? 0 : 1];
  int64_t kb = (*bv)->shape[transB ? 1 : 0], n = (*bv)->shape[transB ? 0 : 1];
  if (k != kb) {
    ctx.emitError() << "A has K = " << k << " but B has K = " << kb;
    return failure();
  }
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  Value lhs = g.get(**a, Layout::Logical, ctx.loc);
  if (transA)
    lhs = g.permute(lhs, {1, 0}, ctx.loc);
  Value rhs;
  if ((*bv)->constant && (transB || alpha != 1.0f)) {
    DenseElementsAttr c = (*bv)->constant;
    if (transB)
      c = transposeConstant(c, {1, 0});
    if (alpha != 1.0f)
      c = convertToFloat(c, b.getF32Type())
              .mapValues(b.getF32Type(), [&](const APFloat &v) {
                return APFloat(v.convertToFloat() * alpha).bitcastToAPInt();
              });
    rhs = g.materializeConstant(c, (*bv)->dtype, ctx.loc);
    alpha = 1.0f;
  } else {
    rhs = g.get(**bv, Layout::Logical, ctx.loc);
    if (transB)
      rhs = g.permute(rhs, {1, 0}, ctx.loc);
  }
  Type element = cast<RankedTensorType>(lhs.getType()).getElementType();

  // C: a bias operand when it is one value per column, else an add.
  Value bias, addend;
  if (ctx.hasInput(2) && beta != 0.0f) {
    FailureOr<TensorValue *> c = floatInput(ctx, 2);
    if (failed(c))
      return failure();
    ArrayRef<int64_t> cs = (*c)->shape;
    if (failed(broadcastShapes(cs, {m, n})) ||
        broadcastShapes(cs, {m, n}).value() != SmallVector<int64_t>{m, n}) {
      ctx.emitError() << "C does not broadcast to " << m << "x" << n;
      return failure();
    }
    bool perColumn = (cs.size() == 1 && cs[0] == n) ||
                     (cs.size() == 2 && cs[0] == 1 && cs[1] == n);
    if ((*c)->constant && beta != 1.0f) {
      DenseElementsAttr scaled =
          convertToFloat((*c)->constant, b.getF32Type())
              .mapValues(b.getF32Type(), [&](const APFloat &v) {
                return APFloat(v.convertToFloat() * beta).bitcastToAPInt();
              });
      TensorValue tmp = g.makeConstant(scaled, DT::TensorProto_DataType_FLOAT);
      addend = g.get(tmp, Layout::Logical, ctx.loc);
    } else {
      addend = g.get(**c, Layout::Logical, ctx.loc);
      if (beta != 1.0f)
        addend = g.map(addend, element, ctx.loc,
                       [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                         return arith::MulFOp::create(
                             nb, l, v[0], scalarOf(nb, l, element, beta));
                       });
    }
    if (perColumn && n > 0) {
      bias = g.reshape(addend, {n}, ctx.loc);
      addend = nullptr;
    }
  }
  auto resultType = RankedTensorType::get({m, n}, element);
  SmallVector<Value> operands = {lhs, rhs};
  if (bias && alpha == 1.0f)
    operands.push_back(bias);
  Value y = lowbit::MatmulOp::create(b, ctx.loc, TypeRange{resultType},
                                     operands, ArrayRef<NamedAttribute>{});
  if (alpha != 1.0f)
    y = g.map(y, element, ctx.loc,
              [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                return arith::MulFOp::create(nb, l, v[0],
                                             scalarOf(nb, l, element, alpha));
              });
  if (bias && operands.size() == 2)
    addend = bias;
  if (addend)
    y = lowbit::AddOp::create(b, ctx.loc, TypeRange{resultType},
                              ValueRange{y, addend},
                              ArrayRef<NamedAttribute>{});
  ctx.setOutput(0, TensorValue::of(y, {m, n}, (*a)->dtype, Layout::Logical));
  return success();
}

LogicalResult importMatMul(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> a = floatInput(ctx, 0), bv = floatInput(ctx, 1);
  if (failed(a) || failed(bv))
    return failure();
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  SmallVector<int64_t> as = (*a)->shape, bs = (*bv)->shape;
  if (as.empty() || bs.empty()) {
    ctx.emitError() << "expects operands of rank >= 1";
    return failure();
  }
  Value lhs = g.get(**a, Layout::Logical, ctx.loc);
  Value rhs = g.get(**bv, Layout::Logical, ctx.loc);
  Type element = cast<RankedTensorType>(lhs.getType()).getElementType();
  bool aVector = as.size() == 1, bVector = bs.size() == 1;
  if (aVector)
    as.insert(as.begin(), 1);
  if (bVector)
    bs.push_back(1);
  int64_t k = as.back(), m = as[as.size() - 2], n = bs.back();
  if (bs[bs.size() - 2] != k) {
    ctx.emitError() << "A has K = " << k
                    << " but B has K = " << bs[bs.size() - 2];
    return failure();
  }
  SmallVector<int64_t> batchA(as.begin(), as.end() - 2),
      batchB(bs.begin(), bs.end() - 2);
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(batchA, batchB);
  if (failed(batch)) {
    ctx.emitError() << "batch dimensions do not broadcast";
    return failure();
  }
  SmallVector<int64_t> outShape = *batch;
  if (!aVector)
    outShape.push_back(m);
  if (!bVector)
    outShape.push_back(n);
  Value y;
  int64_t batchB1 = 1;
  for (int64_t d : batchB)
    batchB1 *= d;
  if (batchB1 == 1) {
    // Shared weights: every leading dimension of A folds into the rows.
    int64_t rows = 1;
    for (int64_t d : *batch)
      rows *= d;
    rows *= m;
    int64_t aRows = 1;
    for (int64_t d : batchA)
      aRows *= d;
    if (aRows * m != rows) {
      ctx.emitError() << "broadcasting A over B's batch is not supported";
      return failure();
    }
    lhs = g.reshape(lhs, {rows, k}, ctx.loc);
    rhs = g.reshape(rhs, {k, n}, ctx.loc);
    y = lowbit::MatmulOp::create(
        b, ctx.loc, TypeRange{RankedTensorType::get({rows, n}, element)},
        ValueRange{lhs, rhs}, ArrayRef<NamedAttribute>{});
  } else {
    if (batchA != batchB) {
      ctx.emitError() << "batch broadcasting between A and B is not "
                         "supported (batch shapes differ)";
      return failure();
    }
    lhs = g.reshape(lhs, {batchB1, m, k}, ctx.loc);
    rhs = g.reshape(rhs, {batchB1, k, n}, ctx.loc);
    y = lowbit::MatmulOp::create(
        b, ctx.loc, TypeRange{RankedTensorType::get({batchB1, m, n}, element)},
        ValueRange{lhs, rhs}, ArrayRef<NamedAttribute>{});
  }
  y = g.reshape(y, outShape, ctx.loc);
  ctx.setOutput(0, TensorValue::of(y, outShape, (*a)->dtype, Layout::Logical));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

enum class BinaryKind { Add, Sub, Mul, Div };

LogicalResult importBinary(NodeContext &ctx, BinaryKind kind) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> a = ctx.input(0), bv = ctx.input(1);
  if (failed(a) || failed(bv))
    return failure();
  if ((*a)->dtype != (*bv)->dtype) {
    ctx.emitError() << "operands have different element types ("
                    << GraphImporter::dtypeName((*a)->dtype) << " and "
                    << GraphImporter::dtypeName((*bv)->dtype) << ")";
    return failure();
  }
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes((*a)->shape, (*bv)->shape);
  if (failed(shape)) {
    ctx.emitError() << "operand shapes do not broadcast";
    return failure();
  }
  if (!GraphImporter::isFloatDType((*a)->dtype)) {
    ctx.emitError() << "integer arithmetic is only imported on constants "
                       "(shape computations); these operands are computed "
                       "at run time";
    return failure();
  }
  if (failed(floatInput(ctx, 0)))
    return failure();
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  Layout layout = elementwiseLayout({*a, *bv});
  Value lhs = g.get(**a, layout, ctx.loc);
  Value rhs;
  // x - c is x + (-c): exact, and a lowbit.add the QDQ fusion sees.
  if (kind == BinaryKind::Sub && (*bv)->constant) {
    DenseElementsAttr neg =
        convertToFloat((*bv)->constant, b.getF32Type())
            .mapValues(b.getF32Type(), [](const APFloat &v) {
              return llvm::neg(v).bitcastToAPInt();
            });
    TensorValue tmp = g.makeConstant(neg, DT::TensorProto_DataType_FLOAT);
    rhs = g.get(tmp, layout, ctx.loc);
    kind = BinaryKind::Add;
  } else {
    rhs = g.get(**bv, layout, ctx.loc);
  }
  Type element = cast<RankedTensorType>(lhs.getType()).getElementType();
  SmallVector<int64_t> physical = GraphImporter::physicalShape(*shape, layout);
  auto resultType = RankedTensorType::get(physical, element);
  Value y;
  switch (kind) {
  case BinaryKind::Add:
    y = lowbit::AddOp::create(b, ctx.loc, TypeRange{resultType},
                              ValueRange{lhs, rhs}, ArrayRef<NamedAttribute>{});
    break;
  case BinaryKind::Mul:
    y = lowbit::MulOp::create(b, ctx.loc, TypeRange{resultType},
                              ValueRange{lhs, rhs}, ArrayRef<NamedAttribute>{});
    break;
  case BinaryKind::Sub:
    y = g.map({lhs, rhs}, element, ctx.loc,
              [](OpBuilder &nb, Location l, ValueRange v) -> Value {
                return arith::SubFOp::create(nb, l, v[0], v[1]);
              });
    break;
  case BinaryKind::Div:
    y = g.map({lhs, rhs}, element, ctx.loc,
              [](OpBuilder &nb, Location l, ValueRange v) -> Value {
                return arith::DivFOp::create(nb, l, v[0], v[1]);
              });
    break;
  }
  ctx.setOutput(0, TensorValue::of(y, *shape, (*a)->dtype, layout));
  return success();
}

/// A unary elementwise op in the operand's own layout.
LogicalResult
importUnary(NodeContext &ctx, ArrayRef<StringRef> attrs,
            function_ref<Value(OpBuilder &, Location, Value)> body) {
  if (failed(ctx.checkAttributes(attrs)))
    return failure();
  FailureOr<TensorValue *> x = floatInput(ctx, 0);
  if (failed(x))
    return failure();
  Layout layout = (*x)->keptLayout();
  Value v = ctx.importer.get(**x, layout, ctx.loc);
  Type element = cast<RankedTensorType>(v.getType()).getElementType();
  Value y = ctx.importer.map(
      v, element, ctx.loc,
      [&](OpBuilder &b, Location l, ValueRange a) { return body(b, l, a[0]); });
  ctx.setOutput(0, TensorValue::of(y, (*x)->shape, (*x)->dtype, layout));
  return success();
}

/// Folds act(min, max) into the single-use producer; returns true if done.
bool fuseActivation(NodeContext &ctx, TensorValue *x, Activation act,
                    double lo = 0, double hi = 0) {
  Operation *op = fusableProducer(ctx, x);
  if (!op)
    return false;
  OpBuilder &b = ctx.builder();
  op->setAttr("activation", ActivationAttr::get(ctx.getContext(), act));
  if (act == Activation::clamp) {
    op->setAttr("clamp_min", b.getF64FloatAttr(lo));
    op->setAttr("clamp_max", b.getF64FloatAttr(hi));
  }
  ctx.setOutput(0, *x);
  return true;
}

LogicalResult importRelu(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> x = floatInput(ctx, 0);
  if (failed(x))
    return failure();
  if (fuseActivation(ctx, *x, Activation::relu))
    return success();
  return importUnary(ctx, {}, [](OpBuilder &b, Location l, Value v) -> Value {
    return arith::MaximumFOp::create(b, l, v, scalarOf(b, l, v.getType(), 0));
  });
}

/// Clip with bounds computed at run time: max then min, as ONNX defines it.
LogicalResult importRuntimeClip(NodeContext &ctx, TensorValue *x) {
  GraphImporter &g = ctx.importer;
  Layout layout = x->keptLayout();
  SmallVector<Value> operands = {g.get(*x, layout, ctx.loc)};
  SmallVector<bool> present;
  for (int i : {1, 2}) {
    present.push_back(ctx.hasInput(i));
    if (!ctx.hasInput(i))
      continue;
    FailureOr<TensorValue *> bound = floatInput(ctx, i);
    if (failed(bound))
      return failure();
    if ((*bound)->rank() != 0 &&
        !((*bound)->rank() == 1 && (*bound)->shape[0] == 1)) {
      ctx.emitError() << "expects scalar bounds";
      return failure();
    }
    operands.push_back(
        g.reshape(g.get(**bound, Layout::Logical, ctx.loc), {}, ctx.loc));
  }
  Type t = cast<RankedTensorType>(operands[0].getType()).getElementType();
  Value y = g.map(operands, t, ctx.loc,
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    Value v = a[0];
                    unsigned next = 1;
                    if (present[0])
                      v = arith::MaximumFOp::create(b, l, v, a[next++]);
                    if (present[1])
                      v = arith::MinimumFOp::create(b, l, v, a[next++]);
                    return v;
                  });
  ctx.setOutput(0, TensorValue::of(y, x->shape, x->dtype, layout));
  return success();
}

LogicalResult importClip(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"min", "max"})))
    return failure();
  FailureOr<TensorValue *> x = floatInput(ctx, 0);
  if (failed(x))
    return failure();
  double lo = -INFINITY, hi = INFINITY;
  if (ctx.opset < 11) {
    lo = ctx.attrFloat("min", -INFINITY);
    hi = ctx.attrFloat("max", INFINITY);
  } else {
    bool runtimeBound = false;
    for (int i : {1, 2})
      if (ctx.hasInput(i) && !(*ctx.input(i))->constant)
        runtimeBound = true;
    if (runtimeBound)
      return importRuntimeClip(ctx, *x);
    for (int i : {1, 2}) {
      if (!ctx.hasInput(i))
        continue;
      FailureOr<DenseElementsAttr> c =
          ctx.constantInput(i, i == 1 ? "the minimum" : "the maximum");
      if (failed(c))
        return failure();
      if (c->getNumElements() != 1) {
        ctx.emitError() << "expects scalar bounds";
        return failure();
      }
      (i == 1 ? lo : hi) = toDoubles(*c)[0];
    }
  }
  if (lo > hi) {
    // ONNX: every output is max, as min(max(x, lo), hi) gives.
    lo = hi;
  }
  if (lo == 0 && hi == INFINITY && fuseActivation(ctx, *x, Activation::relu))
    return success();
  if (lo == 0 && hi == 6 && fuseActivation(ctx, *x, Activation::relu6))
    return success();
  if (std::isfinite(lo) && std::isfinite(hi) &&
      fuseActivation(ctx, *x, Activation::clamp, lo, hi))
    return success();
  return importUnary(
      ctx, {"min", "max"}, [&](OpBuilder &b, Location l, Value v) -> Value {
        Type t = v.getType();
        if (lo != -INFINITY)
          v = arith::MaximumFOp::create(b, l, v, scalarOf(b, l, t, lo));
        if (hi != INFINITY)
          v = arith::MinimumFOp::create(b, l, v, scalarOf(b, l, t, hi));
        return v;
      });
}

LogicalResult importLeakyRelu(NodeContext &ctx) {
  double alpha = ctx.attrFloat("alpha", 0.01f);
  return importUnary(
      ctx, {"alpha"}, [&](OpBuilder &b, Location l, Value v) -> Value {
        Type t = v.getType();
        Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v,
                                          scalarOf(b, l, t, 0));
        Value scaled = arith::MulFOp::create(b, l, v, scalarOf(b, l, t, alpha));
        return arith::SelectOp::create(b, l, neg, scaled, v);
      });
}

LogicalResult importSigmoid(NodeContext &ctx) {
  return importUnary(ctx, {}, [](OpBuilder &b, Location l, Value v) -> Value {
    return inF32(b, l, v, [&](Value x) -> Value {
      Value one = scalarOf(b, l, x.getType(), 1.0);
      Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
      return arith::DivFOp::create(b, l, one,
                                   arith::AddFOp::create(b, l, one, e));
    });
  });
}

LogicalResult importTanh(NodeContext &ctx) {
  return importUnary(ctx, {}, [](OpBuilder &b, Location l, Value v) -> Value {
    return inF32(b, l, v, [&](Value x) -> Value {
      return math::TanhOp::create(b, l, x);
    });
  });
}

/// Softmax over the last axis of a 2-D value.
Value softmaxRows(GraphImporter &g, Value x, Location loc) {
  OpBuilder &b = g.builder;
  auto type = cast<RankedTensorType>(x.getType());
  Type t = type.getElementType();
  int64_t rows = type.getDimSize(0);
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap row = AffineMap::get(2, 0, {b.getAffineDimExpr(0)}, ctx);
  SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                            utils::IteratorType::reduction};
  auto reduce =
      [&](Value in, double init,
          function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
        Value empty = tensor::EmptyOp::create(b, loc, {rows}, t);
        Value filled =
            linalg::FillOp::create(b, loc, scalarOf(b, loc, t, init), empty)
                ->getResult(0);
        return linalg::GenericOp::create(
                   b, loc, TypeRange{filled.getType()}, ValueRange{in},
                   ValueRange{filled}, ArrayRef<AffineMap>{id, row}, iters,
                   [&](OpBuilder &nb, Location l, ValueRange a) {
                     linalg::YieldOp::create(nb, l, combine(nb, l, a[0], a[1]));
                   })
            ->getResult(0);
      };
  Value max = reduce(
      x, -INFINITY, [](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
        return arith::MaximumFOp::create(nb, l, a, acc);
      });
  Value maxCol = g.reshape(max, {rows, 1}, loc);
  Value e =
      g.map({x, maxCol}, t, loc,
            [](OpBuilder &nb, Location l, ValueRange a) -> Value {
              return inF32(nb, l, arith::SubFOp::create(nb, l, a[0], a[1]),
                           [&](Value d) -> Value {
                             return math::ExpOp::create(nb, l, d);
                           });
            });
  Value sum = reduce(
      e, 0.0, [](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
        return arith::AddFOp::create(nb, l, a, acc);
      });
  Value sumCol = g.reshape(sum, {rows, 1}, loc);
  return g.map({e, sumCol}, t, loc,
               [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                 return arith::DivFOp::create(nb, l, a[0], a[1]);
               });
}

LogicalResult importSoftmax(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  FailureOr<TensorValue *> x = floatInput(ctx, 0);
  if (failed(x))
    return failure();
  int64_t rank = (*x)->rank();
  int64_t axis = ctx.attrInt("axis", ctx.opset < 13 ? 1 : -1);
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) {
    ctx.emitError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  GraphImporter &g = ctx.importer;
  ArrayRef<int64_t> shape = (*x)->shape;
  Value v = g.get(**x, Layout::Logical, ctx.loc);
  Value y;
  if (ctx.opset < 13 || axis == rank - 1) {
    // Before opset 13 the input is coerced to 2-D at `axis`.
    int64_t rows = 1, cols = 1;
    int64_t split = ctx.opset < 13 ? axis : rank - 1;
    for (int64_t i = 0; i < rank; ++i)
      (i < split ? rows : cols) *= shape[i];
    y = softmaxRows(g, g.reshape(v, {rows, cols}, ctx.loc), ctx.loc);
    y = g.reshape(y, shape, ctx.loc);
  } else {
    // Move the axis last, softmax the rows, move it back.
    SmallVector<int64_t> perm, inverse(rank);
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis)
        perm.push_back(i);
    perm.push_back(axis);
    for (int64_t i = 0; i < rank; ++i)
      inverse[perm[i]] = i;
    Value t = g.permute(v, perm, ctx.loc);
    int64_t cols = shape[axis], rows = 1;
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis)
        rows *= shape[i];
    SmallVector<int64_t> tshape =
        llvm::to_vector(cast<RankedTensorType>(t.getType()).getShape());
    y = softmaxRows(g, g.reshape(t, {rows, cols}, ctx.loc), ctx.loc);
    y = g.permute(g.reshape(y, tshape, ctx.loc), inverse, ctx.loc);
  }
  ctx.setOutput(0, TensorValue::of(y, shape, (*x)->dtype, Layout::Logical));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling and batch normalization
//===----------------------------------------------------------------------===//

LogicalResult importPool(NodeContext &ctx, bool isMax, bool global) {
  if (global) {
    if (failed(ctx.checkAttributes({})))
      return failure();
  } else if (failed(ctx.checkAttributes(
                 {"auto_pad", "ceil_mode", "count_include_pad", "dilations",
                  "kernel_shape", "pads", "storage_order", "strides"}))) {
    return failure();
  }
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  if ((*x)->rank() != 4) {
    ctx.emitError() << "only 2-D pooling (rank-4 input) is supported, got "
                       "rank "
                    << (*x)->rank();
    return failure();
  }
  if (isMax && ctx.isOutputUsed(1)) {
    ctx.emitError() << "the Indices output is not supported";
    return failure();
  }
  ArrayRef<int64_t> xs = (*x)->shape;
  Window win;
  bool countIncludePad = false;
  if (global) {
    win.kernel = {xs[2], xs[3]};
    win.strides = {1, 1};
    win.padding = {0, 0, 0, 0};
    win.outHW = {1, 1};
  } else {
    SmallVector<int64_t> kernel = ctx.attrInts("kernel_shape");
    if (kernel.size() != 2 || kernel[0] < 1 || kernel[1] < 1) {
      ctx.emitError() << "expects a 2-D kernel_shape";
      return failure();
    }
    SmallVector<int64_t> dil = ctx.attrInts("dilations");
    if (!isMax && !dil.empty() &&
        llvm::any_of(dil, [](int64_t d) { return d != 1; })) {
      ctx.emitError() << "dilated average pooling is not supported";
      return failure();
    }
    bool ceilMode = ctx.attrInt("ceil_mode", 0);
    countIncludePad = ctx.attrInt("count_include_pad", 0);
    FailureOr<Window> w = readWindow(ctx, {xs[2], xs[3]}, kernel, ceilMode);
    if (failed(w))
      return failure();
    win = *w;
    if (!isMax && ceilMode && countIncludePad) {
      SmallVector<int64_t> pads = ctx.attrInts("pads");
      SmallVector<int64_t, 4> given = {0, 0, 0, 0};
      if (pads.size() == 4)
        given = {pads[0], pads[2], pads[1], pads[3]};
      if (given != win.padding) {
        ctx.emitError() << "ceil_mode with count_include_pad is not "
                           "supported when the last window overhangs the "
                           "padding";
        return failure();
      }
    }
  }
  if (failed(floatInput(ctx, 0)) && !isMax)
    return failure();
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  Value input = g.get(**x, Layout::NHWC, ctx.loc);
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  SmallVector<int64_t> outShape = {xs[0], xs[1], win.outHW[0], win.outHW[1]};
  auto resultType = RankedTensorType::get(
      GraphImporter::physicalShape(outShape, Layout::NHWC), element);
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kernel", i64s(ctx, win.kernel)),
      b.getNamedAttr("strides", i64s(ctx, win.strides)),
      b.getNamedAttr("padding", i64s(ctx, win.padding))};
  Value y;
  if (isMax) {
    if (llvm::any_of(win.dilations, [](int64_t d) { return d != 1; }))
      attrs.push_back(b.getNamedAttr("dilations", i64s(ctx, win.dilations)));
    y = lowbit::MaxPool2DOp::create(b, ctx.loc, TypeRange{resultType},
                                    ValueRange{input}, attrs);
  } else {
    if (countIncludePad)
      attrs.push_back(b.getNamedAttr("count_include_pad", b.getUnitAttr()));
    y = lowbit::AvgPool2DOp::create(b, ctx.loc, TypeRange{resultType},
                                    ValueRange{input}, attrs);
  }
  TensorValue out = TensorValue::of(y, outShape, (*x)->dtype, Layout::NHWC);
  ctx.setOutput(0, out);
  return success();
}

/// Folds y = x * a + c (per output channel) into the float constant filter
/// and bias of a conv2d or matmul producing `x`; false if it cannot.
bool foldIntoProducer(NodeContext &ctx, TensorValue *x, ArrayRef<double> a,
                      ArrayRef<double> c) {
  if (!x->value || ctx.useCount(0) != 1)
    return false;
  Operation *op = x->value.getDefiningOp();
  if (!op || !isa<lowbit::Conv2DOp, lowbit::MatmulOp>(op))
    return false;
  auto act = op->getAttrOfType<ActivationAttr>("activation");
  if (act && act.getValue() != Activation::none)
    return false;
  bool isConv = isa<lowbit::Conv2DOp>(op);
  Value filter = op->getOperand(1);
  auto filterConst = filter.getDefiningOp<arith::ConstantOp>();
  auto filterType = cast<RankedTensorType>(filter.getType());
  if (!filterConst || !isa<FloatType>(filterType.getElementType()) ||
      filterType.getRank() != 2 + (isConv ? 2 : 0))
    return false;
  Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  arith::ConstantOp biasConst =
      bias ? bias.getDefiningOp<arith::ConstantOp>() : nullptr;
  if (bias && !biasConst)
    return false;
  auto filterAttr = cast<DenseElementsAttr>(filterConst.getValue());
  int64_t channels = a.size();
  int64_t outAxis = isConv ? 0 : 1;
  if (filterType.getDimSize(outAxis) != channels)
    return false;
  // Scale the filter along its output-channel axis, in double.
  auto f32 = ctx.builder().getF32Type();
  SmallVector<double> w = toDoubles(filterAttr);
  SmallVector<float> scaled(w.size());
  int64_t inner = 1;
  for (int64_t i = outAxis + 1; i < filterType.getRank(); ++i)
    inner *= filterType.getDimSize(i);
  for (size_t i = 0; i < w.size(); ++i)
    scaled[i] = static_cast<float>(w[i] * a[(i / inner) % channels]);
  SmallVector<double> oldBias =
      biasConst ? toDoubles(cast<DenseElementsAttr>(biasConst.getValue()))
                : SmallVector<double>(channels, 0.0);
  SmallVector<float> newBias(channels);
  for (int64_t o = 0; o < channels; ++o)
    newBias[o] = static_cast<float>(oldBias[o] * a[o] + c[o]);
  OpBuilder::InsertionGuard guard(ctx.builder());
  ctx.builder().setInsertionPoint(op);
  GraphImporter &g = ctx.importer;
  Value newFilter = g.materializeConstant(
      DenseElementsAttr::get(filterType.clone(f32), ArrayRef<float>(scaled)),
      DT::TensorProto_DataType_FLOAT, op->getLoc());
  Value newBiasValue = g.materializeConstant(
      DenseElementsAttr::get(RankedTensorType::get({channels}, f32),
                             ArrayRef<float>(newBias)),
      DT::TensorProto_DataType_FLOAT, op->getLoc());
  op->setOperand(1, newFilter);
  if (bias) {
    op->setOperand(2, newBiasValue);
  } else {
    // Re-create the op with a bias operand.
    SmallVector<Value> operands(op->getOperands());
    operands.push_back(newBiasValue);
    OperationState state(op->getLoc(), op->getName());
    state.addOperands(operands);
    state.addTypes(op->getResultTypes());
    state.addAttributes(op->getAttrs());
    Operation *created = ctx.builder().create(state);
    op->getResult(0).replaceAllUsesWith(created->getResult(0));
    op->erase();
    x->value = created->getResult(0);
  }
  ctx.setOutput(0, *x);
  return true;
}

/// Batch normalization with parameters computed at run time (or given as
/// graph inputs): y = (x - mean) / sqrt(var + eps) * scale + B.
LogicalResult importRuntimeBatchNorm(NodeContext &ctx, TensorValue *x) {
  GraphImporter &g = ctx.importer;
  int64_t rank = x->rank(), channels = x->shape[1];
  Layout layout =
      x->value && x->layout == Layout::NHWC ? Layout::NHWC : Layout::Logical;
  SmallVector<int64_t> cshape = {channels};
  if (layout == Layout::Logical)
    cshape.append(rank - 2, 1);
  SmallVector<Value> operands = {g.get(*x, layout, ctx.loc)};
  for (int i = 1; i <= 4; ++i) {
    FailureOr<TensorValue *> p = floatInput(ctx, i);
    if (failed(p))
      return failure();
    if ((*p)->rank() != 1 || (*p)->shape[0] != channels) {
      ctx.emitError() << "expects per-channel parameters of " << channels
                      << " values";
      return failure();
    }
    operands.push_back(
        g.reshape(g.get(**p, Layout::Logical, ctx.loc), cshape, ctx.loc));
  }
  double eps = ctx.attrFloat("epsilon", 1e-5f);
  Type t = cast<RankedTensorType>(operands[0].getType()).getElementType();
  Value y = g.map(
      operands, t, ctx.loc,
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value d = arith::SubFOp::create(b, l, a[0], a[3]);
        Value v = arith::AddFOp::create(b, l, a[4], scalarOf(b, l, t, eps));
        Value n = arith::DivFOp::create(b, l, d, math::SqrtOp::create(b, l, v));
        return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, n, a[1]),
                                     a[2]);
      });
  ctx.setOutput(0, TensorValue::of(y, x->shape, x->dtype, layout));
  return success();
}

LogicalResult importBatchNorm(NodeContext &ctx) {
  if (failed(ctx.checkAttributes(
          {"epsilon", "momentum", "training_mode", "spatial"})))
    return failure();
  if (ctx.attrInt("training_mode", 0) != 0 || ctx.isOutputUsed(1) ||
      ctx.isOutputUsed(2)) {
    ctx.emitError() << "training mode (running mean/variance outputs) is not "
                       "supported; export the model in inference mode";
    return failure();
  }
  FailureOr<TensorValue *> x = floatInput(ctx, 0);
  if (failed(x))
    return failure();
  if ((*x)->rank() < 2) {
    ctx.emitError() << "expects an input of rank >= 2";
    return failure();
  }
  int64_t channels = (*x)->shape[1];
  SmallVector<SmallVector<double>> p;
  const char *names[] = {"scale", "B", "mean", "var"};
  for (int i = 1; i <= 4; ++i)
    if (ctx.hasInput(i) && !(*ctx.input(i))->constant)
      return importRuntimeBatchNorm(ctx, *x);
  for (int i = 1; i <= 4; ++i) {
    FailureOr<DenseElementsAttr> c = ctx.constantInput(i, names[i - 1]);
    if (failed(c))
      return failure();
    if (c->getNumElements() != channels) {
      ctx.emitError() << names[i - 1] << " has " << c->getNumElements()
                      << " values for " << channels << " channels";
      return failure();
    }
    p.push_back(toDoubles(*c));
  }
  // Folded in float32 as onnxruntime evaluates it: a = scale / sqrt(var +
  // eps), c = B - mean * a.
  float eps = ctx.attrFloat("epsilon", 1e-5f);
  SmallVector<double> a(channels), c(channels);
  SmallVector<float> af(channels), cf(channels);
  for (int64_t i = 0; i < channels; ++i) {
    float s = static_cast<float>(p[0][i]) /
              std::sqrt(static_cast<float>(p[3][i]) + eps);
    af[i] = s;
    cf[i] = static_cast<float>(p[1][i]) - static_cast<float>(p[2][i]) * s;
    a[i] = s;
    c[i] = cf[i];
  }
  if (foldIntoProducer(ctx, *x, a, c))
    return success();
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  // Per-channel constants shaped to broadcast along axis 1 (logical); in
  // NHWC that is the last axis.
  int64_t rank = (*x)->rank();
  Layout layout = (*x)->value && (*x)->layout == Layout::NHWC && rank == 4
                      ? Layout::NHWC
                      : Layout::Logical;
  SmallVector<int64_t> cshape = {channels};
  if (layout == Layout::Logical)
    cshape.append(rank - 2, 1);
  Value v = g.get(**x, layout, ctx.loc);
  auto type = cast<RankedTensorType>(v.getType());
  Value scale = floatConstant(ctx, af, cshape);
  Value shift = floatConstant(ctx, cf, cshape);
  Value y =
      lowbit::MulOp::create(b, ctx.loc, TypeRange{type}, ValueRange{v, scale},
                            ArrayRef<NamedAttribute>{});
  y = lowbit::AddOp::create(b, ctx.loc, TypeRange{type}, ValueRange{y, shift},
                            ArrayRef<NamedAttribute>{});
  ctx.setOutput(0, TensorValue::of(y, (*x)->shape, (*x)->dtype, layout));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and variadic min/max
//===----------------------------------------------------------------------===//

enum class ReduceKind { Min, Max, Sum, Mean };

LogicalResult importReduce(NodeContext &ctx, ReduceKind kind) {
  if (failed(ctx.checkAttributes({"axes", "keepdims", "noop_with_empty_axes"})))
    return failure();
  FailureOr<TensorValue *> x = floatInput(ctx, 0);
  if (failed(x))
    return failure();
  int64_t rank = (*x)->rank();
  SmallVector<int64_t> axes = ctx.attrInts("axes");
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> a = ctx.intsInput(1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  }
  bool keepDims = ctx.attrInt("keepdims", 1);
  if (axes.empty() && ctx.attrInt("noop_with_empty_axes", 0))
    return ctx.setOutput(0, **x), success();
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      ctx.emitError() << "axis " << a << " is out of range for rank " << rank;
      return failure();
    }
    reduced[a < 0 ? a + rank : a] = true;
  }
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  Value v = g.get(**x, Layout::Logical, ctx.loc);
  Type t = cast<RankedTensorType>(v.getType()).getElementType();
  SmallVector<int64_t> kept, keptShape, outShape;
  SmallVector<utils::IteratorType> iters;
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i) {
    iters.push_back(reduced[i] ? utils::IteratorType::reduction
                               : utils::IteratorType::parallel);
    if (reduced[i]) {
      count *= (*x)->shape[i];
      if (keepDims)
        outShape.push_back(1);
      continue;
    }
    kept.push_back(i);
    keptShape.push_back((*x)->shape[i]);
    outShape.push_back((*x)->shape[i]);
  }
  double init = kind == ReduceKind::Min   ? INFINITY
                : kind == ReduceKind::Max ? -INFINITY
                                          : 0.0;
  Value empty = tensor::EmptyOp::create(b, ctx.loc, keptShape, t);
  Value filled =
      linalg::FillOp::create(b, ctx.loc, scalarOf(b, ctx.loc, t, init), empty)
          ->getResult(0);
  SmallVector<AffineExpr> outExprs;
  for (int64_t i : kept)
    outExprs.push_back(b.getAffineDimExpr(i));
  MLIRContext *mctx = b.getContext();
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, mctx),
                                 AffineMap::get(rank, 0, outExprs, mctx)};
  Value y = linalg::GenericOp::create(
                b, ctx.loc, TypeRange{filled.getType()}, ValueRange{v},
                ValueRange{filled}, maps, iters,
                [&](OpBuilder &nb, Location l, ValueRange a) {
                  Value r;
                  if (kind == ReduceKind::Min)
                    r = arith::MinimumFOp::create(nb, l, a[0], a[1]);
                  else if (kind == ReduceKind::Max)
                    r = arith::MaximumFOp::create(nb, l, a[0], a[1]);
                  else
                    r = arith::AddFOp::create(nb, l, a[0], a[1]);
                  linalg::YieldOp::create(nb, l, r);
                })
                ->getResult(0);
  if (kind == ReduceKind::Mean)
    y = g.map(
        y, t, ctx.loc, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(
              nb, l, a[0], scalarOf(nb, l, t, static_cast<double>(count)));
        });
  y = g.reshape(y, outShape, ctx.loc);
  ctx.setOutput(0, TensorValue::of(y, outShape, (*x)->dtype, Layout::Logical));
  return success();
}

/// Min / Max / Sum / Mean of any number of broadcast operands.
LogicalResult importVariadic(NodeContext &ctx, ReduceKind kind) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  SmallVector<TensorValue *> inputs;
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<TensorValue *> x = floatInput(ctx, i);
    if (failed(x))
      return failure();
    FailureOr<SmallVector<int64_t>> s = broadcastShapes(shape, (*x)->shape);
    if (failed(s)) {
      ctx.emitError() << "operand shapes do not broadcast";
      return failure();
    }
    shape = *s;
    inputs.push_back(*x);
  }
  if (inputs.empty()) {
    ctx.emitError() << "expects at least one operand";
    return failure();
  }
  Layout layout = elementwiseLayout(inputs);
  SmallVector<Value> values;
  for (TensorValue *tv : inputs)
    values.push_back(ctx.importer.get(*tv, layout, ctx.loc));
  Type t = cast<RankedTensorType>(values[0].getType()).getElementType();
  Value y = ctx.importer.map(
      values, t, ctx.loc, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value r = a[0];
        for (Value v : a.drop_front()) {
          if (kind == ReduceKind::Min)
            r = arith::MinimumFOp::create(b, l, r, v);
          else if (kind == ReduceKind::Max)
            r = arith::MaximumFOp::create(b, l, r, v);
          else
            r = arith::AddFOp::create(b, l, r, v);
        }
        if (kind == ReduceKind::Mean)
          r = arith::DivFOp::create(
              b, l, r, scalarOf(b, l, t, static_cast<double>(a.size())));
        return r;
      });
  ctx.setOutput(0, TensorValue::of(y, shape, inputs[0]->dtype, layout));
  return success();
}

} // namespace

void mlir::lowbit::onnx_import::registerFloatOps(OpRegistry &r) {
  r.on(kDomainONNX, "ReduceMin", 1,
       [](NodeContext &c) { return importReduce(c, ReduceKind::Min); });
  r.on(kDomainONNX, "ReduceMax", 1,
       [](NodeContext &c) { return importReduce(c, ReduceKind::Max); });
  r.on(kDomainONNX, "ReduceSum", 1,
       [](NodeContext &c) { return importReduce(c, ReduceKind::Sum); });
  r.on(kDomainONNX, "ReduceMean", 1,
       [](NodeContext &c) { return importReduce(c, ReduceKind::Mean); });
  r.on(kDomainONNX, "Min", 8,
       [](NodeContext &c) { return importVariadic(c, ReduceKind::Min); });
  r.on(kDomainONNX, "Max", 8,
       [](NodeContext &c) { return importVariadic(c, ReduceKind::Max); });
  r.on(kDomainONNX, "Sum", 8,
       [](NodeContext &c) { return importVariadic(c, ReduceKind::Sum); });
  r.on(kDomainONNX, "Mean", 8,
       [](NodeContext &c) { return importVariadic(c, ReduceKind::Mean); });
  using UnaryBody = Value (*)(OpBuilder &, Location, Value);
  auto unary = [&r](StringRef name, int64_t since, UnaryBody body) {
    r.on(kDomainONNX, name, since,
         [body](NodeContext &c) { return importUnary(c, {}, body); });
  };
  unary("Round", 11, [](OpBuilder &b, Location l, Value v) -> Value {
    return math::RoundEvenOp::create(b, l, v);
  });
  unary("Floor", 6, [](OpBuilder &b, Location l, Value v) -> Value {
    return math::FloorOp::create(b, l, v);
  });
  unary("Ceil", 6, [](OpBuilder &b, Location l, Value v) -> Value {
    return math::CeilOp::create(b, l, v);
  });
  unary("Neg", 6, [](OpBuilder &b, Location l, Value v) -> Value {
    return arith::NegFOp::create(b, l, v);
  });
  unary("Abs", 6, [](OpBuilder &b, Location l, Value v) -> Value {
    return math::AbsFOp::create(b, l, v);
  });
  unary("Sqrt", 6, [](OpBuilder &b, Location l, Value v) -> Value {
    return math::SqrtOp::create(b, l, v);
  });
  unary("Exp", 6, [](OpBuilder &b, Location l, Value v) -> Value {
    return inF32(b, l, v, [&](Value x) -> Value {
      return math::ExpOp::create(b, l, x);
    });
  });
  unary("Reciprocal", 6, [](OpBuilder &b, Location l, Value v) -> Value {
    return arith::DivFOp::create(b, l, scalarOf(b, l, v.getType(), 1.0), v);
  });
  r.on(kDomainONNX, "Conv", 1, importConv);
  r.on(kDomainONNX, "Gemm", 1, importGemm);
  r.on(kDomainONNX, "MatMul", 1, importMatMul);
  wrapIntegerFolding(r, "Add", [](NodeContext &c) {
    return importBinary(c, BinaryKind::Add);
  });
  wrapIntegerFolding(r, "Sub", [](NodeContext &c) {
    return importBinary(c, BinaryKind::Sub);
  });
  wrapIntegerFolding(r, "Mul", [](NodeContext &c) {
    return importBinary(c, BinaryKind::Mul);
  });
  wrapIntegerFolding(r, "Div", [](NodeContext &c) {
    return importBinary(c, BinaryKind::Div);
  });
  r.on(kDomainONNX, "Relu", 6, importRelu);
  r.on(kDomainONNX, "Clip", 6, importClip);
  r.on(kDomainONNX, "LeakyRelu", 6, importLeakyRelu);
  r.on(kDomainONNX, "Sigmoid", 6, importSigmoid);
  r.on(kDomainONNX, "Tanh", 6, importTanh);
  r.on(kDomainONNX, "Softmax", 1, importSoftmax);
  r.on(kDomainONNX, "MaxPool", 8, [](NodeContext &c) {
    return importPool(c, /*isMax=*/true, /*global=*/false);
  });
  r.on(kDomainONNX, "AveragePool", 7, [](NodeContext &c) {
    return importPool(c, /*isMax=*/false, /*global=*/false);
  });
  r.on(kDomainONNX, "GlobalAveragePool", 1, [](NodeContext &c) {
    return importPool(c, /*isMax=*/false, /*global=*/true);
  });
  r.on(kDomainONNX, "GlobalMaxPool", 1, [](NodeContext &c) {
    return importPool(c, /*isMax=*/true, /*global=*/true);
  });
  r.on(kDomainONNX, "BatchNormalization", 7, importBatchNorm);
}
