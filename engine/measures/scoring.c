/*
 * scoring.c — composite development-potential scores and their
 * uncertainty: normalisation, weighted aggregation, ranks, and a Monte
 * Carlo over the weights (and optionally the methods) that gives each unit
 * a rank band and each pair of units the share of draws in which one ranks
 * above the other.
 *
 * The construction follows the OECD/JRC Handbook on Constructing Composite
 * Indicators (2008): indicators are normalised (min-max, z-scores, ranks or
 * goalposts), turned so that higher is better, and aggregated with weights,
 * arithmetically or geometrically; a unit missing an indicator is scored on
 * the others with its weights rescaled.  The uncertainty analysis is that
 * of Saisana, Saltelli & Tarantola (2005), "Uncertainty and sensitivity
 * analysis techniques as tools for the quality assessment of composite
 * indicators" (J. R. Stat. Soc. A 168): the choices that build the index
 * are drawn at random, the index is recomputed for every draw, and the
 * spread of each unit's rank is reported (median and 5–95 % band) together
 * with the pairwise outranking shares.
 *
 * The Monte Carlo normalises once per method (the normalised indicators do
 * not depend on the weights), so a draw costs one weighted sum per unit and
 * one stable merge sort.  The pairwise outranking table is the expensive
 * part, n² / 2 pairs times the draws: each draw's ranks are stored
 * transposed, per unit its ranks over a block of draws, as 16-bit integers
 * when they fit, and every pair of units is counted over the block in a
 * loop of fixed length that the compiler vectorises; blocks of units keep
 * the rows in cache.  A pair whose ranks in the block do not overlap (one
 * unit's worst rank above the other's best, the usual case for units far
 * apart) is settled from the two ranges without a look at its draws.
 * Rank quantiles come from each unit's histogram of ranks.
 *
 * All functions are pure (see s3_scoring.h): no allocation, no static
 * state.
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "s3_scoring.h"

/* ---- sorting ------------------------------------------------------------ */

/* Stable bottom-up merge sort of idx[0..m) by key[idx[i]], descending (the
 * largest first) or ascending; equal keys keep their order.  buf holds m
 * doubles: the left run of each merge is copied there (as doubles, which
 * hold any index below 2^53 exactly). */
static void
merge_sort(size_t *idx, size_t m, const double *key, int descending,
           double *buf)
{
    for (size_t w = 1; w < m; w *= 2) {
        for (size_t lo = 0; lo + w < m; lo += 2 * w) {
            size_t mid = lo + w, hi = m - mid > w ? mid + w : m;
            /* runs already in order need no merge */
            double kl = key[idx[mid - 1]], kr = key[idx[mid]];
            if (descending ? !(kr > kl) : !(kr < kl))
                continue;
            for (size_t i = 0; i < w; i++)
                buf[i] = (double)idx[lo + i];
            size_t i = 0, j = mid, o = lo;
            while (i < w && j < hi) {
                size_t a = (size_t)buf[i], b = idx[j];
                int right = descending ? key[b] > key[a] : key[b] < key[a];
                idx[o++] = right ? b : a;
                j += (size_t)right;
                i += (size_t)!right;
            }
            while (i < w)
                idx[o++] = (size_t)buf[i++];
        }
    }
}

/* The order of the units by score: highest first, ties by index, NaN last
 * (by index).  order holds n size_t, buf n doubles. */
static void
order_by_score(const double *score, size_t n, size_t *order, double *buf)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(score[i]))
            order[m++] = i;
    merge_sort(order, m, score, 1, buf);
    for (size_t i = 0; i < n; i++)
        if (isnan(score[i]))
            order[m++] = i;
}

/* The Monte Carlo's sort, for speed: insertion sort of runs of SORT_RUN,
 * then branch-free bottom-up merges between two pairs of arrays. */
enum { SORT_RUN = 8 };

/* Merge the runs sk[lo..mid) and sk[mid..hi) (each sorted descending, with
 * its ids si) into dk, di: the right one goes first only when strictly
 * larger, so the merge is stable. */
static void
merge_plain(const double *sk, const uint32_t *si, double *dk, uint32_t *di,
            size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, o = lo;
    while (i < mid && j < hi) {
        size_t right = sk[j] > sk[i];
        size_t src = i + right * (j - i);
        dk[o] = sk[src];
        di[o] = si[src];
        o++;
        j += right;
        i += 1 - right;
    }
    memcpy(dk + o, sk + i, (mid - i) * sizeof(double));
    memcpy(di + o, si + i, (mid - i) * sizeof(uint32_t));
    o += mid - i;
    memcpy(dk + o, sk + j, (hi - j) * sizeof(double));
    memcpy(di + o, si + j, (hi - j) * sizeof(uint32_t));
}

/* The same for two runs of equal length w = mid − lo = hi − mid, from both
 * ends at once (two independent chains of loads): the front takes the w
 * first, the back the w last, and neither can run past its runs
 * (after t < w steps each run has given at most t).  Ties: the front takes
 * the left one, the back the right one, as the stable order has them. */
static void
merge_parity(const double *sk, const uint32_t *si, double *dk, uint32_t *di,
             size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, o = lo;                /* front */
    size_t ie = mid - 1, je = hi - 1, oe = hi - 1; /* back */
    for (size_t t = lo; t < mid; t++) {
        size_t right = sk[j] > sk[i];
        size_t src = i + right * (j - i);
        dk[o] = sk[src];
        di[o] = si[src];
        o++;
        j += right;
        i += 1 - right;
        size_t left = sk[ie] < sk[je];
        size_t srce = je - left * (je - ie);
        dk[oe] = sk[srce];
        di[oe] = si[srce];
        oe--;
        ie -= left;
        je -= 1 - left;
    }
}

/* Stable sort of the m pairs (key[i], id[i]) by key, descending; tkey and
 * tid hold m more.  Returns 1 when the result ends up in (tkey, tid), 0
 * when in (key, id). */
static int
sort_pairs(double *key, uint32_t *id, double *tkey, uint32_t *tid, size_t m)
{
    for (size_t lo = 0; lo < m; lo += SORT_RUN) {
        size_t hi = m - lo > SORT_RUN ? lo + SORT_RUN : m;
        for (size_t i = lo + 1; i < hi; i++) {
            double kv = key[i];
            uint32_t iv = id[i];
            size_t p = i;
            for (; p > lo && key[p - 1] < kv; p--) {
                key[p] = key[p - 1];
                id[p] = id[p - 1];
            }
            key[p] = kv;
            id[p] = iv;
        }
    }
    double *sk = key, *dk = tkey;
    uint32_t *si = id, *di = tid;
    int swapped = 0;
    for (size_t w = SORT_RUN; w < m; w *= 2) {
        for (size_t lo = 0; lo < m; lo += 2 * w) {
            size_t mid = m - lo > w ? lo + w : m;
            size_t hi = m - mid > w ? mid + w : m;
            if (hi - mid == w)
                merge_parity(sk, si, dk, di, lo, mid, hi);
            else
                merge_plain(sk, si, dk, di, lo, mid, hi);
        }
        double *tk = sk;
        sk = dk;
        dk = tk;
        uint32_t *ti = si;
        si = di;
        di = ti;
        swapped = !swapped;
    }
    return swapped;
}

/* ---- normalisation ------------------------------------------------------ */

/* Average ranks (1 .. m, ties share the mean of their positions) of the m
 * defined values col[def[0..m)], written as (rank − 1) / (m − 1) into
 * column j of y, or (m − rank) / (m − 1) when mirrored.  def is sorted
 * here; buf holds m doubles. */
static void
rank_column(const double *col, size_t *def, size_t m, int mirror, double *y,
            size_t k, size_t j, double *buf)
{
    merge_sort(def, m, col, 0, buf);
    for (size_t p = 0; p < m;) {
        size_t q = p + 1;
        while (q < m && col[def[q]] == col[def[p]])
            q++;
        /* positions p .. q − 1 (0-based) share rank (p + 1 + q) / 2 */
        double r = 0.5 * (double)(p + 1 + q), span = (double)(m - 1);
        double v = mirror ? ((double)m - r) / span : (r - 1.0) / span;
        for (size_t t = p; t < q; t++)
            y[def[t] * k + j] = v;
        p = q;
    }
}

/* Each column on its own: gather its values, then scale them by `how`. */
void
s3_normalise(const double *x, size_t n, size_t k, const int *dir,
             s3_normalisation how, const double *lo, const double *hi,
             double *y, double *work, size_t *iwork)
{
    double *col = work, *tmp = work + n;
    for (size_t j = 0; j < k; j++) {
        int mirror = dir[j] < 0;
        size_t m = 0;
        double mn = INFINITY, mx = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            col[i] = x[i * k + j];
            y[i * k + j] = NAN;
            if (!isnan(col[i])) {
                iwork[m++] = i;
                mn = col[i] < mn ? col[i] : mn;
                mx = col[i] > mx ? col[i] : mx;
            }
        }
        if (m == 0)
            continue;
        /* the goalposts, not the data, set the scale */
        if (how == S3_NORM_GOALPOSTS) {
            double g0 = lo[j], g1 = hi[j];
            for (size_t t = 0; t < m; t++) {
                size_t i = iwork[t];
                double v = 0.5;
                if (g1 > g0) {
                    v = (col[i] - g0) / (g1 - g0);
                    v = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
                    v = mirror ? 1.0 - v : v;
                }
                y[i * k + j] = v;
            }
            continue;
        }
        /* no spread: the column cannot tell units apart */
        if (mx == mn) {
            double v = how == S3_NORM_ZSCORE ? 0.0 : 0.5;
            for (size_t t = 0; t < m; t++)
                y[iwork[t] * k + j] = v;
            continue;
        }
        switch (how) {
        case S3_NORM_MINMAX:
            for (size_t t = 0; t < m; t++) {
                size_t i = iwork[t];
                y[i * k + j] = mirror ? (mx - col[i]) / (mx - mn)
                                      : (col[i] - mn) / (mx - mn);
            }
            break;
        case S3_NORM_ZSCORE: {
            /* m ≥ 2 here: two different values */
            for (size_t t = 0; t < m; t++)
                tmp[t] = col[iwork[t]];
            double mean = s3_sum(tmp, m, 1) / (double)m;
            for (size_t t = 0; t < m; t++)
                tmp[t] = (tmp[t] - mean) * (tmp[t] - mean);
            double sd = sqrt(s3_sum(tmp, m, 1) / (double)(m - 1));
            for (size_t t = 0; t < m; t++) {
                size_t i = iwork[t];
                y[i * k + j] =
                    mirror ? (mean - col[i]) / sd : (col[i] - mean) / sd;
            }
            break;
        }
        case S3_NORM_RANK:
            rank_column(col, iwork, m, mirror, y, k, j, tmp);
            break;
        case S3_NORM_GOALPOSTS:
            break;
        }
    }
}

/* ---- normalisation on a reference's scale ------------------------------- */

/* Sort each reference column, and take its min, max, mean and sd exactly
 * as s3_normalise takes them (the sums in unit order). */
void
s3_scale_build(const double *ref, size_t nref, size_t k, double *buf,
               size_t *mbuf, size_t *iwork, s3_scale *sc)
{
    double *sorted = buf, *mn = buf + k * nref, *mx = mn + k, *mean = mx + k,
           *sd = mean + k, *tmp = sd + k;
    for (size_t j = 0; j < k; j++) {
        double *col = sorted + j * nref;
        size_t m = 0;
        mn[j] = INFINITY, mx[j] = -INFINITY, mean[j] = sd[j] = NAN;
        for (size_t i = 0; i < nref; i++) {
            double v = ref[i * k + j];
            if (isnan(v))
                continue;
            tmp[m] = v;
            col[m] = v;
            iwork[m] = m;
            m++;
            mn[j] = v < mn[j] ? v : mn[j];
            mx[j] = v > mx[j] ? v : mx[j];
        }
        mbuf[j] = m;
        if (m >= 2 && mx[j] > mn[j]) {
            mean[j] = s3_sum(tmp, m, 1) / (double)m;
            for (size_t t = 0; t < m; t++)
                tmp[t] = (tmp[t] - mean[j]) * (tmp[t] - mean[j]);
            sd[j] = sqrt(s3_sum(tmp, m, 1) / (double)(m - 1));
        }
        /* the values ascending (tmp is the sort's buffer, then the
         * sorted copy) */
        merge_sort(iwork, m, col, 0, tmp);
        for (size_t t = 0; t < m; t++)
            tmp[t] = col[iwork[t]];
        memcpy(col, tmp, m * sizeof(double));
    }
    *sc = (s3_scale){.k = k,
                     .nref = nref,
                     .sorted = sorted,
                     .min = mn,
                     .max = mx,
                     .mean = mean,
                     .sd = sd,
                     .m = mbuf,
                     .floor = NAN};
}

/* The number of values of the sorted a[0..m) below v (strictly = 0) or at
 * most v (strictly = 1). */
static size_t
count_below(const double *a, size_t m, double v, int at_most)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (at_most ? a[mid] <= v : a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Each formula as s3_normalise writes it, so that a value equal to a
 * reference unit's gives that unit's result to the last bit. */
void
s3_normalise_scaled(const double *x, size_t n, size_t k, const int *dir,
                    s3_normalisation how, const double *lo, const double *hi,
                    const s3_scale *sc, double *y)
{
    for (size_t j = 0; j < k; j++) {
        int mirror = dir[j] < 0;
        size_t m = sc->m[j];
        double mn = sc->min[j], mx = sc->max[j];
        const double *col = sc->sorted + j * sc->nref;
        for (size_t i = 0; i < n; i++) {
            double c = x[i * k + j], v = NAN;
            if (isnan(c) || (m == 0 && how != S3_NORM_GOALPOSTS)) {
                y[i * k + j] = NAN;
                continue;
            }
            if (how == S3_NORM_GOALPOSTS) {
                double g0 = lo[j], g1 = hi[j];
                v = 0.5;
                if (g1 > g0) {
                    v = (c - g0) / (g1 - g0);
                    v = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
                    v = mirror ? 1.0 - v : v;
                }
            } else if (mx == mn) {
                /* no spread in the reference: its value keeps the value
                 * it has there; a change shows as the top or the bottom */
                int z = how == S3_NORM_ZSCORE, up = c > mn, down = c < mn;
                if (!up && !down)
                    v = z ? 0.0 : 0.5;
                else if (z)
                    v = (up != mirror) ? 1.0 : -1.0;
                else
                    v = (up != mirror) ? 1.0 : 0.0;
            } else if (how == S3_NORM_MINMAX) {
                v = mirror ? (mx - c) / (mx - mn) : (c - mn) / (mx - mn);
            } else if (how == S3_NORM_ZSCORE) {
                double mean = sc->mean[j], sd = sc->sd[j];
                v = mirror ? (mean - c) / sd : (c - mean) / sd;
            } else { /* S3_NORM_RANK */
                size_t p = count_below(col, m, c, 0),
                       q = count_below(col, m, c, 1);
                double r = 0.5 * (double)(p + 1 + q), span = (double)(m - 1);
                v = mirror ? ((double)m - r) / span : (r - 1.0) / span;
            }
            /* the floor is for the 0-1 methods (z-scores are never
             * aggregated geometrically) */
            y[i * k + j] =
                how != S3_NORM_ZSCORE && v < sc->floor ? sc->floor : v;
        }
    }
}

/* ---- aggregation -------------------------------------------------------- */

/* The composite of one unit from its normalised row y[k]: the weighted
 * mean over the indicators it has (weights w_j > 0 only), arithmetic or
 * geometric (ly[k] holds log(y + shift), or is NULL to take the logarithm
 * here).  *missing is set when a weighted indicator was missing. */
static double
composite(const double *y, const double *ly, const double *w, size_t k,
          s3_aggregation how, double shift, int *missing)
{
    double num = 0.0, den = 0.0;
    int gap = 0;
    for (size_t j = 0; j < k; j++) {
        if (!(w[j] > 0.0))
            continue;
        if (isnan(y[j])) {
            gap = 1;
            continue;
        }
        double v = y[j];
        if (how == S3_AGG_GEOMETRIC) {
            if (!(y[j] + shift > 0.0))
                return NAN;
            v = ly ? ly[j] : log(y[j] + shift);
        }
        num += w[j] * v;
        den += w[j];
    }
    *missing = gap;
    if (!(den > 0.0))
        return NAN;
    return how == S3_AGG_GEOMETRIC ? exp(num / den) - shift : num / den;
}

/* One composite per unit; counts the units scored on fewer indicators. */
size_t
s3_aggregate(const double *y, size_t n, size_t k, const double *w,
             s3_aggregation how, double shift, double *score)
{
    size_t rescaled = 0;
    for (size_t i = 0; i < n; i++) {
        int missing = 0;
        score[i] = composite(y + i * k, NULL, w, k, how, shift, &missing);
        rescaled += (size_t)(missing && !isnan(score[i]));
    }
    return rescaled;
}

/* The order by score (merge sort), then each unit's position. */
void
s3_rank(const double *score, size_t n, double *rank, size_t *iwork)
{
    /* rank[] is the merge buffer until the ranks are written */
    order_by_score(score, n, iwork, rank);
    for (size_t p = 0; p < n; p++)
        rank[iwork[p]] = (double)(p + 1);
}

/* ---- uncertainty -------------------------------------------------------- */

/* Draws are processed in blocks of RANK_BLOCK: per block and unit, its ranks
 * in the block's draws are contiguous (a short last block is padded with
 * equal values, which count for no pair).  The pair counts of a block fit
 * 16-bit lanes (at most RANK_BLOCK ≤ 65535 per pair), and the loop has a
 * fixed length.  Units are taken UNIT_BLOCK at a time so that two blocks of
 * rows stay in the level-2 cache (2 · 64 · 512 · 2 bytes = 128 KiB with
 * 16-bit ranks).  PAIR_GROUP rows b are counted against one row a at once,
 * loading a once.  (Measured with bench_scoring on 2,000 units and 10,000
 * draws: blocks of 256 draws were 10 % slower, 1,024 no faster.) */
enum { RANK_BLOCK = 512, UNIT_BLOCK = 64, PAIR_GROUP = 4 };

/* Ranks are stored as int16_t, biased by RANK16_BIAS so that 1 .. 65535 fit
 * (signed 16-bit comparisons vectorise on every SIMD level), when
 * n ≤ RANK16_MAX; as int32_t otherwise. */
enum { RANK16_MAX = 65535, RANK16_BIAS = 32768 };

/* The rank quantiles as fractions of the draws, num / QUANT_DEN: the
 * smallest rank whose cumulative count c satisfies c · den ≥ num · draws,
 * in integers. */
enum { QUANT_DEN = 20, Q05_NUM = 1, Q50_NUM = 10, Q95_NUM = 19 };

/* The progress callback is called at most this many times. */
enum { PROGRESS_CALLS = 100 };

/* The workspace parts start at multiples of this many bytes. */
enum { WORK_ALIGN = 64 };

/* The four normalisations, in the order they are drawn (goalposts only when
 * lo and hi are given). */
enum { NMETHODS = 4 };
static const s3_normalisation METHODS[NMETHODS] = {
    S3_NORM_MINMAX, S3_NORM_ZSCORE, S3_NORM_RANK, S3_NORM_GOALPOSTS};

/* Byte offsets of the workspace parts; total is the size. */
typedef struct {
    size_t ynorm, ylog, nwork, niwork, weight, score, key, id, hist, range;
    size_t ranks;
    size_t total;
} layout;

/* a · b, or SIZE_MAX when it overflows (or either is SIZE_MAX). */
static size_t
mul(size_t a, size_t b)
{
    if (a == SIZE_MAX || b == SIZE_MAX || (a != 0 && b > SIZE_MAX / a))
        return SIZE_MAX;
    return a * b;
}

/* Append a part of `bytes` bytes at *end (rounded up to WORK_ALIGN) and
 * return its offset; SIZE_MAX stays SIZE_MAX. */
static size_t
part(size_t *end, size_t bytes)
{
    size_t at = *end;
    if (at == SIZE_MAX || bytes > SIZE_MAX - at - WORK_ALIGN) {
        *end = SIZE_MAX;
        return SIZE_MAX;
    }
    *end = at + (bytes + WORK_ALIGN - 1) / WORK_ALIGN * WORK_ALIGN;
    return at;
}

/* Layout of the workspace for n units, k indicators and `draws` draws. */
static layout
plan(size_t n, size_t k, size_t draws)
{
    layout l;
    size_t end = n > UINT32_MAX ? SIZE_MAX : 0, nk = mul(n, k);
    size_t elem = n <= RANK16_MAX ? sizeof(int16_t) : sizeof(int32_t);
    size_t blocks = draws / RANK_BLOCK + (draws % RANK_BLOCK != 0);
    l.ynorm = part(&end, mul(mul(NMETHODS, nk), sizeof(double)));
    l.ylog = part(&end, mul(mul(NMETHODS, nk), sizeof(double)));
    l.nwork = part(&end, mul(2 * n, sizeof(double)));
    l.niwork = part(&end, mul(n, sizeof(size_t)));
    l.weight = part(&end, mul(k, sizeof(double)));
    l.score = part(&end, mul(n, sizeof(double)));
    l.key = part(&end, mul(2 * n, sizeof(double)));
    l.id = part(&end, mul(2 * n, sizeof(uint32_t)));
    l.hist = part(&end, mul(n + 1, sizeof(uint32_t)));
    l.range = part(&end, mul(2 * n, sizeof(uint32_t)));
    l.ranks = part(&end, mul(mul(blocks, RANK_BLOCK), mul(n, elem)));
    l.total = end;
    return l;
}

/* The bytes the layout of plan() spans. */
size_t
s3_uncertainty_workspace(size_t n, size_t k, size_t draws)
{
    return plan(n, k, draws).total;
}

/* The draws of a block in which row ra ranks above (has a smaller rank
 * than) rows r[0..PAIR_GROUP), 16-bit ranks: one pass over ra for all of
 * them, a loop of fixed length that vectorises. */
static void
above16(const int16_t *ra, const int16_t *const *r, uint32_t *c)
{
    const int16_t *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];
    uint16_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (size_t d = 0; d < RANK_BLOCK; d++) {
        int16_t v = ra[d];
        c0 = (uint16_t)(c0 + (v < r0[d]));
        c1 = (uint16_t)(c1 + (v < r1[d]));
        c2 = (uint16_t)(c2 + (v < r2[d]));
        c3 = (uint16_t)(c3 + (v < r3[d]));
    }
    c[0] = c0, c[1] = c1, c[2] = c2, c[3] = c3;
}

/* The same with 32-bit ranks. */
static void
above32(const int32_t *ra, const int32_t *const *r, uint32_t *c)
{
    const int32_t *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];
    uint32_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (size_t d = 0; d < RANK_BLOCK; d++) {
        int32_t v = ra[d];
        c0 += (uint32_t)(v < r0[d]);
        c1 += (uint32_t)(v < r1[d]);
        c2 += (uint32_t)(v < r2[d]);
        c3 += (uint32_t)(v < r3[d]);
    }
    c[0] = c0, c[1] = c1, c[2] = c2, c[3] = c3;
}

/* Count row a of a block against the g ≤ PAIR_GROUP rows list[0..g) and
 * add the counts to ca[list[q]] (missing rows are a itself: never above). */
static void
count_group(const void *blk, int wide, size_t a, const size_t *list, size_t g,
            double *ca)
{
    uint32_t c[PAIR_GROUP];
    if (wide) {
        const int32_t *rk = blk, *r[PAIR_GROUP];
        for (size_t q = 0; q < PAIR_GROUP; q++)
            r[q] = rk + (q < g ? list[q] : a) * RANK_BLOCK;
        above32(rk + a * RANK_BLOCK, r, c);
    } else {
        const int16_t *rk = blk, *r[PAIR_GROUP];
        for (size_t q = 0; q < PAIR_GROUP; q++)
            r[q] = rk + (q < g ? list[q] : a) * RANK_BLOCK;
        above16(rk + a * RANK_BLOCK, r, c);
    }
    for (size_t q = 0; q < g; q++)
        ca[list[q]] += (double)c[q];
}

/* Add, for every pair a < b of the n units, the draws of one block (nd
 * draws; rows of RANK_BLOCK ranks, row u at u · RANK_BLOCK) in which a
 * ranks above b to cnt[a · n + b].  A pair whose rank ranges in the block
 * (rmin, rmax) do not overlap is settled without a look at its draws. */
static void
count_pairs(const void *blk, int wide, size_t n, size_t nd,
            const uint32_t *rmin, const uint32_t *rmax, double *cnt)
{
    for (size_t a0 = 0; a0 < n; a0 += UNIT_BLOCK) {
        size_t a1 = n - a0 > UNIT_BLOCK ? a0 + UNIT_BLOCK : n;
        for (size_t b0 = a0; b0 < n; b0 += UNIT_BLOCK) {
            size_t b1 = n - b0 > UNIT_BLOCK ? b0 + UNIT_BLOCK : n;
            for (size_t a = a0; a < a1; a++) {
                double *ca = cnt + a * n;
                size_t list[PAIR_GROUP], g = 0;
                for (size_t b = b0 > a ? b0 : a + 1; b < b1; b++) {
                    if (rmax[a] <= rmin[b]) {
                        ca[b] += (double)nd;
                    } else if (rmin[a] < rmax[b]) {
                        list[g++] = b;
                        if (g == PAIR_GROUP) {
                            count_group(blk, wide, a, list, g, ca);
                            g = 0;
                        }
                    }
                }
                if (g > 0)
                    count_group(blk, wide, a, list, g, ca);
            }
        }
    }
}

/* The order of one draw's units from their scores: the defined scores
 * sorted (highest first; the ids go in increasing, so ties stay by index),
 * then the NaN by index.  key and id hold 2 n; returns the order (in id or
 * id + n). */
static const uint32_t *
order_draw(const double *score, size_t n, double *key, uint32_t *id)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(score[i])) {
            key[m] = score[i];
            id[m++] = (uint32_t)i;
        }
    uint32_t *order = sort_pairs(key, id, key + n, id + n, m) ? id + n : id;
    for (size_t i = 0; i < n; i++)
        if (isnan(score[i]))
            order[m++] = (uint32_t)i;
    return order;
}

/* Store the ranks of draw d (the units in `order`) in block blk, and widen
 * each unit's rank range in the block, rmin and rmax. */
static void
store_ranks(void *blk, int wide, size_t d, const uint32_t *order, size_t n,
            uint32_t *rmin, uint32_t *rmax)
{
    for (size_t p = 0; p < n; p++) {
        size_t u = order[p];
        uint32_t rank = (uint32_t)(p + 1);
        if (wide)
            ((int32_t *)blk)[u * RANK_BLOCK + d] = (int32_t)rank;
        else
            ((int16_t *)blk)[u * RANK_BLOCK + d] =
                (int16_t)((int32_t)rank - RANK16_BIAS);
        rmin[u] = rank < rmin[u] ? rank : rmin[u];
        rmax[u] = rank > rmax[u] ? rank : rmax[u];
    }
}

/* Per unit, the 5 %, 50 % and 95 % rank quantiles over the stored draws,
 * from its histogram of ranks (hist holds n + 1). */
static void
rank_quantiles(const void *ranks, int wide, size_t n, size_t draws,
               uint32_t *hist, double *p05, double *median, double *p95)
{
    const uint64_t need[3] = {(uint64_t)Q05_NUM * draws,
                              (uint64_t)Q50_NUM * draws,
                              (uint64_t)Q95_NUM * draws};
    double *out[3] = {p05, median, p95};
    for (size_t u = 0; u < n; u++) {
        memset(hist, 0, (n + 1) * sizeof(uint32_t));
        for (size_t d0 = 0; d0 < draws; d0 += RANK_BLOCK) {
            size_t nd = draws - d0 < RANK_BLOCK ? draws - d0 : RANK_BLOCK;
            size_t row = d0 * n + u * RANK_BLOCK; /* block d0 / RANK_BLOCK */
            if (wide) {
                const int32_t *rk = (const int32_t *)ranks + row;
                for (size_t d = 0; d < nd; d++)
                    hist[rk[d]]++;
            } else {
                const int16_t *rk = (const int16_t *)ranks + row;
                for (size_t d = 0; d < nd; d++)
                    hist[rk[d] + RANK16_BIAS]++;
            }
        }
        uint64_t cum = 0;
        size_t q = 0;
        for (size_t rk = 1; rk <= n && q < 3; rk++) {
            cum += hist[rk];
            while (q < 3 && cum * QUANT_DEN >= need[q])
                out[q++][u] = (double)rk;
        }
    }
}

/* Draw the methods of one draw: the normalisation (uniform over the nm
 * methods) when vary_norm, the aggregation when vary_agg; a geometric mean
 * of z-scores is redrawn (the given pair is kept when neither varies). */
static void
draw_methods(gsl_rng *r, int vary_norm, int vary_agg, size_t nm,
             s3_normalisation *norm, s3_aggregation *agg)
{
    if (!vary_norm && !vary_agg)
        return;
    do {
        if (vary_norm)
            *norm = METHODS[gsl_rng_uniform_int(r, nm)];
        if (vary_agg)
            *agg = gsl_rng_uniform_int(r, 2) ? S3_AGG_GEOMETRIC
                                             : S3_AGG_ARITHMETIC;
    } while (*norm == S3_NORM_ZSCORE && *agg == S3_AGG_GEOMETRIC);
}

/* Normalise once per method (or, with xstep > 0, each draw's own
 * indicators x + d·xstep in its draw), then per block of draws: score,
 * sort and store every draw's ranks, count the pairs; last the
 * quantiles. */
static int
uncertainty(const double *x, size_t xstep, size_t n, size_t k, const int *dir,
            const double *w, s3_normalisation norm, s3_aggregation agg,
            double shift, const double *lo, const double *hi,
            const s3_scale *sc, size_t draws, double sd, int vary_norm,
            int vary_agg, gsl_rng *r, double *rank_median, double *rank_p05,
            double *rank_p95, double *outrank, void *work, size_t nwork,
            void (*progress)(void *, double), void *progress_user)
{
    layout l = plan(n, k, draws);
    if (draws == 0 || l.total == SIZE_MAX || nwork < l.total)
        return -1;
    if (n == 0)
        return 0;
    char *base = work;
    double *ynorm = (double *)(base + l.ynorm),
           *ylog = (double *)(base + l.ylog), *nw = (double *)(base + l.nwork),
           *wd = (double *)(base + l.weight),
           *score = (double *)(base + l.score), *key = (double *)(base + l.key);
    size_t *niw = (size_t *)(base + l.niwork);
    uint32_t *id = (uint32_t *)(base + l.id),
             *hist = (uint32_t *)(base + l.hist),
             *rmin = (uint32_t *)(base + l.range), *rmax = rmin + n;
    char *ranks = base + l.ranks;
    int wide = n > RANK16_MAX;
    size_t block_bytes =
        RANK_BLOCK * n * (wide ? sizeof(int32_t) : sizeof(int16_t));
    size_t nk = n * k, blocks = draws / RANK_BLOCK + (draws % RANK_BLOCK != 0);
    size_t nm = lo && hi ? NMETHODS : NMETHODS - 1;
    int geometric = vary_agg || agg == S3_AGG_GEOMETRIC;

    /* normalise once per method that can be drawn, and take the logarithms
     * for the geometric mean once */
    for (size_t m = 0; xstep == 0 && m < NMETHODS; m++) {
        if (vary_norm ? m >= nm : METHODS[m] != norm)
            continue;
        double *ym = ynorm + m * nk, *lm = ylog + m * nk;
        if (sc)
            s3_normalise_scaled(x, n, k, dir, METHODS[m], lo, hi, sc, ym);
        else
            s3_normalise(x, n, k, dir, METHODS[m], lo, hi, ym, nw, niw);
        for (size_t i = 0; geometric && i < nk; i++)
            lm[i] = ym[i] + shift > 0.0 ? log(ym[i] + shift) : NAN;
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            outrank[a * n + b] = 0.0;

    size_t calls = 0;
    for (size_t bl = 0; bl < blocks; bl++) {
        char *blk = ranks + bl * block_bytes;
        size_t d0 = bl * RANK_BLOCK;
        size_t nd = draws - d0 < RANK_BLOCK ? draws - d0 : RANK_BLOCK;
        if (nd < RANK_BLOCK)
            memset(blk, 0, block_bytes);
        for (size_t u = 0; u < n; u++) {
            rmin[u] = UINT32_MAX;
            rmax[u] = 0;
        }
        for (size_t d = 0; d < nd; d++) {
            s3_normalisation dn = norm;
            s3_aggregation da = agg;
            draw_methods(r, vary_norm, vary_agg, nm, &dn, &da);
            /* the aggregation divides by the sum of the weights: the drawn
             * weights need no renormalisation */
            for (size_t j = 0; j < k; j++)
                wd[j] =
                    sd > 0.0 ? w[j] * exp(sd * gsl_ran_gaussian(r, 1.0)) : w[j];
            size_t m = 0;
            while (METHODS[m] != dn)
                m++;
            if (xstep > 0) { /* this draw's own indicators */
                m = 0;
                if (sc)
                    s3_normalise_scaled(x + (d0 + d) * xstep, n, k, dir, dn, lo,
                                        hi, sc, ynorm);
                else
                    s3_normalise(x + (d0 + d) * xstep, n, k, dir, dn, lo, hi,
                                 ynorm, nw, niw);
                for (size_t i = 0; geometric && i < nk; i++)
                    ylog[i] =
                        ynorm[i] + shift > 0.0 ? log(ynorm[i] + shift) : NAN;
            }
            const double *ym = ynorm + m * nk, *lm = ylog + m * nk;
            for (size_t i = 0; i < n; i++) {
                int missing;
                score[i] = composite(ym + i * k, lm + i * k, wd, k, da, shift,
                                     &missing);
            }
            store_ranks(blk, wide, d, order_draw(score, n, key, id), n, rmin,
                        rmax);
        }
        count_pairs(blk, wide, n, nd, rmin, rmax, outrank);
        size_t due = (bl + 1) * PROGRESS_CALLS / blocks;
        if (progress && due > calls) {
            calls = due;
            progress(progress_user, (double)(bl + 1) / (double)blocks);
        }
    }
    rank_quantiles(ranks, wide, n, draws, hist, rank_p05, rank_median,
                   rank_p95);

    /* shares; ranks are a strict order, so b is above a in the other
     * draws */
    double dd = (double)draws;
    for (size_t a = 0; a < n; a++) {
        outrank[a * n + a] = 0.0;
        for (size_t b = a + 1; b < n; b++) {
            double c = outrank[a * n + b];
            outrank[a * n + b] = c / dd;
            outrank[b * n + a] = (dd - c) / dd;
        }
    }
    return 0;
}

int
s3_score_uncertainty(const double *x, size_t n, size_t k, const int *dir,
                     const double *w, s3_normalisation norm, s3_aggregation agg,
                     double shift, const double *lo, const double *hi,
                     size_t draws, double sd, int vary_norm, int vary_agg,
                     gsl_rng *r, double *rank_median, double *rank_p05,
                     double *rank_p95, double *outrank, void *work,
                     size_t nwork, void (*progress)(void *, double),
                     void *progress_user)
{
    return uncertainty(x, 0, n, k, dir, w, norm, agg, shift, lo, hi, NULL,
                       draws, sd, vary_norm, vary_agg, r, rank_median, rank_p05,
                       rank_p95, outrank, work, nwork, progress, progress_user);
}

int
s3_score_uncertainty_data(const double *xd, size_t n, size_t k, const int *dir,
                          const double *w, s3_normalisation norm,
                          s3_aggregation agg, double shift, const double *lo,
                          const double *hi, size_t draws, double sd,
                          int vary_norm, int vary_agg, gsl_rng *r,
                          double *rank_median, double *rank_p05,
                          double *rank_p95, double *outrank, void *work,
                          size_t nwork, void (*progress)(void *, double),
                          void *progress_user)
{
    return uncertainty(xd, n * k, n, k, dir, w, norm, agg, shift, lo, hi, NULL,
                       draws, sd, vary_norm, vary_agg, r, rank_median, rank_p05,
                       rank_p95, outrank, work, nwork, progress, progress_user);
}

int
s3_score_uncertainty_scaled(
    const double *x, int per_draw, size_t n, size_t k, const int *dir,
    const double *w, s3_normalisation norm, s3_aggregation agg, double shift,
    const double *lo, const double *hi, const s3_scale *sc, size_t draws,
    double sd, int vary_norm, int vary_agg, gsl_rng *r, double *rank_median,
    double *rank_p05, double *rank_p95, double *outrank, void *work,
    size_t nwork, void (*progress)(void *, double), void *progress_user)
{
    return uncertainty(x, per_draw ? n * k : 0, n, k, dir, w, norm, agg, shift,
                       lo, hi, sc, draws, sd, vary_norm, vary_agg, r,
                       rank_median, rank_p05, rank_p95, outrank, work, nwork,
                       progress, progress_user);
}
