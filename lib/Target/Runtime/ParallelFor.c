/*===- ParallelFor.c - the thread pool linked into threaded models --------===*
 *
 * Part of the lowbit project.
 *
 * Compiled to LLVM bitcode for each target when lowbit is built, and linked
 * (with internal linkage) into every object compiled with --threads=N > 1:
 * a model needs nothing beyond libc. No system header is included so one
 * source compiles for every target; the pthread objects are opaque,
 * zero-initialised storage, which is PTHREAD_*_INITIALIZER in glibc on
 * x86-64 and AArch64, and at least as large and aligned as glibc's types.
 *
 * lowbit_parallel_for(task, ctx, n, threads) runs task(ctx, begin, end)
 * over [0, n) split into `threads` contiguous chunks: chunk 0 on the
 * calling thread, the others on worker threads created once, on the first
 * call, and kept waiting on a condition variable. The chunks are the same
 * whatever the timing, and each output element is computed by exactly one
 * chunk with the same code, so results are bit-identical to one thread.
 * A second caller arriving while the pool is busy (a model called from two
 * threads at once) runs its loop alone on its own thread. A caller can
 * replace the pool with its own parallel-for through
 * lowbit_set_parallel_for.
 *===----------------------------------------------------------------------===*/

typedef long long i64;
typedef void (*lowbit_task)(void *ctx, i64 begin, i64 end);
typedef void (*lowbit_user_parallel_for)(void *user, lowbit_task task,
                                         void *ctx, i64 n);

typedef struct {
  _Alignas(16) unsigned char bytes[64];
} lock_storage;
typedef struct {
  _Alignas(16) unsigned char bytes[64];
} cond_storage;
typedef unsigned long thread_id;

int pthread_mutex_lock(lock_storage *);
int pthread_mutex_trylock(lock_storage *);
int pthread_mutex_unlock(lock_storage *);
int pthread_cond_wait(cond_storage *, lock_storage *);
int pthread_cond_broadcast(cond_storage *);
int pthread_create(thread_id *, const void *, void *(*)(void *), void *);
int pthread_detach(thread_id);

enum {
  MAX_THREADS = 64,
  /* Polls of a waiting thread before it sleeps on a condition variable
     (some tens of microseconds): the layers of one inference follow each other
     within microseconds, and a futex wake-up per layer costs more than
     many small layers take. */
  SPIN = 1 << 12,
};

static void relax(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

static lock_storage pool_lock;   /* guards sleepers and the conditions */
static cond_storage work_ready;  /* a new generation was posted */
static cond_storage work_done;   /* pending reached 0 */
static lock_storage caller_lock; /* one loop in flight at a time */
static int workers = -1;         /* -1: not started yet (under pool_lock) */
static int sleepers;             /* workers asleep on work_ready */
static unsigned long generation; /* atomic: bumped per posted loop */
static int pending;              /* atomic: workers still busy */
/* The posted loop: written before generation is bumped (release), read
   after it is seen (acquire). */
static lowbit_task job_task;
static void *job_ctx;
static i64 job_n;
static int job_chunks;

static lowbit_user_parallel_for user_parallel_for;
static void *user_data;

static void run_chunk(lowbit_task task, void *ctx, i64 n, int chunks,
                      int index) {
  i64 begin = n * index / chunks, end = n * (index + 1) / chunks;
  if (begin < end)
    task(ctx, begin, end);
}

static unsigned long load_generation(void) {
  return __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
}

static void *worker_main(void *arg) {
  int index = (int)(i64)arg;
  unsigned long seen = 0;
  for (;;) {
    for (int i = 0; i < SPIN && load_generation() == seen; ++i)
      relax();
    if (load_generation() == seen) {
      pthread_mutex_lock(&pool_lock);
      ++sleepers;
      while (load_generation() == seen)
        pthread_cond_wait(&work_ready, &pool_lock);
      --sleepers;
      pthread_mutex_unlock(&pool_lock);
    }
    seen = load_generation();
    if (index < job_chunks)
      run_chunk(job_task, job_ctx, job_n, job_chunks, index);
    if (__atomic_sub_fetch(&pending, 1, __ATOMIC_ACQ_REL) == 0) {
      pthread_mutex_lock(&pool_lock);
      pthread_cond_broadcast(&work_done);
      pthread_mutex_unlock(&pool_lock);
    }
  }
  return 0;
}

/* Starts threads - 1 workers (fewer if the system refuses some); called
   with pool_lock held. */
static void start_workers(int threads) {
  workers = 0;
  for (int i = 1; i < threads && i < MAX_THREADS; ++i) {
    thread_id id;
    if (pthread_create(&id, 0, worker_main, (void *)(i64)i) != 0)
      break;
    pthread_detach(id);
    ++workers;
  }
}

void lowbit_set_parallel_for(lowbit_user_parallel_for fn, void *user) {
  pthread_mutex_lock(&pool_lock);
  user_parallel_for = fn;
  user_data = user;
  pthread_mutex_unlock(&pool_lock);
}

void lowbit_parallel_for(lowbit_task task, void *ctx, i64 n, int threads) {
  if (n <= 0)
    return;
  pthread_mutex_lock(&pool_lock);
  lowbit_user_parallel_for user = user_parallel_for;
  void *data = user_data;
  if (!user && threads > 1 && n > 1 && workers < 0)
    start_workers(threads);
  int chunks = workers + 1;
  pthread_mutex_unlock(&pool_lock);
  if (user) {
    user(data, task, ctx, n);
    return;
  }
  if (chunks > threads)
    chunks = threads;
  if (chunks > n)
    chunks = (int)n;
  if (chunks <= 1 || pthread_mutex_trylock(&caller_lock) != 0) {
    task(ctx, 0, n);
    return;
  }
  job_task = task;
  job_ctx = ctx;
  job_n = n;
  job_chunks = chunks;
  __atomic_store_n(&pending, workers, __ATOMIC_RELAXED);
  __atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
  pthread_mutex_lock(&pool_lock);
  if (sleepers > 0)
    pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&pool_lock);

  run_chunk(task, ctx, n, chunks, 0);

  for (int i = 0;
       i < SPIN && __atomic_load_n(&pending, __ATOMIC_ACQUIRE) > 0; ++i)
    relax();
  if (__atomic_load_n(&pending, __ATOMIC_ACQUIRE) > 0) {
    pthread_mutex_lock(&pool_lock);
    while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE) > 0)
      pthread_cond_wait(&work_done, &pool_lock);
    pthread_mutex_unlock(&pool_lock);
  }
  pthread_mutex_unlock(&caller_lock);
}
