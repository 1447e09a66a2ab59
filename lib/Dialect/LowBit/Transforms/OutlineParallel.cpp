//===- OutlineParallel.cpp - split large loops across threads -------------===//
//
// Part of the lowbit project.
//
// A compiled model links nothing but libc, so upstream's routes to threads
// (the async dialect's runtime, OpenMP's libomp) are out. Instead a large
// loop becomes a function over a sub-range of its iterations, and the loop
// a call that hands [0, n) to lowbit_parallel_for, a small pthread pool
// linked into the object. The call goes through a declared dispatch
// function whose body (packing the captured values into a structure) is
// written once the module is in the LLVM dialect, where every value has a
// plain LLVM type: --lowbit-lower-parallel-dispatch below.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITOUTLINEPARALLEL
#define GEN_PASS_DEF_LOWBITLOWERPARALLELDISPATCH
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using mlir::lowbit::kParallelDispatchAttrName;
using mlir::lowbit::kParallelLoopAttrName;

namespace {
/// What the outlined function needs from the enclosing one: values passed
/// as arguments, and operations (constants, views) re-created inside.
struct Captures {
  llvm::SetVector<Value> arguments;
  SmallVector<Operation *> recreated;
  llvm::SmallPtrSet<Operation *, 8> recreatedSet;

  /// False if `value` cannot cross a function boundary of the C-ABI
  /// lowering (a buffer of run-time shape, an unsupported type).
  bool add(Value value) {
    if (arguments.contains(value))
      return true;
    Operation *def = value.getDefiningOp();
    if (def && recreatedSet.contains(def))
      return true;
    if (def && def->hasTrait<OpTrait::ConstantLike>()) {
      recreate(def);
      return true;
    }
    if (auto memref = dyn_cast<MemRefType>(value.getType())) {
      if (memref.hasStaticShape() && memref.getLayout().isIdentity() &&
          !memref.getMemorySpace()) {
        arguments.insert(value);
        return true;
      }
      // A view is re-created from its source (strided layouts do not
      // cross the bare-pointer calling convention).
      if (def && isPure(def) &&
          isa<ViewLikeOpInterface, memref::GetGlobalOp>(def)) {
        for (Value operand : def->getOperands())
          if (!add(operand))
            return false;
        recreate(def);
        return true;
      }
      return false;
    }
    if (value.getType().isIntOrIndexOrFloat() ||
        isa<VectorType>(value.getType())) {
      arguments.insert(value);
      return true;
    }
    return false;
  }

  void recreate(Operation *op) {
    if (recreatedSet.insert(op).second)
      recreated.push_back(op);
  }
};
} // namespace

/// The number of iterations of a loop with these bounds, if constant.
static std::optional<int64_t> constantTrips(Value lb, Value ub, Value step) {
  APInt l, u, s;
  if (!matchPattern(lb, m_ConstantInt(&l)) ||
      !matchPattern(ub, m_ConstantInt(&u)) ||
      !matchPattern(step, m_ConstantInt(&s)) || s.getSExtValue() <= 0)
    return std::nullopt;
  int64_t span = u.getSExtValue() - l.getSExtValue();
  return span <= 0 ? 0 : llvm::divideCeil(span, s.getSExtValue());
}

/// Iterations of the innermost loop bodies under `op` per execution of
/// `op`'s body, for loops with constant bounds (others count once): how
/// much work one iteration of an enclosing loop holds.
static int64_t nestedWork(Operation *op) {
  int64_t work = 1;
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (Operation &inner : block) {
        int64_t trips = 1;
        if (auto forOp = dyn_cast<scf::ForOp>(inner))
          trips = constantTrips(forOp.getLowerBound(), forOp.getUpperBound(),
                                forOp.getStep())
                      .value_or(1);
        else if (auto par = dyn_cast<scf::ParallelOp>(inner))
          for (unsigned d = 0; d < par.getNumLoops(); ++d)
            trips *= constantTrips(par.getLowerBound()[d],
                                   par.getUpperBound()[d], par.getStep()[d])
                         .value_or(1);
        else if (inner.getNumRegions() == 0)
          continue;
        work += trips * nestedWork(&inner);
      }
  return work;
}

namespace {
struct OutlineParallelPass
    : public mlir::lowbit::impl::LowBitOutlineParallelBase<
          OutlineParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    if (threads <= 1)
      return;
    ModuleOp module = getOperation();
    SmallVector<Operation *> loops;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      func.walk<WalkOrder::PreOrder>([&](Operation *op) {
        auto forOp = dyn_cast<scf::ForOp>(op);
        if ((forOp && forOp->hasAttr(kParallelLoopAttrName)) ||
            isa<scf::ParallelOp>(op)) {
          loops.push_back(op);
          return WalkResult::skip();
        }
        return WalkResult::advance();
      });
    }
    SymbolTable symbols(module);
    for (Operation *loop : loops)
      outline(choose(loop), symbols);
  }

  /// Among a marked loop and the marked loops nested in it, the one whose
  /// iterations split best across the threads: the outermost whose chunks
  /// differ by at most 1/16 of the work, else the best balanced. The
  /// others lose their mark.
  Operation *choose(Operation *loop) {
    if (!isa<scf::ForOp>(loop))
      return loop;
    SmallVector<scf::ForOp> chain = {cast<scf::ForOp>(loop)};
    while (true) {
      scf::ForOp inner;
      chain.back().getBody()->walk<WalkOrder::PreOrder>([&](scf::ForOp f) {
        if (!f->hasAttr(kParallelLoopAttrName))
          return WalkResult::advance();
        inner = f;
        return WalkResult::interrupt();
      });
      if (!inner)
        break;
      chain.push_back(inner);
    }
    // Work per thread of the slowest chunk over the ideal share.
    auto imbalance = [&](scf::ForOp f) {
      std::optional<int64_t> n =
          constantTrips(f.getLowerBound(), f.getUpperBound(), f.getStep());
      if (!n || *n < 2)
        return n ? 1e9 : 1.0;
      int64_t chunks = std::min<int64_t>(threads, *n);
      return double(llvm::divideCeil(*n, chunks) * chunks) / double(*n) *
             double(threads) / double(chunks);
    };
    scf::ForOp best = chain.front();
    for (scf::ForOp f : chain)
      if (imbalance(f) <= 1.0625) {
        best = f;
        break;
      } else if (imbalance(f) < imbalance(best)) {
        best = f;
      }
    for (scf::ForOp f : chain)
      if (f != best)
        f->removeAttr(kParallelLoopAttrName);
    return best;
  }

  void outline(Operation *loop, SymbolTable &symbols) {
    if (loop->getNumResults() != 0)
      return;
    OpBuilder b(loop);
    Location loc = loop->getLoc();
    auto idx = [&](OpBuilder &ob, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(ob, loc, v);
    };

    // The split dimension and its iteration count.
    unsigned dim = 0;
    Value lb, ub, step;
    // The count, created once the loop is known to be outlined.
    std::optional<int64_t> constantCount;
    if (auto forOp = dyn_cast<scf::ForOp>(loop)) {
      if (forOp.getNumRegionIterArgs() != 0)
        return;
      lb = forOp.getLowerBound();
      ub = forOp.getUpperBound();
      step = forOp.getStep();
      constantCount = constantTrips(lb, ub, step);
      if (constantCount && *constantCount < 2)
        return;
    } else {
      auto par = cast<scf::ParallelOp>(loop);
      if (par.getNumReductions() != 0)
        return;
      int64_t total = 1;
      std::optional<unsigned> chosen;
      int64_t chosenTrips = 0;
      for (unsigned d = 0; d < par.getNumLoops(); ++d) {
        std::optional<int64_t> n = constantTrips(
            par.getLowerBound()[d], par.getUpperBound()[d], par.getStep()[d]);
        if (!n)
          return;
        total *= *n;
        if (!chosen && *n >= 2) {
          chosen = d;
          chosenTrips = *n;
        }
      }
      if (!chosen || total * nestedWork(par) < minIterations)
        return;
      dim = *chosen;
      lb = par.getLowerBound()[dim];
      ub = par.getUpperBound()[dim];
      step = par.getStep()[dim];
      constantCount = chosenTrips;
    }

    Captures captures;
    llvm::SetVector<Value> used;
    getUsedValuesDefinedAbove(loop->getRegions(), used);
    for (Value v : loop->getOperands())
      used.insert(v);
    for (Value v : used)
      if (!captures.add(v))
        return;

    // The task: iterations [begin, end) of the split dimension.
    auto parent = loop->getParentOfType<func::FuncOp>();
    MLIRContext *ctx = &getContext();
    std::string base = (parent.getSymName() + "_par").str();
    std::string name;
    for (unsigned k = 0;; ++k) {
      name = base + std::to_string(k);
      if (!symbols.lookup(name) && !symbols.lookup(name + "_dispatch"))
        break;
    }
    SmallVector<Type> argTypes = {b.getIndexType(), b.getIndexType()};
    for (Value v : captures.arguments)
      argTypes.push_back(v.getType());
    OpBuilder mb(parent);
    auto task = func::FuncOp::create(mb, loc, name,
                                     FunctionType::get(ctx, argTypes, {}));
    task.setPrivate();
    task->setAttr("llvm.linkage",
                  LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    symbols.insert(task);
    Block *entry = task.addEntryBlock();
    OpBuilder tb = OpBuilder::atBlockBegin(entry);
    IRMapping map;
    for (auto [value, arg] :
         llvm::zip(captures.arguments, entry->getArguments().drop_front(2)))
      map.map(value, arg);
    for (Operation *op : captures.recreated)
      tb.clone(*op, map);
    Operation *copy = tb.clone(*loop, map);
    copy->removeAttr(kParallelLoopAttrName);
    // lb' = lb + begin * step, ub' = min(ub, lb + end * step).
    Value newLb = map.lookupOrDefault(lb), newStep = map.lookupOrDefault(step),
          newUb = map.lookupOrDefault(ub);
    auto at = [&](Value j) {
      return arith::AddIOp::create(tb, loc, newLb,
                                   arith::MulIOp::create(tb, loc, j, newStep));
    };
    tb.setInsertionPoint(copy);
    Value from = at(entry->getArgument(0));
    Value to =
        arith::MinSIOp::create(tb, loc, newUb, at(entry->getArgument(1)));
    if (auto forOp = dyn_cast<scf::ForOp>(copy)) {
      forOp.setLowerBound(from);
      forOp.setUpperBound(to);
    } else {
      auto par = cast<scf::ParallelOp>(copy);
      par.getLowerBoundMutable().slice(dim, 1).assign(from);
      par.getUpperBoundMutable().slice(dim, 1).assign(to);
    }
    tb.setInsertionPointToEnd(entry);
    func::ReturnOp::create(tb, loc);

    // The dispatch declaration and its call in place of the loop.
    SmallVector<Type> dispatchTypes = {b.getIndexType()};
    for (Value v : captures.arguments)
      dispatchTypes.push_back(v.getType());
    auto dispatch = func::FuncOp::create(
        mb, loc, name + "_dispatch", FunctionType::get(ctx, dispatchTypes, {}));
    dispatch.setPrivate();
    dispatch->setAttr(
        kParallelDispatchAttrName,
        DictionaryAttr::get(
            ctx, {NamedAttribute(StringAttr::get(ctx, "task"),
                                 FlatSymbolRefAttr::get(task.getSymNameAttr())),
                  NamedAttribute(StringAttr::get(ctx, "threads"),
                                 b.getI32IntegerAttr(threads))}));
    symbols.insert(dispatch);
    // ceil((ub - lb) / step) unless constant.
    Value trips =
        constantCount
            ? idx(b, *constantCount)
            : Value(arith::CeilDivSIOp::create(
                  b, loc, arith::SubIOp::create(b, loc, ub, lb), step));
    SmallVector<Value> operands = {trips};
    llvm::append_range(operands, captures.arguments);
    func::CallOp::create(b, loc, dispatch, operands);
    loop->erase();
  }
};

struct LowerParallelDispatchPass
    : public mlir::lowbit::impl::LowBitLowerParallelDispatchBase<
          LowerParallelDispatchPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<LLVM::LLVMFuncOp> dispatches;
    module.walk([&](LLVM::LLVMFuncOp f) {
      if (f->hasAttr(kParallelDispatchAttrName))
        dispatches.push_back(f);
    });
    if (dispatches.empty())
      return;
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto i32 = IntegerType::get(ctx, 32);
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto runtime = module.lookupSymbol<LLVM::LLVMFuncOp>("lowbit_parallel_for");
    if (!runtime)
      runtime = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), "lowbit_parallel_for",
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                      {ptr, ptr, i64, i32}));

    for (LLVM::LLVMFuncOp dispatch : dispatches) {
      auto attr =
          dispatch->getAttrOfType<DictionaryAttr>(kParallelDispatchAttrName);
      dispatch->removeAttr(kParallelDispatchAttrName);
      auto task = module.lookupSymbol<LLVM::LLVMFuncOp>(
          attr.getAs<FlatSymbolRefAttr>("task"));
      auto threads = attr.getAs<IntegerAttr>("threads");
      LLVM::LLVMFunctionType type = dispatch.getFunctionType();
      if (!task || !dispatch.isExternal() || type.getNumParams() < 1 ||
          type.getParamType(0) != i64) {
        dispatch.emitError("malformed parallel dispatch declaration");
        return signalPassFailure();
      }
      Location loc = dispatch.getLoc();
      ArrayRef<Type> captured = type.getParams().drop_front();
      auto frame = LLVM::LLVMStructType::getLiteral(ctx, captured);

      // entry(ctx, begin, end): load the captures, run the task.
      b.setInsertionPointAfter(dispatch);
      auto entry = LLVM::LLVMFuncOp::create(
          b, loc, (task.getName() + "_entry").str(),
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                      {ptr, i64, i64}),
          LLVM::Linkage::Internal);
      {
        Block *block = entry.addEntryBlock(b);
        OpBuilder eb = OpBuilder::atBlockBegin(block);
        SmallVector<Value> args = {block->getArgument(1),
                                   block->getArgument(2)};
        for (auto [i, t] : llvm::enumerate(captured)) {
          Value field = LLVM::GEPOp::create(
              eb, loc, ptr, frame, block->getArgument(0),
              ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
          args.push_back(LLVM::LoadOp::create(eb, loc, t, field));
        }
        LLVM::CallOp::create(eb, loc, task, args);
        LLVM::ReturnOp::create(eb, loc, ValueRange{});
      }

      // dispatch(n, captures...): store them, hand [0, n) to the pool.
      dispatch.setLinkage(LLVM::Linkage::Internal);
      Block *block = dispatch.addEntryBlock(b);
      OpBuilder db = OpBuilder::atBlockBegin(block);
      Value one = LLVM::ConstantOp::create(db, loc, i64, 1);
      Value storage = LLVM::AllocaOp::create(db, loc, ptr, frame, one);
      for (auto [i, t] : llvm::enumerate(captured)) {
        Value field = LLVM::GEPOp::create(
            db, loc, ptr, frame, storage,
            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
        LLVM::StoreOp::create(db, loc, block->getArgument(i + 1), field);
      }
      Value fn = LLVM::AddressOfOp::create(db, loc, ptr, entry.getName());
      Value count = LLVM::ConstantOp::create(db, loc, i32, threads.getInt());
      LLVM::CallOp::create(
          db, loc, runtime,
          ValueRange{fn, storage, block->getArgument(0), count});
      LLVM::ReturnOp::create(db, loc, ValueRange{});
    }
  }
};
} // namespace
