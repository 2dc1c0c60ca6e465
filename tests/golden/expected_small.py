#!/usr/bin/env python3
"""Expected results of `s3engine run --model tests/golden/small.ini`.

An independent computation, written from the formulas of the design
(/work/shared/DESIGN.md, "Measures"), the MEASURES table of
engine/analysis.c and the kernel documentation in include/s3_kernels.h --
never from the engine's output.  It reads the raw files of datasets/small
and the reference tables with Python's csv module, does every sum with
exact fractions where the measure is rational (values, shares, RCA, RSCA,
Krugman, Hoover, Herfindahl, locational Gini) and with math.fsum /
math.log2 where it needs logarithms (entropy, related and unrelated
variety), and writes the expected CSV files into tests/golden/small/:

  specialisation.csv  level,matrix,unit,class,value,share,rca,rsca,
                      specialised,rca_baseline
  units.csv           level,matrix,unit,total,diversity,krugman,hoover,
                      herfindahl,entropy,related_variety,unrelated_variety
  classes.csv         level,matrix,class,label,total,ubiquity,locational_gini
  quality.csv         file,rows_read,rows_used,rows_rejected,warnings

An empty cell means "no value" (the engine must write an empty field too);
a cell "*" means "not checked".

Conventions checked here (from the design):
  * matrices: tenants (count), employees (sum), patents (fractional: a
    patent counts 1, split equally over its distinct centres x distinct
    WIPO fields), at level centre (A1, A2, B1, B2) and subregion (Alpha,
    Beta); columns are the classes that occur (NACE divisions at the
    model's level "division"; WIPO fields as two-digit codes "04").
  * tenants_by_aggregate / employees_by_aggregate: the same counts over
    the baseline's disjoint NACE aggregates (A, B-E, F, G-J, K-N, O-U;
    TOTAL is the total, C lies inside B-E), with rca_baseline against the
    model's baseline region "total" (the sum of both regions).
  * RCA_cp = (x_cp / x_c) / (x_p / x); RSCA = (RCA - 1) / (RCA + 1);
    M_cp = [RCA_cp >= 1]; a class with x_p = 0 has no RCA, RSCA, M.
  * diversity = sum_p M_cp, ubiquity = sum_c M_cp over defined values
    (no value where no M is defined).
  * Krugman K_c = sum_p |s_cp - s_p| with s_p = x_p / x; Hoover K_c / 2;
    Herfindahl sum_p s_cp^2; entropy -sum_p s_cp log2 s_cp.
  * related variety sum_g P_g H_g and unrelated variety -sum_g P_g log2 P_g
    (Frenken et al. 2007) over the finest classes: NACE classes grouped by
    division for tenants/employees, WIPO fields grouped by WIPO sector for
    patents; no value for the aggregate matrices (no hierarchy).
  * locational Gini: EconGeo's locational.Gini -- units ordered by
    x_cp / share of the unit in the total, Lorenz curve of the class's
    cumulative share against the units' cumulative share, area to the
    diagonal = (sum cind[k+1] cpop[k] - sum cind[k] cpop[k+1]) / 2.

Usage: python3 tests/golden/expected_small.py [--out DIR]
(DIR defaults to tests/golden/small; the repository is found from this
file's location.)
"""
import csv
import math
import os
import sys
from fractions import Fraction as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "datasets", "small")
REF = os.path.join(ROOT, "datasets", "reference")
OUT = os.path.join(ROOT, "tests", "golden", "small")
if len(sys.argv) == 3 and sys.argv[1] == "--out":
    OUT = sys.argv[2]
elif len(sys.argv) != 1:
    sys.exit("usage: expected_small.py [--out DIR]")

NA = None        # no value: an empty field
SKIP = "*"       # not checked


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- reference tables ------------------------------------------------------

nace = {r["code"]: r for r in rows(os.path.join(REF, "nace_rev2_en.csv"))}


def section_of(code):
    while nace[code]["parent"]:
        code = nace[code]["parent"]
    return code


def division_of(code):
    # NACE class "62.01" -> division "62" (walk up the parents)
    while nace[code]["level"] != "2":
        code = nace[code]["parent"]
    return code


fields = {int(r["field_nr"]): r for r in rows(os.path.join(REF,
                                                           "wipo35_fields.csv"))}
concordance = {}
for r in rows(os.path.join(REF, "ipc_to_wipo35_concordance.csv")):
    concordance[(r["ipc_subclass"], r["ipc_main_group"])] = int(r["field_nr"])


def wipo_field(ipc):
    """Schmoch concordance: subclass + main group first, then subclass."""
    sub = ipc[:4]
    rest = ipc[4:].strip()
    group = str(int(rest.split("/")[0])) if rest else ""
    if (sub, group) in concordance:
        return concordance[(sub, group)]
    return concordance[(sub, "")]


# ---- the dataset -----------------------------------------------------------

centres = rows(os.path.join(DATA, "centres.csv"))
tenants = rows(os.path.join(DATA, "tenants.csv"))
patents = rows(os.path.join(DATA, "patents.csv"))
baseline = rows(os.path.join(DATA, "baseline.csv"))

centre_sub = {c["centre_id"]: c["subregion"] for c in centres}
UNITS = {"centre": sorted(centre_sub),
         "subregion": sorted(set(centre_sub.values()))}


def unit_of(level, centre):
    return centre if level == "centre" else centre_sub[centre]


# aggregates of the baseline used by the engine: disjoint, largest first
SECTION_AGG = {}
for agg, secs in [("A", "A"), ("B-E", "BCDE"), ("F", "F"), ("G-J", "GHIJ"),
                  ("K-N", "KLMN"), ("O-U", "OPQRSTU")]:
    for s in secs:
        SECTION_AGG[s] = agg
AGGS = ["A", "B-E", "F", "G-J", "K-N", "O-U"]
bsum = {a: F(0) for a in AGGS}
for r in baseline:
    if r["nace"] in bsum:
        bsum[r["nace"]] += F(r["value"])


def matrix(level, name):
    """Return (classes, labels, x, vx, vgroup, bref): x[unit][class] as
    Fractions; vx the finest-level counts with vgroup[fine] = group."""
    units = UNITS[level]
    x = {u: {} for u in units}
    vx = {u: {} for u in units}
    vgroup = {}
    labels = {}
    bref = None
    if name in ("tenants", "employees"):
        for t in tenants:
            u = unit_of(level, t["centre_id"])
            w = F(1) if name == "tenants" else F(t["employees"])
            d = division_of(t["nace"])
            x[u][d] = x[u].get(d, F(0)) + w
            vx[u][t["nace"]] = vx[u].get(t["nace"], F(0)) + w
            vgroup[t["nace"]] = d
            labels[d] = nace[d]["label_en"]
        classes = sorted({d for u in units for d in x[u]},
                         key=lambda c: list(nace).index(c))
    elif name in ("tenants_by_aggregate", "employees_by_aggregate"):
        for t in tenants:
            u = unit_of(level, t["centre_id"])
            w = F(1) if name.startswith("tenants") else F(t["employees"])
            a = SECTION_AGG[section_of(t["nace"])]
            x[u][a] = x[u].get(a, F(0)) + w
        classes = AGGS
        labels = {a: SKIP for a in AGGS}
        vx = None
        bref = bsum
    elif name == "patents":
        pf, pc = {}, {}
        for p in patents:
            pf.setdefault(p["patent_id"], set()).add(wipo_field(p["ipc"]))
            pc.setdefault(p["patent_id"], set()).add(p["centre_id"])
        for pid in pf:
            w = F(1, len(pf[pid]) * len(pc[pid]))
            for c in pc[pid]:
                u = unit_of(level, c)
                for f in pf[pid]:
                    code = "%02d" % f
                    x[u][code] = x[u].get(code, F(0)) + w
        classes = sorted({f for u in units for f in x[u]})
        for code in classes:
            labels[code] = fields[int(code)]["field_name"]
            vgroup[code] = fields[int(code)]["sector"]
        vx = x
    else:
        raise ValueError(name)
    for u in units:
        for c in classes:
            x[u].setdefault(c, F(0))
    return classes, labels, x, vx, vgroup, bref


def entropy(parts):
    """-sum p log2 p over the positive parts of a distribution."""
    return -math.fsum(float(p) * math.log2(p) for p in parts if p > 0)


def variety(vrow, vgroup):
    tot = sum(vrow.values())
    s = {k: v / tot for k, v in vrow.items()}
    P = {}
    for k, v in s.items():
        P[vgroup[k]] = P.get(vgroup[k], F(0)) + v
    uv = entropy(P.values())
    rv = math.fsum(float(P[g]) * entropy([s[k] / P[g] for k in s
                                          if vgroup[k] == g])
                   for g in P if P[g] > 0)
    return rv, uv


def locational_gini(ind, pop):
    """EconGeo locational.Gini for one class (R code, transcribed)."""
    order = sorted(range(len(ind)), key=lambda i: ind[i] / pop[i])
    ind = [ind[i] for i in order]
    pop = [pop[i] for i in order]
    cind, cpop, a, b = [], [], F(0), F(0)
    for i, p in zip(ind, pop):
        a += i
        b += p
        cind.append(a)
        cpop.append(b)
    cind = [v / cind[-1] for v in cind]
    cpop = [v / cpop[-1] for v in cpop]
    nn = len(cind)
    return (sum(cind[k + 1] * cpop[k] for k in range(nn - 1)) -
            sum(cind[k] * cpop[k + 1] for k in range(nn - 1))) / 2


spec_rows, unit_rows, class_rows = [], [], []
for level in ("centre", "subregion"):
    for name in ("tenants", "tenants_by_aggregate", "employees",
                 "employees_by_aggregate", "patents"):
        classes, labels, x, vx, vgroup, bref = matrix(level, name)
        units = UNITS[level]
        xc = {u: sum(x[u].values()) for u in units}
        xp = {c: sum(x[u][c] for u in units) for c in classes}
        xt = sum(xc.values())
        M = {}
        for u in units:
            for c in classes:
                share = x[u][c] / xc[u]
                rca = share / (xp[c] / xt) if xp[c] > 0 else NA
                rsca = (rca - 1) / (rca + 1) if rca is not NA else NA
                M[u, c] = (1 if rca >= 1 else 0) if rca is not NA else NA
                if bref is not None:
                    rcab = share / (bref[c] / sum(bref.values()))
                else:
                    rcab = SKIP
                spec_rows.append([level, name, u, c, x[u][c], share, rca, rsca,
                                  M[u, c], rcab])
        for u in units:
            s = {c: x[u][c] / xc[u] for c in classes}
            ref = {c: xp[c] / xt for c in classes}
            krug = sum(abs(s[c] - ref[c]) for c in classes)
            defined = [M[u, c] for c in classes if M[u, c] is not NA]
            div = sum(defined) if defined else NA
            if vx is not None:
                rv, uv = variety({k: v for k, v in vx[u].items() if v > 0},
                                 vgroup)
            else:
                rv = uv = NA
            unit_rows.append([level, name, u, xc[u], div, krug, krug / 2,
                              sum(v * v for v in s.values()),
                              entropy(s.values()), rv, uv])
        pop = [xc[u] / xt for u in units]
        for c in classes:
            defined = [M[u, c] for u in units if M[u, c] is not NA]
            ubiq = sum(defined) if defined else NA
            gini = (locational_gini([x[u][c] for u in units], pop)
                    if xp[c] > 0 else NA)
            class_rows.append([level, name, c, labels[c], xp[c], ubiq, gini])


# ---- cross-checks against the hand-made tables of datasets/small/README.md

def cell(level, name, u, c):
    return next(r[4] for r in spec_rows
                if r[:4] == [level, name, u, c])


README_TENANTS = {"A1": (5, 1, 0, 0), "A2": (2, 0, 3, 0), "B1": (0, 2, 0, 4),
                  "B2": (1, 0, 1, 2), "Alpha": (7, 1, 3, 0),
                  "Beta": (1, 2, 1, 6)}
README_EMPLOYEES = {"A1": (60, 30, 0, 0), "A2": (10, 0, 75, 0),
                    "B1": (0, 23, 0, 135), "B2": (3, 0, 7, 27)}
for u, want in README_TENANTS.items():
    level = "centre" if len(u) == 2 else "subregion"
    got = tuple(cell(level, "tenants", u, d) for d in ("62", "72", "21", "28"))
    assert got == want, (u, got, want)
for u, want in README_EMPLOYEES.items():
    got = tuple(cell("centre", "employees", u, d)
                for d in ("62", "72", "21", "28"))
    assert got == want, (u, got, want)
# the README's worked examples
assert next(r[6] for r in spec_rows
            if r[:4] == ["centre", "tenants", "A1", "62"]) == F(105, 48)
assert next(r[6] for r in spec_rows
            if r[:4] == ["subregion", "tenants", "Beta", "28"]) == F(21, 10)
# patents: 9 in total, A1 3, A2 2, B1 3, B2 1
for u, want in {"A1": 3, "A2": 2, "B1": 3, "B2": 1}.items():
    got = sum(r[4] for r in spec_rows if r[:3] == ["centre", "patents", u])
    assert got == want, (u, got, want)


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, F) and v.denominator == 1:
        return str(v.numerator)
    if isinstance(v, int):
        return str(v)
    return repr(float(v) + 0.0)  # no "-0.0"


def write(name, header, data):
    with open(os.path.join(OUT, name), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in data:
            w.writerow([fmt(v) for v in r])


os.makedirs(OUT, exist_ok=True)
write("specialisation.csv",
      "level,matrix,unit,class,value,share,rca,rsca,specialised,"
      "rca_baseline".split(","), spec_rows)
write("units.csv",
      "level,matrix,unit,total,diversity,krugman,hoover,herfindahl,entropy,"
      "related_variety,unrelated_variety".split(","), unit_rows)
write("classes.csv",
      "level,matrix,class,label,total,ubiquity,locational_gini".split(","),
      class_rows)
# every row of the small dataset is valid and used
write("quality.csv", "file,rows_read,rows_used,rows_rejected,warnings".split(","),
      [[f, n, n, 0, 0] for f, n in [("centres.csv", len(centres)),
                                    ("tenants.csv", len(tenants)),
                                    ("patents.csv", len(patents)),
                                    ("baseline.csv", len(baseline))]])
print("wrote %d specialisation, %d units, %d classes rows to %s" %
      (len(spec_rows), len(unit_rows), len(class_rows), OUT))
