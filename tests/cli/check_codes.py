#!/usr/bin/env python3
"""Check the code columns of a run's CSV tables (README, "Codes").

Usage: check_codes.py CSV_DIR

Reads every table with Python's csv module, as a user would, and checks:
  * definitions.csv lists the code columns (at least unit and class);
  * no value of a code column in any table reads as a number (float()
    fails on it): pandas and R would otherwise read "01" as 1;
  * the classes of each matrix have one form: NACE codes with their
    section letter (J62, C10.1), WIPO fields F01-F35, aggregates (B-E);
    no text is a class of two kinds (a NACE division and a WIPO field);
  * a class has the same text and the same label in every table: the
    classes of each (level, matrix) in specialisation.csv are those of
    classes.csv, and every other table's classes are among them.
Prints "ok - codes: WHAT" or "not ok - codes: WHAT: DETAIL"; exits 1 on
any failure.
"""
import csv
import os
import re
import sys

FORMS = {
    "patents": re.compile(r"^F\d\d$"),
    "tenants": re.compile(r"^[A-U](\d\d(\.\d{1,2})?)?$"),
    "employees": re.compile(r"^[A-U](\d\d(\.\d{1,2})?)?$"),
    "tenants_by_aggregate": re.compile(r"^[A-U](-[A-U])?$"),
    "employees_by_aggregate": re.compile(r"^[A-U](-[A-U])?$"),
}
failed = 0


def report(ok, what, detail=""):
    global failed
    failed += not ok
    print("ok - codes: %s" % what if ok else
          "not ok - codes: %s: %s" % (what, detail))


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def number(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def main(d):
    tables = {f[:-4]: read(os.path.join(d, f))
              for f in sorted(os.listdir(d)) if f.endswith(".csv")}
    codes = [r["name"] for r in tables["definitions"]
             if r["section"] == "code column"]
    report("unit" in codes and "class" in codes,
           "definitions.csv lists the code columns", repr(codes))
    # and those of the interface in any case (DESIGN.md)
    codes += [c for c in ("unit", "class", "unit_a", "unit_b", "class_a",
                          "class_b", "partner") if c not in codes]
    bad = []
    for name, rows in tables.items():
        for col in codes:
            bad += ["%s.csv %s=%r" % (name, col, r[col]) for r in rows
                    if col in r and r[col] != "" and number(r[col])]
    report(not bad, "no code reads as a number", "; ".join(bad[:5]))
    # the classes of every (level, matrix), from specialisation.csv
    known, label, kind_of = {}, {}, {}
    for r in tables["specialisation"]:
        known.setdefault((r["level"], r["matrix"]), set()).add(r["class"])
        label.setdefault((r["matrix"], r["class"]), r.get("class_label"))
    wrong = ["%s %r" % (m, c) for (l, m), cs in known.items() for c in cs
             if m in FORMS and not FORMS[m].match(c)]
    report(not wrong, "classes in their official forms", "; ".join(wrong[:5]))
    for (l, m), cs in known.items():
        for c in cs:
            kind_of.setdefault(c, set()).add(m.split("_by_")[0]
                                             .replace("employees", "tenants"))
    both = sorted(c for c, k in kind_of.items() if len(k) > 1)
    report(not both, "no text is a class of two kinds", ", ".join(both[:5]))
    # the same classes and labels everywhere
    cls = {(r["level"], r["matrix"]): set() for r in tables["classes"]}
    for r in tables["classes"]:
        cls[r["level"], r["matrix"]].add(r["class"])
    report(cls == known, "classes.csv has the classes of specialisation.csv")
    diff = []
    for name, rows in tables.items():
        for r in rows:
            m = r.get("matrix")
            for col in ("class", "class_a", "class_b"):
                c = r.get(col, "")
                if not c or m is None:
                    continue
                if c not in known.get((r["level"], m), ()):
                    diff.append("%s.csv %s/%s %s=%s not a class there"
                                % (name, r["level"], m, col, c))
                for lc in ("class_label", "label"):
                    if (col == "class" and lc in r and name not in
                            ("scenario_deltas",) and
                            r[lc] != label[m, c]):
                        diff.append("%s.csv %s %s=%r, specialisation.csv "
                                    "%r" % (name, c, lc, r[lc], label[m, c]))
    report(not diff, "a class has one text and one label in every table",
           "; ".join(diff[:5]))
    return failed


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1]) else 0)
