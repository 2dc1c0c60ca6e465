#!/usr/bin/env python3
"""Seeded generator for the s3engine Ruhr sample dataset.

Writes centres.csv, tenants.csv, patents.csv and baseline.csv.

* centres: 35 technology/start-up centres over the 15 members of the Ruhr
  Metropolis. Ten carry real names from ../reference/ruhr_technology_centres_partial.csv;
  the rest are marked "(synthetic)". Type, opening year (except TZDO),
  floor area and coordinates are synthetic or approximate.
* tenants, patents: entirely synthetic.
* baseline: real data, copied from ../reference/eurostat_nama_10r_3empers_2018.csv
  (Source: Eurostat, nama_10r_3empers).

Python 3 standard library only. The output depends only on the seed and the
reference files: running it twice gives byte-identical files.

Usage: python3 datasets/ruhr/generate.py [--seed N] [--out DIR] [--reference DIR]
"""

import argparse
import csv
import datetime as dt
import math
import os
import random

DEFAULT_SEED = 20261126
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REFERENCE = os.path.join(os.path.dirname(HERE), "reference")

END_ENTERED = dt.date(2026, 6, 30)   # last possible entry date
END_LEFT = dt.date(2026, 12, 31)     # last possible exit date (announced exits)
PATENT_YEARS = (2005, 2025)
YEAR_WEIGHT = {2024: 0.7, 2025: 0.4}
TARGET_TENANTS = (3300, 3700)        # tenant rows in centres (before quality cases)
TARGET_PATENTS = (3200, 3800)

# ---------------------------------------------------------------------------
# Members of the Ruhr Metropolis: NUTS-3 code -> (short name, centre lat, lon)
# Coordinates are approximate city centres.
# ---------------------------------------------------------------------------
MEMBERS = [
    ("DEA12", "Duisburg", 51.4344, 6.7623),
    ("DEA13", "Essen", 51.4556, 7.0116),
    ("DEA16", "Mülheim an der Ruhr", 51.4275, 6.8825),
    ("DEA17", "Oberhausen", 51.4963, 6.8638),
    ("DEA1F", "Wesel", 51.6584, 6.6179),
    ("DEA31", "Bottrop", 51.5232, 6.9285),
    ("DEA32", "Gelsenkirchen", 51.5177, 7.0857),
    ("DEA36", "Recklinghausen", 51.6141, 7.1979),
    ("DEA51", "Bochum", 51.4818, 7.2162),
    ("DEA52", "Dortmund", 51.5136, 7.4653),
    ("DEA53", "Hagen", 51.3671, 7.4633),
    ("DEA54", "Hamm", 51.6739, 7.8150),
    ("DEA55", "Herne", 51.5369, 7.2009),
    ("DEA56", "Ennepe-Ruhr-Kreis", 51.4433, 7.3528),
    ("DEA5C", "Unna", 51.5347, 7.6889),
]
MEMBER = {m[1]: m for m in MEMBERS}
BIG_CITIES = {"Dortmund", "Bochum", "Essen", "Duisburg"}

# Municipality coordinates (approximate) for centres outside the member's main city.
MUNICIPALITY_COORDS = {
    "Marl": (51.6563, 7.0902),
    "Recklinghausen": (51.6141, 7.1979),
    "Kamen": (51.5922, 7.6653),
    "Unna": (51.5347, 7.6889),
    "Kamp-Lintfort": (51.5034, 6.5464),
}

# ---------------------------------------------------------------------------
# Sector pools: NACE Rev. 2 classes (level 4). All are checked against
# nace_rev2_en.csv at run time.
# ---------------------------------------------------------------------------
POOLS = {
    "ict": ["62.01", "62.01", "62.02", "62.03", "62.09", "63.11", "63.12", "58.29", "61.10", "61.90"],
    "itsec": ["62.01", "62.02", "62.09", "63.11", "80.20", "26.30"],
    "engineering": ["71.12", "71.12", "71.20", "72.19", "74.90", "71.11"],
    "health": ["86.21", "86.22", "86.23", "86.90", "21.10", "21.20", "32.50", "72.11", "26.60", "46.46"],
    "biotech": ["72.11", "72.11", "21.20", "21.10", "32.50", "72.19"],
    "dental": ["86.23", "32.50", "32.50", "72.11", "21.20", "46.46"],
    "logistics": ["52.10", "52.21", "52.24", "52.29", "49.41", "49.41", "53.20", "70.22"],
    "energy": ["35.11", "35.12", "35.13", "35.14", "35.21", "35.30", "27.11", "27.12", "27.90", "43.21", "71.12"],
    "materials": ["20.13", "20.14", "20.16", "20.59", "24.10", "24.20", "24.44", "24.51", "25.61", "25.62", "22.29", "23.99"],
    "machinery": ["28.11", "28.15", "28.22", "28.29", "28.41", "28.49", "28.99", "25.62", "25.73", "33.12", "33.20", "27.90"],
    "environment": ["38.11", "38.21", "38.22", "38.32", "39.00", "37.00", "71.12", "71.20"],
    "media": ["59.11", "59.12", "59.20", "73.11", "73.12", "74.10", "58.11", "58.14", "63.12", "90.03"],
    "consulting": ["70.22", "70.22", "70.21", "69.20", "74.90", "78.10", "82.11", "82.99", "73.20", "69.10"],
    "microsystems": ["26.11", "26.12", "26.51", "26.70", "27.40", "72.19", "26.20"],
    "food": ["10.89", "10.13", "10.71", "10.39", "01.61", "46.31", "11.07"],
    # Broad background mix: one class in most divisions of sections C, J, M, N, Q
    # plus a few trade and other services.
    "background": [
        "10.71", "11.07", "13.92", "14.13", "15.12", "16.23", "17.21", "18.12", "19.20",
        "20.41", "21.20", "22.22", "23.61", "24.51", "25.11", "26.12", "27.33", "28.25",
        "29.32", "30.20", "31.09", "32.99", "33.14",
        "58.14", "59.13", "60.10", "61.20", "62.03", "63.91",
        "69.10", "70.21", "71.11", "72.20", "73.20", "74.20", "75.00",
        "77.33", "78.20", "79.11", "80.10", "81.22", "82.30",
        "86.10", "87.10", "88.10", "88.99",
        "43.22", "46.51", "47.91", "66.19", "85.59", "95.11",
    ],
}

# ---------------------------------------------------------------------------
# Technology families: NACE code -> IPC pool used for that tenant's patents,
# and the probability that a tenant of the family holds patents.
# ---------------------------------------------------------------------------
IPC = {
    "software": ["G06F 16/245", "G06F 16/27", "G06F 17/30", "G06F 21/62", "G06F 9/50", "G06F 3/01",
                 "G06N 3/08", "G06N 20/00", "G06N 5/04", "H04L 9/32", "H04L 67/12", "G06Q 10/06",
                 "H04W 12/06", "G06T 7/00"],
    "itsec": ["H04L 9/08", "H04L 9/32", "H04L 63/14", "G06F 21/57", "G06F 21/60", "H04W 12/08", "G08B 13/196"],
    "health": ["A61K 9/20", "A61K 31/4439", "A61K 38/17", "A61K 39/395", "A61K 8/02", "A61P 35/00",
               "A61B 5/00", "A61B 5/145", "A61B 6/03", "A61B 34/30", "A61F 2/30", "A61C 8/00",
               "A61L 27/54", "C12N 15/10", "C12Q 1/68", "G01N 33/68", "G16H 50/20", "A61M 5/142"],
    "materials": ["C22C 38/00", "C22C 38/04", "C22C 21/00", "C08L 23/06", "C08K 3/04", "B22F 3/105",
                  "B22F 10/28", "C23C 14/34", "C23C 4/12", "C21D 9/46", "C07C 29/151", "C08G 18/48",
                  "C09D 5/08", "B32B 27/08"],
    "energy": ["H01M 8/04", "H01M 8/10", "H01M 10/0525", "H02J 3/38", "H02J 7/00", "F03D 7/02",
               "H01L 31/18", "H02S 40/32", "F24S 10/40", "C25B 1/04", "F17C 1/00", "H02M 7/48", "F28D 20/00"],
    "logistics": ["B65G 1/137", "B65G 47/90", "B65G 1/04", "G06Q 10/08", "G06Q 50/28", "B65D 88/12",
                  "G08G 1/00", "B66F 9/06"],
    "environment": ["B01D 53/86", "B01D 53/62", "B01D 61/02", "C02F 1/44", "C02F 3/28", "C02F 11/04",
                    "B09B 3/00", "F23G 5/027", "C10L 5/46", "B03B 9/06"],
    "machinery": ["B23K 26/38", "B23K 31/12", "F16H 1/28", "F16H 57/02", "B25J 9/16", "B25J 13/08",
                  "G05B 19/418", "B23Q 17/09", "B33Y 10/00", "B21D 22/02", "F16C 19/18", "B23P 19/04",
                  "F16K 31/06"],
    "electronics": ["H01L 21/02", "H01L 23/00", "B81B 7/02", "H05K 1/02", "G01S 13/93", "G01R 31/36",
                    "H03H 9/02", "G01L 1/00"],
    "engineering": ["G01N 21/88", "G01B 11/24", "G01M 5/00", "G01S 17/89", "B25J 9/16", "G05B 19/418",
                    "C22C 38/00", "F16H 57/02", "B33Y 10/00", "H02J 3/38"],
    "food": ["A23L 33/105", "A23L 3/00", "A23K 10/00", "A01G 9/14"],
}
# A syntactically valid IPC symbol whose subclass (G06V, introduced in
# IPC 2022.01) is absent from ipc_to_wipo35_concordance.csv. Used exactly once.
UNMAPPED_IPC = "G06V 10/82"

PATENT_PROB = {
    "software": 0.18, "itsec": 0.25, "health": 0.35, "clinic": 0.06, "materials": 0.45,
    "energy": 0.35, "logistics": 0.12, "environment": 0.30, "machinery": 0.45,
    "electronics": 0.50, "engineering": 0.30, "food": 0.15,
}
FAMILY_IPC = {"clinic": "health"}


def family_of(code):
    """Technology family of a NACE class (e.g. '62.01'), or None."""
    div = code[:2]
    if code in ("72.11", "32.50", "26.60"):
        return "health"
    if code in ("72.19", "71.11", "71.12", "71.20", "74.90"):
        return "engineering" if code in ("72.19", "71.12", "71.20") else None
    if code == "80.20" or code == "26.30":
        return "itsec"
    if div in ("62", "63") or code.startswith("58.2") or div == "61":
        return "software"
    if div == "26" or code == "27.40":
        return "electronics"
    if div == "21":
        return "health"
    if div == "86":
        return "clinic"
    if div in ("20", "22", "23", "24") or code in ("25.61", "25.11"):
        return "materials"
    if div in ("27", "35") or code == "43.21":
        return "energy"
    if div in ("49", "52"):
        return "logistics"
    if div in ("37", "38", "39"):
        return "environment"
    if div in ("25", "28", "29", "30", "33"):
        return "machinery"
    if div in ("01", "10", "11"):
        return "food"
    return None


# ---------------------------------------------------------------------------
# Centres. Real names come from ruhr_technology_centres_partial.csv (checked at
# run time). ZENIT GmbH (Mülheim) is left out: it is a transfer agency, not a
# tenant centre.
# Fields: subregion, name or None (placeholder), municipality, type,
#         opened (year or (lo, hi) range), size factor, sector mix,
#         fixed approximate coordinates or None.
# ---------------------------------------------------------------------------
TC, SC, SP, INC = "technology centre", "start-up centre", "science park", "incubator"

CENTRES = [
    # Dortmund (5)
    ("Dortmund", "TechnologieZentrumDortmund (TZDO)", "Dortmund", TC, 1985, 6.0,
     {"logistics": 25, "machinery": 20, "materials": 15, "environment": 15, "ict": 15, "background": 10},
     (51.4925, 7.4125)),
    ("Dortmund", None, "Dortmund", None, None, 1.4,
     {"ict": 45, "itsec": 10, "consulting": 15, "media": 10, "background": 20}, None),
    ("Dortmund", None, "Dortmund", None, None, 1.2,
     {"microsystems": 40, "engineering": 20, "ict": 15, "background": 25}, None),
    ("Dortmund", None, "Dortmund", None, None, 1.2,
     {"biotech": 40, "health": 25, "ict": 10, "background": 25}, None),
    ("Dortmund", None, "Dortmund", None, None, 1.0,
     {"ict": 35, "logistics": 20, "consulting": 15, "media": 10, "background": 20}, None),
    # Bochum (4, all real)
    ("Bochum", "Technologiezentrum Ruhr (TZR)", "Bochum", TC, (1988, 1996), 1.6,
     {"engineering": 30, "health": 20, "consulting": 15, "itsec": 10, "ict": 10, "background": 15},
     (51.4460, 7.2620)),
    ("Bochum", "Gesundheitscampus Bochum", "Bochum", SP, (2012, 2017), 1.3,
     {"health": 55, "biotech": 15, "ict": 10, "consulting": 5, "background": 15}, (51.4470, 7.2680)),
    ("Bochum", "Technologie- und Gründerzentrum Wattenscheid", "Bochum", SC, (1990, 2000), 1.0,
     {"engineering": 40, "media": 30, "ict": 10, "consulting": 10, "background": 10}, (51.4820, 7.1390)),
    ("Bochum", "BioMedizinZentrum Bochum", "Bochum", TC, (1998, 2006), 0.9,
     {"biotech": 55, "health": 30, "ict": 5, "background": 10}, (51.4450, 7.2700)),
    # Essen (4)
    ("Essen", None, "Essen", None, None, 1.5,
     {"energy": 40, "consulting": 20, "ict": 15, "background": 25}, None),
    ("Essen", None, "Essen", None, None, 1.2,
     {"materials": 35, "energy": 15, "engineering": 20, "background": 30}, None),
    ("Essen", None, "Essen", None, None, 1.2,
     {"health": 45, "biotech": 20, "ict": 10, "background": 25}, None),
    ("Essen", None, "Essen", None, None, 1.0,
     {"consulting": 30, "ict": 30, "itsec": 10, "media": 10, "background": 20}, None),
    # Duisburg (4)
    ("Duisburg", None, "Duisburg", None, None, 1.5,
     {"logistics": 50, "ict": 15, "consulting": 10, "background": 25}, None),
    ("Duisburg", None, "Duisburg", None, None, 1.2,
     {"materials": 45, "machinery": 20, "engineering": 10, "background": 25}, None),
    ("Duisburg", None, "Duisburg", None, None, 1.1,
     {"microsystems": 35, "energy": 25, "engineering": 15, "background": 25}, None),
    ("Duisburg", None, "Duisburg", None, None, 0.9,
     {"logistics": 30, "ict": 25, "consulting": 15, "background": 30}, None),
    # Ennepe-Ruhr-Kreis (3, all real)
    ("Ennepe-Ruhr-Kreis", "Förder- und Entwicklungsgesellschaft Witten GmbH", "Witten", TC, (1990, 2000), 1.0,
     {"biotech": 40, "health": 35, "ict": 10, "background": 15}, (51.4400, 7.3450)),
    ("Ennepe-Ruhr-Kreis", "Zahnmedizinisch Biowissenschaftliches Forschungs- und Entwicklungszentrum (ZBZ)",
     "Witten", TC, (1998, 2008), 0.6,
     {"dental": 55, "biotech": 30, "background": 15}, (51.4470, 7.3360)),
    ("Ennepe-Ruhr-Kreis", "Technologie- und Gründerzentrum Hattingen", "Hattingen", SC, (1992, 2002), 0.7,
     {"environment": 50, "materials": 15, "engineering": 15, "background": 20}, (51.3990, 7.1860)),
    # Gelsenkirchen (2)
    ("Gelsenkirchen", None, "Gelsenkirchen", SP, None, 1.2,
     {"energy": 50, "engineering": 15, "ict": 10, "background": 25}, None),
    ("Gelsenkirchen", None, "Gelsenkirchen", None, None, 0.8,
     {"energy": 30, "ict": 25, "consulting": 15, "background": 30}, None),
    # Mülheim an der Ruhr (2)
    ("Mülheim an der Ruhr", None, "Mülheim an der Ruhr", None, None, 1.0,
     {"energy": 30, "environment": 25, "materials": 15, "background": 30}, None),
    ("Mülheim an der Ruhr", None, "Mülheim an der Ruhr", None, None, 0.7,
     {"ict": 30, "consulting": 20, "energy": 15, "background": 35}, None),
    # Oberhausen (2)
    ("Oberhausen", "Technologiezentrum Umweltschutz (TZU)", "Oberhausen", TC, (1992, 1994), 1.1,
     {"environment": 55, "engineering": 20, "energy": 10, "background": 15}, (51.4930, 6.8750)),
    ("Oberhausen", None, "Oberhausen", None, None, 0.7,
     {"environment": 30, "energy": 25, "engineering": 20, "background": 25}, None),
    # Recklinghausen (2)
    ("Recklinghausen", None, "Marl", None, None, 1.0,
     {"materials": 45, "engineering": 15, "environment": 10, "background": 30}, None),
    ("Recklinghausen", None, "Recklinghausen", None, None, 0.8,
     {"logistics": 30, "ict": 20, "consulting": 15, "background": 35}, None),
    # Unna (2)
    ("Unna", None, "Unna", None, None, 0.9,
     {"logistics": 45, "ict": 10, "consulting": 15, "background": 30}, None),
    ("Unna", None, "Kamen", None, None, 0.7,
     {"materials": 30, "machinery": 25, "logistics": 15, "background": 30}, None),
    # one each
    ("Herne", "Innovations- und Gründerzentrum Herne", "Herne", SC, (1990, 2000), 1.0,
     {"machinery": 30, "engineering": 25, "logistics": 20, "ict": 10, "background": 15}, (51.5420, 7.2150)),
    ("Hamm", None, "Hamm", None, None, 0.9,
     {"energy": 35, "logistics": 25, "engineering": 20, "background": 20}, None),
    ("Hagen", None, "Hagen", None, None, 0.9,
     {"machinery": 35, "materials": 20, "ict": 15, "background": 30}, None),
    ("Bottrop", None, "Bottrop", None, None, 0.7,
     {"energy": 35, "environment": 20, "engineering": 20, "background": 25}, None),
    ("Wesel", None, "Kamp-Lintfort", None, None, 0.7,
     {"logistics": 35, "food": 25, "materials": 15, "background": 25}, None),
]

LEGAL_FORMS = [("GmbH", 60), ("UG (haftungsbeschränkt)", 12), ("GmbH & Co. KG", 10), ("AG", 5),
               ("e.K.", 5), ("KG", 4), ("Ltd.", 2), ("eG", 2)]
FORMULA_NAME = '=HYPERLINK("http://example.com","x")'
QUOTE_COMMA_NAME = 'Müller, "Schmidt" & Co. KG'


# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------
def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_reference(refdir):
    ref = {}
    ref["nace4"] = {r["code"] for r in read_csv(os.path.join(refdir, "nace_rev2_en.csv")) if r["level"] == "4"}
    wz5 = {}
    for r in read_csv(os.path.join(refdir, "wz2008_de.csv")):
        if r["level"] == "5":
            wz5.setdefault(r["code"][:5], []).append(r["code"])
    ref["wz5"] = wz5
    conc_mg, conc_sub = set(), set()
    for r in read_csv(os.path.join(refdir, "ipc_to_wipo35_concordance.csv")):
        if r["ipc_main_group"]:
            conc_mg.add((r["ipc_subclass"], r["ipc_main_group"]))
        else:
            conc_sub.add(r["ipc_subclass"])
    ref["conc_mg"], ref["conc_sub"] = conc_mg, conc_sub
    ref["nuts"] = {r["nuts3_2021"]: r for r in read_csv(os.path.join(refdir, "nrw_nuts3_ruhr.csv"))}
    ref["real_centres"] = {r["name"]: r for r in read_csv(os.path.join(refdir, "ruhr_technology_centres_partial.csv"))}
    ref["baseline"] = read_csv(os.path.join(refdir, "eurostat_nama_10r_3empers_2018.csv"))
    return ref


def ipc_maps(symbol, ref):
    """True if the IPC symbol maps: subclass + main group first, then subclass."""
    compact = symbol.replace(" ", "")
    sub, rest = compact[:4], compact[4:]
    group = rest.split("/")[0]
    return (sub, group) in ref["conc_mg"] or sub in ref["conc_sub"]


def check_reference(ref):
    members = sorted(k for k, r in ref["nuts"].items() if r["ruhr_metropolis_member"] == "1")
    assert members == sorted(m[0] for m in MEMBERS), members
    for code, short, _, _ in MEMBERS:
        assert ref["nuts"][code]["name"].startswith(short), (code, short)
    for pool, codes in POOLS.items():
        for c in codes:
            assert c in ref["nace4"], (pool, c)
            assert c in ref["wz5"], (pool, c)
    for fam, syms in IPC.items():
        for s in syms:
            assert ipc_maps(s, ref), (fam, s)
    assert not ipc_maps(UNMAPPED_IPC, ref)
    for c in CENTRES:
        if c[1] is not None:
            real = ref["real_centres"][c[1]]
            assert real["city"].split(" (")[0] == c[2], (c[1], real["city"])


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def wchoice(rng, items):
    """Weighted choice from a list of (value, weight) pairs."""
    total = sum(w for _, w in items)
    x = rng.random() * total
    for v, w in items:
        x -= w
        if x < 0:
            return v
    return items[-1][0]


def rand_date(rng, lo, hi, skew=1.0):
    """Random date in [lo, hi]; skew > 1 favours dates near hi."""
    span = (hi - lo).days
    u = rng.random() ** skew
    return hi - dt.timedelta(days=int(round(u * span)))


def spell_nace(rng, code, ref):
    """Real-world spellings of a NACE class: 62.01 / 6201 / 62010 / 62.01.0."""
    x = rng.random()
    if x < 0.75:
        return code
    if x < 0.90:
        return code.replace(".", "")
    sub = rng.choice(ref["wz5"][code])          # real WZ 2008 sub-class, e.g. 62.01.0
    if x < 0.95:
        return sub.replace(".", "")
    return sub


def spell_ipc(rng, symbol):
    return symbol if rng.random() < 0.6 else symbol.replace(" ", "")


def enc(value, force_quote=False):
    """One CSV field as the csv module writes it (QUOTE_MINIMAL), optionally forced quoted."""
    s = "" if value is None else str(value)
    if force_quote or any(ch in s for ch in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_csv(path, header, rows, force_quote_char=None):
    """UTF-8 (no BOM), LF, comma, RFC 4180 quoting. Fields containing
    force_quote_char (e.g. ';') are quoted although RFC 4180 does not require it."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        if force_quote_char is None:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        else:
            for row in [header] + rows:
                f.write(",".join(enc(v, force_quote_char in str(v)) for v in row) + "\n")


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------
def make_centres(rng):
    centres = []
    counters = {}
    for i, (sub, name, muni, ctype, opened, size, mix, coords) in enumerate(CENTRES, start=1):
        nuts3, _, clat, clon = MEMBER[sub]
        if name is None:
            counters[sub] = counters.get(sub, 0) + 1
            name = "Placeholder centre %s %d (synthetic)" % (sub, counters[sub])
            ctype = ctype or wchoice(rng, [(TC, 40), (SC, 30), (INC, 20), (SP, 10)])
            opened = rng.randint(1986, 2021)
            if coords is None:
                blat, blon = MUNICIPALITY_COORDS.get(muni, (clat, clon))
                coords = (blat + rng.uniform(-0.02, 0.02), blon + rng.uniform(-0.03, 0.03))
        elif isinstance(opened, tuple):
            opened = rng.randint(*opened)
        factor = size * (1.3 if sub in BIG_CITIES else 1.0) * rng.lognormvariate(0.0, 0.35)
        centres.append({
            "centre_id": "C%02d" % i, "name": name, "subregion": sub, "nuts3": nuts3,
            "municipality": muni, "type": ctype, "opened": opened,
            "lat": "%.4f" % coords[0], "lon": "%.4f" % coords[1],
            "size": factor, "mix": sorted(mix.items()),
        })
    # Tenant counts 30..200 proportional to the drawn size, scaled to a drawn total.
    target = rng.randint(*TARGET_TENANTS)
    lo, hi = 1.0, 1000.0
    for _ in range(100):
        k = (lo + hi) / 2
        total = sum(min(200, max(30, round(k * c["size"]))) for c in centres)
        if total < target:
            lo = k
        else:
            hi = k
    for c in centres:
        c["n_tenants"] = min(200, max(30, round(hi * c["size"])))
        c["floor_area_m2"] = int(round(c["n_tenants"] * rng.uniform(70, 160), -1))
    return centres


def make_tenant(rng, tid, centre, ref):
    code = rng.choice(POOLS[wchoice(rng, centre["mix"])])
    opened = dt.date(centre["opened"], 1, 1)
    entered = rand_date(rng, opened, END_ENTERED, skew=1.4)
    p_startup = {INC: 0.8, SC: 0.7, TC: 0.5, SP: 0.4}[centre["type"]]
    if rng.random() < p_startup:
        founded = entered.year - rng.randint(0, 5)
    else:
        founded = entered.year - rng.randint(6, 45)
    startup = 1 if 0 <= entered.year - founded <= 5 else 0
    if startup:
        emp = rng.lognormvariate(1.1, 0.8)
    else:
        emp = rng.lognormvariate(2.7, 1.0)
    employees = min(250, max(1, int(round(emp))))
    left = ""
    years_in = (END_ENTERED - entered).days / 365.25
    p_left = min(0.5, 0.02 + 0.02 * years_in)
    latest = min(END_LEFT, entered + dt.timedelta(days=3650))
    if rng.random() < p_left and (latest - entered).days > 120:
        left = rand_date(rng, entered + dt.timedelta(days=90), latest).isoformat()
    form = wchoice(rng, LEGAL_FORMS if not startup else [("GmbH", 55), ("UG (haftungsbeschränkt)", 40), ("AG", 5)])
    return {
        "tenant_id": "T%05d" % tid, "centre_id": centre["centre_id"],
        "name": "Synthetic Firm %04d %s" % (tid, form),
        "code": code, "nace": spell_nace(rng, code, ref), "employees": employees,
        "founded": founded, "entered": entered.isoformat(), "left": left, "startup": startup,
    }


def make_tenants(rng, centres, ref):
    tenants = []
    tid = 0
    for c in centres:
        for _ in range(c["n_tenants"]):
            tid += 1
            tenants.append(make_tenant(rng, tid, c, ref))
    # Safety-test names on two random tenants.
    a, b = rng.sample(range(len(tenants)), 2)
    tenants[a]["name"] = FORMULA_NAME
    tenants[b]["name"] = QUOTE_COMMA_NAME
    special = {a, b}
    # About 1 % missing employees.
    missing = rng.sample([i for i in range(len(tenants)) if i not in special], round(0.01 * len(tenants)))
    for i in missing:
        tenants[i]["employees"] = ""
    return tenants, tid


def make_patents(rng, tenants, ref):
    # Candidate tenants: technology family, entered before 2026, tenure overlapping 2005-2025.
    cands = []
    for t in tenants:
        fam = family_of(t["code"])
        if fam is None:
            continue
        y0 = max(PATENT_YEARS[0], int(t["entered"][:4]) - 2, t["founded"])
        y1 = min(PATENT_YEARS[1], int(t["left"][:4]) if t["left"] else PATENT_YEARS[1])
        if y0 > y1:
            continue
        if rng.random() < PATENT_PROB[fam]:
            cands.append((t, FAMILY_IPC.get(fam, fam), y0, y1))
    # Patent counts per tenant grow with size; scaled to a drawn total.
    weights = []
    for t, _, y0, y1 in cands:
        emp = t["employees"] if t["employees"] != "" else 5
        span = y1 - y0 + 1
        weights.append(rng.expovariate(1.0) * (1.0 + math.log1p(emp)) * min(1.0, span / 10.0))
    target = rng.randint(*TARGET_PATENTS)
    scale = (target - len(cands)) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    # Fix the rounding shortfall deterministically.
    i = 0
    order = sorted(range(len(cands)), key=lambda j: -weights[j])
    while sum(counts) < target:
        counts[order[i % len(order)]] += 1
        i += 1
    patents = []   # (patent_id, tenant, [symbols], style)
    pid = 0
    unmapped_done = False
    for (t, fam, y0, y1), n in zip(cands, counts):
        for _ in range(n):
            pid += 1
            k = wchoice(rng, [(1, 55), (2, 30), (3, 15)])
            pool = IPC[fam]
            syms = rng.sample(pool, min(k, len(pool)))
            if k > 1 and rng.random() < 0.2:       # occasional cross-field code
                other = rng.choice(IPC[rng.choice(["software", "engineering", "materials"])])
                if other not in syms:
                    syms[-1] = other
            # Fewer patents in the last two years (publication lag).
            year = wchoice(rng, [(y, YEAR_WEIGHT.get(y, 1.0)) for y in range(y0, y1 + 1)])
            if not unmapped_done and fam == "software" and k == 1:
                syms = [UNMAPPED_IPC]
                unmapped_done = True
            style = "split"
            if len(syms) > 1 and rng.random() < 0.11:   # ~5 % of all patents: one row "a;b"
                style = "joined"
            patents.append(("P%05d" % pid, t, syms, style, year))
    assert unmapped_done
    rows = []
    for p_id, t, syms, style, year in patents:
        spelled = [spell_ipc(rng, s) for s in syms]
        if style == "joined":
            rows.append([p_id, t["centre_id"], t["tenant_id"], ";".join(spelled), year])
        else:
            for s in spelled:
                rows.append([p_id, t["centre_id"], t["tenant_id"], s, year])
    return rows, len(patents)


def add_quality_cases(rng, centres, tenants, next_tid, patented_ids, ref):
    """Two extra rows: one tenant in unknown centre C99, one reusing a tenant_id."""
    rows = [[t["tenant_id"], t["centre_id"], t["name"], t["nace"], t["employees"], t["founded"],
             t["entered"], t["left"], t["startup"]] for t in tenants]
    fake_centre = {"centre_id": "C99", "opened": 2010, "type": TC,
                   "mix": [("ict", 50), ("background", 50)]}
    c99 = make_tenant(rng, next_tid + 1, fake_centre, ref)
    c99["nace"] = c99["code"]
    if c99["employees"] == "":
        c99["employees"] = 3
    # Duplicate: a different firm in the same centre that reuses the tenant_id
    # of an existing, non-patenting tenant (centre must stay at <= 200 tenants).
    by_id = {c["centre_id"]: c for c in centres}
    cands = [t for t in tenants if t["tenant_id"] not in patented_ids and t["employees"] != ""
             and t["name"].startswith("Synthetic Firm") and by_id[t["centre_id"]]["n_tenants"] < 200]
    orig = rng.choice(cands)
    same_centre = by_id[orig["centre_id"]]
    dup = make_tenant(rng, next_tid + 2, same_centre, ref)
    dup["tenant_id"] = orig["tenant_id"]
    dup["nace"] = dup["code"]
    if dup["employees"] == "":
        dup["employees"] = 4
    extra = []
    for t in (c99, dup):
        extra.append([t["tenant_id"], t["centre_id"], t["name"], t["nace"], t["employees"],
                      t["founded"], t["entered"], t["left"], t["startup"]])
    # C99 row somewhere in the middle; duplicate row after the original.
    pos_c99 = rng.randint(len(rows) // 4, 3 * len(rows) // 4)
    rows.insert(pos_c99, extra[0])
    orig_pos = next(i for i, r in enumerate(rows) if r[0] == orig["tenant_id"])
    pos_dup = rng.randint(orig_pos + 1, len(rows))
    rows.insert(pos_dup, extra[1])
    return rows, orig["tenant_id"]


def baseline_rows(ref):
    members = {m[0] for m in MEMBERS}
    rows = [[r["geo"], r["nace_r2"], r["value"], r["year"], "", r["nace_r2_label"]]
            for r in ref["baseline"]
            if r["geo"] in members]
    assert len(rows) == 15 * 8, len(rows)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--reference", default=DEFAULT_REFERENCE,
                    help="folder with the reference CSVs (default: ../reference)")
    args = ap.parse_args()

    ref = load_reference(args.reference)
    check_reference(ref)
    rng = random.Random(args.seed)

    centres = make_centres(rng)
    tenants, last_tid = make_tenants(rng, centres, ref)
    patent_rows, n_patents = make_patents(rng, tenants, ref)
    patented = {r[2] for r in patent_rows}
    tenant_rows, dup_id = add_quality_cases(rng, centres, tenants, last_tid, patented, ref)

    os.makedirs(args.out, exist_ok=True)
    write_csv(os.path.join(args.out, "centres.csv"),
              ["centre_id", "name", "subregion", "nuts3", "municipality", "type", "opened",
               "floor_area_m2", "lat", "lon"],
              [[c["centre_id"], c["name"], c["subregion"], c["nuts3"], c["municipality"], c["type"],
                c["opened"], c["floor_area_m2"], c["lat"], c["lon"]] for c in centres])
    write_csv(os.path.join(args.out, "tenants.csv"),
              ["tenant_id", "centre_id", "name", "nace", "employees", "founded", "entered", "left",
               "startup"], tenant_rows)
    write_csv(os.path.join(args.out, "patents.csv"),
              ["patent_id", "centre_id", "tenant_id", "ipc", "year"], patent_rows,
              force_quote_char=";")
    write_csv(os.path.join(args.out, "baseline.csv"), ["region", "nace", "value", "year", "flag", "label"],
              baseline_rows(ref))
    print("seed %d: %d centres, %d tenant rows, %d patents in %d patent rows, duplicate tenant_id %s"
          % (args.seed, len(centres), len(tenant_rows), n_patents, len(patent_rows), dup_id))


if __name__ == "__main__":
    main()
