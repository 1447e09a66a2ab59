/* Runs the compiled binary CNN on a synthetic 8x8 RGB image and prints the
   ten f32 logits (their bit patterns and values) and the time per call,
   averaged over REPS calls (default 1000; under qemu-aarch64 pass a smaller
   count, e.g. ./binary_net 200).
   Build: lowbit-compile binary_net.mlir -o binary_net.o
          cc binary_net_main.c binary_net.o -o binary_net */
#include "binary_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  int8_t image[BINARY_NET_IN0_ELEMENTS];
  float logits[BINARY_NET_OUT0_ELEMENTS];
  /* A red diagonal stroke, a green ring and a blue gradient, quantized like
     the input (real values in [-1, 1]). */
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) {
      int r2 = (2 * x - 7) * (2 * x - 7) + (2 * y - 7) * (2 * y - 7);
      float rgb[3] = {x == y ? 1.0f : -0.5f, r2 > 20 && r2 < 40 ? 0.9f : -0.3f,
                      (float)(x + y) / 7.0f - 1.0f};
      for (int c = 0; c < 3; ++c) {
        float q = rgb[c] / BINARY_NET_IN0_SCALE + BINARY_NET_IN0_ZERO_POINT;
        int qi = (int)(q < 0 ? q - 0.5f : q + 0.5f);
        image[(y * 8 + x) * 3 + c] = (int8_t)(qi > 127    ? 127
                                              : qi < -128 ? -128
                                                          : qi);
      }
    }
  if (binary_net(image, logits) != 0) {
    fprintf(stderr, "binary_net failed\n");
    return 1;
  }
  int best = 0;
  for (int i = 0; i < BINARY_NET_OUT0_ELEMENTS; ++i) {
    uint32_t bits;
    memcpy(&bits, &logits[i], sizeof bits);
    printf("class %d: f32 bits = 0x%08x  real = %9.5f\n", i, (unsigned)bits,
           logits[i]);
    if (logits[i] > logits[best])
      best = i;
  }
  double t0 = now();
  for (int r = 0; r < reps; ++r)
    binary_net(image, logits);
  double dt = (now() - t0) / reps;
  printf("predicted class %d, %.2f us per inference (%d reps)\n", best,
         dt * 1e6, reps);
  return 0;
}
