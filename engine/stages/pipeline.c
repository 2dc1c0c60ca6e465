/*
 * pipeline.c — the order of the stages, and the result they make.
 *
 * One pass takes a dataset under a model through every stage: count
 * matrices; then per matrix specialisation, complexity, relatedness,
 * potentials and overlaps (the last four on matrices over detailed
 * classes, not on the baseline's broad aggregates), S3 domains; then the
 * score of each level; on the baseline, the learning partners
 * (learning.c).  s3_run makes the baseline pass and one pass per
 * scenario on the dataset under the scenario's overlay of changed records,
 * keeps each scenario's scores and its differences from the baseline, and makes
 * every output table once, at the end (tables.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "stages/stages.h"

void
s3i_mres_free(s3i_mres *r)
{
    if (!r)
        return;
    free(r->rs), free(r->cs), free(r->share), free(r->rca), free(r->rsca);
    free(r->m), free(r->rcab), free(r->pval), free(r->qval), free(r->rlo),
        free(r->rhi), free(r->div), free(r->krug), free(r->herf);
    free(r->entr), free(r->rv), free(r->uv), free(r->ubiq), free(r->gini);
    free(r->econ_cs), free(r->econ_es);
    free(r->row2), free(r->col2), free(r->pos2), free(r->mc);
    free(r->oc_start), free(r->oc_col);
    free(r->eci), free(r->ecir), free(r->coi), free(r->pci), free(r->pcir);
    free(r->prox), free(r->phi), free(r->uprox), free(r->rel);
    free(r->omega), free(r->cog), free(r->quad), free(r->orank);
    free(r->cos), free(r->jac), free(r->comp), free(r->clu_unit);
    free(r->clu_label), free(r->npart), free(r->part), free(r->dom);
    free(r->ptied);
    free(r->pspec), free(r->pideal), free(r->dlo), free(r->dhi);
    memset(r, 0, sizeof *r);
}

/* Free what a pass holds besides its scores. */
static void
pass_free_measures(s3i_pass *p)
{
    for (size_t i = 0; p->mr && i < p->nmx; i++)
        s3i_mres_free(&p->mr[i]);
    free(p->mr);
    p->mr = NULL;
    s3i_matrices_free(p->mx, p->nmx);
    p->mx = NULL;
    p->nmx = 0;
    s3i_domains_free(&p->dm);
    free(p->domover);
    p->domover = NULL;
}

void
s3i_store_take(s3i_store *st, s3i_pass *b)
{
    st->mx = b->mx, st->mr = b->mr, st->nmx = b->nmx;
    b->mx = NULL, b->mr = NULL, b->nmx = 0;
}

void
s3i_store_free(s3i_store *st)
{
    if (!st)
        return;
    for (size_t i = 0; st->mr && i < st->nmx; i++)
        s3i_mres_free(&st->mr[i]);
    free(st->mr);
    s3i_matrices_free(st->mx, st->nmx);
    for (size_t i = 0; i < st->nout; i++) {
        free(st->out[i].unit);
        free(st->out[i].pair);
        free(st->out[i].share);
        free(st->out[i].apart);
    }
    free(st->out);
    s3i_arena_free(&st->text);
    free(st);
}

void
s3i_pass_free(s3i_pass *p)
{
    if (!p)
        return;
    pass_free_measures(p);
    for (size_t l = 0; l < p->nsc; l++)
        s3i_sres_free(&p->sc[l]);
    p->nsc = 0;
    s3i_table_free(p->learning);
    p->learning = NULL;
}

/* The matrix of a level and kind, or NULL. */
static const s3i_mres *
find_matrix(const s3i_pass *p, int lv, int kind)
{
    for (size_t i = 0; i < p->nmx; i++)
        if (p->mx[i].lv == lv && p->mx[i].kind == kind)
            return &p->mr[i];
    return NULL;
}

/* Every stage on one count matrix. */
static s3_status
matrix_stages(s3_ctx *ctx, const s3i_pass *p, s3i_mres *r)
{
    const s3i_matrix *x = r->x;
    /* employees are not independent records: their test is their
     * firms', the tenants matrix of the same level and classes */
    const s3i_mres *firms = NULL;
    if (x->kind == S3I_KIND_EMPLOYEES || x->kind == S3I_KIND_EMPLOYEES_AGG)
        firms =
            find_matrix(p, x->lv,
                        x->kind == S3I_KIND_EMPLOYEES ? S3I_KIND_TENANTS
                                                      : S3I_KIND_TENANTS_AGG);
    s3_status rc = s3i_specialise(ctx, p->m, x, firms, r);
    if (!rc && x->complexity &&
        !(rc = s3i_complexity(ctx, p->m, r, p->notes)) &&
        !(rc = s3i_relatedness(ctx, p->m, r, p->notes)) &&
        !(rc = s3i_potentials(ctx, p->m, r, p->notes)))
        rc = s3i_overlaps(ctx, p->m, r, p->notes);
    if (!rc)
        rc = s3i_specialisation_notes(ctx, p->m, firms, r, p->notes);
    if (!rc && x->cooc && x->lv == S3I_LEVEL_CENTRE)
        rc = s3i_cooccurrence(ctx, r);
    if (!rc && p->dm.n)
        rc = s3i_domain_shares(ctx, p->d->ref, &p->dm, r);
    return rc;
}

s3_status
s3i_pass_run(s3_ctx *ctx, const s3_model *m, const s3i_input *in,
             const char *scenario, s3_table *notes, s3i_pass *p)
{
    const s3_dataset *d = in->d;
    memset(p, 0, sizeof *p);
    p->m = m;
    p->in = *in;
    p->d = d;
    p->scenario = scenario;
    p->notes = notes;
    int kind = d->generic                          ? S3I_KIND_INPUT
               : m->weight == S3I_WEIGHT_EMPLOYEES ? S3I_KIND_EMPLOYEES
                                                   : S3I_KIND_TENANTS;
    p->headline = d->generic                          ? "input"
                  : m->weight == S3I_WEIGHT_EMPLOYEES ? "employees"
                                                      : "tenants";
    s3_status rc = s3i_matrices_build(ctx, m, in, &p->mx, &p->nmx);
    if (!rc && !d->generic)
        rc = s3i_domains_resolve(ctx, m, d->ref, &p->dm);
    if (!rc && !(p->mr = calloc(p->nmx + 1, sizeof *p->mr)))
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->nmx && !rc; i++) {
        p->mr[i].x = &p->mx[i];
        rc = matrix_stages(ctx, p, &p->mr[i]);
        if (ctx->progress)
            ctx->progress(ctx->progress_user, "measures",
                          (double)(i + 1) / (double)p->nmx);
    }
    if (!rc && p->dm.n)
        rc = s3i_domain_overlap(ctx, in, &p->dm, &p->domover);
    /* the development-potential score, per level */
    static const struct {
        const char *name;
        int lv;
    } levels[] = {{"unit", S3I_LEVEL_UNIT},
                  {"centre", S3I_LEVEL_CENTRE},
                  {"subregion", S3I_LEVEL_SUBREGION}};
    for (size_t l = d->generic ? 0 : 1; l < (d->generic ? 1 : 3) && !rc; l++)
        rc = s3i_score(ctx, p, levels[l].name,
                       find_matrix(p, levels[l].lv, kind), notes,
                       &p->sc[p->nsc++]);
    if (!rc)
        rc = s3i_bootstrap(ctx, p);
    if (rc)
        s3i_pass_free(p);
    return rc;
}

/* ---- scenarios ---------------------------------------------------------- */

/* Run one scenario: its pass on its view of the dataset, its notes, its
 * differences from the baseline pass b; sp keeps its scores. */
static s3_status
run_scenario(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
             const char *name, const s3i_pass *b, s3_table *notes, s3i_pass *sp,
             s3i_deltas *deltas)
{
    char section[128];
    snprintf(section, sizeof section, "scenario.%s", name);
    s3_model *vm = NULL;
    s3i_overlay *ov = NULL;
    s3_table *scratch = s3i_table_new_like(notes, "notes");
    s3_status rc;
    memset(sp, 0, sizeof *sp);
    if (!scratch) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = s3i_model_variant(ctx, m, section, &vm)) ||
        (rc = s3i_overlay_new(ctx, d, vm, section, &ov)))
        goto done;
    s3i_input in = {.d = d,
                    .rec = &ov->rec,
                    .closed = ov->closed,
                    .into = ov->into,
                    .base = b->sc,
                    .nbase = b->nsc};
    if ((rc = s3i_pass_run(ctx, vm, &in, name, scratch, sp)))
        goto done;
    /* the scenario's own notes (changes made only in part); the notes of
     * its pass repeat the baseline's and are left out */
    for (size_t i = 0; i < s3_table_rows(ov->notes) && !rc; i++)
        if (s3i_note(notes, s3_table_text(ov->notes, i, 0),
                     s3_table_text(ov->notes, i, 1)))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (!rc)
        rc = s3i_scenario_deltas(ctx, b, sp, deltas);
done:
    /* only the scores outlive the scenario's model and overlay: their
     * unit ids are the base dataset's */
    pass_free_measures(sp);
    if (rc)
        s3i_pass_free(sp);
    s3i_table_free(scratch);
    s3i_overlay_free(ov);
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
    /* OpenBLAS on one thread: its products' last bits depend on how many
     * threads split them (dgemm at 226 x 785 differs between one and two),
     * so results would depend on the machine's cores.  The engine's own
     * workers (the bootstrap, the writers) use the cores instead. */
    openblas_set_num_threads(1);
    /* the named scenarios must exist */
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < nscen; i++) {
        char section[128];
        snprintf(section, sizeof section, "scenario.%s", scenarios[i]);
        int found = 0;
        for (size_t e = 0; e < m->nentries && !found; e++)
            found = !strcmp(m->entries[e].section, section);
        if (!found) {
            char have[600];
            s3i_model_scenarios(m, have, sizeof have);
            return s3i_fail(ctx, S3_EMODEL,
                            "the model '%s' defines no scenario '%s' (%s%s)",
                            m->name, scenarios[i],
                            *have ? "its scenarios: "
                                  : "it has no [scenario.NAME] sections",
                            have);
        }
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
    s3i_pass b = {0}, sp[64];
    s3i_deltas deltas = {0};
    size_t ns = 0;
    s3_result *r = calloc(1, sizeof *r);
    s3_table *notes = s3i_table_copy(d->log.notes);
    s3_status rc = S3_OK;
    if (!r || !notes) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3i_input in = s3i_input_of(d);
    if ((rc = s3i_pass_run(ctx, m, &in, "baseline", notes, &b)))
        goto done;
    /* learning partners: on the baseline's measures (potentials and
     * proximity), before the scenarios and the tables */
    if ((rc = s3i_learning(ctx, &b, &b.learning)))
        goto done;
    for (size_t i = 0; i < n && !rc; i++) {
        if (ctx->progress)
            ctx->progress(ctx->progress_user, names[i], 0.0);
        rc = run_scenario(ctx, m, d, names[i], &b, notes, &sp[i], &deltas);
        if (!rc)
            ns++;
    }
    if (!rc) {
        rc = s3i_tables_make(ctx, &b, sp, ns, &deltas, n > 0, notes, r);
        notes = NULL;      /* the result's now */
        b.learning = NULL; /* and so is this */
    }
    if (!rc) /* and the measures its views read */
        s3i_store_take(r->store, &b);
    if (!rc && d->desc.synthetic && !(r->synthetic = strdup(d->desc.banner)))
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
done:
    s3i_pass_free(&b);
    for (size_t i = 0; i < ns; i++)
        s3i_pass_free(&sp[i]);
    free(deltas.v);
    s3i_table_free(notes);
    if (rc) {
        s3_result_free(r);
        return rc;
    }
    *out = r;
    return S3_OK;
}

s3_status
s3_analyse(s3_ctx *ctx, const s3_model *m, const s3_dataset *d, s3_result **out)
{
    return run(ctx, m, d, NULL, 0, 0, out);
}

s3_status
s3_run(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
       const char *const *scenarios, size_t nscen, s3_result **out)
{
    if (nscen == S3_ALL_SCENARIOS)
        return run(ctx, m, d, NULL, 0, 1, out);
    return run(ctx, m, d, scenarios, nscen, 0, out);
}

/* What run() would refuse in the model, found without computing: the
 * domains' codes as the pass resolves them, and every scenario's variant
 * model and overlay as run_scenario builds them. */
s3_status
s3_model_check(s3_ctx *ctx, const s3_model *m, const s3_dataset *d)
{
    s3_status rc = S3_OK;
    if (!d->generic) {
        s3i_domains dm = {0};
        rc = s3i_domains_resolve(ctx, m, d->ref, &dm);
        s3i_domains_free(&dm);
    }
    for (size_t e = 0; e < m->nentries && !rc; e++) {
        if (!s3i_model_scenario_at(m, e))
            continue; /* not a scenario, or checked at its first key */
        const char *s = m->entries[e].section;
        s3_model *vm = NULL;
        s3i_overlay *ov = NULL;
        if (!(rc = s3i_model_variant(ctx, m, s, &vm)))
            rc = s3i_overlay_new(ctx, d, vm, s, &ov);
        s3i_overlay_free(ov);
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
    s3i_store_free(r->store);
    free(r->model_name);
    free(r->headline_matrix);
    free(r->synthetic);
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
