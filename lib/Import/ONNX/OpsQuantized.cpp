//===- OpsQuantized.cpp - ONNX quantization ops
//----------------------------===//
//
// Part of the lowbit project.
//
// QuantizeLinear / DequantizeLinear become lowbit.quantize / dequantize on
// `!quant.uniform` types built from their (constant) scales and zero points,
// per tensor or per axis; the QDQ fusion pass later folds dequantize -> float
// op -> quantize into quantized lowbit ops. QLinearMatMul, QLinearConv,
// MatMulInteger, ConvInteger and onnxruntime's com.microsoft QLinear* ops map
// straight to quantized lowbit ops. Integer tensors travel as signless
// storage values; the consumer's scale and zero point give them a type.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

using DT = onnx::TensorProto_DataType;

namespace {

/// Scale and zero point operands of a quantized tensor.
struct QuantParams {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  /// ONNX data type of the quantized values (from the zero point).
  int32_t dtype = DT::TensorProto_DataType_UINT8;
  /// Logical axis for per-axis parameters, -1 for per tensor.
  int64_t axis = -1;
};

/// Reads scale operand `si` and zero-point operand `zi` (-1 or missing:
/// zero of `defaultDType`). `axisDim` is the size of the axis a per-axis
/// vector must match (`axis` logical).
FailureOr<QuantParams>
readParams(NodeContext &ctx, int64_t si, int64_t zi, int64_t axis,
           int64_t axisDim, StringRef what,
           int32_t defaultDType = DT::TensorProto_DataType_UINT8) {
  QuantParams p;
  FailureOr<DenseElementsAttr> scale =
      ctx.constantInput(si, (what + " scale").str());
  if (failed(scale))
    return failure();
  if (!isa<FloatType>(scale->getElementType())) {
    ctx.emitError() << what << " scale must be a float tensor";
    return failure();
  }
  // Scales are float32 in every reference.
  for (double s : toDoubles(*scale))
    p.scales.push_back(static_cast<float>(s));
  p.dtype = defaultDType;
  if (zi >= 0 && ctx.hasInput(zi)) {
    FailureOr<DenseElementsAttr> zp =
        ctx.constantInput(zi, (what + " zero point").str());
    if (failed(zp))
      return failure();
    p.zeroPoints = toInts(*zp);
    p.dtype = (*ctx.input(zi))->dtype;
    if (p.zeroPoints.size() != p.scales.size()) {
      ctx.emitError() << what << " has " << p.scales.size() << " scales but "
                      << p.zeroPoints.size() << " zero points";
      return failure();
    }
  } else {
    p.zeroPoints.assign(p.scales.size(), 0);
  }
  for (double s : p.scales)
    if (!(s > 0) || !std::isfinite(s)) {
      ctx.emitError() << what << " scale " << s
                      << " is not a positive finite number";
      return failure();
    }
  // One scale, even as a one-element vector (PyTorch writes them), is per
  // tensor.
  if (p.scales.size() > 1) {
    if (axis < 0) {
      ctx.emitError() << what << " has " << p.scales.size()
                      << " scales where one (per tensor) is expected";
      return failure();
    }
    if (static_cast<int64_t>(p.scales.size()) != axisDim) {
      ctx.emitError() << what << " has " << p.scales.size()
                      << " scales for an axis of size " << axisDim;
      return failure();
    }
    p.axis = axis;
  }
  return p;
}

/// The storage description of an ONNX integer type.
struct Storage {
  unsigned width;
  bool isSigned;
};

FailureOr<Storage> storageOf(NodeContext &ctx, int32_t dtype, StringRef what) {
  switch (dtype) {
  case DT::TensorProto_DataType_UINT8:
    return Storage{8, false};
  case DT::TensorProto_DataType_INT8:
    return Storage{8, true};
  case DT::TensorProto_DataType_UINT16:
    return Storage{16, false};
  case DT::TensorProto_DataType_INT16:
    return Storage{16, true};
  case DT::TensorProto_DataType_INT32:
    return Storage{32, true};
  default:
    ctx.emitError() << what << " has element type "
                    << GraphImporter::dtypeName(dtype)
                    << "; expected uint8, int8, uint16, int16 or int32";
    return failure();
  }
}

/// The `!quant.uniform` element type for `p` on a tensor of `rank` in
/// `layout`.
FailureOr<Type> quantType(NodeContext &ctx, const QuantParams &p, int64_t rank,
                          Layout layout, StringRef what) {
  FailureOr<Storage> s = storageOf(ctx, p.dtype, what);
  if (failed(s))
    return failure();
  int64_t lo = s->isSigned ? -(int64_t(1) << (s->width - 1)) : 0;
  int64_t hi = s->isSigned ? (int64_t(1) << (s->width - 1)) - 1
                           : (int64_t(1) << s->width) - 1;
  for (int64_t z : p.zeroPoints)
    if (z < lo || z > hi) {
      ctx.emitError() << what << " zero point " << z
                      << " is outside the storage range";
      return failure();
    }
  if (s->width == 32 &&
      llvm::any_of(p.zeroPoints, [](int64_t z) { return z != 0; })) {
    ctx.emitError() << what
                    << " is int32 with a nonzero zero point, which "
                       "lowbit does not support";
    return failure();
  }
  MLIRContext *mctx = ctx.getContext();
  auto storage = IntegerType::get(mctx, s->width);
  auto f32 = Float32Type::get(mctx);
  unsigned flags = s->isSigned ? quant::QuantizationFlags::Signed : 0;
  if (p.axis < 0)
    return Type(quant::UniformQuantizedType::get(
        flags, storage, f32, p.scales[0], p.zeroPoints[0], lo, hi));
  int64_t axis = p.axis;
  if (layout == Layout::NHWC && rank == 4)
    axis = kNHWCPosition[axis];
  return Type(quant::UniformQuantizedPerAxisType::get(
      flags, storage, f32, p.scales, p.zeroPoints, axis, lo, hi));
}

/// The values of `tv` typed `element` in `layout`: a lowbit.constant for
/// constants, else storage casts (the stored integers are kept).
FailureOr<Value> quantValue(NodeContext &ctx, TensorValue &tv, Layout layout,
                            Type element) {
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  SmallVector<int64_t> physical =
      GraphImporter::physicalShape(tv.shape, layout);
  auto type = RankedTensorType::get(physical, element);
  if (!GraphImporter::isIntegerDType(tv.dtype) ||
      tv.dtype == DT::TensorProto_DataType_BOOL) {
    ctx.emitError() << "expects integer (quantized) values, got "
                    << GraphImporter::dtypeName(tv.dtype);
    return failure();
  }
  if (tv.constant) {
    DenseElementsAttr c = tv.constant;
    SmallVector<int64_t> values = toInts(c);
    auto i32 = RankedTensorType::get(tv.shape, b.getI32Type());
    SmallVector<int32_t> narrow(values.begin(), values.end());
    DenseElementsAttr attr = DenseElementsAttr::get(i32, ArrayRef(narrow));
    if (layout == Layout::NHWC) {
      SmallVector<int64_t> padded(4 - std::min<size_t>(4, tv.shape.size()), 1);
      padded.append(tv.shape.begin(), tv.shape.end());
      attr = transposeConstant(
          attr.reshape(RankedTensorType::get(padded, b.getI32Type())),
          {0, 2, 3, 1});
    }
    return Value(lowbit::ConstantOp::create(b, ctx.loc, type, attr));
  }
  Value v = g.get(tv, layout, ctx.loc);
  Type current = cast<RankedTensorType>(v.getType()).getElementType();
  if (current == element)
    return v;
  unsigned width = getStorageBitWidth(element);
  if (auto q = dyn_cast<quant::QuantizedType>(current)) {
    if (q.getStorageTypeIntegralWidth() != width) {
      ctx.emitError() << "operand stored in " << q.getStorageTypeIntegralWidth()
                      << " bits cannot be read as " << element;
      return failure();
    }
    v = lowbit::StorageCastOp::create(
        b, ctx.loc, type.clone(IntegerType::get(ctx.getContext(), width)), v);
  } else if (current.getIntOrFloatBitWidth() != width) {
    ctx.emitError() << "operand of " << current << " cannot be read as "
                    << element;
    return failure();
  }
  return Value(lowbit::StorageCastOp::create(b, ctx.loc, type, v));
}

//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear
//===----------------------------------------------------------------------===//

/// QuantizeLinear with a scale (and zero point) computed at run time, as in
/// the expanded form of DynamicQuantizeLinear: per tensor only,
/// y = saturate(round_half_even(x / scale) + zp).
LogicalResult importRuntimeQuantizeLinear(NodeContext &ctx, TensorValue *x) {
  GraphImporter &g = ctx.importer;
  FailureOr<TensorValue *> scale = ctx.input(1);
  if (failed(scale))
    return failure();
  int32_t dtype = DT::TensorProto_DataType_UINT8;
  TensorValue *zp = nullptr;
  if (ctx.hasInput(2)) {
    FailureOr<TensorValue *> z = ctx.input(2);
    if (failed(z))
      return failure();
    zp = *z;
    dtype = zp->dtype;
  }
  int64_t scaleCount = 1;
  for (int64_t d : (*scale)->shape)
    scaleCount *= d;
  if (scaleCount != 1 || (*scale)->dtype != DT::TensorProto_DataType_FLOAT ||
      (dtype != DT::TensorProto_DataType_UINT8 &&
       dtype != DT::TensorProto_DataType_INT8)) {
    ctx.emitError() << "a scale computed at run time must be one float32 "
                       "value with a uint8 or int8 zero point";
    return failure();
  }
  bool isSigned = dtype == DT::TensorProto_DataType_INT8;
  Layout layout = x->keptLayout();
  SmallVector<Value> operands = {
      g.get(*x, layout, ctx.loc),
      g.reshape(g.get(**scale, Layout::Logical, ctx.loc), {}, ctx.loc)};
  if (zp)
    operands.push_back(
        g.reshape(g.get(*zp, Layout::Logical, ctx.loc), {}, ctx.loc));
  auto i8 = ctx.builder().getI8Type();
  Value y = g.map(
      operands, i8, ctx.loc,
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        auto f32 = b.getF32Type();
        auto c = [&](float f) -> Value {
          return arith::ConstantOp::create(b, l, b.getF32FloatAttr(f));
        };
        Value q = math::RoundEvenOp::create(
            b, l, arith::DivFOp::create(b, l, a[0], a[1]));
        if (a.size() > 2) {
          Value z = isSigned ? (Value)arith::SIToFPOp::create(b, l, f32, a[2])
                             : (Value)arith::UIToFPOp::create(b, l, f32, a[2]);
          q = arith::AddFOp::create(b, l, q, z);
        }
        q = arith::MaximumFOp::create(b, l, q, c(isSigned ? -128.0f : 0.0f));
        q = arith::MinimumFOp::create(b, l, q, c(isSigned ? 127.0f : 255.0f));
        return arith::TruncIOp::create(
            b, l, i8, arith::FPToSIOp::create(b, l, b.getI32Type(), q));
      });
  ctx.setOutput(0, TensorValue::of(y, x->shape, dtype, layout));
  return success();
}

LogicalResult importQuantizeLinear(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis", "saturate"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  if ((*x)->dtype != DT::TensorProto_DataType_FLOAT) {
    ctx.emitError() << "expects a float32 input, got "
                    << GraphImporter::dtypeName((*x)->dtype);
    return failure();
  }
  int64_t rank = (*x)->rank();
  FailureOr<TensorValue *> scaleOperand = ctx.input(1);
  if (failed(scaleOperand))
    return failure();
  if (!(*scaleOperand)->constant)
    return importRuntimeQuantizeLinear(ctx, *x);
  int64_t axis = ctx.attrInt("axis", 1);
  if (rank > 0 && axis < 0)
    axis += rank;
  int64_t axisDim = axis >= 0 && axis < rank ? (*x)->shape[axis] : 1;
  FailureOr<QuantParams> p = readParams(ctx, 1, 2, axis, axisDim, "y");
  if (failed(p))
    return failure();
  if (p->axis >= 0 && (axis < 0 || axis >= rank)) {
    ctx.emitError() << "axis " << ctx.attrInt("axis", 1)
                    << " is out of range for rank " << rank;
    return failure();
  }
  Layout layout =
      p->axis < 0 || rank == 4 ? (*x)->keptLayout() : Layout::Logical;
  FailureOr<Type> q = quantType(ctx, *p, rank, layout, "y");
  if (failed(q))
    return failure();
  Value in = ctx.importer.get(**x, layout, ctx.loc);
  auto type = cast<RankedTensorType>(in.getType()).clone(*q);
  Value y = lowbit::QuantizeOp::create(ctx.builder(), ctx.loc, type, in);
  ctx.setOutput(0, TensorValue::of(y, (*x)->shape, p->dtype, layout));
  return success();
}

LogicalResult importDequantizeLinear(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = (*x)->rank();
  int64_t axis = ctx.attrInt("axis", 1);
  if (rank > 0 && axis < 0)
    axis += rank;
  int64_t axisDim = axis >= 0 && axis < rank ? (*x)->shape[axis] : 1;
  FailureOr<QuantParams> p =
      readParams(ctx, 1, 2, axis, axisDim, "x", (*x)->dtype);
  if (failed(p))
    return failure();
  if (p->dtype != (*x)->dtype) {
    ctx.emitError() << "x is " << GraphImporter::dtypeName((*x)->dtype)
                    << " but its zero point is "
                    << GraphImporter::dtypeName(p->dtype);
    return failure();
  }
  Layout layout = (*x)->constant ? Layout::Logical : (*x)->keptLayout();
  if (p->axis >= 0 && rank != 4)
    layout = Layout::Logical;
  FailureOr<Type> q = quantType(ctx, *p, rank, layout, "x");
  if (failed(q))
    return failure();
  FailureOr<Value> in = quantValue(ctx, **x, layout, *q);
  if (failed(in))
    return failure();
  auto type = cast<RankedTensorType>(in->getType())
                  .clone(Float32Type::get(ctx.getContext()));
  Value y = lowbit::DequantizeOp::create(ctx.builder(), ctx.loc, type, *in);
  TensorValue out =
      TensorValue::of(y, (*x)->shape, DT::TensorProto_DataType_FLOAT, layout);
  ctx.setOutput(0, out);
  return success();
}

//===----------------------------------------------------------------------===//
// Integer contractions
//===----------------------------------------------------------------------===//

/// A matmul of quantized operands (2-D or batched 3-D; B's leading batch
/// of 1 is shared), result element `resultElement`.
FailureOr<Value> quantMatmul(NodeContext &ctx, TensorValue &a, Type aElement,
                             TensorValue &b, Type bElement, Type resultElement,
                             Value bias, SmallVector<int64_t> &outShape) {
  if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3) {
    ctx.emitError() << "expects 2-D or 3-D operands, got ranks " << a.rank()
                    << " and " << b.rank();
    return failure();
  }
  int64_t k = a.shape.back(), m = a.shape[a.rank() - 2];
  int64_t kb = b.shape[b.rank() - 2], n = b.shape.back();
  if (k != kb) {
    ctx.emitError() << "A has K = " << k << " but B has K = " << kb;
    return failure();
  }
  FailureOr<Value> lhs = quantValue(ctx, a, Layout::Logical, aElement);
  FailureOr<Value> rhs = quantValue(ctx, b, Layout::Logical, bElement);
  if (failed(lhs) || failed(rhs))
    return failure();
  GraphImporter &g = ctx.importer;
  if (b.rank() == 3 && b.shape[0] == 1)
    *rhs = g.reshape(*rhs, {k, n}, ctx.loc);
  if (b.rank() == 3 && b.shape[0] != 1 &&
      (a.rank() != 3 || a.shape[0] != b.shape[0])) {
    ctx.emitError() << "batch dimensions of A and B differ";
    return failure();
  }
  outShape = llvm::to_vector(a.shape);
  outShape.back() = n;
  if (a.rank() == 2 && b.rank() == 3 && b.shape[0] != 1) {
    ctx.emitError() << "a 2-D A with a batched B is not supported";
    return failure();
  }
  auto resultType = RankedTensorType::get(outShape, resultElement);
  SmallVector<Value> operands = {*lhs, *rhs};
  if (bias)
    operands.push_back(bias);
  (void)m;
  return Value(lowbit::MatmulOp::create(ctx.builder(), ctx.loc,
                                        TypeRange{resultType}, operands,
                                        ArrayRef<NamedAttribute>{}));
}

/// An int32 accumulator type of scale 1 (ONNX *Integer outputs).
Type accumulatorType(MLIRContext *ctx) {
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 32),
      Float32Type::get(ctx), 1.0, 0, INT32_MIN, INT32_MAX);
}

/// A zero-point-only parameter set (scale 1) for the *Integer ops.
FailureOr<QuantParams> integerParams(NodeContext &ctx, TensorValue *x,
                                     int64_t zi, int64_t axis, int64_t axisDim,
                                     StringRef what) {
  QuantParams p;
  p.dtype = x->dtype;
  if (ctx.hasInput(zi)) {
    FailureOr<DenseElementsAttr> zp =
        ctx.constantInput(zi, (what + " zero point").str());
    if (failed(zp))
      return failure();
    p.zeroPoints = toInts(*zp);
  } else {
    p.zeroPoints = {0};
  }
  bool uniform = llvm::all_equal(p.zeroPoints);
  if (p.zeroPoints.size() > 1 && !uniform) {
    if (axis < 0 || static_cast<int64_t>(p.zeroPoints.size()) != axisDim) {
      ctx.emitError() << what << " has " << p.zeroPoints.size()
                      << " zero points; per-tensor"
                      << (axis >= 0 ? " or one per output channel" : "")
                      << " zero points are supported";
      return failure();
    }
    p.axis = axis;
  } else {
    p.zeroPoints.resize(1);
  }
  p.scales.assign(p.zeroPoints.size(), 1.0);
  return p;
}

/// `x - zp` widened to i32: `zp` is absent (0), one value, or one value
/// per index of the last axis (a 1-D tensor); computed at run time.
FailureOr<Value> centeredInt32(NodeContext &ctx, TensorValue &x, int64_t zi,
                               StringRef what) {
  GraphImporter &g = ctx.importer;
  bool isSigned = !GraphImporter::isUnsignedDType(x.dtype);
  if (x.dtype != DT::TensorProto_DataType_UINT8 &&
      x.dtype != DT::TensorProto_DataType_INT8) {
    ctx.emitError() << what << " must be uint8 or int8, got "
                    << GraphImporter::dtypeName(x.dtype);
    return failure();
  }
  SmallVector<Value> operands = {g.get(x, Layout::Logical, ctx.loc)};
  if (ctx.hasInput(zi)) {
    FailureOr<TensorValue *> zp = ctx.input(zi);
    if (failed(zp))
      return failure();
    if ((*zp)->dtype != x.dtype) {
      ctx.emitError() << what << " is " << GraphImporter::dtypeName(x.dtype)
                      << " but its zero point is "
                      << GraphImporter::dtypeName((*zp)->dtype);
      return failure();
    }
    int64_t count = 1;
    for (int64_t d : (*zp)->shape)
      count *= d;
    Value z = g.get(**zp, Layout::Logical, ctx.loc);
    if (count == 1)
      z = g.reshape(z, {}, ctx.loc);
    else if ((*zp)->rank() != 1 || x.rank() == 0 || count != x.shape.back()) {
      ctx.emitError() << what << " zero point must be one value or one per "
                      << "index of the last axis";
      return failure();
    }
    operands.push_back(z);
  }
  auto i32 = ctx.builder().getI32Type();
  return g.map(operands, i32, ctx.loc,
               [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                 auto widen = [&](Value e) -> Value {
                   return isSigned
                              ? (Value)arith::ExtSIOp::create(b, l, i32, e)
                              : (Value)arith::ExtUIOp::create(b, l, i32, e);
                 };
                 Value r = widen(v[0]);
                 if (v.size() > 1)
                   r = arith::SubIOp::create(b, l, r, widen(v[1]));
                 return r;
               });
}

/// MatMulInteger whose zero points are computed at run time (as
/// onnxruntime's dynamic quantization writes it: the zero point of A comes
/// from DynamicQuantizeLinear): the operands are centered in i32 and
/// multiplied with linalg.matmul / linalg.batch_matmul. lowbit's quantized
/// types need their zero points at compile time.
LogicalResult importRuntimeMatMulInteger(NodeContext &ctx, TensorValue &a,
                                         TensorValue &b) {
  if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3 ||
      (b.rank() == 3 && a.rank() != 3)) {
    ctx.emitError() << "expects 2-D or 3-D operands (a 3-D B with a 3-D A), "
                       "got ranks "
                    << a.rank() << " and " << b.rank();
    return failure();
  }
  int64_t k = a.shape.back(), n = b.shape.back();
  if (b.shape[b.rank() - 2] != k) {
    ctx.emitError() << "A has K = " << k
                    << " but B has K = " << b.shape[b.rank() - 2];
    return failure();
  }
  FailureOr<Value> lhs = centeredInt32(ctx, a, 2, "A");
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = centeredInt32(ctx, b, 3, "B");
  if (failed(rhs))
    return failure();
  OpBuilder &bld = ctx.builder();
  SmallVector<int64_t> shape = llvm::to_vector(a.shape);
  shape.back() = n;
  auto i32 = bld.getI32Type();
  Value zero =
      arith::ConstantOp::create(bld, ctx.loc, bld.getI32IntegerAttr(0));
  Value init =
      linalg::FillOp::create(
          bld, ctx.loc, zero,
          tensor::EmptyOp::create(bld, ctx.loc, shape, i32).getResult())
          .getResult(0);
  Value y;
  if (a.rank() == 2) {
    y = linalg::MatmulOp::create(bld, ctx.loc, ValueRange{*lhs, *rhs},
                                 ValueRange{init})
            .getResult(0);
  } else {
    Value r = *rhs;
    if (b.rank() == 2) {
      // Share B across the batch.
      SmallVector<int64_t> bs = {a.shape[0], k, n};
      Value e = tensor::EmptyOp::create(bld, ctx.loc, bs, i32);
      r = linalg::BroadcastOp::create(bld, ctx.loc, r, e, ArrayRef<int64_t>{0})
              ->getResult(0);
    } else if (b.shape[0] != a.shape[0]) {
      ctx.emitError() << "batch dimensions of A and B differ";
      return failure();
    }
    y = linalg::BatchMatmulOp::create(bld, ctx.loc, ValueRange{*lhs, r},
                                      ValueRange{init})
            .getResult(0);
  }
  ctx.setOutput(0, TensorValue::of(y, shape, DT::TensorProto_DataType_INT32,
                                   Layout::Logical));
  return success();
}

LogicalResult importMatMulInteger(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> a = ctx.input(0), b = ctx.input(1);
  if (failed(a) || failed(b))
    return failure();
  for (int64_t zi : {2, 3})
    if (ctx.hasInput(zi)) {
      FailureOr<TensorValue *> zp = ctx.input(zi);
      if (failed(zp))
        return failure();
      if (!(*zp)->isConstant())
        return importRuntimeMatMulInteger(ctx, **a, **b);
    }
  FailureOr<QuantParams> pa = integerParams(ctx, *a, 2, -1, 1, "a");
  FailureOr<QuantParams> pb =
      integerParams(ctx, *b, 3, (*b)->rank() - 1,
                    (*b)->shape.empty() ? 1 : (*b)->shape.back(), "b");
  if (failed(pa) || failed(pb))
    return failure();
  FailureOr<Type> qa = quantType(ctx, *pa, (*a)->rank(), Layout::Logical, "A");
  FailureOr<Type> qb = quantType(ctx, *pb, (*b)->rank(), Layout::Logical, "B");
  if (failed(qa) || failed(qb))
    return failure();
  SmallVector<int64_t> shape;
  FailureOr<Value> y =
      quantMatmul(ctx, **a, *qa, **b, *qb, accumulatorType(ctx.getContext()),
                  nullptr, shape);
  if (failed(y))
    return failure();
  ctx.setOutput(0, TensorValue::of(*y, shape, DT::TensorProto_DataType_INT32,
                                   Layout::Logical));
  return success();
}

LogicalResult importQLinearMatMul(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> a = ctx.input(0), b = ctx.input(3);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<QuantParams> pa = readParams(ctx, 1, 2, -1, 1, "a", (*a)->dtype);
  FailureOr<QuantParams> pb = readParams(
      ctx, 4, 5, (*b)->rank() - 1, (*b)->shape.empty() ? 1 : (*b)->shape.back(),
      "b", (*b)->dtype);
  FailureOr<QuantParams> py = readParams(ctx, 6, 7, -1, 1, "y");
  if (failed(pa) || failed(pb) || failed(py))
    return failure();
  FailureOr<Type> qa = quantType(ctx, *pa, (*a)->rank(), Layout::Logical, "a");
  FailureOr<Type> qb = quantType(ctx, *pb, (*b)->rank(), Layout::Logical, "b");
  FailureOr<Type> qy = quantType(ctx, *py, (*a)->rank(), Layout::Logical, "y");
  if (failed(qa) || failed(qb) || failed(qy))
    return failure();
  SmallVector<int64_t> shape;
  FailureOr<Value> y =
      quantMatmul(ctx, **a, *qa, **b, *qb, *qy, nullptr, shape);
  if (failed(y))
    return failure();
  ctx.setOutput(0, TensorValue::of(*y, shape, py->dtype, Layout::Logical));
  return success();
}

/// Shared by QLinearConv and ConvInteger: window attributes as Conv.
struct ConvGeometry {
  SmallVector<int64_t> strides, dilations, outShape;
  SmallVector<int64_t, 4> padding;
  int64_t groups;
};

FailureOr<ConvGeometry> convGeometry(NodeContext &ctx, TensorValue *x,
                                     TensorValue *w) {
  if (x->rank() != 4 || w->rank() != 4) {
    ctx.emitError() << "only 2-D convolutions (rank-4 input and filter) are "
                       "supported";
    return failure();
  }
  ConvGeometry geo;
  geo.groups = ctx.attrInt("group", 1);
  ArrayRef<int64_t> xs = x->shape, ws = w->shape;
  if (geo.groups < 1 || xs[1] % geo.groups || ws[0] % geo.groups ||
      ws[1] * geo.groups != xs[1]) {
    ctx.emitError() << "filter and group do not fit " << xs[1]
                    << " input channels";
    return failure();
  }
  FailureOr<Window> win = readWindow(ctx, {xs[2], xs[3]}, {ws[2], ws[3]});
  if (failed(win))
    return failure();
  geo.strides = win->strides;
  geo.dilations = win->dilations;
  geo.padding = win->padding;
  geo.outShape = {xs[0], ws[0], win->outHW[0], win->outHW[1]};
  return geo;
}

Value buildConv(NodeContext &ctx, Value input, Value filter, Value bias,
                const ConvGeometry &geo, Type resultElement) {
  OpBuilder &b = ctx.builder();
  auto type = RankedTensorType::get(
      GraphImporter::physicalShape(geo.outShape, Layout::NHWC), resultElement);
  SmallVector<Value> operands = {input, filter};
  if (bias)
    operands.push_back(bias);
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("strides", b.getDenseI64ArrayAttr(geo.strides)),
      b.getNamedAttr("dilations", b.getDenseI64ArrayAttr(geo.dilations)),
      b.getNamedAttr("padding", b.getDenseI64ArrayAttr(geo.padding))};
  if (geo.groups != 1)
    attrs.push_back(b.getNamedAttr("groups", b.getI64IntegerAttr(geo.groups)));
  return lowbit::Conv2DOp::create(b, ctx.loc, TypeRange{type}, operands, attrs);
}

/// ConvInteger whose input zero point is computed at run time (onnxruntime's
/// dynamic quantization of Conv): x - x_zero_point is formed at run time
/// (it fits 16 bits), w - w_zero_point at compile time, and the conv runs on
/// those centered values as 16-bit integers of zero point 0, so padding
/// contributes 0 as ONNX requires.
LogicalResult importRuntimeConvInteger(NodeContext &ctx, TensorValue &x,
                                       TensorValue &w,
                                       const ConvGeometry &geo) {
  MLIRContext *mctx = ctx.getContext();
  auto i16 = IntegerType::get(mctx, 16);
  // The difference of two 8-bit values: [-255, 255] (which also bounds the
  // accumulator for the overflow check).
  auto centered = quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, i16, Float32Type::get(mctx), 1.0, 0,
      -255, 255);
  if (!w.constant) {
    ctx.emitError() << "with a run-time zero point the weights must be "
                       "constant";
    return failure();
  }
  if (x.dtype != DT::TensorProto_DataType_UINT8 &&
      x.dtype != DT::TensorProto_DataType_INT8) {
    ctx.emitError() << "x must be uint8 or int8, got "
                    << GraphImporter::dtypeName(x.dtype);
    return failure();
  }
  // Weights: w - w_zero_point (one per tensor or per output channel).
  SmallVector<int64_t> wz = {0};
  if (ctx.hasInput(3)) {
    FailureOr<DenseElementsAttr> z = ctx.constantInput(3, "w zero point");
    if (failed(z))
      return failure();
    wz = toInts(*z);
    if (wz.size() != 1 && static_cast<int64_t>(wz.size()) != w.shape[0]) {
      ctx.emitError() << "w has " << wz.size() << " zero points for "
                      << w.shape[0] << " output channels";
      return failure();
    }
  }
  SmallVector<int64_t> wv = toInts(w.constant);
  int64_t perChannel = static_cast<int64_t>(wv.size()) / w.shape[0];
  SmallVector<int16_t> wc;
  for (int64_t i = 0, e = wv.size(); i < e; ++i)
    wc.push_back(
        static_cast<int16_t>(wv[i] - wz[wz.size() == 1 ? 0 : i / perChannel]));
  TensorValue wt = ctx.importer.makeConstant(
      DenseElementsAttr::get(RankedTensorType::get(w.shape, i16), ArrayRef(wc)),
      DT::TensorProto_DataType_INT16);
  FailureOr<Value> filter = quantValue(ctx, wt, Layout::NHWC, centered);
  if (failed(filter))
    return failure();
  // Input: x - x_zero_point at run time.
  FailureOr<TensorValue *> zx = ctx.input(2);
  if (failed(zx))
    return failure();
  if ((*zx)->dtype != x.dtype) {
    ctx.emitError() << "x is " << GraphImporter::dtypeName(x.dtype)
                    << " but its zero point is "
                    << GraphImporter::dtypeName((*zx)->dtype);
    return failure();
  }
  GraphImporter &g = ctx.importer;
  bool isSigned = x.dtype == DT::TensorProto_DataType_INT8;
  Value z = g.reshape(g.get(**zx, Layout::Logical, ctx.loc), {}, ctx.loc);
  Value in =
      g.map({g.get(x, Layout::NHWC, ctx.loc), z}, i16, ctx.loc,
            [&](OpBuilder &b, Location l, ValueRange v) -> Value {
              auto widen = [&](Value e) -> Value {
                return isSigned ? (Value)arith::ExtSIOp::create(b, l, i16, e)
                                : (Value)arith::ExtUIOp::create(b, l, i16, e);
              };
              return arith::SubIOp::create(b, l, widen(v[0]), widen(v[1]));
            });
  in = lowbit::StorageCastOp::create(
      ctx.builder(), ctx.loc,
      cast<RankedTensorType>(in.getType()).clone(centered), in);
  Value y = buildConv(ctx, in, *filter, nullptr, geo,
                      accumulatorType(ctx.getContext()));
  ctx.setOutput(0,
                TensorValue::of(y, geo.outShape, DT::TensorProto_DataType_INT32,
                                Layout::NHWC));
  return success();
}

LogicalResult importConvInteger(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"auto_pad", "dilations", "group",
                                  "kernel_shape", "pads", "strides"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0), w = ctx.input(1);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<ConvGeometry> geo = convGeometry(ctx, *x, *w);
  if (failed(geo))
    return failure();
  if (ctx.hasInput(2)) {
    FailureOr<TensorValue *> zx = ctx.input(2);
    if (failed(zx))
      return failure();
    int64_t count = 1;
    for (int64_t d : (*zx)->shape)
      count *= d;
    if (!(*zx)->isConstant()) {
      if (count != 1) {
        ctx.emitError() << "x zero point must be one value";
        return failure();
      }
      return importRuntimeConvInteger(ctx, **x, **w, *geo);
    }
  }
  FailureOr<QuantParams> px = integerParams(ctx, *x, 2, -1, 1, "x");
  FailureOr<QuantParams> pw = integerParams(ctx, *w, 3, 0, (*w)->shape[0], "w");
  if (failed(px) || failed(pw))
    return failure();
  FailureOr<Type> qx = quantType(ctx, *px, 4, Layout::NHWC, "x");
  FailureOr<Type> qw = quantType(ctx, *pw, 4, Layout::NHWC, "w");
  if (failed(qx) || failed(qw))
    return failure();
  FailureOr<Value> in = quantValue(ctx, **x, Layout::NHWC, *qx);
  FailureOr<Value> filter = quantValue(ctx, **w, Layout::NHWC, *qw);
  if (failed(in) || failed(filter))
    return failure();
  Value y = buildConv(ctx, *in, *filter, nullptr, *geo,
                      accumulatorType(ctx.getContext()));
  ctx.setOutput(0,
                TensorValue::of(y, geo->outShape,
                                DT::TensorProto_DataType_INT32, Layout::NHWC));
  return success();
}

/// An int32 bias of scale s_x * s_w (per channel when the weights are).
FailureOr<Value> quantBias(NodeContext &ctx, int64_t bi, const QuantParams &px,
                           const QuantParams &pw, int64_t channels) {
  FailureOr<TensorValue *> b = ctx.input(bi);
  if (failed(b))
    return failure();
  if ((*b)->dtype != DT::TensorProto_DataType_INT32 || (*b)->rank() != 1 ||
      (*b)->shape[0] != channels) {
    ctx.emitError() << "expects an int32 bias of " << channels << " values";
    return failure();
  }
  QuantParams pb;
  pb.dtype = DT::TensorProto_DataType_INT32;
  for (double s : pw.scales)
    pb.scales.push_back(px.scales[0] * s);
  pb.zeroPoints.assign(pb.scales.size(), 0);
  pb.axis = pw.axis >= 0 ? 0 : -1;
  FailureOr<Type> qb = quantType(ctx, pb, 1, Layout::Logical, "B");
  if (failed(qb))
    return failure();
  return quantValue(ctx, **b, Layout::Logical, *qb);
}

LogicalResult importQLinearConv(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"auto_pad", "dilations", "group",
                                  "kernel_shape", "pads", "strides"})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0), w = ctx.input(3);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<ConvGeometry> geo = convGeometry(ctx, *x, *w);
  if (failed(geo))
    return failure();
  int64_t channels = (*w)->shape[0];
  FailureOr<QuantParams> px = readParams(ctx, 1, 2, -1, 1, "x", (*x)->dtype);
  FailureOr<QuantParams> pw =
      readParams(ctx, 4, 5, 0, channels, "w", (*w)->dtype);
  FailureOr<QuantParams> py = readParams(ctx, 6, 7, -1, 1, "y");
  if (failed(px) || failed(pw) || failed(py))
    return failure();
  FailureOr<Type> qx = quantType(ctx, *px, 4, Layout::NHWC, "x");
  FailureOr<Type> qw = quantType(ctx, *pw, 4, Layout::NHWC, "w");
  FailureOr<Type> qy = quantType(ctx, *py, 4, Layout::NHWC, "y");
  if (failed(qx) || failed(qw) || failed(qy))
    return failure();
  FailureOr<Value> in = quantValue(ctx, **x, Layout::NHWC, *qx);
  FailureOr<Value> filter = quantValue(ctx, **w, Layout::NHWC, *qw);
  if (failed(in) || failed(filter))
    return failure();
  Value bias;
  if (ctx.hasInput(8)) {
    FailureOr<Value> b = quantBias(ctx, 8, *px, *pw, channels);
    if (failed(b))
      return failure();
    bias = *b;
  }
  Value y = buildConv(ctx, *in, *filter, bias, *geo, *qy);
  ctx.setOutput(0, TensorValue::of(y, geo->outShape, py->dtype, Layout::NHWC));
  return success();
}

//===----------------------------------------------------------------------===//
// DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

/// uint8 quantization with a scale and zero point computed at run time from
/// the tensor's own range (ONNX DynamicQuantizeLinear):
///   scale = (max(0, max x) - min(0, min x)) / 255
///   zp    = saturate(round_half_even(-min(0, min x) / scale))
///   y     = saturate(round_half_even(x / scale) + zp)
LogicalResult importDynamicQuantizeLinear(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  if ((*x)->dtype != DT::TensorProto_DataType_FLOAT) {
    ctx.emitError() << "expects a float32 input";
    return failure();
  }
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc;
  Layout layout = (*x)->keptLayout();
  Value v = g.get(**x, layout, loc);
  auto type = cast<RankedTensorType>(v.getType());
  auto f32 = b.getF32Type();
  int64_t rank = type.getRank();
  MLIRContext *mctx = b.getContext();
  // Min and max over every element, each started at 0 (the range always
  // holds zero).
  auto reduce = [&](bool isMax) {
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, f32);
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    Value init = linalg::FillOp::create(b, loc, zero, empty)->getResult(0);
    SmallVector<utils::IteratorType> iters(rank,
                                           utils::IteratorType::reduction);
    AffineMap in = AffineMap::getMultiDimIdentityMap(rank, mctx);
    AffineMap out = AffineMap::get(rank, 0, {}, mctx);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{v},
               ValueRange{init}, ArrayRef<AffineMap>{in, out}, iters,
               [&](OpBuilder &nb, Location l, ValueRange a) {
                 Value r =
                     isMax
                         ? (Value)arith::MaximumFOp::create(nb, l, a[0], a[1])
                         : (Value)arith::MinimumFOp::create(nb, l, a[0], a[1]);
                 linalg::YieldOp::create(nb, l, r);
               })
        ->getResult(0);
  };
  Value mn = reduce(false), mx = reduce(true);
  auto c = [&](OpBuilder &nb, Location l, float f) -> Value {
    return arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(f));
  };
  auto saturate = [&](OpBuilder &nb, Location l, Value f) -> Value {
    f = arith::MaximumFOp::create(nb, l, f, c(nb, l, 0.0f));
    return arith::MinimumFOp::create(nb, l, f, c(nb, l, 255.0f));
  };
  Value scale =
      g.map({mx, mn}, f32, loc,
            [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
              Value range = arith::SubFOp::create(nb, l, a[0], a[1]);
              return arith::DivFOp::create(nb, l, range, c(nb, l, 255.0f));
            });
  auto i8 = b.getI8Type();
  // The zero point as a float (exact: an integer in [0, 255]).
  Value zpFloat = g.map(
      {mn, scale}, f32, loc,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value q = arith::SubFOp::create(
            nb, l, c(nb, l, 0.0f), arith::DivFOp::create(nb, l, a[0], a[1]));
        return math::RoundEvenOp::create(nb, l, saturate(nb, l, q));
      });
  auto toU8 = [&](OpBuilder &nb, Location l, Value f) -> Value {
    return arith::TruncIOp::create(
        nb, l, i8, arith::FPToSIOp::create(nb, l, nb.getI32Type(), f));
  };
  Value zp = g.map(zpFloat, i8, loc,
                   [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                     return toU8(nb, l, a[0]);
                   });
  Value y = g.map({v, scale, zpFloat}, i8, loc,
                  [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                    Value q = math::RoundEvenOp::create(
                        nb, l, arith::DivFOp::create(nb, l, a[0], a[1]));
                    q = arith::AddFOp::create(nb, l, q, a[2]);
                    return toU8(nb, l, saturate(nb, l, q));
                  });
  ctx.setOutput(0, TensorValue::of(y, (*x)->shape,
                                   DT::TensorProto_DataType_UINT8, layout));
  ctx.setOutput(1, TensorValue::of(scale, {}, DT::TensorProto_DataType_FLOAT,
                                   Layout::Logical));
  ctx.setOutput(2, TensorValue::of(zp, {}, DT::TensorProto_DataType_UINT8,
                                   Layout::Logical));
  return success();
}

//===----------------------------------------------------------------------===//
// onnxruntime com.microsoft QLinear ops
//===----------------------------------------------------------------------===//

LogicalResult importQLinearBinary(NodeContext &ctx, bool isAdd) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> a = ctx.input(0), b = ctx.input(3);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<QuantParams> pa = readParams(ctx, 1, 2, -1, 1, "A", (*a)->dtype);
  FailureOr<QuantParams> pb = readParams(ctx, 4, 5, -1, 1, "B", (*b)->dtype);
  FailureOr<QuantParams> pc = readParams(ctx, 6, 7, -1, 1, "C");
  if (failed(pa) || failed(pb) || failed(pc))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes((*a)->shape, (*b)->shape);
  if (failed(shape)) {
    ctx.emitError() << "operand shapes do not broadcast";
    return failure();
  }
  bool nhwc = ((*a)->value && (*a)->layout == Layout::NHWC) ||
              ((*b)->value && (*b)->layout == Layout::NHWC);
  Layout layout = nhwc && (*a)->rank() <= 4 && (*b)->rank() <= 4
                      ? Layout::NHWC
                      : Layout::Logical;
  FailureOr<Type> qa = quantType(ctx, *pa, 0, layout, "A");
  FailureOr<Type> qb = quantType(ctx, *pb, 0, layout, "B");
  FailureOr<Type> qc = quantType(ctx, *pc, 0, layout, "C");
  if (failed(qa) || failed(qb) || failed(qc))
    return failure();
  FailureOr<Value> lhs = quantValue(ctx, **a, layout, *qa);
  FailureOr<Value> rhs = quantValue(ctx, **b, layout, *qb);
  if (failed(lhs) || failed(rhs))
    return failure();
  auto type =
      RankedTensorType::get(GraphImporter::physicalShape(*shape, layout), *qc);
  Value y;
  if (isAdd)
    y = lowbit::AddOp::create(ctx.builder(), ctx.loc, TypeRange{type},
                              ValueRange{*lhs, *rhs},
                              ArrayRef<NamedAttribute>{});
  else
    y = lowbit::MulOp::create(ctx.builder(), ctx.loc, TypeRange{type},
                              ValueRange{*lhs, *rhs},
                              ArrayRef<NamedAttribute>{});
  ctx.setOutput(0, TensorValue::of(y, *shape, pc->dtype, layout));
  return success();
}

LogicalResult importQLinearPool(NodeContext &ctx, bool global) {
  if (failed(ctx.checkAttributes({"auto_pad", "ceil_mode", "channels_last",
                                  "count_include_pad", "kernel_shape", "pads",
                                  "strides"})))
    return failure();
  if (ctx.attrInt("channels_last", 0) != 0) {
    ctx.emitError() << "channels_last inputs are not supported";
    return failure();
  }
  if (ctx.attrInt("ceil_mode", 0) != 0) {
    ctx.emitError() << "ceil_mode is not supported";
    return failure();
  }
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  if ((*x)->rank() != 4) {
    ctx.emitError() << "only 2-D pooling (rank-4 input) is supported";
    return failure();
  }
  FailureOr<QuantParams> px = readParams(ctx, 1, 2, -1, 1, "x", (*x)->dtype);
  FailureOr<QuantParams> py = readParams(ctx, 3, 4, -1, 1, "y");
  if (failed(px) || failed(py))
    return failure();
  FailureOr<Type> qx = quantType(ctx, *px, 4, Layout::NHWC, "x");
  FailureOr<Type> qy = quantType(ctx, *py, 4, Layout::NHWC, "y");
  if (failed(qx) || failed(qy))
    return failure();
  ArrayRef<int64_t> xs = (*x)->shape;
  SmallVector<int64_t> kernel = {xs[2], xs[3]}, strides = {1, 1};
  SmallVector<int64_t> padding = {0, 0, 0, 0};
  if (!global) {
    kernel = ctx.attrInts("kernel_shape");
    strides = ctx.attrInts("strides");
    if (strides.empty())
      strides = {1, 1};
    SmallVector<int64_t> pads = ctx.attrInts("pads");
    if (pads.size() == 4)
      padding = {pads[0], pads[2], pads[1], pads[3]};
    if (kernel.size() != 2 || strides.size() != 2 ||
        ctx.attrString("auto_pad", "NOTSET") != "NOTSET") {
      ctx.emitError() << "expects a 2-D kernel_shape and strides, and no "
                         "auto_pad";
      return failure();
    }
  }
  SmallVector<int64_t> out = {xs[0], xs[1]};
  for (int d = 0; d < 2; ++d) {
    int64_t span = xs[2 + d] + padding[2 * d] + padding[2 * d + 1];
    if (span < kernel[d] || strides[d] < 1) {
      ctx.emitError() << "the window does not fit the padded input";
      return failure();
    }
    out.push_back((span - kernel[d]) / strides[d] + 1);
  }
  FailureOr<Value> in = quantValue(ctx, **x, Layout::NHWC, *qx);
  if (failed(in))
    return failure();
  OpBuilder &b = ctx.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kernel", b.getDenseI64ArrayAttr(kernel)),
      b.getNamedAttr("strides", b.getDenseI64ArrayAttr(strides)),
      b.getNamedAttr("padding", b.getDenseI64ArrayAttr(padding))};
  if (ctx.attrInt("count_include_pad", 0))
    attrs.push_back(b.getNamedAttr("count_include_pad", b.getUnitAttr()));
  SmallVector<int64_t> phys = GraphImporter::physicalShape(out, Layout::NHWC);
  // onnxruntime's definition: dequantize, average in float32 (the sum of the
  // window's taps divided by their count), quantize once, rounding half to
  // even. An integer average followed by a requantization would round
  // twice.
  auto f32 = b.getF32Type();
  Value real = lowbit::DequantizeOp::create(
      b, ctx.loc, cast<RankedTensorType>(in->getType()).clone(f32), *in);
  Value avg = lowbit::AvgPool2DOp::create(
      b, ctx.loc, TypeRange{RankedTensorType::get(phys, f32)}, ValueRange{real},
      attrs);
  Value y = lowbit::QuantizeOp::create(b, ctx.loc,
                                       RankedTensorType::get(phys, *qy), avg);
  ctx.setOutput(0, TensorValue::of(y, out, py->dtype, Layout::NHWC));
  return success();
}

} // namespace

void mlir::lowbit::onnx_import::registerQuantizedOps(OpRegistry &r) {
  r.on(kDomainONNX, "QuantizeLinear", 10, importQuantizeLinear);
  r.on(kDomainONNX, "DequantizeLinear", 10, importDequantizeLinear);
  r.on(kDomainONNX, "QLinearMatMul", 10, importQLinearMatMul);
  r.on(kDomainONNX, "QLinearConv", 10, importQLinearConv);
  r.on(kDomainONNX, "MatMulInteger", 10, importMatMulInteger);
  r.on(kDomainONNX, "ConvInteger", 10, importConvInteger);
  r.on(kDomainONNX, "DynamicQuantizeLinear", 11, importDynamicQuantizeLinear);
  r.on(kDomainMicrosoft, "QLinearAdd", 1,
       [](NodeContext &c) { return importQLinearBinary(c, /*isAdd=*/true); });
  r.on(kDomainMicrosoft, "QLinearMul", 1,
       [](NodeContext &c) { return importQLinearBinary(c, /*isAdd=*/false); });
  r.on(kDomainMicrosoft, "QLinearAveragePool", 1,
       [](NodeContext &c) { return importQLinearPool(c, /*global=*/false); });
  r.on(kDomainMicrosoft, "QLinearGlobalAveragePool", 1,
       [](NodeContext &c) { return importQLinearPool(c, /*global=*/true); });
}
