/*
 * potentials.c — where a unit can go next (Balland, Boschma, Crespo &
 * Rigby 2019, "Smart specialization policy in the European Union:
 * relatedness, knowledge complexity and regional diversification"): the
 * relatedness density of what a unit already holds around each class it
 * does not, the complexity outlook (Hausmann et al. 2014), and the ranked
 * opportunities with their quadrant.
 *
 * An opportunity is a class the unit is not specialised in that has a
 * density and a PCI.  Its quadrant: high relatedness where its density
 * reaches the model's split (median, mean or a percentile) over every
 * opportunity of the matrix, one line for the whole network; high
 * complexity where its PCI is at least 0, the average class.  The counts
 * of labels the other density rules would change go to quadrants.csv.
 * The model's exclude_classes (codes or prefixes: head offices, public
 * administration and the like, no option for a technology centre) are
 * never ranked.
 */
#include <gsl/gsl_statistics_double.h>
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

const char *
s3i_quadrant_name(int q)
{
    return q >= 0 && q < 4 ? quadrant_name[q] : "";
}

/* The q quantile of v[0..n) (n > 0; reordered): linear interpolation
 * between order statistics, R's type 7, as GSL's
 * gsl_stats_quantile_from_sorted_data computes it, from the two order
 * statistics alone (quickselect and a scan, no sort). */
double
s3i_quantile(double *v, size_t n, double q)
{
    double index = q * (double)(n - 1);
    size_t lhs = (size_t)index;
    double delta = index - (double)lhs;
    double a = gsl_stats_select(v, 1, n, lhs);
    if (lhs == n - 1)
        return a;
    /* the next order statistic: a again while a's ties last, else the
     * smallest value above a */
    size_t below = 0, ties = 0;
    double b = INFINITY;
    for (size_t i = 0; i < n; i++) {
        below += v[i] < a;
        ties += v[i] == a;
        if (v[i] > a && v[i] < b)
            b = v[i];
    }
    if (lhs + 1 < below + ties)
        b = a;
    return (1 - delta) * a + delta * b;
}

/* The split value of v[0..n) (reordered): median, mean or the
 * percentile. */
double
s3i_split_value(double *v, size_t n, int rule, double percentile)
{
    if (n == 0)
        return NAN;
    if (rule == S3I_SPLIT_MEAN)
        return s3_sum(v, n, 1) / (double)n;
    return s3i_quantile(v, n,
                        rule == S3I_SPLIT_MEDIAN ? 0.5 : percentile / 100.0);
}

/* Quadrant of (density, pci): high relatedness at or above the density
 * split sd, and never at a density of 0 (nothing related held: in small
 * networks most densities are 0, and so is their median); high
 * complexity at a PCI of at least 0 (the average class: PCI is
 * standardised over the classes).  Each comparison has a tolerance far
 * above rounding (values equal in exact arithmetic fall alike) and far
 * below any difference the data can make. */
int
s3i_quadrant(double d, double pci, double sd)
{
    int high_d = d > S3I_SPLIT_TOL && d >= sd - S3I_SPLIT_TOL;
    return 2 * high_d + (pci >= -S3I_SPLIT_TOL);
}

/* Ranking of candidates: density descending, then PCI descending, then
 * class order. */
typedef struct {
    double density, pci;
    size_t p;
} candidate;

/* Whether x ranks before y (a total order: no candidate has a NaN, and
 * classes differ). */
static inline int
ranks_before(const candidate *x, const candidate *y)
{
    if (x->density != y->density)
        return x->density > y->density;
    if (x->pci != y->pci)
        return x->pci > y->pci;
    return x->p < y->p;
}

/* Sort a[0..n) into rank order, tmp[0..n) the workspace: runs of 16 by
 * insertion, then merged in passes (the comparison inline, where qsort
 * calls it through a pointer; one order, as the order is total). */
static void
sort_candidates(candidate *a, candidate *tmp, size_t n)
{
    enum { RUN = 16 };
    for (size_t r = 0; r < n; r += RUN) {
        size_t end = n - r < RUN ? n : r + RUN;
        for (size_t i = r + 1; i < end; i++) {
            candidate v = a[i];
            size_t j = i;
            for (; j > r && ranks_before(&v, &a[j - 1]); j--)
                a[j] = a[j - 1];
            a[j] = v;
        }
    }
    candidate *from = a, *to = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = n - lo < w ? n : lo + w,
                   hi = n - lo < 2 * w ? n : lo + 2 * w, i = lo, j = mid,
                   k = lo;
            while (i < mid && j < hi)
                to[k++] =
                    ranks_before(&from[j], &from[i]) ? from[j++] : from[i++];
            while (i < mid)
                to[k++] = from[i++];
            while (j < hi)
                to[k++] = from[j++];
        }
        candidate *t = from;
        from = to;
        to = t;
    }
    if (from != a)
        memcpy(a, from, n * sizeof *a);
}

int
s3i_class_excluded(const char *list, const char *code)
{
    for (const char *at = list ? list : ""; *at;) {
        at += strspn(at, ", \t");
        size_t n = strcspn(at, ", \t");
        if (n > 0 && strncmp(at, code, n) == 0)
            return 1;
        at += n;
    }
    return 0;
}

/* The note on the classes of r that the model's exclude_classes keeps out
 * of the ranking, and how many opportunities that removed. */
static s3_status
exclusion_note(s3_ctx *ctx, const s3_model *m, const s3i_mres *r,
               size_t removed, s3_table *notes)
{
    const s3i_matrix *x = r->x;
    char msg[1024], scope[128];
    size_t len = 0, nx = 0;
    for (size_t j = 0; j < r->n2c && len < sizeof msg / 2; j++) {
        const char *code = x->col[r->col2[j]];
        if (s3i_class_excluded(m->exclude_classes, code))
            len += (size_t)snprintf(msg + len, sizeof msg / 2 - len, "%s%s",
                                    nx++ ? ", " : "", code);
    }
    if (nx == 0)
        return S3_OK;
    snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
    char text[1400];
    snprintf(text, sizeof text,
             "exclude_classes (%s) keeps %zu class%s out of the "
             "opportunities: %s; that removed %zu suggestion%s (unit and "
             "class) from the ranking; their density and PCI stay in "
             "potentials.csv, and the density split is still taken over "
             "every opportunity",
             m->exclude_classes, nx, nx == 1 ? "" : "es", msg, removed,
             removed == 1 ? "" : "s");
    return s3i_note(notes, scope, text)
               ? s3i_fail(ctx, S3_ENOMEM, "out of memory")
               : S3_OK;
}

/* The outlook (COI and COG, a dgemm), a job for a second thread while the
 * first splits and ranks the opportunities: both read the density, only
 * the outlook writes cog and coi. */
typedef struct {
    s3i_mres *r;
    const double *pci2;
    double *coi, *work;
} outlook_job;

static void *
outlook_work(void *arg)
{
    outlook_job *j = arg;
    s3i_mres *r = j->r;
    s3_outlook(r->mc, r->x->nr, r->n2c, r->phi, r->omega, j->pci2, j->coi,
               r->cog, j->work);
    return NULL;
}

/* From this many cells on, the outlook goes to a second thread. */
enum { OUTLOOK_SPLIT_MIN = 20000 };

s3_status
s3i_potentials(s3_ctx *ctx, const s3_model *m, s3i_mres *r, s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc, n2c = r->n2c;
    s3_status rc = S3_OK;
    r->omega = s3i_calloc_big(nr * n2c + 1, sizeof(double));
    r->cog = s3i_calloc_big(nr * n2c + 1, sizeof(double));
    r->quad = malloc(nr * nc + 1);
    r->orank = s3i_calloc_big(nr * nc + 1, sizeof(uint32_t));
    r->dsplit = NAN;
    double *pci2 = calloc(n2c + 1, sizeof(double)),
           *coi = calloc(nr + 1, sizeof(double)),
           *work = s3i_malloc_big(n2c * n2c + 2 * n2c + nr + nc + 16,
                                  sizeof(double)),
           *dv = s3i_malloc_big(nr * nc + 1, sizeof(double)),
           *cv = s3i_malloc_big(nr * nc + 1, sizeof(double));
    candidate *cand = malloc(2 * (nc + 1) * sizeof(candidate));
    if (!r->omega || !r->cog || !r->quad || !r->orank || !pci2 || !coi ||
        !work || !dv || !cv || !cand) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    memset(r->quad, S3I_QUAD_NONE, nr * nc);
    /* PCI over the kept classes: 0 where the eigen-solver gave none (the
     * outlook is then not computed) */
    for (size_t j = 0; j < n2c && r->have_eci; j++)
        pci2[j] = r->pci[r->col2[j]];
    s3_density(r->mc, nr, n2c, r->phi, r->omega, work);
    outlook_job oj = {.r = r, .pci2 = pci2, .coi = coi, .work = work};
    s3i_beside outlook;
    if (r->have_eci)
        s3i_beside_start(&outlook,
                         s3i_threads(ctx) >= 2 && nr * n2c >= OUTLOOK_SPLIT_MIN,
                         outlook_work, &oj);
    /* the density split over every opportunity of the matrix, under each
     * rule: one line for the whole network, the same in the table, the
     * chart and quadrants.csv */
    size_t nall = 0;
    for (size_t c = 0; c < nr; c++)
        for (size_t j = 0; j < n2c; j++) {
            double d = r->omega[c * n2c + j], pc = r->pci[r->col2[j]];
            if (r->mc[c * n2c + j] == 0.0 && !isnan(d) && !isnan(pc) &&
                !isnan(r->m[c * nc + r->col2[j]]))
                cv[nall++] = d;
        }
    double sd[3];
    for (int rule = 0; rule < 3; rule++) {
        memcpy(dv, cv, nall * sizeof(double));
        sd[rule] = s3i_split_value(dv, nall, rule, m->percentile);
    }
    int chosen = m->split;
    r->dsplit = sd[chosen];
    /* opportunities of each unit, ranked, with their quadrant; the
     * excluded classes are no suggestion (they stay in the split above:
     * the network's relatedness is what it is) */
    size_t removed = 0;
    for (size_t c = 0; c < nr; c++) {
        size_t k = 0;
        for (size_t j = 0; j < n2c; j++) {
            double d = r->omega[c * n2c + j], pc = r->pci[r->col2[j]];
            if (r->mc[c * n2c + j] == 0.0 && !isnan(d) && !isnan(pc) &&
                !isnan(r->m[c * nc + r->col2[j]])) {
                if (s3i_class_excluded(m->exclude_classes,
                                       r->x->col[r->col2[j]]))
                    removed++;
                else
                    cand[k++] = (candidate){d, pc, j};
            }
        }
        sort_candidates(cand, cand + nc + 1, k);
        for (size_t i = 0; i < k; i++) {
            int q = s3i_quadrant(cand[i].density, cand[i].pci, sd[chosen]);
            for (int rule = 0; rule < 3; rule++)
                r->changed[rule] +=
                    s3i_quadrant(cand[i].density, cand[i].pci, sd[rule]) != q;
            size_t cell = c * nc + r->col2[cand[i].p];
            r->quad[cell] = (signed char)q;
            r->orank[cell] = (uint32_t)(i + 1);
        }
        r->nopp += k;
    }
    if (r->have_eci) {
        s3i_beside_end(&outlook);
        memcpy(r->coi, coi, nr * sizeof(double));
    }
    if (notes)
        rc = exclusion_note(ctx, m, r, removed, notes);
done:
    free(pci2), free(coi), free(work), free(dv), free(cv), free(cand);
    return rc;
}
