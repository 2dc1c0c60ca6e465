/*
 * centres.c — centres.csv: the units of the analysis.
 *
 * One row per centre: centre_id, name and sub-region are required;
 * nuts3, municipality, type, opened, floor_area_m2, lat and lon are
 * optional (the numbers are checked for range; opened and the area are
 * then not kept).  lat and lon, in decimal degrees, are the centre's
 * position for the workbook's map: both empty is "no position", one of
 * the two alone an error (a slip, not a position).  Centre ids
 * are unique: a repeated id stops the load, since tenants and patents name
 * their centre by it.  The sub-regions are interned as they first appear,
 * each with one NUTS-3 code: two centres of one sub-region with different
 * codes are an error, as the baseline is looked up by that code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/load.h"

enum {
    CE_ID,
    CE_NAME,
    CE_SUB,
    CE_NUTS3,
    CE_MUNI,
    CE_TYPE,
    CE_OPENED,
    CE_AREA,
    CE_LAT,
    CE_LON,
    CE_N
};

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    s3i_counts c;
    size_t col[CE_N];
    size_t cap_id, cap_name, cap_sub, cap_nuts, cap_subidx, cap_sn, cap_snu;
    size_t cap_lat, cap_lon;
    s3i_map sub_map;
} centres_state;

static const s3i_colreq want[CE_N] = {
    {"centre_id", 1},    {"name", 1}, {"subregion", 1}, {"nuts3", 0},
    {"municipality", 0}, {"type", 0}, {"opened", 0},    {"floor_area_m2", 0},
    {"lat", 0},          {"lon", 0}};

const s3i_file_columns s3i_centres_columns = {"centres.csv", want, CE_N};

static s3_status
centres_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    centres_state *st = u;
    return s3i_map_columns(st->ctx, st->d, r, n, f, want, CE_N, st->col);
}

static int
push(void *v, size_t *cap, size_t n, size_t es)
{
    return s3i_reserve(v, cap, n + 1, es);
}

static s3_status
centres_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    centres_state *st = u;
    s3_ctx *ctx = st->ctx;
    s3_dataset *d = st->d;
    const char *id = S3I_FIELD(st, f, CE_ID), *sub = S3I_FIELD(st, f, CE_SUB);
    const char *nuts = S3I_FIELD(st, f, CE_NUTS3);
    if (!*id)
        return s3i_csv_fail(ctx, r, st->col[CE_ID], id, "is empty");
    if (!*sub)
        return s3i_csv_fail(ctx, r, st->col[CE_SUB], sub, "is empty");
    double v, lat, lon;
    s3_status rc;
    if ((rc = s3i_year_field(ctx, r, &st->c, st->col[CE_OPENED], "opened",
                             S3I_FIELD(st, f, CE_OPENED), &v)) ||
        (rc = s3i_number_field(ctx, r, st->col[CE_AREA],
                               S3I_FIELD(st, f, CE_AREA), 1, 0, 1e9, &v)) ||
        (rc = s3i_number_field(ctx, r, st->col[CE_LAT],
                               S3I_FIELD(st, f, CE_LAT), 1, -90, 90, &lat)) ||
        (rc = s3i_number_field(ctx, r, st->col[CE_LON],
                               S3I_FIELD(st, f, CE_LON), 1, -180, 180, &lon)))
        return rc;
    /* one of the two alone: the error names the one given (the other's
     * column may be absent) */
    if (isnan(lat) != isnan(lon)) {
        int k = isnan(lat) ? CE_LON : CE_LAT;
        return s3i_csv_fail(ctx, r, st->col[k], S3I_FIELD(st, f, k),
                            k == CE_LAT ? "is given but lon is empty: a "
                                          "position needs both"
                                        : "is given but lat is empty: a "
                                          "position needs both");
    }
    /* the sub-region's NUTS-3 code is checked before the row changes
     * anything, so that the read can go on after an error */
    size_t s = s3i_map_get(&st->sub_map, sub, strlen(sub));
    if (s != S3I_NONE && strcmp(d->units.sub_nuts3[s], nuts) != 0) {
        char what[160];
        snprintf(what, sizeof what,
                 "differs from the code '%.40s' another centre of sub-region "
                 "'%.40s' has",
                 d->units.sub_nuts3[s], sub);
        return s3i_csv_fail(ctx, r, st->col[CE_NUTS3], nuts, what);
    }
    size_t i = d->units.n;
    char *cid = s3i_arena_strdup(&d->arena, id);
    if (!cid)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    size_t had = s3i_map_put(&d->units.map, cid, strlen(cid), i);
    if (had == S3I_NONE)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (had != i)
        return s3i_csv_fail(ctx, r, st->col[CE_ID], id,
                            "appears twice: centre ids must be unique");
    int added;
    if (s3i_idtab_add(&d->units.ids, cid, strlen(cid), &added) != i)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    /* sub-region, with one NUTS-3 code each */
    if (s == S3I_NONE) {
        s = d->units.nsub;
        char *sn = s3i_arena_strdup(&d->arena, sub);
        char *sc = s3i_arena_strdup(&d->arena, nuts);
        if (!sn || !sc ||
            push(&d->units.sub_name, &st->cap_sn, s, sizeof(char *)) ||
            push(&d->units.sub_nuts3, &st->cap_snu, s, sizeof(char *)) ||
            s3i_map_put(&st->sub_map, sn, strlen(sn), s) == S3I_NONE)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        d->units.sub_name[s] = sn;
        d->units.sub_nuts3[s] = sc;
        d->units.nsub++;
    }
    if (push(&d->units.id, &st->cap_id, i, sizeof(char *)) ||
        push(&d->units.name, &st->cap_name, i, sizeof(char *)) ||
        push(&d->units.nuts3, &st->cap_nuts, i, sizeof(char *)) ||
        push(&d->units.sub, &st->cap_sub, i, sizeof(char *)) ||
        push(&d->units.subidx, &st->cap_subidx, i, sizeof(size_t)) ||
        push(&d->units.lat, &st->cap_lat, i, sizeof(double)) ||
        push(&d->units.lon, &st->cap_lon, i, sizeof(double)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    d->units.id[i] = cid;
    d->units.name[i] = s3i_arena_strdup(&d->arena, S3I_FIELD(st, f, CE_NAME));
    d->units.nuts3[i] = d->units.sub_nuts3[s];
    d->units.sub[i] = d->units.sub_name[s];
    d->units.subidx[i] = s;
    d->units.lat[i] = lat;
    d->units.lon[i] = lon;
    if (!d->units.name[i])
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    d->units.n++;
    st->c.used++;
    return S3_OK;
}

s3_status
s3i_load_centres(s3_ctx *ctx, s3_dataset *d, const char *dir)
{
    centres_state cs = {.ctx = ctx,
                        .d = d,
                        .c = {.file = "centres.csv", .log = d->log.warnings}};
    s3_status rc = s3i_read_file(ctx, d, dir, "centres.csv", centres_header,
                                 centres_row, &cs, &cs.c, NULL);
    /* the ids are complete: build their hash slots now (ids that arrived
     * sorted have none) for the many lookups of tenants and patents */
    if (!rc && s3i_idtab_hash_all(&d->units.ids))
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3i_map_free(&cs.sub_map);
    return rc;
}
