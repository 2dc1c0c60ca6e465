/*
 * overlaps.c — how units overlap: the similarity of their profiles, the
 * complementarity of their specialisations, and clusters of similar units.
 *
 * Four kernels on the unit side (include/s3_scoring.h):
 *
 *   - cosine similarity of the rows of X, x_c·x_d / (‖x_c‖ ‖x_d‖) (the
 *     standard definition): every inner product comes from one BLAS dsyrk,
 *     X Xᵀ, whose diagonal holds the squared norms, so a non-zero row is
 *     exactly 1 against itself;
 *   - Jaccard similarity of the rows of the binary M, |S_c ∩ S_d| /
 *     |S_c ∪ S_d| (Jaccard 1901): the intersections are counted exactly as
 *     proximity is in binary.c — each unit a bitset over the classes, a pair
 *     one AND and a popcount per 64 classes — and the sizes come from the
 *     ones index, |S_c ∪ S_d| = k_c + k_d − |S_c ∩ S_d|;
 *   - complementarity, the share of c's opportunities (the classes c does
 *     not hold, weighted by its relatedness density) that d holds: the
 *     weights A = (1 − M) ∘ Ω, one dgemm A Mᵀ, each row divided by its
 *     compensated total Σ_p A_cp;
 *   - average-linkage clustering (UPGMA, Sokal & Michener 1958) by the
 *     nearest-neighbour chain (Murtagh 1983; Müllner 2011, "Modern
 *     hierarchical, agglomerative clustering algorithms"): follow nearest
 *     neighbours from a cluster until two clusters are each other's nearest
 *     neighbour, merge them (Lance–Williams update of the distances) and go
 *     on from the rest of the chain.  Average linkage is reducible (a merged
 *     cluster is never nearer to a third than the nearer of its parts), so
 *     these reciprocal pairs are the merges of the greedy O(n³) algorithm,
 *     found in O(n²) time.  They come out of the chain in another order; a
 *     stable sort by height gives the dendrogram bottom-up.
 *
 * Ties in the clustering are settled in a fixed way: a chain starts at the
 * smallest active index, a nearest neighbour is the chain's predecessor if
 * that is among the nearest (which also guarantees that the chain ends),
 * else the smallest index among them; equal heights keep the chain order,
 * in which a cluster is always formed before it merges again.  The merged
 * distances are convex combinations clamped to the range of their two
 * parents, so in floating point, too, a merge is never lower than the
 * merges that formed its clusters.
 */
#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "s3_scoring.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(__SANITIZE_ADDRESS__)
#define S3_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define S3_CLONES
#endif

/* The clustering keeps indices in its double workspace. */
_Static_assert(sizeof(size_t) <= sizeof(double),
               "a size_t must fit in the slot of a double");

/* Words of 64 bits for n bits. */
static size_t
words(size_t n)
{
    return (n + 63) / 64;
}

/* Intersection counts of row bitsets: g[i][j] = popcount(bits_i & bits_j)
 * for i < j (the strict upper triangle). */
S3_CLONES static void
bit_intersections(const uint64_t *bits, size_t n, size_t w, double *g)
{
    for (size_t i = 0; i < n; i++) {
        const uint64_t *a = bits + i * w;
        for (size_t j = i + 1; j < n; j++) {
            const uint64_t *b = bits + j * w;
            uint64_t s = 0;
            for (size_t k = 0; k < w; k++)
                s += (uint64_t)__builtin_popcountll(a[k] & b[k]);
            g[i * n + j] = (double)s;
        }
    }
}

/* Copy the strict upper triangle of the n × n matrix g to its lower one. */
static void
mirror_upper(double *g, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++)
            g[i * n + j] = g[j * n + i];
}

/* Cosine similarity: X Xᵀ by one dsyrk, divided by the norms on its
 * diagonal. */
void
s3_cosine_similarity(const double *x, size_t nr, size_t nc, double *out)
{
    if (nr == 0)
        return;
    if (nc == 0) {
        for (size_t i = 0; i < nr * nr; i++)
            out[i] = NAN;
        return;
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)nr, (int)nc, 1.0,
                x, (int)nc, 0.0, out, (int)nr);
    /* the norms, kept on the diagonal until the end */
    for (size_t i = 0; i < nr; i++)
        out[i * nr + i] = sqrt(out[i * nr + i]);
    for (size_t i = 0; i < nr; i++) {
        double ni = out[i * nr + i];
        for (size_t j = i + 1; j < nr; j++) {
            double nj = out[j * nr + j];
            double v = out[i * nr + j] / (ni * nj);
            /* rounding can lift a parallel pair a hair above 1 */
            out[i * nr + j] =
                (ni > 0.0 && nj > 0.0) ? (v > 1.0 ? 1.0 : v) : NAN;
        }
    }
    for (size_t i = 0; i < nr; i++)
        out[i * nr + i] = out[i * nr + i] > 0.0 ? 1.0 : NAN;
    mirror_upper(out, nr);
}

/* Jaccard similarity of the units: intersections by AND and popcount over
 * row bitsets, sizes from the ones index. */
void
s3_jaccard_units(const s3_ones *m, double *out, void *work)
{
    size_t nr = m->nr, w = words(m->nc);
    uint64_t *bits = work;
    if (nr == 0)
        return;
    memset(bits, 0, nr * w * sizeof *bits);
    for (size_t c = 0; c < nr; c++)
        for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
            bits[c * w + m->col[k] / 64] |= (uint64_t)1 << (m->col[k] % 64);
    bit_intersections(bits, nr, w, out);
    for (size_t i = 0; i < nr; i++) {
        double ki = (double)(m->start[i + 1] - m->start[i]);
        for (size_t j = i + 1; j < nr; j++) {
            double kj = (double)(m->start[j + 1] - m->start[j]);
            double both = out[i * nr + j], either = ki + kj - both;
            out[i * nr + j] = either > 0.0 ? both / either : NAN;
        }
        out[i * nr + i] = ki > 0.0 ? 1.0 : NAN;
    }
    mirror_upper(out, nr);
}

/* Complementarity: weights A = (1 − M) ∘ Ω in work, one dgemm A Mᵀ, rows
 * divided by Σ_p A_cp. */
void
s3_complementarity(const double *m, const double *omega, size_t nr, size_t nc,
                   double *out, double *work)
{
    double *a = work;
    if (nr == 0)
        return;
    for (size_t i = 0; i < nr * nc; i++) {
        /* a NaN density, or (1 − 1) · NaN, weighs nothing */
        double v = (1.0 - m[i]) * omega[i];
        a[i] = isnan(v) ? 0.0 : v;
    }
    if (nc > 0)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, (int)nr,
                    (int)nc, 1.0, a, (int)nc, m, (int)nc, 0.0, out, (int)nr);
    for (size_t c = 0; c < nr; c++) {
        double s = nc > 0 ? s3_sum(a + c * nc, nc, 1) : 0.0;
        for (size_t d = 0; d < nr; d++) {
            double v = s > 0.0 ? out[c * nr + d] / s : NAN;
            /* a share: rounding must not take it above 1 */
            out[c * nr + d] = v > 1.0 ? 1.0 : v;
        }
        out[c * nr + c] = 0.0;
    }
}

/* Stable bottom-up merge sort of the indices 0 .. m − 1 by key[]: the
 * result is left in idx; tmp holds m. */
static void
sort_by_key(const double *key, size_t m, size_t *idx, size_t *tmp)
{
    size_t *src = idx, *dst = tmp;
    for (size_t i = 0; i < m; i++)
        idx[i] = i;
    for (size_t width = 1; width < m; width *= 2) {
        for (size_t lo = 0; lo < m; lo += 2 * width) {
            size_t mid = lo + width < m ? lo + width : m;
            size_t hi = lo + 2 * width < m ? lo + 2 * width : m;
            size_t i = lo, j = mid, k = lo;
            /* the right run goes first only when strictly smaller */
            while (i < mid && j < hi)
                dst[k++] = key[src[j]] < key[src[i]] ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        size_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx)
        memcpy(idx, src, m * sizeof *idx);
}

/* Root of x in a union–find forest, halving the path on the way. */
static size_t
find_root(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Average linkage by the nearest-neighbour chain, then a stable sort of the
 * merges by height and the cut by union–find. */
size_t
s3_cluster_average(const double *d, size_t n, double cut, size_t *label,
                   size_t *merge_a, size_t *merge_b, double *height,
                   double *work)
{
    if (n == 0)
        return 0;
    /* work: the distances between clusters (n²), cluster sizes (n, 0 once
     * merged away), the chain (n), two index arrays for the sort (2 n) */
    double *dist = work, *size = work + n * n;
    size_t *chain = (size_t *)(size + n), *idx = (size_t *)(size + 2 * n);
    size_t *tmp = (size_t *)(size + 3 * n);

    for (size_t i = 0; i < n * n; i++)
        dist[i] = isnan(d[i]) ? INFINITY : d[i];
    for (size_t i = 0; i < n; i++)
        size[i] = 1.0;

    /* A cluster lives in the slot of its smallest unit index: merging the
     * slots lo < hi keeps lo, which is then the smallest index of the
     * union. */
    size_t len = 0, nm = 0, first = 0;
    while (nm + 1 < n) {
        if (len == 0) {
            while (size[first] == 0.0)
                first++;
            chain[len++] = first;
        }
        size_t a = chain[len - 1], prev = len >= 2 ? chain[len - 2] : n;
        const double *row = dist + a * n;
        size_t b = n;
        double best = INFINITY;
        for (size_t x = 0; x < n; x++)
            if (x != a && size[x] > 0.0 && (b == n || row[x] < best)) {
                best = row[x];
                b = x;
            }
        if (prev < n && row[prev] == best)
            b = prev;
        if (b != prev) {
            chain[len++] = b;
            continue;
        }
        /* a and b are reciprocal nearest neighbours: merge them */
        len -= 2;
        size_t lo = a < b ? a : b, hi = a < b ? b : a;
        merge_a[nm] = lo;
        merge_b[nm] = hi;
        height[nm] = best;
        nm++;
        double sl = size[lo], sh = size[hi], s = sl + sh;
        for (size_t x = 0; x < n; x++) {
            if (x == lo || x == hi || size[x] == 0.0)
                continue;
            double u = dist[lo * n + x], v = dist[hi * n + x];
            double avg = (sl * u + sh * v) / s;
            double below = u < v ? u : v, above = u < v ? v : u;
            avg = avg < below ? below : (avg > above ? above : avg);
            dist[lo * n + x] = avg;
            dist[x * n + lo] = avg;
        }
        size[lo] = s;
        size[hi] = 0.0;
    }

    /* the merges in order of height, ties in chain order */
    size_t m = n - 1;
    sort_by_key(height, m, idx, tmp);
    double *sorted = dist; /* the distances are no longer needed */
    for (size_t k = 0; k < m; k++)
        sorted[k] = height[idx[k]];
    memcpy(height, sorted, m * sizeof *height);
    for (size_t k = 0; k < m; k++)
        tmp[k] = merge_a[idx[k]];
    memcpy(merge_a, tmp, m * sizeof *merge_a);
    for (size_t k = 0; k < m; k++)
        tmp[k] = merge_b[idx[k]];
    memcpy(merge_b, tmp, m * sizeof *merge_b);

    /* the cut: union of the merges up to it; a root is always the smallest
     * index of its set */
    size_t *parent = chain;
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    for (size_t k = 0; k < m && height[k] <= cut; k++) {
        size_t ra = find_root(parent, merge_a[k]);
        size_t rb = find_root(parent, merge_b[k]);
        if (ra < rb)
            parent[rb] = ra;
        else if (rb < ra)
            parent[ra] = rb;
    }
    size_t nclusters = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = find_root(parent, i);
        label[i] = r == i ? ++nclusters : label[r];
    }
    return nclusters;
}

/* Whether (value a, item ia) comes before (b, ib): larger first, NaN
 * last, ties by the lower index, so the cut is one total order. */
static int
nearer(double a, size_t ia, double b, size_t ib)
{
    if (isnan(a) || isnan(b))
        return isnan(b) && !isnan(a) ? 1 : (isnan(a) == isnan(b) && ia < ib);
    return a > b || (a == b && ia < ib);
}

/* A heap of the k best so far, its worst at the top. */
void
s3_nearest(const double *v, size_t ld, const size_t *map, size_t n, size_t k,
           unsigned char *keep, size_t *heap)
{
    memset(keep, 0, n * n);
    for (size_t a = 0; a < n; a++) {
        const double *row = v + (map ? map[a] : a) * ld;
#define VAL(b) row[map ? map[b] : (b)]
        size_t h = 0;
        for (size_t b = 0; b < n; b++) {
            if (b == a)
                continue;
            if (h == k && !nearer(VAL(b), b, VAL(heap[0]), heap[0]))
                continue;
            size_t i;
            if (h < k) { /* sift up */
                for (i = h++; i > 0; i = (i - 1) / 2) {
                    size_t p = (i - 1) / 2;
                    if (!nearer(VAL(heap[p]), heap[p], VAL(b), b))
                        break;
                    heap[i] = heap[p];
                }
            } else { /* replace the worst, sift down */
                for (i = 0;;) {
                    size_t c = 2 * i + 1;
                    if (c >= h)
                        break;
                    if (c + 1 < h && nearer(VAL(heap[c]), heap[c],
                                            VAL(heap[c + 1]), heap[c + 1]))
                        c++;
                    if (!nearer(VAL(b), b, VAL(heap[c]), heap[c]))
                        break;
                    heap[i] = heap[c];
                    i = c;
                }
            }
            heap[i] = b;
        }
#undef VAL
        for (size_t i = 0; i < h; i++)
            keep[a * n + heap[i]] = 1;
    }
}
