//===- Passes.td - lowbit conversion passes ----------------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowBitLowerQuantized : Pass<"lowbit-lower-quantized", "ModuleOp"> {
  let summary = "lower affine-quantized and float lowbit ops to integer "
                "linalg/arith code on storage types";
  let description = [{
    Rewrites lowbit ops whose operands are floats or affine quantized types
    (int16 down to int2, signed or unsigned, per tensor or per channel) into
    linalg, tensor, arith and math ops on the storage types, bit-exact with
    the reference kernels:

    * `fixed-point` requantization (default): integer-only arithmetic as in
      TFLite/gemmlowp (QuantizeMultiplier, SaturatingRoundingDoublingHighMul,
      RoundingDivideByPOT, ADD with 20 bits of headroom);
    * `float` requantization: a float32 multiplier with round half to even,
      as in ONNX QuantizeLinear/QLinearMatMul/QLinearConv.

    A `lowbit.requant_mode` attribute on a function or the module (the
    model's own convention) takes precedence over the `requant-mode` option.
    Matmul and conv2d accumulate in int32; zero-point terms of constant
    weights are folded at compile time. An accumulation that could overflow
    int32 is rejected with an error. Function signatures are converted to
    storage types; `!lowbit.binary` values become `i1` (1 means -1).
  }];
  let options = [
    Option<"requantMode", "requant-mode", "std::string",
           /*default=*/"\"fixed-point\"",
           "requantization for functions that record no lowbit.requant_mode: "
           "fixed-point (TFLite, integer only) or float (ONNX)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::func::FuncDialect"
  ];
}

def LowBitLowerBinary : Pass<"lowbit-lower-binary", "ModuleOp"> {
  let summary = "lower binary and ternary matmul/conv2d to popcount on "
                "packed bits";
  let description = [{
    Rewrites the lowbit ops whose operands are binary (`!lowbit.binary`) or
    ternary (`!quant.uniform<i2<-1:1>:f, s>`), and `lowbit.pack` /
    `lowbit.unpack`, into linalg on words packed along the reduction axis
    (bit 1 = -1, least-significant bit first):

    * binary x binary: XOR + popcount, `dot = K - 2 * popcount`;
    * ternary x ternary or binary: mask and sign bit-planes,
      `dot = popcount(m) - 2 * popcount(m & (s_a ^ s_w))`;
    * binary or ternary x integer: add where the weight is +1, subtract
      where it is -1, no multiplies;
    * 2-4 bit x 2-4 bit integers (matmul, and conv2d with filter zero
      points of 0): bit-serial popcount over
      bit-planes, `sum_ij c_i d_j 2^(i+j) popcount(A_i & W_j)`, with the
      sign planes of signed operands negated and zero points applied as in
      the integer lowering;
    * binary max_pool2d: an AND of packed words.

    A binary operand produced by `lowbit.threshold` (e.g. after
    `--lowbit-fuse-thresholds`) is packed straight from the integer
    accumulator, so activations between binary layers are never stored
    unpacked; an operand produced by `lowbit.unpack` of 64-bit words is used
    as it is.

    conv2d honours `pad_value`: `one` padding costs nothing; `zero` padding
    subtracts a per-position correction computed from the weights. Constant
    weights are transposed and packed at compile time. The exact int32 dot
    product then goes through the same epilogue as
    `--lowbit-lower-quantized` (float scales and bias, requantization,
    activation, or the sign for a binary result). Run it before
    `--lowbit-lower-quantized`, which lowers everything else.
  }];
  let options = [
    Option<"requantMode", "requant-mode", "std::string",
           /*default=*/"\"fixed-point\"",
           "requantization for functions that record no lowbit.requant_mode: "
           "fixed-point (TFLite, integer only) or float (ONNX)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
