/*
 * long.c — the generic path: any long table "unit, class, value", so that
 * the same measures run on NUTS-3 × NACE employment, regions × IPC
 * patents or countries × products.
 *
 * A long table has one row per (unit, class, value); the three columns are
 * named by the caller and found by name.  A Eurostat bulk TSV file (legacy
 * and current headers alike) has one row per combination of its
 * dimensions, written comma-joined in the first column under a header such
 * as "unit,nace_r2,geo\TIME_PERIOD", and one column per period; its unit
 * and class are dimensions and its value is a period column.  Rows can be
 * filtered by "COL=VALUE" conditions (a column or a dimension); a Eurostat
 * dimension that is neither unit nor class must then hold one value, since
 * adding up rows of different units of measure would be nonsense.  Values
 * follow Eurostat: ':' (or empty, or a flag alone) for missing, flags
 * after a space.  A missing value is not zero: a unit with one is left
 * out of the analysis, or, where most units miss a class, the class; a
 * row simply absent is zero (trade and patent tables leave out what does
 * not occur).
 *
 * Units and classes are numbered in sorted order, so that results do not
 * depend on the order of the rows; a repeated (unit, class) pair adds its
 * value, with a note.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/load.h"

/* At most this many Eurostat dimensions, and filters. */
enum { MAX_DIMS = 16, MAX_WHERE = 16 };

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    s3i_counts c;
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
    /* the cells given as missing: unit, class, line */
    size_t *mu, *mc, *ml;
    size_t nmiss, cap_mu, cap_mc, cap_ml;
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
        s3i_colreq want[3 + MAX_WHERE];
        for (size_t k = 0; k < 3; k++)
            want[k] = (s3i_colreq){st->want[k], 1};
        char names[MAX_WHERE][64];
        for (size_t k = 0; k < st->nwhere; k++) {
            snprintf(names[k], sizeof names[k], "%.*s",
                     (int)strcspn(st->where[k], "="), st->where[k]);
            want[3 + k] = (s3i_colreq){names[k], 1};
        }
        size_t idx[3 + MAX_WHERE];
        s3_status rc =
            s3i_map_columns(st->ctx, st->d, r, n, f, want, 3 + st->nwhere, idx);
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
    /* Eurostat style values: ':' (or empty, or a flag alone: ": c" is
     * often exported as "c") for missing, flags after the number */
    char num[64];
    size_t vl = s3i_value_length(val), nl = vl < 63 ? vl : 63;
    memcpy(num, val, nl); /* (a "%.*s" printf per row cost 8 % of a read) */
    num[nl] = '\0';
    int missing = vl == 0 || strcmp(num, ":") == 0 ||
                  (vl <= 3 && strspn(num, "bcdefnprsuz") == vl);
    double v = 0.0;
    s3_status rc =
        missing ? S3_OK : s3i_number_field(ctx, r, vcol, num, 0, 0, 1e300, &v);
    if (rc)
        return rc;
    size_t ui =
        intern(d, &st->unit_map, &d->units.id, &d->units.n, &st->cap_u, unit);
    size_t ci = intern(d, &st->class_map, &d->records.class_id,
                       &d->records.nclasses, &st->cap_c, cls);
    if (ui == S3I_NONE || ci == S3I_NONE)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    /* a missing value is not zero: the unit (or, where most units miss
     * it, the class) is left out once every row is read */
    if (missing) {
        if (s3i_reserve(&st->mu, &st->cap_mu, st->nmiss + 1, sizeof(size_t)) ||
            s3i_reserve(&st->mc, &st->cap_mc, st->nmiss + 1, sizeof(size_t)) ||
            s3i_reserve(&st->ml, &st->cap_ml, st->nmiss + 1, sizeof(size_t)))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        st->mu[st->nmiss] = ui;
        st->mc[st->nmiss] = ci;
        st->ml[st->nmiss++] = s3i_csv_line(r);
        st->missing++;
        return s3i_reject(ctx, &st->c, r, vcol, val,
                          "missing value, not zero: the row is not used, "
                          "and its unit (or its class, where most units "
                          "miss it) is left out of the analysis");
    }
    if (s3i_reserve(&st->cu, &st->cap_cu, st->ncell + 1, sizeof(size_t)) ||
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

/* What the missing cells leave out: a class missing for most units
 * (more than half), else every unit with a missing cell in a class kept.
 * drop_u and drop_c get the flags; notes and warnings name them. */
static s3_status
missing_cells(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base,
              unsigned char *drop_u, unsigned char *drop_c)
{
    size_t nu = d->units.n, nc = d->records.nclasses;
    size_t *per_class = calloc(nc + 1, sizeof(size_t));
    size_t *first = malloc((nu + 1) * sizeof(size_t)); /* unit's first */
    unsigned char *seen = calloc(nu * nc + 1, 1);
    s3_status rc = S3_OK;
    char msg[2048];
    if (!per_class || !first || !seen) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < st->nmiss; k++) {
        size_t i = st->mu[k] * nc + st->mc[k];
        per_class[st->mc[k]] += !seen[i];
        seen[i] = 1;
    }
    for (size_t c = 0; c < nc && !rc; c++) {
        drop_c[c] = 2 * per_class[c] > nu;
        if (!drop_c[c])
            continue;
        snprintf(msg, sizeof msg,
                 "class '%.200s' left out of the analysis: its value is "
                 "missing (empty, ':' or a flag without a number) for %zu "
                 "of %zu units, most of them",
                 d->records.class_id[c], per_class[c], nu);
        if (s3i_note(d->log.notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    /* a unit whose rows all lie in classes left out has nothing left */
    size_t empty = 0;
    memset(seen, 0, nu);
    for (size_t k = 0; k < st->ncell; k++)
        seen[st->cu[k]] |= !drop_c[st->cc[k]];
    for (size_t u = 0; u < nu; u++)
        first[u] = S3I_NONE;
    for (size_t k = 0; k < st->nmiss; k++)
        if (!drop_c[st->mc[k]] && first[st->mu[k]] == S3I_NONE)
            first[st->mu[k]] = k;
    size_t ndrop = 0, len = 0;
    for (size_t u = 0; u < nu && !rc; u++) {
        drop_u[u] = first[u] != S3I_NONE || !seen[u];
        if (first[u] == S3I_NONE) {
            empty += drop_u[u];
            continue;
        }
        size_t k = first[u];
        const char *cls = d->records.class_id[st->mc[k]];
        if (ndrop++ < 20 && len < sizeof msg)
            len += (size_t)snprintf(
                msg + len, sizeof msg - len, "%s%.60s (%.60s, line %zu)",
                ndrop > 1 ? ", " : "", d->units.id[u], cls, st->ml[k]);
        char w[400];
        snprintf(w, sizeof w,
                 "unit '%.100s' left out of the analysis: its value for "
                 "class '%.100s' is missing, which is not zero",
                 d->units.id[u], cls);
        rc = s3i_warn_line(ctx, &st->c, st->ml[k], st->want[1], cls, w);
    }
    if (ndrop && !rc) {
        char note[2400];
        snprintf(note, sizeof note,
                 "%zu of %zu units left out of the analysis: a value is "
                 "missing (empty, ':' or a flag without a number), which is "
                 "not zero: %s%s",
                 ndrop, nu, msg, ndrop > 20 ? ", ..." : "");
        if (s3i_note(d->log.notes, base, note))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (empty && !rc) {
        snprintf(msg, sizeof msg,
                 "%zu unit(s) with values only in the classes left out: left "
                 "out too",
                 empty);
        if (s3i_note(d->log.notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (!rc && ndrop + empty == nu)
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s: every unit has a missing value (empty, ':' or a "
                      "flag without a number): nothing is left to analyse",
                      base);
done:
    free(per_class), free(first), free(seen);
    return rc;
}

/* The units × classes matrix of the cells read: units and classes in
 * sorted order, so that results do not depend on the order of the rows,
 * without those the missing cells leave out (their rows are counted as
 * rejected).  A row simply absent is a zero: trade and patent tables
 * leave out what does not occur. */
static s3_status
long_matrix(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base)
{
    size_t nu = d->units.n, nc = d->records.nclasses;
    size_t *urank = malloc((nu + 1) * sizeof(size_t)),
           *crank = malloc((nc + 1) * sizeof(size_t));
    char **us = malloc((nu + 1) * sizeof(char *)),
         **cs = malloc((nc + 1) * sizeof(char *));
    unsigned char *drop_u = calloc(nu + 1, 1), *drop_c = calloc(nc + 1, 1);
    s3_status rc = S3_OK;
    if (!urank || !crank || !us || !cs || !drop_u || !drop_c) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = missing_cells(ctx, d, st, base, drop_u, drop_c)))
        goto done;
    size_t ku = 0, kc = 0;
    for (size_t i = 0; i < nu; i++)
        if (!drop_u[i])
            us[ku++] = d->units.id[i];
    for (size_t i = 0; i < nc; i++)
        if (!drop_c[i])
            cs[kc++] = d->records.class_id[i];
    qsort(us, ku, sizeof(char *), cmp_str);
    qsort(cs, kc, sizeof(char *), cmp_str);
    for (size_t i = 0; i < nu; i++)
        urank[i] = S3I_NONE;
    for (size_t i = 0; i < nc; i++)
        crank[i] = S3I_NONE;
    for (size_t i = 0; i < ku; i++)
        urank[s3i_map_get(&st->unit_map, us[i], strlen(us[i]))] = i;
    for (size_t i = 0; i < kc; i++)
        crank[s3i_map_get(&st->class_map, cs[i], strlen(cs[i]))] = i;
    memcpy(d->units.id, us, ku * sizeof(char *));
    memcpy(d->records.class_id, cs, kc * sizeof(char *));
    d->units.n = ku;
    d->records.nclasses = kc;
    if (!(d->records.gx = calloc(ku * kc + 1, sizeof(double)))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    size_t merged = 0;
    for (size_t k = 0; k < st->ncell; k++) {
        size_t u = urank[st->cu[k]], c = crank[st->cc[k]];
        if (u == S3I_NONE || c == S3I_NONE) {
            st->c.used--;
            st->c.rejected++;
            continue;
        }
        double *cell = &d->records.gx[u * kc + c];
        merged += *cell != 0.0;
        *cell += st->cv[k];
    }
    if (merged) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "%zu rows repeat a (unit, class) pair already seen: their "
                 "values are added",
                 merged);
        if (s3i_note(d->log.notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
done:
    free(urank), free(crank), free(us), free(cs), free(drop_u), free(drop_c);
    return rc;
}

s3_status
s3_dataset_load_long(s3_ctx *ctx, const char *path, const s3_long_options *opt,
                     const s3_model *m, s3_dataset **out)
{
    return s3i_dataset_load_long_ref(ctx, path, opt, m, NULL, out);
}

s3_status
s3i_dataset_load_long_ref(s3_ctx *ctx, const char *path,
                          const s3_long_options *opt, const s3_model *m,
                          const s3i_ref *ref, s3_dataset **out)
{
    *out = NULL;
    if (!opt || !opt->unit_col || !opt->class_col || !opt->value_col ||
        (opt->nwhere && !opt->where))
        return s3i_fail(ctx, S3_EUSAGE,
                        "s3_dataset_load_long: unit_col, class_col and "
                        "value_col are required, and where when nwhere > 0");
    const char *const *where = opt->where;
    size_t nwhere = opt->nwhere;
    if (nwhere > MAX_WHERE)
        return s3i_fail(ctx, S3_EUSAGE, "at most %d filters", MAX_WHERE);
    for (size_t k = 0; k < nwhere; k++)
        if (!strchr(where[k], '=') || where[k][0] == '=')
            return s3i_fail(ctx, S3_EUSAGE,
                            "filter '%s': expected COLUMN=VALUE", where[k]);
    s3_dataset *d;
    s3_status rc = s3i_dataset_new(ctx, &d);
    if (rc)
        return rc;
    d->generic = 1;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    long_state st = {.ctx = ctx,
                     .d = d,
                     .c = {.file = base, .log = d->log.warnings},
                     .want = {opt->unit_col, opt->class_col, opt->value_col},
                     .where = where,
                     .nwhere = nwhere};
    s3i_csv_info info;
    /* the reference lets NACE classes get related/unrelated variety */
    if ((rc = s3i_dataset_use_ref(ctx, d, m, ref)))
        goto done;
    if ((rc = s3i_csv_read(ctx, path, base, S3I_CSV_TAB | S3I_CSV_ALL_ERRORS,
                           long_header, long_row, &st, &info)) ||
        (rc = s3i_note_encoding(ctx, d, base, &info)))
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
        if (s3i_note(d->log.notes, base, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (st.ncell == 0) {
        rc = s3i_fail(ctx, S3_EINPUT, "%s: no row has a value%s", base,
                      nwhere ? " (after the filters)" : "");
        goto done;
    }
    if ((rc = s3i_record_input(ctx, d, base, path, &info)) ||
        (rc = long_matrix(ctx, d, &st, base)) ||
        (rc = s3i_record_quality(ctx, d, &st.c)))
        goto done;
done:
    s3i_map_free(&st.unit_map);
    s3i_map_free(&st.class_map);
    free(st.cu);
    free(st.cc);
    free(st.cv);
    free(st.mu), free(st.mc), free(st.ml);
    if (rc) {
        s3_dataset_free(d);
        return rc;
    }
    *out = d;
    return S3_OK;
}
