/*
 * profiles.c — what explains a score, and the districts side by side
 * (issue 13, items 3 and 4), from the scores stage's typed results:
 *
 *   profiles          per unit of a scored level of the baseline and per
 *                     indicator: raw value, normalised value, weight, its
 *                     contribution to the score, the level's median and
 *                     whether the unit is above (strength) or below
 *                     (weakness) it, or why the value is missing;
 *   profile_summary   per unit: score, rank, size, and its two largest
 *                     strengths and weaknesses in words;
 *   districts         per sub-region, in rank order: name, NUTS 3 code,
 *                     centres, tenants, score, rank band, top
 *                     specialisations, share of tenants in the S3 domains.
 *
 * A profile follows COINr's unit profiles (Becker et al. 2022, "COINr: an
 * R package for developing composite indicators", JOSS 7(78) 4567): under
 * an arithmetic mean the score is the sum of w_j / Σw · y_j, so each term
 * is the indicator's contribution and they add up to the score.  The
 * normalised values are the scores stage's own (s3i_sres.y), not derived
 * again here.
 *
 * The Krugman index falls with a unit's size: a centre of few tenants
 * differs from the network's mix by chance alone.  The Spearman
 * correlation of the index with the tenant count across each level's
 * units goes to notes.csv, so that the reader sees how far the
 * specialisation indicator favours small units.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TXT S3_COL_TEXT
#define NUM S3_COL_NUMBER
#define INT S3_COL_INTEGER
#define CODE S3_COL_CODE

static const s3i_colspec profile_cols[] = {
    {"scenario", TXT},   {"level", TXT},     {"unit", CODE},
    {"unit_name", TXT},  {"indicator", TXT}, {"raw", NUM},
    {"normalised", NUM}, {"weight", NUM},    {"contribution", NUM},
    {"median", NUM},     {"position", TXT},  {"missing", TXT}};
static const s3i_colspec summary_cols[] = {
    {"level", TXT},     {"rank", INT},       {"unit", CODE},
    {"unit_name", TXT}, {"tenants", INT},    {"score", NUM},
    {"strengths", TXT}, {"weaknesses", TXT}, {"not_scored", TXT}};
static const s3i_colspec district_cols[] = {
    {"rank", INT},      {"unit", CODE},      {"unit_name", TXT},
    {"nuts3", CODE},    {"centres", INT},    {"tenants", INT},
    {"score", NUM},     {"rank_p05", INT},   {"rank_p95", INT},
    {"rank_band", TXT}, {"band_start", NUM}, {"band_length", NUM},
    {"krugman", NUM},   {"s3_share", NUM},   {"top_specialisations", TXT},
    {"not_scored", TXT}};

/* How many strengths and weaknesses, and specialisations, are named. */
enum { PROFILE_TOP = 2, DISTRICT_TOP = 2 };

/* Why indicator ind has no value for a unit. */
static const char *
missing_reason(int ind)
{
    switch (ind) {
    case IND_SPEC:
        return "no tenants counted";
    case IND_ECI:
        return "no complexity: the unit holds no specialisation, or the "
               "matrix has no ECI";
    case IND_DENS:
        return "no opportunity with a relatedness density";
    case IND_STARTUP:
        return "no tenant with a known start-up flag";
    case IND_GROWTH:
        return "no tenants on the growth start date (or no cut-off date)";
    case IND_PATENTS:
        return "no patents in the dataset, or no tenants";
    case IND_ALIGN:
        return "no S3 domains in the model, or no tenants";
    }
    return "no value";
}

/* The matrix of (level, kind), or with kind < 0 the headline matrix of
 * the level; NULL when none. */
static const s3i_mres *
find(const s3i_pass *b, int lv, int kind)
{
    for (size_t i = 0; i < b->nmx; i++)
        if (b->mx[i].lv == lv &&
            (kind >= 0 ? b->mx[i].kind == kind
                       : !strcmp(b->mx[i].name, b->headline)))
            return &b->mr[i];
    return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of the non-NaN values v[i * stride] over rows rows[0..n)
 * (all rows when rows is NULL); buf holds n doubles.  NaN when none. */
static double
median_of(const double *v, size_t stride, const size_t *rows, size_t n,
          double *buf)
{
    size_t m = 0;
    for (size_t t = 0; t < n; t++) {
        double x = v[(rows ? rows[t] : t) * stride];
        if (!isnan(x))
            buf[m++] = x;
    }
    if (!m)
        return NAN;
    qsort(buf, m, sizeof *buf, cmp_double);
    return m % 2 ? buf[m / 2] : 0.5 * (buf[m / 2 - 1] + buf[m / 2]);
}

/* Mid-ranks (1-based, ties averaged) of v[0..n) into rk; ord is scratch. */
static void
midranks(const double *v, size_t n, size_t *ord, double *rk)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && v[ord[j - 1]] > v[i]; j--)
            ord[j] = ord[j - 1];
        ord[j] = i;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && v[ord[j + 1]] == v[ord[i]])
            j++;
        for (size_t t = i; t <= j; t++)
            rk[ord[t]] = 0.5 * (double)(i + j) + 1.0;
        i = j + 1;
    }
}

/* Spearman's rank correlation of a and b over the n pairs where both have
 * a value (mid-ranks for ties); NaN with fewer than 3 pairs or a
 * constant.  *used gets the number of pairs, SIZE_MAX when out of
 * memory. */
static double
spearman(const double *a, const double *b, size_t n, size_t *used)
{
    double *xa = malloc((4 * n + 1) * sizeof(double));
    size_t *ord = malloc((n + 1) * sizeof(size_t)), m = 0;
    double rho = NAN;
    if (!xa || !ord) {
        m = SIZE_MAX;
        goto done;
    }
    double *xb = xa + n, *ra = xa + 2 * n, *rb = xa + 3 * n;
    for (size_t i = 0; i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i])) {
            xa[m] = a[i];
            xb[m++] = b[i];
        }
    if (m < 3)
        goto done;
    midranks(xa, m, ord, ra);
    midranks(xb, m, ord, rb);
    double ma = 0.5 * (double)(m + 1), sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t i = 0; i < m; i++) {
        sab += (ra[i] - ma) * (rb[i] - ma);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - ma) * (rb[i] - ma);
    }
    if (saa > 0.0 && sbb > 0.0)
        rho = sab / sqrt(saa * sbb);
done:
    *used = m;
    free(xa), free(ord);
    return rho;
}

/* A value in words: up to 3 significant digits. */
static void
words_value(double v, char out[32])
{
    snprintf(out, 32, "%.3g", v);
}

/* The k largest (sign +1) or most negative (sign -1) gaps of one unit as
 * text: "density 0.0762 vs median 0.0521 (+0.042)".  gap[j] NaN or of the
 * other sign is skipped. */
static void
extremes(const s3i_sres *s, size_t i, const double *gap, const double *med,
         int sign, char *out, size_t outsz)
{
    size_t k = s->k, len = 0;
    unsigned char taken[S3I_MAXIND] = {0};
    out[0] = '\0';
    for (size_t shown = 0; shown < PROFILE_TOP; shown++) {
        size_t best = S3I_NONE;
        for (size_t j = 0; j < k; j++)
            if (!taken[j] && !isnan(gap[j]) && sign * gap[j] > 0.0 &&
                (best == S3I_NONE || sign * gap[j] > sign * gap[best]))
                best = j;
        if (best == S3I_NONE)
            break;
        taken[best] = 1;
        char rv[32], mv[32];
        words_value(s->x[i * k + best], rv);
        words_value(med[best], mv);
        len += (size_t)snprintf(
            out + len, outsz > len ? outsz - len : 0,
            "%s%s %s vs median %s (%+.3f to the score)", shown ? " | " : "",
            s3i_indicator_name((size_t)s->ind[best]), rv, mv, gap[best]);
        if (len >= outsz)
            break;
    }
}

/* idx[0..s->n): the level's units in rank order, those without a rank
 * last (insertion, stable: tens of units). */
static void
rank_order(const s3i_sres *s, size_t *idx)
{
    for (size_t i = 0; i < s->n; i++)
        idx[i] = i;
    for (size_t i = 1; i < s->n; i++)
        for (size_t j = i; j > 0; j--) {
            double a = s->rank[idx[j]], c = s->rank[idx[j - 1]];
            if (!(isnan(c) ? !isnan(a) : a < c))
                break;
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

/* The profiles and profile_summary rows of the scored level s, whose
 * tenant counts are ten (NULL: none). */
static int
profile_rows(s3_table *tp, s3_table *ts, const s3i_pass *b, const s3i_sres *s,
             const double *ten)
{
    const s3_model *m = b->m;
    size_t n = s->n, k = s->k;
    double med[S3I_MAXIND], ymed[S3I_MAXIND], gap[S3I_MAXIND];
    double *buf = malloc((n + 1) * sizeof(double));
    size_t *idx = malloc((n + 1) * sizeof(size_t));
    int rc = 0, arith = (s3_aggregation)m->agg == S3_AGG_ARITHMETIC;
    if (!buf || !idx) {
        rc = -1;
        goto done;
    }
    /* the medians over the scored units, the units the score compares */
    for (size_t j = 0; j < k; j++) {
        med[j] = median_of(s->x + j, k, s->sel, s->ns, buf);
        ymed[j] = median_of(s->y + j, k, s->sel, s->ns, buf);
    }
    rank_order(s, idx);
    for (size_t t = 0; t < n && !rc; t++) {
        size_t i = idx[t];
        const char *name = s3i_unit_name(b->d, s->lv, s->key[i], s->unit[i]);
        for (size_t j = 0; j < k && !rc; j++) {
            double x = s->x[i * k + j], y = s->y[i * k + j],
                   w = s->w[j] / s->wsum;
            double c = arith && s->w[j] > 0.0 ? w * y : NAN;
            const char *pos = "";
            if (!isnan(x) && !isnan(med[j]))
                pos = m->dir[j] * (x - med[j]) > 0.0   ? "strength"
                      : m->dir[j] * (x - med[j]) < 0.0 ? "weakness"
                                                       : "at the median";
            char why[200] = "";
            if (!(s->w[j] > 0.0))
                snprintf(why, sizeof why,
                         "left out of the score: no unit has a value (%s)",
                         missing_reason(s->ind[j]));
            else if (isnan(x))
                snprintf(why, sizeof why, "%s", missing_reason(s->ind[j]));
            /* what the indicator adds to the score beyond the median
             * unit's value: the ranking of strengths and weaknesses */
            gap[j] = s->w[j] > 0.0 ? w * (y - ymed[j]) : NAN;
            s3i_val v[] = {S3I_TEXT(b->scenario),
                           S3I_TEXT(s->level),
                           S3I_TEXT(s->unit[i]),
                           S3I_TEXT(name),
                           S3I_TEXT(s3i_indicator_name((size_t)s->ind[j])),
                           S3I_NUM(x),
                           S3I_NUM(y),
                           S3I_NUM(w),
                           S3I_NUM(c),
                           S3I_NUM(med[j]),
                           S3I_TEXT(pos),
                           S3I_TEXT(why)};
            rc = s3i_table_append(tp, v, N(v));
        }
        char str[1024], weak[1024];
        extremes(s, i, gap, med, +1, str, sizeof str);
        extremes(s, i, gap, med, -1, weak, sizeof weak);
        s3i_val v[] = {S3I_TEXT(s->level),
                       S3I_INT(s->rank[i]),
                       S3I_TEXT(s->unit[i]),
                       S3I_TEXT(name),
                       S3I_INT(ten ? ten[i] : NAN),
                       S3I_NUM(s->score[i]),
                       S3I_TEXT(str),
                       S3I_TEXT(weak),
                       S3I_TEXT(s3i_sres_why(s, i))};
        if (!rc)
            rc = s3i_table_append(ts, v, N(v));
    }
done:
    free(buf), free(idx);
    return rc;
}

/* The districts rows: the sub-regions of the scored level s in rank
 * order. */
static int
district_rows(s3_table *t, const s3i_pass *b, const s3i_sres *s,
              const s3i_mres *hr, const double *ten)
{
    const s3_dataset *d = b->d;
    size_t n = s->n, k = s->k, align = S3I_NONE;
    for (size_t j = 0; j < k; j++)
        if (s->ind[j] == IND_ALIGN)
            align = j;
    size_t *idx = malloc((n + 1) * sizeof(size_t));
    if (!idx)
        return -1;
    rank_order(s, idx);
    int rc = 0;
    for (size_t q = 0; q < n && !rc; q++) {
        size_t i = idx[q], key = s->key[i], centres = 0;
        for (size_t c = 0; c < d->units.n; c++)
            centres += d->units.subidx[c] == key;
        double v[5];
        s3i_sres_values(s, i, v);
        char band[64] = "", top[1024] = "";
        if (!isnan(v[3]) && !isnan(v[4]))
            snprintf(band, sizeof band, "%.0f-%.0f", v[3], v[4]);
        if (hr && hr->x->nr == n)
            s3i_top_specialisations(hr, hr->rca, i, 0.0, DISTRICT_TOP, 30, top,
                                    sizeof top);
        s3i_val row[] = {
            S3I_INT(v[1]),
            S3I_TEXT(s->unit[i]),
            S3I_TEXT(s3i_unit_name(d, s->lv, key, s->unit[i])),
            S3I_TEXT(d->units.sub_nuts3 ? d->units.sub_nuts3[key] : ""),
            S3I_INT((double)centres),
            S3I_INT(ten ? ten[i] : NAN),
            S3I_NUM(v[0]),
            S3I_INT(v[3]),
            S3I_INT(v[4]),
            S3I_TEXT(band),
            S3I_NUM(v[3] - 0.5),
            S3I_NUM(v[4] - v[3] + 1.0),
            S3I_NUM(hr && hr->x->nr == n ? hr->krug[i] : NAN),
            S3I_NUM(align != S3I_NONE ? s->x[i * k + align] : NAN),
            S3I_TEXT(top),
            S3I_TEXT(s3i_sres_why(s, i))};
        rc = s3i_table_append(t, row, N(row));
    }
    free(idx);
    return rc;
}

/* The note on the Krugman index against size at one level. */
static int
size_note(s3_table *notes, const s3i_sres *s, const s3i_mres *hr,
          const double *ten)
{
    if (!hr || !ten || hr->x->nr != s->n)
        return 0;
    size_t used;
    double rho = spearman(hr->krug, ten, s->n, &used);
    if (used == SIZE_MAX)
        return -1;
    if (isnan(rho))
        return 0;
    char msg[600];
    snprintf(msg, sizeof msg,
             "the Krugman specialisation index %s with size: Spearman "
             "correlation %.2f with the tenant count across %zu %ss. A "
             "small unit's mix differs from the network's by chance alone, "
             "so the score's specialisation indicator favours %s units "
             "(profiles.csv shows each indicator's contribution)",
             rho < 0.0 ? "falls" : "rises", rho, used, s->level,
             rho < 0.0 ? "small" : "large");
    return s3i_note(notes, s->level, msg);
}

s3_status
s3i_profiles(s3_ctx *ctx, const s3i_pass *b, s3_table *notes,
             s3_table **profiles, s3_table **summary, s3_table **districts)
{
    const s3_dataset *d = b->d;
    *profiles = s3i_table_new("profiles", N(profile_cols), profile_cols);
    *summary = s3i_table_new("profile_summary", N(summary_cols), summary_cols);
    *districts = NULL;
    int fail = !*profiles || !*summary;
    for (size_t l = 0; l < b->nsc && !fail; l++) {
        const s3i_sres *s = &b->sc[l];
        if (!s->scored)
            continue;
        const s3i_mres *hr = find(b, s->lv, -1),
                       *tr =
                           d->generic ? NULL : find(b, s->lv, S3I_KIND_TENANTS);
        const double *ten =
            tr && tr->x->nr == s->n &&
                    !memcmp(tr->x->row_key, s->key, s->n * sizeof(size_t))
                ? tr->rs
                : NULL;
        fail = profile_rows(*profiles, *summary, b, s, ten) ||
               size_note(notes, s, hr, ten);
        if (!fail && s->lv == S3I_LEVEL_SUBREGION) {
            *districts =
                s3i_table_new("districts", N(district_cols), district_cols);
            fail = !*districts || district_rows(*districts, b, s, hr, ten);
        }
    }
    if (fail)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}
