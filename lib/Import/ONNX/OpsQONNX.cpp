//===- OpsQONNX.cpp - QONNX quantization ops ------------------------------===//
//
// Part of the lowbit project.
//
// QONNX (Brevitas, FINN) writes quantization as float -> float operators
// whose integer grid is implied by their operands. Each one becomes the
// lowbit value type that holds exactly that grid:
//
//   IntQuant / Quant  -> !quant.uniform<iB or uB> (2..16 bits; 1 bit signed
//                        is bipolar), quantize + dequantize
//   BipolarQuant      -> !lowbit.binary via lowbit.sign (constants at
//                        compile time)
//   MultiThreshold    -> lowbit.threshold to an affine or binary type
//   FloatQuant        -> f8E4M3FN / f8E5M2
//   Trunc             -> exact float arithmetic on the integer grid
//
// Constant operands (weights) are quantized here, with the rounding mode the
// node names, in float32 as the QONNX reference does. Anything the lowbit
// types cannot hold exactly (a fractional zero point, a 17-bit grid, a
// MultiThreshold whose output bias is not on its scale's grid, a minifloat
// other than E4M3/E5M2, ...) fails with an error naming the node.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <cstdio>
#include <optional>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

using DT = onnx::TensorProto_DataType;

namespace {

/// A number as a diagnostic shows it (`0.5`, not `5.000000e-01`).
std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", v);
  return buffer;
}

//===----------------------------------------------------------------------===//
// Rounding modes
//===----------------------------------------------------------------------===//

/// QONNX rounding modes, with the exact formulas of its reference
/// (`resolve_rounding_mode`): UP and DOWN round away from / toward zero,
/// HALF_UP is sign(x) * floor(|x| + 0.5), HALF_DOWN sign(x) * ceil(|x| -
/// 0.5), ROUND (= HALF_EVEN) to nearest even.
enum class Rounding { HalfEven, Ceil, Floor, Up, Down, HalfUp, HalfDown };

FailureOr<Rounding> readRounding(NodeContext &ctx, StringRef dflt) {
  std::string mode = StringRef(ctx.attrString("rounding_mode", dflt)).upper();
  std::optional<Rounding> r =
      llvm::StringSwitch<std::optional<Rounding>>(mode)
          .Cases({"ROUND", "HALF_EVEN"}, Rounding::HalfEven)
          .Case("CEIL", Rounding::Ceil)
          .Case("FLOOR", Rounding::Floor)
          .Case("UP", Rounding::Up)
          .Case("DOWN", Rounding::Down)
          .Case("HALF_UP", Rounding::HalfUp)
          .Case("HALF_DOWN", Rounding::HalfDown)
          .Default(std::nullopt);
  if (!r) {
    ctx.emitError() << "rounding_mode '" << mode
                    << "' is not one of ROUND, HALF_EVEN, CEIL, FLOOR, UP, "
                       "DOWN, HALF_UP, HALF_DOWN";
    return failure();
  }
  return *r;
}

/// Rounds a float32 at compile time.
float roundHost(float y, Rounding r) {
  auto sign = [](float v) { return v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f); };
  switch (r) {
  case Rounding::HalfEven:
    return std::nearbyint(y);
  case Rounding::Ceil:
    return std::ceil(y);
  case Rounding::Floor:
    return std::floor(y);
  case Rounding::Up:
    return sign(y) * std::ceil(std::fabs(y));
  case Rounding::Down:
    return std::trunc(y);
  case Rounding::HalfUp:
    return sign(y) * std::floor(std::fabs(y) + 0.5f);
  case Rounding::HalfDown:
    return sign(y) * std::ceil(std::fabs(y) - 0.5f);
  }
  return y;
}

/// Rounds a float in the IR (the same formulas).
Value roundIR(OpBuilder &b, Location l, Value y, Rounding r) {
  auto half = [&]() -> Value {
    return arith::ConstantOp::create(b, l, b.getFloatAttr(y.getType(), 0.5));
  };
  switch (r) {
  case Rounding::HalfEven:
    return math::RoundEvenOp::create(b, l, y);
  case Rounding::Ceil:
    return math::CeilOp::create(b, l, y);
  case Rounding::Floor:
    return math::FloorOp::create(b, l, y);
  case Rounding::Down:
    return math::TruncOp::create(b, l, y);
  case Rounding::Up: {
    Value m = math::CeilOp::create(b, l, math::AbsFOp::create(b, l, y));
    return math::CopySignOp::create(b, l, m, y);
  }
  case Rounding::HalfUp: {
    Value a =
        arith::AddFOp::create(b, l, math::AbsFOp::create(b, l, y), half());
    return math::CopySignOp::create(b, l, math::FloorOp::create(b, l, a), y);
  }
  case Rounding::HalfDown: {
    Value a =
        arith::SubFOp::create(b, l, math::AbsFOp::create(b, l, y), half());
    return math::CopySignOp::create(b, l, math::CeilOp::create(b, l, a), y);
  }
  }
  return y;
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

/// A constant operand that is one value or one value per index of one axis
/// of the input (numpy-broadcast against it).
struct AxisParams {
  SmallVector<float> values;
  /// Logical axis of the input, -1 for one value.
  int64_t axis = -1;
  float at(int64_t i) const { return values[axis < 0 ? 0 : i]; }
};

FailureOr<AxisParams> readAxisParams(NodeContext &ctx, int64_t i,
                                     ArrayRef<int64_t> xShape, StringRef what) {
  FailureOr<DenseElementsAttr> attr = ctx.constantInput(i, what);
  if (failed(attr))
    return failure();
  if (!isa<FloatType, IntegerType>(attr->getElementType())) {
    ctx.emitError() << what << " must be numeric";
    return failure();
  }
  ArrayRef<int64_t> shape = attr->getType().getShape();
  int64_t rank = xShape.size(), offset = rank - (int64_t)shape.size();
  auto describe = [&](InFlightDiagnostic &&d) {
    d << what << " of shape [";
    llvm::interleaveComma(shape, d);
    d << "] is neither one value nor a vector along one axis of the input [";
    llvm::interleaveComma(xShape, d);
    d << "]";
  };
  AxisParams p;
  if (offset < 0) {
    describe(ctx.emitError());
    return failure();
  }
  for (int64_t d = 0, e = shape.size(); d < e; ++d) {
    if (shape[d] == 1)
      continue;
    if (p.axis >= 0 || shape[d] != xShape[d + offset]) {
      describe(ctx.emitError());
      return failure();
    }
    p.axis = d + offset;
  }
  for (double v : toDoubles(*attr))
    p.values.push_back(static_cast<float>(v));
  if (p.axis < 0)
    p.values.resize(1);
  return p;
}

/// Gives two parameter sets the same axis (a single value is repeated).
LogicalResult unifyAxes(NodeContext &ctx, AxisParams &a, AxisParams &b,
                        ArrayRef<int64_t> xShape, StringRef what) {
  if (a.axis >= 0 && b.axis >= 0 && a.axis != b.axis) {
    ctx.emitError() << what << " vary along different axes (" << a.axis
                    << " and " << b.axis << ")";
    return failure();
  }
  auto expand = [&](AxisParams &p, int64_t axis) {
    if (p.axis >= 0 || axis < 0)
      return;
    p.values.assign(xShape[axis], p.values.front());
    p.axis = axis;
  };
  expand(a, b.axis);
  expand(b, a.axis);
  return success();
}

/// A constant operand that is one value.
FailureOr<double> readScalar(NodeContext &ctx, int64_t i, StringRef what) {
  FailureOr<DenseElementsAttr> attr = ctx.constantInput(i, what);
  if (failed(attr))
    return failure();
  if (attr->getNumElements() != 1) {
    ctx.emitError() << what << " must be one value, got "
                    << attr->getNumElements();
    return failure();
  }
  return toDoubles(*attr).front();
}

/// One value holding an integer (bit widths, exponent widths).
FailureOr<int64_t> readIntegerScalar(NodeContext &ctx, int64_t i,
                                     StringRef what) {
  FailureOr<double> v = readScalar(ctx, i, what);
  if (failed(v))
    return failure();
  if (*v != std::floor(*v) || std::fabs(*v) > (1 << 30)) {
    ctx.emitError() << what << " must be an integer, got " << num(*v);
    return failure();
  }
  return static_cast<int64_t>(*v);
}

/// One float32 value (scales, bounds).
FailureOr<float> readFloatScalar(NodeContext &ctx, int64_t i, StringRef what) {
  FailureOr<double> v = readScalar(ctx, i, what);
  if (failed(v))
    return failure();
  return static_cast<float>(*v);
}

/// The float input of a QONNX quantizer. Its grid is defined in float32.
FailureOr<TensorValue *> quantizerInput(NodeContext &ctx) {
  FailureOr<TensorValue *> x = ctx.input(0);
  if (failed(x))
    return failure();
  if ((*x)->dtype != DT::TensorProto_DataType_FLOAT) {
    ctx.emitError() << "expects a float32 input, got "
                    << GraphImporter::dtypeName((*x)->dtype);
    return failure();
  }
  if (!ctx.importer.floatType.isF32()) {
    ctx.emitError() << "QONNX quantizers define their grid in float32; "
                       "import this model with --precision=f32";
    return failure();
  }
  return x;
}

/// Scales must be positive finite numbers.
LogicalResult checkScales(NodeContext &ctx, ArrayRef<float> scales,
                          StringRef what) {
  for (float s : scales)
    if (!(s > 0) || !std::isfinite(s)) {
      ctx.emitError() << what << " " << num(s)
                      << " is not a positive finite number";
      return failure();
    }
  return success();
}

/// The layout to quantize `x` in, and the physical position of the logical
/// `axis` (-1 stays -1).
std::pair<Layout, int32_t> placeAxis(TensorValue *x, int64_t axis) {
  Layout layout = x->keptLayout();
  if (axis >= 0 && x->rank() != 4)
    layout = Layout::Logical;
  if (axis < 0)
    return {layout, -1};
  return {layout, static_cast<int32_t>(
                      layout == Layout::NHWC ? kNHWCPosition[axis] : axis)};
}

/// A float32 constant of `values` shaped to broadcast along physical `axis`
/// of a rank-`rank` tensor (a scalar tensor when `axis` < 0).
Value axisConstant(OpBuilder &b, Location loc, ArrayRef<float> values,
                   int64_t rank, int32_t axis) {
  SmallVector<int64_t> shape;
  if (axis >= 0) {
    shape.assign(rank - axis, 1);
    shape[0] = values.size();
  }
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(type, axis >= 0 ? values : values.take_front()));
}

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = (int64_t)shape.size() - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// For each element of a row-major `shape`, its index along `axis` (0 when
/// `axis` < 0).
int64_t axisIndex(int64_t flat, ArrayRef<int64_t> shape,
                  ArrayRef<int64_t> strides, int64_t axis) {
  return axis < 0 ? 0 : (flat / strides[axis]) % shape[axis];
}

/// Sets output 0 to `dequantize(q)` as an f32 value of logical `shape`.
void setDequantized(NodeContext &ctx, Value q, ArrayRef<int64_t> shape,
                    Layout layout) {
  auto type = cast<RankedTensorType>(q.getType())
                  .clone(Float32Type::get(ctx.getContext()));
  Value y = lowbit::DequantizeOp::create(ctx.builder(), ctx.loc, type, q);
  ctx.setOutput(
      0, TensorValue::of(y, shape, DT::TensorProto_DataType_FLOAT, layout));
}

//===----------------------------------------------------------------------===//
// BipolarQuant (and 1-bit signed IntQuant)
//===----------------------------------------------------------------------===//

/// y = (x >= 0 ? +1 : -1) * scale as a `!lowbit.binary` value.
LogicalResult importBipolar(NodeContext &ctx, TensorValue *x,
                            const AxisParams &scale) {
  if (failed(checkScales(ctx, scale.values, "scale")))
    return failure();
  OpBuilder &b = ctx.builder();
  auto f32 = b.getF32Type();
  if (x->constant) {
    // Weights: binarized here. Logical layout; the consumer permutes.
    SmallVector<double> values = toDoubles(x->constant);
    SmallVector<int8_t> bits;
    for (double v : values)
      bits.push_back(v >= 0 ? 1 : -1); // NaN compares false: -1 as numpy
    SmallVector<double> scales(scale.values.begin(), scale.values.end());
    auto element =
        BinaryType::get(f32, scales, static_cast<int32_t>(scale.axis));
    auto i8 = RankedTensorType::get(x->shape, b.getI8Type());
    Value c = lowbit::ConstantOp::create(
        b, ctx.loc, RankedTensorType::get(x->shape, element),
        DenseElementsAttr::get(i8, ArrayRef(bits)));
    setDequantized(ctx, c, x->shape, Layout::Logical);
    return success();
  }
  auto [layout, axis] = placeAxis(x, scale.axis);
  SmallVector<double> scales(scale.values.begin(), scale.values.end());
  auto element = BinaryType::get(f32, scales, axis);
  Value in = ctx.importer.get(*x, layout, ctx.loc);
  auto type = cast<RankedTensorType>(in.getType()).clone(element);
  Value s = lowbit::SignOp::create(b, ctx.loc, type, in);
  setDequantized(ctx, s, x->shape, layout);
  return success();
}

LogicalResult importBipolarQuant(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  FailureOr<TensorValue *> x = quantizerInput(ctx);
  if (failed(x))
    return failure();
  FailureOr<AxisParams> scale = readAxisParams(ctx, 1, (*x)->shape, "scale");
  if (failed(scale))
    return failure();
  return importBipolar(ctx, *x, *scale);
}

//===----------------------------------------------------------------------===//
// IntQuant / Quant
//===----------------------------------------------------------------------===//

LogicalResult importIntQuant(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"signed", "narrow", "rounding_mode"})))
    return failure();
  FailureOr<TensorValue *> xOr = quantizerInput(ctx);
  if (failed(xOr))
    return failure();
  TensorValue *x = *xOr;
  FailureOr<AxisParams> scale = readAxisParams(ctx, 1, x->shape, "scale");
  if (failed(scale))
    return failure();
  FailureOr<AxisParams> zp = readAxisParams(ctx, 2, x->shape, "zeropt");
  if (failed(zp))
    return failure();
  FailureOr<int64_t> bits = readIntegerScalar(ctx, 3, "bitwidth");
  if (failed(bits))
    return failure();
  FailureOr<Rounding> rounding = readRounding(ctx, "ROUND");
  if (failed(rounding) ||
      failed(unifyAxes(ctx, *scale, *zp, x->shape, "scale and zeropt")) ||
      failed(checkScales(ctx, scale->values, "scale")))
    return failure();
  bool isSigned = ctx.attrInt("signed", 1) != 0;
  bool narrow = ctx.attrInt("narrow", 0) != 0;
  for (float z : zp->values)
    if (z != std::floor(z)) {
      ctx.emitError() << "zeropt " << num(z)
                      << " is not an integer; lowbit's affine types need an "
                         "integer zero point";
      return failure();
    }
  bool zeroZP = llvm::all_of(zp->values, [](float z) { return z == 0; });
  if (*bits == 1) {
    // The QONNX reference treats a signed 1-bit IntQuant as bipolar.
    if (!isSigned || !zeroZP) {
      ctx.emitError() << "a 1-bit IntQuant must be signed with zero point 0 "
                         "(bipolar); lowbit has no {0, 1} type";
      return failure();
    }
    return importBipolar(ctx, x, *scale);
  }
  if (*bits < 2 || *bits > 16) {
    ctx.emitError() << "bitwidth " << *bits
                    << " is outside the range lowbit supports (1..16)";
    return failure();
  }
  int64_t qmin = isSigned ? -(int64_t(1) << (*bits - 1)) + (narrow ? 1 : 0) : 0;
  int64_t qmax = isSigned ? (int64_t(1) << (*bits - 1)) - 1
                          : (int64_t(1) << *bits) - 1 - (narrow ? 1 : 0);
  for (float z : zp->values)
    if (z < qmin || z > qmax) {
      ctx.emitError() << "zeropt " << num(z) << " is outside the " << *bits
                      << "-bit range " << qmin << ".." << qmax;
      return failure();
    }

  MLIRContext *mctx = ctx.getContext();
  OpBuilder &b = ctx.builder();
  auto storage = IntegerType::get(mctx, *bits);
  auto f32 = Float32Type::get(mctx);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  SmallVector<double> scales(scale->values.begin(), scale->values.end());
  SmallVector<int64_t> zps(zp->values.begin(), zp->values.end());
  auto typeFor = [&](int32_t axis) -> Type {
    if (axis < 0)
      return quant::UniformQuantizedType::get(flags, storage, f32, scales[0],
                                              zps[0], qmin, qmax);
    return quant::UniformQuantizedPerAxisType::get(flags, storage, f32, scales,
                                                   zps, axis, qmin, qmax);
  };

  if (x->constant) {
    // Weights: y = round(clamp(x / scale + zeropt)), in float32 as the
    // reference computes it.
    SmallVector<double> values = toDoubles(x->constant);
    SmallVector<int64_t> strides = stridesOf(x->shape);
    SmallVector<int32_t> q;
    q.reserve(values.size());
    for (int64_t i = 0, e = values.size(); i < e; ++i) {
      int64_t c = axisIndex(i, x->shape, strides, scale->axis);
      float y = static_cast<float>(values[i]) / scale->at(c) + zp->at(c);
      if (std::isnan(y)) {
        ctx.emitError() << "the constant input holds NaN, which has no "
                           "integer value";
        return failure();
      }
      y = std::min(std::max(y, static_cast<float>(qmin)),
                   static_cast<float>(qmax));
      q.push_back(static_cast<int32_t>(roundHost(y, *rounding)));
    }
    auto i32 = RankedTensorType::get(x->shape, b.getI32Type());
    Value c = lowbit::ConstantOp::create(
        b, ctx.loc,
        RankedTensorType::get(x->shape,
                              typeFor(static_cast<int32_t>(scale->axis))),
        DenseElementsAttr::get(i32, ArrayRef(q)));
    setDequantized(ctx, c, x->shape, Layout::Logical);
    return success();
  }

  auto [layout, axis] = placeAxis(x, scale->axis);
  Value in = ctx.importer.get(*x, layout, ctx.loc);
  auto inType = cast<RankedTensorType>(in.getType());
  Type element = typeFor(axis);
  Value q;
  if (*rounding == Rounding::HalfEven && zeroZP) {
    // lowbit.quantize in the ONNX rounding mode is round_half_even(x / s),
    // saturated: the same values.
    q = lowbit::QuantizeOp::create(b, ctx.loc, inType.clone(element), in);
  } else {
    // Any other rounding, or a zero point added before rounding: the
    // reference formula, elementwise.
    int64_t rank = inType.getRank();
    Value s = axisConstant(b, ctx.loc, scale->values, rank, axis);
    Value z = axisConstant(b, ctx.loc, zp->values, rank, axis);
    Rounding mode = *rounding;
    Value stored = ctx.importer.map(
        {in, s, z}, storage, ctx.loc,
        [&](OpBuilder &bb, Location l, ValueRange a) -> Value {
          auto c = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(
                bb, l, bb.getF32FloatAttr(static_cast<float>(v)));
          };
          Value y = arith::AddFOp::create(
              bb, l, arith::DivFOp::create(bb, l, a[0], a[1]), a[2]);
          y = arith::MinimumFOp::create(
              bb, l, arith::MaximumFOp::create(bb, l, y, c(qmin)), c(qmax));
          y = roundIR(bb, l, y, mode);
          Value i = arith::FPToSIOp::create(bb, l, bb.getI32Type(), y);
          return arith::TruncIOp::create(bb, l, storage, i);
        });
    q = lowbit::StorageCastOp::create(b, ctx.loc, inType.clone(element),
                                      stored);
  }
  setDequantized(ctx, q, x->shape, layout);
  return success();
}

//===----------------------------------------------------------------------===//
// MultiThreshold
//===----------------------------------------------------------------------===//

LogicalResult importMultiThreshold(NodeContext &ctx) {
  if (failed(ctx.checkAttributes(
          {"out_dtype", "out_scale", "out_bias", "data_layout"})))
    return failure();
  FailureOr<TensorValue *> xOr = quantizerInput(ctx);
  if (failed(xOr))
    return failure();
  TensorValue *x = *xOr;
  FailureOr<DenseElementsAttr> tAttr = ctx.constantInput(1, "thresholds");
  if (failed(tAttr))
    return failure();
  ArrayRef<int64_t> tShape = tAttr->getType().getShape();
  std::string dataLayout = ctx.attrString("data_layout", "NCHW");
  bool channelsLast = !dataLayout.empty() && dataLayout.back() == 'C';
  int64_t rank = x->rank();
  if (rank < 2 && !channelsLast) {
    ctx.emitError() << "expects an input of rank >= 2 (N, C, ...), got rank "
                    << rank;
    return failure();
  }
  if (rank < 1) {
    ctx.emitError() << "expects an input of rank >= 1";
    return failure();
  }
  int64_t channelAxis = channelsLast ? rank - 1 : 1;
  int64_t channels = x->shape[channelAxis];
  if (tShape.size() != 2 || (tShape[0] != 1 && tShape[0] != channels) ||
      tShape[1] < 1) {
    ctx.emitError() << "thresholds must have shape [" << channels
                    << ", T] or [1, T] with T >= 1";
    return failure();
  }
  int64_t levels = tShape[1];
  float outScale = ctx.attrFloat("out_scale", 1.0f);
  float outBias = ctx.attrFloat("out_bias", 0.0f);
  if (!(outScale > 0) || !std::isfinite(outScale) || !std::isfinite(outBias)) {
    ctx.emitError() << "out_scale " << num(outScale)
                    << " must be a positive finite number";
    return failure();
  }

  // The result type: y = out_scale * n + out_bias for n in [0, T]. Binary
  // when that is {-1, +1}; otherwise an affine type with stored value
  // qmin + n, so zero point = qmin - out_bias / out_scale, which must be an
  // integer in range.
  MLIRContext *mctx = ctx.getContext();
  auto f32 = Float32Type::get(mctx);
  Type element;
  if (levels == 1 && outScale == 2.0f && outBias == -1.0f) {
    element = BinaryType::get(mctx);
  } else {
    double ratio = static_cast<double>(outBias) / outScale;
    if (ratio != std::floor(ratio) || std::fabs(ratio) > (1 << 20)) {
      ctx.emitError() << "out_bias " << num(outBias) << " is not a multiple of "
                      << "out_scale " << num(outScale)
                      << "; the output grid has no integer zero point";
      return failure();
    }
    int64_t bias = static_cast<int64_t>(ratio);
    for (int64_t width = 2; width <= 16 && !element; ++width)
      for (bool isSigned : {false, true}) {
        int64_t qmin = isSigned ? -(int64_t(1) << (width - 1)) : 0;
        int64_t qmax = isSigned ? (int64_t(1) << (width - 1)) - 1
                                : (int64_t(1) << width) - 1;
        int64_t zeroPoint = qmin - bias;
        if (qmax - qmin < levels || zeroPoint < qmin || zeroPoint > qmax)
          continue;
        element = quant::UniformQuantizedType::get(
            isSigned ? quant::QuantizationFlags::Signed : 0,
            IntegerType::get(mctx, width), f32, outScale, zeroPoint, qmin,
            qmax);
        break;
      }
    if (!element) {
      ctx.emitError() << "the output grid (" << levels + 1
                      << " levels, out_scale " << num(outScale) << ", out_bias "
                      << num(outBias) << ") does not fit a 16-bit affine type";
      return failure();
    }
  }

  // Thresholds as f32 [C or 1, T]; the input with its channel axis last.
  SmallVector<float> thresholds;
  for (double t : toDoubles(*tAttr))
    thresholds.push_back(static_cast<float>(t));
  OpBuilder &b = ctx.builder();
  Value t = arith::ConstantOp::create(
      b, ctx.loc,
      DenseElementsAttr::get(RankedTensorType::get(tShape, f32),
                             ArrayRef(thresholds)));
  GraphImporter &g = ctx.importer;
  Value in;
  Layout layout = Layout::Logical;
  SmallVector<int64_t> perm;
  if (!channelsLast && rank == 4) {
    layout = Layout::NHWC;
    in = g.get(*x, layout, ctx.loc);
  } else {
    in = g.get(*x, Layout::Logical, ctx.loc);
    if (channelAxis != rank - 1) {
      for (int64_t d = 0; d < rank; ++d)
        if (d != channelAxis)
          perm.push_back(d);
      perm.push_back(channelAxis);
      in = g.permute(in, perm, ctx.loc);
    }
  }
  auto inType = cast<RankedTensorType>(in.getType());
  Value y =
      lowbit::ThresholdOp::create(b, ctx.loc, inType.clone(element), in, t);
  Value real = lowbit::DequantizeOp::create(b, ctx.loc, inType, y);
  if (!perm.empty()) {
    SmallVector<int64_t> inverse(rank);
    for (int64_t d = 0; d < rank; ++d)
      inverse[perm[d]] = d;
    real = g.permute(real, inverse, ctx.loc);
  }
  ctx.setOutput(0, TensorValue::of(real, x->shape,
                                   DT::TensorProto_DataType_FLOAT, layout));
  return success();
}

//===----------------------------------------------------------------------===//
// FloatQuant
//===----------------------------------------------------------------------===//

LogicalResult importFloatQuant(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"rounding_mode", "has_inf", "has_nan",
                                  "has_subnormal", "saturation"})))
    return failure();
  FailureOr<TensorValue *> xOr = quantizerInput(ctx);
  if (failed(xOr))
    return failure();
  TensorValue *x = *xOr;
  FailureOr<float> scale = readFloatScalar(ctx, 1, "scale");
  if (failed(scale))
    return failure();
  FailureOr<int64_t> e = readIntegerScalar(ctx, 2, "exponent_bitwidth");
  if (failed(e))
    return failure();
  FailureOr<int64_t> m = readIntegerScalar(ctx, 3, "mantissa_bitwidth");
  if (failed(m))
    return failure();
  FailureOr<int64_t> bias = readIntegerScalar(ctx, 4, "exponent_bias");
  if (failed(bias))
    return failure();
  FailureOr<float> maxVal = readFloatScalar(ctx, 5, "max_val");
  if (failed(maxVal))
    return failure();
  FailureOr<Rounding> rounding = readRounding(ctx, "ROUND");
  if (failed(rounding))
    return failure();
  if (failed(checkScales(ctx, *scale, "scale")))
    return failure();
  MLIRContext *mctx = ctx.getContext();
  FloatType fp8;
  float largest = 0;
  if (*e == 4 && *m == 3 && *bias == 7) {
    fp8 = Float8E4M3FNType::get(mctx);
    largest = 448.0f;
  } else if (*e == 5 && *m == 2 && *bias == 15) {
    fp8 = Float8E5M2Type::get(mctx);
    largest = 57344.0f;
  } else {
    ctx.emitError() << "the minifloat E" << *e << "M" << *m << " with bias "
                    << *bias
                    << " is not one lowbit has (E4M3 bias 7, E5M2 bias 15)";
    return failure();
  }
  if (*rounding != Rounding::HalfEven) {
    ctx.emitError() << "only rounding_mode ROUND (to nearest even) maps to "
                       "an fp8 type";
    return failure();
  }
  if (ctx.attrInt("saturation", 1) == 0) {
    ctx.emitError() << "saturation 0 (overflow to inf/NaN) is not supported; "
                       "lowbit's fp8 conversions saturate";
    return failure();
  }
  // The grid is cut at max_val: it must be a value of the type no larger
  // than its largest finite value, or the results would differ.
  bool losesInfo = false;
  APFloat asFp8(*maxVal);
  asFp8.convert(fp8.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  if (!(*maxVal > 0) || *maxVal > largest || losesInfo) {
    ctx.emitError() << "max_val " << num(*maxVal) << " is not a positive "
                    << fp8 << " value up to " << largest;
    return failure();
  }

  // y = fp8(clamp(x / scale, -max_val, max_val)) * scale; clamping first
  // equals clamping the rounded value since max_val is on the grid.
  GraphImporter &g = ctx.importer;
  OpBuilder &b = ctx.builder();
  Layout layout = x->keptLayout();
  Value in = g.get(*x, layout, ctx.loc);
  auto inType = cast<RankedTensorType>(in.getType());
  float s = *scale, hi = *maxVal;
  Value scaled =
      g.map({in}, inType.getElementType(), ctx.loc,
            [&](OpBuilder &bb, Location l, ValueRange a) -> Value {
              auto c = [&](float v) -> Value {
                return arith::ConstantOp::create(bb, l, bb.getF32FloatAttr(v));
              };
              Value y = a[0];
              if (s != 1.0f)
                y = arith::DivFOp::create(bb, l, y, c(s));
              return arith::MinimumFOp::create(
                  bb, l, arith::MaximumFOp::create(bb, l, y, c(-hi)), c(hi));
            });
  Value q = lowbit::QuantizeOp::create(b, ctx.loc, inType.clone(fp8), scaled);
  Value y = lowbit::DequantizeOp::create(b, ctx.loc, inType, q);
  if (s != 1.0f)
    y = g.map({y}, inType.getElementType(), ctx.loc,
              [&](OpBuilder &bb, Location l, ValueRange a) -> Value {
                return arith::MulFOp::create(
                    bb, l, a[0],
                    arith::ConstantOp::create(bb, l, bb.getF32FloatAttr(s)));
              });
  ctx.setOutput(
      0, TensorValue::of(y, x->shape, DT::TensorProto_DataType_FLOAT, layout));
  return success();
}

//===----------------------------------------------------------------------===//
// Trunc
//===----------------------------------------------------------------------===//

/// Trunc, both versions (told apart by their operand count, as the QONNX
/// reference does):
///   v1 (X, scale, zeropt, in_bitwidth, out_bitwidth):
///     y = (R(round(X / s + z) / 2^(in - out)) - z) * s
///   v2 (X, scale, zeropt, in_bitwidth, out_scale, out_bitwidth):
///     t = 2^round(log2(out_scale / s)),
///     y = (R(clamp(round(X / s + z) / t)) - z / t) * out_scale
/// with R the node's rounding mode (default FLOOR). Every step is exact in
/// float32 for values on the grid, so it is emitted as float arithmetic.
LogicalResult importTrunc(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"rounding_mode", "signed", "narrow"})))
    return failure();
  bool v2 = ctx.numInputs() == 6;
  if (!v2 && ctx.numInputs() != 5) {
    ctx.emitError() << "expects 5 operands (Trunc v1) or 6 (v2), got "
                    << ctx.numInputs();
    return failure();
  }
  FailureOr<TensorValue *> xOr = quantizerInput(ctx);
  if (failed(xOr))
    return failure();
  TensorValue *x = *xOr;
  FailureOr<float> s = readFloatScalar(ctx, 1, "scale");
  if (failed(s))
    return failure();
  FailureOr<float> z = readFloatScalar(ctx, 2, "zeropt");
  if (failed(z))
    return failure();
  FailureOr<int64_t> inBits = readIntegerScalar(ctx, 3, "in_bitwidth");
  if (failed(inBits))
    return failure();
  FailureOr<float> outScale = *s;
  if (v2 && failed(outScale = readFloatScalar(ctx, 4, "out_scale")))
    return failure();
  FailureOr<int64_t> outBits =
      readIntegerScalar(ctx, v2 ? 5 : 4, "out_bitwidth");
  if (failed(outBits))
    return failure();
  FailureOr<Rounding> rounding = readRounding(ctx, "FLOOR");
  if (failed(rounding))
    return failure();
  if (failed(checkScales(ctx, {*s, *outScale}, "scale")))
    return failure();
  if (*z != std::floor(*z)) {
    ctx.emitError() << "zeropt " << num(*z) << " is not an integer";
    return failure();
  }
  if (*outBits < 1 || *outBits > 32 || *inBits < *outBits) {
    ctx.emitError() << "bit widths in " << *inBits << " / out " << *outBits
                    << " are not a truncation";
    return failure();
  }
  float t;
  if (v2)
    t = std::exp2(std::nearbyint(std::log2(*outScale / *s)));
  else
    t = std::exp2(static_cast<float>(*inBits - *outBits));
  bool isSigned = ctx.attrInt("signed", 1) != 0;
  bool narrow = ctx.attrInt("narrow", 0) != 0;
  float qmin =
      isSigned ? -std::exp2(float(*outBits - 1)) + (narrow ? 1 : 0) : 0.0f;
  float qmax = isSigned ? std::exp2(float(*outBits - 1)) - 1
                        : std::exp2(float(*outBits)) - 1 - (narrow ? 1 : 0);
  float scaleIn = *s, zp = *z, out = *outScale;
  float outZP = v2 ? zp / t : zp;
  Rounding mode = *rounding;
  GraphImporter &g = ctx.importer;
  Layout layout = x->keptLayout();
  Value in = g.get(*x, layout, ctx.loc);
  auto inType = cast<RankedTensorType>(in.getType());
  Value y =
      g.map({in}, inType.getElementType(), ctx.loc,
            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
              auto c = [&](float v) -> Value {
                return arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
              };
              Value v = arith::DivFOp::create(b, l, a[0], c(scaleIn));
              v = arith::AddFOp::create(b, l, v, c(zp));
              v = math::RoundEvenOp::create(b, l, v);
              v = arith::DivFOp::create(b, l, v, c(t));
              if (v2)
                v = arith::MinimumFOp::create(
                    b, l, arith::MaximumFOp::create(b, l, v, c(qmin)), c(qmax));
              v = roundIR(b, l, v, mode);
              v = arith::SubFOp::create(b, l, v, c(outZP));
              return arith::MulFOp::create(b, l, v, c(out));
            });
  ctx.setOutput(
      0, TensorValue::of(y, x->shape, DT::TensorProto_DataType_FLOAT, layout));
  return success();
}

} // namespace

void mlir::lowbit::onnx_import::registerQONNXOps(OpRegistry &r) {
  r.on(kDomainQONNX, "IntQuant", 1, importIntQuant);
  r.on(kDomainQONNX, "Quant", 1, importIntQuant);
  r.on(kDomainQONNX, "BipolarQuant", 1, importBipolarQuant);
  r.on(kDomainQONNX, "MultiThreshold", 1, importMultiThreshold);
  r.on(kDomainQONNX, "FloatQuant", 1, importFloatQuant);
  r.on(kDomainQONNX, "Trunc", 1, importTrunc);
}
