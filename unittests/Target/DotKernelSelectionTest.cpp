//===- DotKernelSelectionTest.cpp - kernel sets per target CPU ------------===//
//
// Part of the lowbit project.
//
// lowbit-compile --dot-kernels=auto picks the int8 kernels from the target
// machine's CPU features. These tests pin the choice for named CPUs, so a
// change in LLVM's feature tables or in the selection shows up here.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Target/ObjectEmitter.h"

#include "gtest/gtest.h"

using namespace mlir::lowbit;

namespace {

class DotKernelSelection : public ::testing::Test {
protected:
  static void SetUpTestSuite() { initializeLLVMTargets(); }

  std::unique_ptr<llvm::TargetMachine> machine(const std::string &triple,
                                               const std::string &cpu,
                                               const std::string &features) {
    std::string error;
    std::unique_ptr<llvm::TargetMachine> tm =
        createTargetMachine(TargetSpec{triple, cpu, features, 2}, error);
    EXPECT_TRUE(tm) << error;
    return tm;
  }

  std::string select(const std::string &triple, const std::string &cpu,
                     const std::string &features = "") {
    std::unique_ptr<llvm::TargetMachine> tm = machine(triple, cpu, features);
    return tm ? selectDotKernels(*tm) : "<no target machine>";
  }
};

TEST_F(DotKernelSelection, X86CPUs) {
  const std::string x86 = "x86_64-linux-gnu";
  EXPECT_EQ(select(x86, ""), "sse2");
  EXPECT_EQ(select(x86, "x86-64-v2"), "sse2");
  EXPECT_EQ(select(x86, "haswell"), "avx2");
  EXPECT_EQ(select(x86, "znver3"), "avx2");
  EXPECT_EQ(select(x86, "alderlake"), "avx-vnni");
  EXPECT_EQ(select(x86, "skylake-avx512"), "avx2");
  EXPECT_EQ(select(x86, "cascadelake"), "avx512-vnni");
  EXPECT_EQ(select(x86, "znver4"), "avx512-vnni");
  EXPECT_EQ(select(x86, "znver5"), "avx512-vnni");
}

TEST_F(DotKernelSelection, X86Features) {
  const std::string x86 = "x86_64-linux-gnu";
  EXPECT_EQ(select(x86, "", "+avx2"), "avx2");
  EXPECT_EQ(select(x86, "", "+avx2,+avxvnni"), "avx-vnni");
  EXPECT_EQ(select(x86, "", "+avx512f,+avx512bw,+avx512vnni"), "avx512-vnni");
  // VNNI without AVX-512 BW: the 512-bit byte kernels are not used.
  EXPECT_EQ(select(x86, "", "+avx512f,+avx512vnni"), "avx2");
  // A feature switched off wins over the CPU's default.
  EXPECT_EQ(select(x86, "znver4", "-avx512vnni"), "avx2");
}

TEST_F(DotKernelSelection, AArch64CPUs) {
  const std::string a64 = "aarch64-linux-gnu";
  EXPECT_EQ(select(a64, ""), "neon");
  EXPECT_EQ(select(a64, "cortex-a53"), "neon");
  EXPECT_EQ(select(a64, "cortex-a72"), "neon");
  EXPECT_EQ(select(a64, "cortex-a76"), "neon-dotprod");
  EXPECT_EQ(select(a64, "neoverse-n1"), "neon-dotprod");
  EXPECT_EQ(select(a64, "", "+dotprod"), "neon-dotprod");
}

TEST_F(DotKernelSelection, ExplicitSetsNeedTheFeatures) {
  std::unique_ptr<llvm::TargetMachine> generic =
      machine("x86_64-linux-gnu", "", "");
  ASSERT_TRUE(generic);
  EXPECT_TRUE(supportsDotKernels(*generic, "sse2"));
  EXPECT_FALSE(supportsDotKernels(*generic, "avx2"));
  EXPECT_FALSE(supportsDotKernels(*generic, "avx512-vnni"));
  EXPECT_FALSE(supportsDotKernels(*generic, "neon"));
  EXPECT_FALSE(supportsDotKernels(*generic, "bogus"));

  std::unique_ptr<llvm::TargetMachine> a53 =
      machine("aarch64-linux-gnu", "cortex-a53", "");
  ASSERT_TRUE(a53);
  EXPECT_TRUE(supportsDotKernels(*a53, "neon"));
  EXPECT_FALSE(supportsDotKernels(*a53, "neon-dotprod"));
  EXPECT_FALSE(supportsDotKernels(*a53, "sse2"));
}

TEST_F(DotKernelSelection, OtherTargetsHaveNone) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm =
      createTargetMachine(TargetSpec{"riscv64-linux-gnu", "", "", 2}, error);
  if (!tm)
    GTEST_SKIP() << "LLVM built without RISC-V: " << error;
  EXPECT_EQ(selectDotKernels(*tm), "none");
}

} // namespace
