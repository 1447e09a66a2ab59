//===- LowBitDialectTypesTest.cpp - Tests for lowbit types and type predicates
//---===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Types are built with the C++ API (not parsed), so these tests cover what
// the lit tests cannot reach: the builders, the checks that only a C++ caller
// can trip, and the helpers the ops and the lowerings use.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h"
#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::lowbit;

namespace {

class LowBitDialectTypesTest : public ::testing::Test {
protected:
  LowBitDialectTypesTest()
      : handler(&ctx, [this](Diagnostic &diag) {
          errors.push_back(diag.str());
          return success();
        }) {
    ctx.loadDialect<LowBitDialect, quant::QuantDialect>();
    f32 = Float32Type::get(&ctx);
    f16 = Float16Type::get(&ctx);
  }

  /// Emits diagnostics into `errors` instead of printing them.
  InFlightDiagnostic emitError() {
    return mlir::emitError(UnknownLoc::get(&ctx));
  }
  /// An error callback for the checked builders and verifiers.
  auto errorFn() {
    return [this]() { return emitError(); };
  }

  /// `!quant.uniform<iN<min:max>:expressed, scale:zp>` (signed storage).
  quant::UniformQuantizedType affine(unsigned width, double scale, int64_t zp,
                                     int64_t min, int64_t max,
                                     Type expressed = {}) {
    return quant::UniformQuantizedType::getChecked(
        errorFn(), quant::QuantizationFlags::Signed,
        IntegerType::get(&ctx, width), expressed ? expressed : f32, scale, zp,
        min, max);
  }
  quant::UniformQuantizedType affine(unsigned width, double scale,
                                     int64_t zp = 0) {
    int64_t max = (int64_t(1) << (width - 1)) - 1;
    return affine(width, scale, zp, -max - 1, max);
  }
  quant::UniformQuantizedType ternary(double scale, int64_t zp = 0) {
    return affine(2, scale, zp, -1, 1);
  }
  /// Signed per-axis type with full storage range.
  quant::UniformQuantizedPerAxisType
  perAxis(unsigned width, ArrayRef<double> scales, ArrayRef<int64_t> zps,
          int32_t axis, int64_t min, int64_t max) {
    return quant::UniformQuantizedPerAxisType::getChecked(
        errorFn(), quant::QuantizationFlags::Signed,
        IntegerType::get(&ctx, width), f32, scales, zps, axis, min, max);
  }
  quant::UniformQuantizedPerAxisType
  perAxis(unsigned width, ArrayRef<double> scales, int32_t axis) {
    int64_t max = (int64_t(1) << (width - 1)) - 1;
    std::vector<int64_t> zps(scales.size(), 0);
    return perAxis(width, scales, zps, axis, -max - 1, max);
  }
  /// `!quant.uniform<i8:f32:{1:2}, {{0.1, 0.2}}>`, for a 2x4 tensor.
  quant::UniformQuantizedSubChannelType blockwise() {
    auto scales = DenseElementsAttr::get(RankedTensorType::get({1, 2}, f32),
                                         ArrayRef<float>{0.1f, 0.2f});
    auto zps = DenseElementsAttr::get(
        RankedTensorType::get({1, 2}, IntegerType::get(&ctx, 8)),
        ArrayRef<int8_t>{0, 0});
    return quant::UniformQuantizedSubChannelType::getChecked(
        errorFn(), quant::QuantizationFlags::Signed, IntegerType::get(&ctx, 8),
        f32, scales, zps, ArrayRef<int32_t>{1}, ArrayRef<int64_t>{2}, -128,
        127);
  }

  LogicalResult verifyTensor(ArrayRef<int64_t> shape, Type element) {
    return verifyLowBitTensorType(
        errorFn(), RankedTensorType::get(shape, element), "operand");
  }

  /// The only error reported since the last call; fails the test otherwise.
  std::string takeError() {
    EXPECT_EQ(errors.size(), 1u);
    std::string result = errors.empty() ? "" : errors.back();
    errors.clear();
    return result;
  }

  MLIRContext ctx;
  ScopedDiagnosticHandler handler;
  std::vector<std::string> errors;
  FloatType f32, f16;
};

//===----------------------------------------------------------------------===//
// Type predicates
//===----------------------------------------------------------------------===//

TEST_F(LowBitDialectTypesTest, IsSupportedFloat) {
  EXPECT_TRUE(isSupportedFloat(f32));
  EXPECT_TRUE(isSupportedFloat(f16));
  EXPECT_TRUE(isSupportedFloat(BFloat16Type::get(&ctx)));
  EXPECT_TRUE(isSupportedFloat(Float8E4M3FNType::get(&ctx)));
  EXPECT_TRUE(isSupportedFloat(Float8E5M2Type::get(&ctx)));

  EXPECT_FALSE(isSupportedFloat(Float64Type::get(&ctx)));
  EXPECT_FALSE(isSupportedFloat(Float8E4M3FNUZType::get(&ctx)));
  EXPECT_FALSE(isSupportedFloat(IntegerType::get(&ctx, 32)));
  EXPECT_FALSE(isSupportedFloat(BinaryType::get(&ctx)));
  EXPECT_FALSE(isSupportedFloat(affine(8, 0.1)));
  EXPECT_FALSE(isSupportedFloat(Type()));
}

TEST_F(LowBitDialectTypesTest, IsTernary) {
  EXPECT_TRUE(isTernary(ternary(0.5)));
  EXPECT_TRUE(isTernary(perAxis(2, {0.5, 0.25}, {0, 0}, 0, -1, 1)));

  // A nonzero zero point, the full i2 range [-2, 1], or a wider storage type
  // make the value set something other than {-1, 0, +1}.
  EXPECT_FALSE(isTernary(ternary(0.5, /*zp=*/1)));
  EXPECT_FALSE(isTernary(perAxis(2, {0.5, 0.25}, {0, 1}, 0, -1, 1)));
  EXPECT_FALSE(isTernary(affine(2, 0.5)));
  EXPECT_FALSE(isTernary(affine(4, 0.5, 0, -1, 1)));
  EXPECT_FALSE(isTernary(BinaryType::get(&ctx)));
  EXPECT_FALSE(isTernary(f32));
  EXPECT_FALSE(isTernary(Type()));
}

TEST_F(LowBitDialectTypesTest, IsQuantized) {
  EXPECT_TRUE(isQuantized(BinaryType::get(&ctx)));
  EXPECT_TRUE(isQuantized(BinaryType::get(f16, {0.5, 0.25}, 1)));
  EXPECT_TRUE(isQuantized(affine(8, 0.1, -3)));
  EXPECT_TRUE(isQuantized(ternary(0.5)));
  EXPECT_TRUE(isQuantized(perAxis(4, {0.5, 0.25}, 1)));
  EXPECT_TRUE(isQuantized(blockwise()));

  EXPECT_FALSE(isQuantized(f32));
  EXPECT_FALSE(isQuantized(IntegerType::get(&ctx, 8)));
  EXPECT_FALSE(isQuantized(Type()));

  // Binary is quantized but not affine.
  EXPECT_FALSE(isAffineQuantized(BinaryType::get(&ctx)));
  EXPECT_TRUE(isAffineQuantized(blockwise()));
}

TEST_F(LowBitDialectTypesTest, IsLowBitElementType) {
  EXPECT_TRUE(isLowBitElementType(f16));
  EXPECT_TRUE(isLowBitElementType(BinaryType::get(&ctx)));
  EXPECT_TRUE(isLowBitElementType(affine(4, 0.25)));
  EXPECT_FALSE(isLowBitElementType(Float64Type::get(&ctx)));
  EXPECT_FALSE(isLowBitElementType(IntegerType::get(&ctx, 32)));
  EXPECT_FALSE(isLowBitElementType(IndexType::get(&ctx)));
}

TEST_F(LowBitDialectTypesTest, GetExpressedType) {
  EXPECT_EQ(getExpressedType(f16), f16);
  EXPECT_EQ(getExpressedType(BinaryType::get(&ctx)), f32);
  EXPECT_EQ(getExpressedType(BinaryType::get(f16, {0.5}, -1)), f16);
  EXPECT_EQ(getExpressedType(affine(8, 0.1, 0, -128, 127, f16)), f16);
  EXPECT_EQ(getExpressedType(perAxis(4, {0.5, 0.25}, 0)), f32);
  EXPECT_EQ(getExpressedType(blockwise()), f32);

  EXPECT_FALSE(getExpressedType(IntegerType::get(&ctx, 8)));
  EXPECT_FALSE(getExpressedType(Float64Type::get(&ctx)));
  EXPECT_FALSE(getExpressedType(Type()));
}

TEST_F(LowBitDialectTypesTest, GetStorageBitWidth) {
  EXPECT_EQ(getStorageBitWidth(BinaryType::get(&ctx)), 1u);
  EXPECT_EQ(getStorageBitWidth(BinaryType::get(f16, {0.5, 0.25}, 0)), 1u);
  EXPECT_EQ(getStorageBitWidth(ternary(0.5)), 2u);
  EXPECT_EQ(getStorageBitWidth(affine(4, 0.5)), 4u);
  EXPECT_EQ(getStorageBitWidth(affine(32, 0.001)), 32u);
  EXPECT_EQ(getStorageBitWidth(perAxis(8, {0.5, 0.25}, 0)), 8u);
  EXPECT_EQ(getStorageBitWidth(blockwise()), 8u);
  EXPECT_EQ(getStorageBitWidth(f16), 16u);
  EXPECT_EQ(getStorageBitWidth(Float8E5M2Type::get(&ctx)), 8u);
  EXPECT_EQ(getStorageBitWidth(IntegerType::get(&ctx, 64)), 64u);
}

TEST_F(LowBitDialectTypesTest, GetScales) {
  int32_t axis = 42;
  FailureOr<SmallVector<double>> scales =
      getScales(BinaryType::get(&ctx), axis);
  ASSERT_TRUE(succeeded(scales));
  EXPECT_EQ(*scales, SmallVector<double>({1.0}));
  EXPECT_EQ(axis, -1);

  scales = getScales(BinaryType::get(f32, {0.5, 0.25, 0.125}, 2), axis);
  ASSERT_TRUE(succeeded(scales));
  EXPECT_EQ(*scales, SmallVector<double>({0.5, 0.25, 0.125}));
  EXPECT_EQ(axis, 2);

  axis = 42;
  scales = getScales(affine(8, 0.05, -3), axis);
  ASSERT_TRUE(succeeded(scales));
  EXPECT_EQ(*scales, SmallVector<double>({0.05}));
  EXPECT_EQ(axis, -1);

  scales = getScales(perAxis(4, {0.5, 0.25}, 1), axis);
  ASSERT_TRUE(succeeded(scales));
  EXPECT_EQ(*scales, SmallVector<double>({0.5, 0.25}));
  EXPECT_EQ(axis, 1);

  // Blockwise scales have no single axis; floats have no scale at all.
  EXPECT_TRUE(failed(getScales(blockwise(), axis)));
  EXPECT_TRUE(failed(getScales(f32, axis)));
}

TEST_F(LowBitDialectTypesTest, PerTensorScaleAndPerAxis) {
  FailureOr<double> scale = getPerTensorScale(BinaryType::get(f32, {0.25}, -1));
  ASSERT_TRUE(succeeded(scale));
  EXPECT_EQ(*scale, 0.25);
  scale = getPerTensorScale(affine(8, 0.1));
  ASSERT_TRUE(succeeded(scale));
  EXPECT_EQ(*scale, 0.1);
  EXPECT_TRUE(failed(getPerTensorScale(BinaryType::get(f32, {0.25}, 0))));
  EXPECT_TRUE(failed(getPerTensorScale(perAxis(8, {0.1}, 0))));
  EXPECT_TRUE(failed(getPerTensorScale(blockwise())));

  EXPECT_TRUE(isPerAxis(BinaryType::get(f32, {0.25}, 0)));
  EXPECT_TRUE(isPerAxis(perAxis(8, {0.1}, 0)));
  EXPECT_FALSE(isPerAxis(BinaryType::get(&ctx)));
  EXPECT_FALSE(isPerAxis(affine(8, 0.1)));
  EXPECT_FALSE(isPerAxis(blockwise()));
}

//===----------------------------------------------------------------------===//
// BinaryType
//===----------------------------------------------------------------------===//

TEST_F(LowBitDialectTypesTest, BinaryTypeBuilders) {
  BinaryType plain = BinaryType::get(&ctx);
  EXPECT_EQ(plain.getExpressedType(), f32);
  EXPECT_TRUE(plain.isPerTensor());
  EXPECT_EQ(plain.getScale(), 1.0);
  // The default builder and an explicit scale of 1 are one type.
  EXPECT_EQ(plain, BinaryType::get(f32, {1.0}, -1));

  BinaryType checked = BinaryType::getChecked(errorFn(), f16, {0.5, 0.25}, 0);
  ASSERT_TRUE(checked);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(checked.isPerTensor());
  EXPECT_EQ(checked.getAxis(), 0);
  EXPECT_EQ(checked, BinaryType::get(f16, {0.5, 0.25}, 0));
}

TEST_F(LowBitDialectTypesTest, BinaryTypeRejectsBadScales) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double scale : {0.0, -0.5, inf, -inf, nan}) {
    EXPECT_FALSE(BinaryType::getChecked(errorFn(), f32, {scale}, -1))
        << "scale " << scale;
    EXPECT_NE(takeError().find("binary scale must be finite and positive"),
              std::string::npos);
  }
  // One bad channel is enough.
  EXPECT_FALSE(BinaryType::getChecked(errorFn(), f32, {0.5, 0.0, 0.25}, 0));
  EXPECT_NE(takeError().find("binary scale must be finite and positive"),
            std::string::npos);

  EXPECT_FALSE(BinaryType::getChecked(errorFn(), f32, {}, 0));
  EXPECT_NE(takeError().find("needs at least one scale"), std::string::npos);

  EXPECT_FALSE(BinaryType::getChecked(errorFn(), f32, {0.5, 0.25}, -1));
  EXPECT_NE(takeError().find("per-tensor binary type needs exactly one scale, "
                             "got 2"),
            std::string::npos);

  // A null scales attribute (only reachable from C++).
  EXPECT_TRUE(
      failed(BinaryType::verify(errorFn(), f32, DenseF64ArrayAttr(), -1)));
  EXPECT_NE(takeError().find("needs at least one scale"), std::string::npos);
}

TEST_F(LowBitDialectTypesTest, BinaryTypeRejectsBadAxisAndExpressedType) {
  EXPECT_FALSE(BinaryType::getChecked(errorFn(), f32, {0.5}, -2));
  EXPECT_NE(takeError().find("binary quantized axis must be non-negative, got "
                             "-2"),
            std::string::npos);

  EXPECT_FALSE(
      BinaryType::getChecked(errorFn(), Float64Type::get(&ctx), {0.5}, -1));
  EXPECT_NE(takeError().find("binary expressed type must be f32, f16, bf16, "
                             "f8E4M3FN or f8E5M2, got 'f64'"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// verifyLowBitTensorType
//===----------------------------------------------------------------------===//

TEST_F(LowBitDialectTypesTest, VerifyTensorAcceptsValidTypes) {
  EXPECT_TRUE(succeeded(verifyTensor({4}, f32)));
  EXPECT_TRUE(succeeded(verifyTensor({4}, affine(8, 0.1, -128))));
  EXPECT_TRUE(succeeded(verifyTensor({4}, affine(32, 0.001))));
  EXPECT_TRUE(succeeded(verifyTensor({4}, ternary(0.5))));
  EXPECT_TRUE(succeeded(verifyTensor({3, 2}, perAxis(4, {0.1, 0.2}, 1))));
  EXPECT_TRUE(
      succeeded(verifyTensor({2, 3}, BinaryType::get(f32, {0.5, 0.25}, 0))));
  EXPECT_TRUE(succeeded(verifyTensor({2, 4}, blockwise())));
  // A dynamic quantized dimension cannot be checked against the scales.
  EXPECT_TRUE(succeeded(
      verifyTensor({ShapedType::kDynamic, 2}, perAxis(4, {0.1, 0.2, 0.3}, 0))));
  EXPECT_TRUE(errors.empty());
}

TEST_F(LowBitDialectTypesTest, VerifyTensorZeroPointOutOfRange) {
  // Upstream accepts these types; lowbit rejects them on a tensor.
  quant::UniformQuantizedType high = affine(8, 0.1, 300);
  ASSERT_TRUE(high);
  EXPECT_TRUE(failed(verifyTensor({4}, high)));
  EXPECT_NE(takeError().find("operand zero point 300 is outside the storage "
                             "range [-128, 127]"),
            std::string::npos);

  quant::UniformQuantizedType narrow = affine(8, 0.1, -128, -127, 127);
  ASSERT_TRUE(narrow);
  EXPECT_TRUE(failed(verifyTensor({4}, narrow)));
  EXPECT_NE(takeError().find("zero point -128 is outside the storage range "
                             "[-127, 127]"),
            std::string::npos);

  quant::UniformQuantizedPerAxisType channel =
      perAxis(4, {0.5, 0.25}, {0, 8}, 0, -8, 7);
  ASSERT_TRUE(channel);
  EXPECT_TRUE(failed(verifyTensor({2, 3}, channel)));
  EXPECT_NE(takeError().find("zero point 8 is outside the storage range "
                             "[-8, 7]"),
            std::string::npos);
}

TEST_F(LowBitDialectTypesTest, VerifyTensorPerAxisScaleCount) {
  EXPECT_TRUE(failed(verifyTensor({3, 4}, perAxis(8, {0.1, 0.2}, 1))));
  EXPECT_NE(takeError().find("operand has 2 scales along axis 1 but that "
                             "dimension has size 4"),
            std::string::npos);

  EXPECT_TRUE(
      failed(verifyTensor({3, 4}, BinaryType::get(f32, {0.5, 0.25}, 0))));
  EXPECT_NE(takeError().find("operand has 2 scales along axis 0 but that "
                             "dimension has size 3"),
            std::string::npos);

  EXPECT_TRUE(failed(verifyTensor({3, 4}, perAxis(8, {0.1}, 2))));
  EXPECT_NE(
      takeError().find("operand is quantized along axis 2 but has rank 2"),
      std::string::npos);
}

TEST_F(LowBitDialectTypesTest, VerifyTensorStorageWidth) {
  quant::UniformQuantizedType oneBit = affine(1, 1.0, 0, -1, 0);
  ASSERT_TRUE(oneBit);
  EXPECT_TRUE(failed(verifyTensor({4}, oneBit)));
  EXPECT_NE(takeError().find("1-bit affine storage"), std::string::npos);

  EXPECT_TRUE(failed(verifyTensor({4}, affine(17, 1.0))));
  EXPECT_NE(takeError().find("17-bit storage; expected 2 to 16 bits, or 32 "
                             "bits"),
            std::string::npos);

  EXPECT_TRUE(failed(
      verifyTensor({4}, affine(8, 0.1, 0, -128, 127, Float64Type::get(&ctx)))));
  EXPECT_NE(takeError().find("expressed type 'f64'"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// getWindowOutputSize
//===----------------------------------------------------------------------===//

// Arguments: input size, padding before, padding after, kernel, stride,
// dilation. The expected values are worked out by hand from
// floor((in + pads - (dilation * (kernel - 1) + 1)) / stride) + 1.
TEST(LowBitDialectWindowTest, Valid) {
  // 8 - 3 + 1 = 6.
  EXPECT_EQ(getWindowOutputSize(8, 0, 0, 3, 1, 1), 6);
  // The kernel covers the whole input: one window.
  EXPECT_EQ(getWindowOutputSize(3, 0, 0, 3, 1, 1), 1);
  EXPECT_EQ(getWindowOutputSize(1, 0, 0, 1, 1, 1), 1);
}

TEST(LowBitDialectWindowTest, Same) {
  // SAME, stride 1, kernel 3: one tap of padding on each side keeps 8.
  EXPECT_EQ(getWindowOutputSize(8, 1, 1, 3, 1, 1), 8);
  // SAME, stride 1, kernel 4 pads 1 before and 2 after (TensorFlow puts the
  // extra tap after): 8 + 3 - 4 + 1 = 8.
  EXPECT_EQ(getWindowOutputSize(8, 1, 2, 4, 1, 1), 8);
}

TEST(LowBitDialectWindowTest, Stride2) {
  // VALID: windows start at 0, 2, 4 of 7; the one at 6 would overrun.
  EXPECT_EQ(getWindowOutputSize(7, 0, 0, 3, 2, 1), 3);
  // VALID, 8 wide: (8 - 3) / 2 = 2 (floor) + 1 = 3.
  EXPECT_EQ(getWindowOutputSize(8, 0, 0, 3, 2, 1), 3);
  // SAME: ceil(8 / 2) = 4 outputs need (4 - 1) * 2 + 3 - 8 = 1 tap of
  // padding, after the data: (9 - 3) / 2 + 1 = 4.
  EXPECT_EQ(getWindowOutputSize(8, 0, 1, 3, 2, 1), 4);
  // 2x2 pooling with the default stride (the kernel size).
  EXPECT_EQ(getWindowOutputSize(8, 0, 0, 2, 2, 1), 4);
  // Stride 3: (8 - 2) / 3 + 1 = 3 and (7 - 2) / 3 = 1 (floor) + 1 = 2.
  EXPECT_EQ(getWindowOutputSize(8, 0, 0, 2, 3, 1), 3);
  EXPECT_EQ(getWindowOutputSize(7, 0, 0, 2, 3, 1), 2);
}

TEST(LowBitDialectWindowTest, Dilation2) {
  // A 3-tap kernel with dilation 2 spans 2 * (3 - 1) + 1 = 5 inputs.
  EXPECT_EQ(getWindowOutputSize(9, 0, 0, 3, 1, 2), 5);
  EXPECT_EQ(getWindowOutputSize(5, 0, 0, 3, 1, 2), 1);
  // With padding 2 on each side and stride 2: (13 - 5) / 2 + 1 = 5.
  EXPECT_EQ(getWindowOutputSize(9, 2, 2, 3, 2, 2), 5);
}

TEST(LowBitDialectWindowTest, WindowLargerThanInput) {
  EXPECT_LT(getWindowOutputSize(2, 0, 0, 3, 1, 1), 0);
  // 4 inputs cannot hold the 5-wide dilated kernel...
  EXPECT_LT(getWindowOutputSize(4, 0, 0, 3, 1, 2), 0);
  // ...unless padding makes up the difference.
  EXPECT_EQ(getWindowOutputSize(4, 1, 0, 3, 1, 2), 1);
  // Stride does not matter when not even one window fits.
  EXPECT_LT(getWindowOutputSize(2, 0, 0, 3, 2, 1), 0);
}

} // namespace
