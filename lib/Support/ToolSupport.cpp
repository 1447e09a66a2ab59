//===- ToolSupport.cpp - input checks, crash guard, safe outputs ----------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/ToolSupport.h"

#include "mlir/IR/Operation.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <mutex>

using namespace mlir;
using namespace llvm;

LogicalResult mlir::lowbit::checkIRNesting(StringRef text, StringRef name,
                                           std::string &error) {
  unsigned depth = 0, line = 1;
  size_t lineStart = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    switch (c) {
    case '\n':
      ++line;
      lineStart = i + 1;
      break;
    case '"':
      // A string literal: skip to its closing quote.
      for (++i; i < e && text[i] != '"'; ++i) {
        if (text[i] == '\\')
          ++i;
        else if (text[i] == '\n') {
          ++line;
          lineStart = i + 1;
        }
      }
      break;
    case '/':
      if (i + 1 < e && text[i + 1] == '/')
        while (i + 1 < e && text[i + 1] != '\n')
          ++i;
      break;
    case '(':
    case '[':
    case '{':
      if (++depth > kMaxIRNesting) {
        error = (name + ":" + Twine(line) + ":" + Twine(i - lineStart + 1) +
                 ": brackets nested deeper than " + Twine(kMaxIRNesting) +
                 " levels")
                    .str();
        return failure();
      }
      break;
    case ')':
    case ']':
    case '}':
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return success();
}

namespace {
/// The current stage; read only when a crash is reported.
struct Stage {
  std::mutex mutex;
  std::string text = "processing";
};
Stage &stage() {
  static Stage s;
  return s;
}

struct StageInstrumentation : public PassInstrumentation {
  void runBeforePass(Pass *pass, Operation *op) override {
    mlir::lowbit::setToolStage("running pass '" + pass->getArgument() +
                               "' on '" + op->getName().getStringRef() + "'");
  }
  void runAfterPass(Pass *pass, Operation *) override {
    mlir::lowbit::setToolStage("finishing pass '" + pass->getArgument() + "'");
  }
};
} // namespace

void mlir::lowbit::setToolStage(const Twine &text) {
  std::lock_guard<std::mutex> lock(stage().mutex);
  stage().text = text.str();
}

void mlir::lowbit::trackPassStages(PassManager &pm) {
  pm.addInstrumentation(std::make_unique<StageInstrumentation>());
}

bool mlir::lowbit::runCrashGuarded(StringRef tool, StringRef input,
                                   function_ref<void()> fn) {
  CrashRecoveryContext::Enable();
  CrashRecoveryContext context;
  bool ok = context.RunSafely(fn);
  CrashRecoveryContext::Disable();
  if (ok)
    return true;
  std::string what;
  {
    std::lock_guard<std::mutex> lock(stage().mutex);
    what = stage().text;
  }
  errs() << tool << ": error: '" << input << "': internal crash while " << what
         << "; this input triggers a bug (please report it with the "
            "input)\n";
  errs().flush();
  return false;
}

bool mlir::lowbit::isSpecialFile(StringRef path) {
  sys::fs::file_status status;
  if (sys::fs::status(path, status))
    return false;
  return sys::fs::exists(status) &&
         status.type() != sys::fs::file_type::regular_file;
}

bool mlir::lowbit::isSameFile(StringRef a, StringRef b) {
  if (a == "-" || b == "-")
    return false;
  return sys::fs::equivalent(a, b);
}

LogicalResult mlir::lowbit::writeOutputFile(StringRef path, StringRef data,
                                            std::string &error) {
  auto failWith = [&](std::error_code ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  };
  if (path == "-") {
    outs() << data;
    outs().flush();
    if (outs().has_error()) {
      std::error_code ec = outs().error();
      outs().clear_error();
      return failWith(ec);
    }
    return success();
  }
  SmallString<256> target(path);
  if (sys::fs::is_symlink_file(path)) {
    if (std::error_code ec = sys::fs::real_path(path, target))
      return failWith(ec);
  }
  if (isSpecialFile(target)) {
    std::error_code ec;
    raw_fd_ostream os(target, ec);
    if (ec)
      return failWith(ec);
    os << data;
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
      return failWith(ec);
    }
    return success();
  }
  SmallString<256> tmp;
  int fd;
  if (std::error_code ec =
          sys::fs::createUniqueFile(target + ".tmp-%%%%%%", fd, tmp))
    return failWith(ec);
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << data;
    os.close();
    if (os.has_error()) {
      std::error_code ec = os.error();
      os.clear_error();
      sys::fs::remove(tmp);
      return failWith(ec);
    }
  }
  if (std::error_code ec = sys::fs::rename(tmp, target)) {
    sys::fs::remove(tmp);
    return failWith(ec);
  }
  return success();
}
