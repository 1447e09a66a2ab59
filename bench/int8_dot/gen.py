#!/usr/bin/env python3
"""Writes the int8 benchmark model and its C driver.

mm:   u8 activations (M x K, zero point 128) x constant i8 weights
      (K x N, per-channel) -> requantized u8, M = 256, K = N = 1024.
conv: 3x3 conv2d, padding 1, u8 56x56x64 -> 64 channels, requantized.
dw:   3x3 depthwise conv2d, padding 1, u8 56x56x128, requantized.

The driver calls each function REPS times and prints the best time of each
in seconds, one per line.
"""
import random
import sys

M, K, N = 256, 1024, 1024
H, W, C, O = 56, 56, 64, 64
D = 128
REPS = 20


def tensor(shape, elt):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [elt])


def const(rng, shape):
    n = 1
    for d in shape:
        n *= d
    data = bytes(rng.randrange(-127, 128) & 0xFF for _ in range(n))
    return 'dense<"0x%s"> : %s' % (data.hex().upper(), tensor(shape, "i8"))


def main(model, driver):
    rng = random.Random(7)
    ua = "!quant.uniform<u8:f32, 0.02:128>"
    uo = "!quant.uniform<u8:f32, 0.5:128>"
    wm = "!quant.uniform<i8<-127:127>:f32:1, {%s}>" % ", ".join(
        "%.4f" % rng.uniform(0.001, 0.01) for _ in range(N))
    wc = "!quant.uniform<i8<-127:127>:f32:0, {%s}>" % ", ".join(
        "%.4f" % rng.uniform(0.001, 0.01) for _ in range(O))
    wd = "!quant.uniform<i8<-127:127>:f32:0, {%s}>" % ", ".join(
        "%.4f" % rng.uniform(0.001, 0.01) for _ in range(D))
    with open(model, "w") as f:
        f.write(f"""func.func @mm(%a: {tensor([M, K], ua)}) -> {tensor([M, N], uo)} {{
  %w = lowbit.constant {const(rng, [K, N])} as {tensor([K, N], wm)}
  %c = lowbit.matmul %a, %w : {tensor([M, K], ua)}, {tensor([K, N], wm)} -> {tensor([M, N], uo)}
  return %c : {tensor([M, N], uo)}
}}
func.func @dw(%a: {tensor([1, H, W, D], ua)}) -> {tensor([1, H, W, D], uo)} {{
  %w = lowbit.constant {const(rng, [D, 3, 3, 1])} as {tensor([D, 3, 3, 1], wd)}
  %c = lowbit.conv2d %a, %w padding [1, 1, 1, 1] groups {D} : {tensor([1, H, W, D], ua)}, {tensor([D, 3, 3, 1], wd)} -> {tensor([1, H, W, D], uo)}
  return %c : {tensor([1, H, W, D], uo)}
}}
func.func @conv(%a: {tensor([1, H, W, C], ua)}) -> {tensor([1, H, W, O], uo)} {{
  %w = lowbit.constant {const(rng, [O, 3, 3, C])} as {tensor([O, 3, 3, C], wc)}
  %c = lowbit.conv2d %a, %w padding [1, 1, 1, 1] : {tensor([1, H, W, C], ua)}, {tensor([O, 3, 3, C], wc)} -> {tensor([1, H, W, O], uo)}
  return %c : {tensor([1, H, W, O], uo)}
}}
""")
    with open(driver, "w") as f:
        f.write(f"""#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int mm(const uint8_t *, uint8_t *);
int conv(const uint8_t *, uint8_t *);
int dw(const uint8_t *, uint8_t *);
static double now(void) {{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}}
int main(void) {{
  static uint8_t a[{M * K}], b[{M * N}], x[{H * W * C}], y[{H * W * O}];
  static uint8_t u[{H * W * D}], v[{H * W * D}];
  for (unsigned i = 0; i < sizeof a; ++i) a[i] = (uint8_t)(i * 2654435761u >> 13);
  for (unsigned i = 0; i < sizeof x; ++i) x[i] = (uint8_t)(i * 2246822519u >> 11);
  for (unsigned i = 0; i < sizeof u; ++i) u[i] = (uint8_t)(i * 3266489917u >> 12);
  double best[3] = {{1e9, 1e9, 1e9}};
  unsigned sum = 0;
  for (int r = 0; r < {REPS}; ++r) {{
    double t0 = now();
    if (mm(a, b)) return 1;
    double t1 = now();
    if (conv(x, y)) return 1;
    double t2 = now();
    if (dw(u, v)) return 1;
    double t3 = now();
    if (t1 - t0 < best[0]) best[0] = t1 - t0;
    if (t2 - t1 < best[1]) best[1] = t2 - t1;
    if (t3 - t2 < best[2]) best[2] = t3 - t2;
    sum += b[r] + y[r] + v[r];
  }}
  printf("%.9f\\n%.9f\\n%.9f\\n", best[0], best[1], best[2]);
  fprintf(stderr, "checksum %u\\n", sum);
  return 0;
}}
""")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
