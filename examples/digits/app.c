/* Classifies the 360 digits test images with a model compiled by
 * lowbit-compile --function-name=digits, and prints its accuracy.
 *
 *   lowbit-compile examples/digits/cnn_qdq.onnx -O3 --function-name=digits \
 *       -o digits.o                       # also writes digits.h
 *   cc -I. examples/digits/app.c digits.o -o app -lm
 *   ./app examples/digits/data/test_x.npy examples/digits/data/test_y.npy
 *
 * The model takes one 1x1x8x8 float image (NCHW, pixels in [0, 1], as the
 * ONNX model does) and returns 10 float logits. The .npy files are read
 * directly: a short header, then the raw little-endian array.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits.h"

/* Reads the payload of an .npy file of `count` elements of `size` bytes. */
static void *read_npy(const char *path, size_t size, size_t count) {
  FILE *f = fopen(path, "rb");
  unsigned char head[10];
  if (!f || fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6)) {
    fprintf(stderr, "%s: not an .npy file\n", path);
    exit(1);
  }
  /* Version 1: 2-byte header length; 2 and 3: 4-byte. */
  size_t header = head[8] | (size_t)head[9] << 8;
  if (head[6] >= 2) {
    unsigned char more[2];
    if (fread(more, 1, 2, f) != 2) {
      fprintf(stderr, "%s: truncated header\n", path);
      exit(1);
    }
    header |= (size_t)more[0] << 16 | (size_t)more[1] << 24;
  }
  void *data = malloc(size * count);
  if (!data || fseek(f, (long)header, SEEK_CUR) ||
      fread(data, size, count, f) != count) {
    fprintf(stderr, "%s: expected %zu elements of %zu bytes\n", path, count,
            size);
    exit(1);
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  enum { N = 360, PIXELS = 64, CLASSES = 10 };
  if (argc != 3) {
    fprintf(stderr, "usage: %s test_x.npy test_y.npy\n", argv[0]);
    return 2;
  }
  float *images = read_npy(argv[1], sizeof(float), (size_t)N * PIXELS);
  int64_t *labels = read_npy(argv[2], sizeof(int64_t), N);
  int correct = 0;
  for (int i = 0; i < N; ++i) {
    float logits[CLASSES];
    if (digits(images + (size_t)i * PIXELS, logits) != 0) {
      fprintf(stderr, "the model failed on image %d\n", i);
      return 1;
    }
    int best = 0;
    for (int c = 1; c < CLASSES; ++c)
      if (logits[c] > logits[best])
        best = c;
    correct += best == labels[i];
  }
  printf("accuracy %.4f (%d of %d test images)\n", (double)correct / N,
         correct, N);
  free(images);
  free(labels);
  return 0;
}
