/*
 * test_generate.c — unit tests of the synthetic dataset generator
 * (engine/ingest/generate.c, public s3_generate): the row counts asked
 * for, the same bytes from the same seed and other bytes from another,
 * and a dataset the engine loads without a rejected row or a warning
 * (every code valid in the reference classifications).
 *
 * Run with S3_REFDIR=<repo>/datasets/reference.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "ingest/ingest.h"

static char dir[3][64];
static const char *const files[] = {"centres.csv", "tenants.csv",
                                    "patents.csv"};

static void
setup(void)
{
    for (int k = 0; k < 3; k++)
        snprintf(dir[k], sizeof dir[k], "/tmp/s3t-generate-%d-%d",
                 (int)getpid(), k);
}

static void
teardown(void)
{
    char p[256];
    for (int k = 0; k < 3; k++) {
        for (int f = 0; f < 3; f++) {
            snprintf(p, sizeof p, "%s/%s", dir[k], files[f]);
            unlink(p);
        }
        rmdir(dir[k]);
    }
}

/* The whole file; *n its size. */
static char *
slurp(const char *d, const char *file, size_t *n)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", d, file);
    FILE *f = fopen(p, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", p);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    *n = fread(buf, 1, (size_t)size, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

static size_t
lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void
generate(const char *d, unsigned long seed)
{
    s3_ctx *ctx = s3_ctx_new();
    ck_assert_msg(
        s3_generate(ctx, getenv("S3_REFDIR"), d, 23, 2385, 5170, seed) == S3_OK,
        "%s", s3_ctx_message(ctx));
    s3_ctx_free(ctx);
}

START_TEST(counts_and_determinism)
{
    const char *ref = getenv("S3_REFDIR");
    ck_assert_msg(ref && *ref, "S3_REFDIR is not set");
    generate(dir[0], 20261126);
    generate(dir[1], 20261126);
    generate(dir[2], 2385);
    const size_t want[3] = {23, 2385, 5170}; /* data rows */
    int differs = 0;
    for (int f = 0; f < 3; f++) {
        size_t n0, n1, n2;
        char *a = slurp(dir[0], files[f], &n0);
        char *b = slurp(dir[1], files[f], &n1);
        char *c = slurp(dir[2], files[f], &n2);
        ck_assert_msg(lines(a) == want[f] + 1, "%s: %zu lines", files[f],
                      lines(a));
        ck_assert_msg(n0 == n1 && memcmp(a, b, n0) == 0,
                      "%s differs between two runs with one seed", files[f]);
        differs += n0 != n2 || memcmp(a, c, n0) != 0;
        free(a);
        free(b);
        free(c);
    }
    ck_assert_msg(differs >= 2, "another seed changes only %d files", differs);
}
END_TEST

/* The generated dataset loads with every row used: valid codes, known
 * centres. */
START_TEST(loads_cleanly)
{
    const char *ref = getenv("S3_REFDIR");
    ck_assert_msg(ref && *ref, "S3_REFDIR is not set");
    generate(dir[0], 517);
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    s3_dataset *d = NULL;
    ck_assert_int_eq(s3_model_default(ctx, &m), S3_OK);
    ck_assert_int_eq(s3_model_set_paths(ctx, m, dir[0], ref), S3_OK);
    ck_assert_msg(s3_dataset_load(ctx, m, &d) == S3_OK, "%s",
                  s3_ctx_message(ctx));
    const s3_table *q = s3_dataset_quality(d);
    size_t cf = s3_table_col(q, "file"), cr = s3_table_col(q, "rows_read"),
           cu = s3_table_col(q, "rows_used"),
           cj = s3_table_col(q, "rows_rejected"),
           cw = s3_table_col(q, "warnings");
    size_t seen = 0;
    for (size_t r = 0; r < s3_table_rows(q); r++) {
        const char *file = s3_table_text(q, r, cf);
        double want = !strcmp(file, "centres.csv")   ? 23
                      : !strcmp(file, "tenants.csv") ? 2385
                      : !strcmp(file, "patents.csv") ? 5170
                                                     : -1;
        if (want < 0)
            continue;
        seen++;
        ck_assert_double_eq(s3_table_num(q, r, cr), want);
        ck_assert_double_eq(s3_table_num(q, r, cu), want);
        ck_assert_double_eq(s3_table_num(q, r, cj), 0);
        ck_assert_double_eq(s3_table_num(q, r, cw), 0);
    }
    ck_assert_uint_eq(seen, 3);
    ck_assert_uint_eq(s3_table_rows(s3_dataset_warnings(d)), 0);
    s3_dataset_free(d);
    s3_model_free(m);
    s3_ctx_free(ctx);
}
END_TEST

START_TEST(unwritable_folder)
{
    s3_ctx *ctx = s3_ctx_new();
    const char *ref = getenv("S3_REFDIR");
    ck_assert_int_ne(s3_generate(ctx, ref, "/proc/s3t-no", 3, 3, 3, 1), S3_OK);
    ck_assert_ptr_nonnull(strstr(s3_ctx_message(ctx), "/proc/s3t-no"));
    s3_ctx_free(ctx);
}
END_TEST

static Suite *
generate_suite(void)
{
    Suite *s = suite_create("generate");
    TCase *tc = tcase_create("generate");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, counts_and_determinism);
    tcase_add_test(tc, loads_cleanly);
    tcase_add_test(tc, unwritable_folder);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {generate_suite()};
    return s3t_run(s, 1);
}
