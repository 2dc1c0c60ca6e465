/*
 * fuzz_common.h — helpers shared by the libFuzzer harnesses of s3engine.
 *
 * The harnesses are built from the engine sources (tests/fuzz/build.sh) and
 * include engine/internal.h, so they can check internal invariants.  Every
 * check that fails calls fuzz_fail(), which prints what went wrong and
 * aborts: libFuzzer then keeps the input as a crash file.
 *
 * Invariants checked on every input:
 *   - a call that fails returns a status other than S3_OK, the context holds
 *     the same status and a non-empty message;
 *   - for every input file of a loaded dataset, rows read = rows used + rows
 *     rejected (the promise of the Data quality sheet);
 *   - every text cell of every table (dataset logs, results) is valid UTF-8
 *     without NUL bytes (the workbook and the CSV files are UTF-8);
 *   - every error message is valid UTF-8 (it is shown to the user).
 * S3FUZZ_VERBOSE=1 prints the outcome of every call (status, message).
 * S3FUZZ_KNOWN is a comma-separated list of the ids (in brackets in the
 * messages below) of invariants that known, reported engine bugs break:
 * those are tolerated.  tests/fuzz/run.sh sets it from
 * tests/fuzz/known_invariants, except when it replays the reproducers of
 * the known bugs (regressions/<harness>/known-*).
 * ASan, UBSan and LeakSanitizer (after every input) do the rest.
 */
#ifndef S3_FUZZ_COMMON_H
#define S3_FUZZ_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "output/output.h"
#include "s3.h"

#ifndef S3FUZZ_ROOT
#error "build with -DS3FUZZ_ROOT=\"/path/to/repository\""
#endif

/* UBSan: stop at the first finding (a crash for libFuzzer) and show where;
 * UBSAN_OPTIONS adds to this (run.sh adds the known-bug suppressions). */
const char *__ubsan_default_options(void);
const char *
__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

/* Draws of the score's Monte Carlo in the harnesses: enough to run the
 * code, few enough to keep thousands of inputs a minute. */
enum { FUZZ_MAX_DRAWS = 24 };

static inline void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static inline void
fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("\n*** s3engine fuzz invariant violated: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
    fflush(stderr);
    abort();
}

/* The reference tables of dir, loaded once per process: they are never
 * changed by a load, and reading them was most of a harness's time. */
static inline const s3i_ref *
fuzz_shared_ref(const char *dir)
{
    static s3i_ref ref;
    static int loaded;
    if (!loaded) {
        s3_ctx *ctx = s3_ctx_new();
        if (!ctx || s3i_ref_load(ctx, dir, &ref, NULL))
            fuzz_fail("cannot load the reference tables %s", dir);
        s3_ctx_free(ctx);
        loaded = 1;
    }
    return &ref;
}

/* Whether invariant `id` is listed in S3FUZZ_KNOWN (tolerated). */
static inline int
fuzz_known(const char *id)
{
    const char *k = getenv("S3FUZZ_KNOWN");
    size_t n = strlen(id);
    while (k && *k) {
        size_t l = strcspn(k, ", ");
        if (l == n && strncmp(k, id, n) == 0)
            return 1;
        k += l;
        k += strspn(k, ", ");
    }
    return 0;
}

/* One-time process setup: GSL must never abort (the library promises it
 * calls nothing that could reach GSL's handler; callers that use GSL
 * themselves are told to switch it off, and so do we). */
static inline void
fuzz_init_once(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    gsl_set_error_handler_off();
}

/* Set by a harness when the model text of the input is not valid UTF-8:
 * text that is not UTF-8 in messages and tables is then blamed on the
 * model loader, which does not check (invariant id "model-utf8"), instead
 * of "msg-utf8" and "table-utf8". */
static int fuzz_model_not_utf8;

/* ---- a private folder per input ----------------------------------------- */

typedef struct {
    char dir[512];
} fuzz_tmp;

static inline void
fuzz_tmp_make(fuzz_tmp *t)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(t->dir, sizeof t->dir, "%s/s3fuzz.XXXXXX", base);
    if (!mkdtemp(t->dir))
        fuzz_fail("mkdtemp(%s): %s", t->dir, strerror(errno));
}

/* Remove a folder and everything below it (the harness writes plain files
 * and the output folders of s3_result_write). */
static inline void
fuzz_rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            struct stat sb;
            if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
                fuzz_rm_rf(p);
            else
                unlink(p);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static inline void
fuzz_tmp_clean(fuzz_tmp *t)
{
    fuzz_rm_rf(t->dir);
}

static inline void
fuzz_write(const char *dir, const char *name, const uint8_t *data, size_t n)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        fuzz_fail("cannot write %s: %s", p, strerror(errno));
    if (n && fwrite(data, 1, n, f) != n)
        fuzz_fail("cannot write %s", p);
    if (fclose(f))
        fuzz_fail("cannot close %s", p);
}

/* ---- invariants --------------------------------------------------------- */

static inline int
fuzz_verbose(void)
{
    static int verbose = -1;
    if (verbose < 0) {
        const char *s = getenv("S3FUZZ_VERBOSE");
        verbose = s && *s && strcmp(s, "0") != 0;
    }
    return verbose;
}

/* A call returned st: a failure must be explained on the context.  With
 * S3FUZZ_VERBOSE=1 every outcome is printed (to see what a seed does). */
static inline void
fuzz_check_status(const s3_ctx *ctx, s3_status st, const char *what)
{
    if (fuzz_verbose())
        fprintf(stderr, "s3fuzz: %s: %s%s%s\n", what, s3_strerror(st),
                st ? ": " : "", st ? s3_ctx_message(ctx) : "");
    if (st == S3_OK)
        return;
    if ((int)st < 0 || (int)st > (int)S3_EINTERNAL)
        fuzz_fail("%s returned an unknown status %d", what, (int)st);
    if (s3_ctx_status(ctx) != st)
        fuzz_fail("%s returned %d but the context holds status %d (%s)", what,
                  (int)st, (int)s3_ctx_status(ctx), s3_ctx_message(ctx));
    const char *msg = s3_ctx_message(ctx);
    if (!msg || !*msg)
        fuzz_fail("%s failed with status %d (%s) and an empty message", what,
                  (int)st, s3_strerror(st));
    if (!s3_strerror(st) || !*s3_strerror(st))
        fuzz_fail("s3_strerror(%d) is empty", (int)st);
    const char *id = fuzz_model_not_utf8 ? "model-utf8" : "msg-utf8";
    if (!s3i_utf8_valid(msg, strlen(msg)) && !fuzz_known(id))
        fuzz_fail("[%s] %s: the error message is not valid UTF-8: %s", id, what,
                  msg);
    /* An internal error means a broken invariant inside the engine; bad
     * input must be reported as such. */
    if (st == S3_EINTERNAL)
        fuzz_fail("%s: internal error: %s", what, msg);
}

/* Every text cell is valid UTF-8; every column has a name. */
static inline void
fuzz_check_table(const s3_table *t, const char *what)
{
    if (!t)
        return;
    const char *name = s3_table_name(t);
    if (!name || !*name)
        fuzz_fail("%s: a table without a name", what);
    size_t nr = s3_table_rows(t), nc = s3_table_cols(t);
    for (size_t c = 0; c < nc; c++) {
        const char *cn = s3_table_col_name(t, c);
        if (!cn || !*cn)
            fuzz_fail("%s: table %s: column %zu has no name", what, name, c);
        if (s3_table_col_type(t, c) != S3_COL_TEXT)
            continue;
        for (size_t r = 0; r < nr; r++) {
            const char *s = s3_table_text(t, r, c);
            if (!s)
                fuzz_fail("%s: table %s row %zu column %s: NULL text", what,
                          name, r, cn);
            const char *id = fuzz_model_not_utf8 ? "model-utf8" : "table-utf8";
            if (!s3i_utf8_valid(s, strlen(s)) && !fuzz_known(id))
                fuzz_fail("[%s] %s: table %s row %zu column %s: text is not "
                          "valid UTF-8: '%s'",
                          id, what, name, r, cn, s);
        }
    }
}

/* rows read = rows used + rows rejected, for every file. */
static inline void
fuzz_check_quality(const s3_dataset *d, const char *what)
{
    const s3_table *q = s3_dataset_quality(d);
    size_t cf = s3_table_col(q, "file"), cr = s3_table_col(q, "rows_read"),
           cu = s3_table_col(q, "rows_used"),
           cj = s3_table_col(q, "rows_rejected");
    if (cf == S3I_NONE || cr == S3I_NONE || cu == S3I_NONE || cj == S3I_NONE)
        fuzz_fail("%s: the quality table lacks a column", what);
    for (size_t r = 0; r < s3_table_rows(q); r++) {
        double rd = s3_table_num(q, r, cr), us = s3_table_num(q, r, cu),
               rj = s3_table_num(q, r, cj);
        if (!(rd == us + rj) && !fuzz_known("quality-sum"))
            fuzz_fail("[quality-sum] %s: %s: rows read %g != rows used %g + "
                      "rows rejected %g",
                      what, s3_table_text(q, r, cf), rd, us, rj);
    }
    fuzz_check_table(q, what);
    fuzz_check_table(s3_dataset_warnings(d), what);
    fuzz_check_table(s3_dataset_inputs(d), what);
}

static inline void
fuzz_check_result(const s3_result *r, const char *what)
{
    size_t n = s3_result_ntables(r);
    for (size_t i = 0; i < n; i++) {
        const s3_table *t = s3_result_table_at(r, i);
        if (!t)
            fuzz_fail("%s: result table %zu is NULL", what, i);
        fuzz_check_table(t, what);
        if (s3_result_table(r, s3_table_name(t)) == NULL)
            fuzz_fail("%s: result table '%s' cannot be looked up by name", what,
                      s3_table_name(t));
    }
}

/* The parameters of a loaded model are listed completely. */
static inline void
fuzz_check_model(const s3_model *m)
{
    if (!s3_model_name(m))
        fuzz_fail("a loaded model has no name");
    size_t n = s3_model_params(m);
    for (size_t i = 0; i < n; i++)
        if (!s3_model_param_name(m, i) || !s3_model_param_value(m, i))
            fuzz_fail("model parameter %zu has no name or value", i);
    if (s3_model_param_name(m, n) != NULL)
        fuzz_fail("s3_model_param_name(m, %zu) past the end is not NULL", n);
}

/* Keep the Monte Carlo small whatever the model asks for: in the model and
 * in the text of its parameter, from which the scenarios' variants of the
 * model are rebuilt (s3i_model_variant). */
static inline void
fuzz_small_draws(s3_model *m)
{
    if (m->draws <= FUZZ_MAX_DRAWS)
        return;
    m->draws = FUZZ_MAX_DRAWS;
    for (size_t i = 0; i < m->nparams; i++)
        if (!strcmp(m->param_name[i], "uncertainty.draws")) {
            char *v = malloc(16);
            if (!v)
                fuzz_fail("out of memory");
            snprintf(v, 16, "%d", FUZZ_MAX_DRAWS);
            free(m->param_value[i]);
            m->param_value[i] = v;
        }
}

/* Two results of the same analysis are the same, cell for cell (numbers
 * bit for bit, NaN equal to NaN): a difference means uninitialised memory
 * or state kept between runs. */
static inline void
fuzz_check_same(const s3_result *a, const s3_result *b)
{
    const char *id = "deterministic";
    if (fuzz_known(id))
        return;
    size_t n = s3_result_ntables(a);
    if (n != s3_result_ntables(b))
        fuzz_fail("[%s] the same analysis twice: %zu and %zu tables", id, n,
                  s3_result_ntables(b));
    for (size_t i = 0; i < n; i++) {
        const s3_table *x = s3_result_table_at(a, i),
                       *y = s3_result_table_at(b, i);
        const char *name = s3_table_name(x);
        size_t nr = s3_table_rows(x), nc = s3_table_cols(x);
        if (strcmp(name, s3_table_name(y)) || nr != s3_table_rows(y) ||
            nc != s3_table_cols(y))
            fuzz_fail("[%s] the same analysis twice: table %zu is %s %zux%zu "
                      "and %s %zux%zu",
                      id, i, name, nr, nc, s3_table_name(y), s3_table_rows(y),
                      s3_table_cols(y));
        for (size_t c = 0; c < nc; c++) {
            int text = s3_table_col_type(x, c) == S3_COL_TEXT;
            for (size_t r = 0; r < nr; r++) {
                if (text) {
                    if (strcmp(s3_table_text(x, r, c), s3_table_text(y, r, c)))
                        fuzz_fail("[%s] the same analysis twice: %s row %zu "
                                  "column %s: '%s' and '%s'",
                                  id, name, r, s3_table_col_name(x, c),
                                  s3_table_text(x, r, c),
                                  s3_table_text(y, r, c));
                    continue;
                }
                double u = s3_table_num(x, r, c), v = s3_table_num(y, r, c);
                if (!(isnan(u) && isnan(v)) && memcmp(&u, &v, sizeof u))
                    fuzz_fail("[%s] the same analysis twice: %s row %zu column "
                              "%s: %.17g and %.17g",
                              id, name, r, s3_table_col_name(x, c), u, v);
            }
        }
    }
}

/* Analyse (or run with all scenarios) a loaded dataset, twice, check the
 * result and that both runs agree, and optionally write it into outdir. */
static inline void
fuzz_analyse(s3_ctx *ctx, const s3_model *m, const s3_dataset *d, int scenarios,
             const char *outdir, int what)
{
    s3_result *r = NULL;
    s3_status st = scenarios ? s3_run(ctx, m, d, NULL, S3_ALL_SCENARIOS, &r)
                             : s3_analyse(ctx, m, d, &r);
    fuzz_check_status(ctx, st, scenarios ? "s3_run" : "s3_analyse");
    if (st == S3_OK) {
        if (!r)
            fuzz_fail("analysis succeeded without a result");
        fuzz_check_result(r, "result");
        s3_result *r2 = NULL;
        s3_status st2 = scenarios
                            ? s3_run(ctx, m, d, NULL, S3_ALL_SCENARIOS, &r2)
                            : s3_analyse(ctx, m, d, &r2);
        if (st2 != S3_OK)
            fuzz_fail("[deterministic] the same analysis failed the second "
                      "time: %s",
                      s3_ctx_message(ctx));
        fuzz_check_same(r, r2);
        s3_result_free(r2);
        if (outdir) {
            st = s3_result_write(ctx, r, outdir, what);
            fuzz_check_status(ctx, st, "s3_result_write");
        }
    } else if (r) {
        fuzz_fail("a failed analysis left a result");
    }
    s3_result_free(r);
}

#endif /* S3_FUZZ_COMMON_H */
