//===- CIdentifier.h - C identifier check -----------------------*- C++ -*-===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_SUPPORT_CIDENTIFIER_H
#define LOWBIT_SUPPORT_CIDENTIFIER_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace lowbit {

/// True if `name` can name a C function (the entry point of a compiled
/// model): a letter or '_' followed by letters, digits and '_'.
inline bool isCIdentifier(llvm::StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

} // namespace lowbit
} // namespace mlir

#endif // LOWBIT_SUPPORT_CIDENTIFIER_H
