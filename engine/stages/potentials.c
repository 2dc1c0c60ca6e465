/*
 * potentials.c — where a unit can go next: relatedness between classes,
 * economic complexity, the density of what a unit already holds around
 * each class it does not, the complexity outlook, and the ranked
 * opportunities with their quadrant (Balland, Boschma, Crespo & Rigby 2019,
 * "Smart specialization policy in the European Union: relatedness,
 * knowledge complexity and regional diversification").
 *
 * For one count matrix it takes the binary specialisation M from the
 * specialisation stage, drops the units and classes without any
 * specialisation (they have no ECI or PCI; the notes say how many), runs
 * the kernels and appends the rows of units.csv, classes.csv,
 * proximity.csv, potentials.csv and quadrants.csv.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

static const char *const quadrant_name[4] = {
    "least_attractive",    /* low relatedness, low complexity */
    "high_risk_high_gain", /* low relatedness, high complexity */
    "low_risk_low_gain",   /* high relatedness, low complexity */
    "ideal"};              /* high relatedness, high complexity */

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The split value of v[0..n) (sorted in place): median, mean or the
 * percentile (linear interpolation between order statistics, R's type 7). */
static double
split_value(double *v, size_t n, int rule, double percentile)
{
    if (n == 0)
        return NAN;
    if (rule == S3I_SPLIT_MEAN)
        return s3_sum(v, n, 1) / (double)n;
    qsort(v, n, sizeof *v, cmp_double);
    double q = rule == S3I_SPLIT_MEDIAN ? 0.5 : percentile / 100.0;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

/* Quadrant of (density, pci) against the splits: high is at or above. */
static int
quadrant(double d, double c, double sd, double sc)
{
    return 2 * (d >= sd) + (c >= sc);
}

/* Ranking of candidates: density descending, then PCI descending, then
 * class order. */
typedef struct {
    double density, pci;
    size_t p;
} candidate;

static int
cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->density != y->density)
        return x->density > y->density ? -1 : 1;
    if (x->pci != y->pci)
        return x->pci > y->pci ? -1 : 1;
    return (x->p > y->p) - (x->p < y->p);
}

/* Text of a row: level, matrix, a, b (b may be NULL). */
static int
put_lead(s3_table *t, size_t row, const char *level, const char *matrix,
         const char *a, const char *b)
{
    return s3i_table_set_text(t, row, 0, level) ||
           s3i_table_set_text(t, row, 1, matrix) ||
           s3i_table_set_text(t, row, 2, a) ||
           (b && s3i_table_set_text(t, row, 3, b));
}

s3_status
s3i_potentials(s3_ctx *ctx, const s3_model *model, const s3i_matrix *x,
               const double *mb, s3i_tables *T, size_t unit_row0,
               size_t class_row0)
{
    size_t nr = x->nr, nc = x->nc;
    s3_status rc = S3_OK;
    char scope[96], msg[320];
    snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
    /* units and classes that hold at least one specialisation */
    size_t *rows = malloc((nr + 1) * sizeof(size_t)),
           *cols = malloc((nc + 1) * sizeof(size_t));
    size_t *col_pos = malloc((nc + 1) * sizeof(size_t));
    size_t *ostart = NULL, *mstart = NULL;
    uint32_t *ocol = NULL;
    double *mc = NULL, *phi = NULL, *prox = NULL, *uprox = NULL, *omega = NULL, *cog = NULL, *coi = NULL,
           *eci = NULL, *pci = NULL, *ecir = NULL, *pcir = NULL, *work = NULL,
           *tmp = NULL;
    int *iwork = NULL;
    candidate *cand = NULL;
    if (!rows || !cols || !col_pos) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    size_t n2r = 0, n2c = 0;
    for (size_t c = 0; c < nr; c++) {
        double k = 0.0;
        for (size_t p = 0; p < nc; p++)
            k += mb[c * nc + p] == 1.0;
        if (k > 0.0)
            rows[n2r++] = c;
    }
    for (size_t p = 0; p < nc; p++) {
        double k = 0.0;
        for (size_t c = 0; c < nr; c++)
            k += mb[c * nc + p] == 1.0;
        col_pos[p] = k > 0.0 ? n2c : S3I_NONE;
        if (k > 0.0)
            cols[n2c++] = p;
    }
    if (n2r < nr || n2c < nc) {
        snprintf(msg, sizeof msg,
                 "%zu of %zu units and %zu of %zu classes hold no "
                 "specialisation: they have no ECI or PCI, and those classes "
                 "no proximity, density or outlook",
                 nr - n2r, nr, nc - n2c, nc);
        if (s3i_note(T->notes, scope, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    /* mc: all units × kept classes, M with NaN as 0, and the index of its
     * ones (oc); om: the same for the kept units, sharing oc's classes
     * (the rows left out are empty, so the kept ones stay contiguous) */
    size_t nw = 0, niw = 0;
    s3_complexity_workspace(n2r, n2c, &nw, &niw);
    size_t nwork = nw;
    if (nwork < n2c * n2c + 2 * n2c + 16)
        nwork = n2c * n2c + 2 * n2c + 16;
    if (nwork < 3 * (nr + nc) + 16)
        nwork = 3 * (nr + nc) + 16;
    size_t nprox = s3_proximity_workspace(nr, n2c) + 1;
    if (nwork < nprox + 16)
        nwork = nprox + 16;
    mc = calloc(nr * n2c + 1, sizeof(double));
    ostart = malloc((nr + 1) * sizeof(size_t));
    mstart = malloc((n2r + 1) * sizeof(size_t));
    ocol = malloc((nr * n2c + 1) * sizeof(uint32_t));
    phi = calloc(n2c * n2c + 1, sizeof(double));
    prox = calloc(n2c * n2c + 1, sizeof(double));
    uprox = calloc(nr * nr + 1, sizeof(double));
    omega = calloc(nr * n2c + 1, sizeof(double));
    cog = calloc(nr * n2c + 1, sizeof(double));
    coi = calloc(nr + 1, sizeof(double));
    eci = malloc((n2r + 1) * sizeof(double));
    ecir = malloc((n2r + 1) * sizeof(double));
    pci = calloc(n2c + 1, sizeof(double));
    pcir = malloc((n2c + 1) * sizeof(double));
    tmp = malloc((n2c * n2c + nr + nc + 1) * sizeof(double));
    work = malloc(nwork * sizeof(double));
    iwork = malloc((niw + 1) * sizeof(int));
    cand = malloc((nc + 1) * sizeof(candidate));
    if (!mc || !ostart || !mstart || !ocol || !phi || !prox || !uprox || !omega || !cog || !coi ||
        !eci || !ecir || !pci || !pcir || !tmp || !work || !iwork || !cand) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < nr; c++)
        for (size_t j = 0; j < n2c; j++)
            mc[c * n2c + j] = mb[c * nc + cols[j]] == 1.0;
    s3_ones oc = {.start = ostart, .col = ocol};
    s3_ones_index(mc, nr, n2c, &oc);
    s3_ones om = {
        .nr = n2r, .nc = n2c, .n = oc.n, .start = mstart, .col = ocol};
    for (size_t i = 0; i < n2r; i++)
        mstart[i] = ostart[rows[i]];
    mstart[n2r] = ostart[nr];

    /* complexity */
    int have_eci = 0;
    double lambda[2] = {NAN, NAN};
    if (n2r >= 2 && n2c >= 2) {
        if (s3_complexity_eigen(&om, eci, pci, lambda, work, nwork, iwork,
                                niw) == 0)
            have_eci = 1;
        s3_complexity_reflections(&om, model->reflections, ecir, pcir, work);
        if (!have_eci) {
            snprintf(msg, sizeof msg,
                     "the eigen-solver failed: ECI and PCI (eigenvector) have "
                     "no value");
            if (s3i_note(T->notes, scope, msg))
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        } else if (lambda[1] > 1.0 - 1e-9) {
            snprintf(msg, sizeof msg,
                     "the second eigenvalue is %.12g: the units fall into "
                     "groups that share no specialisation, and ECI mainly "
                     "tells the groups apart",
                     lambda[1]);
            if (s3i_note(T->notes, scope, msg))
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
    } else {
        for (size_t i = 0; i < n2r; i++)
            ecir[i] = NAN;
        for (size_t j = 0; j < n2c; j++)
            pcir[j] = NAN;
        if (s3i_note(T->notes, scope,
                     "fewer than two units or classes hold a specialisation: "
                     "no complexity"))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (!have_eci) {
        for (size_t i = 0; i < n2r; i++)
            eci[i] = NAN;
        for (size_t j = 0; j < n2c; j++)
            pci[j] = NAN;
    }

    /* proximity between kept classes (always, for proximity.csv), and the
     * relatedness φ that density and outlook use: proximity, or a patent
     * co-occurrence measure */
    int rel = model->relatedness;
    if (rel != S3I_REL_PROXIMITY && !x->cooc) {
        if (s3i_note(T->notes, scope,
                     "patent co-occurrence relatedness exists for technology "
                     "fields only: proximity is used here"))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        rel = S3I_REL_PROXIMITY;
    }
    s3_proximity(&oc, prox, work);
    if (rel == S3I_REL_PROXIMITY) {
        memcpy(phi, prox, n2c * n2c * sizeof(double));
    } else {
        double *cc = tmp;
        for (size_t i = 0; i < n2c; i++)
            for (size_t j = 0; j < n2c; j++)
                cc[i * n2c + j] = x->cooc[cols[i] * nc + cols[j]];
        s3_cooccurrence_relatedness(cc, n2c, (s3_relatedness_method)(rel - 1),
                                    phi, work);
        /* a class that never shares a patent is related to nothing */
        for (size_t i = 0; i < n2c * n2c; i++)
            if (isnan(phi[i]))
                phi[i] = 0.0;
    }
    s3_density(mc, nr, n2c, phi, omega, work);
    int have_pci = have_eci;
    if (have_pci)
        s3_outlook(mc, nr, n2c, phi, omega, pci, coi, cog, work);

    /* units: eci, eci_reflections, coi */
    size_t ue = s3_table_col(T->units, "eci"),
           uer = s3_table_col(T->units, "eci_reflections"),
           uc = s3_table_col(T->units, "coi");
    for (size_t i = 0; i < n2r; i++) {
        s3i_table_set_num(T->units, unit_row0 + rows[i], ue, eci[i]);
        s3i_table_set_num(T->units, unit_row0 + rows[i], uer, ecir[i]);
    }
    for (size_t c = 0; c < nr && have_pci; c++)
        s3i_table_set_num(T->units, unit_row0 + c, uc, coi[c]);
    size_t cp = s3_table_col(T->classes, "pci"),
           cpr = s3_table_col(T->classes, "pci_reflections");
    for (size_t j = 0; j < n2c; j++) {
        s3i_table_set_num(T->classes, class_row0 + cols[j], cp, pci[j]);
        s3i_table_set_num(T->classes, class_row0 + cols[j], cpr, pcir[j]);
    }

    /* proximity.csv: pairs of kept classes, a before b */
    for (size_t i = 0; i < n2c && !rc; i++)
        for (size_t j = i + 1; j < n2c && !rc; j++) {
            size_t row = s3i_table_add_row(T->proximity);
            if (row == S3I_NONE ||
                put_lead(T->proximity, row, x->level, x->name, x->col[cols[i]],
                         x->col[cols[j]])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            s3i_table_set_num(T->proximity, row, 4, prox[i * n2c + j]);
        }

    /* unit_proximity.csv: pairs of units that hold a specialisation */
    s3_unit_proximity(&oc, uprox, work);
    for (size_t a = 0; a < n2r && !rc; a++)
        for (size_t b = a + 1; b < n2r && !rc; b++) {
            size_t row = s3i_table_add_row(T->unit_proximity);
            if (row == S3I_NONE ||
                put_lead(T->unit_proximity, row, x->level, x->name,
                         x->row[rows[a]], x->row[rows[b]])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            s3i_table_set_num(T->unit_proximity, row, 4,
                              uprox[rows[a] * nr + rows[b]]);
        }

    if (!rc)
        rc = s3i_overlaps(ctx, model, x, mc, &oc, omega, n2c, T);

    /* potentials.csv and the quadrants under each split rule */
    size_t changed[3] = {0, 0, 0}, nopp = 0;
    double *dv = tmp, *cv = tmp + nc;
    for (size_t c = 0; c < nr && !rc; c++) {
        size_t k = 0;
        for (size_t j = 0; j < n2c; j++) {
            double d = omega[c * n2c + j];
            if (mc[c * n2c + j] == 0.0 && !isnan(d) && !isnan(pci[j]) &&
                !isnan(mb[c * nc + cols[j]]))
                cand[k++] = (candidate){d, pci[j], j};
        }
        qsort(cand, k, sizeof *cand, cmp_candidate);
        /* splits over this unit's candidates, for each rule */
        double sd[3], sc[3];
        for (int rule = 0; rule < 3; rule++) {
            for (size_t i = 0; i < k; i++) {
                dv[i] = cand[i].density;
                cv[i] = cand[i].pci;
            }
            sd[rule] = split_value(dv, k, rule, model->percentile);
            sc[rule] = split_value(cv, k, rule, model->percentile);
        }
        int chosen = model->split;
        for (size_t i = 0; i < k; i++) {
            int q =
                quadrant(cand[i].density, cand[i].pci, sd[chosen], sc[chosen]);
            for (int rule = 0; rule < 3; rule++)
                changed[rule] += quadrant(cand[i].density, cand[i].pci,
                                          sd[rule], sc[rule]) != q;
            nopp++;
        }
        /* rows for every class of the matrix */
        size_t base = s3_table_rows(T->potentials);
        for (size_t p = 0; p < nc; p++) {
            size_t row = s3i_table_add_row(T->potentials);
            if (row == S3I_NONE || put_lead(T->potentials, row, x->level,
                                            x->name, x->row[c], x->col[p])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            s3i_table_set_num(T->potentials, row, 4, mb[c * nc + p]);
            size_t j = col_pos[p];
            if (j == S3I_NONE)
                continue;
            s3i_table_set_num(T->potentials, row, 5, omega[c * n2c + j]);
            s3i_table_set_num(T->potentials, row, 6, pci[j]);
            if (have_pci && mc[c * n2c + j] == 0.0)
                s3i_table_set_num(T->potentials, row, 7, cog[c * n2c + j]);
        }
        for (size_t i = 0; i < k && !rc; i++) {
            size_t row = base + cols[cand[i].p];
            int q =
                quadrant(cand[i].density, cand[i].pci, sd[chosen], sc[chosen]);
            if (s3i_table_set_text(T->potentials, row, 8, quadrant_name[q]))
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            s3i_table_set_num(T->potentials, row, 9, (double)(i + 1));
        }
    }
    static const char *const rule_name[3] = {"median", "mean", "percentile"};
    for (int rule = 0; rule < 3 && !rc; rule++) {
        size_t row = s3i_table_add_row(T->quadrants);
        char rn[32];
        if (rule == S3I_SPLIT_PERCENTILE)
            snprintf(rn, sizeof rn, "percentile %g", model->percentile);
        else
            snprintf(rn, sizeof rn, "%s", rule_name[rule]);
        if (row == S3I_NONE ||
            put_lead(T->quadrants, row, x->level, x->name, rn, NULL) ||
            s3i_table_set_text(T->quadrants, row, 3,
                               rule == model->split ? "yes" : "no")) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            break;
        }
        s3i_table_set_num(T->quadrants, row, 4, (double)nopp);
        s3i_table_set_num(T->quadrants, row, 5, (double)changed[rule]);
    }
done:
    free(rows), free(cols), free(col_pos), free(mc), free(phi), free(prox), free(uprox);
    free(ostart), free(mstart), free(ocol);
    free(omega), free(cog), free(coi), free(eci), free(pci), free(ecir);
    free(pcir), free(work), free(iwork), free(tmp), free(cand);
    return rc;
}

s3_status
s3i_relatedness_table(s3_ctx *ctx, const s3i_matrix *x, s3_table *t)
{
    size_t n = x->nc;
    double *out = malloc((n * n + 1) * sizeof(double)),
           *work = malloc((n + 1) * sizeof(double));
    s3_status rc = S3_OK;
    double *r[4] = {NULL, NULL, NULL, NULL};
    if (!out || !work)
        goto nomem;
    for (int k = 0; k < 4; k++) {
        if (!(r[k] = malloc((n * n + 1) * sizeof(double))))
            goto nomem;
        s3_cooccurrence_relatedness(x->cooc, n, (s3_relatedness_method)k, r[k],
                                    work);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            size_t row = s3i_table_add_row(t);
            if (row == S3I_NONE ||
                put_lead(t, row, x->level, x->name, x->col[i], x->col[j]))
                goto nomem;
            s3i_table_set_num(t, row, 4, x->cooc[i * n + j]);
            for (int k = 0; k < 4; k++)
                s3i_table_set_num(t, row, 5 + (size_t)k, r[k][i * n + j]);
        }
    goto done;
nomem:
    rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
done:
    free(out);
    free(work);
    for (int k = 0; k < 4; k++)
        free(r[k]);
    return rc;
}
