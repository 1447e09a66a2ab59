//===- QuantBuilder.h - IR builders for quantized arithmetic ----*- C++ -*-===//
//
// Part of the lowbit project.
//
// Builders shared by the patterns of --lowbit-lower-quantized: quantization
// parameters read off the types, elementwise linalg.generic construction with
// numpy broadcasting, and the run-time side of the requantization arithmetic
// whose compile-time side lives in lowbit/Numerics/FixedPoint.h.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_CONVERSION_LOWBITTOLINALG_QUANTBUILDER_H
#define LIB_CONVERSION_LOWBITTOLINALG_QUANTBUILDER_H

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace lowbit {

/// Quantization parameters of one element type. Scales are rounded to
/// float32 first, as every reference stores them.
struct QuantInfo {
  bool isFloat = false;
  bool isBinary = false;
  bool isSigned = true;
  unsigned width = 0; ///< storage width (0 for floats)
  int64_t qmin = 0, qmax = 0;
  int32_t axis = -1;          ///< quantized axis, -1 per tensor
  SmallVector<double> scales; ///< float32-rounded, widened to double
  SmallVector<int64_t> zeroPoints;
  FloatType floatType; ///< the float type itself, or the expressed type

  static FailureOr<QuantInfo> get(Type elementType);
  double scale(size_t i = 0) const {
    return scales[scales.size() == 1 ? 0 : i];
  }
  int64_t zeroPoint(size_t i = 0) const {
    return zeroPoints[zeroPoints.size() == 1 ? 0 : i];
  }
  bool hasNonZeroZeroPoint() const {
    return llvm::any_of(zeroPoints, [](int64_t z) { return z != 0; });
  }
  /// Largest |q - zp| over the storage range and every zero point.
  int64_t maxAbsCentered() const;
  /// Largest |q| over the storage range.
  int64_t maxAbs() const { return std::max(std::abs(qmin), std::abs(qmax)); }
};

enum class RequantKind { FixedPoint, Float };

/// The requantization mode that applies to `op`: the nearest
/// `lowbit.requant_mode` attribute on an ancestor, else `fallback`.
RequantKind getRequantKind(Operation *op, RequantKind fallback);

/// Builder helpers bound to one location.
class QuantBuilder {
public:
  QuantBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value i32(int64_t v);
  Value i64(int64_t v);
  Value f32(double v);
  Value f64(double v);

  /// Widens a stored integer to i32 (sign- or zero-extending).
  Value extend(Value v, bool isSigned, unsigned bits = 32);
  /// Narrows an i32 to the storage width (the value is already in range).
  Value narrow(Value v, Type storageType);
  /// clamp(v, lo, hi) on i32.
  Value clampI(Value v, Value lo, Value hi);

  /// gemmlowp SaturatingRoundingDoublingHighMul for b that is never
  /// INT32_MIN (multipliers are non-negative).
  Value srdhm(Value a, Value mul);
  /// gemmlowp RoundingDivideByPOT; `exponent` is an i32 in [0, 31].
  Value rdbpot(Value x, Value exponent);
  /// TFLite MultiplyByQuantizedMultiplier with precomputed left/right
  /// shifts (left = max(shift, 0), right = max(-shift, 0)).
  Value mbqm(Value x, Value multiplier, Value leftShift, Value rightShift);
  /// Float-mode requantization: round_half_even(f32(acc) * m) + zp, clamped
  /// to [lo, hi] (i32 values); `m` is an f32.
  Value requantFloat(Value acc, Value m, Value zp, Value lo, Value hi);

  /// Dense constant tensor of i32 values.
  Value i32Tensor(ArrayRef<int32_t> values);
  Value f32Tensor(ArrayRef<float> values);

private:
  OpBuilder &b;
  Location loc;
};

/// A tensor of `shape` filled with `value` (typically an accumulator's
/// initial value); its element type is the type of `value`.
Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Value value);

/// Sums an integer tensor over its last axis into i32 (sign- or
/// zero-extending the stored values): [..., K] -> [...].
Value sumLastDim(OpBuilder &b, Location loc, Value values, bool isSigned);

/// Builds a linalg.generic over `resultType`'s shape whose inputs broadcast
/// to it numpy-style (aligned right; size-1 dims broadcast). `channelInputs`
/// are 1-D tensors indexed by `channelDim` of the result. The body gets the
/// scalars of `inputs` then `channelInputs`.
Value buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    ValueRange channelInputs, int64_t channelDim,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body);

/// Per-channel requantization parameters of an int32 accumulator with real
/// scale `accScale[c]` into the (per-tensor) type `out`.
struct RequantParams {
  SmallVector<int32_t> multiplier, leftShift, rightShift;
  SmallVector<float> floatMultiplier;
};
RequantParams computeRequantParams(ArrayRef<double> realMultipliers,
                                   ArrayRef<float> floatMultipliers);

/// [lo, hi] of the stored output after a fused activation (TFLite
/// CalculateActivationRangeQuantized).
std::pair<int32_t, int32_t> getActivationRange(const QuantInfo &out,
                                               Activation activation,
                                               std::optional<APFloat> lo,
                                               std::optional<APFloat> hi);

/// Applies a fused activation to an f32 scalar.
Value applyFloatActivation(OpBuilder &b, Location loc, Value x,
                           Activation activation, std::optional<APFloat> lo,
                           std::optional<APFloat> hi);

/// Converts an f32 scalar to a float storage type (round to nearest even;
/// f8E4M3FN saturates to +-448, the others overflow to infinity). The
/// rounding is spelled out in integer ops rather than arith.truncf, so it
/// needs no soft-float library calls and works for the fp8 types, which
/// LLVM has no instructions for.
Value truncateFloat(OpBuilder &b, Location loc, Value x, FloatType to);

/// Widens a float storage scalar (f16, bf16, fp8, f32) to f32 exactly, in
/// integer ops for the same reasons.
Value extendToF32(OpBuilder &b, Location loc, Value x);

/// The values of a lowbit.constant / arith.constant that defines `v`, as
/// int64 (stored integers), or failure if `v` is not a known constant.
FailureOr<SmallVector<int64_t>> getConstantStoredValues(Value v);

/// A lowbit.matmul as every lowering reads it (integer, binary/ternary and
/// bit-serial): the operands' and result's quantization and the shapes.
struct MatmulDesc {
  QuantInfo x, w, z;
  RankedTensorType lhsType, rhsType;
  /// The converted (storage) result type.
  RankedTensorType resultType;
  /// lhs [B?, M, K], rhs [B?, K, N] (B on the rhs: `rhsBatched`).
  int64_t rank = 2, k = 0, n = 0;
  bool batched = false, rhsBatched = false;
  SmallVector<int64_t> accShape;

  /// The loops (b?, m, n, r0, r1, ...) of a lowering of this matmul, with
  /// `reductions` reduction loops (packed words, K, bit planes).
  struct Loops {
    MLIRContext *ctx;
    int64_t count;
    bool batched, rhsBatched;
    AffineExpr m, n;
    SmallVector<AffineExpr> r;
    /// Parallel (b?, m, n), then the reductions.
    SmallVector<utils::IteratorType> iters;
    /// The maps of lhs [b?, lhs...], rhs [b? if the rhs is batched,
    /// rhs...] and the result [b?, m, n].
    SmallVector<AffineMap> maps(ArrayRef<AffineExpr> lhs,
                                ArrayRef<AffineExpr> rhs) const;
    /// The map of a per-output-channel operand [n].
    AffineMap channelMap() const;
  };
  Loops loops(MLIRContext *ctx, int64_t reductions = 1) const;
};

/// A lowbit.conv2d likewise: NHWC input [batch, h, w, c], OHWI filter
/// [o, kh, kw, c / groups], result [batch, oh, ow, o].
struct Conv2DDesc {
  QuantInfo x, w, z;
  RankedTensorType inType, filterType, resultType;
  int64_t batch = 1, h = 1, w_ = 1, c = 1, o = 1, kh = 1, kw = 1;
  int64_t groups = 1, cg = 1, og = 1, oh = 1, ow = 1;
  /// The reduction size of one output: kh * kw * cg.
  int64_t k = 1;
  SmallVector<int64_t, 2> strides, dilations;
  SmallVector<int64_t, 4> padding; ///< [top, bottom, left, right]
  bool hasPadding() const {
    return llvm::any_of(padding, [](int64_t p) { return p != 0; });
  }
  /// Maps of the grouped convolution over the loops (n, oh, ow, g, oc, kh,
  /// kw, ic): input [n, h, w, g, ic], filter [g, oc, kh, kw, ic], output
  /// [n, oh, ow, g, oc]; five parallel loops, then three reductions. With
  /// `planes` (bit-serial), two more reductions i, j before ic run over the
  /// bit planes of the input [n, h, w, g, i, ic] and the filter [g, oc, kh,
  /// kw, j, ic].
  SmallVector<AffineMap> indexingMaps(MLIRContext *ctx,
                                      bool planes = false) const;
  /// The map of a per-output-channel operand [g, oc] over the same loops.
  static AffineMap channelMap(MLIRContext *ctx);
  static SmallVector<utils::IteratorType> iteratorTypes(bool planes = false);
};

/// The description of `op`, or failure after an error on `op`
/// (unsupported element types, dynamic shapes).
FailureOr<MatmulDesc> describeMatmul(MatmulOp op, const TypeConverter &tc);
FailureOr<Conv2DDesc> describeConv2D(Conv2DOp op, const TypeConverter &tc);

/// acc[..., j] -= zw[j] * rowSums[...]: the weight zero point's term of a
/// contraction whose activation sums over the reduction are `rowSums`
/// (acc's shape without its last dim).
Value subtractWeightZeroPointTerm(OpBuilder &b, Location loc, Value acc,
                                  Value rowSums, const QuantInfo &w,
                                  int64_t channels);

/// What the epilogue needs to turn an int32 accumulator into the result.
struct EpilogueSpec {
  QuantInfo x, w, z;
  RequantKind kind;
  Activation activation;
  std::optional<APFloat> clampMin, clampMax;
  int64_t channels;
  /// Per-channel int32 added to the accumulator (folded zero-point terms
  /// and constant bias).
  SmallVector<int64_t> offsets;
  /// Run-time int32 bias (1-D, channels), or null.
  Value runtimeBias;
  /// Float bias (1-D, channels) for float results, or null.
  Value floatBias;
  /// Largest |bias| of a constant bias (for the overflow check).
  int64_t maxAbsBias = 0;
};

/// The epilogue of a matmul or conv2d with `channels` output channels, with
/// its fused activation and no offsets yet.
template <typename OpTy>
EpilogueSpec makeEpilogueSpec(OpTy op, const QuantInfo &x, const QuantInfo &w,
                              const QuantInfo &z, int64_t channels,
                              RequantKind fallback) {
  return EpilogueSpec{x,
                      w,
                      z,
                      getRequantKind(op, fallback),
                      op.getActivation(),
                      op.getClampMin(),
                      op.getClampMax(),
                      channels,
                      SmallVector<int64_t>(channels, 0),
                      Value(),
                      Value()};
}

/// Applies offsets, bias and requantization to an int32 accumulator whose
/// last dim is the output channel, producing `resultType` (storage).
Value buildEpilogue(OpBuilder &b, Location loc, Value acc,
                    RankedTensorType resultType, const EpilogueSpec &s);

/// Float contractions: f32 accumulator + bias, activation, rounding to the
/// result's float type.
Value buildFloatEpilogue(OpBuilder &b, Location loc, Value acc, Value bias,
                         RankedTensorType resultType, Activation activation,
                         std::optional<APFloat> clampMin,
                         std::optional<APFloat> clampMax);

/// Reads a bias operand into `s`: constant i32 values are folded into the
/// offsets, anything else is added at run time.
LogicalResult prepareBias(Operation *op, Value origBias, Value convertedBias,
                          EpilogueSpec &s);

/// Checks that the true accumulator (and the folded offsets) fit in int32.
LogicalResult checkAccumulatorBound(Operation *op, int64_t k,
                                    const EpilogueSpec &s);

/// `v` (NHWC, or any rank with H and W as dims 1 and 2) padded in H and W
/// by `pad` = [top, bottom, left, right] with `padValue`; `v` itself when
/// `pad` is all zeros.
Value padSpatial(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> pad,
                 Value padValue);
/// The same with a constant pad value, created only when there is padding.
Value padSpatial(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> pad,
                 TypedAttr padValue);

/// A result without elements becomes an empty tensor of its storage type
/// (nothing to compute); false if `op`'s result has elements.
bool replaceEmptyResult(Operation *op, const TypeConverter *converter,
                        ConversionPatternRewriter &rewriter);

/// describeMatmul or describeConv2D by the op's type, and the number of
/// output channels of the description.
inline FailureOr<MatmulDesc> describeContraction(MatmulOp op,
                                                 const TypeConverter &tc) {
  return describeMatmul(op, tc);
}
inline FailureOr<Conv2DDesc> describeContraction(Conv2DOp op,
                                                 const TypeConverter &tc) {
  return describeConv2D(op, tc);
}
inline int64_t outputChannels(const MatmulDesc &d) { return d.n; }
inline int64_t outputChannels(const Conv2DDesc &d) { return d.o; }

/// The frame of a lowering of a matmul or conv2d to an accumulator (int32,
/// or f32 for float operands) and the shared epilogue. `Derived::takes(op)`
/// picks the ops; the op is described (MatmulDesc, Conv2DDesc) and its
/// epilogue specified with the bias folded in; `Derived::accumulate(op,
/// adaptor, rewriter, desc, spec)` builds the accumulator, adding the
/// offsets it folds to the specification; the epilogue (offsets, bias,
/// requantization, or the float one) finishes it. With `ReplaceEmpty`, a
/// result without elements is an empty tensor.
template <typename OpTy, typename Derived, bool ReplaceEmpty,
          unsigned Benefit = 1>
struct ContractionLowering : public OpConversionPattern<OpTy> {
  ContractionLowering(const TypeConverter &tc, MLIRContext *ctx,
                      RequantKind fallback)
      : OpConversionPattern<OpTy>(tc, ctx, Benefit), fallback(fallback) {}
  RequantKind fallback;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!Derived::takes(op))
      return failure();
    if (ReplaceEmpty &&
        replaceEmptyResult(op, this->getTypeConverter(), rewriter))
      return success();
    auto desc = describeContraction(op, *this->getTypeConverter());
    if (failed(desc))
      return failure();
    EpilogueSpec s = makeEpilogueSpec(op, desc->x, desc->w, desc->z,
                                      outputChannels(*desc), fallback);
    // Float operands (which only the integer lowerings take) accumulate in
    // f32 and take the float epilogue, with the bias as it is.
    bool floatOperands = desc->x.isFloat;
    if (!floatOperands &&
        failed(prepareBias(op, op.getBias(), adaptor.getBias(), s)))
      return failure();
    FailureOr<Value> acc = static_cast<const Derived *>(this)->accumulate(
        op, adaptor, rewriter, *desc, s);
    if (failed(acc))
      return failure();
    rewriter.replaceOp(
        op,
        floatOperands
            ? buildFloatEpilogue(rewriter, op.getLoc(), *acc, adaptor.getBias(),
                                 desc->resultType, op.getActivation(),
                                 op.getClampMin(), op.getClampMax())
            : buildEpilogue(rewriter, op.getLoc(), *acc, desc->resultType, s));
    return success();
  }
};

/// Patterns of the contraction and pooling families.
void populateContractionPatterns(const TypeConverter &converter,
                                 RewritePatternSet &patterns,
                                 RequantKind fallback);
void populatePoolingPatterns(const TypeConverter &converter,
                             RewritePatternSet &patterns);
/// Patterns of --lowbit-lower-binary (binary and ternary operands, packing).
void populateBinaryPatterns(const TypeConverter &converter,
                            RewritePatternSet &patterns, RequantKind fallback);

/// True for the ops --lowbit-lower-binary rewrites.
bool isBinaryLoweringOp(Operation *op);

/// True for matmul/conv2d on 2-4 bit affine integers that the bit-serial
/// popcount kernel handles.
bool isBitSerialOp(Operation *op);
void populateBitSerialPatterns(const TypeConverter &converter,
                               RewritePatternSet &patterns,
                               RequantKind fallback);

/// Packs an i1 tensor [..., K] into words [..., ceil(K / W)] of `wordType`,
/// least-significant bit first; tail bits are 0.
Value packBits(OpBuilder &b, Location loc, Value bits, IntegerType wordType);

/// The storage type conversion shared by both lowering passes.
void populateStorageTypeConversion(TypeConverter &converter);

} // namespace lowbit
} // namespace mlir

#endif // LIB_CONVERSION_LOWBITTOLINALG_QUANTBUILDER_H
