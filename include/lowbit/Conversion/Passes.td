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

#endif // LOWBIT_CONVERSION_PASSES_TD
