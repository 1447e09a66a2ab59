//===- DotKernels.cpp - register-tiled int8 contraction kernels -----------===//
//
// Part of the lowbit project.
//
// LLVM's loop vectorizer turns the int8 reduction loops of the lowering into
// vpmaddwd (or vpdpwssd with VNNI) on x86: it widens bytes to 16 bits first
// and never forms the byte dot products vpdpbusd and vpmaddubsw. On both
// targets it also keeps the weights in their [K, N] layout, loading across
// rows. Upstream MLIR has the instructions only in part (x86vector offers
// only the signed x signed AVX-VNNI-INT8 vpdpbssd; arm_neon.intr.sdot
// needs its own LLVM IR translation in every tool and JIT), and no kernel
// around them, so this pass writes the kernel itself: a register tile
// of R output pixels x T vectors of L int32 channels, held in SSA values
// across the reduction loops, with the activations broadcast 4 bytes (or 2
// 16-bit values) at a time and the weights pre-packed so that one vector
// load feeds one instruction.
//
// Everything is written on tensors (scf.for with iter_args,
// vector.transfer_read/write), so bufferization places the kernel like any
// other op; the products are pure lowbit.dot4/dot2 ops that become
// intrinsic calls after bufferization.
//
//===----------------------------------------------------------------------===//

#include "DotKernels.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

namespace mlir {
namespace lowbit {
#define GEN_PASS_DEF_LOWBITDOTKERNELS
#define GEN_PASS_DEF_LOWBITLOWERDOT4
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit
} // namespace mlir

using namespace mlir;
using namespace mlir::lowbit::dotkernels;

namespace {

struct DotKernelsPass
    : public mlir::lowbit::impl::LowBitDotKernelsBase<DotKernelsPass> {
  using LowBitDotKernelsBase::LowBitDotKernelsBase;

  void runOnOperation() override {
    Isa kind;
    if (isa == "avx512-vnni")
      kind = Isa::Avx512Vnni;
    else if (isa == "avx-vnni")
      kind = Isa::AvxVnni;
    else if (isa == "avx2")
      kind = Isa::Avx2;
    else if (isa == "sse2")
      kind = Isa::Sse2;
    else if (isa == "neon-dotprod")
      kind = Isa::NeonDotProd;
    else if (isa == "neon")
      kind = Isa::Neon;
    else {
      getOperation()->emitError()
          << "unknown isa '" << isa
          << "' for --lowbit-dot-kernels; expected avx512-vnni, "
             "avx-vnni, avx2, sse2, neon-dotprod or neon";
      return signalPassFailure();
    }
    WeightPacking packing;
    if (packWeights == "auto")
      packing = WeightPacking::Auto;
    else if (packWeights == "always")
      packing = WeightPacking::Always;
    else if (packWeights == "never")
      packing = WeightPacking::Never;
    else {
      getOperation()->emitError()
          << "unknown pack-weights '" << packWeights
          << "' for --lowbit-dot-kernels; expected auto, always or never";
      return signalPassFailure();
    }
    // Matched again just before each rewrite: a kernel that stores a
    // threshold pack replaces values other contractions may read.
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (matchProblem(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      std::optional<Problem> matched = matchProblem(op);
      if (!matched)
        continue;
      Problem &p = *matched;
      std::optional<SmallVector<int64_t>> w =
          constantValues(p.filter, p.filterSigned, p.binaryWeights);
      if (p.isDepthwise) {
        // Weights computed at run time stay with the generic loops.
        if (!w)
          continue;
        if (report)
          emitRemark(p.op.getLoc())
              << "kernel: int8 depthwise (" << isa << "), " << p.oc
              << " channels, " << p.kh << "x" << p.kw << " window";
        OpBuilder b(p.op);
        Value res = buildDepthwise(b, p.op.getLoc(), p, kind, *w);
        p.op.getResult(0).replaceAllUsesWith(res);
        p.op.erase();
        continue;
      }
      // sdot needs signed weights; unsigned ones use the plain NEON kernel,
      // which every dotprod CPU runs too.
      Isa k = kind;
      if (!kernelSupports(p, k)) {
        if (k != Isa::NeonDotProd)
          continue;
        k = Isa::Neon;
      }
      // AVX2 has no byte dot product that is exact for every input: the
      // vpmaddubsw kernel needs weights that cannot saturate it, otherwise
      // vpmaddwd on values widened to 16 bits does the work. SSE2 uses
      // pmaddwd too; plain NEON multiply-accumulates 16-bit values (smlal).
      int64_t group = 4;
      if ((k == Isa::Avx2 && !(w && avx2IsExact(p, *w))) || k == Isa::Sse2)
        group = 2;
      else if (k == Isa::Neon)
        group = 1;
      // The packed sign of the results (an int8 first layer feeding a
      // binary one), if nothing else reads them.
      if (getConstantFill(p.init))
        p.pack = matchFusablePack(p.op.getResult(0), 1, p.oc, p.packChain);
      if (report) {
        static const char *const names[] = {
            "sse2", "avx2", "avx-vnni", "avx512-vnni", "neon", "neon-dotprod"};
        IsaInfo info = getIsaInfo(k);
        emitRemark(p.op.getLoc())
            << "kernel: int8 dot products (" << names[static_cast<int>(k)]
            << ", "
            << (group == 4   ? "4 bytes"
                : group == 2 ? "2 x 16 bits"
                             : "16 bits")
            << " per lane), " << (p.isMatmul ? "matmul " : "conv2d ")
            << (p.isMatmul ? p.ow : p.batch * p.oh * p.ow) << " x "
            << p.kh * p.kw * p.c << " x " << p.oc << ", tile " << info.rows
            << " x " << info.lanes * info.cols
            << (p.pack ? ", packed sign stored" : "");
      }
      // With a pack, built where the pack is, after its thresholds and zero
      // words; the kernel replaces the pack and the int32 results.
      OpBuilder b(p.pack ? p.pack->op : p.op);
      Value res = buildDotKernel(
          b, p.op.getLoc(), p, k, group,
          w ? std::optional<ArrayRef<int64_t>>(*w) : std::nullopt, packing);
      if (p.pack) {
        replacePack(b, p.op.getLoc(), *p.pack, res);
        for (Operation *between : llvm::reverse(p.packChain))
          between->erase();
      } else {
        p.op.getResult(0).replaceAllUsesWith(res);
      }
      p.op.erase();
    }
  }
};

Value callIntrinsic(OpBuilder &b, Location loc, Type type, StringRef name,
                    ValueRange args) {
  return LLVM::CallIntrinsicOp::create(b, loc, type, b.getStringAttr(name),
                                       args)
      .getResult(0);
}

/// acc + the sums of `group` adjacent products lhs * rhs per lane, in
/// vector arithmetic any target runs: widen, multiply, then add `group`
/// strided shuffles of the products (lane i takes products group*i + j).
Value portableDot(OpBuilder &b, Location loc, Value acc, Value lhs,
                  bool lhsSigned, Value rhs, int64_t group) {
  int64_t lanes = cast<VectorType>(acc.getType()).getNumElements();
  auto wide = VectorType::get({group * lanes}, b.getI32Type());
  Value prod =
      arith::MulIOp::create(b, loc, extendInt(b, loc, wide, lhs, lhsSigned),
                            arith::ExtSIOp::create(b, loc, wide, rhs));
  Value result = acc;
  for (int64_t j = 0; j < group; ++j) {
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < lanes; ++i)
      mask.push_back(group * i + j);
    result = arith::AddIOp::create(
        b, loc, result, vector::ShuffleOp::create(b, loc, prod, prod, mask));
  }
  return result;
}

/// Lowers one lowbit.dot4 for `isa` (see the pass description).
Value lowerDot4(OpBuilder &b, lowbit::Dot4Op op, StringRef isa) {
  Location loc = op.getLoc();
  VectorType accType = op.getAcc().getType();
  int64_t lanes = accType.getNumElements();
  bool unsignedLhs = !op.getSignedLhs();
  SmallVector<Value> args = {op.getAcc(), op.getLhs(), op.getRhs()};
  if (isa == "neon-dotprod" && lanes == 4 && !unsignedLhs)
    return callIntrinsic(b, loc, accType, "llvm.aarch64.neon.sdot.v4i32.v16i8",
                         args);
  if (isa == "avx512-vnni" && lanes == 16 && unsignedLhs)
    return callIntrinsic(b, loc, accType, "llvm.x86.avx512.vpdpbusd.512", args);
  if (isa == "avx-vnni" && lanes == 8 && unsignedLhs)
    return callIntrinsic(b, loc, accType, "llvm.x86.avx512.vpdpbusd.256", args);
  if (isa == "avx2" && lanes == 8 && unsignedLhs && op.getPairsFitI16()) {
    auto i16x16 = VectorType::get({16}, b.getI16Type());
    Value pairs = callIntrinsic(b, loc, i16x16, "llvm.x86.avx2.pmadd.ub.sw",
                                {op.getLhs(), op.getRhs()});
    Value ones = splatConstant(b, loc, i16x16, b.getI16IntegerAttr(1));
    Value quads =
        callIntrinsic(b, loc, accType, "llvm.x86.avx2.pmadd.wd", {pairs, ones});
    return arith::AddIOp::create(b, loc, op.getAcc(), quads);
  }
  return portableDot(b, loc, op.getAcc(), op.getLhs(), !unsignedLhs,
                     op.getRhs(), 4);
}

/// Lowers one lowbit.dot2 for `isa`: vpmaddwd where the registers fit.
Value lowerDot2(OpBuilder &b, lowbit::Dot2Op op, StringRef isa) {
  Location loc = op.getLoc();
  VectorType accType = op.getAcc().getType();
  int64_t lanes = accType.getNumElements();
  bool x86 = isa == "sse2" || isa == "avx2" || isa == "avx-vnni" ||
             isa == "avx512-vnni";
  StringRef name;
  if (x86 && lanes == 4)
    name = "llvm.x86.sse2.pmadd.wd";
  else if ((isa == "avx2" || isa == "avx-vnni") && lanes == 8)
    name = "llvm.x86.avx2.pmadd.wd";
  else if (isa == "avx512-vnni" && lanes == 16)
    name = "llvm.x86.avx512.pmaddw.d.512";
  if (name.empty())
    return portableDot(b, loc, op.getAcc(), op.getLhs(), /*lhsSigned=*/true,
                       op.getRhs(), 2);
  Value pairs =
      callIntrinsic(b, loc, accType, name, {op.getLhs(), op.getRhs()});
  return arith::AddIOp::create(b, loc, op.getAcc(), pairs);
}

struct LowerDot4Pass
    : public mlir::lowbit::impl::LowBitLowerDot4Base<LowerDot4Pass> {
  using LowBitLowerDot4Base::LowBitLowerDot4Base;

  void runOnOperation() override {
    if (isa != "none" && isa != "sse2" && isa != "avx2" && isa != "avx-vnni" &&
        isa != "avx512-vnni" && isa != "neon" && isa != "neon-dotprod") {
      getOperation()->emitError()
          << "unknown isa '" << isa
          << "' for --lowbit-lower-dot4; expected none, sse2, avx2, "
             "avx-vnni, avx512-vnni, neon or neon-dotprod";
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa_and_present<lowbit::Dot4Op, lowbit::Dot2Op>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      auto dot4 = dyn_cast<lowbit::Dot4Op>(op);
      Value result = dot4 ? lowerDot4(b, dot4, isa)
                          : lowerDot2(b, cast<lowbit::Dot2Op>(op), isa);
      op->getResult(0).replaceAllUsesWith(result);
      op->erase();
    }
  }
};

} // namespace
