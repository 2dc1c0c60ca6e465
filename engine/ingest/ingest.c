/*
 * ingest.c — loading a dataset: centres, tenants, patents and the optional
 * sector baseline, or a generic long table "unit, class, value".
 *
 * Each file is streamed once.  Columns are found by header name; unknown
 * columns are ignored with a note.  A value that cannot be read (a NACE code
 * that is none, a negative count, a bad date) stops the load with a message
 * naming file, line, column and value.  A row that is readable but cannot be
 * used (a tenant of an unknown centre, an IPC code outside the concordance)
 * is rejected and listed as a warning, so that for every file
 * rows read = rows used + rows rejected.
 *
 * Patents are counted fractionally: a patent counts `share` (default 1) in
 * total, split equally over the distinct centres and the distinct WIPO
 * fields it has, i.e. share / (|centres| · |fields|) in each pair.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/ingest.h"

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
s3i_warn(s3_dataset *d, const char *file, size_t line, const char *column,
         const char *value, const char *message)
{
    return warn_to(d->warnings, file, line, column, value, message);
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

/* Counters of one input file, for the quality table. */
typedef struct {
    const char *file;
    size_t read, used, rejected, warnings;
    s3_table *log; /* where the file's warnings go */
} counts;

static s3_status
record_quality(s3_ctx *ctx, s3_dataset *d, const counts *c)
{
    size_t r = s3i_table_add_row(d->quality);
    if (r == S3I_NONE || s3i_table_set_text(d->quality, r, 0, c->file))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3i_table_set_num(d->quality, r, 1, (double)c->read);
    s3i_table_set_num(d->quality, r, 2, (double)c->used);
    s3i_table_set_num(d->quality, r, 3, (double)c->rejected);
    s3i_table_set_num(d->quality, r, 4, (double)c->warnings);
    return S3_OK;
}

static s3_status
record_input(s3_ctx *ctx, s3_dataset *d, const char *name, const char *path,
             const s3i_csv_info *info)
{
    s3_table *t = d->inputs;
    size_t r = s3i_table_add_row(t);
    if (r == S3I_NONE || s3i_table_set_text(t, r, 0, name) ||
        s3i_table_set_text(t, r, 1, path) ||
        s3i_table_set_text(t, r, 4, info->sha256))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3i_table_set_num(t, r, 2, (double)info->rows);
    s3i_table_set_num(t, r, 3, (double)info->bytes);
    return S3_OK;
}

/* ---- columns by name ---------------------------------------------------- */

typedef struct {
    const char *name;
    int required;
} colreq;

/* Find each wanted column in the header; missing required ones are errors,
 * unknown header columns get a note.  idx[i] = S3I_NONE when absent. */
static s3_status
map_columns(s3_ctx *ctx, s3_dataset *d, s3i_csv *r, size_t n, char **f,
            const colreq *want, size_t nwant, size_t *idx)
{
    for (size_t k = 0; k < nwant; k++) {
        idx[k] = S3I_NONE;
        for (size_t i = 0; i < n; i++)
            if (strcmp(f[i], want[k].name) == 0)
                idx[k] = i;
        if (idx[k] == S3I_NONE && want[k].required == 1)
            return s3i_fail(ctx, S3_EINPUT,
                            "%s:%zu: required column '%s' is missing (the "
                            "header has: %s%s%s%s)",
                            s3i_csv_name(r), s3i_csv_line(r), want[k].name,
                            n > 0 ? f[0] : "", n > 1 ? ", " : "",
                            n > 1 ? f[1] : "", n > 2 ? ", ..." : "");
    }
    for (size_t i = 0; i < n; i++) {
        size_t k;
        for (k = 0; k < nwant; k++)
            if (idx[k] == i)
                break;
        if (k == nwant) {
            char msg[256];
            snprintf(msg, sizeof msg, "column '%s' is not used", f[i]);
            if (s3i_note(d->notes, s3i_csv_name(r), msg))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
    }
    return S3_OK;
}

/* The field of column k, or "" when the column is absent. */
#define FIELD(st, f, k) ((st)->col[k] == S3I_NONE ? "" : (f)[(st)->col[k]])

/* Reject a row with a warning. */
static s3_status
reject(s3_ctx *ctx, s3_dataset *d, counts *c, s3i_csv *r, size_t col,
       const char *value, const char *msg)
{
    (void)d;
    c->rejected++;
    c->warnings++;
    if (warn_to(c->log, c->file, s3i_csv_line(r), s3i_csv_colname(r, col),
                value, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

/* Warn about a row that is still used. */
static s3_status
warn_used(s3_ctx *ctx, s3_dataset *d, counts *c, s3i_csv *r, size_t col,
          const char *value, const char *msg)
{
    (void)d;
    c->warnings++;
    if (warn_to(c->log, c->file, s3i_csv_line(r), s3i_csv_colname(r, col),
                value, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

/* Parse a non-negative number field; empty gives NaN when allowed. */
static s3_status
number_slow(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v, int allow_empty,
            double lo, double hi, double *out)
{
    size_t len = strlen(v);
    if (len == 0 && allow_empty) {
        *out = NAN;
        return S3_OK;
    }
    if (s3i_parse_number(v, len, s3i_csv_decimal_comma(r), out))
        return s3i_csv_fail(ctx, r, col, v,
                            s3i_csv_decimal_comma(r)
                                ? "is not a number (a ';' file uses a "
                                  "decimal comma)"
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

/* The same, with the common cases inline: empty, and plain integers of up
 * to 9 digits within range. */
static inline s3_status
number_field(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v,
             int allow_empty, double lo, double hi, double *out)
{
    if (!*v && allow_empty) {
        *out = NAN;
        return S3_OK;
    }
    uint32_t x = 0;
    size_t i = 0;
    for (; i < 9 && v[i] >= '0' && v[i] <= '9'; i++)
        x = x * 10 + (uint32_t)(v[i] - '0');
    if (i > 0 && !v[i] && (double)x >= lo && (double)x <= hi) {
        *out = (double)x;
        return S3_OK;
    }
    return number_slow(ctx, r, col, v, allow_empty, lo, hi, out);
}

/* The length of a Eurostat-style value without trailing blanks and flags:
 * flags are Eurostat's letters after a space ("12.3 e", ": c"), so that
 * "30x" or "nan" stay whole and fail as numbers. */
static size_t
value_length(const char *val)
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

/* Path of a dataset file. */
static int
dataset_path(char *buf, size_t n, const char *dir, const char *file)
{
    return (size_t)snprintf(buf, n, "%s/%s", dir, file) < n ? 0 : -1;
}

static int
file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Read one dataset file with the given callbacks and record it. */
static s3_status
read_file(s3_ctx *ctx, s3_dataset *d, const char *dir, const char *file,
          s3i_csv_fn h, s3i_csv_fn row, void *st, counts *c, int need_rows,
          s3i_csv_split *split)
{
    char path[4096];
    if (dataset_path(path, sizeof path, dir, file))
        return s3i_fail(ctx, S3_EUSAGE, "%s: path too long", dir);
    s3i_csv_info info;
    s3_status rc =
        s3i_csv_read_split(ctx, path, file, 0, h, row, st, split, &info);
    if (!rc && split && split->used)
        rc = split->merge(ctx, st, split->user2, split->lines);
    if (rc)
        return rc;
    if (need_rows && info.rows == 0)
        return s3i_fail(ctx, S3_EINPUT,
                        "%s: the file has a header but no "
                        "data rows",
                        file);
    c->read = info.rows;
    if ((rc = record_input(ctx, d, file, path, &info)))
        return rc;
    return record_quality(ctx, d, c);
}

/* ---- centres ------------------------------------------------------------ */

enum {
    CE_ID,
    CE_NAME,
    CE_SUB,
    CE_NUTS3,
    CE_MUNI,
    CE_TYPE,
    CE_OPENED,
    CE_AREA,
    CE_LAT,
    CE_LON,
    CE_N
};

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    counts c;
    size_t col[CE_N];
    size_t cap_id, cap_name, cap_sub, cap_nuts, cap_subidx, cap_sn, cap_snu;
    s3i_map sub_map;
} centres_state;

static s3_status
centres_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    static const colreq want[CE_N] = {{"centre_id", 1},    {"name", 1},
                                      {"subregion", 1},    {"nuts3", 0},
                                      {"municipality", 0}, {"type", 0},
                                      {"opened", 0},       {"floor_area_m2", 0},
                                      {"lat", 0},          {"lon", 0}};
    centres_state *st = u;
    return map_columns(st->ctx, st->d, r, n, f, want, CE_N, st->col);
}

static int
push(void *v, size_t *cap, size_t n, size_t es)
{
    return s3i_reserve(v, cap, n + 1, es);
}

static s3_status
centres_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    centres_state *st = u;
    s3_ctx *ctx = st->ctx;
    s3_dataset *d = st->d;
    const char *id = FIELD(st, f, CE_ID), *sub = FIELD(st, f, CE_SUB);
    const char *nuts = FIELD(st, f, CE_NUTS3);
    if (!*id)
        return s3i_csv_fail(ctx, r, st->col[CE_ID], id, "is empty");
    if (!*sub)
        return s3i_csv_fail(ctx, r, st->col[CE_SUB], sub, "is empty");
    double v;
    s3_status rc;
    if ((rc = number_field(ctx, r, st->col[CE_OPENED], FIELD(st, f, CE_OPENED),
                           1, 1800, 2100, &v)) ||
        (rc = number_field(ctx, r, st->col[CE_AREA], FIELD(st, f, CE_AREA), 1,
                           0, 1e9, &v)) ||
        (rc = number_field(ctx, r, st->col[CE_LAT], FIELD(st, f, CE_LAT), 1,
                           -90, 90, &v)) ||
        (rc = number_field(ctx, r, st->col[CE_LON], FIELD(st, f, CE_LON), 1,
                           -180, 180, &v)))
        return rc;
    size_t i = d->ncentres;
    char *cid = s3i_arena_strdup(&d->arena, id);
    if (!cid)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    size_t had = s3i_map_put(&d->centre_map, cid, strlen(cid), i);
    if (had == S3I_NONE)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (had != i)
        return s3i_csv_fail(ctx, r, st->col[CE_ID], id,
                            "appears twice: centre ids must be unique");
    int added;
    if (s3i_idtab_add(&d->centre_ids, cid, strlen(cid), &added) != i)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    /* sub-region, with one NUTS-3 code each */
    size_t s = s3i_map_get(&st->sub_map, sub, strlen(sub));
    if (s == S3I_NONE) {
        s = d->nsub;
        char *sn = s3i_arena_strdup(&d->arena, sub);
        char *sc = s3i_arena_strdup(&d->arena, nuts);
        if (!sn || !sc || push(&d->sub_name, &st->cap_sn, s, sizeof(char *)) ||
            push(&d->sub_nuts3, &st->cap_snu, s, sizeof(char *)) ||
            s3i_map_put(&st->sub_map, sn, strlen(sn), s) == S3I_NONE)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        d->sub_name[s] = sn;
        d->sub_nuts3[s] = sc;
        d->nsub++;
    } else if (strcmp(d->sub_nuts3[s], nuts) != 0) {
        char what[160];
        snprintf(what, sizeof what,
                 "differs from the code '%.40s' another centre of sub-region "
                 "'%.40s' has",
                 d->sub_nuts3[s], sub);
        return s3i_csv_fail(ctx, r, st->col[CE_NUTS3], nuts, what);
    }
    if (push(&d->centre_id, &st->cap_id, i, sizeof(char *)) ||
        push(&d->centre_name, &st->cap_name, i, sizeof(char *)) ||
        push(&d->centre_nuts3, &st->cap_nuts, i, sizeof(char *)) ||
        push(&d->centre_sub, &st->cap_sub, i, sizeof(char *)) ||
        push(&d->centre_subidx, &st->cap_subidx, i, sizeof(size_t)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    d->centre_id[i] = cid;
    d->centre_name[i] = s3i_arena_strdup(&d->arena, FIELD(st, f, CE_NAME));
    d->centre_nuts3[i] = d->sub_nuts3[s];
    d->centre_sub[i] = d->sub_name[s];
    d->centre_subidx[i] = s;
    if (!d->centre_name[i])
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    d->ncentres++;
    st->c.used++;
    return S3_OK;
}

/* A centre's index, or S3I_NONE. */
static size_t
centre_lookup(const s3_dataset *d, const char *id, size_t len)
{
    return s3i_idtab_get(&d->centre_ids, id, len);
}

/* Merge the counts and warnings of a file's second part, read by a second
 * thread with its lines numbered from 1 after the first `lines`. */
static s3_status
merge_counts(s3_ctx *ctx, counts *a, const counts *b, size_t lines)
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
    return S3_OK;
}

/* ---- tenants ------------------------------------------------------------ */

enum {
    TE_ID,
    TE_CENTRE,
    TE_NACE,
    TE_NAME,
    TE_EMP,
    TE_FOUNDED,
    TE_ENTERED,
    TE_LEFT,
    TE_STARTUP,
    TE_N
};

/* tenant_id → centre index (UNKNOWN_CENTRE: a tenant of an unknown centre),
 * for duplicate ids and for patents given by tenant */
typedef struct {
    s3i_idtab ids;
    uint32_t *centre;
    size_t cap;
} tenant_index;

/* The tenants read, in file order. */
typedef struct {
    s3i_tenant *v;
    size_t n, cap;
} tenant_vec;

/* tenant_index value of a tenant whose centre is unknown */
#define UNKNOWN_CENTRE UINT32_MAX

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    const s3_model *m;
    counts c;
    size_t col[TE_N];
    tenant_index *tenant_map;
    tenant_vec *out;
    size_t outside_cutoff;
    s3i_memo nace_memo; /* short NACE codes → index */
} tenants_state;

/* The second part of a large tenants file, read by a second thread. */
typedef struct {
    tenants_state st;
    tenant_index map;
    tenant_vec vec;
} tenants_part;

static s3_status
tenants_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    static const colreq want[TE_N] = {
        {"tenant_id", 1}, {"centre_id", 1}, {"nace", 1},
        {"name", 0},      {"employees", 0}, {"founded", 0},
        {"entered", 0},   {"left", 0},      {"startup", 0}};
    tenants_state *st = u;
    return map_columns(st->ctx, st->d, r, n, f, want, TE_N, st->col);
}

/* Parse an optional date column; 0 when empty. */
static s3_status
date_field(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v, int32_t *out)
{
    *out = 0;
    if (!*v)
        return S3_OK;
    if (s3i_parse_date(v, strlen(v), out))
        return s3i_csv_fail(ctx, r, col, v,
                            "is not a date (YYYY-MM-DD or DD.MM.YYYY)");
    return S3_OK;
}

static const char *const level_name[] = {"", "section", "division", "group",
                                         "class"};

static s3_status
tenants_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    tenants_state *st = u;
    s3_ctx *ctx = st->ctx;
    s3_dataset *d = st->d;
    const char *id = FIELD(st, f, TE_ID), *centre = FIELD(st, f, TE_CENTRE);
    const char *nace = FIELD(st, f, TE_NACE);
    if (!*id)
        return s3i_csv_fail(ctx, r, st->col[TE_ID], id, "is empty");
    /* values are checked before anything is decided about the row */
    size_t nlen = st->col[TE_NACE] == S3I_NONE ? 0 : len[st->col[TE_NACE]];
    size_t code;
    uint64_t memo;
    if (s3i_memo_get(&st->nace_memo, nace, nlen, &memo)) {
        code = (size_t)memo;
    } else if ((code = s3i_nace_lookup(&d->ref, nace, nlen)) != S3I_NONE) {
        s3i_memo_put(&st->nace_memo, nace, nlen, code);
    }
    if (code == S3I_NONE)
        return s3i_csv_fail(ctx, r, st->col[TE_NACE], nace,
                            "is not a NACE Rev. 2 code");
    double emp, founded;
    int32_t entered, left;
    s3_status rc;
    if ((rc = number_field(ctx, r, st->col[TE_EMP], FIELD(st, f, TE_EMP), 1, 0,
                           1e7, &emp)) ||
        (rc =
             number_field(ctx, r, st->col[TE_FOUNDED], FIELD(st, f, TE_FOUNDED),
                          1, 1800, 2100, &founded)) ||
        (rc = date_field(ctx, r, st->col[TE_ENTERED], FIELD(st, f, TE_ENTERED),
                         &entered)) ||
        (rc = date_field(ctx, r, st->col[TE_LEFT], FIELD(st, f, TE_LEFT),
                         &left)))
        return rc;
    if (left && entered && left < entered)
        return s3i_csv_fail(ctx, r, st->col[TE_LEFT], FIELD(st, f, TE_LEFT),
                            "is before the entry date");
    const char *su = FIELD(st, f, TE_STARTUP);
    int startup = -1;
    if ((su[0] == '0' || su[0] == '1') && !su[1]) {
        startup = su[0] == '1';
    } else if (*su) {
        static const char *const yes[] = {"1", "yes", "true", "ja", "y"};
        static const char *const no[] = {"0", "no", "false", "nein", "n"};
        for (size_t k = 0; k < 5; k++) {
            if (strcasecmp(su, yes[k]) == 0)
                startup = 1;
            if (strcasecmp(su, no[k]) == 0)
                startup = 0;
        }
        if (startup < 0)
            return s3i_csv_fail(ctx, r, st->col[TE_STARTUP], su,
                                "is not 1/0 (or yes/no)");
    }
    /* duplicate ids: the first row counts */
    int added;
    size_t ti = s3i_idtab_add(&st->tenant_map->ids, id, strlen(id), &added);
    if (ti == S3I_NONE ||
        s3i_reserve(&st->tenant_map->centre, &st->tenant_map->cap, ti + 1,
                    sizeof(uint32_t)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (!added)
        return reject(ctx, d, &st->c, r, st->col[TE_ID], id,
                      "duplicate tenant_id: the row is not counted (the "
                      "first row with this id is)");
    size_t ci = centre_lookup(d, centre, len[st->col[TE_CENTRE]]);
    st->tenant_map->centre[ti] =
        ci == S3I_NONE ? (uint32_t)UNKNOWN_CENTRE : (uint32_t)ci;
    if (ci == S3I_NONE)
        return reject(ctx, d, &st->c, r, st->col[TE_CENTRE], centre,
                      "tenant of an unknown centre: not counted");
    if (d->ref.nace_level[code] < st->m->level) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the NACE code is a %s, coarser than the model's level "
                 "(%s): not counted",
                 level_name[d->ref.nace_level[code]], level_name[st->m->level]);
        return reject(ctx, d, &st->c, r, st->col[TE_NACE], nace, msg);
    }
    /* a tenant not present on the cut-off date is kept for tenant growth
     * but counted in no matrix */
    int32_t cut = st->m->cutoff;
    int active =
        !(cut && ((entered && entered > cut) || (left && left <= cut)));
    st->outside_cutoff += !active;
    if (isnan(emp) && st->col[TE_EMP] != S3I_NONE) {
        if ((rc = warn_used(ctx, d, &st->c, r, st->col[TE_EMP], "",
                            "employees missing: counted as a tenant, not in "
                            "the employees matrix")))
            return rc;
    } else if (emp == 0.0) {
        if ((rc = warn_used(ctx, d, &st->c, r, st->col[TE_EMP], "0",
                            "zero employees")))
            return rc;
    }
    tenant_vec *out = st->out;
    if (s3i_reserve(&out->v, &out->cap, out->n + 1, sizeof(s3i_tenant)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    out->v[out->n++] =
        (s3i_tenant){ci, code, emp, startup, entered, left, active};
    st->c.used++;
    return S3_OK;
}

static void
tenants_part_free(tenants_part *q)
{
    s3i_idtab_free(&q->map.ids);
    free(q->map.centre);
    free(q->vec.v);
}

/* Ready the second thread's state after the header (s3i_csv_split). */
static int
tenants_fork(void *user, void *user2)
{
    tenants_state *a = user;
    tenants_part *q = user2;
    s3_ctx *ctx2 = q->st.ctx;
    s3_table *log2 = q->st.c.log;
    tenants_part_free(q);
    memset(q, 0, sizeof *q);
    q->st = (tenants_state){.ctx = ctx2,
                            .d = a->d,
                            .m = a->m,
                            .c = {.file = a->c.file, .log = log2},
                            .tenant_map = &q->map,
                            .out = &q->vec};
    memcpy(q->st.col, a->col, sizeof a->col);
    return 1;
}

/* The parts can be joined when no tenant_id is in both (ids sorted in
 * both, the second's after the first's): the first row of an id counts,
 * so a repeated id needs the rows in order, and the reader then reads the
 * second part again itself. */
static int
tenants_joinable(void *user, void *user2)
{
    const tenants_state *a = user;
    const tenants_part *q = user2;
    return s3i_idtab_sorted_before(&a->tenant_map->ids, &q->map.ids);
}

static s3_status
tenants_merge(s3_ctx *ctx, void *user, void *user2, size_t lines)
{
    tenants_state *a = user;
    tenants_part *q = user2;
    s3_status rc = merge_counts(ctx, &a->c, &q->st.c, lines);
    if (rc)
        return rc;
    a->outside_cutoff += q->st.outside_cutoff;
    tenant_index *ta = a->tenant_map;
    for (size_t j = 0; j < q->map.ids.n; j++) {
        int added;
        size_t i = s3i_idtab_put(&ta->ids, &q->map.ids.fp[j], &added);
        if (i == S3I_NONE ||
            s3i_reserve(&ta->centre, &ta->cap, i + 1, sizeof(uint32_t)))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        ta->centre[i] = q->map.centre[j];
    }
    tenant_vec *v = a->out;
    if (s3i_reserve(&v->v, &v->cap, v->n + q->vec.n + 1, sizeof(s3i_tenant)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    memcpy(v->v + v->n, q->vec.v, q->vec.n * sizeof(s3i_tenant));
    v->n += q->vec.n;
    return S3_OK;
}

/* ---- patents ------------------------------------------------------------ */

enum { PA_ID, PA_CENTRE, PA_TENANT, PA_IPC, PA_YEAR, PA_SHARE, PA_N };

/* What is kept of a patent while the file streams: its fields, its first
 * centre and a chain of further centres; 16 bytes (plus 28 in the id
 * table), so that 10 million patents take under half a GiB. */
typedef struct {
    uint64_t fields; /* bit f: the patent has WIPO field f */
    uint32_t centre; /* its first centre */
    uint32_t more;   /* 1 + the node of its next centre; 0: none */
} patent;

typedef struct {
    uint32_t centre, next; /* next: 1 + node, 0: end */
} centre_node;

typedef struct patents_state {
    s3_ctx *ctx;
    s3_dataset *d;
    const s3_model *m;
    counts c;
    size_t col[PA_N];
    const tenant_index *tenant_map;
    s3i_idtab ids; /* patent_id → index into pat */
    patent *pat;
    size_t cap_pat;
    double *share; /* per patent when some share is not 1, else NULL */
    size_t cap_share;
    centre_node *node;
    size_t nnode, cap_node;
    size_t outside_cutoff;
    /* short "ipc" fields whose codes all map → their fields */
    s3i_memo ipc_memo;
    /* the previous row's patent: rows of a patent usually follow each
     * other */
    s3i_fp last_id, last_centre;
    size_t last_pi, last_ci;
    /* the second part of a file read by two threads, when it shares no
     * patent with this one (its patents come after these) */
    const struct patents_state *tail;
} patents_state;

static s3_status
patents_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    static const colreq want[PA_N] = {{"patent_id", 1}, {"centre_id", 2},
                                      {"tenant_id", 2}, {"ipc", 1},
                                      {"year", 0},      {"share", 0}};
    patents_state *st = u;
    s3_status rc = map_columns(st->ctx, st->d, r, n, f, want, PA_N, st->col);
    if (!rc && st->col[PA_CENTRE] == S3I_NONE && st->col[PA_TENANT] == S3I_NONE)
        rc = s3i_fail(st->ctx, S3_EINPUT,
                      "%s:%zu: a column 'centre_id' or 'tenant_id' is needed",
                      s3i_csv_name(r), s3i_csv_line(r));
    return rc;
}

/* The WIPO fields of an "ipc" field: one or more codes separated by ';'
 * or '|'.  Codes outside the concordance are counted in *unmapped (the
 * last one copied to unmapped_code); 0 codes at all is an error. */
static s3_status
ipc_fields(patents_state *st, s3i_csv *r, const char *ipc, uint64_t *fields,
           int *unmapped, char unmapped_code[64])
{
    *fields = 0;
    *unmapped = 0;
    size_t ncodes = 0;
    for (const char *p = ipc; *p;) {
        size_t k = strcspn(p, ";|");
        const char *s = p;
        size_t l = k;
        while (l && *s == ' ')
            s++, l--;
        while (l && s[l - 1] == ' ')
            l--;
        if (l > 0) {
            size_t fld, cl = l < 63 ? l : 63;
            if (s3i_ipc_lookup(&st->d->ref, s, l, &fld)) {
                char code[64]; /* copied only for the message */
                memcpy(code, s, cl);
                code[cl] = '\0';
                return s3i_csv_fail(st->ctx, r, st->col[PA_IPC], code,
                                    "is not an IPC symbol (e.g. 'G06F "
                                    "17/30')");
            }
            ncodes++;
            if (fld == S3I_NONE) {
                ++*unmapped;
                memcpy(unmapped_code, s, cl);
                unmapped_code[cl] = '\0';
            } else {
                *fields |= (uint64_t)1 << fld;
            }
        }
        p += k + (p[k] != '\0');
    }
    if (ncodes == 0)
        return s3i_csv_fail(st->ctx, r, st->col[PA_IPC], ipc,
                            "holds no IPC code");
    return S3_OK;
}

/* The centre of a patent row: given, or the tenant's; S3I_NONE with the row
 * rejected when unknown. */
static s3_status
patent_centre(patents_state *st, s3i_csv *r, const char *centre, size_t clen,
              const char *tenant, size_t *ci)
{
    s3_dataset *d = st->d;
    *ci = S3I_NONE;
    if (clen) {
        /* the previous row's centre, or looked up */
        s3i_fp k;
        s3i_fingerprint(centre, clen, &k);
        if (s3i_fp_equal(&k, &st->last_centre) && st->last_ci != S3I_NONE) {
            *ci = st->last_ci;
        } else {
            *ci = s3i_idtab_find(&d->centre_ids, &k);
            st->last_centre = k;
            st->last_ci = *ci;
        }
        if (*ci == S3I_NONE)
            return reject(st->ctx, d, &st->c, r, st->col[PA_CENTRE], centre,
                          "patent of an unknown centre: not counted");
        if (!*tenant)
            return S3_OK;
        /* both given: they must agree */
        size_t ti = s3i_idtab_get(&st->tenant_map->ids, tenant, strlen(tenant));
        if (ti != S3I_NONE && st->tenant_map->centre[ti] == *ci)
            return S3_OK;
        return warn_used(st->ctx, d, &st->c, r, st->col[PA_TENANT], tenant,
                         ti == S3I_NONE
                             ? "unknown tenant_id: the row counts for its "
                               "centre_id"
                             : "the tenant is in another centre: the row "
                               "counts for its centre_id");
    }
    if (*tenant) {
        size_t ti = s3i_idtab_get(&st->tenant_map->ids, tenant, strlen(tenant));
        if (ti != S3I_NONE && st->tenant_map->centre[ti] != UNKNOWN_CENTRE) {
            *ci = st->tenant_map->centre[ti];
            return S3_OK;
        }
        return reject(st->ctx, d, &st->c, r, st->col[PA_TENANT], tenant,
                      "patent of an unknown tenant (or of a tenant of an "
                      "unknown centre): not counted");
    }
    return s3i_csv_fail(st->ctx, r,
                        st->col[PA_CENTRE] != S3I_NONE ? st->col[PA_CENTRE]
                                                       : st->col[PA_TENANT],
                        "", "is empty: a patent needs a centre or tenant");
}

/* Add centre ci to patent pi's centres (a set). */
static int
patent_add_centre(patents_state *st, size_t pi, uint32_t ci)
{
    patent *pt = &st->pat[pi];
    if (pt->centre == ci)
        return 0;
    for (uint32_t k = pt->more; k; k = st->node[k - 1].next)
        if (st->node[k - 1].centre == ci)
            return 0;
    if (s3i_reserve(&st->node, &st->cap_node, st->nnode + 1, sizeof *st->node))
        return -1;
    st->node[st->nnode++] = (centre_node){ci, pt->more};
    pt->more = (uint32_t)st->nnode;
    return 0;
}

/* The share column: kept per patent from the first share that is not 1. */
static int
set_share(patents_state *st, size_t pi, double share)
{
    if (!st->share && share == 1.0)
        return 0;
    size_t had = st->share ? st->cap_share : 0;
    if (s3i_reserve(&st->share, &st->cap_share, st->ids.n, sizeof(double)))
        return -1;
    for (size_t k = had; k < st->cap_share; k++)
        st->share[k] = 1.0;
    st->share[pi] = share;
    return 0;
}

static s3_status
patents_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    patents_state *st = u;
    s3_ctx *ctx = st->ctx;
    s3_dataset *d = st->d;
    const char *id = FIELD(st, f, PA_ID), *ipc = FIELD(st, f, PA_IPC);
    size_t idlen = st->col[PA_ID] == S3I_NONE ? 0 : len[st->col[PA_ID]];
    if (!idlen)
        return s3i_csv_fail(ctx, r, st->col[PA_ID], id, "is empty");
    double year, share;
    s3_status rc;
    if ((rc = number_field(ctx, r, st->col[PA_YEAR], FIELD(st, f, PA_YEAR), 1,
                           1800, 2100, &year)) ||
        (rc = number_field(ctx, r, st->col[PA_SHARE], FIELD(st, f, PA_SHARE), 1,
                           0, 1, &share)))
        return rc;
    if (share == 0.0)
        return s3i_csv_fail(ctx, r, st->col[PA_SHARE], FIELD(st, f, PA_SHARE),
                            "is 0: a patent's share must be above 0");
    if (isnan(share))
        share = 1.0;
    uint64_t fields;
    int unmapped = 0;
    char unmapped_code[64];
    size_t ipclen = st->col[PA_IPC] == S3I_NONE ? 0 : len[st->col[PA_IPC]];
    if (!s3i_memo_get(&st->ipc_memo, ipc, ipclen, &fields)) {
        if ((rc = ipc_fields(st, r, ipc, &fields, &unmapped, unmapped_code)))
            return rc;
        if (!unmapped)
            s3i_memo_put(&st->ipc_memo, ipc, ipclen, fields);
    }
    size_t ci, nrej = st->c.rejected;
    const char *centre = FIELD(st, f, PA_CENTRE);
    size_t clen = st->col[PA_CENTRE] == S3I_NONE ? 0 : len[st->col[PA_CENTRE]];
    if ((rc = patent_centre(st, r, centre, clen, FIELD(st, f, PA_TENANT), &ci)))
        return rc;
    if (st->c.rejected != nrej)
        return S3_OK; /* rejected: an unknown centre or tenant */
    if (unmapped && (rc = (fields ? warn_used : reject)(
                         ctx, d, &st->c, r, st->col[PA_IPC], unmapped_code,
                         fields ? "IPC code not in the WIPO concordance: "
                                  "left out, the row's other codes count"
                                : "IPC code not in the WIPO concordance: "
                                  "the row is not counted")))
        return rc;
    if (!fields)
        return S3_OK;
    if (st->m->cutoff && !isnan(year) && year > st->m->cutoff / 10000) {
        st->c.rejected++;
        st->outside_cutoff++;
        return S3_OK;
    }
    /* the patent: the previous row's, or looked up (added when new) */
    size_t pi;
    int added = 0;
    s3i_fp fp;
    s3i_fingerprint(id, idlen, &fp);
    if (st->ids.n > 0 && s3i_fp_equal(&fp, &st->last_id)) {
        pi = st->last_pi;
    } else {
        if ((pi = s3i_idtab_put(&st->ids, &fp, &added)) == S3I_NONE)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        st->last_id = fp;
        st->last_pi = pi;
    }
    if (added) {
        if (s3i_reserve(&st->pat, &st->cap_pat, pi + 1, sizeof(patent)) ||
            set_share(st, pi, share))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        st->pat[pi] = (patent){fields, (uint32_t)ci, 0};
    } else {
        double first = st->share ? st->share[pi] : 1.0;
        if (first != share &&
            (rc = warn_used(ctx, d, &st->c, r, st->col[PA_SHARE],
                            FIELD(st, f, PA_SHARE),
                            "the patent's share differs from its first row: "
                            "the first share is used")))
            return rc;
        st->pat[pi].fields |= fields;
        if (patent_add_centre(st, pi, (uint32_t)ci))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    st->c.used++;
    return S3_OK;
}

/* Distribute each patent of st over its centres × fields, and count the
 * co-occurrence of fields (each patent once). */
static void
distribute(s3_dataset *d, const patents_state *st)
{
    size_t nf = d->ref.nfields;
    for (size_t i = 0; i < st->ids.n; i++) {
        const patent *pt = &st->pat[i];
        uint64_t fl = pt->fields;
        for (uint64_t a = fl; a; a &= a - 1)
            for (uint64_t b = a & (a - 1); b; b &= b - 1) {
                size_t x = (size_t)__builtin_ctzll(a),
                       y = (size_t)__builtin_ctzll(b);
                d->cooc[x * nf + y] += 1.0;
                d->cooc[y * nf + x] += 1.0;
            }
        size_t nc = 1;
        for (uint32_t k = pt->more; k; k = st->node[k - 1].next)
            nc++;
        double w = (st->share ? st->share[i] : 1.0) / (double)nc /
                   (double)__builtin_popcountll(fl);
        for (uint32_t k = 0, c = pt->centre;;) {
            double *row = d->patents + (size_t)c * nf;
            for (uint64_t a = fl; a; a &= a - 1)
                row[__builtin_ctzll(a)] += w;
            k = k ? st->node[k - 1].next : pt->more;
            if (!k)
                break;
            c = st->node[k - 1].centre;
        }
    }
}

/* The patent matrix and co-occurrences: st's patents, then those of the
 * second part of the file when it shares no patent with the first (the
 * order of a one-thread read). */
static s3_status
patents_finish(s3_ctx *ctx, patents_state *st)
{
    s3_dataset *d = st->d;
    size_t nf = d->ref.nfields;
    d->patents = calloc(d->ncentres * nf + 1, sizeof(double));
    d->cooc = calloc(nf * nf + 1, sizeof(double));
    if (!d->patents || !d->cooc)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    distribute(d, st);
    if (st->tail)
        distribute(d, st->tail);
    return S3_OK;
}

static void
patents_free(patents_state *st)
{
    s3i_idtab_free(&st->ids);
    free(st->pat);
    free(st->share);
    free(st->node);
}

/* Ready the second thread's state after the header (s3i_csv_split).  A
 * file with a share column is read by one thread: whether a row's share
 * differs from the patent's first share needs the rows in order. */
static int
patents_fork(void *user, void *user2)
{
    patents_state *a = user, *b = user2;
    if (a->col[PA_SHARE] != S3I_NONE)
        return 0;
    s3_ctx *ctx2 = b->ctx;
    s3_table *log2 = b->c.log;
    patents_free(b);
    memset(b, 0, sizeof *b);
    b->ctx = ctx2;
    b->d = a->d;
    b->m = a->m;
    b->c = (counts){.file = a->c.file, .log = log2};
    memcpy(b->col, a->col, sizeof a->col);
    b->tenant_map = a->tenant_map;
    return 1;
}

/* Merge the second part of the file (its lines numbered from 1 after the
 * first `lines`) into the first, as if one thread had read both: patents
 * in order of first appearance, warnings in line order. */
static s3_status
patents_merge(s3_ctx *ctx, void *user, void *user2, size_t lines)
{
    patents_state *a = user, *b = user2;
    s3_status rc = merge_counts(ctx, &a->c, &b->c, lines);
    if (rc)
        return rc;
    a->outside_cutoff += b->outside_cutoff;
    /* ids sorted in both parts, the second's after the first's (files
     * sorted by patent): no patent in both, keep the second part as is */
    if (s3i_idtab_sorted_before(&a->ids, &b->ids)) {
        a->tail = b;
        return S3_OK;
    }
    for (size_t j = 0; j < b->ids.n; j++) {
        int added;
        size_t i = s3i_idtab_put(&a->ids, &b->ids.fp[j], &added);
        if (i == S3I_NONE ||
            (added && s3i_reserve(&a->pat, &a->cap_pat, i + 1, sizeof(patent))))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        const patent *q = &b->pat[j];
        if (added)
            a->pat[i] = (patent){q->fields, q->centre, 0};
        a->pat[i].fields |= q->fields;
        if (patent_add_centre(a, i, q->centre))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        for (uint32_t k = q->more; k; k = b->node[k - 1].next)
            if (patent_add_centre(a, i, b->node[k - 1].centre))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    return S3_OK;
}

/* ---- baseline ----------------------------------------------------------- */

enum { BA_REGION, BA_NACE, BA_VALUE, BA_YEAR, BA_FLAG, BA_LABEL, BA_N };

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    counts c;
    size_t col[BA_N];
    s3i_map reg_map, agg_map;
    char **reg, **agg, **agg_label; /* agg_label[a]: "" when not given */
    size_t nreg, nagg, cap_reg, cap_agg, cap_agl;
    /* cells */
    size_t *cell_reg, *cell_agg;
    s3i_idtab cells; /* (region, aggregate) pairs seen */
    double *cell_val;
    size_t ncell, cap_cr, cap_ca, cap_cv;
    double year;
} baseline_state;

static s3_status
baseline_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    static const colreq want[BA_N] = {{"region", 1}, {"nace", 1}, {"value", 1},
                                      {"year", 0},   {"flag", 0}, {"label", 0}};
    baseline_state *st = u;
    st->year = NAN;
    return map_columns(st->ctx, st->d, r, n, f, want, BA_N, st->col);
}

/* Mark in cover[] (one flag per NACE code) every code inside the baseline
 * aggregate `code`: "TOTAL", a section "C", a range "B-E", a union "M_N" or
 * a NACE code "62".  Returns -1 when the code is none of these. */
static int
aggregate_cover(const s3i_ref *ref, const char *code, unsigned char *cover)
{
    memset(cover, 0, ref->nnace);
    if (strcmp(code, "TOTAL") == 0) {
        memset(cover, 1, ref->nnace);
        return 0;
    }
    char buf[64];
    if (strlen(code) >= sizeof buf)
        return -1;
    strcpy(buf, code);
    for (char *part = strtok(buf, "_"); part; part = strtok(NULL, "_")) {
        size_t lo, hi;
        char *dash = strchr(part, '-');
        if (dash && strlen(part) == 3 && dash == part + 1) {
            char a[2] = {part[0], 0}, b[2] = {part[2], 0};
            lo = s3i_map_get(&ref->nace_by_key, a, 1);
            hi = s3i_map_get(&ref->nace_by_key, b, 1);
            if (lo == S3I_NONE || hi == S3I_NONE || part[0] > part[2])
                return -1;
        } else {
            lo = hi = s3i_nace_lookup(ref, part, strlen(part));
            if (lo == S3I_NONE)
                return -1;
        }
        for (size_t i = 0; i < ref->nnace; i++) {
            /* i is inside when it or an ancestor lies in [lo, hi]: for a
             * section range compare section letters, else the code */
            for (size_t a = i; a != S3I_NONE; a = ref->nace_parent[a]) {
                int in;
                if (ref->nace_level[lo] == 1)
                    in = ref->nace_level[a] == 1 &&
                         ref->nace_code[a][0] >= ref->nace_code[lo][0] &&
                         ref->nace_code[a][0] <= ref->nace_code[hi][0];
                else
                    in = a == lo;
                if (in) {
                    cover[i] = 1;
                    break;
                }
            }
        }
    }
    return 0;
}

static s3_status
baseline_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    baseline_state *st = u;
    s3_ctx *ctx = st->ctx;
    s3_dataset *d = st->d;
    const char *reg = FIELD(st, f, BA_REGION), *code = FIELD(st, f, BA_NACE);
    const char *val = FIELD(st, f, BA_VALUE);
    if (!*reg)
        return s3i_csv_fail(ctx, r, st->col[BA_REGION], reg, "is empty");
    unsigned char *cover = malloc(d->ref.nnace + 1);
    if (!cover)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    int bad = aggregate_cover(&d->ref, code, cover);
    free(cover);
    if (bad)
        return s3i_csv_fail(ctx, r, st->col[BA_NACE], code,
                            "is not a NACE Rev. 2 code or aggregate (e.g. "
                            "'C', 'B-E', 'M_N', '62', 'TOTAL')");
    double y;
    s3_status rc = number_field(ctx, r, st->col[BA_YEAR], FIELD(st, f, BA_YEAR),
                                1, 1800, 2100, &y);
    if (rc)
        return rc;
    if (!isnan(y)) {
        if (!isnan(st->year) && y != st->year)
            return s3i_csv_fail(ctx, r, st->col[BA_YEAR], FIELD(st, f, BA_YEAR),
                                "differs from the year of the earlier rows: "
                                "keep one year per baseline file");
        st->year = y;
    }
    /* Eurostat style: ':' for missing, flags after a space ("12.3 e",
     * ": c"); an empty value is an error, not a missing one */
    size_t vl = value_length(val);
    char num[64];
    snprintf(num, sizeof num, "%.*s", (int)(vl < 63 ? vl : 63), val);
    if (vl == 1 && val[0] == ':')
        return reject(ctx, d, &st->c, r, st->col[BA_VALUE], val,
                      "missing value: the cell is not used");
    if (vl == 0)
        return s3i_csv_fail(ctx, r, st->col[BA_VALUE], val,
                            "is empty: give a number, or ':' for a missing "
                            "value");
    double v;
    if ((rc = number_field(ctx, r, st->col[BA_VALUE], vl < 63 ? num : val, 0, 0,
                           1e15, &v)))
        return rc;
    /* intern region and aggregate */
    size_t ri = s3i_map_get(&st->reg_map, reg, strlen(reg));
    if (ri == S3I_NONE) {
        char *k = s3i_arena_strdup(&d->arena, reg);
        if (!k ||
            s3i_reserve(&st->reg, &st->cap_reg, st->nreg + 1, sizeof(char *)) ||
            s3i_map_put(&st->reg_map, k, strlen(k), st->nreg) == S3I_NONE)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        st->reg[ri = st->nreg++] = k;
    }
    size_t ai = s3i_map_get(&st->agg_map, code, strlen(code));
    if (ai == S3I_NONE) {
        char *k = s3i_arena_strdup(&d->arena, code);
        char *l = s3i_arena_strdup(&d->arena, FIELD(st, f, BA_LABEL));
        if (!k || !l ||
            s3i_reserve(&st->agg, &st->cap_agg, st->nagg + 1, sizeof(char *)) ||
            s3i_reserve(&st->agg_label, &st->cap_agl, st->nagg + 1,
                        sizeof(char *)) ||
            s3i_map_put(&st->agg_map, k, strlen(k), st->nagg) == S3I_NONE)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        st->agg_label[st->nagg] = l;
        st->agg[ai = st->nagg++] = k;
    }
    /* each (region, aggregate) once: its fingerprint is the pair */
    s3i_fp cell = {{(uint64_t)ri, (uint64_t)ai}};
    int added;
    if (s3i_idtab_put(&st->cells, &cell, &added) == S3I_NONE)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (!added)
        return s3i_csv_fail(ctx, r, st->col[BA_NACE], code,
                            "appears twice for this region");
    if (s3i_reserve(&st->cell_reg, &st->cap_cr, st->ncell + 1,
                    sizeof(size_t)) ||
        s3i_reserve(&st->cell_agg, &st->cap_ca, st->ncell + 1,
                    sizeof(size_t)) ||
        s3i_reserve(&st->cell_val, &st->cap_cv, st->ncell + 1, sizeof(double)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    st->cell_reg[st->ncell] = ri;
    st->cell_agg[st->ncell] = ai;
    st->cell_val[st->ncell++] = v;
    st->c.used++;
    return S3_OK;
}

/* Choose a disjoint set of aggregates (largest first; totals and nested
 * aggregates left out, with a note), and build the region × aggregate
 * table and the NACE → aggregate map. */
static s3_status
baseline_finish(s3_ctx *ctx, baseline_state *st)
{
    s3_dataset *d = st->d;
    const s3i_ref *ref = &d->ref;
    size_t nn = ref->nnace, na = st->nagg;
    s3_status rc = S3_OK;
    unsigned char *cover = calloc(na * nn + 1, 1), *taken = calloc(nn + 1, 1);
    size_t *size = calloc(na + 1, sizeof(size_t)),
           *order = calloc(na + 1, sizeof(size_t));
    int *chosen = calloc(na + 1, sizeof(int));
    size_t nclass = 0;
    char note[2048] = "", dropped[1024] = "";
    if (!cover || !taken || !size || !order || !chosen) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nn; i++)
        nclass += ref->nace_level[i] == 4;
    for (size_t a = 0; a < na; a++) {
        aggregate_cover(ref, st->agg[a], cover + a * nn);
        for (size_t i = 0; i < nn; i++)
            size[a] += cover[a * nn + i] && ref->nace_level[i] == 4;
        order[a] = a;
    }
    /* largest first; stable by file order */
    for (size_t i = 1; i < na; i++)
        for (size_t j = i; j > 0 && size[order[j]] > size[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    size_t nchosen = 0, covered = 0;
    for (size_t k = 0; k < na; k++) {
        size_t a = order[k];
        int overlap = 0;
        for (size_t i = 0; i < nn && !overlap; i++)
            overlap = cover[a * nn + i] && taken[i] && ref->nace_level[i] == 4;
        const char *why = size[a] == nclass ? " (the total)"
                          : overlap         ? " (overlaps a larger aggregate)"
                                            : NULL;
        if (why || size[a] == 0) {
            size_t l = strlen(dropped);
            snprintf(dropped + l, sizeof dropped - l, "%s%s%s", l ? ", " : "",
                     st->agg[a], why ? why : " (empty)");
            continue;
        }
        chosen[a] = 1;
        nchosen++;
        covered += size[a];
        for (size_t i = 0; i < nn; i++)
            taken[i] |= cover[a * nn + i];
    }
    /* aggregates in use, in NACE order (by their first class) */
    d->nbagg = nchosen;
    d->nbreg = st->nreg;
    d->bagg_code = calloc(nchosen + 1, sizeof(char *));
    d->bagg_label = calloc(nchosen + 1, sizeof(char *));
    d->breg = calloc(st->nreg + 1, sizeof(char *));
    d->bval = malloc((st->nreg * nchosen + 1) * sizeof(double));
    d->nace_bagg = malloc((nn + 1) * sizeof(size_t));
    size_t *slot = malloc((na + 1) * sizeof(size_t));
    if (!d->bagg_code || !d->bagg_label || !d->breg || !d->bval ||
        !d->nace_bagg || !slot) {
        free(slot);
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t a = 0; a < na; a++)
        slot[a] = S3I_NONE;
    for (size_t i = 0; i < nn; i++) {
        d->nace_bagg[i] = S3I_NONE;
        for (size_t a = 0; a < na; a++) {
            if (!chosen[a] || !cover[a * nn + i])
                continue;
            if (slot[a] == S3I_NONE) {
                d->bagg_code[k] = st->agg[a];
                slot[a] = k++;
            }
            d->nace_bagg[i] = slot[a];
        }
    }
    for (size_t s = 0; s < k; s++) {
        size_t a =
            s3i_map_get(&st->agg_map, d->bagg_code[s], strlen(d->bagg_code[s]));
        size_t sec = S3I_NONE;
        for (size_t i = 0; i < nn && sec == S3I_NONE; i++)
            if (cover[a * nn + i] && ref->nace_level[i] == 1)
                sec = i;
        d->bagg_label[s] = *st->agg_label[a] ? st->agg_label[a]
                           : (sec != S3I_NONE && strlen(d->bagg_code[s]) == 1)
                               ? ref->nace_label[sec]
                               : d->bagg_code[s];
    }
    for (size_t i = 0; i < st->nreg * nchosen; i++)
        d->bval[i] = NAN;
    for (size_t r = 0; r < st->nreg; r++)
        d->breg[r] = st->reg[r];
    for (size_t c = 0; c < st->ncell; c++)
        if (chosen[st->cell_agg[c]])
            d->bval[st->cell_reg[c] * nchosen + slot[st->cell_agg[c]]] =
                st->cell_val[c];
    free(slot);
    {
        size_t l = 0;
        l += (size_t)snprintf(note + l, sizeof note - l,
                              "aggregates used (disjoint): ");
        for (size_t s = 0; s < k && l < sizeof note; s++)
            l += (size_t)snprintf(note + l, sizeof note - l, "%s%s",
                                  s ? ", " : "", d->bagg_code[s]);
        if (l < sizeof note)
            snprintf(note + l, sizeof note - l,
                     "; they cover %zu of %zu NACE classes; not used: %s",
                     covered, nclass, *dropped ? dropped : "none");
        if (s3i_note(d->notes, "baseline.csv", note))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
done:
    free(cover);
    free(taken);
    free(size);
    free(order);
    free(chosen);
    return rc;
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

/* A dataset with its empty logs. */
static s3_status
dataset_new(s3_ctx *ctx, s3_dataset **out)
{
    s3_dataset *d = calloc(1, sizeof *d);
    if (!d)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    d->quality = s3i_table_new("quality", 5, quality_cols);
    d->warnings = s3i_table_new("warnings", 5, warning_cols);
    d->inputs = s3i_table_new("inputs", 5, input_cols);
    d->notes = s3i_table_new("notes", 2, note_cols);
    if (!d->quality || !d->warnings || !d->inputs || !d->notes) {
        s3_dataset_free(d);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    *out = d;
    return S3_OK;
}

/* One note for the rows outside the cut-off date. */
static s3_status
note_cutoff(s3_ctx *ctx, s3_dataset *d, const char *file, size_t n,
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
    if (s3i_note(d->notes, file, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

s3_status
s3_dataset_load(s3_ctx *ctx, const s3_model *m, s3_dataset **out)
{
    return s3i_dataset_load_ref(ctx, m, NULL, out);
}

s3_status
s3i_dataset_load_ref(s3_ctx *ctx, const s3_model *m, const s3i_ref *ref,
                     s3_dataset **out)
{
    *out = NULL;
    s3_dataset *d;
    s3_status rc = dataset_new(ctx, &d);
    if (rc)
        return rc;
    tenant_index tenant_map = {0};
    tenant_vec tenants = {0};
    centres_state cs = {
        .ctx = ctx, .d = d, .c = {.file = "centres.csv", .log = d->warnings}};
    tenants_state ts = {.ctx = ctx,
                        .d = d,
                        .m = m,
                        .c = {.file = "tenants.csv", .log = d->warnings},
                        .tenant_map = &tenant_map,
                        .out = &tenants};
    patents_state ps = {.ctx = ctx,
                        .d = d,
                        .m = m,
                        .c = {.file = "patents.csv", .log = d->warnings},
                        .tenant_map = &tenant_map};
    baseline_state bs = {
        .ctx = ctx, .d = d, .c = {.file = "baseline.csv", .log = d->warnings}};
    /* the states of the second thread that may read the second part of
     * a large tenants or patents file */
    patents_state *ps2 = calloc(1, sizeof *ps2);
    tenants_part *ts2 = calloc(1, sizeof *ts2);
    if (!ps2 || !(ps2->ctx = s3_ctx_new()) ||
        !(ps2->c.log = s3i_table_new("warnings", 5, warning_cols)) || !ts2 ||
        !(ts2->st.ctx = s3_ctx_new()) ||
        !(ts2->st.c.log = s3i_table_new("warnings", 5, warning_cols))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3i_csv_split tsp = {.user2 = ts2,
                         .ctx2 = ts2->st.ctx,
                         .fork = tenants_fork,
                         .joinable = tenants_joinable,
                         .merge = tenants_merge};
    const char *dir = m->dataset_dir;
    char path[4096];

    if (ref)
        d->ref = *ref, d->ref_shared = 1;
    else if ((rc = s3i_ref_load(ctx, m->reference_dir, &d->ref, d->inputs)))
        goto done;
    if ((rc = read_file(ctx, d, dir, "centres.csv", centres_header, centres_row,
                        &cs, &cs.c, 1, NULL)) ||
        (rc = s3i_idtab_hash_all(&d->centre_ids)
                  ? s3i_fail(ctx, S3_ENOMEM, "out of memory")
                  : S3_OK) ||
        (rc = read_file(ctx, d, dir, "tenants.csv", tenants_header, tenants_row,
                        &ts, &ts.c, 1, &tsp)) ||
        (rc = note_cutoff(ctx, d, "tenants.csv", ts.outside_cutoff, m)))
        goto done;
    d->tenants = tenants.v, d->ntenants = tenants.n,
    d->tenants_cap = tenants.cap;
    tenants = (tenant_vec){0};
    if (dataset_path(path, sizeof path, dir, "patents.csv") == 0 &&
        file_exists(path)) {
        /* a second thread may read the second half of a large file */
        s3i_csv_split sp = {.user2 = ps2,
                            .ctx2 = ps2->ctx,
                            .fork = patents_fork,
                            .merge = patents_merge};
        if ((rc = read_file(ctx, d, dir, "patents.csv", patents_header,
                            patents_row, &ps, &ps.c, 1, &sp)) ||
            (rc = note_cutoff(ctx, d, "patents.csv", ps.outside_cutoff, m)) ||
            (rc = patents_finish(ctx, &ps)))
            goto done;
    } else if (s3i_note(d->notes, "patents.csv",
                        "no patents.csv in the dataset: no patent measures")) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    if (dataset_path(path, sizeof path, dir, "baseline.csv") == 0 &&
        file_exists(path)) {
        if ((rc = read_file(ctx, d, dir, "baseline.csv", baseline_header,
                            baseline_row, &bs, &bs.c, 1, NULL)) ||
            (rc = baseline_finish(ctx, &bs)))
            goto done;
    } else if (m->reference == S3I_REF_BASELINE) {
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s: the model compares with the baseline, but the "
                      "dataset has no baseline.csv",
                      dir);
        goto done;
    }
done:
    s3i_idtab_free(&tenant_map.ids);
    free(tenant_map.centre);
    free(tenants.v);
    if (ts2) {
        tenants_part_free(ts2);
        s3_ctx_free(ts2->st.ctx);
        s3i_table_free(ts2->st.c.log);
        free(ts2);
    }
    s3i_map_free(&cs.sub_map);
    patents_free(&ps);
    if (ps2) {
        patents_free(ps2);
        s3_ctx_free(ps2->ctx);
        s3i_table_free(ps2->c.log);
        free(ps2);
    }
    s3i_map_free(&bs.reg_map);
    s3i_map_free(&bs.agg_map);
    free(bs.reg);
    free(bs.agg);
    free(bs.agg_label);
    free(bs.cell_reg);
    free(bs.cell_agg);
    s3i_idtab_free(&bs.cells);
    free(bs.cell_val);
    if (rc) {
        s3_dataset_free(d);
        return rc;
    }
    *out = d;
    return S3_OK;
}

/* ---- generic long table ------------------------------------------------- */

/* A long table has one row per (unit, class, value).  A Eurostat bulk TSV
 * file (legacy and current headers alike) has one row per combination of
 * its dimensions, written comma-joined in the first column under a header
 * such as "unit,nace_r2,geo\TIME_PERIOD", and one column per period; its
 * unit and class are dimensions and its value is a period column.  Rows
 * can be filtered by "COL=VALUE" conditions (a column or a dimension). */
enum { MAX_DIMS = 16, MAX_WHERE = 16 };

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    counts c;
    const char *want[3];
    const char *const *where;
    size_t nwhere;
    size_t col[3];          /* field of unit, class, value */
    size_t wcol[MAX_WHERE]; /* field of each filter */
    int eurostat;           /* first column holds the dimensions */
    size_t ndims;
    char dims[MAX_DIMS][64];
    size_t filtered, missing;
    char first[MAX_DIMS][128]; /* Eurostat: first value of each dimension */
    int seen;
    s3i_map unit_map, class_map;
    size_t cap_u, cap_c;
    size_t *cu, *cc;
    double *cv;
    size_t ncell, cap_cu, cap_cc, cap_cv;
} long_state;

/* Field index for a dimension d (Eurostat): encoded as S3I_NONE - 1 - d. */
#define DIM(d) (S3I_NONE - 1 - (d))

static s3_status
long_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    long_state *st = u;
    const char *bs = n > 1 ? strchr(f[0], '\\') : NULL;
    if (!bs) {
        colreq want[3 + MAX_WHERE];
        for (size_t k = 0; k < 3; k++)
            want[k] = (colreq){st->want[k], 1};
        char names[MAX_WHERE][64];
        for (size_t k = 0; k < st->nwhere; k++) {
            snprintf(names[k], sizeof names[k], "%.*s",
                     (int)strcspn(st->where[k], "="), st->where[k]);
            want[3 + k] = (colreq){names[k], 1};
        }
        size_t idx[3 + MAX_WHERE];
        s3_status rc =
            map_columns(st->ctx, st->d, r, n, f, want, 3 + st->nwhere, idx);
        memcpy(st->col, idx, sizeof st->col);
        memcpy(st->wcol, idx + 3, st->nwhere * sizeof(size_t));
        return rc;
    }
    /* Eurostat: dimensions before the backslash, periods after column 0 */
    st->eurostat = 1;
    for (const char *p = f[0]; p < bs && st->ndims < MAX_DIMS;) {
        size_t k = strcspn(p, ",\\");
        if (k >= sizeof st->dims[0])
            return s3i_csv_fail(st->ctx, r, 0, f[0],
                                "names a dimension longer than 63 bytes: is "
                                "this a Eurostat TSV header?");
        memcpy(st->dims[st->ndims], p, k);
        st->dims[st->ndims++][k] = '\0';
        p += k + (p[k] == ',');
    }
    for (size_t k = 0; k < 3 + st->nwhere; k++) {
        const char *name = k < 3 ? st->want[k] : st->where[k - 3];
        size_t nl = k < 3 ? strlen(name) : strcspn(name, "=");
        size_t found = S3I_NONE;
        if (k == 2) {
            for (size_t i = 1; i < n; i++) {
                size_t l = strlen(f[i]);
                while (l && f[i][l - 1] == ' ')
                    l--;
                if (l == nl && strncmp(f[i], name, nl) == 0)
                    found = i;
            }
        } else {
            for (size_t d = 0; d < st->ndims; d++)
                if (strlen(st->dims[d]) == nl &&
                    strncmp(st->dims[d], name, nl) == 0)
                    found = DIM(d);
        }
        if (found == S3I_NONE)
            return s3i_fail(st->ctx, S3_EINPUT,
                            "%s:1: %s '%.*s' is not in this Eurostat file "
                            "(dimensions: %s%s%s%s; periods: %s ... %s)",
                            s3i_csv_name(r), k == 2 ? "period" : "dimension",
                            (int)nl, name, st->dims[0],
                            st->ndims > 1 ? ", " : "",
                            st->ndims > 1 ? st->dims[1] : "",
                            st->ndims > 2 ? ", ..." : "", f[1], f[n - 1]);
        if (k < 3)
            st->col[k] = found;
        else
            st->wcol[k - 3] = found;
    }
    return S3_OK;
}

/* The text of a field or of a Eurostat dimension; dims holds the split
 * first column. */
static const char *
long_field(char **f, char dims[][128], size_t idx)
{
    return idx >= DIM(MAX_DIMS - 1) ? dims[DIM(0) - idx] : f[idx];
}

/* Intern s in map/ids; returns its index or S3I_NONE on out of memory. */
static size_t
intern(s3_dataset *d, s3i_map *map, char ***ids, size_t *n, size_t *cap,
       const char *s)
{
    size_t i = s3i_map_get(map, s, strlen(s));
    if (i != S3I_NONE)
        return i;
    char *k = s3i_arena_strdup(&d->arena, s);
    if (!k || s3i_reserve(ids, cap, *n + 1, sizeof(char *)) ||
        s3i_map_put(map, k, strlen(k), *n) == S3I_NONE)
        return S3I_NONE;
    (*ids)[*n] = k;
    return (*n)++;
}

static s3_status
long_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    long_state *st = u;
    s3_ctx *ctx = st->ctx;
    s3_dataset *d = st->d;
    char dims[MAX_DIMS][128];
    if (st->eurostat) {
        const char *p = f[0];
        for (size_t k = 0; k < st->ndims; k++) {
            size_t l = strcspn(p, ",");
            if (!p[l] && k + 1 < st->ndims)
                return s3i_csv_fail(ctx, r, 0, f[0],
                                    "has fewer dimensions than the header");
            if (l >= sizeof dims[k])
                return s3i_csv_fail(ctx, r, 0, f[0],
                                    "holds a dimension value longer than 127 "
                                    "bytes");
            memcpy(dims[k], p, l);
            dims[k][l] = '\0';
            p += l + (p[l] == ',');
        }
    }
    /* filters first: a row another filter excludes is not checked */
    for (size_t k = 0; k < st->nwhere; k++) {
        const char *want = strchr(st->where[k], '=') + 1;
        if (strcmp(long_field(f, dims, st->wcol[k]), want) != 0) {
            st->filtered++;
            st->c.rejected++;
            return S3_OK;
        }
    }
    /* a Eurostat dimension that is neither unit nor class must be fixed:
     * summing thousands of persons with percentages would be nonsense */
    for (size_t k = 0; st->eurostat && k < st->ndims; k++) {
        if (DIM(k) == st->col[0] || DIM(k) == st->col[1])
            continue;
        if (!st->seen) {
            snprintf(st->first[k], sizeof st->first[k], "%s", dims[k]);
        } else if (strcmp(st->first[k], dims[k]) != 0) {
            char what[400];
            snprintf(what, sizeof what,
                     "has %s = '%.60s' where an earlier row has '%.60s': "
                     "choose one with --where %s=%.60s",
                     st->dims[k], dims[k], st->first[k], st->dims[k],
                     st->first[k]);
            return s3i_csv_fail(ctx, r, 0, f[0], what);
        }
    }
    st->seen = 1;
    const char *unit = long_field(f, dims, st->col[0]),
               *cls = long_field(f, dims, st->col[1]),
               *val = long_field(f, dims, st->col[2]);
    size_t vcol = st->col[2];
    if (!*unit)
        return s3i_csv_fail(ctx, r, st->eurostat ? 0 : st->col[0], unit,
                            "is empty");
    if (!*cls)
        return s3i_csv_fail(ctx, r, st->eurostat ? 0 : st->col[1], cls,
                            "is empty");
    /* Eurostat style values: ':' for missing, flags after the number */
    char num[64];
    size_t vl = value_length(val);
    snprintf(num, sizeof num, "%.*s", (int)(vl < 63 ? vl : 63), val);
    if (vl == 0 || strcmp(num, ":") == 0) {
        st->missing++;
        return reject(ctx, d, &st->c, r, vcol, val,
                      "missing value: the row is not used");
    }
    double v;
    s3_status rc = number_field(ctx, r, vcol, num, 0, 0, 1e300, &v);
    if (rc)
        return rc;
    size_t ui =
        intern(d, &st->unit_map, &d->centre_id, &d->ncentres, &st->cap_u, unit);
    size_t ci =
        intern(d, &st->class_map, &d->class_id, &d->nclasses, &st->cap_c, cls);
    if (ui == S3I_NONE || ci == S3I_NONE ||
        s3i_reserve(&st->cu, &st->cap_cu, st->ncell + 1, sizeof(size_t)) ||
        s3i_reserve(&st->cc, &st->cap_cc, st->ncell + 1, sizeof(size_t)) ||
        s3i_reserve(&st->cv, &st->cap_cv, st->ncell + 1, sizeof(double)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    st->cu[st->ncell] = ui;
    st->cc[st->ncell] = ci;
    st->cv[st->ncell++] = v;
    st->c.used++;
    return S3_OK;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

s3_status
s3_dataset_load_long(s3_ctx *ctx, const char *path, const char *unit_col,
                     const char *class_col, const char *value_col,
                     const s3_model *m, s3_dataset **out)
{
    return s3_dataset_load_long_where(ctx, path, unit_col, class_col, value_col,
                                      NULL, 0, m, out);
}

s3_status
s3_dataset_load_long_where(s3_ctx *ctx, const char *path, const char *unit_col,
                           const char *class_col, const char *value_col,
                           const char *const *where, size_t nwhere,
                           const s3_model *m, s3_dataset **out)
{
    return s3i_dataset_load_long_ref(ctx, path, unit_col, class_col, value_col,
                                     where, nwhere, m, NULL, out);
}

s3_status
s3i_dataset_load_long_ref(s3_ctx *ctx, const char *path, const char *unit_col,
                          const char *class_col, const char *value_col,
                          const char *const *where, size_t nwhere,
                          const s3_model *m, const s3i_ref *ref,
                          s3_dataset **out)
{
    *out = NULL;
    if (nwhere > MAX_WHERE)
        return s3i_fail(ctx, S3_EUSAGE, "at most %d filters", MAX_WHERE);
    for (size_t k = 0; k < nwhere; k++)
        if (!strchr(where[k], '=') || where[k][0] == '=')
            return s3i_fail(ctx, S3_EUSAGE,
                            "filter '%s': expected COLUMN=VALUE", where[k]);
    s3_dataset *d;
    s3_status rc = dataset_new(ctx, &d);
    if (rc)
        return rc;
    d->generic = 1;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    long_state st = {.ctx = ctx,
                     .d = d,
                     .c = {.file = base, .log = d->warnings},
                     .want = {unit_col, class_col, value_col},
                     .where = where,
                     .nwhere = nwhere};
    s3i_csv_info info;
    /* the reference lets NACE classes get related/unrelated variety */
    if (ref)
        d->ref = *ref, d->ref_shared = 1;
    else if (m->reference_dir &&
             (rc = s3i_ref_load(ctx, m->reference_dir, &d->ref, d->inputs)))
        goto done;
    if ((rc = s3i_csv_read(ctx, path, base, 1, long_header, long_row, &st,
                           &info)))
        goto done;
    if (info.rows == 0) {
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s: the file has a header but no data "
                      "rows",
                      base);
        goto done;
    }
    st.c.read = info.rows;
    if (st.filtered) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu rows do not match the filters and are not used",
                 st.filtered);
        if (s3i_note(d->notes, base, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (st.ncell == 0) {
        rc = s3i_fail(ctx, S3_EINPUT, "%s: no row has a value%s", base,
                      nwhere ? " (after the filters)" : "");
        goto done;
    }
    if ((rc = record_input(ctx, d, base, path, &info)) ||
        (rc = record_quality(ctx, d, &st.c)))
        goto done;
    /* units and classes in sorted order, so that results do not depend on
     * the order of the rows */
    size_t nu = d->ncentres, nc = d->nclasses;
    size_t *urank = malloc((nu + 1) * sizeof(size_t)),
           *crank = malloc((nc + 1) * sizeof(size_t));
    char **us = malloc((nu + 1) * sizeof(char *)),
         **cs = malloc((nc + 1) * sizeof(char *));
    d->gx = calloc(nu * nc + 1, sizeof(double));
    if (!urank || !crank || !us || !cs || !d->gx) {
        free(urank), free(crank), free(us), free(cs);
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(us, d->centre_id, nu * sizeof(char *));
    memcpy(cs, d->class_id, nc * sizeof(char *));
    qsort(us, nu, sizeof(char *), cmp_str);
    qsort(cs, nc, sizeof(char *), cmp_str);
    for (size_t i = 0; i < nu; i++)
        urank[s3i_map_get(&st.unit_map, us[i], strlen(us[i]))] = i;
    for (size_t i = 0; i < nc; i++)
        crank[s3i_map_get(&st.class_map, cs[i], strlen(cs[i]))] = i;
    memcpy(d->centre_id, us, nu * sizeof(char *));
    memcpy(d->class_id, cs, nc * sizeof(char *));
    size_t merged = 0;
    for (size_t k = 0; k < st.ncell; k++) {
        double *cell = &d->gx[urank[st.cu[k]] * nc + crank[st.cc[k]]];
        merged += *cell != 0.0;
        *cell += st.cv[k];
    }
    free(urank), free(crank), free(us), free(cs);
    if (merged) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "%zu rows repeat a (unit, class) pair already seen: their "
                 "values are added",
                 merged);
        if (s3i_note(d->notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
done:
    s3i_map_free(&st.unit_map);
    s3i_map_free(&st.class_map);
    free(st.cu);
    free(st.cc);
    free(st.cv);
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
    if (d->base) {
        free(d->tenants);
        free(d->patents);
        free(d->closed);
        s3i_table_free(d->notes);
        free(d);
        return;
    }
    if (!d->ref_shared)
        s3i_ref_free(&d->ref);
    free(d->centre_id);
    free(d->centre_name);
    free(d->centre_sub);
    free(d->centre_nuts3);
    s3i_map_free(&d->centre_map);
    s3i_idtab_free(&d->centre_ids);
    free(d->sub_name);
    free(d->sub_nuts3);
    free(d->centre_subidx);
    free(d->tenants);
    free(d->patents);
    free(d->cooc);
    free(d->breg);
    free(d->bagg_code);
    free(d->bagg_label);
    free(d->bval);
    free(d->nace_bagg);
    free(d->class_id);
    free(d->gx);
    s3i_table_free(d->quality);
    s3i_table_free(d->warnings);
    s3i_table_free(d->inputs);
    s3i_table_free(d->notes);
    s3i_arena_free(&d->arena);
    free(d);
}

const s3_table *
s3_dataset_quality(const s3_dataset *d)
{
    return d->quality;
}

const s3_table *
s3_dataset_warnings(const s3_dataset *d)
{
    return d->warnings;
}

const s3_table *
s3_dataset_inputs(const s3_dataset *d)
{
    return d->inputs;
}
