# lowbit-quantize --dynamic on the digits MLP (examples/digits/
# mlp_float.onnx): compiled with lowbit-compile for the host and run on the
# 360 test images, its logits must equal, bit for bit, a numpy
# implementation of the same arithmetic:
#   per matmul, ONNX DynamicQuantizeLinear on the input (float32:
#   scale = (max(0, max x) - min(0, min x)) / 255, 1 if that is 0; zero
#   point = clip(round_half_even(0 - min / scale), 0, 255);
#   xq = clip(round_half_even(x / scale) + zp, 0, 255)), int8 weights
#   (per output channel, scale = max|w| / 127 in float64, q =
#   round_half_even(w / scale)), the int32 product sum xq * q - zp * sum q,
#   then float32(acc) * (float32(scale) * float32(w_scale)) + bias, relu.
#
# RUN: %python %s %t lowbit-quantize lowbit-compile

import os
import shutil
import subprocess
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
DIGITS = os.path.join(ROOT, "examples", "digits")
DATA = os.path.join(DIGITS, "data")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digits_ptq import DRIVER, sh  # noqa: E402


def dynamic_matmul(x, w, b, relu):
    x = x.astype(np.float32)
    lo = np.float32(min(np.float32(0), x.min()))
    hi = np.float32(max(np.float32(0), x.max()))
    scale = np.float32(hi - lo) / np.float32(255)
    if scale == 0:
        scale = np.float32(1)
    zp = np.clip(np.rint(np.float32(0) - lo / scale), 0, 255).astype(
        np.float32)
    xq = np.clip(np.rint(x / scale) + zp, 0, 255).astype(np.int64)
    w64 = w.astype(np.float64)
    s_w = np.abs(w64).max(axis=0) / 127
    s_w[s_w == 0] = 1
    q = np.clip(np.rint(w64 / s_w), -128, 127).astype(np.int64)
    acc = (xq @ q - int(zp) * q.sum(axis=0)).astype(np.int32)
    mult = np.float32(scale) * s_w.astype(np.float32)
    y = acc.astype(np.float32) * mult
    if b is not None:
        y = y + b.astype(np.float32)
    if relu:
        y = np.maximum(y, np.float32(0))
    return y.astype(np.float32)


def main(work, quantize_tool, compile_tool):
    import onnx
    from onnx import numpy_helper
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    model = onnx.load(os.path.join(DIGITS, "mlp_float.onnx"))
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    gemms = [n for n in model.graph.node if n.op_type == "Gemm"]
    layers = []
    for g in gemms:
        w = inits[g.input[1]]
        trans_b = any(a.name == "transB" and a.i for a in g.attribute)
        layers.append((w.T if trans_b else w, inits[g.input[2]]))
    x_test = np.load(os.path.join(DATA, "test_x.npy")).reshape(-1, 64)
    y_test = np.load(os.path.join(DATA, "test_y.npy"))
    want = []
    for x in x_test:
        h = dynamic_matmul(x[None, :], layers[0][0], layers[0][1], True)
        want.append(dynamic_matmul(h, layers[1][0], layers[1][1], False)[0])
    want = np.array(want, dtype=np.float32)

    out = os.path.join(work, "mlp_dynamic.mlir")
    sh([quantize_tool, os.path.join(DIGITS, "mlp_float.onnx"), "--dynamic",
        "-o", out])
    obj = os.path.join(work, "mlp.o")
    sh([compile_tool, out, "-O2", "-o", obj,
        "--header=" + os.path.join(work, "model.h")])
    with open(os.path.join(work, "driver.c"), "w") as f:
        f.write(DRIVER % {"name": "mlp_float"})
    exe = os.path.join(work, "mlp")
    sh(["cc", "-O1", "-I" + work, os.path.join(work, "driver.c"), obj, "-o",
        exe, "-lm"])
    x_test.astype(np.float32).tofile(os.path.join(work, "x.bin"))
    sh([exe, str(len(x_test)), os.path.join(work, "x.bin"),
        os.path.join(work, "y.bin")])
    got = np.fromfile(os.path.join(work, "y.bin"), dtype=np.float32)
    got = got.reshape(want.shape)
    diff = np.flatnonzero(got.view(np.uint32) != want.view(np.uint32))
    acc = np.mean(np.argmax(got, axis=1) == y_test)
    if diff.size:
        i = diff[0]
        print("FAILED: %d of %d logits differ from numpy; first at %d: %r vs "
              "%r" % (diff.size, got.size, i, got.flat[i], want.flat[i]))
        return 1
    print("PASSED: %d logits equal numpy bit for bit; accuracy %.2f%%"
          % (got.size, 100 * acc))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
