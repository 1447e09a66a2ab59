/* Runs the compiled ternary network on four synthetic tokens and prints the
   int8 logits (stored values and real values), the f32 copy the model also
   returns, and the time per call, averaged over REPS calls (default 1000;
   under qemu-aarch64 pass a smaller count, e.g. ./ternary_net 200).
   Build: lowbit-compile ternary_net.mlir -o ternary_net.o
          cc ternary_net_main.c ternary_net.o -o ternary_net */
#include "ternary_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 1000;
  if (reps < 1)
    reps = 1;
  enum { TOKENS = 4, FEATURES = 32, CLASSES = 10 };
  _Static_assert(TERNARY_NET_IN0_ELEMENTS == TOKENS * FEATURES, "shape");
  _Static_assert(TERNARY_NET_OUT0_ELEMENTS == TOKENS * CLASSES, "shape");
  int8_t x[TERNARY_NET_IN0_ELEMENTS];
  int8_t logits[TERNARY_NET_OUT0_ELEMENTS];
  float real[TERNARY_NET_OUT1_ELEMENTS];
  /* Token t: a wave whose frequency depends on t, real values in [-3, 3]. */
  for (int t = 0; t < TOKENS; ++t)
    for (int f = 0; f < FEATURES; ++f) {
      int tri = ((f * (t + 1)) % 16) - 8; /* -8..7 */
      float v = 0.375f * (float)tri;
      float q = v / TERNARY_NET_IN0_SCALE + TERNARY_NET_IN0_ZERO_POINT;
      int qi = (int)(q < 0 ? q - 0.5f : q + 0.5f);
      x[t * FEATURES + f] = (int8_t)(qi > 127 ? 127 : qi < -128 ? -128 : qi);
    }
  if (ternary_net(x, logits, real) != 0) {
    fprintf(stderr, "ternary_net failed\n");
    return 1;
  }
  for (int t = 0; t < TOKENS; ++t) {
    int best = 0;
    printf("token %d:\n", t);
    for (int c = 0; c < CLASSES; ++c) {
      int i = t * CLASSES + c;
      printf("  class %d: q = %4d  real = %7.3f  (f32 output %7.3f)\n", c,
             logits[i],
             TERNARY_NET_OUT0_SCALE * (logits[i] - TERNARY_NET_OUT0_ZERO_POINT),
             real[i]);
      if (logits[i] > logits[t * CLASSES + best])
        best = c;
    }
    printf("  predicted class %d\n", best);
  }
  double t0 = now();
  for (int r = 0; r < reps; ++r)
    ternary_net(x, logits, real);
  double dt = (now() - t0) / reps;
  printf("%.2f us per inference (%d reps)\n", dt * 1e6, reps);
  return 0;
}
