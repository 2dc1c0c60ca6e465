"""Workbook checks of issue 13, items 5, 6 and 8 (branch oppmx):
opportunities (excluded classes, why an opportunity is suggested, the
chart), matrices (row order = column order, the diagonal on the diagonal)
and number formats per column type.

check(wb, csv_dir, report) is called from check_xlsx.py.  Run alone,
    python3 tests/golden/xlsx_oppmx.py build/s3engine
it also runs the small golden model with an exclude_classes list naming
the small run's best opportunities and checks they are never suggested.
"""
import csv
import os
import subprocess
import sys
import tempfile

# number formats per column type (engine/output/xlsx.c, formats())
INDEX, PCT, COUNT = "0.00", "0 %", "0"


def _rows(csv_dir, name):
    path = os.path.join(csv_dir, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _params(csv_dir):
    return {r["parameter"] if "parameter" in r else list(r.values())[0]:
            list(r.values())[1] for r in _rows(csv_dir, "parameters.csv")}


def _excluded(code, prefixes):
    return any(code.startswith(p) for p in prefixes)


def _header_row(ws, first):
    """The row number (1-based) whose first cell is `first`."""
    for r in range(1, 60):
        if ws.cell(r, 1).value == first:
            return r
    return None


def _hidden(ws, col):
    """Whether column number col (1-based) is hidden (openpyxl keeps a
    range of columns under its first letter, with min and max)."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col <= dim.max and dim.hidden:
            return True
    return False


def check_matrices(wb, csv_dir, report):
    """Outranking and Overlaps: the column headings are the row units in
    the same order ("C01 Name"), and a cell (i, j) holds the pair (row i,
    column j) of the CSV table, so the diagonal is the unit with itself."""
    overview = _rows(csv_dir, "overview.csv")
    level = overview[0]["level"] if overview else None
    headline = overview[0]["matrix"] if overview else None
    specs = [("Outranking", "outranking.csv", "probability_a_above_b",
              lambda r: r.get("scenario") == "baseline" and
              r["level"] == level, PCT),
             ("Overlaps", "similarity.csv", "cosine",
              lambda r: r["level"] == level and r["matrix"] == headline,
              INDEX)]
    problems = []
    seen = 0
    for sheet, table, value, keep, fmt in specs:
        if sheet not in wb.sheetnames:
            continue
        seen += 1
        ws = wb[sheet]
        rows = []
        r = 4
        while ws.cell(r, 1).value:
            rows.append(ws.cell(r, 1).value)
            r += 1
        cols = []
        c = 3
        while ws.cell(3, c).value:
            cols.append(str(ws.cell(3, c).value).split(" ")[0])
            c += 1
        if rows != cols:
            problems.append("%s: row order %s.. is not the column order %s.."
                            % (sheet, rows[:4], cols[:4]))
            continue
        pos = {u: i for i, u in enumerate(rows)}
        pairs = {}
        for t in _rows(csv_dir, table):
            if keep(t) and t[value] != "":
                pairs[(t["unit_a"], t["unit_b"])] = float(t[value])
        for (a, b), v in pairs.items():
            if a not in pos or b not in pos:
                problems.append("%s: %s/%s not in the matrix" % (sheet, a, b))
                continue
            cell = ws.cell(4 + pos[a], 3 + pos[b])
            if cell.value is None or abs(cell.value - v) > 1e-9:
                problems.append("%s!%s is %r, %s(%s, %s) is %r" %
                                (sheet, cell.coordinate, cell.value, table,
                                 a, b, v))
            elif cell.number_format != fmt:
                problems.append("%s!%s format %r, want %r" %
                                (sheet, cell.coordinate, cell.number_format,
                                 fmt))
            if len(problems) > 10:
                break
        # the diagonal: the unit with itself, or nothing
        for u, i in pos.items():
            cell = ws.cell(4 + i, 3 + i)
            want = pairs.get((u, u))
            if want is None and cell.value is not None:
                problems.append("%s!%s: diagonal %s holds %r" %
                                (sheet, cell.coordinate, u, cell.value))
    if seen == 0:
        problems.append("no Outranking or Overlaps sheet")
    report("matrices: rows and columns in one order, diagonal on it",
           problems)


def check_formats(wb, csv_dir, report):
    """One number format per column type: ranks and counts 0; indices
    0.00; shares and probabilities 0 %."""
    problems = []
    want = {"Rank": COUNT, "Density": INDEX, "PCI": INDEX, "COG": INDEX,
            "Ideal in share of draws": PCT}
    checked = 0
    for sheet in ("Opportunities sectors", "Opportunities technologies",
                  "Opportunities"):
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        h = _header_row(ws, "Unit")
        if h is None:
            problems.append("%s: no header row" % sheet)
            continue
        heads = {ws.cell(h, c).value: c for c in range(1, 20)}
        for name, fmt in want.items():
            c = heads.get(name)
            if c is None:
                problems.append("%s: no column %r" % (sheet, name))
                continue
            for r in range(h + 1, ws.max_row + 1):
                cell = ws.cell(r, c)
                if isinstance(cell.value, (int, float)):
                    checked += 1
                    if cell.number_format != fmt:
                        problems.append("%s!%s (%s) format %r, want %r" %
                                        (sheet, cell.coordinate, name,
                                         cell.number_format, fmt))
                        break
    if "Domains" in wb.sheetnames:
        ws = wb["Domains"]
        for r in range(4, ws.max_row + 1):
            for c in range(3, ws.max_column + 1):
                cell = ws.cell(r, c)
                if isinstance(cell.value, (int, float)):
                    checked += 1
                    if cell.number_format != PCT:
                        problems.append("Domains!%s format %r, want %r" %
                                        (cell.coordinate,
                                         cell.number_format, PCT))
        for c in range(3, ws.max_column + 1):
            v = ws.cell(3, c).value
            if v and "_" in str(v):
                problems.append("Domains: heading %r in snake_case" % v)
    if "Partners" in wb.sheetnames:
        ws = wb["Partners"]
        heads = [ws.cell(3, c).value for c in range(1, 12)]
        if "Partner's name" not in heads:
            problems.append("Partners: no partner's name column")
        else:
            c = heads.index("Partner's name") + 1
            centres = {r["centre_id"] if "centre_id" in r else
                       list(r.values())[0]: list(r.values())[1]
                       for r in _rows(csv_dir, "centres.csv")}
            # centres.csv guards a leading = + - @ with an apostrophe
            centres = {k: v[1:] if v[:1] == "'" and v[1:2] in "=+-@"
                       else v for k, v in centres.items()}
            for r in range(4, min(ws.max_row, 60) + 1):
                code = ws.cell(r, c - 1).value
                if code in centres and ws.cell(r, c).value != centres[code]:
                    problems.append("Partners!%s: %r is not %s's name %r" %
                                    (ws.cell(r, c).coordinate,
                                     ws.cell(r, c).value, code,
                                     centres[code]))
    if checked == 0:
        problems.append("no number checked")
    report("number formats per column type", problems)


def check_opportunities(wb, csv_dir, report):
    """Helper columns hidden; excluded classes never suggested; every
    chart with a title and axis titles; nearest_held recomputed from
    specialisation.csv and proximity.csv."""
    problems = []
    for sheet in wb.sheetnames:
        if not sheet.startswith("Opportunities"):
            continue
        ws = wb[sheet]
        h = _header_row(ws, "Unit")
        for c in range(1, ws.max_column + 1):
            v = ws.cell(h, c).value if h else None
            if v and ("quadrant lines" in str(v) or v in ("x", "y") or
                      c > 11) and not _hidden(ws, c):
                problems.append("%s: helper column %s (%r) is visible" %
                                (sheet, ws.cell(h, c).column_letter, v))
    report("opportunities: no helper column visible", problems)

    # excluded classes
    problems = []
    params = _params(csv_dir)
    lst = params.get("model.exclude_classes", "")
    prefixes = [p.strip() for p in lst.split(",") if p.strip()]
    removed = 0
    for r in _rows(csv_dir, "opportunities.csv"):
        if _excluded(r["class"], prefixes):
            problems.append("opportunities.csv suggests %s to %s" %
                            (r["class"], r["unit"]))
    for r in _rows(csv_dir, "potentials.csv"):
        if _excluded(r["class"], prefixes):
            if r["opportunity_rank"] or r["quadrant"]:
                problems.append("potentials.csv ranks %s for %s" %
                                (r["class"], r["unit"]))
            if (r["specialised"] == "0" and r["density"] != "" and
                    r["pci"] != ""):
                removed += 1
    for sheet in wb.sheetnames:
        if not sheet.startswith("Opportunities"):
            continue
        ws = wb[sheet]
        h = _header_row(ws, "Unit")
        for r in range(h + 1 if h else 1, ws.max_row + 1):
            v = ws.cell(r, 4).value
            if isinstance(v, str) and _excluded(v, prefixes):
                problems.append("%s!D%d suggests %s" % (sheet, r, v))
    notes = " ".join(" ".join(r.values()) for r in
                     _rows(csv_dir, "notes.csv"))
    if removed and "exclude_classes" not in notes:
        problems.append("%d suggestions removed, notes.csv says nothing"
                        % removed)
    report("opportunities: excluded classes (%s) never suggested" %
           (lst or "none"), problems[:10])

    # charts: title and axis titles (the Opportunities sheets' charts;
    # the Overview's and Scores' belong to other sheets' work)
    problems = []
    charts = 0
    for sheet in wb.sheetnames:
        if not sheet.startswith("Opportunities"):
            continue
        for ch in getattr(wb[sheet], "_charts", []):
            charts += 1
            if ch.title is None:
                problems.append("%s: a chart without a title" % sheet)
            for ax in ("x_axis", "y_axis"):
                a = getattr(ch, ax, None)
                if a is not None and a.title is None:
                    problems.append("%s: a chart's %s without a title" %
                                    (sheet, ax))
    if charts == 0 and _rows(csv_dir, "opportunities.csv"):
        problems.append("no chart on the Opportunities sheets")
    report("opportunities charts: %d, each with a title and axis titles"
           % charts, problems)

    # why: the nearest held classes, from the CSV tables
    problems = []
    if params.get("potentials.relatedness", "proximity") == "proximity":
        held, order = {}, {}
        for r in _rows(csv_dir, "specialisation.csv"):
            k = (r["level"], r["matrix"])
            order.setdefault(k, {}).setdefault(r["class"],
                                               len(order[k]))
            if r["specialised"] == "1":
                held.setdefault(k + (r["unit"],), []).append(r["class"])
        prox = {}
        for r in _rows(csv_dir, "proximity.csv"):
            k = (r["level"], r["matrix"])
            v = float(r["proximity"]) if r["proximity"] else 0.0
            prox[k + (r["class_a"], r["class_b"])] = v
            prox[k + (r["class_b"], r["class_a"])] = v
        checked = 0
        for r in _rows(csv_dir, "opportunities.csv"):
            k = (r["level"], r["matrix"])
            mine = held.get(k + (r["unit"],), [])
            cand = [(prox.get(k + (h, r["class"]), 0.0), h) for h in mine
                    if h != r["class"]]
            if any(k + (h, r["class"]) not in prox for h in mine):
                continue  # a cut pair table: cannot recompute
            cand = [c for c in cand if c[1] and c[0] > 0]
            cand.sort(key=lambda c: (-c[0], order[k].get(c[1], 0)))
            want = [h for _, h in cand[:3]]
            got = [w.split(" ")[0] for w in r["nearest_held"].split(" | ")
                   if w]
            checked += 1
            if got != want:
                problems.append("%s %s %s: nearest_held %s, want %s" %
                                (r["matrix"], r["unit"], r["class"], got,
                                 want))
        if checked == 0 and _rows(csv_dir, "opportunities.csv"):
            problems.append("no opportunity could be recomputed")
    report("opportunities: nearest held classes recomputed", problems[:10])


def check(wb, csv_dir, report):
    check_matrices(wb, csv_dir, report)
    check_formats(wb, csv_dir, report)
    check_opportunities(wb, csv_dir, report)


def hand_case():
    """A small run whose best opportunities are then excluded: they must
    vanish from opportunities.csv, potentials.csv's ranks and the
    workbook, and the note must count them."""
    engine = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        def run(extra):
            model = os.path.join(tmp, "m.ini")
            with open(os.path.join(here, "small.ini")) as f:
                text = f.read()
            text = text.replace("../../datasets",
                                os.path.join(root, "datasets"))
            text = text.replace("[model]\n", "[model]\n" + extra, 1)
            with open(model, "w") as f:
                f.write(text)
            out = os.path.join(tmp, "out")
            subprocess.run([engine, "run", "--model", model, "--out", out],
                           check=True, stdout=subprocess.DEVNULL)
            return out
        out = run("")
        first = sorted({r["class"] for r in
                        _rows(os.path.join(out, "csv"), "opportunities.csv")
                        if r["rank"] == "1"})
        if not first:
            print("not ok - hand case: the small run has no opportunity")
            return 1
        out = run("exclude_classes = %s\n" % ", ".join(first))
        csv_dir = os.path.join(out, "csv")
        bad = [r for r in _rows(csv_dir, "opportunities.csv")
               if r["class"] in first]
        bad += [r for r in _rows(csv_dir, "potentials.csv")
                if r["class"] in first and r["opportunity_rank"]]
        notes = [r for r in _rows(csv_dir, "notes.csv")
                 if "exclude_classes" in " ".join(r.values())]
        print("%s - hand case: excluding %s leaves %d suggestions of them, "
              "%d notes" % ("ok" if not bad and notes else "not ok",
                            first, len(bad), len(notes)))
        ok = not bad and bool(notes)
        try:
            import openpyxl
            wb = openpyxl.load_workbook(os.path.join(out, "briefing.xlsx"))
            res = []

            def rep(name, problems):
                res.append(not problems)
                print("%s - xlsx %s%s" % ("ok" if not problems else
                                          "not ok", name,
                                          "" if not problems else
                                          ": " + "; ".join(problems[:3])))
            check(wb, csv_dir, rep)
            ok = ok and all(res)
        except ImportError:
            print("not ok - openpyxl is not installed")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(hand_case())
