# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "LOWBIT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".py", ".c"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lowbit_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%lowbit_src_root", config.lowbit_src_root))
config.substitutions.append(("%llvm_include_dir", config.llvm_include_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.lowbit_tools_dir, config.llvm_tools_dir]
tools = [
    "lowbit-opt",
    "lowbit-compile",
    "lowbit-translate",
    "lowbit-calibration-check",
    "lowbit-quantize",
    "mlir-runner",
    ToolSubst("%python", "/usr/bin/python3", unresolved="ignore"),
    ToolSubst("lowbit-fuzz-ir", unresolved="ignore"),
    ToolSubst("lowbit-fuzz-compile", unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

import os

# clang for the runtime tests, with ThreadSanitizer when its runtime is
# installed.
import glob
clang = os.path.join(config.llvm_tools_dir, "clang")
config.substitutions.append(("%clang", clang))
if glob.glob(os.path.join(os.path.dirname(config.llvm_tools_dir), "lib",
                          "clang", "*", "lib", "*", "libclang_rt.tsan*")):
    config.available_features.add("tsan")

# The libFuzzer targets (built when clang's fuzzer runtime is there).
import os
if os.path.exists(os.path.join(config.lowbit_tools_dir, "lowbit-fuzz-ir")):
    config.available_features.add("lowbit-fuzzers")

# Cross-compilation and emulation for the AArch64 integration tests.
import shutil
if shutil.which("aarch64-linux-gnu-gcc") and shutil.which("qemu-aarch64"):
    config.available_features.add("aarch64-cross")
