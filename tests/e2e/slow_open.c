// A test-only LD_PRELOAD shim (tests/e2e/slurm_submit.sh): H5Fopen of a file whose path
// contains $SLOW_H5FOPEN_MATCH first sleeps $SLOW_H5FOPEN_MS milliseconds, so that a job over a
// small archive lasts long enough to be cancelled or killed part-way. It keeps test hooks out
// of telemine's own code: the binary under test is the one users run.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int64_t hid_t;
typedef hid_t (*h5fopen_fn)(const char*, unsigned, hid_t);

hid_t H5Fopen(const char* name, unsigned flags, hid_t fapl) {
  static h5fopen_fn real = NULL;
  if (!real) real = (h5fopen_fn)dlsym(RTLD_NEXT, "H5Fopen");
  const char* match = getenv("SLOW_H5FOPEN_MATCH");
  const char* ms = getenv("SLOW_H5FOPEN_MS");
  if (match && ms && strstr(name, match)) {
    long delay = atol(ms);
    struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  return real(name, flags, fapl);
}
