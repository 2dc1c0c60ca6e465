"""The "Learning partners" sheet against learning.csv (check_xlsx.py calls
check(wb, csv_dir, report)).

Without learning.csv (no [learning] home) the workbook has no such sheet.
With it: one block per home unit, headed by its code; under "Most alike"
its kind=top rows in position order, beside them under "Compared with" its
kind=compare rows, each with the partner's code, combined rank, cosine,
Krugman distance and related similarity as learning.csv has them (the
sheet rounds nothing: numbers are stored whole), "yes"/"no" for ahead and
the labels of the classes to move into.
"""
import csv
import os

SHEET = "Learning partners"
# the columns of one list on the sheet, as xlsx_learning.c writes them
COLS = ["position", "partner", "partner_name", "rank", "cosine", "krugman",
        "related", "outcome_partner", "ahead", "move_into_labels"]
COMPARE_COL = 11


def _rows(csv_dir):
    path = os.path.join(csv_dir, "learning.csv")
    if not os.path.exists(path):
        return None
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _same(cell, want, col):
    if col == "ahead":
        return (cell or "") == {"": "", "1": "yes", "0": "no"}[want]
    if col in ("partner", "partner_name", "move_into_labels"):
        return (cell or "") == want
    if want == "":
        return cell is None
    return isinstance(cell, (int, float)) and \
        abs(float(cell) - float(want)) <= 1e-12 * max(1.0, abs(float(want)))


def check(wb, csv_dir, report):
    rows = _rows(csv_dir)
    if rows is None or not rows:
        report("learning: no sheet without learning.csv",
               ["sheet %r present" % SHEET] if SHEET in wb.sheetnames else [])
        return
    problems = []
    if SHEET not in wb.sheetnames:
        report("learning: sheet present", ["no sheet %r" % SHEET])
        return
    grid = [[c.value for c in r] for r in wb[SHEET].iter_rows()]
    homes = []
    for r in rows:
        if r["unit"] not in homes:
            homes.append(r["unit"])
    # block headings: a cell in column A that starts with the home code
    head_at = {}
    for i, g in enumerate(grid):
        a = g[0] if g else None
        if isinstance(a, str):
            code = a.split(":")[0].split(" (")[0]
            if code in homes and code not in head_at:
                head_at[code] = i
    for h in homes:
        if h not in head_at:
            problems.append("no block for home unit %s" % h)
            continue
        i = head_at[h]
        if grid[i + 1][0] != "Most alike" or \
                grid[i + 1][COMPARE_COL] != "Compared with":
            problems.append("%s: the two list titles are not under the "
                            "heading" % h)
        for kind, c0 in (("top", 0), ("compare", COMPARE_COL)):
            want = [r for r in rows if r["unit"] == h and r["kind"] == kind]
            for k, w in enumerate(want):
                line = grid[i + 3 + k] if i + 3 + k < len(grid) else []
                got = (line + [None] * (c0 + len(COLS)))[c0:c0 + len(COLS)]
                for j, name in enumerate(COLS):
                    if not _same(got[j], w[name], name):
                        problems.append("%s %s #%d %s: sheet %r, csv %r" % (
                            h, kind, k + 1, name, got[j], w[name]))
            # nothing more in the list than the csv has
            nxt = grid[i + 3 + len(want)] if i + 3 + len(want) < len(grid) \
                else []
            extra = (nxt + [None] * (c0 + 2))[c0 + 1]
            if extra not in (None, "") and kind == "top" and \
                    not (isinstance(nxt[0], str) and nxt[0] in homes):
                problems.append("%s %s: a row beyond the csv's %d" % (
                    h, kind, len(want)))
    report("learning: the sheet equals learning.csv", problems)
