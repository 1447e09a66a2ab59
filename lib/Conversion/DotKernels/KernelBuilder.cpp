//===- KernelBuilder.cpp - register-tiled dot-product kernels -------------===//
//
// Part of the lowbit project.
//
// The kernel for matmul and conv2d: a tile of R output pixels x T vectors of
// L int32 channels held in SSA values across the reduction loops, the
// activations broadcast G reduction elements at a time, the weights packed
// as [OC/L][KH][KW][C/G][L*G] so that one vector load feeds one
// instruction.
//
//===----------------------------------------------------------------------===//

#include "DotKernels.h"

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::lowbit::dotkernels;

Value mlir::lowbit::dotkernels::splatConstant(OpBuilder &b, Location loc,
                                              VectorType type,
                                              Attribute value) {
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<Attribute>{value}));
}

Value mlir::lowbit::dotkernels::extendInt(OpBuilder &b, Location loc, Type type,
                                          Value v, bool isSigned) {
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, type, v);
  return arith::ExtUIOp::create(b, loc, type, v);
}

Value mlir::lowbit::dotkernels::activationBytes(OpBuilder &b, Location loc,
                                                const Problem &p) {
  Value a = p.act;
  auto t = cast<RankedTensorType>(a.getType());
  if (t.getElementType().getIntOrFloatBitWidth() < 8)
    a = extendInt(b, loc, RankedTensorType::get(t.getShape(), b.getI8Type()), a,
                  p.actSigned);
  ArrayRef<int64_t> s = t.getShape();
  if (!p.isMatmul)
    return tensor::CollapseShapeOp::create(
        b, loc,
        RankedTensorType::get({s[0], s[1], s[2], s[3] * s[4]}, b.getI8Type()),
        a, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  if (p.matmulBatch)
    a = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({p.ow, p.c}, b.getI8Type()), a,
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({1, 1, p.ow, p.c}, b.getI8Type()), a,
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
}

SmallVector<Value>
mlir::lowbit::dotkernels::loadTile(OpBuilder &b, Location loc, Value out,
                                   std::optional<int64_t> fill, VectorType type,
                                   const TilePlace &place) {
  SmallVector<Value> accs;
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
  for (Value row : place.rows)
    for (Value ch : place.channels)
      accs.push_back(
          fill ? splatConstant(b, loc, type, b.getI32IntegerAttr(*fill))
               : Value(vector::TransferReadOp::create(
                     b, loc, type, out,
                     ValueRange{place.batch, place.oh, row, ch}, zero,
                     ArrayRef<bool>{place.inBounds})));
  return accs;
}

Value mlir::lowbit::dotkernels::storeTile(OpBuilder &b, Location loc, Value out,
                                          ValueRange accs,
                                          const TilePlace &place) {
  size_t i = 0;
  for (Value row : place.rows)
    for (Value ch : place.channels)
      out = vector::TransferWriteOp::create(
                b, loc, accs[i++], out,
                ValueRange{place.batch, place.oh, row, ch},
                ArrayRef<bool>{place.inBounds})
                .getResult();
  return out;
}

SmallVector<Value> mlir::lowbit::dotkernels::buildLoop(
    OpBuilder &b, Location loc, int64_t ub, int64_t step, ValueRange iter,
    function_ref<SmallVector<Value>(Value, ValueRange)> body, bool parallel) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto forOp = scf::ForOp::create(
      b, loc, idx(0), idx(ub), idx(step), iter,
      [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(nb.getInsertionBlock());
        scf::YieldOp::create(b, loc, body(iv, args));
      });
  if (parallel)
    forOp->setAttr(kParallelLoopAttrName, b.getUnitAttr());
  return SmallVector<Value>(forOp.getResults());
}

void mlir::lowbit::dotkernels::keepRolled(OpBuilder &b, Value loopResult) {
  auto forOp = loopResult.getDefiningOp<scf::ForOp>();
  if (!forOp)
    return;
  MLIRContext *ctx = b.getContext();
  auto unroll = LLVM::LoopUnrollAttr::get(
      ctx, /*disable=*/b.getBoolAttr(true), /*count=*/{},
      /*runtimeDisable=*/{}, /*full=*/{}, /*followupUnrolled=*/{},
      /*followupRemainder=*/{}, /*followupAll=*/{});
  auto hint = LLVM::LoopAnnotationAttr::get(
      ctx, /*disableNonforced=*/{}, /*vectorize=*/{}, /*interleave=*/{}, unroll,
      /*unrollAndJam=*/{}, /*licm=*/{}, /*distribute=*/{},
      /*pipeline=*/{}, /*peeled=*/{}, /*unswitch=*/{}, /*mustProgress=*/{},
      /*isVectorized=*/{}, /*startLoc=*/{}, /*endLoc=*/{},
      /*parallelAccesses=*/{});
  forOp->setAttr("llvm.loop_annotation", hint);
}

Value mlir::lowbit::dotkernels::minIndex(OpBuilder &b, Location loc, Value v,
                                         int64_t bound) {
  return arith::MinSIOp::create(b, loc, v,
                                arith::ConstantIndexOp::create(b, loc, bound));
}

Value mlir::lowbit::dotkernels::windowIndex(OpBuilder &b, Location loc, Value x,
                                            int64_t s, Value y, int64_t t) {
  auto times = [&](Value v, int64_t c) -> Value {
    return arith::MulIOp::create(b, loc, v,
                                 arith::ConstantIndexOp::create(b, loc, c));
  };
  Value xs = times(x, s);
  return arith::AddIOp::create(b, loc, xs, times(y, t));
}

Value mlir::lowbit::dotkernels::buildTileLoops(
    OpBuilder &b, Location loc, const ContractionShape &s, int64_t rows,
    int64_t cols, int64_t blocks, bool blocksOutside, Value init,
    function_ref<Value(const TileCoords &, Value)> body,
    bool channelTilesDisjoint) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto clamped = [&](Value first, int64_t n, int64_t last) {
    SmallVector<Value> v;
    for (int64_t i = 0; i < n; ++i)
      v.push_back(
          minIndex(b, loc, arith::AddIOp::create(b, loc, first, idx(i)), last));
    return v;
  };
  TileCoords at;
  auto one = [&](Value v) { return SmallVector<Value>{v}; };
  auto pixels = [&](ValueRange o, function_ref<Value(Value)> inner) {
    return buildLoop(b, loc, s.ow, rows, o, [&](Value ow0, ValueRange a) {
      at.rows = clamped(ow0, rows, s.ow - 1);
      return one(inner(a[0]));
    });
  };
  auto channels = [&](ValueRange o, function_ref<Value(Value)> inner) {
    return buildLoop(b, loc, blocks, cols, o, [&](Value blk0, ValueRange a) {
      at.blocks = clamped(blk0, cols, blocks - 1);
      return one(inner(a[0]));
    });
  };
  SmallVector<Value> result =
      buildLoop(b, loc, s.batch, 1, init, [&](Value bi, ValueRange o0) {
        at.batch = bi;
        return buildLoop(b, loc, s.oh, 1, o0, [&](Value ohi, ValueRange o1) {
          at.oh = ohi;
          return buildLoop(b, loc, s.g, 1, o1, [&](Value gi, ValueRange o2) {
            at.group = gi;
            auto tile = [&](Value out) { return body(at, out); };
            if (blocksOutside)
              return channels(
                  o2, [&](Value out) { return pixels(out, tile).front(); });
            return pixels(
                o2, [&](Value out) { return channels(out, tile).front(); });
          });
        });
      });
  // batch > rows > groups > tiles > tiles.
  unsigned channelDepth = blocksOutside ? 3 : 4;
  for (unsigned depth : {1u, 3u, 4u})
    if (depth != channelDepth || channelTilesDisjoint)
      markParallelLoop(result[0], depth);
  return result[0];
}

void mlir::lowbit::dotkernels::markParallelLoop(Value outer, unsigned depth) {
  auto forOp = outer.getDefiningOp<scf::ForOp>();
  for (unsigned d = 0; forOp && d < depth; ++d) {
    scf::ForOp inner;
    for (Operation &op : *forOp.getBody())
      if (auto f = dyn_cast<scf::ForOp>(op)) {
        inner = f;
        break;
      }
    forOp = inner;
  }
  // A loop of one iteration has nothing to split.
  if (forOp) {
    auto lb = getConstantIntValue(forOp.getLowerBound());
    auto ub = getConstantIntValue(forOp.getUpperBound());
    auto step = getConstantIntValue(forOp.getStep());
    if (lb && ub && step && *step > 0 && (*ub - *lb + *step - 1) / *step < 2)
      return;
    forOp->setAttr(kParallelLoopAttrName, UnitAttr::get(forOp.getContext()));
  }
}

namespace {

class KernelBuilder {
public:
  /// `group` = 4: bytes and lowbit.dot4; `group` = 2: values widened to
  /// 16 bits and lowbit.dot2; `group` = 1: 16-bit values multiplied and
  /// added into int32 lanes with plain arith ops (a widening
  /// multiply-accumulate such as NEON smlal).
  KernelBuilder(OpBuilder &b, Location loc, const Problem &p, Isa kind,
                int64_t group, WeightPacking packing)
      : b(b), loc(loc), p(p), kind(kind), info(getIsaInfo(kind)), group(group),
        packing(packing) {
    lanes = info.lanes;
    blocks = ceilDiv(p.oc, lanes);
    c4 = ceilDiv(p.c, group);
    c4Stored = c4;
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
    // The 16-bit kernels widen each activation anyway: subtracting the zero
    // point there (a - za fits in 16 bits for byte activations and any za
    // of the activation type's range) saves the per-channel correction
    // table of factor * sum(w).
    if (group != 4) {
      int64_t lo = p.actSigned ? -128 : 0, hi = p.actSigned ? 127 : 255;
      zeroInActivations =
          lo - p.actZero >= INT16_MIN && hi - p.actZero <= INT16_MAX;
    }
  }

  Value build(std::optional<ArrayRef<int64_t>> weights);

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
  void chooseWeightStorage(ArrayRef<int64_t> w);
  /// The stored weights at `indices`: one weight operand (byteType()), or
  /// with sub-byte storage the bytes holding `perByte` of them.
  Value loadWeights(Value packed, ValueRange indices);
  /// Weight operand `k` of the `perByte` ones that `loadWeights` read.
  Value unpackWeights(Value stored, int64_t k);
  /// 2^bits - 1 in every `width`-bit lane of a 32-bit word.
  uint32_t fieldMask(int64_t width) const {
    uint32_t mask = 0;
    for (int64_t f = 0; f < 32; f += width)
      mask |= ((1u << (8 / perByte)) - 1) << f;
    return mask;
  }
  Value dot(Value acc, Value actBytes, Value weightBytes);

  OpBuilder &b;
  Location loc;
  const Problem &p;
  Isa kind;
  IsaInfo info;
  int64_t group;
  WeightPacking packing;
  Type elemType;
  /// Constant weights are stored as bytes (also for the 16-bit kernels,
  /// which widen them as they load them), `perByte` values of
  /// 8 / perByte bits to a byte; signed ones are sign-extended.
  bool byteStorage = false;
  int64_t perByte = 1;
  bool storageSigned = true;
  /// Sub-byte weights for the x86 byte instructions are stored as
  /// w + weightOffset (non-negative, so either operand of vpdpbusd /
  /// vpmaddubsw takes them with no sign extension and no activation flip);
  /// the kernel subtracts weightOffset * sum(a) at the end.
  bool offsetStorage = false;
  int64_t weightOffset = 0;
  /// c4 rounded up to whole stored bytes: steps q and beyond are zero.
  int64_t c4Stored;
  int64_t lanes, blocks, c4;
  bool flip, actIsUnsigned;
  /// The activation zero point is subtracted from the widened activations
  /// instead of being corrected per channel.
  bool zeroInActivations = false;
  /// The correction table is stored as 16-bit values (it fits), widened
  /// as it is loaded.
  bool corr16 = false;
};

/// Constant weights of at most 8 bits are stored as bytes (the 16-bit
/// kernels widen them as they load them); weights of at most 4 (2) bits
/// two (four) to a byte when the layer reads each weight once per call (a
/// matmul of one row, where weight bytes are the cost), or always with
/// WeightPacking::Always.
void KernelBuilder::chooseWeightStorage(ArrayRef<int64_t> w) {
  int64_t lo = 0, hi = 0;
  for (int64_t v : w) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  storageSigned = lo < 0;
  auto fits = [&](int64_t bits) {
    return storageSigned ? lo >= -(int64_t(1) << (bits - 1)) &&
                               hi < (int64_t(1) << (bits - 1))
                         : hi < (int64_t(1) << bits);
  };
  if (!fits(8))
    return;
  byteStorage = true;
  if (packing == WeightPacking::Never)
    return;
  bool oncePerCall = p.batch * p.oh * p.ow <= 1;
  if (packing == WeightPacking::Always || oncePerCall) {
    if (fits(2))
      perByte = 4;
    else if (fits(4))
      perByte = 2;
  }
  if (perByte == 1)
    return;
  c4Stored = ceilDiv(c4, perByte) * perByte;
  offsetStorage = group == 4 && kind != Isa::NeonDotProd;
  if (offsetStorage) {
    weightOffset = storageSigned ? int64_t(1) << (8 / perByte - 1) : 0;
    flip = false;
    actIsUnsigned = !p.actSigned;
  }
}

Value KernelBuilder::loadWeights(Value packed, ValueRange indices) {
  if (!byteStorage)
    return vector::TransferReadOp::create(
        b, loc, byteType(), packed, indices,
        arith::ConstantIntOp::create(b, loc, elemType, 0),
        ArrayRef<bool>{true});
  Value bytes = vector::TransferReadOp::create(
      b, loc, VectorType::get({group * lanes}, b.getI8Type()), packed, indices,
      arith::ConstantIntOp::create(b, loc, 0, 8), ArrayRef<bool>{true});
  // The 16-bit kernels take the fields from 16-bit lanes, where x86 has
  // the shifts it lacks for bytes.
  if (elemType != b.getI8Type() && perByte > 1)
    bytes = arith::ExtUIOp::create(b, loc, byteType(), bytes);
  return bytes;
}

/// Stored byte j of step Q holds weight j of step Q * perByte + k in bits
/// [k * bits, (k + 1) * bits). Unsigned or offset fields are shifted down
/// and masked (a logical shift: x86 has no byte shifts, and a logical one
/// is a 16-bit shift plus the mask that follows anyway); signed fields are
/// shifted to the top of the lane, then arithmetically down (no constants).
Value KernelBuilder::unpackWeights(Value stored, int64_t k) {
  if (perByte == 1) {
    if (elemType == b.getI8Type() || !byteStorage)
      return stored;
    return extendInt(b, loc, byteType(), stored, storageSigned);
  }
  int64_t bits = 8 / perByte;
  int64_t width = elemType.getIntOrFloatBitWidth();
  auto constant = [&](int64_t v) {
    return splat(byteType(), b.getIntegerAttr(elemType, v));
  };
  Value part = stored;
  if (storageSigned && !offsetStorage) {
    int64_t up = width - bits * (k + 1);
    if (up)
      part = arith::ShLIOp::create(b, loc, part, constant(up));
    return arith::ShRSIOp::create(b, loc, part, constant(width - bits));
  }
  // Shifted and masked in 32-bit lanes: the mask clears the bits that
  // cross into a neighbouring field, x86 has no byte shifts, and a 32-bit
  // mask is one broadcast constant.
  int64_t n = cast<VectorType>(part.getType()).getNumElements() * width / 32;
  auto wordType = VectorType::get({n}, b.getI32Type());
  part = vector::BitCastOp::create(b, loc, wordType, part);
  if (k)
    part = arith::ShRUIOp::create(
        b, loc, part, splat(wordType, b.getI32IntegerAttr(bits * k)));
  // Even the top field needs the mask: the next lane's bits shift in.
  part = arith::AndIOp::create(
      b, loc, part,
      splat(wordType,
            b.getI32IntegerAttr(static_cast<int32_t>(fieldMask(width)))));
  return vector::BitCastOp::create(b, loc, byteType(), part);
}

/// The activations as [B, IH, IW, C4*4] bytes (reduction zero-padded: the
/// packed weights there are zero, so the padding value does not matter).
Value KernelBuilder::activationView() {
  Value a = activationBytes(b, loc, p);
  if (p.mergedStride) {
    // Rows of bytes [B, IH, IW * C], padded so that the last pixel's
    // reduction (c4Stored * group bytes from its start) stays in bounds.
    ArrayRef<int64_t> s = cast<RankedTensorType>(a.getType()).getShape();
    int64_t rowBytes = s[2] * s[3];
    a = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({s[0], s[1], rowBytes}, b.getI8Type()), a,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
    int64_t tail = std::max<int64_t>(0, (p.ow - 1) * p.mergedStride +
                                            c4Stored * group - rowBytes);
    if (!tail)
      return a;
    SmallVector<OpFoldResult> low(3, b.getIndexAttr(0));
    SmallVector<OpFoldResult> high(3, b.getIndexAttr(0));
    high[2] = b.getIndexAttr(tail);
    return tensor::PadOp::create(
        b, loc,
        RankedTensorType::get({s[0], s[1], rowBytes + tail}, b.getI8Type()), a,
        low, high, Value(arith::ConstantIntOp::create(b, loc, 0, 8)));
  }
  if (c4Stored * group == p.c)
    return a;
  SmallVector<int64_t> shape(cast<RankedTensorType>(a.getType()).getShape());
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(4, b.getIndexAttr(0));
  high[3] = b.getIndexAttr(c4Stored * group - p.c);
  shape[3] = c4Stored * group;
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
  if (w)
    chooseWeightStorage(*w);
  int64_t factor = (flip ? (actIsUnsigned ? -128 : 128) : 0) -
                   (zeroInActivations ? 0 : p.actZero);
  SmallVector<int64_t> packedShape = {blocks, p.kh, p.kw, c4Stored / perByte,
                                      group * lanes};
  auto packedType = RankedTensorType::get(
      packedShape, byteStorage ? b.getI8Type() : elemType);
  auto corrType = RankedTensorType::get({blocks, lanes}, b.getI32Type());
  if (w) {
    auto at = [&](int64_t o, int64_t y, int64_t x, int64_t ch) -> int64_t {
      if (o >= p.oc || ch >= p.c)
        return 0;
      if (p.isMatmul)
        return (*w)[ch * p.oc + o];
      return (*w)[((o * p.kh + y) * p.kw + x) * p.c + ch];
    };
    // Plain integers (one or two bytes each) rather than APInts: a large
    // layer has millions of weights.
    SmallVector<int16_t> packed;
    packed.reserve(blocks * p.kh * p.kw * c4Stored * group * lanes);
    SmallVector<int64_t> corr(blocks * lanes, 0);
    for (int64_t blk = 0; blk < blocks; ++blk)
      for (int64_t y = 0; y < p.kh; ++y)
        for (int64_t x = 0; x < p.kw; ++x)
          for (int64_t q = 0; q < c4Stored; ++q)
            for (int64_t l = 0; l < lanes; ++l)
              for (int64_t j = 0; j < group; ++j) {
                int64_t v = at(blk * lanes + l, y, x, q * group + j);
                // Unsigned weights keep their bits (200 is the byte 0xC8).
                packed.push_back(static_cast<int16_t>(v));
                corr[blk * lanes + l] += factor * v;
              }
    DenseElementsAttr packedAttr;
    if (byteStorage) {
      // perByte consecutive weight vectors of v values share v bytes: byte
      // j holds value j of the k-th in bits [k * bits, (k + 1) * bits).
      int64_t v = group * lanes, bits = 8 / perByte;
      SmallVector<int8_t> bytes(packed.size() / perByte, 0);
      for (size_t base = 0; base < packed.size(); base += v * perByte)
        for (int64_t j = 0; j < v; ++j) {
          unsigned byte = 0;
          for (int64_t k = 0; k < perByte; ++k)
            byte |= (static_cast<unsigned>(packed[base + k * v + j] +
                                           weightOffset) &
                     ((1u << bits) - 1))
                    << (k * bits);
          bytes[base / perByte + j] = static_cast<int8_t>(byte);
        }
      packedAttr = DenseElementsAttr::get(packedType, ArrayRef<int8_t>(bytes));
    } else if (group == 4) {
      SmallVector<int8_t> bytes;
      bytes.reserve(packed.size());
      for (int16_t v : packed)
        bytes.push_back(static_cast<int8_t>(static_cast<uint8_t>(v)));
      packedAttr = DenseElementsAttr::get(packedType, ArrayRef<int8_t>(bytes));
    } else {
      packedAttr =
          DenseElementsAttr::get(packedType, ArrayRef<int16_t>(packed));
    }
    Value packedV = arith::ConstantOp::create(b, loc, packedAttr);
    Value corrV;
    if (factor != 0) {
      // Modulo 2^32 like the accumulator itself; half the bytes when every
      // value fits in 16 bits (the usual case: small layers, where these
      // tables are a visible part of the weights).
      SmallVector<int32_t> corr32;
      corr16 = true;
      for (int64_t c : corr) {
        corr32.push_back(static_cast<int32_t>(static_cast<uint32_t>(c)));
        corr16 &= c >= INT16_MIN && c <= INT16_MAX;
      }
      DenseElementsAttr attr;
      if (corr16) {
        SmallVector<int16_t> narrow(corr32.begin(), corr32.end());
        attr = DenseElementsAttr::get(
            RankedTensorType::get(corrType.getShape(), b.getI16Type()),
            ArrayRef<int16_t>(narrow));
      } else {
        attr = DenseElementsAttr::get(corrType, ArrayRef<int32_t>(corr32));
      }
      corrV = arith::ConstantOp::create(b, loc, attr);
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
              v = extendInt(nb, l, packedElem, v, filterSigned);
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
              Value v = extendInt(nb, l, nb.getI32Type(), args[0],
                                  filterSigned || group != 4);
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
  // The weight storage decides the reduction padding and the activation
  // flip, which the activation view depends on.
  std::pair<Value, Value> packedAndCorr = packWeights(weights);
  Value packed = packedAndCorr.first, corr = packedAndCorr.second;
  Value act = activationView();

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
  Value init = kernelDestination(b, loc, p.init);
  Value out4;
  if (p.pack) {
    // A fused threshold pack: the kernel writes its words, as
    // [B, OH, OW, CW].
    out4 =
        packKernelWords(b, loc, *p.pack, {p.batch, p.oh, p.ow, p.pack->words});
  } else {
    if (p.matmulBatch)
      init =
          tensor::CollapseShapeOp::create(b, loc, out2Type, init, batchAssoc);
    out4 = p.isMatmul ? Value(tensor::ExpandShapeOp::create(b, loc, out4Type,
                                                            init, outAssoc))
                      : Value(tensor::CollapseShapeOp::create(b, loc, out4Type,
                                                              init, outAssoc));
  }
  // A zero-filled (or constant-filled) accumulator needs no load.
  std::optional<int64_t> fillValue = getConstantFill(p.init);

  // Fewer channel vectors than the tile has (small OC) leave accumulator
  // registers for more output pixels, up to 8 rows.
  int64_t cols = std::min(info.cols, blocks);
  int64_t rows = std::min({p.ow, int64_t(8), info.rows * info.cols / cols});
  bool channelsExact = p.oc % lanes == 0;
  Value c0 = idx(0);
  Value flipBytes;
  if (flip)
    flipBytes = splat(byteType(), b.getI8IntegerAttr(-128));

  auto loop = [&](int64_t ub, int64_t step, ValueRange iter,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    return buildLoop(b, loc, ub, step, iter, body);
  };

  Value result = buildTileLoops(
      b, loc, p, rows, cols, blocks, /*blocksOutside=*/false, out4,
      [&](const TileCoords &at, Value out) -> Value {
        Value bi = at.batch, ohi = at.oh;
        SmallVector<Value> rowIdx(at.rows), blkIdx(at.blocks), chIdx;
        for (Value blk : blkIdx)
          chIdx.push_back(arith::MulIOp::create(b, loc, blk, idx(lanes)));
        TilePlace place{bi, ohi, rowIdx, chIdx, channelsExact};
        SmallVector<Value> accs =
            loadTile(b, loc, out, fillValue, accType(), place);
        if (corr) {
          SmallVector<Value> cv;
          auto corrElem =
              cast<RankedTensorType>(corr.getType()).getElementType();
          for (int64_t t = 0; t < cols; ++t) {
            Value v = vector::TransferReadOp::create(
                b, loc, VectorType::get({lanes}, corrElem), corr,
                ValueRange{blkIdx[t], c0},
                arith::ConstantIntOp::create(b, loc, corrElem, 0),
                ArrayRef<bool>{true});
            if (corrElem != b.getI32Type())
              v = arith::ExtSIOp::create(b, loc, accType(), v);
            cv.push_back(v);
          }
          for (int64_t i = 0; i < rows * cols; ++i)
            accs[i] = arith::AddIOp::create(b, loc, accs[i], cv[i % cols]);
        }

        // With offset weights, more accumulators per row sum the
        // activations times the field mask m = 2^bits - 1 (a dot
        // product with the unpacking mask: no other constant). A
        // small tile splits each row's sum over two chains, which end
        // early enough to hide the correction's latency.
        bool sumActs = weightOffset != 0;
        int64_t sumChains = sumActs ? (rows <= 2 ? 2 : 1) : 0;
        Value maskBytes;
        if (sumActs) {
          maskBytes = vector::BitCastOp::create(
              b, loc, byteType(),
              splat(accType(),
                    b.getI32IntegerAttr(static_cast<int32_t>(fieldMask(8)))));
          for (int64_t i = 0; i < rows * sumChains; ++i)
            accs.push_back(splat(accType(), b.getI32IntegerAttr(0)));
        }

        // One step of stored weights: perByte reduction steps
        // q = qs * perByte + k.
        auto kernel = [&](Value y, Value x, Value qs,
                          ValueRange in) -> SmallVector<Value> {
          Value ih = windowIndex(b, loc, ohi, p.sh, y, p.dh);
          SmallVector<Value> stored;
          for (int64_t t = 0; t < cols; ++t)
            stored.push_back(
                loadWeights(packed, ValueRange{blkIdx[t], y, x, qs, c0}));
          auto vg = VectorType::get({group}, b.getI8Type());
          auto vgWide = VectorType::get({group}, elemType);
          auto v1i32 = VectorType::get({1}, b.getI32Type());
          SmallVector<Value> next(in);
          for (int64_t k = 0; k < perByte; ++k) {
            Value ch = arith::MulIOp::create(
                b, loc,
                arith::AddIOp::create(
                    b, loc, arith::MulIOp::create(b, loc, qs, idx(perByte)),
                    idx(k)),
                idx(group));
            SmallVector<Value> wv, av;
            for (int64_t t = 0; t < cols; ++t)
              wv.push_back(unpackWeights(stored[t], k));
            for (int64_t r = 0; r < rows; ++r) {
              SmallVector<Value> at;
              if (p.mergedStride) {
                Value start = arith::MulIOp::create(b, loc, rowIdx[r],
                                                    idx(p.mergedStride));
                at = {bi, ih, arith::AddIOp::create(b, loc, start, ch)};
              } else {
                at = {bi, ih, windowIndex(b, loc, rowIdx[r], p.sw, x, p.dw),
                      ch};
              }
              Value four = vector::TransferReadOp::create(
                  b, loc, vg, act, at,
                  arith::ConstantIntOp::create(b, loc, 0, 8),
                  ArrayRef<bool>{true});
              if (group != 4) {
                four = extendInt(b, loc, vgWide, four, p.actSigned);
                if (zeroInActivations && p.actZero)
                  four = arith::SubIOp::create(
                      b, loc, four,
                      splat(vgWide, b.getIntegerAttr(elemType, p.actZero)));
              }
              if (group == 1) {
                Value one = vector::ExtractOp::create(b, loc, four,
                                                      ArrayRef<int64_t>{0});
                av.push_back(
                    vector::BroadcastOp::create(b, loc, byteType(), one));
                continue;
              }
              Value word = vector::ExtractOp::create(
                  b, loc, vector::BitCastOp::create(b, loc, v1i32, four),
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
                next[r * cols + t] = dot(next[r * cols + t], av[r], wv[t]);
            if (sumActs)
              for (int64_t r = 0; r < rows; ++r) {
                int64_t i = rows * cols + r * sumChains + k % sumChains;
                next[i] = dot(next[i], av[r], maskBytes);
              }
          }
          return next;
        };
        SmallVector<Value> done(
            loop(p.kh, 1, accs, [&](Value y, ValueRange a0) {
              return SmallVector<Value>(
                  loop(p.kw, 1, a0, [&](Value x, ValueRange a1) {
                    SmallVector<Value> reduced =
                        loop(c4Stored / perByte, 1, a1,
                             [&](Value qs, ValueRange a2) {
                               return kernel(y, x, qs, a2);
                             });
                    // Packed weights are only small while LLVM does not
                    // fully unroll the reduction over them: with constant
                    // addresses it folds every unpacked vector into a
                    // full-size constant.
                    if (perByte > 1)
                      keepRolled(b, reduced.front());
                    return reduced;
                  }));
            }));
        if (sumActs) {
          // sum a * (w + offset) - offset * sum a, from m * sum a:
          // offset * sum a = (m * sum a) * (offset / m), and m is
          // odd, so modulo 2^32 (the accumulator's arithmetic)
          // dividing by m is multiplying by its inverse. Every lane
          // of the sum is the same: one scalar multiply by an
          // immediate, broadcast.
          uint32_t m = (1u << (8 / perByte)) - 1, inverse = 1;
          for (int i = 0; i < 5; ++i) // Newton: 5 steps reach 32 bits.
            inverse *= 2 - m * inverse;
          uint32_t factor = static_cast<uint32_t>(weightOffset) * inverse;
          for (int64_t r = 0; r < rows; ++r) {
            Value sum = done[rows * cols + r * sumChains];
            for (int64_t c = 1; c < sumChains; ++c)
              sum = arith::AddIOp::create(
                  b, loc, sum, done[rows * cols + r * sumChains + c]);
            Value fix = vector::BroadcastOp::create(
                b, loc, accType(),
                arith::MulIOp::create(
                    b, loc,
                    vector::ExtractOp::create(b, loc, sum,
                                              ArrayRef<int64_t>{0}),
                    arith::ConstantIntOp::create(
                        b, loc, static_cast<int32_t>(factor), 32)));
            for (int64_t t = 0; t < cols; ++t)
              done[r * cols + t] =
                  arith::SubIOp::create(b, loc, done[r * cols + t], fix);
          }
          done.resize(rows * cols);
        }

        if (p.pack) {
          // Whole tiles of T * L consecutive channels dividing a word
          // go in with one OR (or one store) per row.
          bool consecutive =
              blocks % cols == 0 && channelsExact && 64 % (cols * lanes) == 0;
          return storePackedTile(
              b, loc, *p.pack, out, done, rows, cols, c0, chIdx, p.oc,
              consecutive, [&](int64_t r, Value w) {
                return SmallVector<Value>{bi, ohi, rowIdx[r], w};
              });
        }
        return storeTile(b, loc, out, done, place);
      },
      /*channelTilesDisjoint=*/!p.pack || packTilesOwnWords(cols * lanes));
  Value res = result;
  // The packed words, in the kernel's layout (see replacePack).
  if (p.pack)
    return res;
  if (p.matmulBatch) {
    res = tensor::CollapseShapeOp::create(b, loc, out2Type, res, outAssoc);
    return tensor::ExpandShapeOp::create(b, loc, initType, res, batchAssoc);
  }
  return p.isMatmul ? Value(tensor::CollapseShapeOp::create(b, loc, initType,
                                                            res, outAssoc))
                    : Value(tensor::ExpandShapeOp::create(b, loc, initType, res,
                                                          outAssoc));
}

} // namespace

bool mlir::lowbit::dotkernels::avx2IsExact(const Problem &p,
                                           ArrayRef<int64_t> w) {
  bool flip = p.actSigned == p.filterSigned;
  bool actIsUnsigned = flip ? p.actSigned : !p.actSigned;
  int64_t wMax = 0;
  for (int64_t v : w)
    wMax = std::max<int64_t>(wMax, std::abs(v));
  int64_t uMax = actIsUnsigned ? 255 : wMax;
  int64_t sMax = actIsUnsigned ? wMax : 128;
  return 2 * uMax * sMax <= 32767;
}

bool mlir::lowbit::dotkernels::kernelSupports(const Problem &p, Isa kind) {
  // sdot is signed x signed; unsigned weights would need run-time
  // activation sums.
  return kind != Isa::NeonDotProd || p.filterSigned;
}

Value mlir::lowbit::dotkernels::buildDotKernel(
    OpBuilder &b, Location loc, const Problem &p, Isa kind, int64_t group,
    std::optional<ArrayRef<int64_t>> weights, WeightPacking packing) {
  // A conv2d with few input channels (an RGB or grayscale first layer)
  // pads each window position's C values to a whole group, e.g. 7 x 7 x 3
  // to 7 x 7 x 4. In NHWC the KW * C values of one window row are
  // contiguous, so the row is reduced as one run of bytes instead: 7 x 24
  // (a quarter less work for 7 x 7 x 3, a third for 3 x 3 x 1). The
  // weights' OHWI order is already that of the merged reduction; the
  // bytes read past a row's end meet zero weights.
  auto actShape = cast<RankedTensorType>(p.act.getType()).getShape();
  if (weights && !p.isMatmul && !p.isDepthwise && p.dw == 1 && p.kw > 1 &&
      actShape.size() == 5 && actShape[3] == 1 &&
      ceilDiv(p.kw * p.c, group) < p.kw * ceilDiv(p.c, group)) {
    Problem merged = p;
    merged.c = p.kw * p.c;
    merged.kw = 1;
    merged.mergedStride = p.sw * p.c;
    return KernelBuilder(b, loc, merged, kind, group, packing).build(weights);
  }
  return KernelBuilder(b, loc, p, kind, group, packing).build(weights);
}
