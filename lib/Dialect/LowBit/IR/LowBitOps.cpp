//===- LowBitOps.cpp - lowbit operations ----------------------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lowbit;

//===----------------------------------------------------------------------===//
// Custom directive: fused activation
//===----------------------------------------------------------------------===//

// Syntax inside `act(...)`: `none`, `relu`, `relu6` or `clamp, <min>, <max>`
// with real-valued bounds.
static ParseResult parseActivation(OpAsmParser &parser,
                                   ActivationAttr &activation,
                                   FloatAttr &clampMin, FloatAttr &clampMax) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<Activation> kind = symbolizeActivation(keyword);
  if (!kind)
    return parser.emitError(loc, "unknown activation '")
           << keyword << "'; expected none, relu, relu6 or clamp";
  MLIRContext *ctx = parser.getContext();
  activation = ActivationAttr::get(ctx, *kind);
  if (*kind == Activation::clamp) {
    double lo, hi;
    if (parser.parseComma() || parser.parseFloat(lo) || parser.parseComma() ||
        parser.parseFloat(hi))
      return failure();
    Builder b(ctx);
    clampMin = b.getF64FloatAttr(lo);
    clampMax = b.getF64FloatAttr(hi);
  }
  return success();
}

static void printActivation(OpAsmPrinter &printer, Operation *,
                            ActivationAttr activation, FloatAttr clampMin,
                            FloatAttr clampMax) {
  Activation kind = activation ? activation.getValue() : Activation::none;
  printer << stringifyActivation(kind);
  if (kind == Activation::clamp && clampMin && clampMax)
    printer << ", " << clampMin.getValueAsDouble() << ", "
            << clampMax.getValueAsDouble();
}

// `pad_value` is printed as a bare keyword: `pad_value one`.
static ParseResult parsePadValue(OpAsmParser &parser, PadValueAttr &value) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<PadValue> kind = symbolizePadValue(keyword);
  if (!kind)
    return parser.emitError(loc, "unknown pad_value '")
           << keyword << "'; expected zero or one";
  value = PadValueAttr::get(parser.getContext(), *kind);
  return success();
}

static void printPadValue(OpAsmPrinter &printer, Operation *,
                          PadValueAttr value) {
  printer << stringifyPadValue(value.getValue());
}

#define GET_OP_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared verification helpers
//===----------------------------------------------------------------------===//

int64_t mlir::lowbit::getWindowOutputSize(int64_t in, int64_t padBefore,
                                          int64_t padAfter, int64_t kernel,
                                          int64_t stride, int64_t dilation) {
  int64_t effective = dilation * (kernel - 1) + 1;
  int64_t span = in + padBefore + padAfter;
  if (span < effective)
    return -1;
  return (span - effective) / stride + 1;
}

static Type elementTypeOf(Value v) { return getElementTypeOrSelf(v.getType()); }

static RankedTensorType tensorTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static LogicalResult verifyTensor(Operation *op, Value v, StringRef what) {
  return verifyLowBitTensorType([op]() { return op->emitOpError(); },
                                tensorTypeOf(v), what);
}

static bool isBlockwise(Type type) {
  return isa<quant::UniformQuantizedSubChannelType>(type);
}

static std::optional<double> toDouble(std::optional<APFloat> value) {
  if (!value)
    return std::nullopt;
  return value->convertToDouble();
}

static LogicalResult verifyActivation(Operation *op, Activation activation,
                                      std::optional<APFloat> clampMinAttr,
                                      std::optional<APFloat> clampMaxAttr) {
  std::optional<double> clampMin = toDouble(clampMinAttr);
  std::optional<double> clampMax = toDouble(clampMaxAttr);
  if (activation != Activation::clamp) {
    if (clampMin || clampMax)
      return op->emitOpError("clamp_min/clamp_max are only valid with "
                             "act(clamp, <min>, <max>)");
    return success();
  }
  if (!clampMin || !clampMax)
    return op->emitOpError("act(clamp) needs both clamp_min and clamp_max");
  if (!std::isfinite(*clampMin) || !std::isfinite(*clampMax) ||
      *clampMin > *clampMax)
    return op->emitOpError("act(clamp) needs finite bounds with min <= max, "
                           "got [")
           << *clampMin << ", " << *clampMax << "]";
  return success();
}

/// Element-type rules shared by add, mul, matmul and conv2d: operands are
/// all floating point of one type (which is also the result type) or all
/// quantized with one expressed type; the result is then quantized with that
/// expressed type or is the expressed type itself.
static LogicalResult verifyArithmeticTypes(Operation *op, Value lhs,
                                           StringRef lhsName, Value rhs,
                                           StringRef rhsName, Value result) {
  for (auto [v, name] : {std::pair<Value, StringRef>(lhs, lhsName),
                         std::pair<Value, StringRef>(rhs, rhsName),
                         std::pair<Value, StringRef>(result, "result")})
    if (failed(verifyTensor(op, v, name)))
      return failure();

  Type l = elementTypeOf(lhs), r = elementTypeOf(rhs),
       res = elementTypeOf(result);
  if (isSupportedFloat(l) || isSupportedFloat(r)) {
    if (l != r)
      return op->emitOpError("expects ")
             << lhsName << " and " << rhsName
             << " to be both quantized or both floats of one type, got " << l
             << " and " << r;
    if (res != l)
      return op->emitOpError("expects a result of the float operand type ")
             << l << ", got " << res;
    return success();
  }

  FloatType expressed = getExpressedType(l);
  if (getExpressedType(r) != expressed)
    return op->emitOpError("expects ")
           << lhsName << " and " << rhsName
           << " to have one expressed type, got " << l << " and " << r;
  if (getExpressedType(res) != expressed)
    return op->emitOpError("expects a result quantized with expressed type ")
           << expressed << " or of type " << expressed << " itself, got "
           << res;
  for (auto [t, name] : {std::pair<Type, StringRef>(l, lhsName),
                         std::pair<Type, StringRef>(r, rhsName),
                         std::pair<Type, StringRef>(res, "result")}) {
    if (isBlockwise(t))
      return op->emitOpError()
             << name << " is quantized blockwise, which only "
             << "lowbit.quantize, lowbit.dequantize and lowbit.constant accept";
  }
  for (auto [t, name] : {std::pair<Type, StringRef>(l, lhsName),
                         std::pair<Type, StringRef>(r, rhsName)})
    if (isQuantized(t) && getStorageBitWidth(t) == 32)
      return op->emitOpError()
             << name << " has 32-bit storage, which is reserved for biases "
             << "and accumulators; requantize it to 16 bits or fewer first";
  if (isPerAxis(res))
    return op->emitOpError("expects the result quantized per tensor, got ")
           << res;
  return success();
}

/// Checks the optional bias of matmul and conv2d against the operand types.
/// `channels` is the number of output channels (dynamic allowed).
static LogicalResult verifyBias(Operation *op, Value bias, Value lhs, Value rhs,
                                Value result, int64_t channels) {
  if (!bias)
    return success();
  if (failed(verifyTensor(op, bias, "bias")))
    return failure();
  RankedTensorType biasType = tensorTypeOf(bias);
  if (biasType.getRank() != 1)
    return op->emitOpError("expects a 1-D bias, got ") << biasType;
  int64_t n = biasType.getDimSize(0);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(channels) &&
      n != channels)
    return op->emitOpError("expects a bias of ")
           << channels << " values (one per output channel), got " << n;

  Type b = elementTypeOf(bias), l = elementTypeOf(lhs), r = elementTypeOf(rhs);
  Type res = elementTypeOf(result);
  if (isSupportedFloat(b)) {
    if (b != getExpressedType(res) || !isSupportedFloat(res))
      return op->emitOpError("expects a float bias only with a float result "
                             "of the same type; quantize the bias to i32 "
                             "with scale scale(lhs) * scale(rhs), got ")
             << b << " with result " << res;
    return success();
  }
  if (isSupportedFloat(l))
    return op->emitOpError("expects a float bias of type ")
           << l << " for float operands, got " << b;

  auto q = dyn_cast<quant::QuantizedType>(b);
  bool zeroPointsZero = false;
  if (auto t = dyn_cast<quant::UniformQuantizedType>(b))
    zeroPointsZero = t.getZeroPoint() == 0;
  else if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(b))
    zeroPointsZero =
        llvm::all_of(t.getZeroPoints(), [](int64_t zp) { return zp == 0; });
  if (!q || q.getStorageTypeIntegralWidth() != 32 || !q.isSigned() ||
      !zeroPointsZero)
    return op->emitOpError("expects a quantized bias stored in i32 with zero "
                           "point 0, got ")
           << b;

  int32_t lhsAxis, rhsAxis, biasAxis;
  FailureOr<SmallVector<double>> lhsScales = getScales(l, lhsAxis);
  FailureOr<SmallVector<double>> rhsScales = getScales(r, rhsAxis);
  FailureOr<SmallVector<double>> biasScales = getScales(b, biasAxis);
  if (failed(lhsScales) || failed(rhsScales) || failed(biasScales))
    return op->emitOpError("cannot derive the bias scale from ")
           << l << " and " << r;
  if (biasAxis >= 0 && rhsAxis < 0)
    return op->emitOpError("expects a per-tensor bias scale when the weights "
                           "are quantized per tensor, got ")
           << b;
  if (biasAxis >= 0 && biasScales->size() != rhsScales->size())
    return op->emitOpError("expects one bias scale per weight scale (")
           << rhsScales->size() << "), got " << biasScales->size();
  for (size_t i = 0, e = biasScales->size(); i < e; ++i) {
    double rs = (*rhsScales)[rhsScales->size() == 1 ? 0 : i];
    double expected = lhsScales->front() * rs;
    double got = (*biasScales)[i];
    // Same tolerance as TFLite's check of bias scales.
    if (std::abs(expected - got) > 1e-6 * std::min(expected, got))
      return op->emitOpError("expects bias scale ")
             << expected << " (scale(lhs) * scale(rhs)) for channel " << i
             << ", got " << got;
  }
  if (biasAxis < 0 && rhsAxis >= 0 && rhsScales->size() > 1) {
    // A per-tensor bias scale only fits per-channel weights whose scales
    // are all equal; the loop above checked channel 0 only.
    for (double rs : *rhsScales)
      if (std::abs(lhsScales->front() * rs - biasScales->front()) >
          1e-6 * std::min(lhsScales->front() * rs, biasScales->front()))
        return op->emitOpError("expects a per-channel bias for per-channel "
                               "weights with different scales");
  }
  return success();
}

static LogicalResult verifyArrayAttr(Operation *op, StringRef name,
                                     ArrayRef<int64_t> values, size_t size,
                                     int64_t minValue) {
  if (values.size() != size)
    return op->emitOpError() << "expects '" << name << "' to have " << size
                             << " values, got " << values.size();
  for (int64_t v : values)
    if (v < minValue)
      return op->emitOpError() << "expects '" << name
                               << "' values >= " << minValue << ", got " << v;
  return success();
}

static LogicalResult verifySameShape(Operation *op, Value a, Value b) {
  if (failed(verifyCompatibleShape(a.getType(), b.getType())))
    return op->emitOpError("expects input and result shapes to match, got ")
           << a.getType() << " and " << b.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (failed(verifyTensor(*this, getResult(), "result")))
    return failure();
  auto valueType = cast<ShapedType>(getValue().getType());
  RankedTensorType resultType = getResult().getType();
  if (valueType.getShape() != resultType.getShape())
    return emitOpError("expects the value shape to equal the result shape ")
           << resultType << ", got " << valueType;
  Type element = resultType.getElementType();
  Type valueElement = valueType.getElementType();
  if (isSupportedFloat(element)) {
    if (valueElement != element)
      return emitOpError("expects ") << element << " values for a " << element
                                     << " tensor, got " << valueElement;
    return success();
  }
  if (!valueElement.isSignlessInteger())
    return emitOpError("expects signless integer stored values for ")
           << element << ", got " << valueElement;

  int64_t lo, hi;
  if (isa<BinaryType>(element)) {
    lo = -1;
    hi = 1;
  } else {
    auto q = cast<quant::QuantizedType>(element);
    lo = q.getStorageTypeMin();
    hi = q.getStorageTypeMax();
  }
  auto values = getValue().tryGetValues<APInt>();
  // Values held in an unloaded resource blob cannot be checked here.
  if (!values)
    return success();
  // A splat holds one value, however large the tensor: check it once (the
  // loop below would visit every logical element).
  auto dense = dyn_cast<DenseElementsAttr>(getValue());
  bool splat = dense && dense.isSplat();
  int64_t index = 0;
  for (const APInt &v : *values) {
    if (splat && index > 0)
      break;
    // A value wider than 64 bits must not wrap into range when narrowed.
    bool fits = v.getSignificantBits() <= 64;
    int64_t x = fits ? v.getSExtValue() : 0;
    if (!fits || x < lo || x > hi || (isa<BinaryType>(element) && x == 0)) {
      InFlightDiagnostic diag = emitOpError("stored value ")
                                << llvm::toString(v, 10, /*Signed=*/true)
                                << " at flat index " << index;
      // The range, not the type: a per-channel type can be very long.
      if (isa<BinaryType>(element))
        return diag << " is not a value of '!lowbit.binary' (expected -1 or "
                       "+1)";
      return diag << " is outside the storage range [" << lo << ", " << hi
                  << "] of the element type";
    }
    ++index;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp / RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  if (failed(verifyTensor(*this, getResult(), "result")) ||
      failed(verifySameShape(*this, getInput(), getResult())))
    return failure();
  Type in = elementTypeOf(getInput()), out = elementTypeOf(getResult());
  if (isQuantized(out) && getExpressedType(out) != in)
    return emitOpError("expects the input element type to be the result's "
                       "expressed type ")
           << getExpressedType(out) << ", got " << in;
  return success();
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")) ||
      failed(verifySameShape(*this, getInput(), getResult())))
    return failure();
  Type in = elementTypeOf(getInput()), out = elementTypeOf(getResult());
  if (isQuantized(in) && getExpressedType(in) != out)
    return emitOpError("expects the result element type to be the input's "
                       "expressed type ")
           << getExpressedType(in) << ", got " << out;
  return success();
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")) ||
      failed(verifyTensor(*this, getResult(), "result")) ||
      failed(verifySameShape(*this, getInput(), getResult())))
    return failure();
  Type in = elementTypeOf(getInput()), out = elementTypeOf(getResult());
  if (!isAffineQuantized(in) || isBlockwise(in))
    return emitOpError("expects an affine input quantized per tensor or per "
                       "axis, got ")
           << in;
  if (!isQuantized(out) || isBlockwise(out))
    return emitOpError("expects a result quantized per tensor or per axis "
                       "(affine or binary), got ")
           << out;
  if (getExpressedType(in) != getExpressedType(out))
    return emitOpError("expects input and result with one expressed type, "
                       "got ")
           << in << " and " << out;
  return success();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// AddOp / MulOp
//===----------------------------------------------------------------------===//

template <typename OpTy> static LogicalResult verifyElementwise(OpTy op) {
  if (failed(verifyActivation(op, op.getActivation(), op.getClampMin(),
                              op.getClampMax())) ||
      failed(verifyArithmeticTypes(op, op.getLhs(), "lhs", op.getRhs(), "rhs",
                                   op.getResult())))
    return failure();
  for (auto [v, name] : {std::pair<Value, StringRef>(op.getLhs(), "lhs"),
                         std::pair<Value, StringRef>(op.getRhs(), "rhs")})
    if (isPerAxis(elementTypeOf(v)))
      return op.emitOpError("expects ")
             << name << " quantized per tensor, got " << elementTypeOf(v);
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(tensorTypeOf(op.getLhs()).getShape(),
                                          tensorTypeOf(op.getRhs()).getShape(),
                                          shape))
    return op.emitOpError("cannot broadcast shapes ")
           << op.getLhs().getType() << " and " << op.getRhs().getType();
  ArrayRef<int64_t> resultShape = op.getResult().getType().getShape();
  if (failed(verifyCompatibleShape(shape, resultShape)))
    return op.emitOpError("expects the result shape to be the broadcast "
                          "shape [")
           << shape << "], got [" << resultShape << "]";
  return success();
}

LogicalResult AddOp::verify() { return verifyElementwise(*this); }
LogicalResult MulOp::verify() { return verifyElementwise(*this); }

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

static bool dimsConflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

LogicalResult MatmulOp::verify() {
  if (failed(verifyActivation(*this, getActivation(), getClampMin(),
                              getClampMax())) ||
      failed(verifyArithmeticTypes(*this, getLhs(), "lhs", getRhs(), "rhs",
                                   getResult())))
    return failure();
  RankedTensorType lhs = getLhs().getType(), rhs = getRhs().getType(),
                   res = getResult().getType();
  int64_t lr = lhs.getRank(), rr = rhs.getRank();
  if (lr != 2 && lr != 3)
    return emitOpError("expects lhs of rank 2 (MxK) or 3 (BxMxK), got rank ")
           << lr;
  if (rr != 2 && rr != 3)
    return emitOpError("expects rhs of rank 2 (KxN) or 3 (BxKxN), got rank ")
           << rr;
  if (rr == 3 && lr != 3)
    return emitOpError("expects a batched lhs (BxMxK) with a batched rhs");
  if (res.getRank() != lr)
    return emitOpError("expects a result of rank ")
           << lr << ", got rank " << res.getRank();
  int64_t k = lhs.getDimSize(lr - 1), kr = rhs.getDimSize(rr - 2);
  if (dimsConflict(k, kr))
    return emitOpError("expects the reduction sizes to match: lhs has K = ")
           << k << ", rhs has K = " << kr;
  int64_t m = lhs.getDimSize(lr - 2), n = rhs.getDimSize(rr - 1);
  if (dimsConflict(res.getDimSize(lr - 2), m) ||
      dimsConflict(res.getDimSize(lr - 1), n))
    return emitOpError("expects a result of shape ")
           << (lr == 3 ? "BxMxN" : "MxN") << " with M = " << m
           << " and N = " << n << ", got " << res;
  if (lr == 3) {
    if (rr == 3 && dimsConflict(lhs.getDimSize(0), rhs.getDimSize(0)))
      return emitOpError("expects equal batch sizes, got ")
             << lhs.getDimSize(0) << " and " << rhs.getDimSize(0);
    if (dimsConflict(lhs.getDimSize(0), res.getDimSize(0)))
      return emitOpError("expects the result batch size ")
             << lhs.getDimSize(0) << ", got " << res.getDimSize(0);
  }
  Type l = lhs.getElementType(), r = rhs.getElementType();
  if (isPerAxis(l))
    return emitOpError("expects lhs quantized per tensor, got ") << l;
  int32_t axis = -1;
  if (isPerAxis(r) && succeeded(getScales(r, axis)) && axis != rr - 1)
    return emitOpError("expects rhs quantized per tensor or per output "
                       "channel (axis ")
           << rr - 1 << "), got axis " << axis;
  return verifyBias(*this, getBias(), getLhs(), getRhs(), getResult(), n);
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

SmallVector<int64_t, 2> Conv2DOp::getStrideValues() {
  if (std::optional<ArrayRef<int64_t>> s = getStrides())
    return SmallVector<int64_t, 2>(*s);
  return {1, 1};
}

SmallVector<int64_t, 2> Conv2DOp::getDilationValues() {
  if (std::optional<ArrayRef<int64_t>> d = getDilations())
    return SmallVector<int64_t, 2>(*d);
  return {1, 1};
}

SmallVector<int64_t, 4> Conv2DOp::getPaddingValues() {
  if (std::optional<ArrayRef<int64_t>> p = getPadding())
    return SmallVector<int64_t, 4>(*p);
  return {0, 0, 0, 0};
}

PadValue Conv2DOp::getPadValueOrDefault() {
  return getPadValue().value_or(PadValue::zero);
}

int64_t Conv2DOp::getGroupCount() { return getGroups().value_or(1); }

LogicalResult Conv2DOp::verify() {
  if (failed(verifyActivation(*this, getActivation(), getClampMin(),
                              getClampMax())) ||
      failed(verifyArithmeticTypes(*this, getInput(), "input", getFilter(),
                                   "filter", getResult())))
    return failure();
  RankedTensorType in = getInput().getType(), filter = getFilter().getType(),
                   res = getResult().getType();
  if (in.getRank() != 4)
    return emitOpError("expects an NHWC input of rank 4, got rank ")
           << in.getRank();
  if (filter.getRank() != 4)
    return emitOpError("expects an OHWI filter of rank 4, got rank ")
           << filter.getRank();
  if (res.getRank() != 4)
    return emitOpError("expects an NHWC result of rank 4, got rank ")
           << res.getRank();
  if (getStrides() &&
      failed(verifyArrayAttr(*this, "strides", *getStrides(), 2, 1)))
    return failure();
  if (getDilations() &&
      failed(verifyArrayAttr(*this, "dilations", *getDilations(), 2, 1)))
    return failure();
  if (getPadding() &&
      failed(verifyArrayAttr(*this, "padding", *getPadding(), 4, 0)))
    return failure();
  int64_t groups = getGroupCount();
  if (groups < 1)
    return emitOpError("expects groups >= 1, got ") << groups;

  Type inElement = in.getElementType();
  if (isPerAxis(inElement))
    return emitOpError("expects the input quantized per tensor, got ")
           << inElement;
  int32_t axis = -1;
  if (isPerAxis(filter.getElementType()) &&
      succeeded(getScales(filter.getElementType(), axis)) && axis != 0)
    return emitOpError("expects the filter quantized per tensor or per "
                       "output channel (axis 0), got axis ")
           << axis;
  if (getPadValueOrDefault() == PadValue::one && !isa<BinaryType>(inElement))
    return emitOpError("pad_value one (+1 padding) is only defined for a "
                       "binary input, got ")
           << inElement;

  int64_t c = in.getDimSize(3), o = filter.getDimSize(0),
          ic = filter.getDimSize(3);
  if (!ShapedType::isDynamic(c) && c % groups != 0)
    return emitOpError("expects groups (")
           << groups << ") to divide the input channels (" << c << ")";
  if (!ShapedType::isDynamic(o) && o % groups != 0)
    return emitOpError("expects groups (")
           << groups << ") to divide the output channels (" << o << ")";
  if (!ShapedType::isDynamic(c) && dimsConflict(ic, c / groups))
    return emitOpError("expects the filter to have ")
           << c / groups << " input channels (C / groups), got " << ic;

  SmallVector<int64_t, 2> strides = getStrideValues(),
                          dilations = getDilationValues();
  SmallVector<int64_t, 4> pad = getPaddingValues();
  SmallVector<int64_t, 4> expected = {in.getDimSize(0), ShapedType::kDynamic,
                                      ShapedType::kDynamic, o};
  for (int i = 0; i < 2; ++i) {
    int64_t size = in.getDimSize(1 + i), kernel = filter.getDimSize(1 + i);
    if (kernel == 0)
      return emitOpError("expects a filter of non-zero ")
             << (i == 0 ? "height" : "width") << ", got " << filter;
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(kernel))
      continue;
    int64_t out = getWindowOutputSize(size, pad[2 * i], pad[2 * i + 1], kernel,
                                      strides[i], dilations[i]);
    if (out < 1)
      return emitOpError("the dilated filter (")
             << dilations[i] * (kernel - 1) + 1 << ") is larger than the "
             << (i == 0 ? "padded height (" : "padded width (")
             << size + pad[2 * i] + pad[2 * i + 1] << ")";
    expected[1 + i] = out;
  }
  if (failed(verifyCompatibleShape(expected, res.getShape())))
    return emitOpError("expects a result of shape [")
           << expected << "], got " << res;
  return verifyBias(*this, getBias(), getInput(), getFilter(), getResult(), o);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename OpTy> static SmallVector<int64_t, 2> poolStrides(OpTy op) {
  if (std::optional<ArrayRef<int64_t>> s = op.getStrides())
    return SmallVector<int64_t, 2>(*s);
  return SmallVector<int64_t, 2>(op.getKernel());
}

template <typename OpTy> static SmallVector<int64_t, 4> poolPadding(OpTy op) {
  if (std::optional<ArrayRef<int64_t>> p = op.getPadding())
    return SmallVector<int64_t, 4>(*p);
  return {0, 0, 0, 0};
}

SmallVector<int64_t, 2> MaxPool2DOp::getDilationValues() {
  if (std::optional<ArrayRef<int64_t>> d = getDilations())
    return SmallVector<int64_t, 2>(*d);
  return {1, 1};
}
SmallVector<int64_t, 2> AvgPool2DOp::getDilationValues() { return {1, 1}; }
SmallVector<int64_t, 2> MaxPool2DOp::getStrideValues() {
  return poolStrides(*this);
}
SmallVector<int64_t, 4> MaxPool2DOp::getPaddingValues() {
  return poolPadding(*this);
}
SmallVector<int64_t, 2> AvgPool2DOp::getStrideValues() {
  return poolStrides(*this);
}
SmallVector<int64_t, 4> AvgPool2DOp::getPaddingValues() {
  return poolPadding(*this);
}

template <typename OpTy> static LogicalResult verifyPool(OpTy op) {
  if (failed(verifyTensor(op, op.getInput(), "input")) ||
      failed(verifyTensor(op, op.getResult(), "result")))
    return failure();
  RankedTensorType in = op.getInput().getType(), res = op.getResult().getType();
  if (in.getRank() != 4)
    return op.emitOpError("expects an NHWC input of rank 4, got rank ")
           << in.getRank();
  if (res.getElementType() != in.getElementType())
    return op.emitOpError("expects the result element type to equal the "
                          "input element type ")
           << in.getElementType() << ", got " << res.getElementType();
  int32_t axis = -1;
  if (isPerAxis(in.getElementType()) &&
      succeeded(getScales(in.getElementType(), axis)) && axis != 3)
    return op.emitOpError("pooling mixes values along N, H and W, so its "
                          "input may only be quantized per channel (axis 3), "
                          "got axis ")
           << axis;
  if (failed(verifyArrayAttr(op, "kernel", op.getKernel(), 2, 1)) ||
      (op.getStrides() &&
       failed(verifyArrayAttr(op, "strides", *op.getStrides(), 2, 1))) ||
      (op.getPadding() &&
       failed(verifyArrayAttr(op, "padding", *op.getPadding(), 4, 0))))
    return failure();
  if constexpr (std::is_same_v<OpTy, MaxPool2DOp>)
    if (op.getDilations() &&
        failed(verifyArrayAttr(op, "dilations", *op.getDilations(), 2, 1)))
      return failure();
  ArrayRef<int64_t> kernel = op.getKernel();
  SmallVector<int64_t, 2> strides = op.getStrideValues();
  SmallVector<int64_t, 2> dilations = op.getDilationValues();
  SmallVector<int64_t, 4> pad = op.getPaddingValues();
  // Every window must hold at least one real tap.
  for (int i = 0; i < 4; ++i) {
    int64_t extent = dilations[i / 2] * (kernel[i / 2] - 1) + 1;
    if (pad[i] >= extent)
      return op.emitOpError("expects padding smaller than the window, got ")
             << pad[i] << " with a window of " << extent;
  }
  SmallVector<int64_t, 4> expected = {in.getDimSize(0), ShapedType::kDynamic,
                                      ShapedType::kDynamic, in.getDimSize(3)};
  for (int i = 0; i < 2; ++i) {
    int64_t size = in.getDimSize(1 + i);
    if (ShapedType::isDynamic(size))
      continue;
    int64_t out = getWindowOutputSize(size, pad[2 * i], pad[2 * i + 1],
                                      kernel[i], strides[i], dilations[i]);
    if (out < 1)
      return op.emitOpError("the pooling window (")
             << dilations[i] * (kernel[i] - 1) + 1
             << ") is larger than the padded "
             << (i == 0 ? "height (" : "width (")
             << size + pad[2 * i] + pad[2 * i + 1] << ")";
    expected[1 + i] = out;
  }
  if (failed(verifyCompatibleShape(expected, res.getShape())))
    return op.emitOpError("expects a result of shape [")
           << expected << "], got " << res;
  return success();
}

LogicalResult MaxPool2DOp::verify() { return verifyPool(*this); }

LogicalResult AvgPool2DOp::verify() {
  if (isa<BinaryType>(getInput().getType().getElementType()))
    return emitOpError("cannot average binary values (the mean of -1/+1 "
                       "values is not binary); dequantize first");
  return verifyPool(*this);
}

//===----------------------------------------------------------------------===//
// SignOp / ThresholdOp
//===----------------------------------------------------------------------===//

LogicalResult SignOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")) ||
      failed(verifyTensor(*this, getResult(), "result")) ||
      failed(verifySameShape(*this, getInput(), getResult())))
    return failure();
  Type out = elementTypeOf(getResult());
  if (!isa<BinaryType>(out))
    return emitOpError("expects a !lowbit.binary result, got ") << out;
  if (isBlockwise(elementTypeOf(getInput())))
    return emitOpError("expects an input quantized per tensor or per axis");
  return success();
}

LogicalResult ThresholdOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")) ||
      failed(verifyTensor(*this, getResult(), "result")) ||
      failed(verifySameShape(*this, getInput(), getResult())))
    return failure();
  RankedTensorType in = getInput().getType();
  RankedTensorType thresholds = getThresholds().getType();
  if (in.getRank() < 1)
    return emitOpError("expects an input of rank >= 1 whose last axis is the "
                       "channel axis");
  if (thresholds.getRank() != 2)
    return emitOpError("expects thresholds of shape CxL or 1xL, got ")
           << thresholds;
  int64_t c = in.getDimSize(in.getRank() - 1), tc = thresholds.getDimSize(0);
  if (tc != 1 && dimsConflict(tc, c))
    return emitOpError("expects ")
           << c << " rows of thresholds (one per channel) or 1, got " << tc;
  int64_t levels = thresholds.getDimSize(1);
  if (levels == 0)
    return emitOpError("expects at least one threshold per channel");

  Type inElement = in.getElementType(), tElement = thresholds.getElementType();
  if (isa<BinaryType>(inElement) || isBlockwise(inElement))
    return emitOpError("expects a float or affine input (per tensor or per "
                       "axis), got ")
           << inElement;
  if (isSupportedFloat(inElement) && tElement != inElement)
    return emitOpError("expects ") << inElement << " thresholds for a "
                                   << inElement << " input, got " << tElement;
  if (isAffineQuantized(inElement) && !tElement.isSignlessInteger())
    return emitOpError("expects integer thresholds on the stored values of a "
                       "quantized input, got ")
           << tElement;

  Type out = elementTypeOf(getResult());
  if (isa<BinaryType>(out)) {
    if (levels != 1 && !ShapedType::isDynamic(levels))
      return emitOpError("expects exactly one threshold per channel for a "
                         "binary result, got ")
             << levels;
    return success();
  }
  auto q = dyn_cast<quant::UniformQuantizedType>(out);
  if (!q)
    return emitOpError("expects a binary result or an affine result "
                       "quantized per tensor, got ")
           << out;
  int64_t range = q.getStorageTypeMax() - q.getStorageTypeMin();
  if (!ShapedType::isDynamic(levels) && levels > range)
    return emitOpError("expects at most ")
           << range << " thresholds per channel for " << out << " (values "
           << q.getStorageTypeMin() << ".." << q.getStorageTypeMax()
           << "), got " << levels;
  return success();
}

//===----------------------------------------------------------------------===//
// PackOp / UnpackOp
//===----------------------------------------------------------------------===//

/// Checks packed tensors against the logical (unpacked) tensor type.
static LogicalResult verifyPacked(Operation *op, RankedTensorType logical,
                                  TypeRange packed, StringRef what) {
  Type element = logical.getElementType();
  size_t expectedPlanes;
  if (isa<BinaryType>(element))
    expectedPlanes = 1;
  else if (isTernary(element))
    expectedPlanes = 2;
  else
    return op->emitOpError("expects binary or ternary values, got ") << element;
  if (logical.getRank() < 1)
    return op->emitOpError("expects a tensor of rank >= 1 (packing runs along "
                           "the last axis)");
  if (packed.size() != expectedPlanes)
    return op->emitOpError("expects ")
           << expectedPlanes << " packed " << what
           << (expectedPlanes == 1 ? " for binary values"
                                   : " (mask and sign) for ternary values")
           << ", got " << packed.size();
  if (expectedPlanes == 2 && packed[0] != packed[1])
    return op->emitOpError("expects both bit-planes to have one type, got ")
           << packed[0] << " and " << packed[1];
  auto packedType = cast<RankedTensorType>(packed[0]);
  unsigned wordBits = packedType.getElementTypeBitWidth();
  SmallVector<int64_t> expected(logical.getShape());
  int64_t k = expected.back();
  if (!ShapedType::isDynamic(k))
    expected.back() = llvm::divideCeil(k, wordBits);
  if (failed(verifyCompatibleShape(expected, packedType.getShape())))
    return op->emitOpError("expects packed shape [")
           << expected << "] for " << logical << " in " << wordBits
           << "-bit words, got " << packedType;
  return success();
}

LogicalResult PackOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")))
    return failure();
  return verifyPacked(*this, getInput().getType(), getResultTypes(), "results");
}

LogicalResult UnpackOp::verify() {
  if (failed(verifyTensor(*this, getResult(), "result")))
    return failure();
  return verifyPacked(*this, getResult().getType(), getInputs().getTypes(),
                      "operands");
}

//===----------------------------------------------------------------------===//
// StorageCastOp
//===----------------------------------------------------------------------===//

/// The storage type of a quantized element type (null for other types).
static Type getStorageType(Type element) {
  if (isa<BinaryType>(element))
    return IntegerType::get(element.getContext(), 1);
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    return IntegerType::get(element.getContext(),
                            q.getStorageTypeIntegralWidth());
  return {};
}

LogicalResult StorageCastOp::verify() {
  if (failed(verifySameShape(*this, getInput(), getResult())))
    return failure();
  Type in = getInput().getType().getElementType();
  Type out = getResult().getType().getElementType();
  Type quantized = isQuantized(in) ? in : out;
  Type other = isQuantized(in) ? out : in;
  if (!isQuantized(quantized) || isQuantized(other))
    return emitOpError("expects exactly one of input and result to have a "
                       "quantized element type, got ")
           << in << " and " << out;
  if (failed(verifyLowBitTensorType([this]() { return emitOpError(); },
                                    isQuantized(in) ? getInput().getType()
                                                    : getResult().getType(),
                                    "quantized side")))
    return failure();
  Type storage = getStorageType(quantized);
  if (other != storage)
    return emitOpError("expects the storage type ")
           << storage << " of " << quantized << ", got " << other;
  return success();
}

//===----------------------------------------------------------------------===//
// Dot4Op
//===----------------------------------------------------------------------===//

LogicalResult Dot4Op::verify() {
  int64_t lanes = getAcc().getType().getNumElements();
  int64_t bytes = getLhs().getType().getNumElements();
  if (bytes != 4 * lanes)
    return emitOpError() << "needs 4 bytes per accumulator lane: " << lanes
                         << " lanes but " << bytes << " bytes";
  if (getSignedLhs() && getPairsFitI16())
    return emitOpError() << "pairs_fit_i16 describes unsigned x signed "
                            "products; it cannot be combined with signed_lhs";
  return success();
}

//===----------------------------------------------------------------------===//
// Dot2Op
//===----------------------------------------------------------------------===//

LogicalResult Dot2Op::verify() {
  int64_t lanes = getAcc().getType().getNumElements();
  int64_t halves = getLhs().getType().getNumElements();
  if (halves != 2 * lanes)
    return emitOpError() << "needs 2 elements per accumulator lane: " << lanes
                         << " lanes but " << halves << " elements";
  return success();
}
