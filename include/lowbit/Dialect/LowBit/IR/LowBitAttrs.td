//===- LowBitAttrs.td - lowbit attributes and enums --------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_TD

include "lowbit/Dialect/LowBit/IR/LowBitDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def LowBit_ActivationNone : I32EnumAttrCase<"none", 0>;
def LowBit_ActivationRelu : I32EnumAttrCase<"relu", 1>;
def LowBit_ActivationRelu6 : I32EnumAttrCase<"relu6", 2>;
def LowBit_ActivationClamp : I32EnumAttrCase<"clamp", 3>;

def LowBit_Activation : I32EnumAttr<"Activation",
    "activation fused into an arithmetic op", [
      LowBit_ActivationNone, LowBit_ActivationRelu, LowBit_ActivationRelu6,
      LowBit_ActivationClamp]> {
  let cppNamespace = "::mlir::lowbit";
  let genSpecializedAttr = 0;
}

def LowBit_ActivationAttr : EnumAttr<LowBit_Dialect, LowBit_Activation,
                                     "activation">;

def LowBit_PadValueZero : I32EnumAttrCase<"zero", 0>;
def LowBit_PadValueOne : I32EnumAttrCase<"one", 1>;

def LowBit_PadValue : I32EnumAttr<"PadValue",
    "value of the padding taps of a convolution", [
      LowBit_PadValueZero, LowBit_PadValueOne]> {
  let cppNamespace = "::mlir::lowbit";
  let genSpecializedAttr = 0;
}

def LowBit_PadValueAttr : EnumAttr<LowBit_Dialect, LowBit_PadValue,
                                   "pad_value">;

def LowBit_RequantModeFixedPoint : I32EnumAttrCase<"FixedPoint", 0, "fixed_point">;
def LowBit_RequantModeFloat : I32EnumAttrCase<"Float", 1, "float">;

def LowBit_RequantMode : I32EnumAttr<"RequantMode",
    "how a real multiplier is applied to an integer accumulator", [
      LowBit_RequantModeFixedPoint, LowBit_RequantModeFloat]> {
  let cppNamespace = "::mlir::lowbit";
  let genSpecializedAttr = 0;
}

def LowBit_RequantModeAttr : EnumAttr<LowBit_Dialect, LowBit_RequantMode,
                                      "requant_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_TD
