"""xlsx_scen.py - checks of the Scenarios sheet (issue 13, item 1).

The sheet shows one block per scenario, made by the engine in
scenario_summary.csv from scenario_deltas.csv.  Checked here against
scenario_deltas.csv and definitions.csv (the model's words), not against
the summary the sheet was drawn from:
  - every block has its scenario's description;
  - every unit whose rank moved appears, with its ranks and scores;
  - green where the rank got better (a smaller number), red where worse;
  - ranks have an integer number format;
  - no arrow and no colour on a change that rounds to zero at the shown
    precision (ranks: whole numbers; scores: 3 decimals);
  - every specialisation gained or lost, quadrant change and status row
    appears; the unchanged units are counted in one line.
"""
import csv
import math
import os
import re

GREEN, RED = "FFC6EFCE", "FFFFC7CE"
LEVEL_OF = {"Centres": "centre", "Sub-regions": "subregion", "Units": "unit"}


def _rows(csv_dir, name):
    path = os.path.join(csv_dir, name)
    if not os.path.exists(path):
        return None
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _fill(c):
    if c.fill is None or c.fill.fill_type is None:
        return None
    return c.fill.fgColor.rgb


def _num(v):
    return float(v) if v not in ("", None) else math.nan


def check(wb, csv_dir, report):
    deltas = _rows(csv_dir, "scenario_deltas.csv")
    if deltas is None:
        return
    problems = []
    if "Scenarios" not in wb.sheetnames:
        report("scenarios sheet", ["no Scenarios sheet, but scenario_deltas.csv"])
        return
    ws = wb["Scenarios"]
    desc = {}
    for r in _rows(csv_dir, "definitions.csv") or []:
        m = re.match(r"(.*): description$", r["name"])
        if r["section"] == "scenario" and m:
            desc[m.group(1)] = r["definition"]
    rank = {}   # (scenario, level, unit) -> (before, after)
    score = {}
    others = set()  # (scenario, level, kind, unit, matrix, class)
    for r in deltas:
        k = (r["scenario"], r["level"], r["unit"])
        if r["measure"] == "rank":
            rank[k] = (_num(r["baseline"]), _num(r["value"]))
        elif r["measure"] == "score":
            score[k] = (_num(r["baseline"]), _num(r["value"]))
        elif r["measure"] in ("specialised", "quadrant", "status"):
            kind = {"specialised": "Specialisations", "quadrant": "Opportunities",
                    "status": "Status"}[r["measure"]]
            cls = r["class"] if kind != "Status" else ""
            mx = r["matrix"] if kind != "Status" else ""
            others.add((r["scenario"], r["level"], kind, r["unit"], mx, cls))
    scenarios = sorted({r["scenario"] for r in deltas})
    # walk the sheet
    seen_desc, seen_rank, seen_other, unchanged = {}, set(), set(), {}
    scen = level = section = None
    rows = list(ws.iter_rows(min_row=2))
    checked = 0
    for i, row in enumerate(rows):
        a = row[0].value
        if isinstance(a, str) and a.startswith("Scenario: "):
            scen, level, section = a[len("Scenario: "):], None, None
            nxt = rows[i + 1][0].value if i + 1 < len(rows) else None
            seen_desc[scen] = nxt
            continue
        if a in LEVEL_OF:
            level, section = LEVEL_OF[a], None
            continue
        if isinstance(a, str) and a.startswith(("Ranks that moved", "Specialisations",
                                                "Opportunities", "Status")):
            section = a.split()[0]
            continue
        if isinstance(a, str):
            m = re.match(r"(\d+) \S+ unchanged$", a)
            if m and scen:
                unchanged[(scen, level)] = int(m.group(1))
                continue
        if a in (None, "Unit") or scen is None or section is None:
            continue
        unit = str(a)
        if section == "Ranks":
            k = (scen, level, unit)
            seen_rank.add(k)
            if k not in rank:
                problems.append("%s/%s/%s: no rank row in scenario_deltas.csv" % k)
                continue
            before, after = rank[k]
            c_before, c_after, c_change, c_dir = row[2], row[3], row[4], row[5]
            for c in (c_before, c_after, c_change):
                if c.value is not None and c.number_format != "0":
                    problems.append("%s/%s: rank cell %s has format %r, not an "
                                    "integer one" % (scen, unit, c.coordinate,
                                                     c.number_format))
            if (c_before.value, c_after.value) != (
                    None if math.isnan(before) else before,
                    None if math.isnan(after) else after):
                problems.append("%s/%s: ranks %r -> %r, csv %r -> %r" % (
                    scen, unit, c_before.value, c_after.value, before, after))
            want = GREEN if after < before else RED if after > before else None
            for c in (c_after, c_change, c_dir):
                if _fill(c) != want:
                    problems.append("%s/%s: %s fill %s, ranks %g -> %g want %s" % (
                        scen, unit, c.coordinate, _fill(c), before, after, want))
            arrow = c_dir.value or ""
            if want == GREEN and "\u25B2" not in arrow or \
                    want == RED and "\u25BC" not in arrow or \
                    want is None and ("\u25B2" in arrow or "\u25BC" in arrow):
                problems.append("%s/%s: direction %r for ranks %g -> %g" % (
                    scen, unit, arrow, before, after))
            s0, s1 = score.get(k, (math.nan, math.nan))
            if not math.isnan(s0) and (row[6].value is None or
                                       abs(row[6].value - s0) > 1e-12 or
                                       abs(row[7].value - s1) > 1e-12):
                problems.append("%s/%s: scores %r -> %r, csv %r -> %r" % (
                    scen, unit, row[6].value, row[7].value, s0, s1))
            if not math.isnan(s0) and round(s1 - s0, 3) == 0:
                # zero at display precision: no colour, no arrow
                if _fill(row[8]) is not None:
                    problems.append("%s/%s: score change %r coloured %s but "
                                    "0.000 shown" % (scen, unit, row[8].value,
                                                     _fill(row[8])))
                if any(ch in str(row[8].value) for ch in "\u25B2\u25BC"):
                    problems.append("%s/%s: arrow on a 0.000 change" % (scen, unit))
            checked += 1
        else:
            kind = {"Specialisations": "Specialisations",
                    "Opportunities": "Opportunities", "Status": "Status"}[section]
            mx = row[2].value or "" if kind != "Status" else ""
            cls = row[3].value or "" if kind != "Status" else ""
            k = (scen, level, kind, unit, mx, cls)
            seen_other.add(k)
            if k not in others:
                problems.append("%r not in scenario_deltas.csv" % (k,))
            checked += 1
    for s in scenarios:
        if s not in seen_desc:
            problems.append("no block for scenario %s" % s)
        elif s in desc and seen_desc[s] != desc[s]:
            problems.append("%s: description %r, model %r" % (s, seen_desc[s], desc[s]))
        elif s not in desc and not seen_desc[s]:
            problems.append("%s: no description row" % s)
    for k, (b, v) in rank.items():
        moved = not (b == v or (math.isnan(b) and math.isnan(v)))
        if moved and k not in seen_rank:
            problems.append("%s/%s/%s moved (%g -> %g) but is not on the sheet" % (k + (b, v)))
    for k in others - seen_other:
        problems.append("%r of scenario_deltas.csv is not on the sheet" % (k,))
    for (s, lv), n in unchanged.items():
        want = sum(1 for (s2, l2, _u), (b, v) in rank.items()
                   if (s2, l2) == (s, lv) and (b == v or (math.isnan(b) and math.isnan(v))))
        if n != want:
            problems.append("%s/%s: %d unchanged on the sheet, csv %d" % (s, lv, n, want))
    if checked == 0 and deltas:
        problems.append("no scenario rows checked")
    report("scenarios sheet: blocks, descriptions, colours follow better/worse, "
           "integer ranks, every change of scenario_deltas (%d rows)" % checked,
           problems)
