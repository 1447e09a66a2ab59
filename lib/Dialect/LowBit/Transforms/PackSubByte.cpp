//===- PackSubByte.cpp - pack 2- and 4-bit tensors into bytes -------------===//
//
// Part of the lowbit project.
//
// LLVM lays out an iN element with N < 8 in a whole byte. Weights and the
// tensors a caller hands over are what take memory, so those are packed:
// constants and public function arguments/results. Inside a function the
// values are unpacked once into i4/i2 tensors, which later lowering stages
// handle like any integer tensor.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSet.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITPACKSUBBYTE
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;

/// The tensor types this pass packs: static i1/i2/i4 tensors (i1 only at
/// function boundaries: binary constants are packed into words by the
/// binary lowering, and i1 masks are not data).
static bool isPackable(Type type, bool allowI1 = true) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape())
    return false;
  auto i = dyn_cast<IntegerType>(t.getElementType());
  return i && (i.getWidth() == 2 || i.getWidth() == 4 ||
               (allowI1 && i.getWidth() == 1));
}

static RankedTensorType packedType(RankedTensorType t) {
  unsigned width = t.getElementTypeBitWidth();
  int64_t perByte = 8 / width;
  return RankedTensorType::get(
      {static_cast<int64_t>(llvm::divideCeil(t.getNumElements(), perByte))},
      IntegerType::get(t.getContext(), 8));
}

/// Packs stored values (sign-extended as APInt of the element width).
static DenseElementsAttr packAttr(DenseElementsAttr attr) {
  auto t = cast<RankedTensorType>(attr.getType());
  unsigned width = t.getElementTypeBitWidth();
  int64_t perByte = 8 / width;
  RankedTensorType pt = packedType(t);
  SmallVector<APInt> bytes(pt.getNumElements(), APInt(8, 0));
  int64_t i = 0;
  for (const APInt &v : attr.getValues<APInt>()) {
    uint64_t bits = v.getZExtValue() & ((1u << width) - 1);
    APInt &byte = bytes[i / perByte];
    byte |= APInt(8, bits << ((i % perByte) * width));
    ++i;
  }
  return DenseElementsAttr::get(pt, bytes);
}

/// Unpacks a 1-D i8 tensor into `type` (row-major order).
static Value buildUnpack(OpBuilder &b, Location loc, Value packed,
                         RankedTensorType type) {
  unsigned width = type.getElementTypeBitWidth();
  int64_t perByte = 8 / width;
  int64_t rank = type.getRank();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * type.getDimSize(d + 1);
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, type, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{
          AffineMap::getMultiDimIdentityMap(rank, b.getContext())},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        Value flat = arith::ConstantIndexOp::create(nb, l, 0);
        for (int64_t d = 0; d < rank; ++d) {
          Value idx = linalg::IndexOp::create(nb, l, d);
          Value s = arith::ConstantIndexOp::create(nb, l, strides[d]);
          flat = arith::AddIOp::create(nb, l, flat,
                                       arith::MulIOp::create(nb, l, idx, s));
        }
        Value per = arith::ConstantIndexOp::create(nb, l, perByte);
        Value byteIdx = arith::DivUIOp::create(nb, l, flat, per);
        Value slot = arith::RemUIOp::create(nb, l, flat, per);
        Value byte = tensor::ExtractOp::create(nb, l, packed, byteIdx);
        Value shift = arith::IndexCastOp::create(
            nb, l, nb.getI8Type(),
            arith::MulIOp::create(
                nb, l, slot, arith::ConstantIndexOp::create(nb, l, width)));
        Value v = arith::ShRUIOp::create(nb, l, byte, shift);
        v = arith::TruncIOp::create(nb, l, type.getElementType(), v);
        linalg::YieldOp::create(nb, l, v);
      });
  return generic.getResult(0);
}

/// Packs an i2/i4 tensor into 1-D i8 bytes.
static Value buildPack(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  unsigned width = type.getElementTypeBitWidth();
  int64_t perByte = 8 / width;
  int64_t n = type.getNumElements();
  RankedTensorType pt = packedType(type);
  Value flatValue = value;
  if (type.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    flatValue = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n}, type.getElementType()), value,
        ArrayRef<ReassociationIndices>{all});
  }
  if (type.getRank() == 0)
    flatValue = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1}, type.getElementType()), value,
        ArrayRef<ReassociationIndices>{});
  Value init = tensor::EmptyOp::create(b, loc, pt.getShape(), b.getI8Type());
  auto generic = linalg::GenericOp::create(
      b, loc, pt, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(1, b.getContext())},
      SmallVector<utils::IteratorType>(1, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        Value i = linalg::IndexOp::create(nb, l, 0);
        Value acc = arith::ConstantIntOp::create(nb, l, nb.getI8Type(), 0);
        for (int64_t s = 0; s < perByte; ++s) {
          Value idx = arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(
                  nb, l, i, arith::ConstantIndexOp::create(nb, l, perByte)),
              arith::ConstantIndexOp::create(nb, l, s));
          // Past the last element the padding bits stay 0.
          Value inRange =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, idx,
                                    arith::ConstantIndexOp::create(nb, l, n));
          Value safe = arith::SelectOp::create(
              nb, l, inRange, idx, arith::ConstantIndexOp::create(nb, l, 0));
          Value v = tensor::ExtractOp::create(nb, l, flatValue, safe);
          Value byte = arith::ExtUIOp::create(nb, l, nb.getI8Type(), v);
          byte = arith::SelectOp::create(
              nb, l, inRange, byte,
              arith::ConstantIntOp::create(nb, l, nb.getI8Type(), 0));
          byte = arith::ShLIOp::create(
              nb, l, byte,
              arith::ConstantIntOp::create(nb, l, nb.getI8Type(), s * width));
          acc = arith::OrIOp::create(nb, l, acc, byte);
        }
        linalg::YieldOp::create(nb, l, acc);
      });
  return generic.getResult(0);
}

/// Replaces the uses of `from` except those inside the op defining `to`
/// (whose body reads the packed bytes).
static void replaceOutside(Value from, Value to) {
  Operation *unpack = to.getDefiningOp();
  from.replaceUsesWithIf(
      to, [&](OpOperand &use) { return !unpack->isAncestor(use.getOwner()); });
}

/// `op` packs the i1 tensor `bits` [..., K] into 64-bit words [..., K/64]
/// as --lowbit-lower-binary writes it: an expand_shape to [..., K/64, 64]
/// and a generic that ORs `zext(bit) << index` into a zero-filled word.
static bool isWordPackOf(linalg::GenericOp op, Value bits) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1)
    return false;
  auto expand = op.getDpsInputs()[0].getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand || expand.getSrc() != bits)
    return false;
  auto in = cast<RankedTensorType>(expand.getResultType());
  auto out = dyn_cast<RankedTensorType>(op.getResult(0).getType());
  if (!out || !out.getElementType().isInteger(64) ||
      in.getShape().back() != 64 || out.getRank() + 1 != in.getRank() ||
      out.getShape() != in.getShape().drop_back())
    return false;
  int64_t rank = out.getRank();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!maps[0].isIdentity() ||
      maps[1] != AffineMap::getMultiDimIdentityMap(rank + 1, op.getContext())
                     .getMajorSubMap(rank))
    return false;
  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  IntegerAttr zero;
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&zero)) ||
      !zero.getValue().isZero())
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto orOp = yield.getValues()[0].getDefiningOp<arith::OrIOp>();
  if (!orOp || orOp.getLhs() != body.getArgument(1))
    return false;
  auto shl = orOp.getRhs().getDefiningOp<arith::ShLIOp>();
  auto ext = shl ? shl.getLhs().getDefiningOp<arith::ExtUIOp>() : nullptr;
  auto cast_ = shl ? shl.getRhs().getDefiningOp<arith::IndexCastOp>() : nullptr;
  auto index = cast_ ? cast_.getIn().getDefiningOp<linalg::IndexOp>() : nullptr;
  return ext && ext.getIn() == body.getArgument(0) && index &&
         index.getDim() == static_cast<uint64_t>(rank);
}

/// 64-bit words [..., Kw] (`type`) read from the C ABI's packed bytes (1-D,
/// 8 values per byte, least-significant bit first): with rows of a whole
/// number of words, word w of row r is bytes 8 (r Kw + w) .. + 7, little-
/// endian, so no bit moves.
static Value wordsFromBytes(OpBuilder &b, Location loc, Value bytes,
                            RankedTensorType type) {
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  shape.push_back(8);
  ReassociationIndices all;
  for (int64_t d = 0; d <= rank; ++d)
    all.push_back(d);
  Value view = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, b.getI8Type()), bytes,
      ArrayRef<ReassociationIndices>{all});
  Value zero = arith::ConstantIntOp::create(b, loc, b.getI64Type(), 0);
  Value init =
      linalg::FillOp::create(
          b, loc, zero,
          tensor::EmptyOp::create(b, loc, type.getShape(), b.getI64Type())
              .getResult())
          .getResult(0);
  MLIRContext *ctx = b.getContext();
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, type, view, init,
             ArrayRef<AffineMap>{
                 AffineMap::getMultiDimIdentityMap(rank + 1, ctx),
                 AffineMap::getMultiDimIdentityMap(rank + 1, ctx)
                     .getMajorSubMap(rank)},
             iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value byte =
                   arith::ExtUIOp::create(nb, l, nb.getI64Type(), a[0]);
               Value pos = arith::IndexCastOp::create(
                   nb, l, nb.getI64Type(),
                   arith::MulIOp::create(
                       nb, l, linalg::IndexOp::create(nb, l, rank),
                       arith::ConstantIndexOp::create(nb, l, 8)));
               Value shifted = arith::ShLIOp::create(nb, l, byte, pos);
               linalg::YieldOp::create(
                   nb, l, Value(arith::OrIOp::create(nb, l, a[1], shifted)));
             })
      .getResult(0);
}

/// Replaces each packing of the i1 tensor `bits` into 64-bit words (as
/// --lowbit-lower-binary writes it) by `words(loc, type)`.
static void
replaceWordPacks(OpBuilder &b, Value bits,
                 function_ref<Value(Location, RankedTensorType)> words) {
  for (Operation *user : llvm::make_early_inc_range(bits.getUsers())) {
    auto expand = dyn_cast<tensor::ExpandShapeOp>(user);
    if (!expand)
      continue;
    for (Operation *next : llvm::make_early_inc_range(expand->getUsers())) {
      auto pack = dyn_cast<linalg::GenericOp>(next);
      if (!pack || !isWordPackOf(pack, bits))
        continue;
      b.setInsertionPoint(pack);
      pack.getResult(0).replaceAllUsesWith(words(
          pack.getLoc(), cast<RankedTensorType>(pack.getResult(0).getType())));
      pack.erase();
    }
    if (expand->use_empty())
      expand.erase();
  }
}

/// Binary layers pack their operand into 64-bit words; for a binary
/// function argument whose rows are whole words, those words are the C
/// ABI's bytes, read directly instead of unpacking every bit and packing
/// it again.
static void readWordsInPlace(OpBuilder &b, Value bits, Value bytes) {
  replaceWordPacks(b, bits, [&](Location loc, RankedTensorType type) {
    return wordsFromBytes(b, loc, bytes, type);
  });
}

/// The plane `value != 0` (mask) or `value < 0` (sign) of an i2 tensor, as
/// --lowbit-lower-binary computes it for a ternary operand; `isSign` says
/// which.
static bool isTernaryPlaneOf(linalg::GenericOp op, Value values, bool &isSign) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getDpsInputs()[0] != values ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto cmp = yield.getValues()[0].getDefiningOp<arith::CmpIOp>();
  IntegerAttr zero;
  if (!cmp || cmp.getLhs() != body.getArgument(0) ||
      !matchPattern(cmp.getRhs(), m_Constant(&zero)) ||
      !zero.getValue().isZero())
    return false;
  if (cmp.getPredicate() == arith::CmpIPredicate::ne)
    isSign = false;
  else if (cmp.getPredicate() == arith::CmpIPredicate::slt)
    isSign = true;
  else
    return false;
  return true;
}

/// The mask or sign plane of ternary values as 64-bit words [..., Kw]
/// (`type`), read from the C ABI's packed bytes (1-D, four 2-bit values per
/// byte, lowest bits first) when rows are whole words: each word is the 16
/// bytes of its 64 values, read as two 64-bit halves whose bit pairs are
/// reduced to one bit (low bit | high bit for the mask, high bit for the
/// sign) and compressed.
static Value planeFromCrumbs(OpBuilder &b, Location loc, Value bytes,
                             RankedTensorType type, bool isSign) {
  int64_t rank = type.getRank();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * type.getDimSize(d + 1);
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), b.getI64Type());
  auto generic = linalg::GenericOp::create(
      b, loc, type, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{
          AffineMap::getMultiDimIdentityMap(rank, b.getContext())},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto i64c = [&](uint64_t v) -> Value {
          return arith::ConstantIntOp::create(nb, l, nb.getI64Type(),
                                              static_cast<int64_t>(v));
        };
        auto idx = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        Value flat = idx(0);
        for (int64_t d = 0; d < rank; ++d)
          flat = arith::AddIOp::create(
              nb, l, flat,
              arith::MulIOp::create(nb, l, linalg::IndexOp::create(nb, l, d),
                                    idx(strides[d])));
        Value base = arith::MulIOp::create(nb, l, flat, idx(16));
        Value word = i64c(0);
        for (int64_t h = 0; h < 2; ++h) {
          // 32 values in one little-endian 64-bit half.
          Value v = i64c(0);
          for (int64_t j = 0; j < 8; ++j) {
            Value at = arith::AddIOp::create(nb, l, base, idx(h * 8 + j));
            Value byte = arith::ExtUIOp::create(
                nb, l, nb.getI64Type(),
                tensor::ExtractOp::create(nb, l, bytes, at));
            v = arith::OrIOp::create(
                nb, l, v, arith::ShLIOp::create(nb, l, byte, i64c(8 * j)));
          }
          Value hi = arith::ShRUIOp::create(nb, l, v, i64c(1));
          v = isSign ? hi : arith::OrIOp::create(nb, l, v, hi);
          // Keep the even bits and pack them together.
          static const uint64_t masks[] = {
              0x5555555555555555ULL, 0x3333333333333333ULL,
              0x0F0F0F0F0F0F0F0FULL, 0x00FF00FF00FF00FFULL,
              0x0000FFFF0000FFFFULL, 0x00000000FFFFFFFFULL};
          v = arith::AndIOp::create(nb, l, v, i64c(masks[0]));
          for (int64_t s = 1; s < 6; ++s) {
            Value shifted =
                arith::ShRUIOp::create(nb, l, v, i64c(int64_t(1) << (s - 1)));
            v = arith::AndIOp::create(
                nb, l, arith::OrIOp::create(nb, l, v, shifted), i64c(masks[s]));
          }
          word = arith::OrIOp::create(
              nb, l, word, arith::ShLIOp::create(nb, l, v, i64c(32 * h)));
        }
        linalg::YieldOp::create(nb, l, word);
      });
  return generic.getResult(0);
}

/// The ternary counterpart of readWordsInPlace: the mask and sign planes
/// of a ternary argument, packed into words by a binary layer, are read
/// from the C ABI's bytes instead of unpacking every value first.
static void readPlanesInPlace(OpBuilder &b, Value values, Value bytes) {
  for (Operation *user : llvm::make_early_inc_range(values.getUsers())) {
    auto plane = dyn_cast<linalg::GenericOp>(user);
    bool isSign = false;
    if (!plane || !isTernaryPlaneOf(plane, values, isSign))
      continue;
    replaceWordPacks(b, plane.getResult(0),
                     [&](Location loc, RankedTensorType type) {
                       return planeFromCrumbs(b, loc, bytes, type, isSign);
                     });
    if (plane->use_empty())
      plane.erase();
  }
}

namespace {
struct PackSubBytePass
    : public mlir::lowbit::impl::LowBitPackSubByteBase<PackSubBytePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(module.getContext());

    // Constants.
    module.walk([&](arith::ConstantOp op) {
      auto attr = dyn_cast<DenseElementsAttr>(op.getValue());
      if (!attr || attr.isSplat() ||
          !isPackable(op.getType(), /*allowI1=*/false))
        return;
      b.setInsertionPoint(op);
      Value packed = arith::ConstantOp::create(b, op.getLoc(), packAttr(attr));
      Value unpacked = buildUnpack(b, op.getLoc(), packed,
                                   cast<RankedTensorType>(op.getType()));
      op.replaceAllUsesWith(unpacked);
      op.erase();
    });

    // Public function boundaries.
    llvm::StringSet<> packed;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isPrivate() || func.isExternal())
        continue;
      FunctionType type = func.getFunctionType();
      SmallVector<Type> inputs(type.getInputs()), results(type.getResults());
      Block &entry = func.getBody().front();
      b.setInsertionPointToStart(&entry);
      for (auto [i, t] : llvm::enumerate(type.getInputs())) {
        if (!isPackable(t))
          continue;
        auto tensor = cast<RankedTensorType>(t);
        BlockArgument arg = entry.getArgument(i);
        inputs[i] = packedType(tensor);
        arg.setType(inputs[i]);
        Value unpacked = buildUnpack(b, func.getLoc(), arg, tensor);
        replaceOutside(arg, unpacked);
        if (tensor.getElementType().isInteger(1)) {
          OpBuilder::InsertionGuard guard(b);
          readWordsInPlace(b, unpacked, arg);
        } else if (tensor.getElementType().isInteger(2)) {
          OpBuilder::InsertionGuard guard(b);
          readPlanesInPlace(b, unpacked, arg);
        }
      }
      for (auto [i, t] : llvm::enumerate(type.getResults()))
        if (isPackable(t))
          results[i] = packedType(cast<RankedTensorType>(t));
      func.walk([&](func::ReturnOp ret) {
        b.setInsertionPoint(ret);
        for (OpOperand &operand : ret->getOpOperands())
          if (isPackable(operand.get().getType()))
            operand.set(buildPack(b, ret.getLoc(), operand.get()));
      });
      func.setFunctionType(
          FunctionType::get(func.getContext(), inputs, results));
      packed.insert(func.getSymName());
    }

    // Calls inside the module pack their arguments and unpack the results.
    module.walk([&](func::CallOp call) {
      if (!packed.contains(call.getCallee()))
        return;
      b.setInsertionPoint(call);
      for (OpOperand &operand : call->getOpOperands())
        if (isPackable(operand.get().getType()))
          operand.set(buildPack(b, call.getLoc(), operand.get()));
      b.setInsertionPointAfter(call);
      for (OpResult result : call->getResults()) {
        auto type = dyn_cast<RankedTensorType>(result.getType());
        if (!type || !isPackable(type))
          continue;
        result.setType(packedType(type));
        Value unpacked = buildUnpack(b, call.getLoc(), result, type);
        replaceOutside(result, unpacked);
      }
    });
  }
};
} // namespace
