/*
 * patents.c — patents.csv: patents of the tenants, counted by WIPO
 * technology field.
 *
 * One or more rows per patent: patent_id and ipc are required, with
 * centre_id or tenant_id (or both, which must agree); year and share are
 * optional.  An "ipc" field may hold several codes separated by ';' or
 * '|'; each maps to one of the 35 WIPO fields (Schmoch concordance,
 * s3i_ipc_lookup), and a code outside the concordance is listed as a
 * warning, never dropped silently.
 *
 * Patents are counted fractionally: a patent counts `share` (default 1) in
 * total, split equally over the distinct centres and the distinct WIPO
 * fields it has, i.e. share / (|centres| · |fields|) in each pair.  The
 * co-occurrence of fields (patents holding both) is counted once per
 * patent.  While the file streams, each patent is kept as a compact
 * record (its fields as a bit set, its centres as a chain); the counts are
 * made once the file is read.
 *
 * A large file without a share column is read by two threads; their parts
 * are merged as if one thread had read both.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/load.h"

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
    s3i_counts c;
    size_t col[PA_N];
    const s3i_tenant_index *tenant_map;
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

static const s3i_colreq want[PA_N] = {{"patent_id", 1}, {"centre_id", 2},
                                      {"tenant_id", 2}, {"ipc", 1},
                                      {"year", 0},      {"share", 0}};

const s3i_file_columns s3i_patents_columns = {"patents.csv", want, PA_N};

static s3_status
patents_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    patents_state *st = u;
    s3_status rc =
        s3i_map_columns(st->ctx, st->d, r, n, f, want, PA_N, st->col);
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
            if (s3i_ipc_lookup(st->d->ref, s, l, &fld)) {
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
            *ci = s3i_idtab_find(&d->units.ids, &k);
            st->last_centre = k;
            st->last_ci = *ci;
        }
        if (*ci == S3I_NONE)
            return s3i_reject(st->ctx, &st->c, r, st->col[PA_CENTRE], centre,
                              "patent of an unknown centre: not counted");
        if (!*tenant)
            return S3_OK;
        /* both given: they must agree */
        size_t ti = s3i_idtab_get(&st->tenant_map->ids, tenant, strlen(tenant));
        if (ti != S3I_NONE && st->tenant_map->centre[ti] == *ci)
            return S3_OK;
        return s3i_warn_used(st->ctx, &st->c, r, st->col[PA_TENANT], tenant,
                             ti == S3I_NONE
                                 ? "unknown tenant_id: the row counts for its "
                                   "centre_id"
                                 : "the tenant is in another centre: the row "
                                   "counts for its centre_id");
    }
    if (*tenant) {
        size_t ti = s3i_idtab_get(&st->tenant_map->ids, tenant, strlen(tenant));
        if (ti != S3I_NONE &&
            st->tenant_map->centre[ti] != S3I_UNKNOWN_CENTRE) {
            *ci = st->tenant_map->centre[ti];
            return S3_OK;
        }
        return s3i_reject(st->ctx, &st->c, r, st->col[PA_TENANT], tenant,
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
    const char *id = S3I_FIELD(st, f, PA_ID), *ipc = S3I_FIELD(st, f, PA_IPC);
    size_t idlen = st->col[PA_ID] == S3I_NONE ? 0 : len[st->col[PA_ID]];
    if (!idlen)
        return s3i_csv_fail(ctx, r, st->col[PA_ID], id, "is empty");
    double year, share;
    s3_status rc;
    if ((rc = s3i_year_field(ctx, r, &st->c, st->col[PA_YEAR], "year",
                             S3I_FIELD(st, f, PA_YEAR), &year)) ||
        (rc = s3i_number_field(ctx, r, st->col[PA_SHARE],
                               S3I_FIELD(st, f, PA_SHARE), 1, 0, 1, &share)))
        return rc;
    if (share == 0.0)
        return s3i_csv_fail(ctx, r, st->col[PA_SHARE],
                            S3I_FIELD(st, f, PA_SHARE),
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
    const char *centre = S3I_FIELD(st, f, PA_CENTRE);
    size_t clen = st->col[PA_CENTRE] == S3I_NONE ? 0 : len[st->col[PA_CENTRE]];
    if ((rc = patent_centre(st, r, centre, clen, S3I_FIELD(st, f, PA_TENANT),
                            &ci)))
        return rc;
    if (st->c.rejected != nrej)
        return S3_OK; /* rejected: an unknown centre or tenant */
    if (unmapped && (rc = (fields ? s3i_warn_used : s3i_reject)(
                         ctx, &st->c, r, st->col[PA_IPC], unmapped_code,
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
            (rc = s3i_warn_used(
                 ctx, &st->c, r, st->col[PA_SHARE], S3I_FIELD(st, f, PA_SHARE),
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
    size_t nf = d->ref->nfields;
    for (size_t i = 0; i < st->ids.n; i++) {
        const patent *pt = &st->pat[i];
        uint64_t fl = pt->fields;
        for (uint64_t a = fl; a; a &= a - 1)
            for (uint64_t b = a & (a - 1); b; b &= b - 1) {
                size_t x = (size_t)__builtin_ctzll(a),
                       y = (size_t)__builtin_ctzll(b);
                d->records.cooc[x * nf + y] += 1.0;
                d->records.cooc[y * nf + x] += 1.0;
            }
        size_t nc = 1;
        for (uint32_t k = pt->more; k; k = st->node[k - 1].next)
            nc++;
        double w = (st->share ? st->share[i] : 1.0) / (double)nc /
                   (double)__builtin_popcountll(fl);
        for (uint32_t k = 0, c = pt->centre;;) {
            double *row = d->records.patents + (size_t)c * nf;
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
    size_t nf = d->ref->nfields;
    d->records.patents = s3i_calloc_big(d->units.n * nf + 1, sizeof(double));
    d->records.cooc = s3i_calloc_big(nf * nf + 1, sizeof(double));
    if (!d->records.patents || !d->records.cooc)
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
    b->c = (s3i_counts){.file = a->c.file, .log = log2};
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
    s3_status rc = s3i_merge_counts(ctx, &a->c, &b->c, lines);
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

s3_status
s3i_load_patents(s3_ctx *ctx, s3_dataset *d, const s3_model *m, const char *dir,
                 const s3i_tenant_index *tenant_map)
{
    patents_state ps = {.ctx = ctx,
                        .d = d,
                        .m = m,
                        .c = {.file = "patents.csv", .log = d->log.warnings},
                        .tenant_map = tenant_map};
    /* the state of the second thread that may read the second half of a
     * large file */
    s3_status rc = S3_OK;
    patents_state *ps2 = calloc(1, sizeof *ps2);
    if (!ps2 || !(ps2->ctx = s3_ctx_new()) ||
        !(ps2->c.log = s3i_warning_table_new())) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3i_csv_split sp = {.user2 = ps2,
                        .ctx2 = ps2->ctx,
                        .fork = patents_fork,
                        .merge = patents_merge};
    if (!(rc = s3i_read_file(ctx, d, dir, "patents.csv", patents_header,
                             patents_row, &ps, &ps.c, &sp)) &&
        !(rc = s3i_note_cutoff(ctx, d, "patents.csv", ps.outside_cutoff, m)))
        rc = patents_finish(ctx, &ps);
done:
    patents_free(&ps);
    if (ps2) {
        patents_free(ps2);
        s3_ctx_free(ps2->ctx);
        s3i_table_free(ps2->c.log);
        free(ps2);
    }
    return rc;
}
