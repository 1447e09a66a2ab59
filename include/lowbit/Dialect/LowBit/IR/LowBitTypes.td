//===- LowBitTypes.td - lowbit types -----------------------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITTYPES_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITTYPES_TD

include "lowbit/Dialect/LowBit/IR/LowBitDialect.td"
include "mlir/IR/AttrTypeBase.td"

class LowBit_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<LowBit_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def LowBit_BinaryType : LowBit_Type<"Binary", "binary"> {
  let summary = "binary value {-1, +1} times an optional scale";
  let description = [{
    A 1-bit value that is either -1 or +1, multiplied by a positive scale
    (1 when none is given), per tensor or per channel. `!quant.uniform`
    cannot express this value set: its zero point would have to be 0.5.

    ```mlir
    !lowbit.binary                          // {-1, +1}
    !lowbit.binary<f32, 0.25>               // {-0.25, +0.25}
    !lowbit.binary<f32:0, {0.5, 0.25}>      // per channel along axis 0
    ```

    Once packed (see `lowbit.pack`), bit 1 means -1 and bit 0 means +1
    (the sign bit), least-significant bit first along the reduction axis.
    `sign(0)` is +1.
  }];
  let parameters = (ins
    "::mlir::FloatType":$expressedType,
    "::mlir::DenseF64ArrayAttr":$scalesAttr,
    "int32_t":$axis
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    TypeBuilderWithInferredContext<(ins "::mlir::FloatType":$expressedType,
        "::llvm::ArrayRef<double>":$scales, "int32_t":$axis), [{
      ::mlir::MLIRContext *ctx = expressedType.getContext();
      return $_get(ctx, expressedType,
                   ::mlir::DenseF64ArrayAttr::get(ctx, scales), axis);
    }]>,
    TypeBuilder<(ins), [{
      return $_get($_ctxt, ::mlir::Float32Type::get($_ctxt),
                   ::mlir::DenseF64ArrayAttr::get($_ctxt, {1.0}), -1);
    }]>
  ];
  let extraClassDeclaration = [{
    /// The scales: one per tensor, or one per slice along the axis.
    ::llvm::ArrayRef<double> getScales() const {
      return getScalesAttr().asArrayRef();
    }
    /// True if one scale applies to the whole tensor.
    bool isPerTensor() const { return getAxis() < 0; }
    /// The scale of a per-tensor type.
    double getScale() const { return getScales().front(); }
  }];
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITTYPES_TD
