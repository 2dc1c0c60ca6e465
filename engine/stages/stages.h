/*
 * stages/stages.h — the analysis pipeline (prefix s3i_): count matrices,
 * the measures on them, potentials, overlaps, domains, scores and
 * scenarios, and the result they make.  Not public API.
 */
#ifndef S3_STAGES_H
#define S3_STAGES_H

#include "ingest/ingest.h"

/* ---- matrices ----------------------------------------------------------- */

/* Levels and kinds of count matrices. */
enum { S3I_LEVEL_CENTRE, S3I_LEVEL_SUBREGION, S3I_LEVEL_UNIT };
enum {
    S3I_KIND_TENANTS,
    S3I_KIND_EMPLOYEES,
    S3I_KIND_PATENTS,
    S3I_KIND_TENANTS_AGG,
    S3I_KIND_EMPLOYEES_AGG,
    S3I_KIND_INPUT
};

/* A count matrix ready for the measures. */
typedef struct {
    const char *level; /* "centre", "subregion", "unit" */
    const char *name;  /* "tenants", "employees", "patents", "input", ... */
    int lv, kind;      /* S3I_LEVEL_*, S3I_KIND_* */
    size_t nr, nc;
    /* what each row and column is in the dataset: the index of the centre,
     * sub-region or unit, and of the NACE code, WIPO field, baseline
     * aggregate or class (so that two passes are matched without text) */
    size_t *row_key, *col_key;
    double *x;                            /* nr × nc */
    const char **row, **col, **col_label; /* borrowed from the dataset */
    /* related/unrelated variety: a finer matrix with class groups, or
     * vx = NULL when the classes have no hierarchy */
    size_t nvc, ngroups;
    double *vx;             /* nr × nvc */
    const char **col_of_vx; /* ids of vx's columns (NULL: as col) */
    const char *no_variety; /* why vx is NULL, for the notes */
    size_t *vgroup;         /* nvc */
    /* baseline comparison: reference row per unit (nr × nc: the baseline
     * region's value of each class), or NULL when the baseline does not
     * cover the matrix's classes; btot (nr) the region's total over every
     * aggregate in use, so that b_p / btot is the class's share of the
     * regional economy; bnote says why a matrix has no bref although the
     * dataset has a baseline ("" otherwise); and each unit's own region
     * (for the local-economy table), or NULL */
    double *bref, *btot, *bown;
    char bnote[256];
    const char **region; /* the unit's baseline region, per row */
    /* complexity and potentials are computed (not on broad aggregates) */
    int complexity;
    /* class × class co-occurrence counts (nc × nc), or NULL */
    double *cooc;
} s3i_matrix;

/* A scenario as an overlay on a dataset's records: its own copies of the
 * tenants and patents, changed by the scenario's actions, the centres it
 * closed, and notes on changes made only in part.  The rest of rec (the
 * co-occurrences, a long table's cells) is borrowed from the dataset. */
typedef struct {
    s3i_records rec;
    unsigned char *closed; /* per centre: closed by the scenario */
    size_t *into;          /* per centre: the centre it merged into, or
                              S3I_NONE */
    s3_table *notes;
} s3i_overlay;

/* What a pass reads: a dataset's units, baseline and classifications,
 * and the records it counts — the dataset's own, or an overlay's. */
typedef struct {
    const s3_dataset *d;
    const s3i_records *rec;
    const unsigned char *closed; /* NULL: no centre closed */
    const size_t *into; /* NULL, or per centre the one it merged into */
    /* a scenario's baseline scores (nbase levels), whose goalposts its
     * scores use; NULL for the baseline itself */
    const struct s3i_sres *base;
    size_t nbase;
} s3i_input;

/* The input of a dataset as it is. */
static inline s3i_input
s3i_input_of(const s3_dataset *d)
{
    return (s3i_input){
        .d = d, .rec = &d->records, .closed = NULL, .into = NULL};
}

/* Build the count matrices the model asks for, at every level.  The caller
 * frees them with s3i_matrices_free. */
s3_status s3i_matrices_build(s3_ctx *ctx, const s3_model *m,
                             const s3i_input *in, s3i_matrix **out, size_t *n);
void s3i_matrices_free(s3i_matrix *mx, size_t n);

/* ---- typed results ------------------------------------------------------
 *
 * Stages hand each other arrays indexed by unit (row) and class (column) of
 * a count matrix, never output tables.  One pipeline pass (s3i_pass) holds,
 * per count matrix, an s3i_mres filled stage by stage:
 *
 *   specialisation  → share, rca, rsca, M, diversity, profile measures
 *   complexity      → the units and classes that hold a specialisation,
 *                     ECI/PCI (eigenvector and reflections)
 *   relatedness     → proximity φ (or co-occurrence), unit proximity
 *   potentials      → density, COI/COG, quadrants, opportunity ranks
 *   overlaps        → cosine, Jaccard, complementarity, clusters, partners
 *   domains         → each unit's share of the S3 domains
 *
 * then per level an s3i_sres (indicators, score, ranks, bands).  Tables
 * are made once, at the end, from these (tables.c).  Arrays are row-major;
 * NaN means "no value". */

/* S3 domains resolved against the classifications. */
typedef struct {
    size_t n;
    char **name;             /* borrowed from the model */
    unsigned char *nace_in;  /* n × nnace: code (or an ancestor) listed */
    unsigned char *field_in; /* n × nfields */
} s3i_domains;

/* Quadrants of an opportunity (Balland et al. 2019): bit 1 = high
 * relatedness, bit 0 = high complexity. */
enum {
    S3I_QUAD_NONE = -1,
    S3I_QUAD_LEAST = 0, /* low relatedness, low complexity */
    S3I_QUAD_RISK = 1,  /* low relatedness, high complexity */
    S3I_QUAD_SAFE = 2,  /* high relatedness, low complexity */
    S3I_QUAD_IDEAL = 3  /* high relatedness, high complexity */
};
/* The quadrant's name in the tables ("ideal", ...). */
const char *s3i_quadrant_name(int q);

/* The results of one count matrix. */
typedef struct {
    const s3i_matrix *x;
    /* specialisation: totals, nr × nc cells, per unit, per class */
    double *rs, *cs;
    double *share, *rca, *rsca, *m;
    double *rcab; /* against the baseline; NULL without one */
    /* evidence: the over-representation p-value and its Benjamini-Hochberg
     * q-value over the matrix, the RCA's confidence interval (NaN for
     * employees) */
    double *pval, *qval, *rlo, *rhi;
    double *div, *krug, *herf, *entr, *rv, *uv;
    double *ubiq, *gini;
    /* the local economy (matrices with x->bown): nr × nc */
    double *econ_cs, *econ_es;
    /* complexity: the n2r units and n2c classes that hold a
     * specialisation (row2[i], col2[j] their indices in x; pos2[p] the
     * index of class p among them or S3I_NONE); mc = M over those
     * classes for all units (nr × n2c, NaN as 0), oc its ones */
    int complexity;
    size_t n2r, n2c, *row2, *col2, *pos2;
    double *mc;
    s3_ones oc;
    size_t *oc_start;
    uint32_t *oc_col;
    double *eci, *ecir, *coi; /* nr */
    double *pci, *pcir;       /* nc */
    int have_eci;
    /* relatedness: proximity (n2c × n2c), the φ density uses, unit
     * proximity (nr × nr); co-occurrence measures 4 × nc × nc or NULL;
     * whether φ is symmetric to the bit (it is the proximity, whose
     * lower triangle s3_proximity copies from the upper) */
    double *prox, *phi, *uprox, *rel;
    int phi_symmetric;
    /* potentials: density and COG over the kept classes (nr × n2c),
     * quadrant and opportunity rank per cell (nr × nc; -1 and 0 = none),
     * how many labels each split rule would change */
    double *omega, *cog;
    signed char *quad;
    uint32_t *orank;
    size_t nopp, changed[3];
    double dsplit; /* the density split of the quadrants (NaN: none) */
    /* overlaps: nr × nr; clusters of the nclu units with activity;
     * partners: per unit and kind (similar, complementary) up to k */
    double *cos, *jac, *comp;
    size_t nclu, *clu_unit, *clu_label;
    size_t npart_k, *npart, *part; /* nr × 2; nr × 2 × k */
    size_t *ptied; /* nr × 2 × k: other candidates tied with the partner */
    /* domains: nr × nd value, share and rca; NULL when none */
    double *dom;
    /* the bootstrap (nr × nc; NULL without one): the share of draws in
     * which the cell is specialised, in which it is an opportunity in the
     * ideal quadrant (NaN where specialised), the 5 and 95 % quantiles of
     * its density (NaN where it has none) */
    double *pspec, *pideal, *dlo, *dhi;
} s3i_mres;

/* The development-potential score of one level. */
typedef struct s3i_sres {
    const char *level; /* the level's name, and its S3I_LEVEL_* */
    int lv;
    size_t n, k;          /* units (the rows of the level's headline
                             matrix), indicators */
    const char **unit;    /* n: the units' ids, borrowed from the dataset */
    size_t *key;          /* n: their row_key in the matrix */
    int ind[S3I_MAXIND];  /* the indicators (IND_*) */
    double *x, *y;        /* n × k raw and normalised indicators */
    double w[S3I_MAXIND]; /* weights in use (0 for an indicator without
                             any value), and their sum */
    double wsum;
    double *score, *rank, *med, *p05, *p95; /* n */
    double *out;                            /* n × n outranking shares */
    /* the 5 and 95 % rank quantiles over the weight draws alone; med,
     * p05, p95 and out come from the data and weight draws together when
     * have_boot */
    double *p05w, *p95w;
    int scored, have_mc, have_boot;
    /* the units with a score: those with a value for every indicator in
     * use (w > 0); sel[0..ns) their rows.  The others have no score, rank,
     * band or outranking share (NaN), and why + i * S3I_WHY says why
     * ("no tenants", "missing: eci, growth"; empty for a scored unit). */
    size_t ns, *sel;
    char *why;
    /* in a scenario: the baseline's scale (its scored units' indicators),
     * on which every normalisation of this level is made */
    int scaled;
    s3_scale scale;
    double *scale_buf;
    size_t *scale_m;
} s3i_sres;

/* The room for a unit's reason of no score, with its NUL. */
enum { S3I_WHY = 160 };

/* The reason unit u of s has no score ("" when it has one). */
static inline const char *
s3i_sres_why(const s3i_sres *s, size_t u)
{
    return s->why ? s->why + u * S3I_WHY : "";
}

/* The bands and outranking shares of the scored units of s from a Monte
 * Carlo over the weights (scores.c): x holds the indicators of all s->n
 * units, once (per_draw = 0) or per draw (m->draws × n × k); rng is
 * seeded by the caller.  Fills s->med, p05, p95 and out (NaN for the
 * units without a score). */
s3_status s3i_score_bands(s3_ctx *ctx, const s3_model *m, s3i_sres *s,
                          const double *x, int per_draw, gsl_rng *rng,
                          void (*progress)(void *, double), void *user);

/* One pass of the pipeline over a dataset under a model. */
typedef struct {
    const s3_model *m;
    s3i_input in;
    const s3_dataset *d;  /* in.d */
    const char *scenario; /* "baseline" or the scenario's name */
    const char *headline; /* the kind of matrix the score uses */
    s3i_matrix *mx;
    s3i_mres *mr;
    size_t nmx;
    s3i_domains dm;
    double *domover; /* per pair of domains: classes, fields, tenants */
    s3i_sres sc[2];
    size_t nsc;
    s3_table *notes; /* the data-quality notes, in the order they arise */
    /* the learning partners (baseline only; NULL without [learning] home):
     * handed to the result by s3i_tables_make */
    s3_table *learning;
} s3i_pass;

/* Run every stage on in under m, its scores named `scenario`; notes go
 * to `notes` (borrowed).  s3i_pass_free releases what the pass holds. */
s3_status s3i_pass_run(s3_ctx *ctx, const s3_model *m, const s3i_input *in,
                       const char *scenario, s3_table *notes, s3i_pass *p);
void s3i_pass_free(s3i_pass *p);
void s3i_sres_free(s3i_sres *s);
void s3i_mres_free(s3i_mres *r);

/* ---- the stages, in order -------------------------------------------- */

/* Specialisation (specialisation.c): shares, RCA, its evidence, M under
 * the model's rule, profile measures and the local economy of one matrix;
 * its notes separately, after the complexity stage's (the order of
 * notes.csv).  An employees matrix takes its test from firms, the tenants
 * matrix of its level and classes (employees are not independent
 * records); firms is NULL for every other matrix. */
s3_status s3i_specialise(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
                         const s3i_mres *firms, s3i_mres *r);
/* Whether M of x is measured against the baseline: reference =
 * baseline and the baseline covers x's classes (x->bref). */
int s3i_against_baseline(const s3_model *m, const s3i_matrix *x);
/* The RCA of every cell of counts cnt (nr × nc, over x's rows and
 * classes) against its row's baseline region, (cnt_cp / rs_c) · (btot_c /
 * bref_cp), NaN where a total or bref_cp is not positive; and, with
 * bshare, the expected shares bref_cp / btot_c (NaN likewise).  rs holds
 * cnt's row sums.  For x with bref. */
void s3i_baseline_rca(const s3i_matrix *x, const double *cnt, const double *rs,
                      double *rcab, double *bshare);
s3_status s3i_specialisation_notes(s3_ctx *ctx, const s3_model *m,
                                   const s3i_mres *firms, const s3i_mres *r,
                                   s3_table *notes);

/* Complexity (complexity.c): the units and classes that hold a
 * specialisation, ECI and PCI. */
s3_status s3i_complexity(s3_ctx *ctx, const s3_model *m, s3i_mres *r,
                         s3_table *notes);

/* Relatedness (relatedness.c): proximity, φ, unit proximity; and the
 * co-occurrence measures of a matrix with x->cooc. */
s3_status s3i_relatedness(s3_ctx *ctx, const s3_model *m, s3i_mres *r,
                          s3_table *notes);
s3_status s3i_cooccurrence(s3_ctx *ctx, s3i_mres *r);

/* Potentials (potentials.c): density, COI/COG, quadrants, ranks. */
s3_status s3i_potentials(s3_ctx *ctx, const s3_model *m, s3i_mres *r,
                         s3_table *notes);
/* Whether class code `code` starts with one of the codes or prefixes of
 * list ("M70, O84"; NULL or "" = none). */
int s3i_class_excluded(const char *list, const char *code);
/* The q quantile of v[0..n) (n > 0; reordered), R's type 7. */
double s3i_quantile(double *v, size_t n, double q);
/* Where the values v[0..n) split into high and low under a split rule
 * (S3I_SPLIT_*): median, mean or the percentile; v is reordered. */
double s3i_split_value(double *v, size_t n, int rule, double percentile);
/* The quadrant (S3I_QUAD_*) of an opportunity of density d and complexity
 * pci against the density split sd (PCI splits at 0); S3I_SPLIT_TOL is
 * the tolerance of both comparisons. */
#define S3I_SPLIT_TOL 1e-12
int s3i_quadrant(double d, double pci, double sd);

/* Overlaps (overlaps.c): similarity, clusters, partners. */
s3_status s3i_overlaps(s3_ctx *ctx, const s3_model *m, s3i_mres *r,
                       s3_table *notes);

/* Domains (domains.c). */
s3_status s3i_domains_resolve(s3_ctx *ctx, const s3_model *m,
                              const s3i_ref *ref, s3i_domains *dm);
void s3i_domains_free(s3i_domains *dm);
/* Whether finest NACE code i lies in domain k. */
int s3i_domain_has(const s3i_domains *dm, const s3i_ref *ref, size_t k,
                   size_t i);
/* Shares and RCAs of the domains in one matrix (r->dom; left NULL for a
 * matrix without finest codes or fields). */
s3_status s3i_domain_shares(s3_ctx *ctx, const s3i_ref *ref,
                            const s3i_domains *dm, s3i_mres *r);
/* Shared classes, fields and tenants of each pair of domains. */
s3_status s3i_domain_overlap(s3_ctx *ctx, const s3i_input *in,
                             const s3i_domains *dm, double **out);

/* Learning partners (learning.c): per home unit of the model's
 * [learning] section, its most alike candidates and the compare units,
 * with their similarities, ranks, outcomes and the classes each partner
 * could bring: the table `learning`, or *out = NULL when [learning] home
 * is empty.  s3i_learning_definitions adds what its columns hold to
 * definitions.csv; -1 when out of memory. */
s3_status s3i_learning(s3_ctx *ctx, const s3i_pass *b, s3_table **out);
int s3i_learning_definitions(s3_table *defs);

/* Scores (scores.c): the development-potential score of one level on its
 * headline matrix, with its uncertainty. */
s3_status s3i_score(s3_ctx *ctx, const s3i_pass *p, const char *level,
                    const s3i_mres *mr, s3_table *notes, s3i_sres *s);
/* The meaning and name of indicator i (IND_*). */
const char *s3i_indicator_help(size_t i);
const char *s3i_indicator_name(size_t i);

/* Scenarios (scenarios.c): the overlay of the model's section `section`
 * ("scenario.NAME") on base; s3i_overlay_free accepts NULL. */
s3_status s3i_overlay_new(s3_ctx *ctx, const s3_dataset *base,
                          const s3_model *m, const char *section,
                          s3i_overlay **out);
void s3i_overlay_free(s3i_overlay *o);

/* A difference between the baseline and a scenario (scenario_deltas.csv);
 * every text is borrowed from the model, the dataset or static names. */
typedef struct {
    const char *scenario, *level, *matrix, *unit, *cls, *measure;
    double base, value;
    const char *base_label, *label;
    /* NULL, or an id the label goes on with ("merged into" C21) */
    const char *label_id;
    /* measure specialised: the RCA in both passes (scenario_summary; not
     * in scenario_deltas.csv) */
    double rca_base, rca_value;
    /* a class's label in the scenario's matrix (NULL: none; borrowed from
     * the reference tables, as cls): scenario_summary labels a class new
     * in the scenario with it */
    const char *cls_label;
} s3i_delta;

typedef struct {
    s3i_delta *v;
    size_t n, cap;
} s3i_deltas;

/* Append the differences of pass s from the baseline pass b. */
s3_status s3i_scenario_deltas(s3_ctx *ctx, const s3i_pass *b, const s3i_pass *s,
                              s3i_deltas *out);
/* scenario_summary (its columns s3i_summary_cols): the Scenarios sheet's
 * rows made from the scenario_deltas table; -1 when out of memory. */
extern const s3i_colspec s3i_summary_cols[];
extern const size_t s3i_summary_ncols;
int s3i_scenario_summary(s3_table *t, const s3_table *deltas,
                         const s3i_deltas *dv, const s3i_pass *b,
                         const s3i_pass *scen, size_t nscen,
                         const s3_table *classes, const s3_table *centres);

/* Bootstrap (bootstrap.c): the chain from counts to scores again on
 * resampled records, m->draws times, under m->resample; fills the p_*
 * and density interval of each level's headline matrix and the joint rank
 * bands, and keeps the weights-only bands (p05w, p95w) in any case. */
s3_status s3i_bootstrap(s3_ctx *ctx, s3i_pass *p);

/* ---- the briefing --------------------------------------------------- */

/* The guide lines of a chart: n points (x, y), drawn in pairs. */
typedef struct {
    size_t n;
    double pt[4][2];
} s3i_guides;

/* Briefing (briefing.c): the sheet-ready tables overview, ranking and
 * opportunities, and the guides of the two opportunity charts (sectors,
 * technologies; n = 0 where the sheet has no matrix). */
s3_status s3i_briefing(s3_ctx *ctx, const s3i_pass *b, s3_table **overview,
                       s3_table **ranking, s3_table **opportunities,
                       s3i_guides g[2]);
/* The top k specialisations of unit c of r in words (briefing.c), highest
 * RCA first: against the network (rca == r->rca) the classes the model's
 * rule marks (M = 1; after a bootstrap, those in at least half of the
 * draws, with their share of draws), else those whose rca reaches
 * threshold; labels cut near `cut` characters: "J62 Computer
 * programming… (RCA 2.1, in 95 % of draws)". */
void s3i_top_specialisations(const s3i_mres *r, const double *rca, size_t c,
                             double threshold, size_t k, int cut, char *out,
                             size_t outsz);
/* Key findings (briefing.c): three to six sentences on the first level
 * from the scores and partners tables, each with the number it rests on:
 * the table findings. */
s3_status s3i_findings(s3_ctx *ctx, const s3i_pass *b, const s3_table *scores,
                       const s3_table *partners, s3_table **out);

/* Profiles (profiles.c): per unit of each scored level of the baseline,
 * each indicator's raw and normalised value, weight, contribution and
 * position against the median (profiles), the unit's strengths and
 * weaknesses in words (profile_summary), and the sub-regions compared
 * (districts, NULL without a scored sub-region level); the Spearman
 * correlation of the Krugman index with size goes to notes. */
s3_status s3i_profiles(s3_ctx *ctx, const s3i_pass *b, s3_table *notes,
                       s3_table **profiles, s3_table **summary,
                       s3_table **districts);

/* ---- the result --------------------------------------------------------- */

/* The rows of outranking.csv from one scored level of a pass: row k
 * compares units pair[2k] and pair[2k + 1] (of unit[]), with the share of
 * draws in which the first ranks above the second, and whether their rank
 * bands part (distinguishable).  Made by the tables (tables.c) from the
 * pass's scores, which do not outlive the run. */
typedef struct {
    const char *scenario, *level, **unit; /* texts in the store's arena */
    uint32_t *pair;                       /* 2 × rows */
    double *share;                        /* rows */
    unsigned char *apart;                 /* rows */
    size_t rows;
} s3i_outrank;

/* What the result's views read (s3i_table_view): the baseline pass's
 * matrices and measures, taken from the pass at the end of the run
 * (s3i_store_take), the outranking rows of every pass, and copies of the
 * dataset's texts they show, since a result may outlive its dataset. */
typedef struct {
    s3i_matrix *mx;
    s3i_mres *mr;
    size_t nmx;
    s3i_outrank *out;
    size_t nout, capout;
    s3i_arena text;
} s3i_store;

/* A copy of s in the store's arena ("" for NULL or ""); NULL when out of
 * memory. */
const char *s3i_store_text(s3i_store *st, const char *s);

/* The store takes b's matrices and measures (b keeps its scores). */
void s3i_store_take(s3i_store *st, s3i_pass *b);
void s3i_store_free(s3i_store *st);

/* What a view over the baseline's matrices reads (views.c): per matrix
 * (with complexity only: those with complexity and potentials) a block,
 * with its matrix's results and the texts its rows show, copied into the
 * store.  The view's rows are added per block: a grid of units × classes
 * (s3i_table_view_block) or a list of the pairs kept
 * (s3i_table_view_pairs). */
typedef struct {
    const s3i_mres *r;
    const char *level, *name;
    const char **unit, **unit_name; /* nr each */
    const char **cls, **label;      /* nc each */
} s3i_grid_block;

typedef struct {
    int ids[32]; /* a measure table's: the catalogue id of each column
                  * after the lead (measure_tables.c) */
    size_t nids, n;
    s3i_grid_block b[]; /* n */
} s3i_grid;

/* specialisation.csv as a view (measure_tables.c); lead: its 4 first
 * columns.  NULL when out of memory. */
s3_table *s3i_specialisation_view(const s3i_pass *b, s3i_store *st,
                                  const s3i_colspec *lead, int with_baseline);
/* The lead columns every view's row begins with (col 0 to 3): the level,
 * the matrix and the row's two codes a and b (a unit and a class, or the
 * two of a pair). */
static inline s3i_val
s3i_grid_lead(const s3i_grid_block *g, size_t col, const char *a, const char *b)
{
    return S3I_TEXT(col == 0   ? g->level
                    : col == 1 ? g->name
                    : col == 2 ? a
                               : b);
}

/* NULL when out of memory. */
s3i_grid *s3i_grid_new(const s3i_pass *b, s3i_store *st, int complexity_only,
                       const int *ids, size_t nids);
/* The pairs (i, j) of n items a pair table keeps, i < j (ordered: every
 * i != j), where keep[i·n + j] (or, unordered, keep[j·n + i]) is set or
 * keep is NULL, in row-major order, for s3i_table_view_pairs; *count of
 * them.  NULL when out of memory. */
uint32_t *s3i_pair_list(size_t n, const unsigned char *keep, int ordered,
                        size_t *count);

struct s3_result {
    size_t ntables;
    s3_table **tables;
    s3i_store *store; /* what the views among the tables read */
    /* for the workbook: the model, the headline matrix, whether the first
     * level has a score, the opportunity charts' guides */
    char *model_name, *headline_matrix;
    int reference_baseline, scored;
    /* the banner of a synthetic dataset (s3_dataset_synthetic), or NULL */
    char *synthetic;
    double threshold;
    s3i_guides guides[2];
    /* the workbook writes its unit × unit sheets (Outranking, Overlaps):
     * output.square_sheets = yes, or auto with at most
     * S3I_SQUARE_MAX_UNITS units on the first level (notes.csv says so
     * otherwise) */
    int square_sheets;
};

/* Every output table, made once from the baseline pass, the scenarios'
 * scores (sc[i] of each of the nscen passes) and their deltas
 * (tables.c).  The result takes notes (the data-quality notes of the run),
 * also on failure. */
s3_status s3i_tables_make(s3_ctx *ctx, const s3i_pass *b, const s3i_pass *scen,
                          size_t nscen, const s3i_deltas *deltas,
                          int with_deltas, s3_table *notes, s3_result *r);

/* The measure tables (measure_tables.c): specialisation.csv, units.csv
 * or classes.csv (`table`) with the lead columns given, every measure of
 * the table (rca_baseline only with a baseline; ids[] gets each one's
 * catalogue id, *nids their count) and the names of the codes; and the
 * rows of one matrix's results r.  -1 / NULL when out of memory. */
s3_table *s3i_measure_table(const char *table, const s3i_colspec *lead,
                            size_t nlead, int with_baseline, int *ids,
                            size_t *nids);
int s3i_unit_rows(s3_table *t, const int *ids, size_t nids, const s3i_mres *r,
                  const s3_dataset *d);
/* The label of class p of x ("" where it has none). */
const char *s3i_class_label(const s3i_matrix *x, size_t p);
int s3i_class_rows(s3_table *t, const int *ids, size_t nids, const s3i_mres *r);

/* The code columns of tables t[0..n) (NULL entries skipped): their
 * meanings into defs (definitions.csv), and a note where pandas or R would
 * read one as numbers or as missing (codecols.c); -1 when out of memory. */
int s3i_code_columns(s3_table *const *t, size_t n, s3_table *defs,
                     s3_table *notes, int generic);

/* The name of a unit in the tables (unit_name): a centre's name, a
 * sub-region's (its id), "" for a long table's unit; key is the unit's
 * row_key, id its id. */
const char *s3i_unit_name(const s3_dataset *d, int lv, size_t key,
                          const char *id);

/* The score, rank, rank_median, rank_p05 and rank_p95 of unit u (NaN for
 * the band without a Monte Carlo). */
void s3i_sres_values(const s3i_sres *s, size_t u, double v[5]);

#endif /* S3_STAGES_H */
