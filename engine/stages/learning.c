/*
 * learning.c — learning partners: for each home unit of the model's
 * [learning] section, the units whose economic mix is most like its own
 * (the regions it can learn from), and the units it must always be set
 * against (compare), with what each partner holds that the home unit could
 * move into.  Sheet-ready: the table `learning` (learning.csv and the
 * workbook's "Learning partners" sheet).
 *
 * On the headline matrix of the first level (a long table's unit/input),
 * per pair of home unit h and candidate c, over their shares of the
 * classes (measures/learning.c):
 *   cosine   Σ h_i c_i / (|h| |c|)                      1 = the same mix
 *   krugman  Σ |h_i − c_i| (Krugman 1991)                0 = the same mix
 *   related  hᵀΦc / sqrt(hᵀΦh · cᵀΦc), Φ the run's class proximity
 *            (Hidalgo et al. 2007; 1 on the diagonal; a class that holds no
 *            specialisation anywhere is related only to itself): a mix in
 *            different but related classes counts as alike
 * Each measure ranks the pool (candidates and compare units, without h):
 * 1 = most alike, ties to the smaller code, no value last.  The combined
 * rank orders the pool by the mean of the three ranks, ties by the higher
 * cosine, then the smaller code.  The top `top` candidates by it are
 * listed (kind "top"), then every compare unit (kind "compare").
 *
 * What the partner has that h could move into: the classes where c is
 * specialised (M = 1 under the run's rule: RCA ≥ threshold) and h is not
 * (M = 0), ordered by h's relatedness density in them (its opportunities,
 * potentials.c; higher first, ties by class order), the first three.
 *
 * With an outcome file (a unit column and a value column, e.g. GDP per
 * head), each pair carries both units' outcome and "ahead" (1 where the
 * partner's outcome exceeds the home unit's).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* How many classes "move into" lists. */
enum { MOVE_MAX = 3 };

static const s3i_colspec learn_cols[] = {{"level", S3_COL_TEXT},
                                         {"matrix", S3_COL_TEXT},
                                         {"unit", S3_COL_CODE},
                                         {"unit_name", S3_COL_TEXT},
                                         {"kind", S3_COL_TEXT},
                                         {"position", S3_COL_INTEGER},
                                         {"partner", S3_COL_CODE},
                                         {"partner_name", S3_COL_TEXT},
                                         {"cosine", S3_COL_NUMBER},
                                         {"krugman", S3_COL_NUMBER},
                                         {"related", S3_COL_NUMBER},
                                         {"rank_cosine", S3_COL_INTEGER},
                                         {"rank_krugman", S3_COL_INTEGER},
                                         {"rank_related", S3_COL_INTEGER},
                                         {"rank_mean", S3_COL_NUMBER},
                                         {"rank", S3_COL_INTEGER},
                                         {"outcome_unit", S3_COL_NUMBER},
                                         {"outcome_partner", S3_COL_NUMBER},
                                         {"ahead", S3_COL_INTEGER},
                                         {"move_into", S3_COL_TEXT},
                                         {"move_into_labels", S3_COL_TEXT}};

/* What each column of learning.csv holds, for definitions.csv (the code
 * columns unit and partner are defined by codecols.c). */
static const char *const learn_help[][2] = {
    {"unit_name", "the home unit's name"},
    {"kind", "top: one of the home unit's most alike candidates; compare: a "
             "unit the model always compares with ([learning] compare)"},
    {"position", "1, 2, ... within the home unit's top list or compare list"},
    {"partner_name", "the partner's name"},
    {"cosine", "cosine of the two units' shares over the classes (1 = the "
               "same mix)"},
    {"krugman", "Krugman dissimilarity: sum of the absolute differences of "
                "the shares, 0 (the same mix) to 2 (nothing in common)"},
    {"related", "relatedness-weighted similarity h'Φc / sqrt(h'Φh c'Φc), Φ "
                "the class proximity: shares in different but related "
                "classes count as alike"},
    {"rank_cosine", "the partner's rank by cosine among the candidates and "
                    "compare units (1 = most alike)"},
    {"rank_krugman", "its rank by Krugman dissimilarity (1 = least)"},
    {"rank_related", "its rank by related similarity (1 = most alike)"},
    {"rank_mean", "the mean of the three ranks"},
    {"rank", "the combined rank: by rank_mean, ties by the higher cosine, "
             "then the smaller code"},
    {"outcome_unit", "the home unit's outcome ([learning] outcome; empty "
                     "without one)"},
    {"outcome_partner", "the partner's outcome"},
    {"ahead", "1 where the partner's outcome exceeds the home unit's, else "
              "0; empty without outcomes"},
    {"move_into", "up to three classes where the partner is specialised and "
                  "the home unit is not, by the home unit's relatedness "
                  "density in them (its nearest opportunities first)"},
    {"move_into_labels", "their labels (the code where a class has none)"},
};

int
s3i_learning_definitions(s3_table *defs)
{
    for (size_t i = 0; i < N(learn_help); i++) {
        s3i_val v[] = {S3I_TEXT("learning column"), S3I_TEXT(learn_help[i][0]),
                       S3I_TEXT(learn_help[i][1])};
        if (s3i_table_append(defs, v, N(v)))
            return -1;
    }
    return 0;
}

/* ---- the model's lists ------------------------------------------------ */

/* The row of x whose code is s[0..len), or S3I_NONE. */
static size_t
row_of(const s3i_matrix *x, const char *s, size_t len)
{
    for (size_t i = 0; i < x->nr; i++)
        if (strlen(x->row[i]) == len && !memcmp(x->row[i], s, len))
            return i;
    return S3I_NONE;
}

/* Mark the rows a comma-separated list names with flag in mark (nr);
 * fails on a code that is no unit of x. */
static s3_status
mark_list(s3_ctx *ctx, const s3i_matrix *x, const char *key, const char *list,
          unsigned char *mark, unsigned char flag)
{
    const char *p = list;
    while (*p) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (!len)
            continue;
        size_t r = row_of(x, p, len);
        if (r == S3I_NONE)
            return s3i_fail(ctx, S3_EMODEL,
                            "[learning] %s: '%.*s' is no unit of the %s/%s "
                            "matrix",
                            key, (int)len, p, x->level, x->name);
        mark[r] |= flag;
        p += len;
    }
    return S3_OK;
}

enum { HOME = 1, CAND = 2, COMPARE = 4 };

/* ---- the outcome file --------------------------------------------------- */

typedef struct {
    const s3i_matrix *x;
    const char *column;
    size_t ucol, vcol;
    double *out; /* nr */
    s3_ctx *ctx;
} outcome_reader;

static s3_status
outcome_header(void *user, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    outcome_reader *o = user;
    (void)len;
    o->ucol = o->vcol = S3I_NONE;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(f[i], "unit"))
            o->ucol = i;
        if (!strcmp(f[i], o->column))
            o->vcol = i;
    }
    if (o->ucol == S3I_NONE || o->vcol == S3I_NONE)
        return s3i_fail(o->ctx, S3_EINPUT,
                        "%s: needs the columns unit and %s ([learning] "
                        "outcome_column)",
                        s3i_csv_name(r), o->column);
    return S3_OK;
}

static s3_status
outcome_row(void *user, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    outcome_reader *o = user;
    (void)n;
    size_t u = row_of(o->x, f[o->ucol], len[o->ucol]);
    if (u == S3I_NONE || !len[o->vcol])
        return S3_OK; /* a unit outside the analysis, or no value */
    double v;
    if (s3i_parse_number(f[o->vcol], len[o->vcol], s3i_csv_decimal_comma(r),
                         &v))
        return s3i_csv_fail(o->ctx, r, o->vcol, f[o->vcol], "is no number");
    o->out[u] = v;
    return S3_OK;
}

/* ---- ranks -------------------------------------------------------------- */

typedef struct {
    double key; /* higher first; NaN last */
    double cos;
    const char *code;
    size_t row;
} ranked;

static int
cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    int nx = isnan(x->key), ny = isnan(y->key);
    if (nx != ny)
        return nx - ny;
    if (!nx && x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* The combined order: the key is minus the rank mean; ties by the higher
 * cosine, then the smaller code. */
static int
cmp_combined(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    int nx = isnan(x->cos), ny = isnan(y->cos);
    if (nx != ny)
        return nx - ny;
    if (!nx && x->cos != y->cos)
        return x->cos > y->cos ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* rank[row] = 1-based place of each pool row by v (higher first when
 * sign > 0, lower first when sign < 0). */
static void
rank_by(const double *v, double sign, const s3i_matrix *x, const size_t *pool,
        size_t np, ranked *buf, double *rank)
{
    for (size_t i = 0; i < np; i++)
        buf[i] = (ranked){sign * v[pool[i]], 0, x->row[pool[i]], pool[i]};
    qsort(buf, np, sizeof *buf, cmp_ranked);
    for (size_t i = 0; i < np; i++)
        rank[buf[i].row] = (double)(i + 1);
}

/* ---- the stage ---------------------------------------------------------- */

typedef struct {
    const s3i_pass *b;
    const s3i_mres *r;
    const double *outcome; /* nr, NaN = none; NULL without a file */
    double *cos, *kru, *rel, *rc, *rk, *rr, *rm, *rank; /* nr each */
} learn_ctx;

/* The classes c could bring to h: specialised in c, not in h, by h's
 * density; codes and labels joined by "; ". */
static int
move_into(const s3i_mres *r, size_t h, size_t c, char *codes, size_t ncodes,
          char *labels, size_t nlabels)
{
    const s3i_matrix *x = r->x;
    size_t nc = x->nc, n2c = r->n2c, pick[MOVE_MAX], k = 0;
    double dens[MOVE_MAX];
    for (size_t p = 0; p < nc; p++) {
        if (!(r->m[c * nc + p] == 1.0 && r->m[h * nc + p] == 0.0))
            continue;
        size_t j = r->pos2 ? r->pos2[p] : S3I_NONE;
        double d = j != S3I_NONE && r->omega ? r->omega[h * n2c + j] : NAN;
        if (isnan(d))
            d = -INFINITY;
        /* insertion into the first MOVE_MAX, higher density first, ties by
         * class order (p ascending: a later class never passes an equal) */
        size_t at = k;
        while (at > 0 && dens[at - 1] < d)
            at--;
        if (at >= MOVE_MAX)
            continue;
        for (size_t i = (k < MOVE_MAX ? k : MOVE_MAX - 1); i > at; i--)
            pick[i] = pick[i - 1], dens[i] = dens[i - 1];
        pick[at] = p, dens[at] = d;
        if (k < MOVE_MAX)
            k++;
    }
    size_t lc = 0, ll = 0;
    codes[0] = labels[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        lc += (size_t)snprintf(codes + lc, ncodes - lc, "%s%s", i ? "; " : "",
                               x->col[pick[i]]);
        /* a class without a label (a long table's) is named by its code */
        const char *label = s3i_class_label(x, pick[i]);
        ll += (size_t)snprintf(labels + ll, nlabels - ll, "%s%s", i ? "; " : "",
                               *label ? label : x->col[pick[i]]);
        if (lc >= ncodes || ll >= nlabels)
            return -1;
    }
    return 0;
}

static int
pair_row(s3_table *t, const learn_ctx *L, size_t h, size_t c, const char *kind,
         size_t position)
{
    const s3i_matrix *x = L->r->x;
    const s3_dataset *d = L->b->d;
    double oh = L->outcome ? L->outcome[h] : NAN,
           oc = L->outcome ? L->outcome[c] : NAN;
    double ahead = isnan(oh) || isnan(oc) ? NAN : oc > oh;
    char codes[512], labels[2048];
    if (move_into(L->r, h, c, codes, sizeof codes, labels, sizeof labels))
        return -1;
    s3i_val v[] = {S3I_TEXT(x->level),
                   S3I_TEXT(x->name),
                   S3I_TEXT(x->row[h]),
                   S3I_TEXT(s3i_unit_name(d, x->lv, x->row_key[h], x->row[h])),
                   S3I_TEXT(kind),
                   S3I_INT(position),
                   S3I_TEXT(x->row[c]),
                   S3I_TEXT(s3i_unit_name(d, x->lv, x->row_key[c], x->row[c])),
                   S3I_NUM(L->cos[c]),
                   S3I_NUM(L->kru[c]),
                   S3I_NUM(L->rel[c]),
                   S3I_INT(L->rc[c]),
                   S3I_INT(L->rk[c]),
                   S3I_INT(L->rr[c]),
                   S3I_NUM(L->rm[c]),
                   S3I_INT(L->rank[c]),
                   S3I_NUM(oh),
                   S3I_NUM(oc),
                   S3I_INT(ahead),
                   S3I_TEXT(codes),
                   S3I_TEXT(labels)};
    return s3i_table_append(t, v, N(v));
}

/* The headline matrix of the pass's first level. */
static const s3i_mres *
headline(const s3i_pass *b)
{
    const s3_dataset *d = b->d;
    const s3_model *m = b->m;
    int lv = d->generic ? S3I_LEVEL_UNIT : S3I_LEVEL_CENTRE;
    int kind = d->generic                          ? S3I_KIND_INPUT
               : m->weight == S3I_WEIGHT_EMPLOYEES ? S3I_KIND_EMPLOYEES
                                                   : S3I_KIND_TENANTS;
    for (size_t i = 0; i < b->nmx; i++)
        if (b->mx[i].lv == lv && b->mx[i].kind == kind)
            return &b->mr[i];
    return NULL;
}

s3_status
s3i_learning(s3_ctx *ctx, const s3i_pass *b, s3_table **out)
{
    const s3_model *m = b->m;
    *out = NULL;
    if (!m->learn_home || !m->learn_home[strspn(m->learn_home, " \t,")])
        return S3_OK; /* no home units: no stage */
    const s3i_mres *r = headline(b);
    if (!r || !r->complexity || !r->prox || !r->m)
        return s3i_fail(ctx, S3_EMODEL,
                        "[learning] needs the class proximity of the "
                        "headline matrix, which this run did not compute");
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc, n2c = r->n2c;
    s3_status rc = S3_OK;
    unsigned char *mark = calloc(nr + 1, 1);
    double *phi = s3i_calloc_big(nc * nc + 1, sizeof(double)),
           *s = s3i_calloc_big(nr * nc + 1, sizeof(double)),
           *ps = s3i_calloc_big(nr * nc + 1, sizeof(double)),
           *num = malloc((9 * nr + 1) * sizeof(double));
    size_t *pool = malloc((nr + 1) * sizeof(size_t));
    ranked *buf = malloc((nr + 1) * sizeof(ranked));
    s3_table *t = s3i_table_new("learning", N(learn_cols), learn_cols);
    if (!mark || !phi || !s || !ps || !num || !pool || !buf || !t) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    learn_ctx L = {.b = b, .r = r};
    double *outcome = num + 8 * nr;
    L.cos = num, L.kru = num + nr, L.rel = num + 2 * nr, L.rc = num + 3 * nr;
    L.rk = num + 4 * nr, L.rr = num + 5 * nr, L.rm = num + 6 * nr;
    L.rank = num + 7 * nr;
    int all = !strcmp(m->learn_candidates, "all");
    if ((rc = mark_list(ctx, x, "home", m->learn_home, mark, HOME)) ||
        (!all && (rc = mark_list(ctx, x, "candidates", m->learn_candidates,
                                 mark, CAND))) ||
        (rc = mark_list(ctx, x, "compare", m->learn_compare, mark, COMPARE)))
        goto done;
    for (size_t i = 0; i < nr && all; i++)
        if (!(mark[i] & HOME))
            mark[i] |= CAND;
    if (m->learn_outcome && *m->learn_outcome) {
        for (size_t i = 0; i < nr; i++)
            outcome[i] = NAN;
        outcome_reader o = {.x = x,
                            .column = m->learn_outcome_column,
                            .out = outcome,
                            .ctx = ctx};
        const char *name = strrchr(m->learn_outcome, '/');
        s3i_csv_info info;
        if ((rc = s3i_csv_read(ctx, m->learn_outcome,
                               name ? name + 1 : m->learn_outcome, 0,
                               outcome_header, outcome_row, &o, &info)))
            goto done;
        L.outcome = outcome;
    }
    /* the shares (a unit without any count: 0, so no similarity) and Φ
     * over every class: proximity between kept classes, 1 on the
     * diagonal */
    for (size_t i = 0; i < nr * nc; i++)
        s[i] = isnan(r->share[i]) ? 0.0 : r->share[i];
    for (size_t p = 0; p < nc; p++) {
        phi[p * nc + p] = 1.0;
        size_t jp = r->pos2[p];
        for (size_t q = 0; q < nc && jp != S3I_NONE; q++) {
            size_t jq = r->pos2[q];
            if (q != p && jq != S3I_NONE) {
                double v = r->prox[jp * n2c + jq];
                phi[p * nc + q] = isnan(v) ? 0.0 : v;
            }
        }
    }
    s3_related_profiles(s, nr, nc, phi, ps);
    for (size_t h = 0; h < nr; h++) {
        if (!(mark[h] & HOME))
            continue;
        /* the pool: candidates and compare units, without h */
        size_t np = 0;
        for (size_t c = 0; c < nr; c++) {
            L.cos[c] = L.kru[c] = L.rel[c] = L.rank[c] = NAN;
            if (c == h || !(mark[c] & (CAND | COMPARE)))
                continue;
            pool[np++] = c;
            const double *hs = s + h * nc, *cs = s + c * nc;
            L.cos[c] = s3_profile_cosine(hs, cs, nc);
            L.rel[c] =
                s3_related_similarity(hs, cs, ps + h * nc, ps + c * nc, nc);
            /* no profile, no distance */
            L.kru[c] = isnan(L.cos[c]) ? NAN : s3_krugman_distance(hs, cs, nc);
        }
        rank_by(L.cos, 1.0, x, pool, np, buf, L.rc);
        rank_by(L.kru, -1.0, x, pool, np, buf, L.rk);
        rank_by(L.rel, 1.0, x, pool, np, buf, L.rr);
        for (size_t i = 0; i < np; i++) {
            size_t c = pool[i];
            L.rm[c] = (L.rc[c] + L.rk[c] + L.rr[c]) / 3.0;
            buf[i] = (ranked){-L.rm[c], L.cos[c], x->row[c], c};
        }
        qsort(buf, np, sizeof *buf, cmp_combined);
        for (size_t i = 0; i < np; i++)
            L.rank[buf[i].row] = (double)(i + 1);
        size_t k = 0;
        for (size_t i = 0; i < np && k < m->learn_top; i++)
            if ((mark[buf[i].row] & CAND) &&
                pair_row(t, &L, h, buf[i].row, "top", ++k))
                goto oom;
        k = 0;
        for (size_t c = 0; c < nr; c++)
            if (c != h && (mark[c] & COMPARE) &&
                pair_row(t, &L, h, c, "compare", ++k))
                goto oom;
    }
    *out = t;
    t = NULL;
    goto done;
oom:
    rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
done:
    free(mark), free(phi), free(s), free(ps), free(num), free(pool), free(buf);
    s3i_table_free(t);
    return rc;
}
