//===- LowBitDialect.td - lowbit dialect definition --------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_TD

include "mlir/IR/OpBase.td"

def LowBit_Dialect : Dialect {
  let name = "lowbit";
  let cppNamespace = "::mlir::lowbit";
  let summary = "Quantized neural-network arithmetic from FP16 down to 1 bit";
  let description = [{
    The `lowbit` dialect describes the arithmetic of quantized neural networks
    with value semantics on tensors. Element types state exactly what every
    stored value means:

    * floating point: `f32` (reference), `f16`, `bf16`, `f8E4M3FN`, `f8E5M2`;
    * affine integers from 16 down to 2 bits, signed or unsigned, full or
      narrow range, per tensor, per channel or blockwise: upstream
      `!quant.uniform`;
    * ternary {-1, 0, +1} times a scale: `!quant.uniform<i2<-1:1>:f32, s>`
      with zero point 0;
    * binary {-1, +1} times an optional scale: `!lowbit.binary`.

    Every arithmetic op has the same meaning: dequantize each operand to its
    real value, compute exactly in real arithmetic, apply the fused
    activation, and quantize to the result type. Lowering passes implement
    that meaning with integer, bitwise or floating-point code that is
    bit-exact with the reference implementations named in the docs.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

class LowBit_Op<string mnemonic, list<Trait> traits = []>
    : Op<LowBit_Dialect, mnemonic, traits>;

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_TD
