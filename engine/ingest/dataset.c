/*
 * dataset.c — the s3_dataset object (new, load, free, getters), its
 * data-quality logs, and what every loader of an input file shares:
 * columns found by name, number and date fields.
 *
 * A dataset is a folder: centres.csv and tenants.csv, and optionally
 * patents.csv and baseline.csv (each read by its own file here:
 * centres.c, tenants.c, patents.c, baseline.c); or one long table
 * "unit, class, value" (long.c).  Each file is streamed once.  Columns are
 * found by header name; unknown columns are ignored with a note.  A value
 * that cannot be read (a NACE code that is none, a negative count, a bad
 * date) stops the load with a message naming file, line, column and value.
 * A row that is readable but cannot be used (a tenant of an unknown
 * centre, an IPC code outside the concordance) is rejected and listed as
 * a warning, so that for every file rows read = rows used + rows rejected.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/load.h"

/* ---- logs --------------------------------------------------------------- */

/* Add a warning row to a warnings table; -1 when out of memory. */
static int
warn_to(s3_table *t, const char *file, size_t line, const char *column,
        const char *value, const char *message)
{
    size_t r = s3i_table_add_row(t);
    if (r == S3I_NONE)
        return -1;
    if (line)
        s3i_table_set_num(t, r, 1, (double)line);
    return s3i_table_set_text(t, r, 0, file) ||
                   s3i_table_set_text(t, r, 2, column) ||
                   s3i_table_set_text(t, r, 3, value) ||
                   s3i_table_set_text(t, r, 4, message)
               ? -1
               : 0;
}

int
s3i_note(s3_table *notes, const char *scope, const char *message)
{
    size_t r = s3i_table_add_row(notes);
    return r == S3I_NONE || s3i_table_set_text(notes, r, 0, scope) ||
                   s3i_table_set_text(notes, r, 1, message)
               ? -1
               : 0;
}

s3_status
s3i_record_quality(s3_ctx *ctx, s3_dataset *d, const s3i_counts *c)
{
    size_t r = s3i_table_add_row(d->log.quality);
    if (r == S3I_NONE || s3i_table_set_text(d->log.quality, r, 0, c->file))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3i_table_set_num(d->log.quality, r, 1, (double)c->read);
    s3i_table_set_num(d->log.quality, r, 2, (double)c->used);
    s3i_table_set_num(d->log.quality, r, 3, (double)c->rejected);
    s3i_table_set_num(d->log.quality, r, 4, (double)c->warnings);
    return S3_OK;
}

s3_status
s3i_record_input(s3_ctx *ctx, s3_dataset *d, const char *name, const char *path,
                 const s3i_csv_info *info)
{
    s3_table *t = d->log.inputs;
    size_t r = s3i_table_add_row(t);
    if (r == S3I_NONE || s3i_table_set_text(t, r, 0, name) ||
        s3i_table_set_text(t, r, 1, path) ||
        s3i_table_set_text(t, r, 4, info->sha256))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3i_table_set_num(t, r, 2, (double)info->rows);
    s3i_table_set_num(t, r, 3, (double)info->bytes);
    return S3_OK;
}

s3_status
s3i_note_encoding(s3_ctx *ctx, s3_dataset *d, const char *file,
                  const s3i_csv_info *info)
{
    if (!info->cp1252_line)
        return S3_OK;
    char msg[320];
    snprintf(msg, sizeof msg,
             "the file is not UTF-8: read as Windows-1252 (what German "
             "Excel saves as CSV) from line %zu, its first letter beyond "
             "ASCII, on; check names with umlauts, or save the file as "
             "\"CSV UTF-8\"",
             info->cp1252_line);
    if (s3i_note(d->log.notes, file, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

s3_status
s3i_warn_used(s3_ctx *ctx, s3i_counts *c, s3i_csv *r, size_t col,
              const char *value, const char *msg)
{
    c->warnings++;
    if (warn_to(c->log, c->file, s3i_csv_line(r), s3i_csv_colname(r, col),
                value, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

s3_status
s3i_warn_line(s3_ctx *ctx, s3i_counts *c, size_t line, const char *column,
              const char *value, const char *msg)
{
    c->warnings++;
    if (warn_to(c->log, c->file, line, column, value, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

/* A rejected row is a warning too, and counted apart. */
s3_status
s3i_reject(s3_ctx *ctx, s3i_counts *c, s3i_csv *r, size_t col,
           const char *value, const char *msg)
{
    c->rejected++;
    return s3i_warn_used(ctx, c, r, col, value, msg);
}

s3_status
s3i_merge_counts(s3_ctx *ctx, s3i_counts *a, const s3i_counts *b, size_t lines)
{
    const s3_table *w = b->log;
    for (size_t k = 0; k < s3_table_rows(w); k++) {
        const char *t[5];
        for (size_t c = 0; c < 5; c++)
            t[c] = c == 1 ? "" : s3_table_text(w, k, c);
        double line = s3_table_num(w, k, 1);
        if (warn_to(a->log, t[0] ? t[0] : "",
                    isnan(line) ? 0 : lines + (size_t)line, t[2] ? t[2] : "",
                    t[3] ? t[3] : "", t[4] ? t[4] : ""))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    a->used += b->used;
    a->rejected += b->rejected;
    a->warnings += b->warnings;
    a->year_dates += b->year_dates;
    if (!a->year_column)
        a->year_column = b->year_column;
    return S3_OK;
}

s3_status
s3i_note_cutoff(s3_ctx *ctx, s3_dataset *d, const char *file, size_t n,
                const s3_model *m)
{
    if (!n)
        return S3_OK;
    char msg[240];
    snprintf(msg, sizeof msg,
             strcmp(file, "tenants.csv") == 0
                 ? "%zu tenants are not present on the cut-off date "
                   "%04d-%02d-%02d: they count only for tenant growth"
                 : "%zu rows lie after the year of the cut-off date "
                   "%04d-%02d-%02d and are not counted",
             n, m->cutoff / 10000, m->cutoff / 100 % 100, m->cutoff % 100);
    if (s3i_note(d->log.notes, file, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

/* ---- columns by name ---------------------------------------------------- */

/* "column 3 ('Name')" of header column i, for messages. */
static void
header_column(char *out, size_t n, char **f, size_t i)
{
    char v[48];
    snprintf(v, sizeof v, "%s", f[i]);
    s3i_utf8_cut(v);
    snprintf(out, n, "column %zu ('%s')", i + 1, v);
}

s3_status
s3i_map_columns(s3_ctx *ctx, s3_dataset *d, s3i_csv *r, size_t n, char **f,
                const s3i_colreq *want, size_t nwant, size_t *idx)
{
    const char *file = s3i_csv_name(r);
    size_t line = s3i_csv_line(r);
    for (size_t k = 0; k < nwant; k++) {
        size_t at = 0;
        const char *mapped = s3i_describe_column(d, file, want[k].name, &at);
        idx[k] = S3I_NONE;
        /* under the name dataset.ini gives it, else under its own */
        for (int pass = mapped ? 0 : 1; pass < 2 && idx[k] == S3I_NONE;
             pass++) {
            const char *name = pass == 0 ? mapped : want[k].name;
            for (size_t i = 0; i < n; i++) {
                if (!s3i_header_is(f[i], name))
                    continue;
                if (idx[k] != S3I_NONE) {
                    char a[80], b[80];
                    header_column(a, sizeof a, f, idx[k]);
                    header_column(b, sizeof b, f, i);
                    return s3i_fail(ctx, S3_EINPUT,
                                    "%s:%zu: %s and %s both name column "
                                    "'%s' (header names match in any case, "
                                    "blanks around them ignored): rename "
                                    "one",
                                    file, line, a, b, name);
                }
                idx[k] = i;
            }
        }
        if (idx[k] == S3I_NONE && want[k].required == 1) {
            char given[160] = "";
            if (mapped)
                snprintf(given, sizeof given,
                         " (dataset.ini:%zu names it '%.60s')", at, mapped);
            return s3i_fail(ctx, S3_EINPUT,
                            "%s:%zu: required column '%s'%s is missing (the "
                            "header has: %s%s%s%s)",
                            file, line, want[k].name, given, n > 0 ? f[0] : "",
                            n > 1 ? ", " : "", n > 1 ? f[1] : "",
                            n > 2 ? ", ..." : "");
        }
        for (size_t j = 0; j < k; j++)
            if (idx[k] != S3I_NONE && idx[j] == idx[k]) {
                char a[80];
                header_column(a, sizeof a, f, idx[k]);
                return s3i_fail(ctx, S3_EINPUT,
                                "%s:%zu: %s is read as '%s' and as '%s': "
                                "check dataset.ini",
                                file, line, a, want[j].name, want[k].name);
            }
        if (idx[k] != S3I_NONE && mapped && s3i_header_is(f[idx[k]], mapped) &&
            !s3i_header_is(f[idx[k]], want[k].name)) {
            char msg[256];
            snprintf(msg, sizeof msg, "column '%.60s' is read as '%s' (%s:%zu)",
                     f[idx[k]], want[k].name, "dataset.ini", at);
            if (s3i_note(d->log.notes, file, msg))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t k;
        for (k = 0; k < nwant; k++)
            if (idx[k] == i)
                break;
        if (k == nwant) {
            char msg[256];
            snprintf(msg, sizeof msg, "column '%s' is not used", f[i]);
            if (s3i_note(d->log.notes, file, msg))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
    }
    return S3_OK;
}

/* ---- fields ------------------------------------------------------------- */

s3_status
s3i_number_slow(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v,
                int allow_empty, double lo, double hi, double *out)
{
    size_t len = strlen(v);
    if (len == 0 && allow_empty) {
        *out = NAN;
        return S3_OK;
    }
    if (s3i_parse_number(v, len, s3i_csv_decimal_comma(r), out))
        return s3i_csv_fail(ctx, r, col, v,
                            s3i_csv_decimal_comma(r) && strchr(v, '.')
                                ? "is not a number (a ';' file uses a "
                                  "decimal comma, as in 2,5)"
                                : "is not a number");
    if (*out < 0.0 && lo == 0.0)
        return s3i_csv_fail(ctx, r, col, v, "is negative: expected 0 or more");
    if (*out < lo || *out > hi) {
        char what[96];
        snprintf(what, sizeof what, "is out of range [%g, %g]", lo, hi);
        return s3i_csv_fail(ctx, r, col, v, what);
    }
    return S3_OK;
}

s3_status
s3i_year_field(s3_ctx *ctx, s3i_csv *r, s3i_counts *c, size_t col,
               const char *name, const char *v, double *out)
{
    int32_t day;
    uint32_t x = 0;
    size_t i = 0;
    for (; i < 9 && v[i] >= '0' && v[i] <= '9'; i++)
        x = x * 10 + (uint32_t)(v[i] - '0');
    if (!*v) {
        *out = NAN;
        return S3_OK;
    }
    if (i > 0 && !v[i]) {
        *out = (double)x;
    } else if (s3i_parse_date(v, strlen(v), &day) == 0) {
        /* a date where a year is wanted (a spreadsheet's date column):
         * its year */
        *out = (double)(day / 10000);
        c->year_dates++;
        c->year_column = name;
    } else {
        return s3i_csv_fail(ctx, r, col, v,
                            "is not a year (write a year such as 1985, or a "
                            "date such as 1985-03-01)");
    }
    if (*out < S3I_YEAR_MIN || *out > S3I_YEAR_MAX) {
        char what[96];
        snprintf(what, sizeof what, "is not a year in [%d, %d]", S3I_YEAR_MIN,
                 S3I_YEAR_MAX);
        return s3i_csv_fail(ctx, r, col, v, what);
    }
    return S3_OK;
}

s3_status
s3i_date_field(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v, int32_t *out)
{
    *out = 0;
    if (!*v)
        return S3_OK;
    if (s3i_parse_date(v, strlen(v), out))
        return s3i_csv_fail(ctx, r, col, v,
                            "is not a date (YYYY-MM-DD or DD.MM.YYYY)");
    return S3_OK;
}

size_t
s3i_value_length(const char *val)
{
    size_t vl = strlen(val);
    while (vl && val[vl - 1] == ' ')
        vl--;
    size_t sp = vl;
    while (sp && val[sp - 1] && strchr("bcdefnprsuz", val[sp - 1]))
        sp--;
    if (sp < vl && sp > 0 && val[sp - 1] == ' ')
        for (vl = sp; vl && val[vl - 1] == ' ';)
            vl--;
    return vl;
}

/* ---- files -------------------------------------------------------------- */

/* Path of a dataset file. */
static int
dataset_path(char *buf, size_t n, const char *dir, const char *file)
{
    return (size_t)snprintf(buf, n, "%s/%s", dir, file) < n ? 0 : -1;
}

/* Whether dataset file dir/file is there (an optional file). */
static int
dataset_has(const char *dir, const char *file)
{
    char path[4096];
    struct stat sb;
    return dataset_path(path, sizeof path, dir, file) == 0 &&
           stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

s3_status
s3i_read_file(s3_ctx *ctx, s3_dataset *d, const char *dir, const char *file,
              s3i_csv_fn h, s3i_csv_fn row, void *st, s3i_counts *c,
              s3i_csv_split *split)
{
    char path[4096];
    if (dataset_path(path, sizeof path, dir, file))
        return s3i_fail(ctx, S3_EUSAGE, "%s: path too long", dir);
    s3i_csv_info info;
    s3_status rc = s3i_csv_read_split(ctx, path, file, S3I_CSV_ALL_ERRORS, h,
                                      row, st, split, &info);
    if (!rc && split && split->used)
        rc = split->merge(ctx, st, split->user2, split->lines);
    if (!rc)
        rc = s3i_note_encoding(ctx, d, file, &info);
    if (rc)
        return rc;
    if (info.rows == 0)
        return s3i_fail(ctx, S3_EINPUT,
                        "%s: the file has a header but no "
                        "data rows",
                        file);
    c->read = info.rows;
    if ((rc = s3i_record_input(ctx, d, file, path, &info)))
        return rc;
    if (c->year_dates) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu values of column '%s' are dates: their year is used",
                 c->year_dates, c->year_column);
        if (s3i_note(d->log.notes, file, msg))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    return s3i_record_quality(ctx, d, c);
}

/* ---- the dataset -------------------------------------------------------- */

static const s3i_colspec quality_cols[] = {{"file", S3_COL_TEXT},
                                           {"rows_read", S3_COL_INTEGER},
                                           {"rows_used", S3_COL_INTEGER},
                                           {"rows_rejected", S3_COL_INTEGER},
                                           {"warnings", S3_COL_INTEGER}};
static const s3i_colspec warning_cols[] = {{"file", S3_COL_TEXT},
                                           {"line", S3_COL_INTEGER},
                                           {"column", S3_COL_TEXT},
                                           {"value", S3_COL_TEXT},
                                           {"message", S3_COL_TEXT}};
static const s3i_colspec input_cols[] = {{"file", S3_COL_TEXT},
                                         {"path", S3_COL_TEXT},
                                         {"rows_read", S3_COL_INTEGER},
                                         {"bytes", S3_COL_INTEGER},
                                         {"sha256", S3_COL_TEXT}};
static const s3i_colspec note_cols[] = {{"scope", S3_COL_TEXT},
                                        {"message", S3_COL_TEXT}};

s3_table *
s3i_warning_table_new(void)
{
    return s3i_table_new("warnings", 5, warning_cols);
}

s3_status
s3i_dataset_new(s3_ctx *ctx, s3_dataset **out)
{
    s3_dataset *d = calloc(1, sizeof *d);
    if (!d)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    d->log.quality = s3i_table_new("quality", 5, quality_cols);
    d->log.warnings = s3i_warning_table_new();
    d->log.inputs = s3i_table_new("inputs", 5, input_cols);
    d->log.notes = s3i_table_new("notes", 2, note_cols);
    if (!d->log.quality || !d->log.warnings || !d->log.inputs ||
        !d->log.notes) {
        s3_dataset_free(d);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    *out = d;
    return S3_OK;
}

s3_status
s3_dataset_load(s3_ctx *ctx, const s3_model *m, s3_dataset **out)
{
    return s3i_dataset_load_ref(ctx, m, NULL, out);
}

s3_status
s3i_dataset_use_ref(s3_ctx *ctx, s3_dataset *d, const s3_model *m,
                    const s3i_ref *ref)
{
    if (ref) {
        d->ref = ref;
        return S3_OK;
    }
    if (!(d->own_ref = calloc(1, sizeof *d->own_ref)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    d->ref = d->own_ref;
    if (!m->reference_dir)
        return S3_OK; /* no classifications: an empty reference */
    return s3i_ref_load(ctx, m->reference_dir, d->own_ref, d->log.inputs);
}

/* A baseline region the model names must be in baseline.csv: found by
 * check, not only by run (where the matrices need it). */
static s3_status
check_baseline_region(s3_ctx *ctx, const s3_dataset *d, const s3_model *m)
{
    const char *want = m->baseline_region;
    const s3i_baseline *b = &d->baseline;
    if (!b->nagg || !strcmp(want, "total") || !strcmp(want, "own"))
        return S3_OK;
    for (size_t r = 0; r < b->nreg; r++)
        if (strcmp(b->reg[r], want) == 0)
            return S3_OK;
    char have[200] = "";
    size_t at = 0;
    for (size_t r = 0; r < b->nreg && at < sizeof have - 1; r++) {
        int k = snprintf(have + at, sizeof have - at, "%s%s", r ? ", " : "",
                         r < 8 ? b->reg[r] : "...");
        if (k < 0)
            break;
        at += (size_t)k;
        if (r == 8)
            break;
    }
    return s3i_fail(ctx, S3_EMODEL,
                    "%s:%zu: [baseline] region = '%s' is not a region of "
                    "baseline.csv (it has %zu: %s), nor total or own",
                    m->path ? m->path : "model",
                    s3i_model_param_line(m, "baseline.region"), want, b->nreg,
                    have);
}

s3_status
s3i_dataset_load_ref(s3_ctx *ctx, const s3_model *m, const s3i_ref *ref,
                     s3_dataset **out)
{
    *out = NULL;
    s3_dataset *d;
    s3_status rc = s3i_dataset_new(ctx, &d);
    if (rc)
        return rc;
    s3i_tenant_index tenant_map = {0};
    const char *dir = m->dataset_dir;

    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s/centres.csv: cannot open: the dataset folder %s is "
                      "not there (set dataset = in the model's [model] "
                      "section, or give --data DIR)",
                      dir, dir);
        goto done;
    }
    if ((rc = s3i_dataset_use_ref(ctx, d, m, ref)) ||
        (rc = s3i_describe_load(ctx, d, dir)))
        goto done;
    if ((rc = s3i_load_centres(ctx, d, dir)) ||
        (rc = s3i_load_tenants(ctx, d, m, dir, &tenant_map)))
        goto done;
    if (dataset_has(dir, "patents.csv")) {
        if ((rc = s3i_load_patents(ctx, d, m, dir, &tenant_map)))
            goto done;
    } else if (s3i_note(d->log.notes, "patents.csv",
                        "no patents.csv in the dataset: no patent measures")) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    if (dataset_has(dir, "baseline.csv")) {
        if ((rc = s3i_load_baseline(ctx, d, dir)) ||
            (rc = check_baseline_region(ctx, d, m)))
            goto done;
    } else if (m->reference == S3I_REF_BASELINE) {
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s: the model compares with the baseline, but the "
                      "dataset has no baseline.csv",
                      dir);
        goto done;
    }
done:
    s3i_tenant_index_free(&tenant_map);
    if (rc) {
        s3_dataset_free(d);
        return rc;
    }
    *out = d;
    return S3_OK;
}

void
s3_dataset_free(s3_dataset *d)
{
    if (!d)
        return;
    if (d->own_ref) {
        s3i_ref_free(d->own_ref);
        free(d->own_ref);
    }
    free(d->units.id);
    free(d->units.name);
    free(d->units.sub);
    free(d->units.nuts3);
    s3i_map_free(&d->units.map);
    s3i_idtab_free(&d->units.ids);
    free(d->units.sub_name);
    free(d->units.sub_nuts3);
    free(d->units.subidx);
    free(d->units.lat);
    free(d->units.lon);
    free(d->records.tenants);
    free(d->records.patents);
    free(d->records.cooc);
    free(d->baseline.reg);
    free(d->baseline.agg_code);
    free(d->baseline.agg_label);
    free(d->baseline.val);
    free(d->baseline.nace_agg);
    free(d->records.class_id);
    free(d->records.gx);
    s3i_describe_free(&d->desc);
    s3i_table_free(d->log.quality);
    s3i_table_free(d->log.warnings);
    s3i_table_free(d->log.inputs);
    s3i_table_free(d->log.notes);
    s3i_arena_free(&d->arena);
    free(d);
}

const s3_table *
s3_dataset_quality(const s3_dataset *d)
{
    return d->log.quality;
}

const s3_table *
s3_dataset_warnings(const s3_dataset *d)
{
    return d->log.warnings;
}

const s3_table *
s3_dataset_inputs(const s3_dataset *d)
{
    return d->log.inputs;
}
