#!/usr/bin/env python3
"""Write the seed corpora of the fuzz harnesses into tests/fuzz/corpus/.

    python3 tests/fuzz/make_seeds.py        (from anywhere)

The seeds are checked in; this script documents where they come from and
rewrites them after a change of the input formats: rows of datasets/small,
the bad-input cases of tests/cli/cli_tests.sh, models/ruhr.ini and
tests/golden/small.ini.  Existing files of the same name are overwritten;
other files (e.g. added by hand) are left alone.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SMALL = os.path.join(ROOT, "datasets", "small")
MARK = b"\n@@\n"


def read(*p):
    with open(os.path.join(ROOT, *p), "rb") as f:
        return f.read()


def put(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def nl_strip(b):
    return b[:-1] if b.endswith(b"\n") else b


def join(*files):
    """A fuzz_dataset input: the files joined by the marker."""
    return MARK.join(nl_strip(f) for f in files) + b"\n"


def edit(data, line, old, new):
    """Replace old by new in physical line `line` (1-based), as cli_tests.sh."""
    lines = data.split(b"\n")
    assert old in lines[line - 1], (line, old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return b"\n".join(lines)


def dataset_seeds():
    c = read("datasets", "small", "centres.csv")
    t = read("datasets", "small", "tenants.csv")
    p = read("datasets", "small", "patents.csv")
    b = read("datasets", "small", "baseline.csv")
    # a shorter dataset: the first rows of each file
    tl = b"\n".join(t.split(b"\n")[:9]) + b"\n"
    pl = b"\n".join(p.split(b"\n")[:5]) + b"\n"
    put("fuzz_dataset", "small", join(c, t, p, b))
    put("fuzz_dataset", "small_no_baseline", join(c, t, p))
    put("fuzz_dataset", "small_no_patents", join(c, t))
    put("fuzz_dataset", "short", join(c, tl, pl))
    # patents by tenant only
    pt = b"patent_id,tenant_id,ipc,share\nP1,T001,G06F 16/245;H04L 9/32,1\n" \
         b"P2,T009,A61K 31/4439|C12N 15/10,0.5\nP3,T012,B25J0009160000,1\n" \
         b"P4,T999,G06N 3/08,1\nP5,T013,A01B,1\n"
    put("fuzz_dataset", "patents_by_tenant", join(c, t, pt))
    # awkward but valid: BOM, CRLF, ';' with decimal comma, quoted fields
    put("fuzz_dataset", "bom_crlf",
        join(b"\xef\xbb\xbf" + c.replace(b"\n", b"\r\n"),
             t.replace(b"\n", b"\r\n"), p))
    semi = t.replace(b",", b";").replace(b";20;2010", b";20,5;2010")
    put("fuzz_dataset", "semicolon_decimal_comma", join(c, semi))
    quoted = t.replace(b"Small Firm 01 GmbH", b'"Small, ""Firm"" 01\nGmbH"')
    put("fuzz_dataset", "quoted_newline", join(c, quoted, p))
    # doubtful rows: unknown centre, duplicate id, coarse NACE, WZ code,
    # section letter, unmapped IPC, missing employees
    doubt = t + b"T900,X99,Unknown Firm,62.01,3,2010,2012-01-01,,1\n" \
                b"T001,A1,Dup,62.01,3,2010,2012-01-01,,1\n" \
                b"T901,A1,Coarse,J,3,2010,2012-01-01,,ja\n" \
                b"T902,B1,WZ,62010,,2010,01.02.2012,,nein\n" \
                b"T903,B2,Left,28.41,0,2010,2012-01-01,2020-01-01,no\n"
    put("fuzz_dataset", "doubtful_rows", join(c, doubt, p + b"P100,B2,T903,H99Z 99/00,2022\n", b))
    # model lines
    opts = {
        "opt_class_cutoff": b"#! sectors.level=class data.cutoff=2020-12-31\n",
        "opt_section_employees": b"#! sectors.level=section sectors.weight=employees\n",
        "opt_baseline_own": b"#! specialisation.reference=baseline baseline.region=own\n",
        "opt_baseline_region": b"#! specialisation.reference=baseline baseline.region=DEA52 baseline.key=nuts3\n",
        "opt_relatedness_cosine": b"#! potentials.relatedness=cosine potentials.split=percentile potentials.percentile=60\n",
        "opt_score_goalposts": b"#! score.indicators=eci, patents score.weights=1, 2 score.directions=+, - "
                               b"score.normalisation=goalposts score.goalposts_low=-2, 0 score.goalposts_high=2, 5\n",
        "opt_score_geometric": b"#! score.aggregation=geometric score.normalisation=rank uncertainty.vary_normalisation=yes "
                               b"uncertainty.vary_aggregation=yes uncertainty.draws=10\n",
        "opt_domains": b"#! domains.ict=62 58.2 F06 F07 domains.health=21 72.11 F13\n",
        "opt_scenarios": b"#! scenario.grow.add_tenants=B2 62.01 3 startups scenario.grow.add_patents=A1 F06 2 "
                         b"scenario.merge.merge_centres=A2 A1 scenario.close.close_centre=B2 "
                         b"scenario.move.move_tenants=A1 B1 62.01 2 scenario.rm.remove_tenants=A1 62 1 "
                         b"scenario.par.threshold=1.5 scenario.par.level=group scenario.w.weights=1, 1, 1, 1, 1, 1, 1\n",
        "opt_overlaps": b"#! overlaps.cluster_cut=0.1 overlaps.partners=1 complexity.reflections=3\n",
    }
    for name, line in opts.items():
        put("fuzz_dataset", name, line + join(c, t, p, b))
    # the bad-input cases of tests/cli/cli_tests.sh (tenants.csv edits)
    bad = {
        "bad_nace": (4, b",62.01,", b",62.O1,"),
        "bad_nace_late_line": (21, b",28.41,", b",28.4x,"),
        "bad_unterminated_quote": (3, b"Small Firm 02 GmbH", b'"Small Firm 02 GmbH'),
        "bad_text_after_quote": (5, b"Small Firm 04 UG", b'"abc"x'),
        "bad_ragged_row": (6, b",Small Firm 05 GmbH", b""),
        "bad_missing_column": (1, b"nace", b"nacecode"),
        "bad_duplicate_column": (1, b"founded", b"employees"),
        "bad_nul_byte": (7, b"Small Firm", b"Small\x00Firm"),
        "bad_utf8": (8, b"Small Firm", b"Small\xffFirm"),
        "bad_negative_employees": (10, b",25,2009,", b",-25,2009,"),
        "bad_nan_employees": (11, b",40,1999,", b",nan,1999,"),
        "bad_date": (12, b"2018-11-01", b"2018-11-31"),
    }
    for name, (line, old, new) in bad.items():
        put("fuzz_dataset", name, join(c, edit(t, line, old, new), p))
    put("fuzz_dataset", "bad_empty_tenants", c + b"@@\n")
    put("fuzz_dataset", "bad_header_only", join(c, t.split(b"\n")[0] + b"\n"))
    put("fuzz_dataset", "bad_duplicate_centre", join(edit(c, 3, b"A2,", b"A1,"), t))
    put("fuzz_dataset", "bad_ipc", join(c, t, edit(p, 4, b"G06N 3/08", b"GO6N 3/08")))
    put("fuzz_dataset", "bad_utf16", join(b"\xff\xfe" + c, t))
    put("fuzz_dataset", "bad_baseline_nace", join(c, t, p, edit(b, 3, b",A,", b",A-Z,")))
    put("fuzz_dataset", "bad_baseline_missing",
        b"#! specialisation.reference=baseline\n" + join(c, t, p))
    put("fuzz_dataset", "bad_nuts3_differs", join(edit(c, 3, b"DEA52", b"DEA53"), t))


def long_table(sep, dec, header=b"geo,nace_r2,2018,unit"):
    s = sep
    rows = [header.replace(b",", s)]
    for g, n, v in [(b"R1", b"62.01", b"10"), (b"R1", b"62.02", b"5"),
                    (b"R1", b"72.11", b"1"), (b"R2", b"62.01", b"2"),
                    (b"R2", b"72.11", b"8"), (b"R3", b"62.02", b"4"),
                    (b"R4", b"62.02", b"12" + dec + b"5"), (b"R4", b"72.11", b"0")]:
        rows.append(s.join([g, n, v, b"THS"]))
    return b"\n".join(rows) + b"\n"


def eurostat(h):
    out = [b"freq,unit,nace_r2,geo\\" + h + b"\t2017 \t2018 "]
    for g, n, v in [(b"R1", b"62.01", b"10"), (b"R1", b"62.02", b"5"),
                    (b"R2", b"62.01", b"2"), (b"R2", b"72.11", b"8"),
                    (b"R3", b"72.11", b"4"), (b"R4", b"62.02", b"12.5")]:
        out.append(b"A,THS," + n + b"," + g + b"\t: \t" + v + b" e")
        out.append(b"A,PC," + n + b"," + g + b"\t1.5 \t99 ")
    return b"\n".join(out) + b"\n"


def long_seeds():
    put("fuzz_long", "comma", long_table(b",", b"."))
    put("fuzz_long", "semicolon", long_table(b";", b","))
    put("fuzz_long", "tab", long_table(b"\t", b"."))
    put("fuzz_long", "eurostat_time_period", eurostat(b"TIME_PERIOD"))
    put("fuzz_long", "eurostat_time", eurostat(b"time"))
    put("fuzz_long", "eurostat_one_unit",
        b"unit,nace_r2,geo\\TIME_PERIOD\t2018 \nTHS,C,DEA1\t5 \nTHS,J,DEA1\t7 p\n"
        b"THS,C,DEA2\t: \nTHS,J,DEA2\t1 \nTHS,B-E,DEA2\t3 \n")
    put("fuzz_long", "repeated_pairs",
        b"geo,nace_r2,2018\nA,62,1\nA,62,2\nB,62,0\nB,72,3\n\"C,x\",72,1e2\n")
    put("fuzz_long", "bad_missing_column", b"region,nace,emp\nR1,62.01,1\n")
    put("fuzz_long", "bad_negative", b"geo,nace_r2,2018\nR1,62.01,-1\n")
    put("fuzz_long", "bad_all_missing", b"geo,nace_r2,2018\nR1,62.01,:\nR2,62,\n")
    put("fuzz_long", "bad_eurostat_unfixed",
        b"freq,unit,nace_r2,geo\\time\t2018 \nA,THS,C,X\t1 \nA,PC,C,X\t2 \n")
    put("fuzz_long", "bad_eurostat_no_period",
        b"unit,nace_r2,geo\\time\t2017 \nTHS,C,X\t1 \n")
    put("fuzz_long", "bad_eurostat_short_dims",
        b"unit,nace_r2,geo\\time\t2018 \nTHS,C\t1 \n")
    put("fuzz_long", "bad_header_only", b"geo,nace_r2,2018\n")
    put("fuzz_long", "bad_empty_unit", b"geo,nace_r2,2018\n,62,1\n")


def model_seeds():
    put("fuzz_model", "ruhr", read("models", "ruhr.ini"))
    put("fuzz_model", "golden_small", read("tests", "golden", "small.ini"))
    base = b"""; test model
[model]
name = t
dataset = data
reference = ref

[sectors]
level = division
weight = tenants

[specialisation]
reference = network
threshold = 1

[data]
cutoff =

[baseline]
region = total
key = nuts3
"""
    put("fuzz_model", "cli_model", base)
    put("fuzz_model", "scores_scenarios", base + b"""
[score]
indicators = specialisation, density, eci, patents
weights = 1, 2, 1, 1
directions = +, +, +, -

[uncertainty]
draws = 500
seed = 7

[scenario.noop]
description = the same weights written again: nothing may change
weights = 1, 2, 1, 1

[scenario.grow]
add_tenants = B2 62.01 3 startups
""")
    put("fuzz_model", "all_actions", base + b"""
[domains]
ict = 62 58.2 F06 F07
ict = F08
health = 21 72.11 F13 F16

[scenario.a]
add_tenants = A1 72.19 2 employees=7
add_patents = B1 F13 3
move_tenants = A1 B2 62.01 1
remove_tenants = B1 28 1
[scenario.b]
merge_centres = B2 B1
close_centre = A2
threshold = 0.8
reference = baseline
level = group
weight = employees
""")
    put("fuzz_model", "goalposts", base.replace(b"cutoff =", b"cutoff = 2022-06-30") + b"""
[score]
indicators = eci, patents, growth
weights = 1, 2, 1
directions = +, -, +
normalisation = goalposts
goalposts_low = -2, 0, -1
goalposts_high = 2, 5, 1
growth_from = 2018-01-01
[potentials]
relatedness = jaccard
split = percentile
percentile = 30
[overlaps]
cluster_cut = 0.3
partners = 2
""")
    put("fuzz_model", "geometric_own", base.replace(b"region = total", b"region = own")
        .replace(b"reference = network", b"reference = baseline") + b"""
[score]
aggregation = geometric
normalisation = rank
geometric_shift = 0.5
[uncertainty]
vary_normalisation = yes
vary_aggregation = yes
weight_sd = 1
seed = 0
draws = 3
[complexity]
reflections = 2
""")
    # the model errors of tests/cli/cli_tests.sh
    bad = {
        "bad_unknown_key": base.replace(b"weight = tenants", b"weight = tenants\nweigth = employees"),
        "bad_unknown_section": base + b"\n[sector]\nlevel = class\n",
        "bad_duplicate_section": base + b"\n[model]\nname = u\n",
        "bad_duplicate_section_adjacent": base.replace(b"weight = tenants", b"\n[sectors]\nweight = tenants"),
        "bad_level": base.replace(b"level = division", b"level = divisions"),
        "bad_threshold_zero": base.replace(b"threshold = 1", b"threshold = 0"),
        "bad_scenario_centre": base + b"\n[scenario.bad]\nadd_tenants = Z9 62.01 3\n",
        "bad_scenario_nothing": base + b"\n[scenario.bad]\ndescription = nothing\n",
        "bad_indicator_twice": base + b"\n[score]\nindicators = eci, eci\nweights = 1, 1\ndirections = +, +\n",
        "bad_weights_zero": base + b"\n[score]\nweights = 0, 0, 0, 0, 0, 0, 0\n",
        "bad_weight_negative": base + b"\n[score]\nweights = 1, -1, 1, 1, 1, 1, 1\n",
        "bad_key_outside": b"name = x\n" + base,
        "bad_long_line": base + b"\n[domains]\nict = " + b"62 " * 2000 + b"\n",
        "bad_name_chars": base.replace(b"name = t", b"name = a/b"),
    }
    for name, data in bad.items():
        put("fuzz_model", name, data)


def main():
    dataset_seeds()
    long_seeds()
    model_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
