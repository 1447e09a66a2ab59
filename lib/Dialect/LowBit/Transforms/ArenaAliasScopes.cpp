//===- ArenaAliasScopes.cpp - alias scopes for planned buffers ------------===//
//
// Part of the lowbit project.
//
// Buffers placed in one arena by --lowbit-plan-memory are, to LLVM, pointers
// into the same object: without help its alias analysis cannot tell that a
// store to one layer's output does not change another layer's input, so it
// neither keeps reduction accumulators in registers nor vectorizes such
// loops without run-time checks. The plan knows which buffers occupy
// disjoint bytes; this pass states it with LLVM's scoped no-alias metadata.
// Every access traced to a planned buffer gets that buffer's scope and, as
// no-alias scopes, the scopes of every buffer whose bytes are disjoint from
// it. Buffers sharing bytes (never live together) are never declared
// disjoint, so the metadata holds for the whole function.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITARENAALIASSCOPES
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using mlir::lowbit::kArenaBuffersAttrName;

/// The entry-block argument `pointer` is an address in, through a chain of
/// getelementptr, or null.
static BlockArgument rootArgument(Value pointer) {
  while (auto gep = pointer.getDefiningOp<LLVM::GEPOp>())
    pointer = gep.getBase();
  auto arg = dyn_cast<BlockArgument>(pointer);
  if (!arg || !arg.getOwner()->isEntryBlock())
    return nullptr;
  return arg;
}

namespace {
struct ArenaAliasScopesPass
    : public mlir::lowbit::impl::LowBitArenaAliasScopesBase<
          ArenaAliasScopesPass> {
  void runOnOperation() override {
    getOperation().walk([&](LLVM::LLVMFuncOp func) {
      auto ranges =
          func->getAttrOfType<DenseI64ArrayAttr>(kArenaBuffersAttrName);
      if (!ranges)
        return;
      func->removeAttr(kArenaBuffersAttrName);
      annotate(func, ranges.asArrayRef());
    });
  }

  void annotate(LLVM::LLVMFuncOp func, ArrayRef<int64_t> ranges) {
    if (func.isExternal())
      return;
    MLIRContext *ctx = &getContext();
    unsigned numBuffers = ranges.size() / 2;
    unsigned first = func.getNumArguments() - numBuffers;
    auto disjoint = [&](unsigned x, unsigned y) {
      int64_t xo = ranges[2 * x], xs = ranges[2 * x + 1];
      int64_t yo = ranges[2 * y], ys = ranges[2 * y + 1];
      return xo + xs <= yo || yo + ys <= xo;
    };
    auto domain = LLVM::AliasScopeDomainAttr::get(
        ctx, StringAttr::get(ctx, func.getName() + " arena"));
    SmallVector<Attribute> scopes;
    for (unsigned i = 0; i < numBuffers; ++i)
      scopes.push_back(LLVM::AliasScopeAttr::get(
          domain, StringAttr::get(ctx, "buffer " + Twine(i))));

    func.walk([&](LLVM::AliasAnalysisOpInterface access) {
      SmallVector<unsigned> touched;
      for (Value pointer : access.getAccessedOperands()) {
        BlockArgument arg = rootArgument(pointer);
        // Accesses not traced to a planned buffer keep no metadata, which
        // claims nothing about them.
        if (!arg || arg.getArgNumber() < first ||
            arg.getParentRegion() != &func.getBody())
          return;
        touched.push_back(arg.getArgNumber() - first);
      }
      if (touched.empty())
        return;
      SmallVector<Attribute> own, others;
      for (unsigned t : touched)
        own.push_back(scopes[t]);
      for (unsigned j = 0; j < numBuffers; ++j)
        if (llvm::all_of(touched, [&](unsigned t) { return disjoint(t, j); }))
          others.push_back(scopes[j]);
      access.setAliasScopes(ArrayAttr::get(ctx, own));
      if (!others.empty())
        access.setNoAliasScopes(ArrayAttr::get(ctx, others));
    });
  }
};
} // namespace
