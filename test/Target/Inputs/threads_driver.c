/* Runs a model compiled with --threads=2 through its thread pool, through
   a caller-supplied parallel-for (chunks in reverse order), and again
   through the pool, and compares the outputs with those of the same model
   compiled without threads: all must be equal byte for byte. */
#include <stdio.h>
#include <string.h>

#include "threaded.h"
int serial_int8_cnn(const int8_t *in0, int8_t *out0);

static int calls;
static void reversed(void *user, lowbit_task_fn task, void *ctx, int64_t n) {
  ++*(int *)user;
  for (int64_t k = 3; k-- > 0;)
    task(ctx, n * k / 3, n * (k + 1) / 3);
}

int main(void) {
  int8_t image[INT8_CNN_IN0_BYTES];
  for (int i = 0; i < INT8_CNN_IN0_BYTES; ++i)
    image[i] = (int8_t)(i * 37 - 100);
  int8_t want[INT8_CNN_OUT0_BYTES], got[INT8_CNN_OUT0_BYTES];
  if (serial_int8_cnn(image, want))
    return 1;
  for (int round = 0; round < 3; ++round) {
    if (round == 1)
      int8_cnn_set_parallel_for(reversed, &calls);
    if (round == 2)
      int8_cnn_set_parallel_for(NULL, NULL);
    memset(got, 0x5a, sizeof got);
    if (int8_cnn(image, got) || memcmp(got, want, sizeof got)) {
      printf("round %d differs\n", round);
      return 1;
    }
  }
  printf("equal; the caller's parallel-for ran %s\n",
         calls > 0 ? "its loops" : "nothing");
  return 0;
}
