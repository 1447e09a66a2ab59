//===- ToolSupportTest.cpp - crash guard, input checks, output files ------===//
//
// Part of the lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/ToolSupport.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <csignal>

using namespace mlir;
using namespace mlir::lowbit;

TEST(CrashGuard, CatchesASignalAndNamesTheStage) {
  setToolStage("running pass 'x' on 'func.func'");
  testing::internal::CaptureStderr();
  bool ok = runCrashGuarded("tool", "model.mlir", [] { std::raise(SIGSEGV); });
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(ok);
  EXPECT_EQ(err, "tool: error: 'model.mlir': internal crash while running "
                 "pass 'x' on 'func.func'; this input triggers a bug (please "
                 "report it with the input)\n");
}

TEST(CrashGuard, PassesThroughNormalRuns) {
  int ran = 0;
  EXPECT_TRUE(runCrashGuarded("tool", "model.mlir", [&] { ++ran; }));
  EXPECT_EQ(ran, 1);
}

TEST(CheckIRText, NestingLimitWithLocation) {
  std::string deep = "\n  " + std::string(kMaxIRNesting + 5, '[');
  std::string error;
  EXPECT_TRUE(failed(checkIRText(deep, "m.mlir", error)));
  EXPECT_EQ(error, "m.mlir:2:" + std::to_string(kMaxIRNesting + 3) +
                       ": brackets nested deeper than 1000 levels");
  std::string ok = std::string(kMaxIRNesting, '(') +
                   std::string(kMaxIRNesting, ')') + std::string(10, '{');
  EXPECT_TRUE(succeeded(checkIRText(ok, "m.mlir", error)));
}

TEST(CheckIRText, StringsAndCommentsAreSkipped) {
  std::string error;
  EXPECT_TRUE(succeeded(checkIRText(
      "// array<index: 1> [[[[\n\"iterator_types = [1] \\\" array<index\"",
      "m.mlir", error)));
  EXPECT_TRUE(succeeded(checkIRText(
      "iterator_types = [\"parallel\", #linalg.iterator_type<reduction>]",
      "m.mlir", error)));
  EXPECT_TRUE(failed(
      checkIRText("x\niterator_types = [\"parallel\", 1]", "m.mlir", error)));
  EXPECT_EQ(error, "m.mlir:2:31: iterator_types elements must be strings or "
                   "#linalg.iterator_type attributes");
}

TEST(CheckIRText, DenseArrayElementTypes) {
  std::string error;
  for (const char *ok :
       {"array<i32: 1, 2>", "array<si8: -1>", "array< f32 : 1.0>",
        "array<bf16>", "array<i1>", "my_array<index>", "x = #array"})
    EXPECT_TRUE(succeeded(checkIRText(ok, "m.mlir", error))) << ok;
  // Found by fuzzing: blanks, NUL bytes (MLIR's lexer skips them) and
  // comments do not hide the element type.
  for (const char *bad :
       {"array<index: 1>", "array     <index: 1>", "array<\n index: 1>",
        "array // c\n<index>", "array<vector<2xi8>: 1>", "array<none>"})
    EXPECT_TRUE(failed(checkIRText(bad, "m.mlir", error))) << bad;
  std::string withNul("x = array\0\0<index: 1>", 22);
  EXPECT_TRUE(failed(checkIRText(withNul, "m.mlir", error)));
  EXPECT_TRUE(failed(checkIRText("x = array  <index: 1>", "m.mlir", error)));
  EXPECT_EQ(error, "m.mlir:1:13: dense arrays hold integer or floating-point "
                   "elements only");
}

TEST(WriteOutputFile, ReplacesOnlyWhenComplete) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("lowbit-out", dir));
  llvm::SmallString<128> file(dir);
  llvm::sys::path::append(file, "out.txt");
  std::string error;
  ASSERT_TRUE(succeeded(writeOutputFile(file, "first", error)));
  ASSERT_TRUE(succeeded(writeOutputFile(file, "second", error)));
  auto buffer = llvm::MemoryBuffer::getFile(file);
  ASSERT_TRUE(bool(buffer));
  EXPECT_EQ((*buffer)->getBuffer(), "second");
  // A directory that does not exist: an error naming the path.
  llvm::SmallString<128> missing(dir);
  llvm::sys::path::append(missing, "no", "such.txt");
  EXPECT_TRUE(failed(writeOutputFile(missing, "x", error)));
  EXPECT_NE(error.find("cannot write '" + missing.str().str() + "'"),
            std::string::npos);
  // /dev/full: the write error of a full disk is an error, not a crash.
  if (llvm::sys::fs::exists("/dev/full")) {
    std::string big(1 << 20, 'x');
    EXPECT_TRUE(failed(writeOutputFile("/dev/full", big, error)));
    EXPECT_NE(error.find("cannot write '/dev/full'"), std::string::npos);
  }
  llvm::sys::fs::remove(file);
  llvm::sys::fs::remove(dir);
}
