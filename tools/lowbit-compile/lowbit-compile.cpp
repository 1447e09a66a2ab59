//===- lowbit-compile.cpp - ahead-of-time compiler for lowbit models ------===//
//
// Part of the lowbit project.
//
// Reads a model (lowbit ops on tensors), runs the lowbit-to-llvm pipeline
// with the C ABI, and writes an object file (or assembly, LLVM IR, the
// lowered MLIR) for the requested target, plus a C header. Code generation
// runs in process through LLVM's TargetMachine. Every failure prints one
// message and exits with status 1; outputs are written to a temporary file
// and renamed, so a failed run never leaves a partial file behind.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h"
#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Import/ONNX.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Support/CIdentifier.h"
#include "lowbit/Support/ToolSupport.h"
#include "lowbit/Target/ObjectEmitter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstdlib>

using namespace mlir;
using namespace llvm;

static cl::OptionCategory category("lowbit-compile options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.mlir | model.onnx>"),
                                      cl::init("-"), cl::cat(category));
static cl::opt<std::string>
    outputFile("o",
               cl::desc("output file ('-' for stdout; default: the "
                        "input name with the extension of --emit)"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    targetTriple("target",
                 cl::desc("target triple (default: the host), "
                          "e.g. x86_64-linux-gnu, aarch64-linux-gnu"),
                 cl::value_desc("triple"), cl::cat(category));
static cl::opt<std::string>
    targetCPU("mcpu", cl::desc("target CPU, or 'native' for the host CPU"),
              cl::value_desc("cpu"), cl::cat(category));
static cl::opt<std::string>
    targetFeatures("mattr",
                   cl::desc("target features, e.g. +avx2,+fma or "
                            "+dotprod"),
                   cl::value_desc("features"), cl::cat(category));
static cl::opt<std::string> optLevel("O",
                                     cl::desc("optimization level 0-3 "
                                              "(default 2)"),
                                     cl::Prefix, cl::init("2"),
                                     cl::cat(category));
static cl::opt<lowbit::EmitKind, false,
               lowbit::DiagnosticParser<lowbit::EmitKind>>
    emitKind("emit", cl::desc("what to write"),
             cl::init(lowbit::EmitKind::Object),
             cl::values(clEnumValN(lowbit::EmitKind::MLIR, "mlir",
                                   "the model lowered to the LLVM dialect"),
                        clEnumValN(lowbit::EmitKind::LLVM, "llvm", "LLVM IR"),
                        clEnumValN(lowbit::EmitKind::Assembly, "asm",
                                   "assembly"),
                        clEnumValN(lowbit::EmitKind::Object, "obj",
                                   "an object file (default)")),
             cl::cat(category));
static cl::opt<std::string>
    headerFile("header",
               cl::desc("C header to write (default with "
                        "--emit=obj: the output name with .h)"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    requantMode("requant-mode",
                cl::desc("requantization for models that record none: "
                         "fixed-point (default) or float"),
                cl::init("fixed-point"), cl::cat(category));

static cl::opt<std::string> dotKernelsFlag(
    "dot-kernels",
    cl::desc("register-tiled int8 matmul/conv2d kernels: auto "
             "(default: the best the target CPU has), none, sse2, avx2, "
             "avx-vnni, avx512-vnni (x86), neon or neon-dotprod (AArch64)"),
    cl::init("auto"), cl::cat(category));

static cl::opt<std::string> popcountKernelsFlag(
    "popcount-kernels",
    cl::desc("register-tiled binary (XNOR-popcount) matmul/conv2d kernels: "
             "auto (default: the best the target CPU has), none, "
             "avx512-vpopcntdq, avx512bw, avx2, popcnt, sse2 (x86) or neon "
             "(AArch64)"),
    cl::init("auto"), cl::cat(category));

static cl::opt<bool> planMemoryFlag(
    "plan-memory",
    cl::desc("place every intermediate tensor in one planned scratch arena "
             "(default on); each function also gets a <name>_with_scratch "
             "entry point that takes that memory from the caller. "
             "--plan-memory=false allocates each tensor on the heap"),
    cl::init(true), cl::cat(category));

static cl::opt<std::string> packWeightsFlag(
    "pack-weights",
    cl::desc("constant weights of 4 or 2 bits (int4, int2, ternary, binary) "
             "in the int8 kernels: auto (default: two or four to a byte in "
             "layers that read each weight once per call, such as a batch-1 "
             "matmul), always (in every layer: the smallest object), never "
             "(one to a byte)"),
    cl::init("auto"), cl::cat(category));

static cl::opt<long long, false, lowbit::DiagnosticParser<long long>>
    maxTensorBytes(
        "max-tensor-bytes",
        cl::desc("refuse a model holding a tensor larger than this many bytes "
                 "(default 4 GiB)"),
        cl::init(1LL << 32), cl::cat(category));

/// --threads, registered in main (see there).
static cl::opt<unsigned, false, lowbit::DiagnosticParser<unsigned>>
    *threadsFlag;

static cl::opt<bool> reportFlag(
    "report",
    cl::desc("print, for each matmul/conv2d, the register-tiled kernel it "
             "gets (kernel set, shape, tile) and each function's memory "
             "plan as remarks, then a table of the layers: op, precisions, "
             "kernel, MACs, weight bytes, arena offset and size of their "
             "buffers"),
    cl::init(false), cl::cat(category));

static cl::list<std::string>
    passPlugins("load-pass-plugin",
                cl::desc("load a pass plugin (a shared library exporting "
                         "mlirGetPassPluginInfo); repeatable"),
                cl::value_desc("library"), cl::cat(category));
static cl::list<std::string>
    dialectPlugins("load-dialect-plugin",
                   cl::desc("load a dialect plugin (a shared library exporting "
                            "mlirGetDialectPluginInfo); repeatable"),
                   cl::value_desc("library"), cl::cat(category));
static cl::list<std::string> insertPasses(
    "insert-passes",
    cl::desc("POINT=PIPELINE: run a textual pass pipeline (e.g. "
             "'my-pass,func.func(other-pass)') at a named point of the "
             "lowering: after-parse, after-binary-lowering, "
             "after-quantized-lowering, before-bufferization, before-llvm; "
             "repeatable"),
    cl::value_desc("point=pipeline"), cl::cat(category));
static cl::opt<std::string> passPipeline(
    "pass-pipeline",
    cl::desc("replace the whole lowering with this textual pipeline "
             "anchored on the module, e.g. 'builtin.module(...)'; it must "
             "produce the LLVM dialect"),
    cl::value_desc("pipeline"), cl::cat(category));

static cl::opt<std::string> crashReproducer(
    "crash-reproducer",
    cl::desc("if a pass crashes, write the module as it was before the "
             "lowering, with the pipeline, to this file (MLIR's crash "
             "reproducer; rerun with lowbit-opt --run-reproducer)"),
    cl::value_desc("file"), cl::cat(category));

static int fail(const Twine &message) {
  errs() << "lowbit-compile: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  lowbit::setToolName("lowbit-compile");
  // Passes are registered so textual pipelines can name them.
  registerAllPasses();
  lowbit::registerLowBitPasses();
  lowbit::registerLowBitConversionPasses();
  lowbit::registerLowBitPipelines();
  lowbit::registerONNXImportCLOptions();
  // libLLVM registers an undocumented top-level --threads of its own;
  // lowbit-compile's --threads takes the name (LLVM's keeps working under
  // another one).
  if (cl::Option *llvmThreads = cl::getRegisteredOptions().lookup("threads"))
    llvmThreads->setArgStr("llvm-threads");
  static cl::opt<unsigned, false, lowbit::DiagnosticParser<unsigned>> threads(
      "threads",
      cl::desc("split each large layer's loop over output rows, channel "
               "blocks or elements across N threads (default 1); the object "
               "then holds a small pthread pool, created on the first call"),
      cl::value_desc("N"), cl::init(1), cl::cat(category));
  threadsFlag = &threads;
  cl::HideUnrelatedOptions({&category, &lowbit::getONNXImportCLCategory()});
  // Command-line errors read like every other diagnostic:
  // "lowbit-compile: error: ...", one per line, exit status 1.
  if (!lowbit::parseCommandLine(
          argc, argv,
          "lowbit-compile: ahead-of-time compiler for quantized models\n\n"
          "  lowbit-compile model.mlir --target=aarch64-linux-gnu "
          "--mattr=+dotprod -O3 -o model.o\n"))
    return 1;

  if (optLevel.size() != 1 || optLevel[0] < '0' || optLevel[0] > '3')
    return fail("invalid optimization level -O" + optLevel +
                "; expected -O0, -O1, -O2 or -O3");
  // An option given with an empty value is a mistake, not a default.
  if (targetTriple.getNumOccurrences() && targetTriple.empty())
    return fail("--target= needs a target triple, e.g. x86_64-linux-gnu or "
                "aarch64-linux-gnu");
  if (targetCPU.getNumOccurrences() && targetCPU.empty())
    return fail("--mcpu= needs a CPU name, or 'native'");
  if (targetFeatures.getNumOccurrences()) {
    SmallVector<StringRef> features;
    StringRef(targetFeatures).split(features, ',');
    for (StringRef f : features)
      if (f.trim().empty())
        return fail("empty feature in --mattr='" + targetFeatures +
                    "'; expected a comma-separated list of +name or -name");
  }
  if (!lowbit::parseRequantModeOption(requantMode))
    return fail("unknown --requant-mode '" + requantMode +
                "'; expected fixed-point or float");

  lowbit::initializeLLVMTargets();
  lowbit::TargetSpec spec{targetTriple, targetCPU, targetFeatures,
                          static_cast<unsigned>(optLevel[0] - '0')};
  std::string error;
  std::unique_ptr<TargetMachine> tm = lowbit::createTargetMachine(spec, error);
  if (!tm)
    return fail(error);

  // lowbit generates and tests code for x86-64 and AArch64 only; both
  // need their baseline vector units (the kernels and the lowering assume
  // them).
  const llvm::Triple &triple = tm->getTargetTriple();
  if (!(triple.isX86() && triple.isArch64Bit()) && !triple.isAArch64())
    return fail("target '" + triple.str() +
                "' is not supported; lowbit compiles for x86-64 and AArch64");
  if (triple.isX86() && !tm->getMCSubtargetInfo()->checkFeatures("+sse2"))
    return fail("x86-64 code needs SSE2; --mattr cannot remove it");
  if (triple.isAArch64() && !tm->getMCSubtargetInfo()->checkFeatures("+neon"))
    return fail("AArch64 code needs NEON; --mattr cannot remove it");

  std::string dotKernels = dotKernelsFlag;
  if (dotKernels == "auto") {
    dotKernels = lowbit::selectDotKernels(*tm);
  } else if (dotKernels != "none") {
    if (dotKernels != "sse2" && dotKernels != "avx2" &&
        dotKernels != "avx-vnni" && dotKernels != "avx512-vnni" &&
        dotKernels != "neon" && dotKernels != "neon-dotprod")
      return fail("unknown --dot-kernels '" + dotKernels +
                  "'; expected auto, none, sse2, avx2, avx-vnni, avx512-vnni, "
                  "neon or neon-dotprod");
    if (!lowbit::supportsDotKernels(*tm, dotKernels))
      return fail("--dot-kernels=" + dotKernels +
                  " needs CPU features that "
                  "target '" +
                  tm->getTargetTriple().str() + "' (CPU '" +
                  tm->getTargetCPU() + "') does not have");
  }

  std::string popcountKernels = popcountKernelsFlag;
  if (maxTensorBytes < 1)
    return fail("--max-tensor-bytes must be at least 1");
  if (*threadsFlag > 256)
    return fail("--threads=" + Twine(unsigned(*threadsFlag)) +
                ": at most 256 threads");
  if (packWeightsFlag != "auto" && packWeightsFlag != "always" &&
      packWeightsFlag != "never")
    return fail("unknown --pack-weights '" + packWeightsFlag +
                "'; expected auto, always or never");
  if (popcountKernels == "auto") {
    popcountKernels = lowbit::selectPopcountKernels(*tm);
  } else if (popcountKernels != "none") {
    if (popcountKernels != "avx512-vpopcntdq" &&
        popcountKernels != "avx512bw" && popcountKernels != "avx2" &&
        popcountKernels != "popcnt" && popcountKernels != "sse2" &&
        popcountKernels != "neon")
      return fail("unknown --popcount-kernels '" + popcountKernels +
                  "'; expected auto, none, avx512-vpopcntdq, avx512bw, avx2, "
                  "popcnt, sse2 or neon");
    if (!lowbit::supportsPopcountKernels(*tm, popcountKernels))
      return fail("--popcount-kernels=" + popcountKernels +
                  " needs CPU features that target '" +
                  tm->getTargetTriple().str() + "' (CPU '" +
                  tm->getTargetCPU() + "') does not have");
  }

  // Output names.
  std::string output = outputFile;
  if (output.empty()) {
    if (inputFile == "-")
      return fail("-o is required when reading from standard input");
    SmallString<256> path(inputFile);
    const char *ext = emitKind == lowbit::EmitKind::Object     ? ".o"
                      : emitKind == lowbit::EmitKind::Assembly ? ".s"
                      : emitKind == lowbit::EmitKind::LLVM     ? ".ll"
                                                               : ".llvm.mlir";
    sys::path::replace_extension(path, ext);
    output = std::string(path);
  }
  std::string header = headerFile;
  // An object written to a device (e.g. -o /dev/null) gets no header unless
  // one is named.
  if (header.empty() && emitKind == lowbit::EmitKind::Object && output != "-" &&
      !lowbit::isSpecialFile(output)) {
    SmallString<256> path(output);
    sys::path::replace_extension(path, ".h");
    header = std::string(path);
  }

  // Never write over the model being compiled, nor the object over its
  // header.
  auto sameFile = [](StringRef a, StringRef b) {
    if (a == "-" || b == "-")
      return false;
    bool same = false;
    return a == b || (!sys::fs::equivalent(a, b, same) && same);
  };
  if (inputFile != "-" && sameFile(inputFile, output))
    return fail("the output '" + output +
                "' is the input model; choose "
                "another -o");
  if (!header.empty() && inputFile != "-" && sameFile(inputFile, header))
    return fail("the header '" + header +
                "' is the input model; choose "
                "another --header");
  if (!header.empty() && sameFile(output, header))
    return fail("the object and the header are both '" + output + "'");

  // Plugins register their passes and dialects before anything is parsed.
  for (const std::string &path : passPlugins) {
    Expected<PassPlugin> plugin = PassPlugin::load(path);
    if (!plugin)
      return fail("cannot load pass plugin '" + path +
                  "': " + toString(plugin.takeError()));
    plugin->registerPassRegistryCallbacks();
  }
  SmallVector<std::pair<std::string, std::string>> insertions;
  for (const std::string &spec : insertPasses) {
    auto [point, text] = StringRef(spec).split('=');
    if (text.empty())
      return fail("--insert-passes expects POINT=PIPELINE, got '" + spec + "'");
    if (!llvm::is_contained(lowbit::getPipelineInsertionPoints(), point))
      return fail("unknown insertion point '" + point + "'; expected one of " +
                  join(lowbit::getPipelineInsertionPoints(), ", "));
    insertions.emplace_back(point.str(), text.str());
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registry.insert<lowbit::LowBitDialect>();
  for (const std::string &path : dialectPlugins) {
    Expected<DialectPlugin> plugin = DialectPlugin::load(path);
    if (!plugin)
      return fail("cannot load dialect plugin '" + path +
                  "': " + toString(plugin.takeError()));
    plugin->registerDialectRegistryCallbacks(registry);
  }
  MLIRContext context(registry);
  // Diagnostics point at the model's source; a dump of the failing op (with
  // its weights) would bury the message.
  context.printOpOnDiagnostic(false);
  context.loadAllAvailableDialects();

  lowbit::ONNXImportOptions importOptions;
  if (failed(lowbit::getONNXImportCLOptions(importOptions, error)))
    return fail(error);
  std::unique_ptr<MemoryBuffer> buffer = openInputFile(inputFile, &error);
  if (!buffer)
    return fail(error);
  bool isONNX = lowbit::isONNXFile(inputFile);
  SourceMgr sourceMgr;
  MemoryBufferRef bufferRef = buffer->getMemBufferRef();
  sourceMgr.AddNewSourceBuffer(std::move(buffer), SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  lowbit::ONNXDiagnosticHandler onnxDiagnostics(&context);
  // An ONNX model is imported in process; everything after is the same as
  // for a .mlir file.
  if (!isONNX) {
    std::string nestingError;
    if (failed(lowbit::checkIRText(bufferRef.getBuffer(), inputFile,
                                   nestingError)))
      return fail(nestingError);
  }
  // Upstream parsers and passes can crash on malformed input; a crash ends
  // as one error line naming the stage, and no output is written.
  OwningOpRef<ModuleOp> module;
  lowbit::setToolStage(isONNX ? "importing" : "parsing");
  if (!lowbit::runCrashGuarded("lowbit-compile", inputFile, [&] {
        module = isONNX ? lowbit::importONNX(bufferRef, inputFile, &context,
                                             importOptions)
                        : parseSourceFile<ModuleOp>(sourceMgr, &context);
      }))
    std::_Exit(1);
  if (!module)
    return 1;

  bool anyPublic = false;
  // The C functions the header declares: name and pointer count.
  SmallVector<std::pair<std::string, unsigned>> entryPoints;
  for (auto func : module->getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    anyPublic = true;
    entryPoints.emplace_back(func.getSymName().str(),
                             func.getNumArguments() + func.getNumResults());
    if (!lowbit::isCIdentifier(func.getSymName())) {
      func.emitError() << "public function name '" << func.getSymName()
                       << "' is not a C identifier";
      return 1;
    }
  }
  if (!anyPublic)
    return fail("'" + inputFile + "' has no public function to compile");

  {
    mlir::PassManager pm(&context);
    lowbit::LowBitVerifyModelOptions verify;
    verify.maxTensorBytes = maxTensorBytes;
    pm.addPass(lowbit::createLowBitVerifyModel(verify));
    if (failed(pm.run(*module)))
      return 1;
  }
  // The header describes the model's tensors as written; the lowering adds
  // the memory plan.
  OwningOpRef<ModuleOp> original;
  if (!header.empty())
    original = module->clone();

  mlir::PassManager pm(&context);
  if (!passPipeline.empty()) {
    if (!insertions.empty())
      return fail("--pass-pipeline replaces the lowering; it cannot be "
                  "combined with --insert-passes");
    std::string parseErrors;
    raw_string_ostream errorStream(parseErrors);
    FailureOr<OpPassManager> custom =
        parsePassPipeline(passPipeline, errorStream);
    if (failed(custom))
      return fail("invalid --pass-pipeline: " + parseErrors);
    if (custom->getOpAnchorName() != ModuleOp::getOperationName())
      return fail("--pass-pipeline must be anchored on builtin.module");
    static_cast<OpPassManager &>(pm) = std::move(*custom);
  } else {
    lowbit::LowBitToLLVMOptions options;
    options.requantMode = requantMode;
    options.cABI = true;
    options.dotKernels = dotKernels;
    options.popcountKernels = popcountKernels;
    options.report = reportFlag;
    options.planMemory = planMemoryFlag;
    options.packWeights = packWeightsFlag;
    options.threads = *threadsFlag;
    std::string parseErrors;
    auto insert = [&](OpPassManager &opm, StringRef point) -> LogicalResult {
      for (auto &[where, text] : insertions) {
        if (where != point)
          continue;
        raw_string_ostream errorStream(parseErrors);
        if (failed(parsePassPipeline(text, opm, errorStream))) {
          parseErrors = "invalid pipeline '" + text +
                        "' for --insert-passes=" + where + ": " + parseErrors;
          return failure();
        }
      }
      return success();
    };
    if (failed(lowbit::buildLowBitToLLVMPipeline(pm, options, insert)))
      return fail(parseErrors);
  }
  if (!crashReproducer.empty())
    pm.enableCrashReproducerGeneration(crashReproducer);
  lowbit::trackPassStages(pm);
  // --report: the layers of the model as written, and what the lowering
  // says of them (kernel remarks, printed too; planned buffers, only
  // collected), for the table printed at the end.
  std::vector<lowbit::LayerRow> layers;
  llvm::StringMap<std::string> layerKernels, layerBuffers;
  std::optional<ScopedDiagnosticHandler> collect;
  if (reportFlag) {
    layers = lowbit::collectLayers(*module);
    collect.emplace(&context, [&](Diagnostic &diag) -> LogicalResult {
      if (diag.getSeverity() != DiagnosticSeverity::Remark)
        return failure();
      std::string message = diag.str();
      StringRef text(message);
      std::string key = lowbit::locationKey(diag.getLocation());
      if (text.consume_front("kernel: ")) {
        std::string &k = layerKernels[key];
        k = k.empty() ? text.str() : k + "; " + text.str();
        return failure();
      }
      if (text.consume_front("arena buffer: ")) {
        std::string &b = layerBuffers[key];
        b = b.empty() ? text.str() : b + ", " + text.str();
        return success();
      }
      return failure();
    });
  }
  LogicalResult ran = failure();
  if (!lowbit::runCrashGuarded("lowbit-compile", inputFile,
                               [&] { ran = pm.run(*module); }))
    std::_Exit(1);
  collect.reset();
  if (failed(ran))
    return 1;
  auto plans =
      (*module)->getAttrOfType<DictionaryAttr>(lowbit::kMemoryPlansAttrName);
  (*module)->removeAttr(lowbit::kMemoryPlansAttrName);
  // The object must define what the header declares: `int name(ptr...)`
  // for every public function (a custom --pass-pipeline or --insert-passes
  // can drop or change it), and `name_with_scratch` with one more pointer
  // where a memory plan was made.
  for (auto &[name, pointers] : entryPoints) {
    bool planned = plans && plans.get(name);
    for (unsigned scratch = 0; scratch <= (planned ? 1 : 0); ++scratch) {
      std::string symbol = name + (scratch ? "_with_scratch" : "");
      unsigned expected = pointers + scratch;
      auto fn = module->lookupSymbol<LLVM::LLVMFuncOp>(symbol);
      auto type = fn ? fn.getFunctionType() : LLVM::LLVMFunctionType();
      bool matches = fn && !fn.isExternal() && !fn.isPrivate() &&
                     fn.getLinkage() == LLVM::Linkage::External &&
                     type.getNumParams() == expected && !type.isVarArg() &&
                     llvm::all_of(type.getParams(),
                                  llvm::IsaPred<LLVM::LLVMPointerType>) &&
                     type.getReturnType().isInteger(32);
      if (!matches)
        return fail("the lowered module does not define 'int " + symbol + "(" +
                    Twine(expected) + " pointers)' as the header declares it" +
                    (passPipeline.empty() && insertions.empty()
                         ? Twine("")
                         : Twine("; a custom --pass-pipeline or "
                                 "--insert-passes must keep the C ABI "
                                 "lowering (c-abi=1)")));
    }
  }
  std::string headerText;
  if (!header.empty())
    headerText = lowbit::generateCHeader(*original, sys::path::filename(header),
                                         plans, *threadsFlag);

  std::string text;
  if (emitKind == lowbit::EmitKind::MLIR) {
    raw_string_ostream os(text);
    module->print(os);
  } else {
    SmallVector<char, 0> bytes;
    raw_svector_ostream os(bytes);
    LogicalResult emitted = failure();
    lowbit::setToolStage("generating code");
    if (!lowbit::runCrashGuarded("lowbit-compile", inputFile, [&] {
          emitted = lowbit::emitModule(
              *module, *tm, spec.optLevel, emitKind, os, error,
              *threadsFlag > 1 ? entryPoints.front().first + "_set_parallel_for"
                               : std::string());
        }))
      std::_Exit(1);
    if (failed(emitted))
      return error.empty() ? 1 : fail(error);
    text.assign(bytes.begin(), bytes.end());
  }
  if (failed(lowbit::writeOutputFile(output, text, error)))
    return fail(error);
  if (!header.empty() &&
      failed(lowbit::writeOutputFile(header, headerText, error))) {
    // The object is not usable without its header.
    if (output != "-" && !lowbit::isSpecialFile(output))
      sys::fs::remove(output);
    return fail(error);
  }
  if (reportFlag)
    lowbit::printLayerReport(errs(), layers, layerKernels, layerBuffers, {});
  return 0;
}
