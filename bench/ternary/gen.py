#!/usr/bin/env python3
"""Writes the ternary benchmark: models with constant weights, through the
C ABI, and their C driver:

  tt_mm:   ternary x ternary matmul M x K x N      (2-bit packed input)
  i8_mm:   int8 x int8 matmul, same shape          (the int8 baseline)
  it_gemv: int8 x ternary GEMV 1 x K x N (2-bit weights in the object)
  i8_gemv: int8 x int8 GEMV, same shape
  i4_gemv: int8 x int4 GEMV, same shape    (4-bit weights in the object)

    gen.py MODELS.mlir DRIVER.c [M K N]
"""
import random
import sys

rng = random.Random(3)
TR = "!quant.uniform<i2<-1:1>:f32, 0.5>"
I8 = "!quant.uniform<i8:f32, 0.05>"
I4 = "!quant.uniform<i4:f32, 0.25>"
ACC = "!quant.uniform<i32:f32, 1.0>"


def t(shape, elt):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [elt])


def fn(name, m, k, n, a, w, wvals):
    wb = bytes(v & 0xFF for v in wvals).hex()
    return f"""  func.func @{name}(%x: {t([m, k], a)}) -> {t([m, n], ACC)} {{
    %w = lowbit.constant dense<"0x{wb}"> : {t([k, n], "i8")} as {t([k, n], w)}
    %y = lowbit.matmul %x, %w : {t([m, k], a)}, {t([k, n], w)} -> {t([m, n], ACC)}
    return %y : {t([m, n], ACC)}
  }}"""


DRIVER = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "models.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Ternary crumbs in {0, +1, -1} (00, 01, 11), four per byte. */
static void ternary(uint8_t *p, size_t n, uint64_t *s) {
  static const uint8_t crumb[3] = {0, 1, 3};
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = 0;
    for (int j = 0; j < 4; ++j) {
      *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
      b |= crumb[*s %% 3] << (2 * j);
    }
    p[i] = b;
  }
}

#define TIME(call, best)                                                       \
  do {                                                                         \
    double t0 = now();                                                         \
    if (call) return 1;                                                        \
    double t1 = now() - t0;                                                    \
    if (t1 < best) best = t1;                                                  \
  } while (0)

int main(void) {
  enum { REPS = 7 };
  uint64_t s = 88172645463325252ull;
  uint8_t *xt = malloc(TT_MM_IN0_BYTES);
  int8_t *x8 = malloc(I8_MM_IN0_BYTES), *g8 = malloc(I8_GEMV_IN0_BYTES);
  int32_t *y = malloc(TT_MM_OUT0_BYTES);
  ternary(xt, TT_MM_IN0_BYTES, &s);
  for (int i = 0; i < I8_MM_IN0_BYTES; ++i) x8[i] = (int8_t)(i * 37);
  for (int i = 0; i < I8_GEMV_IN0_BYTES; ++i) g8[i] = (int8_t)(i * 41);
  double a = 1e9, b = 1e9, c = 1e9, d = 1e9, e = 1e9;
  for (int r = 0; r < REPS; ++r) {
    TIME(tt_mm(xt, y), a);
    TIME(i8_mm(x8, y), b);
    for (int j = 0; j < 20; ++j) {
      TIME(it_gemv(g8, y), c);
      TIME(i8_gemv(g8, y), d);
      TIME(i4_gemv(g8, y), e);
    }
  }
  printf("%%f %%f %%f %%f %%f\n", a, b, c, d, e);
  return 0;
}
"""


def main(models, driver, m=1024, k=4096, n=1024):
    tern = [rng.choice((-1, 0, 1)) for _ in range(k * n)]
    i8 = [rng.randint(-127, 127) for _ in range(k * n)]
    i4 = [rng.randint(-8, 7) for _ in range(k * n)]
    with open(models, "w") as f:
        f.write("module {\n%s\n}\n" % "\n".join([
            fn("tt_mm", m, k, n, TR, TR, tern),
            fn("i8_mm", m, k, n, I8, I8, i8),
            fn("it_gemv", 1, k, n, I8, TR, tern),
            fn("i8_gemv", 1, k, n, I8, I8, i8),
            fn("i4_gemv", 1, k, n, I8, I4, i4)]))
    with open(driver, "w") as f:
        f.write(DRIVER % {})


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (2, 5):
        sys.exit(__doc__)
    main(args[0], args[1], *map(int, args[2:]))
