//===- lowbit-fuzz-ir.cpp - fuzz parsing, verification and lowering -------===//
//
// Part of the lowbit project.
//
// A libFuzzer target: each input is MLIR text; it is parsed, verified,
// and lowered through the lowbit pipeline (C ABI, the portable SSE2 and
// NEON kernel sets, so both kernel generators run) to the LLVM dialect.
// Errors are fine; a crash, a hang or a sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lowbit_fuzz::newInput();
  mlir::OwningOpRef<mlir::ModuleOp> module = lowbit_fuzz::parse(data, size);
  if (!module)
    return 0;
  // Every lowering starts from a fresh copy: the pipeline changes the IR.
  for (auto [dot, popcount] :
       {std::pair<const char *, const char *>{"sse2", "sse2"},
        {"neon", "neon"},
        {"none", "none"}}) {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    (void)lowbit_fuzz::lower(*copy, dot, popcount);
  }
  return 0;
}
