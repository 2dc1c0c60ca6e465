#!/usr/bin/env python3
"""Render a briefing workbook with LibreOffice and check every printed
page of every sheet for overlapping text and legibility.

Usage: render_check.py BRIEFING.xlsx [--keep DIR] [--sheet NAME]...

With --sheet, only the named sheets are checked (all by default).

Needs soffice (libreoffice-calc-nogui) and pdftotext (poppler-utils).
The workbook is converted to PDF as LibreOffice prints it (the sheets'
own page setup), and pdftotext -bbox-layout gives every word's box.  A
page's sheet is named by its footer ("<sheet> ... Page X of Y", which the
writer puts on every page).  Every page is checked.  Two words overlap when their boxes
intersect over more than a quarter of the smaller one: text written over
text, as when a row is too low for its wrapped lines or a cell's text
runs into its neighbour's.  And every page must be legible: its text at
7 pt or more (a sheet fitted to the page's width can shrink to 3 pt).
Prints "ok - render <sheet>: N pages, no text over text" or
"not ok - ..." per sheet; exits 1 if any check failed.
"""
import html
import os
import statistics
import re
import subprocess
import sys
import tempfile
import zipfile

# pdftotext's word box is 1.3 times the font size (measured: 11-pt
# Carlito, LibreOffice's Calibri, gives 14.3 pt); text below 7 pt is not
# legible on paper.
BOX_PER_PT = 1.3
MIN_BOX = 7.0 * BOX_PER_PT

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                  r'yMax="([\d.]+)">(.*?)</word>')


def pages(pdf):
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"],
                         check=True, capture_output=True, text=True).stdout
    for chunk in out.split("<page ")[1:]:
        yield [(float(a), float(b), float(c), float(d), html.unescape(w))
               for a, b, c, d, w in WORD.findall(chunk)]


def overlaps(words):
    found = []
    ws = sorted(words, key=lambda w: w[1])
    for i, a in enumerate(ws):
        for b in ws[i + 1:]:
            if b[1] >= a[3]:
                break
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            if dx <= 0 or dy <= 0:
                continue
            small = min((a[2] - a[0]) * (a[3] - a[1]),
                        (b[2] - b[0]) * (b[3] - b[1]))
            if small > 0 and dx * dy > 0.25 * small:
                found.append("text over text: %r over %r" % (a[4], b[4]))
    return found


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    keep = None
    if "--keep" in args:
        k = args.index("--keep")
        keep = args[k + 1]
        del args[k:k + 2]
    only = []
    while "--sheet" in args:
        k = args.index("--sheet")
        only.append(args[k + 1])
        del args[k:k + 2]
    book = args[0]
    tmp = keep or tempfile.mkdtemp(prefix="render")
    profile = "file://" + os.path.abspath(os.path.join(tmp, "profile"))
    r = subprocess.run(["soffice", "-env:UserInstallation=" + profile,
                        "--headless", "--convert-to", "pdf", "--outdir", tmp,
                        book], capture_output=True, text=True, timeout=300)
    pdf = os.path.join(tmp, os.path.splitext(os.path.basename(book))[0] + ".pdf")
    if r.returncode != 0 or not os.path.exists(pdf):
        print("not ok - render: soffice failed: %s" % (r.stderr or r.stdout)[-300:])
        return 1
    with zipfile.ZipFile(book) as z:
        names = [html.unescape(n) for n in
                 re.findall(r'<sheet name="([^"]*)"', z.read("xl/workbook.xml").decode())]
    sheets = []  # (name, pages, problems)
    for page, words in enumerate(pages(pdf), 1):
        if not words:
            continue
        # the footer: the line of "Page X of Y", "<sheet>" at its left
        marks = [w for w in words if w[4] == "Page"]
        if not marks:
            print("not ok - render: a page without the footer 'Page X of Y'")
            return 1
        mark = max(marks, key=lambda w: w[1])
        low = mark[3]
        foot = sorted((w for w in words if abs(w[3] - low) < 3),
                      key=lambda w: w[0])
        texts = [w[4] for w in foot]
        # the sheet's name starts the footer's line (a chart running into
        # the footer would add its words after it)
        line = " ".join(texts)
        known = [n for n in names if line.startswith(n + " ")]
        if not known:
            print("not ok - render: a footer without a sheet's name: %r" % line)
            return 1
        name = max(known, key=len)
        if not sheets or sheets[-1][0] != name:
            sheets.append([name, 0, [], page])
        sheets[-1][1] += 1
        body = [w for w in words if w[3] < low - 3]
        sheets[-1][2] += ["page %d: %s" % (page, p) for p in overlaps(body)]
        # legible: the text's median box at least MIN_BOX pt high
        if body:
            h = statistics.median(w[3] - w[1] for w in body)
            if h < MIN_BOX:
                sheets[-1][2].append("page %d of the sheet prints at %.1f pt "
                                     "(text box %.1f pt < %.1f)" %
                                     (sheets[-1][1], h / BOX_PER_PT, h, MIN_BOX))
    failed = 0
    missing = [n for n in only if n not in [s[0] for s in sheets]]
    if missing:
        print("not ok - render: no pages of %s" % ", ".join(missing))
        failed += 1
    for name, n, bad, first in sheets:
        if only and name not in only:
            continue
        if bad:
            failed += 1
            more = " (and %d more)" % (len(bad) - 3) if len(bad) > 3 else ""
            print("not ok - render %s (pdf pages %d-%d): %s%s" %
                  (name, first, first + n - 1, "; ".join(bad[:3]), more))
        else:
            print("ok - render %s: %d page%s, legible, no text over text" %
                  (name, n, "" if n == 1 else "s"))
    if not sheets:
        print("not ok - render: no pages")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
