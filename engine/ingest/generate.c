/*
 * generate.c — seeded synthetic datasets of any size, for benchmarks and
 * scale tests: centres (or regions), tenants (firms) and patent-class rows
 * in the dataset layout (centres.csv, tenants.csv, patents.csv).
 *
 * Codes are drawn from the reference classifications, so every row is
 * valid: NACE Rev. 2 classes in the usual spellings and IPC symbols of the
 * WIPO concordance.  Units differ in size (log-normal) and in their sector
 * mix (each unit favours a band of classes), so that specialisation is not
 * uniform noise.  The generator is GSL's Mersenne Twister
 * (gsl_rng_mt19937; Matsumoto & Nishimura 1998), the one the uncertainty
 * draws use, allocated here and seeded with gsl_rng_set(seed).  gsl_rng is
 * portable (its output is defined on 32-bit words, whatever the width of
 * long), so the same seed gives the same bytes on any machine whose C
 * library rounds exp() alike (the log-normal sizes).  GSL takes the seed's
 * low 32 bits, and seed 0 as its default 4357.  Rows are formatted by hand
 * into large buffers, because fprintf would dominate at tens of millions
 * of rows.
 */
#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/ingest.h"

/* An output buffer flushed to a file. */
typedef struct {
    FILE *f;
    char *buf;
    size_t n, cap;
    int err;
} out;

static void
flush(out *o)
{
    if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n)
        o->err = 1;
    o->n = 0;
}

static void
put(out *o, const char *s, size_t len)
{
    if (o->n + len > o->cap)
        flush(o);
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

static void
puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* An unsigned integer in decimal. */
static void
putu(out *o, uint64_t v)
{
    char t[24];
    int n = 0;
    do
        t[23 - n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    put(o, t + 24 - n, (size_t)n);
}

/* An id: a prefix and a zero-padded number. */
static void
putid(out *o, char prefix, uint64_t v, int width)
{
    char t[24];
    t[0] = prefix;
    for (int i = width; i >= 1; i--, v /= 10)
        t[i] = (char)('0' + v % 10);
    put(o, t, (size_t)width + 1);
}

static s3_status
open_out(s3_ctx *ctx, const char *dir, const char *file, out *o)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    o->f = fopen(path, "wb");
    o->cap = 1 << 20;
    o->buf = malloc(o->cap);
    o->n = 0;
    o->err = 0;
    if (!o->f || !o->buf) {
        if (o->f)
            fclose(o->f);
        free(o->buf);
        return s3i_fail(ctx, S3_EIO, "%s: cannot write: %s", path,
                        strerror(errno ? errno : ENOMEM));
    }
    return S3_OK;
}

static s3_status
close_out(s3_ctx *ctx, out *o, const char *file)
{
    flush(o);
    int bad = o->err || ferror(o->f);
    bad |= fclose(o->f) != 0;
    free(o->buf);
    if (bad)
        return s3i_fail(ctx, S3_EIO, "%s: write failed", file);
    return S3_OK;
}

s3_status
s3_generate(s3_ctx *ctx, const char *reference_dir, const char *out_dir,
            size_t units, size_t tenants, size_t patent_rows,
            unsigned long seed)
{
    if (units == 0 || units > 99999999 || tenants > 9999999999ULL ||
        patent_rows > 99999999999ULL)
        return s3i_fail(ctx, S3_EUSAGE,
                        "generate: units 1-99,999,999, tenants and patent "
                        "rows up to 10^10");
    s3i_ref ref;
    s3_status rc = s3i_ref_load(ctx, reference_dir, &ref, NULL);
    if (rc)
        return rc;
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        s3i_ref_free(&ref);
        return s3i_fail(ctx, S3_EIO, "%s: cannot create: %s", out_dir,
                        strerror(errno));
    }
    /* the classes and IPC symbols to draw from */
    size_t ncls = 0, nipc = 0;
    size_t *cls = malloc((ref.nnace + 1) * sizeof(size_t));
    const char **ipc = malloc((ref.ipc_by_key.cap + 1) * sizeof(char *));
    double *size = malloc((units + 1) * sizeof(double)),
           *centre = malloc((units + 1) * sizeof(double)),
           *width = malloc((units + 1) * sizeof(double)),
           *cum = malloc((units + 1) * sizeof(double));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    out o = {0};
    if (!cls || !ipc || !size || !centre || !width || !cum || !r) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ref.nnace; i++)
        if (ref.nace_level[i] == 4)
            cls[ncls++] = i;
    for (size_t i = 0; i < ref.ipc_by_key.cap; i++)
        if (ref.ipc_by_key.slot[i].key && ref.ipc_by_key.slot[i].klen > 4)
            ipc[nipc++] = ref.ipc_by_key.slot[i].key;
    /* keys are in hash order: sort them so the output depends on the seed
     * only */
    for (size_t i = 1; i < nipc; i++)
        for (size_t j = i; j > 0 && strcmp(ipc[j], ipc[j - 1]) < 0; j--) {
            const char *t = ipc[j];
            ipc[j] = ipc[j - 1];
            ipc[j - 1] = t;
        }
    gsl_rng_set(r, seed);
    double total = 0.0;
    for (size_t u = 0; u < units; u++) {
        size[u] = exp(1.5 * (gsl_rng_uniform(r) + gsl_rng_uniform(r) +
                             gsl_rng_uniform(r) - 1.5));
        centre[u] = gsl_rng_uniform(r);
        width[u] = 0.03 + 0.25 * gsl_rng_uniform(r);
        total += size[u];
        cum[u] = total;
    }
    /* centres.csv */
    if ((rc = open_out(ctx, out_dir, "centres.csv", &o)))
        goto done;
    puts_(&o, "centre_id,name,subregion,nuts3\n");
    for (size_t u = 0; u < units; u++) {
        putid(&o, 'U', u + 1, 8);
        puts_(&o, ",Synthetic unit ");
        putu(&o, u + 1);
        puts_(&o, ",");
        putid(&o, 'S', u / 10 + 1, 7);
        puts_(&o, ",\n");
    }
    if ((rc = close_out(ctx, &o, "centres.csv")))
        goto done;
    /* tenants.csv: unit by size, class near the unit's band */
    if ((rc = open_out(ctx, out_dir, "tenants.csv", &o)))
        goto done;
    puts_(&o, "tenant_id,centre_id,nace,employees,startup\n");
    for (size_t t = 0; t < tenants; t++) {
        double pick = gsl_rng_uniform(r) * total;
        size_t lo = 0, hi = units - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cum[mid] < pick)
                lo = mid + 1;
            else
                hi = mid;
        }
        double z = centre[lo] + width[lo] * (gsl_rng_uniform(r) - 0.5) * 2.0;
        if (gsl_rng_uniform(r) < 0.3)
            z = gsl_rng_uniform(r);
        z -= floor(z);
        size_t c = cls[(size_t)(z * (double)ncls) % ncls];
        putid(&o, 'T', t + 1, 10);
        put(&o, ",", 1);
        putid(&o, 'U', lo + 1, 8);
        put(&o, ",", 1);
        puts_(&o, ref.nace_code[c]);
        put(&o, ",", 1);
        putu(&o, 1 + (uint64_t)exp(3.0 * gsl_rng_uniform(r)));
        puts_(&o, gsl_rng_uniform(r) < 0.2 ? ",1\n" : ",0\n");
    }
    if ((rc = close_out(ctx, &o, "tenants.csv")))
        goto done;
    /* patents.csv: one to three class rows per patent */
    if ((rc = open_out(ctx, out_dir, "patents.csv", &o)))
        goto done;
    puts_(&o, "patent_id,centre_id,ipc,year\n");
    size_t written = 0, p = 0;
    while (written < patent_rows) {
        double pick = gsl_rng_uniform(r) * total;
        size_t lo = 0, hi = units - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cum[mid] < pick)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t k = 1 + gsl_rng_uniform_int(r, 3),
               year = 2000 + gsl_rng_uniform_int(r, 25);
        double z = centre[lo];
        p++;
        for (size_t j = 0; j < k && written < patent_rows; j++, written++) {
            double zz = z + width[lo] * (gsl_rng_uniform(r) - 0.5) * 2.0;
            zz -= floor(zz);
            const char *sym = ipc[(size_t)(zz * (double)nipc) % nipc];
            putid(&o, 'P', p, 10);
            put(&o, ",", 1);
            putid(&o, 'U', lo + 1, 8);
            put(&o, ",", 1);
            /* "A61K31" as "A61K 31/00" */
            put(&o, sym, 4);
            put(&o, " ", 1);
            puts_(&o, sym + 4);
            puts_(&o, "/00,");
            putu(&o, year);
            put(&o, "\n", 1);
        }
    }
    rc = close_out(ctx, &o, "patents.csv");
done:
    free(cls);
    free(ipc);
    free(size);
    free(centre);
    free(width);
    free(cum);
    gsl_rng_free(r);
    s3i_ref_free(&ref);
    return rc;
}
