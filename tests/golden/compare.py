#!/usr/bin/env python3
"""Compare an engine run's CSV tables with expected (golden) tables.

Usage: compare.py ACTUAL_CSV_DIR EXPECTED_DIR

For every EXPECTED_DIR/*.csv the file of the same name in ACTUAL_CSV_DIR
must exist.  Rows are matched by their key columns -- those of level,
matrix, unit, class that the expected header has (so level,matrix,unit,
class for specialisation.csv, level,matrix,unit for units.csv,
level,matrix,class for classes.csv), or the first column for other files.
Every expected row must be present, and where the key holds level and
matrix, the actual file must have exactly as many rows for each
(level, matrix) as the expected one (no missing or extra units/classes).

Only the columns of the expected header are compared:
  * expected "*"     -> not checked
  * expected empty   -> the actual field must be empty (no value)
  * expected number  -> the actual field must be a number within relative
                        tolerance 1e-9 (absolute 1e-12 near 0)
  * expected text    -> the actual field must be the same text

Prints one line per file: "ok - golden <file>" or
"not ok - golden <file>: <first differences>"; exits 1 if any file differs.
"""
import csv
import math
import os
import sys

REL, ABS = 1e-9, 1e-12
KEYS = ("level", "matrix", "unit", "class")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        data = list(csv.reader(f))
    if not data:
        return [], []
    return data[0], data[1:]


def number(s):
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def compare_file(actual_path, expected_path):
    """Return a list of differences (empty when the files agree)."""
    if not os.path.isfile(actual_path):
        return ["file missing: %s" % actual_path]
    eh, erows = read(expected_path)
    ah, arows = read(actual_path)
    diffs = []
    missing_cols = [c for c in eh if c not in ah]
    if missing_cols:
        return ["columns missing: %s (actual header: %s)" %
                (", ".join(missing_cols), ",".join(ah))]
    keys = [k for k in KEYS if k in eh] or [eh[0]]
    ek = [eh.index(k) for k in keys]
    ak = [ah.index(k) for k in keys]
    amap = {}
    for n, r in enumerate(arows, 2):
        if len(r) != len(ah):
            diffs.append("actual line %d has %d fields, the header %d" %
                         (n, len(r), len(ah)))
            continue
        key = tuple(r[i] for i in ak)
        if key in amap:
            diffs.append("actual row %s appears twice" % "/".join(key))
        amap[key] = r
    # rows per (level, matrix)
    if "level" in keys and "matrix" in keys:
        def groups(rows, idx):
            g = {}
            for r in rows:
                if len(r) > max(idx):
                    k = (r[idx[0]], r[idx[1]])
                    g[k] = g.get(k, 0) + 1
            return g
        eg = groups(erows, [eh.index("level"), eh.index("matrix")])
        ag = groups(arows, [ah.index("level"), ah.index("matrix")])
        for k, n in sorted(eg.items()):
            if ag.get(k, 0) != n:
                diffs.append("%s/%s: %d rows, expected %d" %
                             (k[0], k[1], ag.get(k, 0), n))
    for r in erows:
        key = tuple(r[i] for i in ek)
        name = "/".join(key)
        a = amap.get(key)
        if a is None:
            diffs.append("row %s missing" % name)
            continue
        for c, want in enumerate(eh):
            e = r[c]
            got = a[ah.index(want)]
            if e == "*" or want in keys:
                continue
            if e == "":
                if got != "":
                    diffs.append("%s %s: %r, expected no value (empty)" %
                                 (name, want, got))
                continue
            ev = number(e)
            if ev is None:
                if got != e:
                    diffs.append("%s %s: %r, expected %r" % (name, want, got, e))
                continue
            gv = number(got)
            if gv is None:
                diffs.append("%s %s: %r, expected %s" % (name, want, got, e))
            elif abs(gv - ev) > max(REL * abs(ev), ABS):
                diffs.append("%s %s: %s, expected %s" % (name, want, got, e))
    return diffs


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: compare.py ACTUAL_CSV_DIR EXPECTED_DIR\n")
        return 2
    actual, expected = argv[1], argv[2]
    files = sorted(f for f in os.listdir(expected) if f.endswith(".csv"))
    if not files:
        print("not ok - golden: no expected files in %s" % expected)
        return 1
    failed = 0
    for f in files:
        diffs = compare_file(os.path.join(actual, f), os.path.join(expected, f))
        if diffs:
            failed += 1
            more = " (and %d more)" % (len(diffs) - 5) if len(diffs) > 5 else ""
            print("not ok - golden %s: %s%s" % (f, "; ".join(diffs[:5]), more))
        else:
            print("ok - golden %s" % f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
