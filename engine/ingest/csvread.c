/*
 * csvread.c — streaming CSV reader on libcsv.
 *
 * The file is read in blocks and fed to libcsv in strict mode
 * (CSV_STRICT | CSV_STRICT_FINI): the default mode silently swallows the
 * rest of a row after a stray character following a closing quote, and an
 * unterminated quote at the end of the file.  CSV_REPALL_NL reports every
 * line end so that physical line numbers stay exact for messages, also with
 * blank lines, CRLF and quoted fields that hold newlines.
 *
 * The separator is detected from the header line (the most frequent of
 * ',', ';' and, for TSV files, tab, outside quotes).  A ';' file is taken
 * to be a German spreadsheet export and its numbers to use a decimal comma.
 * Every field is checked for NUL bytes and valid UTF-8, every row for the
 * header's field count; the SHA-256 of the file is computed on the way.
 *
 * Encoding: what German Excel writes as "CSV" is Windows-1252 (ä = 0xE4,
 * € = 0x80), which is not valid UTF-8.  A file whose first field with a
 * byte above 0x7F is not UTF-8 but is Windows-1252 (glibc's iconv, which
 * refuses the five bytes the code page leaves undefined) is read as
 * Windows-1252 from there on, each such field converted to UTF-8, and the
 * caller told the line (s3i_csv_info.cp1252_line) for a note: the fields
 * before were ASCII, which both encodings read alike.  A file that holds
 * both (a field that is UTF-8 text and one that is not, in either order)
 * cannot be read either way without a silent mistake, and is an error
 * naming both lines.  S3I_CSV_UTF8_ONLY keeps files strictly UTF-8.
 *
 * With S3I_CSV_ALL_ERRORS an error in a data row (a value the row
 * callback refuses, a ragged row, a bad byte) is kept and the read goes
 * on, so that one run shows what is wrong in the whole file: the first
 * S3I_CSV_MAX_ERRORS, one a line, then how many more.  An error the
 * parser cannot go on after (a stray quote) or in the header still stops
 * the read, after the errors kept before it.
 * A record whose fields are all empty (a line of separators only, as a
 * spreadsheet writes below the data) is an empty line, like a blank one.
 *
 * Speed: each block is first scanned eight bytes at a time.  A block of
 * plain ASCII without NUL bytes and quotes (the usual machine export) needs
 * no per-field UTF-8 or NUL checks and no newline counting inside fields;
 * a record is checked field by field when any block it touches is not
 * plain.
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/ingest.h"

struct s3i_csv {
    s3_ctx *ctx;
    const char *name;
    s3i_csv_fn header_fn, row_fn;
    void *user;
    s3_status status; /* first failure, stops everything */
    /* the record being assembled */
    char *buf; /* field bytes, each followed by NUL */
    size_t nbuf, capbuf;
    size_t *off, *len, capoff, caplen;
    char **fields;
    size_t capfields;
    size_t nfields;
    /* header */
    size_t ncols;
    char **colname;
    /* line accounting */
    size_t newlines;    /* line ends seen so far */
    size_t record_line; /* line where the current record starts */
    int after_cr;       /* the last line end was a CR */
    size_t rows;
    int decimal_comma;
    /* the current block is plain (ASCII, no NUL, no quote); the current
     * record touched a block that is not */
    int block_plain, record_mixed;
    size_t quotes; /* quote characters seen, for the split check */
    /* encoding: flags (S3I_CSV_*); the first line of UTF-8 text beyond
     * ASCII; the line from which the file is read as Windows-1252 (0:
     * not), with its converter and the converted fields */
    int flags;
    size_t utf8_line, cp1252_line;
    iconv_t cd;
    char *cbuf;
    size_t capcbuf;
    /* the data-row errors kept (S3I_CSV_ALL_ERRORS): their messages, one
     * a line, and how many there were */
    char *errs;
    size_t nerrs, errlen, caperrs;
};

size_t
s3i_csv_line(const s3i_csv *r)
{
    return r->record_line;
}

const char *
s3i_csv_name(const s3i_csv *r)
{
    return r->name;
}

int
s3i_csv_decimal_comma(const s3i_csv *r)
{
    return r->decimal_comma;
}

const char *
s3i_csv_colname(const s3i_csv *r, size_t i)
{
    return i < r->ncols ? r->colname[i] : "?";
}

/* Quote a value for a message: at most 60 bytes, control bytes as '?'. */
static void
show_value(const char *v, char out[72])
{
    size_t n = 0;
    for (; v && v[n] && n < 60; n++)
        out[n] = (unsigned char)v[n] < 0x20 ? '?' : v[n];
    out[n] = '\0';
    s3i_utf8_cut(out);
    n = strlen(out);
    if (v && v[n]) {
        memcpy(out + n, "...", 4);
    }
}

s3_status
s3i_csv_fail(s3_ctx *ctx, const s3i_csv *r, size_t col, const char *value,
             const char *what)
{
    char v[72];
    show_value(value, v);
    return s3i_fail(ctx, S3_EINPUT, "%s:%zu: column '%s': '%s' %s", r->name,
                    r->record_line, s3i_csv_colname(r, col), v, what);
}

/* Make room for a field of len bytes; -1 when out of memory. */
static int
grow_record(s3i_csv *r, size_t len)
{
    return s3i_reserve(&r->buf, &r->capbuf, r->nbuf + len + 1, 1) ||
                   s3i_reserve(&r->off, &r->capoff, r->nfields + 1,
                               sizeof(size_t)) ||
                   s3i_reserve(&r->len, &r->caplen, r->nfields + 1,
                               sizeof(size_t))
               ? -1
               : 0;
}

/* libcsv field callback: append the field to the record buffer. */
static void
on_field(void *data, size_t len, void *user)
{
    s3i_csv *r = user;
    if (r->status)
        return;
    if (r->nfields == 0)
        r->record_line = r->newlines + 1;
    if ((r->nbuf + len + 1 > r->capbuf || r->nfields >= r->capoff ||
         r->nfields >= r->caplen) &&
        grow_record(r, len)) {
        r->status = s3i_fail(r->ctx, S3_ENOMEM, "%s: out of memory", r->name);
        return;
    }
    const char *s = data ? data : "";
    char *dst = r->buf + r->nbuf;
    if (len <= 16)
        s3i_copy16(dst, s, len);
    else
        memcpy(dst, s, len);
    dst[len] = '\0';
    r->off[r->nfields] = r->nbuf;
    r->len[r->nfields] = len;
    r->nfields++;
    r->nbuf += len + 1;
    /* a field holds a line end only when quoted, i.e. not in a plain
     * block */
    if (r->record_mixed)
        for (const char *q = s; (q = memchr(q, '\n', len - (size_t)(q - s)));
             q++)
            r->newlines++;
}

/* Whether s[0..n) is plain: ASCII, no NUL, no quote; counts the quotes. */
static int
scan_block(const unsigned char *s, size_t n, size_t *quotes)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL,
                   quote = 0x2222222222222222ULL;
    uint64_t any_high = 0, zero = 0, quoted = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v, q;
        memcpy(&v, s + i, 8);
        q = v ^ quote;
        any_high |= v;
        zero |= (v - ones) & ~v & high;
        quoted |= (q - ones) & ~q & high;
    }
    for (; i < n; i++) {
        any_high |= s[i];
        zero |= s[i] == 0 ? high : 0;
        quoted |= s[i] == '"' ? high : 0;
    }
    if (quoted)
        for (i = 0; i < n; i++)
            *quotes += s[i] == '"';
    return !((any_high & high) | zero | quoted);
}

/* "column 3 ('name')" for field i of the current record (the header's own
 * fields: "column 3"), for messages. */
static void
field_column(const s3i_csv *r, size_t i, char *out, size_t n)
{
    if (i < r->ncols) {
        char v[72];
        show_value(r->colname[i], v);
        snprintf(out, n, "column %zu ('%s')", i + 1, v);
    } else {
        snprintf(out, n, "column %zu", i + 1);
    }
}

/* Whether s[0..n) holds a byte above 0x7F. */
static int
has_high(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] & 0x80)
            return 1;
    return 0;
}

/* Check the encoding of field i (not all ASCII): UTF-8, or Windows-1252
 * from the first field that is not UTF-8 on (see the top).  *convert is
 * set when the field is to be converted. */
static s3_status
check_encoding(s3i_csv *r, size_t i, int *convert)
{
    char col[160];
    int utf8 = s3i_utf8_valid(r->fields[i], r->len[i]);
    *convert = 0;
    if (!r->cp1252_line && utf8) {
        if (!r->utf8_line)
            r->utf8_line = r->record_line;
        return S3_OK;
    }
    field_column(r, i, col, sizeof col);
    if (r->flags & S3I_CSV_UTF8_ONLY)
        return s3i_fail(r->ctx, S3_EINPUT,
                        "%s:%zu: %s: the field is not valid UTF-8 (save the "
                        "file as UTF-8)",
                        r->name, r->record_line, col);
    if (!r->cp1252_line && r->utf8_line)
        return s3i_fail(r->ctx, S3_EINPUT,
                        "%s:%zu: %s: the field is not valid UTF-8, but line "
                        "%zu is UTF-8 text: the file mixes encodings (save "
                        "it as UTF-8)",
                        r->name, r->record_line, col, r->utf8_line);
    if (r->cp1252_line && utf8)
        return s3i_fail(r->ctx, S3_EINPUT,
                        "%s:%zu: %s: the field is UTF-8 text, but line %zu is "
                        "Windows-1252: the file mixes encodings (save it as "
                        "UTF-8)",
                        r->name, r->record_line, col, r->cp1252_line);
    if (!r->cp1252_line) {
        if (r->flags & S3I_CSV_NO_SWITCH) /* the second thread's part */
            return s3i_fail(r->ctx, S3_EINPUT,
                            "%s: the second part is not UTF-8", r->name);
        if ((r->cd = iconv_open("UTF-8", "WINDOWS-1252")) == (iconv_t)-1)
            return s3i_fail(r->ctx, S3_EIO,
                            "%s:%zu: %s: the field is not valid UTF-8, and "
                            "no Windows-1252 converter is installed",
                            r->name, r->record_line, col);
        r->cp1252_line = r->record_line;
    }
    *convert = 1;
    return S3_OK;
}

/* Convert the marked fields (off[i] != S3I_NONE) from Windows-1252 to
 * UTF-8 into cbuf and point fields[] at them; a byte the code page leaves
 * undefined is an error. */
static s3_status
convert_fields(s3i_csv *r)
{
    size_t need = 1;
    for (size_t i = 0; i < r->nfields; i++)
        if (r->off[i] != S3I_NONE)
            need += 3 * r->len[i] + 1; /* at most 3 bytes a character */
    if (s3i_reserve(&r->cbuf, &r->capcbuf, need, 1))
        return s3i_fail(r->ctx, S3_ENOMEM, "%s: out of memory", r->name);
    size_t at = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        if (r->off[i] == S3I_NONE)
            continue;
        char *in = r->fields[i], *out = r->cbuf + at;
        size_t inleft = r->len[i], outleft = 3 * r->len[i];
        iconv(r->cd, NULL, NULL, NULL, NULL);
        if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
            char col[160];
            field_column(r, i, col, sizeof col);
            return s3i_fail(r->ctx, S3_EINPUT,
                            "%s:%zu: %s: byte 0x%02X is neither UTF-8 nor "
                            "Windows-1252 text (save the file as UTF-8)",
                            r->name, r->record_line, col, (unsigned char)*in);
        }
        *out = '\0';
        r->off[i] = at;
        r->len[i] = (size_t)(out - (r->cbuf + at));
        at += r->len[i] + 1;
    }
    for (size_t i = 0; i < r->nfields; i++)
        if (r->off[i] != S3I_NONE)
            r->fields[i] = r->cbuf + r->off[i];
    return S3_OK;
}

/* Whether every field of the record is empty: a row of separators only
 * (";;;;;" as a spreadsheet writes below the data), read as an empty
 * line. */
static int
all_empty(const s3i_csv *r)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (r->len[i])
            return 0;
    return 1;
}

/* Check one assembled record and hand it to the header or row callback. */
static s3_status
deliver(s3i_csv *r)
{
    if (all_empty(r))
        return S3_OK;
    if (s3i_reserve(&r->fields, &r->capfields, r->nfields, sizeof(char *)))
        return s3i_fail(r->ctx, S3_ENOMEM, "%s: out of memory", r->name);
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i] = r->buf + r->off[i];
    int convert = 0;
    for (size_t i = 0; i < r->nfields && r->record_mixed; i++) {
        char col[160];
        if (memchr(r->fields[i], '\0', r->len[i])) {
            field_column(r, i, col, sizeof col);
            return s3i_fail(r->ctx, S3_EINPUT,
                            "%s:%zu: %s: the field holds a NUL byte (is this "
                            "a UTF-16 or binary file?)",
                            r->name, r->record_line, col);
        }
        /* off[] is free once fields[] is set: it marks the fields to
         * convert */
        int c = 0;
        s3_status st;
        if (has_high(r->fields[i], r->len[i]) &&
            (st = check_encoding(r, i, &c)))
            return st;
        r->off[i] = c ? 0 : S3I_NONE;
        convert |= c;
    }
    if (convert) {
        s3_status st = convert_fields(r);
        if (st)
            return st;
    }
    if (!r->colname) {
        /* the header */
        r->ncols = r->nfields;
        r->colname = calloc(r->ncols, sizeof(char *));
        if (!r->colname)
            return s3i_fail(r->ctx, S3_ENOMEM, "%s: out of memory", r->name);
        for (size_t i = 0; i < r->ncols; i++) {
            if (!(r->colname[i] = strdup(r->fields[i])))
                return s3i_fail(r->ctx, S3_ENOMEM, "%s: out of memory",
                                r->name);
            for (size_t j = 0; j < i; j++)
                if (r->len[i] && strcmp(r->colname[i], r->colname[j]) == 0)
                    return s3i_fail(r->ctx, S3_EINPUT,
                                    "%s:%zu: column '%s' appears twice in the "
                                    "header",
                                    r->name, r->record_line, r->colname[i]);
        }
        return r->header_fn(r->user, r, r->nfields, r->fields, r->len);
    }
    if (r->nfields != r->ncols)
        return s3i_fail(r->ctx, S3_EINPUT,
                        "%s:%zu: the row has %zu fields, the header has %zu",
                        r->name, r->record_line, r->nfields, r->ncols);
    r->rows++;
    return r->row_fn(r->user, r, r->nfields, r->fields, r->len);
}

/* Keep the error of a data row (on the context) and go on; the messages
 * kept stay within the context's message buffer. */
static s3_status
keep_error(s3i_csv *r)
{
    size_t n = strlen(r->ctx->msg);
    if (r->nerrs < S3I_CSV_MAX_ERRORS &&
        r->errlen + n + 2 < sizeof r->ctx->msg - 200) {
        if (s3i_reserve(&r->errs, &r->caperrs, r->errlen + n + 2, 1))
            return s3i_fail(r->ctx, S3_ENOMEM, "%s: out of memory", r->name);
        if (r->errlen)
            r->errs[r->errlen++] = '\n';
        memcpy(r->errs + r->errlen, r->ctx->msg, n + 1);
        r->errlen += n;
        r->nerrs++;
    } else {
        r->nerrs++;
    }
    r->ctx->status = S3_OK;
    r->ctx->msg[0] = '\0';
    return S3_OK;
}

/* The status of a read that ends with status st: the errors kept, and
 * st's own when it is an input error too, together; else st. */
static s3_status
errors_kept(s3i_csv *r, s3_status st)
{
    if (!r->nerrs || (st && st != S3_EINPUT))
        return st;
    size_t shown = 0;
    for (size_t i = 0; i < r->errlen; i++)
        shown += r->errs[i] == '\n';
    shown += r->errlen > 0;
    char last[sizeof r->ctx->msg];
    snprintf(last, sizeof last, "%s", st ? r->ctx->msg : "");
    size_t more = r->nerrs - shown;
    if (more)
        return s3i_fail(r->ctx, S3_EINPUT,
                        "%s%s%.300s\n%s: %zu more error%s not shown (%zu in "
                        "all)",
                        r->errs, *last ? "\n" : "", last, r->name, more,
                        more == 1 ? "" : "s", r->nerrs + (st != S3_OK));
    return s3i_fail(r->ctx, S3_EINPUT, "%s%s%.300s", r->errs, *last ? "\n" : "",
                    last);
}

/* libcsv row callback: c is the terminating character, -1 at the end. */
static void
on_row(int c, void *user)
{
    s3i_csv *r = user;
    if (r->status)
        return;
    if (r->nfields > 0) {
        int data = r->colname != NULL;
        r->status = deliver(r);
        if (r->status == S3_EINPUT && data && (r->flags & S3I_CSV_ALL_ERRORS))
            r->status = keep_error(r);
    }
    /* line accounting: LF, or a lone CR; the LF of a CRLF pair arrives as
     * a separate empty record right after the CR */
    int crlf_tail = (c == '\n' && r->after_cr && r->nfields == 0);
    if ((c == '\n' && !crlf_tail) || c == '\r')
        r->newlines++;
    r->after_cr = (c == '\r');
    r->nfields = 0;
    r->nbuf = 0;
    r->record_mixed = !r->block_plain;
}

/* Pick the separator of the header line: the most frequent of the
 * candidates outside quotes (',' on a tie or when none occurs). */
static char
detect_separator(const char *s, size_t n, int allow_tab)
{
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0, backslash = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            comma += c == ',', semi += c == ';', tab += c == '\t',
                backslash += c == '\\';
    }
    /* a Eurostat TSV header: "dim1,dim2\time<TAB>2018 <TAB>..." */
    if (allow_tab && tab > 0 && (backslash > 0 || (tab > comma && tab > semi)))
        return '\t';
    return semi > comma ? ';' : ',';
}

static int
is_space(unsigned char c)
{
    return c == ' ';
}

enum {
    BLOCK = 1 << 16,
    /* files from this size on may be read by two threads */
    SPLIT_MIN = 8 << 20,
    /* progress is reported for files from this size on, in 1 % steps */
    PROGRESS_MIN = 16 << 20
};

/* "column 3 ('name')" for the field being parsed, for syntax errors. */
static void
current_column(const s3i_csv *r, char *out, size_t n)
{
    size_t col = r->nfields;
    if (col < r->ncols)
        snprintf(out, n, "column %zu ('%s')", col + 1, r->colname[col]);
    else
        snprintf(out, n, "column %zu", col + 1);
}

/* Feed one block to the parser. */
static s3_status
feed(s3i_csv *r, struct csv_parser *p, const unsigned char *s, size_t len)
{
    r->block_plain = scan_block(s, len, &r->quotes);
    r->record_mixed |= !r->block_plain;
    if (csv_parse(p, s, len, on_field, on_row, r) != len && !r->status) {
        /* strict mode: a quote where none may be */
        char col[160];
        current_column(r, col, sizeof col);
        return s3i_fail(r->ctx, S3_EINPUT, "%s:%zu: %s: %s (malformed CSV)",
                        r->name, r->newlines + 1, col,
                        p->quoted ? "text after a closing quote"
                                  : "a quote inside an unquoted field");
    }
    return r->status;
}

/* The end of the input: a last record without a line end, or an open
 * quote. */
static s3_status
finish(s3i_csv *r, struct csv_parser *p)
{
    size_t line = r->nfields > 0 ? r->record_line : r->newlines + 1;
    char col[160];
    current_column(r, col, sizeof col);
    if (csv_fini(p, on_field, on_row, r) != 0 && !r->status)
        return s3i_fail(r->ctx, S3_EINPUT,
                        "%s:%zu: %s: a quoted field is not closed before the "
                        "end of the file (unterminated quote)",
                        r->name, line, col);
    return r->status;
}

static int
parser_init(struct csv_parser *p, char sep)
{
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
        return -1;
    /* libcsv grows a field's buffer by this much at a time (128 bytes by
     * default: a 1 MB field would take 8,000 reallocations) */
    csv_set_blk_size(p, 1 << 16);
    /* libcsv's own blank test is replaced only for tab-separated files,
     * where a tab is a separator and must not be trimmed */
    csv_set_delim(p, (unsigned char)sep);
    if (sep == '\t')
        csv_set_space_func(p, is_space);
    return 0;
}

/* Read [from, to) of fd in blocks into buf; -1 on a read error. */
static ssize_t
read_at(int fd, unsigned char *buf, uint64_t from, uint64_t to)
{
    size_t want = to - from < BLOCK ? (size_t)(to - from) : BLOCK;
    ssize_t n;
    do
        n = pread(fd, buf, want, (off_t)from);
    while (n < 0 && errno == EINTR);
    return n;
}

/* The first thread's next block: of a regular file from pos up to end,
 * else (a pipe) what read() gives; 0 at the end. */
static ssize_t
next_block(int fd, int regular, unsigned char *buf, uint64_t pos, uint64_t end)
{
    if (regular)
        return pos < end ? read_at(fd, buf, pos, end) : 0;
    ssize_t n;
    do
        n = read(fd, buf, BLOCK);
    while (n < 0 && errno == EINTR);
    return n;
}

/* The second part of a file read by two threads. */
typedef struct {
    s3i_csv r;
    struct csv_parser p;
    int fd;
    uint64_t from, to;
    unsigned char *block;
    s3_status status;
} part;

static void *
part_run(void *arg)
{
    part *q = arg;
    s3_status st = S3_OK;
    for (uint64_t pos = q->from; pos < q->to && !st;) {
        ssize_t n = read_at(q->fd, q->block, pos, q->to);
        if (n <= 0) {
            st = s3i_fail(q->r.ctx, S3_EIO, "%s: read error", q->r.name);
            break;
        }
        st = feed(&q->r, &q->p, q->block, (size_t)n);
        pos += (uint64_t)n;
    }
    q->status = st ? st : finish(&q->r, &q->p);
    if (!q->status && q->r.nerrs) /* read again by the first thread */
        q->status = S3_EINPUT;
    return NULL;
}

/* Where to split [from, size): just after the first line end at or after
 * 45 % of it (the first thread also hashes the whole file); 0 when none. */
static uint64_t
split_point(int fd, unsigned char *buf, uint64_t from, uint64_t size)
{
    for (uint64_t pos = from + (size - from) * 45 / 100; pos < size;) {
        ssize_t n = read_at(fd, buf, pos, size);
        if (n <= 0)
            return 0;
        const unsigned char *nl = memchr(buf, '\n', (size_t)n);
        if (nl)
            return pos + (uint64_t)(nl - buf) + 1 < size
                       ? pos + (uint64_t)(nl - buf) + 1
                       : 0;
        pos += (uint64_t)n;
    }
    return 0;
}

static void
record_free(s3i_csv *r)
{
    if (r->cp1252_line)
        iconv_close(r->cd);
    free(r->cbuf);
    free(r->errs);
    free(r->buf);
    free(r->off);
    free(r->len);
    free(r->fields);
}

static void
progress(s3_ctx *ctx, const char *name, uint64_t done, uint64_t size,
         uint64_t *next)
{
    if (!ctx->progress || size < PROGRESS_MIN || done < *next)
        return;
    char stage[96];
    snprintf(stage, sizeof stage, "reading %s", name);
    ctx->progress(ctx->progress_user, stage, (double)done / (double)size);
    *next = done + size / 100;
}

s3_status
s3i_csv_read_split(s3_ctx *ctx, const char *path, const char *name, int flags,
                   s3i_csv_fn header, s3i_csv_fn row, void *user,
                   s3i_csv_split *split, s3i_csv_info *info)
{
    s3i_csv r = {.ctx = ctx,
                 .name = name,
                 .header_fn = header,
                 .row_fn = row,
                 .user = user,
                 .flags = flags};
    part q = {.fd = -1};
    struct csv_parser p;
    struct sha256_ctx sha;
    sha256_init(&sha);
    unsigned char *block = NULL;
    s3_status st = S3_OK;
    int parser_ready = 0, started = 0;
    pthread_t thread;
    if (split)
        split->used = 0;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        st = s3i_fail(ctx, S3_EINPUT, "%s: cannot open: %s", path,
                      strerror(errno));
        if (fd >= 0)
            close(fd);
        return st;
    }
    /* a regular file is read with pread, and may be split; a pipe (say
     * `--input <(zcat file.gz)`) is read in order */
    int regular = S_ISREG(sb.st_mode);
    uint64_t size = regular ? (uint64_t)sb.st_size : 0, end = size, pos = 0,
             next = 0;
    if (!(block = malloc(BLOCK))) {
        st = s3i_fail(ctx, S3_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    /* two threads: the second parses from a line end on, once the header
     * is known */
    uint64_t cut = 0;
    if (split && regular && s3i_threads(ctx) >= 2 && size >= SPLIT_MIN)
        cut = split_point(fd, block, 0, size);
    if (cut)
        end = cut;
    /* the first block: encoding, BOM, separator */
    ssize_t n = next_block(fd, regular, block, 0, end);
    if (n < 0) {
        st = s3i_fail(ctx, S3_EIO, "%s: read error: %s", path, strerror(errno));
        goto done;
    }
    size_t skip = 0;
    if (n >= 2 && ((block[0] == 0xFF && block[1] == 0xFE) ||
                   (block[0] == 0xFE && block[1] == 0xFF))) {
        st = s3i_fail(ctx, S3_EINPUT,
                      "%s:1: the file is UTF-16; save it as UTF-8", name);
        goto done;
    }
    if (n >= 3 && block[0] == 0xEF && block[1] == 0xBB && block[2] == 0xBF)
        skip = 3;
    char sep = detect_separator((const char *)block + skip, (size_t)n - skip,
                                flags & S3I_CSV_TAB);
    if (parser_init(&p, sep) != 0) {
        st = s3i_fail(ctx, S3_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    parser_ready = 1;
    r.decimal_comma = sep == ';';
    if (info)
        info->separator = sep;
    for (int first = 1;; first = 0) {
        if (!first && (n = next_block(fd, regular, block, pos, end)) < 0) {
            st = s3i_fail(ctx, S3_EIO, "%s: read error: %s", path,
                          strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        sha256_update(&sha, (size_t)n, block);
        if ((st = feed(&r, &p, block + skip, (size_t)n - skip)))
            goto done;
        pos += (uint64_t)n;
        skip = 0;
        progress(ctx, name, pos, size, &next);
        /* not once the file reads as Windows-1252: the second part would
         * start in the wrong encoding */
        if (cut && !started && r.colname && !r.cp1252_line) {
            q.r = (s3i_csv){.ctx = split->ctx2,
                            .name = name,
                            .row_fn = row,
                            .user = split->user2,
                            .ncols = r.ncols,
                            .colname = r.colname,
                            .decimal_comma = r.decimal_comma,
                            .flags = flags | S3I_CSV_NO_SWITCH};
            q.fd = fd;
            q.from = cut;
            q.to = size;
            if (!split->fork(user, split->user2)) {
                cut = 0, end = size; /* the caller reads this one alone */
            } else if (!(q.block = malloc(BLOCK)) ||
                       parser_init(&q.p, sep) != 0) {
                free(q.block);
                q.block = NULL;
                cut = 0, end = size; /* read on alone */
            } else if (pthread_create(&thread, NULL, part_run, &q) != 0) {
                csv_free(&q.p);
                free(q.block);
                q.block = NULL;
                cut = 0, end = size;
            } else {
                started = 1;
            }
        }
        if (cut && !started && pos >= end)
            cut = 0, end = size; /* no complete header before the cut */
    }
    if (!regular)
        size = pos; /* a pipe's size is known at its end */
    if (started) {
        /* the cut was a record boundary when an even number of quotes came
         * before it (the first part parsed without error, so every quote
         * opens, closes or doubles inside a quoted field) */
        int boundary = r.quotes % 2 == 0 && r.nfields == 0;
        if (boundary) {
            for (; pos < size; pos += (uint64_t)n) {
                if ((n = read_at(fd, block, pos, size)) <= 0)
                    break;
                sha256_update(&sha, (size_t)n, block);
            }
        }
        pthread_join(thread, NULL);
        started = 0;
        if (pos < size && boundary) {
            st = s3i_fail(ctx, S3_EIO, "%s: read error", path);
            goto done;
        }
        /* a first part read as Windows-1252 from after the fork on: the
         * second was read as UTF-8 */
        if (boundary && !q.status && !r.cp1252_line &&
            (!split->joinable || split->joinable(user, split->user2))) {
            split->used = 1;
            split->lines = r.newlines;
            r.rows += q.r.rows;
        } else {
            /* not at a boundary, the second part failed, or the parts
             * cannot be joined: read it again here, so that results and
             * messages are exactly the one-thread ones */
            for (uint64_t at = cut; at < size; at += (uint64_t)n) {
                if ((n = read_at(fd, block, at, size)) <= 0) {
                    st = s3i_fail(ctx, S3_EIO, "%s: read error", path);
                    goto done;
                }
                if (!boundary)
                    sha256_update(&sha, (size_t)n, block);
                if ((st = feed(&r, &p, block, (size_t)n)))
                    goto done;
                progress(ctx, name, at + (uint64_t)n, size, &next);
            }
        }
    }
    if ((st = finish(&r, &p)))
        goto done;
    if (!r.colname) {
        st = s3i_fail(ctx, S3_EINPUT, "%s: the file is empty (no header row)",
                      name);
        goto done;
    }
    progress(ctx, name, size, size, &next);
    if (info) {
        info->rows = r.rows;
        info->bytes = size;
        info->cp1252_line = r.cp1252_line;
        s3i_sha256_hex(&sha, info->sha256);
    }
done:
    if (started)
        pthread_join(thread, NULL);
    st = errors_kept(&r, st);
    if (q.block) {
        csv_free(&q.p);
        free(q.block);
        record_free(&q.r);
    }
    if (parser_ready)
        csv_free(&p);
    close(fd);
    free(block);
    record_free(&r);
    if (r.colname)
        for (size_t i = 0; i < r.ncols; i++)
            free(r.colname[i]);
    free(r.colname);
    return st;
}

s3_status
s3i_csv_read(s3_ctx *ctx, const char *path, const char *name, int flags,
             s3i_csv_fn header, s3i_csv_fn row, void *user, s3i_csv_info *info)
{
    return s3i_csv_read_split(ctx, path, name, flags, header, row, user, NULL,
                              info);
}
