//===- DotKernels.cpp - register-tiled int8 contraction kernels -----------===//
//
// Part of the lowbit project.
//
// LLVM's loop vectorizer turns the int8 reduction loops of the lowering into
// vpmaddwd (or vpdpwssd with VNNI) on x86: it widens bytes to 16 bits first
// and never forms the byte dot products vpdpbusd and vpmaddubsw. On both
// targets it also keeps the weights in their [K, N] layout, loading across
// rows. Upstream MLIR has the instructions only in part (x86vector offers
// only the signed x signed AVX-VNNI-INT8 vpdpbssd; arm_neon.intr.sdot
// needs its own LLVM IR translation in every tool and JIT), and no kernel
// around them, so this pass writes the kernel itself: a register tile
// of R output pixels x T vectors of L int32 channels, held in SSA values
// across the reduction loops, with the activations broadcast 4 bytes (or 2
// 16-bit values) at a time and the weights pre-packed so that one vector
// load feeds one instruction.
//
// Everything is written on tensors (scf.for with iter_args,
// vector.transfer_read/write), so bufferization places the kernel like any
// other op; the products are pure lowbit.dot4/dot2 ops that become
// intrinsic calls after bufferization.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Matchers.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITDOTKERNELS
#define GEN_PASS_DEF_LOWBITLOWERDOT4
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;

namespace {

/// The kernel sets: x86 with AVX-512 VNNI, AVX-VNNI, AVX2 or only SSE2
/// (every x86-64 CPU); AArch64 with dotprod or only NEON (every AArch64
/// CPU).
enum class Isa { Sse2, Avx2, AvxVnni, Avx512Vnni, Neon, NeonDotProd };

/// Register tiling per instruction set: L int32 lanes per vector, a tile of
/// `rows` output pixels by `cols` vectors of channels.
struct IsaInfo {
  int64_t lanes, rows, cols;
};

IsaInfo getIsaInfo(Isa isa) {
  // 32 zmm registers: 16 accumulators, 4 weight vectors, broadcasts.
  if (isa == Isa::Avx512Vnni)
    return {16, 4, 4};
  // 32 128-bit NEON registers: 16 accumulators, 4 weight vectors,
  // broadcasts.
  if (isa == Isa::NeonDotProd || isa == Isa::Neon)
    return {4, 4, 4};
  // 16 xmm registers: 8 accumulators, 2 weight vectors, broadcasts and the
  // products.
  if (isa == Isa::Sse2)
    return {4, 4, 2};
  // 16 ymm registers: 8 accumulators, 2 weight vectors, broadcasts and (for
  // AVX2) the vpmaddubsw temporaries.
  return {8, 4, 2};
}

/// One contraction in conv2d form:
///   out[b, oh, ow, oc] += sum_{kh, kw, c}
///       act[b, oh*sh + kh*dh, ow*sw + kw*dw, c] * filter(oc, kh, kw, c)
/// A matmul [M, K] x [K, N] is the case B = OH = KH = KW = 1, OW = M; a
/// batched matmul [B, M, K] x [K, N] (weights shared by the batch) is the
/// matmul [B*M, K] x [K, N].
struct Problem {
  linalg::GenericOp op;
  bool isMatmul = false;
  /// A batched matmul's batch size (0 for a plain matmul or a conv).
  int64_t matmulBatch = 0;
  /// A depthwise conv2d: `oc` groups of one input and one output channel
  /// each (`c` = 1).
  bool isDepthwise = false;
  Value act, filter, init;
  bool actSigned = false, filterSigned = false;
  /// The body subtracts this activation zero point before multiplying.
  int64_t actZero = 0;
  /// Binary weights (i1, 1 means -1) that the body applies by selecting
  /// a - za or za - a; their values are -1 and +1.
  bool binaryWeights = false;
  int64_t batch = 1, oh = 1, ow = 1, oc = 1, kh = 1, kw = 1, c = 1;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1;
};

/// Coefficients of a linear expression in dims (the constant last), or
/// failure for anything that is not a sum of dim * constant terms.
FailureOr<SmallVector<int64_t>> linearCoefficients(AffineExpr e,
                                                   unsigned numDims) {
  SmallVector<int64_t> coeffs(numDims + 1, 0);
  std::function<LogicalResult(AffineExpr, int64_t)> visit =
      [&](AffineExpr x, int64_t scale) -> LogicalResult {
    if (auto d = dyn_cast<AffineDimExpr>(x)) {
      coeffs[d.getPosition()] += scale;
      return success();
    }
    if (auto cst = dyn_cast<AffineConstantExpr>(x)) {
      coeffs[numDims] += scale * cst.getValue();
      return success();
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(x);
    if (!bin)
      return failure();
    if (bin.getKind() == AffineExprKind::Add)
      return success(succeeded(visit(bin.getLHS(), scale)) &&
                     succeeded(visit(bin.getRHS(), scale)));
    if (bin.getKind() == AffineExprKind::Mul) {
      if (auto cst = dyn_cast<AffineConstantExpr>(bin.getRHS()))
        return visit(bin.getLHS(), scale * cst.getValue());
      if (auto cst = dyn_cast<AffineConstantExpr>(bin.getLHS()))
        return visit(bin.getRHS(), scale * cst.getValue());
    }
    return failure();
  };
  if (failed(visit(e, 1)))
    return failure();
  return coeffs;
}

/// `v` is `ext(arg)` from an integer of at most 8 bits to i32.
bool isByteExtension(Value v, BlockArgument arg, bool &isSigned) {
  Operation *def = v.getDefiningOp();
  if (!def || def->getNumOperands() != 1 || def->getOperand(0) != arg)
    return false;
  if (isa<arith::ExtSIOp>(def))
    isSigned = true;
  else if (isa<arith::ExtUIOp>(def))
    isSigned = false;
  else
    return false;
  auto from = dyn_cast<IntegerType>(arg.getType());
  return from && from.getWidth() <= 8 && v.getType().isInteger(32);
}

/// `v` is `ext(arg) - zero` with a constant `zero`, or `ext(arg)`.
bool isShiftedByteExtension(Value v, BlockArgument arg, bool &isSigned,
                            int64_t &zero) {
  zero = 0;
  if (auto sub = v.getDefiningOp<arith::SubIOp>()) {
    IntegerAttr z;
    if (!matchPattern(sub.getRhs(), m_Constant(&z)))
      return false;
    zero = z.getInt();
    v = sub.getLhs();
  }
  return isByteExtension(v, arg, isSigned);
}

/// `pos` = ext(a) - za and `neg` = za - ext(a) (`za` may be 0, then `pos`
/// is ext(a) itself).
bool isSignedPair(Value pos, Value neg, BlockArgument a, Problem &p) {
  if (!isShiftedByteExtension(pos, a, p.actSigned, p.actZero))
    return false;
  auto sub = neg.getDefiningOp<arith::SubIOp>();
  IntegerAttr z;
  if (!sub || !matchPattern(sub.getLhs(), m_Constant(&z)) ||
      z.getInt() != p.actZero)
    return false;
  bool isSigned;
  return isByteExtension(sub.getRhs(), a, isSigned) && isSigned == p.actSigned;
}

/// The bodies that --lowbit-lower-binary writes for integer activations
/// times binary or ternary weights, which add or subtract instead of
/// multiplying:
///   binary:  acc + select(w, za - a, a - za)                  (w: i1)
///   ternary: acc + select(w == 0, 0, select(w < 0, za - a, a - za)) (w: i2)
/// Both are acc + (a - za) * w with w in {-1, +1} or {-1, 0, 1}.
bool matchSignedSelect(Value term, Problem &p) {
  Block *body = term.getParentBlock();
  BlockArgument a = body->getArgument(0), w = body->getArgument(1);
  auto sel = term.getDefiningOp<arith::SelectOp>();
  if (!sel)
    return false;
  if (w.getType().isInteger(1) && sel.getCondition() == w) {
    p.binaryWeights = true;
    p.filterSigned = true;
    return isSignedPair(sel.getFalseValue(), sel.getTrueValue(), a, p);
  }
  if (!w.getType().isInteger(2))
    return false;
  auto isCmp = [&](Value v, arith::CmpIPredicate pred) {
    auto cmp = v.getDefiningOp<arith::CmpIOp>();
    return cmp && cmp.getPredicate() == pred && cmp.getLhs() == w &&
           matchPattern(cmp.getRhs(), m_Zero());
  };
  auto inner = sel.getFalseValue().getDefiningOp<arith::SelectOp>();
  if (!isCmp(sel.getCondition(), arith::CmpIPredicate::eq) ||
      !matchPattern(sel.getTrueValue(), m_Zero()) || !inner ||
      !isCmp(inner.getCondition(), arith::CmpIPredicate::slt))
    return false;
  p.filterSigned = true;
  return isSignedPair(inner.getFalseValue(), inner.getTrueValue(), a, p);
}

/// The body `yield acc + (ext(a) - za) * ext(w)` (the other operand order
/// too; za a constant, possibly absent), or one of the select forms of
/// `matchSignedSelect`. Only the yielded value's operands matter: anything
/// else in the body is dead or a constant.
bool matchBody(linalg::GenericOp op, Problem &p) {
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add)
    return false;
  BlockArgument acc = body.getArgument(2);
  Value prod = add.getLhs() == acc   ? add.getRhs()
               : add.getRhs() == acc ? add.getLhs()
                                     : Value();
  if (!prod)
    return false;
  if (matchSignedSelect(prod, p))
    return true;
  p.binaryWeights = false;
  p.actZero = 0;
  auto mul = prod.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return false;
  BlockArgument a = body.getArgument(0), w = body.getArgument(1);
  return (isShiftedByteExtension(mul.getLhs(), a, p.actSigned, p.actZero) &&
          isByteExtension(mul.getRhs(), w, p.filterSigned)) ||
         (isShiftedByteExtension(mul.getRhs(), a, p.actSigned, p.actZero) &&
          isByteExtension(mul.getLhs(), w, p.filterSigned));
}

/// Recognizes the matmul and conv2d contractions of the integer lowering.
std::optional<Problem> matchProblem(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics())
    return std::nullopt;
  Problem p;
  p.op = op;
  p.act = op.getDpsInputs()[0];
  p.filter = op.getDpsInputs()[1];
  p.init = op.getDpsInits()[0];
  for (Value v : {p.act, p.filter, p.init}) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !t.hasStaticShape())
      return std::nullopt;
  }
  if (!cast<RankedTensorType>(p.init.getType()).getElementType().isInteger(32))
    return std::nullopt;
  if (!matchBody(op, p))
    return std::nullopt;

  MLIRContext *ctx = op.getContext();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  auto par = utils::IteratorType::parallel,
       red = utils::IteratorType::reduction;
  auto dims = [&](unsigned n, ArrayRef<unsigned> pos) {
    SmallVector<AffineExpr> e;
    for (unsigned i : pos)
      e.push_back(getAffineDimExpr(i, ctx));
    return AffineMap::get(n, 0, e, ctx);
  };
  ArrayRef<int64_t> aShape = cast<RankedTensorType>(p.act.getType()).getShape();
  ArrayRef<int64_t> fShape =
      cast<RankedTensorType>(p.filter.getType()).getShape();
  ArrayRef<int64_t> oShape =
      cast<RankedTensorType>(p.init.getType()).getShape();

  if (op.getNumLoops() == 3) {
    if (iters != ArrayRef<utils::IteratorType>{par, par, red} ||
        maps[0] != dims(3, {0, 2}) || maps[1] != dims(3, {2, 1}) ||
        maps[2] != dims(3, {0, 1}))
      return std::nullopt;
    p.isMatmul = true;
    p.ow = aShape[0];
    p.c = aShape[1];
    p.oc = fShape[1];
    return p;
  }
  if (op.getNumLoops() == 4) {
    if (iters != ArrayRef<utils::IteratorType>{par, par, par, red} ||
        maps[0] != dims(4, {0, 1, 3}) || maps[1] != dims(4, {3, 2}) ||
        maps[2] != dims(4, {0, 1, 2}))
      return std::nullopt;
    p.isMatmul = true;
    p.matmulBatch = aShape[0];
    p.ow = aShape[0] * aShape[1];
    p.c = aShape[2];
    p.oc = fShape[1];
    return p;
  }

  // (n, oh, ow, g, oc, kh, kw, c) with a single group, or depthwise: one
  // input and one output channel per group.
  if (op.getNumLoops() != 8 ||
      iters != ArrayRef<utils::IteratorType>{par, par, par, par, par, red, red,
                                             red} ||
      maps[1] != dims(8, {3, 4, 5, 6, 7}) ||
      maps[2] != dims(8, {0, 1, 2, 3, 4}) || maps[0].getNumResults() != 5 ||
      maps[0].getResult(0) != getAffineDimExpr(0, ctx) ||
      maps[0].getResult(3) != getAffineDimExpr(3, ctx) ||
      maps[0].getResult(4) != getAffineDimExpr(7, ctx))
    return std::nullopt;
  p.isDepthwise = aShape[3] != 1;
  if (p.isDepthwise && (fShape[1] != 1 || fShape[4] != 1))
    return std::nullopt;
  FailureOr<SmallVector<int64_t>> h =
      linearCoefficients(maps[0].getResult(1), 8);
  FailureOr<SmallVector<int64_t>> w =
      linearCoefficients(maps[0].getResult(2), 8);
  if (failed(h) || failed(w))
    return std::nullopt;
  // Only d1*sh + d5*dh and d2*sw + d6*dw, with positive factors.
  for (int i = 0; i <= 8; ++i) {
    if ((i != 1 && i != 5 && (*h)[i] != 0) ||
        (i != 2 && i != 6 && (*w)[i] != 0))
      return std::nullopt;
  }
  p.sh = (*h)[1];
  p.dh = (*h)[5];
  p.sw = (*w)[2];
  p.dw = (*w)[6];
  if (p.sh <= 0 || p.dh <= 0 || p.sw <= 0 || p.dw <= 0)
    return std::nullopt;
  p.batch = oShape[0];
  p.oh = oShape[1];
  p.ow = oShape[2];
  p.oc = p.isDepthwise ? oShape[3] : oShape[4];
  p.kh = fShape[2];
  p.kw = fShape[3];
  p.c = fShape[4];
  return p;
}

/// Element values of a constant operand (through reshapes, which keep the
/// row-major order), extended as the contraction extends them (binary
/// weights: bit 1 is -1, bit 0 is +1).
std::optional<SmallVector<int64_t>> constantValues(Value v, bool isSigned,
                                                   bool binary) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
      v = def->getOperand(0);
    else
      break;
  }
  DenseIntElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> out;
  out.reserve(attr.getNumElements());
  for (const APInt &x : attr.getValues<APInt>())
    out.push_back(binary     ? (x.isZero() ? 1 : -1)
                  : isSigned ? x.getSExtValue()
                             : static_cast<int64_t>(x.getZExtValue()));
  return out;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

Value splatConstant(OpBuilder &b, Location loc, VectorType type,
                    Attribute value) {
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<Attribute>{value}));
}

class KernelBuilder {
public:
  /// `group` = 4: bytes and lowbit.dot4; `group` = 2: values widened to
  /// 16 bits and lowbit.dot2; `group` = 1: 16-bit values multiplied and
  /// added into int32 lanes with plain arith ops (a widening
  /// multiply-accumulate such as NEON smlal).
  KernelBuilder(OpBuilder &b, Location loc, const Problem &p, Isa kind,
                int64_t group)
      : b(b), loc(loc), p(p), kind(kind), info(getIsaInfo(kind)), group(group) {
    lanes = info.lanes;
    blocks = ceilDiv(p.oc, lanes);
    c4 = ceilDiv(p.c, group);
    elemType = group == 4 ? b.getI8Type() : b.getI16Type();
    if (kind == Isa::NeonDotProd) {
      // sdot multiplies signed by signed bytes (the weights are signed,
      // see `supports`): an unsigned activation byte is flipped to a - 128.
      flip = !p.actSigned;
      actIsUnsigned = false;
    } else {
      // vpdpbusd / vpmaddubsw multiply unsigned (first) by signed (second)
      // bytes: with the same signedness on both sides the activation byte
      // is flipped, and is unsigned after a flip of a signed one. 16-bit
      // values need no flip.
      flip = group == 4 && p.actSigned == p.filterSigned;
      actIsUnsigned = flip ? p.actSigned : !p.actSigned;
    }
  }

  /// The exact int32 range check of the AVX2 kernel: vpmaddubsw adds two
  /// u8 x s8 products into a saturating int16.
  static bool avx2IsExact(const Problem &p, ArrayRef<int64_t> w) {
    bool flip = p.actSigned == p.filterSigned;
    bool actIsUnsigned = flip ? p.actSigned : !p.actSigned;
    int64_t wMax = 0;
    for (int64_t v : w)
      wMax = std::max<int64_t>(wMax, std::abs(v));
    int64_t uMax = actIsUnsigned ? 255 : wMax;
    int64_t sMax = actIsUnsigned ? wMax : 128;
    return 2 * uMax * sMax <= 32767;
  }

  Value build(std::optional<ArrayRef<int64_t>> weights);

  /// Whether `kind` has a kernel for these operand types.
  static bool supports(const Problem &p, Isa kind) {
    // sdot is signed x signed; unsigned weights would need run-time
    // activation sums.
    return kind != Isa::NeonDotProd || p.filterSigned;
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value splat(VectorType type, Attribute value) {
    return splatConstant(b, loc, type, value);
  }
  VectorType accType() { return VectorType::get({lanes}, b.getI32Type()); }
  /// One instruction operand: `group` reduction elements per int32 lane.
  VectorType byteType() { return VectorType::get({group * lanes}, elemType); }

  Value activationView();
  std::pair<Value, Value> packWeights(std::optional<ArrayRef<int64_t>> w);
  Value dot(Value acc, Value actBytes, Value weightBytes);

  OpBuilder &b;
  Location loc;
  const Problem &p;
  Isa kind;
  IsaInfo info;
  int64_t group;
  Type elemType;
  int64_t lanes, blocks, c4;
  bool flip, actIsUnsigned;
};

/// The activations as [B, IH, IW, C4*4] bytes (reduction zero-padded: the
/// packed weights there are zero, so the padding value does not matter).
Value KernelBuilder::activationView() {
  Value a = p.act;
  auto t = cast<RankedTensorType>(a.getType());
  if (t.getElementType().getIntOrFloatBitWidth() < 8) {
    auto wide = RankedTensorType::get(t.getShape(), b.getI8Type());
    a = p.actSigned ? Value(arith::ExtSIOp::create(b, loc, wide, a))
                    : Value(arith::ExtUIOp::create(b, loc, wide, a));
  }
  SmallVector<int64_t> shape;
  if (p.matmulBatch)
    a = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({p.ow, p.c}, b.getI8Type()), a,
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  if (p.isMatmul) {
    shape = {1, 1, p.ow, p.c};
    a = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, b.getI8Type()), a,
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
  } else {
    ArrayRef<int64_t> s = t.getShape();
    shape = {s[0], s[1], s[2], s[4]};
    a = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get(shape, b.getI8Type()), a,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  }
  if (c4 * group == p.c)
    return a;
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(4, b.getIndexAttr(0));
  high[3] = b.getIndexAttr(c4 * group - p.c);
  shape[3] = c4 * group;
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 8);
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, b.getI8Type()), a, low, high, zero);
}

/// Packed weights [blocks, KH, KW, C/G, G*L] with G = `group` (element
/// G*l+j of a vector holds reduction element G*c+j of channel L*block+l)
/// and, when needed, the per-channel correction [blocks, L] = factor *
/// sum(w) for a flipped activation or an activation zero point.
std::pair<Value, Value>
KernelBuilder::packWeights(std::optional<ArrayRef<int64_t>> w) {
  // sum (a - za) * w = sum a' * w + factor * sum w, with a' the byte fed to
  // the instruction (a flipped a is a + 128 or a - 128).
  int64_t factor = (flip ? (actIsUnsigned ? -128 : 128) : 0) - p.actZero;
  SmallVector<int64_t> packedShape = {blocks, p.kh, p.kw, c4, group * lanes};
  auto packedType = RankedTensorType::get(packedShape, elemType);
  auto corrType = RankedTensorType::get({blocks, lanes}, b.getI32Type());
  if (w) {
    auto at = [&](int64_t o, int64_t y, int64_t x, int64_t ch) -> int64_t {
      if (o >= p.oc || ch >= p.c)
        return 0;
      if (p.isMatmul)
        return (*w)[ch * p.oc + o];
      return (*w)[((o * p.kh + y) * p.kw + x) * p.c + ch];
    };
    SmallVector<APInt> packed;
    packed.reserve(blocks * p.kh * p.kw * c4 * group * lanes);
    unsigned width = elemType.getIntOrFloatBitWidth();
    SmallVector<int64_t> corr(blocks * lanes, 0);
    for (int64_t blk = 0; blk < blocks; ++blk)
      for (int64_t y = 0; y < p.kh; ++y)
        for (int64_t x = 0; x < p.kw; ++x)
          for (int64_t q = 0; q < c4; ++q)
            for (int64_t l = 0; l < lanes; ++l)
              for (int64_t j = 0; j < group; ++j) {
                int64_t v = at(blk * lanes + l, y, x, q * group + j);
                // Unsigned weights keep their bits (200 is the byte 0xC8).
                packed.push_back(APInt(width, v, /*isSigned=*/v < 0));
                corr[blk * lanes + l] += factor * v;
              }
    Value packedV = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(packedType, ArrayRef<APInt>(packed)));
    Value corrV;
    if (factor != 0) {
      // Modulo 2^32 like the accumulator itself.
      SmallVector<int32_t> corr32;
      for (int64_t c : corr)
        corr32.push_back(static_cast<int32_t>(static_cast<uint32_t>(c)));
      corrV = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(corrType, ArrayRef<int32_t>(corr32)));
    }
    return {packedV, corrV};
  }

  // Weights computed at run time: pad, then gather into the packed layout.
  MLIRContext *ctx = b.getContext();
  Value f = p.filter;
  auto ft = cast<RankedTensorType>(f.getType());
  int64_t rank = ft.getRank();
  SmallVector<OpFoldResult> low(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(rank, b.getIndexAttr(0));
  SmallVector<int64_t> padded(ft.getShape());
  // Matmul [K, N]; conv [1, OC, KH, KW, C].
  int64_t ocDim = 1, cDim = p.isMatmul ? 0 : 4;
  high[ocDim] = b.getIndexAttr(blocks * lanes - p.oc);
  high[cDim] = b.getIndexAttr(c4 * group - p.c);
  padded[ocDim] = blocks * lanes;
  padded[cDim] = c4 * group;
  Type fElem = ft.getElementType();
  if (p.binaryWeights) {
    // Decode the bits to -1/+1 before padding, so that the padding is 0.
    auto decoded = RankedTensorType::get(ft.getShape(), elemType);
    auto filled = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(
              decoded, ArrayRef<Attribute>{b.getIntegerAttr(elemType, v)}));
    };
    f = arith::SelectOp::create(b, loc, f, filled(-1), filled(1));
    fElem = elemType;
  }
  if (padded != SmallVector<int64_t>(ft.getShape()))
    f = tensor::PadOp::create(
        b, loc, RankedTensorType::get(padded, fElem), f, low, high,
        Value(arith::ConstantIntOp::create(b, loc, fElem, 0)));
  SmallVector<AffineExpr> d;
  for (int i = 0; i < 6; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  // (blk, kh, kw, c4, l, j)
  AffineExpr o = d[0] * lanes + d[4], ch = d[3] * group + d[5];
  AffineMap src =
      p.isMatmul
          ? AffineMap::get(6, 0, {ch, o}, ctx)
          : AffineMap::get(
                6, 0, {getAffineConstantExpr(0, ctx), o, d[1], d[2], ch}, ctx);
  SmallVector<int64_t> shape6 = {blocks, p.kh, p.kw, c4, lanes, group};
  Value empty = tensor::EmptyOp::create(b, loc, shape6, elemType);
  Type packedElem = elemType;
  bool filterSigned = p.filterSigned;
  Value packed6 =
      linalg::GenericOp::create(
          b, loc, empty.getType(), ValueRange{f}, ValueRange{empty},
          ArrayRef<AffineMap>{src, AffineMap::getMultiDimIdentityMap(6, ctx)},
          SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value v = args[0];
            if (v.getType() != packedElem)
              v = filterSigned
                      ? Value(arith::ExtSIOp::create(nb, l, packedElem, v))
                      : Value(arith::ExtUIOp::create(nb, l, packedElem, v));
            linalg::YieldOp::create(nb, l, v);
          })
          .getResult(0);
  Value packedV = tensor::CollapseShapeOp::create(
      b, loc, packedType, packed6,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3}, {4, 5}});
  Value corrV;
  if (factor != 0) {
    Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
    Value init = linalg::FillOp::create(
                     b, loc, zero,
                     ValueRange{tensor::EmptyOp::create(
                         b, loc, corrType.getShape(), b.getI32Type())})
                     .getResult(0);
    auto red = utils::IteratorType::reduction,
         par = utils::IteratorType::parallel;
    corrV =
        linalg::GenericOp::create(
            b, loc, corrType, ValueRange{packed6}, ValueRange{init},
            ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(6, ctx),
                                AffineMap::get(6, 0, {d[0], d[4]}, ctx)},
            ArrayRef<utils::IteratorType>{par, red, red, red, par, red},
            [&](OpBuilder &nb, Location l, ValueRange args) {
              // 16-bit packed values are already extended as signed.
              Value v = filterSigned || group != 4
                            ? Value(arith::ExtSIOp::create(
                                  nb, l, nb.getI32Type(), args[0]))
                            : Value(arith::ExtUIOp::create(
                                  nb, l, nb.getI32Type(), args[0]));
              v = arith::MulIOp::create(
                  nb, l, v, arith::ConstantIntOp::create(nb, l, factor, 32));
              linalg::YieldOp::create(
                  nb, l, Value(arith::AddIOp::create(nb, l, args[1], v)));
            })
            .getResult(0);
  }
  return {packedV, corrV};
}

Value KernelBuilder::dot(Value acc, Value actBytes, Value weightBytes) {
  if (group == 2)
    return lowbit::Dot2Op::create(b, loc, acc.getType(), acc, actBytes,
                                  weightBytes);
  if (group == 1) {
    Value a = arith::ExtSIOp::create(b, loc, acc.getType(), actBytes);
    Value w = arith::ExtSIOp::create(b, loc, acc.getType(), weightBytes);
    return arith::AddIOp::create(b, loc, acc,
                                 arith::MulIOp::create(b, loc, a, w));
  }
  if (kind == Isa::NeonDotProd)
    return lowbit::Dot4Op::create(b, loc, acc.getType(), acc, actBytes,
                                  weightBytes, b.getUnitAttr(), UnitAttr());
  // The AVX2 byte kernels are only built when the weights keep vpmaddubsw
  // exact.
  return lowbit::Dot4Op::create(
      b, loc, acc.getType(), acc, actIsUnsigned ? actBytes : weightBytes,
      actIsUnsigned ? weightBytes : actBytes, UnitAttr(),
      kind == Isa::Avx2 ? b.getUnitAttr() : UnitAttr());
}

Value KernelBuilder::build(std::optional<ArrayRef<int64_t>> weights) {
  Value act = activationView();
  std::pair<Value, Value> packedAndCorr = packWeights(weights);
  Value packed = packedAndCorr.first, corr = packedAndCorr.second;

  // The accumulator as [B, OH, OW, OC].
  auto initType = cast<RankedTensorType>(p.init.getType());
  auto out4Type =
      RankedTensorType::get({p.batch, p.oh, p.ow, p.oc}, b.getI32Type());
  SmallVector<ReassociationIndices> outAssoc =
      p.isMatmul ? SmallVector<ReassociationIndices>{{0, 1, 2}, {3}}
                 : SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}};
  // A batched matmul's [B, M, N] goes through [B*M, N].
  auto out2Type = RankedTensorType::get({p.ow, p.oc}, b.getI32Type());
  SmallVector<ReassociationIndices> batchAssoc = {{0, 1}, {2}};
  Value init = p.init;
  if (p.matmulBatch)
    init = tensor::CollapseShapeOp::create(b, loc, out2Type, init, batchAssoc);
  Value out4 = p.isMatmul
                   ? Value(tensor::ExpandShapeOp::create(b, loc, out4Type, init,
                                                         outAssoc))
                   : Value(tensor::CollapseShapeOp::create(b, loc, out4Type,
                                                           init, outAssoc));
  // A zero-filled (or constant-filled) accumulator needs no load.
  std::optional<int64_t> fillValue;
  if (auto fill = p.init.getDefiningOp<linalg::FillOp>()) {
    IntegerAttr v;
    if (matchPattern(fill.getInputs()[0], m_Constant(&v)))
      fillValue = v.getInt();
  }

  int64_t rows = std::min(info.rows, p.ow);
  int64_t cols = std::min(info.cols, blocks);
  bool channelsExact = p.oc % lanes == 0;
  Value c0 = idx(0), c1 = idx(1);
  Value zeroI32 = arith::ConstantIntOp::create(b, loc, 0, 32);
  Value flipBytes;
  if (flip)
    flipBytes = splat(byteType(), b.getI8IntegerAttr(-128));
  auto minIdx = [&](Value v, int64_t bound) {
    return arith::MinSIOp::create(b, loc, v, idx(bound));
  };
  auto mulAdd = [&](Value x, int64_t s, Value y, int64_t t) {
    Value r = arith::MulIOp::create(b, loc, x, idx(s));
    return arith::AddIOp::create(b, loc, r,
                                 arith::MulIOp::create(b, loc, y, idx(t)));
  };

  auto loop = [&](int64_t ub, int64_t step, ValueRange iter,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto forOp = scf::ForOp::create(
        b, loc, c0, idx(ub), step == 1 ? c1 : idx(step), iter,
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(nb.getInsertionBlock());
          scf::YieldOp::create(b, loc, body(iv, args));
        });
    return forOp.getResults();
  };

  ValueRange result = loop(p.batch, 1, out4, [&](Value bi, ValueRange o0) {
    return SmallVector<Value>(loop(p.oh, 1, o0, [&](Value ohi, ValueRange o1) {
      return SmallVector<Value>(
          loop(p.ow, rows, o1, [&](Value ow0, ValueRange o2) {
            return SmallVector<Value>(
                loop(blocks, cols, o2, [&](Value blk0, ValueRange o3) {
                  // Rows and blocks past the end repeat the last one: they
                  // compute and store the same values again, which saves a
                  // remainder loop.
                  SmallVector<Value> rowIdx, blkIdx, chIdx;
                  for (int64_t r = 0; r < rows; ++r)
                    rowIdx.push_back(minIdx(
                        arith::AddIOp::create(b, loc, ow0, idx(r)), p.ow - 1));
                  for (int64_t t = 0; t < cols; ++t) {
                    blkIdx.push_back(
                        minIdx(arith::AddIOp::create(b, loc, blk0, idx(t)),
                               blocks - 1));
                    chIdx.push_back(arith::MulIOp::create(b, loc, blkIdx.back(),
                                                          idx(lanes)));
                  }
                  SmallVector<Value> accs;
                  for (int64_t r = 0; r < rows; ++r)
                    for (int64_t t = 0; t < cols; ++t) {
                      Value acc;
                      if (fillValue)
                        acc = splat(accType(), b.getI32IntegerAttr(*fillValue));
                      else
                        acc = vector::TransferReadOp::create(
                            b, loc, accType(), o3[0],
                            ValueRange{bi, ohi, rowIdx[r], chIdx[t]}, zeroI32,
                            ArrayRef<bool>{channelsExact});
                      if (corr) {
                        Value cv = vector::TransferReadOp::create(
                            b, loc, accType(), corr, ValueRange{blkIdx[t], c0},
                            zeroI32, ArrayRef<bool>{true});
                        acc = arith::AddIOp::create(b, loc, acc, cv);
                      }
                      accs.push_back(acc);
                    }

                  auto kernel = [&](Value y, Value x, Value q,
                                    ValueRange in) -> SmallVector<Value> {
                    Value ih = mulAdd(ohi, p.sh, y, p.dh);
                    Value ch = arith::MulIOp::create(b, loc, q, idx(group));
                    SmallVector<Value> wv, av, next;
                    for (int64_t t = 0; t < cols; ++t)
                      wv.push_back(vector::TransferReadOp::create(
                          b, loc, byteType(), packed,
                          ValueRange{blkIdx[t], y, x, q, c0},
                          arith::ConstantIntOp::create(b, loc, elemType, 0),
                          ArrayRef<bool>{true}));
                    auto vg = VectorType::get({group}, b.getI8Type());
                    auto vgWide = VectorType::get({group}, elemType);
                    auto v1i32 = VectorType::get({1}, b.getI32Type());
                    for (int64_t r = 0; r < rows; ++r) {
                      Value iw = mulAdd(rowIdx[r], p.sw, x, p.dw);
                      Value four = vector::TransferReadOp::create(
                          b, loc, vg, act, ValueRange{bi, ih, iw, ch},
                          arith::ConstantIntOp::create(b, loc, 0, 8),
                          ArrayRef<bool>{true});
                      if (group != 4)
                        four = p.actSigned ? Value(arith::ExtSIOp::create(
                                                 b, loc, vgWide, four))
                                           : Value(arith::ExtUIOp::create(
                                                 b, loc, vgWide, four));
                      if (group == 1) {
                        Value one = vector::ExtractOp::create(
                            b, loc, four, ArrayRef<int64_t>{0});
                        av.push_back(vector::BroadcastOp::create(
                            b, loc, byteType(), one));
                        continue;
                      }
                      Value word = vector::ExtractOp::create(
                          b, loc,
                          vector::BitCastOp::create(b, loc, v1i32, four),
                          ArrayRef<int64_t>{0});
                      Value bytes = vector::BitCastOp::create(
                          b, loc, byteType(),
                          vector::BroadcastOp::create(b, loc, accType(), word));
                      if (flip)
                        bytes = arith::XOrIOp::create(b, loc, bytes, flipBytes);
                      av.push_back(bytes);
                    }
                    for (int64_t r = 0; r < rows; ++r)
                      for (int64_t t = 0; t < cols; ++t)
                        next.push_back(dot(in[r * cols + t], av[r], wv[t]));
                    return next;
                  };
                  SmallVector<Value> done(
                      loop(p.kh, 1, accs, [&](Value y, ValueRange a0) {
                        return SmallVector<Value>(
                            loop(p.kw, 1, a0, [&](Value x, ValueRange a1) {
                              return SmallVector<Value>(
                                  loop(c4, 1, a1, [&](Value q, ValueRange a2) {
                                    return kernel(y, x, q, a2);
                                  }));
                            }));
                      }));

                  Value o = o3[0];
                  for (int64_t r = 0; r < rows; ++r)
                    for (int64_t t = 0; t < cols; ++t)
                      o = vector::TransferWriteOp::create(
                              b, loc, done[r * cols + t], o,
                              ValueRange{bi, ohi, rowIdx[r], chIdx[t]},
                              ArrayRef<bool>{channelsExact})
                              .getResult();
                  return SmallVector<Value>{o};
                }));
          }));
    }));
  });
  Value res = result[0];
  if (p.matmulBatch) {
    res = tensor::CollapseShapeOp::create(b, loc, out2Type, res, outAssoc);
    return tensor::ExpandShapeOp::create(b, loc, initType, res, batchAssoc);
  }
  return p.isMatmul ? Value(tensor::CollapseShapeOp::create(b, loc, initType,
                                                            res, outAssoc))
                    : Value(tensor::ExpandShapeOp::create(b, loc, initType, res,
                                                          outAssoc));
}

/// Depthwise conv2d with constant weights: one multiply-add per tap and
/// channel, vectorized across channels (which NHWC keeps contiguous), with
/// a tile of 4 output pixels x 2 vectors of channels in registers. The
/// activations are widened to 16 and then 32 bits and the weights stored as
/// 16-bit values, so NEON multiply-accumulates with smlal and x86 multiplies
/// 32-bit lanes. The exact int32 sums of the generic loops.
Value buildDepthwise(OpBuilder &b, Location loc, const Problem &p, Isa kind,
                     ArrayRef<int64_t> w) {
  int64_t lanes = getIsaInfo(kind).lanes;
  int64_t blocks = ceilDiv(p.oc, lanes);
  int64_t rows = std::min<int64_t>(4, p.ow);
  int64_t cols = std::min<int64_t>(2, blocks);
  bool channelsExact = p.oc % lanes == 0;
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto i8v = VectorType::get({lanes}, b.getI8Type());
  auto i16v = VectorType::get({lanes}, b.getI16Type());
  auto i32v = VectorType::get({lanes}, b.getI32Type());

  // Activations [B, IH, IW, G], weights [KH, KW, blocks*L] as 16-bit values
  // (zero past the last channel), accumulator [B, OH, OW, G].
  Value a = p.act;
  auto at = cast<RankedTensorType>(a.getType());
  if (at.getElementType().getIntOrFloatBitWidth() < 8) {
    auto wide = RankedTensorType::get(at.getShape(), b.getI8Type());
    a = p.actSigned ? Value(arith::ExtSIOp::create(b, loc, wide, a))
                    : Value(arith::ExtUIOp::create(b, loc, wide, a));
  }
  ArrayRef<int64_t> as = at.getShape();
  a = tensor::CollapseShapeOp::create(
      b, loc,
      RankedTensorType::get({as[0], as[1], as[2], as[3]}, b.getI8Type()), a,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  SmallVector<APInt> packed;
  for (int64_t y = 0; y < p.kh; ++y)
    for (int64_t x = 0; x < p.kw; ++x)
      for (int64_t g = 0; g < blocks * lanes; ++g)
        packed.push_back(APInt(16, g < p.oc ? w[(g * p.kh + y) * p.kw + x] : 0,
                               /*isSigned=*/true));
  Value wts = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({p.kh, p.kw, blocks * lanes}, b.getI16Type()),
          ArrayRef<APInt>(packed)));
  auto initType = cast<RankedTensorType>(p.init.getType());
  SmallVector<ReassociationIndices> outAssoc = {{0}, {1}, {2}, {3, 4}};
  Value out4 = tensor::CollapseShapeOp::create(
      b, loc,
      RankedTensorType::get({p.batch, p.oh, p.ow, p.oc}, b.getI32Type()),
      p.init, outAssoc);
  std::optional<int64_t> fillValue;
  if (auto fill = p.init.getDefiningOp<linalg::FillOp>()) {
    IntegerAttr v;
    if (matchPattern(fill.getInputs()[0], m_Constant(&v)))
      fillValue = v.getInt();
  }

  Value c0 = idx(0), c1 = idx(1);
  Value zero8 = arith::ConstantIntOp::create(b, loc, 0, 8);
  Value zero16 = arith::ConstantIntOp::create(b, loc, 0, 16);
  Value zero32 = arith::ConstantIntOp::create(b, loc, 0, 32);
  auto loop = [&](int64_t ub, int64_t step, ValueRange iter,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto forOp = scf::ForOp::create(
        b, loc, c0, idx(ub), step == 1 ? c1 : idx(step), iter,
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(nb.getInsertionBlock());
          scf::YieldOp::create(b, loc, body(iv, args));
        });
    return SmallVector<Value>(forOp.getResults());
  };
  auto affine = [&](Value x, int64_t s, Value y, int64_t t) -> Value {
    return arith::AddIOp::create(b, loc,
                                 arith::MulIOp::create(b, loc, x, idx(s)),
                                 arith::MulIOp::create(b, loc, y, idx(t)));
  };
  auto minIdx = [&](Value v, int64_t bound) -> Value {
    return arith::MinSIOp::create(b, loc, v, idx(bound));
  };

  SmallVector<Value> result =
      loop(p.batch, 1, out4, [&](Value bi, ValueRange o0) {
        return loop(p.oh, 1, o0, [&](Value ohi, ValueRange o1) {
          return loop(p.ow, rows, o1, [&](Value ow0, ValueRange o2) {
            return loop(blocks, cols, o2, [&](Value blk0, ValueRange o3) {
              // Rows and channel blocks past the end repeat the last one.
              SmallVector<Value> rowIdx, chIdx;
              for (int64_t r = 0; r < rows; ++r)
                rowIdx.push_back(minIdx(
                    arith::AddIOp::create(b, loc, ow0, idx(r)), p.ow - 1));
              for (int64_t t = 0; t < cols; ++t)
                chIdx.push_back(arith::MulIOp::create(
                    b, loc,
                    minIdx(arith::AddIOp::create(b, loc, blk0, idx(t)),
                           blocks - 1),
                    idx(lanes)));
              SmallVector<Value> accs;
              for (int64_t r = 0; r < rows; ++r)
                for (int64_t t = 0; t < cols; ++t)
                  accs.push_back(
                      fillValue ? splatConstant(b, loc, i32v,
                                                b.getI32IntegerAttr(*fillValue))
                                : Value(vector::TransferReadOp::create(
                                      b, loc, i32v, o3[0],
                                      ValueRange{bi, ohi, rowIdx[r], chIdx[t]},
                                      zero32, ArrayRef<bool>{channelsExact})));
              SmallVector<Value> done =
                  loop(p.kh, 1, accs, [&](Value y, ValueRange a0) {
                    return loop(p.kw, 1, a0, [&](Value x, ValueRange in) {
                      Value ih = affine(ohi, p.sh, y, p.dh);
                      SmallVector<Value> wv, next;
                      for (int64_t t = 0; t < cols; ++t)
                        wv.push_back(arith::ExtSIOp::create(
                            b, loc, i32v,
                            vector::TransferReadOp::create(
                                b, loc, i16v, wts, ValueRange{y, x, chIdx[t]},
                                zero16, ArrayRef<bool>{true})));
                      for (int64_t r = 0; r < rows; ++r) {
                        Value iw = affine(rowIdx[r], p.sw, x, p.dw);
                        for (int64_t t = 0; t < cols; ++t) {
                          Value av = vector::TransferReadOp::create(
                              b, loc, i8v, a, ValueRange{bi, ih, iw, chIdx[t]},
                              zero8, ArrayRef<bool>{channelsExact});
                          Value a16 = p.actSigned
                                          ? Value(arith::ExtSIOp::create(
                                                b, loc, i16v, av))
                                          : Value(arith::ExtUIOp::create(
                                                b, loc, i16v, av));
                          Value prod = arith::MulIOp::create(
                              b, loc, arith::ExtSIOp::create(b, loc, i32v, a16),
                              wv[t]);
                          next.push_back(arith::AddIOp::create(
                              b, loc, in[r * cols + t], prod));
                        }
                      }
                      return next;
                    });
                  });
              Value o = o3[0];
              for (int64_t r = 0; r < rows; ++r)
                for (int64_t t = 0; t < cols; ++t)
                  o = vector::TransferWriteOp::create(
                          b, loc, done[r * cols + t], o,
                          ValueRange{bi, ohi, rowIdx[r], chIdx[t]},
                          ArrayRef<bool>{channelsExact})
                          .getResult();
              return SmallVector<Value>{o};
            });
          });
        });
      });
  return tensor::ExpandShapeOp::create(b, loc, initType, result[0], outAssoc);
}

struct DotKernelsPass
    : public mlir::lowbit::impl::LowBitDotKernelsBase<DotKernelsPass> {
  using LowBitDotKernelsBase::LowBitDotKernelsBase;

  void runOnOperation() override {
    Isa kind;
    if (isa == "avx512-vnni")
      kind = Isa::Avx512Vnni;
    else if (isa == "avx-vnni")
      kind = Isa::AvxVnni;
    else if (isa == "avx2")
      kind = Isa::Avx2;
    else if (isa == "sse2")
      kind = Isa::Sse2;
    else if (isa == "neon-dotprod")
      kind = Isa::NeonDotProd;
    else if (isa == "neon")
      kind = Isa::Neon;
    else {
      getOperation()->emitError()
          << "unknown isa '" << isa
          << "' for --lowbit-dot-kernels; expected avx512-vnni, "
             "avx-vnni, avx2, sse2, neon-dotprod or neon";
      return signalPassFailure();
    }
    SmallVector<Problem> problems;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<Problem> p = matchProblem(op))
        problems.push_back(*p);
    });
    for (Problem &p : problems) {
      std::optional<SmallVector<int64_t>> w =
          constantValues(p.filter, p.filterSigned, p.binaryWeights);
      if (p.isDepthwise) {
        // Weights computed at run time stay with the generic loops.
        if (!w)
          continue;
        OpBuilder b(p.op);
        Value res = buildDepthwise(b, p.op.getLoc(), p, kind, *w);
        p.op.getResult(0).replaceAllUsesWith(res);
        p.op.erase();
        continue;
      }
      if (!KernelBuilder::supports(p, kind))
        continue;
      // AVX2 has no byte dot product that is exact for every input: the
      // vpmaddubsw kernel needs weights that cannot saturate it, otherwise
      // vpmaddwd on values widened to 16 bits does the work. SSE2 uses
      // pmaddwd too; plain NEON multiply-accumulates 16-bit values (smlal).
      int64_t group = 4;
      if ((kind == Isa::Avx2 && !(w && KernelBuilder::avx2IsExact(p, *w))) ||
          kind == Isa::Sse2)
        group = 2;
      else if (kind == Isa::Neon)
        group = 1;
      OpBuilder b(p.op);
      KernelBuilder kb(b, p.op.getLoc(), p, kind, group);
      Value res = w ? kb.build(ArrayRef<int64_t>(*w)) : kb.build(std::nullopt);
      p.op.getResult(0).replaceAllUsesWith(res);
      p.op.erase();
    }
  }
};

/// Lowers one lowbit.dot4 for `isa` (see the pass description).
void lowerDot4(lowbit::Dot4Op op, StringRef isa) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  VectorType accType = op.getAcc().getType();
  int64_t lanes = accType.getNumElements();
  auto call = [&](Type type, StringRef name, ValueRange args) {
    return LLVM::CallIntrinsicOp::create(b, loc, type, b.getStringAttr(name),
                                         args)
        .getResult(0);
  };
  Value result;
  bool unsignedLhs = !op.getSignedLhs();
  if (isa == "neon-dotprod" && lanes == 4 && !unsignedLhs) {
    result = call(accType, "llvm.aarch64.neon.sdot.v4i32.v16i8",
                  {op.getAcc(), op.getLhs(), op.getRhs()});
  } else if (isa == "avx512-vnni" && lanes == 16 && unsignedLhs) {
    result = call(accType, "llvm.x86.avx512.vpdpbusd.512",
                  {op.getAcc(), op.getLhs(), op.getRhs()});
  } else if (isa == "avx-vnni" && lanes == 8 && unsignedLhs) {
    result = call(accType, "llvm.x86.avx512.vpdpbusd.256",
                  {op.getAcc(), op.getLhs(), op.getRhs()});
  } else if (isa == "avx2" && lanes == 8 && unsignedLhs &&
             op.getPairsFitI16()) {
    auto i16x16 = VectorType::get({16}, b.getI16Type());
    Value pairs =
        call(i16x16, "llvm.x86.avx2.pmadd.ub.sw", {op.getLhs(), op.getRhs()});
    Value ones = splatConstant(b, loc, i16x16, b.getI16IntegerAttr(1));
    Value quads = call(accType, "llvm.x86.avx2.pmadd.wd", {pairs, ones});
    result = arith::AddIOp::create(b, loc, op.getAcc(), quads);
  } else {
    auto wide = VectorType::get({4 * lanes}, b.getI32Type());
    Value u = unsignedLhs
                  ? Value(arith::ExtUIOp::create(b, loc, wide, op.getLhs()))
                  : Value(arith::ExtSIOp::create(b, loc, wide, op.getLhs()));
    Value s = arith::ExtSIOp::create(b, loc, wide, op.getRhs());
    Value prod = arith::MulIOp::create(b, loc, u, s);
    // Lane i adds products 4i..4i+3: four strided shuffles.
    result = op.getAcc();
    for (int64_t j = 0; j < 4; ++j) {
      SmallVector<int64_t> mask;
      for (int64_t i = 0; i < lanes; ++i)
        mask.push_back(4 * i + j);
      Value part = vector::ShuffleOp::create(b, loc, prod, prod, mask);
      result = arith::AddIOp::create(b, loc, result, part);
    }
  }
  op.getResult().replaceAllUsesWith(result);
  op.erase();
}

/// Lowers one lowbit.dot2 for `isa`: vpmaddwd where the registers fit.
void lowerDot2(lowbit::Dot2Op op, StringRef isa) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  VectorType accType = op.getAcc().getType();
  int64_t lanes = accType.getNumElements();
  Value pairs;
  StringRef name;
  if ((isa == "avx2" || isa == "avx-vnni") && lanes == 8)
    name = "llvm.x86.avx2.pmadd.wd";
  else if ((isa == "sse2" || isa == "avx2" || isa == "avx-vnni" ||
            isa == "avx512-vnni") &&
           lanes == 4)
    name = "llvm.x86.sse2.pmadd.wd";
  else if (isa == "avx512-vnni" && lanes == 16)
    name = "llvm.x86.avx512.pmaddw.d.512";
  if (!name.empty()) {
    pairs =
        LLVM::CallIntrinsicOp::create(b, loc, accType, b.getStringAttr(name),
                                      ValueRange{op.getLhs(), op.getRhs()})
            .getResult(0);
  } else {
    auto wide = VectorType::get({2 * lanes}, b.getI32Type());
    Value prod = arith::MulIOp::create(
        b, loc, arith::ExtSIOp::create(b, loc, wide, op.getLhs()),
        arith::ExtSIOp::create(b, loc, wide, op.getRhs()));
    SmallVector<int64_t> even, odd;
    for (int64_t i = 0; i < lanes; ++i) {
      even.push_back(2 * i);
      odd.push_back(2 * i + 1);
    }
    pairs = arith::AddIOp::create(
        b, loc, vector::ShuffleOp::create(b, loc, prod, prod, even),
        vector::ShuffleOp::create(b, loc, prod, prod, odd));
  }
  op.getResult().replaceAllUsesWith(
      arith::AddIOp::create(b, loc, op.getAcc(), pairs).getResult());
  op.erase();
}

struct LowerDot4Pass
    : public mlir::lowbit::impl::LowBitLowerDot4Base<LowerDot4Pass> {
  using LowBitLowerDot4Base::LowBitLowerDot4Base;

  void runOnOperation() override {
    if (isa != "none" && isa != "sse2" && isa != "avx2" && isa != "avx-vnni" &&
        isa != "avx512-vnni" && isa != "neon" && isa != "neon-dotprod") {
      getOperation()->emitError()
          << "unknown isa '" << isa
          << "' for --lowbit-lower-dot4; expected none, sse2, avx2, "
             "avx-vnni, avx512-vnni, neon or neon-dotprod";
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa_and_present<lowbit::Dot4Op, lowbit::Dot2Op>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto dot4 = dyn_cast<lowbit::Dot4Op>(op))
        lowerDot4(dot4, isa);
      else
        lowerDot2(cast<lowbit::Dot2Op>(op), isa);
    }
  }
};

} // namespace
