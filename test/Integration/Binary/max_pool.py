# lowbit.max_pool2d on binary values (NHWC; on the bits it is an AND under
# the bit-1-is-minus-one convention): kernels 1x1 to 3x3, default strides
# (the kernel) and explicit strides 1-3, asymmetric padding (padding taps
# never win), channels 1, 3, 7, 65, 70, with and without a scale, inputs
# biased towards -1 so that all-(-1) windows occur; plus a few ternary
# inputs (max of the stored -1/0/+1). Reference: numpy max over the
# non-padding taps of each window.
#
# RUN: %python %s --emit %t
# RUN: lowbit-opt --lowbit-to-llvm %t.mlir \
# RUN:   | mlir-runner -e main -entry-point-result=void \
# RUN:       -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
# RUN:   > %t.out
# RUN: %python %s --check %t --out %t.out

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import binref as B  # noqa: E402

CHANNELS = [1, 3, 7, 65, 70]


def case(b, rng, kind, c, label):
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    kh, kw = r(1, 3), r(1, 3)
    explicit = rng.random() < 0.6
    st = (r(1, 3), r(1, 3)) if explicit else (kh, kw)
    pad = (r(0, kh - 1), r(0, kh - 1), r(0, kw - 1), r(0, kw - 1)) \
        if rng.random() < 0.6 else (0, 0, 0, 0)
    n = r(1, 2)
    h = r(max(1, kh - pad[0] - pad[1]), 7)
    w = r(max(1, kw - pad[2] - pad[3]), 7)
    e = B.Elt(kind, [[1.0, 0.5, 4.0][r(0, 2)]])
    shape = (n, h, w, c)
    if kind == "bin":
        p = float(rng.choice([0.5, 0.8, 0.95]))
        x = np.where(rng.random(shape) < p, -1, 1)
    else:
        x = e.rand(rng, shape, p_zero=0.3)
        x = np.where(rng.random(shape) < 0.4, -1, x)
    y = B.max_pool_ref(x, (kh, kw), st, pad)
    attrs = " kernel [%d, %d]" % (kh, kw)
    if explicit:
        attrs += " strides [%d, %d]" % st
    if pad != (0, 0, 0, 0):
        attrs += " padding [%d, %d, %d, %d]" % pad
    cx = b.const(x, e)
    res = b.fresh("p")
    desc = "lowbit.max_pool2d%s : %s -> %s" % (
        attrs, B.tensor_str(shape, e), B.tensor_str(y.shape, e))
    b.comment(label + ": " + desc)
    b.emit("%s = lowbit.max_pool2d %s%s : %s -> %s" % (
        res, cx, attrs, B.tensor_str(shape, e), B.tensor_str(y.shape, e)))
    b.print_dequant(res, y.shape, e, y, label, desc, {"input": x})


def generate(b, rng):
    for c in CHANNELS:
        for i in range(5):
            case(b, rng, "bin", c, "bin-c%d-%d" % (c, i))
    for c in (3, 65):
        for i in range(2):
            case(b, rng, "tern", c, "tern-c%d-%d" % (c, i))


if __name__ == "__main__":
    B.main(generate, seed=99)
