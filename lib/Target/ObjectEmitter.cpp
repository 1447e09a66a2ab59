//===- ObjectEmitter.cpp - native code for lowbit models ------------------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Target/ObjectEmitter.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace {
// The thread pool runtime (lib/Target/Runtime/ParallelFor.c) as bitcode.
#include "ParallelFor-aarch64.inc"
#include "ParallelFor-x86_64.inc"
} // namespace

using namespace mlir;
using namespace mlir::lowbit;

void mlir::lowbit::initializeLLVMTargets() {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  llvm::InitializeAllAsmParsers();
}

std::unique_ptr<llvm::TargetMachine>
mlir::lowbit::createTargetMachine(const TargetSpec &spec, std::string &error) {
  llvm::Triple host(llvm::sys::getDefaultTargetTriple());
  llvm::Triple triple(
      spec.triple.empty() ? host.str() : llvm::Triple::normalize(spec.triple));
  if (triple.getArch() == llvm::Triple::UnknownArch) {
    error = "unknown target '" + spec.triple + "'";
    return nullptr;
  }
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!target) {
    error = "unknown target '" + spec.triple + "': " + lookupError;
    return nullptr;
  }

  std::string cpu = spec.cpu;
  if (cpu == "native") {
    if (triple.getArch() != host.getArch()) {
      error = "--mcpu=native names the host CPU (" + host.getArchName().str() +
              "), which cannot run target '" + triple.str() + "'";
      return nullptr;
    }
    cpu = llvm::sys::getHostCPUName().str();
  }
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!cpu.empty() && cpu != "generic" && !sti->isCPUStringValid(cpu)) {
    error = "unknown CPU '" + spec.cpu + "' for target '" + triple.str() +
            "' (see llc -mtriple=" + triple.str() + " -mcpu=help)";
    return nullptr;
  }
  std::string features = spec.features;
  if (spec.cpu == "native" && features.empty()) {
    // The host CPU's features, so --mcpu=native uses everything it has.
    llvm::StringMap<bool> hostFeatures = llvm::sys::getHostCPUFeatures();
    for (auto &f : hostFeatures)
      features += (features.empty() ? "" : ",") +
                  std::string(f.second ? "+" : "-") + f.first().str();
  } else if (!features.empty()) {
    llvm::StringSet<> known;
    for (const llvm::SubtargetFeatureKV &kv : sti->getAllProcessorFeatures())
      known.insert(kv.Key);
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(features).split(parts, ',', -1, false);
    for (llvm::StringRef f : parts) {
      f = f.trim();
      if (f.size() < 2 || (f[0] != '+' && f[0] != '-')) {
        error = "malformed feature '" + f.str() +
                "' in --mattr; expected +name or -name";
        return nullptr;
      }
      if (!known.contains(f.drop_front())) {
        error = "unknown feature '" + f.drop_front().str() + "' for target '" +
                triple.str() + "'";
        return nullptr;
      }
    }
  }

  llvm::CodeGenOptLevel level;
  switch (spec.optLevel) {
  case 0:
    level = llvm::CodeGenOptLevel::None;
    break;
  case 1:
    level = llvm::CodeGenOptLevel::Less;
    break;
  case 2:
    level = llvm::CodeGenOptLevel::Default;
    break;
  default:
    level = llvm::CodeGenOptLevel::Aggressive;
    break;
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu.empty() ? "generic" : cpu, features, options,
      llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    error = "cannot create a code generator for '" + triple.str() + "'";
  return tm;
}

bool mlir::lowbit::supportsDotKernels(const llvm::TargetMachine &tm,
                                      llvm::StringRef isa) {
  const llvm::MCSubtargetInfo *sti = tm.getMCSubtargetInfo();
  if (tm.getTargetTriple().isAArch64())
    return (isa == "neon-dotprod" && sti->checkFeatures("+neon,+dotprod")) ||
           (isa == "neon" && sti->checkFeatures("+neon"));
  if (!tm.getTargetTriple().isX86())
    return false;
  if (isa == "avx512-vnni")
    return sti->checkFeatures("+avx512vnni,+avx512bw");
  if (isa == "avx-vnni")
    return sti->checkFeatures("+avxvnni") ||
           sti->checkFeatures("+avx512vnni,+avx512vl");
  if (isa == "avx2")
    return sti->checkFeatures("+avx2");
  if (isa == "sse2")
    return sti->checkFeatures("+sse2");
  return false;
}

std::string mlir::lowbit::selectDotKernels(const llvm::TargetMachine &tm) {
  for (const char *isa :
       {"avx512-vnni", "avx-vnni", "avx2", "sse2", "neon-dotprod", "neon"})
    if (supportsDotKernels(tm, isa))
      return isa;
  return "none";
}

bool mlir::lowbit::supportsPopcountKernels(const llvm::TargetMachine &tm,
                                           llvm::StringRef isa) {
  const llvm::MCSubtargetInfo *sti = tm.getMCSubtargetInfo();
  if (tm.getTargetTriple().isAArch64())
    return isa == "neon" && sti->checkFeatures("+neon");
  if (!tm.getTargetTriple().isX86())
    return false;
  if (isa == "avx512-vpopcntdq")
    return sti->checkFeatures("+avx512f,+avx512vpopcntdq");
  if (isa == "avx512bw")
    return sti->checkFeatures("+avx512bw");
  if (isa == "avx2")
    return sti->checkFeatures("+avx2");
  if (isa == "popcnt")
    return sti->checkFeatures("+popcnt");
  if (isa == "sse2")
    return sti->checkFeatures("+sse2");
  return false;
}

std::string mlir::lowbit::selectPopcountKernels(const llvm::TargetMachine &tm) {
  for (const char *isa :
       {"avx512-vpopcntdq", "avx512bw", "avx2", "popcnt", "sse2", "neon"})
    if (supportsPopcountKernels(tm, isa))
      return isa;
  return "none";
}

/// The kernel set whose CPU features an intrinsic the kernels call needs.
static llvm::StringRef getIntrinsicKernelSet(llvm::StringRef name) {
  return llvm::StringSwitch<llvm::StringRef>(name)
      .Cases({"llvm.x86.avx512.vpdpbusd.512", "llvm.x86.avx512.pmaddw.d.512"},
             "avx512-vnni")
      .Case("llvm.x86.avx512.vpdpbusd.256", "avx-vnni")
      .Cases({"llvm.x86.avx2.pmadd.ub.sw", "llvm.x86.avx2.pmadd.wd"}, "avx2")
      .Case("llvm.x86.sse2.pmadd.wd", "sse2")
      .Case("llvm.aarch64.neon.sdot.v4i32.v16i8", "neon-dotprod")
      .Default("");
}

/// Refuses a module whose intrinsic calls the target cannot select (LLVM
/// would abort in instruction selection).
static LogicalResult checkTargetIntrinsics(const llvm::Module &module,
                                           const llvm::TargetMachine &tm,
                                           std::string &error) {
  const llvm::Triple &triple = tm.getTargetTriple();
  for (const llvm::Function &f : module) {
    if (!f.isIntrinsic())
      continue;
    llvm::StringRef name = f.getName();
    bool isX86 = name.starts_with("llvm.x86.");
    bool isAArch64 = name.starts_with("llvm.aarch64.");
    if ((isX86 && !triple.isX86()) || (isAArch64 && !triple.isAArch64())) {
      error = "the lowered model calls " + name.str() + ", which target '" +
              triple.str() +
              "' does not have (use --dot-kernels with a kernel set of "
              "the target, or none)";
      return failure();
    }
    llvm::StringRef isa = getIntrinsicKernelSet(name);
    if (!isa.empty() && !supportsDotKernels(tm, isa)) {
      error = "the lowered model calls " + name.str() + " (" + isa.str() +
              " kernels), but CPU '" + tm.getTargetCPU().str() +
              "' of target '" + triple.str() +
              "' lacks the features; add them with --mcpu/--mattr or use "
              "--dot-kernels=none";
      return failure();
    }
  }
  return success();
}

/// Name of the runtime entry the threaded loops call (--threads).
static constexpr llvm::StringLiteral kParallelFor = "lowbit_parallel_for";

/// A module that calls lowbit_parallel_for gets the thread pool runtime
/// linked in, every symbol of it internal: an object never exports or
/// clashes on it, and two models in one program have one pool each.
static LogicalResult linkParallelRuntime(llvm::Module &module,
                                         const llvm::TargetMachine &tm,
                                         llvm::StringRef setterName,
                                         std::string &error) {
  llvm::Function *entry = module.getFunction(kParallelFor);
  if ((!entry || !entry->isDeclaration()) && setterName.empty())
    return success();
  // The setter is exported under the model's name even when no loop was
  // split, as the header declares it.
  static constexpr llvm::StringLiteral kSetter = "lowbit_set_parallel_for";
  if (!setterName.empty())
    module.getOrInsertFunction(
        kSetter, llvm::FunctionType::get(
                     llvm::Type::getVoidTy(module.getContext()),
                     {llvm::PointerType::get(module.getContext(), 0),
                      llvm::PointerType::get(module.getContext(), 0)},
                     false));
  const llvm::Triple &triple = tm.getTargetTriple();
  llvm::StringRef bitcode;
  if (triple.getArch() == llvm::Triple::x86_64)
    bitcode =
        llvm::StringRef(reinterpret_cast<const char *>(kParallelFor_x86_64),
                        sizeof(kParallelFor_x86_64));
  else if (triple.getArch() == llvm::Triple::aarch64)
    bitcode =
        llvm::StringRef(reinterpret_cast<const char *>(kParallelFor_aarch64),
                        sizeof(kParallelFor_aarch64));
  else {
    error = "--threads needs an x86-64 or AArch64 target";
    return failure();
  }
  auto runtime = llvm::parseBitcodeFile(
      llvm::MemoryBufferRef(bitcode, "ParallelFor.bc"), module.getContext());
  if (!runtime) {
    error = "cannot read the thread pool runtime: " +
            llvm::toString(runtime.takeError());
    return failure();
  }
  (*runtime)->setTargetTriple(module.getTargetTriple());
  (*runtime)->setDataLayout(module.getDataLayout());
  llvm::StringSet<> before;
  for (const llvm::GlobalValue &g : module.global_values())
    if (!g.isDeclaration())
      before.insert(g.getName());
  if (llvm::Linker::linkModules(module, std::move(*runtime),
                                llvm::Linker::LinkOnlyNeeded)) {
    error = "cannot link the thread pool runtime";
    return failure();
  }
  for (llvm::GlobalValue &g : module.global_values())
    if (!g.isDeclaration() && !before.contains(g.getName()))
      g.setLinkage(llvm::GlobalValue::InternalLinkage);
  if (!setterName.empty()) {
    llvm::Function *setter = module.getFunction(kSetter);
    if (!setter || setter->isDeclaration()) {
      error = "the thread pool runtime has no " + kSetter.str();
      return failure();
    }
    setter->setName(setterName);
    setter->setLinkage(llvm::GlobalValue::ExternalLinkage);
  }
  return success();
}

LogicalResult mlir::lowbit::emitModule(ModuleOp module, llvm::TargetMachine &tm,
                                       unsigned optLevel, EmitKind kind,
                                       llvm::raw_pwrite_stream &os,
                                       std::string &error,
                                       llvm::StringRef parallelForSetter) {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "lowbit");
  // The translation reports what it cannot translate itself.
  if (!llvmModule)
    return failure();
  if (failed(checkTargetIntrinsics(*llvmModule, tm, error)))
    return failure();
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());
  if (failed(linkParallelRuntime(*llvmModule, tm, parallelForSetter, error)))
    return failure();
  auto optimize = makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, &tm);
  if (llvm::Error err = optimize(llvmModule.get())) {
    error = "LLVM optimization failed: " + llvm::toString(std::move(err));
    return failure();
  }
  if (kind == EmitKind::LLVM) {
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             kind == EmitKind::Object
                                 ? llvm::CodeGenFileType::ObjectFile
                                 : llvm::CodeGenFileType::AssemblyFile)) {
    error = "the target cannot emit this file type";
    return failure();
  }
  pm.run(*llvmModule);
  return success();
}
