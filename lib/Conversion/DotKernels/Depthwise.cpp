//===- Depthwise.cpp - depthwise conv2d kernel ----------------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "DotKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::lowbit::dotkernels;

/// Depthwise conv2d with constant weights: one multiply-add per tap and
/// channel, vectorized across channels (which NHWC keeps contiguous), with
/// a tile of 4 output pixels x 2 vectors of channels in registers. The
/// activations are widened to 16 and then 32 bits and the weights stored as
/// 16-bit values, so NEON multiply-accumulates with smlal and x86 multiplies
/// 32-bit lanes. The exact int32 sums of the generic loops.
Value mlir::lowbit::dotkernels::buildDepthwise(OpBuilder &b, Location loc,
                                               const Problem &p, Isa kind,
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
  Value a = activationBytes(b, loc, p);
  SmallVector<int16_t> packed;
  for (int64_t y = 0; y < p.kh; ++y)
    for (int64_t x = 0; x < p.kw; ++x)
      for (int64_t g = 0; g < blocks * lanes; ++g)
        packed.push_back(
            static_cast<int16_t>(g < p.oc ? w[(g * p.kh + y) * p.kw + x] : 0));
  Value wts = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({p.kh, p.kw, blocks * lanes}, b.getI16Type()),
          ArrayRef<int16_t>(packed)));
  auto initType = cast<RankedTensorType>(p.init.getType());
  SmallVector<ReassociationIndices> outAssoc = {{0}, {1}, {2}, {3, 4}};
  Value out4 = tensor::CollapseShapeOp::create(
      b, loc,
      RankedTensorType::get({p.batch, p.oh, p.ow, p.oc}, b.getI32Type()),
      kernelDestination(b, loc, p.init), outAssoc);
  std::optional<int64_t> fillValue = getConstantFill(p.init);

  Value zero8 = arith::ConstantIntOp::create(b, loc, 0, 8);
  Value zero16 = arith::ConstantIntOp::create(b, loc, 0, 16);
  auto loop = [&](int64_t ub, int64_t step, ValueRange iter,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    return buildLoop(b, loc, ub, step, iter, body);
  };

  Value result = buildTileLoops(
      b, loc, p, rows, cols, blocks, /*blocksOutside=*/false, out4,
      [&](const TileCoords &at, Value out) -> Value {
        Value bi = at.batch, ohi = at.oh;
        ArrayRef<Value> rowIdx = at.rows;
        SmallVector<Value> chIdx;
        for (Value blk : at.blocks)
          chIdx.push_back(arith::MulIOp::create(b, loc, blk, idx(lanes)));
        TilePlace place{bi, ohi, llvm::to_vector(rowIdx), chIdx, channelsExact};
        SmallVector<Value> accs = loadTile(b, loc, out, fillValue, i32v, place);
        SmallVector<Value> done =
            loop(p.kh, 1, accs, [&](Value y, ValueRange a0) {
              return loop(p.kw, 1, a0, [&](Value x, ValueRange in) {
                Value ih = windowIndex(b, loc, ohi, p.sh, y, p.dh);
                SmallVector<Value> wv, next;
                for (int64_t t = 0; t < cols; ++t)
                  wv.push_back(arith::ExtSIOp::create(
                      b, loc, i32v,
                      vector::TransferReadOp::create(
                          b, loc, i16v, wts, ValueRange{y, x, chIdx[t]}, zero16,
                          ArrayRef<bool>{true})));
                for (int64_t r = 0; r < rows; ++r) {
                  Value iw = windowIndex(b, loc, rowIdx[r], p.sw, x, p.dw);
                  for (int64_t t = 0; t < cols; ++t) {
                    Value av = vector::TransferReadOp::create(
                        b, loc, i8v, a, ValueRange{bi, ih, iw, chIdx[t]}, zero8,
                        ArrayRef<bool>{channelsExact});
                    Value a16 = extendInt(b, loc, i16v, av, p.actSigned);
                    Value prod = arith::MulIOp::create(
                        b, loc, arith::ExtSIOp::create(b, loc, i32v, a16),
                        wv[t]);
                    next.push_back(
                        arith::AddIOp::create(b, loc, in[r * cols + t], prod));
                  }
                }
                return next;
              });
            });
        return storeTile(b, loc, out, done, place);
      });
  return tensor::ExpandShapeOp::create(b, loc, initType, result, outAssoc);
}
