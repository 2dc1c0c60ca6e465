/*
 * tenants.c — tenants.csv: the firms in the centres, counted in the
 * unit × sector matrices.
 *
 * One row per tenant: tenant_id, centre_id and nace are required; name,
 * employees, founded, entered, left and startup are optional.  The NACE
 * code may be written in any common spelling (s3i_nace_lookup); a code
 * coarser than the model's level cannot be counted at it and is rejected.
 * A repeated tenant_id is rejected (the first row counts), as is a tenant
 * of an unknown centre.  A tenant not present on the model's cut-off date
 * is kept for tenant growth but counted in no matrix.
 *
 * A large file is read by two threads (s3i_csv_read_split): the second
 * reads the second part into its own state, joined afterwards when no
 * tenant_id is in both parts; otherwise the first thread reads the second
 * part again, since "the first row counts" needs the rows in order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/load.h"

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

/* The tenants read, in file order. */
typedef struct {
    s3i_tenant *v;
    size_t n, cap;
} tenant_vec;

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    const s3_model *m;
    s3i_counts c;
    size_t col[TE_N];
    s3i_tenant_index *tenant_map;
    tenant_vec *out;
    size_t outside_cutoff;
    s3i_memo nace_memo; /* short NACE codes → index */
} tenants_state;

/* The second part of a large tenants file, read by a second thread. */
typedef struct {
    tenants_state st;
    s3i_tenant_index map;
    tenant_vec vec;
} tenants_part;

static const s3i_colreq want[TE_N] = {
    {"tenant_id", 1}, {"centre_id", 1}, {"nace", 1},
    {"name", 0},      {"employees", 0}, {"founded", 0},
    {"entered", 0},   {"left", 0},      {"startup", 0}};

const s3i_file_columns s3i_tenants_columns = {"tenants.csv", want, TE_N};

static s3_status
tenants_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    tenants_state *st = u;
    return s3i_map_columns(st->ctx, st->d, r, n, f, want, TE_N, st->col);
}

static const char *const level_name[] = {"", "section", "division", "group",
                                         "class"};

/* A centre's index, or S3I_NONE. */
static size_t
centre_lookup(const s3_dataset *d, const char *id, size_t len)
{
    return s3i_idtab_get(&d->units.ids, id, len);
}

static s3_status
tenants_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    tenants_state *st = u;
    s3_ctx *ctx = st->ctx;
    s3_dataset *d = st->d;
    const char *id = S3I_FIELD(st, f, TE_ID),
               *centre = S3I_FIELD(st, f, TE_CENTRE);
    const char *nace = S3I_FIELD(st, f, TE_NACE);
    if (!*id)
        return s3i_csv_fail(ctx, r, st->col[TE_ID], id, "is empty");
    /* values are checked before anything is decided about the row */
    size_t nlen = st->col[TE_NACE] == S3I_NONE ? 0 : len[st->col[TE_NACE]];
    size_t code;
    uint64_t memo;
    if (s3i_memo_get(&st->nace_memo, nace, nlen, &memo)) {
        code = (size_t)memo;
    } else if ((code = s3i_nace_lookup(d->ref, nace, nlen)) != S3I_NONE) {
        s3i_memo_put(&st->nace_memo, nace, nlen, code);
    }
    if (code == S3I_NONE)
        return s3i_csv_fail(ctx, r, st->col[TE_NACE], nace,
                            "is not a NACE Rev. 2 code");
    double emp, founded;
    int32_t entered, left;
    s3_status rc;
    if ((rc = s3i_number_field(ctx, r, st->col[TE_EMP],
                               S3I_FIELD(st, f, TE_EMP), 1, 0, 1e7, &emp)) ||
        (rc = s3i_year_field(ctx, r, &st->c, st->col[TE_FOUNDED], "founded",
                             S3I_FIELD(st, f, TE_FOUNDED), &founded)) ||
        (rc = s3i_date_field(ctx, r, st->col[TE_ENTERED],
                             S3I_FIELD(st, f, TE_ENTERED), &entered)) ||
        (rc = s3i_date_field(ctx, r, st->col[TE_LEFT],
                             S3I_FIELD(st, f, TE_LEFT), &left)))
        return rc;
    if (left && entered && left < entered)
        return s3i_csv_fail(ctx, r, st->col[TE_LEFT], S3I_FIELD(st, f, TE_LEFT),
                            "is before the entry date");
    const char *su = S3I_FIELD(st, f, TE_STARTUP);
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
    /* duplicate ids: the first row s3i_counts */
    int added;
    size_t ti = s3i_idtab_add(&st->tenant_map->ids, id, strlen(id), &added);
    if (ti == S3I_NONE ||
        s3i_reserve(&st->tenant_map->centre, &st->tenant_map->cap, ti + 1,
                    sizeof(uint32_t)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (!added)
        return s3i_reject(ctx, &st->c, r, st->col[TE_ID], id,
                          "duplicate tenant_id: the row is not counted (the "
                          "first row with this id is)");
    size_t ci = centre_lookup(d, centre, len[st->col[TE_CENTRE]]);
    st->tenant_map->centre[ti] =
        ci == S3I_NONE ? (uint32_t)S3I_UNKNOWN_CENTRE : (uint32_t)ci;
    if (ci == S3I_NONE)
        return s3i_reject(ctx, &st->c, r, st->col[TE_CENTRE], centre,
                          "tenant of an unknown centre: not counted");
    if (d->ref->nace_level[code] < st->m->level) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the NACE code is a %s, coarser than the model's level "
                 "(%s): not counted",
                 level_name[d->ref->nace_level[code]],
                 level_name[st->m->level]);
        return s3i_reject(ctx, &st->c, r, st->col[TE_NACE], nace, msg);
    }
    /* a tenant not present on the cut-off date is kept for tenant growth
     * but counted in no matrix */
    int32_t cut = st->m->cutoff;
    int active =
        !(cut && ((entered && entered > cut) || (left && left <= cut)));
    st->outside_cutoff += !active;
    if (isnan(emp) && st->col[TE_EMP] != S3I_NONE) {
        if ((rc =
                 s3i_warn_used(ctx, &st->c, r, st->col[TE_EMP], "",
                               "employees missing: counted as a tenant, not in "
                               "the employees matrix")))
            return rc;
    } else if (emp == 0.0) {
        if ((rc = s3i_warn_used(ctx, &st->c, r, st->col[TE_EMP], "0",
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
    s3i_tenant_index_free(&q->map);
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
    s3_status rc = s3i_merge_counts(ctx, &a->c, &q->st.c, lines);
    if (rc)
        return rc;
    a->outside_cutoff += q->st.outside_cutoff;
    s3i_tenant_index *ta = a->tenant_map;
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

void
s3i_tenant_index_free(s3i_tenant_index *t)
{
    s3i_idtab_free(&t->ids);
    free(t->centre);
}

s3_status
s3i_load_tenants(s3_ctx *ctx, s3_dataset *d, const s3_model *m, const char *dir,
                 s3i_tenant_index *tenant_map)
{
    tenant_vec tenants = {0};
    tenants_state ts = {.ctx = ctx,
                        .d = d,
                        .m = m,
                        .c = {.file = "tenants.csv", .log = d->log.warnings},
                        .tenant_map = tenant_map,
                        .out = &tenants};
    /* the state of the second thread that may read the second part of a
     * large file */
    s3_status rc = S3_OK;
    tenants_part *ts2 = calloc(1, sizeof *ts2);
    if (!ts2 || !(ts2->st.ctx = s3_ctx_new()) ||
        !(ts2->st.c.log = s3i_warning_table_new())) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3i_csv_split tsp = {.user2 = ts2,
                         .ctx2 = ts2->st.ctx,
                         .fork = tenants_fork,
                         .joinable = tenants_joinable,
                         .merge = tenants_merge};
    if ((rc = s3i_read_file(ctx, d, dir, "tenants.csv", tenants_header,
                            tenants_row, &ts, &ts.c, &tsp)) ||
        (rc = s3i_note_cutoff(ctx, d, "tenants.csv", ts.outside_cutoff, m)))
        goto done;
    d->records.tenants = tenants.v, d->records.ntenants = tenants.n,
    d->records.tenants_cap = tenants.cap;
    tenants = (tenant_vec){0};
done:
    free(tenants.v);
    if (ts2) {
        tenants_part_free(ts2);
        s3_ctx_free(ts2->st.ctx);
        s3i_table_free(ts2->st.c.log);
        free(ts2);
    }
    return rc;
}
