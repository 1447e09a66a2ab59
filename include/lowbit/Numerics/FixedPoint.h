//===- FixedPoint.h - Reference requantization arithmetic -------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The single named home of the project's requantization arithmetic. Compiler
// passes use it to compute multipliers and shifts at compile time, and the
// tests use it as the executable statement of what generated code must
// compute, bit for bit (the project's numerics specification, numerics.md,
// sections 1-4; section numbers below refer to it).
//
// Two reference families are mirrored, each exactly:
//
//  * Integer-only fixed point [TFLite reference kernels, gemmlowp
//    fixedpoint.h]: quantizeMultiplier, saturatingRoundingDoublingHighMul,
//    roundingDivideByPOT, multiplyByQuantizedMultiplier (double rounding) and
//    multiplyByQuantizedMultiplierSingleRounding, the ADD parameters and
//    kernel, activation ranges and the average-pool division.
//
//  * Float multiplier [ONNX QuantizeLinear / QLinearMatMul / QLinearConv,
//    onnxruntime MLAS, fbgemm]: requantizeFloat, quantizeRoundHalfEven, and
//    TFLite's float quantizer quantizeRoundHalfAwayFromZero.
//
// Where a reference has undefined behaviour (signed overflow, over-wide
// shifts, float-to-int conversion of out-of-range values), these functions
// pick a defined result and say which. For every input within the
// reference's preconditions the result is identical to it. Nothing here
// depends on the floating-point environment's rounding mode: all rounding is
// done explicitly.
//
// This header is deliberately dependency-free (no LLVM) so that it can be
// used from tests, tools and generated-code harnesses alike.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_NUMERICS_FIXEDPOINT_H
#define LOWBIT_NUMERICS_FIXEDPOINT_H

#include <cstdint>
#include <utility>

namespace lowbit {
namespace numerics {

//===----------------------------------------------------------------------===//
// Fixed-point multipliers (integer-only requantization)
//===----------------------------------------------------------------------===//

/// A real multiplier M represented as M ~= multiplier * 2^(shift - 31).
///
/// TFLite convention: `multiplier` is a Q0.31 value in [2^30, 2^31) (or 0 for
/// M == 0), and `shift` > 0 means a left shift (M >= 1), `shift` <= 0 a right
/// shift.
struct QuantizedMultiplier {
  int32_t multiplier;
  int32_t shift;
};

inline bool operator==(const QuantizedMultiplier &lhs,
                       const QuantizedMultiplier &rhs) {
  return lhs.multiplier == rhs.multiplier && lhs.shift == rhs.shift;
}
inline bool operator!=(const QuantizedMultiplier &lhs,
                       const QuantizedMultiplier &rhs) {
  return !(lhs == rhs);
}

/// Decomposes the real multiplier \p m exactly like TFLite's
/// QuantizeMultiplier (double-rounding build):
///   m = q * 2^e with q in [0.5, 1) (std::frexp);
///   multiplier = round_half_away_from_zero(q * 2^31), shift = e;
///   if multiplier == 2^31: multiplier = 2^30, shift = e + 1;
///   if shift < -31: {0, 0} (flush multipliers below ~2^-32 to zero, because
///   the right shift would exceed 31 bits).
///
/// \p m should be computed in double from float32 scales widened to double,
/// as TFLite does, e.g. `double(sX) * double(sW) / double(sOut)`.
///
/// Precondition: \p m is finite and >= 0. Any m <= 0, NaN or infinity returns
/// {0, 0} (TFLite returns {0, 0} only for m == 0; it does not support negative
/// multipliers and has undefined behaviour for non-finite ones). Very large m
/// yield shift > 31, which multiplyByQuantizedMultiplier accepts but which
/// makes its left shift discard every bit (see there).
QuantizedMultiplier quantizeMultiplier(double m);

/// gemmlowp's SaturatingRoundingDoublingHighMul (ARM NEON VQRDMULH): the high
/// 32 bits of 2*a*b, rounded to nearest with ties toward +infinity:
///   a == b == INT32_MIN -> INT32_MAX (the only overflow);
///   otherwise p = int64(a) * b, nudge = p >= 0 ? 2^30 : 1 - 2^30,
///   result = (p + nudge) / 2^31 with C (truncating) division.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);

/// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties
/// away from zero (a rounding arithmetic right shift).
///
/// The reference requires 0 <= exponent <= 31; there the result is
/// identical. Outside that range this function stays exact instead of being
/// undefined: exponent <= 0 returns x unchanged, exponent >= 32 returns the
/// correctly rounded quotient (which is -1 for x == INT32_MIN and
/// exponent == 32, a tie rounded away from zero, and 0 otherwise).
int32_t roundingDivideByPOT(int32_t x, int exponent);

/// TFLite's MultiplyByQuantizedMultiplier, double-rounding version (the
/// default build, and what TFLite Micro / CMSIS-NN reproduce):
///   left = max(shift, 0), right = max(-shift, 0);
///   roundingDivideByPOT(
///       saturatingRoundingDoublingHighMul(x * 2^left, multiplier), right).
///
/// The reference computes `x * (1 << left)` in int32, which is undefined
/// behaviour when it overflows (and `1 << left` itself for left >= 31). Here
/// that product is defined as the two's complement wraparound that the
/// reference compiles to in practice: x * 2^left modulo 2^32, reinterpreted
/// as int32 (so left >= 32 gives 0). Overflow only happens for multipliers
/// >= 1 and accumulators that would not fit after scaling anyway.
///
/// Rounding happens twice (SRDHM ties toward +infinity, then the shift ties
/// away from zero), so this can differ from the exactly rounded product, e.g.
/// on negative ties (numerics.md section 2).
int32_t multiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m);

/// TFLite's single-rounding MultiplyByQuantizedMultiplier
/// (TFLITE_SINGLE_ROUNDING): with t = 31 - shift, in int64,
///   (int64(x) * multiplier + 2^(t-1)) >> t
/// i.e. x * multiplier * 2^(shift-31) rounded to nearest, ties toward
/// +infinity, with one rounding only.
///
/// The reference requires multiplier >= 0, -31 <= shift <= 30 (t in [1, 62])
/// and a result that fits int32 (checked only in debug builds). Here:
///  * the result is always the exactly computed floor(x*M0 / 2^t + 1/2)
///    saturated to [INT32_MIN, INT32_MAX] (TFLite release builds would
///    truncate to int32 instead; debug builds abort);
///  * t <= 0 (shift >= 31) means a left shift by -t, also saturated;
///  * t >= 63 (shift <= -32) gives the correctly rounded value, i.e. 0 for
///    every valid (non-negative) multiplier.
/// Note that TFLite's QuantizeMultiplier clamps shift > 30 to
/// {2^31 - 1, 30} in the single-rounding build; quantizeMultiplier does not.
int32_t multiplyByQuantizedMultiplierSingleRounding(int32_t x,
                                                    QuantizedMultiplier m);

//===----------------------------------------------------------------------===//
// Float-multiplier requantization and float quantization
//===----------------------------------------------------------------------===//
//
// All of these share one policy for values that the references cannot
// convert to an integer (their float -> int conversion is undefined in C++ and
// platform-dependent in numpy): the rounded value saturates to [qmin, qmax]
// (+-infinity included) and NaN maps to the zero point (real 0), clamped to
// [qmin, qmax]. This is what the numpy reference gives on AArch64, where
// float -> int conversion saturates and maps NaN to 0; on x86-64 numpy
// instead turns NaN, infinities and anything outside int32 into INT32_MIN.
// Precondition throughout: qmin <= qmax.

/// Float-mode requantization of an int32 accumulator, as onnxruntime (MLAS
/// QLinearMatMul / QLinearConv), fbgemm and QNNPACK compute it:
///   clamp(round_half_to_even(float(acc) * multiplier) + zeroPoint,
///         qmin, qmax)
/// with the product computed in float32. Note float(acc) itself rounds (to
/// nearest even) when |acc| > 2^24. \p multiplier is the float32 value
/// sX * sW / sOut computed in float32.
///
/// Clipping before rounding (ONNX QLinearConv reference) or after it
/// (QLinearMatMul) gives the same result because the bounds are integers.
int32_t requantizeFloat(int32_t acc, float multiplier, int32_t zeroPoint,
                        int32_t qmin, int32_t qmax);

/// The ONNX *Python reference* variant of requantizeFloat. There the
/// accumulator is an int32 numpy array and the multiplier a float32 numpy
/// value, and numpy promotes int32 * float32 to float64: the product is
/// computed in double from the float32 multiplier, with acc converted to
/// double exactly. Results differ from requantizeFloat only when the float32
/// product (or float(acc)) rounds across a rounding boundary, e.g. for
/// |acc| > 2^24 or near-ties.
int32_t requantizeFloatDoubleProduct(int32_t acc, float multiplier,
                                     int32_t zeroPoint, int32_t qmin,
                                     int32_t qmax);

/// ONNX QuantizeLinear for integer outputs (also PyTorch's rounding, though
/// PyTorch multiplies by the float reciprocal of the scale instead):
///   clamp(round_half_to_even(x / scale) + zp, qmin, qmax)
/// with the division in float32.
int32_t quantizeRoundHalfEven(float x, float scale, int32_t zp, int32_t qmin,
                              int32_t qmax);

/// TFLite's AffineQuantize:
///   clamp(round_half_away_from_zero(x / scale) + zp, qmin, qmax)
/// with the division in float32 and std::round semantics.
int32_t quantizeRoundHalfAwayFromZero(float x, float scale, int32_t zp,
                                      int32_t qmin, int32_t qmax);

//===----------------------------------------------------------------------===//
// TFLite ADD (numerics.md section 3)
//===----------------------------------------------------------------------===//

/// Compile-time parameters of a quantized TFLite ADD.
struct AddParams {
  /// Integer headroom given to the inputs before rescaling (20 for 8-bit
  /// outputs, 15 for int16 in TFLite).
  int32_t leftShift;
  QuantizedMultiplier input1, input2, output;
};

/// Computes TFLite's ADD parameters from the three scales:
///   twiceMax = 2 * max(s1, s2)
///   m1 = s1 / twiceMax, m2 = s2 / twiceMax            (both <= 0.5)
///   mOut = twiceMax / (2^leftShift * sOut)
/// each multiplier quantized with quantizeMultiplier. All arithmetic is in
/// double. TFLite mixes float and double here (2 * max(float, float) and
/// (1 << 20) * float are float32 expressions), but both of those are exact
/// multiplications by powers of two, so pass the float32 scales widened to
/// double and the results are identical.
///
/// TFLite's Prepare rejects a model whose mOut is >= 1 (or rounds up to a
/// positive shift); this function does not check, and addQuantized then still
/// applies the multipliers as multiplyByQuantizedMultiplier does.
AddParams computeAddParams(double s1, double s2, double sOut,
                           int leftShift = 20);

/// TFLite reference_integer_ops::AddElementwise for one element:
///   a = (x - zpX) << leftShift, b = (y - zpY) << leftShift
///   a' = MBQM(a, input1), b' = MBQM(b, input2)
///   clamp(MBQM(a' + b', output) + zpOut, actMin, actMax)
/// where MBQM is multiplyByQuantizedMultiplier (TFLite's
/// MultiplyByQuantizedMultiplierSmallerThanOneExp is the same function for
/// shift <= 0). For 8- and 16-bit inputs no intermediate overflows; for wider
/// inputs every int32 addition and shift wraps like two's complement, which
/// is what the reference compiles to.
int32_t addQuantized(int32_t x, int32_t zpX, int32_t y, int32_t zpY,
                     const AddParams &params, int32_t zpOut, int32_t actMin,
                     int32_t actMax);

//===----------------------------------------------------------------------===//
// Fused activations and pooling (numerics.md section 4)
//===----------------------------------------------------------------------===//

/// Fused activation functions that reduce to a clamp of the quantized output.
enum class ActivationKind {
  None,
  /// max(x, 0).
  Relu,
  /// min(max(x, 0), 6).
  Relu6,
  /// min(max(x, clampLo), clampHi); TFLite's RELU_N1_TO_1 is Clamp(-1, 1).
  Clamp,
};

/// TFLite's CalculateActivationRangeQuantized: the [actMin, actMax] clamp of
/// the quantized output for a fused activation. Each real bound f becomes
/// zp + round_half_away_from_zero(f / scale) (float32 division, TfLiteRound)
/// and is intersected with [qmin, qmax]:
///   None:  {qmin, qmax}
///   Relu:  {max(qmin, Q(0)), qmax}
///   Relu6: {max(qmin, Q(0)), min(qmax, Q(6))}
///   Clamp: {max(qmin, Q(clampLo)), min(qmax, Q(clampHi))}
/// \p clampLo and \p clampHi are only read for Clamp.
///
/// Unlike TFLite (which fails when a bound leaves the int32 range), every
/// bound is saturated into [qmin, qmax], so the pair is ordered whenever
/// clampLo <= clampHi; the clamped outputs are the same as TFLite's.
std::pair<int32_t, int32_t> activationRange(ActivationKind kind, float scale,
                                            int32_t zp, int32_t qmin,
                                            int32_t qmax, float clampLo = 0.0f,
                                            float clampHi = 0.0f);

/// TFLite's integer average-pool division, sum / count rounded to nearest
/// with ties away from zero:
///   sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count.
/// Computed in int64, so sums near the int32 limits do not overflow (TFLite
/// never gets there with 8/16-bit inputs). Precondition: count > 0; returns 0
/// for count <= 0 (TFLite reports an error for an empty window).
int32_t roundingDivide(int32_t sum, int32_t count);

} // namespace numerics
} // namespace lowbit

#endif // LOWBIT_NUMERICS_FIXEDPOINT_H
