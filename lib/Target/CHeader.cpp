//===- CHeader.cpp - C header for a compiled lowbit model -----------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/IR/LowBitTypes.h"
#include "lowbit/Target/ObjectEmitter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {
/// How one tensor crosses the C ABI.
struct TensorABI {
  std::string cType; ///< element type of the pointer
  int64_t elements = 0;
  int64_t bytes = 0;
  bool packed = false; ///< several values per byte
  int64_t cSize() const {
    if (cType == "int64_t")
      return 8;
    if (cType == "float" || cType == "int32_t")
      return 4;
    if (cType == "int16_t" || cType == "uint16_t")
      return 2;
    return 1;
  }
  std::string meaning; ///< one line for the comment
};
} // namespace

static std::string shapeString(RankedTensorType t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(t.getShape(), os, "x");
  return s;
}

static std::string typeString(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

static TensorABI describe(RankedTensorType t) {
  TensorABI abi;
  abi.elements = t.getNumElements();
  Type e = t.getElementType();
  auto setBytes = [&](int64_t perElement) {
    abi.bytes = abi.elements * perElement;
  };
  if (e.isF32()) {
    abi.cType = "float";
    setBytes(4);
    abi.meaning = "IEEE float32";
  } else if (e.isF16() || e.isBF16()) {
    abi.cType = "uint16_t";
    setBytes(2);
    abi.meaning =
        std::string(e.isF16() ? "IEEE float16" : "bfloat16") + " bit patterns";
  } else if (isa<Float8E4M3FNType, Float8E5M2Type>(e)) {
    abi.cType = "uint8_t";
    setBytes(1);
    abi.meaning = std::string(isa<Float8E4M3FNType>(e) ? "OCP FP8 E4M3FN"
                                                       : "OCP FP8 E5M2") +
                  " bit patterns";
  } else if (e.isSignlessInteger(64)) {
    abi.cType = "int64_t";
    setBytes(8);
    abi.meaning = "int64 values";
  } else if (auto b = dyn_cast<BinaryType>(e)) {
    abi.cType = "uint8_t";
    abi.packed = true;
    abi.bytes = llvm::divideCeil(abi.elements, 8);
    abi.meaning = "binary, 8 values per byte in row-major order, least-"
                  "significant bit first; bit 1 = -1, bit 0 = +1";
  } else if (auto q = dyn_cast<quant::QuantizedType>(e)) {
    unsigned w = q.getStorageTypeIntegralWidth();
    if (w == 2 || w == 4) {
      abi.cType = "uint8_t";
      abi.packed = true;
      abi.bytes = llvm::divideCeil(abi.elements * w, 8);
      abi.meaning = std::to_string(8 / w) + " " + std::to_string(w) +
                    "-bit values per byte in row-major order, lowest bits "
                    "first (two's complement" +
                    std::string(q.isSigned() ? "" : "; unsigned") + ")";
    } else if (w <= 8) {
      abi.cType = q.isSigned() ? "int8_t" : "uint8_t";
      setBytes(1);
      abi.meaning = "one stored value per byte";
    } else if (w <= 16) {
      abi.cType = q.isSigned() ? "int16_t" : "uint16_t";
      setBytes(2);
      abi.meaning = "one stored value per 16-bit word";
    } else {
      abi.cType = "int32_t";
      setBytes(4);
      abi.meaning = "one stored value per 32-bit word";
    }
  }
  return abi;
}

static std::string upper(StringRef s) { return s.upper(); }

/// A float literal C accepts: "1" would make "1f" an invalid suffix.
static std::string floatLiteral(double value) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.9g", static_cast<float>(value));
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s + "f";
}

static void emitQuantConstants(llvm::raw_ostream &os, StringRef prefix,
                               Type e) {
  if (auto q = dyn_cast<quant::UniformQuantizedType>(e)) {
    os << "#define " << prefix << "_SCALE " << floatLiteral(q.getScale())
       << "\n";
    os << "#define " << prefix << "_ZERO_POINT " << q.getZeroPoint() << "\n";
    os << "#define " << prefix << "_QMIN " << q.getStorageTypeMin() << "\n";
    os << "#define " << prefix << "_QMAX " << q.getStorageTypeMax() << "\n";
    return;
  }
  if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(e)) {
    os << "#define " << prefix << "_AXIS " << q.getQuantizedDimension() << "\n";
    os << "static const float " << prefix << "_SCALES[" << q.getScales().size()
       << "] = {";
    llvm::interleaveComma(q.getScales(), os,
                          [&](double s) { os << floatLiteral(s); });
    os << "};\n";
    os << "static const int32_t " << prefix << "_ZERO_POINTS["
       << q.getZeroPoints().size() << "] = {";
    llvm::interleaveComma(q.getZeroPoints(), os);
    os << "};\n";
    os << "#define " << prefix << "_QMIN " << q.getStorageTypeMin() << "\n";
    os << "#define " << prefix << "_QMAX " << q.getStorageTypeMax() << "\n";
    return;
  }
  if (auto b = dyn_cast<BinaryType>(e)) {
    if (b.isPerTensor()) {
      os << "#define " << prefix << "_SCALE " << floatLiteral(b.getScale())
         << "\n";
      return;
    }
    os << "#define " << prefix << "_AXIS " << b.getAxis() << "\n";
    os << "static const float " << prefix << "_SCALES[" << b.getScales().size()
       << "] = {";
    llvm::interleaveComma(b.getScales(), os,
                          [&](double s) { os << floatLiteral(s); });
    os << "};\n";
  }
}

/// One integer of a function's memory plan.
static int64_t planField(DictionaryAttr plan, StringRef name) {
  auto value = plan.getAs<IntegerAttr>(name);
  return value ? value.getInt() : 0;
}

static void emitScratchEntry(llvm::raw_ostream &os, StringRef name,
                             StringRef macro, DictionaryAttr plan,
                             ArrayRef<std::string> params) {
  int64_t heap = planField(plan, "heap_buffers");
  os << "\n/* " << name << "_with_scratch: the same, with caller-provided "
     << "scratch memory\n"
     << " *   (" << macro << "_SCRATCH_BYTES bytes, aligned to\n"
     << " *   " << macro << "_SCRATCH_ALIGN) for every intermediate tensor: ";
  if (heap == 0)
    os << "the\n *   call allocates nothing.";
  else
    os << "the\n *   call still allocates " << heap
       << " buffer(s) of run-time size.";
  os << " It returns 1, computing nothing, if scratch\n"
     << " *   is misaligned, or NULL while " << macro
     << "_SCRATCH_BYTES > 0. The memory\n"
     << " *   must not overlap the tensors; later calls may reuse it, "
     << "concurrent\n"
     << " *   calls need their own. " << name
     << " allocates it on every call (and\n"
     << " *   returns 2 if that fails).\n"
     << " * " << macro << "_PEAK_ACTIVATION_BYTES: the most intermediate "
     << "bytes live at\n"
     << " *   one time (the scratch size is never below it).\n"
     << " * " << macro << "_WEIGHT_BYTES: constant data in the object.\n"
     << " */\n";
  os << "#define " << macro << "_SCRATCH_BYTES "
     << planField(plan, "scratch_bytes") << "\n";
  os << "#define " << macro << "_SCRATCH_ALIGN " << planField(plan, "alignment")
     << "\n";
  os << "#define " << macro << "_PEAK_ACTIVATION_BYTES "
     << planField(plan, "peak_bytes") << "\n";
  os << "#define " << macro << "_WEIGHT_BYTES "
     << planField(plan, "weight_bytes") << "\n";
  SmallVector<std::string> all(params);
  all.push_back("void *scratch");
  os << "int " << name << "_with_scratch(" << llvm::join(all, ", ") << ");\n";
}

std::string mlir::lowbit::generateCHeader(ModuleOp model, StringRef headerName,
                                          DictionaryAttr memoryPlans,
                                          unsigned threads) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard;
  for (char c : headerName.upper())
    guard += llvm::isAlnum(c) ? c : '_';
  guard = "LOWBIT_" + guard;
  os << "/* Generated by lowbit-compile. Do not edit.\n"
     << " *\n"
     << " * Each function takes one pointer per input tensor, then one per\n"
     << " * output tensor. Buffers are allocated by the caller, dense and\n"
     << " * row-major. Functions return 0 on success. Linking needs only\n"
     << " * libc (and libm).\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n";
  for (auto func : model.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    std::string name = func.getSymName().str();
    std::string macro = upper(name);
    os << "\n/* " << name << "\n";
    // Set by the ONNX import: the model's tensor names and the layout of
    // rank-4 tensors.
    if (auto layout =
            func->getAttrOfType<StringAttr>(mlir::lowbit::kIOLayoutAttrName))
      os << " *   rank-4 inputs and outputs: " << layout.getValue() << "\n";
    SmallVector<std::string> params;
    auto describeAll = [&](TypeRange types, bool isInput) {
      for (auto [i, t] : llvm::enumerate(types)) {
        auto tensor = cast<RankedTensorType>(t);
        TensorABI abi = describe(tensor);
        std::string pname = (isInput ? "in" : "out") + std::to_string(i);
        StringAttr tensorName;
        if (auto names = func->getAttrOfType<ArrayAttr>(
                mlir::lowbit::kIONamesAttrName)) {
          size_t index = i + (isInput ? 0 : func.getNumArguments());
          if (index < names.size())
            tensorName = dyn_cast<StringAttr>(names[index]);
        }
        os << " *   " << pname;
        if (tensorName)
          os << " ('" << tensorName.getValue() << "')";
        os << ": " << shapeString(tensor) << " "
           << typeString(tensor.getElementType()) << "\n"
           << " *        " << abi.cType << "[" << abi.bytes / abi.cSize()
           << "], " << abi.meaning << "\n";
        params.push_back((isInput ? "const " : "") + abi.cType + " *" + pname);
      }
    };
    describeAll(func.getArgumentTypes(), true);
    describeAll(func.getResultTypes(), false);
    os << " */\n";
    auto constants = [&](TypeRange types, StringRef kind) {
      for (auto [i, t] : llvm::enumerate(types)) {
        auto tensor = cast<RankedTensorType>(t);
        TensorABI abi = describe(tensor);
        std::string prefix = macro + "_" + kind.str() + std::to_string(i);
        os << "#define " << prefix << "_RANK " << tensor.getRank() << "\n";
        os << "static const int64_t " << prefix << "_SHAPE["
           << std::max<int64_t>(tensor.getRank(), 1) << "] = {";
        if (tensor.getRank() == 0)
          os << "1";
        llvm::interleaveComma(tensor.getShape(), os);
        os << "};\n";
        os << "#define " << prefix << "_ELEMENTS " << abi.elements << "\n";
        os << "#define " << prefix << "_BYTES " << abi.bytes << "\n";
        emitQuantConstants(os, prefix, tensor.getElementType());
      }
    };
    constants(func.getArgumentTypes(), "IN");
    constants(func.getResultTypes(), "OUT");
    os << "int " << name << "(" << llvm::join(params, ", ") << ");\n";
    if (memoryPlans)
      if (auto plan = memoryPlans.getAs<DictionaryAttr>(name))
        emitScratchEntry(os, name, macro, plan, params);
  }
  if (threads > 1) {
    std::string first;
    for (auto func : model.getOps<func::FuncOp>())
      if (!func.isPrivate() && !func.isExternal()) {
        first = func.getSymName().str();
        break;
      }
    std::string macro = upper(first);
    os << "\n/* Threads (lowbit-compile --threads=" << threads
       << "): each large layer's loop is split into\n"
       << " * " << macro << "_THREADS chunks, run by a pool of pthreads "
       << "the first call\n"
       << " * creates (the results do not depend on it, bit for bit). " << first
       << "_set_parallel_for\n"
       << " * replaces the pool for every function of this object: "
       << "fn(user, task, ctx, n)\n"
       << " * must call task(ctx, begin, end) on ranges that cover [0, n) "
       << "exactly once\n"
       << " * (in any order, on any threads) and return when all are "
       << "done. NULL\n"
       << " * restores the pool.\n"
       << " */\n"
       << "#define " << macro << "_THREADS " << threads << "\n"
       << "#ifndef LOWBIT_PARALLEL_FOR_TYPES\n"
       << "#define LOWBIT_PARALLEL_FOR_TYPES\n"
       << "typedef void (*lowbit_task_fn)(void *ctx, int64_t begin, "
          "int64_t end);\n"
       << "typedef void (*lowbit_parallel_for_fn)(void *user, lowbit_task_fn "
          "task,\n"
       << "                                       void *ctx, int64_t n);\n"
       << "#endif\n"
       << "void " << first
       << "_set_parallel_for(lowbit_parallel_for_fn fn, void *user);\n";
  }
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}
