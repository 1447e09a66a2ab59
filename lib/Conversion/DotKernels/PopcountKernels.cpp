//===- PopcountKernels.cpp - register-tiled XNOR-popcount kernels ---------===//
//
// Part of the lowbit project.
//
// --lowbit-lower-binary computes a binary matmul or conv2d as a
// linalg.generic over 64-bit words packed along the reduction:
//
//   out[b, oh, ow, g, oc] += popcount(act[b, oh*sh + kh*dh, ow*sw + kw*dw,
//                                         g, r] XOR filter[g, oc, kh, kw, r])
//
// (a matmul is the case B = OH = G = KH = KW = 1, OW = M). LLVM vectorizes
// its innermost loop over the words of one output, so every output pays a
// horizontal reduction and every word is loaded once per output. This pass
// replaces the generic with a register tile of R output pixels x T vectors
// of L output channels whose accumulators stay in registers for the whole
// reduction: per reduction word it loads T filter vectors (the constant
// filter is repacked at compile time as [G][OC/L][KH*KW*CW][L] words, so
// one load holds one word of L channels), broadcasts one activation word
// per pixel, and does R x T XOR + popcount + add. No lane ever needs a
// horizontal sum: lane l of a vector is output channel l.
//
// The popcount itself is plain `math.ctpop`, which LLVM selects per target:
// vpopcntq with AVX-512 VPOPCNTDQ (`avx512-vpopcntdq`: 64-bit counts
// accumulated directly). Elsewhere 64-bit counts are expensive (a byte
// lookup plus a horizontal byte sum per vector), so the other kernel sets
// count bytes (vpshufb lookup on AVX2/AVX-512BW, vpopcntb with BITALG, cnt
// on NEON), accumulate the byte counts for up to 31 words (31 * 8 < 256)
// and only then fold the 8 bytes of each 64-bit lane into the 64-bit
// accumulator with three shift-and-add steps. Where a byte count takes
// several instructions (a vpshufb lookup on AVX2 and AVX-512BW, bit tricks
// on SSE2), binary words of two steps first pass through a carry-save
// adder with a running word per accumulator, so one count serves two words
// (Harley-Seal); NEON's cnt is a single instruction and counts every word.
// On NEON, when a window position holds an even number of words, each XOR
// instead covers two words of one pixel and one channel (no broadcasts),
// and pairwise adds sum the byte counts of 8 channels into 16-bit lanes,
// lane c = channel c (see `kernelIsa`).
//
// The dot product K - 2 * popcount, the zero-padding correction and, when
// the next layer reads the result only through its packed sign (a
// `lowbit.threshold_pack` generic, see ThresholdPack.cpp), the comparison
// with the thresholds are applied to the registers as the tile is stored.
//
// Written on tensors (scf.for with iter_args, vector.transfer_read/write),
// like the int8 dot kernels, so bufferization places it like any other op.
//
//===----------------------------------------------------------------------===//

#include "DotKernels.h"

#include "lowbit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITPOPCOUNTKERNELS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit::dotkernels;

namespace {

/// Register tiling of one kernel set: L 64-bit lanes per vector, R output
/// pixels x T vectors of channels, and whether 64-bit popcounts are native.
struct PopIsa {
  int64_t lanes, rows, cols;
  bool native64;
  /// Byte counts cost several instructions (a lookup or bit tricks): binary
  /// words are first combined in pairs by a carry-save adder (see `build`).
  bool carrySave = false;
  /// NEON: binary contractions with an even number of words per window
  /// position take the paired-word kernel (see `paired`).
  bool pairable = false;
  /// NEON, binary, an even number of words per window position: each
  /// 128-bit XOR covers two reduction words of one pixel and one channel,
  /// and the byte counts of 8 channels are summed into one vector of
  /// 16-bit lanes, lane c = channel c, by a tree of pairwise adds (`addp`);
  /// see `build`. Set by `kernelIsa`, with L = 8 channels per
  /// output vector.
  bool paired = false;
  /// NEON: the loops over kw and over the words of a window position stay
  /// rolled. Unrolled, the R broadcasts and T filter vectors of every step
  /// are loaded at once and the 16 byte accumulators spill (a 3x3 conv of
  /// 64 channels: 94 cycles per 6,144 binary MACs under llvm-mca for
  /// Neoverse N1, against 82 rolled).
  bool rolledWindow = false;
};

std::optional<PopIsa> getPopIsa(StringRef name) {
  // 32 zmm: 16 accumulators, 4 filter vectors, the broadcast.
  if (name == "avx512-vpopcntdq")
    return PopIsa{8, 4, 4, true};
  // 32 zmm: 8 byte + 8 word accumulators, 2 filter vectors, lookup tables.
  if (name == "avx512bw")
    return PopIsa{8, 4, 2, false, true};
  // 16 ymm: 4 + 4 accumulators, 2 filter vectors, lookup tables.
  if (name == "avx2")
    return PopIsa{4, 2, 2, false, true};
  // x86 without AVX2 but with POPCNT: 64-bit words in general registers,
  // one popcnt per word.
  if (name == "popcnt")
    return PopIsa{1, 4, 2, true};
  // 16 xmm.
  if (name == "sse2")
    return PopIsa{2, 2, 2, false, true};
  // 32 NEON registers: 16 byte accumulators, 4 filter vectors, the
  // broadcasts (the 64-bit accumulators are only touched every 31 words).
  if (name == "neon")
    return PopIsa{
        2, 4, 4, false, false, /*pairable=*/true, false, /*rolledWindow=*/true};
  return std::nullopt;
}

/// A binary contraction in conv2d form (see the top).
/// (ContractionShape's `c` counts 64-bit words: CW.)
struct PopProblem : ContractionShape {
  linalg::GenericOp op;
  Value act, init;
  /// [G, OC, KH, KW, CW] words; a (batched) matmul's [N, CW] (act [.., M,
  /// CW], out [.., M, N]).
  DenseIntElementsAttr filter;
  /// The single consumer `K - 2 * acc` (the binary dot product from the
  /// popcount sum) folded into the kernel's stores, if any.
  linalg::GenericOp dotOp;
  int64_t dotK = 0;
  /// The consumer of that, `dot - corr` with a constant [1 or B, OH, OW, G,
  /// OC] (the zero-padding correction of a binary conv), folded too.
  linalg::GenericOp corrOp;
  Value corr;
  /// Ternary contraction (mask and sign planes): `actMask` words like
  /// `act`, `filterMask` like `filter`; the generic yields popcount(m) and
  /// popcount(m & (s_a ^ s_w)) with m = m_a & m_w, which `dotOp` (then
  /// required) combines as c1 - 2 c2.
  bool ternary = false;
  Value actMask;
  DenseIntElementsAttr filterMask;
  /// The threshold pack that takes the (dot product) result, stored by the
  /// kernel; the reshapes in between.
  std::optional<ThresholdPack> pack;
  SmallVector<Operation *> packChain;
};

/// The ternary body: c1 + ctpop(m), c2 + ctpop(m & (s_a ^ s_w)) with
/// m = m_a & m_w, operands (s_a, m_a, s_w, m_w, c1, c2).
bool isTernaryBody(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != 6)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto count = [&](Value v, BlockArgument acc) -> Value {
    auto add = v.getDefiningOp<arith::AddIOp>();
    if (!add || !add.getType().isInteger(32) || add.getLhs() != acc)
      return nullptr;
    auto trunc = add.getRhs().getDefiningOp<arith::TruncIOp>();
    auto pop = trunc ? trunc.getIn().getDefiningOp<math::CtPopOp>() : nullptr;
    return pop ? pop.getOperand() : nullptr;
  };
  Value m = count(yield.getValues()[0], body.getArgument(4));
  Value ms = count(yield.getValues()[1], body.getArgument(5));
  auto mAnd = m ? m.getDefiningOp<arith::AndIOp>() : nullptr;
  auto msAnd = ms ? ms.getDefiningOp<arith::AndIOp>() : nullptr;
  if (!mAnd || !msAnd || !mAnd.getType().isInteger(64) ||
      mAnd.getLhs() != body.getArgument(1) ||
      mAnd.getRhs() != body.getArgument(3) || msAnd.getLhs() != m)
    return false;
  auto x = msAnd.getRhs().getDefiningOp<arith::XOrIOp>();
  return x && x.getLhs() == body.getArgument(0) &&
         x.getRhs() == body.getArgument(2);
}

/// `consumer` computes `a - (b << 1)` of the ternary generic's two results.
bool isTernaryDotConsumer(linalg::GenericOp consumer, linalg::GenericOp op) {
  if (!consumer || consumer.getNumDpsInputs() != 2 ||
      consumer.getNumDpsInits() != 1 ||
      consumer.getDpsInputs()[0] != op.getResult(0) ||
      consumer.getDpsInputs()[1] != op.getResult(1) ||
      !llvm::all_of(consumer.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return false;
  Block &body = consumer.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto sub = yield.getValues()[0].getDefiningOp<arith::SubIOp>();
  auto shl = sub ? sub.getRhs().getDefiningOp<arith::ShLIOp>() : nullptr;
  IntegerAttr one;
  return shl && sub.getLhs() == body.getArgument(0) &&
         shl.getLhs() == body.getArgument(1) &&
         matchPattern(shl.getRhs(), m_Constant(&one)) && one.getInt() == 1;
}

/// `consumer` is the elementwise `v - c` with `c` a constant of v's shape
/// (or of v's shape with a leading 1 broadcast over the batch).
Value matchCorrConsumer(linalg::GenericOp consumer, Value v) {
  if (!consumer || consumer.getNumDpsInputs() != 2 ||
      consumer.getNumDpsInits() != 1 || consumer.getDpsInputs()[0] != v ||
      consumer.getResult(0).getType() != v.getType())
    return nullptr;
  Value c = consumer.getDpsInputs()[1];
  DenseIntElementsAttr attr;
  if (!matchPattern(c, m_Constant(&attr)))
    return nullptr;
  auto vt = cast<RankedTensorType>(v.getType());
  auto ct = cast<RankedTensorType>(c.getType());
  SmallVector<AffineMap> maps = consumer.getIndexingMapsArray();
  if (ct.getRank() != vt.getRank() ||
      ct.getShape().drop_front() != vt.getShape().drop_front() ||
      !maps[0].isIdentity() || !maps[2].isIdentity())
    return nullptr;
  if (!maps[1].isIdentity()) {
    // The batch broadcast: (d0, d1, ...) -> (0, d1, ...).
    auto zero = dyn_cast<AffineConstantExpr>(maps[1].getResult(0));
    if (ct.getDimSize(0) != 1 || !zero || zero.getValue() != 0)
      return nullptr;
    for (unsigned i = 1; i < maps[1].getNumResults(); ++i) {
      auto d = dyn_cast<AffineDimExpr>(maps[1].getResult(i));
      if (!d || d.getPosition() != i)
        return nullptr;
    }
  } else if (ct.getDimSize(0) != vt.getDimSize(0)) {
    return nullptr;
  }
  Block &body = consumer.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto sub = yield.getValues()[0].getDefiningOp<arith::SubIOp>();
  if (!sub || sub.getLhs() != body.getArgument(0) ||
      sub.getRhs() != body.getArgument(1))
    return nullptr;
  return c;
}

/// `consumer` is the elementwise `K - (x << 1)` of `v` (as
/// --lowbit-lower-binary writes it); returns K.
std::optional<int64_t> matchDotConsumer(linalg::GenericOp consumer, Value v) {
  if (!consumer || consumer.getNumDpsInputs() != 1 ||
      consumer.getNumDpsInits() != 1 || consumer.getDpsInputs()[0] != v ||
      !llvm::all_of(consumer.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }) ||
      consumer.getResult(0).getType() != v.getType())
    return std::nullopt;
  Block &body = consumer.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto sub = yield.getValues()[0].getDefiningOp<arith::SubIOp>();
  auto shl = sub ? sub.getRhs().getDefiningOp<arith::ShLIOp>() : nullptr;
  IntegerAttr k, one;
  if (!shl || shl.getLhs() != body.getArgument(0) ||
      !matchPattern(shl.getRhs(), m_Constant(&one)) || one.getInt() != 1 ||
      !matchPattern(sub.getLhs(), m_Constant(&k)))
    return std::nullopt;
  return k.getInt();
}

/// The body `acc + trunc(ctpop(a xor w))`.
bool isPopcountBody(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddIOp>();
  if (!add || !add.getType().isInteger(32))
    return false;
  Value acc = body.getArgument(2);
  Value other = add.getLhs() == acc   ? add.getRhs()
                : add.getRhs() == acc ? add.getLhs()
                                      : Value();
  auto trunc = other ? other.getDefiningOp<arith::TruncIOp>() : nullptr;
  auto pop = trunc ? trunc.getIn().getDefiningOp<math::CtPopOp>() : nullptr;
  auto x = pop ? pop.getOperand().getDefiningOp<arith::XOrIOp>() : nullptr;
  if (!x || !x.getType().isInteger(64))
    return false;
  Value a = body.getArgument(0), w = body.getArgument(1);
  return (x.getLhs() == a && x.getRhs() == w) ||
         (x.getLhs() == w && x.getRhs() == a);
}

std::optional<PopProblem> matchPopProblem(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics())
    return std::nullopt;
  PopProblem p;
  p.op = op;
  if (op.getNumDpsInputs() == 4 && op.getNumDpsInits() == 2 &&
      isTernaryBody(op)) {
    p.ternary = true;
    SmallVector<AffineMap> m = op.getIndexingMapsArray();
    if (m[0] != m[1] || m[2] != m[3] || m[4] != m[5] ||
        op.getDpsInits()[0] != op.getDpsInits()[1] ||
        !op.getResult(0).hasOneUse() || !op.getResult(1).hasOneUse())
      return std::nullopt;
    auto user =
        dyn_cast<linalg::GenericOp>(*op.getResult(0).getUsers().begin());
    if (!isTernaryDotConsumer(user, op))
      return std::nullopt;
    p.dotOp = user;
    p.actMask = op.getDpsInputs()[1];
    if (!matchPattern(op.getDpsInputs()[3], m_Constant(&p.filterMask)))
      return std::nullopt;
  } else if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
             !isPopcountBody(op)) {
    return std::nullopt;
  }
  p.act = op.getDpsInputs()[0];
  p.init = op.getDpsInits()[0];
  if (!matchPattern(op.getDpsInputs()[p.ternary ? 2 : 1],
                    m_Constant(&p.filter)))
    return std::nullopt;
  auto actT = dyn_cast<RankedTensorType>(p.act.getType());
  auto initT = dyn_cast<RankedTensorType>(p.init.getType());
  if (!actT || !initT || !actT.hasStaticShape() || !initT.hasStaticShape())
    return std::nullopt;
  std::optional<int64_t> fill = getConstantFill(p.init);
  if (!fill || *fill != 0)
    return std::nullopt;
  Value result = op.getResult(0);
  if (!p.ternary && result.hasOneUse())
    if (auto user = dyn_cast<linalg::GenericOp>(*result.getUsers().begin()))
      if (std::optional<int64_t> k = matchDotConsumer(user, result)) {
        p.dotOp = user;
        p.dotK = *k;
        Value dot = user.getResult(0);
        if (dot.hasOneUse())
          if (auto next = dyn_cast<linalg::GenericOp>(*dot.getUsers().begin()))
            if (Value c = matchCorrConsumer(next, dot)) {
              p.corrOp = next;
              p.corr = c;
            }
      }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (p.ternary)
    maps = {maps[0], maps[2], maps[4]};
  std::optional<ContractionShape> shape = matchContractionShape(
      maps, op.getIteratorTypesArray(), actT.getShape(),
      p.filter.getType().getShape(), initT.getShape(), /*weightsNMajor=*/true);
  if (!shape)
    return std::nullopt;
  static_cast<ContractionShape &>(p) = *shape;
  return p;
}

/// The kernel set as it applies to `p`: NEON takes the paired-word kernel
/// (tile 4 pixels x 8 channels) for binary contractions with an even number
/// of words per window position.
PopIsa kernelIsa(const PopProblem &p, PopIsa isa) {
  if (isa.pairable && !p.ternary && p.c % 2 == 0)
    return PopIsa{8, 4, 1, false, false, false, /*paired=*/true};
  return isa;
}

/// The register tile for `p`: output pixels x vectors of channels.
/// Ternary tiles hold half the pixels (two accumulators per vector); small
/// layers get no more than they have.
std::pair<int64_t, int64_t> tileFor(const PopProblem &p, const PopIsa &isa) {
  int64_t rows = p.ternary ? std::max<int64_t>(1, isa.rows / 2) : isa.rows;
  int64_t blocks = ceilDiv(p.oc, isa.lanes);
  std::pair<int64_t, int64_t> best = {std::min(rows, p.ow),
                                      std::min(isa.cols, blocks)};
  if (!isa.native64 || p.ternary)
    return best;
  // With 64-bit counts every accumulator register is one output vector:
  // other shapes of the same number of accumulators fit rows that the
  // default leaves a remainder of (7 or 14 pixels: 7 x 2 instead of
  // 4 x 4). The cost counts the work of the tiles, repeated rows and
  // channel blocks included, and the loads per step ((R + T) for R x T
  // XOR + popcount + add).
  int64_t budget = isa.rows * isa.cols;
  auto cost = [&](int64_t r, int64_t c) {
    double work = static_cast<double>(ceilDiv(p.ow, r) * r) *
                  static_cast<double>(ceilDiv(blocks, c) * c);
    return work * (1.0 + static_cast<double>(r + c) / (3.0 * r * c));
  };
  double bestCost = cost(best.first, best.second);
  for (int64_t r = 1; r <= std::min(p.ow, budget); ++r)
    for (int64_t c = 1; c <= std::min(blocks, budget / r); ++c)
      if (cost(r, c) < bestCost * 0.98) {
        bestCost = cost(r, c);
        best = {r, c};
      }
  return best;
}

class PopKernelBuilder {
public:
  PopKernelBuilder(OpBuilder &b, Location loc, const PopProblem &p, PopIsa isa)
      : b(b), loc(loc), p(p), isa(isa) {
    blocks = ceilDiv(p.oc, isa.lanes);
    steps = p.kh * p.kw * p.c;
  }

  Value build();

private:
  OpBuilder &b;
  Location loc;
  const PopProblem &p;
  PopIsa isa;
  int64_t blocks, steps;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  VectorType wordsType() {
    return VectorType::get({isa.lanes}, b.getI64Type());
  }
  VectorType bytesType() {
    return VectorType::get({isa.lanes * 8}, b.getI8Type());
  }
  Value splat64(uint64_t v) {
    return splatConstant(b, loc, wordsType(),
                         b.getI64IntegerAttr(static_cast<int64_t>(v)));
  }
  /// Filter words `attr` as [G, blocks, steps, L], zero past OC; for the
  /// paired kernel [G, blocks, steps / 2, L, 2].
  Value packFilter(DenseIntElementsAttr attr);
  /// Pairwise sums of adjacent bytes of `x` then `y` (NEON `addp`).
  Value addPairs(Value x, Value y);
  /// Sums the 8 byte counts of each 64-bit lane.
  Value foldBytes(Value bytes);
  /// v & mask + (v >> shift) & mask on 64-bit lanes.
  Value addFields(Value v, int64_t shift, uint64_t mask);
  /// The sums of adjacent byte pairs of `bytes`, in 16-bit lanes.
  Value pairSums(Value bytes);
  /// The four 16-bit lanes of each 64-bit lane of `halves` summed.
  Value foldHalves(Value halves);
};

Value PopKernelBuilder::packFilter(DenseIntElementsAttr attr) {
  // d words of depth per load: [G, blocks, steps / d, L, d], the paired
  // kernel's d = 2 (two words of one channel side by side); d = 1 is
  // [G, blocks, steps, L].
  int64_t d = isa.paired ? 2 : 1;
  SmallVector<APInt> src(attr.getValues<APInt>());
  int64_t lanes = isa.lanes, depth = steps / d;
  SmallVector<int64_t> packed(p.g * blocks * steps * lanes, 0);
  for (int64_t g = 0; g < p.g; ++g)
    for (int64_t o = 0; o < p.oc; ++o)
      for (int64_t s = 0; s < steps; ++s)
        packed[(((g * blocks + o / lanes) * depth + s / d) * lanes +
                o % lanes) *
                   d +
               s % d] =
            static_cast<int64_t>(
                src[(g * p.oc + o) * steps + s].getZExtValue());
  SmallVector<int64_t> shape = {p.g, blocks, depth, lanes};
  if (d > 1)
    shape.push_back(d);
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, packed));
}

Value PopKernelBuilder::addPairs(Value x, Value y) {
  int64_t n = cast<VectorType>(x.getType()).getNumElements();
  SmallVector<int64_t> even, odd;
  for (int64_t i = 0; i < n; ++i) {
    even.push_back(2 * i);
    odd.push_back(2 * i + 1);
  }
  return arith::AddIOp::create(b, loc,
                               vector::ShuffleOp::create(b, loc, x, y, even),
                               vector::ShuffleOp::create(b, loc, x, y, odd));
}

Value PopKernelBuilder::addFields(Value v, int64_t shift, uint64_t mask) {
  Value lo = arith::AndIOp::create(b, loc, v, splat64(mask));
  Value hi = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, v, splat64(shift)), splat64(mask));
  return arith::AddIOp::create(b, loc, lo, hi);
}

Value PopKernelBuilder::pairSums(Value bytes) {
  Value x = vector::BitCastOp::create(b, loc, wordsType(), bytes);
  return addFields(x, 8, 0x00FF00FF00FF00FFULL);
}

Value PopKernelBuilder::foldHalves(Value x) {
  x = addFields(x, 16, 0x0000FFFF0000FFFFULL);
  return addFields(x, 32, 0x00000000FFFFFFFFULL);
}

Value PopKernelBuilder::foldBytes(Value bytes) {
  return foldHalves(pairSums(bytes));
}

Value PopKernelBuilder::build() {
  Value filter = packFilter(p.filter);
  Value filterMask = p.ternary ? packFilter(p.filterMask) : Value();
  // Accumulators per output vector: one popcount, or two for ternary.
  int64_t planes = p.ternary ? 2 : 1;
  auto i32 = b.getI32Type();

  // Views: act [B, IH, IW, G, CW], out [B, OH, OW, G, OC]. Every output
  // is written, so the zero-filled accumulator is not read: the kernel
  // writes into an empty tensor.
  Value act = p.act, actMask = p.actMask;
  Value init = tensor::EmptyOp::create(
      b, loc, cast<RankedTensorType>(p.init.getType()).getShape(), i32);
  auto initType = cast<RankedTensorType>(p.init.getType());
  SmallVector<ReassociationIndices> batchAssoc = {{0, 1}, {2}};
  // With a fused threshold pack, the kernel writes the pack's words, as
  // [B, OH, OW, G, CW] (a matmul: [M, CW]).
  if (p.pack) {
    SmallVector<int64_t> shape =
        p.isMatmul
            ? SmallVector<int64_t>{p.ow, p.pack->words}
            : SmallVector<int64_t>{p.batch, p.oh, p.ow, p.g, p.pack->words};
    init = packKernelWords(b, loc, *p.pack, shape);
  }
  // A (batched) matmul is indexed as [M, CW] / [M, N] directly, so that
  // its result is the buffer it was computed in (a reshape would make
  // bufferization copy a returned result into the caller's buffer).
  if (p.isMatmul && p.matmulBatch) {
    act = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({p.ow, p.c}, b.getI64Type()), act,
        batchAssoc);
    if (actMask)
      actMask = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get({p.ow, p.c}, b.getI64Type()), actMask,
          batchAssoc);
    if (!p.pack)
      init = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get({p.ow, p.oc}, i32), init, batchAssoc);
  }
  auto actIndex = [&](Value bi, Value ih, Value iw, Value gi,
                      Value cwi) -> SmallVector<Value> {
    if (p.isMatmul)
      return {iw, cwi};
    return {bi, ih, iw, gi, cwi};
  };
  auto outIndex = [&](Value bi, Value ohi, Value owi, Value gi,
                      Value ch) -> SmallVector<Value> {
    if (p.isMatmul)
      return {owi, ch};
    return {bi, ohi, owi, gi, ch};
  };

  int64_t rows, cols;
  std::tie(rows, cols) = tileFor(p, isa);
  bool channelsExact = p.oc % isa.lanes == 0;
  Value c0 = idx(0);
  auto loop = [&](int64_t ub, int64_t step, ValueRange iter,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    return buildLoop(b, loc, ub, step, iter, body);
  };

  // Channel blocks outside, pixels inside: the tile's weights (T vectors
  // per reduction word) stay in the L1 cache while every pixel row passes
  // over them.
  Value res = buildTileLoops(
      b, loc, p, rows, cols, blocks, /*blocksOutside=*/true, init,
      [&](const TileCoords &at, Value out) -> Value {
        Value bi = at.batch, ohi = at.oh, gi = at.group;
        ArrayRef<Value> rowIdx = at.rows, blkIdx = at.blocks;
        // The loads of reduction step s = (kh, kw, cw): T filter
        // vectors and R broadcast activation words (and for
        // ternary their masks). The XORs are formed where they are
        // counted, so that few of them are live at once.
        struct StepOperands {
          SmallVector<Value> fv, fm, bc, bm;
        };
        // Step s = (kh, kw, cw): the input row, kw and cw.
        struct WindowStep {
          Value ih, kwi, cwi;
        };
        auto windowAt = [&](Value khi, Value kwi, Value cwi) {
          return WindowStep{windowIndex(b, loc, ohi, p.sh, khi, p.dh), kwi,
                            cwi};
        };
        auto windowStep = [&](Value s) {
          Value khi = arith::DivUIOp::create(b, loc, s, idx(p.kw * p.c));
          Value rem = arith::RemUIOp::create(b, loc, s, idx(p.kw * p.c));
          return windowAt(khi, arith::DivUIOp::create(b, loc, rem, idx(p.c)),
                          arith::RemUIOp::create(b, loc, rem, idx(p.c)));
        };
        auto stepOperands = [&](Value s, std::optional<WindowStep> at = {}) {
          StepOperands o;
          auto [ih, kwi, cwi] = at ? *at : windowStep(s);
          auto readFilter = [&](Value f, int64_t t) -> Value {
            return vector::TransferReadOp::create(
                b, loc, wordsType(), f, ValueRange{gi, blkIdx[t], s, c0},
                arith::ConstantIntOp::create(b, loc, 0, 64),
                ArrayRef<bool>{true});
          };
          for (int64_t t = 0; t < cols; ++t) {
            o.fv.push_back(readFilter(filter, t));
            if (filterMask)
              o.fm.push_back(readFilter(filterMask, t));
          }
          for (int64_t r = 0; r < rows; ++r) {
            Value iw = windowIndex(b, loc, rowIdx[r], p.sw, kwi, p.dw);
            SmallVector<Value> at = actIndex(bi, ih, iw, gi, cwi);
            o.bc.push_back(vector::BroadcastOp::create(
                b, loc, wordsType(),
                tensor::ExtractOp::create(b, loc, act, at)));
            if (actMask)
              o.bm.push_back(vector::BroadcastOp::create(
                  b, loc, wordsType(),
                  tensor::ExtractOp::create(b, loc, actMask, at)));
          }
          return o;
        };
        // XOR i = (r, t) of a step.
        auto xorAt = [&](const StepOperands &o, int64_t i) -> Value {
          return arith::XOrIOp::create(b, loc, o.bc[i / cols], o.fv[i % cols]);
        };
        auto count = [&](Value x, bool bytes) -> Value {
          if (bytes)
            x = vector::BitCastOp::create(b, loc, bytesType(), x);
          return math::CtPopOp::create(b, loc, x);
        };
        // One reduction step: R x T XOR-popcounts.
        auto kernel = [&](Value s, ValueRange accs, bool bytes,
                          std::optional<WindowStep> at = {}) {
          SmallVector<Value> next;
          StepOperands o = stepOperands(s, at);
          for (int64_t i = 0; i < rows * cols; ++i) {
            Value x = xorAt(o, i);
            if (!p.ternary) {
              next.push_back(
                  arith::AddIOp::create(b, loc, accs[i], count(x, bytes)));
              continue;
            }
            // popcount(m) and popcount(m & (s_a ^ s_w)).
            Value m =
                arith::AndIOp::create(b, loc, o.bm[i / cols], o.fm[i % cols]);
            Value mx = arith::AndIOp::create(b, loc, m, x);
            next.push_back(
                arith::AddIOp::create(b, loc, accs[2 * i], count(m, bytes)));
            next.push_back(arith::AddIOp::create(b, loc, accs[2 * i + 1],
                                                 count(mx, bytes)));
          }
          return next;
        };
        auto byteZeros = [&](int64_t n) {
          return SmallVector<Value>(
              n, splatConstant(b, loc, bytesType(), b.getI8IntegerAttr(0)));
        };
        // [ci * chunk, min((ci + 1) * chunk, total)).
        auto chunkBounds = [&](Value ci, int64_t chunk,
                               int64_t total) -> std::pair<Value, Value> {
          Value lo = arith::MulIOp::create(b, loc, ci, idx(chunk));
          return {lo, minIndex(b, loc,
                               arith::AddIOp::create(b, loc, lo, idx(chunk)),
                               total)};
        };
        // The reduction over the window, in loops over kh, kw and the n
        // steps of one window position, with no division of a step index.
        // Narrow accumulators (from `narrowInit`, advanced by `step(kh,
        // kw, i, narrow)`) hold at most `chunk` steps; they are widened
        // into the wide ones (`widen(wide, narrow)`) at the end of the
        // outermost of these loops whose steps all fit, or, past `chunk`
        // steps per position, of each chunk of them.
        auto windowReduce =
            [&](int64_t n, int64_t chunk, ValueRange wideInit,
                function_ref<SmallVector<Value>()> narrowInit,
                function_ref<SmallVector<Value>(Value, Value, Value,
                                                ValueRange)>
                    step,
                function_ref<SmallVector<Value>(ValueRange, ValueRange)>
                    widen) {
              int64_t extents[3] = {p.kh, p.kw, n};
              int fit = 0;
              for (int64_t below = p.kh * p.kw * n; fit < 3 && below > chunk;
                   ++fit)
                below /= extents[fit];
              Value iv[3];
              std::function<SmallVector<Value>(int, ValueRange)> narrowFrom =
                  [&](int l, ValueRange acc) -> SmallVector<Value> {
                if (l == 3)
                  return step(iv[0], iv[1], iv[2], acc);
                SmallVector<Value> r =
                    loop(extents[l], 1, acc, [&](Value i, ValueRange a) {
                      iv[l] = i;
                      return narrowFrom(l + 1, a);
                    });
                if (isa.rolledWindow && l >= 1)
                  keepRolled(b, r.front());
                return r;
              };
              std::function<SmallVector<Value>(int, ValueRange)> wideFrom =
                  [&](int l, ValueRange acc) -> SmallVector<Value> {
                if (l == fit)
                  return widen(acc, narrowFrom(l, narrowInit()));
                if (l == 2) {
                  return loop(ceilDiv(n, chunk), 1, acc,
                              [&](Value ci, ValueRange a) {
                                auto [lo, hi] = chunkBounds(ci, chunk, n);
                                auto inner = scf::ForOp::create(
                                    b, loc, lo, hi, idx(1), narrowInit(),
                                    [&](OpBuilder &nb, Location, Value i,
                                        ValueRange na) {
                                      OpBuilder::InsertionGuard guard(b);
                                      b.setInsertionPointToStart(
                                          nb.getInsertionBlock());
                                      scf::YieldOp::create(
                                          b, loc, step(iv[0], iv[1], i, na));
                                    });
                                if (isa.rolledWindow)
                                  keepRolled(b, inner.getResult(0));
                                return widen(a, inner.getResults());
                              });
                }
                return loop(extents[l], 1, acc, [&](Value i, ValueRange a) {
                  iv[l] = i;
                  return wideFrom(l + 1, a);
                });
              };
              return wideFrom(0, wideInit);
            };
        // Step s = (kh, kw, i) of a window position of n steps.
        auto flatStep = [&](Value khi, Value kwi, Value i, int64_t n) {
          return arith::AddIOp::create(
              b, loc,
              arith::MulIOp::create(
                  b, loc,
                  arith::AddIOp::create(
                      b, loc, arith::MulIOp::create(b, loc, khi, idx(p.kw)),
                      kwi),
                  idx(n)),
              i);
        };
        SmallVector<Value> zeros(rows * cols * planes, splat64(0));
        SmallVector<Value> done;
        if (isa.paired) {
          // Two reduction words per 128-bit XOR: pair j of a window
          // position is its words 2j and 2j + 1 (CW is even), so
          // that the activation vector is two consecutive words of
          // a pixel and a filter vector two words of one channel.
          // The 16 byte counts of the 8 channels of a pixel are
          // summed by three levels of pairwise adds into one
          // vector (bytes 2c, 2c + 1 for channel c), two pixels'
          // into one more, whose halves widen into 16-bit
          // accumulators (uaddw, uaddw2), lane c = channel c. A
          // lane gains at most 128 per pair: 511 pairs fit, then
          // they are widened to 32 bits.
          int64_t perPosition = p.c / 2;
          auto i8x16 = VectorType::get({16}, b.getI8Type());
          auto i16x8 = VectorType::get({8}, b.getI16Type());
          auto i32x8 = VectorType::get({8}, i32);
          auto w2 = VectorType::get({2}, b.getI64Type());
          Value zero64 = arith::ConstantIntOp::create(b, loc, 0, 64);
          auto pairStep = [&](Value khi, Value kwi, Value cp,
                              ValueRange acc) -> SmallVector<Value> {
            Value ih = windowIndex(b, loc, ohi, p.sh, khi, p.dh);
            Value cwi = arith::MulIOp::create(b, loc, cp, idx(2));
            Value j = flatStep(khi, kwi, cp, perPosition);
            SmallVector<Value> wv;
            for (int64_t c = 0; c < isa.lanes; ++c)
              wv.push_back(vector::TransferReadOp::create(
                  b, loc, w2, filter, ValueRange{gi, blkIdx[0], j, idx(c), c0},
                  zero64, ArrayRef<bool>{true}));
            SmallVector<Value> perRow;
            for (int64_t r = 0; r < rows; ++r) {
              Value iw = windowIndex(b, loc, rowIdx[r], p.sw, kwi, p.dw);
              Value av = vector::TransferReadOp::create(
                  b, loc, w2, act, actIndex(bi, ih, iw, gi, cwi), zero64,
                  ArrayRef<bool>{true});
              SmallVector<Value> counts;
              for (Value w : wv)
                counts.push_back(math::CtPopOp::create(
                    b, loc,
                    vector::BitCastOp::create(
                        b, loc, i8x16, arith::XOrIOp::create(b, loc, av, w))));
              while (counts.size() > 1) {
                SmallVector<Value> next;
                for (size_t i = 0; i < counts.size(); i += 2)
                  next.push_back(addPairs(counts[i], counts[i + 1]));
                counts = std::move(next);
              }
              perRow.push_back(counts.front());
            }
            SmallVector<Value> next(acc);
            auto half = [&](Value v, int64_t from) {
              return arith::ExtUIOp::create(
                  b, loc, i16x8,
                  vector::ShuffleOp::create(
                      b, loc, v, v,
                      llvm::to_vector(llvm::seq<int64_t>(from, from + 8))));
            };
            for (int64_t r = 0; r < rows; r += 2) {
              bool two = r + 1 < rows;
              Value both = addPairs(perRow[r], perRow[two ? r + 1 : r]);
              next[r] = arith::AddIOp::create(b, loc, acc[r], half(both, 0));
              if (two)
                next[r + 1] =
                    arith::AddIOp::create(b, loc, acc[r + 1], half(both, 8));
            }
            return next;
          };
          SmallVector<Value> sums = windowReduce(
              perPosition, /*chunk=*/511,
              SmallVector<Value>(
                  rows, splatConstant(b, loc, i32x8, b.getI32IntegerAttr(0))),
              [&] {
                return SmallVector<Value>(
                    rows, splatConstant(b, loc, i16x8, b.getI16IntegerAttr(0)));
              },
              pairStep,
              [&](ValueRange wide, ValueRange narrow) {
                SmallVector<Value> next;
                for (int64_t r = 0; r < rows; ++r)
                  next.push_back(arith::AddIOp::create(
                      b, loc, wide[r],
                      arith::ExtUIOp::create(b, loc, i32x8, narrow[r])));
                return next;
              });
          // As the 64-bit sums of the other kernels.
          for (Value sum : sums)
            done.push_back(arith::ExtUIOp::create(b, loc, wordsType(), sum));
        } else if (isa.native64) {
          // Loops over kh, kw and cw: no division per step, and the
          // short window loops unroll.
          done = loop(p.kh, 1, zeros, [&](Value khi, ValueRange a0) {
            return loop(p.kw, 1, a0, [&](Value kwi, ValueRange a1) {
              return loop(p.c, 1, a1, [&](Value cwi, ValueRange a2) {
                Value s = arith::AddIOp::create(
                    b, loc,
                    arith::MulIOp::create(
                        b, loc,
                        arith::AddIOp::create(
                            b, loc,
                            arith::MulIOp::create(b, loc, khi, idx(p.kw)), kwi),
                        idx(p.c)),
                    cwi);
                return kernel(s, a2, /*bytes=*/false, windowAt(khi, kwi, cwi));
              });
            });
          });
        } else if (isa.carrySave && !p.ternary && steps >= 2) {
          // Harley-Seal style: words x0, x1 of two steps and a
          // running `ones` word per accumulator go through a
          // carry-save adder, ones' = ones ^ x0 ^ x1 and
          // twos = majority(ones, x0, x1), so that
          // pop(ones) + pop(x0) + pop(x1) = pop(ones') + 2 pop(twos):
          // one byte count per two words, for 5 bitwise operations
          // (2 with vpternlog) instead of a second count. Byte
          // counts of twos for up to 31 pairs, then folded.
          int64_t n = rows * cols, pairs = steps / 2, chunk = 31;
          // Per chunk, a 16-bit lane gains at most 2 * 2 * 31 * 8
          // (two byte counts of twos, doubled); while that cannot
          // overflow, the chunks fold bytes into 16-bit lanes only
          // and the 64-bit sums are formed once at the end.
          bool halves = ceilDiv(pairs, chunk) * 2 * 2 * chunk * 8 + 2 * 2 * 8 <=
                        UINT16_MAX;
          auto partial = [&](Value bytes) {
            return halves ? pairSums(bytes) : foldBytes(bytes);
          };
          SmallVector<Value> init(zeros);
          init.append(n, splat64(0)); // ones
          SmallVector<Value> state =
              loop(ceilDiv(pairs, chunk), 1, init, [&](Value ci, ValueRange a) {
                auto [lo, hi] = chunkBounds(ci, chunk, pairs);
                SmallVector<Value> inner0 = byteZeros(n);
                inner0.append(a.begin() + n, a.end());
                auto inner = scf::ForOp::create(
                    b, loc, lo, hi, idx(1), inner0,
                    [&](OpBuilder &nb, Location, Value j, ValueRange st) {
                      OpBuilder::InsertionGuard guard(b);
                      b.setInsertionPointToStart(nb.getInsertionBlock());
                      Value s0 = arith::MulIOp::create(b, loc, j, idx(2));
                      Value s1 = arith::AddIOp::create(b, loc, s0, idx(1));
                      StepOperands o0 = stepOperands(s0);
                      StepOperands o1 = stepOperands(s1);
                      // Both steps' XORs first: LLVM then
                      // schedules the AVX2 loop with fewer spills.
                      SmallVector<Value> next(2 * n), xs0, xs1;
                      for (int64_t i = 0; i < n; ++i)
                        xs0.push_back(xorAt(o0, i));
                      for (int64_t i = 0; i < n; ++i)
                        xs1.push_back(xorAt(o1, i));
                      for (int64_t i = 0; i < n; ++i) {
                        Value x0 = xs0[i], x1 = xs1[i];
                        Value ones = st[n + i];
                        Value u = arith::XOrIOp::create(b, loc, ones, x0);
                        Value twos = arith::OrIOp::create(
                            b, loc, arith::AndIOp::create(b, loc, ones, x0),
                            arith::AndIOp::create(b, loc, u, x1));
                        next[n + i] = arith::XOrIOp::create(b, loc, u, x1);
                        next[i] = arith::AddIOp::create(b, loc, st[i],
                                                        count(twos, true));
                      }
                      scf::YieldOp::create(b, loc, next);
                    });
                SmallVector<Value> next;
                for (int64_t i = 0; i < n; ++i)
                  next.push_back(arith::AddIOp::create(
                      b, loc, a[i],
                      arith::ShLIOp::create(b, loc, partial(inner.getResult(i)),
                                            splat64(1))));
                for (int64_t i = 0; i < n; ++i)
                  next.push_back(inner.getResult(n + i));
                return next;
              });
          // The ones words, and the last step of an odd count.
          SmallVector<Value> ones(state.begin() + n, state.end());
          if (steps % 2) {
            StepOperands o = stepOperands(idx(steps - 1));
            for (int64_t i = 0; i < n; ++i)
              state[i] = arith::AddIOp::create(
                  b, loc, state[i], partial(count(xorAt(o, i), true)));
          }
          for (int64_t i = 0; i < n; ++i) {
            Value sum = arith::AddIOp::create(b, loc, state[i],
                                              partial(count(ones[i], true)));
            done.push_back(halves ? foldHalves(sum) : sum);
          }
        } else {
          // Byte counts for up to 31 words, then folded into 64 bits.
          done = windowReduce(
              p.c, /*chunk=*/31, zeros,
              [&] { return byteZeros(rows * cols * planes); },
              [&](Value khi, Value kwi, Value cwi, ValueRange acc8) {
                return kernel(flatStep(khi, kwi, cwi, p.c), acc8,
                              /*bytes=*/true, windowAt(khi, kwi, cwi));
              },
              [&](ValueRange wide, ValueRange narrow) {
                SmallVector<Value> next;
                for (int64_t i = 0; i < rows * cols * planes; ++i)
                  next.push_back(arith::AddIOp::create(b, loc, wide[i],
                                                       foldBytes(narrow[i])));
                return next;
              });
        }
        SmallVector<Value> tile, channels;
        auto v32 = VectorType::get({isa.lanes}, i32);
        // Whole tiles of T * L consecutive channels dividing a word
        // go into the packed words with one OR per row.
        bool consecutive =
            blocks % cols == 0 && channelsExact && 64 % (cols * isa.lanes) == 0;
        auto wordAt = [&](int64_t r, Value w) {
          return outIndex(bi, ohi, rowIdx[r], gi, w);
        };
        if (p.pack && !p.ternary && !p.corr && !p.pack->offsets &&
            p.pack->planes() == 1) {
          // The packed sign of K - 2 * popcount, compared on the
          // 64-bit popcounts: K - 2 pop < tau <=> pop >= beta with
          // beta = floor((K - tau) / 2) + 1.
          SmallVector<Value> beta, bits;
          auto k64 = splat64(static_cast<uint64_t>(p.dotK));
          for (int64_t t = 0; t < cols; ++t) {
            channels.push_back(
                arith::MulIOp::create(b, loc, blkIdx[t], idx(isa.lanes)));
            Value tau = arith::ExtSIOp::create(
                b, loc, wordsType(),
                readThresholds(b, loc, *p.pack, 0, gi, channels[t], isa.lanes,
                               channelsExact));
            Value half = arith::ShRSIOp::create(
                b, loc, arith::SubIOp::create(b, loc, k64, tau), splat64(1));
            beta.push_back(arith::AddIOp::create(b, loc, half, splat64(1)));
          }
          for (int64_t i = 0; i < rows * cols; ++i)
            bits.push_back(arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::sge, done[i], beta[i % cols]));
          return storePackedBits(b, loc, out, bits, rows, cols, channels, p.oc,
                                 consecutive, wordAt);
        }
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t t = 0; t < cols; ++t) {
            int64_t i = (r * cols + t) * planes;
            Value v = arith::TruncIOp::create(b, loc, v32, done[i]);
            if (p.ternary) {
              // dot = popcount(m) - 2 popcount(m & (s_a ^ s_w)).
              Value c2 = arith::TruncIOp::create(b, loc, v32, done[i + 1]);
              v = arith::SubIOp::create(
                  b, loc, v,
                  arith::ShLIOp::create(
                      b, loc, c2,
                      splatConstant(b, loc, v32, b.getI32IntegerAttr(1))));
            } else if (p.dotOp) {
              Value twice = arith::ShLIOp::create(
                  b, loc, v,
                  splatConstant(b, loc, v32, b.getI32IntegerAttr(1)));
              v = arith::SubIOp::create(
                  b, loc,
                  splatConstant(
                      b, loc, v32,
                      b.getI32IntegerAttr(static_cast<int32_t>(p.dotK))),
                  twice);
            }
            Value ch = arith::MulIOp::create(b, loc, blkIdx[t], idx(isa.lanes));
            if (p.corr) {
              bool batched =
                  cast<RankedTensorType>(p.corr.getType()).getDimSize(0) != 1;
              Value c = vector::TransferReadOp::create(
                  b, loc, v32, p.corr,
                  ValueRange{batched ? bi : c0, ohi, rowIdx[r], gi, ch},
                  arith::ConstantIntOp::create(b, loc, 0, 32),
                  ArrayRef<bool>{channelsExact});
              v = arith::SubIOp::create(b, loc, v, c);
            }
            if (r == 0)
              channels.push_back(ch);
            if (p.pack) {
              tile.push_back(v);
              continue;
            }
            out = vector::TransferWriteOp::create(
                      b, loc, v, out, outIndex(bi, ohi, rowIdx[r], gi, ch),
                      ArrayRef<bool>{channelsExact})
                      .getResult();
          }
        if (p.pack)
          out = storePackedTile(b, loc, *p.pack, out, tile, rows, cols, gi,
                                channels, p.oc, consecutive, wordAt);
        return out;
      },
      /*channelTilesDisjoint=*/!p.pack || packTilesOwnWords(cols * isa.lanes));
  // The packed words, in the kernel's layout (see replacePack).
  if (p.pack)
    return res;
  if (p.matmulBatch)
    res = tensor::ExpandShapeOp::create(b, loc, initType, res, batchAssoc);
  return res;
}

struct PopcountKernelsPass
    : public mlir::lowbit::impl::LowBitPopcountKernelsBase<
          PopcountKernelsPass> {
  using LowBitPopcountKernelsBase::LowBitPopcountKernelsBase;

  void runOnOperation() override {
    std::optional<PopIsa> kind = getPopIsa(isa);
    if (!kind) {
      getOperation()->emitError()
          << "unknown isa '" << isa
          << "' for --lowbit-popcount-kernels; expected avx512-vpopcntdq, "
             "avx512bw, avx2, popcnt, sse2 or neon";
      return signalPassFailure();
    }
    // Matched again just before each rewrite: a kernel that stores a
    // threshold pack replaces the value the next layer reads.
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (matchPopProblem(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      std::optional<PopProblem> matched = matchPopProblem(op);
      if (!matched)
        continue;
      PopProblem &p = *matched;
      // The packed sign of the dot products, if nothing else reads them.
      if (p.dotOp) {
        Value dot = p.corrOp ? p.corrOp.getResult(0) : p.dotOp.getResult(0);
        p.pack = matchFusablePack(dot, p.isMatmul ? 1 : p.g, p.oc, p.packChain);
      }
      // The correction constant is created after the contraction; the
      // kernel, built in its place, reads it.
      if (p.corr)
        if (Operation *def = p.corr.getDefiningOp();
            def && def->getBlock() == p.op->getBlock() &&
            p.op->isBeforeInBlock(def))
          def->moveBefore(p.op);
      if (report) {
        PopIsa k = kernelIsa(p, *kind);
        auto [rows, cols] = tileFor(p, k);
        emitRemark(p.op.getLoc())
            << "kernel: " << (p.ternary ? "ternary" : "binary") << " popcount ("
            << isa << (k.paired ? ", two words per XOR" : "") << "), "
            << (p.isMatmul ? "matmul " : "conv2d ") << p.batch * p.oh * p.ow
            << " x " << p.kh * p.kw * p.c * 64 << " bits x " << p.g * p.oc
            << ", tile " << rows << " x " << cols * k.lanes
            << (p.pack ? ", packed sign stored" : "");
      }
      if (p.pack) {
        // Built where the pack is, after its thresholds and zero words; it
        // replaces the pack and the int32 results.
        OpBuilder b(p.pack->op);
        Value words =
            PopKernelBuilder(b, p.op.getLoc(), p, kernelIsa(p, *kind)).build();
        replacePack(b, p.op.getLoc(), *p.pack, words);
        for (Operation *between : llvm::reverse(p.packChain))
          between->erase();
        if (p.corrOp)
          p.corrOp.erase();
        p.dotOp.erase();
        p.op.erase();
        continue;
      }
      OpBuilder b(p.op);
      Value r =
          PopKernelBuilder(b, p.op.getLoc(), p, kernelIsa(p, *kind)).build();
      if (p.corrOp) {
        p.corrOp.getResult(0).replaceAllUsesWith(r);
        p.corrOp.erase();
      }
      if (p.dotOp) {
        p.dotOp.getResult(0).replaceAllUsesWith(r);
        p.dotOp.erase();
      }
      if (!p.ternary)
        p.op.getResult(0).replaceAllUsesWith(r);
      p.op.erase();
    }
  }
};

} // namespace
