//===- lowbit-fuzz-ir.cpp - fuzz parsing, verification and lowering -------===//
//
// Part of the lowbit project.
//
// A libFuzzer target: each input is MLIR text; it is parsed, verified,
// and lowered through the lowbit pipeline (C ABI, with the SSE2, NEON or no
// kernel sets, so both kernel generators run) to the LLVM dialect.
// Errors are fine; a crash, a hang or a sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lowbit_fuzz::newInput();
  mlir::OwningOpRef<mlir::ModuleOp> module = lowbit_fuzz::parse(data, size);
  if (!module)
    return 0;
  // One kernel set per input, picked by a hash of its bytes (so an input
  // always replays the same way): lowering each input three times would
  // triple the cost of every execution, while the mutations of one corpus
  // entry reach all three.
  static const std::pair<const char *, const char *> kernelSets[] = {
      {"sse2", "sse2"}, {"neon", "neon"}, {"none", "none"}};
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ data[i]) * 16777619u;
  const auto &[dot, popcount] = kernelSets[hash % 3];
  (void)lowbit_fuzz::lower(*module, dot, popcount);
  return 0;
}
