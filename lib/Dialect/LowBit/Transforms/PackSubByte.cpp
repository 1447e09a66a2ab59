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
