/*
 * bench_util.h — what every benchmark needs: a monotonic clock.  (Their
 * synthetic data come from GSL's gsl_rng_mt19937, seeded from the command
 * line: the same numbers on every machine.)
 */
#ifndef S3_BENCH_UTIL_H
#define S3_BENCH_UTIL_H

#include <time.h>

/* Seconds on a monotonic clock. */
static inline double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#endif
