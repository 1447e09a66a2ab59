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

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_SUPPORT_TOOLSUPPORT_H
