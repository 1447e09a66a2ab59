/* FP32 baseline: OpenBLAS sgemm, single thread, same M, N, K. Prints the
   best of REPS runs in seconds. Other sizes: -DSGEMM_M=.. -DSGEMM_N=..
   -DSGEMM_K=.. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
#ifndef SGEMM_M
#define SGEMM_M 1024
#define SGEMM_N 1024
#define SGEMM_K 4096
#endif
  enum { M = SGEMM_M, N = SGEMM_N, K = SGEMM_K, REPS = 5 };
  openblas_set_num_threads(1);
  float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N),
        *c = malloc(sizeof(float) * M * N);
  for (long i = 0; i < (long)M * K; ++i)
    a[i] = (float)((i * 7919) % 13) - 6.0f;
  for (long i = 0; i < (long)K * N; ++i)
    b[i] = (float)((i * 104729) % 11) - 5.0f;
  double best = 1e9;
  for (int r = 0; r < REPS; ++r) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, K,
                b, N, 0.0f, c, N);
    double t = now() - t0;
    if (t < best)
      best = t;
  }
  printf("%f\n", best);
  return c[(M * N) / 2] == 12345.0f; /* keep the result alive */
}
