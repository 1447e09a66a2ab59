//===- Match.cpp - recognize the integer contractions ---------------------===//
//
// Part of the lowbit project.
//
// The contractions are recognized by structure (indexing maps, iterator
// types and the body), so any linalg.generic of that shape gets a kernel,
// not only the ones --lowbit-lower-quantized writes.
//
//===----------------------------------------------------------------------===//

#include "DotKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::lowbit::dotkernels;

namespace {

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

} // namespace

std::optional<Problem>
mlir::lowbit::dotkernels::matchProblem(linalg::GenericOp op) {
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

  ArrayRef<int64_t> aShape = cast<RankedTensorType>(p.act.getType()).getShape();
  ArrayRef<int64_t> fShape =
      cast<RankedTensorType>(p.filter.getType()).getShape();
  std::optional<ContractionShape> shape = matchContractionShape(
      op.getIndexingMapsArray(), op.getIteratorTypesArray(), aShape, fShape,
      cast<RankedTensorType>(p.init.getType()).getShape(),
      /*weightsNMajor=*/false);
  if (!shape)
    return std::nullopt;
  static_cast<ContractionShape &>(p) = *shape;
  if (p.isMatmul || p.g == 1)
    return p;
  // Depthwise: one input and one output channel per group, kept as `oc`
  // channels of one group.
  if (fShape[1] != 1 || fShape[4] != 1)
    return std::nullopt;
  p.isDepthwise = true;
  p.oc = p.g;
  p.g = 1;
  return p;
}

std::optional<ContractionShape> mlir::lowbit::dotkernels::matchContractionShape(
    ArrayRef<AffineMap> maps, ArrayRef<utils::IteratorType> iters,
    ArrayRef<int64_t> act, ArrayRef<int64_t> filter, ArrayRef<int64_t> out,
    bool weightsNMajor) {
  if (maps.size() != 3 || iters.empty())
    return std::nullopt;
  MLIRContext *ctx = maps[0].getContext();
  auto par = utils::IteratorType::parallel,
       red = utils::IteratorType::reduction;
  auto dims = [&](unsigned n, ArrayRef<unsigned> pos) {
    SmallVector<AffineExpr> e;
    for (unsigned i : pos)
      e.push_back(getAffineDimExpr(i, ctx));
    return AffineMap::get(n, 0, e, ctx);
  };
  ContractionShape s;
  if (iters.size() == 3) {
    // (m, n, k): act [M, K], weights [K, N] or [N, K], out [M, N].
    if (iters != ArrayRef<utils::IteratorType>{par, par, red} ||
        maps[0] != dims(3, {0, 2}) ||
        maps[1] != (weightsNMajor ? dims(3, {1, 2}) : dims(3, {2, 1})) ||
        maps[2] != dims(3, {0, 1}))
      return std::nullopt;
    s.isMatmul = true;
    s.ow = act[0];
    s.c = act[1];
    s.oc = filter[weightsNMajor ? 0 : 1];
    return s;
  }
  if (iters.size() == 4) {
    // (b, m, n, k) with weights shared by the batch.
    if (iters != ArrayRef<utils::IteratorType>{par, par, par, red} ||
        maps[0] != dims(4, {0, 1, 3}) ||
        maps[1] != (weightsNMajor ? dims(4, {2, 3}) : dims(4, {3, 2})) ||
        maps[2] != dims(4, {0, 1, 2}))
      return std::nullopt;
    s.isMatmul = true;
    s.matmulBatch = act[0];
    s.ow = act[0] * act[1];
    s.c = act[2];
    s.oc = filter[weightsNMajor ? 0 : 1];
    return s;
  }
  std::optional<ConvWindow> window = matchConvWindow(maps, iters);
  if (!window || act.size() != 5 || filter.size() != 5 || out.size() != 5)
    return std::nullopt;
  s.sh = window->sh;
  s.dh = window->dh;
  s.sw = window->sw;
  s.dw = window->dw;
  s.batch = out[0];
  s.oh = out[1];
  s.ow = out[2];
  s.g = out[3];
  s.oc = out[4];
  s.kh = filter[2];
  s.kw = filter[3];
  s.c = filter[4];
  return s;
}

std::optional<ConvWindow>
mlir::lowbit::dotkernels::matchConvWindow(ArrayRef<AffineMap> maps,
                                          ArrayRef<utils::IteratorType> iters) {
  if (maps.size() != 3 || iters.size() != 8 || maps[0].getNumDims() != 8)
    return std::nullopt;
  MLIRContext *ctx = maps[0].getContext();
  for (unsigned i = 0; i < 8; ++i)
    if ((i < 5) != (iters[i] == utils::IteratorType::parallel))
      return std::nullopt;
  auto dims = [&](ArrayRef<unsigned> pos) {
    SmallVector<AffineExpr> e;
    for (unsigned i : pos)
      e.push_back(getAffineDimExpr(i, ctx));
    return AffineMap::get(8, 0, e, ctx);
  };
  AffineMap in = maps[0];
  if (maps[1] != dims({3, 4, 5, 6, 7}) || maps[2] != dims({0, 1, 2, 3, 4}) ||
      in.getNumResults() != 5 || in.getResult(0) != getAffineDimExpr(0, ctx) ||
      in.getResult(3) != getAffineDimExpr(3, ctx) ||
      in.getResult(4) != getAffineDimExpr(7, ctx))
    return std::nullopt;
  FailureOr<SmallVector<int64_t>> h = linearCoefficients(in.getResult(1), 8);
  FailureOr<SmallVector<int64_t>> w = linearCoefficients(in.getResult(2), 8);
  if (failed(h) || failed(w))
    return std::nullopt;
  // Only d1*sh + d5*dh and d2*sw + d6*dw, with positive factors.
  for (int i = 0; i <= 8; ++i)
    if ((i != 1 && i != 5 && (*h)[i] != 0) ||
        (i != 2 && i != 6 && (*w)[i] != 0))
      return std::nullopt;
  ConvWindow win{(*h)[1], (*w)[2], (*h)[5], (*w)[6]};
  if (win.sh <= 0 || win.dh <= 0 || win.sw <= 0 || win.dw <= 0)
    return std::nullopt;
  return win;
}

std::optional<SmallVector<int64_t>>
mlir::lowbit::dotkernels::constantValues(Value v, bool isSigned, bool binary) {
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

std::optional<int64_t> mlir::lowbit::dotkernels::getConstantFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  IntegerAttr v;
  if (fill && matchPattern(fill.getInputs()[0], m_Constant(&v)))
    return v.getInt();
  return std::nullopt;
}

Value mlir::lowbit::dotkernels::kernelDestination(OpBuilder &b, Location loc,
                                                  Value init) {
  if (!getConstantFill(init))
    return init;
  auto t = cast<RankedTensorType>(init.getType());
  return tensor::EmptyOp::create(b, loc, t.getShape(), t.getElementType());
}

/// Coefficients of a linear expression in dims (the constant last), or
/// failure for anything that is not a sum of dim * constant terms.
FailureOr<SmallVector<int64_t>>
mlir::lowbit::dotkernels::linearCoefficients(AffineExpr e, unsigned numDims) {
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
