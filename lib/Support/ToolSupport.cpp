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

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>

using namespace mlir;
using namespace llvm;

static bool isIdentifierChar(char c) {
  return isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '$';
}

/// Skips white space (and NUL bytes, which MLIR's lexer skips too) and
/// // comments from `i`.
static size_t skipBlanks(StringRef text, size_t i) {
  while (i < text.size()) {
    if (isspace(static_cast<unsigned char>(text[i])) || text[i] == '\0') {
      ++i;
    } else if (text.substr(i).starts_with("//")) {
      i = text.find('\n', i);
      if (i == StringRef::npos)
        return text.size();
    } else {
      break;
    }
  }
  return i;
}

/// For `array` `<` TYPE at `i`: MLIR 22's dense array parser asks any
/// element type for its bit width, which crashes for types that are not
/// integers or floats (index, vectors, ...). Returns the offset of such an
/// element type, or npos.
static size_t badDenseArrayType(StringRef text, size_t i) {
  i = skipBlanks(text, i);
  if (i >= text.size() || text[i] != '<')
    return StringRef::npos;
  i = skipBlanks(text, i + 1);
  size_t start = i;
  while (i < text.size() && isIdentifierChar(text[i]))
    ++i;
  StringRef type = text.slice(start, i);
  auto digitsAfter = [&](StringRef prefix) {
    return type.size() > prefix.size() && type.starts_with(prefix) &&
           llvm::all_of(type.drop_front(prefix.size()),
                        [](char c) { return isdigit(c); });
  };
  if (digitsAfter("i") || digitsAfter("si") || digitsAfter("ui") ||
      digitsAfter("f") || type == "bf16" || type == "tf32")
    return StringRef::npos;
  return start;
}

/// Checks the element list after `iterator_types =` at `i`: MLIR 22's
/// linalg.generic parser casts every element to a string without checking.
/// Returns the offset of an offending element, or npos.
static size_t badIteratorTypes(StringRef text, size_t i) {
  auto skipSpace = [&] { i = skipBlanks(text, i); };
  skipSpace();
  if (i >= text.size() || text[i] != '=')
    return StringRef::npos;
  ++i;
  skipSpace();
  if (i >= text.size() || text[i] != '[')
    return StringRef::npos;
  ++i;
  while (true) {
    skipSpace();
    if (i >= text.size() || text[i] == ']')
      return StringRef::npos;
    if (text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      ++i;
    } else if (text.substr(i).starts_with("#linalg.iterator_type<")) {
      i = text.find('>', i);
      if (i == StringRef::npos)
        return StringRef::npos;
      ++i;
    } else {
      return i;
    }
    skipSpace();
    if (i >= text.size() || text[i] != ',')
      return StringRef::npos;
    ++i;
  }
}

LogicalResult mlir::lowbit::checkIRText(StringRef text, StringRef name,
                                        std::string &error) {
  unsigned depth = 0, line = 1;
  size_t lineStart = 0;
  auto fail = [&](size_t at, const Twine &message) {
    for (size_t j = lineStart; j < at && j < text.size(); ++j)
      if (text[j] == '\n') {
        ++line;
        lineStart = j + 1;
      }
    error = (name + ":" + Twine(line) + ":" + Twine(at - lineStart + 1) + ": " +
             message)
                .str();
    return failure();
  };
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
      if (++depth > kMaxIRNesting)
        return fail(i, "brackets nested deeper than " + Twine(kMaxIRNesting) +
                           " levels");
      break;
    case ')':
    case ']':
    case '}':
      if (depth > 0)
        --depth;
      break;
    case 'a':
      if (text.substr(i).starts_with("array") &&
          (i == 0 || !isIdentifierChar(text[i - 1]))) {
        size_t bad = badDenseArrayType(text, i + strlen("array"));
        if (bad != StringRef::npos)
          return fail(bad, "dense arrays hold integer or floating-point "
                           "elements only");
      }
      break;
    case 'i':
      if (text.substr(i).starts_with("iterator_types") &&
          (i == 0 || !isIdentifierChar(text[i - 1]))) {
        size_t bad = badIteratorTypes(text, i + strlen("iterator_types"));
        if (bad != StringRef::npos)
          return fail(bad, "iterator_types elements must be strings or "
                           "#linalg.iterator_type attributes");
      }
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

static std::string &toolName() {
  static std::string name = "lowbit";
  return name;
}

void mlir::lowbit::setToolName(llvm::StringRef name) {
  toolName() = name.str();
}

bool mlir::lowbit::reportOptionValueError(llvm::StringRef option,
                                          llvm::StringRef value,
                                          llvm::StringRef what) {
  llvm::errs() << toolName() << ": error: invalid value '" << value
               << "' for --" << option << ": expected " << what << "\n";
  return true;
}

bool mlir::lowbit::parseCommandLine(int argc, const char *const *argv,
                                    llvm::StringRef overview) {
  std::string parseErrors;
  llvm::raw_string_ostream parseStream(parseErrors);
  if (llvm::cl::ParseCommandLineOptions(argc, argv, overview, &parseStream))
    return true;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(parseErrors).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    line = line.trim();
    // LLVM prefixes its messages with the program name.
    size_t colon = line.find(": ");
    if (colon != llvm::StringRef::npos &&
        line.take_front(colon).ends_with(toolName()))
      line = line.drop_front(colon + 2);
    llvm::errs() << toolName() << ": "
                 << (line.starts_with("Did you mean") ? "note: " : "error: ")
                 << line << "\n";
  }
  return false;
}
