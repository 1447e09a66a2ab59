# lowbit-quantize on the digits example's float models (examples/digits:
# mlp_float.onnx, cnn_float.onnx): each is quantized with every
# calibration method and several weight widths, calibrated on the same
# 1,437 training images PyTorch's PTQ of examples/digits/make_models.py used
# (scikit-learn's digits, the same split), compiled with lowbit-compile for
# the host and run on all 360 test images through the C ABI. Prints the
# accuracy table of docs/Quantize.md and fails if an int8 model (any
# method) is more than 1 point below the float model or below PyTorch's own
# PTQ of the same model (qnnpack, examples/digits/data/accuracy.json).
# It also checks, on the CNN calibrated with --method=entropy, that every
# entropy threshold equals the one an independent numpy implementation of
# TensorRT's algorithm (test/Quantize/entropy_reference.py) picks on the
# same real activation histograms (--stats-file), and that the reported
# SQNR of the last layer (--report-file) equals numpy's SQNR between the
# compiled quantized and float models' outputs on the calibration set.
#
# RUN: %python %s %t lowbit-quantize lowbit-compile

import json
import os
import shutil
import subprocess
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
DIGITS = os.path.join(ROOT, "examples", "digits")
DATA = os.path.join(DIGITS, "data")

DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

int main(int argc, char **argv) {
  long n = atol(argv[1]);
  float *x = malloc(sizeof(float) * 64 * n), *y = malloc(sizeof(float) * 10 * n);
  FILE *f = fopen(argv[2], "rb");
  if (!f || fread(x, sizeof(float), 64 * n, f) != (size_t)(64 * n))
    return 2;
  fclose(f);
  for (long i = 0; i < n; ++i)
    if (%(name)s(x + 64 * i, y + 10 * i) != 0)
      return 1;
  f = fopen(argv[3], "wb");
  if (!f || fwrite(y, sizeof(float), 10 * n, f) != (size_t)(10 * n))
    return 2;
  fclose(f);
  return 0;
}
"""

# (row label, lowbit-quantize flags, int8 row checked against the bounds).
CONFIGS = [
    ("f16 (every layer)", ["--float16"], False),
    ("int8, minmax", ["--method=minmax"], True),
    ("int8, minmax-symmetric", ["--method=minmax-symmetric"], True),
    ("int8, percentile 99.99", ["--method=percentile"], True),
    ("int8, entropy", ["--method=entropy"], True),
    ("int8, mse", ["--method=mse"], True),
    ("int8, per-tensor weights", ["--per-tensor-weights"], True),
    ("int16 activations", ["--activations=int16"], False),
    ("int4 weights (all layers)", ["--weights=int4", "--quantize-first-last"],
     False),
    ("int2 weights (all layers)", ["--weights=int2", "--quantize-first-last"],
     False),
    ("ternary weights (all layers)",
     ["--weights=ternary", "--quantize-first-last"], False),
    ("binary weights + int8 activations (all layers)",
     ["--weights=binary", "--quantize-first-last"], False),
    ("mixed: int4 first layer, int8 last", ["--config=@MIXED@"], False),
    ("dynamic (matmuls: int8 weights, inputs quantized at run time)",
     ["--dynamic"], False),
]


def sh(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.exit("FAILED: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def calibration_set(work):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    x_train, x_test, _, _ = train_test_split(
        x, y, test_size=360, random_state=0, stratify=y)
    # The split must be the one the example's test set came from.
    if not np.array_equal(x_test, np.load(os.path.join(DATA, "test_x.npy"))):
        sys.exit("FAILED: the digits split differs from examples/digits/data")
    path = os.path.join(work, "calibration.npy")
    np.save(path, x_train)
    return path


def accuracy(model, name, work, tag, compile_tool, x_test, y_test):
    """Compiles `model` (.onnx or .mlir, entry function `name`) and returns
    its test accuracy."""
    logits = run_model(model, name, work, tag, compile_tool, x_test)
    return float(np.mean(np.argmax(logits, axis=1) == y_test))


def run_model(model, name, work, tag, compile_tool, x):
    """Compiles `model` and returns its logits on the images `x`."""
    obj = os.path.join(work, tag + ".o")
    sh([compile_tool, model, "-O2", "-o", obj,
        "--header=" + os.path.join(work, "model.h")])
    with open(os.path.join(work, "driver.c"), "w") as f:
        f.write(DRIVER % {"name": name})
    exe = os.path.join(work, tag)
    sh(["cc", "-O1", "-I" + work, os.path.join(work, "driver.c"), obj, "-o",
        exe, "-lm"])
    x_path, y_path = os.path.join(work, "x.bin"), os.path.join(work, "y.bin")
    x.astype(np.float32).tofile(x_path)
    sh([exe, str(len(x)), x_path, y_path])
    return np.fromfile(y_path, dtype=np.float32).reshape(len(x), 10)


def check_entropy_and_sqnr(work, quantize_tool, compile_tool, calib):
    """The entropy thresholds and the last layer's SQNR of the CNN, against
    numpy; returns the failures."""
    sys.path.insert(0, os.path.join(ROOT, "test", "Quantize"))
    import entropy_reference
    model = os.path.join(DIGITS, "cnn_float.onnx")
    out = os.path.join(work, "cnn_entropy.mlir")
    stats, report = (os.path.join(work, "stats.json"),
                     os.path.join(work, "report.json"))
    sh([quantize_tool, model, "--calibration=" + calib, "--method=entropy",
        "--quiet", "--stats-file=" + stats, "--report-file=" + report, "-o",
        out])
    failed = []
    checked = 0
    with open(stats) as f:
        tensors = json.load(f)["tensors"]
    for t in tensors:
        hist = np.array(t["histogram"], dtype=np.int64)
        if t["method"] != "entropy" or hist.size == 0:
            continue
        # Unsigned types (non-negative data) have 2^bits levels over
        # [0, t], signed ones 2^(bits-1) per side.
        unsigned = t["lo"] == 0 and t["min"] >= 0
        levels = 1 << (t["bits"] if unsigned else t["bits"] - 1)
        want = entropy_reference.reference_bin(hist, levels) * t["bin_width"]
        got = t["hi"]
        checked += 1
        if abs(got - want) > 1e-6 * max(1.0, want):
            failed.append("entropy threshold of %s: lowbit %.9g, numpy %.9g"
                          % (t["tensor"], got, want))
    if checked < 3:
        failed.append("only %d entropy-calibrated tensors" % checked)
    x = np.load(calib)
    q = run_model(out, "cnn_float", work, "cnn_entropy", compile_tool, x)
    f = run_model(model, "cnn_float", work, "cnn_float_calib", compile_tool, x)
    f64 = f.astype(np.float64)
    want = 10 * np.log10(np.sum(f64 ** 2) /
                         np.sum((q.astype(np.float64) - f64) ** 2))
    with open(report) as fh:
        got = json.load(fh)["layers"][-1]["sqnr_db"]
    if abs(got - want) > 0.01:
        failed.append("SQNR of the last layer: reported %.4f dB, numpy %.4f"
                      % (got, want))
    print("entropy thresholds of %d tensors equal numpy's; last-layer SQNR "
          "%.3f dB (numpy %.3f dB)" % (checked, got, want))
    return failed


def main(work, quantize_tool, compile_tool):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    calib = calibration_set(work)
    x_test = np.load(os.path.join(DATA, "test_x.npy"))
    y_test = np.load(os.path.join(DATA, "test_y.npy"))
    with open(os.path.join(DATA, "accuracy.json")) as f:
        reference = json.load(f)
    failed = []
    table = {}
    for model in ("mlp", "cnn"):
        onnx_path = os.path.join(DIGITS, model + "_float.onnx")
        name = model + "_float"
        float_acc = accuracy(onnx_path, name, work, name, compile_tool,
                             x_test, y_test)
        torch_acc = reference[model + "_qdq"]
        table[(model, "float (lowbit-compile)")] = float_acc
        table[(model, "PyTorch PTQ (qnnpack, minmax)")] = torch_acc
        # The first layer of each model, by its ONNX node name.
        first = "/1/Gemm" if model == "mlp" else "/0/Conv"
        mixed = os.path.join(work, model + "_mixed.cfg")
        with open(mixed, "w") as f:
            f.write("# layer settings\n%s weights=int4\n" % first)
        for label, flags, checked in CONFIGS:
            flags = [fl.replace("@MIXED@", mixed) for fl in flags]
            out = os.path.join(work, "%s_%d.mlir" % (model, len(table)))
            needs_data = not {"--dynamic", "--float16"} & set(flags)
            data = ["--calibration=" + calib] if needs_data else []
            sh([quantize_tool, onnx_path, "-o", out, "--quiet"] + data + flags)
            acc = accuracy(out, name, work, "%s_%d" % (model, len(table)),
                           compile_tool, x_test, y_test)
            table[(model, label)] = acc
            if checked and (acc < float_acc - 0.01 or acc < torch_acc - 0.01):
                failed.append("%s %s: %.2f%% (float %.2f%%, PyTorch PTQ "
                              "%.2f%%)" % (model, label, 100 * acc,
                                           100 * float_acc, 100 * torch_acc))
    labels = []
    for (_, label) in table:
        if label not in labels:
            labels.append(label)
    print("| model | MLP | CNN |")
    print("|---|---|---|")
    for label in labels:
        print("| %s | %.1f%% | %.1f%% |" % (
            label, 100 * table[("mlp", label)], 100 * table[("cnn", label)]))
    failed += check_entropy_and_sqnr(work, quantize_tool, compile_tool, calib)
    if failed:
        print("\n".join("FAILED: " + f for f in failed))
        return 1
    print("PASSED: every int8 model within 1 point of float and of PyTorch's "
          "PTQ")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
