//===- LowBitTypes.cpp - lowbit types and type predicates -----------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h"
#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lowbit;

#define GET_TYPEDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.cpp.inc"

void LowBitDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// BinaryType
//===----------------------------------------------------------------------===//

static bool isValidScale(double scale) {
  return std::isfinite(scale) && scale > 0.0;
}

LogicalResult BinaryType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 FloatType expressedType,
                                 DenseF64ArrayAttr scalesAttr, int32_t axis) {
  if (!scalesAttr)
    return emitError() << "binary type needs at least one scale";
  ArrayRef<double> scales = scalesAttr.asArrayRef();
  if (!isSupportedFloat(expressedType))
    return emitError() << "binary expressed type must be f32, f16, bf16, "
                          "f8E4M3FN or f8E5M2, got "
                       << expressedType;
  if (axis < -1)
    return emitError() << "binary quantized axis must be non-negative, got "
                       << axis;
  if (scales.empty())
    return emitError() << "binary type needs at least one scale";
  if (axis < 0 && scales.size() != 1)
    return emitError() << "per-tensor binary type needs exactly one scale, got "
                       << scales.size();
  for (double scale : scales)
    if (!isValidScale(scale))
      return emitError() << "binary scale must be finite and positive, got "
                         << scale;
  return success();
}

// Syntax: `!lowbit.binary`, `!lowbit.binary<f32, 0.5>` or
// `!lowbit.binary<f32:1, {0.5, 0.25}>`.
Type BinaryType::parse(AsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  if (failed(parser.parseOptionalLess()))
    return BinaryType::get(ctx);
  SMLoc typeLoc = parser.getCurrentLocation();
  Type expressed;
  if (parser.parseType(expressed))
    return {};
  auto floatType = dyn_cast<FloatType>(expressed);
  if (!floatType) {
    parser.emitError(typeLoc,
                     "binary expressed type must be a float type, got ")
        << expressed;
    return {};
  }
  int32_t axis = -1;
  SmallVector<double> scales;
  if (succeeded(parser.parseOptionalColon())) {
    SMLoc axisLoc = parser.getCurrentLocation();
    if (parser.parseInteger(axis))
      return {};
    if (axis < 0) {
      parser.emitError(axisLoc, "binary quantized axis must be non-negative");
      return {};
    }
    if (parser.parseComma() ||
        parser.parseCommaSeparatedList(AsmParser::Delimiter::Braces, [&]() {
          return parser.parseFloat(scales.emplace_back());
        }))
      return {};
  } else {
    if (parser.parseComma() || parser.parseFloat(scales.emplace_back()))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return BinaryType::getChecked([&]() { return parser.emitError(typeLoc); },
                                ctx, floatType,
                                DenseF64ArrayAttr::get(ctx, scales), axis);
}

void BinaryType::print(AsmPrinter &printer) const {
  if (isPerTensor() && getExpressedType().isF32() && getScale() == 1.0)
    return;
  printer << "<" << getExpressedType();
  if (isPerTensor()) {
    printer << ", " << getScale() << ">";
    return;
  }
  printer << ":" << getAxis() << ", {";
  llvm::interleaveComma(getScales(), printer);
  printer << "}>";
}

//===----------------------------------------------------------------------===//
// Type predicates
//===----------------------------------------------------------------------===//

bool mlir::lowbit::isSupportedFloat(Type type) {
  return type && (type.isF32() || type.isF16() || type.isBF16() ||
                  isa<Float8E4M3FNType, Float8E5M2Type>(type));
}

bool mlir::lowbit::isAffineQuantized(Type type) {
  return isa_and_nonnull<quant::UniformQuantizedType,
                         quant::UniformQuantizedPerAxisType,
                         quant::UniformQuantizedSubChannelType>(type);
}

static bool allZero(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v == 0; });
}

bool mlir::lowbit::isTernary(Type type) {
  if (!isAffineQuantized(type))
    return false;
  auto q = cast<quant::QuantizedType>(type);
  if (!q.isSigned() || q.getStorageTypeIntegralWidth() != 2 ||
      q.getStorageTypeMin() != -1 || q.getStorageTypeMax() != 1)
    return false;
  if (auto t = dyn_cast<quant::UniformQuantizedType>(type))
    return t.getZeroPoint() == 0;
  if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return allZero(t.getZeroPoints());
  auto t = cast<quant::UniformQuantizedSubChannelType>(type);
  return llvm::all_of(t.getZeroPoints().getValues<APInt>(),
                      [](const APInt &v) { return v.isZero(); });
}

bool mlir::lowbit::isQuantized(Type type) {
  return isAffineQuantized(type) || isa_and_nonnull<BinaryType>(type);
}

bool mlir::lowbit::isLowBitElementType(Type type) {
  return isSupportedFloat(type) || isQuantized(type);
}

FloatType mlir::lowbit::getExpressedType(Type type) {
  if (isSupportedFloat(type))
    return cast<FloatType>(type);
  if (auto b = dyn_cast_or_null<BinaryType>(type))
    return b.getExpressedType();
  if (auto q = dyn_cast_or_null<quant::QuantizedType>(type))
    return dyn_cast<FloatType>(q.getExpressedType());
  return {};
}

unsigned mlir::lowbit::getStorageBitWidth(Type type) {
  if (isa<BinaryType>(type))
    return 1;
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    return q.getStorageTypeIntegralWidth();
  return type.isIntOrFloat() ? type.getIntOrFloatBitWidth() : 0;
}

bool mlir::lowbit::isPerAxis(Type type) {
  if (auto b = dyn_cast<BinaryType>(type))
    return !b.isPerTensor();
  return isa<quant::UniformQuantizedPerAxisType>(type);
}

FailureOr<double> mlir::lowbit::getPerTensorScale(Type type) {
  if (auto b = dyn_cast<BinaryType>(type)) {
    if (!b.isPerTensor())
      return failure();
    return b.getScale();
  }
  if (auto q = dyn_cast<quant::UniformQuantizedType>(type))
    return q.getScale();
  return failure();
}

FailureOr<SmallVector<double>> mlir::lowbit::getScales(Type type,
                                                       int32_t &axis) {
  if (auto b = dyn_cast<BinaryType>(type)) {
    axis = b.getAxis();
    return SmallVector<double>(b.getScales());
  }
  if (auto q = dyn_cast<quant::UniformQuantizedType>(type)) {
    axis = -1;
    return SmallVector<double>{q.getScale()};
  }
  if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    axis = q.getQuantizedDimension();
    return SmallVector<double>(q.getScales());
  }
  return failure();
}

//===----------------------------------------------------------------------===//
// Tensor type verification
//===----------------------------------------------------------------------===//

/// Storage widths lowbit computes with: 2..16 bits for values, 32 for biases
/// and accumulators. Other widths are rejected up front rather than failing
/// later in a lowering.
static bool isSupportedStorageWidth(unsigned width) {
  return (width >= 2 && width <= 16) || width == 32;
}

static LogicalResult
verifyZeroPoint(function_ref<InFlightDiagnostic()> emitError,
                quant::QuantizedType q, int64_t zp, StringRef what) {
  if (zp < q.getStorageTypeMin() || zp > q.getStorageTypeMax())
    return emitError() << what << " zero point " << zp
                       << " is outside the storage range ["
                       << q.getStorageTypeMin() << ", " << q.getStorageTypeMax()
                       << "] of " << q;
  return success();
}

static LogicalResult verifyAxis(function_ref<InFlightDiagnostic()> emitError,
                                ShapedType type, int64_t axis, size_t numScales,
                                StringRef what) {
  if (axis >= type.getRank())
    return emitError() << what << " is quantized along axis " << axis
                       << " but has rank " << type.getRank();
  int64_t dim = type.getDimSize(axis);
  if (!ShapedType::isDynamic(dim) && static_cast<int64_t>(numScales) != dim)
    return emitError() << what << " has " << numScales << " scales along axis "
                       << axis << " but that dimension has size " << dim;
  return success();
}

LogicalResult mlir::lowbit::verifyLowBitTensorType(
    function_ref<InFlightDiagnostic()> emitError, ShapedType type,
    StringRef what) {
  Type elementType = type.getElementType();
  if (auto b = dyn_cast<BinaryType>(elementType)) {
    if (!b.isPerTensor())
      return verifyAxis(emitError, type, b.getAxis(), b.getScales().size(),
                        what);
    return success();
  }
  auto q = dyn_cast<quant::QuantizedType>(elementType);
  if (!q)
    return success();
  unsigned width = q.getStorageTypeIntegralWidth();
  if (width == 1)
    return emitError() << what << " has 1-bit affine storage in " << q
                       << "; use !lowbit.binary for {-1, +1} values";
  if (!isSupportedStorageWidth(width))
    return emitError() << what << " has " << width
                       << "-bit storage; expected 2 to 16 bits, or 32 bits "
                          "for biases and accumulators";
  if (!isSupportedFloat(q.getExpressedType()))
    return emitError() << what << " has expressed type " << q.getExpressedType()
                       << "; expected f32, f16, bf16, f8E4M3FN or f8E5M2";
  if (q.getStorageTypeMin() >= q.getStorageTypeMax())
    return emitError() << what << " has an empty storage range in " << q;

  if (auto t = dyn_cast<quant::UniformQuantizedType>(q))
    return verifyZeroPoint(emitError, q, t.getZeroPoint(), what);

  if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    for (int64_t zp : t.getZeroPoints())
      if (failed(verifyZeroPoint(emitError, q, zp, what)))
        return failure();
    return verifyAxis(emitError, type, t.getQuantizedDimension(),
                      t.getScales().size(), what);
  }

  auto t = cast<quant::UniformQuantizedSubChannelType>(q);
  for (const APInt &zp : t.getZeroPoints().getValues<APInt>())
    if (failed(verifyZeroPoint(emitError, q, zp.getSExtValue(), what)))
      return failure();
  auto scalesType = cast<ShapedType>(t.getScales().getType());
  if (scalesType.getRank() != type.getRank())
    return emitError() << what << " has blockwise scales of rank "
                       << scalesType.getRank() << " for a tensor of rank "
                       << type.getRank();
  SmallVector<int64_t> blocks(type.getRank(), 0);
  for (auto [dim, size] :
       llvm::zip(t.getQuantizedDimensions(), t.getBlockSizes())) {
    if (dim >= type.getRank())
      return emitError() << what << " is quantized blockwise along axis " << dim
                         << " but has rank " << type.getRank();
    blocks[dim] = size;
  }
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t size = type.getDimSize(d);
    if (ShapedType::isDynamic(size))
      continue;
    int64_t block = blocks[d] == 0 ? size : blocks[d];
    if (block <= 0 || size % block != 0)
      return emitError() << what << " has block size " << block
                         << " along axis " << d
                         << " that does not divide the dimension size " << size;
    if (scalesType.getDimSize(d) != size / block)
      return emitError() << what << " needs " << size / block
                         << " blockwise scales along axis " << d << ", got "
                         << scalesType.getDimSize(d);
  }
  return success();
}
