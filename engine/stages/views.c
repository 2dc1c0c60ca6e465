/*
 * views.c — the unit × class and pair tables as views (s3i_table_view):
 * their rows
 * are made from the baseline's typed results when they are read, so that
 * a run at European scale does not hold its largest tables twice, as
 * results and as cells.  The store keeps those results, and copies of the
 * texts the rows show, as long as the result.
 */
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

const char *
s3i_store_text(s3i_store *st, const char *s)
{
    return s && *s ? s3i_arena_strdup(&st->text, s) : "";
}

s3i_grid *
s3i_grid_new(const s3i_pass *b, s3i_store *st, int complexity_only,
             const int *ids, size_t nids)
{
    /* one allocation: the grid, its blocks, then their text arrays */
    size_t n = 0, ntext = 0;
    for (size_t i = 0; i < b->nmx; i++)
        if (!complexity_only || b->mr[i].x->complexity) {
            n++;
            ntext += 2 * (b->mr[i].x->nr + b->mr[i].x->nc);
        }
    s3i_grid *g = calloc(1, sizeof *g + n * sizeof g->b[0] +
                                ntext * sizeof(const char *));
    if (!g || nids > sizeof g->ids / sizeof g->ids[0]) {
        free(g);
        return NULL;
    }
    if (nids) /* ids may be NULL then */
        memcpy(g->ids, ids, nids * sizeof *ids);
    g->nids = nids;
    const char **text = (const char **)(g->b + n);
    int fail = 0;
    for (size_t i = 0; i < b->nmx && !fail; i++) {
        const s3i_mres *r = &b->mr[i];
        const s3i_matrix *x = r->x;
        if (complexity_only && !x->complexity)
            continue;
        s3i_grid_block *k = &g->b[g->n++];
        k->r = r;
        k->unit = text, text += x->nr;
        k->unit_name = text, text += x->nr;
        k->cls = text, text += x->nc;
        k->label = text, text += x->nc;
        fail = !(k->level = s3i_store_text(st, x->level)) ||
               !(k->name = s3i_store_text(st, x->name));
        for (size_t c = 0; c < x->nr && !fail; c++)
            fail = !(k->unit[c] = s3i_store_text(st, x->row[c])) ||
                   !(k->unit_name[c] = s3i_store_text(
                         st,
                         s3i_unit_name(b->d, x->lv, x->row_key[c], x->row[c])));
        for (size_t p = 0; p < x->nc && !fail; p++)
            fail = !(k->cls[p] = s3i_store_text(st, x->col[p])) ||
                   !(k->label[p] = s3i_store_text(st, s3i_class_label(x, p)));
    }
    if (fail) {
        free(g);
        return NULL;
    }
    return g;
}

uint32_t *
s3i_pair_list(size_t n, const unsigned char *keep, int ordered, size_t *count)
{
    *count = 0;
    if (n > UINT32_MAX)
        return NULL;
    size_t max = ordered ? n * (n - 1) : n * (n - 1) / 2;
    uint32_t *v = s3i_malloc_big((max ? max : 1) * 2, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = ordered ? 0 : i + 1; j < n; j++) {
            if (i == j ||
                (keep && !keep[i * n + j] && (ordered || !keep[j * n + i])))
                continue;
            v[2 * k] = (uint32_t)i;
            v[2 * k + 1] = (uint32_t)j;
            k++;
        }
    *count = k;
    return v;
}
