//===- ThresholdPack.cpp - activations packed from thresholds -------------===//
//
// Part of the lowbit project.
//
// A binary layer's input is the sign (an integer threshold) of the previous
// layer's accumulators, packed 64 channels to a word; a ternary layer's the
// sign and mask planes of a two-level threshold. --lowbit-lower-binary
// writes that as a linalg.generic marked `lowbit.threshold_pack`. A kernel
// that computes the accumulators (the popcount and int8 dot-product
// kernels) stores the pack's bits straight from its registers, so the int32
// accumulators never reach memory; --lowbit-lower-threshold-packs turns the
// packs no kernel took into vector code: per word, one comparison of 64
// lanes whose i1 results are bitcast to the word (a mask move on AVX-512,
// vpmovmskb on AVX2, a narrowing sequence on NEON), not a bit loop.
//
//===----------------------------------------------------------------------===//

#include "DotKernels.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITLOWERTHRESHOLDPACKS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit::dotkernels;

static constexpr int64_t kWordBits = 64;

std::optional<ThresholdPack>
mlir::lowbit::dotkernels::matchThresholdPack(linalg::GenericOp op) {
  // One level and one plane (binary), or two of each (ternary).
  int64_t levels = op.getNumDpsInits();
  if (!op->hasAttr(lowbit::kThresholdPackAttrName) ||
      !op.hasPureTensorSemantics() || levels < 1 || levels > 2 ||
      op.getNumDpsInputs() != 1 + levels)
    return std::nullopt;
  ThresholdPack tp;
  tp.op = op;
  tp.x = op.getDpsInputs()[0];
  for (int64_t k = 0; k < levels; ++k) {
    tp.taus.push_back(op.getDpsInputs()[1 + k]);
    tp.inits.push_back(op.getDpsInits()[k]);
  }
  auto xt = dyn_cast<RankedTensorType>(tp.x.getType());
  if (!xt || !xt.hasStaticShape() || xt.getRank() < 2)
    return std::nullopt;
  int64_t rank = xt.getRank();
  tp.groups = xt.getDimSize(rank - 2);
  tp.groupChannels = xt.getDimSize(rank - 1);
  tp.words = ceilDiv(tp.groupChannels, kWordBits);
  auto tau0 = dyn_cast<RankedTensorType>(tp.taus[0].getType());
  if (!tau0)
    return std::nullopt;
  tp.sharedTau = tau0.hasStaticShape() && tau0.getNumElements() == 1;
  for (int64_t k = 0; k < levels; ++k) {
    auto tauT = dyn_cast<RankedTensorType>(tp.taus[k].getType());
    auto wt = dyn_cast<RankedTensorType>(tp.inits[k].getType());
    if (!tauT || !wt || tauT != tau0 || !wt.hasStaticShape() ||
        tauT.getRank() != 2 || wt.getRank() != rank ||
        !wt.getElementType().isInteger(64) ||
        wt.getShape().drop_back() != xt.getShape().drop_back() ||
        wt.getShape().back() != tp.words ||
        (!tp.sharedTau && (tauT.getDimSize(0) != tp.groups ||
                           tauT.getDimSize(1) != tp.groupChannels)))
      return std::nullopt;
  }
  // The maps: x identity, each tau (g, c) or (0, 0), each plane's words
  // (..., c floordiv 64).
  unsigned loops = rank;
  if (op.getIndexingMapsArray() !=
      lowbit::getThresholdPackMaps(loops, levels, tp.sharedTau,
                                   op.getContext()))
    return std::nullopt;
  // The body: plane k is or(out_k, extui(bit_k) << index_cast(c % 64)) with
  // b_k = cmpi slt(ext(x), ext(tau_k)); bit_0 = b_0 (binary), or bit_0 =
  // b_0 & b_1 and bit_1 = (b_0 ^ b_1) ^ true (ternary).
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  SmallVector<Value> planeBits;
  Value shift;
  for (int64_t k = 0; k < levels; ++k) {
    auto orOp = yield.getValues()[k].getDefiningOp<arith::OrIOp>();
    auto shl = orOp ? orOp.getRhs().getDefiningOp<arith::ShLIOp>() : nullptr;
    auto ext = shl ? shl.getLhs().getDefiningOp<arith::ExtUIOp>() : nullptr;
    if (!ext || orOp.getLhs() != body.getArgument(1 + levels + k) ||
        (shift && shl.getRhs() != shift))
      return std::nullopt;
    shift = shl.getRhs();
    planeBits.push_back(ext.getIn());
  }
  // The bit: index_cast(linalg.index(last) % 64).
  auto toWord = shift.getDefiningOp<arith::IndexCastOp>();
  auto rem = toWord ? toWord.getIn().getDefiningOp<arith::RemUIOp>() : nullptr;
  auto index = rem ? rem.getLhs().getDefiningOp<linalg::IndexOp>() : nullptr;
  IntegerAttr bits;
  if (!index || index.getDim() != loops - 1 ||
      !matchPattern(rem.getRhs(), m_Constant(&bits)) ||
      bits.getInt() != kWordBits)
    return std::nullopt;
  // The comparisons.
  SmallVector<arith::CmpIOp> below;
  if (levels == 1) {
    below.push_back(planeBits[0].getDefiningOp<arith::CmpIOp>());
  } else {
    auto sign = planeBits[0].getDefiningOp<arith::AndIOp>();
    auto mask = planeBits[1].getDefiningOp<arith::XOrIOp>();
    auto differ = mask ? mask.getLhs().getDefiningOp<arith::XOrIOp>() : nullptr;
    IntegerAttr one;
    if (!sign || !differ || !matchPattern(mask.getRhs(), m_Constant(&one)) ||
        !one.getValue().isAllOnes() || differ.getLhs() != sign.getLhs() ||
        differ.getRhs() != sign.getRhs())
      return std::nullopt;
    below = {sign.getLhs().getDefiningOp<arith::CmpIOp>(),
             sign.getRhs().getDefiningOp<arith::CmpIOp>()};
  }
  auto operandOf = [](Value v, bool &isSigned) -> Value {
    if (auto e = v.getDefiningOp<arith::ExtSIOp>())
      return e.getIn();
    if (auto e = v.getDefiningOp<arith::ExtUIOp>()) {
      isSigned = false;
      return e.getIn();
    }
    return v;
  };
  for (int64_t k = 0; k < levels; ++k) {
    arith::CmpIOp cmp = below[k];
    bool xSigned = true, tauSigned = true;
    if (!cmp || cmp.getPredicate() != arith::CmpIPredicate::slt ||
        operandOf(cmp.getLhs(), xSigned) != body.getArgument(0) ||
        operandOf(cmp.getRhs(), tauSigned) != body.getArgument(1 + k) ||
        !tauSigned ||
        (k && (xSigned != tp.xSigned || cmp.getLhs().getType() != tp.cmpType)))
      return std::nullopt;
    tp.xSigned = xSigned;
    tp.cmpType = cast<IntegerType>(cmp.getLhs().getType());
  }
  return tp;
}

/// `op` adds a constant per channel (the last dim) to its first operand:
/// returns the constant [C].
static Value matchOffsetAdd(linalg::GenericOp op, Value v) {
  if (!op || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getDpsInputs()[0] != v || op.getResult(0).getType() != v.getType())
    return {};
  Value off = op.getDpsInputs()[1];
  auto vt = cast<RankedTensorType>(v.getType());
  auto ot = dyn_cast<RankedTensorType>(off.getType());
  MLIRContext *ctx = op.getContext();
  unsigned rank = vt.getRank();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!ot || ot.getRank() != 1 || ot.getDimSize(0) != vt.getShape().back() ||
      !matchPattern(off, m_Constant()) ||
      !llvm::all_of(op.getIteratorTypesArray(),
                    [](utils::IteratorType t) {
                      return t == utils::IteratorType::parallel;
                    }) ||
      !maps[0].isIdentity() || !maps[2].isIdentity() ||
      maps[1] != AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)))
    return {};
  Block &body = op.getRegion().front();
  auto add = cast<linalg::YieldOp>(body.getTerminator())
                 .getValues()[0]
                 .getDefiningOp<arith::AddIOp>();
  if (!add || add.getLhs() != body.getArgument(0) ||
      add.getRhs() != body.getArgument(1))
    return {};
  return off;
}

std::optional<ThresholdPack> mlir::lowbit::dotkernels::matchFusablePack(
    Value result, int64_t groups, int64_t oc,
    SmallVectorImpl<Operation *> &chain) {
  chain.clear();
  Value v = result, offsets;
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    if (!offsets && groups == 1)
      if (Value off = matchOffsetAdd(dyn_cast<linalg::GenericOp>(user), v)) {
        offsets = off;
        chain.push_back(user);
        v = user->getResult(0);
        continue;
      }
    if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(user))
      break;
    chain.push_back(user);
    v = user->getResult(0);
  }
  if (!v.hasOneUse())
    return std::nullopt;
  auto generic = dyn_cast<linalg::GenericOp>(*v.getUsers().begin());
  std::optional<ThresholdPack> tp =
      generic ? matchThresholdPack(generic) : std::nullopt;
  // The kernel's values are int32, compared as signed int32.
  if (!tp || tp->x != v || llvm::is_contained(tp->taus, v) ||
      tp->groups != groups || tp->groupChannels != oc ||
      !tp->cmpType.isInteger(32) || !tp->xSigned ||
      cast<RankedTensorType>(result.getType()).getNumElements() !=
          cast<RankedTensorType>(v.getType()).getNumElements())
    return std::nullopt;
  tp->offsets = offsets;
  return tp;
}

Value mlir::lowbit::dotkernels::reshapeTo(OpBuilder &b, Location loc, Value v,
                                          ArrayRef<int64_t> shape) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getShape() == shape)
    return v;
  auto flatType =
      RankedTensorType::get({t.getNumElements()}, t.getElementType());
  ReassociationIndices all;
  for (int64_t i = 0; i < t.getRank(); ++i)
    all.push_back(i);
  Value flat =
      t.getRank() == 1
          ? v
          : Value(tensor::CollapseShapeOp::create(
                b, loc, flatType, v, ArrayRef<ReassociationIndices>{all}));
  if (shape.size() == 1)
    return flat;
  ReassociationIndices out;
  for (int64_t i = 0; i < static_cast<int64_t>(shape.size()); ++i)
    out.push_back(i);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, t.getElementType()), flat,
      ArrayRef<ReassociationIndices>{out});
}

Value mlir::lowbit::dotkernels::packKernelWords(OpBuilder &b, Location loc,
                                                const ThresholdPack &tp,
                                                ArrayRef<int64_t> shape) {
  if (tp.planes() == 1)
    return reshapeTo(b, loc, tp.inits[0], shape);
  SmallVector<int64_t> planes(shape);
  planes.push_back(tp.planes());
  Value empty = tensor::EmptyOp::create(b, loc, planes, b.getI64Type());
  return linalg::FillOp::create(
             b, loc, ValueRange{arith::ConstantIntOp::create(b, loc, 0, 64)},
             ValueRange{empty})
      .getResult(0);
}

void mlir::lowbit::dotkernels::replacePack(OpBuilder &b, Location loc,
                                           ThresholdPack &tp, Value words) {
  for (int64_t k = 0; k < tp.planes(); ++k) {
    auto resultType = cast<RankedTensorType>(tp.op->getResult(k).getType());
    Value plane = words;
    if (tp.planes() > 1) {
      // Plane k of [..., CW, planes].
      auto wt = cast<RankedTensorType>(words.getType());
      int64_t rank = wt.getRank();
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
          strides(rank, b.getIndexAttr(1));
      for (int64_t d : wt.getShape())
        sizes.push_back(b.getIndexAttr(d));
      offsets.back() = b.getIndexAttr(k);
      sizes.back() = b.getIndexAttr(1);
      SmallVector<int64_t> sliceShape(wt.getShape());
      sliceShape.back() = 1;
      plane = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get(sliceShape, wt.getElementType()), words,
          offsets, sizes, strides);
    }
    tp.op->getResult(k).replaceAllUsesWith(
        reshapeTo(b, loc, plane, resultType.getShape()));
  }
  tp.op.erase();
}

Value mlir::lowbit::dotkernels::readThresholds(OpBuilder &b, Location loc,
                                               const ThresholdPack &tp,
                                               int64_t level, Value group,
                                               Value channel, int64_t lanes,
                                               bool inBounds) {
  Value tau = tp.taus[level];
  auto tauElem = cast<RankedTensorType>(tau.getType()).getElementType();
  auto type = VectorType::get({lanes}, tauElem);
  if (tp.sharedTau) {
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    return vector::BroadcastOp::create(
        b, loc, type,
        tensor::ExtractOp::create(b, loc, tau, ValueRange{c0, c0}));
  }
  return vector::TransferReadOp::create(
      b, loc, type, tau, ValueRange{group, channel},
      arith::ConstantIntOp::create(b, loc, tauElem, 0),
      ArrayRef<bool>{inBounds});
}

Value mlir::lowbit::dotkernels::storePackedBits(
    OpBuilder &b, Location loc, Value words, ArrayRef<Value> bits, int64_t rows,
    int64_t cols, ArrayRef<Value> channels, int64_t oc, bool consecutive,
    function_ref<SmallVector<Value>(int64_t, Value)> wordAt) {
  auto maskType = cast<VectorType>(bits.front().getType());
  int64_t lanes = maskType.getNumElements();
  IntegerType i64 = b.getI64Type();
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<Value> valid;
  if (oc % lanes)
    for (Value ch : channels)
      valid.push_back(vector::CreateMaskOp::create(
          b, loc, maskType,
          ValueRange{arith::SubIOp::create(b, loc, idx(oc), ch)}));
  // A mask of n lanes as the low n bits of a word.
  auto toWord = [&](Value mask) -> Value {
    int64_t n = cast<VectorType>(mask.getType()).getNumElements();
    Value w = vector::ExtractOp::create(
        b, loc,
        vector::BitCastOp::create(
            b, loc, VectorType::get({1}, b.getIntegerType(n)), mask),
        ArrayRef<int64_t>{0});
    return n == kWordBits ? w : Value(arith::ExtUIOp::create(b, loc, i64, w));
  };
  auto orInto = [&](Value w, int64_t r, Value firstChannel, Value word) {
    Value wi = arith::DivUIOp::create(b, loc, firstChannel, idx(kWordBits));
    Value shift = arith::IndexCastOp::create(
        b, loc, i64,
        arith::RemUIOp::create(b, loc, firstChannel, idx(kWordBits)));
    SmallVector<Value> at = wordAt(r, wi);
    Value old = tensor::ExtractOp::create(b, loc, w, at);
    Value merged = arith::OrIOp::create(
        b, loc, old, arith::ShLIOp::create(b, loc, word, shift));
    return tensor::InsertOp::create(b, loc, merged, w, at).getResult();
  };
  for (int64_t r = 0; r < rows; ++r) {
    SmallVector<Value> row;
    for (int64_t t = 0; t < cols; ++t) {
      Value m = bits[r * cols + t];
      if (!valid.empty())
        m = arith::AndIOp::create(b, loc, m, valid[t]);
      row.push_back(m);
    }
    if (!consecutive) {
      // Each vector on its own: the tile may repeat its last vector or
      // cross a word.
      for (int64_t t = 0; t < cols; ++t)
        words = orInto(words, r, channels[t], toWord(row[t]));
      continue;
    }
    // The row's masks concatenated (mask register unpacking on AVX-512),
    // then moved to one word.
    while (row.size() > 1) {
      SmallVector<Value> next;
      for (size_t i = 0; i < row.size(); i += 2) {
        int64_t n = cast<VectorType>(row[i].getType()).getNumElements();
        next.push_back(vector::ShuffleOp::create(
            b, loc, row[i], row[i + 1],
            llvm::to_vector(llvm::seq<int64_t>(0, 2 * n))));
      }
      row = std::move(next);
    }
    Value word = toWord(row.front());
    if (lanes * cols == kWordBits) {
      Value wi = arith::DivUIOp::create(b, loc, channels[0], idx(kWordBits));
      words = tensor::InsertOp::create(b, loc, word, words, wordAt(r, wi))
                  .getResult();
      continue;
    }
    words = orInto(words, r, channels[0], word);
  }
  return words;
}

/// The plane bits of one or two levels' comparison bits, `below[k][i]`:
/// binary b_0; ternary sign b_0 & b_1 and mask !(b_0 ^ b_1).
static SmallVector<SmallVector<Value>>
planeBits(OpBuilder &b, Location loc, ArrayRef<SmallVector<Value>> below) {
  if (below.size() == 1)
    return {below[0]};
  SmallVector<Value> sign, mask;
  for (auto [b0, b1] : llvm::zip(below[0], below[1])) {
    auto type = cast<VectorType>(b0.getType());
    sign.push_back(arith::AndIOp::create(b, loc, b0, b1));
    mask.push_back(arith::XOrIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, b0, b1),
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, true))));
  }
  return {sign, mask};
}

Value mlir::lowbit::dotkernels::storePackedTile(
    OpBuilder &b, Location loc, const ThresholdPack &tp, Value words,
    ArrayRef<Value> tile, int64_t rows, int64_t cols, Value group,
    ArrayRef<Value> channels, int64_t oc, bool consecutive,
    function_ref<SmallVector<Value>(int64_t, Value)> wordAt) {
  auto vt = cast<VectorType>(tile.front().getType());
  int64_t lanes = vt.getNumElements();
  SmallVector<Value> offsets;
  if (tp.offsets)
    for (int64_t t = 0; t < cols; ++t)
      offsets.push_back(vector::TransferReadOp::create(
          b, loc, vt, tp.offsets, channels[t],
          arith::ConstantIntOp::create(b, loc, 0, 32),
          ArrayRef<bool>{oc % lanes == 0}));
  SmallVector<Value> values(tile);
  if (tp.offsets)
    for (int64_t i = 0; i < rows * cols; ++i)
      values[i] = arith::AddIOp::create(b, loc, values[i], offsets[i % cols]);
  SmallVector<SmallVector<Value>> below;
  for (int64_t k = 0; k < tp.planes(); ++k) {
    SmallVector<Value> tau;
    for (int64_t t = 0; t < cols; ++t) {
      Value tv = readThresholds(b, loc, tp, k, group, channels[t], lanes,
                                oc % lanes == 0);
      if (tv.getType() != vt)
        tv = arith::ExtSIOp::create(b, loc, vt, tv);
      tau.push_back(tv);
    }
    SmallVector<Value> bits;
    for (int64_t i = 0; i < rows * cols; ++i)
      bits.push_back(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           values[i], tau[i % cols]));
    below.push_back(std::move(bits));
  }
  SmallVector<SmallVector<Value>> planes = planeBits(b, loc, below);
  for (int64_t k = 0; k < tp.planes(); ++k)
    words = storePackedBits(b, loc, words, planes[k], rows, cols, channels, oc,
                            consecutive, [&](int64_t r, Value w) {
                              SmallVector<Value> at = wordAt(r, w);
                              if (tp.planes() > 1)
                                at.push_back(
                                    arith::ConstantIndexOp::create(b, loc, k));
                              return at;
                            });
  return words;
}

namespace {

/// The vector code of a threshold pack no kernel took: per word, 64
/// lanes of x against their thresholds, the comparisons (for a ternary
/// pack, their sign and mask combinations) cast to the words.
SmallVector<Value> lowerThresholdPack(OpBuilder &b, Location loc,
                                      const ThresholdPack &tp) {
  auto xt = cast<RankedTensorType>(tp.x.getType());
  auto wt = cast<RankedTensorType>(tp.inits[0].getType());
  int64_t rank = xt.getRank();
  Type xElem = xt.getElementType();
  auto vecOf = [&](Type e) { return VectorType::get({kWordBits}, e); };
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  IntegerType word = b.getI64Type();
  bool exact = tp.groupChannels % kWordBits == 0;
  // Every word is written: no zero fill.
  SmallVector<Value> outs;
  for (int64_t k = 0; k < tp.planes(); ++k)
    outs.push_back(tensor::EmptyOp::create(b, loc, wt.getShape(), word));
  SmallVector<Value> at;
  std::function<SmallVector<Value>(unsigned, ValueRange)> nest =
      [&](unsigned d, ValueRange acc) -> SmallVector<Value> {
    if (d == static_cast<unsigned>(rank)) {
      Value g = at[rank - 2], wi = at[rank - 1];
      Value first = arith::MulIOp::create(b, loc, wi, idx(kWordBits));
      SmallVector<Value> xi(at.begin(), at.end() - 1);
      xi.push_back(first);
      Value xv = vector::TransferReadOp::create(
          b, loc, vecOf(xElem), tp.x, xi,
          arith::ConstantIntOp::create(b, loc, xElem, 0),
          ArrayRef<bool>{exact});
      if (xElem != tp.cmpType)
        xv = tp.xSigned
                 ? Value(arith::ExtSIOp::create(b, loc, vecOf(tp.cmpType), xv))
                 : Value(arith::ExtUIOp::create(b, loc, vecOf(tp.cmpType), xv));
      SmallVector<SmallVector<Value>> below;
      for (int64_t k = 0; k < tp.planes(); ++k) {
        Value tv = readThresholds(b, loc, tp, k, g, first, kWordBits, exact);
        if (cast<VectorType>(tv.getType()).getElementType() != tp.cmpType)
          tv = arith::ExtSIOp::create(b, loc, vecOf(tp.cmpType), tv);
        below.push_back(
            {arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, xv, tv)});
      }
      SmallVector<SmallVector<Value>> planes = planeBits(b, loc, below);
      SmallVector<Value> next;
      for (int64_t k = 0; k < tp.planes(); ++k) {
        Value bits = planes[k][0];
        // Lanes past the group's channels are 0 bits.
        if (!exact)
          bits = arith::AndIOp::create(
              b, loc, bits,
              vector::CreateMaskOp::create(
                  b, loc, vecOf(b.getI1Type()),
                  ValueRange{arith::SubIOp::create(
                      b, loc, idx(tp.groupChannels), first)}));
        Value w = vector::ExtractOp::create(
            b, loc,
            vector::BitCastOp::create(b, loc, VectorType::get({1}, word), bits),
            ArrayRef<int64_t>{0});
        next.push_back(tensor::InsertOp::create(b, loc, w, acc[k], at));
      }
      return next;
    }
    auto loop = scf::ForOp::create(
        b, loc, idx(0), idx(wt.getDimSize(d)), idx(1), acc,
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(nb.getInsertionBlock());
          at.push_back(iv);
          SmallVector<Value> next = nest(d + 1, args);
          at.pop_back();
          scf::YieldOp::create(b, loc, next);
        });
    return SmallVector<Value>(loop.getResults());
  };
  return nest(0, outs);
}

struct LowerThresholdPacksPass
    : public mlir::lowbit::impl::LowBitLowerThresholdPacksBase<
          LowerThresholdPacksPass> {
  void runOnOperation() override {
    SmallVector<ThresholdPack> packs;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<ThresholdPack> tp = matchThresholdPack(op))
        packs.push_back(*tp);
    });
    for (ThresholdPack &tp : packs) {
      OpBuilder b(tp.op);
      SmallVector<Value> words = lowerThresholdPack(b, tp.op.getLoc(), tp);
      tp.op->replaceAllUsesWith(words);
      tp.op.erase();
    }
  }
};

} // namespace
