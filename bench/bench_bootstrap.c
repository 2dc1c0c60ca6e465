/*
 * bench_bootstrap.c — the bootstrap of the whole chain (stages/bootstrap.c)
 * against its same-process baseline: the same stages run once per draw on
 * the observed data (specialisation, complexity, relatedness, potentials
 * of every level's headline matrix), as many times as there are draws.
 *
 *   bench_bootstrap MODEL DRAWS            a dataset the model names
 *   bench_bootstrap long UNITS CLASSES DRAWS
 *       a synthetic long table (Poisson counts of random intensity, seed
 *       fixed), analysed with the default model and resample = records
 *
 * Prints the seconds of each, their ratio and the draws per second.  One
 * thread (the bootstrap's second worker is what --threads adds).
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "stages/stages.h"

static int
fail(s3_ctx *ctx)
{
    fprintf(stderr, "bench_bootstrap: %s\n", s3_ctx_message(ctx));
    return 1;
}

/* A long table of Poisson counts, units × classes, in path. */
static int
write_long(const char *path, size_t nu, size_t nc)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20261205);
    fprintf(f, "unit,class,value\n");
    for (size_t u = 0; u < nu; u++) {
        double size = 20.0 + 200.0 * gsl_rng_uniform(r);
        for (size_t c = 0; c < nc; c++) {
            double mu = size * gsl_ran_gamma(r, 0.3, 1.0) / (double)nc * 10.0;
            unsigned k = gsl_ran_poisson(r, mu);
            if (k)
                fprintf(f, "U%05zu,K%04zu,%u\n", u, c, k);
        }
    }
    gsl_rng_free(r);
    return fclose(f);
}

int
main(int argc, char **argv)
{
    int is_long = argc == 5 && !strcmp(argv[1], "long");
    if (argc != 3 && !is_long) {
        fprintf(stderr, "usage: bench_bootstrap MODEL DRAWS | long UNITS "
                        "CLASSES DRAWS\n");
        return 2;
    }
    s3_ctx *ctx = s3_ctx_new();
    s3_ctx_set_threads(ctx, 1);
    s3_model *m = NULL;
    s3_dataset *d = NULL;
    size_t draws = strtoul(argv[is_long ? 4 : 2], NULL, 10);
    char path[256];
    if (is_long) {
        size_t nu = strtoul(argv[2], NULL, 10), nc = strtoul(argv[3], NULL, 10);
        snprintf(path, sizeof path, "%s/s3engine-bench-boot-%zux%zu.csv",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", nu, nc);
        FILE *f = fopen(path, "r");
        if (f)
            fclose(f);
        else if (write_long(path, nu, nc)) {
            fprintf(stderr, "bench_bootstrap: cannot write %s\n", path);
            return 1;
        }
        s3_long_options o = {
            .unit_col = "unit", .class_col = "class", .value_col = "value"};
        if (s3_model_default(ctx, &m))
            return fail(ctx);
        free(m->reference_dir); /* run from the repository root */
        m->reference_dir = strdup("datasets/reference");
        if (s3_dataset_load_long(ctx, path, &o, m, &d))
            return fail(ctx);
    } else if (s3_model_load(ctx, argv[1], &m) || s3_dataset_load(ctx, m, &d)) {
        return fail(ctx);
    }
    m->draws = draws;
    m->resample = S3I_RESAMPLE_NONE;
    s3i_input in = s3i_input_of(d);
    s3_table *notes = s3i_table_copy(d->log.notes);
    s3i_pass p;
    if (!notes || s3i_pass_run(ctx, m, &in, "baseline", notes, &p))
        return fail(ctx);
    int kind = d->generic ? S3I_KIND_INPUT : S3I_KIND_TENANTS;
    /* the baseline: the stages once per draw on the observed counts */
    double t0 = now();
    for (size_t dr = 0; dr < draws; dr++)
        for (size_t i = 0; i < p.nmx; i++) {
            if (p.mx[i].kind != kind || !p.mx[i].complexity)
                continue;
            s3i_mres r = {0};
            s3_table *scratch = s3i_table_new_like(notes, "notes");
            if (!scratch || s3i_specialise(ctx, m, &p.mx[i], NULL, &r) ||
                s3i_complexity(ctx, m, &r, scratch) ||
                s3i_relatedness(ctx, m, &r, scratch) ||
                s3i_potentials(ctx, m, &r, scratch))
                return fail(ctx);
            s3i_mres_free(&r);
            s3i_table_free(scratch);
        }
    double t_plain = now() - t0;
    /* the bootstrap (its weights-only bands, kept again, freed first) */
    for (size_t l = 0; l < p.nsc; l++) {
        free(p.sc[l].p05w), free(p.sc[l].p95w);
        p.sc[l].p05w = p.sc[l].p95w = NULL;
    }
    m->resample = S3I_RESAMPLE_RECORDS;
    t0 = now();
    if (s3i_bootstrap(ctx, &p))
        return fail(ctx);
    double t_boot = now() - t0;
    size_t nr = 0, nc = 0;
    for (size_t i = 0; i < p.nmx; i++)
        if (p.mx[i].kind == kind && p.mx[i].complexity && !nr)
            nr = p.mx[i].nr, nc = p.mx[i].nc;
    printf("bootstrap, %zu draws (%zu x %zu headline%s): %.3f s; the stages "
           "%zu times on the observed data: %.3f s; ratio %.2f; %.1f draws/s\n",
           draws, nr, nc, d->generic ? "" : " and the sub-regions", t_boot,
           draws, t_plain, t_boot / t_plain, (double)draws / t_boot);
    s3i_pass_free(&p);
    s3i_table_free(notes);
    s3_dataset_free(d);
    s3_model_free(m);
    s3_ctx_free(ctx);
    return 0;
}
