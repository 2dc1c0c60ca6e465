/*
 * stages/stages.h — the analysis pipeline (prefix s3i_): count matrices,
 * the measures on them, potentials, overlaps, domains, scores and
 * scenarios, and the result they make.  Not public API.
 */
#ifndef S3_STAGES_H
#define S3_STAGES_H

#include "ingest/ingest.h"

/* ---- matrices ----------------------------------------------------------- */

/* A count matrix ready for the measures. */
typedef struct {
    const char *level;   /* "centre", "subregion", "unit" */
    const char *name;    /* "tenants", "employees", "patents", "input", ... */
    size_t nr, nc;
    double *x;           /* nr × nc */
    const char **row, **col, **col_label; /* borrowed from the dataset */
    /* related/unrelated variety: a finer matrix with class groups, or
     * vx = NULL when the classes have no hierarchy */
    size_t nvc, ngroups;
    double *vx;          /* nr × nvc */
    const char **col_of_vx; /* ids of vx's columns (NULL: as col) */
    const char *no_variety; /* why vx is NULL, for the notes */
    size_t *vgroup;      /* nvc */
    /* baseline comparison: reference row per unit (nr × nc), or NULL; and
     * each unit's own region (for the local-economy table), or NULL */
    double *bref, *bown;
    const char **region; /* the unit's baseline region, per row */
    /* complexity and potentials are computed (not on broad aggregates) */
    int complexity;
    /* class × class co-occurrence counts (nc × nc), or NULL */
    double *cooc;
} s3i_matrix;



/* Build the count matrices the model asks for, at every level.  The caller
 * frees them with s3i_matrices_free. */
s3_status
s3i_matrices_build(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
                   s3i_matrix **out, size_t *n);
void
s3i_matrices_free(s3i_matrix *mx, size_t n);

/* ---- results ------------------------------------------------------------ */

/* The tables the measures are written into. */
typedef struct {
    s3_table *spec, *units, *classes, *notes, *proximity, *unit_proximity,
        *potentials, *quadrants, *relatedness, *economy, *domains,
        *domain_overlap, *scores, *indicators, *outranking, *similarity,
        *clusters, *partners;
} s3i_tables;

/* S3 domains resolved against the classifications. */
typedef struct {
    size_t n;
    char **name;             /* borrowed from the model */
    unsigned char *nace_in;  /* n × nnace: code (or an ancestor) listed */
    unsigned char *field_in; /* n × nfields */
} s3i_domains;

s3_status
s3i_domains_resolve(s3_ctx *ctx, const s3_model *m, const s3i_ref *ref,
                    s3i_domains *dm);
void
s3i_domains_free(s3i_domains *dm);

/* Rows of domains.csv for one matrix, and domain_overlap.csv. */
s3_status
s3i_domain_rows(s3_ctx *ctx, const s3i_ref *ref, const s3i_domains *dm,
                const s3i_matrix *x, s3_table *t);
s3_status
s3i_domain_overlap(s3_ctx *ctx, const s3_dataset *d, const s3i_domains *dm,
                   s3_table *t);

/* The development-potential score of the units of one level on the
 * headline matrix, with its uncertainty: rows of scores.csv,
 * indicators.csv and outranking.csv. */
s3_status
s3i_scores(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
           const s3i_domains *dm, const s3i_tables *T, const char *scenario,
           const char *level, const char *headline);

/* A scenario's view of base: its own tenants, patents and closed centres,
 * changed by the actions of the model's section `section`. */
s3_status
s3i_dataset_variant(s3_ctx *ctx, const s3_dataset *base, const s3_model *m,
                    const char *section, s3_dataset **out);

/* Similarity, clusters and partners of the units of one matrix: mc is the
 * dense 0/1 matrix over the nc2 classes that hold a specialisation, oc its
 * ones, omega the relatedness density over the same classes. */
s3_status
s3i_overlaps(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
             const double *mc, const s3_ones *oc, const double *omega,
             size_t nc2, s3i_tables *T);

/* The meaning of indicator i (IND_*). */
const char *
s3i_indicator_help(size_t i);

/* Complexity, relatedness and potentials of one matrix, from its binary
 * specialisation mb (nr × nc, NaN where undefined); fills the eci/coi and
 * pci columns of the rows written from unit_row0 and class_row0. */
s3_status
s3i_potentials(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
               const double *mb, s3i_tables *T, size_t unit_row0,
               size_t class_row0);

/* The co-occurrence relatedness rows of a matrix that has x->cooc. */
s3_status
s3i_relatedness_table(s3_ctx *ctx, const s3i_matrix *x, s3_table *t);

struct s3_result {
    size_t ntables;
    s3_table **tables;
    /* the workbook needs to know which matrix is the headline one */
    char *model_name, *headline_matrix;
    int reference_baseline;
    double threshold;
};

#endif /* S3_STAGES_H */
