/*
 * analysis.c — runs every measure on every count matrix and collects the
 * results as tidy tables.
 *
 * MEASURES is the one list of measures: it names each, says which table
 * holds it, defines it in a sentence, gives its formula and source, and
 * fixes the order of the columns of units.csv and classes.csv.  Adding a
 * measure is one row here, one kernel, one reference test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* id, name, table, definition, formula, source */
#define MEASURES(X)                                                            \
    X(M_VALUE, "value", "specialisation",                                      \
      "The count of the unit in the class: tenants, employees or fractional "  \
      "patents.",                                                              \
      "x_cp", "-")                                                             \
    X(M_SHARE, "share", "specialisation",                                      \
      "The class's share of the unit's total.", "s_cp = x_cp / x_c", "-")      \
    X(M_RCA, "rca", "specialisation",                                          \
      "Location quotient (revealed comparative advantage): the unit's share "  \
      "of the class relative to the network's share; above 1 means "           \
      "over-represented.",                                                     \
      "RCA_cp = (x_cp / x_c) / (x_p / x)", "Balassa (1965)")                   \
    X(M_RSCA, "rsca", "specialisation",                                        \
      "Symmetric RCA, from -1 to 1, 0 where the unit matches the network.",    \
      "(RCA - 1) / (RCA + 1)", "Dalum, Laursen & Villumsen (1998)")            \
    X(M_SPEC, "specialised", "specialisation",                                 \
      "1 where RCA reaches the model's threshold, else 0.",                    \
      "M_cp = [RCA_cp >= threshold]", "Hidalgo et al. (2007)")                 \
    X(M_RCAB, "rca_baseline", "specialisation",                                \
      "Location quotient against the external baseline (e.g. regional "        \
      "employment) instead of the network, over the baseline's sector "        \
      "aggregates.",                                                           \
      "(x_cp / x_c) / (b_p / b)", "Balassa (1965)")                            \
    X(M_TOTAL, "total", "units", "The unit's total count.", "x_c", "-")        \
    X(M_DIV, "diversity", "units",                                             \
      "Number of classes in which the unit is specialised.",                   \
      "k_c = sum_p M_cp", "Hidalgo & Hausmann (2009)")                         \
    X(M_KRUG, "krugman", "units",                                              \
      "Krugman dissimilarity: how far the unit's profile is from the "         \
      "network's, 0 (identical) to 2 (nothing in common).",                    \
      "K_c = sum_p |s_cp - s_p|", "Krugman (1991)")                            \
    X(M_HOOV, "hoover", "units",                                               \
      "Hoover coefficient: the share of the unit's activity that would have "  \
      "to move to match the network's profile (half of Krugman).",             \
      "K_c / 2", "Hoover (1936)")                                              \
    X(M_HERF, "herfindahl", "units",                                           \
      "Herfindahl index of concentration over classes, 1/n (even) to 1 (one "  \
      "class).",                                                               \
      "H_c = sum_p s_cp^2", "Herfindahl (1950)")                               \
    X(M_ENTR, "entropy", "units",                                              \
      "Shannon entropy of the unit's class shares in bits; higher is more "    \
      "diverse.",                                                              \
      "E_c = -sum_p s_cp log2 s_cp", "Shannon (1948)")                         \
    X(M_RV, "related_variety", "units",                                        \
      "Related variety: entropy within groups of related classes (NACE "       \
      "classes within divisions; WIPO fields within sectors).",                \
      "RV_c = sum_g P_g H_g", "Frenken, Van Oort & Verburg (2007)")            \
    X(M_UV, "unrelated_variety", "units",                                      \
      "Unrelated variety: entropy between groups (NACE divisions; WIPO "       \
      "sectors); RV + UV = entropy of the finest classes.",                    \
      "UV_c = -sum_g P_g log2 P_g", "Frenken, Van Oort & Verburg (2007)")      \
    X(M_ECI, "eci", "units",                                                   \
      "Economic complexity index: how many specialisations the unit has and "  \
      "how rare they are, from the eigenvector of the second-largest "         \
      "eigenvalue; mean 0, standard deviation 1 over the units.",              \
      "eigenvector 2 of D^-1 M U^-1 M^T, standardised, sign of diversity",     \
      "Hidalgo & Hausmann (2009)")                                             \
    X(M_ECIR, "eci_reflections", "units",                                      \
      "ECI by the method of reflections (the model's number of iterations, "   \
      "last even order), standardised.",                                       \
      "k_c,n = sum_p M_cp k_p,n-1 / k_c,0", "Hidalgo & Hausmann (2009)")       \
    X(M_COI, "coi", "units",                                                   \
      "Complexity outlook: how much complexity lies close to what the unit "   \
      "already does.",                                                         \
      "COI_c = sum_p density_cp (1 - M_cp) PCI_p", "Hausmann et al. (2014)")   \
    X(M_CTOTAL, "total", "classes", "The class's total count.", "x_p", "-")    \
    X(M_UBIQ, "ubiquity", "classes",                                           \
      "Number of units specialised in the class.", "k_p = sum_c M_cp",         \
      "Hidalgo & Hausmann (2009)")                                             \
    X(M_GINI, "locational_gini", "classes",                                    \
      "Locational Gini: how concentrated the class is compared with the "      \
      "units' total activity, 0 (spread like the total) to 0.5.",              \
      "area between the Lorenz curve of x_cp/x_p ordered by RCA and the "      \
      "diagonal",                                                              \
      "Krugman (1991); as EconGeo locational.Gini")                            \
    X(M_PCI, "pci", "classes",                                                 \
      "Product (class) complexity index: how rare and how demanding a class "  \
      "is, the class-side counterpart of ECI; mean 0, sd 1 over the classes.", \
      "eigenvector 2 of U^-1 M^T D^-1 M, standardised, sign of mean ECI of "   \
      "holders",                                                               \
      "Hidalgo & Hausmann (2009)")                                             \
    X(M_PCIR, "pci_reflections", "classes",                                    \
      "PCI by the method of reflections (last odd order), standardised.",      \
      "k_p,n = sum_c M_cp k_c,n-1 / k_p,0", "Hidalgo & Hausmann (2009)")       \
    X(M_PROX, "proximity", "proximity",                                        \
      "Proximity of two classes: the lower of the two probabilities of being " \
      "specialised in one given the other.",                                   \
      "phi_pq = sum_c M_cp M_cq / max(k_p, k_q)",                              \
      "Hidalgo, Klinger, Barabasi & Hausmann (2007)")                          \
    X(M_UPROX, "proximity", "unit_proximity",                                  \
      "Proximity of two units: the lower of the two shares of one's "          \
      "specialisations that the other holds too.",                             \
      "phi_cd = sum_p M_cp M_dp / max(k_c, k_d)", "Hidalgo et al. (2007)")     \
    X(M_DENS, "density", "potentials",                                         \
      "Relatedness density: the share, weighted by relatedness, of a class's " \
      "neighbours in which the unit is already specialised (0-1).",            \
      "omega_cp = sum_q M_cq phi_pq / sum_q phi_pq",                           \
      "Hidalgo et al. (2007); Balland et al. (2019)")                          \
    X(M_COG, "cog", "potentials",                                              \
      "Complexity outlook gain: how much moving into the class would raise "   \
      "the unit's complexity outlook.",                                        \
      "COG_cp = (1 - M_cp) sum_q (phi_pq / sum_r phi_rq) (1 - M_cq) PCI_q",    \
      "Hausmann et al. (2014)")                                                \
    X(M_QUAD, "quadrant", "potentials",                                        \
      "Where an opportunity lies: relatedness density and PCI high or low "    \
      "against the split of the unit's opportunities (ideal; low risk, low "   \
      "gain; high risk, high gain; least attractive).",                        \
      "high = at or above the split (median by default)",                      \
      "Balland, Boschma, Crespo & Rigby (2019)")                               \
    X(M_ORANK, "opportunity_rank", "potentials",                               \
      "Rank of a class the unit is not specialised in: highest density "       \
      "first, then highest PCI.",                                              \
      "-", "-")                                                                \
    X(M_COOC, "cooccurrence", "relatedness",                                   \
      "Number of patents that hold both technology fields.", "C_pq", "-")      \
    X(M_ASSOC, "association", "relatedness",                                   \
      "Association strength of two fields' co-occurrence.",                    \
      "C_ij t / (s_i s_j)", "van Eck & Waltman (2009); EconGeo")               \
    X(M_PROB, "probability", "relatedness",                                    \
      "Probabilistic association strength (combinations without "              \
      "repetition).",                                                          \
      "C_ij / ((s_i s_j/(t-s_j) + s_i s_j/(t-s_i)) / 2)",                      \
      "Steijn (2017); EconGeo")                                                \
    X(M_COS, "cosine", "relatedness", "Cosine of two fields' co-occurrence.",  \
      "C_ij / sqrt(s_i s_j)", "van Eck & Waltman (2009); EconGeo")             \
    X(M_JAC, "jaccard", "relatedness", "Jaccard index of co-occurrence.",      \
      "C_ij / (s_i + s_j - C_ij)", "van Eck & Waltman (2009); EconGeo")

enum {
#define X(id, n, t, d, f, s) id,
    MEASURES(X)
#undef X
        M_COUNT
};

static const s3_measure_info measures[] = {
#define X(id, n, t, d, f, s) {n, t, d, f, s},
    MEASURES(X)
#undef X
};

size_t
s3_measures_count(void)
{
    return M_COUNT;
}

const s3_measure_info *
s3_measure_at(size_t i)
{
    return i < M_COUNT ? &measures[i] : NULL;
}

/* A table whose first columns are `lead` and then every measure of
 * `table` in MEASURES order (optionally without rca_baseline). */
static s3_table *
measure_table(const char *table, const s3i_colspec *lead, size_t nlead,
              int with_baseline)
{
    s3i_colspec cols[32];
    size_t n = 0;
    for (size_t i = 0; i < nlead; i++)
        cols[n++] = lead[i];
    for (size_t i = 0; i < M_COUNT; i++) {
        if (strcmp(measures[i].table, table) || (i == M_RCAB && !with_baseline))
            continue;
        int integer = i == M_SPEC || i == M_DIV || i == M_UBIQ;
        cols[n++] = (s3i_colspec){measures[i].name,
                                  integer ? S3_COL_INTEGER : S3_COL_NUMBER};
    }
    return s3i_table_new(table, n, cols);
}

static const s3i_colspec spec_lead[] = {{"level", S3_COL_TEXT},
                                        {"matrix", S3_COL_TEXT},
                                        {"unit", S3_COL_TEXT},
                                        {"class", S3_COL_TEXT}};
static const s3i_colspec unit_lead[] = {
    {"level", S3_COL_TEXT}, {"matrix", S3_COL_TEXT}, {"unit", S3_COL_TEXT}};
static const s3i_colspec class_lead[] = {{"level", S3_COL_TEXT},
                                         {"matrix", S3_COL_TEXT},
                                         {"class", S3_COL_TEXT},
                                         {"label", S3_COL_TEXT}};

/* Set the lead text cells of a new row. */
static int
lead(s3_table *t, size_t row, const char *a, const char *b, const char *c,
     const char *d)
{
    return s3i_table_set_text(t, row, 0, a) ||
           s3i_table_set_text(t, row, 1, b) ||
           s3i_table_set_text(t, row, 2, c) ||
           (d && s3i_table_set_text(t, row, 3, d));
}

/* Run the kernels on one matrix and append its rows. */
static s3_status
analyse_matrix(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
               s3i_tables *T)
{
    size_t nr = x->nr, nc = x->nc, n = nr * nc;
    size_t nw = nr + nc + 3 * (nr > nc ? nr : nc) + x->ngroups + 16;
    double *rs = malloc((nr + 1) * sizeof(double)),
           *cs = malloc((nc + 1) * sizeof(double)),
           *share = malloc((n + 1) * sizeof(double)),
           *rca = malloc((n + 1) * sizeof(double)),
           *rsca = malloc((n + 1) * sizeof(double)),
           *mb = malloc((n + 1) * sizeof(double)),
           *rcab = x->bref ? malloc((n + 1) * sizeof(double)) : NULL,
           *u = malloc((8 * nr + 1) * sizeof(double)),
           *k = malloc((3 * nc + 1) * sizeof(double)),
           *work = malloc(nw * sizeof(double)),
           *vshare = x->vx ? malloc((nr * x->nvc + 1) * sizeof(double)) : NULL,
           *vrca = x->vx ? malloc((nr * x->nvc + 1) * sizeof(double)) : NULL,
           *vcs = x->vx ? malloc((x->nvc + 1) * sizeof(double)) : NULL;
    size_t *iwork = malloc((nr + 1) * sizeof(size_t));
    s3_status rc = S3_OK;
    if (!rs || !cs || !share || !rca || !rsca || !mb || (x->bref && !rcab) ||
        !u || !k || !work || !iwork || (x->vx && (!vshare || !vrca || !vcs))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3_margins(x->x, nr, nc, rs, cs);
    s3_rca(x->x, nr, nc, rs, cs, share, rca);
    s3_rsca(rca, n, rsca);
    s3_binary(rca, n, m->threshold, mb);
    if (x->bref)
        for (size_t c = 0; c < nr; c++)
            s3_rca(x->x + c * nc, 1, nc, &rs[c], x->bref + c * nc,
                   share + c * nc, rcab + c * nc);
    /* per unit */
    double total = s3_sum(rs, nr, 1);
    double *ref_share = work; /* nc */
    for (size_t p = 0; p < nc; p++)
        ref_share[p] = total > 0.0 ? cs[p] / total : NAN;
    double *div = u, *krug = u + nr, *herf = u + 2 * nr, *entr = u + 3 * nr,
           *rv = u + 4 * nr, *uv = u + 5 * nr;
    s3_diversity(mb, nr, nc, div);
    s3_unit_profile(share, nr, nc, ref_share, krug, herf, entr);
    if (x->vx) {
        double *vrs = work + nc; /* nr */
        s3_margins(x->vx, nr, x->nvc, vrs, vcs);
        s3_rca(x->vx, nr, x->nvc, vrs, vcs, vshare, vrca);
        s3_variety(vshare, nr, x->nvc, x->vgroup, x->ngroups, rv, uv,
                   work + nc + nr);
    } else {
        for (size_t c = 0; c < nr; c++)
            rv[c] = uv[c] = NAN;
    }
    /* per class */
    double *ubiq = k, *gini = k + nc;
    s3_ubiquity(mb, nr, nc, ubiq);
    s3_locational_gini(x->x, nr, nc, rs, gini, work, iwork);

    /* rows */
    size_t unit_row0 = s3_table_rows(T->units),
           class_row0 = s3_table_rows(T->classes);
    for (size_t c = 0; c < nr && !rc; c++) {
        for (size_t p = 0; p < nc && !rc; p++) {
            size_t i = c * nc + p, row = s3i_table_add_row(T->spec);
            if (row == S3I_NONE ||
                lead(T->spec, row, x->level, x->name, x->row[c], x->col[p])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            double v[] = {x->x[i], share[i], rca[i],
                          rsca[i], mb[i],    rcab ? rcab[i] : NAN};
            for (size_t j = 0; j < 6 && 4 + j < s3_table_cols(T->spec); j++)
                s3i_table_set_num(T->spec, row, 4 + j, v[j]);
        }
        size_t row = s3i_table_add_row(T->units);
        if (row == S3I_NONE ||
            lead(T->units, row, x->level, x->name, x->row[c], NULL)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            break;
        }
        double v[] = {rs[c],   div[c],  krug[c], krug[c] / 2.0,
                      herf[c], entr[c], rv[c],   uv[c]};
        for (size_t j = 0; j < 8; j++)
            s3i_table_set_num(T->units, row, 3 + j, v[j]);
    }
    for (size_t p = 0; p < nc && !rc; p++) {
        size_t row = s3i_table_add_row(T->classes);
        if (row == S3I_NONE ||
            lead(T->classes, row, x->level, x->name, x->col[p],
                 x->col_label[p] ? x->col_label[p] : "")) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            break;
        }
        double v[] = {cs[p], ubiq[p], gini[p]};
        for (size_t j = 0; j < 3; j++)
            s3i_table_set_num(T->classes, row, 4 + j, v[j]);
    }
    if (!rc && x->complexity)
        rc = s3i_potentials(ctx, m, x, mb, T, unit_row0, class_row0);
    /* what has no value, and why */
    size_t empty_units = 0, no_ref = 0;
    for (size_t c = 0; c < nr; c++)
        empty_units += !(rs[c] > 0.0);
    if (x->bref)
        for (size_t c = 0; c < nr; c++)
            no_ref += isnan(x->bref[c * nc]);
    char scope[96], msg[256];
    snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
    if (!rc && empty_units) {
        snprintf(msg, sizeof msg,
                 "%zu of %zu units have a total of 0: their shares, RCAs and "
                 "profile measures have no value",
                 empty_units, nr);
        if (s3i_note(T->notes, scope, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (!rc && no_ref) {
        snprintf(msg, sizeof msg,
                 "%zu of %zu units have no baseline region: rca_baseline has "
                 "no value for them",
                 no_ref, nr);
        if (s3i_note(T->notes, scope, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (!rc && !x->vx && x->no_variety) {
        if (s3i_note(T->notes, scope, x->no_variety))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
done:
    free(rs), free(cs), free(share), free(rca), free(rsca), free(mb);
    free(rcab), free(u), free(k), free(work), free(iwork);
    free(vshare), free(vrca), free(vcs);
    return rc;
}

/* Copy a table row by row (the dataset keeps its own). */
static s3_table *
copy_table(const s3_table *src)
{
    size_t nc = s3_table_cols(src);
    s3i_colspec cols[16];
    for (size_t i = 0; i < nc && i < 16; i++)
        cols[i] =
            (s3i_colspec){s3_table_col_name(src, i), s3_table_col_type(src, i)};
    s3_table *t = s3i_table_new(s3_table_name(src), nc, cols);
    for (size_t r = 0; t && r < s3_table_rows(src); r++) {
        size_t row = s3i_table_add_row(t);
        if (row == S3I_NONE) {
            s3i_table_free(t);
            return NULL;
        }
        for (size_t c = 0; c < nc; c++) {
            if (s3_table_col_type(src, c) == S3_COL_TEXT) {
                if (s3i_table_set_text(t, row, c, s3_table_text(src, r, c))) {
                    s3i_table_free(t);
                    return NULL;
                }
            } else {
                s3i_table_set_num(t, row, c, s3_table_num(src, r, c));
            }
        }
    }
    return t;
}

/* The centres table (id, name, subregion, nuts3) in id order. */
static s3_table *
centres_table(const s3_dataset *d)
{
    static const s3i_colspec cols[] = {{"centre_id", S3_COL_TEXT},
                                       {"name", S3_COL_TEXT},
                                       {"subregion", S3_COL_TEXT},
                                       {"nuts3", S3_COL_TEXT}};
    s3_table *t = s3i_table_new("centres", 4, cols);
    size_t n = d->generic ? 0 : d->ncentres;
    size_t *perm = malloc((n + 1) * sizeof(size_t));
    if (!t || !perm) {
        free(perm);
        s3i_table_free(t);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && strcmp(d->centre_id[i], d->centre_id[perm[j - 1]]) < 0;
             j--)
            perm[j] = perm[j - 1];
        perm[j] = i;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = perm[i], row = s3i_table_add_row(t);
        if (row == S3I_NONE || lead(t, row, d->centre_id[c], d->centre_name[c],
                                    d->centre_sub[c], d->centre_nuts3[c])) {
            free(perm);
            s3i_table_free(t);
            return NULL;
        }
    }
    free(perm);
    return t;
}

/* The model's parameters as a table. */
static s3_table *
params_table(const s3_model *m)
{
    static const s3i_colspec cols[] = {{"parameter", S3_COL_TEXT},
                                       {"value", S3_COL_TEXT},
                                       {"meaning", S3_COL_TEXT}};
    s3_table *t = s3i_table_new("parameters", 3, cols);
    for (size_t i = 0; t && i < s3_model_params(m); i++) {
        size_t row = s3i_table_add_row(t);
        if (row == S3I_NONE ||
            lead(t, row, s3_model_param_name(m, i), s3_model_param_value(m, i),
                 s3i_model_param_help(i), NULL)) {
            s3i_table_free(t);
            return NULL;
        }
    }
    return t;
}

/* The model's indicators, S3 domains and scenarios in words, for the
 * method sheet: (section, name, definition). */
static s3_table *
definitions_table(const s3_model *m)
{
    static const s3i_colspec cols[] = {{"section", S3_COL_TEXT},
                                       {"name", S3_COL_TEXT},
                                       {"definition", S3_COL_TEXT}};
    static const char *const ind_name[] = {
#define X(id, n, h) n,
        S3I_INDICATORS(X)
#undef X
    };
    s3_table *t = s3i_table_new("definitions", 3, cols);
    for (size_t j = 0; t && j < m->nind; j++) {
        char def[300];
        snprintf(def, sizeof def, "%s (weight %g, %s is better)",
                 s3i_indicator_help((size_t)m->ind[j]), m->w[j],
                 m->dir[j] > 0 ? "higher" : "lower");
        size_t row = s3i_table_add_row(t);
        if (row == S3I_NONE ||
            lead(t, row, "score indicator", ind_name[m->ind[j]], def, NULL)) {
            s3i_table_free(t);
            return NULL;
        }
    }
    for (size_t e = 0; t && e < m->nentries; e++) {
        const s3i_entry *en = &m->entries[e];
        int domain = !strcmp(en->section, "domains");
        char name[200];
        snprintf(name, sizeof name, "%s%s%s", domain ? en->key : en->section + 9,
                 domain ? "" : ": ", domain ? "" : en->key);
        size_t row = s3i_table_add_row(t);
        if (row == S3I_NONE ||
            lead(t, row, domain ? "S3 domain" : "scenario", name, en->value,
                 NULL)) {
            s3i_table_free(t);
            return NULL;
        }
    }
    return t;
}

/* Add a table to the result; frees it on failure. */
static int
result_add(s3_result *r, s3_table *t)
{
    if (!t)
        return -1;
    s3_table **v = realloc(r->tables, (r->ntables + 1) * sizeof *v);
    if (!v) {
        s3i_table_free(t);
        return -1;
    }
    r->tables = v;
    r->tables[r->ntables++] = t;
    return 0;
}

/* The local economy beside the centres: for each unit of a matrix over the
 * baseline's sector aggregates, its share of each aggregate next to the
 * aggregate's share of employment in the unit's own region. */
static s3_status
economy_rows(s3_ctx *ctx, const s3i_matrix *x, s3_table *t)
{
    size_t nr = x->nr, nc = x->nc;
    for (size_t c = 0; c < nr; c++) {
        double tot = s3_sum(x->x + c * nc, nc, 1), btot = 0.0;
        for (size_t p = 0; p < nc; p++)
            btot += x->bown[c * nc + p];
        for (size_t p = 0; p < nc; p++) {
            size_t row = s3i_table_add_row(t);
            if (row == S3I_NONE || lead(t, row, x->level, x->name, x->row[c],
                                        x->region[c]) ||
                s3i_table_set_text(t, row, 4, x->col[p]) ||
                s3i_table_set_text(t, row, 5, x->col_label[p]))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
            double cs = tot > 0.0 ? x->x[c * nc + p] / tot : NAN;
            double es = btot > 0.0 ? x->bown[c * nc + p] / btot : NAN;
            s3i_table_set_num(t, row, 6, cs);
            s3i_table_set_num(t, row, 7, es);
            s3i_table_set_num(t, row, 8, es > 0.0 ? cs / es : NAN);
        }
    }
    return S3_OK;
}

static const s3i_colspec pair_cols[] = {{"level", S3_COL_TEXT},
                                        {"matrix", S3_COL_TEXT},
                                        {"class_a", S3_COL_TEXT},
                                        {"class_b", S3_COL_TEXT},
                                        {"proximity", S3_COL_NUMBER}};
static const s3i_colspec upair_cols[] = {{"level", S3_COL_TEXT},
                                         {"matrix", S3_COL_TEXT},
                                         {"unit_a", S3_COL_TEXT},
                                         {"unit_b", S3_COL_TEXT},
                                         {"proximity", S3_COL_NUMBER}};
static const s3i_colspec pot_cols[] = {
    {"level", S3_COL_TEXT},          {"matrix", S3_COL_TEXT},
    {"unit", S3_COL_TEXT},           {"class", S3_COL_TEXT},
    {"specialised", S3_COL_INTEGER}, {"density", S3_COL_NUMBER},
    {"pci", S3_COL_NUMBER},          {"cog", S3_COL_NUMBER},
    {"quadrant", S3_COL_TEXT},       {"opportunity_rank", S3_COL_INTEGER}};
static const s3i_colspec quad_cols[] = {{"level", S3_COL_TEXT},
                                        {"matrix", S3_COL_TEXT},
                                        {"split", S3_COL_TEXT},
                                        {"used", S3_COL_TEXT},
                                        {"opportunities", S3_COL_INTEGER},
                                        {"labels_changed", S3_COL_INTEGER}};
static const s3i_colspec rel_cols[] = {
    {"level", S3_COL_TEXT},          {"matrix", S3_COL_TEXT},
    {"class_a", S3_COL_TEXT},        {"class_b", S3_COL_TEXT},
    {"cooccurrence", S3_COL_NUMBER}, {"association", S3_COL_NUMBER},
    {"probability", S3_COL_NUMBER},  {"cosine", S3_COL_NUMBER},
    {"jaccard", S3_COL_NUMBER}};
static const s3i_colspec econ_cols[] = {
    {"level", S3_COL_TEXT},           {"matrix", S3_COL_TEXT},
    {"unit", S3_COL_TEXT},            {"region", S3_COL_TEXT},
    {"aggregate", S3_COL_TEXT},       {"label", S3_COL_TEXT},
    {"centres_share", S3_COL_NUMBER}, {"economy_share", S3_COL_NUMBER},
    {"ratio", S3_COL_NUMBER}};
static const s3i_colspec dom_cols[] = {
    {"level", S3_COL_TEXT},   {"matrix", S3_COL_TEXT},
    {"unit", S3_COL_TEXT},    {"domain", S3_COL_TEXT},
    {"value", S3_COL_NUMBER}, {"share", S3_COL_NUMBER},
    {"rca", S3_COL_NUMBER}};
static const s3i_colspec dover_cols[] = {{"domain_a", S3_COL_TEXT},
                                         {"domain_b", S3_COL_TEXT},
                                         {"shared_classes", S3_COL_INTEGER},
                                         {"shared_fields", S3_COL_INTEGER},
                                         {"shared_tenants", S3_COL_INTEGER}};
static const s3i_colspec score_cols[] = {
    {"scenario", S3_COL_TEXT},     {"level", S3_COL_TEXT},
    {"unit", S3_COL_TEXT},         {"score", S3_COL_NUMBER},
    {"rank", S3_COL_INTEGER},      {"rank_median", S3_COL_INTEGER},
    {"rank_p05", S3_COL_INTEGER},  {"rank_p95", S3_COL_INTEGER}};
static const s3i_colspec ind_cols[] = {
    {"scenario", S3_COL_TEXT},     {"level", S3_COL_TEXT},
    {"unit", S3_COL_TEXT},         {"indicator", S3_COL_TEXT},
    {"value", S3_COL_NUMBER},      {"normalised", S3_COL_NUMBER},
    {"weight", S3_COL_NUMBER}};
static const s3i_colspec out_cols[] = {
    {"scenario", S3_COL_TEXT},
    {"level", S3_COL_TEXT},
    {"unit_a", S3_COL_TEXT},
    {"unit_b", S3_COL_TEXT},
    {"probability_a_above_b", S3_COL_NUMBER},
    {"distinguishable", S3_COL_INTEGER}};
static const s3i_colspec sim_cols[] = {
    {"level", S3_COL_TEXT},  {"matrix", S3_COL_TEXT},
    {"unit_a", S3_COL_TEXT}, {"unit_b", S3_COL_TEXT},
    {"cosine", S3_COL_NUMBER}, {"jaccard", S3_COL_NUMBER},
    {"complementarity", S3_COL_NUMBER}};
static const s3i_colspec clu_cols[] = {{"level", S3_COL_TEXT},
                                       {"matrix", S3_COL_TEXT},
                                       {"unit", S3_COL_TEXT},
                                       {"cluster", S3_COL_INTEGER}};
static const s3i_colspec partner_cols[] = {
    {"level", S3_COL_TEXT},   {"matrix", S3_COL_TEXT},
    {"unit", S3_COL_TEXT},    {"kind", S3_COL_TEXT},
    {"rank", S3_COL_INTEGER}, {"partner", S3_COL_TEXT},
    {"value", S3_COL_NUMBER}};

/* The whole analysis of one dataset under one model, its scores named
 * `scenario`. */
static s3_status
analyse_core(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
             const char *scenario, s3_result **out)
{
    *out = NULL;
    s3i_matrix *mx = NULL;
    size_t nmx = 0;
    s3i_domains dm = {0};
    s3_status rc = s3i_matrices_build(ctx, m, d, &mx, &nmx);
    if (rc)
        return rc;
    if (!d->generic && (rc = s3i_domains_resolve(ctx, m, &d->ref, &dm))) {
        s3i_domains_free(&dm);
        s3i_matrices_free(mx, nmx);
        return rc;
    }
    s3_result *r = calloc(1, sizeof *r);
    int with_baseline = 0, with_cooc = 0;
    for (size_t i = 0; i < nmx; i++) {
        with_baseline |= mx[i].bref != NULL;
        with_cooc |= mx[i].cooc != NULL;
    }
    s3i_tables T = {0};
    /* the result owns every table from its creation on */
    if (!r ||
        result_add(r, T.spec = measure_table("specialisation", spec_lead, 4,
                                             with_baseline)) ||
        result_add(r, T.units = measure_table("units", unit_lead, 3, 0)) ||
        result_add(r, T.classes = measure_table("classes", class_lead, 4, 0)) ||
        result_add(r, T.proximity = s3i_table_new("proximity", 5, pair_cols)) ||
        result_add(r, T.unit_proximity =
                          s3i_table_new("unit_proximity", 5, upair_cols)) ||
        result_add(r,
                   T.potentials = s3i_table_new("potentials", 10, pot_cols)) ||
        result_add(r, T.quadrants = s3i_table_new("quadrants", 6, quad_cols)) ||
        (with_cooc && result_add(r, T.relatedness = s3i_table_new(
                                        "relatedness", 9, rel_cols))) ||
        result_add(r, T.scores = s3i_table_new("scores", 8, score_cols)) ||
        result_add(r, T.indicators =
                          s3i_table_new("indicators", 7, ind_cols)) ||
        result_add(r, T.outranking =
                          s3i_table_new("outranking", 6, out_cols)) ||
        result_add(r, T.similarity =
                          s3i_table_new("similarity", 7, sim_cols)) ||
        result_add(r, T.clusters = s3i_table_new("clusters", 4, clu_cols)) ||
        result_add(r, T.partners =
                          s3i_table_new("partners", 7, partner_cols)) ||
        (dm.n && result_add(r, T.domains =
                                   s3i_table_new("domains", 7, dom_cols))) ||
        (dm.n && result_add(r, T.domain_overlap = s3i_table_new(
                                   "domain_overlap", 5, dover_cols))) ||
        (with_baseline &&
         result_add(r, T.economy = s3i_table_new("local_economy", 9,
                                                 econ_cols))) ||
        result_add(r, centres_table(d)) ||
        result_add(r, copy_table(d->quality)) ||
        result_add(r, copy_table(d->warnings)) ||
        result_add(r, T.notes = copy_table(d->notes)) ||
        result_add(r, copy_table(d->inputs)) ||
        result_add(r, params_table(m)) ||
        result_add(r, definitions_table(m))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nmx && !rc; i++) {
        rc = analyse_matrix(ctx, m, &mx[i], &T);
        if (!rc && mx[i].cooc && !strcmp(mx[i].level, "centre"))
            rc = s3i_relatedness_table(ctx, &mx[i], T.relatedness);
        if (!rc && dm.n)
            rc = s3i_domain_rows(ctx, &d->ref, &dm, &mx[i], T.domains);
        if (!rc && mx[i].bown)
            rc = economy_rows(ctx, &mx[i], T.economy);
        if (ctx->progress)
            ctx->progress(ctx->progress_user, "measures",
                          (double)(i + 1) / (double)nmx);
    }
    if (!rc && dm.n)
        rc = s3i_domain_overlap(ctx, d, &dm, T.domain_overlap);
    r->model_name = strdup(m->name);
    r->headline_matrix =
        strdup(d->generic                          ? "input"
               : m->weight == S3I_WEIGHT_EMPLOYEES ? "employees"
                                                   : "tenants");
    r->reference_baseline = m->reference == S3I_REF_BASELINE;
    r->threshold = m->threshold;
    if (!rc && (!r->model_name || !r->headline_matrix))
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    /* the development-potential score, per level */
    if (!rc && d->generic)
        rc = s3i_scores(ctx, m, d, &dm, &T, scenario, "unit",
                        r->headline_matrix);
    if (!rc && !d->generic)
        rc = s3i_scores(ctx, m, d, &dm, &T, scenario, "centre",
                        r->headline_matrix);
    if (!rc && !d->generic)
        rc = s3i_scores(ctx, m, d, &dm, &T, scenario, "subregion",
                        r->headline_matrix);
    if (rc)
        goto fail;
    s3i_domains_free(&dm);
    s3i_matrices_free(mx, nmx);
    *out = r;
    return S3_OK;
fail:
    s3i_domains_free(&dm);
    s3i_matrices_free(mx, nmx);
    s3_result_free(r);
    return rc;
}

static s3_status
run(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
    const char *const *scenarios, size_t nscen, int all, s3_result **out);

s3_status
s3_analyse(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
           s3_result **out)
{
    return run(ctx, m, d, NULL, 0, 0, out);
}

s3_status
s3_run(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
       const char *const *scenarios, size_t nscen, s3_result **out)
{
    return run(ctx, m, d, scenarios, nscen, nscen == 0, out);
}

/* ---- scenarios: the same pipeline on changed inputs ------------------- */

static const s3i_colspec delta_cols[] = {
    {"scenario", S3_COL_TEXT},       {"level", S3_COL_TEXT},
    {"matrix", S3_COL_TEXT},         {"unit", S3_COL_TEXT},
    {"class", S3_COL_TEXT},          {"measure", S3_COL_TEXT},
    {"baseline", S3_COL_NUMBER},     {"value", S3_COL_NUMBER},
    {"delta", S3_COL_NUMBER},        {"baseline_label", S3_COL_TEXT},
    {"label", S3_COL_TEXT}};

/* The key of row r: its first nkey text columns, each as "length:text",
 * so that no two rows share a key whatever their texts hold.  *buf grows
 * as needed; returns the key's length, or S3I_NONE when out of memory. */
static size_t
row_key(const s3_table *t, size_t r, size_t nkey, char **buf, size_t *cap)
{
    size_t len = 0;
    for (size_t c = 0; c < nkey; c++) {
        const char *x = s3_table_text(t, r, c);
        size_t n = x ? strlen(x) : 0;
        if (s3i_reserve(buf, cap, len + n + 24, 1))
            return S3I_NONE;
        len += (size_t)snprintf(*buf + len, 24, "%zu:", n);
        memcpy(*buf + len, x ? x : "", n);
        len += n;
    }
    return len;
}

/* Append one delta row. */
static int
delta_row(s3_table *t, const char *scenario, const char *level,
          const char *matrix, const char *unit, const char *cls,
          const char *measure, double b, double v, const char *bl,
          const char *l)
{
    size_t row = s3i_table_add_row(t);
    if (row == S3I_NONE || s3i_table_set_text(t, row, 0, scenario) ||
        s3i_table_set_text(t, row, 1, level) ||
        s3i_table_set_text(t, row, 2, matrix) ||
        s3i_table_set_text(t, row, 3, unit) ||
        s3i_table_set_text(t, row, 4, cls) ||
        s3i_table_set_text(t, row, 5, measure) ||
        s3i_table_set_text(t, row, 9, bl) || s3i_table_set_text(t, row, 10, l))
        return -1;
    s3i_table_set_num(t, row, 6, b);
    s3i_table_set_num(t, row, 7, v);
    s3i_table_set_num(t, row, 8, v - b);
    return 0;
}

/* Differences of one long table between the baseline and a scenario, for
 * rows matched on their first nkey columns: every number column in
 * `measures` that changed (NaN and a value count as a change), and the
 * text column `label` if given. */
static s3_status
table_deltas(s3_ctx *ctx, const s3_table *tb, const s3_table *ts,
             size_t nkey, const char *const *measures, size_t nm,
             const char *label, const char *scenario, s3_table *out)
{
    s3i_map idx = {0};
    s3i_arena keys = {0};
    s3_status rc = S3_OK;
    char *key = NULL;
    size_t cap = 0, kl;
    for (size_t r = 0; r < s3_table_rows(tb); r++) {
        char *k = NULL;
        if ((kl = row_key(tb, r, nkey, &key, &cap)) == S3I_NONE ||
            !(k = s3i_arena_strndup(&keys, key, kl)) ||
            s3i_map_put(&idx, k, kl, r) == S3I_NONE) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    size_t lc = label ? s3_table_col(ts, label) : S3I_NONE;
    for (size_t r = 0; r < s3_table_rows(ts) && !rc; r++) {
        if ((kl = row_key(ts, r, nkey, &key, &cap)) == S3I_NONE) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            break;
        }
        size_t br = s3i_map_get(&idx, key, kl);
        /* level, matrix, unit, class from the key columns */
        const char *f[4] = {"", "", "", ""};
        for (size_t c = 0; c < nkey && c < 4; c++)
            f[c] = s3_table_text(ts, r, c);
        const char *level = f[0], *matrix = nkey >= 3 ? f[1] : "",
                   *unit = nkey >= 3 ? f[2] : f[1], *cls = nkey >= 4 ? f[3] : "";
        for (size_t k = 0; k < nm; k++) {
            size_t c = s3_table_col(ts, measures[k]);
            double v = s3_table_num(ts, r, c),
                   b = br == S3I_NONE ? NAN : s3_table_num(tb, br, c);
            int same = (isnan(v) && isnan(b)) || v == b;
            if (!same && delta_row(out, scenario, level, matrix, unit, cls,
                                   measures[k], b, v, "", ""))
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
        if (lc != S3I_NONE && !rc) {
            const char *l = s3_table_text(ts, r, lc),
                       *bl = br == S3I_NONE ? "" : s3_table_text(tb, br, lc);
            if (strcmp(l, bl) &&
                delta_row(out, scenario, level, matrix, unit, cls, label, NAN,
                          NAN, bl, l))
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
    }
done:
    free(key);
    s3i_map_free(&idx);
    s3i_arena_free(&keys);
    return rc;
}

/* Append every row of src to dst (same columns). */
static int
append_rows(s3_table *dst, const s3_table *src)
{
    for (size_t r = 0; r < s3_table_rows(src); r++) {
        size_t row = s3i_table_add_row(dst);
        if (row == S3I_NONE)
            return -1;
        for (size_t c = 0; c < s3_table_cols(src); c++) {
            if (s3_table_col_type(src, c) == S3_COL_TEXT) {
                if (s3i_table_set_text(dst, row, c, s3_table_text(src, r, c)))
                    return -1;
            } else {
                s3i_table_set_num(dst, row, c, s3_table_num(src, r, c));
            }
        }
    }
    return 0;
}

/* Run one scenario and add its scores and deltas to the result. */
static s3_status
run_scenario(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
             const char *name, s3_result *r, s3_table *deltas)
{
    char section[128];
    snprintf(section, sizeof section, "scenario.%s", name);
    s3_model *vm = NULL;
    s3_dataset *vd = NULL;
    s3_result *vr = NULL;
    s3_status rc;
    if ((rc = s3i_model_variant(ctx, m, section, &vm)) ||
        (rc = s3i_dataset_variant(ctx, d, vm, section, &vd)) ||
        (rc = analyse_core(ctx, vm, vd, name, &vr)))
        goto done;
    static const char *const score_m[] = {"score", "rank", "rank_median",
                                          "rank_p05", "rank_p95"};
    static const char *const spec_m[] = {"specialised"};
    static const char *const pot_m[] = {"density"};
    s3_table *notes = (s3_table *)s3_result_table(r, "notes");
    if (append_rows((s3_table *)s3_result_table(r, "scores"),
                    s3_result_table(vr, "scores")) ||
        append_rows((s3_table *)s3_result_table(r, "outranking"),
                    s3_result_table(vr, "outranking")) ||
        append_rows((s3_table *)s3_result_table(r, "indicators"),
                    s3_result_table(vr, "indicators"))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    /* the scenario's own notes (changes made only in part) */
    for (size_t i = 0; i < s3_table_rows(vd->notes) && !rc; i++)
        if (s3i_note(notes, s3_table_text(vd->notes, i, 0),
                     s3_table_text(vd->notes, i, 1)))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    /* scores are keyed by (scenario, level, unit): compare on (level,
     * unit) through copies keyed without the scenario column */
    if (!rc)
        rc = table_deltas(ctx, s3_result_table(r, "specialisation"),
                          s3_result_table(vr, "specialisation"), 4, spec_m, 1,
                          NULL, name, deltas);
    if (!rc)
        rc = table_deltas(ctx, s3_result_table(r, "potentials"),
                          s3_result_table(vr, "potentials"), 4, pot_m, 1,
                          "quadrant", name, deltas);
    if (!rc) {
        /* scores: the baseline rows are those named "baseline" */
        const s3_table *bs = s3_result_table(r, "scores"),
                       *vs = s3_result_table(vr, "scores");
        for (size_t i = 0; i < s3_table_rows(vs) && !rc; i++) {
            size_t b;
            for (b = 0; b < s3_table_rows(bs); b++)
                if (!strcmp(s3_table_text(bs, b, 0), "baseline") &&
                    !strcmp(s3_table_text(bs, b, 1), s3_table_text(vs, i, 1)) &&
                    !strcmp(s3_table_text(bs, b, 2), s3_table_text(vs, i, 2)))
                    break;
            for (size_t k = 0; k < 5 && !rc; k++) {
                size_t c = s3_table_col(vs, score_m[k]);
                double v = s3_table_num(vs, i, c),
                       bv = b < s3_table_rows(bs) ? s3_table_num(bs, b, c) : NAN;
                if (delta_row(deltas, name, s3_table_text(vs, i, 1),
                              r->headline_matrix, s3_table_text(vs, i, 2), "",
                              score_m[k], bv, v, "", ""))
                    rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            }
        }
    }
done:
    s3_result_free(vr);
    s3_dataset_free(vd);
    s3_model_free(vm);
    return rc;
}

/* The baseline and the scenarios named (or, with all, every scenario of
 * the model). */
static s3_status
run(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
    const char *const *scenarios, size_t nscen, int all, s3_result **out)
{
    *out = NULL;
    /* the named scenarios must exist */
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < nscen; i++) {
        char section[128];
        snprintf(section, sizeof section, "scenario.%s", scenarios[i]);
        int found = 0;
        for (size_t e = 0; e < m->nentries && !found; e++)
            found = !strcmp(m->entries[e].section, section);
        if (!found)
            return s3i_fail(ctx, S3_EMODEL,
                            "the model '%s' defines no scenario '%s' (its "
                            "scenarios are [scenario.NAME] sections)",
                            m->name, scenarios[i]);
        if (n < 64)
            names[n++] = scenarios[i];
    }
    if (all)
        for (size_t e = 0; e < m->nentries && n < 64; e++) {
            const char *s = m->entries[e].section;
            if (strncmp(s, "scenario.", 9))
                continue;
            size_t k;
            for (k = 0; k < n; k++)
                if (!strcmp(names[k], s + 9))
                    break;
            if (k == n)
                names[n++] = s + 9;
        }
    s3_result *r = NULL;
    s3_status rc = analyse_core(ctx, m, d, "baseline", &r);
    if (rc)
        return rc;
    if (n > 0) {
        s3_table *deltas = s3i_table_new("scenario_deltas", 11, delta_cols);
        if (!deltas || result_add(r, deltas)) {
            s3_result_free(r);
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < n && !rc; i++) {
            if (ctx->progress)
                ctx->progress(ctx->progress_user, names[i], 0.0);
            rc = run_scenario(ctx, m, d, names[i], r, deltas);
        }
        if (rc) {
            s3_result_free(r);
            return rc;
        }
    }
    *out = r;
    return S3_OK;
}

/* What run() would refuse in the model, found without computing: the
 * domains' codes as analyse_core resolves them, and every scenario's
 * variant model and dataset view as run_scenario builds them. */
s3_status
s3_model_check(s3_ctx *ctx, const s3_model *m, const s3_dataset *d)
{
    s3_status rc = S3_OK;
    if (!d->generic) {
        s3i_domains dm = {0};
        rc = s3i_domains_resolve(ctx, m, &d->ref, &dm);
        s3i_domains_free(&dm);
    }
    for (size_t e = 0; e < m->nentries && !rc; e++) {
        const char *s = m->entries[e].section;
        size_t f;
        if (strncmp(s, "scenario.", 9))
            continue;
        for (f = 0; f < e; f++)
            if (!strcmp(m->entries[f].section, s))
                break;
        if (f < e)
            continue; /* checked at its first key */
        s3_model *vm = NULL;
        s3_dataset *vd = NULL;
        if (!(rc = s3i_model_variant(ctx, m, s, &vm)))
            rc = s3i_dataset_variant(ctx, d, vm, s, &vd);
        s3_dataset_free(vd);
        s3_model_free(vm);
    }
    return rc;
}

void
s3_result_free(s3_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntables; i++)
        s3i_table_free(r->tables[i]);
    free(r->tables);
    free(r->model_name);
    free(r->headline_matrix);
    free(r);
}

size_t
s3_result_ntables(const s3_result *r)
{
    return r->ntables;
}

const s3_table *
s3_result_table_at(const s3_result *r, size_t i)
{
    return i < r->ntables ? r->tables[i] : NULL;
}

const s3_table *
s3_result_table(const s3_result *r, const char *name)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(s3_table_name(r->tables[i]), name) == 0)
            return r->tables[i];
    return NULL;
}
