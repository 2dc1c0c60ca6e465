"""The Overview and Contents sheets against the CSV tables (issue 13).

check(wb, csv_dir, report), called from check_xlsx.py, checks:
  * the Overview's title (A1) and the document properties' title hold
    parameters.csv's model.title (and its data.cutoff when set);
  * findings.csv has 3-6 findings, each shown on the Overview, and each
    finding's numbers equal those recomputed from scores.csv and
    partners.csv: a lead only where the leader's rank band does not
    overlap the next unit's (else the count of units tied with it), the
    units whose whole band is in the top third, the scenario move beyond a
    band (or, when none, the largest shift within its band), the most
    similar pairs, the units without a score;
  * every chart of the Overview has a title and axis titles, and its
    category labels are one per ranked unit (ranking.csv);
  * every Overview header column is at least as wide as its longest word,
    data rows are at most 30 pt, and "Total" names its unit;
  * the score's data bar starts at 0 (a number, not the minimum);
  * the Contents sheet links every other sheet, each to an existing sheet.
"""
import csv
import os
import re


def _read(csv_dir, name):
    path = os.path.join(csv_dir, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _num(x):
    return float(x) if x not in ("", None) else None


def _band(r):
    return "%.0f-%.0f" % (float(r["rank_p05"]), float(r["rank_p95"]))


def _findings(wb, csv_dir, level, problems):
    """Recompute each finding's number from scores.csv and partners.csv."""
    fs = _read(csv_dir, "findings.csv")
    scores = [r for r in _read(csv_dir, "scores.csv") if r["level"] == level]
    base = {r["unit"]: r for r in scores if r["scenario"] == "baseline"}
    if not base:
        return 0
    if not 3 <= len(fs) <= 6:
        problems.append("%d findings, expected 3-6" % len(fs))
    ov = wb["Overview"]
    shown = " ".join(str(c.value) for row in ov.iter_rows(max_row=20)
                     for c in row if isinstance(c.value, str))
    for f in fs:
        if f["text"] not in shown:
            problems.append("finding %s not on the Overview" % f["rank"])
    ranked = sorted((r for r in base.values()
                     if r["rank"] != "" and r["rank_p05"] != ""),
                    key=lambda r: int(r["rank"]))
    n = len(ranked)
    by_kind = {}
    for f in fs:
        by_kind.setdefault(f["kind"], []).append(f)
    checked = 0
    # the lead: only where the bands do not overlap
    for f in by_kind.get("lead", []):
        top, nxt = ranked[0], ranked[1]
        if (f["unit"], f["partner"]) != (top["unit"], nxt["unit"]):
            problems.append("lead names %s/%s, scores.csv ranks %s, %s first"
                            % (f["unit"], f["partner"], top["unit"],
                               nxt["unit"]))
        lo0, hi0 = float(top["rank_p05"]), float(top["rank_p95"])
        for band in (_band(top), _band(nxt)):
            if "(%s)" % band not in f["text"] and \
                    ", %s)" % band not in f["text"]:
                problems.append("lead: band %s not in %r" % (band, f["text"]))
        if hi0 < float(nxt["rank_p05"]):
            if "leads the ranking" not in f["text"] or \
                    float(f["value"]) != hi0:
                problems.append("lead: bands apart but %r" % f["text"])
        else:
            tied = sum(1 for r in ranked[1:] if float(r["rank_p05"]) <= hi0
                       and float(r["rank_p95"]) >= lo0)
            if "tied within uncertainty" not in f["text"] or \
                    int(float(f["value"])) != tied or \
                    "%d other" % tied not in f["text"]:
                problems.append("lead: %d tied with the first, finding %s: "
                                "%r" % (tied, f["value"], f["text"]))
        checked += 1
    # the top third as the traffic light counts it
    for f in by_kind.get("top_third", []):
        last = max(p for p in range(1, n + 1) if int((p - 1) * 3 / n) == 0)
        robust = [r for r in ranked if float(r["rank_p95"]) <= last]
        if int(float(f["value"])) != len(robust) or \
                "ranks 1-%d" % last not in f["text"]:
            problems.append("top third (1-%d): %d units, finding %s: %r"
                            % (last, len(robust), f["value"], f["text"]))
        for r in robust[:5]:
            # the id and the band (a name may be formula-guarded in CSV)
            if not re.search(r"(^|; |: )%s .*?\(%s\)"
                             % (re.escape(r["unit"]), _band(r)), f["text"]):
                problems.append("top third: %s missing" % r["unit"])
        checked += 1
    # scenarios: a move beyond the band, the largest; else none
    moves = []
    for r in scores:
        b = base.get(r["unit"])
        if r["scenario"] == "baseline" or b is None or r["rank"] == "" \
                or b["rank"] == "":
            continue
        rk, r0 = float(r["rank"]), float(b["rank"])
        beyond = rk < float(b["rank_p05"]) or rk > float(b["rank_p95"])
        moves.append((beyond, abs(rk - r0), r, b))
    sc = by_kind.get("scenario_beyond_band", []) + \
        by_kind.get("scenario_within_band", [])
    if moves and len(sc) != 1:
        problems.append("%d scenario findings, expected 1" % len(sc))
    for f in sc:
        beyond = [m for m in moves if m[0]]
        pool = beyond or moves
        big = max(m[1] for m in pool)
        want = f["kind"] == ("scenario_beyond_band" if beyond
                             else "scenario_within_band")
        hit = [m for m in pool if m[1] == big and
               (m[2]["scenario"], m[2]["unit"]) == (f["scenario"], f["unit"])]
        if not want or not hit:
            problems.append("scenario finding %s %s/%s, expected %s with a "
                            "shift of %g" % (f["kind"], f["scenario"],
                                             f["unit"], "beyond" if beyond
                                             else "within", big))
        else:
            r, b = hit[0][2], hit[0][3]
            if float(f["value"]) != float(r["rank"]) or \
                    "rank %s to %s" % (b["rank"], r["rank"]) not in \
                    f["text"].replace("from rank", "rank") or \
                    "(%s)" % _band(b) not in f["text"]:
                problems.append("scenario numbers: %r (scores.csv rank %s "
                                "-> %s, band %s)" % (f["text"], b["rank"],
                                                     r["rank"], _band(b)))
        checked += 1
    # the most similar pairs
    pairs = {}
    matrix = {r["matrix"] for r in _read(csv_dir, "overview.csv")}
    for r in _read(csv_dir, "partners.csv"):
        if r["level"] == level and r["kind"] == "similar" and \
                r["matrix"] in matrix:
            pairs[frozenset((r["unit"], r["partner"]))] = \
                (float(r["value"]), r["matrix"])
    best = sorted((v[0] for v in pairs.values()), reverse=True)
    for i, f in enumerate(by_kind.get("similar_pair", [])):
        v = pairs.get(frozenset((f["unit"], f["partner"])))
        if v is None or v[0] != float(f["value"]) or \
                "%.2f" % v[0] not in f["text"]:
            problems.append("pair %s/%s: %s, partners.csv %s"
                            % (f["unit"], f["partner"], f["value"], v))
        elif i < len(best) and v[0] < best[i] - 1e-12:
            problems.append("pair %s/%s is not the %d. most similar"
                            % (f["unit"], f["partner"], i + 1))
        checked += 1
    # the units without a score
    for f in by_kind.get("not_scored", []):
        none = [r for r in base.values() if r["not_scored"]]
        if int(float(f["value"])) != len(none) or \
                ("%d of %d" % (len(none), len(base)) not in f["text"]
                 and none):
            problems.append("not scored: %d of %d, finding %s: %r"
                            % (len(none), len(base), f["value"], f["text"]))
        for r in none:
            if "%s (%s)" % (r["unit"], r["not_scored"]) not in f["text"]:
                problems.append("not scored: %s missing" % r["unit"])
        checked += 1
    return checked


def check(wb, csv_dir, report):
    if "Overview" not in wb.sheetnames:
        report("overview title, findings, charts, layout", ["no Overview"])
        return
    params = {r["parameter"]: r["value"]
              for r in _read(csv_dir, "parameters.csv")}
    ws = wb["Overview"]
    level = "centre" if "Contents" in wb.sheetnames and \
        ws.cell(row=1, column=1).value is not None and \
        any(str(c.value) == "Centre" for row in ws.iter_rows(max_row=40)
            for c in row) else "unit"

    # the title
    problems = []
    title = params.get("model.title", "")
    a1 = str(ws["A1"].value or "")
    if not title or title not in a1:
        problems.append("Overview A1 %r lacks model.title %r" % (a1, title))
    cutoff = params.get("data.cutoff", "")
    if cutoff and cutoff not in a1:
        problems.append("Overview A1 lacks the data date %s" % cutoff)
    if title not in str(wb.properties.title or ""):
        problems.append("document title %r lacks %r"
                        % (wb.properties.title, title))
    report("overview title carries model.title %r" % title, problems)

    # the findings
    problems = []
    checked = _findings(wb, csv_dir, level, problems)
    report("overview findings equal scores.csv and partners.csv "
           "(%d findings)" % checked, problems)

    # the header, rows, total's unit, data bar
    problems = []
    head = None
    for i, row in enumerate(ws.iter_rows(max_row=40, values_only=True)):
        if row and row[0] == "Rank":
            head = i + 1
            break
    if head is None:
        problems.append("no header row")
    else:
        from openpyxl.utils import get_column_letter
        hv = [c.value for c in ws[head]]
        for j, v in enumerate(hv):
            if not v:
                continue
            longest = max(len(w) for w in str(v).split())
            width = ws.column_dimensions[get_column_letter(j + 1)].width
            if width is None or width < longest:
                problems.append("column %r width %s < longest word %d"
                                % (v, width, longest))
        totals = [v for v in hv if v and str(v).startswith("Total")]
        if not totals or totals[0] == "Total":
            problems.append("Total without its unit: %r" % totals)
        # no row taller than its words need: the name, sub-region,
        # specialisations and opportunities wrapped word by word in their
        # column's width (about 1.2 characters per width unit less 2 for
        # the padding, 13-pt lines plus 2 pt; the whole text is shown, so
        # a long list takes more lines: the render check sees that
        # nothing is cut or
        # printed over the next row)
        def lines(text, width):
            per, n, cur = 1.2 * width - 2, 1, 0
            for part in str(text or "").split("\n"):
                for w in part.split():
                    if cur and cur + 1 + len(w) > per:
                        n, cur = n + 1, 0
                    cur += (1 if cur else 0) + len(w)
                    while cur > per:
                        n, cur = n + 1, cur - per
                n, cur = n + 1, 0
            return n - 1
        wrapped = [j for j, v in enumerate(hv) if v and (
            v in ("Name", "Sub-region") or str(v).startswith("Largest") or
            str(v).startswith("Best"))]
        for r in range(head + 1, ws.max_row + 1):
            h = ws.row_dimensions[r].height
            if h is None or ws.cell(r, 2).value is None:
                continue
            # the file stores a width w as w + 0.71 (the cell padding)
            need = max([1] + [lines(ws.cell(r, j + 1).value,
                                    int(ws.column_dimensions[
                                        get_column_letter(j + 1)].width))
                              for j in wrapped])
            if h > 13 * need + 2 + 0.01:
                problems.append("row %d is %s pt high, its words need %d "
                                "lines (%d pt)" % (r, h, need, 13 * need + 2))
                break
        bars = 0
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                if rule.type != "dataBar":
                    continue
                bars += 1
                lo = rule.dataBar.cfvo[0]
                if lo.type != "num" or float(lo.val) != 0:
                    problems.append("data bar %s starts at %s %s"
                                    % (rng.sqref, lo.type, lo.val))
        if bars == 0 and _read(csv_dir, "scores.csv"):
            problems.append("no data bar on the score")
    report("overview header widths, row heights, total's unit, data bar "
           "from 0", problems)

    # the charts
    problems = []
    ranked = [r for r in _read(csv_dir, "ranking.csv")
              if r["level"] == level and r["rank"] != ""]
    charts = list(getattr(ws, "_charts", []))
    for i, ch in enumerate(charts):
        name = "chart %d" % (i + 1)
        if ch.title is None:
            problems.append("%s has no title" % name)
        if ch.x_axis.title is None or ch.y_axis.title is None:
            problems.append("%s: an axis has no title" % name)
        for se in ch.series:
            ref = se.cat.strRef.f if se.cat is not None and \
                se.cat.strRef is not None else ""
            m = re.search(r"\$?[A-Z]+\$?(\d+):\$?[A-Z]+\$?(\d+)$", ref)
            labels = int(m.group(2)) - int(m.group(1)) + 1 if m else 0
            if labels != len(ranked):
                problems.append("%s: %d category labels (%s), %d ranked "
                                "units" % (name, labels, ref, len(ranked)))
    if ranked and not charts:
        problems.append("no chart on the Overview")
    report("overview charts titled, axes titled, one label per ranked unit "
           "(%d charts)" % len(charts), problems)

    # the contents
    problems = []
    if "Contents" not in wb.sheetnames:
        problems.append("no Contents sheet")
    else:
        cs = wb["Contents"]
        linked = set()
        for row in cs.iter_rows():
            for c in row:
                if c.hyperlink is None:
                    continue
                loc = c.hyperlink.location or ""
                m = re.match(r"^'?(.*?)'?!A1$", loc)
                if not m or m.group(1) not in wb.sheetnames:
                    problems.append("link %r to no sheet" % loc)
                else:
                    linked.add(m.group(1))
                    about = cs.cell(row=c.row, column=c.column + 1).value
                    if not about:
                        problems.append("%s: no sentence" % m.group(1))
        missing = set(wb.sheetnames) - linked - {"Contents"}
        if missing:
            problems.append("sheets not linked: %s" % sorted(missing))
    report("contents links every sheet", problems)
