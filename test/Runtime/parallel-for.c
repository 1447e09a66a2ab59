// The thread pool linked into objects built with --threads, under
// ThreadSanitizer: every iteration of every loop runs exactly once, for
// loop sizes from 1 to more than the chunk count, with uneven chunks, with
// two callers at once (the second runs its loop alone) and with a
// caller-supplied parallel-for; TSan reports a race as a failure.
// REQUIRES: tsan
// RUN: %clang -fsanitize=thread -O1 -g %s %lowbit_src_root/lib/Target/Runtime/ParallelFor.c -o %t
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 %t | FileCheck %s
// CHECK: all loops covered

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*task_fn)(void *, long long, long long);
void lowbit_parallel_for(task_fn task, void *ctx, long long n, int threads);
void lowbit_set_parallel_for(void (*fn)(void *, task_fn, void *, long long),
                             void *user);

enum { MAX_N = 5003 };

struct job {
  int hits[MAX_N];
  int value;
};

static void mark(void *ctx, long long begin, long long end) {
  struct job *job = ctx;
  for (long long i = begin; i < end; ++i)
    job->hits[i] += job->value;
}

static int run_loops(struct job *job, int threads, int seed) {
  for (int round = 0; round < 300; ++round) {
    long long n = 1 + (round * 7919 + seed) % MAX_N;
    job->value = round + 1;
    for (long long i = 0; i < n; ++i)
      job->hits[i] = 0;
    lowbit_parallel_for(mark, job, n, threads);
    for (long long i = 0; i < n; ++i)
      if (job->hits[i] != round + 1) {
        printf("round %d: iteration %lld ran %d times\n", round, i,
               job->hits[i] / (round + 1));
        return 1;
      }
  }
  return 0;
}

static void *second_caller(void *arg) {
  static struct job job;
  return (void *)(long)run_loops(&job, 3, 17);
}

static int user_calls;
static void serial_parallel_for(void *user, task_fn task, void *ctx,
                                long long n) {
  ++*(int *)user;
  task(ctx, 0, n);
}

int main(void) {
  static struct job job;
  if (run_loops(&job, 3, 0))
    return 1;
  pthread_t other;
  pthread_create(&other, 0, second_caller, 0);
  int failed = run_loops(&job, 3, 5);
  void *result;
  pthread_join(other, &result);
  if (failed || result)
    return 1;
  lowbit_set_parallel_for(serial_parallel_for, &user_calls);
  if (run_loops(&job, 3, 9) || user_calls != 300) {
    printf("the caller-supplied parallel-for ran %d times\n", user_calls);
    return 1;
  }
  lowbit_set_parallel_for(0, 0);
  if (run_loops(&job, 2, 11))
    return 1;
  printf("all loops covered\n");
  return 0;
}
