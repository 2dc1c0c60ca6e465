/*
 * fuzz_dataset — a whole dataset folder from one input.
 *
 * Input format (see tests/fuzz/README.md):
 *
 *   [#! SECTION.KEY=VALUE ...\n]     optional model line
 *   centres.csv bytes
 *   \n@@\n  tenants.csv bytes
 *   \n@@\n  patents.csv bytes
 *   \n@@\n  baseline.csv bytes
 *
 * The marker "\n@@\n" separates the files; the newline before it stays
 * with the file before.  Files after the last part are not written (so an
 * input without markers has only centres.csv); an empty part gives an empty
 * file.  Without a model line the model is s3_model_default() with the
 * dataset and reference folders set by s3_model_set_paths() and s3_analyse()
 * runs.  With a model line each SECTION.KEY=VALUE (the section may hold
 * dots: scenario.grow.add_tenants=A1 62.01 3) becomes a line of a model
 * file read by s3_model_load(), and s3_run() runs every scenario; a model
 * the loader refuses ends the input (that is fuzz_model's job).
 *
 * Every input must load or fail with a status and a message, analyse or
 * fail likewise, and never crash, leak or trip a sanitizer.  The result is
 * written as CSV into the temporary folder (output.c); S3FUZZ_WRITE=1 writes
 * the workbook too (xlsx.c, 2-3 times slower), S3FUZZ_WRITE=0 nothing.
 */
#include "fuzz_common.h"

static const char *const file_names[4] = {"centres.csv", "tenants.csv",
                                          "patents.csv", "baseline.csv"};

static const char MARK[] = "\n@@\n";
enum { MARKLEN = sizeof MARK - 1 };

/* Write the model line as a model file; 0 when written. */
static int
write_model(const char *dir, const char *line, size_t n, const char *ref)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/model.ini", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        fuzz_fail("cannot write %s", path);
    fprintf(f, "[model]\nname = fuzz\ndataset = %s\nreference = %s\n", dir,
            ref);
    /* tokens separated by blanks; a token "SECTION.KEY=VALUE" where VALUE
     * runs to the next token that holds a '=' after a '.' (so that values
     * may hold blanks: add_tenants=A1 62.01 3 employees=4) */
    char *buf = malloc(n + 1);
    if (!buf)
        fuzz_fail("out of memory");
    memcpy(buf, line, n);
    buf[n] = '\0';
    int ok = 1;
    int set_draws = 0;
    char *p = buf;
    /* sections in order of first appearance, each written once with all of
     * its keys: a model may not repeat a section */
    enum { MAXKEYS = 64 };
    char *sec[MAXKEYS], *key[MAXKEYS], *val[MAXKEYS];
    size_t nk = 0;
    while (*p && nk < MAXKEYS) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char *tok = p;
        char *eq = strchr(tok, '=');
        if (!eq) {
            ok = 0;
            break;
        }
        *eq = '\0';
        char *dot = strrchr(tok, '.');
        if (!dot || dot == tok || strchr(tok, ' ')) {
            ok = 0;
            break;
        }
        *dot = '\0';
        char *v = eq + 1;
        /* the value ends before the next " NAME.NAME=" */
        char *q = v, *end = NULL;
        while ((q = strchr(q, ' '))) {
            char *t = q + 1 + strspn(q + 1, " ");
            size_t w = strcspn(t, " =");
            if (t[w] == '=' && memchr(t, '.', w)) {
                end = q;
                break;
            }
            q++;
        }
        p = end ? end + 1 : v + strlen(v);
        if (end)
            *end = '\0';
        sec[nk] = tok;
        key[nk] = dot + 1;
        val[nk] = v;
        nk++;
        set_draws |= !strcmp(tok, "uncertainty") && !strcmp(dot + 1, "draws");
    }
    if (ok) {
        for (size_t i = 0; i < nk; i++) {
            if (!sec[i])
                continue;
            const char *s = sec[i];
            fprintf(f, "[%s]\n", s);
            for (size_t j = i; j < nk; j++)
                if (sec[j] && !strcmp(sec[j], s)) {
                    fprintf(f, "%s = %s\n", key[j], val[j]);
                    if (j != i)
                        sec[j] = NULL;
                }
            if (!strcmp(s, "uncertainty") && !set_draws)
                fprintf(f, "draws = %d\n", FUZZ_MAX_DRAWS);
            sec[i] = NULL;
            if (!strcmp(s, "uncertainty"))
                set_draws = 1;
        }
        if (!set_draws)
            fprintf(f, "[uncertainty]\ndraws = %d\n", FUZZ_MAX_DRAWS);
    }
    free(buf);
    fclose(f);
    return ok ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init_once();
    static const char ref[] = S3FUZZ_ROOT "/datasets/reference";
    fuzz_tmp tmp;
    const uint8_t *p = data, *end = data + size;
    const char *model_line = NULL;
    size_t model_len = 0;
    if (size >= 2 && p[0] == '#' && p[1] == '!') {
        const uint8_t *nl = memchr(p, '\n', size);
        if (!nl)
            return 0;
        model_line = (const char *)p + 2;
        model_len = (size_t)(nl - p) - 2;
        if (memchr(model_line, '\0', model_len) || model_len > 2000)
            return 0;
        p = nl + 1;
    }
    fuzz_model_not_utf8 = model_line && !s3i_utf8_valid(model_line, model_len);
    fuzz_tmp_make(&tmp);
    /* split into the four files */
    int part = 0;
    while (part < 4) {
        const uint8_t *m = NULL;
        for (const uint8_t *q = p; q + MARKLEN <= end; q++)
            if (*q == '\n' && memcmp(q, MARK, MARKLEN) == 0) {
                m = q;
                break;
            }
        const uint8_t *stop = m ? m + 1 : end; /* keep the newline */
        fuzz_write(tmp.dir, file_names[part], p, (size_t)(stop - p));
        part++;
        if (!m)
            break;
        p = m + MARKLEN;
    }

    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    s3_dataset *d = NULL;
    s3_status st;
    if (!ctx)
        fuzz_fail("s3_ctx_new failed");
    if (model_line) {
        if (write_model(tmp.dir, model_line, model_len, ref))
            goto done;
        char path[1024];
        snprintf(path, sizeof path, "%s/model.ini", tmp.dir);
        st = s3_model_load(ctx, path, &m);
        fuzz_check_status(ctx, st, "s3_model_load");
        if (st)
            goto done; /* the model line is not a model */
    } else {
        st = s3_model_default(ctx, &m);
        fuzz_check_status(ctx, st, "s3_model_default");
        if (st)
            fuzz_fail("s3_model_default failed: %s", s3_ctx_message(ctx));
        st = s3_model_set_paths(ctx, m, tmp.dir, ref);
        fuzz_check_status(ctx, st, "s3_model_set_paths");
        if (st)
            fuzz_fail("s3_model_set_paths failed: %s", s3_ctx_message(ctx));
    }
    fuzz_check_model(m);
    fuzz_small_draws(m);
    st = s3i_dataset_load_ref(ctx, m, fuzz_shared_ref(ref), &d);
    fuzz_check_status(ctx, st, "s3_dataset_load");
    if (st) {
        if (d)
            fuzz_fail("a failed load left a dataset");
        goto done;
    }
    if (!d)
        fuzz_fail("s3_dataset_load succeeded without a dataset");
    fuzz_check_quality(d, "s3_dataset_load");
    {
        const char *w = getenv("S3FUZZ_WRITE");
        char out[1024];
        snprintf(out, sizeof out, "%s/out", tmp.dir);
        int what = !w || !*w         ? S3_WRITE_CSV
                   : !strcmp(w, "1") ? S3_WRITE_ALL
                   : !strcmp(w, "0") ? 0
                                     : S3_WRITE_CSV;
        fuzz_analyse(ctx, m, d, model_line != NULL, what ? out : NULL, what);
    }
done:
    s3_dataset_free(d);
    s3_model_free(m);
    s3_ctx_free(ctx);
    fuzz_tmp_clean(&tmp);
    return 0;
}
