/*
 * test_output.c — unit tests of the writers in engine/output/output.c that
 * test_util.c (the number formatting itself) leaves out: one table written
 * as RFC 4180 CSV byte for byte (quoting, the formula guard, empty values,
 * CRLF), the German dialect (BOM, ';', decimal comma), numbers that read
 * back bit for bit from the file in both dialects, and, through the public
 * s3_result_write on a real result (datasets/small), the output folder:
 * written whole, replaced whole, a folder of other files or a regular file
 * refused, and a write that fails half-way (a file size limit) leaving the
 * previous folder as it was and no temporary folder behind.
 *
 * Run with S3_REFDIR=<repo>/datasets/reference (datasets/small is found
 * beside it).
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "output/output.h"

static char tmpdir[64];

static void
setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/s3t-output-%d", (int)getpid());
    mkdir(tmpdir, 0700);
}

/* rm -r of what the tests made */
static void
remove_tree(const char *p)
{
    DIR *d = opendir(p);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char q[4096];
            snprintf(q, sizeof q, "%s/%s", p, e->d_name);
            struct stat sb;
            if (lstat(q, &sb) == 0 && S_ISDIR(sb.st_mode))
                remove_tree(q);
            else
                unlink(q);
        }
        closedir(d);
    }
    rmdir(p);
}

static void
teardown(void)
{
    remove_tree(tmpdir);
}

/* The whole file; *n its size. */
static char *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 20);
    *n = fread(buf, 1, (1 << 20) - 1, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

/* ---- one table as CSV -----------------------------------------------------
 */

static s3_table *
sample_table(void)
{
    static const s3i_colspec cols[] = {{"unit", S3_COL_TEXT},
                                       {"value", S3_COL_NUMBER},
                                       {"rank", S3_COL_INTEGER},
                                       {"note; remark", S3_COL_TEXT}};
    s3_table *t = s3i_table_new("sample", 4, cols);
    const char *unit[] = {"A1",
                          "Müller, \"Schmidt\" & Co. KG",
                          "=HYPERLINK(\"x\")",
                          "+49 231 2385",
                          "-x",
                          "@home",
                          "two\nlines",
                          "",
                          "\ttab",
                          "a;b"};
    const double value[] = {2.385, -0.0, NAN, 1e-7,  -517.25,
                            1e21,  0.1,  3.0, 1e300, 123456.789};
    for (size_t i = 0; i < 10; i++) {
        size_t r = s3i_table_add_row(t);
        s3i_table_set_text(t, r, 0, unit[i]);
        s3i_table_set_num(t, r, 1, value[i]);
        s3i_table_set_num(t, r, 2, i == 7 ? NAN : (double)(i + 1));
        s3i_table_set_text(t, r, 3, i % 3 ? "" : "see notes.csv");
    }
    return t;
}

START_TEST(csv_rfc4180)
{
    s3_table *t = sample_table();
    s3_ctx *ctx = s3_ctx_new();
    char path[128];
    snprintf(path, sizeof path, "%s/sample.csv", tmpdir);
    ck_assert_int_eq(s3i_write_csv(ctx, t, path, 0), S3_OK);
    size_t n;
    char *got = slurp(path, &n);
    const char *want = "unit,value,rank,note; remark\r\n"
                       "A1,2.385,1,see notes.csv\r\n"
                       "\"Müller, \"\"Schmidt\"\" & Co. KG\",0,2,\r\n"
                       "\"'=HYPERLINK(\"\"x\"\")\",,3,\r\n"
                       "'+49 231 2385,1e-07,4,see notes.csv\r\n"
                       "'-x,-517.25,5,\r\n"
                       "'@home,1e+21,6,\r\n"
                       "\"two\nlines\",0.1,7,see notes.csv\r\n"
                       ",3,,\r\n"
                       "'\ttab,1e+300,9,\r\n"
                       "a;b,123456.789,10,see notes.csv\r\n";
    ck_assert_msg(strcmp(got, want) == 0, "got:\n%s\nexpected:\n%s", got, want);
    free(got);
    s3i_table_free(t);
    s3_ctx_free(ctx);
}
END_TEST

START_TEST(csv_own_text_unguarded)
{
    /* a column marked as the engine's own text (the parameters) is written
     * as it is; a data column beside it keeps the guard; a copy of the
     * table keeps the mark */
    static const s3i_colspec cols[] = {{"value", S3_COL_TEXT},
                                       {"name", S3_COL_TEXT}};
    s3_table *t = s3i_table_new("parameters", 2, cols);
    ck_assert_int_eq(s3i_table_set_own_text(t, 0), 0);
    ck_assert_int_eq(s3i_table_set_own_text(t, 2), -1);
    size_t r = s3i_table_add_row(t);
    s3i_table_set_text(t, r, 0, "+, -, +");
    s3i_table_set_text(t, r, 1, "+SUM(A1)");
    s3_table *c = s3i_table_copy(t);
    s3_ctx *ctx = s3_ctx_new();
    char path[128];
    snprintf(path, sizeof path, "%s/own.csv", tmpdir);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(s3i_write_csv(ctx, k ? c : t, path, 0), S3_OK);
        size_t n;
        char *got = slurp(path, &n);
        ck_assert_str_eq(got, "value,name\r\n\"+, -, +\",'+SUM(A1)\r\n");
        free(got);
    }
    s3i_table_free(t);
    s3i_table_free(c);
    s3_ctx_free(ctx);
}
END_TEST

START_TEST(csv_german)
{
    s3_table *t = sample_table();
    s3_ctx *ctx = s3_ctx_new();
    char path[128];
    snprintf(path, sizeof path, "%s/sample.csv", tmpdir);
    ck_assert_int_eq(s3i_write_csv(ctx, t, path, 1), S3_OK);
    size_t n;
    char *got = slurp(path, &n);
    const char *want = "\xEF\xBB\xBF"
                       "unit;value;rank;\"note; remark\"\r\n"
                       "A1;2,385;1;see notes.csv\r\n"
                       "\"Müller, \"\"Schmidt\"\" & Co. KG\";0;2;\r\n"
                       "\"'=HYPERLINK(\"\"x\"\")\";;3;\r\n"
                       "'+49 231 2385;1e-07;4;see notes.csv\r\n"
                       "'-x;-517,25;5;\r\n"
                       "'@home;1e+21;6;\r\n"
                       "\"two\nlines\";0,1;7;see notes.csv\r\n"
                       ";3;;\r\n"
                       "'\ttab;1e+300;9;\r\n"
                       "\"a;b\";123456,789;10;see notes.csv\r\n";
    ck_assert_msg(strcmp(got, want) == 0, "got:\n%s\nexpected:\n%s", got, want);
    free(got);
    s3i_table_free(t);
    s3_ctx_free(ctx);
}
END_TEST

/* xorshift64: high-entropy test values with a fixed seed */
static uint64_t
next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Numbers read back from the file bit for bit, in both dialects. */
START_TEST(csv_numbers_read_back)
{
    enum { N = 20000 };
    static const s3i_colspec cols[] = {{"x", S3_COL_NUMBER}};
    s3_table *t = s3i_table_new("numbers", 1, cols);
    static double v[N];
    uint64_t x = 2385;
    for (size_t i = 0; i < N; i++) {
        uint64_t bits = next(&x);
        double d;
        if (i % 4 == 0) { /* any finite double */
            memcpy(&d, &bits, sizeof d);
            if (!isfinite(d))
                d = 2.385;
        } else if (i % 4 == 1) { /* measures: 0-1 */
            d = (double)(bits >> 11) / 9007199254740992.0;
        } else if (i % 4 == 2) { /* z-scores */
            d = ((double)(bits >> 11) / 9007199254740992.0 - 0.5) * 6;
        } else { /* counts and shares with few digits */
            d = (double)(bits % 100000) / 8.0;
        }
        v[i] = d;
        s3i_table_set_num(t, s3i_table_add_row(t), 0, d);
    }
    s3_ctx *ctx = s3_ctx_new();
    char path[128];
    snprintf(path, sizeof path, "%s/numbers.csv", tmpdir);
    for (int german = 0; german <= 1; german++) {
        ck_assert_int_eq(s3i_write_csv(ctx, t, path, german), S3_OK);
        size_t n;
        char *got = slurp(path, &n);
        char *line = strstr(got, "\r\n") + 2;
        for (size_t i = 0; i < N; i++) {
            char *end = strstr(line, "\r\n");
            ck_assert_ptr_nonnull(end);
            double back = -2.385;
            ck_assert_msg(s3i_parse_number(line, (size_t)(end - line), german,
                                           &back) == 0,
                          "row %zu: '%.*s' does not parse", i,
                          (int)(end - line), line);
            ck_assert_msg(memcmp(&back, &v[i], sizeof back) == 0 ||
                              (back == 0 && v[i] == 0),
                          "row %zu: %.17g written as '%.*s'", i, v[i],
                          (int)(end - line), line);
            ck_assert(!german ||
                      memchr(line, '.', (size_t)(end - line)) == NULL);
            line = end + 2;
        }
        ck_assert_str_eq(line, "");
        free(got);
    }
    s3i_table_free(t);
    s3_ctx_free(ctx);
}
END_TEST

START_TEST(csv_unwritable_path)
{
    s3_table *t = sample_table();
    s3_ctx *ctx = s3_ctx_new();
    char path[128];
    snprintf(path, sizeof path, "%s/no/such/folder/sample.csv", tmpdir);
    ck_assert_int_eq(s3i_write_csv(ctx, t, path, 0), S3_EIO);
    ck_assert_ptr_nonnull(strstr(s3_ctx_message(ctx), path));
    s3i_table_free(t);
    s3_ctx_free(ctx);
}
END_TEST

/* ---- the output folder, through the public API ----------------------------
 */

static s3_result *result;

/* The analysis of datasets/small with the default model. */
static void
result_setup(void)
{
    setup();
    const char *ref = getenv("S3_REFDIR");
    ck_assert_msg(ref && *ref, "S3_REFDIR is not set");
    char data[4096];
    snprintf(data, sizeof data, "%s/../small", ref);
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    s3_dataset *d = NULL;
    result = NULL;
    ck_assert_int_eq(s3_model_default(ctx, &m), S3_OK);
    ck_assert_int_eq(s3_model_set_paths(ctx, m, data, ref), S3_OK);
    ck_assert_msg(s3_dataset_load(ctx, m, &d) == S3_OK, "%s",
                  s3_ctx_message(ctx));
    ck_assert_msg(s3_analyse(ctx, m, d, &result) == S3_OK, "%s",
                  s3_ctx_message(ctx));
    s3_dataset_free(d);
    s3_model_free(m);
    s3_ctx_free(ctx);
}

static void
result_teardown(void)
{
    s3_result_free(result);
    result = NULL;
    teardown();
}

/* The names in folder p, sorted, joined by ' ' (at most 4 kB). */
static void
listing(const char *p, char *out, size_t outsz)
{
    struct dirent **e;
    int n = scandir(p, &e, NULL, alphasort);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(e[i]->d_name, ".") && strcmp(e[i]->d_name, "..")) {
            strncat(out, e[i]->d_name, outsz - strlen(out) - 2);
            strcat(out, " ");
        }
        free(e[i]);
    }
    if (n >= 0)
        free(e);
}

START_TEST(result_written_whole)
{
    s3_ctx *ctx = s3_ctx_new();
    char out[256], p[512], names[4096];
    snprintf(out, sizeof out, "%s/deep/er/out", tmpdir);
    ck_assert_msg(s3_result_write(ctx, result, out, S3_WRITE_CSV) == S3_OK,
                  "%s", s3_ctx_message(ctx));
    /* one CSV per table of the result, and the marker */
    for (size_t i = 0; i < s3_result_ntables(result); i++) {
        const s3_table *t = s3_result_table_at(result, i);
        snprintf(p, sizeof p, "%s/csv/%s.csv", out, s3_table_name(t));
        ck_assert_msg(access(p, R_OK) == 0, "%s missing", p);
    }
    snprintf(p, sizeof p, "%s/csv", out);
    listing(p, names, sizeof names);
    size_t files = 0;
    for (char *c = names; *c; c++)
        files += *c == ' ';
    ck_assert_uint_eq(files, s3_result_ntables(result));
    snprintf(p, sizeof p, "%s/.s3engine-output", out);
    ck_assert_int_eq(access(p, R_OK), 0);
    /* nothing else beside it: no temporary folder left */
    snprintf(p, sizeof p, "%s/deep/er", tmpdir);
    listing(p, names, sizeof names);
    ck_assert_str_eq(names, "out ");
    /* a second write replaces the folder as a whole; a trailing '/' is
     * the same folder */
    snprintf(p, sizeof p, "%s/csv/stale.csv", out);
    FILE *f = fopen(p, "w");
    fputs("old\n", f);
    fclose(f);
    char slash[300];
    snprintf(slash, sizeof slash, "%s//", out);
    ck_assert_int_eq(s3_result_write(ctx, result, slash, S3_WRITE_CSV), S3_OK);
    ck_assert_int_eq(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/csv/units.csv", out);
    ck_assert_int_eq(access(p, R_OK), 0);
    snprintf(p, sizeof p, "%s/deep/er", tmpdir);
    listing(p, names, sizeof names);
    ck_assert_str_eq(names, "out ");
    s3_ctx_free(ctx);
}
END_TEST

/* The unit x class and pair tables are views of the run's results
 * (s3i_table_view): they outlive the dataset and model, freed in
 * result_setup (AddressSanitizer and valgrind see any read of freed
 * memory); every cell reads, and a row holds the same values through the
 * cell and the row readers. */
START_TEST(result_views_outlive_dataset)
{
    static const char *const names[] = {"specialisation", "potentials",
                                        "proximity", "unit_proximity",
                                        "similarity"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const s3_table *t = s3_result_table(result, names[k]);
        ck_assert_msg(t != NULL, "%s", names[k]);
        ck_assert_msg(s3_table_rows(t) > 0, "%s is empty", names[k]);
        size_t nc = s3_table_cols(t), sum = 0;
        s3i_val v[64];
        ck_assert_uint_le(nc, 64);
        for (size_t r = 0; r < s3_table_rows(t); r++) {
            ck_assert_int_eq(s3i_table_row(t, r, v), 0);
            for (size_t c = 0; c < nc; c++) {
                if (s3_coltype_is_text(s3_table_col_type(t, c))) {
                    const char *s = s3_table_text(t, r, c);
                    ck_assert_ptr_nonnull(s);
                    ck_assert_str_eq(s, v[c].v.text);
                    sum += strlen(s);
                } else {
                    double x = s3_table_num(t, r, c);
                    ck_assert(isnan(x) ? isnan(v[c].v.num) : x == v[c].v.num);
                }
            }
        }
        ck_assert_uint_gt(sum, 0);
    }
    /* a specialisation row: its unit is one of units.csv's */
    const s3_table *spec = s3_result_table(result, "specialisation"),
                   *units = s3_result_table(result, "units");
    size_t cu = s3_table_col(spec, "unit"), uu = s3_table_col(units, "unit");
    int found = 0;
    for (size_t r = 0; r < s3_table_rows(units) && !found; r++)
        found = !strcmp(s3_table_text(units, r, uu),
                        s3_table_text(spec, s3_table_rows(spec) - 1, cu));
    ck_assert(found);
}
END_TEST

/* A folder that holds files s3engine did not write, or a regular file,
 * is refused and left alone. */
START_TEST(result_refuses_foreign)
{
    s3_ctx *ctx = s3_ctx_new();
    char out[256], p[512], names[4096];
    snprintf(out, sizeof out, "%s/documents", tmpdir);
    mkdir(out, 0700);
    snprintf(p, sizeof p, "%s/precious.txt", out);
    FILE *f = fopen(p, "w");
    fputs("precious\n", f);
    fclose(f);
    ck_assert_int_eq(s3_result_write(ctx, result, out, S3_WRITE_CSV),
                     S3_EUSAGE);
    ck_assert_ptr_nonnull(strstr(s3_ctx_message(ctx), out));
    listing(out, names, sizeof names);
    ck_assert_str_eq(names, "precious.txt ");
    listing(tmpdir, names, sizeof names);
    ck_assert_str_eq(names, "documents ");
    /* a regular file */
    ck_assert_int_eq(s3_result_write(ctx, result, p, S3_WRITE_CSV), S3_EUSAGE);
    size_t n;
    char *keep = slurp(p, &n);
    ck_assert_str_eq(keep, "precious\n");
    free(keep);
    /* an empty folder may be used */
    snprintf(out, sizeof out, "%s/empty", tmpdir);
    mkdir(out, 0700);
    ck_assert_int_eq(s3_result_write(ctx, result, out, S3_WRITE_CSV), S3_OK);
    /* an empty name */
    ck_assert_int_eq(s3_result_write(ctx, result, "", S3_WRITE_CSV), S3_EUSAGE);
    s3_ctx_free(ctx);
}
END_TEST

/* A write that fails half-way (the file size limit: the second table
 * cannot be written) returns an error, leaves the previous folder byte for
 * byte as it was, and no temporary folder. */
START_TEST(result_failure_keeps_previous)
{
    s3_ctx *ctx = s3_ctx_new();
    char out[256], p[512], before[4096], after[4096];
    snprintf(out, sizeof out, "%s/out", tmpdir);
    ck_assert_int_eq(s3_result_write(ctx, result, out, S3_WRITE_CSV), S3_OK);
    snprintf(p, sizeof p, "%s/csv/specialisation.csv", out);
    size_t n0;
    char *spec0 = slurp(p, &n0);
    ck_assert_uint_gt(n0, 4096);
    snprintf(p, sizeof p, "%s/csv", out);
    listing(p, before, sizeof before);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit rl = {4096, 4096};
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &rl);
        s3_ctx *c2 = s3_ctx_new();
        s3_status st = s3_result_write(c2, result, out, S3_WRITE_CSV);
        s3_ctx_free(c2);
        /* the parent's copies: freed so that memcheck sees no leak here */
        free(spec0);
        s3_ctx_free(ctx);
        _exit(st == S3_EIO ? 0 : 10 + (int)st);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the write under a 4 kB file size limit: exit %d (10 + "
                  "status; 0 = S3_EIO)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    listing(p, after, sizeof after);
    ck_assert_str_eq(after, before);
    snprintf(p, sizeof p, "%s/csv/specialisation.csv", out);
    size_t n1;
    char *spec1 = slurp(p, &n1);
    ck_assert_uint_eq(n1, n0);
    ck_assert_int_eq(memcmp(spec0, spec1, n0), 0);
    free(spec0);
    free(spec1);
    listing(tmpdir, after, sizeof after);
    ck_assert_str_eq(after, "out ");
    s3_ctx_free(ctx);
}
END_TEST

static Suite *
output_suite(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("csv");
    /* csv_numbers_read_back formats and reads back 20,000 numbers in two
     * dialects: seconds under AddressSanitizer while the second core
     * fuzzes */
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, csv_rfc4180);
    tcase_add_test(tc, csv_own_text_unguarded);
    tcase_add_test(tc, csv_german);
    tcase_add_test(tc, csv_numbers_read_back);
    tcase_add_test(tc, csv_unwritable_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("folder");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, result_setup, result_teardown);
    tcase_add_test(tc, result_written_whole);
    tcase_add_test(tc, result_views_outlive_dataset);
    tcase_add_test(tc, result_refuses_foreign);
    tcase_add_test(tc, result_failure_keeps_previous);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {output_suite()};
    return s3t_run(s, 1);
}
