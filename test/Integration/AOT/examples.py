# The bundled example models (examples/*.mlir: int8_cnn, binary_net,
# ternary_net) compiled ahead of time for x86-64 and AArch64 agree bit for
# bit with the JIT on fixed inputs (see aot.py); also with each set of int8
# dot-product kernels the host can run (x86-64: AVX-512 VNNI, AVX-VNNI,
# AVX2; AArch64: dotprod).
#
# RUN: %python %s %t %mlir_lib_dir lowbit-compile lowbit-opt mlir-runner \
# RUN:   --src=%lowbit_src_root

import glob
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aot  # noqa: E402

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                    "..")
for a in sys.argv[3:]:
    if a.startswith("--src="):
        root = a[len("--src="):]
paths = sorted(glob.glob(os.path.join(root, "examples", "*.mlir")))
if len(paths) < 3:
    sys.exit("expected the three bundled examples in %s/examples" % root)
models = []
for p in paths:
    with open(p) as f:
        models.append(aot.Model(os.path.splitext(os.path.basename(p))[0],
                                f.read()))
aot.run(sys.argv, models, what="example modules", kernel_variants=True)
