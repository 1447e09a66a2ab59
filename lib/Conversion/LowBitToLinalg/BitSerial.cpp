//===- BitSerial.cpp - 2-4 bit integers by bit-serial popcount ------------===//
//
// Part of the lowbit project.
//
// A matmul or conv2d whose operands are both affine integers of 2 to 4 bits
// (conv2d: with weight zero points of 0)
// is computed on bit-planes packed along the reduction axis (TVM bitserial):
//
//   sum_k a_k w_k = sum_{i,j} c_i d_j 2^(i+j) popcount(A_i AND W_j)
//
// where A_i, W_j are the packed planes of bit i of a and bit j of w, and the
// plane weights c_i, d_j are +1 except -1 for the sign bit of a signed
// (two's complement) operand. Zero points are applied as in the integer
// lowering: sum (a - za)(w - zw) = sum a w - za sum w - zw sum a + K za zw,
// with the weight sums folded at compile time when the weights are
// constants. The exact int32 result then goes through the shared epilogue.
//
//===----------------------------------------------------------------------===//

#include "QuantBuilder.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::lowbit;

static constexpr int64_t kWords = 64;

static bool isSmallInteger(Type t) {
  if (!isAffineQuantized(t) || isTernary(t) ||
      isa<quant::UniformQuantizedSubChannelType>(t))
    return false;
  unsigned w = getStorageBitWidth(t);
  return w >= 2 && w <= 4;
}

bool mlir::lowbit::isBitSerialOp(Operation *op) {
  Value a, w;
  if (auto m = dyn_cast<MatmulOp>(op)) {
    a = m.getLhs();
    w = m.getRhs();
  } else if (auto c = dyn_cast<Conv2DOp>(op)) {
    a = c.getInput();
    w = c.getFilter();
    // The convolution takes weight zero points of 0 (symmetric weights,
    // the usual case); others keep the integer kernel.
    FailureOr<QuantInfo> wi =
        QuantInfo::get(cast<ShapedType>(w.getType()).getElementType());
    if (failed(wi) || wi->hasNonZeroZeroPoint())
      return false;
  } else {
    return false;
  }
  auto at = cast<RankedTensorType>(a.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  if (!at.hasStaticShape() || !wt.hasStaticShape() ||
      !isSmallInteger(at.getElementType()) ||
      !isSmallInteger(wt.getElementType()) || isPerAxis(at.getElementType()))
    return false;
  return true;
}

/// i1 bit-planes of stored values: [..., K] -> [..., P, K], plane i holding
/// bit i of the two's complement storage.
static Value bitPlanes(OpBuilder &b, Location loc, Value values,
                       unsigned planes) {
  MLIRContext *ctx = b.getContext();
  auto t = cast<RankedTensorType>(values.getType());
  int64_t rank = t.getRank();
  SmallVector<int64_t> shape(t.getShape().drop_back());
  shape.push_back(planes);
  shape.push_back(t.getShape().back());
  SmallVector<AffineExpr> in;
  for (int64_t d = 0; d < rank - 1; ++d)
    in.push_back(getAffineDimExpr(d, ctx));
  in.push_back(getAffineDimExpr(rank, ctx));
  Value init = tensor::EmptyOp::create(b, loc, shape, b.getI1Type());
  return linalg::GenericOp::create(
             b, loc, init.getType(), values, init,
             ArrayRef<AffineMap>{
                 AffineMap::get(rank + 1, 0, in, ctx),
                 AffineMap::getMultiDimIdentityMap(rank + 1, ctx)},
             SmallVector<utils::IteratorType>(rank + 1,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange v) {
               Type st = v[0].getType();
               Value plane = arith::IndexCastOp::create(
                   nb, l, st, linalg::IndexOp::create(nb, l, rank - 1));
               Value bit = arith::TruncIOp::create(
                   nb, l, nb.getI1Type(),
                   arith::ShRUIOp::create(nb, l, v[0], plane));
               linalg::YieldOp::create(nb, l, bit);
             })
      .getResult(0);
}

/// The weight c_i d_j 2^(i+j) of the plane pair (i, j), from linalg.index.
static Value planeWeight(OpBuilder &b, Location loc, unsigned iDim,
                         unsigned jDim, const QuantInfo &a,
                         const QuantInfo &w) {
  QuantBuilder q(b, loc);
  Value i = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                       linalg::IndexOp::create(b, loc, iDim));
  Value j = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                       linalg::IndexOp::create(b, loc, jDim));
  Value weight = arith::ShLIOp::create(b, loc, q.i32(1),
                                       arith::AddIOp::create(b, loc, i, j));
  Value neg = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
  if (a.isSigned)
    neg = arith::XOrIOp::create(b, loc, neg,
                                arith::CmpIOp::create(b, loc,
                                                      arith::CmpIPredicate::eq,
                                                      i, q.i32(a.width - 1)));
  if (w.isSigned)
    neg = arith::XOrIOp::create(b, loc, neg,
                                arith::CmpIOp::create(b, loc,
                                                      arith::CmpIPredicate::eq,
                                                      j, q.i32(w.width - 1)));
  Value negated = arith::SubIOp::create(b, loc, q.i32(0), weight);
  return arith::SelectOp::create(b, loc, neg, negated, weight);
}

/// acc += weight(i, j) * popcount(A & W) over the reduction loops.
static Value bitSerialReduce(OpBuilder &b, Location loc, Value aPlanes,
                             Value wPlanes, ArrayRef<int64_t> accShape,
                             ArrayRef<AffineMap> maps,
                             ArrayRef<utils::IteratorType> iters, unsigned iDim,
                             unsigned jDim, const QuantInfo &a,
                             const QuantInfo &w) {
  QuantBuilder qb(b, loc);
  Value init = filledTensor(b, loc, accShape, qb.i32(0));
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{aPlanes, wPlanes},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange v) {
               Value both = arith::AndIOp::create(nb, l, v[0], v[1]);
               Value pop = arith::TruncIOp::create(
                   nb, l, nb.getI32Type(), math::CtPopOp::create(nb, l, both));
               Value term = arith::MulIOp::create(
                   nb, l, pop, planeWeight(nb, l, iDim, jDim, a, w));
               linalg::YieldOp::create(
                   nb, l, Value(arith::AddIOp::create(nb, l, v[2], term)));
             })
      .getResult(0);
}

namespace {

struct BitSerialMatmul
    : public ContractionLowering<MatmulOp, BitSerialMatmul,
                                 /*ReplaceEmpty=*/false, /*Benefit=*/2> {
  using ContractionLowering::ContractionLowering;

  static bool takes(MatmulOp op) { return isBitSerialOp(op); }

  FailureOr<Value> accumulate(MatmulOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              const MatmulDesc &desc, EpilogueSpec &s) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    const QuantInfo *x = &desc.x, *w = &desc.w;
    RankedTensorType rhsT = desc.rhsType;
    int64_t k = desc.k, n = desc.n;
    bool rhsBatched = desc.rhsBatched;
    SmallVector<int64_t> accShape = desc.accShape;

    int64_t za = x->zeroPoint();
    // Weight column sums: at compile time for constants, else at run time.
    FailureOr<SmallVector<int64_t>> wValues =
        rhsBatched ? FailureOr<SmallVector<int64_t>>(failure())
                   : getConstantStoredValues(op.getRhs());
    if (succeeded(wValues)) {
      for (int64_t j = 0; j < n; ++j) {
        int64_t colsum = 0;
        for (int64_t i = 0; i < k; ++i)
          colsum += (*wValues)[i * n + j];
        s.offsets[j] += -za * colsum;
      }
    }
    for (int64_t j = 0; j < n; ++j)
      s.offsets[j] += k * za * w->zeroPoint(j);
    if (failed(checkAccumulatorBound(op, k, s)))
      return failure();

    // Planes: A [b?, M, Pa, Kw], W [b?, N, Pw, Kw].
    IntegerType word = rewriter.getIntegerType(kWords);
    Value aPlanes =
        packBits(rewriter, loc,
                 bitPlanes(rewriter, loc, adaptor.getLhs(), x->width), word);
    SmallVector<int64_t> perm;
    for (int64_t d = 0; d < rhsT.getRank(); ++d)
      perm.push_back(d);
    std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
    SmallVector<int64_t> tShape(rhsT.getShape());
    std::swap(tShape[tShape.size() - 1], tShape[tShape.size() - 2]);
    Type wStorage =
        cast<RankedTensorType>(adaptor.getRhs().getType()).getElementType();
    Value tInit = tensor::EmptyOp::create(rewriter, loc, tShape, wStorage);
    Value wT = linalg::TransposeOp::create(rewriter, loc, adaptor.getRhs(),
                                           tInit, perm)
                   .getResult()[0];
    Value wPlanes =
        packBits(rewriter, loc, bitPlanes(rewriter, loc, wT, w->width), word);

    // Loops (b?, m, n, i, j, kw).
    MatmulDesc::Loops loops = desc.loops(ctx, /*reductions=*/3);
    AffineExpr di = loops.r[0], dj = loops.r[1], dk = loops.r[2];
    int64_t iDim = loops.count - 3, jDim = loops.count - 2;
    Value acc =
        bitSerialReduce(rewriter, loc, aPlanes, wPlanes, accShape,
                        loops.maps({loops.m, di, dk}, {loops.n, dj, dk}),
                        loops.iters, iDim, jDim, *x, *w);

    // Run-time zero-point terms: -za * colsum(w) for non-constant weights,
    // -zw[n] * rowsum(a) when the weights have zero points.
    auto accType = cast<RankedTensorType>(acc.getType());
    if (failed(wValues) && za != 0) {
      // colsum over K of W^T [b?, N, K] -> [b?, N]; broadcast over M.
      Value cols = sumLastDim(rewriter, loc, wT, w->isSigned);
      auto ct = cast<RankedTensorType>(cols.getType());
      SmallVector<int64_t> shape(ct.getShape());
      shape.insert(shape.end() - 1, 1);
      SmallVector<ReassociationIndices> reassoc;
      for (int64_t i = 0; i + 1 < ct.getRank(); ++i)
        reassoc.push_back({i});
      reassoc.push_back({ct.getRank() - 1, ct.getRank()});
      if (ct.getRank() == 1)
        reassoc = {{0, 1}};
      Value cols2 = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, rewriter.getI32Type()),
          cols, reassoc);
      acc = buildElementwise(
          rewriter, loc, accType, {acc, cols2}, {}, 0,
          [&](OpBuilder &nb, Location l, ValueRange v) {
            QuantBuilder q(nb, l);
            return arith::SubIOp::create(
                nb, l, v[0], arith::MulIOp::create(nb, l, v[1], q.i32(za)));
          });
    }
    if (w->hasNonZeroZeroPoint())
      acc = subtractWeightZeroPointTerm(
          rewriter, loc, acc,
          sumLastDim(rewriter, loc, adaptor.getLhs(), x->isSigned), *w, n);
    return acc;
  }
};

struct BitSerialConv2D
    : public ContractionLowering<Conv2DOp, BitSerialConv2D,
                                 /*ReplaceEmpty=*/false, /*Benefit=*/2> {
  using ContractionLowering::ContractionLowering;

  static bool takes(Conv2DOp op) { return isBitSerialOp(op); }

  FailureOr<Value> accumulate(Conv2DOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              const Conv2DDesc &desc, EpilogueSpec &s) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    const QuantInfo *x = &desc.x, *w = &desc.w;
    int64_t nB = desc.batch;
    int64_t o = desc.o, kh = desc.kh, kw = desc.kw;
    int64_t g = desc.groups, cg = desc.cg, og = desc.og;
    ArrayRef<int64_t> st = desc.strides, dl = desc.dilations;
    ArrayRef<int64_t> pad = desc.padding;
    int64_t oh = desc.oh, ow = desc.ow, k = desc.k;
    int64_t za = x->zeroPoint();

    FailureOr<SmallVector<int64_t>> fValues =
        getConstantStoredValues(op.getFilter());
    if (succeeded(fValues))
      for (int64_t j = 0; j < o; ++j) {
        int64_t sum = 0;
        for (int64_t i = 0; i < k; ++i)
          sum += (*fValues)[j * k + i];
        s.offsets[j] += -za * sum;
      }
    if (failed(checkAccumulatorBound(op, k, s)))
      return failure();

    // Input: pad with the zero point (the real value 0), split the groups,
    // take the bit-planes and pack them: [N, Hp, Wp, G, Pa, Cw].
    Value input = adaptor.getInput();
    Type inStorage = cast<RankedTensorType>(input.getType()).getElementType();
    input = padSpatial(rewriter, loc, input, pad,
                       rewriter.getIntegerAttr(
                           inStorage, APInt(x->width, za, /*isSigned=*/true,
                                            /*implicitTrunc=*/true)));
    auto pt = cast<RankedTensorType>(input.getType());
    Value in5 = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({nB, pt.getDimSize(1), pt.getDimSize(2), g, cg},
                              inStorage),
        input, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    IntegerType word = rewriter.getIntegerType(kWords);
    Value aPlanes =
        packBits(rewriter, loc, bitPlanes(rewriter, loc, in5, x->width), word);
    Type fStorage =
        cast<RankedTensorType>(adaptor.getFilter().getType()).getElementType();
    Value f5 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({g, og, kh, kw, cg}, fStorage),
        adaptor.getFilter(),
        ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
    Value wPlanes =
        packBits(rewriter, loc, bitPlanes(rewriter, loc, f5, w->width), word);

    // Loops (n, oh, ow, g, oc, kh, kw, i, j, cw).
    Value acc5 = bitSerialReduce(
        rewriter, loc, aPlanes, wPlanes, {nB, oh, ow, g, og},
        desc.indexingMaps(ctx, /*planes=*/true),
        Conv2DDesc::iteratorTypes(/*planes=*/true), 7, 8, *x, *w);
    auto accType =
        RankedTensorType::get({nB, oh, ow, o}, rewriter.getI32Type());
    Value acc = tensor::CollapseShapeOp::create(
        rewriter, loc, accType, acc5,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    if (failed(fValues) && za != 0) {
      // -za * (sum of each run-time filter), per output channel.
      Value flat = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({o, k}, fStorage),
          adaptor.getFilter(), ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
      Value sums = sumLastDim(rewriter, loc, flat, w->isSigned);
      acc = buildElementwise(
          rewriter, loc, accType, acc, sums, 3,
          [&](OpBuilder &nb, Location l, ValueRange v) {
            QuantBuilder q(nb, l);
            return arith::SubIOp::create(
                nb, l, v[0], arith::MulIOp::create(nb, l, v[1], q.i32(za)));
          });
    }
    return acc;
  }
};

} // namespace

void mlir::lowbit::populateBitSerialPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns,
                                             RequantKind fallback) {
  patterns.add<BitSerialMatmul, BitSerialConv2D>(
      converter, patterns.getContext(), fallback);
}
