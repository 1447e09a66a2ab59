/* Runs the compiled int8 CNN on a synthetic 8x8 image and prints the ten
   class scores (stored int8 values and their real values) and the time per
   call. Build: cc int8_cnn_main.c int8_cnn.o -o int8_cnn */
#include "int8_cnn.h"

#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  int8_t image[INT8_CNN_IN0_ELEMENTS];
  int8_t scores[INT8_CNN_OUT0_ELEMENTS];
  /* A diagonal stroke on a dark background, quantized like the input. */
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) {
      float real =
          (x == y || x == y + 1) ? 1.5f : 0.1f * (float)((x * 3 + y) % 5);
      int q = (int)(real / INT8_CNN_IN0_SCALE + 0.5f) + INT8_CNN_IN0_ZERO_POINT;
      image[y * 8 + x] = (int8_t)(q > 127 ? 127 : q);
    }
  if (int8_cnn(image, scores) != 0) {
    fprintf(stderr, "int8_cnn failed\n");
    return 1;
  }
  int best = 0;
  for (int i = 0; i < INT8_CNN_OUT0_ELEMENTS; ++i) {
    printf("class %d: q = %4d  real = %7.3f\n", i, scores[i],
           INT8_CNN_OUT0_SCALE * (scores[i] - INT8_CNN_OUT0_ZERO_POINT));
    if (scores[i] > scores[best])
      best = i;
  }
  enum { REPS = 2000 };
  double t0 = now();
  for (int r = 0; r < REPS; ++r)
    int8_cnn(image, scores);
  double dt = (now() - t0) / REPS;
  printf("predicted class %d, %.2f us per inference\n", best, dt * 1e6);
  return 0;
}
