/*
 * catalogue.c — the list of measures (catalogue.h) as the public API
 * gives it: `s3engine measures`, the method sheet.
 */
#include <stddef.h>

#include "stages/catalogue.h"
#include "stages/stages.h"

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
