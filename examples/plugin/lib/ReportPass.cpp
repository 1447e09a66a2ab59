//===- ReportPass.cpp - per-layer report of a lowbit model ----------------===//
//
// An example pass plugin built against the installed lowbit package. For
// every matmul and conv2d it prints the bit widths of the operands, the
// multiply-accumulate count and its kind (XNOR/popcount, ternary, integer,
// float) and the bytes its weights take once packed; then the totals. With
// annotate=true it also records each layer as an lbreport.layer op.
//
//===----------------------------------------------------------------------===//

#include "LowBitReport/ReportDialect.h"

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {

/// Bits per stored value: 1 for binary, the storage width otherwise.
unsigned bits(Type t) { return lowbit::getStorageBitWidth(t); }

std::string describe(Type t) {
  if (isa<lowbit::BinaryType>(t))
    return "binary";
  if (lowbit::isTernary(t))
    return "ternary";
  if (lowbit::isSupportedFloat(t)) {
    std::string s;
    llvm::raw_string_ostream os(s);
    t.print(os);
    return s;
  }
  auto q = cast<quant::QuantizedType>(t);
  return (q.isSigned() ? "int" : "uint") + std::to_string(bits(t));
}

std::string kindOf(Type a, Type w) {
  bool ab = isa<lowbit::BinaryType>(a), wb = isa<lowbit::BinaryType>(w);
  bool at = lowbit::isTernary(a), wt = lowbit::isTernary(w);
  if (ab && wb)
    return "xnor-popcount";
  if ((ab || at) && (wb || wt))
    return "ternary-popcount";
  if (ab || at || wb || wt)
    return "add-subtract";
  if (lowbit::isSupportedFloat(a))
    return "float";
  return "int" + std::to_string(bits(a)) + "x" + std::to_string(bits(w));
}

struct ReportPass : public PassWrapper<ReportPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ReportPass)
  ReportPass() = default;
  ReportPass(const ReportPass &other) : PassWrapper(other) {}

  StringRef getArgument() const final { return "lowbit-report"; }
  StringRef getDescription() const final {
    return "print a per-layer report of bit widths, multiply-accumulates "
           "and weight bytes";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<lbreport::LBReportDialect>();
  }

  Option<bool> annotate{*this, "annotate",
                        llvm::cl::desc("record each layer as an "
                                       "lbreport.layer op"),
                        llvm::cl::init(false)};

  void runOnOperation() override {
    // The report goes to stderr, like -mlir-timing or -stats, so it never
    // mixes with the IR that lowbit-opt prints on stdout.
    llvm::raw_ostream &os = llvm::errs();
    os << "lowbit-report\n";
    os << llvm::format("%-14s %-9s %-9s %-9s %-17s %14s %12s\n", "layer",
                       "input", "weights", "output", "kind", "MACs",
                       "weight-bytes");
    llvm::StringMap<int64_t> macsByKind;
    int64_t totalBytes = 0, index = 0;
    getOperation().walk([&](Operation *op) {
      Value a, w;
      int64_t macs = 0;
      if (auto m = dyn_cast<lowbit::MatmulOp>(op)) {
        a = m.getLhs();
        w = m.getRhs();
        auto lt = m.getLhs().getType();
        int64_t k = lt.getShape().back();
        macs = m.getResult().getType().getNumElements() * k;
      } else if (auto c = dyn_cast<lowbit::Conv2DOp>(op)) {
        a = c.getInput();
        w = c.getFilter();
        auto ft = c.getFilter().getType();
        macs = c.getResult().getType().getNumElements() * ft.getDimSize(1) *
               ft.getDimSize(2) * ft.getDimSize(3);
      } else {
        return;
      }
      Type ae = cast<ShapedType>(a.getType()).getElementType();
      Type we = cast<ShapedType>(w.getType()).getElementType();
      Type oe = cast<ShapedType>(op->getResult(0).getType()).getElementType();
      int64_t bytes =
          (cast<ShapedType>(w.getType()).getNumElements() * bits(we) + 7) / 8;
      std::string name =
          op->getName().stripDialect().str() + "#" + std::to_string(index++);
      std::string kind = kindOf(ae, we);
      os << llvm::format("%-14s %-9s %-9s %-9s %-17s %14lld %12lld\n",
                         name.c_str(), describe(ae).c_str(),
                         describe(we).c_str(), describe(oe).c_str(),
                         kind.c_str(), static_cast<long long>(macs),
                         static_cast<long long>(bytes));
      macsByKind[kind] += macs;
      totalBytes += bytes;
      if (annotate) {
        OpBuilder b(op);
        lbreport::LayerOp::create(b, op->getLoc(), name, kind, macs, bytes);
      }
    });
    SmallVector<std::string> kinds;
    for (auto &entry : macsByKind)
      kinds.push_back(entry.first().str());
    llvm::sort(kinds);
    for (const std::string &k : kinds)
      os << "total " << k << " MACs: " << macsByKind[k] << "\n";
    os << "total weight bytes: " << totalBytes << "\n";
  }
};

} // namespace

void lbreport::registerReportPass() { PassRegistration<ReportPass>(); }
