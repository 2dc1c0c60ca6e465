/*
 * fuzz_model — the input bytes as a model file (.ini) through
 * s3_model_load().  A model that loads is then run, as `s3engine run` would,
 * on the hand-made dataset datasets/small (its dataset and reference
 * folders replaced by s3_model_set_paths(), the Monte Carlo kept small),
 * with every scenario it defines: the scenario actions and parameter
 * changes are only interpreted there.  S3FUZZ_MODEL_RUN=0 stops after the
 * load.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init_once();
    static const char ref[] = S3FUZZ_ROOT "/datasets/reference";
    static const char small[] = S3FUZZ_ROOT "/datasets/small";
    static int run = -1;
    if (run < 0) {
        const char *e = getenv("S3FUZZ_MODEL_RUN");
        run = !(e && !strcmp(e, "0"));
    }
    fuzz_model_not_utf8 = !s3i_utf8_valid((const char *)data, size);
    fuzz_tmp tmp;
    fuzz_tmp_make(&tmp);
    fuzz_write(tmp.dir, "model.ini", data, size);
    char path[1024];
    snprintf(path, sizeof path, "%s/model.ini", tmp.dir);

    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    s3_dataset *d = NULL;
    if (!ctx)
        fuzz_fail("s3_ctx_new failed");
    s3_status st = s3_model_load(ctx, path, &m);
    fuzz_check_status(ctx, st, "s3_model_load");
    if (st) {
        if (m)
            fuzz_fail("a failed model load left a model");
        goto done;
    }
    if (!m)
        fuzz_fail("s3_model_load succeeded without a model");
    fuzz_check_model(m);
    if (!run)
        goto done;
    if ((st = s3_model_set_paths(ctx, m, small, ref)))
        fuzz_fail("s3_model_set_paths failed: %s", s3_ctx_message(ctx));
    fuzz_small_draws(m);
    st = s3i_dataset_load_ref(ctx, m, fuzz_shared_ref(ref), &d);
    fuzz_check_status(ctx, st, "s3_dataset_load");
    if (st == S3_OK) {
        fuzz_check_quality(d, "s3_dataset_load");
        fuzz_analyse(ctx, m, d, 1, NULL, 0);
    }
done:
    s3_dataset_free(d);
    s3_model_free(m);
    s3_ctx_free(ctx);
    fuzz_tmp_clean(&tmp);
    return 0;
}
