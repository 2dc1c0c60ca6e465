"""Workbook checks of the Map sheet (issue 13, a map of the centres;
branch map): the centres at their positions (centres.csv lat, lon) in a
scatter chart, one series per district, each centre's code in one label.

check(wb, csv_dir, report) is called from check_xlsx.py.  Checks:
  * a sheet "Map" exactly when some centre in centres.csv has lat and lon,
    right after "Districts";
  * on it one chart with a title and the axis titles "longitude" and
    "latitude";
  * one series per district (subregion) with a position, named after it;
  * every centre with a position plotted exactly once, its x equal to its
    lon and its y to its lat in centres.csv (the series' cells, found by
    the centre's code beside them), no centre without one plotted;
  * the helper columns the series read are hidden;
  * each plotted centre's code in exactly one shown data label (read from
    the chart's XML, as openpyxl drops the labels' text; "C10\u2013C13" names
    C10 to C13 in the centres' order).
"""
import csv
import os
import re
import zipfile

from openpyxl.utils import column_index_from_string


def _rows(csv_dir, name):
    path = os.path.join(csv_dir, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _hidden(ws, col):
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col <= dim.max and dim.hidden:
            return True
    return False


REF = re.compile(r"^'?([^'!]+)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$")


def _cells(wb, ref):
    """(sheet, column number, first row, last row) of a one-column range
    or a single cell."""
    m = REF.match(ref or "")
    if not m or m.group(4) not in (None, m.group(2)):
        return None
    return (m.group(1), column_index_from_string(m.group(2)),
            int(m.group(3)), int(m.group(5) or m.group(3)))


def _title_text(t):
    """The text of an openpyxl chart or axis title."""
    if t is None or t.tx is None or t.tx.rich is None:
        return ""
    return "".join(r.t or "" for p in t.tx.rich.p for r in (p.r or []))


def _label_texts(path):
    """The shown data labels' texts of the chart whose axis is titled
    'longitude' in the workbook at path."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.startswith("xl/charts/chart"):
                continue
            xml = z.read(name).decode("utf-8")
            if "<a:t>longitude</a:t>" not in xml:
                continue
            texts = []
            for lbl in re.findall(r"<c:dLbl>(.*?)</c:dLbl>", xml, re.S):
                if '<c:delete val="1"/>' in lbl:
                    continue
                texts.append("".join(re.findall(r"<a:t>(.*?)</a:t>", lbl)))
            return texts
    return None


def _expand(label, codes):
    """The codes a label names: "C06, C10\u2013C13" is C06, C10, C11, C12,
    C13 (a run: the codes from first to last in the centres' order)."""
    out = []
    for part in label.split(", "):
        if "\u2013" in part:
            a, b = part.split("\u2013", 1)
            if a in codes and b in codes and codes.index(a) < codes.index(b):
                out += codes[codes.index(a):codes.index(b) + 1]
                continue
        out.append(part)
    return out


def check(wb, csv_dir, report, path=None):
    centres = _rows(csv_dir, "centres.csv")
    placed = {c["centre_id"]: c for c in centres
              if c.get("lat", "") != "" and c.get("lon", "") != ""}
    problems = []
    if not placed:
        if "Map" in wb.sheetnames:
            problems.append("a Map sheet, but no centre has a position")
        report("map: no sheet without positions", problems)
        return
    if "Map" not in wb.sheetnames:
        report("map of the centres", ["no Map sheet (%d centres have a "
                                      "position)" % len(placed)])
        return
    names = wb.sheetnames
    if "Districts" in names and names.index("Map") != names.index(
            "Districts") + 1:
        problems.append("Map is not right after Districts")
    ws = wb["Map"]
    charts = getattr(ws, "_charts", [])
    if len(charts) != 1:
        report("map of the centres", ["%d charts on Map, want 1" %
                                      len(charts)])
        return
    ch = charts[0]
    if not _title_text(ch.title):
        problems.append("the chart has no title")
    for axis, want in ((ch.x_axis, "longitude"), (ch.y_axis, "latitude")):
        if _title_text(axis.title) != want:
            problems.append("axis titled %r, want %r" %
                            (_title_text(axis.title), want))
    districts = {c["subregion"] for c in placed.values()}
    seen = {}
    got_districts = []
    for se in ch.series:
        name = se.tx.v if se.tx is not None else None
        got_districts.append(name)
        xs = _cells(wb, se.xVal.numRef.f if se.xVal and se.xVal.numRef
                    else None)
        ys = _cells(wb, se.yVal.numRef.f if se.yVal and se.yVal.numRef
                    else None)
        if not xs or not ys or xs[0] != "Map" or ys[0] != "Map" or \
                xs[2:] != ys[2:]:
            problems.append("series %r: ranges %r, %r" % (name, xs, ys))
            continue
        for col in (xs[1], ys[1]):
            if not _hidden(ws, col):
                problems.append("series %r reads column %d, not hidden" %
                                (name, col))
        for r in range(xs[2], xs[3] + 1):
            # the centre's code stands left of its lon
            code = ws.cell(r, xs[1] - 1).value
            x, y = ws.cell(r, xs[1]).value, ws.cell(r, ys[1]).value
            seen[code] = seen.get(code, 0) + 1
            c = placed.get(code)
            if c is None:
                problems.append("%s plotted but has no position" % code)
                continue
            if c["subregion"] != name:
                problems.append("%s in series %r, its district is %r" %
                                (code, name, c["subregion"]))
            if x != float(c["lon"]) or y != float(c["lat"]):
                problems.append("%s at (%r, %r), centres.csv (%s, %s)" %
                                (code, x, y, c["lon"], c["lat"]))
    if sorted(got_districts, key=str) != sorted(districts):
        problems.append("series %r, districts with a position %r" %
                        (got_districts, sorted(districts)))
    for code in placed:
        if seen.get(code, 0) != 1:
            problems.append("%s plotted %d times" % (code, seen.get(code, 0)))
    # above 100 centres the engine leaves the labels out (MAP_LABELS_MAX)
    if path and len(placed) <= 100:
        texts = _label_texts(path)
        if texts is None:
            problems.append("no chart XML with the axis title 'longitude'")
        else:
            count = {}
            for t in texts:
                for code in _expand(t, list(placed)):
                    count[code] = count.get(code, 0) + 1
            for code in placed:
                if count.get(code, 0) != 1:
                    problems.append("%s in %d labels" %
                                    (code, count.get(code, 0)))
    report("map: %d centres at their lat/lon in %d district series" %
           (len(placed), len(districts)), problems)
