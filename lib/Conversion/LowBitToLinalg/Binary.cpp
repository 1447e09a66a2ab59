//===- Binary.cpp - binary and ternary arithmetic on packed bits ----------===//
//
// Part of the lowbit project.
//
// --lowbit-lower-binary: matmul and conv2d whose operands are binary
// ({-1, +1}) or ternary ({-1, 0, +1}) become bit operations on words packed
// along the reduction axis (bit 1 = -1, least-significant bit first):
//
//   binary x binary:   dot = K - 2 * popcount(a XOR w)
//   ternary operands:  dot = popcount(m) - 2 * popcount(m AND (s_a XOR s_w)),
//                      m = m_a AND m_w (mask and sign bit-planes; a binary
//                      operand has an all-ones mask)
//   binary/ternary x integer: no multiplies, the integer is added where the
//                      weight is +1 and subtracted where it is -1.
//
// Tail bits past K are 0 in every plane, so they cancel in the XOR and drop
// out of the masks. The dot product is an exact int32 accumulator that goes
// through the same epilogue as the integer lowering (scales, bias,
// requantization, activation, or a sign for a binary result).
//
// Loops put the reduction over packed words innermost, on contiguous data,
// so LLVM can vectorize it; weights are transposed to N-major and packed at
// compile time when they are constants.
//
//===----------------------------------------------------------------------===//

#include "QuantBuilder.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::lowbit;

static constexpr int64_t kWordBits = 64;

namespace {
enum class OperandKind { Binary, Ternary, Integer, Float };
} // namespace

static OperandKind getKind(Type element) {
  if (isa<BinaryType>(element))
    return OperandKind::Binary;
  if (isTernary(element))
    return OperandKind::Ternary;
  if (isSupportedFloat(element))
    return OperandKind::Float;
  return OperandKind::Integer;
}

/// A result with no elements (M, N, a batch or a spatial size of 0) is an
/// empty tensor: nothing to compute, and the packed views of the operands
/// would be zero-sized subviews that memref rejects.
bool mlir::lowbit::replaceEmptyResult(Operation *op,
                                      const TypeConverter *converter,
                                      ConversionPatternRewriter &rewriter) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (type.getNumElements() != 0)
    return false;
  auto converted = cast<RankedTensorType>(
      converter->convertType(op->getResult(0).getType()));
  rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, converted.getShape(),
                                               converted.getElementType());
  return true;
}

static bool isBitKind(OperandKind k) {
  return k == OperandKind::Binary || k == OperandKind::Ternary;
}

bool mlir::lowbit::isBinaryLoweringOp(Operation *op) {
  if (isa<PackOp, UnpackOp>(op))
    return true;
  if (auto pool = dyn_cast<MaxPool2DOp>(op))
    return isa<BinaryType>(pool.getInput().getType().getElementType()) &&
           pool.getInput().getType().hasStaticShape();
  Value a, w;
  if (auto m = dyn_cast<MatmulOp>(op)) {
    a = m.getLhs();
    w = m.getRhs();
  } else if (auto c = dyn_cast<Conv2DOp>(op)) {
    a = c.getInput();
    w = c.getFilter();
  } else {
    return false;
  }
  OperandKind ka = getKind(getElementTypeOrSelf(a.getType()));
  OperandKind kw = getKind(getElementTypeOrSelf(w.getType()));
  if (ka == OperandKind::Float || kw == OperandKind::Float)
    return false;
  return isBitKind(ka) || isBitKind(kw) || isBitSerialOp(op);
}

//===----------------------------------------------------------------------===//
// Packing
//===----------------------------------------------------------------------===//

/// Packs an i1 tensor [..., K] into words [..., ceil(K / W)] of `wordType`,
/// least-significant bit first; tail bits are 0.
Value mlir::lowbit::packBits(OpBuilder &b, Location loc, Value bits,
                             IntegerType wordType) {
  auto t = cast<RankedTensorType>(bits.getType());
  int64_t rank = t.getRank();
  int64_t k = t.getDimSize(rank - 1);
  int64_t w = wordType.getWidth();
  int64_t kw = llvm::divideCeil(k, w);
  MLIRContext *ctx = b.getContext();
  if (kw * w != k) {
    SmallVector<OpFoldResult> lo(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> hi(rank, b.getIndexAttr(0));
    hi.back() = b.getIndexAttr(kw * w - k);
    SmallVector<int64_t> shape(t.getShape());
    shape.back() = kw * w;
    Value zero = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
    bits = tensor::PadOp::create(b, loc,
                                 RankedTensorType::get(shape, b.getI1Type()),
                                 bits, lo, hi, zero);
  }
  SmallVector<int64_t> expanded(t.getShape().drop_back());
  expanded.append({kw, w});
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < rank - 1; ++i)
    reassoc.push_back({i});
  reassoc.push_back({rank - 1, rank});
  Value split = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(expanded, b.getI1Type()), bits, reassoc);
  SmallVector<int64_t> outShape(expanded.begin(), expanded.end() - 1);
  Value init = filledTensor(b, loc, outShape,
                            arith::ConstantIntOp::create(b, loc, wordType, 0));
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, init.getType(), split, init,
             ArrayRef<AffineMap>{
                 AffineMap::getMultiDimIdentityMap(rank + 1, ctx),
                 AffineMap::get(rank + 1, 0, outExprs, ctx)},
             iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value bit = arith::ExtUIOp::create(nb, l, wordType, a[0]);
               Value pos = arith::IndexCastOp::create(
                   nb, l, wordType, linalg::IndexOp::create(nb, l, rank));
               Value shifted = arith::ShLIOp::create(nb, l, bit, pos);
               linalg::YieldOp::create(
                   nb, l, Value(arith::OrIOp::create(nb, l, a[1], shifted)));
             })
      .getResult(0);
}

/// Unpacks words [..., Kw] into an i1 tensor of `type` ([..., K]).
static Value unpackBits(OpBuilder &b, Location loc, Value words,
                        RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  auto wordType = cast<IntegerType>(
      cast<RankedTensorType>(words.getType()).getElementType());
  int64_t w = wordType.getWidth();
  SmallVector<AffineExpr> in;
  for (int64_t i = 0; i < rank - 1; ++i)
    in.push_back(getAffineDimExpr(i, ctx));
  in.push_back(getAffineDimExpr(rank - 1, ctx).floorDiv(w));
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), b.getI1Type());
  return linalg::GenericOp::create(
             b, loc, type, words, init,
             ArrayRef<AffineMap>{AffineMap::get(rank, 0, in, ctx),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value k = linalg::IndexOp::create(nb, l, rank - 1);
               Value pos = arith::RemUIOp::create(
                   nb, l, k, arith::ConstantIndexOp::create(nb, l, w));
               Value shift = arith::IndexCastOp::create(nb, l, wordType, pos);
               Value bit = arith::TruncIOp::create(
                   nb, l, nb.getI1Type(),
                   arith::ShRUIOp::create(nb, l, a[0], shift));
               linalg::YieldOp::create(nb, l, bit);
             })
      .getResult(0);
}

/// i1 planes of a ternary (i2) tensor: mask (nonzero) and sign (negative).
static std::pair<Value, Value> ternaryBits(OpBuilder &b, Location loc,
                                           Value values) {
  auto t = cast<RankedTensorType>(values.getType());
  auto bitsType = RankedTensorType::get(t.getShape(), b.getI1Type());
  Value mask = buildElementwise(
      b, loc, bitsType, values, {}, 0,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value zero = arith::ConstantIntOp::create(nb, l, a[0].getType(), 0);
        return arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne, a[0],
                                     zero);
      });
  Value sign = buildElementwise(
      b, loc, bitsType, values, {}, 0,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value zero = arith::ConstantIntOp::create(nb, l, a[0].getType(), 0);
        return arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, a[0],
                                     zero);
      });
  return {mask, sign};
}

/// Packs stored values (row-major [rows, K]) into words at compile time.
/// `plane` selects the bit: sign (v < 0) or mask (v != 0).
static DenseElementsAttr packConstant(ArrayRef<int64_t> values, int64_t rows,
                                      int64_t k, bool maskPlane,
                                      RankedTensorType wordsType) {
  int64_t kw = llvm::divideCeil(k, kWordBits);
  SmallVector<APInt> words(rows * kw, APInt(kWordBits, 0));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i) {
      int64_t v = values[r * k + i];
      bool bit = maskPlane ? v != 0 : v < 0;
      if (bit)
        words[r * kw + i / kWordBits].setBit(i % kWordBits);
    }
  return DenseElementsAttr::get(wordsType, words);
}

namespace {
/// The packed planes of one operand: `sign` always, `mask` for ternary
/// (null for binary, whose mask is all ones).
struct Planes {
  Value sign, mask;
};
} // namespace

/// Packs a runtime operand whose last axis is the reduction axis.
static Planes packOperand(OpBuilder &b, Location loc, Value storage,
                          OperandKind kind) {
  IntegerType word = b.getIntegerType(kWordBits);
  if (kind == OperandKind::Binary)
    return {packBits(b, loc, storage, word), Value()};
  auto [mask, sign] = ternaryBits(b, loc, storage);
  return {packBits(b, loc, sign, word), packBits(b, loc, mask, word)};
}

namespace {
Value pooledWords(ConversionPatternRewriter &rewriter, MaxPool2DOp op,
                  Value input);
} // namespace

/// When `v` was unpacked from 64-bit words in the same layout (a binary
/// tensor that arrives packed, e.g. from a previous layer), the words are
/// used as they are instead of unpacking and packing again.
static Planes packedSource(ConversionPatternRewriter &rewriter, Value v,
                           OperandKind kind) {
  // A binary max pool's result stays packed for its consumer: its words
  // are pooled here (the unpacked copy the pool's own lowering makes is
  // then dead, unless something else reads it).
  if (auto pool = v.getDefiningOp<MaxPool2DOp>())
    if (kind == OperandKind::Binary && isBinaryLoweringOp(pool))
      return {pooledWords(rewriter, pool,
                          rewriter.getRemappedValue(pool.getInput())),
              Value()};
  auto unpack = v.getDefiningOp<UnpackOp>();
  if (!unpack)
    return {};
  auto words = cast<RankedTensorType>(unpack.getInputs()[0].getType());
  // Words of a dynamic shape are not known to hold ceil(K / 64) words per
  // row; they go through the unpacking (which reads only those).
  if (words.getElementTypeBitWidth() != kWordBits || !words.hasStaticShape())
    return {};
  // unpack ignores the bits past K; the popcount kernels need them 0.
  int64_t k = unpack.getResult().getType().getShape().back();
  auto clearTail = [&](Value w) -> Value {
    w = rewriter.getRemappedValue(w);
    if (k % kWordBits == 0)
      return w;
    auto t = cast<RankedTensorType>(w.getType());
    int64_t kw = t.getShape().back();
    SmallVector<APInt> masks(kw, APInt::getAllOnes(kWordBits));
    masks.back() = APInt::getLowBitsSet(kWordBits, k % kWordBits);
    Location loc = unpack.getLoc();
    Value maskValues = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({kw}, t.getElementType()),
                               masks));
    return buildElementwise(rewriter, loc, t, w, maskValues, t.getRank() - 1,
                            [](OpBuilder &b, Location l, ValueRange a) {
                              return arith::AndIOp::create(b, l, a[0], a[1]);
                            });
  };
  if (kind == OperandKind::Binary && unpack.getInputs().size() == 1)
    return {clearTail(unpack.getInputs()[0]), Value()};
  if (kind == OperandKind::Ternary && unpack.getInputs().size() == 2)
    return {clearTail(unpack.getInputs()[1]), clearTail(unpack.getInputs()[0])};
  return {};
}

/// Packs the binary or ternary result of `lowbit.threshold %x, %tau`
/// straight from x, so the unpacked values are never stored: the threshold
/// "keeps the output packed" for the binary or ternary layer that consumes
/// it. x is [..., C] integer storage; the words are [..., groups, Cw] with
/// Cw = ceil(C / groups / 64). Binary (one threshold per channel): x < t
/// gives -1, the sign bit. Ternary (two, t1 and t2, in either order): the
/// value is -1 + #{k : x >= t_k}, so with b_k = x < t_k the sign bit
/// (-1) is b1 & b2 and the mask bit (not 0) is !(b1 ^ b2). Returns no
/// planes when `v` is not such a threshold.
///
/// The packing is a linalg.generic marked `lowbit.threshold_pack` over
/// (..., g, c), reducing c into word c / 64 with bit c % 64: exact as
/// written, and recognisable, so that the kernel passes store these bits
/// straight from the registers of the contraction that produces x, and
/// --lowbit-lower-threshold-packs turns the others into vector code (one
/// comparison per 64 channels whose lanes become the word's bits).
static Planes packedFromThreshold(ConversionPatternRewriter &rewriter, Value v,
                                  int64_t groups) {
  auto t = v.getDefiningOp<ThresholdOp>();
  if (!t)
    return {};
  Type resultElem = t.getResult().getType().getElementType();
  int64_t levels = t.getThresholds().getType().getDimSize(1);
  bool binary = isa<BinaryType>(resultElem);
  if (!(binary && levels == 1) && !(isTernary(resultElem) && levels == 2))
    return {};
  FailureOr<QuantInfo> in =
      QuantInfo::get(t.getInput().getType().getElementType());
  if (failed(in) || in->isFloat)
    return {};
  Location loc = t.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  Value x = rewriter.getRemappedValue(t.getInput());
  Value tau = rewriter.getRemappedValue(t.getThresholds());
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  auto tauT = dyn_cast<RankedTensorType>(tau.getType());
  if (!xt || !xt.hasStaticShape() || !isa<IntegerType>(xt.getElementType()) ||
      !tauT || !tauT.hasStaticShape())
    return {};
  int64_t rank = xt.getRank(), c = xt.getShape().back();
  int64_t cg = c / groups, cw = llvm::divideCeil(cg, kWordBits);
  int64_t tauRows = tauT.getDimSize(0);
  bool sharedTau = tauRows == 1;
  Type tauElem = tauT.getElementType();
  // x as [..., G, CG], each level's thresholds as [G, CG] (or [1, 1]).
  SmallVector<int64_t> xShape(xt.getShape().drop_back());
  xShape.append({groups, cg});
  SmallVector<ReassociationIndices> split;
  for (int64_t i = 0; i + 1 < rank; ++i)
    split.push_back({i});
  split.push_back({rank - 1, rank});
  Value xg = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(xShape, xt.getElementType()), x,
      split);
  SmallVector<Value> taus;
  // Each level's thresholds contiguous: rows of the transposed [L, C].
  Value byLevel;
  if (levels > 1)
    byLevel =
        linalg::TransposeOp::create(
            rewriter, loc, tau,
            tensor::EmptyOp::create(
                rewriter, loc, ArrayRef<int64_t>{levels, tauRows}, tauElem),
            ArrayRef<int64_t>{1, 0})
            .getResult()[0];
  for (int64_t k = 0; k < levels; ++k) {
    Value level = tau;
    if (levels > 1) {
      level = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get({1, tauRows}, tauElem), byLevel,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(k),
                                 rewriter.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(tauRows)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(1)});
      if (!sharedTau)
        level = tensor::CollapseShapeOp::create(
            rewriter, loc, RankedTensorType::get({tauRows}, tauElem), level,
            ArrayRef<ReassociationIndices>{{0, 1}});
    }
    if (!sharedTau) {
      Value row = levels > 1
                      ? level
                      : Value(tensor::CollapseShapeOp::create(
                            rewriter, loc, RankedTensorType::get({c}, tauElem),
                            level, ArrayRef<ReassociationIndices>{{0, 1}}));
      level = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({groups, cg}, tauElem), row,
          ArrayRef<ReassociationIndices>{{0, 1}});
    }
    taus.push_back(level);
  }
  // Loops (..., g, c); the words are indexed (..., g, c floordiv 64).
  unsigned loops = rank + 1;
  SmallVector<AffineMap> maps =
      getThresholdPackMaps(loops, levels, sharedTau, ctx);
  SmallVector<utils::IteratorType> iters(loops, utils::IteratorType::parallel);
  iters.back() = utils::IteratorType::reduction;
  IntegerType word = rewriter.getIntegerType(kWordBits);
  SmallVector<int64_t> shape(xt.getShape().drop_back());
  shape.append({groups, cw});
  SmallVector<Value> inits;
  for (int64_t k = 0; k < levels; ++k)
    inits.push_back(
        filledTensor(rewriter, loc, shape,
                     arith::ConstantIntOp::create(rewriter, loc, word, 0)));
  SmallVector<Value> ins = {xg};
  ins.append(taus);
  // Compared in 32 bits when that holds every x and threshold value.
  unsigned xWidth = xt.getElementTypeBitWidth();
  bool isSigned = in->isSigned;
  Type cmpElem = (xWidth < 32 || (xWidth == 32 && isSigned)) &&
                         tauElem.getIntOrFloatBitWidth() <= 32
                     ? rewriter.getI32Type()
                     : rewriter.getI64Type();
  auto pack = linalg::GenericOp::create(
      rewriter, loc, TypeRange(ValueRange(inits)), ins, inits, maps, iters,
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value xv = a[0];
        if (xv.getType() != cmpElem)
          xv = isSigned ? Value(arith::ExtSIOp::create(b, l, cmpElem, xv))
                        : Value(arith::ExtUIOp::create(b, l, cmpElem, xv));
        SmallVector<Value> below;
        for (int64_t k = 0; k < levels; ++k) {
          Value tv = a[1 + k];
          if (tv.getType() != cmpElem)
            tv = arith::ExtSIOp::create(b, l, cmpElem, tv);
          below.push_back(
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, xv, tv));
        }
        // Binary: the sign. Ternary: sign = b1 & b2, mask = !(b1 ^ b2).
        SmallVector<Value> bits = {below[0]};
        if (levels == 2) {
          bits = {arith::AndIOp::create(b, l, below[0], below[1]),
                  arith::XOrIOp::create(
                      b, l, arith::XOrIOp::create(b, l, below[0], below[1]),
                      arith::ConstantIntOp::create(b, l, b.getI1Type(), 1))};
        }
        Value bit = arith::IndexCastOp::create(
            b, l, word,
            arith::RemUIOp::create(
                b, l, linalg::IndexOp::create(b, l, loops - 1),
                arith::ConstantIndexOp::create(b, l, kWordBits)));
        SmallVector<Value> results;
        for (int64_t k = 0; k < levels; ++k)
          results.push_back(arith::OrIOp::create(
              b, l, a[1 + levels + k],
              arith::ShLIOp::create(
                  b, l, arith::ExtUIOp::create(b, l, word, bits[k]), bit)));
        linalg::YieldOp::create(b, l, results);
      });
  pack->setAttr(kThresholdPackAttrName, rewriter.getUnitAttr());
  if (levels == 1)
    return {pack.getResult(0), Value()};
  return {pack.getResult(0), pack.getResult(1)};
}

/// All-ones mask words for a binary operand next to a ternary one.
static Value onesMask(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  auto t = RankedTensorType::get(shape, b.getI1Type());
  Value ones =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(t, true));
  return packBits(b, loc, ones, b.getIntegerType(kWordBits));
}

//===----------------------------------------------------------------------===//
// Popcount contraction
//===----------------------------------------------------------------------===//

/// Builds the popcount reduction over packed words and returns the exact
/// dot products (int32). `aMap`/`wMap`/`outMap` index the packed operands
/// and the accumulator; the last loop is the word loop.
static Value popcountDot(OpBuilder &b, Location loc, Planes a, Planes w,
                         ArrayRef<int64_t> accShape, ArrayRef<AffineMap> maps,
                         ArrayRef<utils::IteratorType> iters, int64_t k,
                         Value aOnes, Value wOnes) {
  Type i32 = b.getI32Type();
  QuantBuilder qb(b, loc);
  auto accType = RankedTensorType::get(accShape, i32);
  Value zero = filledTensor(b, loc, accShape, qb.i32(0));
  bool ternary = a.mask || w.mask;
  auto popcount = [&](OpBuilder &nb, Location l, Value word) -> Value {
    Value c = math::CtPopOp::create(nb, l, word);
    return arith::TruncIOp::create(nb, l, nb.getI32Type(), c);
  };
  if (!ternary) {
    Value pop =
        linalg::GenericOp::create(
            b, loc, accType, ValueRange{a.sign, w.sign}, ValueRange{zero},
            {maps[0], maps[1], maps[2]}, iters,
            [&](OpBuilder &nb, Location l, ValueRange v) {
              Value x = arith::XOrIOp::create(nb, l, v[0], v[1]);
              linalg::YieldOp::create(nb, l,
                                      Value(arith::AddIOp::create(
                                          nb, l, v[2], popcount(nb, l, x))));
            })
            .getResult(0);
    // dot = K - 2 * popcount(a XOR w)
    return buildElementwise(
        b, loc, accType, pop, {}, 0,
        [&](OpBuilder &nb, Location l, ValueRange v) {
          QuantBuilder q(nb, l);
          Value twice = arith::ShLIOp::create(nb, l, v[0], q.i32(1));
          return arith::SubIOp::create(nb, l, q.i32(k), twice);
        });
  }
  Value aMask = a.mask ? a.mask : aOnes;
  Value wMask = w.mask ? w.mask : wOnes;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{accType, accType},
      ValueRange{a.sign, aMask, w.sign, wMask}, ValueRange{zero, zero},
      {maps[0], maps[0], maps[1], maps[1], maps[2], maps[2]}, iters,
      [&](OpBuilder &nb, Location l, ValueRange v) {
        Value m = arith::AndIOp::create(nb, l, v[1], v[3]);
        Value s = arith::XOrIOp::create(nb, l, v[0], v[2]);
        Value ms = arith::AndIOp::create(nb, l, m, s);
        Value c1 = arith::AddIOp::create(nb, l, v[4], popcount(nb, l, m));
        Value c2 = arith::AddIOp::create(nb, l, v[5], popcount(nb, l, ms));
        linalg::YieldOp::create(nb, l, ValueRange{c1, c2});
      });
  // dot = popcount(m) - 2 * popcount(m AND (s_a XOR s_w))
  return buildElementwise(
      b, loc, accType, {generic.getResult(0), generic.getResult(1)}, {}, 0,
      [&](OpBuilder &nb, Location l, ValueRange v) {
        QuantBuilder q(nb, l);
        return arith::SubIOp::create(
            nb, l, v[0], arith::ShLIOp::create(nb, l, v[1], q.i32(1)));
      });
}

/// The body of the multiply-free kernel: +x where the weight is +1, -x where
/// it is -1, 0 where it is 0. `x` is the centered integer operand (i32),
/// `w` the stored binary (i1, 1 = -1) or ternary (i2) weight.
static Value addSub(OpBuilder &b, Location loc, Value x, Value w,
                    OperandKind wKind) {
  QuantBuilder q(b, loc);
  Value neg = arith::SubIOp::create(b, loc, q.i32(0), x);
  if (wKind == OperandKind::Binary)
    return arith::SelectOp::create(b, loc, w, neg, x);
  Value zero = arith::ConstantIntOp::create(b, loc, w.getType(), 0);
  Value isNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, w, zero);
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, w, zero);
  Value signed_ = arith::SelectOp::create(b, loc, isNeg, neg, x);
  return arith::SelectOp::create(b, loc, isZero, q.i32(0), signed_);
}

/// The zero points of integer weights quantized per output channel, as a
/// constant [G, OG].
static Value channelZeroPoints(OpBuilder &b, Location loc,
                               const QuantInfo &info, int64_t g, int64_t og) {
  SmallVector<int32_t> zps;
  for (int64_t c = 0; c < g * og; ++c)
    zps.push_back(static_cast<int32_t>(info.zeroPoint(c)));
  auto type = RankedTensorType::get({g, og}, b.getI32Type());
  return arith::ConstantOp::create(
      b, loc, DenseIntElementsAttr::get(type, ArrayRef(zps)));
}

/// The multiply-free contraction of one integer and one binary/ternary
/// operand: acc += addSub(int - zp, bit), or addSub(int, bit) when the
/// caller folded -zp * sum(bit) into the epilogue offsets. `inputs` are
/// (lhs, rhs[, zero points per output channel]); `intFirst` says whether
/// lhs is the integer.
static Value addSubContraction(OpBuilder &b, Location loc, ValueRange inputs,
                               Value zero, ArrayRef<AffineMap> maps,
                               ArrayRef<utils::IteratorType> iters,
                               bool intFirst, const QuantInfo &intInfo,
                               OperandKind bitKind, bool zeroPointFolded) {
  bool zpPerChannel = inputs.size() == 3;
  return linalg::GenericOp::create(
             b, loc, zero.getType(), inputs, ValueRange{zero}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange v) {
               QuantBuilder q(nb, l);
               Value iv = intFirst ? v[0] : v[1];
               Value bv = intFirst ? v[1] : v[0];
               Value ext = q.extend(iv, intInfo.isSigned);
               Value xc = ext;
               if (!zeroPointFolded)
                 xc = arith::SubIOp::create(
                     nb, l, ext,
                     zpPerChannel ? v[2] : q.i32(intInfo.zeroPoint()));
               Value term = addSub(nb, l, xc, bv, bitKind);
               linalg::YieldOp::create(
                   nb, l, Value(arith::AddIOp::create(nb, l, v.back(), term)));
             })
      .getResult(0);
}

/// With constant binary/ternary weights, sum (a - za) * w = sum a * w -
/// za * sum w: the second term joins the epilogue's per-channel offsets
/// (`channelOf` maps a stored weight's index to its output channel), so
/// the contraction needs no zero point and the kernels no per-channel
/// correction. Returns false (nothing changed) for weights computed at run
/// time or a zero point of 0.
static bool foldActivationZeroPoint(Operation *op, Value weights,
                                    OperandKind kind, int64_t za,
                                    function_ref<int64_t(int64_t)> channelOf,
                                    EpilogueSpec &s) {
  if (za == 0)
    return false;
  FailureOr<SmallVector<int64_t>> w = getConstantStoredValues(weights);
  if (failed(w))
    return false;
  for (int64_t i = 0, e = w->size(); i < e; ++i) {
    int64_t v = (*w)[i];
    if (kind == OperandKind::Binary)
      v = v < 0 ? -1 : 1;
    s.offsets[channelOf(i)] -= za * v;
  }
  return true;
}

/// Transposes the last two dims.
static Value transposeLast2(OpBuilder &b, Location loc, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  int64_t rank = t.getRank();
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  SmallVector<int64_t> shape(t.getShape());
  std::swap(shape[rank - 1], shape[rank - 2]);
  Value init = tensor::EmptyOp::create(b, loc, shape, t.getElementType());
  return linalg::TransposeOp::create(b, loc, v, init, perm).getResult()[0];
}

namespace {

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

struct BinaryMatmulLowering
    : public ContractionLowering<MatmulOp, BinaryMatmulLowering,
                                 /*ReplaceEmpty=*/true> {
  using ContractionLowering::ContractionLowering;

  static bool takes(MatmulOp op) {
    return isBinaryLoweringOp(op) && !isBitSerialOp(op);
  }

  FailureOr<Value> accumulate(MatmulOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              const MatmulDesc &desc, EpilogueSpec &s) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    const QuantInfo *x = &desc.x, *w = &desc.w;
    RankedTensorType lhsT = desc.lhsType, rhsT = desc.rhsType;
    OperandKind ka = getKind(lhsT.getElementType());
    OperandKind kw = getKind(rhsT.getElementType());
    int64_t k = desc.k, n = desc.n;
    bool rhsBatched = desc.rhsBatched;
    SmallVector<int64_t> accShape = desc.accShape;

    bool zeroPointFolded = ka == OperandKind::Integer && isBitKind(kw) &&
                           !rhsBatched && x->axis < 0 &&
                           foldActivationZeroPoint(
                               op, op.getRhs(), kw, x->zeroPoint(),
                               [&](int64_t i) { return i % n; }, s);
    if (failed(checkAccumulatorBound(op, k, s)))
      return failure();

    // Loops (b?, m, n, r): r runs over packed words or over K.
    MatmulDesc::Loops loops = desc.loops(ctx);
    AffineExpr dm = loops.m, dn = loops.n, dr = loops.r[0];
    SmallVector<utils::IteratorType> iters = loops.iters;

    Value dot;
    if (isBitKind(ka) && isBitKind(kw)) {
      // Both packed along K; the weights become N-major.
      SmallVector<AffineMap> maps = loops.maps({dm, dr}, {dn, dr});
      Planes a = packedSource(rewriter, op.getLhs(), ka);
      if (!a.sign) {
        // [..., M, 1, Kw] -> [..., M, Kw]
        auto dropGroup = [&](Value words) -> Value {
          if (!words)
            return words;
          auto wt = cast<RankedTensorType>(words.getType());
          SmallVector<int64_t> shape(wt.getShape());
          shape.erase(shape.end() - 2);
          SmallVector<ReassociationIndices> reassoc;
          for (int64_t i = 0; i + 2 < wt.getRank(); ++i)
            reassoc.push_back({i});
          reassoc.push_back({wt.getRank() - 2, wt.getRank() - 1});
          return tensor::CollapseShapeOp::create(
              rewriter, loc, RankedTensorType::get(shape, wt.getElementType()),
              words, reassoc);
        };
        Planes fromThreshold = packedFromThreshold(rewriter, op.getLhs(), 1);
        a = {dropGroup(fromThreshold.sign), dropGroup(fromThreshold.mask)};
      }
      if (!a.sign)
        a = packOperand(rewriter, loc, adaptor.getLhs(), ka);
      Planes wp;
      int64_t kw64 = llvm::divideCeil(k, kWordBits);
      FailureOr<SmallVector<int64_t>> values =
          rhsBatched ? FailureOr<SmallVector<int64_t>>(failure())
                     : getConstantStoredValues(op.getRhs());
      if (succeeded(values)) {
        // Transpose to [N, K] and pack at compile time.
        SmallVector<int64_t> t(n * k);
        for (int64_t i = 0; i < k; ++i)
          for (int64_t j = 0; j < n; ++j)
            t[j * k + i] = (*values)[i * n + j];
        auto wordsType = RankedTensorType::get(
            {n, kw64}, rewriter.getIntegerType(kWordBits));
        wp.sign = arith::ConstantOp::create(
            rewriter, loc, packConstant(t, n, k, false, wordsType));
        if (kw == OperandKind::Ternary)
          wp.mask = arith::ConstantOp::create(
              rewriter, loc, packConstant(t, n, k, true, wordsType));
      } else {
        wp = packOperand(rewriter, loc,
                         transposeLast2(rewriter, loc, adaptor.getRhs()), kw);
      }
      Value aOnes, wOnes;
      if (ka == OperandKind::Binary && kw == OperandKind::Ternary)
        aOnes = onesMask(rewriter, loc, lhsT.getShape());
      if (kw == OperandKind::Binary && ka == OperandKind::Ternary) {
        SmallVector<int64_t> shape(rhsT.getShape());
        std::swap(shape[shape.size() - 1], shape[shape.size() - 2]);
        wOnes = onesMask(rewriter, loc, shape);
      }
      dot = popcountDot(rewriter, loc, a, wp, accShape, maps, iters, k, aOnes,
                        wOnes);
    } else {
      // One integer operand: add or subtract it, never multiply.
      SmallVector<AffineMap> maps = loops.maps({dm, dr}, {dr, dn});
      QuantBuilder qb(rewriter, loc);
      Value zero = filledTensor(rewriter, loc, accShape, qb.i32(0));
      bool lhsIsInt = ka == OperandKind::Integer;
      const QuantInfo &intInfo = lhsIsInt ? *x : *w;
      OperandKind bitKind = lhsIsInt ? kw : ka;
      // Integer weights quantized per output channel (N): their scales go
      // to the epilogue, their zero points (when they differ) come in as
      // one more operand indexed by n.
      SmallVector<Value> inputs = {adaptor.getLhs(), adaptor.getRhs()};
      if (intInfo.axis >= 0) {
        if (lhsIsInt || intInfo.axis != rhsT.getRank() - 1)
          return op.emitOpError(
              "an integer operand quantized per channel next to binary or "
              "ternary values is supported only as weights quantized along "
              "their output (N) axis");
        if (!llvm::all_equal(intInfo.zeroPoints)) {
          SmallVector<int32_t> zps(intInfo.zeroPoints.begin(),
                                   intInfo.zeroPoints.end());
          inputs.push_back(qb.i32Tensor(zps));
          maps.insert(maps.begin() + 2, loops.channelMap());
        }
      }
      dot = addSubContraction(rewriter, loc, inputs, zero, maps, iters,
                              lhsIsInt, intInfo, bitKind, zeroPointFolded);
    }
    return dot;
  }
};

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

struct BinaryConv2DLowering
    : public ContractionLowering<Conv2DOp, BinaryConv2DLowering,
                                 /*ReplaceEmpty=*/true> {
  using ContractionLowering::ContractionLowering;

  static bool takes(Conv2DOp op) {
    return isBinaryLoweringOp(op) && !isBitSerialOp(op);
  }

  FailureOr<Value> accumulate(Conv2DOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              const Conv2DDesc &desc, EpilogueSpec &s) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    const QuantInfo *x = &desc.x, *w = &desc.w;
    OperandKind ka = getKind(desc.inType.getElementType());
    OperandKind kw = getKind(desc.filterType.getElementType());
    int64_t nB = desc.batch, h = desc.h, wd = desc.w_;
    int64_t o = desc.o, kh = desc.kh, kwd = desc.kw;
    int64_t g = desc.groups, cg = desc.cg, og = desc.og;
    ArrayRef<int64_t> st = desc.strides, dl = desc.dilations;
    ArrayRef<int64_t> pad = desc.padding;
    int64_t oh = desc.oh, ow = desc.ow;
    bool anyPad = desc.hasPadding();
    int64_t k = desc.k;
    QuantBuilder qb(rewriter, loc);

    // The input pads with its zero point, so the fold holds at padded taps
    // too. Filters are OHWI: output channel = index / (KH * KW * C/G).
    bool zeroPointFolded = ka == OperandKind::Integer && isBitKind(kw) &&
                           x->axis < 0 &&
                           foldActivationZeroPoint(
                               op, op.getFilter(), kw, x->zeroPoint(),
                               [&](int64_t i) { return i / k; }, s);
    if (failed(checkAccumulatorBound(op, k, s)))
      return failure();

    // Loops (n, oh, ow, g, oc, kh, kw, r), r over packed words.
    SmallVector<utils::IteratorType> iters = Conv2DDesc::iteratorTypes();
    SmallVector<int64_t> acc5Shape = {nB, oh, ow, g, og};
    SmallVector<AffineMap> maps = desc.indexingMaps(ctx);

    auto padSpatial = [&](Value v, TypedAttr value) -> Value {
      return lowbit::padSpatial(rewriter, loc, v, pad, value);
    };
    auto expandGroups = [&](Value v) -> Value {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> shape(t.getShape().drop_back());
      shape.append({g, t.getDimSize(3) / g});
      return tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, t.getElementType()), v,
          ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    };

    Value acc5;
    if (isBitKind(ka) && isBitKind(kw)) {
      // Pack the input per group along its channels, then pad spatially
      // with 0 words: +1 taps for a binary input (one padding), masked-out
      // taps for a ternary one.
      Planes a;
      if (g == 1) {
        // A packed NHWC input already has the layout [N, H, W, 1, Cw].
        a = packedSource(rewriter, op.getInput(), ka);
        auto expand = [&](Value words) -> Value {
          if (!words)
            return words;
          auto t = cast<RankedTensorType>(words.getType());
          return tensor::ExpandShapeOp::create(
              rewriter, loc,
              RankedTensorType::get({nB, h, wd, 1, t.getDimSize(3)},
                                    t.getElementType()),
              words, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
        };
        a.sign = expand(a.sign);
        a.mask = expand(a.mask);
      }
      if (!a.sign)
        a = packedFromThreshold(rewriter, op.getInput(), g);
      if (!a.sign)
        a = packOperand(rewriter, loc, expandGroups(adaptor.getInput()), ka);
      auto zeroWord =
          rewriter.getIntegerAttr(rewriter.getIntegerType(kWordBits), 0);
      a.sign = padSpatial(a.sign, zeroWord);
      if (a.mask)
        a.mask = padSpatial(a.mask, zeroWord);
      int64_t cw = llvm::divideCeil(cg, kWordBits);
      Planes wp;
      FailureOr<SmallVector<int64_t>> values =
          getConstantStoredValues(op.getFilter());
      auto wordsType = RankedTensorType::get(
          {g, og, kh, kwd, cw}, rewriter.getIntegerType(kWordBits));
      if (succeeded(values)) {
        wp.sign = arith::ConstantOp::create(
            rewriter, loc,
            packConstant(*values, o * kh * kwd, cg, false, wordsType));
        if (kw == OperandKind::Ternary)
          wp.mask = arith::ConstantOp::create(
              rewriter, loc,
              packConstant(*values, o * kh * kwd, cg, true, wordsType));
      } else {
        Value f5 = tensor::ExpandShapeOp::create(
            rewriter, loc,
            RankedTensorType::get(
                {g, og, kh, kwd, cg},
                cast<RankedTensorType>(adaptor.getFilter().getType())
                    .getElementType()),
            adaptor.getFilter(),
            ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
        wp = packOperand(rewriter, loc, f5, kw);
      }
      Value aOnes, wOnes;
      if (ka == OperandKind::Binary && kw == OperandKind::Ternary) {
        // Padding taps are +1 (one padding: part of the mask) or real zeros
        // (zero padding: outside the mask).
        if (op.getPadValueOrDefault() == PadValue::one)
          aOnes =
              onesMask(rewriter, loc,
                       {nB, h + pad[0] + pad[1], wd + pad[2] + pad[3], g, cg});
        else
          aOnes =
              padSpatial(onesMask(rewriter, loc, {nB, h, wd, g, cg}), zeroWord);
      }
      if (kw == OperandKind::Binary && ka == OperandKind::Ternary)
        wOnes = onesMask(rewriter, loc, {g, og, kh, kwd, cg});
      // For a binary input every tap counts (+1 padding); popcountDot's
      // "K" is the full window for the XOR form.
      acc5 = popcountDot(rewriter, loc, a, wp, acc5Shape, maps, iters, k, aOnes,
                         wOnes);
      if (ka == OperandKind::Binary && !aOnes && kw == OperandKind::Binary &&
          anyPad && op.getPadValueOrDefault() == PadValue::zero) {
        // True zero padding: remove what the +1 padding taps added,
        // sum over padded taps of sum_c w[o, kh, kw, c].
        Value corr =
            zeroPaddingCorrection(rewriter, loc, op, adaptor, {h, wd}, {oh, ow},
                                  {kh, kwd}, st, dl, pad, g, og, cg);
        acc5 = buildElementwise(
            rewriter, loc, cast<RankedTensorType>(acc5.getType()), {acc5, corr},
            {}, 0, [&](OpBuilder &nb, Location l, ValueRange v) {
              return arith::SubIOp::create(nb, l, v[0], v[1]);
            });
      }
    } else {
      // One integer operand, one binary/ternary: add/subtract kernel on the
      // stored values; the integer input pads with its zero point.
      bool inIsInt = ka == OperandKind::Integer;
      const QuantInfo &intInfo = inIsInt ? *x : *w;
      OperandKind bitKind = inIsInt ? kw : ka;
      // Integer filters quantized per output channel: scales go to the
      // epilogue, differing zero points come in as an operand [G, OG].
      bool zpPerChannel = false;
      if (intInfo.axis >= 0) {
        if (inIsInt || intInfo.axis != 0)
          return op.emitOpError(
              "an integer operand quantized per channel next to binary or "
              "ternary values is supported only as a filter quantized along "
              "its output channel axis (0)");
        zpPerChannel = !llvm::all_equal(intInfo.zeroPoints);
      }
      Type inStorage =
          cast<RankedTensorType>(adaptor.getInput().getType()).getElementType();
      TypedAttr padAttr;
      if (inIsInt)
        padAttr = rewriter.getIntegerAttr(
            inStorage, APInt(x->width, x->zeroPoint(), true, true));
      else if (ka == OperandKind::Binary)
        padAttr = rewriter.getIntegerAttr(inStorage, 0);
      else
        padAttr = rewriter.getIntegerAttr(inStorage, 0);
      // A binary input padded with zeros: its padding taps are stored as
      // +1 and their contribution (the centered weights of those taps, a
      // constant per output position) is subtracted afterwards, as for
      // binary weights.
      bool zeroPadBinary = !inIsInt && ka == OperandKind::Binary && anyPad &&
                           op.getPadValueOrDefault() == PadValue::zero;
      Value in5 = expandGroups(padSpatial(adaptor.getInput(), padAttr));
      Value f5 = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(
              {g, og, kh, kwd, cg},
              cast<RankedTensorType>(adaptor.getFilter().getType())
                  .getElementType()),
          adaptor.getFilter(),
          ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
      Value zero = filledTensor(rewriter, loc, acc5Shape, qb.i32(0));
      SmallVector<Value> inputs = {in5, f5};
      SmallVector<AffineMap> gMaps = maps;
      if (zpPerChannel) {
        inputs.push_back(channelZeroPoints(rewriter, loc, intInfo, g, og));
        gMaps.insert(gMaps.begin() + 2, Conv2DDesc::channelMap(ctx));
      }
      acc5 = addSubContraction(rewriter, loc, inputs, zero, gMaps, iters,
                               inIsInt, intInfo, bitKind, zeroPointFolded);
      if (zeroPadBinary) {
        Value corr =
            zeroPaddingCorrection(rewriter, loc, op, adaptor, {h, wd}, {oh, ow},
                                  {kh, kwd}, st, dl, pad, g, og, cg, &intInfo);
        acc5 = buildElementwise(
            rewriter, loc, cast<RankedTensorType>(acc5.getType()), {acc5, corr},
            {}, 0, [&](OpBuilder &nb, Location l, ValueRange v) {
              return arith::SubIOp::create(nb, l, v[0], v[1]);
            });
      }
    }
    Value acc = tensor::CollapseShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({nB, oh, ow, o}, rewriter.getI32Type()), acc5,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    return acc;
  }

  /// The padding correction of constant weights (stored values `w`, OHWI,
  /// whose real factor is `value(stored)`), as a constant [1, OH, OW, G,
  /// OG]: for each output, the sum of the factors of the taps that fall
  /// into the padding.
  static Value hostPaddingCorrection(
      ConversionPatternRewriter &rewriter, Location loc, ArrayRef<int64_t> w,
      function_ref<int64_t(int64_t, int64_t)> value, std::array<int64_t, 2> in,
      std::array<int64_t, 2> out, std::array<int64_t, 2> kernel,
      ArrayRef<int64_t> st, ArrayRef<int64_t> dl, ArrayRef<int64_t> pad,
      int64_t g, int64_t og, int64_t cg) {
    int64_t o = g * og;
    // ws[o][kh][kw]: the sum of the weight factors over the channels.
    SmallVector<int64_t> ws(o * kernel[0] * kernel[1], 0);
    int64_t perChannel = kernel[0] * kernel[1] * cg;
    for (int64_t i = 0, e = w.size(); i < e; ++i)
      ws[i / cg] += value(w[i], i / perChannel);
    SmallVector<int32_t> corr(out[0] * out[1] * o, 0);
    for (int64_t y = 0; y < out[0]; ++y)
      for (int64_t x = 0; x < out[1]; ++x)
        for (int64_t ky = 0; ky < kernel[0]; ++ky)
          for (int64_t kx = 0; kx < kernel[1]; ++kx) {
            int64_t iy = y * st[0] + ky * dl[0] - pad[0];
            int64_t ix = x * st[1] + kx * dl[1] - pad[2];
            if (iy >= 0 && iy < in[0] && ix >= 0 && ix < in[1])
              continue;
            for (int64_t c = 0; c < o; ++c)
              corr[(y * out[1] + x) * o + c] += static_cast<int32_t>(
                  ws[(c * kernel[0] + ky) * kernel[1] + kx]);
          }
    auto type = RankedTensorType::get({1, out[0], out[1], g, og},
                                      rewriter.getI32Type());
    return arith::ConstantOp::create(
        rewriter, loc, DenseIntElementsAttr::get(type, ArrayRef(corr)));
  }

  /// corr[oh, ow, g, oc] = sum over (kh, kw) taps that fall into the padding
  /// of sum_c w[g * og + oc, kh, kw, c], broadcast over the batch.
  /// `intWeights` describes integer weights (their factor is stored - zp);
  /// without it the weights are binary (-1/+1).
  static Value zeroPaddingCorrection(
      ConversionPatternRewriter &rewriter, Location loc, Conv2DOp op,
      OpAdaptor adaptor, std::array<int64_t, 2> in, std::array<int64_t, 2> out,
      std::array<int64_t, 2> kernel, ArrayRef<int64_t> st, ArrayRef<int64_t> dl,
      ArrayRef<int64_t> pad, int64_t g, int64_t og, int64_t cg,
      const QuantInfo *intWeights = nullptr) {
    MLIRContext *ctx = rewriter.getContext();
    QuantBuilder qb(rewriter, loc);
    Type i32 = rewriter.getI32Type();
    int64_t zw = intWeights ? intWeights->zeroPoint() : 0;
    // Constant weights: the correction depends only on the output position,
    // so it is computed here once and zero padding costs one subtraction
    // per output.
    if (FailureOr<SmallVector<int64_t>> w =
            getConstantStoredValues(op.getFilter());
        succeeded(w))
      return hostPaddingCorrection(
          rewriter, loc, *w,
          [&](int64_t stored, int64_t channel) -> int64_t {
            if (intWeights)
              return stored - intWeights->zeroPoint(channel);
            return stored < 0 ? -1 : 1;
          },
          in, out, kernel, st, dl, pad, g, og, cg);
    Type storage =
        cast<RankedTensorType>(adaptor.getFilter().getType()).getElementType();
    Value f5 = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({g, og, kernel[0], kernel[1], cg}, storage),
        adaptor.getFilter(),
        ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
    SmallVector<int64_t> wsShape = {g, og, kernel[0], kernel[1]};
    Value wsInit =
        filledTensor(rewriter, loc, wsShape, qb.i32(intWeights ? 0 : cg));
    SmallVector<AffineExpr> e;
    for (int i = 0; i < 5; ++i)
      e.push_back(getAffineDimExpr(i, ctx));
    SmallVector<utils::IteratorType> wIters(4, utils::IteratorType::parallel);
    wIters.push_back(utils::IteratorType::reduction);
    // Integer weights with one zero point per output channel read it from
    // a [G, OG] operand.
    SmallVector<Value> wsInputs = {f5};
    SmallVector<AffineMap> wsMaps = {AffineMap::getMultiDimIdentityMap(5, ctx)};
    bool zpPerChannel = intWeights && !llvm::all_equal(intWeights->zeroPoints);
    if (zpPerChannel) {
      wsInputs.push_back(channelZeroPoints(rewriter, loc, *intWeights, g, og));
      wsMaps.push_back(AffineMap::get(5, 0, {e[0], e[1]}, ctx));
    }
    wsMaps.push_back(AffineMap::get(5, 0, {e[0], e[1], e[2], e[3]}, ctx));
    Value ws =
        linalg::GenericOp::create(
            rewriter, loc, wsInit.getType(), wsInputs, wsInit, wsMaps, wIters,
            [&](OpBuilder &nb, Location l, ValueRange v) {
              QuantBuilder q(nb, l);
              if (intWeights) {
                Value zp = zpPerChannel ? v[1] : q.i32(zw);
                Value c = arith::SubIOp::create(
                    nb, l, q.extend(v[0], intWeights->isSigned), zp);
                linalg::YieldOp::create(
                    nb, l, Value(arith::AddIOp::create(nb, l, v.back(), c)));
                return;
              }
              Value neg = arith::ExtUIOp::create(nb, l, nb.getI32Type(), v[0]);
              Value two = arith::ShLIOp::create(nb, l, neg, q.i32(1));
              linalg::YieldOp::create(
                  nb, l, Value(arith::SubIOp::create(nb, l, v[1], two)));
            })
            .getResult(0);
    // Loops (oh, ow, g, oc, kh, kw).
    SmallVector<AffineExpr> f;
    for (int i = 0; i < 6; ++i)
      f.push_back(getAffineDimExpr(i, ctx));
    SmallVector<int64_t> corrShape = {out[0], out[1], g, og};
    Value cInit = filledTensor(rewriter, loc, corrShape, qb.i32(0));
    SmallVector<utils::IteratorType> cIters(4, utils::IteratorType::parallel);
    cIters.append(2, utils::IteratorType::reduction);
    Value corr =
        linalg::GenericOp::create(rewriter, loc, cInit.getType(), ws, cInit,
                                  ArrayRef<AffineMap>{
                                      AffineMap::get(
                                          6, 0, {f[2], f[3], f[4], f[5]}, ctx),
                                      AffineMap::get(
                                          6, 0, {f[0], f[1], f[2], f[3]}, ctx)},
                                  cIters,
                                  [&](OpBuilder &nb, Location l, ValueRange v) {
                                    QuantBuilder q(nb, l);
                                    auto outside = [&](unsigned outDim,
                                                       unsigned kDim, int64_t s,
                                                       int64_t dil,
                                                       int64_t before,
                                                       int64_t size) {
                                      Value o = arith::IndexCastOp::create(
                                          nb, l, nb.getI32Type(),
                                          linalg::IndexOp::create(nb, l,
                                                                  outDim));
                                      Value kk = arith::IndexCastOp::create(
                                          nb, l, nb.getI32Type(),
                                          linalg::IndexOp::create(nb, l, kDim));
                                      Value pos = arith::SubIOp::create(
                                          nb, l,
                                          arith::AddIOp::create(
                                              nb, l,
                                              arith::MulIOp::create(nb, l, o,
                                                                    q.i32(s)),
                                              arith::MulIOp::create(
                                                  nb, l, kk, q.i32(dil))),
                                          q.i32(before));
                                      Value lo = arith::CmpIOp::create(
                                          nb, l, arith::CmpIPredicate::slt, pos,
                                          q.i32(0));
                                      Value hi = arith::CmpIOp::create(
                                          nb, l, arith::CmpIPredicate::sge, pos,
                                          q.i32(size));
                                      return arith::OrIOp::create(nb, l, lo,
                                                                  hi);
                                    };
                                    Value isPad = arith::OrIOp::create(
                                        nb, l,
                                        outside(0, 4, st[0], dl[0], pad[0],
                                                in[0]),
                                        outside(1, 5, st[1], dl[1], pad[2],
                                                in[1]));
                                    Value add = arith::SelectOp::create(
                                        nb, l, isPad, v[0], q.i32(0));
                                    linalg::YieldOp::create(
                                        nb, l,
                                        Value(arith::AddIOp::create(nb, l, v[1],
                                                                    add)));
                                  })
            .getResult(0);
    Value corr5 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({1, out[0], out[1], g, og}, i32),
        corr, ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
    return corr5;
  }
};

//===----------------------------------------------------------------------===//
// max_pool2d on packed words
//===----------------------------------------------------------------------===//

/// The pooled words [N, OH, OW, Cw] of a binary max pool (see below).
Value pooledWords(ConversionPatternRewriter &rewriter, MaxPool2DOp op,
                  Value input) {
  Location loc = op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  RankedTensorType inT = op.getInput().getType();
  auto resultType = op.getResult().getType();
  int64_t n = inT.getDimSize(0), h = inT.getDimSize(1), w = inT.getDimSize(2);
  int64_t cw = llvm::divideCeil(inT.getDimSize(3), kWordBits);
  IntegerType word = rewriter.getIntegerType(kWordBits);
  // Words [N, H, W, Cw]: from a threshold, from packed input, or packed.
  Value words;
  if (Planes fromThreshold = packedFromThreshold(rewriter, op.getInput(), 1);
      fromThreshold.sign && !fromThreshold.mask)
    words = fromThreshold.sign;
  else if (Value packed =
               packedSource(rewriter, op.getInput(), OperandKind::Binary).sign)
    words = packed;
  else
    words = packBits(rewriter, loc, input, word);
  if (cast<RankedTensorType>(words.getType()).getRank() == 5)
    words = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({n, h, w, cw}, word), words,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  SmallVector<int64_t, 4> pad = op.getPaddingValues();
  SmallVector<int64_t, 2> st = op.getStrideValues();
  ArrayRef<int64_t> kernel = op.getKernel();
  Value allOnes = arith::ConstantIntOp::create(rewriter, loc, word, -1);
  words = padSpatial(rewriter, loc, words, pad, allOnes);
  int64_t oh = resultType.getDimSize(1), ow = resultType.getDimSize(2);
  Value init = filledTensor(rewriter, loc, {n, oh, ow, cw}, allOnes);
  Value window =
      tensor::EmptyOp::create(rewriter, loc, kernel, rewriter.getI1Type());
  SmallVector<AffineExpr> d;
  for (int i = 0; i < 6; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
  iters.append(2, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             rewriter, loc, init.getType(), ValueRange{words, window},
             ValueRange{init},
             ArrayRef<AffineMap>{
                 AffineMap::get(
                     6, 0,
                     {d[0], d[1] * st[0] + d[4], d[2] * st[1] + d[5], d[3]},
                     ctx),
                 AffineMap::get(6, 0, {d[4], d[5]}, ctx),
                 AffineMap::get(6, 0, {d[0], d[1], d[2], d[3]}, ctx)},
             iters,
             [&](OpBuilder &b, Location l, ValueRange a) {
               linalg::YieldOp::create(
                   b, l, Value(arith::AndIOp::create(b, l, a[2], a[0])));
             })
      .getResult(0);
}

/// The maximum of -1/+1 values is +1 unless every value is -1: with bit 1 =
/// -1 it is the AND of the bits, 64 channels per instruction. Padding taps
/// are all-ones words (-1, so they never win).
struct BinaryMaxPoolLowering : public OpConversionPattern<MaxPool2DOp> {
  BinaryMaxPoolLowering(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isBinaryLoweringOp(op))
      return failure();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    Value pooled = pooledWords(rewriter, op, adaptor.getInput());
    rewriter.replaceOp(op,
                       unpackBits(rewriter, op.getLoc(), pooled,
                                  RankedTensorType::get(resultType.getShape(),
                                                        rewriter.getI1Type())));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// pack / unpack
//===----------------------------------------------------------------------===//

struct PackLowering : public OpConversionPattern<PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto word = cast<IntegerType>(
        cast<RankedTensorType>(op.getResult(0).getType()).getElementType());
    if (op.getNumResults() == 1) {
      rewriter.replaceOp(op, packBits(rewriter, loc, adaptor.getInput(), word));
      return success();
    }
    auto [mask, sign] = ternaryBits(rewriter, loc, adaptor.getInput());
    rewriter.replaceOp(op, {packBits(rewriter, loc, mask, word),
                            packBits(rewriter, loc, sign, word)});
    return success();
  }
};

struct UnpackLowering : public OpConversionPattern<UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnpackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    auto bitsType =
        RankedTensorType::get(resultType.getShape(), rewriter.getI1Type());
    if (adaptor.getInputs().size() == 1) {
      rewriter.replaceOp(
          op, unpackBits(rewriter, loc, adaptor.getInputs()[0], bitsType));
      return success();
    }
    Value mask = unpackBits(rewriter, loc, adaptor.getInputs()[0], bitsType);
    Value sign = unpackBits(rewriter, loc, adaptor.getInputs()[1], bitsType);
    Type storage = resultType.getElementType();
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, resultType, {mask, sign}, {}, 0,
                [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                  Value one = arith::ConstantIntOp::create(b, l, storage, 1);
                  Value minusOne =
                      arith::ConstantIntOp::create(b, l, storage, -1);
                  Value zero = arith::ConstantIntOp::create(b, l, storage, 0);
                  Value nz = arith::SelectOp::create(b, l, v[1], minusOne, one);
                  return arith::SelectOp::create(b, l, v[0], nz, zero);
                }));
    return success();
  }
};

} // namespace

void mlir::lowbit::populateBinaryPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns,
                                          RequantKind fallback) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryMatmulLowering, BinaryConv2DLowering>(converter, ctx,
                                                           fallback);
  patterns.add<PackLowering, UnpackLowering, BinaryMaxPoolLowering>(converter,
                                                                    ctx);
  populateBitSerialPatterns(converter, patterns, fallback);
}
