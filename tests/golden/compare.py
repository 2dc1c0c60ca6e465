#!/usr/bin/env python3
"""Compare an engine run's CSV tables with expected (golden) tables.

Usage: compare.py [--known FILE] [--label TEXT] ACTUAL_CSV_DIR EXPECTED_DIR

Every file of either folder must be in the other (same file set).  For
each file the actual header must be the expected one (same columns, same
order), and the rows must match one to one on the file's key columns (KEYS
below; a file not listed there is keyed on all its columns): no expected
row missing, no actual row extra, no key twice.  An expected row with a
"?" cell is optional: whether the engine writes it depends on a value
that the data do not determine (a scenario delta row is there only if
two undetermined labels differ), so it may be missing.  In a matched row
every cell is compared:
  * expected "*"     -> not checked
  * expected "?"     -> not checked (and the row is optional)
  * expected empty   -> the actual field must be empty (no value)
  * expected number  -> the actual field must be a number within relative
                        tolerance 1e-9 (absolute 1e-12 near 0)
  * expected text    -> the actual field must be the same text

Known differences (FILE, default tests/golden/known_differences.csv:
file,key,column,expected,engine,reason; key is the row's key columns
joined with "/") are cells where the engine is believed wrong: they are
left out of the comparison and reported on a line of their own as long as
the engine still gives the recorded value; once it does not (fixed, or
changed), that line fails, so that the list is kept true.  A whole row
the engine writes but should not, or leaves out, is listed with column
"(row)" and expected/engine "no row"/"row" (or "row"/"no row"); such an
entry is not checked where the expected row is optional ("?").

The Monte Carlo columns depend on the engine's draw sequence and cannot be
recomputed; for scores.csv and outranking.csv their invariants are checked
on any run (see monte_carlo_invariants).

Prints one line per file, "ok - LABEL <file>" or "not ok - LABEL <file>:
<first differences>" (LABEL defaults to "golden"), one per file with known
differences, and one for the Monte Carlo invariants; exits 1 if any line
is "not ok".
"""
import csv
import math
import os
import sys
from fractions import Fraction

REL, ABS = 1e-9, 1e-12
ROW = "(row)"   # the column of a known difference that is a whole row
HERE = os.path.dirname(os.path.abspath(__file__))

# the columns that identify a row of each table
KEYS = {
    "specialisation.csv": ("level", "matrix", "unit", "class"),
    "units.csv": ("level", "matrix", "unit"),
    "classes.csv": ("level", "matrix", "class"),
    "proximity.csv": ("level", "matrix", "class_a", "class_b"),
    "unit_proximity.csv": ("level", "matrix", "unit_a", "unit_b"),
    "relatedness.csv": ("level", "matrix", "class_a", "class_b"),
    "potentials.csv": ("level", "matrix", "unit", "class"),
    "quadrants.csv": ("level", "matrix", "split"),
    "similarity.csv": ("level", "matrix", "unit_a", "unit_b"),
    "clusters.csv": ("level", "matrix", "unit"),
    "partners.csv": ("level", "matrix", "unit", "kind", "rank"),
    "indicators.csv": ("scenario", "level", "unit", "indicator"),
    "scores.csv": ("scenario", "level", "unit"),
    "outranking.csv": ("scenario", "level", "unit_a", "unit_b"),
    "local_economy.csv": ("level", "matrix", "unit", "aggregate"),
    "domains.csv": ("level", "matrix", "unit", "domain"),
    "domain_overlap.csv": ("domain_a", "domain_b"),
    "quality.csv": ("file",),
    "inputs.csv": ("file",),
    "centres.csv": ("centre_id",),
    "parameters.csv": ("parameter",),
    "scenario_deltas.csv": ("scenario", "level", "matrix", "unit", "class",
                            "measure"),
    "scenario_summary.csv": ("scenario", "level", "kind", "unit", "matrix",
                             "class"),
    "overview.csv": ("level", "matrix", "unit"),
    "ranking.csv": ("level", "unit"),
    "opportunities.csv": ("level", "matrix", "unit", "class"),
    "profiles.csv": ("scenario", "level", "unit", "indicator"),
    "profile_summary.csv": ("level", "unit"),
    "districts.csv": ("unit",),
    "findings.csv": ("rank",),
    # definitions.csv (a domain may take several lines), notes.csv and
    # warnings.csv: all columns
}


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


def cell_differs(e, got):
    """None when the actual field got satisfies the expected cell e, else
    a description of the difference."""
    if e in ("*", "?"):
        return None
    if e == "":
        return None if got == "" else "%r, expected no value (empty)" % got
    ev = number(e)
    if ev is None:
        return None if got == e else "%r, expected %r" % (got, e)
    gv = number(got)
    if gv is None:
        return "%r, expected %s" % (got, e)
    if abs(gv - ev) > max(REL * abs(ev), ABS):
        return "%s, expected %s" % (got, e)
    return None


def load_known(path):
    """{(file, key, column): (expected, engine, reason)}"""
    known = {}
    if path and os.path.isfile(path):
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                known[r["file"], r["key"], r["column"]] = (
                    r["expected"], r["engine"], r["reason"])
    return known


def compare_file(name, actual_path, expected_path, known):
    """Return (differences, known differences seen, known ones gone)."""
    eh, erows = read(expected_path)
    ah, arows = read(actual_path)
    if ah != eh:
        return (["header %s, expected %s" % (",".join(ah), ",".join(eh))],
                [], [])
    keys = KEYS.get(name, tuple(eh))
    ki = [eh.index(k) for k in keys]
    diffs, seen, gone = [], [], []

    def index(rows_, what):
        m = {}
        for n, r in enumerate(rows_, 2):
            if len(r) != len(eh):
                diffs.append("%s line %d has %d fields, the header %d" %
                             (what, n, len(r), len(eh)))
                continue
            k = "/".join(r[i] for i in ki)
            if k in m:
                diffs.append("%s row %s appears twice" % (what, k))
            m[k] = r
        return m
    emap = index(erows, "expected")
    amap = index(arows, "actual")
    # whole rows listed as known differences: (expected, engine, reason)
    rows_known = {k: v for (f, k, col), v in known.items()
                  if f == name and col == ROW}
    for k, (exp, eng, _) in rows_known.items():
        e = emap.get(k)
        if e is not None and "?" in e:
            continue
        if (e is not None) != (exp == "row"):
            gone.append("row %s: the expected file now has %s, the list "
                        "says %s" % (k, "it" if e is not None else "none",
                                     exp))
        elif (k in amap) != (eng == "row"):
            gone.append("row %s: engine now writes %s, the list says %s" %
                        (k, "it" if k in amap else "none", eng))
    for k in amap:
        if k not in emap:
            if rows_known.get(k, ("",))[0] == "no row":
                seen.append("row %s written, expected none" % k)
            else:
                diffs.append("row %s not expected" % k)
    for k, r in emap.items():
        a = amap.get(k)
        if a is None:
            if "?" in r:
                pass
            elif rows_known.get(k, ("",))[0] == "row":
                seen.append("row %s missing" % k)
            else:
                diffs.append("row %s missing" % k)
            continue
        for c, col in enumerate(eh):
            if c in ki:
                continue
            kd = known.get((name, k, col))
            if r[c] in ("*", "?"):
                continue
            why = cell_differs(r[c], a[c])
            if kd is not None:
                if r[c] != kd[0]:
                    gone.append("%s %s: expected value is now %r, the list "
                                "says %r" % (k, col, r[c], kd[0]))
                elif cell_differs(kd[1], a[c]) is not None:
                    gone.append("%s %s: engine now gives %r, the list says "
                                "%r" % (k, col, a[c], kd[1]))
                else:
                    seen.append("%s %s: %s, expected %s" % (k, col, a[c],
                                                             r[c]))
                continue
            if why:
                diffs.append("%s %s: %s" % (k, col, why))
    return diffs, seen, gone


# ---- invariants of the Monte Carlo tables ----------------------------------

def monte_carlo_invariants(actual):
    """Problems in scores.csv and outranking.csv that no draw sequence can
    explain: ranks are integers 1..n with p05 <= median <= p95; each
    probability lies in [0, 1], is a whole number of draws (parameters.csv
    uncertainty.draws), and p(a>b) + p(b>a) = 1 (ranks are a strict order:
    ties by id); distinguishable = 1 exactly when the two 5-95 % rank bands
    do not overlap; and p(a>b) = 1 (a above b in every draw) puts each of
    a's rank quantiles at least one above b's."""
    problems = []
    scores = os.path.join(actual, "scores.csv")
    outr = os.path.join(actual, "outranking.csv")
    if not os.path.isfile(scores) or not os.path.isfile(outr):
        return ["scores.csv or outranking.csv missing"]
    draws = None
    params = os.path.join(actual, "parameters.csv")
    if os.path.isfile(params):
        with open(params, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["parameter"] == "uncertainty.draws":
                    draws = int(r["value"])
    with open(scores, newline="", encoding="utf-8") as f:
        srows = list(csv.DictReader(f))
    with open(outr, newline="", encoding="utf-8") as f:
        orows = list(csv.DictReader(f))
    band = {}
    groups = {}
    for r in srows:
        groups.setdefault((r["scenario"], r["level"]), []).append(r)
    for g, rs in groups.items():
        n = len(rs)
        for r in rs:
            try:
                q = [int(r[c]) for c in ("rank_p05", "rank_median",
                                         "rank_p95")]
                rank = int(r["rank"])
            except ValueError:
                problems.append("%s/%s/%s: ranks not whole numbers" %
                                (g + (r["unit"],)))
                continue
            if not (1 <= q[0] <= q[1] <= q[2] <= n and 1 <= rank <= n):
                problems.append("%s/%s/%s: rank %d, p05 %d median %d p95 %d "
                                "(n = %d)" % (g + (r["unit"], rank) +
                                              tuple(q) + (n,)))
            band[g + (r["unit"],)] = q
        ranks = sorted(int(r["rank"]) for r in rs if r["rank"].isdigit())
        if ranks != list(range(1, n + 1)):
            problems.append("%s/%s: ranks %s are not 1..%d" % (g + (ranks, n)))
    p = {}
    for r in orows:
        k = (r["scenario"], r["level"], r["unit_a"], r["unit_b"])
        v = number(r["probability_a_above_b"])
        if v is None or not 0 <= v <= 1:
            problems.append("%s: probability %r" %
                            ("/".join(k), r["probability_a_above_b"]))
            continue
        if draws and Fraction(r["probability_a_above_b"]) * draws != \
                round(Fraction(r["probability_a_above_b"]) * draws):
            problems.append("%s: probability %s is not a whole number of "
                            "%d draws" % ("/".join(k),
                                          r["probability_a_above_b"], draws))
        p[k] = v
        ba = band.get(k[:2] + (k[2],))
        bb = band.get(k[:2] + (k[3],))
        if ba is None or bb is None:
            problems.append("%s: unit not in scores.csv" % "/".join(k))
            continue
        apart = ba[2] < bb[0] or bb[2] < ba[0]
        if r["distinguishable"] != str(int(apart)):
            problems.append("%s: distinguishable %s, bands %s and %s" %
                            ("/".join(k), r["distinguishable"], ba, bb))
        if v == 1 and any(x > y - 1 for x, y in zip(ba, bb)):
            problems.append("%s: always above, but quantiles %s vs %s" %
                            ("/".join(k), ba, bb))
    for k, v in p.items():
        back = p.get(k[:2] + (k[3], k[2]))
        if back is None:
            problems.append("%s: no reverse pair" % "/".join(k))
        elif abs(v + back - 1) > 1e-12:
            problems.append("%s: p(a>b) + p(b>a) = %r" % ("/".join(k),
                                                         v + back))
    for g, rs in groups.items():
        n = len(rs)
        pairs = sum(1 for k in p if k[:2] == g)
        if pairs != n * (n - 1):
            problems.append("%s/%s: %d ordered pairs, expected %d" %
                            (g + (pairs, n * (n - 1))))
    return problems


def main(argv):
    known_path = os.path.join(HERE, "known_differences.csv")
    label = "golden"
    while len(argv) >= 3 and argv[1] in ("--known", "--label"):
        if argv[1] == "--known":
            known_path = argv[2]
        else:
            label = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        sys.stderr.write("usage: compare.py [--known FILE] [--label TEXT] "
                         "ACTUAL_CSV_DIR EXPECTED_DIR\n")
        return 2
    actual, expected = argv[1], argv[2]
    known = load_known(known_path)
    efiles = sorted(f for f in os.listdir(expected) if f.endswith(".csv"))
    afiles = sorted(f for f in os.listdir(actual) if f.endswith(".csv"))
    if not efiles:
        print("not ok - %s: no expected files in %s" % (label, expected))
        return 1
    failed = 0
    if efiles != afiles:
        failed += 1
        print("not ok - %s file set: missing %s, not expected %s" %
              (label, sorted(set(efiles) - set(afiles)) or "none",
               sorted(set(afiles) - set(efiles)) or "none"))
    else:
        print("ok - %s file set (%d tables)" % (label, len(efiles)))
    for f in efiles:
        if f not in afiles:
            continue
        diffs, seen, gone = compare_file(f, os.path.join(actual, f),
                                         os.path.join(expected, f), known)
        if diffs:
            failed += 1
            more = (" (and %d more)" % (len(diffs) - 5)
                    if len(diffs) > 5 else "")
            print("not ok - %s %s: %s%s" % (label, f, "; ".join(diffs[:5]),
                                             more))
        else:
            print("ok - %s %s" % (label, f))
        if seen:
            print("ok - %s %s: %d known engine differences still as listed "
                  "in %s: %s" % (label, f, len(seen),
                                 os.path.basename(known_path),
                                 "; ".join(seen)))
        if gone:
            failed += 1
            print("not ok - %s %s: known differences no longer as "
                  "listed, update %s: %s" %
                  (label, f, os.path.basename(known_path), "; ".join(gone)))
    inv = monte_carlo_invariants(actual)
    if inv:
        failed += 1
        print("not ok - %s Monte Carlo invariants: %s" % (label,
                                                         "; ".join(inv[:5])))
    else:
        print("ok - %s Monte Carlo invariants (scores.csv, outranking.csv)" %
              label)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
