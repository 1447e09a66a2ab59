"""Writes lowbit-quantize test data into DIR: good.npy (8 samples of 4
floats), good64.npy (float64), odd.npy (7 values), nan.npy, raw.bin (two
samples as raw float32), odd.bin (6 bytes), wide.npy (samples of 1024
values), big.mlir (a 1024 -> 2 matmul), net.mlir and net.npy (a float CNN
with a depthwise conv, a residual add, max pooling and a dense layer, and
32 samples for it)."""
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


def dense(a):
    return "dense<%s>" % np.array2string(
        a, separator=",", threshold=1 << 30,
        floatmode="unique").replace("\n", "")


w1 = rng.normal(0, 0.3, (8, 3, 3, 4)).astype(np.float32)
b1 = rng.normal(0, 0.1, 8).astype(np.float32)
w2 = rng.normal(0, 0.3, (8, 3, 3, 1)).astype(np.float32)
w3 = rng.normal(0, 0.3, (8, 1, 1, 8)).astype(np.float32)
wf = rng.normal(0, 0.3, (128, 5)).astype(np.float32)
net = """module {
  func.func @net(%x: tensor<1x8x8x4xf32>) -> tensor<1x5xf32> {
    %w1 = arith.constant W1 : tensor<8x3x3x4xf32>
    %b1 = arith.constant B1 : tensor<8xf32>
    %c1 = lowbit.conv2d %x, %w1 bias %b1 padding [1, 1, 1, 1] act(relu) : tensor<1x8x8x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32> -> tensor<1x8x8x8xf32>
    %w2 = arith.constant W2 : tensor<8x3x3x1xf32>
    %c2 = lowbit.conv2d %c1, %w2 padding [1, 1, 1, 1] groups 8 : tensor<1x8x8x8xf32>, tensor<8x3x3x1xf32> -> tensor<1x8x8x8xf32>
    %w3 = arith.constant W3 : tensor<8x1x1x8xf32>
    %c3 = lowbit.conv2d %c2, %w3 act(relu) : tensor<1x8x8x8xf32>, tensor<8x1x1x8xf32> -> tensor<1x8x8x8xf32>
    %s = lowbit.add %c3, %c1 : tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32>
    %p = lowbit.max_pool2d %s kernel [2, 2] strides [2, 2] : tensor<1x8x8x8xf32> -> tensor<1x4x4x8xf32>
    %f = tensor.collapse_shape %p [[0], [1, 2, 3]] : tensor<1x4x4x8xf32> into tensor<1x128xf32>
    %wf = arith.constant WF : tensor<128x5xf32>
    %y = lowbit.matmul %f, %wf : tensor<1x128xf32>, tensor<128x5xf32> -> tensor<1x5xf32>
    return %y : tensor<1x5xf32>
  }
}
"""
for key, value in (("W1", w1), ("B1", b1), ("W2", w2), ("W3", w3),
                   ("WF", wf)):
    net = net.replace(key, dense(value))
with open(os.path.join(d, "net.mlir"), "w") as f:
    f.write(net)
np.save(os.path.join(d, "net.npy"),
        rng.normal(0, 1, (32, 1, 8, 8, 4)).astype(np.float32))
