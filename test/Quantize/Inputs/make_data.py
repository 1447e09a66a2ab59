"""Writes lowbit-quantize test data into DIR: good.npy (8 samples of 4
floats), good64.npy (float64), odd.npy (7 values), nan.npy, raw.bin (two
samples as raw float32), odd.bin (6 bytes), wide.npy (samples of 1024
values), big.mlir (a 1024 -> 2 matmul)."""
import os
import sys

import numpy as np

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, (8, 1, 4)).astype(np.float32)
np.save(os.path.join(d, "good.npy"), x)
np.save(os.path.join(d, "good64.npy"), x.astype(np.float64))
np.save(os.path.join(d, "odd.npy"), np.zeros(7, np.float32))
bad = x.copy()
bad[3, 0, 2] = np.nan
np.save(os.path.join(d, "nan.npy"), bad)
np.save(os.path.join(d, "int.npy"), np.zeros((2, 4), np.int32))
x[:2].tofile(os.path.join(d, "raw.bin"))
open(os.path.join(d, "odd.bin"), "wb").write(b"\0" * 6)
np.save(os.path.join(d, "wide.npy"),
        rng.uniform(-1, 1, (4, 1024)).astype(np.float32))
w = rng.uniform(-1, 1, (1024, 2)).astype(np.float32)
dense = np.array2string(w, separator=",", threshold=1 << 30,
                        floatmode="unique").replace("\n", "")
with open(os.path.join(d, "big.mlir"), "w") as f:
    f.write("module {\n  func.func @big(%x: tensor<1x1024xf32>) -> "
            "tensor<1x2xf32> {\n    %w = arith.constant dense<" + dense +
            "> : tensor<1024x2xf32>\n    %y = lowbit.matmul %x, %w : "
            "tensor<1x1024xf32>, tensor<1024x2xf32> -> tensor<1x2xf32>\n"
            "    return %y : tensor<1x2xf32>\n  }\n}\n")
