#!/usr/bin/env python3
"""Writes the sub-byte weight benchmark: the digits-MLP-shaped model
(64 -> 32 -> 10, int8 activations, batch 1) with int8, int4, int2 and
ternary weights (the models of test/Target/Inputs/mlp_weight_bytes.py), one
module per width, and a C driver that times them interleaved.

    gen.py WORKDIR
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "test", "Target", "Inputs"))
import mlp_weight_bytes as mlp  # noqa: E402

DRIVER = r"""
#include <stdint.h>
#include <stdio.h>
#include <time.h>
%(includes)s

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef int32_t (*model_fn)(const int8_t *, int8_t *);

int main(void) {
  enum { CALLS = 20000, ROUNDS = 15, N = %(n)d };
  static const model_fn fns[N] = {%(fns)s};
  static const char *names[N] = {%(names)s};
  double best[N];
  int8_t x[64], y[10];
  for (int i = 0; i < 64; ++i)
    x[i] = (int8_t)(i * 37 + 11);
  for (int f = 0; f < N; ++f)
    best[f] = 1e9;
  /* Rounds interleave the models so that they share the machine's noise. */
  for (int r = 0; r < ROUNDS; ++r)
    for (int f = 0; f < N; ++f) {
      double t0 = now();
      for (int c = 0; c < CALLS; ++c) {
        if (fns[f](x, y))
          return 1;
        x[c & 63] ^= y[c %% 10];
      }
      double t = (now() - t0) / CALLS;
      if (t < best[f])
        best[f] = t;
    }
  for (int f = 0; f < N; ++f)
    printf("%%s %%.3f\n", names[f], best[f] * 1e9);
  return 0;
}
"""


def main(work):
    names = [name for name, _, _, _ in mlp.TYPES]
    for name, wtype, lo, hi in mlp.TYPES:
        with open(os.path.join(work, name + ".mlir"), "w") as f:
            f.write(mlp.model("mlp_" + name, wtype, lo, hi, random.Random(5)))
    with open(os.path.join(work, "driver.c"), "w") as f:
        f.write(DRIVER % {
            "includes": "\n".join(f'#include "{n}.h"' for n in names),
            "n": len(names),
            "fns": ", ".join(f"(model_fn)mlp_{n}" for n in names),
            "names": ", ".join(f'"{n}"' for n in names)})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
