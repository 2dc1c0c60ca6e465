/*
 * bench_util.h — what every benchmark needs: a monotonic clock and a small
 * seeded generator that gives the same numbers on every machine.
 */
#ifndef S3_BENCH_UTIL_H
#define S3_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

/* Seconds on a monotonic clock. */
static inline double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* xorshift64*: a small seeded generator, the same on every machine. */
static inline uint64_t
next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Uniform in [0, 1). */
static inline double
uniform(uint64_t *s)
{
    return (double)(next(s) >> 11) * 0x1.0p-53;
}

#endif
