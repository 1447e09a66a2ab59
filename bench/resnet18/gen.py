#!/usr/bin/env python3
"""Writes two ResNet-18-shaped backbones and a C driver that times them.

Both take a 224x224x3 int8 image and run the same layers: the int8 stem
(7x7 stride-2 conv 3 -> 64 with ReLU, 3x3 stride-2 max pool), then the 16
3x3 convolutions of ResNet-18's four stages (64, 128, 256, 512 channels at
56, 28, 14 and 7 pixels, the first conv of stages 2-4 with stride 2). The
residual shortcuts and the classifier head are left out: the backbone's
convolutions are where the time goes.

  int8:   every stage conv int8 x int8 (per-channel weights, int32 bias,
          requantized with ReLU);
  binary: the stem (without its ReLU, whose output would always have
          sign +1) binarized (lowbit.sign), every stage conv
          binary x binary with its batch norm and sign as a per-channel
          mul/add + lowbit.sign (fused into integer thresholds, so the
          activations stay packed between layers).

    gen.py INT8.mlir BINARY.mlir DRIVER.c
"""
import random
import sys

STAGES = [(64, 56), (128, 28), (256, 14), (512, 7)]
rng = random.Random(18)


def hexbytes(values):
    return bytes(v & 0xFF for v in values).hex()


def t(shape, elt):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [elt])


def stem(lines, image, act):
    """7x7 s2 conv 3->64 (+ ReLU), then 3x3 s2 max pool: int8 [1,56,56,64]."""
    x8 = "!quant.uniform<i8:f32, 0.02>"
    w = [rng.randint(-127, 127) for _ in range(64 * 7 * 7 * 3)]
    wt = "!quant.uniform<i8:f32, 0.003>"
    bt = "!quant.uniform<i32:f32, 6.0e-05>"
    # After a ReLU the output's range is [0, 12.75]; without one, symmetric.
    o8 = ("!quant.uniform<i8:f32, 0.05:-128>" if act else
          "!quant.uniform<i8:f32, 0.05>")
    lines.append('    %%ws = lowbit.constant dense<"0x%s"> : %s as %s' % (
        hexbytes(w), t([64, 7, 7, 3], "i8"), t([64, 7, 7, 3], wt)))
    lines.append("    %%bs = lowbit.constant dense<%d> : %s as %s" % (
        100, t([64], "i32"), t([64], bt)))
    lines.append("    %%c0 = lowbit.conv2d %s, %%ws bias %%bs strides [2, 2] "
                 "padding [3, 3, 3, 3]%s : %s, %s, %s -> %s" % (
                     image, " act(relu)" if act else "",
                     t([1, 224, 224, 3], x8), t([64, 7, 7, 3], wt),
                     t([64], bt), t([1, 112, 112, 64], o8)))
    lines.append("    %%p0 = lowbit.max_pool2d %%c0 kernel [3, 3] strides "
                 "[2, 2] padding [1, 1, 1, 1] : %s -> %s" % (
                     t([1, 112, 112, 64], o8), t([1, 56, 56, 64], o8)))
    return "%p0", o8


def layers():
    """(cin, cout, in size, out size, stride) of the 16 stage convs."""
    out, cin = [], 64
    for cout, size in STAGES:
        for i in range(4):
            stride = 2 if (i == 0 and cout != 64) else 1
            out.append((cin, cout, size * stride, size, stride))
            cin = cout
    return out


def int8_model():
    lines = []
    x8 = "!quant.uniform<i8:f32, 0.02>"
    cur, ct = stem(lines, "%image", act=True)
    for n, (cin, cout, si, so, s) in enumerate(layers()):
        scales = ", ".join("%.5f" % rng.uniform(0.002, 0.01)
                           for _ in range(cout))
        wt = "!quant.uniform<i8:f32:0, {%s}>" % scales
        bscales = ", ".join("%.9f" % (0.05 * float(v))
                            for v in scales.split(", "))
        bt = "!quant.uniform<i32:f32:0, {%s}>" % bscales
        ot = "!quant.uniform<i8:f32, 0.05:-128>"
        w = [rng.randint(-127, 127) for _ in range(cout * 9 * cin)]
        lines.append('    %%w%d = lowbit.constant dense<"0x%s"> : %s as %s' % (
            n, hexbytes(w), t([cout, 3, 3, cin], "i8"),
            t([cout, 3, 3, cin], wt)))
        lines.append("    %%b%d = lowbit.constant dense<%d> : %s as %s" % (
            n, 10, t([cout], "i32"), t([cout], bt)))
        lines.append("    %%c%d = lowbit.conv2d %s, %%w%d bias %%b%d strides "
                     "[%d, %d] padding [1, 1, 1, 1] act(relu) : %s, %s, %s -> "
                     "%s" % (n + 1, cur, n, n, s, s, t([1, si, si, cin], ct),
                             t([cout, 3, 3, cin], wt), t([cout], bt),
                             t([1, so, so, cout], ot)))
        cur, ct = "%%c%d" % (n + 1), ot
    return ("func.func @resnet_int8(%%image: %s) -> %s {\n%s\n"
            "    return %s : %s\n  }" % (
                t([1, 224, 224, 3], x8), t([1, 7, 7, 512], ct),
                "\n".join(lines), cur, t([1, 7, 7, 512], ct)))


def binary_model():
    lines = []
    x8 = "!quant.uniform<i8:f32, 0.02>"
    cur, ct = stem(lines, "%image", act=False)
    lines.append("    %%s0 = lowbit.sign %s : %s -> %s" % (
        cur, t([1, 56, 56, 64], ct), t([1, 56, 56, 64], "!lowbit.binary")))
    cur = "%s0"
    for n, (cin, cout, si, so, s) in enumerate(layers()):
        w = [rng.choice((1, -1)) for _ in range(cout * 9 * cin)]
        bt = "!lowbit.binary"
        lines.append('    %%w%d = lowbit.constant dense<"0x%s"> : %s as %s' % (
            n, hexbytes(w), t([cout, 3, 3, cin], "i8"),
            t([cout, 3, 3, cin], bt)))
        g = ", ".join("%.4f" % rng.uniform(0.5, 1.5) for _ in range(cout))
        b = ", ".join("%.4f" % rng.uniform(-5, 5) for _ in range(cout))
        lines.append("    %%g%d = lowbit.constant dense<[%s]> : %s as %s" % (
            n, g, t([cout], "f32"), t([cout], "f32")))
        lines.append("    %%a%d = lowbit.constant dense<[%s]> : %s as %s" % (
            n, b, t([cout], "f32"), t([cout], "f32")))
        lines.append("    %%c%d = lowbit.conv2d %s, %%w%d strides [%d, %d] "
                     "padding [1, 1, 1, 1] pad_value one : %s, %s -> %s" % (
                         n + 1, cur, n, s, s, t([1, si, si, cin], bt),
                         t([cout, 3, 3, cin], bt), t([1, so, so, cout],
                                                      "f32")))
        lines.append("    %%m%d = lowbit.mul %%c%d, %%g%d : %s, %s -> %s" % (
            n + 1, n + 1, n, t([1, so, so, cout], "f32"), t([cout], "f32"),
            t([1, so, so, cout], "f32")))
        lines.append("    %%d%d = lowbit.add %%m%d, %%a%d : %s, %s -> %s" % (
            n + 1, n + 1, n, t([1, so, so, cout], "f32"), t([cout], "f32"),
            t([1, so, so, cout], "f32")))
        lines.append("    %%s%d = lowbit.sign %%d%d : %s -> %s" % (
            n + 1, n + 1, t([1, so, so, cout], "f32"),
            t([1, so, so, cout], bt)))
        cur = "%%s%d" % (n + 1)
    return ("func.func @resnet_binary(%%image: %s) -> %s {\n%s\n"
            "    return %s : %s\n  }" % (
                t([1, 224, 224, 3], x8), t([1, 7, 7, 512], "!lowbit.binary"),
                "\n".join(lines), cur, t([1, 7, 7, 512], "!lowbit.binary")))


DRIVER = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "resnet_int8.h"
#include "resnet_binary.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  enum { REPS = 20 };
  int8_t *image = malloc(RESNET_INT8_IN0_BYTES);
  int8_t *y8 = malloc(RESNET_INT8_OUT0_BYTES);
  uint8_t *yb = malloc(RESNET_BINARY_OUT0_BYTES);
  for (int i = 0; i < RESNET_INT8_IN0_BYTES; ++i)
    image[i] = (int8_t)((i * 7919) % 251 - 125);
  /* Each model in its own loop (the best of REPS calls): a threaded
     model's workers spin briefly after each call, which would steal a core
     from the other model if the calls alternated. The output checksums
     show that builds agree. */
  double t8 = 1e9, tb = 1e9;
  for (int r = 0; r < REPS; ++r) {
    double a = now();
    if (resnet_int8(image, y8)) return 1;
    double b = now();
    if (b - a < t8) t8 = b - a;
  }
  for (int r = 0; r < REPS; ++r) {
    double a = now();
    if (resnet_binary(image, yb)) return 1;
    double b = now();
    if (b - a < tb) tb = b - a;
  }
  unsigned long h8 = 1469598103934665603UL, hb = h8;
  for (int i = 0; i < RESNET_INT8_OUT0_BYTES; ++i)
    h8 = (h8 ^ (uint8_t)y8[i]) * 1099511628211UL;
  for (int i = 0; i < RESNET_BINARY_OUT0_BYTES; ++i)
    hb = (hb ^ yb[i]) * 1099511628211UL;
  printf("%f %f %016lx %016lx\n", t8, tb, h8, hb);
  return 0;
}
"""


def main(int8_path, binary_path, driver):
    for path, text in ((int8_path, int8_model()),
                       (binary_path, binary_model())):
        with open(path, "w") as f:
            f.write("module {\n  %s\n}\n" % text)
    with open(driver, "w") as f:
        f.write(DRIVER)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
