//===- LayerReport.cpp - lowbit-compile --report's per-layer table --------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitOps.h"
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h"
#include "lowbit/Target/ObjectEmitter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::lowbit;

std::string mlir::lowbit::locationKey(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

/// A short name of an element type: i8, u4, ternary, binary, f32...
static std::string shortType(Type t) {
  Type e = getElementTypeOrSelf(t);
  if (isa<BinaryType>(e))
    return "binary";
  if (isTernary(e))
    return "ternary";
  if (auto q = dyn_cast<quant::QuantizedType>(e))
    return (q.isSigned() ? "i" : "u") +
           std::to_string(q.getStorageTypeIntegralWidth());
  std::string s;
  llvm::raw_string_ostream os(s);
  e.print(os);
  return s;
}

std::vector<LayerRow> mlir::lowbit::collectLayers(ModuleOp model) {
  std::vector<LayerRow> rows;
  model.walk([&](Operation *op) {
    if (op->getDialect() == nullptr ||
        op->getDialect()->getNamespace() != "lowbit" || isa<ConstantOp>(op) ||
        op->getNumResults() == 0)
      return;
    LayerRow row;
    row.location = locationKey(op->getLoc());
    row.op = op->getName().stripDialect().str();
    SmallVector<std::string> ins;
    for (Value v : op->getOperands()) {
      if (!isa<ShapedType>(v.getType()))
        continue;
      ins.push_back(shortType(v.getType()));
      if (auto c = v.getDefiningOp<ConstantOp>()) {
        auto type = cast<ShapedType>(v.getType());
        if (type.hasStaticShape())
          row.weightBytes += llvm::divideCeil(
              type.getNumElements() * getStorageBitWidth(type.getElementType()),
              8);
      }
    }
    row.precisions =
        llvm::join(ins, " x ") + " -> " + shortType(op->getResult(0).getType());
    auto result = dyn_cast<ShapedType>(op->getResult(0).getType());
    if (result && result.hasStaticShape()) {
      if (isa<MatmulOp>(op)) {
        auto lhs = cast<ShapedType>(op->getOperand(0).getType());
        row.macs = result.getNumElements() * lhs.getShape().back();
      } else if (isa<Conv2DOp>(op)) {
        auto filter = cast<ShapedType>(op->getOperand(1).getType());
        if (filter.hasStaticShape())
          row.macs = result.getNumElements() * filter.getDimSize(1) *
                     filter.getDimSize(2) * filter.getDimSize(3);
      }
    }
    rows.push_back(std::move(row));
  });
  return rows;
}

/// "file.mlir:3:7" for a file location (without its directory), else the
/// printed location.
static std::string displayLocation(const std::string &key) {
  StringRef k(key);
  if (k.consume_front("loc(\"") && k.consume_back(")")) {
    size_t quote = k.rfind('"');
    if (quote != StringRef::npos) {
      StringRef file = k.take_front(quote), rest = k.drop_front(quote + 1);
      size_t slash = file.rfind('/');
      if (slash != StringRef::npos)
        file = file.drop_front(slash + 1);
      return (file + rest).str();
    }
  }
  return key;
}

/// The kernel remark without the contraction's shape (the MACs column has
/// it): "int8 dot products (sse2, ...), tile 4 x 8".
static std::string shortKernel(const std::string &remark) {
  StringRef r(remark);
  for (StringRef kind : {", conv2d ", ", matmul "}) {
    size_t at = r.find(kind);
    size_t tile = r.find(", tile ");
    if (at != StringRef::npos && tile != StringRef::npos && tile > at)
      return (r.take_front(at) + r.drop_front(tile)).str();
  }
  return remark;
}

/// 1234567 -> "1.2M".
static std::string human(int64_t v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (v >= 10000000)
    os << llvm::format("%.0fM", v / 1e6);
  else if (v >= 1000000)
    os << llvm::format("%.1fM", v / 1e6);
  else if (v >= 10000)
    os << llvm::format("%.0fK", v / 1e3);
  else
    os << v;
  return s;
}

void mlir::lowbit::printLayerReport(llvm::raw_ostream &os,
                                    ArrayRef<LayerRow> rows,
                                    const llvm::StringMap<std::string> &kernels,
                                    const llvm::StringMap<std::string> &buffers,
                                    ArrayRef<std::string> summaries) {
  os << "layers:\n";
  os << llvm::format("  %-3s %-24s %-11s %-26s %-50s %8s %9s  %s\n", "#",
                     "location", "op", "precisions", "kernel", "MACs",
                     "weights", "arena offset+bytes");
  for (auto [i, row] : llvm::enumerate(rows)) {
    std::string loc = displayLocation(row.location);
    if (loc.size() > 24)
      loc = "..." + loc.substr(loc.size() - 21);
    auto kernel = kernels.find(row.location);
    std::string kernelText =
        kernel == kernels.end() ? "-" : shortKernel(kernel->second);
    auto buffer = buffers.find(row.location);
    os << llvm::format("  %-3u %-24s %-11s %-26s %-50s %8s %9s  %s\n",
                       unsigned(i), loc.c_str(), row.op.c_str(),
                       row.precisions.c_str(), kernelText.c_str(),
                       row.macs ? human(row.macs).c_str() : "-",
                       row.weightBytes ? human(row.weightBytes).c_str() : "-",
                       buffer == buffers.end() ? "-" : buffer->second.c_str());
  }
  for (const std::string &s : summaries)
    os << s << "\n";
}
