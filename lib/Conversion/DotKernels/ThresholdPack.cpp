//===- ThresholdPack.cpp - binary activations packed from thresholds ------===//
//
// Part of the lowbit project.
//
// A binary layer's input is the sign (an integer threshold) of the previous
// layer's accumulators, packed 64 channels to a word. --lowbit-lower-binary
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
  if (!op->hasAttr(lowbit::kThresholdPackAttrName) ||
      !op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  ThresholdPack tp;
  tp.op = op;
  tp.x = op.getDpsInputs()[0];
  tp.tau = op.getDpsInputs()[1];
  tp.init = op.getDpsInits()[0];
  auto xt = dyn_cast<RankedTensorType>(tp.x.getType());
  auto tauT = dyn_cast<RankedTensorType>(tp.tau.getType());
  auto wt = dyn_cast<RankedTensorType>(tp.init.getType());
  if (!xt || !tauT || !wt || !xt.hasStaticShape() || !tauT.hasStaticShape() ||
      !wt.hasStaticShape() || xt.getRank() < 2 || tauT.getRank() != 2 ||
      wt.getRank() != xt.getRank() || !wt.getElementType().isInteger(64))
    return std::nullopt;
  int64_t rank = xt.getRank();
  tp.groups = xt.getDimSize(rank - 2);
  tp.groupChannels = xt.getDimSize(rank - 1);
  tp.words = wt.getDimSize(rank - 1);
  tp.sharedTau = tauT.getNumElements() == 1;
  if (tp.words != ceilDiv(tp.groupChannels, kWordBits) ||
      wt.getShape().drop_back() != xt.getShape().drop_back() ||
      (!tp.sharedTau && (tauT.getDimSize(0) != tp.groups ||
                         tauT.getDimSize(1) != tp.groupChannels)))
    return std::nullopt;
  // The maps: x identity, tau (g, c) or (0, 0), words (..., c floordiv 64).
  MLIRContext *ctx = op.getContext();
  unsigned loops = rank;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<AffineExpr> wordE;
  for (unsigned i = 0; i + 1 < loops; ++i)
    wordE.push_back(getAffineDimExpr(i, ctx));
  wordE.push_back(getAffineDimExpr(loops - 1, ctx).floorDiv(kWordBits));
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  AffineMap tauMap = tp.sharedTau
                         ? AffineMap::get(loops, 0, {zero, zero}, ctx)
                         : AffineMap::get(loops, 0,
                                          {getAffineDimExpr(loops - 2, ctx),
                                           getAffineDimExpr(loops - 1, ctx)},
                                          ctx);
  if (!maps[0].isIdentity() || maps[1] != tauMap ||
      maps[2] != AffineMap::get(loops, 0, wordE, ctx))
    return std::nullopt;
  // The body: or(out, extui(cmpi slt(ext(x), ext(tau))) << (c % 64)).
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto orOp = yield.getValues()[0].getDefiningOp<arith::OrIOp>();
  auto shl = orOp ? orOp.getRhs().getDefiningOp<arith::ShLIOp>() : nullptr;
  auto ext = shl ? shl.getLhs().getDefiningOp<arith::ExtUIOp>() : nullptr;
  auto cmp = ext ? ext.getIn().getDefiningOp<arith::CmpIOp>() : nullptr;
  if (!orOp || orOp.getLhs() != body.getArgument(2) || !cmp ||
      cmp.getPredicate() != arith::CmpIPredicate::slt)
    return std::nullopt;
  // The bit: index_cast(linalg.index(last) % 64).
  auto toWord = shl.getRhs().getDefiningOp<arith::IndexCastOp>();
  auto rem = toWord ? toWord.getIn().getDefiningOp<arith::RemUIOp>() : nullptr;
  auto index = rem ? rem.getLhs().getDefiningOp<linalg::IndexOp>() : nullptr;
  IntegerAttr bits;
  if (!index || index.getDim() != loops - 1 ||
      !matchPattern(rem.getRhs(), m_Constant(&bits)) ||
      bits.getInt() != kWordBits)
    return std::nullopt;
  auto operandOf = [](Value v, bool &isSigned) -> Value {
    if (auto e = v.getDefiningOp<arith::ExtSIOp>())
      return e.getIn();
    if (auto e = v.getDefiningOp<arith::ExtUIOp>()) {
      isSigned = false;
      return e.getIn();
    }
    return v;
  };
  bool tauSigned = true;
  if (operandOf(cmp.getLhs(), tp.xSigned) != body.getArgument(0) ||
      operandOf(cmp.getRhs(), tauSigned) != body.getArgument(1) || !tauSigned)
    return std::nullopt;
  tp.cmpType = cast<IntegerType>(cmp.getLhs().getType());
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
  if (!tp || tp->x != v || generic.getDpsInputs()[1] == v ||
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

Value mlir::lowbit::dotkernels::readThresholds(OpBuilder &b, Location loc,
                                               const ThresholdPack &tp,
                                               Value group, Value channel,
                                               int64_t lanes, bool inBounds) {
  auto tauElem = cast<RankedTensorType>(tp.tau.getType()).getElementType();
  auto type = VectorType::get({lanes}, tauElem);
  if (tp.sharedTau) {
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    return vector::BroadcastOp::create(
        b, loc, type,
        tensor::ExtractOp::create(b, loc, tp.tau, ValueRange{c0, c0}));
  }
  return vector::TransferReadOp::create(
      b, loc, type, tp.tau, ValueRange{group, channel},
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

Value mlir::lowbit::dotkernels::storePackedTile(
    OpBuilder &b, Location loc, const ThresholdPack &tp, Value words,
    ArrayRef<Value> tile, int64_t rows, int64_t cols, Value group,
    ArrayRef<Value> channels, int64_t oc, bool consecutive,
    function_ref<SmallVector<Value>(int64_t, Value)> wordAt) {
  auto vt = cast<VectorType>(tile.front().getType());
  int64_t lanes = vt.getNumElements();
  SmallVector<Value> tau;
  for (int64_t t = 0; t < cols; ++t) {
    Value tv =
        readThresholds(b, loc, tp, group, channels[t], lanes, oc % lanes == 0);
    if (tv.getType() != vt)
      tv = arith::ExtSIOp::create(b, loc, vt, tv);
    tau.push_back(tv);
  }
  SmallVector<Value> offsets;
  if (tp.offsets)
    for (int64_t t = 0; t < cols; ++t)
      offsets.push_back(vector::TransferReadOp::create(
          b, loc, vt, tp.offsets, channels[t],
          arith::ConstantIntOp::create(b, loc, 0, 32),
          ArrayRef<bool>{oc % lanes == 0}));
  SmallVector<Value> bits;
  for (int64_t i = 0; i < rows * cols; ++i) {
    Value v = tile[i];
    if (tp.offsets)
      v = arith::AddIOp::create(b, loc, v, offsets[i % cols]);
    bits.push_back(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v,
                                         tau[i % cols]));
  }
  return storePackedBits(b, loc, words, bits, rows, cols, channels, oc,
                         consecutive, wordAt);
}

namespace {

/// The vector code of a threshold pack no kernel took: per word, 64
/// lanes of x against their thresholds, the comparison cast to the word.
Value lowerThresholdPack(OpBuilder &b, Location loc, const ThresholdPack &tp) {
  auto xt = cast<RankedTensorType>(tp.x.getType());
  auto wt = cast<RankedTensorType>(tp.init.getType());
  int64_t rank = xt.getRank();
  Type xElem = xt.getElementType();
  Type tauElem = cast<RankedTensorType>(tp.tau.getType()).getElementType();
  auto vecOf = [&](Type e) { return VectorType::get({kWordBits}, e); };
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  IntegerType word = b.getI64Type();
  bool exact = tp.groupChannels % kWordBits == 0;
  // Every word is written: no zero fill.
  Value out = tensor::EmptyOp::create(b, loc, wt.getShape(), word);
  SmallVector<Value> at;
  std::function<Value(unsigned, Value)> nest = [&](unsigned d,
                                                   Value acc) -> Value {
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
      Value tv;
      if (tp.sharedTau) {
        Value c0 = idx(0);
        tv = vector::BroadcastOp::create(
            b, loc, vecOf(tauElem),
            tensor::ExtractOp::create(b, loc, tp.tau, ValueRange{c0, c0}));
      } else {
        tv = vector::TransferReadOp::create(
            b, loc, vecOf(tauElem), tp.tau, ValueRange{g, first},
            arith::ConstantIntOp::create(b, loc, tauElem, 0),
            ArrayRef<bool>{exact});
      }
      if (tauElem != tp.cmpType)
        tv = arith::ExtSIOp::create(b, loc, vecOf(tp.cmpType), tv);
      Value below =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, xv, tv);
      // Lanes past the group's channels are 0 bits.
      if (!exact)
        below = arith::AndIOp::create(
            b, loc, below,
            vector::CreateMaskOp::create(
                b, loc, vecOf(b.getI1Type()),
                ValueRange{arith::SubIOp::create(b, loc, idx(tp.groupChannels),
                                                 first)}));
      Value bits = vector::ExtractOp::create(
          b, loc,
          vector::BitCastOp::create(b, loc, VectorType::get({1}, word), below),
          ArrayRef<int64_t>{0});
      return tensor::InsertOp::create(b, loc, bits, acc, at);
    }
    auto loop = scf::ForOp::create(
        b, loc, idx(0), idx(wt.getDimSize(d)), idx(1), ValueRange{acc},
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(nb.getInsertionBlock());
          at.push_back(iv);
          Value next = nest(d + 1, args[0]);
          at.pop_back();
          scf::YieldOp::create(b, loc, next);
        });
    return loop.getResult(0);
  };
  return nest(0, out);
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
      Value words = lowerThresholdPack(b, tp.op.getLoc(), tp);
      tp.op.getResult(0).replaceAllUsesWith(words);
      tp.op.erase();
    }
  }
};

} // namespace
