//===- ReportDialect.h - the lbreport dialect -------------------*- C++ -*-===//
#ifndef LOWBITREPORT_REPORTDIALECT_H
#define LOWBITREPORT_REPORTDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"

#include "LowBitReport/ReportDialect.h.inc"

#define GET_OP_CLASSES
#include "LowBitReport/ReportOps.h.inc"

namespace lbreport {
/// Registers the lowbit-report pass.
void registerReportPass();
} // namespace lbreport

#endif // LOWBITREPORT_REPORTDIALECT_H
