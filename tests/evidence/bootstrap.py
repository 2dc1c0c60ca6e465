"""Checks of the bootstrap (engine/stages/bootstrap.c), run by bootstrap.sh.

  bootstrap.py exact DIR       the tiny long table and its exact answer
  bootstrap.py check-exact DIR the engine's p_specialised against it
  bootstrap.py invariants OUT  what every bootstrap output must satisfy

The exact test: three units of a few records each, resampled
multinomially (as analyse does with resample = records).  Enumerating every
outcome of the three multinomials gives the probability that each cell's
RCA reaches 1 (rule rca); the engine's share of draws must lie within 4
binomial standard errors of it.
"""
import csv
import itertools
import math
import sys

UNITS = {"U1": {"A": 3, "B": 1, "C": 0},
         "U2": {"A": 1, "B": 2, "C": 1},
         "U3": {"A": 0, "B": 1, "C": 4}}
CLASSES = ["A", "B", "C"]


def outcomes(n, p):
    """Every split of n records over the classes, with its probability."""
    k = len(p)
    for c in itertools.product(range(n + 1), repeat=k):
        if sum(c) != n:
            continue
        pr = math.factorial(n)
        for ci, pi in zip(c, p):
            pr = pr / math.factorial(ci) * (pi ** ci)
        if pr > 0:
            yield c, pr


def exact():
    units = sorted(UNITS)
    per = []
    for u in units:
        n = sum(UNITS[u].values())
        per.append(list(outcomes(n, [UNITS[u][c] / n for c in CLASSES])))
    prob = {(u, c): 0.0 for u in units for c in CLASSES}
    for combo in itertools.product(*per):
        pr = 1.0
        for _, q in combo:
            pr *= q
        tot = sum(sum(c) for c, _ in combo)
        col = [sum(c[j] for c, _ in combo) for j in range(len(CLASSES))]
        for i, u in enumerate(units):
            row = sum(combo[i][0])
            for j, cl in enumerate(CLASSES):
                if col[j] == 0 or row == 0:
                    continue
                rca = (combo[i][0][j] / row) / (col[j] / tot)
                if rca >= 1.0:
                    prob[(u, cl)] += pr
    return prob


def main():
    cmd = sys.argv[1]
    if cmd == "exact":
        d = sys.argv[2]
        with open(d + "/tiny.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["unit", "class", "value"])
            for u in sorted(UNITS):
                for c in CLASSES:
                    w.writerow([u, c, UNITS[u][c]])
        return 0
    if cmd == "check-exact":
        d, draws = sys.argv[2], int(sys.argv[3])
        prob = exact()
        bad = 0
        with open(d + "/out/csv/specialisation.csv") as f:
            for r in csv.DictReader(f):
                key = (r["unit"], r["class"])
                if key not in prob or r["p_specialised"] == "":
                    print(f"not ok - bootstrap exact: no p_specialised for {key}")
                    return 1
                got, want = float(r["p_specialised"]), prob[key]
                se = math.sqrt(max(want * (1 - want), 1e-12) / draws)
                ok = abs(got - want) <= 4 * se + 1e-12
                bad += not ok
                print(f"# {key}: bootstrap {got:.4f}, exact {want:.4f}"
                      f" (4 se {4 * se:.4f}){'' if ok else '  <-- off'}")
        print(("ok" if bad == 0 else "not ok") +
              " - bootstrap: p_specialised of a tiny table within 4 standard"
              " errors of the exact multinomial probability (9 cells)")
        return 0
    if cmd == "invariants":
        out = sys.argv[2]
        fails = []
        with open(out + "/csv/specialisation.csv") as f:
            n = 0
            for r in csv.DictReader(f):
                if r["p_specialised"] == "":
                    continue
                n += 1
                p = float(r["p_specialised"])
                if not 0 <= p <= 1:
                    fails.append(f"p_specialised {p} outside [0, 1]")
                if float(r["value"]) == 0 and p != 0:
                    fails.append(f"zero count with p_specialised {p}: {r}")
            if n == 0:
                fails.append("no p_specialised at all")
        with open(out + "/csv/potentials.csv") as f:
            n = 0
            for r in csv.DictReader(f):
                if r["specialised"] == "1" and r["p_ideal"] != "":
                    fails.append(f"p_ideal for a specialised cell: {r}")
                if r["p_ideal"] != "":
                    n += 1
                    if not 0 <= float(r["p_ideal"]) <= 1:
                        fails.append(f"p_ideal outside [0, 1]: {r}")
                if r["density_low"] != "":
                    lo, hi = float(r["density_low"]), float(r["density_high"])
                    if not 0 <= lo <= hi <= 1:
                        fails.append(f"density interval {lo}..{hi}: {r}")
            if n == 0:
                fails.append("no p_ideal at all")
        with open(out + "/csv/scores.csv") as f:
            for r in csv.DictReader(f):
                if r["rank_median"] == "":
                    continue
                a, m, b = (int(r[k]) for k in ("rank_p05", "rank_median", "rank_p95"))
                wa, wb = int(r["rank_p05_weights"]), int(r["rank_p95_weights"])
                if not (a <= m <= b and wa <= wb):
                    fails.append(f"rank bands out of order: {r}")
        pairs = {}
        with open(out + "/csv/outranking.csv") as f:
            for r in csv.DictReader(f):
                pairs[(r["scenario"], r["level"], r["unit_a"], r["unit_b"])] = \
                    float(r["probability_a_above_b"])
        for (s, l, a, b), p in pairs.items():
            q = pairs.get((s, l, b, a))
            if q is None or abs(p + q - 1) > 1e-12:
                fails.append(f"P({a},{b}) + P({b},{a}) = {p} + {q}")
                break
        for x in fails[:5]:
            print("# " + x)
        print(("ok" if not fails else "not ok") +
              " - bootstrap: shares in [0, 1], a zero count never specialised,"
              " no p_ideal where specialised, density and rank bands in order,"
              " P(a,b) + P(b,a) = 1")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
