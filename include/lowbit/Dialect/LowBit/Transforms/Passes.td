//===- Passes.td - lowbit transformation passes ------------*- tablegen -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowBitVerifyModel : Pass<"lowbit-verify-model", "ModuleOp"> {
  let summary = "check that a model is ready for lowering";
  let description = [{
    Checks whole-model properties that single op verifiers cannot: every
    function argument and result of a public function has a lowbit element
    type and a static shape, and the module records at most one
    requantization mode.
  }];
}

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
