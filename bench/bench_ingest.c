/*
 * bench_ingest.c — ingest throughput against its same-run baseline: libcsv
 * parsing the same files with empty callbacks.  A seeded synthetic dataset
 * is written first (s3_generate), then both are timed on it.
 *
 *   build/bench/bench_ingest DIR [units tenants patent_rows]
 *
 * DIR is created (and reused when it already holds the files).
 */
#include <csv.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench_util.h"
#include "s3.h"

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

/* libcsv over a file with empty callbacks; returns the bytes read. */
static size_t
parse_only(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
    static char buf[1 << 16];
    size_t n, total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        csv_parse(&p, buf, n, on_field, on_row, NULL);
        total += n;
    }
    csv_fini(&p, on_field, on_row, NULL);
    csv_free(&p);
    fclose(f);
    return total;
}

int
main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ingest DIR [units tenants patents]\n");
        return 2;
    }
    const char *dir = argv[1];
    size_t units = argc > 2 ? strtoul(argv[2], NULL, 10) : 1200,
           tenants = argc > 3 ? strtoul(argv[3], NULL, 10) : 200000,
           patents = argc > 4 ? strtoul(argv[4], NULL, 10) : 2000000;
    s3_ctx *ctx = s3_ctx_new();
    char path[4200], model[4200];
    snprintf(path, sizeof path, "%s/patents.csv", dir);
    struct stat sb;
    if (stat(path, &sb) != 0 &&
        s3_generate(ctx, "datasets/reference", dir, units, tenants, patents,
                    20261126)) {
        fprintf(stderr, "bench_ingest: %s\n", s3_ctx_message(ctx));
        return 1;
    }
    snprintf(model, sizeof model, "%s/bench.ini", dir);
    FILE *mf = fopen(model, "w");
    if (!mf)
        return 1;
    fprintf(mf,
            "[model]\nname = bench\ndataset = .\nreference = %s\n"
            "[data]\ncutoff =\n",
            realpath("datasets/reference", path) ? path : "datasets/reference");
    fclose(mf);
    /* Rounds of: the baseline (libcsv alone over the three files), the
     * engine's load (parse, convert, map codes, aggregate) with one thread,
     * and with two (the second reads the second part of the patent file;
     * results are the same, tests/cli checks it).  Interleaved, so that
     * noise from other processes hits all three alike; best of the rounds. */
    enum { ROUNDS = 5 };
    double best_base = 1e9, best_load[2] = {1e9, 1e9};
    size_t bytes = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double t0 = now();
        bytes = 0;
        const char *files[] = {"centres.csv", "tenants.csv", "patents.csv"};
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, files[i]);
            bytes += parse_only(path);
        }
        double t1 = now() - t0;
        if (t1 < best_base)
            best_base = t1;
        for (int th = 1; th <= 2; th++) {
            s3_ctx_set_threads(ctx, th);
            s3_model *m = NULL;
            s3_dataset *d = NULL;
            t0 = now();
            if (s3_model_load(ctx, model, &m) || s3_dataset_load(ctx, m, &d)) {
                fprintf(stderr, "bench_ingest: %s\n", s3_ctx_message(ctx));
                return 1;
            }
            t1 = now() - t0;
            if (t1 < best_load[th - 1])
                best_load[th - 1] = t1;
            s3_dataset_free(d);
            s3_model_free(m);
        }
    }
    double mb = (double)bytes / 1e6;
    printf("ingest of %.0f MB (%zu units, %zu tenants, %zu patent rows), best "
           "of %d interleaved rounds\n",
           mb, units, tenants, patents, ROUNDS);
    printf("%-34s %10s %10s %10s\n", "step", "seconds", "MB/s", "% libcsv");
    printf("%-34s %10.3f %10.1f %10.0f\n", "libcsv, empty callbacks", best_base,
           mb / best_base, 100.0);
    const char *label[2] = {"s3engine load, one thread",
                            "s3engine load, two threads"};
    for (int th = 0; th < 2; th++)
        printf("%-34s %10.3f %10.1f %10.0f\n", label[th], best_load[th],
               mb / best_load[th], 100.0 * best_base / best_load[th]);
    s3_ctx_free(ctx);
    return 0;
}
