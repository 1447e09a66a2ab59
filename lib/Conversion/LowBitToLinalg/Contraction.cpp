//===- Contraction.cpp - lower quantized matmul and conv2d ----------------===//
//
// Part of the lowbit project.
//
// acc = sum (a - za)(w - zw) + bias in int32, then requantization. When the
// weights are constant the loop multiplies raw stored values and the
// zero-point terms (za * column sums of w, K * za * zw) are folded into one
// per-channel offset at compile time; only zw * (row sums of a) remains at
// run time, and only when the weights have a nonzero zero point.
//
// Every step is exact modulo 2^32, so intermediate wraparound is harmless
// as long as the true accumulator fits in int32; that bound is checked at
// compile time and an op that could overflow is rejected.
//
//===----------------------------------------------------------------------===//

#include "QuantBuilder.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::lowbit;

/// Applies offsets, bias and requantization to `acc` (last dim = channel).
Value mlir::lowbit::buildEpilogue(OpBuilder &b, Location loc, Value acc,
                                  RankedTensorType resultType,
                                  const EpilogueSpec &s) {
  QuantBuilder qb(b, loc);
  int64_t rank = resultType.getRank();
  int64_t c = s.channels;
  SmallVector<int32_t> offsets, mult, lsh, rsh;
  SmallVector<float> fmult, accScale;
  SmallVector<int32_t> off32(s.offsets.begin(), s.offsets.end());
  SmallVector<double> real;
  SmallVector<float> realF;
  for (int64_t i = 0; i < c; ++i) {
    double sxw = s.x.scale() * s.w.scale(i);
    accScale.push_back(static_cast<float>(s.x.scale()) *
                       static_cast<float>(s.w.scale(i)));
    if (!s.z.isFloat && !s.z.isBinary) {
      real.push_back(sxw / s.z.scale());
      realF.push_back(accScale.back() / static_cast<float>(s.z.scale()));
    } else {
      real.push_back(1.0);
      realF.push_back(1.0f);
    }
  }
  RequantParams p = computeRequantParams(real, realF);
  bool identity = llvm::all_of(real, [](double m) { return m == 1.0; });
  std::pair<int32_t, int32_t> act{0, 0};
  if (!s.z.isFloat && !s.z.isBinary)
    act = getActivationRange(s.z, s.activation, s.clampMin, s.clampMax);

  // An int32 result at the accumulator's scale with nothing to clamp
  // (e.g. the accumulator that --lowbit-fuse-thresholds compares with
  // integer thresholds) is the accumulator plus its per-channel offsets, if
  // any: a plain add that the kernels can fold (see ThresholdPack.cpp).
  if (identity && !s.runtimeBias && !s.z.isFloat && !s.z.isBinary &&
      resultType.getElementType().isInteger(32) && s.z.zeroPoint() == 0 &&
      act == std::pair<int32_t, int32_t>{INT32_MIN, INT32_MAX} &&
      acc.getType() == resultType) {
    if (llvm::all_of(off32, [](int32_t v) { return v == 0; }))
      return acc;
    return buildElementwise(
        b, loc, resultType, acc, qb.i32Tensor(off32), rank - 1,
        [](OpBuilder &nb, Location l, ValueRange a) {
          return arith::AddIOp::create(nb, l, a[0], a[1]).getResult();
        });
  }
  SmallVector<Value> channel = {qb.i32Tensor(off32),
                                qb.i32Tensor(p.multiplier),
                                qb.i32Tensor(p.leftShift),
                                qb.i32Tensor(p.rightShift),
                                qb.f32Tensor(p.floatMultiplier),
                                qb.f32Tensor(accScale)};
  if (s.runtimeBias)
    channel.push_back(s.runtimeBias);
  if (s.floatBias)
    channel.push_back(s.floatBias);
  Type storage = resultType.getElementType();
  return buildElementwise(
      b, loc, resultType, acc, channel, rank - 1,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        QuantBuilder q(nb, l);
        Value v = arith::AddIOp::create(nb, l, a[0], a[1]);
        unsigned next = 7;
        if (s.runtimeBias)
          v = arith::AddIOp::create(nb, l, v, a[next++]);
        if (s.z.isFloat || s.z.isBinary) {
          Value f = arith::MulFOp::create(
              nb, l, arith::SIToFPOp::create(nb, l, nb.getF32Type(), v), a[6]);
          if (s.floatBias)
            f = arith::AddFOp::create(nb, l, f, a[next++]);
          if (s.z.isBinary)
            return arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OLT, f,
                                         q.f32(0.0));
          f = applyFloatActivation(nb, l, f, s.activation, s.clampMin,
                                   s.clampMax);
          return truncateFloat(nb, l, f, s.z.floatType);
        }
        Value zp = q.i32(s.z.zeroPoint());
        Value lo = q.i32(act.first), hi = q.i32(act.second);
        Value r;
        if (identity) {
          r = q.clampI(arith::AddIOp::create(nb, l, v, zp), lo, hi);
        } else if (s.kind == RequantKind::Float) {
          r = q.requantFloat(v, a[5], zp, lo, hi);
        } else {
          r = q.mbqm(v, a[2], a[3], a[4]);
          r = q.clampI(arith::AddIOp::create(nb, l, r, zp), lo, hi);
        }
        return q.narrow(r, storage);
      });
}

/// The quantization of a contraction's operands and result, and its
/// converted result type; an error on `op` for unsupported element types or
/// dynamic shapes.
static LogicalResult readOperands(Operation *op, RankedTensorType a,
                                  RankedTensorType b, const TypeConverter &tc,
                                  QuantInfo &x, QuantInfo &w, QuantInfo &z,
                                  RankedTensorType &resultType) {
  Type result = op->getResult(0).getType();
  FailureOr<QuantInfo> qx = QuantInfo::get(a.getElementType());
  FailureOr<QuantInfo> qw = QuantInfo::get(b.getElementType());
  FailureOr<QuantInfo> qz = QuantInfo::get(getElementTypeOrSelf(result));
  if (failed(qx) || failed(qw) || failed(qz))
    return op->emitOpError("unsupported element types for lowering");
  if (!a.hasStaticShape() || !b.hasStaticShape())
    return op->emitOpError("lowering needs static shapes");
  x = *qx;
  w = *qw;
  z = *qz;
  resultType = cast<RankedTensorType>(tc.convertType(result));
  return success();
}

FailureOr<MatmulDesc> mlir::lowbit::describeMatmul(MatmulOp op,
                                                   const TypeConverter &tc) {
  MatmulDesc d;
  d.lhsType = op.getLhs().getType();
  d.rhsType = op.getRhs().getType();
  if (failed(readOperands(op, d.lhsType, d.rhsType, tc, d.x, d.w, d.z,
                          d.resultType)))
    return failure();
  d.rank = d.lhsType.getRank();
  d.batched = d.rank == 3;
  d.rhsBatched = d.rhsType.getRank() == 3;
  d.k = d.lhsType.getDimSize(d.rank - 1);
  d.n = d.rhsType.getDimSize(d.rhsType.getRank() - 1);
  d.accShape.assign(d.resultType.getShape().begin(),
                    d.resultType.getShape().end());
  return d;
}

FailureOr<Conv2DDesc> mlir::lowbit::describeConv2D(Conv2DOp op,
                                                   const TypeConverter &tc) {
  Conv2DDesc d;
  d.inType = op.getInput().getType();
  d.filterType = op.getFilter().getType();
  if (failed(readOperands(op, d.inType, d.filterType, tc, d.x, d.w, d.z,
                          d.resultType)))
    return failure();
  d.batch = d.inType.getDimSize(0);
  d.h = d.inType.getDimSize(1);
  d.w_ = d.inType.getDimSize(2);
  d.c = d.inType.getDimSize(3);
  d.o = d.filterType.getDimSize(0);
  d.kh = d.filterType.getDimSize(1);
  d.kw = d.filterType.getDimSize(2);
  d.groups = op.getGroupCount();
  d.cg = d.c / d.groups;
  d.og = d.o / d.groups;
  d.oh = d.resultType.getDimSize(1);
  d.ow = d.resultType.getDimSize(2);
  d.k = d.kh * d.kw * d.cg;
  d.strides = op.getStrideValues();
  d.dilations = op.getDilationValues();
  d.padding = op.getPaddingValues();
  return d;
}

SmallVector<AffineMap> Conv2DDesc::indexingMaps(MLIRContext *ctx,
                                                bool planes) const {
  int64_t n = planes ? 10 : 8;
  SmallVector<AffineExpr> d;
  for (int64_t i = 0; i < n; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  AffineExpr hIdx = d[1] * strides[0] + d[5] * dilations[0];
  AffineExpr wIdx = d[2] * strides[1] + d[6] * dilations[1];
  SmallVector<AffineExpr> in = {d[0], hIdx, wIdx, d[3]};
  SmallVector<AffineExpr> filter = {d[3], d[4], d[5], d[6]};
  if (planes) {
    in.push_back(d[7]);
    filter.push_back(d[8]);
  }
  in.push_back(d[n - 1]);
  filter.push_back(d[n - 1]);
  return {AffineMap::get(n, 0, in, ctx), AffineMap::get(n, 0, filter, ctx),
          AffineMap::get(n, 0, {d[0], d[1], d[2], d[3], d[4]}, ctx)};
}

AffineMap Conv2DDesc::channelMap(MLIRContext *ctx) {
  return AffineMap::get(
      8, 0, {getAffineDimExpr(3, ctx), getAffineDimExpr(4, ctx)}, ctx);
}

MatmulDesc::Loops MatmulDesc::loops(MLIRContext *ctx,
                                    int64_t reductions) const {
  Loops l;
  l.ctx = ctx;
  l.count = (batched ? 3 : 2) + reductions;
  l.batched = batched;
  l.rhsBatched = rhsBatched;
  int64_t lead = batched ? 1 : 0;
  l.m = getAffineDimExpr(lead, ctx);
  l.n = getAffineDimExpr(lead + 1, ctx);
  for (int64_t i = 0; i < reductions; ++i)
    l.r.push_back(getAffineDimExpr(lead + 2 + i, ctx));
  l.iters.assign(lead + 2, utils::IteratorType::parallel);
  l.iters.append(reductions, utils::IteratorType::reduction);
  return l;
}

SmallVector<AffineMap> MatmulDesc::Loops::maps(ArrayRef<AffineExpr> lhs,
                                               ArrayRef<AffineExpr> rhs) const {
  AffineExpr b = getAffineDimExpr(0, ctx);
  SmallVector<AffineExpr> lhsE, rhsE, outE;
  if (batched) {
    lhsE.push_back(b);
    outE.push_back(b);
    if (rhsBatched)
      rhsE.push_back(b);
  }
  lhsE.append(lhs.begin(), lhs.end());
  rhsE.append(rhs.begin(), rhs.end());
  outE.append({m, n});
  return {AffineMap::get(count, 0, lhsE, ctx),
          AffineMap::get(count, 0, rhsE, ctx),
          AffineMap::get(count, 0, outE, ctx)};
}

AffineMap MatmulDesc::Loops::channelMap() const {
  return AffineMap::get(count, 0, n);
}

SmallVector<utils::IteratorType> Conv2DDesc::iteratorTypes(bool planes) {
  SmallVector<utils::IteratorType> iters(5, utils::IteratorType::parallel);
  iters.append(planes ? 5 : 3, utils::IteratorType::reduction);
  return iters;
}

Value mlir::lowbit::subtractWeightZeroPointTerm(OpBuilder &b, Location loc,
                                                Value acc, Value rowSums,
                                                const QuantInfo &w,
                                                int64_t channels) {
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t rank = accType.getRank();
  SmallVector<int64_t> shape(accType.getShape().drop_back());
  shape.push_back(1);
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < rank - 1; ++i)
    reassoc.push_back({i});
  reassoc.back().push_back(rank - 1);
  Value rows = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, b.getI32Type()), rowSums, reassoc);
  SmallVector<int32_t> zw;
  for (int64_t j = 0; j < channels; ++j)
    zw.push_back(static_cast<int32_t>(w.zeroPoint(j)));
  QuantBuilder qb(b, loc);
  return buildElementwise(
      b, loc, accType, {acc, rows}, {qb.i32Tensor(zw)}, rank - 1,
      [&](OpBuilder &nb, Location l, ValueRange v) {
        return arith::SubIOp::create(nb, l, v[0],
                                     arith::MulIOp::create(nb, l, v[1], v[2]));
      });
}

/// Reads the bias operand: constant i32 values are folded into the offsets,
/// anything else is added at run time.
LogicalResult mlir::lowbit::prepareBias(Operation *op, Value origBias,
                                        Value convertedBias, EpilogueSpec &s) {
  if (!origBias)
    return success();
  if (isSupportedFloat(
          cast<RankedTensorType>(origBias.getType()).getElementType())) {
    s.floatBias = convertedBias;
    return success();
  }
  FailureOr<SmallVector<int64_t>> values = getConstantStoredValues(origBias);
  if (failed(values)) {
    s.runtimeBias = convertedBias;
    return success();
  }
  for (int64_t i = 0; i < s.channels; ++i) {
    int64_t b = (*values)[values->size() == 1 ? 0 : i];
    s.offsets[i] += b;
    s.maxAbsBias = std::max(s.maxAbsBias, std::abs(b));
  }
  return success();
}

/// Checks that the true accumulator fits in int32.
LogicalResult mlir::lowbit::checkAccumulatorBound(Operation *op, int64_t k,
                                                  const EpilogueSpec &s) {
  __int128 bound =
      static_cast<__int128>(k) * s.x.maxAbsCentered() * s.w.maxAbsCentered() +
      s.maxAbsBias;
  for (int64_t o : s.offsets)
    if (o > INT32_MAX || o < INT32_MIN)
      return op->emitOpError("folded bias/zero-point offset ")
             << o << " does not fit in int32";
  if (bound > INT32_MAX) {
    InFlightDiagnostic diag =
        op->emitOpError("int32 accumulator could overflow: reduction size ")
        << k << " times |a - za| <= " << s.x.maxAbsCentered()
        << " times |w - zw| <= " << s.w.maxAbsCentered();
    if (s.maxAbsBias)
      diag << " plus |bias| <= " << s.maxAbsBias;
    diag << " exceeds 2^31 - 1; split the reduction or narrow the types";
    return diag;
  }
  return success();
}

Value mlir::lowbit::buildFloatEpilogue(OpBuilder &b, Location loc, Value acc,
                                       Value bias, RankedTensorType resultType,
                                       Activation activation,
                                       std::optional<APFloat> clampMin,
                                       std::optional<APFloat> clampMax) {
  auto to = cast<FloatType>(resultType.getElementType());
  SmallVector<Value> channel;
  if (bias)
    channel.push_back(bias);
  return buildElementwise(
      b, loc, resultType, acc, channel, resultType.getRank() - 1,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value v = a[0];
        if (bias)
          v = arith::AddFOp::create(nb, l, v, extendToF32(nb, l, a[1]));
        v = applyFloatActivation(nb, l, v, activation, clampMin, clampMax);
        return truncateFloat(nb, l, v, to);
      });
}

namespace {

struct MatmulLowering : public ContractionLowering<MatmulOp, MatmulLowering,
                                                   /*ReplaceEmpty=*/false> {
  using ContractionLowering::ContractionLowering;

  static bool takes(MatmulOp op) { return !isBinaryLoweringOp(op); }

  FailureOr<Value> accumulate(MatmulOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              const MatmulDesc &desc, EpilogueSpec &s) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    const QuantInfo *x = &desc.x, *w = &desc.w;
    int64_t k = desc.k, n = desc.n;
    bool rhsBatched = desc.rhsBatched;

    // Iteration space (b?, m, n, k).
    MatmulDesc::Loops loops = desc.loops(ctx);
    AffineExpr dk = loops.r[0];
    SmallVector<AffineMap> maps = loops.maps({loops.m, dk}, {dk, loops.n});
    SmallVector<utils::IteratorType> iters = loops.iters;
    SmallVector<int64_t> accShape = desc.accShape;
    QuantBuilder qb(rewriter, loc);

    if (x->isFloat) {
      auto accType = RankedTensorType::get(accShape, rewriter.getF32Type());
      Value init = filledTensor(rewriter, loc, accShape, qb.f32(0.0));
      Value acc = linalg::GenericOp::create(
                      rewriter, loc, accType,
                      ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                      ValueRange{init}, maps, iters,
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        Value p =
                            arith::MulFOp::create(b, l, extendToF32(b, l, a[0]),
                                                  extendToF32(b, l, a[1]));
                        linalg::YieldOp::create(
                            b, l, Value(arith::AddFOp::create(b, l, a[2], p)));
                      })
                      .getResult(0);
      return acc;
    }

    FailureOr<SmallVector<int64_t>> wValues =
        rhsBatched ? FailureOr<SmallVector<int64_t>>(failure())
                   : getConstantStoredValues(op.getRhs());
    bool foldWeights = succeeded(wValues);
    int64_t za = x->zeroPoint();
    if (foldWeights) {
      for (int64_t j = 0; j < n; ++j) {
        int64_t colsum = 0;
        for (int64_t i = 0; i < k; ++i)
          colsum += (*wValues)[i * n + j];
        s.offsets[j] += -za * colsum + k * za * w->zeroPoint(j);
      }
    }
    if (failed(checkAccumulatorBound(op, k, s)))
      return failure();

    auto accType = RankedTensorType::get(accShape, rewriter.getI32Type());
    Value init = filledTensor(rewriter, loc, accShape, qb.i32(0));
    SmallVector<Value> inputs = {adaptor.getLhs(), adaptor.getRhs()};
    SmallVector<int32_t> zw;
    for (int64_t j = 0; j < n; ++j)
      zw.push_back(w->zeroPoint(j));
    bool perChannelZw = !foldWeights && w->axis >= 0;
    if (perChannelZw) {
      inputs.push_back(qb.i32Tensor(zw));
      maps.insert(maps.begin() + 2, loops.channelMap());
    }
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, accType, inputs, ValueRange{init}, maps, iters,
            [&](OpBuilder &b, Location l, ValueRange a) {
              QuantBuilder q(b, l);
              Value av = q.extend(a[0], x->isSigned);
              Value wv = q.extend(a[1], w->isSigned);
              if (!foldWeights) {
                av = arith::SubIOp::create(b, l, av, q.i32(za));
                wv = arith::SubIOp::create(
                    b, l, wv, perChannelZw ? a[2] : q.i32(w->zeroPoint()));
              }
              Value p = arith::MulIOp::create(b, l, av, wv);
              linalg::YieldOp::create(
                  b, l, Value(arith::AddIOp::create(b, l, a.back(), p)));
            })
            .getResult(0);

    if (foldWeights && w->hasNonZeroZeroPoint()) {
      // acc -= zw[n] * sum_k a[m, k]
      acc = subtractWeightZeroPointTerm(
          rewriter, loc, acc,
          sumLastDim(rewriter, loc, adaptor.getLhs(), x->isSigned), *w, n);
    }
    return acc;
  }
};

struct Conv2DLowering : public ContractionLowering<Conv2DOp, Conv2DLowering,
                                                   /*ReplaceEmpty=*/false> {
  using ContractionLowering::ContractionLowering;

  static bool takes(Conv2DOp op) { return !isBinaryLoweringOp(op); }

  FailureOr<Value> accumulate(Conv2DOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              const Conv2DDesc &desc, EpilogueSpec &s) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    const QuantInfo *x = &desc.x, *w = &desc.w;
    int64_t nB = desc.batch;
    int64_t o = desc.o, kh = desc.kh, kw = desc.kw;
    int64_t g = desc.groups, cg = desc.cg, og = desc.og;
    ArrayRef<int64_t> pad = desc.padding;
    int64_t oh = desc.oh, ow = desc.ow;
    QuantBuilder qb(rewriter, loc);
    Type inStorage =
        cast<RankedTensorType>(adaptor.getInput().getType()).getElementType();
    bool isFloat = x->isFloat;
    Type accElem =
        isFloat ? Type(rewriter.getF32Type()) : Type(rewriter.getI32Type());

    // Pad with the real value 0: the zero point (or 0.0 for floats).
    Value input = adaptor.getInput();
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
      TypedAttr padAttr;
      if (isFloat)
        padAttr = rewriter.getFloatAttr(inStorage, 0.0);
      else
        padAttr = rewriter.getIntegerAttr(
            inStorage, APInt(x->width, x->zeroPoint(), /*isSigned=*/true,
                             /*implicitTrunc=*/true));
      input = padSpatial(rewriter, loc, input, pad, padAttr);
    }
    auto inPT = cast<RankedTensorType>(input.getType());
    Value in5 = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get(
            {nB, inPT.getDimSize(1), inPT.getDimSize(2), g, cg}, inStorage),
        input, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    Type fStorage =
        cast<RankedTensorType>(adaptor.getFilter().getType()).getElementType();
    Value f5 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({g, og, kh, kw, cg}, fStorage),
        adaptor.getFilter(),
        ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});

    SmallVector<AffineMap> maps = desc.indexingMaps(ctx);
    SmallVector<utils::IteratorType> iters = Conv2DDesc::iteratorTypes();
    SmallVector<int64_t> acc5Shape = {nB, oh, ow, g, og};
    auto acc5Type = RankedTensorType::get(acc5Shape, accElem);

    int64_t k = desc.k;
    ArrayRef<int64_t> st = desc.strides, dl = desc.dilations;
    bool foldWeights = false;
    if (!isFloat) {
      FailureOr<SmallVector<int64_t>> fValues =
          getConstantStoredValues(op.getFilter());
      foldWeights = succeeded(fValues);
      if (foldWeights) {
        for (int64_t j = 0; j < o; ++j) {
          int64_t sum = 0;
          for (int64_t i = 0; i < k; ++i)
            sum += (*fValues)[j * k + i];
          s.offsets[j] +=
              -x->zeroPoint() * sum + k * x->zeroPoint() * w->zeroPoint(j);
        }
      }
      if (failed(checkAccumulatorBound(op, k, s)))
        return failure();
    }

    Value init = filledTensor(rewriter, loc, acc5Shape,
                              isFloat ? qb.f32(0.0) : qb.i32(0));
    SmallVector<Value> inputs = {in5, f5};
    bool perChannelZw = !isFloat && !foldWeights && w->axis >= 0;
    SmallVector<int32_t> zw;
    for (int64_t j = 0; j < o; ++j)
      zw.push_back(isFloat ? 0 : w->zeroPoint(j));
    if (perChannelZw) {
      Value zwT = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({g, og}, rewriter.getI32Type()),
          qb.i32Tensor(zw), ArrayRef<ReassociationIndices>{{0, 1}});
      inputs.push_back(zwT);
      maps.insert(maps.begin() + 2, Conv2DDesc::channelMap(ctx));
    }
    Value acc5 =
        linalg::GenericOp::create(
            rewriter, loc, acc5Type, inputs, ValueRange{init}, maps, iters,
            [&](OpBuilder &b, Location l, ValueRange a) {
              QuantBuilder q(b, l);
              Value p;
              if (isFloat) {
                Value av =
                    a[0].getType().isF32() ? a[0] : extendToF32(b, l, a[0]);
                Value wv =
                    a[1].getType().isF32() ? a[1] : extendToF32(b, l, a[1]);
                p = arith::MulFOp::create(b, l, av, wv);
                linalg::YieldOp::create(
                    b, l, Value(arith::AddFOp::create(b, l, a.back(), p)));
                return;
              }
              Value av = q.extend(a[0], x->isSigned);
              Value wv = q.extend(a[1], w->isSigned);
              if (!foldWeights) {
                av = arith::SubIOp::create(b, l, av, q.i32(x->zeroPoint()));
                wv = arith::SubIOp::create(
                    b, l, wv, perChannelZw ? a[2] : q.i32(w->zeroPoint()));
              }
              p = arith::MulIOp::create(b, l, av, wv);
              linalg::YieldOp::create(
                  b, l, Value(arith::AddIOp::create(b, l, a.back(), p)));
            })
            .getResult(0);

    if (foldWeights && w->hasNonZeroZeroPoint()) {
      // acc -= zw[o] * (window sum of the input), per (n, oh, ow, g).
      SmallVector<int64_t> winShape = {nB, oh, ow, g};
      Value wInit = filledTensor(rewriter, loc, winShape, qb.i32(0));
      // Loops (n, oh, ow, g, kh, kw, ic).
      SmallVector<AffineExpr> e;
      for (int i = 0; i < 7; ++i)
        e.push_back(getAffineDimExpr(i, ctx));
      SmallVector<utils::IteratorType> wIters(4, utils::IteratorType::parallel);
      wIters.append(3, utils::IteratorType::reduction);
      // The kernel window is carried by a dummy operand (as linalg's
      // pooling ops do) so every loop has a bound.
      Value window = tensor::EmptyOp::create(
          rewriter, loc, ArrayRef<int64_t>{kh, kw, cg}, rewriter.getI1Type());
      Value win =
          linalg::GenericOp::create(rewriter, loc,
                                    RankedTensorType::get(
                                        winShape, rewriter.getI32Type()),
                                    ValueRange{in5, window}, wInit,
                                    ArrayRef<AffineMap>{
                                        AffineMap::get(
                                            7, 0,
                                            {e[0], e[1] * st[0] + e[4] * dl[0],
                                             e[2] * st[1] + e[5] * dl[1], e[3],
                                             e[6]},
                                            ctx),
                                        AffineMap::get(7, 0, {e[4], e[5], e[6]},
                                                       ctx),
                                        AffineMap::get(
                                            7, 0, {e[0], e[1], e[2], e[3]}, ctx)},
                                    wIters,
                                    [&](OpBuilder &b,
                                        Location l, ValueRange a) {
                                      QuantBuilder q(b, l);
                                      linalg::YieldOp::create(
                                          b, l,
                                          Value(arith::AddIOp::create(
                                              b, l, a[2],
                                              q.extend(a[0], x->isSigned))));
                                    })
              .getResult(0);
      Value zwT = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({g, og}, rewriter.getI32Type()),
          qb.i32Tensor(zw), ArrayRef<ReassociationIndices>{{0, 1}});
      SmallVector<AffineExpr> f;
      for (int i = 0; i < 5; ++i)
        f.push_back(getAffineDimExpr(i, ctx));
      Value corrInit = tensor::EmptyOp::create(rewriter, loc, acc5Shape,
                                               rewriter.getI32Type());
      acc5 = linalg::GenericOp::create(
                 rewriter, loc, acc5Type, ValueRange{acc5, win, zwT}, corrInit,
                 ArrayRef<AffineMap>{
                     AffineMap::getMultiDimIdentityMap(5, ctx),
                     AffineMap::get(5, 0, {f[0], f[1], f[2], f[3]}, ctx),
                     AffineMap::get(5, 0, {f[3], f[4]}, ctx),
                     AffineMap::getMultiDimIdentityMap(5, ctx)},
                 SmallVector<utils::IteratorType>(
                     5, utils::IteratorType::parallel),
                 [&](OpBuilder &b, Location l, ValueRange a) {
                   Value corr = arith::MulIOp::create(b, l, a[1], a[2]);
                   linalg::YieldOp::create(
                       b, l, Value(arith::SubIOp::create(b, l, a[0], corr)));
                 })
                 .getResult(0);
    }

    Value acc = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({nB, oh, ow, o}, accElem), acc5,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});

    return acc;
  }
};

} // namespace

void mlir::lowbit::populateContractionPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns,
                                               RequantKind fallback) {
  patterns.add<MatmulLowering, Conv2DLowering>(converter, patterns.getContext(),
                                               fallback);
}
