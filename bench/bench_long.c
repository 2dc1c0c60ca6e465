/*
 * bench_long.c — the long table of bench/peers.sh and its floor.
 *
 *   bench_long write PATH ROWS UNITS CLASSES
 *       a seeded "unit,class,value" table of ROWS records (default run:
 *       5 million rows, 250 units, 100 classes, 94 MB): each record's unit
 *       drawn by a log-normal size, its class from that unit's gamma
 *       profile, its value log-uniform in 1..99,999; a (unit, class) pair
 *       repeats, as in a file of records, and analyse and the peers add
 *       the repeats up (dcast's sum).
 *   bench_long floor PATH [REPEATS]
 *       libcsv in strict mode with empty callbacks over PATH, the floor of
 *       any reader built on it: prints the best time of REPEATS (default
 *       1, so that a whole process can be timed beside the others).
 *
 * GSL's gsl_rng_mt19937 with a fixed seed: the same bytes on any machine.
 */
#include <csv.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

static int
write_table(const char *path, size_t rows, size_t nu, size_t nc)
{
    FILE *f = fopen(path, "w");
    double *w = malloc((nu > nc ? nu : nc) * sizeof *w);
    gsl_ran_discrete_t **prof = calloc(nu, sizeof *prof);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = -1;
    if (!f || !w || !prof || !r)
        goto out;
    gsl_rng_set(r, 20261205);
    for (size_t u = 0; u < nu; u++)
        w[u] = gsl_ran_lognormal(r, 0.0, 1.0);
    gsl_ran_discrete_t *units = gsl_ran_discrete_preproc(nu, w);
    if (!units)
        goto out;
    for (size_t u = 0; u < nu; u++) {
        for (size_t c = 0; c < nc; c++)
            w[c] = gsl_ran_gamma(r, 0.3, 1.0);
        if (!(prof[u] = gsl_ran_discrete_preproc(nc, w)))
            goto out_units;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("unit,class,value\n", f);
    for (size_t i = 0; i < rows; i++) {
        size_t u = gsl_ran_discrete(r, units);
        size_t c = gsl_ran_discrete(r, prof[u]);
        unsigned v = (unsigned)exp(gsl_rng_uniform(r) * log(1e5));
        fprintf(f, "U%05zu,K%04zu,%u\n", u, c, v < 1 ? 1 : v);
    }
    rc = 0;
out_units:
    gsl_ran_discrete_free(units);
out:
    for (size_t u = 0; prof && u < nu; u++)
        gsl_ran_discrete_free(prof[u]);
    free(prof);
    free(w);
    gsl_rng_free(r);
    if (f && fclose(f))
        rc = -1;
    return rc;
}

static void
on_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    (void)data;
}

static void
on_row(int c, void *data)
{
    (void)c;
    (void)data;
}

/* The same parser settings as bench_ingest's baseline. */
static double
parse_only(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1.0;
    double t0 = now();
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
    static char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        csv_parse(&p, buf, n, on_field, on_row, NULL);
    csv_fini(&p, on_field, on_row, NULL);
    csv_free(&p);
    fclose(f);
    return now() - t0;
}

int
main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "write")) {
        size_t rows = strtoul(argv[3], NULL, 10),
               nu = strtoul(argv[4], NULL, 10), nc = strtoul(argv[5], NULL, 10);
        if (!rows || !nu || !nc || nu > 99999 || nc > 9999 ||
            write_table(argv[2], rows, nu, nc)) {
            fprintf(stderr, "bench_long: cannot write %s\n", argv[2]);
            return 1;
        }
        return 0;
    }
    if ((argc == 3 || argc == 4) && !strcmp(argv[1], "floor")) {
        int reps = argc == 4 ? atoi(argv[3]) : 1;
        double best = -1.0;
        for (int i = 0; i < (reps > 0 ? reps : 1); i++) {
            double t = parse_only(argv[2]);
            if (t < 0.0) {
                fprintf(stderr, "bench_long: cannot read %s\n", argv[2]);
                return 1;
            }
            if (best < 0.0 || t < best)
                best = t;
        }
        printf("libcsv, empty callbacks: %.3f s\n", best);
        return 0;
    }
    fprintf(stderr, "usage: bench_long write PATH ROWS UNITS CLASSES | "
                    "bench_long floor PATH [REPEATS]\n");
    return 2;
}
