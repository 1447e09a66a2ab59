//===- lowbit-fuzz-compile.cpp - fuzz lowbit-compile's whole path ---------===//
//
// Part of the lowbit project.
//
// A libFuzzer target for what lowbit-compile does with a model, in
// process: parse, verify, C header, lowering for the host with its best
// kernels, translation to LLVM IR and object code generation (into
// memory). Errors are fine; a crash, a hang or a sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Target/ObjectEmitter.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static std::unique_ptr<llvm::TargetMachine> tm = [] {
    mlir::lowbit::initializeLLVMTargets();
    mlir::lowbit::TargetSpec spec;
    spec.optLevel = 1;
    std::string error;
    return mlir::lowbit::createTargetMachine(spec, error);
  }();
  if (!tm)
    __builtin_trap();
  lowbit_fuzz::newInput();
  mlir::OwningOpRef<mlir::ModuleOp> module = lowbit_fuzz::parse(data, size);
  if (!module)
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> original = module->clone();
  if (!lowbit_fuzz::lower(*module, mlir::lowbit::selectDotKernels(*tm),
                          mlir::lowbit::selectPopcountKernels(*tm)))
    return 0;
  auto plans = (*module)->getAttrOfType<mlir::DictionaryAttr>(
      mlir::lowbit::kMemoryPlansAttrName);
  (*module)->removeAttr(mlir::lowbit::kMemoryPlansAttrName);
  std::string header =
      mlir::lowbit::generateCHeader(*original, "fuzz.h", plans);
  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream os(bytes);
  std::string error;
  (void)mlir::lowbit::emitModule(*module, *tm, 1,
                                 mlir::lowbit::EmitKind::Object, os, error);
  return 0;
}
