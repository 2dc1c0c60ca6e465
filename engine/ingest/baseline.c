/*
 * baseline.c — baseline.csv: an external reference distribution (say
 * employment by sector in the Ruhr, NRW or Germany) for location quotients
 * against a region rather than against the network itself.
 *
 * One row per (region, sector aggregate, value): region, nace and value
 * are required; year, flag and label are optional (one year per file).
 * Values may be written Eurostat style: ':' for a missing value (the cell
 * is rejected), flags after a space ("12.3 e").
 *
 * Baselines often come at a coarser level than tenant data: Eurostat's
 * regional employment uses aggregates such as "B-E", "G-J", "M_N", some
 * nested ("C" inside "B-E") and a "TOTAL".  Each aggregate is mapped to
 * the NACE codes it covers (from the NACE hierarchy), and a disjoint set
 * is chosen, largest first, so that no class counts twice; the total and
 * the nested aggregates left out are named in a note.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/load.h"

enum { BA_REGION, BA_NACE, BA_VALUE, BA_YEAR, BA_FLAG, BA_LABEL, BA_N };

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    s3i_counts c;
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

static const s3i_colreq want[BA_N] = {{"region", 1}, {"nace", 1}, {"value", 1},
                                      {"year", 0},   {"flag", 0}, {"label", 0}};

const s3i_file_columns s3i_baseline_columns = {"baseline.csv", want, BA_N};

static s3_status
baseline_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    baseline_state *st = u;
    st->year = NAN;
    return s3i_map_columns(st->ctx, st->d, r, n, f, want, BA_N, st->col);
}

/* Mark in cover[] every NACE code inside one part of an aggregate,
 * part[0..len): a section range "B-E" or a NACE code ("C", "62").
 * Returns -1 when the part is neither. */
static int
cover_part(const s3i_ref *ref, const char *part, size_t len,
           unsigned char *cover)
{
    size_t lo, hi;
    if (len == 3 && memchr(part, '-', len) == part + 1) {
        lo = s3i_map_get(&ref->nace_by_key, part, 1);
        hi = s3i_map_get(&ref->nace_by_key, part + 2, 1);
        if (lo == S3I_NONE || hi == S3I_NONE || part[0] > part[2])
            return -1;
    } else {
        lo = hi = s3i_nace_lookup(ref, part, len);
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
    return 0;
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
    if (strlen(code) >= 64)
        return -1; /* longer than any aggregate */
    /* the parts of a union, between '_'; empty parts ("M__N") are skipped */
    for (const char *p = code; *p;) {
        size_t len = strcspn(p, "_");
        if (len > 0 && cover_part(ref, p, len, cover))
            return -1;
        p += len + (p[len] == '_');
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
    const char *reg = S3I_FIELD(st, f, BA_REGION),
               *code = S3I_FIELD(st, f, BA_NACE);
    const char *val = S3I_FIELD(st, f, BA_VALUE);
    if (!*reg)
        return s3i_csv_fail(ctx, r, st->col[BA_REGION], reg, "is empty");
    unsigned char *cover = malloc(d->ref->nnace + 1);
    if (!cover)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    int bad = aggregate_cover(d->ref, code, cover);
    free(cover);
    if (bad)
        return s3i_csv_fail(ctx, r, st->col[BA_NACE], code,
                            "is not a NACE Rev. 2 code or aggregate (e.g. "
                            "'C', 'B-E', 'M_N', '62', 'TOTAL')");
    double y;
    s3_status rc = s3i_year_field(ctx, r, &st->c, st->col[BA_YEAR], "year",
                                  S3I_FIELD(st, f, BA_YEAR), &y);
    if (rc)
        return rc;
    if (!isnan(y)) {
        if (!isnan(st->year) && y != st->year)
            return s3i_csv_fail(ctx, r, st->col[BA_YEAR],
                                S3I_FIELD(st, f, BA_YEAR),
                                "differs from the year of the earlier rows: "
                                "keep one year per baseline file");
        st->year = y;
    }
    /* Eurostat style: ':' for missing, flags after a space ("12.3 e",
     * ": c"); an empty value is an error, not a missing one */
    size_t vl = s3i_value_length(val);
    char num[64];
    snprintf(num, sizeof num, "%.*s", (int)(vl < 63 ? vl : 63), val);
    if (vl == 1 && val[0] == ':')
        return s3i_reject(ctx, &st->c, r, st->col[BA_VALUE], val,
                          "missing value: the cell is not used");
    if (vl == 0)
        return s3i_csv_fail(ctx, r, st->col[BA_VALUE], val,
                            "is empty: give a number, or ':' for a missing "
                            "value");
    double v;
    if ((rc = s3i_number_field(ctx, r, st->col[BA_VALUE], vl < 63 ? num : val,
                               0, 0, 1e15, &v)))
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
        char *l = s3i_arena_strdup(&d->arena, S3I_FIELD(st, f, BA_LABEL));
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
    const s3i_ref *ref = d->ref;
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
    d->baseline.nagg = nchosen;
    d->baseline.nreg = st->nreg;
    d->baseline.agg_code = calloc(nchosen + 1, sizeof(char *));
    d->baseline.agg_label = calloc(nchosen + 1, sizeof(char *));
    d->baseline.reg = calloc(st->nreg + 1, sizeof(char *));
    d->baseline.val = s3i_malloc_big(st->nreg * nchosen + 1, sizeof(double));
    d->baseline.nace_agg = malloc((nn + 1) * sizeof(size_t));
    size_t *slot = malloc((na + 1) * sizeof(size_t));
    if (!d->baseline.agg_code || !d->baseline.agg_label || !d->baseline.reg ||
        !d->baseline.val || !d->baseline.nace_agg || !slot) {
        free(slot);
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t a = 0; a < na; a++)
        slot[a] = S3I_NONE;
    for (size_t i = 0; i < nn; i++) {
        d->baseline.nace_agg[i] = S3I_NONE;
        for (size_t a = 0; a < na; a++) {
            if (!chosen[a] || !cover[a * nn + i])
                continue;
            if (slot[a] == S3I_NONE) {
                d->baseline.agg_code[k] = st->agg[a];
                slot[a] = k++;
            }
            d->baseline.nace_agg[i] = slot[a];
        }
    }
    for (size_t s = 0; s < k; s++) {
        size_t a = s3i_map_get(&st->agg_map, d->baseline.agg_code[s],
                               strlen(d->baseline.agg_code[s]));
        size_t sec = S3I_NONE;
        for (size_t i = 0; i < nn && sec == S3I_NONE; i++)
            if (cover[a * nn + i] && ref->nace_level[i] == 1)
                sec = i;
        d->baseline.agg_label[s] =
            *st->agg_label[a] ? st->agg_label[a]
            : (sec != S3I_NONE && strlen(d->baseline.agg_code[s]) == 1)
                ? ref->nace_label[sec]
                : d->baseline.agg_code[s];
    }
    for (size_t i = 0; i < st->nreg * nchosen; i++)
        d->baseline.val[i] = NAN;
    for (size_t r = 0; r < st->nreg; r++)
        d->baseline.reg[r] = st->reg[r];
    for (size_t c = 0; c < st->ncell; c++)
        if (chosen[st->cell_agg[c]])
            d->baseline.val[st->cell_reg[c] * nchosen + slot[st->cell_agg[c]]] =
                st->cell_val[c];
    free(slot);
    {
        size_t l = 0;
        l += (size_t)snprintf(note + l, sizeof note - l,
                              "aggregates used (disjoint): ");
        for (size_t s = 0; s < k && l < sizeof note; s++)
            l += (size_t)snprintf(note + l, sizeof note - l, "%s%s",
                                  s ? ", " : "", d->baseline.agg_code[s]);
        if (l < sizeof note)
            snprintf(note + l, sizeof note - l,
                     "; they cover %zu of %zu NACE classes; not used: %s",
                     covered, nclass, *dropped ? dropped : "none");
        if (s3i_note(d->log.notes, "baseline.csv", note))
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

s3_status
s3i_load_baseline(s3_ctx *ctx, s3_dataset *d, const char *dir)
{
    baseline_state bs = {.ctx = ctx,
                         .d = d,
                         .c = {.file = "baseline.csv", .log = d->log.warnings}};
    s3_status rc = s3i_read_file(ctx, d, dir, "baseline.csv", baseline_header,
                                 baseline_row, &bs, &bs.c, NULL);
    if (!rc)
        rc = baseline_finish(ctx, &bs);
    s3i_map_free(&bs.reg_map);
    s3i_map_free(&bs.agg_map);
    free(bs.reg);
    free(bs.agg);
    free(bs.agg_label);
    free(bs.cell_reg);
    free(bs.cell_agg);
    s3i_idtab_free(&bs.cells);
    free(bs.cell_val);
    return rc;
}
