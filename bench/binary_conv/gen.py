#!/usr/bin/env python3
"""Writes the binary conv2d benchmark: two models (3x3 binary conv2d,
C -> O channels at H x W, padding 1, with `pad_value one` and with
`pad_value zero`, constant weights, int32 dot products out) and a C driver
that times both through the C ABI (packed binary input) against an FP32
conv of the same shape as im2col + OpenBLAS sgemm.

    gen.py MODEL_ONE.mlir MODEL_ZERO.mlir DRIVER.c [C O H W]
"""
import random
import sys


def model(path, name, c, o, h, w, pad_value):
    rng = random.Random(2)
    wb = bytes(rng.choice((1, 255)) for _ in range(o * 9 * c))
    t_in = f"tensor<1x{h}x{w}x{c}x!lowbit.binary>"
    t_w = f"tensor<{o}x3x3x{c}x!lowbit.binary>"
    t_out = f"tensor<1x{h}x{w}x{o}x!quant.uniform<i32:f32, 1.0>>"
    with open(path, "w") as f:
        f.write(f"""func.func @{name}(%x: {t_in}) -> {t_out} {{
  %w = lowbit.constant dense<"0x{wb.hex()}"> : tensor<{o}x3x3x{c}xi8> as {t_w}
  %y = lowbit.conv2d %x, %w padding [1, 1, 1, 1] pad_value {pad_value}
      : {t_in}, {t_w} -> {t_out}
  return %y : {t_out}
}}
""")


DRIVER = r"""
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "conv_one.h"
#include "conv_zero.h"

enum { C = %(c)d, O = %(o)d, H = %(h)d, W = %(w)d, REPS = 20 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* FP32 baseline: NHWC im2col (padding 1) then [H*W, 9C] x [9C, O]. */
static void conv_f32(const float *x, const float *w, float *col, float *y) {
  for (int i = 0; i < H; ++i)
    for (int j = 0; j < W; ++j)
      for (int ki = 0; ki < 3; ++ki)
        for (int kj = 0; kj < 3; ++kj) {
          float *dst = col + ((size_t)(i * W + j) * 9 + ki * 3 + kj) * C;
          int ii = i + ki - 1, jj = j + kj - 1;
          if (ii < 0 || ii >= H || jj < 0 || jj >= W)
            memset(dst, 0, sizeof(float) * C);
          else
            memcpy(dst, x + ((size_t)ii * W + jj) * C, sizeof(float) * C);
        }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, H * W, O, 9 * C, 1.0f,
              col, 9 * C, w, O, 0.0f, y, O);
}

int main(void) {
  openblas_set_num_threads(1);
  uint8_t *xb = malloc((size_t)H * W * C / 8);
  int32_t *y1 = malloc(sizeof(int32_t) * H * W * O);
  int32_t *y2 = malloc(sizeof(int32_t) * H * W * O);
  float *xf = malloc(sizeof(float) * H * W * C);
  float *wf = malloc(sizeof(float) * 9 * C * O);
  float *col = malloc(sizeof(float) * H * W * 9 * C);
  float *yf = malloc(sizeof(float) * H * W * O);
  uint64_t s = 88172645463325252ull;
  for (size_t i = 0; i < (size_t)H * W * C / 8; ++i) {
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    xb[i] = (uint8_t)s;
  }
  for (size_t i = 0; i < (size_t)H * W * C; ++i)
    xf[i] = (xb[i / 8] >> (i %% 8)) & 1 ? -1.0f : 1.0f;
  for (size_t i = 0; i < (size_t)9 * C * O; ++i)
    wf[i] = (float)((i * 2654435761u) %% 3) - 1.0f;
  double t1 = 1e9, t2 = 1e9, tf = 1e9;
  for (int r = 0; r < REPS; ++r) {
    double a = now();
    if (conv_one(xb, y1)) return 1;
    double b = now();
    if (conv_zero(xb, y2)) return 1;
    double c = now();
    conv_f32(xf, wf, col, yf);
    double d = now();
    if (b - a < t1) t1 = b - a;
    if (c - b < t2) t2 = c - b;
    if (d - c < tf) tf = d - c;
  }
  printf("%%f %%f %%f\n", t1, t2, tf);
  return y1[7] == 123456789 && yf[3] == 1234.5f;
}
"""


def main(one, zero, driver, c=256, o=256, h=14, w=14):
    model(one, "conv_one", c, o, h, w, "one")
    model(zero, "conv_zero", c, o, h, w, "zero")
    with open(driver, "w") as f:
        f.write(DRIVER % {"c": c, "o": o, "h": h, "w": w})


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (3, 7):
        sys.exit(__doc__)
    main(*args[:3], *map(int, args[3:]))
