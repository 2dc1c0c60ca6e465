#!/usr/bin/env python3
"""Check a briefing workbook against the CSV tables of the same run.

Usage: check_xlsx.py BRIEFING CSV_DIR [--level L] [--matrix M]
                     [--text STRING]...

Needs python3-openpyxl (a test dependency).  Checks:
  * the sheet names include Overview, Method and Data quality;
  * the Overview's ranked table has one row per unit of units.csv at the
    level (default centre) and headline matrix (default tenants), and its
    Total, Krugman and Diversity columns hold numbers equal to units.csv's
    total, krugman and diversity (relative 1e-9); an empty CSV field (no
    value) must be an empty cell;
  * every heatmap sheet (name starting with "RCA") has conditional
    formatting, and there is at least one; its cells equal
    specialisation.csv's rca, and a cell is grey italic exactly where the
    RCA reaches the model's threshold (parameters.csv) but the unit does
    not count as specialised (specialised = 0);
  * the Overview's largest specialisations are specialised (specialised =
    1) with the RCA shown, the highest RCA first (then the largest count),
    up to 3, none missing; its best opportunities are the unit's opportunities in
    opportunity_rank order with the density shown, up to 3, none skipped.
    After a bootstrap (parameters.csv uncertainty.resample = records) only
    those that hold (p_specialised) or are ideal (p_ideal) in at least half
    of the draws count, and each shows that share in per cent; without it
    no share is shown;
  * the opportunities sheets list potentials.csv's ranks, density, PCI
    and COG, and the share of draws in the ideal quadrant of
    opportunities.csv (p_ideal; empty without a bootstrap);
  * no cell of any sheet is a formula (data_type 'f'); each --text STRING
    (e.g. a centre named '=HYPERLINK(...)') occurs as a string cell.

Prints "ok - xlsx <check>" or "not ok - xlsx <check>: <reason>" lines;
exits 1 if any check failed.
"""
import argparse
import csv
import math
import os
import re
import sys

import xlsx_learn
import xlsx_prof
import xlsx_scen

try:
    import openpyxl
except ImportError:  # pragma: no cover
    print("not ok - xlsx: python3-openpyxl is not installed")
    sys.exit(1)

results = []


def report(name, problems):
    if problems:
        results.append(False)
        more = " (and %d more)" % (len(problems) - 5) if len(problems) > 5 else ""
        print("not ok - xlsx %s: %s%s" % (name, "; ".join(problems[:5]), more))
    else:
        results.append(True)
        print("ok - xlsx %s" % name)


def overview_head(ws):
    """Row number (1-based) of the Overview's header (the row starting with
    'Rank', below the key findings), or None."""
    for i, row in enumerate(ws.iter_rows(min_row=1, max_row=40,
                                         values_only=True)):
        if row and row[0] == "Rank":
            return i + 1
    return None


def overview_cols(ws):
    """Column index of each Overview header (the row starting with 'Rank');
    the unit column is 'Centre' on a centres run, keyed 'Unit'."""
    h = overview_head(ws)
    if h is None:
        return {}
    row = next(ws.iter_rows(min_row=h, max_row=h, values_only=True))
    cols = {str(v).split(" (")[0]: i for i, v in enumerate(row) if v}
    if "Centre" in cols:
        cols["Unit"] = cols["Centre"]
    return cols


def close(a, b):
    return abs(a - b) <= max(1e-9 * abs(b), 1e-12)


def read_csv(csv_dir, name):
    """The rows of CSV_DIR/name as dicts ([] when the file is missing)."""
    path = os.path.join(csv_dir, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# the Overview's items (engine/stages/briefing.c, top_specialisations and
# best_opportunities): "CODE LABEL (RCA 5.0)" and "CODE LABEL (density
# 0.62, QUADRANT)"; after a bootstrap "CODE LABEL (RCA 5.0, in 100 % of
# draws)" and "CODE LABEL (density 0.62, ideal in 55 % of draws)"
SPEC_ITEM = re.compile(r"^(\S+) .* \(RCA ([0-9.]+)\)$")
SPEC_ITEM_BOOT = re.compile(r"^(\S+) .* \(RCA ([0-9.]+), in ([0-9]+) % of "
                            r"draws\)$")
OPP_ITEM = re.compile(r"^(\S+) .* \(density ([0-9.]+), ([a-z ,]+)\)$")
OPP_ITEM_BOOT = re.compile(r"^(\S+) .* \(density ([0-9.]+), ideal in "
                           r"([0-9]+) % of draws\)$")
OVERVIEW_TOP = 3
# a quadrant in the Overview's short words (README.md)
QUADRANT_SHORT = {"ideal": "ideal", "low_risk_low_gain": "low risk, low gain",
                  "high_risk_high_gain": "high risk, high gain",
                  "least_attractive": "least attractive"}


def per_cent(p):
    """A share of draws as the Overview shows it: 100 p rounded to a whole
    number (C's %.0f, like Python's round: half to even)."""
    return "%.0f" % (100.0 * float(p))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("briefing")
    ap.add_argument("csv_dir")
    ap.add_argument("--level", default="centre")
    ap.add_argument("--matrix", default="tenants")
    ap.add_argument("--text", action="append", default=[])
    a = ap.parse_args()

    try:
        wb = openpyxl.load_workbook(a.briefing)  # formulas kept as formulas
    except Exception as e:  # noqa: BLE001
        print("not ok - xlsx open: %s: %s" % (a.briefing, e))
        return 1
    names = wb.sheetnames
    params = {r["parameter"]: r["value"]
              for r in read_csv(a.csv_dir, "parameters.csv")}
    # the bootstrap ran: the Overview lists what holds in half of the draws
    boot = params.get("uncertainty.resample") == "records"
    # the engine's default threshold where parameters.csv is missing
    threshold = float(params.get("specialisation.threshold") or 1)

    # 1. sheets
    report("sheets", ["no sheet %r (sheets: %s)" % (s, ", ".join(names))
                      for s in ("Overview", "Method", "Data quality")
                      if s not in names])

    # 2. the Overview's numbers against units.csv
    problems = []
    with open(os.path.join(a.csv_dir, "units.csv"), newline="",
              encoding="utf-8") as f:
        units = [r for r in csv.DictReader(f)
                 if r["level"] == a.level and r["matrix"] == a.matrix]
    by_unit = {r["unit"]: r for r in units}
    if "Overview" in names:
        ws = wb["Overview"]
        grid = [list(r) for r in ws.iter_rows()]
        head = None
        for i, row in enumerate(grid):
            vals = [c.value for c in row]
            if vals and vals[0] == "Rank" and ("Unit" in vals or
                                               "Centre" in vals):
                head = i
                break
        if head is None:
            problems.append("no header row with 'Rank' and 'Unit'")
        else:
            hv = [str(c.value or "") for c in grid[head]]

            def find(pred, what):
                for j, v in enumerate(hv):
                    if pred(v):
                        return j
                problems.append("no %s column in %s" % (what, hv))
                return None
            cu = find(lambda v: v in ("Unit", "Centre"), "Unit")
            cols = {"total": find(lambda v: v.startswith("Total"), "Total"),
                    "krugman": find(lambda v: "krugman" in v.lower(), "Krugman"),
                    "diversity": find(lambda v: "diversity" in v.lower(),
                                      "Diversity")}
            seen = []
            for row in grid[head + 1:]:
                if cu is None or len(row) <= cu or row[cu].value in (None, ""):
                    break
                unit = str(row[cu].value)
                seen.append(unit)
                ref = by_unit.get(unit)
                if ref is None:
                    problems.append("unit %r not in units.csv (%s/%s)" %
                                    (unit, a.level, a.matrix))
                    continue
                for name, j in cols.items():
                    if j is None:
                        continue
                    cell = row[j] if j < len(row) else None
                    v = cell.value if cell is not None else None
                    want = ref[name]
                    if want == "":
                        if v not in (None, ""):
                            problems.append("%s %s: %r, expected an empty cell"
                                            % (unit, name, v))
                        continue
                    if isinstance(v, bool) or not isinstance(v, (int, float)):
                        problems.append("%s %s: %r (%s) is not a number, "
                                        "expected %s" % (unit, name, v,
                                                         type(v).__name__,
                                                         want))
                    elif not math.isfinite(v) or not close(v, float(want)):
                        problems.append("%s %s: %r, units.csv has %s" %
                                        (unit, name, v, want))
            if sorted(seen) != sorted(by_unit):
                problems.append("Overview units %s, units.csv %s/%s has %s" %
                                (sorted(seen), a.level, a.matrix,
                                 sorted(by_unit)))
    else:
        problems.append("no Overview sheet")
    report("overview numbers", problems)

    # 3. heatmaps have conditional formatting
    heat = [s for s in names if s.startswith("RCA")]
    problems = [] if heat else ["no heatmap sheet (name starting with RCA)"]
    for s in heat:
        if not list(wb[s].conditional_formatting):
            problems.append("sheet %r has no conditional formatting" % s)
    report("heatmap conditional formatting", problems)

    # 3b. every heatmap cell equals specialisation.csv's rca (empty = empty)
    with open(os.path.join(a.csv_dir, "specialisation.csv"), newline="",
              encoding="utf-8") as f:
        spec = {}
        for r in csv.DictReader(f):
            spec[(r["level"], r["matrix"], r["unit"], r["class"])] = r["rca"]
    sheets = {"RCA sectors": ("centre", a.matrix),
              "RCA technologies": ("centre", "patents"),
              "RCA sub-regions": ("subregion", a.matrix),
              "RCA": ("unit", "input")}
    problems, checked = [], 0
    # and the grey italic of the cells whose RCA reaches the threshold but
    # which do not count as specialised
    fproblems, weak = [], 0
    held = {(r["level"], r["matrix"], r["unit"], r["class"]): r["specialised"]
            for r in read_csv(a.csv_dir, "specialisation.csv")}
    for s in heat:
        if s not in sheets:
            problems.append("unexpected heatmap sheet %r" % s)
            continue
        level, matrix = sheets[s]
        ws = wb[s]
        classes = [c.value for c in ws[3]][2:]  # row 3: class codes
        for row in ws.iter_rows(min_row=5):
            unit = row[0].value
            if unit is None:
                continue
            for code, c in zip(classes, row[2:]):
                key = (level, matrix, str(unit), str(code))
                want = spec.get(key)
                if want is None:
                    problems.append("%s %s/%s not in specialisation.csv"
                                    % (s, unit, code))
                    continue
                elif want == "":
                    if c.value is not None:
                        problems.append("%s %s/%s: %r, csv has no value"
                                        % (s, unit, code, c.value))
                elif c.value is None or not close(float(c.value), float(want)):
                    problems.append("%s %s/%s: %r, csv has %s"
                                    % (s, unit, code, c.value, want))
                checked += 1
                grey = (want != "" and float(want) >= threshold and
                        held[key] == "0")
                italic = bool(c.font.i)
                color = c.font.color
                rgb = (color.rgb if color is not None and color.type == "rgb"
                       else None)
                is_grey = isinstance(rgb, str) and rgb[-6:] == "808080"
                if grey and not (italic and is_grey):
                    fproblems.append("%s %s/%s: RCA %s, not specialised, but "
                                     "not grey italic (italic %s, colour %s)"
                                     % (s, unit, code, want, italic, rgb))
                elif not grey and (italic or is_grey):
                    fproblems.append("%s %s/%s: RCA %s, specialised %s, but "
                                     "grey italic" % (s, unit, code, want,
                                                      held[key]))
                weak += grey
    if heat and not checked:
        problems.append("no heatmap cell checked")
    report("heatmap values equal specialisation.csv (%d cells)" % checked,
           problems)
    report("heatmap grey italic exactly where RCA >= %g but not specialised "
           "(%d cells)" % (threshold, weak), fproblems)

    # 3b'. the Overview's "largest specialisations": each listed class is
    # specialised (specialised = 1; after a bootstrap also p_specialised >=
    # 0.5, its share of draws shown) with the RCA shown, highest RCA
    # first (then largest value), and no such class with a higher RCA is
    # missing
    problems, listed = [], 0
    if "Overview" in names:
        values = {}
        for r in read_csv(a.csv_dir, "specialisation.csv"):
            if (r["level"], r["matrix"]) == (a.level, a.matrix):
                values.setdefault(r["unit"], []).append(r)

        def holds(r):
            return r["specialised"] == "1" and (
                not boot or (r["p_specialised"] != "" and
                             float(r["p_specialised"]) >= 0.5))
        form = SPEC_ITEM_BOOT if boot else SPEC_ITEM
        oc = overview_cols(wb["Overview"])
        cs, cu_ = oc.get("Largest specialisations"), oc.get("Unit")
        for row in wb["Overview"].iter_rows(
                min_row=overview_head(wb["Overview"]) + 1, values_only=True):
            if not row or row[cu_] is None:
                continue
            unit = str(row[cu_])
            items = str(row[cs]).split(" | ") if row[cs] else []
            rows = {r["class"]: r for r in values.get(unit, [])}
            shown = []
            for it in items:
                m = form.match(it)
                if m is None:
                    problems.append("%s: %r is not of the form 'CODE LABEL "
                                    "(RCA 5.0%s)'" % (unit, it, ", in 100 % "
                                                      "of draws" if boot
                                                      else ""))
                    continue
                code, rca_txt = m.group(1), m.group(2)
                r = rows.get(code)
                if r is None or not holds(r):
                    problems.append("%s: %s listed but not specialised%s"
                                    % (unit, code, " in half of the draws"
                                       if boot else ""))
                    continue
                if "%.1f" % float(r["rca"]) != rca_txt:
                    problems.append("%s %s: RCA %s shown, csv %s"
                                    % (unit, code, rca_txt, r["rca"]))
                if boot and per_cent(r["p_specialised"]) != m.group(3):
                    problems.append("%s %s: in %s %% of draws shown, csv "
                                    "p_specialised %s" % (unit, code,
                                                          m.group(3),
                                                          r["p_specialised"]))
                shown.append((float(r["rca"]), float(r["value"])))
                listed += 1
            if shown != sorted(shown, reverse=True):
                problems.append("%s: not ordered by RCA" % unit)
            spec_vals = sorted(((float(r["rca"]), float(r["value"]))
                                for r in rows.values() if holds(r)),
                               reverse=True)
            if spec_vals[:len(shown)] != shown:
                problems.append("%s: a specialisation with a higher RCA is missing"
                                % unit)
            if len(items) != min(OVERVIEW_TOP, len(spec_vals)):
                problems.append("%s: %d specialisations listed, %d hold"
                                % (unit, len(items), len(spec_vals)))
    report("overview specialisations agree with specialisation.csv "
           "(%d listed)" % listed, problems)

    # 3b''. the Overview's ECI equals units.csv; each opportunities sheet
    # lists, per unit, ranks 1.. with density, PCI and COG as in
    # potentials.csv and the units' best opportunities on the Overview
    problems, checked = [], 0
    with open(os.path.join(a.csv_dir, "units.csv"), newline="",
              encoding="utf-8") as f:
        eci = {r["unit"]: r["eci"] for r in csv.DictReader(f)
               if (r["level"], r["matrix"]) == (a.level, a.matrix)}
    with open(os.path.join(a.csv_dir, "potentials.csv"), newline="",
              encoding="utf-8") as f:
        pot = {}
        for r in csv.DictReader(f):
            pot[(r["level"], r["matrix"], r["unit"], r["class"])] = r
    scores = {}
    if os.path.exists(os.path.join(a.csv_dir, "scores.csv")):
        with open(os.path.join(a.csv_dir, "scores.csv"), newline="",
                  encoding="utf-8") as f:
            scores = {r["unit"]: r for r in csv.DictReader(f)
                      if (r["scenario"], r["level"]) == ("baseline", a.level)}
    if "Overview" in names:
        last_rank = 0
        oc = overview_cols(wb["Overview"])
        cu_, ce = oc["Unit"], oc["Economic complexity"]
        co = oc["Best opportunities"]
        cscore, cband = oc.get("Development-potential score"), oc.get("Rank band")
        clight = oc.get("Traffic light")
        for row in wb["Overview"].iter_rows(
                min_row=overview_head(wb["Overview"]) + 1, values_only=True):
            if not row or row[cu_] is None:
                continue
            sc = scores.get(str(row[cu_]))
            if sc is not None and sc["rank"] == "":
                # not scored (not_scored says why): no score, band or light
                if row[cscore] not in (None, "", "\u2013") or \
                        row[clight] in ("green", "yellow", "red"):
                    problems.append("%s is not scored (%s) but shows %r, %r"
                                    % (row[cu_], sc.get("not_scored"),
                                       row[cscore], row[clight]))
                checked += 1
            elif sc is not None:
                # score, band and order from scores.csv; the light from it
                if row[cscore] is None or not close(float(row[cscore]), float(sc["score"])):
                    problems.append("%s score %r, csv %s" % (row[cu_], row[cscore], sc["score"]))
                if int(sc["rank"]) != last_rank + 1:
                    problems.append("%s: overview not in score order" % row[cu_])
                last_rank = int(sc["rank"])
                band = "%.0f-%.0f" % (float(sc["rank_p05"]), float(sc["rank_p95"]))
                if row[cband] != band:
                    problems.append("%s band %r, csv %s" % (row[cu_], row[cband], band))
                n = sum(r["rank"] != "" for r in scores.values())
                third = lambda x: int((float(x) - 1) * 3 / n)
                want = ("grey" if third(sc["rank_p05"]) != third(sc["rank_p95"])
                        else ["green", "yellow", "red"][min(third(sc["rank_median"]), 2)])
                if row[clight] != want:
                    problems.append("%s light %r, expected %s" % (row[cu_], row[clight], want))
                checked += 3
            unit, want = str(row[cu_]), eci.get(str(row[cu_]))
            if want in (None, ""):
                if row[ce] is not None:
                    problems.append("%s ECI %r, csv none" % (unit, row[ce]))
            elif row[ce] is None or not close(float(row[ce]), float(want)):
                problems.append("%s ECI %r, csv %s" % (unit, row[ce], want))
            checked += 1
            # the unit's opportunities in rank order (after a bootstrap
            # those ideal in at least half of the draws): the first ones
            # are listed, none skipped
            cand = sorted((r for r in pot.values()
                           if (r["level"], r["matrix"], r["unit"]) ==
                           (a.level, a.matrix, unit) and
                           r["opportunity_rank"] != "" and
                           (not boot or (r["p_ideal"] != "" and
                                         float(r["p_ideal"]) >= 0.5))),
                          key=lambda r: int(r["opportunity_rank"]))
            items = str(row[co]).split(" | ") if row[co] else []
            if len(items) != min(OVERVIEW_TOP, len(cand)):
                problems.append("%s: %d overview opportunities, %d %s" %
                                (unit, len(items), len(cand),
                                 "ideal in half of the draws" if boot
                                 else "ranked"))
            for k, it in enumerate(items):
                m = (OPP_ITEM_BOOT if boot else OPP_ITEM).match(it)
                r = pot.get((a.level, a.matrix, unit, it.split(" ", 1)[0]))
                if m is None or r is None or k >= len(cand) or \
                        r is not cand[k]:
                    problems.append("%s: overview opportunity %d is %r%s"
                                    % (unit, k + 1, it, ", expected class %s"
                                       " (rank %s)" % (cand[k]["class"],
                                                       cand[k][
                                                           "opportunity_rank"])
                                       if k < len(cand) else ""))
                    continue
                if "%.2f" % float(r["density"]) != m.group(2):
                    problems.append("%s %s: density %s shown, csv %s"
                                    % (unit, r["class"], m.group(2),
                                       r["density"]))
                if not boot and \
                        QUADRANT_SHORT.get(r["quadrant"]) != m.group(3):
                    problems.append("%s %s: %r shown, csv quadrant %s"
                                    % (unit, r["class"], m.group(3),
                                       r["quadrant"]))
                if boot and per_cent(r["p_ideal"]) != m.group(3):
                    problems.append("%s %s: ideal in %s %% of draws shown, "
                                    "csv p_ideal %s" % (unit, r["class"],
                                                        m.group(3),
                                                        r["p_ideal"]))
                checked += 1
    opp = {"Opportunities sectors": ("centre", a.matrix),
           "Opportunities technologies": ("centre", "patents"),
           "Opportunities": ("unit", "input")}
    # the share of draws in the ideal quadrant: opportunities.csv, which
    # must agree with potentials.csv
    p_ideal = {}
    for r in read_csv(a.csv_dir, "opportunities.csv"):
        k = (r["level"], r["matrix"], r["unit"], r["class"])
        p_ideal[k] = r["p_ideal"]
        want = pot[k]["p_ideal"] if k in pot else None
        if want != r["p_ideal"]:
            problems.append("opportunities.csv %s p_ideal %r, potentials.csv "
                            "%r" % ("/".join(k), r["p_ideal"], want))
    for s in names:
        if s not in opp:
            continue
        level, matrix = opp[s]
        last = {}
        # the header row: the first whose first cell is "Unit"
        hr = next((r for r in range(1, 60) if wb[s].cell(r, 1).value == "Unit"),
                  4)
        hv = [c.value for c in wb[s][hr]]
        cp = (hv.index("Ideal in share of draws")
              if "Ideal in share of draws" in hv else None)
        if cp is None:
            problems.append("%s: no column 'Ideal in share of draws' in %s"
                            % (s, hv))
        for row in wb[s].iter_rows(min_row=hr + 1, values_only=True):
            if not row or row[0] is None:
                continue
            unit, rank, code = str(row[0]), row[2], str(row[3])
            r = pot.get((level, matrix, unit, code))
            if r is None:
                problems.append("%s: %s/%s not in potentials.csv"
                                % (s, unit, code))
                continue
            if r["opportunity_rank"] != str(rank) or \
                    rank != last.get(unit, 0) + 1:
                problems.append("%s: %s/%s rank %r, csv %s"
                                % (s, unit, code, rank, r["opportunity_rank"]))
            last[unit] = rank
            for i, name in ((5, "density"), (6, "pci"), (7, "cog")):
                want = r[name]
                if want == "":
                    if row[i] is not None:
                        problems.append("%s %s/%s %s %r, csv none"
                                        % (s, unit, code, name, row[i]))
                elif row[i] is None or not close(float(row[i]), float(want)):
                    problems.append("%s %s/%s %s %r, csv %s"
                                    % (s, unit, code, name, row[i], want))
                checked += 1
            if cp is None:
                continue
            want = p_ideal.get((level, matrix, unit, code))
            v = row[cp] if cp < len(row) else None
            if want is None:
                problems.append("%s: %s/%s not in opportunities.csv"
                                % (s, unit, code))
            elif want == "":
                if v is not None:
                    problems.append("%s %s/%s p_ideal %r, csv none"
                                    % (s, unit, code, v))
            elif v is None or isinstance(v, str) or \
                    not close(float(v), float(want)):
                problems.append("%s %s/%s p_ideal %r, csv %s"
                                % (s, unit, code, v, want))
            checked += 1
    report("ECI and opportunities equal units.csv, potentials.csv and "
           "opportunities.csv (%d values)" % checked, problems)

    # 3d. charts: the workbook holds chart parts, and the Overview (sheetN
    # in the sheets' order) draws one when there are scores
    import zipfile
    problems = []
    with zipfile.ZipFile(a.briefing) as z:
        parts = z.namelist()
        charts = [p for p in parts if p.startswith("xl/charts/chart")]
        if not charts:
            problems.append("no chart in the workbook")
        rel = "xl/worksheets/_rels/sheet%d.xml.rels" % (
            names.index("Overview") + 1 if "Overview" in names else 1)
        if scores and (rel not in parts or b"drawing" not in z.read(rel)):
            problems.append("the Overview has no chart")
    report("charts present (%d)" % len(charts), problems)

    # 3f. print-ready: every sheet A4 landscape with its name and "page X
    # of Y" in the footer; a sheet with frozen header rows repeats them on
    # every printed page
    import re
    problems = []
    with zipfile.ZipFile(a.briefing) as z:
        book_xml = z.read("xl/workbook.xml").decode()
        titles = re.findall(r'<definedName name="_xlnm.Print_Titles" '
                            r'localSheetId="(\d+)"', book_xml)
        for i, name in enumerate(names):
            xml = z.read("xl/worksheets/sheet%d.xml" % (i + 1)).decode()
            setup = re.search(r"<pageSetup [^>]*>", xml)
            if not setup or 'paperSize="9"' not in setup.group(0) or \
                    'orientation="landscape"' not in setup.group(0):
                problems.append("%s: not A4 landscape" % name)
            if "Page &amp;P of &amp;N" not in xml or "&amp;A" not in xml:
                problems.append("%s: no 'page X of Y' footer with its name" % name)
            if 'state="frozen"' in xml and str(i) not in titles:
                problems.append("%s: frozen header rows not repeated in print" % name)
    report("print setup: A4 landscape, page X of Y, header rows repeated "
           "(%d sheets)" % len(names), problems)

    # 3e. the matrix sheets equal their CSV tables, cell by cell
    def rows_of(name):
        path = os.path.join(a.csv_dir, name)
        if not os.path.exists(path):
            return []
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    problems, checked = [], 0
    pivots = [("Outranking", "outranking.csv", "unit_a", "unit_b",
               "probability_a_above_b",
               lambda r: (r["scenario"], r["level"]) == ("baseline", a.level)),
              ("Overlaps", "similarity.csv", "unit_a", "unit_b", "cosine",
               lambda r: (r["level"], r["matrix"]) == (a.level, a.matrix)),
              ("Domains", "domains.csv", "unit", "domain", "share",
               lambda r: (r["level"], r["matrix"]) == (a.level, a.matrix))]
    for sheet, table, rk, ck, vk, keep in pivots:
        want = {(r[rk], r[ck]): r[vk] for r in rows_of(table) if keep(r)}
        if sheet not in names:
            # output.square_sheets: the unit x unit sheets are left out at
            # scale, and notes.csv must say so and name the table
            left_out = any(r["scope"] == "briefing.xlsx" and "%s" % sheet in r["message"]
                           and "are not written" in r["message"] and table in r["message"]
                           for r in rows_of("notes.csv"))
            if want and not left_out:
                problems.append("no %s sheet, but %s has rows" % (sheet, table))
            continue
        grid = [list(r) for r in wb[sheet].iter_rows(min_row=3, values_only=True)]
        # headings: "C01 short name" for units, domains in words
        # ("digital_economy" -> "Digital economy"): back to their keys
        keys = {c for _, c in want}
        words = {(k[:1].upper() + k[1:]).replace("_", " "): k for k in keys}
        head = [words.get(str(v), str(v).split(" ")[0]) for v in grid[0][2:]]
        got = 0
        for row in grid[1:]:
            if row[0] is None:
                continue
            for c, v in zip(head, row[2:]):
                w = want.get((str(row[0]), c))
                if w is None:
                    if v is not None:
                        problems.append("%s %s/%s: %r not in %s" % (sheet, row[0], c, v, table))
                elif w == "":
                    if v is not None:
                        problems.append("%s %s/%s: %r, csv none" % (sheet, row[0], c, v))
                elif v is None or not close(float(v), float(w)):
                    problems.append("%s %s/%s: %r, csv %s" % (sheet, row[0], c, v, w))
                got += w is not None
        if got != len(want):
            problems.append("%s shows %d of %d values of %s" % (sheet, got, len(want), table))
        checked += got
    # the row sheets: every row's numbers equal a row of the table
    lists = [("Scores", "scores.csv", ("unit",), ("score", "rank_median", "rank_p05", "rank_p95"),
              lambda r: r["scenario"] == "baseline", (1, 3, 4, 5, 6)),
             ("Partners", "partners.csv", ("unit", "kind", "rank"), ("value",),
              lambda r: (r["level"], r["matrix"]) == (a.level, a.matrix), (0, 2, 3, 6)),
             ("Clusters", "clusters.csv", ("unit",), ("cluster",),
              lambda r: (r["level"], r["matrix"]) == (a.level, a.matrix), (0, 2))]  # the Scenarios sheet: xlsx_scen.py
    for sheet, table, keys, nums, keep, pos in lists:
        if sheet not in names:
            continue
        want = {}
        for r in rows_of(table):
            if keep(r):
                want.setdefault(tuple(r[k] for k in keys), []).append(r)
        for row in wb[sheet].iter_rows(min_row=4, values_only=True):
            if not row or row[pos[0]] is None or row[pos[0]] in ("Rank", "Unit", "Scenario"):
                continue
            if isinstance(row[pos[0]], str) and row[pos[0]].startswith("By "):
                continue
            key = tuple(str(int(row[p]) if isinstance(row[p], float) and
                            float(row[p]).is_integer() else row[p])
                        for p in pos[:len(keys)])
            cands = want.get(key)
            if not cands:
                problems.append("%s: %r not in %s" % (sheet, key, table))
                continue
            vals = [row[p] for p in pos[len(keys):]]
            ok = any(all((w[n] == "" and v is None) or
                         (w[n] != "" and v is not None and close(float(v), float(w[n])))
                         for n, v in zip(nums, vals)) for w in cands)
            if not ok:
                problems.append("%s %r: %r, csv %r" % (sheet, key, vals,
                                                     [[w[n] for n in nums] for w in cands][:2]))
            checked += 1
    report("other sheets equal their CSV tables (%d values)" % checked, problems)

    # 3c. the Data quality sheet's reconciliation equals quality.csv
    problems = []
    with open(os.path.join(a.csv_dir, "quality.csv"), newline="",
              encoding="utf-8") as f:
        quality = list(csv.DictReader(f))
    if "Data quality" in names:
        rows = [[c.value for c in r] for r in wb["Data quality"].iter_rows()]
        for q in quality:
            hit = [r for r in rows if r and r[0] == q["file"] and
                   len(r) >= 5 and isinstance(r[1], (int, float))]
            if not hit:
                problems.append("%s missing" % q["file"])
                continue
            got = hit[0][1:5]
            want = [float(q[k]) for k in ("rows_read", "rows_used",
                                          "rows_rejected", "warnings")]
            if [float(v) for v in got] != want:
                problems.append("%s: %r, csv has %r" % (q["file"], got, want))
    else:
        problems.append("no Data quality sheet")
    report("data quality numbers equal quality.csv", problems)

    xlsx_learn.check(wb, a.csv_dir, report)

    xlsx_prof.check(wb, a.csv_dir, report)
    import xlsx_oppmx
    xlsx_oppmx.check(wb, a.csv_dir, report)
    import xlsx_map
    xlsx_map.check(wb, a.csv_dir, report, a.briefing)

    xlsx_scen.check(wb, a.csv_dir, report)

    import xlsx_overv
    xlsx_overv.check(wb, a.csv_dir, report)
    # 4. no formulas anywhere; data text stays text
    problems = []
    found = {t: False for t in a.text}
    for s in names:
        for row in wb[s].iter_rows():
            for c in row:
                if c.data_type == "f":
                    problems.append("%s!%s is a formula: %r" %
                                    (s, c.coordinate, c.value))
                if c.value in found and c.data_type == "s":
                    found[c.value] = True
    problems += ["text %r not found as a string cell" % t
                 for t, ok in found.items() if not ok]
    report("no formulas", problems)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
