#!/usr/bin/env python3
"""Writes the binary matmul benchmark: a model C = A x W over {-1, +1}
(A [M, K] a run-time input, packed 8 values per byte by the C ABI; W [K, N]
a constant) and its C driver, which times the compiled model through the C
ABI against a plain C 4x4-tiled XNOR-popcount loop on the same packed bits
(clang -O3 -march=native) and checks that both give the same dot products.

    gen.py MODEL.mlir DRIVER.c [M N K]
"""
import random
import sys


def main(model, driver, m=1024, n=1024, k=4096):
    rng = random.Random(1)
    w = [rng.choice((1, -1)) for _ in range(k * n)]
    wbytes = bytes(v & 0xFF for v in w)
    with open(model, "w") as f:
        f.write(f"""!b = !lowbit.binary
func.func @bmm(%a: tensor<{m}x{k}x!b>) -> tensor<{m}x{n}x!quant.uniform<i32:f32, 1.0>> {{
  %w = lowbit.constant dense<"0x{wbytes.hex()}"> : tensor<{k}x{n}xi8> as tensor<{k}x{n}x!b>
  %c = lowbit.matmul %a, %w : tensor<{m}x{k}x!b>, tensor<{k}x{n}x!b>
      -> tensor<{m}x{n}x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<{m}x{n}x!quant.uniform<i32:f32, 1.0>>
}}
""")
    # W transposed to [N, K] bits (bit 1 = -1), for the C loop.
    wt = bytearray(n * k // 8)
    for kk in range(k):
        for nn in range(n):
            if w[kk * n + nn] < 0:
                bit = nn * k + kk
                wt[bit // 8] |= 1 << (bit % 8)
    with open(driver, "w") as f:
        f.write(DRIVER % {"m": m, "n": n, "k": k,
                          "wt": ",".join(str(b) for b in wt)})


DRIVER = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bmm.h"

enum { M = %(m)d, N = %(n)d, K = %(k)d, KW = K / 64, REPS = 5 };
static const uint8_t wt_bytes[] = {%(wt)s};

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* The plain C baseline: a 4x4 tile of outputs, 64-bit words, popcount. */
static void tiled(const uint64_t *a, const uint64_t *w, int32_t *c) {
  for (int i = 0; i < M; i += 4)
    for (int j = 0; j < N; j += 4) {
      int64_t acc[4][4] = {{0}};
      for (int q = 0; q < KW; ++q)
        for (int r = 0; r < 4; ++r)
          for (int s = 0; s < 4; ++s)
            acc[r][s] += __builtin_popcountll(a[(i + r) * KW + q] ^
                                              w[(j + s) * KW + q]);
      for (int r = 0; r < 4; ++r)
        for (int s = 0; s < 4; ++s)
          c[(i + r) * N + j + s] = K - 2 * (int32_t)acc[r][s];
    }
}

int main(void) {
  uint8_t *a = aligned_alloc(64, (size_t)M * K / 8);
  uint64_t *w = aligned_alloc(64, sizeof(wt_bytes));
  int32_t *c1 = aligned_alloc(64, sizeof(int32_t) * M * N);
  int32_t *c2 = aligned_alloc(64, sizeof(int32_t) * M * N);
  uint64_t s = 88172645463325252ull;
  for (size_t i = 0; i < (size_t)M * K / 8; ++i) {
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    a[i] = (uint8_t)s;
  }
  memcpy(w, wt_bytes, sizeof(wt_bytes));
  double best1 = 1e9, best2 = 1e9;
  for (int r = 0; r < REPS; ++r) {
    double t0 = now();
    if (bmm(a, c1) != 0) { fprintf(stderr, "bmm failed\n"); return 1; }
    double t1 = now();
    tiled((const uint64_t *)a, w, c2);
    double t2 = now();
    if (t1 - t0 < best1) best1 = t1 - t0;
    if (t2 - t1 < best2) best2 = t2 - t1;
  }
  if (memcmp(c1, c2, sizeof(int32_t) * M * N) != 0) {
    fprintf(stderr, "lowbit and the C loop disagree\n");
    return 1;
  }
  printf("%%f %%f\n", best1, best2);
  return 0;
}
"""

if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (2, 5):
        sys.exit(__doc__)
    main(args[0], args[1], *map(int, args[2:]))
