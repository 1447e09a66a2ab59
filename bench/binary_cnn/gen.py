#!/usr/bin/env python3
"""Writes the digits-sized binary CNN benchmark: the bundled Larq-style
binary CNN (examples/binary_net.mlir: 8x8x3 int8 image, conv 16 int8 x
binary, conv 32 and conv 32 binary x binary with max pooling, a binary
128 -> 10 dense layer) and its int8 twin (the same layers, shapes and
pooling with int8 weights and activations, ReLU where the binary net has
its sign), and a C driver that times both through the C ABI, interleaved.

    gen.py WORKDIR
"""
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")

ACT = "!quant.uniform<i8:f32, 0.05:-128>"
IMG = "!quant.uniform<i8:f32, 0.015625:0>"


def weights(rng, shape):
    n = 1
    for d in shape:
        n *= d
    hexes = bytes(rng.randint(-127, 127) & 0xFF for _ in range(n)).hex()
    dims = "x".join(map(str, shape))
    return (f'lowbit.constant dense<"0x{hexes}"> : tensor<{dims}xi8> as '
            f"tensor<{dims}x!quant.uniform<i8:f32, 0.004>>")


def int8_twin():
    rng = random.Random(7)
    w = "!quant.uniform<i8:f32, 0.004>"
    return f"""module attributes {{lowbit.requant_mode = #lowbit.requant_mode<fixed_point>}} {{
  func.func @int8_twin(%image: tensor<1x8x8x3x{IMG}>) -> tensor<1x10xf32> {{
    %w1 = {weights(rng, [16, 3, 3, 3])}
    %c1 = lowbit.conv2d %image, %w1 padding [1, 1, 1, 1] act(relu) : tensor<1x8x8x3x{IMG}>, tensor<16x3x3x3x{w}> -> tensor<1x8x8x16x{ACT}>
    %w2 = {weights(rng, [32, 3, 3, 16])}
    %c2 = lowbit.conv2d %c1, %w2 padding [1, 1, 1, 1] act(relu) : tensor<1x8x8x16x{ACT}>, tensor<32x3x3x16x{w}> -> tensor<1x8x8x32x{ACT}>
    %p2 = lowbit.max_pool2d %c2 kernel [2, 2] : tensor<1x8x8x32x{ACT}> -> tensor<1x4x4x32x{ACT}>
    %w3 = {weights(rng, [32, 3, 3, 32])}
    %c3 = lowbit.conv2d %p2, %w3 padding [1, 1, 1, 1] act(relu) : tensor<1x4x4x32x{ACT}>, tensor<32x3x3x32x{w}> -> tensor<1x4x4x32x{ACT}>
    %p3 = lowbit.max_pool2d %c3 kernel [2, 2] : tensor<1x4x4x32x{ACT}> -> tensor<1x2x2x32x{ACT}>
    %flat = tensor.collapse_shape %p3 [[0], [1, 2, 3]] : tensor<1x2x2x32x{ACT}> into tensor<1x128x{ACT}>
    %wf = {weights(rng, [128, 10])}
    %fc = lowbit.matmul %flat, %wf : tensor<1x128x{ACT}>, tensor<128x10x{w}> -> tensor<1x10xf32>
    return %fc : tensor<1x10xf32>
  }}
}}
"""


DRIVER = r"""
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "binary_net.h"
#include "int8_twin.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  enum { CALLS = 20000, ROUNDS = 15 };
  int8_t x[8 * 8 * 3];
  float y[10];
  double best[2] = {1e9, 1e9};
  for (int i = 0; i < (int)sizeof x; ++i)
    x[i] = (int8_t)(i * 29 + 5);
  for (int r = 0; r < ROUNDS; ++r)
    for (int m = 0; m < 2; ++m) {
      double t0 = now();
      for (int c = 0; c < CALLS; ++c)
        if ((m ? int8_twin(x, y) : binary_net(x, y)) != 0)
          return 1;
      double t = (now() - t0) / CALLS;
      if (t < best[m])
        best[m] = t;
    }
  printf("%.3f %.3f\n", best[0] * 1e9, best[1] * 1e9);
  return 0;
}
"""


def main(work):
    shutil.copy(os.path.join(ROOT, "examples", "binary_net.mlir"),
                os.path.join(work, "binary_net.mlir"))
    with open(os.path.join(work, "int8_twin.mlir"), "w") as f:
        f.write(int8_twin())
    with open(os.path.join(work, "driver.c"), "w") as f:
        f.write(DRIVER)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
