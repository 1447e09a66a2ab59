//===- PlanMemory.cpp - one planned arena for intermediate buffers --------===//
//
// Part of the lowbit project.
//
// After bufferization every intermediate tensor of a model is a
// memref.alloc, freed at the end of its live range: a call of a compiled
// model makes one heap allocation per layer (and, for large buffers, pays
// the page faults of fresh memory every time). This pass assigns every
// statically shaped allocation of a public function an offset in one byte
// arena, reusing bytes between buffers that are never live together, and
// splits the function into
//
//   <name>_body         (private) the body, each planned buffer an
//                                 argument (so accesses can be traced to
//                                 buffers, see ArenaAliasScopes.cpp);
//   <name>_with_scratch (public)  checks the caller's scratch pointer, then
//                                 runs the body on views of it: no heap
//                                 allocation;
//   <name>              (public)  unchanged signature: allocates the arena,
//                                 calls <name>_with_scratch, frees it.
//
// Upstream MLIR has no pass for this: buffer hoisting and promotion move
// single allocations, none packs many into one buffer by live range. The
// placement is the greedy interval packing that TFLite's arena planner
// uses, tried in a few orders.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/BufferViewFlowAnalysis.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/Support/MathExtras.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITPLANMEMORY
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using mlir::lowbit::kArenaBuffersAttrName;
using mlir::lowbit::kMemoryPlansAttrName;

namespace {
/// One planned allocation.
struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;   ///< size rounded up to the alignment
  unsigned start = 0;  ///< index of the allocation in the function body
  unsigned end = 0;    ///< index of the last top-level user (inclusive)
  int64_t offset = -1; ///< byte offset in the arena
  bool overlapsInTime(const Buffer &o) const {
    return start <= o.end && o.start <= end;
  }
};
} // namespace

/// Bytes one element takes in memory once lowered to LLVM (an iN occupies
/// a power-of-two number of whole bytes); 0 for element types the planner
/// leaves alone.
static int64_t elementBytes(Type type) {
  if (type.isIndex())
    return 8;
  if (auto i = dyn_cast<IntegerType>(type))
    return llvm::PowerOf2Ceil(llvm::divideCeil(i.getWidth(), 8));
  if (auto f = dyn_cast<FloatType>(type))
    return llvm::PowerOf2Ceil(llvm::divideCeil(f.getWidth(), 8));
  return 0;
}

/// The memory a statically shaped buffer takes, or 0 if unknown.
static int64_t bufferBytes(MemRefType type) {
  if (!type.hasStaticShape())
    return 0;
  int64_t e = elementBytes(type.getElementType());
  return e * type.getNumElements();
}

/// Places `buffers` in the given order: each at the lowest-waste gap among
/// the already placed buffers it is live together with (the best fit), or
/// after all of them (sizes are multiples of the alignment, so offsets are
/// too). Returns the arena size.
static int64_t place(MutableArrayRef<Buffer> buffers,
                     ArrayRef<unsigned> order) {
  for (Buffer &b : buffers)
    b.offset = -1;
  int64_t arena = 0;
  SmallVector<const Buffer *> live;
  for (unsigned i : order) {
    Buffer &b = buffers[i];
    live.clear();
    for (const Buffer &o : buffers)
      if (o.offset >= 0 && o.overlapsInTime(b))
        live.push_back(&o);
    llvm::sort(live, [](const Buffer *x, const Buffer *y) {
      return x->offset < y->offset;
    });
    int64_t candidate = 0, best = -1, bestGap = 0;
    for (const Buffer *o : live) {
      int64_t gap = o->offset - candidate;
      if (gap >= b.bytes && (best < 0 || gap < bestGap)) {
        best = candidate;
        bestGap = gap;
      }
      candidate = std::max(candidate, o->offset + o->bytes);
    }
    b.offset = best >= 0 ? best : candidate;
    arena = std::max(arena, b.offset + b.bytes);
  }
  return arena;
}

/// The largest sum of buffers live at one top-level operation: no arena
/// can be smaller.
static int64_t peakLiveBytes(ArrayRef<Buffer> buffers, unsigned numOps) {
  SmallVector<int64_t> delta(numOps + 1, 0);
  for (const Buffer &b : buffers) {
    delta[b.start] += b.bytes;
    delta[b.end + 1] -= b.bytes;
  }
  int64_t live = 0, peak = 0;
  for (int64_t d : delta) {
    live += d;
    peak = std::max(peak, live);
  }
  return peak;
}

/// Bytes of the constant globals `func` reads (its weights).
static int64_t weightBytes(func::FuncOp func, SymbolTable &symbols) {
  llvm::SmallPtrSet<Operation *, 16> seen;
  int64_t bytes = 0;
  func.walk([&](memref::GetGlobalOp get) {
    auto global = symbols.lookup<memref::GlobalOp>(get.getName());
    if (!global || !global.getConstant() || !seen.insert(global).second)
      return;
    bytes += bufferBytes(global.getType());
  });
  return bytes;
}

namespace {
struct PlanMemoryPass
    : public mlir::lowbit::impl::LowBitPlanMemoryBase<PlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    if (alignment < 16 || !llvm::isPowerOf2_32(alignment)) {
      getOperation().emitError() << "--lowbit-plan-memory: alignment "
                                 << static_cast<unsigned>(alignment)
                                 << " is not a power of two of at least 16";
      return signalPassFailure();
    }
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<NamedAttribute> plans;
    if (auto old = module->getAttrOfType<DictionaryAttr>(kPlansAttr))
      llvm::append_range(plans, old.getValue());
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isPrivate() && !func.isExternal() &&
          llvm::none_of(func.getResultTypes(), llvm::IsaPred<BaseMemRefType>))
        funcs.push_back(func);
    for (func::FuncOp func : funcs) {
      if (symbols.lookup(scratchName(func)) || symbols.lookup(bodyName(func))) {
        func.emitError() << "cannot plan memory of '" << func.getSymName()
                         << "': the module already has a function named '"
                         << scratchName(func) << "' or '" << bodyName(func)
                         << "'";
        return signalPassFailure();
      }
      plans.emplace_back(func.getSymNameAttr(), planFunction(func, symbols));
    }
    module->setAttr(kPlansAttr, DictionaryAttr::get(&getContext(), plans));
  }

private:
  static constexpr StringLiteral kPlansAttr = kMemoryPlansAttrName;

  static std::string scratchName(func::FuncOp f) {
    return (f.getSymName() + "_with_scratch").str();
  }
  static std::string bodyName(func::FuncOp f) {
    return (f.getSymName() + "_body").str();
  }

  DictionaryAttr planFunction(func::FuncOp func, SymbolTable &symbols) {
    MLIRContext *ctx = &getContext();
    SmallVector<Buffer> buffers;
    unsigned numOps = 0;
    int64_t heapBuffers = 0;
    if (func.getBody().hasOneBlock()) {
      Block &body = func.getBody().front();
      DenseMap<Operation *, unsigned> index;
      for (Operation &op : body)
        index[&op] = numOps++;
      BufferViewFlowAnalysis aliases(func);
      func.walk([&](memref::AllocOp alloc) {
        auto type = alloc.getType();
        int64_t bytes = bufferBytes(type);
        bool plannable = alloc->getBlock() == &body && bytes > 0 &&
                         type.getLayout().isIdentity() &&
                         !type.getMemorySpace();
        if (!plannable) {
          ++heapBuffers;
          return;
        }
        Buffer b;
        b.alloc = alloc;
        b.bytes = llvm::alignTo(bytes, alignment);
        b.start = b.end = index[alloc];
        for (Value alias : aliases.resolve(alloc.getResult()))
          for (Operation *user : alias.getUsers())
            if (Operation *top = body.findAncestorOpInBlock(*user))
              b.end = std::max(b.end, index[top]);
        buffers.push_back(b);
      });
    } else {
      func.walk([&](memref::AllocOp) { ++heapBuffers; });
    }

    // Several placement orders; the smallest arena wins.
    int64_t arena = 0;
    if (!buffers.empty()) {
      SmallVector<unsigned> order(buffers.size());
      auto bySize = [&](unsigned x, unsigned y) {
        const Buffer &a = buffers[x], &b = buffers[y];
        return std::make_tuple(-a.bytes, a.start) <
               std::make_tuple(-b.bytes, b.start);
      };
      auto byStart = [&](unsigned x, unsigned y) {
        const Buffer &a = buffers[x], &b = buffers[y];
        return std::make_tuple(a.start, -a.bytes) <
               std::make_tuple(b.start, -b.bytes);
      };
      auto byArea = [&](unsigned x, unsigned y) {
        const Buffer &a = buffers[x], &b = buffers[y];
        return std::make_tuple(-a.bytes * (a.end - a.start + 1), a.start) <
               std::make_tuple(-b.bytes * (b.end - b.start + 1), b.start);
      };
      SmallVector<int64_t> bestOffsets;
      for (auto cmp : {std::function<bool(unsigned, unsigned)>(bySize),
                       std::function<bool(unsigned, unsigned)>(byStart),
                       std::function<bool(unsigned, unsigned)>(byArea)}) {
        for (unsigned i = 0; i < order.size(); ++i)
          order[i] = i;
        llvm::sort(order, [&](unsigned x, unsigned y) {
          return cmp(x, y) || (!cmp(y, x) && x < y);
        });
        int64_t size = place(buffers, order);
        if (bestOffsets.empty() || size < arena) {
          arena = size;
          bestOffsets.clear();
          for (const Buffer &b : buffers)
            bestOffsets.push_back(b.offset);
        }
      }
      for (auto [b, offset] : llvm::zip(buffers, bestOffsets))
        b.offset = offset;
    }
    if (report)
      for (Buffer b : buffers)
        mlir::emitRemark(b.alloc.getLoc())
            << "arena buffer: " << b.offset << "+" << b.bytes;
    int64_t peak = peakLiveBytes(buffers, numOps);
    int64_t weights = weightBytes(func, symbols);
    split(func, buffers, arena);

    if (report)
      func.emitRemark() << "memory plan: scratch " << arena << " bytes for "
                        << buffers.size() << " buffers (peak of live buffers "
                        << peak << " bytes), " << weights << " weight bytes, "
                        << heapBuffers << " heap allocations left";
    Builder b(ctx);
    return b.getDictionaryAttr({
        b.getNamedAttr("scratch_bytes", b.getI64IntegerAttr(arena)),
        b.getNamedAttr("alignment", b.getI64IntegerAttr(alignment)),
        b.getNamedAttr("peak_bytes", b.getI64IntegerAttr(peak)),
        b.getNamedAttr("buffers", b.getI64IntegerAttr(
                                      static_cast<int64_t>(buffers.size()))),
        b.getNamedAttr("heap_buffers", b.getI64IntegerAttr(heapBuffers)),
        b.getNamedAttr("weight_bytes", b.getI64IntegerAttr(weights)),
    });
  }

  /// Moves the body of `func` into `<name>_body` with the arena as last
  /// argument, and makes `func` and `<name>_with_scratch` call it.
  void split(func::FuncOp func, ArrayRef<Buffer> buffers, int64_t arena) {
    MLIRContext *ctx = &getContext();
    Location loc = func.getLoc();
    OpBuilder b(ctx);
    auto arenaType = MemRefType::get({std::max<int64_t>(arena, 1)},
                                     IntegerType::get(ctx, 8));
    SmallVector<Type> args(func.getArgumentTypes());
    args.push_back(arenaType);
    auto type = FunctionType::get(ctx, args, func.getResultTypes());
    unsigned arenaIndex = args.size() - 1;

    // The body takes each planned buffer as its own argument, so that every
    // access can be traced to its buffer (--lowbit-arena-alias-scopes then
    // tells LLVM which buffers are disjoint).
    SmallVector<Type> bodyArgs(func.getArgumentTypes());
    SmallVector<int64_t> ranges;
    SmallVector<std::pair<MemRefType, int64_t>> views;
    for (Buffer buf : buffers) {
      views.emplace_back(buf.alloc.getType(), buf.offset);
      bodyArgs.push_back(buf.alloc.getType());
      ranges.push_back(buf.offset);
      ranges.push_back(buf.bytes);
    }
    b.setInsertionPointAfter(func);
    auto body = func::FuncOp::create(
        b, loc, bodyName(func),
        FunctionType::get(ctx, bodyArgs, func.getResultTypes()));
    body.setPrivate();
    body->setAttr("llvm.linkage",
                  LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    body->setAttr(kArenaBuffersAttrName, b.getDenseI64ArrayAttr(ranges));
    body.getBody().takeBody(func.getBody());
    for (unsigned i = 0; i < arenaIndex; ++i)
      if (DictionaryAttr attrs = func.getArgAttrDict(i))
        body.setArgAttrs(i, attrs);
    Block &entryBlock = body.getBody().front();
    for (Buffer buf : buffers) {
      BlockArgument arg =
          entryBlock.addArgument(buf.alloc.getType(), buf.alloc.getLoc());
      body.setArgAttr(arg.getArgNumber(), LLVM::LLVMDialect::getAlignAttrName(),
                      b.getI64IntegerAttr(alignment));
      buf.alloc.getResult().replaceAllUsesWith(arg);
      buf.alloc.erase();
    }
    // Calls the body with views of `scratch` for the planned buffers.
    auto callWithViews = [&](OpBuilder &ob, Location l, ValueRange operands,
                             Value scratch) {
      SmallVector<Value> all(operands);
      for (auto [viewType, viewOffset] : views) {
        Value offset = arith::ConstantIndexOp::create(ob, l, viewOffset);
        all.push_back(memref::ViewOp::create(ob, l, viewType, scratch, offset,
                                             ValueRange{}));
      }
      return func::CallOp::create(ob, l, body, all);
    };

    // A status result (the C ABI's i32) reports unusable scratch memory.
    bool hasStatus = func.getNumResults() == 1 &&
                     func.getResultTypes()[0].isSignlessInteger(32);

    // <name>_with_scratch: the caller's memory, checked when a status can
    // say it is unusable. The body has this one caller, so LLVM inlines it.
    b.setInsertionPointAfter(func);
    auto withScratch = func::FuncOp::create(b, loc, scratchName(func), type);
    for (unsigned i = 0; i < arenaIndex; ++i)
      if (DictionaryAttr attrs = func.getArgAttrDict(i))
        withScratch.setArgAttrs(i, attrs);
    // The caller's scratch memory is disjoint from the tensors (the header
    // says so). Its alignment is checked, not assumed.
    withScratch.setArgAttr(arenaIndex, LLVM::LLVMDialect::getNoAliasAttrName(),
                           b.getUnitAttr());
    {
      Block *entry = withScratch.addEntryBlock();
      b.setInsertionPointToStart(entry);
      Value scratch = entry->getArguments().back();
      ValueRange operands = entry->getArguments().drop_back();
      if (hasStatus && arena > 0) {
        // NULL or misaligned: status 1. (Without planned buffers the
        // pointer is never read, so anything goes.)
        Value address =
            memref::ExtractAlignedPointerAsIndexOp::create(b, loc, scratch);
        Value mask = arith::ConstantIndexOp::create(b, loc, alignment - 1);
        Value zero = arith::ConstantIndexOp::create(b, loc, 0);
        Value low = arith::AndIOp::create(b, loc, address, mask);
        Value bad =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, low, zero);
        bad = arith::OrIOp::create(b, loc, bad, isZero(b, loc, address));
        auto ifOp = scf::IfOp::create(
            b, loc, bad,
            [&](OpBuilder &ob, Location l) {
              scf::YieldOp::create(ob, l, status(ob, l, 1));
            },
            [&](OpBuilder &ob, Location l) {
              scf::YieldOp::create(
                  ob, l, callWithViews(ob, l, operands, scratch).getResults());
            });
        func::ReturnOp::create(b, loc, ifOp.getResults());
      } else {
        func::ReturnOp::create(
            b, loc, callWithViews(b, loc, operands, scratch).getResults());
      }
    }

    auto callBody = [&](OpBuilder &ob, Block *entry, Value scratch) {
      SmallVector<Value> operands(entry->getArguments());
      operands.push_back(scratch);
      return func::CallOp::create(ob, loc, withScratch, operands);
    };
    // <name>: allocate, run, free (the deallocation passes add the free).
    {
      Block *entry = func.addEntryBlock();
      b.setInsertionPointToStart(entry);
      Value scratch;
      if (arena > 0)
        scratch = memref::AllocOp::create(b, loc, arenaType,
                                          b.getI64IntegerAttr(alignment));
      else
        scratch = memref::AllocaOp::create(b, loc, arenaType);
      if (hasStatus && arena > 0) {
        // aligned_alloc may fail: status 2 instead of a crash.
        Value failed = isZero(
            b, loc,
            memref::ExtractAlignedPointerAsIndexOp::create(b, loc, scratch));
        auto ifOp = scf::IfOp::create(
            b, loc, failed,
            [&](OpBuilder &ob, Location l) {
              scf::YieldOp::create(ob, l, status(ob, l, 2));
            },
            [&](OpBuilder &ob, Location l) {
              scf::YieldOp::create(ob, l,
                                   callBody(ob, entry, scratch).getResults());
            });
        func::ReturnOp::create(b, loc, ifOp.getResults());
      } else {
        func::ReturnOp::create(b, loc,
                               callBody(b, entry, scratch).getResults());
      }
    }
  }

  static Value isZero(OpBuilder &b, Location loc, Value address) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, address,
                                 zero);
  }

  static Value status(OpBuilder &b, Location loc, int32_t value) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
  }
};
} // namespace
