//===- LowBitDialect.cpp - lowbit dialect ---------------------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::lowbit;

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.cpp.inc"
#include "lowbit/Dialect/LowBit/IR/LowBitEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.cpp.inc"

void LowBitDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "lowbit/Dialect/LowBit/IR/LowBitOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
}

void LowBitDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.cpp.inc"
      >();
}

LogicalResult LowBitDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  if (attr.getName() == kRequantModeAttrName) {
    if (!isa<RequantModeAttr>(attr.getValue()))
      return op->emitError()
             << "'" << kRequantModeAttrName
             << "' expects #lowbit.requant_mode<fixed_point> or "
                "#lowbit.requant_mode<float>, got "
             << attr.getValue();
    if (!isa<ModuleOp, FunctionOpInterface>(op))
      return op->emitError() << "'" << kRequantModeAttrName
                             << "' belongs on a module or a function, not on '"
                             << op->getName() << "'";
    return success();
  }
  if (attr.getName() == kIOLayoutAttrName) {
    // Documentation for the C header, set by the ONNX import.
    if (!isa<StringAttr>(attr.getValue()) || !isa<FunctionOpInterface>(op))
      return op->emitError()
             << "'" << kIOLayoutAttrName << "' expects a string on a function";
    return success();
  }
  if (attr.getName() == kIONamesAttrName) {
    auto names = dyn_cast<ArrayAttr>(attr.getValue());
    if (!names || !isa<FunctionOpInterface>(op) ||
        !llvm::all_of(names, [](Attribute a) { return isa<StringAttr>(a); }))
      return op->emitError() << "'" << kIONamesAttrName
                             << "' expects an array of strings on a function";
    return success();
  }
  if (attr.getName() == kArenaBuffersAttrName) {
    auto ranges = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    auto func = dyn_cast<FunctionOpInterface>(op);
    if (!ranges || !func || ranges.size() % 2 != 0 ||
        static_cast<unsigned>(ranges.size() / 2) > func.getNumArguments())
      return op->emitError()
             << "'" << kArenaBuffersAttrName
             << "' expects an array<i64> of (offset, size) pairs, one per "
                "trailing argument of a function";
    return success();
  }
  if (attr.getName() == kParallelLoopAttrName ||
      attr.getName() == kThresholdPackAttrName) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << attr.getName().getValue()
                             << "' expects a unit attribute";
    return success();
  }
  if (attr.getName() == kParallelDispatchAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    if (!dict || !dict.getAs<FlatSymbolRefAttr>("task") ||
        !dict.getAs<IntegerAttr>("threads") || !isa<FunctionOpInterface>(op))
      return op->emitError() << "'" << kParallelDispatchAttrName
                             << "' expects {task = @symbol, threads = N} on "
                                "a function";
    return success();
  }
  if (attr.getName() == kMemoryPlansAttrName) {
    auto plans = dyn_cast<DictionaryAttr>(attr.getValue());
    auto isPlan = [](NamedAttribute plan) {
      auto fields = dyn_cast<DictionaryAttr>(plan.getValue());
      return fields && llvm::all_of(fields, [](NamedAttribute field) {
               return isa<IntegerAttr>(field.getValue());
             });
    };
    if (!plans || !isa<ModuleOp>(op) || !llvm::all_of(plans, isPlan))
      return op->emitError()
             << "'" << kMemoryPlansAttrName
             << "' expects a dictionary of integer dictionaries on a module";
    return success();
  }
  return op->emitError() << "unknown lowbit attribute '"
                         << attr.getName().getValue()
                         << "'; the discardable lowbit attributes are '"
                         << kRequantModeAttrName << "', '" << kIOLayoutAttrName
                         << "', '" << kIONamesAttrName << "', '"
                         << kMemoryPlansAttrName << "', '"
                         << kArenaBuffersAttrName << "', '"
                         << kParallelLoopAttrName << "', '"
                         << kParallelDispatchAttrName << "' and '"
                         << kThresholdPackAttrName << "'";
}

SmallVector<AffineMap> mlir::lowbit::getThresholdPackMaps(unsigned loops,
                                                          int64_t levels,
                                                          bool sharedTau,
                                                          MLIRContext *ctx) {
  SmallVector<AffineExpr> wordE;
  for (unsigned i = 0; i + 1 < loops; ++i)
    wordE.push_back(getAffineDimExpr(i, ctx));
  wordE.push_back(getAffineDimExpr(loops - 1, ctx).floorDiv(64));
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  AffineMap tauMap = sharedTau
                         ? AffineMap::get(loops, 0, {zero, zero}, ctx)
                         : AffineMap::get(loops, 0,
                                          {getAffineDimExpr(loops - 2, ctx),
                                           getAffineDimExpr(loops - 1, ctx)},
                                          ctx);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(loops, ctx)};
  maps.append(levels, tauMap);
  maps.append(levels, AffineMap::get(loops, 0, wordE, ctx));
  return maps;
}

std::optional<RequantMode>
mlir::lowbit::parseRequantModeOption(StringRef name) {
  if (name == "fixed-point")
    return RequantMode::FixedPoint;
  if (name == "float")
    return RequantMode::Float;
  return std::nullopt;
}

std::optional<RequantMode> mlir::lowbit::getRecordedRequantMode(Operation *op) {
  for (Operation *p = op; p; p = p->getParentOp())
    if (auto mode = p->getAttrOfType<RequantModeAttr>(kRequantModeAttrName))
      return mode.getValue();
  return std::nullopt;
}
