/*
 * codecols.c — the code columns of the output tables (unit, class, their
 * pairs, partner, aggregate, region, centre_id, nuts3): what each holds,
 * for definitions.csv, and, where pandas or R would read one as numbers
 * ("01" becomes 1) or as missing ("NA", Namibia), a note in notes.csv with
 * the line that reads it as text.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stages/stages.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What each code column holds, for definitions.csv. */
static const struct {
    const char *name, *run, *analyse;
} CODE_HELP[] = {
    {"unit", "a unit: a centre's id (level centre) or a sub-region's name",
     "a unit: the input's own key"},
    {"unit_a", "a unit, as in unit", "a unit, as in unit"},
    {"unit_b", "a unit, as in unit", "a unit, as in unit"},
    {"partner", "a unit, as in unit", "a unit, as in unit"},
    {"class",
     "a class: a NACE Rev. 2 code with its section letter as Eurostat writes "
     "it (J62, C10.1, J62.01; a section alone: J), a WIPO technology field "
     "F01-F35, or a baseline sector aggregate (B-E)",
     "a class: the input's own key"},
    {"class_a", "a class, as in class", "a class, as in class"},
    {"class_b", "a class, as in class", "a class, as in class"},
    {"aggregate",
     "a baseline sector aggregate: a NACE section (C) or range (B-E)", ""},
    {"centre_id", "a centre's id, as unit at level centre", ""},
    {"nuts3", "a NUTS 2021 region code", ""},
    {"region", "the unit's baseline region: a NUTS code or a sub-region", ""},
};

/* Whether pandas or R would read s as a number (1: Python float()'s
 * syntax, digits, sign, point, exponent, inf, nan) or a logical (2: R's
 * TRUE/FALSE/T/F, pandas' True/False); 0: text.  A column is read as
 * numbers only if every value is a number, as logical only if every value
 * is a logical: "F" beside "G-I" stays text, and "F" alone is no number. */
/* a == b ignoring ASCII case (not the locale's) */
static int
same_ascii_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        if (x != *b)
            return 0;
    }
    return *a == *b;
}

static int
reads_as_number(const char *s)
{
    static const char *const words[] = {
        "inf", "+inf", "-inf",  "infinity", "+infinity", "-infinity",
        "nan", "true", "false", "t",        "f"};
    if (!*s || !strchr("+-.0123456789iInNtTfF", *s))
        return 0; /* a code such as "U0001": no need to look further */
    for (size_t i = 0; i < N(words); i++)
        if (same_ascii_nocase(s, words[i]))
            return i < 7 ? 1 : 2; /* inf, nan: numbers; the rest logical */
    const char *p = s + (*s == '+' || *s == '-');
    size_t nd = strspn(p, "0123456789");
    p += nd;
    if (*p == '.') {
        size_t nf = strspn(p + 1, "0123456789");
        nd += nf;
        p += 1 + nf;
    }
    if (nd == 0)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '+' || p[1] == '-');
        size_t ne = strspn(p, "0123456789");
        if (ne == 0)
            return 0;
        p += ne;
    }
    return *p == '\0';
}

/* Whether pandas (default na_values) or R (na.strings "NA") read s as a
 * missing value. */
static int
reads_as_missing(const char *s)
{
    static const char *const na[] = {
        "#N/A", "#N/A N/A", "#NA",     "-1.#IND", "-1.#QNAN", "-NaN",
        "-nan", "1.#IND",   "1.#QNAN", "<NA>",    "N/A",      "NA",
        "NULL", "NaN",      "None",    "n/a",     "nan",      "null"};
    if (!*s || !strchr("#-1<Nn", *s)) /* none of them starts otherwise */
        return 0;
    for (size_t i = 0; i < N(na); i++)
        if (!strcmp(s, na[i]))
            return 1;
    return 0;
}

/* The distinct names of the code columns of t[0..n), in order of first
 * appearance, with which of them pandas or R would read as numbers (all
 * their values numbers: "01" becomes 1) or with values read as missing
 * ("NA", Namibia's code), and the first such value of each kind. */
typedef struct {
    const char *name[16];
    unsigned char numeric[16], missing[16], logical[16];
    size_t n;
    const char *num_example, *na_example, *lgl_example;
} code_cols;

/* Texts remembered per code column (a prime: pointers are aligned). */
enum { CODE_CACHE = 1021 };

/* The scan of one code column of one table: the texts it holds, in the
 * order of their first appearance (s3i_table_code_texts: a view gives
 * each of a grid's units and classes once, a stored table every row).
 * Whether a column reads as numbers depends only on which kinds of text
 * it holds, and the examples on the first of each kind, so texts met
 * again change nothing: a small cache remembers them by pointer (a table
 * keeps each short text once, and a view hands out its own). */
typedef struct {
    code_cols *cc;
    size_t k;
    size_t filled, cnt[3];
    const char *example[3];
    const char *seen[CODE_CACHE];
    unsigned char seen_kind[CODE_CACHE];
} code_scan;

static void
scan_text(const char *v, void *user)
{
    code_scan *sc = user;
    code_cols *cc = sc->cc;
    if (!*v)
        return;
    sc->filled++;
    size_t h = ((uintptr_t)v >> 3) % CODE_CACHE;
    if (sc->seen[h] == v) {
        sc->cnt[sc->seen_kind[h]]++;
        return;
    }
    int kind = 0;
    if (reads_as_missing(v)) {
        cc->missing[sc->k] = 1;
        if (!cc->na_example)
            cc->na_example = v;
    } else if ((kind = reads_as_number(v)) != 0) {
        const char *e = sc->example[kind];
        if (!e || (v[0] == '0' && e[0] != '0'))
            sc->example[kind] = v;
    }
    sc->seen[h] = v;
    sc->seen_kind[h] = (unsigned char)kind;
    sc->cnt[kind]++;
}

static void
scan_codes(s3_table *const *t, size_t n, code_cols *cc)
{
    memset(cc, 0, sizeof *cc);
    code_scan scan, *sc = &scan; /* 9 KB */
    for (size_t i = 0; i < n; i++) {
        if (!t[i] || !s3_table_rows(t[i]))
            continue;
        for (size_t c = 0; c < s3_table_cols(t[i]); c++) {
            if (s3_table_col_type(t[i], c) != S3_COL_CODE)
                continue;
            const char *name = s3_table_col_name(t[i], c);
            size_t k = 0;
            while (k < cc->n && strcmp(cc->name[k], name))
                k++;
            if (k == cc->n) {
                if (cc->n == N(cc->name))
                    continue;
                cc->name[cc->n++] = name;
            }
            memset(sc, 0, sizeof *sc);
            sc->cc = cc;
            sc->k = k;
            s3i_table_code_texts(t[i], c, scan_text, sc);
            /* a column of numbers (or of logicals; and missing values) is
             * read as numbers (as logical) */
            size_t filled = sc->filled, *cnt = sc->cnt;
            for (int kind = 1; kind <= 2; kind++) {
                size_t nk = cnt[kind];
                if (nk == 0 ||
                    nk + (cc->missing[k] ? filled - nk : 0) != filled ||
                    (cc->missing[k] && cnt[3 - kind] > 0))
                    continue;
                const char **ex =
                    kind == 1 ? &cc->num_example : &cc->lgl_example;
                (kind == 1 ? cc->numeric : cc->logical)[k] = 1;
                if (!*ex || (sc->example[kind][0] == '0' && (*ex)[0] != '0'))
                    *ex = sc->example[kind];
            }
        }
    }
}

/* The code columns in definitions.csv. */
static int
code_definitions(s3_table *t, const code_cols *cc, int generic)
{
    for (size_t k = 0; k < cc->n; k++) {
        const char *help = "";
        for (size_t i = 0; i < N(CODE_HELP); i++)
            if (!strcmp(CODE_HELP[i].name, cc->name[k]))
                help = generic ? CODE_HELP[i].analyse : CODE_HELP[i].run;
        char def[400];
        snprintf(def, sizeof def,
                 "%s%stext: a key to join on, to be read as "
                 "text",
                 help, *help ? "; " : "");
        s3i_val v[] = {S3I_TEXT("code column"), S3I_TEXT(cc->name[k]),
                       S3I_TEXT(def)};
        if (s3i_table_append(t, v, N(v)))
            return -1;
    }
    return 0;
}

/* Notes on code columns that pandas or R would not read as the text they
 * are, each with the line that reads them as text. */
static int
code_notes(s3_table *notes, const code_cols *cc)
{
    char names[256], py[512], rb[512], rr[512], msg[2048];
    for (int kind = 0; kind < 3; kind++) {
        const unsigned char *flag = kind == 2   ? cc->logical
                                    : kind == 1 ? cc->missing
                                                : cc->numeric;
        size_t ln = 0, lp = 0, lb = 0, lr = 0, m = 0;
        names[0] = py[0] = rb[0] = rr[0] = '\0';
        for (size_t k = 0; k < cc->n; k++) {
            if (!flag[k])
                continue;
            const char *s = m++ ? ", " : "";
            ln += (size_t)snprintf(names + ln, sizeof names - ln, "%s%s", s,
                                   cc->name[k]);
            lp += (size_t)snprintf(py + lp, sizeof py - lp, "%s\"%s\": str", s,
                                   cc->name[k]);
            lb += (size_t)snprintf(rb + lb, sizeof rb - lb,
                                   "%s%s = \"character\"", s, cc->name[k]);
            lr += (size_t)snprintf(rr + lr, sizeof rr - lr, "%s%s = \"c\"", s,
                                   cc->name[k]);
            if (ln >= sizeof names || lp >= sizeof py || lb >= sizeof rb ||
                lr >= sizeof rr)
                return -1;
        }
        if (!m)
            continue;
        if (kind == 0)
            snprintf(msg, sizeof msg,
                     "code column%s %s hold%s only numbers (such as '%s'): "
                     "pandas and R read %s as numbers (leading zeros lost, "
                     "joins fail); read as text: pd.read_csv(f, dtype={%s}); "
                     "R: read.csv(f, colClasses = c(%s)), or "
                     "readr::read_csv(f, col_types = readr::cols(%s))",
                     m > 1 ? "s" : "", names, m > 1 ? "" : "s", cc->num_example,
                     m > 1 ? "them" : "it", py, rb, rr);
        else if (kind == 2)
            snprintf(msg, sizeof msg,
                     "code column%s %s hold%s only values such as '%s', "
                     "which R reads as logical (TRUE/FALSE), and pandas "
                     "too where they are True or False; read as text: "
                     "pd.read_csv(f, dtype={%s}); R: read.csv(f, colClasses "
                     "= c(%s)), or readr::read_csv(f, col_types = "
                     "readr::cols(%s))",
                     m > 1 ? "s" : "", names, m > 1 ? "" : "s", cc->lgl_example,
                     py, rb, rr);
        else
            snprintf(msg, sizeof msg,
                     "code column%s %s hold%s '%s', which pandas and R read "
                     "as a missing value; read it as text: pd.read_csv(f, "
                     "keep_default_na=False, na_values=[\"\"]); R: "
                     "read.csv(f, na.strings = \"\"), or readr::read_csv(f, "
                     "na = \"\")",
                     m > 1 ? "s" : "", names, m > 1 ? "" : "s", cc->na_example);
        if (s3i_note(notes, "csv", msg))
            return -1;
    }
    return 0;
}

int
s3i_code_columns(s3_table *const *t, size_t n, s3_table *defs, s3_table *notes,
                 int generic)
{
    code_cols cc;
    scan_codes(t, n, &cc);
    return code_definitions(defs, &cc, generic) || code_notes(notes, &cc);
}
