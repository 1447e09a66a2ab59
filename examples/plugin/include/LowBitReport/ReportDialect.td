//===- ReportDialect.td - the lbreport dialect -------------*- tablegen -*-===//
//
// An example dialect plugin for lowbit: ops that record per-layer facts.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBITREPORT_REPORTDIALECT_TD
#define LOWBITREPORT_REPORTDIALECT_TD

include "mlir/IR/OpBase.td"

def LBReport_Dialect : Dialect {
  let name = "lbreport";
  let cppNamespace = "::lbreport";
  let summary = "per-layer facts recorded by the lowbit-report pass";
}

def LBReport_LayerOp : Op<LBReport_Dialect, "layer", []> {
  let summary = "facts about one layer of a lowbit model";
  let description = [{
    Records a layer's name, multiply-accumulates by kind and weight bytes,
    e.g. `lbreport.layer "conv2" kind "xnor-popcount" macs 2359296 bytes 576`.
  }];
  let arguments = (ins StrAttr:$name, StrAttr:$kind, I64Attr:$macs,
                       I64Attr:$weight_bytes);
  let assemblyFormat = [{
    $name `kind` $kind `macs` $macs `bytes` $weight_bytes attr-dict
  }];
}

#endif // LOWBITREPORT_REPORTDIALECT_TD
