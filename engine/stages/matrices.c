/*
 * matrices.c — from a loaded dataset to the unit × class count matrices the
 * measures run on: tenants, employees and fractional patents per centre,
 * the same summed per sub-region, and, where a baseline exists, tenants and
 * employees over the baseline's sector aggregates with a reference row per
 * unit.  For a long table, the one matrix "input" over its units.
 *
 * Columns are the classes that occur in the network (a class no unit holds
 * has no RCA anyway); rows are in id order, columns in classification order.
 * A column is named by its class's output text ("J62", "F06": codes.c),
 * a long table's by the user's own key.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

void
s3i_matrices_free(s3i_matrix *mx, size_t n)
{
    if (!mx)
        return;
    for (size_t i = 0; i < n; i++) {
        free(mx[i].x);
        free(mx[i].vx);
        free(mx[i].vgroup);
        free(mx[i].bref);
        free(mx[i].btot);
        free(mx[i].bown);
        free(mx[i].region);
        free(mx[i].col_of_vx);
        free(mx[i].cooc);
        free(mx[i].row);
        free(mx[i].col);
        free(mx[i].col_label);
        free(mx[i].row_key);
        free(mx[i].col_key);
    }
    free(mx);
}

typedef struct {
    s3_ctx *ctx;
    const s3_model *m;
    const s3_dataset *d;
    const s3i_records *rec; /* the records counted */
    s3i_matrix *mx;
    size_t n, cap;
} builder;

/* Append an empty matrix; NULL when out of memory. */
static s3i_matrix *
add(builder *b, int lv, int kind, size_t nr, size_t nc)
{
    static const char *const level_name[] = {"centre", "subregion", "unit"};
    static const char *const kind_name[] = {"tenants",
                                            "employees",
                                            "patents",
                                            "tenants_by_aggregate",
                                            "employees_by_aggregate",
                                            "input"};
    if (s3i_reserve(&b->mx, &b->cap, b->n + 1, sizeof(s3i_matrix)))
        return NULL;
    s3i_matrix *x = &b->mx[b->n];
    memset(x, 0, sizeof *x);
    x->level = level_name[lv];
    x->name = kind_name[kind];
    x->lv = lv;
    x->kind = kind;
    x->nr = nr;
    x->nc = nc;
    x->x = s3i_calloc_big(nr * nc + 1, sizeof(double));
    x->row = calloc(nr + 1, sizeof(char *));
    x->col = calloc(nc + 1, sizeof(char *));
    x->col_label = calloc(nc + 1, sizeof(char *));
    x->row_key = calloc(nr + 1, sizeof(size_t));
    x->col_key = calloc(nc + 1, sizeof(size_t));
    b->n++;
    if (!x->x || !x->row || !x->col || !x->col_label || !x->row_key ||
        !x->col_key)
        return NULL;
    return x;
}

/* Sort the indices perm[0..n) by ids[perm[i]] (insertion sort: the units
 * of a network number in the tens to thousands, and the order must not
 * depend on qsort's instability). */
static void
sort_ids(size_t *perm, size_t n, char *const *ids)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(ids[perm[j]], ids[perm[j - 1]]) < 0;
             j--) {
            size_t t = perm[j];
            perm[j] = perm[j - 1];
            perm[j - 1] = t;
        }
}

/* The reference row of one unit against the baseline region `which`
 * ("total", "own" = the unit's region, or a region code); NaN row when the
 * region is not in the baseline. */
static void
baseline_row(const s3_dataset *d, const char *which, const char *region,
             double *out)
{
    size_t na = d->baseline.nagg;
    const char *want = strcmp(which, "own") == 0 ? region : which;
    if (strcmp(want, "total") == 0) {
        for (size_t a = 0; a < na; a++) {
            out[a] = 0.0;
            for (size_t r = 0; r < d->baseline.nreg; r++)
                if (!isnan(d->baseline.val[r * na + a]))
                    out[a] += d->baseline.val[r * na + a];
        }
        return;
    }
    for (size_t r = 0; r < d->baseline.nreg; r++)
        if (strcmp(d->baseline.reg[r], want) == 0) {
            memcpy(out, d->baseline.val + r * na, na * sizeof(double));
            return;
        }
    for (size_t a = 0; a < na; a++)
        out[a] = NAN;
}

/* Where the baseline's aggregates in use meet the columns of x, NACE
 * codes at the model's level: agg_col[a] is the column whose classes
 * aggregate a holds, S3I_NONE when it holds classes of no column, or
 * MIXED when it holds classes of a column and of another code (then its
 * value is no column's own).  The baseline covers x when every class
 * (NACE level 4) of every column lies in an aggregate that is the
 * column's alone: the column's regional value is then the sum of its
 * aggregates.  Returns 1 when it covers, 0 with the reason in why, -1
 * when out of memory. */
#define MIXED (S3I_NONE - 1)
static int
baseline_covers(const s3_dataset *d, int level, const s3i_matrix *x,
                size_t *agg_col, char *why, size_t nwhy)
{
    const s3i_ref *ref = d->ref;
    size_t nn = ref->nnace, na = d->baseline.nagg;
    const size_t *nace_agg = d->baseline.nace_agg;
    size_t *col_of = malloc((nn + 1) * sizeof(size_t));
    unsigned char *seen = calloc(na + 1, 1);
    if (!col_of || !seen) {
        free(col_of), free(seen);
        return -1;
    }
    for (size_t i = 0; i < nn; i++)
        col_of[i] = S3I_NONE;
    for (size_t p = 0; p < x->nc; p++)
        col_of[x->col_key[p]] = p;
    int covers = 1;
    for (size_t i = 0; i < nn && covers; i++) {
        if (ref->nace_level[i] != 4)
            continue;
        size_t code = s3i_nace_at_level(ref, i, level), a = nace_agg[i];
        size_t p = code == S3I_NONE ? S3I_NONE : col_of[code];
        if (a == S3I_NONE) {
            if (p != S3I_NONE) {
                covers = 0;
                snprintf(why, nwhy,
                         "class %s of %s lies in none of the baseline's "
                         "aggregates",
                         ref->nace_code[i], x->col[p]);
            }
            continue;
        }
        if (!seen[a])
            agg_col[a] = p, seen[a] = 1;
        else if (agg_col[a] != p)
            agg_col[a] = MIXED;
    }
    for (size_t i = 0; i < nn && covers; i++) {
        if (ref->nace_level[i] != 4 || nace_agg[i] == S3I_NONE)
            continue;
        size_t code = s3i_nace_at_level(ref, i, level);
        size_t p = code == S3I_NONE ? S3I_NONE : col_of[code];
        if (p != S3I_NONE && agg_col[nace_agg[i]] == MIXED) {
            covers = 0;
            snprintf(why, nwhy,
                     "%s lies in the baseline aggregate %s, which holds "
                     "other NACE codes of this level too",
                     x->col[p], d->baseline.agg_code[nace_agg[i]]);
        }
    }
    for (size_t a = 0; a < na; a++)
        if (!seen[a])
            agg_col[a] = S3I_NONE;
    free(col_of), free(seen);
    return covers;
}

/* The baseline of x (tenants or employees over NACE codes at the model's
 * level): where the baseline covers its columns, bref and btot from each
 * row's region; else the reason in x->bnote. */
static s3_status
baseline_of_codes(builder *b, s3i_matrix *x, const char **region)
{
    const s3_dataset *d = b->d;
    size_t na = d->baseline.nagg, nr = x->nr, nc = x->nc;
    size_t *agg_col = malloc((na + 1) * sizeof(size_t));
    double *row = malloc((na + 1) * sizeof(double));
    char why[200] = "";
    int covers = agg_col && row ? baseline_covers(d, b->m->level, x, agg_col,
                                                  why, sizeof why)
                                : -1;
    if (covers == 1 &&
        (!(x->bref = s3i_calloc_big(nr * nc + 1, sizeof(double))) ||
         !(x->btot = calloc(nr + 1, sizeof(double)))))
        covers = -1;
    if (covers < 0) {
        free(agg_col), free(row);
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    }
    if (covers == 0)
        snprintf(x->bnote, sizeof x->bnote, "%s", why);
    for (size_t r = 0; covers && r < nr; r++) {
        baseline_row(d, b->m->baseline_region, region[r], row);
        x->btot[r] = s3_sum(row, na, 1);
        for (size_t a = 0; a < na; a++)
            if (agg_col[a] != S3I_NONE)
                x->bref[r * nc + agg_col[a]] += row[a];
    }
    free(agg_col), free(row);
    return S3_OK;
}

/* Build the tenant-based matrices (tenants, employees) at one level. */
static s3_status
tenant_matrices(builder *b, int lv, size_t nr, const char **rows,
                const size_t *keys, const size_t *unit_of_centre,
                const char **region)
{
    const s3_dataset *d = b->d;
    const s3i_records *rec = b->rec;
    const s3_model *m = b->m;
    const s3i_ref *ref = d->ref;
    size_t nn = ref->nnace;
    /* columns: model-level codes that occur; variety columns: finest codes */
    size_t *col_of = malloc((nn + 1) * sizeof(size_t));
    size_t *vcol_of = malloc((nn + 1) * sizeof(size_t));
    if (!col_of || !vcol_of) {
        free(col_of), free(vcol_of);
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nn; i++)
        col_of[i] = vcol_of[i] = 0;
    for (size_t t = 0; t < rec->ntenants; t++) {
        if (!rec->tenants[t].active ||
            unit_of_centre[rec->tenants[t].centre] == S3I_NONE)
            continue;
        col_of[s3i_nace_at_level(ref, rec->tenants[t].nace, m->level)] = 1;
        vcol_of[rec->tenants[t].nace] = 1;
    }
    size_t nc = 0, nvc = 0;
    for (size_t i = 0; i < nn; i++) {
        col_of[i] = col_of[i] ? nc++ : S3I_NONE;
        vcol_of[i] = vcol_of[i] ? nvc++ : S3I_NONE;
    }
    s3_status rc = S3_OK;
    for (int w = 0; w < 2 && !rc; w++) {
        s3i_matrix *x =
            add(b, lv, w == 0 ? S3I_KIND_TENANTS : S3I_KIND_EMPLOYEES, nr, nc);
        if (!x || !(x->vx = s3i_calloc_big(nr * nvc + 1, sizeof(double))) ||
            !(x->vgroup = calloc(nvc + 1, sizeof(size_t)))) {
            rc = s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
            break;
        }
        x->nvc = nvc;
        x->complexity = 1;
        if (!(x->col_of_vx = calloc(nvc + 1, sizeof(char *)))) {
            rc = s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
            break;
        }
        for (size_t i = 0; i < nn; i++)
            if (vcol_of[i] != S3I_NONE)
                x->col_of_vx[vcol_of[i]] = ref->nace_code[i];
        memcpy(x->row, rows, nr * sizeof(char *));
        memcpy(x->row_key, keys, nr * sizeof(size_t));
        for (size_t i = 0; i < nn; i++) {
            if (col_of[i] != S3I_NONE) {
                x->col_key[col_of[i]] = i;
                x->col[col_of[i]] = ref->nace_text[i];
                x->col_label[col_of[i]] = ref->nace_label[i];
            }
            if (vcol_of[i] != S3I_NONE) {
                size_t g = s3i_nace_at_level(ref, i, 2);
                x->vgroup[vcol_of[i]] = g != S3I_NONE ? g : i;
            }
        }
        /* groups as dense indices */
        x->ngroups = nn;
        for (size_t t = 0; t < rec->ntenants; t++) {
            const s3i_tenant *te = &rec->tenants[t];
            double v = w == 0 ? 1.0 : te->employees;
            size_t row = unit_of_centre[te->centre];
            if (isnan(v) || !te->active || row == S3I_NONE)
                continue;
            x->x[row * nc +
                 col_of[s3i_nace_at_level(ref, te->nace, m->level)]] += v;
            x->vx[row * nvc + vcol_of[te->nace]] += v;
        }
        /* over the baseline's aggregates */
        if (d->baseline.nagg == 0)
            continue;
        if ((rc = baseline_of_codes(b, x, region)))
            break;
        size_t na = d->baseline.nagg;
        s3i_matrix *y =
            add(b, lv, w == 0 ? S3I_KIND_TENANTS_AGG : S3I_KIND_EMPLOYEES_AGG,
                nr, na);
        if (!y || !(y->bref = s3i_malloc_big(nr * na + 1, sizeof(double))) ||
            !(y->btot = malloc((nr + 1) * sizeof(double))) ||
            !(y->bown = s3i_malloc_big(nr * na + 1, sizeof(double))) ||
            !(y->region = calloc(nr + 1, sizeof(char *)))) {
            rc = s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
            break;
        }
        y->no_variety = "related and unrelated variety are not computed over "
                        "the baseline's broad sector aggregates";
        memcpy(y->row, rows, nr * sizeof(char *));
        memcpy(y->row_key, keys, nr * sizeof(size_t));
        for (size_t a = 0; a < na; a++) {
            y->col_key[a] = a;
            y->col[a] = d->baseline.agg_code[a];
            y->col_label[a] = d->baseline.agg_label[a];
        }
        for (size_t t = 0; t < rec->ntenants; t++) {
            const s3i_tenant *te = &rec->tenants[t];
            double v = w == 0 ? 1.0 : te->employees;
            size_t a = d->baseline.nace_agg[te->nace];
            if (!isnan(v) && a != S3I_NONE && te->active &&
                unit_of_centre[te->centre] != S3I_NONE)
                y->x[unit_of_centre[te->centre] * na + a] += v;
        }
        for (size_t r = 0; r < nr; r++) {
            baseline_row(d, m->baseline_region, region[r], y->bref + r * na);
            y->btot[r] = s3_sum(y->bref + r * na, na, 1);
            baseline_row(d, "own", region[r], y->bown + r * na);
            y->region[r] = region[r];
        }
    }
    free(col_of);
    free(vcol_of);
    return rc;
}

/* The patent matrix at one level. */
static s3_status
patent_matrix(builder *b, int lv, size_t nr, const char **rows,
              const size_t *keys, const size_t *unit_of_centre)
{
    const s3_dataset *d = b->d;
    const s3i_records *rec = b->rec;
    const s3i_ref *ref = d->ref;
    size_t nf = ref->nfields;
    /* fields that occur */
    size_t *col_of = calloc(nf + 1, sizeof(size_t));
    if (!col_of)
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    for (size_t c = 0; c < d->units.n; c++)
        for (size_t f = 0; f < nf && unit_of_centre[c] != S3I_NONE; f++)
            col_of[f] |= rec->patents[c * nf + f] > 0.0;
    size_t nc = 0;
    for (size_t f = 0; f < nf; f++)
        col_of[f] = col_of[f] ? nc++ : S3I_NONE;
    s3i_matrix *x = add(b, lv, S3I_KIND_PATENTS, nr, nc);
    if (!x || !(x->vx = s3i_calloc_big(nr * nc + 1, sizeof(double))) ||
        !(x->vgroup = calloc(nc + 1, sizeof(size_t)))) {
        free(col_of);
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    }
    x->complexity = 1;
    if (d->baseline.nagg)
        snprintf(x->bnote, sizeof x->bnote,
                 "technology fields have no baseline (baseline.csv counts "
                 "by NACE code)");
    if (rec->cooc && !(x->cooc = s3i_calloc_big(nc * nc + 1, sizeof(double)))) {
        free(col_of);
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    }
    for (size_t f = 0; f < nf && x->cooc; f++)
        for (size_t g = 0; g < nf; g++)
            if (col_of[f] != S3I_NONE && col_of[g] != S3I_NONE)
                x->cooc[col_of[f] * nc + col_of[g]] = rec->cooc[f * nf + g];
    memcpy(x->row, rows, nr * sizeof(char *));
    memcpy(x->row_key, keys, nr * sizeof(size_t));
    for (size_t f = 0; f < nf; f++) {
        if (col_of[f] == S3I_NONE)
            continue;
        x->col_key[col_of[f]] = f;
        x->col[col_of[f]] = ref->field_text[f];
        x->col_label[col_of[f]] = ref->field_label[f];
        x->vgroup[col_of[f]] = ref->field_sector[f];
    }
    for (size_t c = 0; c < d->units.n; c++)
        for (size_t f = 0; f < nf && unit_of_centre[c] != S3I_NONE; f++)
            if (col_of[f] != S3I_NONE)
                x->x[unit_of_centre[c] * nc + col_of[f]] +=
                    rec->patents[c * nf + f];
    x->nvc = nc;
    x->ngroups = ref->nsectors;
    memcpy(x->vx, x->x, nr * nc * sizeof(double));
    free(col_of);
    return S3_OK;
}

/* The one matrix of a long table; variety only when every class is a NACE
 * code at division level or finer. */
static s3_status
generic_matrix(builder *b)
{
    const s3_dataset *d = b->d;
    const s3i_records *rec = b->rec;
    const s3i_ref *ref = d->ref;
    size_t nr = d->units.n, nc = rec->nclasses;
    s3i_matrix *x = add(b, S3I_LEVEL_UNIT, S3I_KIND_INPUT, nr, nc);
    if (!x)
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    x->complexity = 1;
    memcpy(x->x, rec->gx, nr * nc * sizeof(double));
    memcpy(x->row, d->units.id, nr * sizeof(char *));
    for (size_t i = 0; i < nr; i++)
        x->row_key[i] = i;
    for (size_t p = 0; p < nc; p++)
        x->col_key[p] = p;
    memcpy(x->col, rec->class_id, nc * sizeof(char *));
    int nace = ref->nnace > 0;
    size_t *grp = malloc((nc + 1) * sizeof(size_t));
    if (!grp)
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    for (size_t p = 0; p < nc && nace; p++) {
        size_t i =
            s3i_nace_lookup(ref, rec->class_id[p], strlen(rec->class_id[p]));
        size_t g = i == S3I_NONE ? S3I_NONE : s3i_nace_at_level(ref, i, 2);
        nace = g != S3I_NONE;
        grp[p] = g;
        x->col_label[p] = i == S3I_NONE ? NULL : ref->nace_label[i];
    }
    if (nace && nc > 0) {
        x->vx = s3i_malloc_big(nr * nc + 1, sizeof(double));
        if (!x->vx) {
            free(grp);
            return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
        }
        memcpy(x->vx, x->x, nr * nc * sizeof(double));
        x->vgroup = grp;
        x->nvc = nc;
        x->ngroups = ref->nnace;
    } else {
        free(grp);
        for (size_t p = 0; p < nc; p++)
            x->col_label[p] = NULL;
        x->no_variety = "the classes are not all NACE codes of division level "
                        "or finer: related and unrelated variety have no "
                        "value";
    }
    return S3_OK;
}

s3_status
s3i_matrices_build(s3_ctx *ctx, const s3_model *m, const s3i_input *in,
                   s3i_matrix **out, size_t *n)
{
    const s3_dataset *d = in->d;
    const s3i_records *rec = in->rec;
    builder b = {.ctx = ctx, .m = m, .d = d, .rec = rec};
    s3_status rc = S3_OK;
    *out = NULL;
    *n = 0;
    if (d->generic) {
        rc = generic_matrix(&b);
        goto done;
    }
    size_t nc = d->units.n, ns = d->units.nsub;
    size_t *cperm = malloc((nc + 1) * sizeof(size_t)),
           *sperm = malloc((ns + 1) * sizeof(size_t)),
           *crow = malloc((nc + 1) * sizeof(size_t)),
           *srow = malloc((ns + 1) * sizeof(size_t)),
           *c2s = malloc((nc + 1) * sizeof(size_t));
    const char **cname = malloc((nc + 1) * sizeof(char *)),
               **sname = malloc((ns + 1) * sizeof(char *)),
               **creg = malloc((nc + 1) * sizeof(char *)),
               **sreg = malloc((ns + 1) * sizeof(char *));
    if (!cperm || !sperm || !crow || !srow || !c2s || !cname || !sname ||
        !creg || !sreg) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto free_perm;
    }
    /* open centres (a scenario may close some) in id order */
    size_t nco = 0;
    for (size_t c = 0; c < nc; c++) {
        crow[c] = S3I_NONE;
        if (!in->closed || !in->closed[c])
            cperm[nco++] = c;
    }
    for (size_t i = 0; i < ns; i++)
        sperm[i] = i;
    sort_ids(cperm, nco, d->units.id);
    sort_ids(sperm, ns, d->units.sub_name);
    int by_sub = m->baseline_key == S3I_KEY_SUBREGION;
    for (size_t i = 0; i < nco; i++) {
        crow[cperm[i]] = i;
        cname[i] = d->units.id[cperm[i]];
        creg[i] = by_sub ? d->units.sub[cperm[i]] : d->units.nuts3[cperm[i]];
    }
    for (size_t i = 0; i < ns; i++) {
        srow[sperm[i]] = i;
        sname[i] = d->units.sub_name[sperm[i]];
        sreg[i] =
            by_sub ? d->units.sub_name[sperm[i]] : d->units.sub_nuts3[sperm[i]];
    }
    for (size_t c = 0; c < nc; c++)
        c2s[c] = crow[c] == S3I_NONE ? S3I_NONE : srow[d->units.subidx[c]];
    if ((rc = tenant_matrices(&b, S3I_LEVEL_CENTRE, nco, cname, cperm, crow,
                              creg)) ||
        (rec->patents &&
         (rc = patent_matrix(&b, S3I_LEVEL_CENTRE, nco, cname, cperm, crow))) ||
        (rc = tenant_matrices(&b, S3I_LEVEL_SUBREGION, ns, sname, sperm, c2s,
                              sreg)) ||
        (rec->patents &&
         (rc = patent_matrix(&b, S3I_LEVEL_SUBREGION, ns, sname, sperm, c2s))))
        goto free_perm;
    /* a named baseline region must exist */
    if (d->baseline.nagg && strcmp(m->baseline_region, "total") &&
        strcmp(m->baseline_region, "own")) {
        size_t r;
        for (r = 0; r < d->baseline.nreg; r++)
            if (strcmp(d->baseline.reg[r], m->baseline_region) == 0)
                break;
        if (r == d->baseline.nreg)
            rc = s3i_fail(ctx, S3_EINPUT,
                          "baseline.csv: the model's baseline region '%s' is "
                          "not in the file",
                          m->baseline_region);
    }
free_perm:
    free(cperm), free(sperm), free(crow), free(srow), free(c2s);
    free(cname), free(sname), free(creg), free(sreg);
done:
    if (rc) {
        s3i_matrices_free(b.mx, b.n);
        return rc;
    }
    *out = b.mx;
    *n = b.n;
    return S3_OK;
}
