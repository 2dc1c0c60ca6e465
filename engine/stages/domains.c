/*
 * domains.c — the S3 domains stage.  A domain is a named set of NACE codes
 * (any level) and WIPO technology fields (F01-F35) from the model's
 * [domains] section; a class may belong to several domains.  A unit's
 * share of activity in a domain is counted on the finest codes the tenants
 * give, so a domain that names a class inside a division still counts
 * exactly; its RCA compares that share with the network's.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* ---- S3 domains --------------------------------------------------------- */

void
s3i_domains_free(s3i_domains *dm)
{
    if (!dm)
        return;
    free(dm->name);
    free(dm->nace_in);
    free(dm->field_in);
    memset(dm, 0, sizeof *dm);
}

s3_status
s3i_domains_resolve(s3_ctx *ctx, const s3_model *m, const s3i_ref *ref,
                    s3i_domains *dm)
{
    memset(dm, 0, sizeof *dm);
    size_t nn = ref->nnace, nf = ref->nfields, cap = 0;
    for (size_t e = 0; e < m->nentries; e++) {
        const s3i_entry *en = &m->entries[e];
        if (strcmp(en->section, "domains"))
            continue;
        size_t d;
        for (d = 0; d < dm->n; d++)
            if (strcmp(dm->name[d], en->key) == 0)
                break;
        if (d == dm->n) {
            /* a new domain: grow the arrays */
            if (s3i_reserve(&dm->name, &cap, dm->n + 1, sizeof(char *)))
                goto nomem;
            unsigned char *ni = realloc(dm->nace_in, (dm->n + 1) * nn + 1);
            if (!ni)
                goto nomem;
            dm->nace_in = ni;
            unsigned char *fi = realloc(dm->field_in, (dm->n + 1) * nf + 1);
            if (!fi)
                goto nomem;
            dm->field_in = fi;
            memset(dm->nace_in + dm->n * nn, 0, nn);
            memset(dm->field_in + dm->n * nf, 0, nf);
            dm->name[d] = en->key;
            dm->n++;
        }
        /* codes separated by blanks or commas */
        for (const char *p = en->value; *p;) {
            p += strspn(p, " ,\t");
            size_t l = strcspn(p, " ,\t");
            if (!l)
                break;
            char code[32];
            snprintf(code, sizeof code, "%.*s", (int)(l < 31 ? l : 31), p);
            p += l;
            if ((code[0] == 'F' || code[0] == 'f') &&
                isdigit((unsigned char)code[1])) {
                char *end;
                long f = strtol(code + 1, &end, 10);
                if (*end || f < 1 || (size_t)f > nf)
                    return s3i_fail(ctx, S3_EMODEL,
                                    "%s:%zu: [domains] %s: '%s' is not a WIPO "
                                    "field (F01-F%02zu)",
                                    m->path, en->line, en->key, code, nf);
                dm->field_in[d * nf + (size_t)f - 1] = 1;
                continue;
            }
            size_t c = s3i_nace_lookup(ref, code, strlen(code));
            if (c == S3I_NONE)
                return s3i_fail(ctx, S3_EMODEL,
                                "%s:%zu: [domains] %s: '%s' is not a NACE Rev. "
                                "2 code or a WIPO field (F01-F35)",
                                m->path, en->line, en->key, code);
            /* the code and everything inside it */
            for (size_t i = 0; i < nn; i++)
                for (size_t a = i; a != S3I_NONE; a = ref->nace_parent[a])
                    if (a == c) {
                        dm->nace_in[d * nn + i] = 1;
                        break;
                    }
        }
    }
    return S3_OK;
nomem:
    return s3i_fail(ctx, S3_ENOMEM, "out of memory");
}

int
s3i_domain_has(const s3i_domains *dm, const s3i_ref *ref, size_t k, size_t i)
{
    return i != S3I_NONE && dm->nace_in[k * ref->nnace + i];
}

/* Domain shares and RCAs of one matrix: for tenant matrices over the
 * finest codes (vx), for patents over the fields. */
s3_status
s3i_domain_shares(s3_ctx *ctx, const s3i_ref *ref, const s3i_domains *dm,
                  s3i_mres *r)
{
    const s3i_matrix *x = r->x;
    int patents = x->kind == S3I_KIND_PATENTS;
    int tenantlike =
        x->kind == S3I_KIND_TENANTS || x->kind == S3I_KIND_EMPLOYEES;
    if (!dm->n || (!patents && !tenantlike) || !x->vx)
        return S3_OK;
    size_t nr = x->nr, nc = x->nvc, nd = dm->n;
    double *v = s3i_calloc_big(nr * nd + 1, sizeof(double)),
           *tot = calloc(nr + 1, sizeof(double)),
           *dtot = calloc(nd + 1, sizeof(double));
    unsigned char *in = calloc(nc * nd + 1, 1);
    r->dom = s3i_malloc_big(3 * nr * nd + 1, sizeof(double));
    s3_status rc = S3_OK;
    if (!v || !tot || !dtot || !in || !r->dom) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    /* membership of each column of vx */
    for (size_t p = 0; p < nc; p++) {
        const char *code = x->col_of_vx ? x->col_of_vx[p] : x->col[p];
        for (size_t d = 0; d < nd; d++) {
            if (patents) {
                /* a patent column's key is its field's index */
                in[p * nd + d] = dm->field_in[d * ref->nfields + x->col_key[p]];
            } else {
                in[p * nd + d] = s3i_domain_has(
                    dm, ref, d, s3i_nace_lookup(ref, code, strlen(code)));
            }
        }
    }
    double all = 0.0;
    for (size_t c = 0; c < nr; c++)
        for (size_t p = 0; p < nc; p++) {
            double val = x->vx[c * nc + p];
            tot[c] += val;
            all += val;
            for (size_t d = 0; d < nd; d++)
                if (in[p * nd + d]) {
                    v[c * nd + d] += val;
                    dtot[d] += val;
                }
        }
    /* per unit and domain: value, share, rca */
    for (size_t c = 0; c < nr; c++)
        for (size_t d = 0; d < nd; d++) {
            double share = tot[c] > 0.0 ? v[c * nd + d] / tot[c] : NAN;
            double ref_share = all > 0.0 ? dtot[d] / all : NAN;
            double *o = r->dom + 3 * (c * nd + d);
            o[0] = v[c * nd + d];
            o[1] = share;
            o[2] = ref_share > 0.0 ? share / ref_share : NAN;
        }
done:
    free(v), free(tot), free(dtot), free(in);
    return rc;
}

s3_status
s3i_domain_overlap(s3_ctx *ctx, const s3i_input *in, const s3i_domains *dm,
                   double **out)
{
    const s3i_ref *ref = in->d->ref;
    const s3i_records *rec = in->rec;
    size_t np = dm->n * (dm->n > 0 ? dm->n - 1 : 0) / 2, i = 0;
    double *o = *out = malloc((3 * np + 1) * sizeof(double));
    if (!o)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    for (size_t a = 0; a < dm->n; a++)
        for (size_t b = a + 1; b < dm->n; b++, i++) {
            double classes = 0.0, fields = 0.0, tenants = 0.0;
            for (size_t k = 0; k < ref->nnace; k++)
                classes += ref->nace_level[k] == 4 &&
                           s3i_domain_has(dm, ref, a, k) &&
                           s3i_domain_has(dm, ref, b, k);
            for (size_t f = 0; f < ref->nfields; f++)
                fields += dm->field_in[a * ref->nfields + f] &&
                          dm->field_in[b * ref->nfields + f];
            for (size_t k = 0; k < rec->ntenants; k++) {
                size_t code = rec->tenants[k].nace;
                tenants += rec->tenants[k].active &&
                           s3i_domain_has(dm, ref, a, code) &&
                           s3i_domain_has(dm, ref, b, code);
            }
            o[3 * i] = classes;
            o[3 * i + 1] = fields;
            o[3 * i + 2] = tenants;
        }
    return S3_OK;
}
