/*
 * fuzz_long — one long table "unit, class, value" (CSV with ',' or ';', TSV,
 * or a Eurostat bulk TSV file) from the input bytes, through
 * s3_dataset_load_long() and, when it loads, s3_analyse().
 *
 * The column names are fixed: unit "geo", class "nace_r2", value "2018";
 * every input is read twice, without a filter and with the filter
 * "unit=THS" (a column, or a Eurostat dimension, named "unit").  The seeds
 * in corpus/fuzz_long use these names.
 */
#include "fuzz_common.h"

static void
one(const char *path, const char *const *where, size_t nwhere)
{
    static const char ref[] = S3FUZZ_ROOT "/datasets/reference";
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    s3_dataset *d = NULL;
    if (!ctx)
        fuzz_fail("s3_ctx_new failed");
    s3_status st = s3_model_default(ctx, &m);
    if (st)
        fuzz_fail("s3_model_default failed: %s", s3_ctx_message(ctx));
    if ((st = s3_model_set_paths(ctx, m, NULL, ref)))
        fuzz_fail("s3_model_set_paths failed: %s", s3_ctx_message(ctx));
    fuzz_small_draws(m);
    s3_long_options opt = {.unit_col = "geo",
                           .class_col = "nace_r2",
                           .value_col = "2018",
                           .where = where,
                           .nwhere = nwhere};
    st =
        s3i_dataset_load_long_ref(ctx, path, &opt, m, fuzz_shared_ref(ref), &d);
    fuzz_check_status(ctx, st, "s3_dataset_load_long");
    if (st == S3_OK) {
        if (!d)
            fuzz_fail("s3_dataset_load_long succeeded without a dataset");
        fuzz_check_quality(d, "s3_dataset_load_long");
        fuzz_analyse(ctx, m, d, 0, NULL, 0);
    } else if (d) {
        fuzz_fail("a failed load left a dataset");
    }
    s3_dataset_free(d);
    s3_model_free(m);
    s3_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init_once();
    fuzz_tmp tmp;
    fuzz_tmp_make(&tmp);
    /* the name decides nothing (the reader detects the separator from the
     * header), but Eurostat files are .tsv */
    fuzz_write(tmp.dir, "table.tsv", data, size);
    char path[1024];
    snprintf(path, sizeof path, "%s/table.tsv", tmp.dir);
    static const char *const where[] = {"unit=THS"};
    one(path, NULL, 0);
    one(path, where, 1);
    fuzz_tmp_clean(&tmp);
    return 0;
}
