"""Workbook checks of the profiles stage (issue 13, items 3 and 4): the
Profiles and Districts sheets against profiles.csv, profile_summary.csv,
districts.csv and indicators.csv.  Called by check_xlsx.py's main():
check(wb, csv_dir, report)."""
import csv
import math
import os


def _rows(csv_dir, name):
    path = os.path.join(csv_dir, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _text(v):
    """A CSV text as the workbook shows it: without the apostrophe the CSV
    writer puts before a formula-like text (README)."""
    return v[1:] if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@") else v


def _num(v):
    return float(v) if v not in ("", None) else math.nan


def _same(a, b, tol=1e-9):
    if isinstance(a, float) and math.isnan(a):
        return b in (None, "")
    if b in (None, ""):
        return False
    return abs(float(a) - float(b)) <= max(tol * abs(float(a)), 1e-12)


def check(wb, csv_dir, report):
    prof = _rows(csv_dir, "profiles.csv")
    summ = _rows(csv_dir, "profile_summary.csv")
    dist = _rows(csv_dir, "districts.csv")
    ind = _rows(csv_dir, "indicators.csv")
    scores = _rows(csv_dir, "scores.csv")
    if not prof and not summ:
        return  # no score: no profiles
    # 1. contributions add up to the score (arithmetic mean, 1e-12)
    problems = []
    score = {(r["level"], r["unit"]): _num(r["score"]) for r in scores
             if r["scenario"] == "baseline"}
    total = {}
    for r in prof:
        if r["contribution"]:
            key = (r["level"], r["unit"])
            total[key] = total.get(key, 0.0) + float(r["contribution"])
        if r["raw"] == "" and not r["missing"]:
            problems.append("%s %s %s: no value and no reason"
                            % (r["level"], r["unit"], r["indicator"]))
    checked = 0
    for key, s in score.items():
        if math.isnan(s):
            continue
        checked += 1
        if key not in total or abs(total[key] - s) > 1e-12:
            problems.append("%s %s: contributions %r, score %r"
                            % (key + (total.get(key), s)))
    if not checked:
        problems.append("no scored unit to check")
    report("profiles: contributions add up to the score (%d units)"
           % checked, problems)
    # 2. raw, normalised and weight equal indicators.csv
    problems = []
    base = {(r["level"], r["unit"], r["indicator"]): r for r in ind
            if r["scenario"] == "baseline"}
    for r in prof:
        i = base.get((r["level"], r["unit"], r["indicator"]))
        if i is None:
            problems.append("%s %s %s not in indicators.csv"
                            % (r["level"], r["unit"], r["indicator"]))
            continue
        for a, b in (("raw", "value"), ("normalised", "normalised"),
                     ("weight", "weight")):
            if r[a] != i[b]:
                problems.append("%s %s %s: %s %r, indicators.csv %r"
                                % (r["level"], r["unit"], r["indicator"], a,
                                   r[a], i[b]))
    if len(prof) != len(base):
        problems.append("%d profile rows, %d baseline indicator rows"
                        % (len(prof), len(base)))
    report("profiles equal indicators.csv (%d rows)" % len(prof), problems)
    # 3. the Profiles sheet shows the summary's scores and contributions
    problems = []
    if "Profiles" not in wb.sheetnames:
        problems.append("no Profiles sheet")
    else:
        ws = wb["Profiles"]
        # a unit without a name (a long table) shows its code
        label = lambda r: _text(r["unit_name"]) or r["unit"]
        names = {label(r) for r in summ}
        shown = {}
        for row in ws.iter_rows(values_only=True):
            if row[1] in names:
                shown.setdefault(row[1], []).append(row)
        for r in summ:
            got = shown.get(label(r))
            if not got or not _same(_num(r["score"]), got[0][3]) or (
                    r["tenants"] and not _same(_num(r["tenants"]),
                                               got[0][2])):
                problems.append("%s: score %r not shown" % (r["unit_name"],
                                                           r["score"]))
        k = len({r["indicator"] for r in prof})
        for r0 in range(0, len(prof), k):
            name = label(prof[r0])
            got = shown.get(name)
            if not got:
                continue
            for j in range(k):
                if not _same(_num(prof[r0 + j]["contribution"]),
                             got[0][6 + 3 * j + 2]):
                    problems.append("%s %s: contribution differs"
                                    % (name, prof[r0 + j]["indicator"]))
    report("Profiles sheet equals profile_summary.csv and profiles.csv",
           problems)
    # 4. the Districts sheet: rows equal districts.csv, formats, chart
    if not dist:
        return
    problems = []
    if "Districts" not in wb.sheetnames:
        report("Districts sheet", ["no Districts sheet"])
        return
    ws = wb["Districts"]
    first = 5  # title, note, blank, header on row 4
    head = [c.value for c in ws[4]]
    if head[:9] != ["Rank", "District", "NUTS 3", "Centres", "Tenants",
                    "Score", "Rank band (5-95 %)", "Krugman index",
                    "Share in S3 domains"]:
        problems.append("header %r" % head[:9])
    for i, r in enumerate(dist):
        cells = ws[first + i]
        want = [("rank", 0), ("centres", 3), ("tenants", 4), ("score", 5),
                ("krugman", 7), ("s3_share", 8)]
        for name, c in want:
            if not _same(_num(r[name]), cells[c].value):
                problems.append("row %d %s: sheet %r, csv %r"
                                % (first + i, name, cells[c].value, r[name]))
        if cells[1].value != _text(r["unit_name"]):
            problems.append("row %d name %r, csv %r"
                            % (first + i, cells[1].value, r["unit_name"]))
        if (cells[6].value or "") != r["rank_band"]:
            problems.append("row %d band %r, csv %r"
                            % (first + i, cells[6].value, r["rank_band"]))
        if r["s3_share"] and "%" not in cells[8].number_format:
            problems.append("row %d share format %r"
                            % (first + i, cells[8].number_format))
        for c in (0, 3, 4):
            if cells[c].value is not None and cells[c].number_format != "0":
                problems.append("row %d col %d count format %r"
                                % (first + i, c, cells[c].number_format))
    ranks = [_num(r["rank"]) for r in dist if r["rank"]]
    if ranks != sorted(ranks):
        problems.append("districts.csv not in rank order")
    report("Districts sheet equals districts.csv (%d rows)" % len(dist),
           problems)
    problems = []
    charts = getattr(ws, "_charts", [])
    if len(charts) < 2:
        problems.append("%d charts, want 2" % len(charts))
    for ch in charts:
        t = ch.title
        if t is None:
            problems.append("a chart without a title")
        for ax in (ch.x_axis, ch.y_axis):
            if ax.title is None:
                problems.append("a chart axis without a title")
    # one page wide; the table on the first page, the charts on the next
    ps, pr = ws.page_setup, ws.sheet_properties.pageSetUpPr
    if not (pr and pr.fitToPage) or ps.fitToWidth not in (1, None) or \
            ps.fitToHeight != 0:
        problems.append("not fitted to one page wide (%r x %r)"
                        % (ps.fitToWidth, ps.fitToHeight))
    breaks = [b.id for b in ws.row_breaks.brk]
    if len(breaks) != 1:
        problems.append("page breaks %r, want one after the table" % breaks)
    report("Districts chart titled, axes titled, one page wide", problems)
