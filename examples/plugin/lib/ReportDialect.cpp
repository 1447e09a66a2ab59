//===- ReportDialect.cpp - the lbreport dialect ---------------------------===//
#include "LowBitReport/ReportDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include "LowBitReport/ReportDialect.cpp.inc"

#define GET_OP_CLASSES
#include "LowBitReport/ReportOps.cpp.inc"

void lbreport::LBReportDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "LowBitReport/ReportOps.cpp.inc"
      >();
}
