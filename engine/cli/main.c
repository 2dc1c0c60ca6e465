/*
 * main.c — the s3engine command-line tool.  It uses the public API only
 * (s3.h) and decides what to print and how to exit:
 *   0 success, 2 usage error, 3 bad input data or model, 1 anything else.
 *
 * Every option is one row of OPTIONS; the same table parses the command
 * line and generates --help and the manual page (s3engine --manpage).
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "s3.h"

enum {
    CMD_RUN = 1,
    CMD_CHECK = 2,
    CMD_ANALYSE = 4,
    CMD_MEASURES = 8,
    CMD_GENERATE = 16
};

typedef struct {
    const char *name, *usage, *help;
} command_info;

static const command_info commands[] = {
    {"run", "[--data DIR] [--model FILE] [--out DIR] [--scenario NAME]...",
     "Analyse a dataset with a model and write OUT/briefing.xlsx and "
     "OUT/csv/. With no options: the shipped Ruhr dataset, models/ruhr.ini, "
     "out/ruhr."},
    {"check", "[--data DIR] [--model FILE]",
     "Validate the model and the dataset without computing; print the row "
     "reconciliation per file."},
    {"analyse",
     "--input FILE --unit COL --class COL --value COL [--where COL=VALUE]... "
     "[--nuts-level N] [--label COL] [--keep-aggregates] [--out DIR]",
     "Run the same measures on any long table (one row per unit, class and "
     "value; ',' ';' or tab separated) or Eurostat bulk TSV file (unit and "
     "class are dimensions, value a period)."},
    {"measures", "", "List the measures with their definitions."},
    {"generate", "--out DIR [--seed N] [--units N] [--tenants N] [--patents N]",
     "Write a seeded synthetic dataset of any size (for benchmarks and "
     "scale tests)."},
};

/* long name, argument, commands it applies to, help */
#define OPTIONS(X)                                                             \
    X(data, "DIR", CMD_RUN | CMD_CHECK,                                        \
      "dataset folder (default: the one the model names)")                     \
    X(model, "FILE", CMD_RUN | CMD_CHECK | CMD_ANALYSE,                        \
      "model file (default: models/ruhr.ini; for analyse: defaults)")          \
    X(reference, "DIR", CMD_RUN | CMD_CHECK | CMD_ANALYSE | CMD_GENERATE,      \
      "folder of reference classifications (default: the model's, else "       \
      "datasets/reference)")                                                   \
    X(out, "DIR", CMD_RUN | CMD_ANALYSE | CMD_GENERATE,                        \
      "output folder (default: out/<model name>, or out/analyse)")             \
    X(scenario, "NAME", CMD_RUN,                                               \
      "run only this scenario of the model besides the baseline (repeatable;"  \
      " default: all of them)")                                                \
    X(input, "FILE", CMD_ANALYSE, "the long table to analyse")                 \
    X(unit, "COL", CMD_ANALYSE, "column naming the unit (region, country)")    \
    X(class, "COL", CMD_ANALYSE, "column naming the class (sector, product)")  \
    X(value, "COL", CMD_ANALYSE,                                               \
      "column holding the count or value (for a Eurostat TSV: a period, "      \
      "e.g. 2018)")                                                            \
    X(where, "COL=VALUE", CMD_ANALYSE,                                         \
      "use only rows whose column (or Eurostat dimension) holds VALUE; "       \
      "COL=A,B: one of the list; COL!=X,Y: none of it (repeatable: ORed on "   \
      "one column, ANDed across columns)")                                     \
    X(nuts_level, "N", CMD_ANALYSE,                                            \
      "keep only the units of NUTS level N (0 countries to 3), without "       \
      "extra-regio codes (DEZ, DEZZ, DEZZZ)")                                  \
    X(label, "COL", CMD_ANALYSE,                                               \
      "column (or Eurostat dimension) naming the units, e.g. geo_label: "      \
      "the unit_name of the outputs")                                          \
    X(keep_aggregates, NULL, CMD_ANALYSE,                                      \
      "keep classes that are aggregates of others in the data (TOTAL, B-E "    \
      "holding C); by default they are left out with a warning")               \
    X(set, "NAME=VALUE", CMD_RUN | CMD_CHECK | CMD_ANALYSE,                    \
      "set a model parameter for this run, e.g. "                              \
      "specialisation.threshold=1.2 (repeatable; parameters.csv lists them)")  \
    X(pairs, "MODE", CMD_RUN | CMD_ANALYSE,                                    \
      "pair tables (similarity, proximity, outranking): auto (every pair up "  \
      "to 500,000 per matrix, else each unit's or class's 20 nearest), all "   \
      "or top; the same as --set output.pairs=MODE")                           \
    X(cells, "MODE", CMD_RUN | CMD_ANALYSE,                                    \
      "unit x class tables (specialisation, potentials): auto (every cell up " \
      "to 500,000 per matrix, else the cells with a value, and each unit's "   \
      "specialisations and 50 best-ranked opportunities), all or top; the "    \
      "same as --set output.cells=MODE")                                       \
    X(csv_only, NULL, CMD_RUN | CMD_ANALYSE, "write the CSV tables only")      \
    X(german_csv, NULL, CMD_RUN | CMD_ANALYSE,                                 \
      "CSV for German spreadsheets: ';' separator, decimal comma, UTF-8 BOM")  \
    X(seed, "N", CMD_GENERATE, "seed of the generator (default 20261126)")     \
    X(units, "N", CMD_GENERATE, "centres or regions (default 1200)")           \
    X(tenants, "N", CMD_GENERATE, "tenant rows (default 2000000)")             \
    X(patents, "N", CMD_GENERATE, "patent-class rows (default 20000000)")      \
    X(threads, "N", CMD_RUN | CMD_CHECK | CMD_ANALYSE,                         \
      "threads to use (default: up to 2; outputs do not depend on it)")        \
    X(quiet, NULL, CMD_RUN | CMD_CHECK | CMD_ANALYSE, "print errors only")

enum {
#define X(n, a, c, h) OPT_##n,
    OPTIONS(X)
#undef X
        NOPTIONS
};

typedef struct {
    const char *name, *arg;
    int cmds;
    const char *help;
} option_info;

static const option_info options[] = {
#define X(n, a, c, h) {#n, a, c, h},
    OPTIONS(X)
#undef X
};

/* The option's spelling on the command line: csv_only → --csv-only. */
static void
spelling(const char *name, char out[32])
{
    size_t i = 0;
    for (; name[i] && i < 31; i++)
        out[i] = name[i] == '_' ? '-' : name[i];
    out[i] = '\0';
}

static void
print_help(FILE *f, const command_info *c, int mask)
{
    if (!c) {
        fprintf(f,
                "s3engine %s: smart-specialisation analytics\n\n"
                "usage: s3engine COMMAND [options]\n\ncommands:\n",
                S3_VERSION);
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
        fprintf(f, "\n's3engine COMMAND --help' lists a command's options.\n"
                   "Exit status: 0 success, 2 usage error, 3 bad input data "
                   "or model, 1 other failure.\n");
        return;
    }
    fprintf(f, "usage: s3engine %s %s\n\n%s\n\noptions:\n", c->name, c->usage,
            c->help);
    for (size_t i = 0; i < NOPTIONS; i++) {
        if (!(options[i].cmds & mask))
            continue;
        char sp[32], left[64];
        spelling(options[i].name, sp);
        snprintf(left, sizeof left, "--%s%s%s", sp, options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        fprintf(f, "  %-20s %s\n", left, options[i].help);
    }
    fprintf(f, "  %-20s %s\n", "--help", "show this help");
}

/* The manual page, from the same tables. */
static void
print_manpage(void)
{
    printf(".TH S3ENGINE 1 \"\" \"s3engine %s\" \"User Commands\"\n"
           ".SH NAME\ns3engine \\- smart-specialisation analytics for "
           "centres and regions\n"
           ".SH SYNOPSIS\n",
           S3_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        printf(".B s3engine %s\n%s\n.br\n", commands[i].name,
               commands[i].usage);
    printf(".SH DESCRIPTION\ns3engine reads unit \\(mu class count data "
           "(tenants, employees and patents of technology centres, or any "
           "long table of regions by sectors, technologies or products) and "
           "computes, for every centre, sub-region or unit: specialisation "
           "(location quotients against the network or a baseline region, "
           "symmetric RCA, diversity, ubiquity, dissimilarity, concentration "
           "and variety); relatedness and complexity (the proximity of "
           "classes, the co-occurrence relatedness of patent fields, the "
           "economic and product complexity indices ECI and PCI, the "
           "complexity outlook); development potentials (relatedness "
           "density, outlook gain and, for every class a unit does not yet "
           "hold, its opportunity quadrant and rank); overlaps between units "
           "(similarity, complementarity, clusters, best partners); and each "
           "unit's share of and specialisation in the S3 domains the model "
           "defines.\n.PP\nA composite development-potential score ranks "
           "the units; a Monte Carlo over its weights (and optionally its "
           "normalisation and aggregation) gives each unit a median rank with "
           "a 5\\(en95 %% band and each pair of units the probability that "
           "one outranks the other. Scenarios rerun the same pipeline on "
           "changed inputs or parameters and report what changed against the "
           "unchanged run.\n.PP\nIt writes tidy CSV tables and an Excel "
           "briefing that shows the same numbers.\n.SH COMMANDS\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        printf(".TP\n.B %s\n%s\n", commands[i].name, commands[i].help);
    printf(".SH OPTIONS\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        char sp[32];
        spelling(options[i].name, sp);
        /* .BI alternates bold and italic without a space between its
         * arguments: the space goes inside the second ("--data DIR", not
         * "--dataDIR") */
        if (options[i].arg)
            printf(".TP\n.BI \\-\\-%s \" %s\"\n%s (", sp, options[i].arg,
                   options[i].help);
        else
            printf(".TP\n.B \\-\\-%s\n%s (", sp, options[i].help);
        int first = 1;
        for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
            if (options[i].cmds & (1 << c)) {
                printf("%s%s", first ? "" : ", ", commands[c].name);
                first = 0;
            }
        printf(")\n");
    }
    printf(".SH MEASURES\n");
    for (size_t i = 0; i < s3_measures_count(); i++) {
        const s3_measure_info *m = s3_measure_at(i);
        printf(".TP\n.B %s\n(%s.csv) %s %s. %s.\n", m->name, m->table,
               m->definition, m->formula, m->source);
    }
    printf(".SH EXIT STATUS\n0 success, 2 usage error, 3 bad input data or "
           "model, 1 other failure.\n.SH FILES\n.TP\nmodels/ruhr.ini\nthe "
           "default model\n.TP\nout/<model>/briefing.xlsx, "
           "out/<model>/csv/*.csv\nthe results\n");
}

/* Exit status for a library status. */
static int
exit_code(s3_status st)
{
    switch (st) {
    case S3_OK:
        return 0;
    case S3_EUSAGE:
        return 2;
    case S3_EINPUT:
    case S3_EMODEL:
        return 3;
    default:
        return 1;
    }
}

/* Progress on stderr when it is a terminal. */
static void
progress(void *user, const char *stage, double fraction)
{
    (void)user;
    fprintf(stderr, "\r%s %3.0f%%%s", stage, 100.0 * fraction,
            fraction >= 1.0 ? "\n" : "");
}

static int
fail(s3_ctx *ctx, s3_status st)
{
    fprintf(stderr, "s3engine: %s\n",
            *s3_ctx_message(ctx) ? s3_ctx_message(ctx) : s3_strerror(st));
    return exit_code(st);
}

/* Print the row reconciliation of a dataset. */
static void
print_quality(const s3_table *q)
{
    printf("%-28s %10s %10s %10s %9s\n", "file", "read", "used", "rejected",
           "warnings");
    for (size_t r = 0; r < s3_table_rows(q); r++)
        printf("%-28s %10.0f %10.0f %10.0f %9.0f\n", s3_table_text(q, r, 0),
               s3_table_num(q, r, 1), s3_table_num(q, r, 2),
               s3_table_num(q, r, 3), s3_table_num(q, r, 4));
}

/* --set NAME=VALUE (in order), then --pairs MODE and --cells MODE. */
static s3_status
set_params(s3_ctx *ctx, s3_model *m, const char *const *sets, size_t n,
           const char *pairs, const char *cells)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(sets[i], '='); /* checked when parsed */
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(eq - sets[i]), sets[i]);
        s3_status st = s3_model_set(ctx, m, name, eq + 1);
        if (st)
            return st;
    }
    s3_status st = pairs ? s3_model_set(ctx, m, "output.pairs", pairs) : S3_OK;
    return !st && cells ? s3_model_set(ctx, m, "output.cells", cells) : st;
}

/* OpenBLAS without its idle worker.  The engine runs BLAS on one thread
 * (s3.h) and uses the second core itself, but the threaded OpenBLAS starts
 * a worker when it loads, one per further processor it may use, which
 * spins (sched_yield) on the second core for the first 0.1 s of the
 * process, beside the engine's own second thread: at world trade 0.1 s of
 * CPU time and 0.03 s of the run (bench/RESULTS.md).  OpenBLAS counts the
 * processors it may use when it loads, before main; an entry of the
 * tool's .preinit_array runs before any library's constructor, so the
 * tool is held to one processor while the libraries load and given its
 * processors back first thing in main. */
static cpu_set_t cpus_at_start;
static int cpus_held;

static void
hold_one_cpu(int argc, char **argv, char **envp)
{
    (void)argc, (void)argv, (void)envp;
    cpu_set_t one;
    if (sched_getaffinity(0, sizeof cpus_at_start, &cpus_at_start) != 0 ||
        CPU_COUNT(&cpus_at_start) < 2)
        return;
    CPU_ZERO(&one);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &cpus_at_start)) {
            CPU_SET(c, &one);
            break;
        }
    cpus_held = sched_setaffinity(0, sizeof one, &one) == 0;
}

typedef void (*preinit_fn)(int, char **, char **);
__attribute__((section(".preinit_array"),
               used)) static const preinit_fn preinit = hold_one_cpu;

/* The heap of a run in huge pages.  On the virtual machines this is
 * measured on, the first touch of a fresh 4 KB page costs about 13 µs
 * (a fault and its exit to the hypervisor): world trade touches 47 MB
 * in 11,800 faults, a third of its CPU time.  Transparent huge pages,
 * which Debian gives where they are asked for (madvise), fault once per
 * 2 MB.  The engine's largest arrays ask for them (s3i_malloc_big, the
 * tables' cells), but most of a run's memory is in arrays below 4 MB,
 * rows of tables and buffers, from malloc.  So the tool grows malloc's
 * heap once by `reserve` bytes (address space: a page is memory only once
 * touched), asks for huge pages over it, and keeps in it what malloc
 * would map apart (blocks up to 32 MB, the limit) or give back to the
 * kernel, for both threads (one arena).  At world trade: 11,800 faults
 * become about 950 and `analyse --csv-only` takes 0.26 s instead of
 * 0.36 s; 2,000 × 1,000 a tenth less (bench/RESULTS.md).  Not where the kernel
 * commits memory strictly (overcommit_memory = 2: the reserve would count in
 * full), and nothing under valgrind, whose malloc is its own (sbrk does not
 * move). */
static void
heap_in_huge_pages(void)
{
    enum { HUGE_PAGE = 2 << 20 };
    FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
    int strict = f && fgetc(f) == '2';
    if (f)
        fclose(f);
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (strict || pages <= 0 || psize <= 0)
        return;
    /* a quarter of the memory, at most 1 GB */
    double quarter = 0.25 * (double)pages * (double)psize;
    int reserve = quarter < (double)(1 << 30) ? (int)quarter : 1 << 30;
    if (!mallopt(M_ARENA_MAX, 1) || !mallopt(M_MMAP_THRESHOLD, 32 << 20) ||
        !mallopt(M_TRIM_THRESHOLD, INT_MAX) || !mallopt(M_TOP_PAD, reserve))
        return;
    /* a block past the heap's top: the heap grows by it and the pad */
    char *lo = sbrk(0);
    void *p = malloc(1 << 20);
    char *hi = sbrk(0);
    free(p);
    mallopt(M_TOP_PAD, 64 << 20); /* later growth, if any: 64 MB steps */
    uintptr_t a = ((uintptr_t)lo + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE,
              b = (uintptr_t)hi / HUGE_PAGE * HUGE_PAGE;
    if (p && lo != (char *)-1 && hi != (char *)-1 && b > a)
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
}

int
main(int argc, char **argv)
{
    if (cpus_held)
        sched_setaffinity(0, sizeof cpus_at_start, &cpus_at_start);
    gsl_set_error_handler_off();
    if (argc < 2) {
        print_help(stderr, NULL, 0);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        print_help(stdout, NULL, 0);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("s3engine %s\n", S3_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "--manpage")) {
        print_manpage();
        return 0;
    }
    const command_info *cmd = NULL;
    int mask = 0;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            cmd = &commands[i];
            mask = 1 << i;
        }
    if (!cmd) {
        fprintf(stderr, "s3engine: unknown command '%s' (try --help)\n",
                argv[1]);
        return 2;
    }
    if (mask & (CMD_RUN | CMD_ANALYSE))
        heap_in_huge_pages();
    const char *val[NOPTIONS] = {0};
    const char *scenarios[64], *where[16], *sets[32];
    size_t nscen = 0, nwhere = 0, nsets = 0;
    for (int a = 2; a < argc; a++) {
        if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
            print_help(stdout, cmd, mask);
            return 0;
        }
        size_t i;
        for (i = 0; i < NOPTIONS; i++) {
            char sp[32];
            spelling(options[i].name, sp);
            if (!strncmp(argv[a], "--", 2) && !strcmp(argv[a] + 2, sp))
                break;
        }
        if (i == NOPTIONS || !(options[i].cmds & mask)) {
            fprintf(stderr,
                    "s3engine %s: unknown option '%s' (try s3engine %s "
                    "--help)\n",
                    cmd->name, argv[a], cmd->name);
            return 2;
        }
        if (!options[i].arg) {
            val[i] = "1";
            continue;
        }
        if (a + 1 >= argc) {
            fprintf(stderr, "s3engine %s: option '%s' needs a value\n",
                    cmd->name, argv[a]);
            return 2;
        }
        if (i == OPT_scenario) {
            if (nscen == 64) {
                fprintf(stderr, "s3engine: too many --scenario options\n");
                return 2;
            }
            scenarios[nscen++] = argv[++a];
        } else if (i == OPT_set) {
            if (nsets == 32) {
                fprintf(stderr, "s3engine: too many --set options\n");
                return 2;
            }
            const char *eq = strchr(argv[++a], '=');
            if (!eq || eq == argv[a] || eq - argv[a] > 100) {
                fprintf(stderr,
                        "s3engine %s: --set '%s': expected NAME=VALUE, e.g. "
                        "specialisation.threshold=1.2\n",
                        cmd->name, argv[a]);
                return 2;
            }
            sets[nsets++] = argv[a];
        } else if (i == OPT_where) {
            if (nwhere == 16) {
                fprintf(stderr, "s3engine: too many --where options\n");
                return 2;
            }
            where[nwhere++] = argv[++a];
        } else {
            val[i] = argv[++a];
        }
    }

    if (mask == CMD_MEASURES) {
        for (size_t i = 0; i < s3_measures_count(); i++) {
            const s3_measure_info *m = s3_measure_at(i);
            printf("%-18s %-15s %s\n%-18s %-15s   formula: %s; source: %s\n",
                   m->name, m->table, m->definition, "", "", m->formula,
                   m->source);
        }
        return 0;
    }

    if (mask == CMD_GENERATE) {
        if (!val[OPT_out]) {
            fprintf(stderr, "s3engine generate: --out is required (try "
                            "s3engine generate --help)\n");
            return 2;
        }
        size_t num[4] = {20261126, 1200, 2000000, 20000000};
        const char *const which[4] = {val[OPT_seed], val[OPT_units],
                                      val[OPT_tenants], val[OPT_patents]};
        for (int k = 0; k < 4; k++) {
            char *end;
            if (!which[k])
                continue;
            errno = 0;
            unsigned long long v = strtoull(which[k], &end, 10);
            if (*end || errno || which[k][0] == '-' || !*which[k]) {
                fprintf(stderr, "s3engine generate: '%s' is not a number\n",
                        which[k]);
                return 2;
            }
            num[k] = (size_t)v;
        }
        s3_ctx *gctx = s3_ctx_new();
        if (!gctx)
            return 1;
        s3_status gs = s3_generate(
            gctx,
            val[OPT_reference] ? val[OPT_reference] : "datasets/reference",
            val[OPT_out], num[1], num[2], num[3], (unsigned long)num[0]);
        int code = gs ? fail(gctx, gs) : 0;
        s3_ctx_free(gctx);
        return code;
    }

    s3_ctx *ctx = s3_ctx_new();
    if (!ctx) {
        fprintf(stderr, "s3engine: out of memory\n");
        return 1;
    }
    if (isatty(STDERR_FILENO) && !val[OPT_quiet])
        s3_ctx_set_progress(ctx, progress, NULL);
    if (val[OPT_threads]) {
        char *end;
        long t = strtol(val[OPT_threads], &end, 10);
        if (*end || t < 1 || t > 64) {
            fprintf(stderr,
                    "s3engine %s: --threads '%s' is not a number from 1 to "
                    "64\n",
                    cmd->name, val[OPT_threads]);
            s3_ctx_free(ctx);
            return 2;
        }
        s3_ctx_set_threads(ctx, (int)t);
    }
    s3_model *model = NULL;
    s3_dataset *data = NULL;
    s3_result *res = NULL;
    s3_status st = S3_OK;
    int quiet = val[OPT_quiet] != NULL;
    char outbuf[4096];

    if (mask == CMD_ANALYSE) {
        for (size_t i = OPT_input; i <= OPT_value; i++)
            if (!val[i]) {
                fprintf(stderr,
                        "s3engine analyse: --%s is required (try s3engine "
                        "analyse --help)\n",
                        options[i].name);
                s3_ctx_free(ctx);
                return 2;
            }
        st = val[OPT_model] ? s3_model_load(ctx, val[OPT_model], &model)
                            : s3_model_default(ctx, &model);
        if (!st && !val[OPT_model])
            st = s3_model_set_paths(ctx, model, NULL,
                                    val[OPT_reference] ? val[OPT_reference]
                                                       : "datasets/reference");
        else if (!st && val[OPT_reference])
            st = s3_model_set_paths(ctx, model, NULL, val[OPT_reference]);
        if (!st)
            st = set_params(ctx, model, sets, nsets, val[OPT_pairs],
                            val[OPT_cells]);
        if (!st) {
            s3_long_options lo = {.unit_col = val[OPT_unit],
                                  .class_col = val[OPT_class],
                                  .value_col = val[OPT_value],
                                  .where = where,
                                  .nwhere = nwhere,
                                  .drop_aggregates = !val[OPT_keep_aggregates],
                                  .label_col = val[OPT_label]};
            /* --nuts-level N: one NUTS level, 0 to 3 */
            if (val[OPT_nuts_level]) {
                const char *n = val[OPT_nuts_level];
                if (n[0] < '0' || n[0] > '3' || n[1]) {
                    fprintf(stderr,
                            "s3engine analyse: --nuts-level '%s' is not a "
                            "NUTS level from 0 to 3\n",
                            n);
                    s3_model_free(model);
                    s3_ctx_free(ctx);
                    return 2;
                }
                lo.nuts_filter = 1;
                lo.nuts_level = n[0] - '0';
            }
            st = s3_dataset_load_long(ctx, val[OPT_input], &lo, model, &data);
        }
    } else {
        st = s3_model_load(
            ctx, val[OPT_model] ? val[OPT_model] : "models/ruhr.ini", &model);
        if (!st)
            st = s3_model_set_paths(ctx, model, val[OPT_data],
                                    val[OPT_reference]);
        if (!st)
            st = set_params(ctx, model, sets, nsets, val[OPT_pairs],
                            val[OPT_cells]);
        if (!st)
            st = s3_dataset_load(ctx, model, &data);
    }
    if (st)
        goto done;
    if (mask == CMD_CHECK) {
        /* what run would refuse in the model (scenarios, domains) */
        if ((st = s3_model_check(ctx, model, data)))
            goto done;
        if (!quiet) {
            print_quality(s3_dataset_quality(data));
            printf("%zu warnings; the data are valid.\n",
                   s3_table_rows(s3_dataset_warnings(data)));
            if (s3_dataset_synthetic(data))
                printf("SYNTHETIC DATA: %s\n", s3_dataset_synthetic(data));
        }
        goto done;
    }
    if ((st = mask == CMD_RUN ? s3_run(ctx, model, data, scenarios,
                                       nscen ? nscen : S3_ALL_SCENARIOS, &res)
                              : s3_analyse(ctx, model, data, &res)))
        goto done;
    const char *out = val[OPT_out];
    if (!out) {
        snprintf(outbuf, sizeof outbuf, "out/%s",
                 mask == CMD_ANALYSE && !val[OPT_model] ? "analyse"
                                                        : s3_model_name(model));
        out = outbuf;
    }
    if ((st = s3_result_write(
             ctx, res, out,
             (val[OPT_csv_only] ? S3_WRITE_CSV : S3_WRITE_ALL) |
                 (val[OPT_german_csv] ? S3_WRITE_CSV_GERMAN : 0))))
        goto done;
    if (!quiet) {
        print_quality(s3_dataset_quality(data));
        size_t nw = s3_table_rows(s3_dataset_warnings(data));
        printf("%zu warnings%s\n", nw,
               nw ? " (listed in csv/warnings.csv and the Data quality sheet)"
                  : "");
        printf("wrote %s/csv/ (%zu tables)%s%s%s\n", out,
               s3_result_ntables(res), val[OPT_csv_only] ? "" : " and ",
               val[OPT_csv_only] ? "" : out,
               val[OPT_csv_only] ? "" : "/briefing.xlsx");
        /* made-up data are said to be so */
        if (s3_dataset_synthetic(data))
            printf("SYNTHETIC DATA: %s\n", s3_dataset_synthetic(data));
    }
done:;
    int code = st ? fail(ctx, st) : 0;
    s3_result_free(res);
    s3_dataset_free(data);
    s3_model_free(model);
    s3_ctx_free(ctx);
    return code;
}
