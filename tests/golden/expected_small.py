#!/usr/bin/env python3
"""Expected results of `s3engine run --model tests/golden/small.ini`.

An independent computation of every CSV table that run writes, from the
definitions of the design (/work/shared/DESIGN.md, "Measures"), README.md,
`s3engine measures`, the kernel documentation in include/s3_kernels.h and
include/s3_scoring.h, the opening comments of engine/measures/overlaps.c
and engine/measures/scoring.c and the model's comments (models/ruhr.ini)
-- never from the engine's code paths or its output.  It reads the raw
files of datasets/small and the reference tables with Python's csv module
(standard library only) and computes with exact fractions wherever a
measure is rational (values, shares, RCA, Krugman, Herfindahl, Gini,
proximity, density, Jaccard, complementarity, co-occurrence measures,
indicators, reflections); logarithms, square roots and eigenvectors in
floating point (math.fsum; a cyclic Jacobi eigen-solver below).

Usage:
  expected_small.py [--model INI] [--out DIR]
      writes the expected tables of the model (default
      tests/golden/small.ini; also tests/golden/small_domains.ini, the same
      with S3 domains and two scenarios) into DIR (default: the model's
      path without .ini, tests/golden/small/), the committed golden files,
      which do not depend on the engine.
  expected_small.py [--model INI] --given ENGINE_CSV_DIR --out DIR
      the same, but where the design leaves ECI undetermined (see below)
      it takes the engine's ECI and PCI from ENGINE_CSV_DIR after checking
      that they are admissible (an eigenvector of the right eigenvalue,
      standardised, signed by the rule, PCI consistent with ECI), and then
      computes everything that depends on them (COI, COG, quadrants,
      opportunity ranks, indicators, scores, the briefing, scenario deltas)
      independently from those; the cells that follow from the Monte Carlo
      (rank bands, traffic lights, rank deltas) from the engine's rank
      quantiles.  Prints "ok - ..." / "not ok - ..." lines for those
      admissibility checks and for a statistical check of the Monte Carlo.

Cells: an empty cell means "no value" (the engine must write an empty
field too); "*" means "not checked here" (compare.py skips it); "?" is
not checked either and makes its row optional: the row is written only
when two values that the data do not determine differ (scenario deltas of
undetermined quadrants).  Files:

  specialisation.csv  level,matrix,unit,class: value, share, rca, rsca,
                      specialised, rca_baseline, rca_low, rca_high,
                      p_value, q_value, p_specialised
  units.csv           level,matrix,unit: total, diversity, krugman, hoover,
                      herfindahl, entropy, related_variety,
                      unrelated_variety, eci, eci_reflections, coi
  classes.csv         level,matrix,class: label, total, ubiquity,
                      locational_gini, pci, pci_reflections
  proximity.csv       level,matrix,class_a<class_b: proximity
  unit_proximity.csv  level,matrix,unit_a<unit_b: proximity
  relatedness.csv     centre,patents,class_a<class_b: cooccurrence and its
                      association, probability, cosine, jaccard
  potentials.csv      level,matrix,unit,class: specialised, density,
                      density_low, density_high, pci, cog, quadrant,
                      p_ideal, opportunity_rank
  quadrants.csv       level,matrix,split: used, opportunities,
                      labels_changed
  similarity.csv      level,matrix,unit_a,unit_b (a != b): cosine, jaccard,
                      complementarity
  clusters.csv        level,matrix,unit: cluster
  partners.csv        level,matrix,unit,kind,rank: partner, value, tied
  indicators.csv      scenario,level,unit,indicator: value, normalised,
                      weight (the baseline, then each scenario)
  scores.csv          scenario,level,unit: score, rank (rank_median,
                      rank_p05, rank_p95 "*": Monte Carlo), rank_p05_weights,
                      rank_p95_weights (the bootstrap, below)
  outranking.csv      scenario,level,unit_a,unit_b: all "*" (Monte Carlo)
  scenario_deltas.csv scenario,level,matrix,unit,class,measure: baseline,
                      value, delta, baseline_label, label (only with
                      [scenario.NAME] sections)
  scenario_summary.csv scenario,level,kind,unit,matrix,class: the
                      Scenarios sheet's rows (scenario_summary() below;
                      only with [scenario.NAME] sections)
  local_economy.csv   level,matrix,unit,aggregate: region, label,
                      centres_share, economy_share, ratio
  overview.csv        level,matrix,unit (centre, the headline matrix
                      tenants): position, name, subregion, score,
                      rank_band, traffic_light, eci, krugman, diversity,
                      total, largest_specialisations, best_opportunities
  ranking.csv         level,unit: rank, name, score, rank_median, rank_p05,
                      rank_p95, band_start, band_length
  opportunities.csv   level,matrix,unit,class (centre; tenants, patents):
                      name, rank, label, density, pci, cog, quadrant,
                      p_ideal
  domains.csv         level,matrix,unit,domain: value, share, rca (only
                      with [domains])
  domain_overlap.csv  domain_a,domain_b (model order): shared_classes,
                      shared_fields, shared_tenants
  quality.csv, inputs.csv, centres.csv, parameters.csv, definitions.csv,
  notes.csv, warnings.csv: the plain tables.

Conventions checked here (from the design and the model):
  * matrices: tenants (count), employees (sum), patents (fractional: a
    patent counts 1, split equally over its distinct centres x distinct
    WIPO fields), at level centre (A1, A2, B1, B2) and subregion (Alpha,
    Beta); columns are the classes that occur (NACE divisions at the
    model's level "division"; WIPO fields as two-digit codes "04").
  * tenants_by_aggregate / employees_by_aggregate: the same counts over
    the baseline's disjoint NACE aggregates (A, B-E, F, G-J, K-N, O-U;
    TOTAL is the total, C lies inside B-E), with rca_baseline against the
    model's baseline region "total" (the sum of both regions).  The
    relatedness, complexity, potentials and overlap measures are computed
    for tenants, employees and patents only.
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
  * proximity phi_pq = sum_c M_cp M_cq / max(k_p, k_q) (Hidalgo et al.
    2007), the same on the unit side; density omega_cp = sum_q M_cq phi_pq
    / sum_q phi_pq with phi_pp = 1.
  * ECI / PCI: the eigenvector of the second-largest eigenvalue of
    D^-1 M U^-1 M^T (U^-1 M^T D^-1 M), standardised (mean 0, sample sd 1),
    ECI signed to correlate positively with diversity, PCI with the mean
    ECI of the units holding the class.  Computed here on the symmetric
    N N^T, N = D^-1/2 M U^-1/2, after deflating its known Perron vector
    sqrt(k_c): the ECI eigenvector is the leading one of the rest.
    The definition does not always fix ECI, and then neither do the
    measures built on it:
      - "space": the second eigenvalue is repeated (centre/tenants: the
        four centres form a cycle A1-62-A2-21-B2-28-B1-72-A1, N N^T has
        eigenvalues 1, 1/2, 1/2, 0; centre/patents: three groups sharing
        nothing, eigenvalue 1 three times), so any vector of a
        two-dimensional space qualifies;
      - "sign": unique up to its sign, and the sign rule cannot decide
        because diversity is the same for every unit (subregion/tenants).
    In those cases eci, pci, coi, cog, quadrant, opportunity_rank,
    labels_changed and, where the score's matrix (tenants) is concerned,
    the eci indicator, score and rank are "*" in the golden files; the
    --given run checks them conditionally on the engine's choice.
  * reflections (Hidalgo & Hausmann 2009) k_c,n = sum_p M_cp k_p,n-1 /
    k_c,0 and k_p,n = sum_c M_cp k_c,n-1 / k_p,0 for n = 1 .. 19 (model
    default: 20 iterations), ECI = k_c,18 and PCI = k_p,19, exactly in
    fractions, standardised and signed as the eigenvector ones; no value
    when all are equal.
  * COI_c = sum_p omega_cp (1 - M_cp) PCI_p; COG_cp = (1 - M_cp)
    sum_q (phi_pq / sum_r phi_rq) (1 - M_cq) PCI_q (Hausmann et al. 2014),
    only for classes the unit does not hold (empty where M = 1).
  * quadrant of an opportunity (M = 0): density "high" when above 0 and at
    or above the split over every opportunity of the matrix (median by
    default; the mean; the 75th percentile, linear interpolation between
    order statistics as R's default type 7), PCI "high" at 0 or above;
    ideal = high/high, low_risk_low_gain
    = high density, low PCI, high_risk_high_gain = low density, high PCI,
    least_attractive = low/low.  opportunity_rank: highest density first,
    then highest PCI, ties by class id (the design: ranks are stable, ties
    by id).  quadrants.csv counts, per rule, the labels that differ from
    those of the rule used.  Values that are equal in exact arithmetic are
    equal here (see snap()), so ties are real ties.
  * similarity: cosine of the count rows, Jaccard of the rows of M,
    complementarity K_cd = sum_p (1 - M_cp) omega_cp M_dp /
    sum_p (1 - M_cp) omega_cp (no value for a unit c without a weighted
    opportunity), as in overlaps.c's opening comment.  clusters: average
    linkage (UPGMA) on 1 - cosine, merges at height <= cluster_cut (0.6)
    kept, clusters numbered in the order of their first unit.  partners:
    per unit the 3 others with the highest cosine ("similar") and the
    highest complementarity ("complementary", none where it has no
    value), ties by Jaccard (similar) or cosine (complementary), then by
    unit id; tied = the other candidates with the same value.
  * S3 domains (models/ruhr.ini's [domains]): a NACE code of any level
    stands for the classes below it, "Fnn" for WIPO field nn; a domain
    named on several lines takes the codes of all of them.  A tenant is in
    a domain when its NACE class is; value = the tenants (employees) of the
    unit in the domain, or its fractional patents in the domain's fields;
    share = value / unit total; rca = share / the network's share (no value
    when the network has none).  domain_overlap: the NACE classes and
    fields two domains share, and the tenants in both.  definitions.csv
    lists each line of [domains] as written.
  * indicators (model default: specialisation, density, eci, startups,
    growth, patents, alignment; weights 2 2 2 1 1 1 1; all "+"), on the
    model's weight matrix (tenants): specialisation = Krugman, density =
    mean density of the unit's opportunities, eci, startups = share of
    tenants with startup = 1, growth has no value (no cut-off date),
    alignment = the share of the unit's tenants in at least one domain (no
    value without domains), patents = fractional patents per tenant;
    an indicator without any value is left out; a unit is scored only
    with a value for every indicator left in (issue 12, item 3), else its
    score, rank and bands are empty and not_scored says "no tenants" or
    "missing: NAME, NAME"; min-max normalised over the scored units (0.5
    for a column without spread); weight = the indicator's weight over the
    sum of the weights of the indicators left in; score = the weighted
    arithmetic mean; rank 1 = highest among the scored units, ties by
    unit id.
  * the briefing (engine/stages/briefing.c's opening comment, README.md):
    overview.csv lists the centres of the headline matrix by Krugman
    (descending, no value last, ties by id), then stably by the score's
    rank: position 1..n; rank_band "p05-p95"; traffic_light from the
    thirds int((r - 1) 3 / n) of the ranking: grey when p05 and p95 lie in
    different thirds, else green, yellow, red for the third of the median
    rank; largest_specialisations: up to 3 classes with RCA >= threshold
    (against the network), largest count first, then higher RCA, as "CODE
    LABEL (RCA %.1f)"; best_opportunities: the opportunities of rank 1..3
    as "CODE LABEL (density %.2f, quadrant in short words)", both joined
    by " | ", labels over 50 bytes cut at a blank with an ellipsis.
    ranking.csv: each level's units by rank with the name (a centre's, a
    sub-region's id), score and rank quantiles, band_start = p05 - 0.5,
    band_length = p95 - p05 + 1.  opportunities.csv: per unit its
    opportunities of rank 1..10 with the full label and the quadrant in
    long words.  Cells that follow from an undetermined ECI or from the
    Monte Carlo are "*" as in the tables they come from; --given fills
    them from the engine's ECI and its rank quantiles (scores.csv), which
    monte_carlo_check() tests.
  * scenarios (engine/stages/scenarios.c's opening comment; the model's
    [scenario.NAME] sections, actions in model order): the scenario is the
    same pipeline on the changed dataset, computed by running this script
    again with the changes applied (scenario_run(); apply_scenario() says
    what each action does: a closed or merged-away centre is no unit of
    the scenario and its tenants and patents are not counted, except that
    merge_centres moves them to the centre it merges into).  Its
    indicators, scores and outranking rows are those of the baseline's
    tables for the changed data; scenario_deltas.csv lists, matched on
    unit and class ids, every cell whose "specialised" changed, every
    potentials cell whose density changed or whose quadrant label changed
    (empty where the unit holds the class; label rows have empty numbers),
    and for every unit of each scored level its score, rank, rank_median,
    rank_p05 and rank_p95 (baseline, value, delta = value - baseline;
    baseline and delta empty for a unit or class the baseline lacks).
    Where a baseline label is undetermined (see ECI above) a row that must
    be there has "*", one that is there only if the labels differ "?";
    --given takes the baseline's labels from the engine's ECI and the
    rank quantiles of both passes from the engine's scores.csv.
  * the Monte Carlo (rank_median, rank_p05, rank_p95, outranking.csv)
    follows the engine's GSL draw sequence, which cannot be recomputed
    independently: compare.py checks its invariants on any run (0 <= p <=
    1, p(a>b) + p(b>a) = 1, p a multiple of 1/draws, 1 <= p05 <= median <=
    p95 <= n, distinguishable = bands apart, p(a>b) = 1 implies a's
    quantiles above b's), and the --given run checks the estimates against
    an independent simulation of the same model within 5 binomial
    standard errors, and p = 1 exactly where a unit dominates another in
    every normalised indicator (the baseline and each scenario whose
    indicators are determined).
  * the bootstrap (README.md, "What if the data had come out a little
    differently?"): the model's [uncertainty] resample, default none, which
    the golden models keep (they set no [uncertainty] section).  Without it
    no draw resamples the records, so p_specialised, density_low,
    density_high and p_ideal have no value (empty), the overview's texts
    are the plain ones above (no share of draws), and the weights-only rank
    band (rank_p05_weights, rank_p95_weights) is the rank band itself:
    "*" like rank_p05 and rank_p95, and with --given the engine's rank_p05
    and rank_p95 (so compare.py checks that they are equal).

Known differences between this computation and the engine, each checked
by hand, are listed in tests/golden/known_differences.csv (compare.py
reads it): the test reports them without failing, and fails once one
disappears, so that the list stays true.
"""
import configparser
import csv
import hashlib
import math
import os
import random
import sys
from fractions import Fraction as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL = os.path.join(ROOT, "tests", "golden", "small.ini")
REFDIR = os.path.join(ROOT, "datasets", "reference")
OUT = None
GIVEN = None
# A scenario runs this same script on the changed dataset (scenario_run()):
# the nested run finds SCENARIO = (name, actions) and the model's path among
# its globals, computes everything up to the scores and writes nothing.
SCENARIO = globals().get("SCENARIO")
if SCENARIO is not None:
    MODEL = globals()["SCENARIO_MODEL"]
args = sys.argv[1:] if SCENARIO is None else []
while args:
    if len(args) >= 2 and args[0] == "--out":
        OUT = args[1]
    elif len(args) >= 2 and args[0] == "--given":
        GIVEN = args[1]
    elif len(args) >= 2 and args[0] == "--model":
        MODEL = os.path.abspath(args[1])
    else:
        sys.exit("usage: expected_small.py [--model INI] [--given "
                 "ENGINE_CSV_DIR] [--out DIR]")
    args = args[2:]
# the model as t_golden_small names it, from the repository root
MODEL_ARG = os.path.relpath(MODEL, ROOT)
if OUT is None:
    OUT = os.path.splitext(MODEL)[0]

NA = None        # no value: an empty field
SKIP = "*"       # not checked


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- the model -------------------------------------------------------------

# [domains] may name a domain on several lines, which configparser does
# not keep apart: those are read by read_lines()
ini = configparser.ConfigParser(comment_prefixes=(";", "#"),
                                inline_comment_prefixes=None, strict=False)
ini.read(MODEL, encoding="utf-8")
DATA = os.path.normpath(os.path.join(os.path.dirname(MODEL),
                                     ini["model"]["dataset"]))
assert os.path.normpath(os.path.join(os.path.dirname(MODEL),
                                     ini["model"]["reference"])) == REFDIR
assert ini["sectors"]["level"] == "division"
assert ini["sectors"]["weight"] == "tenants"
assert ini["specialisation"]["reference"] == "network"
THRESHOLD = F(ini["specialisation"]["threshold"])
assert THRESHOLD == 1
# the sections the golden models leave out take the engine's defaults
for sec in ini.sections():
    assert sec in ("model", "sectors", "specialisation", "data", "baseline",
                   "domains") or sec.startswith("scenario."), \
        "%s sets [%s]: compute it here" % (MODEL, sec)


def read_lines(path):
    """Every section's (key, value) lines in file order: [domains] may name
    a domain on several lines and a scenario may repeat an action, which
    configparser does not keep apart."""
    lines, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in ";#":
                continue
            if line.startswith("["):
                section = line.strip("[]")
                lines.setdefault(section, [])
            else:
                key, value = (x.strip() for x in line.split("=", 1))
                lines[section].append((key, value))
    return lines


def read_domains(lines):
    """The [domains] section: name -> codes, in file order; a name given on
    several lines collects the codes of all of them (models/ruhr.ini: "a
    code may belong to several domains")."""
    domains = {}
    for key, value in lines.get("domains", []):
        domains.setdefault(key, []).extend(value.split())
    return domains


MODEL_LINES = read_lines(MODEL)
# (name, codes as written), one per line of [domains]
DOMAIN_LINES = list(MODEL_LINES.get("domains", []))
DOMAINS = read_domains(MODEL_LINES)
# [scenario.NAME]: name -> its (key, value) lines, in model order
SCENARIOS = {sec[len("scenario."):]: v for sec, v in MODEL_LINES.items()
             if sec.startswith("scenario.")}
REFLECTIONS = 20
PERCENTILE = 75
CLUSTER_CUT = F(6, 10)
PARTNERS = 3
INDICATORS = ["specialisation", "density", "eci", "startups", "growth",
              "patents", "alignment"]
WEIGHTS = [2, 2, 2, 1, 1, 1, 1]
DRAWS = 1000
WEIGHT_SD = 0.25
# [uncertainty] resample: records would redraw the data in every draw; the
# golden models keep the default (see the module comment)
RESAMPLE = "none"


# ---- reference tables ------------------------------------------------------

nace = {r["code"]: r for r in rows(os.path.join(REFDIR, "nace_rev2_en.csv"))}


def section_of(code):
    while nace[code]["parent"]:
        code = nace[code]["parent"]
    return code


def shown_code(matrix_name, code):
    """A class code as the outputs write it (README, "Codes"): a WIPO
    field "04" as "F04"; a NACE code below a section with its section's
    letter, as Eurostat writes it ("62" -> "J62", "10.1" -> "C10.1"); a
    section or a baseline aggregate ("C", "B-E") as it is.  This script
    works with the bare codes and writes them so."""
    if code in (None, ""):
        return code
    if matrix_name == "patents":
        return "F" + code
    if code in nace and nace[code]["level"] != "1":
        return section_of(code) + code
    return code


def plain_code(shown):
    """The bare code of a shown one (the engine's files, --given)."""
    if shown[:1] == "F" and shown[1:].isdigit():
        return shown[1:]
    if shown[1:2].isdigit() and shown[1:] in nace:
        return shown[1:]
    return shown


def class_label_of(matrix_name, code):
    """The label the tables give a class of a matrix."""
    if matrix_name == "patents":
        return fields[int(code)]["field_name"]
    if matrix_name.endswith("_by_aggregate"):
        return agg_label(code)
    return nace[code]["label_en"]


def division_of(code):
    # NACE class "62.01" -> division "62" (walk up the parents)
    while nace[code]["level"] != "2":
        code = nace[code]["parent"]
    return code


fields = {int(r["field_nr"]): r for r in rows(os.path.join(REFDIR,
                                                           "wipo35_fields.csv"))}
concordance = {}
for r in rows(os.path.join(REFDIR, "ipc_to_wipo35_concordance.csv")):
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
centre_nuts = {c["centre_id"]: c["nuts3"] for c in centres}

# fractional patents per (centre, WIPO field code "04"): a patent counts
# 1, split equally over its distinct centres x distinct fields
PATENT_CF = {}
_pf, _pc = {}, {}
for p in patents:
    _pf.setdefault(p["patent_id"], set()).add(wipo_field(p["ipc"]))
    _pc.setdefault(p["patent_id"], set()).add(p["centre_id"])
for pid in _pf:
    for c in _pc[pid]:
        for f in _pf[pid]:
            k = (c, "%02d" % f)
            PATENT_CF[k] = PATENT_CF.get(k, F(0)) + F(
                1, len(_pf[pid]) * len(_pc[pid]))


def apply_scenario(actions):
    """Change the dataset as scenarios.c's opening comment says, action by
    action in model order: add_tenants = CENTRE NACE COUNT [employees=N]
    [startups] (new tenants); remove_tenants = CENTRE NACE COUNT (the first
    COUNT of the centre's tenants inside the code, in file order);
    move_tenants = FROM TO NACE COUNT (the same, moved); merge_centres =
    FROM INTO (FROM's tenants and fractional patents go to INTO, FROM is
    closed); close_centre = CENTRE (no longer counted: its tenants and its
    share of patents are left out); add_patents = CENTRE FIELD COUNT (COUNT
    whole patents in WIPO field FIELD, F01-F35).  A closed centre is no
    unit of the scenario, and a sub-region without an open centre neither.
    Returns the closed centres."""
    global tenants
    closed = set()

    def centre(c):
        assert c in centre_sub and c not in closed, c
        return c

    def inside(code, nace_code):
        while code and code != nace_code:
            code = nace[code]["parent"]
        return code == nace_code
    for key, value in actions:
        w = value.replace(",", " ").split()
        if key == "description":
            continue
        if key == "add_tenants":
            c, code, k = centre(w[0]), w[1], int(w[2])
            assert code in nace and int(nace[code]["level"]) >= 2
            emp = [x[len("employees="):] for x in w[3:]
                   if x.startswith("employees=")]
            assert emp, "add_tenants without employees=: compute it here"
            assert all(x.startswith("employees=") or x == "startups"
                       for x in w[3:])
            tenants = tenants + [
                {"tenant_id": "", "centre_id": c, "nace": code,
                 "employees": emp[0],
                 "startup": "1" if "startups" in w[3:] else "0"}
                for _ in range(k)]
        elif key in ("remove_tenants", "move_tenants"):
            move = key == "move_tenants"
            c = centre(w[0])
            to = centre(w[1]) if move else None
            code, k = w[1 + move], int(w[2 + move])
            kept, done = [], 0
            for t in tenants:
                if done < k and t["centre_id"] == c and \
                        inside(t["nace"], code):
                    done += 1
                    if move:
                        kept.append(dict(t, centre_id=to))
                    continue
                kept.append(t)
            assert done == k, "only %d of %d: compute the note here" % (
                done, k)
            tenants = kept
        elif key == "merge_centres":
            a, b = centre(w[0]), centre(w[1])
            assert a != b
            tenants = [dict(t, centre_id=b) if t["centre_id"] == a else t
                       for t in tenants]
            for (c, f) in [k for k in PATENT_CF if k[0] == a]:
                PATENT_CF[b, f] = PATENT_CF.get((b, f), F(0)) + \
                    PATENT_CF.pop((c, f))
            closed.add(a)
            MERGED_INTO[a] = b
        elif key == "close_centre":
            closed.add(centre(w[0]))
        elif key == "add_patents":
            c, k = centre(w[0]), int(w[2])
            f = "%02d" % int(w[1].lstrip("Ff"))
            PATENT_CF[c, f] = PATENT_CF.get((c, f), F(0)) + k
        else:
            raise AssertionError("scenario sets %s: compute it here" % key)
    tenants = [t for t in tenants if t["centre_id"] not in closed]
    for k in [k for k in PATENT_CF if k[0] in closed]:
        del PATENT_CF[k]
    return closed


MERGED_INTO = {}  # a centre a scenario merged away -> the one it joined
CLOSED = apply_scenario(SCENARIO[1]) if SCENARIO is not None else set()
OPEN = sorted(c for c in centre_sub if c not in CLOSED)
UNITS = {"centre": OPEN, "subregion": sorted({centre_sub[c] for c in OPEN})}
# the baseline region of a unit (model: key = nuts3)
REGION = dict(centre_nuts)
for c, s in centre_sub.items():
    assert REGION.get(s, centre_nuts[c]) == centre_nuts[c]
    REGION[s] = centre_nuts[c]


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
bregion = {}
for r in baseline:
    if r["nace"] in bsum:
        bsum[r["nace"]] += F(r["value"])
        bregion.setdefault(r["region"], {})[r["nace"]] = F(r["value"])


def agg_label(a):
    # a single NACE section is labelled with its name, a range with itself
    return nace[a]["label_en"] if a in nace else a


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
        classes = sorted({d for u in units for d in x[u]})
    elif name in ("tenants_by_aggregate", "employees_by_aggregate"):
        for t in tenants:
            u = unit_of(level, t["centre_id"])
            w = F(1) if name.startswith("tenants") else F(t["employees"])
            a = SECTION_AGG[section_of(t["nace"])]
            x[u][a] = x[u].get(a, F(0)) + w
        classes = AGGS
        labels = {a: agg_label(a) for a in AGGS}
        vx = None
        bref = bsum
    elif name == "patents":
        for (c, code), w in PATENT_CF.items():
            u = unit_of(level, c)
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
    """EconGeo locational.Gini for one class (from its R definition)."""
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


# ---- linear algebra and statistics ----------------------------------------

def jacobi(a):
    """Eigenvalues and eigenvectors of the symmetric matrix a (lists of
    floats) by the cyclic Jacobi method (Golub & Van Loan, Matrix
    Computations, 8.5): returns [(value, vector)], largest value first."""
    n = len(a)
    a = [list(map(float, r)) for r in a]
    v = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for _ in range(100):
        off = math.fsum(a[i][j] ** 2 for i in range(n) for j in range(n)
                        if i != j)
        if off < 1e-30:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                if abs(a[p][q]) < 1e-300:
                    continue
                theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                t = math.copysign(1.0, theta) / (abs(theta) +
                                                 math.sqrt(theta * theta + 1))
                c = 1 / math.sqrt(t * t + 1)
                s = t * c
                for k in range(n):          # columns p, q: a J
                    akp, akq = a[k][p], a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                for k in range(n):          # rows p, q: J^T a
                    apk, aqk = a[p][k], a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                for k in range(n):
                    vkp, vkq = v[k][p], v[k][q]
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
    else:
        raise RuntimeError("Jacobi did not converge")
    pairs = [(a[i][i], [v[k][i] for k in range(n)]) for i in range(n)]
    return sorted(pairs, key=lambda p: -p[0])


def mean(v):
    return sum(v) / len(v) if all(isinstance(x, F) for x in v) else \
        math.fsum(v) / len(v)


def standardise(v):
    """Mean 0, sample standard deviation 1; None when n < 2 or no spread.
    Exact in fractions up to the final square root."""
    if len(v) < 2:
        return None
    q = [F(x) for x in v]
    m = sum(q) / len(q)
    var = sum((x - m) ** 2 for x in q) / (len(q) - 1)
    if var == 0:
        return None
    sd = math.sqrt(var)
    return [float(x - m) / sd for x in q]


def covariance_sign(a, b):
    """Sign of the covariance of two vectors (exactly for fractions), 0 when
    it is 0 to within rounding."""
    ma, mb = mean(a), mean(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    if not isinstance(cov, F) and abs(cov) < 1e-9:
        return 0
    return (cov > 0) - (cov < 0)


def snap(values, tol=1e-12):
    """Values that agree to within tol are equal in exact arithmetic here
    (classes held by the same units, or by units of one disconnected group,
    get the same complexity): give them one exact value (the first, as a
    Fraction), so that ties between them are ties.  Refuses when a group
    is not well separated from the next (then the rule would be a guess)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = list(values)
    for n, i in enumerate(order):
        if n and abs(values[i] - values[order[n - 1]]) <= tol:
            out[i] = out[order[n - 1]]
        else:
            if n:
                assert abs(values[i] - values[order[n - 1]]) > 1e-6, \
                    "values %r and %r neither equal nor apart" % (
                        values[i], values[order[n - 1]])
            out[i] = F(values[i])
    return out


def quantile7(v, p):
    """R's default quantile (type 7): linear interpolation between order
    statistics, h = (n - 1) p."""
    s = sorted(v)
    h = (len(s) - 1) * F(p)
    lo = math.floor(h)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


# ---- one analysis: a level and a count matrix ------------------------------

class Analysis:
    pass


def components(units, classes, M):
    """Connected parts of the bipartite graph of M (units and classes
    linked where M = 1): the number of groups that share no
    specialisation."""
    parent = {("u", u): ("u", u) for u in units}
    parent.update({("c", c): ("c", c) for c in classes})

    def find(a):
        while parent[a] != a:
            a = parent[a]
        return a
    for u in units:
        for c in classes:
            if M[u, c] == 1:
                parent[find(("u", u))] = find(("c", c))
    return len({find(("u", u)) for u in units})


def complexity(units, classes, M, div, ubi):
    """ECI and PCI by the eigenvector method.  Returns (eci, pci, status,
    lambda2, space): status "unique", "sign" or "space" (see the module
    comment); space the eigenvectors of lambda2 on the unit side (for the
    checks of --given)."""
    U = [u for u in units if div[u]]
    C = [c for c in classes if ubi[c]]
    assert U == list(units) and C == list(classes)   # nothing to drop here

    def side(rows_, cols_, krow, kcol, m):
        # N N^T with N = K_row^-1/2 M K_col^-1/2, exact up to the root
        S = [[float(sum(F(m(a, p) * m(b, p), kcol[p]) for p in cols_))
              / math.sqrt(krow[a] * krow[b]) for b in rows_] for a in rows_]
        w1 = [math.sqrt(krow[a]) for a in rows_]
        nw = math.sqrt(math.fsum(x * x for x in w1))
        w1 = [x / nw for x in w1]
        # the Perron vector (eigenvalue 1) is known: deflate it
        Sd = [[S[i][j] - w1[i] * w1[j] for j in range(len(rows_))]
              for i in range(len(rows_))]
        eig = jacobi(Sd)
        lam2 = eig[0][0]
        mult = sum(1 for val, _ in eig if abs(val - lam2) < 1e-9)
        vecs = [[vec[i] / math.sqrt(krow[a]) for i, a in enumerate(rows_)]
                for val, vec in eig if abs(val - lam2) < 1e-9]
        return lam2, mult, vecs

    mu = lambda u, p: M[u, p]
    mc = lambda p, u: M[u, p]
    lam2, mult, uvecs = side(U, C, div, ubi, mu)
    lam2c, multc, cvecs = side(C, U, ubi, div, mc)
    assert abs(lam2 - lam2c) < 1e-9 and mult == multc
    ncomp = components(U, C, M)
    assert (abs(lam2 - 1) < 1e-9) == (ncomp > 1)
    if abs(lam2 - 1) < 1e-9:
        assert mult == ncomp - 1
    status = "unique" if mult == 1 else "space"
    eci = standardise(uvecs[0])
    sgn = covariance_sign(eci, [div[u] for u in U])
    if sgn == 0 and status == "unique":
        status = "sign"
    if sgn < 0:
        eci = [-x for x in eci]
    pci = standardise(cvecs[0])
    held = [math.fsum(M[u, p] * e for u, e in zip(U, eci)) / ubi[p] for p in C]
    if covariance_sign(pci, held) < 0:
        pci = [-x for x in pci]
    if status != "space":
        # PCI follows from ECI: the mean ECI of the holders, standardised
        ref = standardise(held)
        assert max(abs(a - b) for a, b in zip(pci, ref)) < 1e-9
    return (dict(zip(U, eci)), dict(zip(C, pci)), status, lam2, uvecs, ncomp)


def reflections(units, classes, M, div, ubi, iterations):
    """Method of reflections, exactly in fractions."""
    kc = {u: F(div[u]) for u in units}
    kp = {p: F(ubi[p]) for p in classes}
    hist_c, hist_p = [kc], [kp]
    for n in range(1, iterations):
        kc_new = {u: sum(M[u, p] * hist_p[-1][p] for p in classes) / div[u]
                  for u in units}
        kp_new = {p: sum(M[u, p] * hist_c[-1][u] for u in units) / ubi[p]
                  for p in classes}
        hist_c.append(kc_new)
        hist_p.append(kp_new)
    last_even = (iterations - 1) // 2 * 2
    last_odd = last_even - 1 if last_even == iterations - 1 else last_even + 1
    eci = standardise([hist_c[last_even][u] for u in units])
    pci = standardise([hist_p[last_odd][p] for p in classes])
    if eci is not None:
        if covariance_sign(eci, [div[u] for u in units]) < 0:
            eci = [-x for x in eci]
    if pci is not None:
        if eci is None:
            pci = None
        else:
            held = [math.fsum(M[u, p] * e for u, e in zip(units, eci)) / ubi[p]
                    for p in classes]
            if covariance_sign(pci, held) < 0:
                pci = [-x for x in pci]
    return (dict(zip(units, eci)) if eci else {u: NA for u in units},
            dict(zip(classes, pci)) if pci else {p: NA for p in classes})


def given_complexity(A, ok):
    """Read the engine's ECI and PCI for A from GIVEN and check that they
    are admissible; returns (eci, pci)."""
    g_eci, g_pci = {}, {}
    for r in rows(os.path.join(GIVEN, "units.csv")):
        if (r["level"], r["matrix"]) == (A.level, A.name):
            g_eci[r["unit"]] = float(r["eci"])
    for r in rows(os.path.join(GIVEN, "classes.csv")):
        if (r["level"], r["matrix"]) == (A.level, A.name):
            g_pci[plain_code(r["class"])] = float(r["pci"])
    e = [g_eci[u] for u in A.units]
    p = [g_pci[c] for c in A.classes]
    what = "given ECI/PCI %s/%s (%s)" % (A.level, A.name, A.eci_status)
    problems = []
    for name, v in (("ECI", e), ("PCI", p)):
        m = math.fsum(v) / len(v)
        sd = math.sqrt(math.fsum((x - m) ** 2 for x in v) / (len(v) - 1))
        if abs(m) > 1e-9 or abs(sd - 1) > 1e-9:
            problems.append("%s mean %.3g sd %.12g" % (name, m, sd))
    # ECI lies in the span of the constant vector and the eigenvectors of
    # the second eigenvalue (standardising adds a constant)
    basis = []
    for b in [[1.0] * len(e)] + A.eci_space:
        for q in basis:
            d = math.fsum(x * y for x, y in zip(b, q))
            b = [x - d * y for x, y in zip(b, q)]
        nb = math.sqrt(math.fsum(x * x for x in b))
        if nb > 1e-9:
            basis.append([x / nb for x in b])
    r = list(e)
    for q in basis:
        d = math.fsum(x * y for x, y in zip(r, q))
        r = [x - d * y for x, y in zip(r, q)]
    res = math.sqrt(math.fsum(x * x for x in r))
    if res > 1e-9:
        problems.append("ECI is not an eigenvector of lambda2 = %.12g "
                        "(residual %.3g)" % (A.lam2, res))
    if A.eci_status == "sign":
        mine = [A.eci[u] for u in A.units]
        if max(abs(abs(a) - abs(b)) for a, b in zip(e, mine)) > 1e-9:
            problems.append("ECI %r is not +-%r" % (e, mine))
    if covariance_sign(e, [A.div[u] for u in A.units]) < 0:
        problems.append("ECI correlates negatively with diversity")
    held = [math.fsum(A.M[u, c] * x for u, x in zip(A.units, e)) / A.ubi[c]
            for c in A.classes]
    ref = standardise(held)
    if ref is None or max(abs(a - b) for a, b in zip(p, ref)) > 1e-9:
        problems.append("PCI %r is not the standardised mean ECI of the "
                        "holders %r" % (p, ref))
    ok(what, problems)
    return dict(zip(A.units, e)), dict(zip(A.classes, p))


def analyse(level, name, ok):
    A = Analysis()
    A.level, A.name = level, name
    classes, labels, x, vx, vgroup, bref = matrix(level, name)
    units = UNITS[level]
    A.units, A.classes, A.labels, A.x = units, classes, labels, x
    A.xc = {u: sum(x[u].values()) for u in units}
    A.xp = {c: sum(x[u][c] for u in units) for c in classes}
    A.xt = sum(A.xc.values())
    A.spec, A.M = {}, {}
    for u in units:
        for c in classes:
            share = x[u][c] / A.xc[u]
            rca = share / (A.xp[c] / A.xt) if A.xp[c] > 0 else NA
            rsca = (rca - 1) / (rca + 1) if rca is not NA else NA
            A.M[u, c] = (1 if rca >= THRESHOLD else 0) if rca is not NA else NA
            rcab = (share / (bref[c] / sum(bref.values()))
                    if bref is not None else SKIP)
            A.spec[u, c] = [x[u][c], share, rca, rsca, A.M[u, c], rcab]
    A.div, A.ubi = {}, {}
    A.unit_row = {}
    for u in units:
        s = {c: x[u][c] / A.xc[u] for c in classes}
        ref = {c: A.xp[c] / A.xt for c in classes}
        krug = sum(abs(s[c] - ref[c]) for c in classes)
        defined = [A.M[u, c] for c in classes if A.M[u, c] is not NA]
        A.div[u] = sum(defined) if defined else NA
        if vx is not None:
            rv, uv = variety({k: v for k, v in vx[u].items() if v > 0},
                             vgroup)
        else:
            rv = uv = NA
        A.unit_row[u] = [A.xc[u], A.div[u], krug, krug / 2,
                         sum(v * v for v in s.values()),
                         entropy(s.values()), rv, uv]
    A.krugman = {u: A.unit_row[u][2] for u in units}
    pop = [A.xc[u] / A.xt for u in units]
    A.class_row = {}
    for c in classes:
        defined = [A.M[u, c] for u in units if A.M[u, c] is not NA]
        A.ubi[c] = sum(defined) if defined else NA
        gini = (locational_gini([x[u][c] for u in units], pop)
                if A.xp[c] > 0 else NA)
        A.class_row[c] = [labels[c], A.xp[c], A.ubi[c], gini]
    A.full = name in ("tenants", "employees", "patents")
    if not A.full:
        return A

    # relatedness between classes and between units
    A.phi = {}
    for p in classes:
        for q in classes:
            A.phi[p, q] = F(1) if p == q else F(
                sum(A.M[u, p] * A.M[u, q] for u in units),
                max(A.ubi[p], A.ubi[q]))
    A.uphi = {}
    for a in units:
        for b in units:
            if a < b:
                A.uphi[a, b] = F(sum(A.M[a, p] * A.M[b, p] for p in classes),
                                 max(A.div[a], A.div[b]))
    A.density = {}
    for u in units:
        for p in classes:
            A.density[u, p] = (sum(A.M[u, q] * A.phi[p, q] for q in classes) /
                               sum(A.phi[p, q] for q in classes))

    # complexity
    eci, pci, A.eci_status, A.lam2, A.eci_space, A.ncomp = complexity(
        units, classes, A.M, A.div, A.ubi)
    A.eci, A.pci = eci, pci
    A.eci_given = False
    if GIVEN is not None and A.eci_status != "unique":
        A.eci, A.pci = given_complexity(A, ok)
        A.eci_given = True
    A.eci_refl, A.pci_refl = reflections(units, classes, A.M, A.div, A.ubi,
                                         REFLECTIONS)
    # exact ties: see snap()
    sp = snap([A.pci[c] for c in classes])
    A.pci_exact = dict(zip(classes, sp))

    # outlook
    colsum = {q: sum(A.phi[r, q] for r in classes) for q in classes}
    A.cog, A.coi = {}, {}
    for u in units:
        A.coi[u] = math.fsum(float(A.density[u, p]) * (1 - A.M[u, p]) *
                             float(A.pci_exact[p]) for p in classes)
        for p in classes:
            if A.M[u, p] == 1:
                A.cog[u, p] = NA
            else:
                A.cog[u, p] = math.fsum(
                    float(A.phi[p, q] / colsum[q]) * (1 - A.M[u, q]) *
                    float(A.pci_exact[q]) for q in classes)

    # opportunities: quadrants under each split rule, ranks
    A.quadrant, A.opp_rank = {}, {}
    A.opportunities = 0
    rules = ["median", "mean", "percentile %d" % PERCENTILE]
    A.labels_by_rule = {r: {} for r in rules}
    # the density split over every opportunity of the matrix, one line
    # for the network; PCI high at 0 or above; a density of 0 never high
    alld = [A.density[u, p] for u in units for p in classes if A.M[u, p] == 0]
    splits = {}
    for rule in rules:
        if rule == "median":
            splits[rule] = median(alld)
        elif rule == "mean":
            splits[rule] = sum(alld) / len(alld)
        else:
            splits[rule] = quantile7(alld, F(PERCENTILE, 100))
    for u in units:
        opp = [p for p in classes if A.M[u, p] == 0]
        A.opportunities += len(opp)
        for rule in rules:
            sd = splits[rule]
            for p in opp:
                hd = A.density[u, p] > 0 and A.density[u, p] >= sd
                hp = A.pci_exact[p] >= 0
                A.labels_by_rule[rule][u, p] = (
                    "ideal" if hd and hp else "low_risk_low_gain" if hd else
                    "high_risk_high_gain" if hp else "least_attractive")
        order = sorted(opp, key=lambda p: (-A.density[u, p], -A.pci_exact[p],
                                           classes.index(p)))
        for n, p in enumerate(order, 1):
            A.opp_rank[u, p] = n
    A.quadrant = A.labels_by_rule["median"]
    A.labels_changed = {r: sum(1 for k in A.quadrant
                               if A.labels_by_rule[r][k] != A.quadrant[k])
                        for r in rules}

    # overlaps between units
    A.cosine, A.jaccard, A.compl = {}, {}, {}
    for a in units:
        wsum = sum((1 - A.M[a, p]) * A.density[a, p] for p in classes)
        for b in units:
            if a == b:
                continue
            dot = sum(x[a][p] * x[b][p] for p in classes)
            na = sum(v * v for v in x[a].values())
            nb = sum(v * v for v in x[b].values())
            A.cosine[a, b] = float(dot) / math.sqrt(na * nb) if dot else 0.0
            if dot:
                # exact where the cosine is rational
                c2 = dot * dot / (na * nb)
                rt = F(math.isqrt(c2.numerator), math.isqrt(c2.denominator))
                if rt * rt == c2:
                    A.cosine[a, b] = rt
            inter = sum(A.M[a, p] * A.M[b, p] for p in classes)
            union = A.div[a] + A.div[b] - inter
            A.jaccard[a, b] = F(inter, union) if union else NA
            A.compl[a, b] = (sum((1 - A.M[a, p]) * A.density[a, p] * A.M[b, p]
                                 for p in classes) / wsum if wsum else NA)
    A.cluster = upgma(units, {k: 1 - v for k, v in A.cosine.items()},
                      CLUSTER_CUT)
    A.partners = []

    def second(w):
        # the second key, descending, no value last
        return (1, 0) if w is NA else (0, -w)

    def tied(v, a, b):
        # the other candidates whose value equals b's (to 1e-12)
        return sum(1 for c in units if c not in (a, b) and v[a, c] is not NA
                   and abs(v[a, c] - v[a, b]) <= 1e-12)

    for a in units:
        others = [b for b in units if b != a]
        sim = sorted(others, key=lambda b: (-A.cosine[a, b],
                                            second(A.jaccard[a, b]),
                                            units.index(b)))
        for n, b in enumerate(sim[:PARTNERS], 1):
            A.partners.append([a, "similar", n, b, A.cosine[a, b],
                               tied(A.cosine, a, b)])
        if all(A.compl[a, b] is not NA for b in others):
            com = sorted(others, key=lambda b: (-A.compl[a, b],
                                                second(A.cosine[a, b]),
                                                units.index(b)))
            for n, b in enumerate(com[:PARTNERS], 1):
                A.partners.append([a, "complementary", n, b, A.compl[a, b],
                                   tied(A.compl, a, b)])
    return A


def upgma(units, dist, cut):
    """Average-linkage clusters: merge the two nearest clusters (mean
    pairwise distance) while that distance is at most cut; number the
    clusters in the order of their first unit."""
    clusters = [[u] for u in units]

    def d(a, b):
        return sum(F(dist[x, y]) for x in a for y in b) / (len(a) * len(b))
    while len(clusters) > 1:
        best = min(((d(a, b), i, j) for i, a in enumerate(clusters)
                    for j, b in enumerate(clusters) if i < j))
        if best[0] > cut:
            break
        _, i, j = best
        clusters[i] = clusters[i] + clusters[j]
        del clusters[j]
    clusters.sort(key=lambda c: min(units.index(u) for u in c))
    return {u: n for n, c in enumerate(clusters, 1) for u in c}


# ---- run every analysis ----------------------------------------------------

CHECK_LINES = []


def ok(what, problems):
    if problems:
        CHECK_LINES.append("not ok - %s: %s" % (what, "; ".join(problems)))
    else:
        CHECK_LINES.append("ok - %s" % what)


MATRICES = ("tenants", "tenants_by_aggregate", "employees",
            "employees_by_aggregate", "patents")
AN = {}
for level in ("centre", "subregion"):
    for name in MATRICES:
        AN[level, name] = analyse(level, name, ok)


# ---- evidence: how sure each specialisation is ---------------------------
#
# For every cell: the one-sided binomial p-value that a unit of x_c records
# with the network's share x_p / x holds at least x_cp in the class (for
# fractional patent counts the regularised incomplete beta I_s(x, n-x+1),
# which is the binomial tail at whole numbers), the Benjamini-Hochberg
# q-value over all cells of the matrix, and the exact Poisson (Garwood)
# interval of the count divided by x_c x_p / x, at the model's confidence.
# Employees are not independent records: an employees matrix takes the
# p- and q-values of the tenants matrix of its level and has no interval.
# scipy (a test dependency) computes the distributions; nothing here reads
# the engine's code.

from scipy import special as _sp, stats as _st

ALPHA, CONFIDENCE = 0.05, 0.95


def evidence(A, firms):
    cells = [(u, c) for u in A.units for c in A.classes]
    if firms is not None:
        A.pval = dict(firms.pval)
        A.qval = dict(firms.qval)
        A.rlo = {k: NA for k in cells}
        A.rhi = {k: NA for k in cells}
    else:
        A.pval, A.rlo, A.rhi = {}, {}, {}
        a = 1.0 - CONFIDENCE
        for u, c in cells:
            x, n = float(A.x[u][c]), float(A.xc[u])
            s = float(A.xp[c]) / float(A.xt)
            if n <= 0 or s <= 0:
                A.pval[u, c] = A.rlo[u, c] = A.rhi[u, c] = NA
                continue
            if x <= 0:
                A.pval[u, c] = 1.0
            elif x == int(x):
                A.pval[u, c] = float(_st.binom.sf(x - 1, n, s))
            else:
                A.pval[u, c] = float(_sp.betainc(x, n - x + 1, s))
            e = n * s
            A.rlo[u, c] = 0.0 if x <= 0 else float(_st.gamma.ppf(a / 2, x)) / e
            A.rhi[u, c] = float(_st.gamma.isf(a / 2, x + 1)) / e
        # Benjamini-Hochberg, step-up and monotone
        keys = sorted((k for k in cells if A.pval[k] is not NA),
                      key=lambda k: A.pval[k])
        m = len(keys)
        A.qval = {k: NA for k in cells}
        run = 1.0
        for i in range(m - 1, -1, -1):
            run = min(run, A.pval[keys[i]] * m / (i + 1))
            A.qval[keys[i]] = run
    for k in cells:
        A.spec[k] = A.spec[k] + [A.rlo[k], A.rhi[k], A.pval[k], A.qval[k]]


for level in ("centre", "subregion"):
    for name in MATRICES:
        firms = ({"employees": AN[level, "tenants"],
                  "employees_by_aggregate": AN[level, "tenants_by_aggregate"]}
                 .get(name))
        evidence(AN[level, name], firms)


def undetermined(A):
    """True where the golden files cannot hold ECI (see the module
    comment), unless the engine's choice was given and checked."""
    return A.full and A.eci_status != "unique" and not A.eci_given


# ---- cross-checks against the hand-made tables of datasets/small/README.md

def cell(level, name, u, c):
    return AN[level, name].spec[u, c][0]


def readme_checks():
    README_TENANTS = {"A1": (5, 1, 0, 0), "A2": (2, 0, 3, 0),
                      "B1": (0, 2, 0, 4), "B2": (1, 0, 1, 2),
                      "Alpha": (7, 1, 3, 0), "Beta": (1, 2, 1, 6)}
    README_EMPLOYEES = {"A1": (60, 30, 0, 0), "A2": (10, 0, 75, 0),
                        "B1": (0, 23, 0, 135), "B2": (3, 0, 7, 27)}
    for u, want in README_TENANTS.items():
        level = "centre" if len(u) == 2 else "subregion"
        got = tuple(cell(level, "tenants", u, d)
                    for d in ("62", "72", "21", "28"))
        assert got == want, (u, got, want)
    for u, want in README_EMPLOYEES.items():
        got = tuple(cell("centre", "employees", u, d)
                    for d in ("62", "72", "21", "28"))
        assert got == want, (u, got, want)
    # the README's worked examples
    assert AN["centre", "tenants"].spec["A1", "62"][2] == F(105, 48)
    assert AN["subregion", "tenants"].spec["Beta", "28"][2] == F(21, 10)
    # patents: 9 in total, A1 3, A2 2, B1 3, B2 1
    for u, want in {"A1": 3, "A2": 2, "B1": 3, "B2": 1}.items():
        assert AN["centre", "patents"].xc[u] == want
    # the structure the module comment describes
    assert AN["centre", "tenants"].eci_status == "space"
    assert AN["centre", "patents"].eci_status == "space"
    assert AN["subregion", "tenants"].eci_status == "sign"
    assert abs(AN["centre", "tenants"].lam2 - 0.5) < 1e-12


if SCENARIO is None:
    readme_checks()


# ---- tables ----------------------------------------------------------------

spec_rows, unit_rows, class_rows = [], [], []
prox_rows, uprox_rows, pot_rows, quad_rows = [], [], [], []
sim_rows, clu_rows, part_rows = [], [], []
for (level, name), A in AN.items():
    und = undetermined(A)
    for u in A.units:
        for c in A.classes:
            # p_specialised: no value without resampling
            spec_rows.append([level, name, u, c] + A.spec[u, c] + [NA])
    for u in A.units:
        if A.full:
            extra = [SKIP if und else A.eci[u], A.eci_refl[u],
                     SKIP if und else A.coi[u]]
        else:
            extra = [NA, NA, NA]
        unit_rows.append([level, name, u] + A.unit_row[u] + extra)
    for c in A.classes:
        if A.full:
            extra = [SKIP if und else A.pci[c], A.pci_refl[c]]
        else:
            extra = [NA, NA]
        class_rows.append([level, name, c] + A.class_row[c] + extra)
    if not A.full:
        continue
    for i, p in enumerate(A.classes):
        for q in A.classes[i + 1:]:
            prox_rows.append([level, name, p, q, A.phi[p, q]])
    for (a, b), v in sorted(A.uphi.items()):
        uprox_rows.append([level, name, a, b, v])
    for u in A.units:
        for c in A.classes:
            held = A.M[u, c] == 1
            # density_low, density_high and p_ideal: no value without
            # resampling
            pot_rows.append([level, name, u, c, A.M[u, c], A.density[u, c],
                             NA, NA,
                             SKIP if und else A.pci[c],
                             NA if held else SKIP if und else A.cog[u, c],
                             NA if held else SKIP if und else A.quadrant[u, c],
                             NA,
                             NA if held else
                             SKIP if und else A.opp_rank[u, c]])
    for rule in A.labels_by_rule:
        quad_rows.append([level, name, rule,
                          "yes" if rule == "median" else "no",
                          A.opportunities,
                          SKIP if und else A.labels_changed[rule]])
    for a in A.units:
        for b in A.units:
            if a != b:
                sim_rows.append([level, name, a, b, A.cosine[a, b],
                                 A.jaccard[a, b], A.compl[a, b]])
    for u in A.units:
        clu_rows.append([level, name, u, A.cluster[u]])
    for r in A.partners:
        part_rows.append([level, name] + r)

# co-occurrence of WIPO fields on patents (not level dependent: the engine
# writes it once, as centre/patents)
pf = {}
for p in patents:
    pf.setdefault(p["patent_id"], set()).add("%02d" % wipo_field(p["ipc"]))
FIELDS = AN["centre", "patents"].classes
C = {(a, b): sum(1 for s in pf.values() if a in s and b in s) if a != b else 0
     for a in FIELDS for b in FIELDS}
srow = {a: sum(C[a, b] for b in FIELDS) for a in FIELDS}
tC = sum(srow.values())
rel_rows = []
for i, a in enumerate(FIELDS):
    for b in FIELDS[i + 1:]:
        c, si, sj = C[a, b], srow[a], srow[b]
        assoc = F(c * tC, si * sj) if si * sj else NA
        prob = (F(c) / ((F(si * sj, tC - sj) + F(sj * si, tC - si)) / 2)
                if si * sj else NA)
        cos = (c / math.sqrt(si * sj) if si * sj else NA)
        if cos is not NA and math.isqrt(si * sj) ** 2 == si * sj:
            cos = F(c, math.isqrt(si * sj))
        jac = F(c, si + sj - c) if si + sj - c else NA
        rel_rows.append(["centre", "patents", a, b, c, assoc, prob, cos, jac])

# local economy: the centres' share of each aggregate beside the share in
# the unit's own baseline region
loc_rows = []
for level in ("centre", "subregion"):
    for name in ("tenants_by_aggregate", "employees_by_aggregate"):
        A = AN[level, name]
        for u in A.units:
            reg = REGION[u]
            btot = sum(bregion[reg][a] for a in AGGS)
            for a in AGGS:
                cs = A.x[u][a] / A.xc[u]
                es = bregion[reg][a] / btot
                loc_rows.append([level, name, u, reg, a, agg_label(a), cs, es,
                                 cs / es])

# ---- S3 domains ------------------------------------------------------------

def classes_under(code):
    """The NACE classes (level 4) at or below a code of any level."""
    out = set()
    for k, r in nace.items():
        if r["level"] != "4":
            continue
        a = k
        while a and a != code:
            a = nace[a]["parent"]
        if a == code:
            out.add(k)
    return out


def domain_sets(codes):
    """(NACE classes, WIPO fields) of a domain's codes: a NACE code of any
    level stands for the classes below it, "Fnn" for WIPO field nn."""
    classes, flds = set(), set()
    for c in codes:
        if c[0] == "F" and c[1:].isdigit():
            flds.add("%02d" % int(c[1:]))
        else:
            assert c in nace, "domain code %s: not as in the NACE table" % c
            classes |= classes_under(c)
    return classes, flds


DSETS = {d: domain_sets(codes) for d, codes in DOMAINS.items()}
dom_rows, dover_rows = [], []
for level in ("centre", "subregion"):
    for name in ("tenants", "employees", "patents"):
        A = AN[level, name]
        val = {}
        for u in A.units:
            for d, (dcls, dfld) in DSETS.items():
                if name == "patents":
                    val[u, d] = sum(A.x[u][f] for f in A.classes if f in dfld)
                else:
                    val[u, d] = sum(
                        F(1) if name == "tenants" else F(t["employees"])
                        for t in tenants
                        if unit_of(level, t["centre_id"]) == u and
                        t["nace"] in dcls)
        for u in A.units:
            for d in DSETS:
                net = sum(val[v, d] for v in A.units)
                share = val[u, d] / A.xc[u]
                dom_rows.append([level, name, u, d, val[u, d], share,
                                 share / (net / A.xt) if net else NA])
names = list(DSETS)
for i, a in enumerate(names):
    for b in names[i + 1:]:
        (ca, fa), (cb, fb) = DSETS[a], DSETS[b]
        both = sum(1 for t in tenants if t["nace"] in ca and t["nace"] in cb)
        dover_rows.append([a, b, len(ca & cb), len(fa & fb), both])


# ---- scores ---------------------------------------------------------------

startup_share, patents_per_tenant = {}, {}
for level in ("centre", "subregion"):
    T = AN[level, "tenants"]
    P = AN[level, "patents"]
    for u in T.units:
        mine = [t for t in tenants if unit_of(level, t["centre_id"]) == u]
        startup_share[u] = F(sum(1 for t in mine if t["startup"] == "1"),
                             len(mine))
        patents_per_tenant[u] = P.xc[u] / len(mine)


def minmax(vals, posts=None):
    """Min-max over the values, or on the goalposts (lo, hi) of the
    baseline (issue 12, item 5): not clipped; without spread 1/2 at lo,
    1 above, 0 below."""
    have = [v for v in vals if v is not NA]
    lo, hi = posts if posts else (min(have), max(have))
    return [NA if v is NA else
            (F(1, 2) if v == lo else 1 if v > lo else 0) if hi == lo else
            (v - lo) / (hi - lo) for v in vals]


# the pass: the baseline, or the scenario of a nested run
PASS = "baseline" if SCENARIO is None else SCENARIO[0]
ind_rows, score_rows, out_rows = [], [], []
SCORES = {}     # level -> (units, normalised indicators, score)
RANKS = {}      # level -> {unit: rank}
SCORE_UND = {}  # level -> whether score and rank are undetermined
# level -> {indicator: (min, max) over the scored units}: the baseline's
# goalposts, on which a scenario is normalised (BASE_GOALPOSTS there)
GOALPOSTS = {}
BASE_GOALPOSTS = globals().get("BASE_GOALPOSTS")
# level -> whether the baseline's scores (so its goalposts) are undetermined
BASE_SCORE_UND = globals().get("BASE_SCORE_UND") or {}
NOT_SCORED = {}  # level -> {unit: why it has no score, "" when scored}
PROFILE_DATA = {}  # level -> (raw values, indicators used, weight sum,
                   # rows of the scored units): the profiles
for level in ("centre", "subregion"):
    T = AN[level, "tenants"]
    und = undetermined(T)
    units = T.units
    value = {
        "specialisation": [T.krugman[u] for u in units],
        "density": [mean([T.density[u, p] for p in T.classes
                          if T.M[u, p] == 0]) for u in units],
        "eci": [F(T.eci[u]) for u in units],
        "startups": [startup_share[u] for u in units],
        "growth": [NA for u in units],
        "patents": [patents_per_tenant[u] for u in units],
        # the share of the unit's tenants in at least one domain
        "alignment": [F(sum(1 for t in tenants
                            if unit_of(level, t["centre_id"]) == u and
                            any(t["nace"] in c for c, _ in DSETS.values())),
                        sum(1 for t in tenants
                            if unit_of(level, t["centre_id"]) == u))
                      if DSETS else NA for u in units],
    }
    used = [k for k in INDICATORS
            if WEIGHTS[INDICATORS.index(k)] > 0 and
            any(x is not NA for x in value[k])]
    if BASE_GOALPOSTS is not None:  # the baseline's left-out stay out
        used = [k for k in used if k in BASE_GOALPOSTS[level]]
    lacks = {u: [k for k in used if value[k][i] is NA]
             for i, u in enumerate(units)}
    why = {u: ("no tenants" if T.xc[u] == 0 else
               "missing: " + ", ".join(lacks[u])) if lacks[u] else ""
           for u in units}
    scored = [i for i, u in enumerate(units) if not lacks[u]]
    norm = {}
    GOALPOSTS[level] = {}
    for k, v in value.items():
        nv = [NA] * len(units)
        if k in used:
            have = [v[i] for i in scored]
            GOALPOSTS[level][k] = (min(have), max(have)) if have else None
            posts = BASE_GOALPOSTS[level][k] if BASE_GOALPOSTS else None
            for i, y in zip(scored, minmax(have, posts)):
                nv[i] = y
        norm[k] = nv
    wsum = sum(WEIGHTS[INDICATORS.index(k)] for k in used)
    # a score on the baseline's undetermined goalposts is undetermined too
    und = und or bool(BASE_SCORE_UND.get(level) and "eci" in used)
    score = {}
    for i, u in enumerate(units):
        score[u] = NA if lacks[u] else sum(
            F(WEIGHTS[INDICATORS.index(k)], wsum) * norm[k][i] for k in used)
        for k in INDICATORS:
            eci_dep = undetermined(T) and k == "eci"
            # on the baseline's undetermined ECI goalposts
            posts_dep = BASE_SCORE_UND.get(level) and k == "eci"
            ind_rows.append([PASS, level, u, k,
                             SKIP if eci_dep else value[k][i],
                             SKIP if eci_dep or posts_dep else norm[k][i],
                             F(WEIGHTS[INDICATORS.index(k)], wsum)
                             if k in used else 0])
    order = sorted((u for u in units if not lacks[u]),
                   key=lambda u: (-score[u], units.index(u)))
    for u in units:
        if lacks[u]:
            score_rows.append([PASS, level, u] + [NA] * 7 + [why[u]])
            continue
        score_rows.append([PASS, level, u,
                           SKIP if und else score[u],
                           SKIP if und else order.index(u) + 1,
                           SKIP, SKIP, SKIP,
                           # the weights-only band: the band itself without
                           # resampling (filled in with --given, below)
                           SKIP, SKIP, ""])
    for a in units:
        for b in units:
            if a != b and not lacks[a] and not lacks[b]:
                out_rows.append([PASS, level, a, b, SKIP, SKIP])
    SCORES[level] = (units, norm, score)
    PROFILE_DATA[level] = (value, used, wsum, scored)
    RANKS[level] = {u: order.index(u) + 1 for u in order}
    NOT_SCORED[level] = why
    SCORE_UND[level] = und


def monte_carlo_check(scenario, scores, und):
    """--given: the engine's Monte Carlo of one pass (the baseline or a
    scenario: its SCORES and SCORE_UND) against an independent simulation
    of the same model: each draw multiplies every weight by exp(sd z), z
    standard normal; the units are ranked by the weighted mean of their
    min-max normalised indicators.  The engine's outranking shares and rank
    quantiles (1000 draws) must lie within 5 binomial standard errors of
    this simulation's (20000 draws), and be exactly 1 where a unit is at
    least as good as another in every indicator and better in one."""
    rng = random.Random(20261126)
    sims = 20000
    eng_scores = [r for r in rows(os.path.join(GIVEN, "scores.csv"))
                  if r["scenario"] == scenario]
    eng_out = [r for r in rows(os.path.join(GIVEN, "outranking.csv"))
               if r["scenario"] == scenario]
    what = "" if scenario == "baseline" else "scenario %s, " % scenario
    for level, (units, norm, _) in scores.items():
        if und[level]:
            # the indicators hold an ECI that is not determined here
            ok("Monte Carlo %s%s: not checked (ECI undetermined)" %
               (what, level), [])
            continue
        n = len(units)
        have = [k for k in INDICATORS if norm[k][0] is not NA]
        y = [[float(norm[k][i]) for k in have] for i in range(n)]
        w0 = [WEIGHTS[INDICATORS.index(k)] for k in have]
        above = [[0] * n for _ in range(n)]
        rank_hist = [[0] * (n + 1) for _ in range(n)]
        for _ in range(sims):
            w = [wk * math.exp(WEIGHT_SD * rng.gauss(0, 1)) for wk in w0]
            s = [math.fsum(a * b for a, b in zip(w, yi)) for yi in y]
            order = sorted(range(n), key=lambda i: (-s[i], i))
            for r, i in enumerate(order, 1):
                rank_hist[i][r] += 1
            for i in range(n):
                for j in range(n):
                    if order.index(i) < order.index(j):
                        above[i][j] += 1
        problems = []
        got = {(r["unit_a"], r["unit_b"]): float(r["probability_a_above_b"])
               for r in eng_out if r["level"] == level}
        for i, a in enumerate(units):
            for j, b in enumerate(units):
                if i == j:
                    continue
                p = above[i][j] / sims
                sigma = math.sqrt((p * (1 - p) + 1 / DRAWS) / DRAWS)
                dom = (all(y[i][k] >= y[j][k] for k in range(len(have))) and
                       any(y[i][k] > y[j][k] for k in range(len(have))))
                if dom and got[a, b] != 1:
                    problems.append("%s dominates %s, p = %r" % (a, b,
                                                                  got[a, b]))
                if abs(got[a, b] - p) > 5 * sigma:
                    problems.append("p(%s above %s) = %r, simulated %.4f" %
                                    (a, b, got[a, b], p))
        eng = {r["unit"]: r for r in eng_scores if r["level"] == level}
        for i, u in enumerate(units):
            cum = [0.0]
            for r in range(1, n + 1):
                cum.append(cum[-1] + rank_hist[i][r] / sims)
            for col, q in (("rank_p05", 0.05), ("rank_median", 0.5),
                           ("rank_p95", 0.95)):
                r = int(eng[u][col])
                sigma = math.sqrt((q * (1 - q) + 1 / DRAWS) / DRAWS)
                # r is the smallest rank whose cumulative share reaches q
                if cum[r] < q - 5 * sigma or cum[r - 1] > q + 5 * sigma:
                    problems.append("%s %s = %d, simulated cumulative "
                                    "shares %.4f..%.4f around %g" %
                                    (u, col, r, cum[r - 1], cum[r], q))
        ok("Monte Carlo %s%s against an independent simulation" %
           (what, level), problems)


# ---- the briefing: overview, ranking, opportunities -----------------------

# the quadrants in words (README: "ideal (high relatedness, high
# complexity), low risk, low gain, high risk, high gain, least attractive"),
# short in the overview, long in opportunities.csv
QUADRANT_WORDS = {
    "ideal": ("ideal", "ideal: high relatedness, high complexity"),
    "low_risk_low_gain": ("low risk, low gain",
                          "low risk, low gain: high relatedness, low "
                          "complexity"),
    "high_risk_high_gain": ("high risk, high gain",
                            "high risk, high gain: low relatedness, high "
                            "complexity"),
    "least_attractive": ("least attractive",
                         "least attractive: low relatedness, low "
                         "complexity"),
}
OVERVIEW_TOP, OPPORTUNITIES_TOP = 3, 10
centre_name = {c["centre_id"]: c["name"] for c in centres}


def short_label(label):
    """A label of more than 50 bytes cut at a word boundary near 50 (the
    last blank at or before byte 50, not before byte 20) and ended with an
    ellipsis (briefing.c, short_label)."""
    b = label.encode("utf-8")
    cut = len(b)
    if cut > 50:
        cut = 50
        while cut > 20 and b[cut:cut + 1] != b" ":
            cut -= 1
    return b[:cut].decode("utf-8") + ("\u2026" if cut < len(b) else "")


def engine_bands():
    """--given: the engine's Monte Carlo rank quantiles, (scenario, level,
    unit) -> (median, p05, p95); checked against an independent simulation
    by monte_carlo_check().  Without --given: {} (not determined here)."""
    if GIVEN is None:
        return {}
    return {(r["scenario"], r["level"], r["unit"]):
            tuple(int(r[c]) for c in ("rank_median", "rank_p05", "rank_p95"))
            for r in rows(os.path.join(GIVEN, "scores.csv"))}


BANDS = engine_bands() if SCENARIO is None else {}


def traffic_light(at, lo, hi, n):
    """The third of the ranking (0, 1, 2: the integer part of (r - 1) 3 / n)
    of rank at (the median rank): green, yellow, red; grey when the 5-95 %
    band [lo, hi] crosses a third."""
    def third(r):
        return int(F((r - 1) * 3, n))
    if third(lo) != third(hi):
        return "grey"
    t = third(at)
    return "" if t < 0 else ["green", "yellow", "red"][min(t, 2)]


def largest_specialisations(A, u):
    """Up to OVERVIEW_TOP classes with RCA at or above the threshold
    (against the network: the model's reference), the highest RCA first,
    ties by the larger count, then by class order: "CODE LABEL (RCA 2.2)"
    joined by " | "."""
    held = [c for c in A.classes
            if A.spec[u, c][2] is not NA and A.spec[u, c][2] >= THRESHOLD]
    held.sort(key=lambda c: (-A.spec[u, c][2], -A.x[u][c],
                             A.classes.index(c)))
    return " | ".join("%s %s (RCA %.1f)" % (shown_code(A.name, c),
                                             short_label(A.labels[c]),
                                             float(A.spec[u, c][2]))
                      for c in held[:OVERVIEW_TOP])


def listed_opportunities(A, u, top):
    """Unit u's opportunities of rank 1..top, in rank order."""
    return sorted((p for p in A.classes if A.M[u, p] == 0 and
                   A.opp_rank[u, p] <= top),
                  key=lambda p: A.opp_rank[u, p])


def nearest_held(A, u, p):
    """Why opportunity p of unit u is suggested: up to 3 classes u is
    specialised in with the highest proximity to p (ties in class order,
    proximity 0 left out), "CODE LABEL (0.50)" joined by " | "
    (briefing.c, nearest_held)."""
    held = [q for q in A.classes
            if q != p and A.M[u, q] == 1 and A.phi[q, p] > 0]
    held.sort(key=lambda q: (-A.phi[q, p], A.classes.index(q)))
    return " | ".join("%s %s (%.2f)" % (shown_code(A.name, q),
                                        short_label(A.labels[q]),
                                        float(A.phi[q, p]))
                      for q in held[:3])


def best_opportunities(A, u):
    """"CODE LABEL (density 0.25, QUADRANT)" of the opportunities of rank
    1..OVERVIEW_TOP, joined by " | "."""
    return " | ".join("%s %s (density %.2f, %s)" % (
        shown_code(A.name, p), short_label(A.labels[p]),
        float(A.density[u, p]),
        QUADRANT_WORDS[A.quadrant[u, p]][0])
        for p in listed_opportunities(A, u, OVERVIEW_TOP))


HEADLINE = ini["sectors"]["weight"]
FIRST = "centre"                # the first level
overview_rows, ranking_rows, opportunity_rows = [], [], []

# overview: the first level's units of the headline matrix, by
# specialisation strength (Krugman descending, no value last, ties by id),
# then stably by the score's rank
A = AN[FIRST, HEADLINE]
und = undetermined(A)
order = sorted(A.units, key=lambda u: (A.krugman[u] is NA,
                                       0 if A.krugman[u] is NA else
                                       -A.krugman[u], u))
if FIRST in RANKS and not SCORE_UND[FIRST]:
    order.sort(key=lambda u: RANKS[FIRST][u])
units_, _, score_ = SCORES[FIRST]
for pos, u in enumerate(order, 1):
    band = BANDS.get(("baseline", FIRST, u))
    overview_rows.append([
        FIRST, HEADLINE, SKIP if SCORE_UND[FIRST] else pos, u,
        centre_name[u], centre_sub[u],
        SKIP if SCORE_UND[FIRST] else score_[u],
        "%d-%d" % band[1:] if band else SKIP,
        traffic_light(band[0], band[1], band[2], len(A.units)) if band
        else SKIP,
        SKIP if und else A.eci[u], A.krugman[u], A.div[u], A.xc[u],
        largest_specialisations(A, u),
        SKIP if und else best_opportunities(A, u),
        NOT_SCORED[FIRST][u] if FIRST in NOT_SCORED else ""])

# ranking: every scored level's units in rank order, with the 5-95 % band
# as a bar from p05 - 0.5 of length p95 - p05 + 1
for level in ("centre", "subregion"):
    units_, _, score_ = SCORES[level]
    und = SCORE_UND[level]
    for u in units_ if und else sorted(units_, key=RANKS[level].get):
        band = BANDS.get(("baseline", level, u))
        ranking_rows.append(
            [level, SKIP if und else RANKS[level][u], u,
             centre_name[u] if level == "centre" else u,
             SKIP if und else score_[u]] +
            (list(band) + [band[1] - F(1, 2), band[2] - band[1] + 1]
             if band else [SKIP] * 5) + [NOT_SCORED[level][u]])

# opportunities: the first level's headline matrix, then patents; each
# unit's opportunities of rank 1..10
for name in (HEADLINE, "patents"):
    A = AN[FIRST, name]
    und = undetermined(A)
    for u in A.units:
        if und:
            # which ten are listed would depend on the undetermined ranks
            assert sum(1 for p in A.classes if A.M[u, p] == 0) <= \
                OPPORTUNITIES_TOP
        listed = listed_opportunities(A, u, OPPORTUNITIES_TOP)
        for p in sorted(listed, key=A.classes.index) if und else listed:
            opportunity_rows.append([
                FIRST, name, u, centre_name[u],
                SKIP if und else A.opp_rank[u, p], p, A.labels[p],
                A.density[u, p], SKIP if und else A.pci[p],
                SKIP if und else A.cog[u, p],
                SKIP if und else QUADRANT_WORDS[A.quadrant[u, p]][1],
                NA,  # p_ideal: no value without resampling
                nearest_held(A, u, p)])


# ---- profiles and districts (engine/stages/profiles.c) --------------------

# profiles: per unit and indicator of the baseline, raw and normalised
# value, weight, contribution (weight x normalised, adding up to the
# score), the median over the scored units and the unit's position against
# it; profile_summary: per unit its rank, tenants and score (the strengths
# and weaknesses in words are not checked); districts: the sub-regions.
profile_rows, summary_rows, district_rows, size_notes = [], [], [], []
DIRECTIONS = [1 if d.strip() == "+" else -1 for d in
              ini["score"]["directions"].split(",")] \
    if "score" in ini and "directions" in ini["score"] else \
    [1] * len(INDICATORS)


def midranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    rk = [0] * len(v)
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for t in range(i, j + 1):
            rk[order[t]] = F(i + j, 2) + 1
        i = j + 1
    return rk


def spearman(a, b):
    """Spearman's rho with mid-ranks (a float; None under 3 pairs or a
    constant)."""
    pairs = [(x, y) for x, y in zip(a, b) if x is not NA and y is not NA]
    if len(pairs) < 3:
        return None, len(pairs)
    ra = midranks([x for x, _ in pairs])
    rb = midranks([y for _, y in pairs])
    m = F(len(pairs) + 1, 2)
    sab = sum((x - m) * (y - m) for x, y in zip(ra, rb))
    saa = sum((x - m) ** 2 for x in ra)
    sbb = sum((y - m) ** 2 for y in rb)
    if not saa or not sbb:
        return None, len(pairs)
    return float(sab) / math.sqrt(float(saa) * float(sbb)), len(pairs)


for level in ("centre", "subregion"):
    T = AN[level, "tenants"]
    units_, norm_, score_ = SCORES[level]
    value_, used_, wsum_, scored_ = PROFILE_DATA[level]
    und = SCORE_UND[level]
    eci_und = undetermined(T)
    for i, u in enumerate(units_):
        for j, k in enumerate(INDICATORS):
            raw, y = value_[k][i], norm_[k][i]
            have = [value_[k][t] for t in scored_ if value_[k][t] is not NA]
            med = median(have) if have else NA
            w = F(WEIGHTS[j], wsum_) if k in used_ else 0
            pos = ""
            if raw is not NA and med is not NA:
                d = DIRECTIONS[j] * (raw - med)
                pos = "strength" if d > 0 else "weakness" if d < 0 else \
                    "at the median"
            dep = eci_und and k == "eci"
            profile_rows.append([
                "baseline", level, u, (centre_name[u] if level == "centre" else u), k,
                SKIP if dep else raw, SKIP if dep else y, w,
                NA if k not in used_ or y is NA else
                (SKIP if dep else w * y),
                SKIP if dep else med, SKIP if dep else pos,
                SKIP if raw is NA or k not in used_ else ""])
        summary_rows.append([
            level, SKIP if und else RANKS[level].get(u, NA), u,
            (centre_name[u] if level == "centre" else u), T.xc[u],
            SKIP if und else score_[u], SKIP, SKIP, NOT_SCORED[level][u]])
    rho, n = spearman([T.krugman[u] for u in units_],
                      [T.xc[u] for u in units_])
    if rho is not None:
        size_notes.append([level, (
            "the Krugman specialisation index %s with size: Spearman "
            "correlation %.2f with the tenant count across %d %ss. A small "
            "unit's mix differs from the network's by chance alone, so the "
            "score's specialisation indicator favours %s units "
            "(profiles.csv shows each indicator's contribution)") %
            ("falls" if rho < 0 else "rises", rho, n, level,
             "small" if rho < 0 else "large")])
    if level != "subregion":
        continue
    for u in units_:
        band = BANDS.get(("baseline", level, u))
        mine = [c for c in OPEN if centre_sub[c] == u]
        district_rows.append(
            [SKIP if und else RANKS[level].get(u, NA), u, u,
             centre_nuts[mine[0]], len(mine), T.xc[u],
             SKIP if und else score_[u]] +
            ([band[1], band[2], "%d-%d" % band[1:], band[1] - F(1, 2),
              band[2] - band[1] + 1] if band else [SKIP] * 5) +
            [T.krugman[u],
             value_["alignment"][units_.index(u)] if DSETS else NA,
             SKIP, NOT_SCORED[level][u]])


# ---- scenarios -------------------------------------------------------------

def scenario_run(name, actions):
    """The same pipeline on the dataset as the scenario changes it: this
    script, run again (runpy) with SCENARIO set; returns its globals."""
    import runpy
    return runpy.run_path(os.path.abspath(__file__),
                          init_globals={"SCENARIO": (name, actions),
                                        "SCENARIO_MODEL": MODEL,
                                        "BASE_GOALPOSTS": GOALPOSTS,
                                        "BASE_SCORE_UND": SCORE_UND},
                          run_name="expected_small_scenario")


OPTIONAL = "?"  # compare.py: the row may be absent; this cell not checked


def minus(v, b):
    """delta = value - baseline: no value without either, not checked
    where either is not."""
    if v is SKIP or b is SKIP:
        return SKIP
    return NA if v is NA or b is NA else v - b


def quadrant_label(A, und, u, p):
    """The quadrant of cell (u, p) of A as scenario_deltas.csv names it:
    empty where u holds p, None where it is not determined here."""
    if A.M[u, p] == 1:
        return ""
    return None if und else A.quadrant[u, p]


def scenario_deltas(name, S):
    """scenario_deltas.csv's rows of scenario name (S: the globals of its
    run), from the scenario's matrices, matched on unit and class ids with
    the baseline's (a unit or class the baseline lacks: baseline and
    delta empty):
      * specialised: every cell whose M differs;
      * density (matrices with potentials): every cell whose density
        differs; quadrant: every cell whose label differs (empty where the
        unit holds the class), with empty numbers;
      * score, rank, rank_median, rank_p05, rank_p95 of every unit of each
        scored level, on the headline matrix; status where the unit is
        scored in one pass and not in the other (labels: the reason, or
        "scored");
      * status of every centre the scenario closed or merged away, in the
        dataset's order: "open" -> "closed" or "merged into ID".
    A quadrant label that is not determined here (undetermined ECI) is "*"
    where the row must be there anyway, and "?" where the row itself
    depends on it (present only if the labels differ)."""
    out = []
    SAN = S["AN"]
    for (level, mname), SA in SAN.items():
        BA = AN[level, mname]
        for u in SA.units:
            for p in SA.classes:
                found = u in BA.units and p in BA.classes
                b = BA.M[u, p] if found else NA
                v = SA.M[u, p]
                if b != v:
                    out.append([name, level, mname, u, p, "specialised", b, v,
                                minus(v, b), NA, NA])
    for (level, mname), SA in SAN.items():
        if not SA.full:
            continue
        BA = AN[level, mname]
        sund, bund = S["undetermined"](SA), undetermined(BA)
        for u in SA.units:
            for p in SA.classes:
                found = u in BA.units and p in BA.classes
                b = BA.density[u, p] if found else NA
                v = SA.density[u, p]
                if b != v:
                    out.append([name, level, mname, u, p, "density", b, v,
                                minus(v, b), NA, NA])
                bl = quadrant_label(BA, bund, u, p) if found else ""
                sl = quadrant_label(SA, sund, u, p)
                if bl is not None and sl is not None:
                    if bl != sl:
                        out.append([name, level, mname, u, p, "quadrant", NA,
                                    NA, NA, bl, sl])
                elif bl == "" or sl == "":
                    # one side held (or absent), the other an opportunity
                    out.append([name, level, mname, u, p, "quadrant", NA,
                                NA, NA, SKIP if bl is None else bl,
                                SKIP if sl is None else sl])
                else:
                    out.append([name, level, mname, u, p, "quadrant", NA,
                                NA, NA, OPTIONAL if bl is None else bl,
                                OPTIONAL if sl is None else sl])
    for level in ("centre", "subregion"):
        units, _, score = S["SCORES"][level]
        sund, bund = S["SCORE_UND"][level], SCORE_UND[level]
        bunits, _, bscore = SCORES[level]
        for u in units:
            inb = u in bunits
            sv = [SKIP if sund else score[u],
                  SKIP if sund else S["RANKS"][level].get(u, NA)]
            sv += list(BANDS.get((name, level, u), [SKIP] * 3))
            bv = [NA if not inb else SKIP if bund else bscore[u],
                  NA if not inb else SKIP if bund else
                  RANKS[level].get(u, NA)]
            bv += (list(BANDS.get(("baseline", level, u), [SKIP] * 3))
                   if inb else [NA] * 3)
            for k, measure in enumerate(("score", "rank", "rank_median",
                                         "rank_p05", "rank_p95")):
                out.append([name, level, HEADLINE, u, NA, measure, bv[k],
                            sv[k], minus(sv[k], bv[k]), NA, NA])
            # scored in one pass, not in the other: why
            bw = NOT_SCORED[level][u] if inb else ""
            sw = S["NOT_SCORED"][level][u]
            if inb and bw != sw:
                out.append([name, level, HEADLINE, u, NA, "status", NA, NA,
                            NA, bw or "scored", sw or "scored"])
    # every centre the scenario closed or merged away
    order = [c["centre_id"] for c in centres]
    for c in sorted(S["CLOSED"], key=order.index):
        into = S["MERGED_INTO"].get(c)
        out.append([name, "centre", HEADLINE, c, NA, "status", NA, NA, NA,
                    "open", "merged into " + into if into else "closed"])
    return out


def scenario_summary(name, S, drows):
    """scenario_summary.csv's rows of scenario name (S: the globals of its
    run; drows: its scenario_deltas rows, computed above), as the table is
    specified (engine/stages/scenarios.c, "the Scenarios sheet's table";
    issue 13, item 1): per level (centre, sub-region, unit) that has delta
    rows,
      * rank: every unit whose rank differs (both missing: not a move),
        ranks and scores before and after, rank_change = after - before,
        rank_move "better" for a smaller rank number, "worse" for a larger
        (empty without either rank), score_move "higher" or "lower" where
        the score's change shows at 3 decimals (the change rounded half
        away from zero), band "no band" (no bootstrap: the golden models
        keep [uncertainty] resample = none);
      * specialisation: every cell whose "specialised" changed, with the
        RCA of both passes (none where the baseline lacks the unit or the
        class) and each pass's label, "specialised" / "not specialised"
        ("" where the baseline lacks the unit or the class: a class new
        in the scenario was not specialised before);
      * opportunity: every quadrant row, its labels, and the density of
        both passes where the density changed (a density row), else none;
      * status: every status row (matrix and class empty);
      * unchanged: one row, "N centres unchanged" ("sub-region", "unit";
        no "s" for one), N the units whose rank is the same.
    Every row has the scenario's description (its last "description"
    line in the model, "" without); units are named as in every table and
    classes labelled as the classes table labels them (the baseline's; a
    class new in the scenario as the scenario's).  An optional quadrant
    row ("?") makes its summary row optional too, and so does an
    undetermined rank (the baseline's ECI; --given determines it), with
    the count of the unchanged not checked."""
    assert RESAMPLE == "none", "a bootstrap: compute the band here"
    desc = ""
    for k, v in SCENARIOS[name]:
        if k == "description":
            desc = v
    SAN = S["AN"]

    def label(level, mname, p):
        BA = AN[level, mname]
        A_ = BA if p in BA.classes else SAN[level, mname]
        return A_.labels[p]

    def row(level, kind, u="", mname="", p="", r0=NA, r1=NA, rchange=NA,
            rmove="", band="", s0=NA, s1=NA, schange=NA, smove="", v0=NA,
            v1=NA, l0="", l1="", text=""):
        return [name, desc, level, kind, u,
                (centre_name[u] if level == "centre" else u) if u else "",
                mname, p,
                label(level, mname, p) if p else "", r0, r1, rchange, rmove,
                band, s0, s1, schange, smove, v0, v1, l0, l1, text]

    out = []
    for level in ("centre", "subregion", "unit"):
        mine = [r for r in drows if r[1] == level]
        if not mine:
            continue
        unchanged = 0
        for r in mine:
            if r[5] != "rank":
                continue
            u, b, v = r[3], r[6], r[7]
            if SKIP in (b, v):
                # an undetermined rank (the baseline's ECI; --given
                # determines it): whether the unit moved is undetermined,
                # so its row is optional and the count not checked
                unchanged = None
                out.append(row(level, "rank", u, r0=OPTIONAL, r1=OPTIONAL,
                               rchange=OPTIONAL, rmove=OPTIONAL,
                               band="no band", s0=OPTIONAL, s1=OPTIONAL,
                               schange=OPTIONAL, smove=OPTIONAL))
                continue
            if b == v:  # also both missing
                if unchanged is not None:
                    unchanged += 1
                continue
            sc = [q for q in mine if q[5] == "score" and q[3] == u][0]
            s0, s1 = sc[6], sc[7]
            smove = ""
            if SKIP in (s0, s1):
                smove = SKIP
            elif s0 is not NA and s1 is not NA:
                q = (F(s1) - F(s0)) * 1000
                if math.floor(abs(q) + F(1, 2)) > 0:
                    smove = "higher" if q > 0 else "lower"
            moved = b is not NA and v is not NA
            out.append(row(level, "rank", u, r0=b, r1=v,
                           rchange=v - b if moved else NA,
                           rmove=("better" if v < b else "worse")
                           if moved else "",
                           band="no band", s0=s0, s1=s1,
                           schange=minus(s1, s0), smove=smove))
        for r in mine:
            if r[5] != "specialised":
                continue
            mname, u, p, b, v = r[2], r[3], r[4], r[6], r[7]
            BA, SA = AN[level, mname], SAN[level, mname]

            def spec_label(m):
                return "" if m is NA else ("specialised" if m == 1 else
                                           "not specialised")
            out.append(row(level, "specialisation", u, mname, p,
                           v0=BA.spec[u, p][2] if u in BA.units and
                           p in BA.classes else NA,
                           v1=SA.spec[u, p][2],
                           l0=spec_label(b), l1=spec_label(v)))
        for r in mine:
            if r[5] != "quadrant":
                continue
            mname, u, p = r[2], r[3], r[4]
            dens = [q for q in mine if q[5] == "density" and
                    (q[2], q[3], q[4]) == (mname, u, p)]
            out.append(row(level, "opportunity", u, mname, p,
                           v0=dens[0][6] if dens else NA,
                           v1=dens[0][7] if dens else NA,
                           l0=r[9], l1=r[10]))
        for r in mine:
            if r[5] == "status":
                out.append(row(level, "status", r[3], l0=r[9], l1=r[10]))
        noun = "sub-region" if level == "subregion" else level
        out.append(row(level, "unchanged",
                       text=SKIP if unchanged is None else
                       "%d %s%s unchanged" % (
                           unchanged, noun, "" if unchanged == 1 else "s")))
    return out


delta_rows, summary_scen_rows = [], []
PASSES = [("baseline", SCORES, SCORE_UND)]
if SCENARIO is None:
    for sname, actions in SCENARIOS.items():
        S = scenario_run(sname, actions)
        ind_rows += S["ind_rows"]
        score_rows += S["score_rows"]
        out_rows += S["out_rows"]
        PASSES.append((sname, S["SCORES"], S["SCORE_UND"]))
        drows = scenario_deltas(sname, S)
        delta_rows += drows
        summary_scen_rows += scenario_summary(sname, S, drows)
    # without resampling the weights-only rank band is the rank band: with
    # --given the engine's rank_p05 and rank_p95 of every pass
    if RESAMPLE == "none":
        for r in score_rows:
            band = BANDS.get(tuple(r[:3]))
            if band:
                r[8:10] = band[1:]


# ---- plain tables ---------------------------------------------------------

quality_rows = [[f, n, n, 0, 0] for f, n in [("centres.csv", len(centres)),
                                             ("tenants.csv", len(tenants)),
                                             ("patents.csv", len(patents)),
                                             ("baseline.csv", len(baseline))]]

# the dataset folder's dataset.ini (optional): its sections as dicts
DSINI = {}
if os.path.exists(os.path.join(DATA, "dataset.ini")):
    _cp = configparser.ConfigParser(inline_comment_prefixes=(";",),
                                    interpolation=None)
    _cp.read(os.path.join(DATA, "dataset.ini"), encoding="utf-8")
    DSINI = {sec: dict(_cp[sec]) for sec in _cp.sections()}
input_rows = []
model_dir = os.path.dirname(MODEL_ARG)
for shown, folder, key in [
        ("reference/nace_rev2_en.csv", "reference", "nace_rev2_en.csv"),
        ("reference/wz2008_de.csv", "reference", "wz2008_de.csv"),
        ("reference/wipo35_fields.csv", "reference", "wipo35_fields.csv"),
        ("reference/ipc_to_wipo35_concordance.csv", "reference",
         "ipc_to_wipo35_concordance.csv"),
        ("dataset.ini", "dataset", "dataset.ini"),
        ("centres.csv", "dataset", "centres.csv"),
        ("tenants.csv", "dataset", "tenants.csv"),
        ("patents.csv", "dataset", "patents.csv"),
        ("baseline.csv", "dataset", "baseline.csv")]:
    real = os.path.join(REFDIR if folder == "reference" else DATA, key)
    if key == "dataset.ini" and not os.path.exists(real):
        continue
    # the path as the engine was given it: the model's folder joined with
    # the model's relative folder, not normalised
    path = model_dir + "/" + ini["model"][folder] + "/" + key
    with open(real, "rb") as f:
        data = f.read()
    # dataset.ini counts its column names (none here), a CSV its rows
    n = (sum(len(v) for k, v in DSINI.items() if k.startswith("columns"))
         if key == "dataset.ini" else len(rows(real)))
    input_rows.append([shown, path, n, len(data),
                       hashlib.sha256(data).hexdigest()])

# lat and lon as centres.csv gives them (decimal degrees); an empty cell is
# no position, written empty
def position(c, key):
    return float(c[key]) if c.get(key, "") != "" else None


centre_rows = [[c["centre_id"], c["name"], c["subregion"], c["nuts3"],
                position(c, "lat"), position(c, "lon")] for c in centres]

# the model's parameters: small.ini's values, the engine's defaults for the
# rest; the meaning column is help text and not checked, except for
# uncertainty.resample, whose text tells the reader of parameters.csv that
# these runs' rank bands vary the weights only (the engine's text,
# engine/ingest/model.c)
PARAMS = [
    ("model.name", ini["model"]["name"]),
    # no title in the model: its name
    ("model.title", ini["model"].get("title", "").strip() or
     ini["model"]["name"]),
    ("model.dataset", ini["model"]["dataset"]),
    ("model.reference", ini["model"]["reference"]),
    ("model.exclude_classes", ini["model"].get("exclude_classes", "")),
    ("sectors.level", ini["sectors"]["level"]),
    ("sectors.weight", ini["sectors"]["weight"]),
    ("specialisation.reference", ini["specialisation"]["reference"]),
    ("specialisation.threshold", THRESHOLD),
    ("specialisation.rule", "rca"),
    ("specialisation.alpha", F(ALPHA).limit_denominator(1000)),
    ("specialisation.confidence", F(CONFIDENCE).limit_denominator(1000)),
    ("data.cutoff", ini["data"]["cutoff"].strip()),
    ("complexity.reflections", REFLECTIONS),
    ("potentials.relatedness", "proximity"),
    ("potentials.split", "median"),
    ("potentials.percentile", PERCENTILE),
    ("baseline.region", ini["baseline"]["region"]),
    ("baseline.key", ini["baseline"]["key"]),
    ("overlaps.cluster_cut", CLUSTER_CUT),
    ("overlaps.partners", PARTNERS),
    ("score.indicators", ", ".join(INDICATORS)),
    ("score.weights", ", ".join(map(str, WEIGHTS))),
    ("score.directions", ", ".join("+" for _ in INDICATORS)),
    ("score.normalisation", "minmax"),
    ("score.goalposts_low", ""),
    ("score.goalposts_high", ""),
    ("score.aggregation", "arithmetic"),
    ("score.geometric_shift", F(1, 100)),
    ("score.growth_from", ""),
    ("uncertainty.draws", DRAWS),
    ("uncertainty.seed", 20261126),
    ("uncertainty.weight_sd", F(1, 4)),
    ("uncertainty.vary_normalisation", "no"),
    ("uncertainty.vary_aggregation", "no"),
    ("uncertainty.resample", RESAMPLE),
    # small tables: every pair is written (output.pairs = auto cuts only
    # above 500,000 rows per matrix)
    ("output.pairs", "auto"),
    ("output.top_pairs", 20),
    # and every unit x class cell (output.cells = auto cuts only above
    # 500,000 cells per matrix)
    ("output.cells", "auto"),
    ("output.top_opportunities", 50),
    # a few units: the workbook's unit x unit sheets are written (auto
    # leaves them out above 200 units)
    ("output.square_sheets", "auto"),
    # no [learning] home: no learning table
    ("learning.home", ""),
    ("learning.candidates", "all"),
    ("learning.compare", ""),
    ("learning.top", 10),
    ("learning.outcome", ""),
    ("learning.outcome_column", "value"),
]
# the parameters are the engine's own text, not input data: written
# without the formula guard (README, "CSV for people")
class Own(str):
    pass


MEANING = {
    "uncertainty.resample":
        "records: each draw also resamples the data (every centre's tenants "
        "with replacement, or a long table's counts, multinomial per unit) "
        "and recomputes the chain to the score; none: the draws vary the "
        "weights only",
}
param_rows = [[k, NA if v == "" else Own(v) if isinstance(v, str) else v,
               Own(MEANING[k]) if k in MEANING else SKIP]
              for k, v in PARAMS]

# what each indicator measures (the model's [score] comment), with the
# model's weight and direction
IND_TEXT = {
    "specialisation": "specialisation strength: Krugman dissimilarity of "
                      "the sector profile",
    "density": "mean relatedness density of the unit's opportunities",
    "eci": "economic complexity index (sectors)",
    "startups": "share of start-ups among the tenants",
    "growth": "tenant growth from growth_from to the cut-off date",
    "patents": "patents (fractional) per tenant",
    "alignment": "share of tenants in the model's S3 domains",
}
def_rows = [["score indicator", k, "%s (weight %d, higher is better)" %
             (IND_TEXT[k], w)] for k, w in zip(INDICATORS, WEIGHTS)]
# and the domains, one row per line of the model
def_rows += [["S3 domain", k, v] for k, v in DOMAIN_LINES]
# and each line of each scenario, as "NAME: key"
def_rows += [["scenario", "%s: %s" % (name, k), v]
             for name, lines in SCENARIOS.items() for k, v in lines]
# and the position columns of centres.csv
def_rows += [["centres column", k, "the centre's %s in decimal degrees (%s "
              "positive), as centres.csv gives it; empty where it gives none"
              % (what, side)]
             for k, what, side in (("lat", "latitude", "north"),
                                   ("lon", "longitude", "east"))]

# and the code columns, in the order the tables first have them (README,
# "Codes")
CODE_TEXT = [
    ("unit", "a unit: a centre's id (level centre) or a sub-region's name"),
    ("class", "a class: a NACE Rev. 2 code with its section letter as "
     "Eurostat writes it (J62, C10.1, J62.01; a section alone: J), a WIPO "
     "technology field F01-F35, or a baseline sector aggregate (B-E)"),
    ("class_a", "a class, as in class"),
    ("class_b", "a class, as in class"),
    ("unit_a", "a unit, as in unit"),
    ("unit_b", "a unit, as in unit"),
    ("partner", "a unit, as in unit"),
    ("region", "the unit's baseline region: a NUTS code or a sub-region"),
    ("aggregate", "a baseline sector aggregate: a NACE section (C) or range "
     "(B-E)"),
    ("centre_id", "a centre's id, as unit at level centre"),
    ("nuts3", "a NUTS 2021 region code"),
]
def_rows += [["code column", k, v + "; text: a key to join on, to be read "
              "as text"] for k, v in CODE_TEXT]

# notes: remarks about the data and the results
# notes: remarks about the data and the results; first, when dataset.ini
# says the data are synthetic, that
classes_total = sum(1 for r in nace.values() if r["level"] == "4")
note_rows = []
if DSINI.get("dataset", {}).get("synthetic") == "yes":
    note = DSINI["dataset"].get("note", "")
    note_rows.append(["dataset.ini",
                      "Synthetic data \u2014 results are illustrative, not "
                      "findings about the named centres" +
                      (". " + note if note else "")])
note_rows += [["baseline.csv",
              "aggregates used (disjoint): %s; they cover %d of %d NACE "
              "classes; not used: TOTAL (the total), C (overlaps a larger "
              "aggregate)" % (", ".join(AGGS), sum(
                  1 for r in nace.values() if r["level"] == "4" and
                  section_of(r["code"]) in SECTION_AGG), classes_total)]]
for (level, name), A in AN.items():
    if not A.full:
        note_rows.append(["%s/%s" % (level, name),
                          "related and unrelated variety are not computed "
                          "over the baseline's broad sector aggregates"])
    elif A.ncomp > 1:
        note_rows.append(["%s/%s" % (level, name),
                          "the second eigenvalue is 1: the units fall into "
                          "groups that share no specialisation, and ECI "
                          "mainly tells the groups apart"])
# how much of the specialisation the data support, per matrix (the rule
# of these models is rca)
for (level, name), A in AN.items():
    firms = AN[level, {"employees": "tenants",
                       "employees_by_aggregate": "tenants_by_aggregate"}
               .get(name, name)]
    high = [k for k, v in A.spec.items() if v[2] is not NA and v[2] >= THRESHOLD]
    if not high:
        continue
    cells = sum(1 for v in A.pval.values() if v is not NA)
    sig = sum(1 for k in high if A.qval[k] is not NA and A.qval[k] <= ALPHA)
    single = sum(1 for u, c in high if firms.x[u][c] <= 1)
    record = "patent" if name == "patents" else "tenant"
    note_rows.append(["%s/%s" % (level, name),
                      "rule rca: all %d cells with RCA >= %g count as "
                      "specialised; %d of them have a q-value <= %g "
                      "(Benjamini-Hochberg over %d cells), %d rest on a "
                      "single %s" % (len(high), float(THRESHOLD), sig, ALPHA,
                                     cells, single, record)])
# the model is at division level (asserted above): the columns of the
# tenant matrices are the groups of unrelated variety, which so equals
# entropy (Frenken et al. 2007)
for (level, name), A in AN.items():
    if name in ("tenants", "employees"):
        note_rows.append(["%s/%s" % (level, name),
                          "at division level unrelated variety (entropy "
                          "between NACE divisions) equals entropy; related "
                          "variety is the entropy of the NACE codes as given "
                          "within each division, and the two add up to the "
                          "entropy over those codes"])
for level in ("centre", "subregion"):
    # no cut-off date: no growth; no domains: no alignment
    for k in ("growth", "alignment") if not DSETS else ("growth",):
        note_rows.append([level, "indicator '%s' has no value here: left "
                          "out of the score" % k])
note_rows += size_notes  # profiles.c: the Krugman index against size


# ---- writing ---------------------------------------------------------------

def fmt(v):
    if v is None:
        return ""
    if isinstance(v, Own):
        return str(v)
    if isinstance(v, str):
        # README: data text that starts like a formula is written after an
        # apostrophe
        return "'" + v if v[:1] in ("=", "+", "-", "@") else v
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, F) and v.denominator == 1:
        return str(v.numerator)
    if isinstance(v, int):
        return str(v)
    return repr(float(v) + 0.0)  # no "-0.0"


# what each table adds beside its codes (README, "Codes"): the unit's name
# (a centre's name, a sub-region's own name) and the class's label, after
# the columns the interface fixes
NAMES_AFTER = {
    "specialisation.csv": ("unit_name", "class_label"),
    "units.csv": ("unit_name",),
    "classes.csv": ("class_label",),
    "potentials.csv": ("unit_name", "class_label"),
    "scores.csv": ("unit_name",),
    "clusters.csv": ("unit_name",),
    "domains.csv": ("unit_name",),
    "local_economy.csv": ("unit_name",),
}
CLASS_COLUMNS = ("class", "class_a", "class_b")


def unit_name_of(level, unit):
    return centre_name[unit] if level == "centre" else unit


def shown_rows(name, header, data):
    """The rows as written: class codes shown (shown_code) and the name
    columns of NAMES_AFTER added."""
    cols = header.split(",")
    extra = NAMES_AFTER.get(name, ())
    out = []
    for r in data:
        row = dict(zip(cols, r))
        mname = row.get("matrix", "")
        if name == "scenario_deltas.csv":
            mname = r[2]
        names = []
        for e in extra:
            if e == "unit_name":
                names.append(unit_name_of(row["level"], row["unit"]))
            else:
                names.append(class_label_of(mname, row["class"]))
        r = [shown_code(mname, v) if c in CLASS_COLUMNS and
             v not in (SKIP, OPTIONAL) else v for c, v in zip(cols, r)]
        out.append(r + names)
    return ",".join(cols + list(extra)), out


def write(name, header, data):
    header, data = shown_rows(name, header, data)
    with open(os.path.join(OUT, name), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header.split(","))
        for r in data:
            w.writerow([v if v in (SKIP, OPTIONAL) else fmt(v)
                        for v in r])


# findings.csv (engine/stages/briefing.c, s3i_findings): the lead and the
# top third rest on the Monte Carlo bands ("*"; tests/golden/xlsx_overv.py
# checks their numbers against scores.csv); the two most similar pairs
# from partners.csv and the units without a score are computed here; a
# scenario finding only with scenarios; the sentences are not checked
finding_rows = []


def _finding(kind, scen, unit, partner, value, measure):
    finding_rows.append([len(finding_rows) + 1, kind, scen, unit, partner,
                         value, measure, SKIP])


_base = [r for r in score_rows if r[0] == "baseline" and r[1] == "centre"]
_ranked = [r for r in _base if r[-1] == ""]
if _base:
    if len(_ranked) >= 2:
        _finding("lead", "baseline", SKIP, SKIP, SKIP, SKIP)
        _finding("top_third", "baseline", "", "", SKIP,
                 "units whose band is in the top third")
    if SCENARIOS:
        _finding(SKIP, SKIP, SKIP, "", SKIP, "rank in the scenario")
_pairs = []
for _r in sorted((r for r in part_rows
                  if r[0] == "centre" and r[1] == HEADLINE and
                  r[3] == "similar"),
                 key=lambda r: -float(r[6])):
    if len(_pairs) < 2 and {_r[2], _r[5]} not in [set(p) for p in _pairs]:
        _pairs.append((_r[2], _r[5]))
        _finding("similar_pair", "baseline", _r[2], _r[5], _r[6],
                 "cosine similarity")
if _base:
    _finding("not_scored", "baseline", "", "",
             sum(1 for r in _base if r[-1] != ""), "units without a score")

TABLES = [
    ("specialisation.csv", "level,matrix,unit,class,value,share,rca,rsca,"
     "specialised,rca_baseline,rca_low,rca_high,p_value,q_value,"
     "p_specialised", spec_rows),
    ("units.csv", "level,matrix,unit,total,diversity,krugman,hoover,"
     "herfindahl,entropy,related_variety,unrelated_variety,eci,"
     "eci_reflections,coi", unit_rows),
    ("classes.csv", "level,matrix,class,label,total,ubiquity,"
     "locational_gini,pci,pci_reflections", class_rows),
    ("proximity.csv", "level,matrix,class_a,class_b,proximity", prox_rows),
    ("unit_proximity.csv", "level,matrix,unit_a,unit_b,proximity",
     uprox_rows),
    ("relatedness.csv", "level,matrix,class_a,class_b,cooccurrence,"
     "association,probability,cosine,jaccard", rel_rows),
    ("potentials.csv", "level,matrix,unit,class,specialised,density,"
     "density_low,density_high,pci,cog,quadrant,p_ideal,opportunity_rank",
     pot_rows),
    ("quadrants.csv", "level,matrix,split,used,opportunities,labels_changed",
     quad_rows),
    ("similarity.csv", "level,matrix,unit_a,unit_b,cosine,jaccard,"
     "complementarity", sim_rows),
    ("clusters.csv", "level,matrix,unit,cluster", clu_rows),
    ("partners.csv", "level,matrix,unit,kind,rank,partner,value,tied",
     part_rows),
    ("indicators.csv", "scenario,level,unit,indicator,value,normalised,weight",
     ind_rows),
    ("scores.csv", "scenario,level,unit,score,rank,rank_median,rank_p05,"
     "rank_p95,rank_p05_weights,rank_p95_weights,not_scored", score_rows),
    ("outranking.csv", "scenario,level,unit_a,unit_b,probability_a_above_b,"
     "distinguishable", out_rows),
    ("local_economy.csv", "level,matrix,unit,region,aggregate,class_label,"
     "centres_share,economy_share,ratio", loc_rows),
] + ([
    ("scenario_deltas.csv", "scenario,level,matrix,unit,class,measure,"
     "baseline,value,delta,baseline_label,label", delta_rows),
    ("scenario_summary.csv", "scenario,description,level,kind,unit,"
     "unit_name,matrix,class,class_label,rank_before,rank_after,rank_change,"
     "rank_move,band,score_before,score_after,score_change,score_move,"
     "value_before,value_after,label_before,label_after,text",
     summary_scen_rows),
] if SCENARIOS else []) + [
    ("overview.csv", "level,matrix,position,unit,unit_name,subregion,score,"
     "rank_band,traffic_light,eci,krugman,diversity,total,"
     "largest_specialisations,best_opportunities,not_scored",
     overview_rows),
    ("ranking.csv", "level,rank,unit,unit_name,score,rank_median,rank_p05,"
     "rank_p95,band_start,band_length,not_scored", ranking_rows),
    ("opportunities.csv", "level,matrix,unit,unit_name,rank,class,class_label,density,"
     "pci,cog,quadrant,p_ideal,nearest_held", opportunity_rows),
    ("findings.csv", "rank,kind,scenario,unit,partner,value,measure,text",
     finding_rows),
] + ([
    ("domains.csv", "level,matrix,unit,domain,value,share,rca", dom_rows),
    ("domain_overlap.csv", "domain_a,domain_b,shared_classes,shared_fields,"
     "shared_tenants", dover_rows),
] if DSETS else []) + [
    ("quality.csv", "file,rows_read,rows_used,rows_rejected,warnings",
     quality_rows),
    ("inputs.csv", "file,path,rows_read,bytes,sha256", input_rows),
    ("centres.csv", "centre_id,name,subregion,nuts3,lat,lon", centre_rows),
    ("parameters.csv", "parameter,value,meaning", param_rows),
    ("definitions.csv", "section,name,definition", def_rows),
    ("notes.csv", "scope,message", note_rows),
    ("profiles.csv", "scenario,level,unit,unit_name,indicator,raw,"
     "normalised,weight,contribution,median,position,missing",
     profile_rows),
    ("profile_summary.csv", "level,rank,unit,unit_name,tenants,score,"
     "strengths,weaknesses,not_scored", summary_rows),
    ("districts.csv", "rank,unit,unit_name,nuts3,centres,tenants,score,"
     "rank_p05,rank_p95,rank_band,band_start,band_length,krugman,s3_share,"
     "top_specialisations,not_scored", district_rows),
    # the small dataset has no rejected or doubtful row
    ("warnings.csv", "file,line,column,value,message", []),
]
# a nested run (SCENARIO set) writes nothing: scenario_run() reads its
# results
if SCENARIO is None:
    os.makedirs(OUT, exist_ok=True)
    for name, header, data in TABLES:
        write(name, header, data)
    if GIVEN is not None:
        for scenario, scores, und in PASSES:
            monte_carlo_check(scenario, scores, und)
        for line in CHECK_LINES:
            print(line)
    else:
        print("wrote %d tables to %s" % (len(TABLES), OUT))
