//===- ToolSupport.h - input checks, crash guard, safe outputs --*- C++ -*-===//
//
// Part of the lowbit project.
//
// What lowbit's command-line tools share so that bad input ends in one
// error line and a non-zero exit, and a failed run never damages a file.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_SUPPORT_TOOLSUPPORT_H
#define LOWBIT_SUPPORT_TOOLSUPPORT_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace mlir {
class PassManager;
namespace lowbit {

/// Deepest nesting of (), [] and {} accepted in textual IR.
/// MLIR's parser recurses once per level and overflows the stack long
/// before any real model gets near this.
constexpr unsigned kMaxIRNesting = 1000;

/// Fails with "name:line:col: ..." in `error` if `text` (MLIR assembly)
/// holds what would crash MLIR 22's own parser instead of giving an error:
/// brackets nested deeper than kMaxIRNesting (stack overflow), a dense
/// array of `index` elements, or linalg `iterator_types` that are not
/// strings. String literals and comments are skipped.
LogicalResult checkIRText(llvm::StringRef text, llvm::StringRef name,
                          std::string &error);

/// What a tool is doing, named in the error line if it crashes.
void setToolStage(const llvm::Twine &stage);

/// Adds an instrumentation to `pm` that keeps the tool stage at the pass
/// being run ("running pass 'name' on 'op'").
void trackPassStages(PassManager &pm);

/// Runs `fn` so that a crash inside it (a signal in upstream code) is
/// caught. Returns false after a crash, having printed
/// "<tool>: error: internal crash while <stage> of '<input>'".
bool runCrashGuarded(llvm::StringRef tool, llvm::StringRef input,
                     llvm::function_ref<void()> fn);

/// True for an existing path that is not a regular file (a device, a pipe).
bool isSpecialFile(llvm::StringRef path);

/// Writes `data` to `path` ("-" is stdout). A regular file (or a new one)
/// is written through a temporary file in the same directory and renamed
/// into place once complete, so a failure never leaves a partial file or
/// destroys the old one; a symbolic link is followed (its target is
/// replaced, the link kept); a device or pipe is written directly. Write
/// errors (a full disk) fail with a message in `error`.
LogicalResult writeOutputFile(llvm::StringRef path, llvm::StringRef data,
                              std::string &error);

/// True if `a` and `b` name the same existing file.
bool isSameFile(llvm::StringRef a, llvm::StringRef b);

/// The name command-line errors start with ("lowbit-compile"); set by each
/// tool's main before it parses its options.
void setToolName(llvm::StringRef name);

/// cl::ParseCommandLineOptions whose errors read like every other
/// diagnostic ("<tool>: error: ...", suggestions as "<tool>: note: ...").
/// Returns false after printing them.
bool parseCommandLine(int argc, const char *const *argv,
                      llvm::StringRef overview);

/// Prints "<tool>: error: invalid value '<value>' for --<option>:
/// expected <what>" (LLVM's own parsers print their message without the
/// "error:" every other diagnostic has) and returns true, as a cl::parser
/// does on failure.
bool reportOptionValueError(llvm::StringRef option, llvm::StringRef value,
                            llvm::StringRef what);

/// cl::parser for numeric and enum options whose errors read like every
/// other diagnostic: cl::opt<unsigned, false, DiagnosticParser<unsigned>>.
template <typename T> class DiagnosticParser : public llvm::cl::parser<T> {
public:
  using llvm::cl::parser<T>::parser;

  bool parse(llvm::cl::Option &, llvm::StringRef argName, llvm::StringRef arg,
             T &value) {
    if constexpr (std::is_enum_v<T>) {
      // The generic parser's table of named values.
      std::string names;
      for (size_t i = 0, e = this->Values.size(); i != e; ++i) {
        if (this->Values[i].Name == arg) {
          value = this->Values[i].V.getValue();
          return false;
        }
        names += (i == 0 ? "" : i + 1 == e ? " or " : ", ");
        names += this->Values[i].Name.str();
      }
      return reportOptionValueError(argName, arg, names);
    } else if constexpr (std::is_floating_point_v<T>) {
      double v;
      if (arg.trim().getAsDouble(v))
        return reportOptionValueError(argName, arg, "a number");
      value = static_cast<T>(v);
    } else {
      if (arg.getAsInteger(0, value))
        return reportOptionValueError(
            argName, arg,
            std::is_signed_v<T> ? "an integer" : "a non-negative integer");
    }
    return false;
  }
};

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_SUPPORT_TOOLSUPPORT_H
