#!/usr/bin/env python3
"""Checks the month-end workbook (vxrecon report) with two readers vxrecon did not write:
openpyxl reads the file, LibreOffice the CSV files it made of every sheet. What finance sees
must hold together: every id once, First seen a date, Nights open a number exactly when the
answer is not final, the aging bands adding up to the open ids, the nights' table adding up,
the runs it drew from, and the trend chart (columns and a line) in the file.

usage: check_monthend.py MONTH.xlsx CSV_DIR NIGHTS"""
import datetime
import re
import sys
import zipfile

import openpyxl

from lo_csv import read_sheet  # beside this script

path, csv_dir, nights = sys.argv[1], sys.argv[2], int(sys.argv[3])
problems = []


def check(ok, msg):
    if not ok:
        problems.append(msg)


wb = openpyxl.load_workbook(path)
summ = wb["Summary"]
cells = {}
for row in summ.iter_rows():
    for c in row:
        if isinstance(c.value, str):
            cells.setdefault(c.value, c)


def below(title, n, width):
    """The n rows under the cell holding title, width cells each from its column."""
    c = cells.get(title)
    if c is None:
        problems.append(f"Summary has no {title!r}")
        return []
    return [[summ.cell(row=c.row + 1 + i, column=c.column + k).value for k in range(width)] for i in range(n)]


res = wb["Results"]
rows = list(res.iter_rows(values_only=True))
head = list(rows[0])
for col in ("Request ID", "Classification", "First seen", "Nights open"):
    check(col in head, f"Results has no {col!r} column: {head}")
ids = [r[head.index("Request ID")] for r in rows[1:]]
check(len(ids) == len(set(ids)) and ids, f"Results: {len(ids)} rows, {len(set(ids))} distinct ids")
open_ids = 0
for r in rows[1:]:
    cls, first, nights_open = r[head.index("Classification")], r[head.index("First seen")], r[head.index("Nights open")]
    check(isinstance(first, datetime.datetime), f"{r[1]}: First seen {first!r} is not a date")
    final = cls in ("PASS", "FAIL")
    check((nights_open is None) == final, f"{r[1]} {cls}: Nights open {nights_open!r}")
    if not final:
        open_ids += 1
        check(isinstance(nights_open, int) and nights_open >= 1, f"{r[1]}: Nights open {nights_open!r}")

bands = below("Open items by age", 6, 3)[1:]
check([b[0] for b in bands] == ["1", "2–3", "4–7", "8–30", "> 30"], f"aging bands {bands}")
check(sum(b[1] for b in bands if isinstance(b[1], int)) == open_ids, f"aging counts {bands}, want {open_ids} open ids in all")
check(all(isinstance(b[2], (int, float)) for b in bands), f"aging amounts {bands}")

trend = below("Last 30 nights", nights, 8)
for t in trend:
    check(isinstance(t[0], datetime.datetime), f"trend night {t[0]!r} is not a date")
    check(all(isinstance(v, int) for v in t[1:7]) and sum(t[1:6]) == t[6], f"trend row {t}")
    check(abs(t[7] - t[1] / t[6]) < 1e-9, f"trend pass rate {t}")
check(trend and trend[-1][6] == len(ids) or nights == 0, f"the last night counted {trend[-1:]} ids, the Results {len(ids)}")

runs_title = next((k for k in cells if k.startswith("Runs ")), None)
check(runs_title is not None, "Summary does not list the runs it drew from")
if runs_title:
    runs = below(runs_title, nights, 5)
    check(all(r[3] == "COMPLETE" and isinstance(r[4], int) for r in runs), f"runs drawn from {runs}")

with zipfile.ZipFile(path) as z:
    charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    check(len(charts) == 2, f"charts {charts}, want the classes' and the nights'")
    xml = "".join(z.read(n).decode() for n in charts)
    check(re.search(r"<(c:)?lineChart>", xml) and re.search(r"<(c:)?barChart>", xml), "the nights' chart has no columns and line")

# LibreOffice's view: the dates as dates, the bands and the runs.
def sheet(name):
    return read_sheet(csv_dir, name, problems)


lo = sheet("Summary")
flat = [c for r in lo for c in r]
check("Open items by age" in flat and "Last 30 nights" in flat, "LibreOffice: the aging and nights blocks are missing")
lo_res = sheet("Results")
if lo_res:
    fs = lo_res[0].index("First seen") if "First seen" in lo_res[0] else None
    check(fs is not None and all(len(r[fs]) == 10 and r[fs][4] == "-" for r in lo_res[1:]), "LibreOffice: First seen is not shown as YYYY-MM-DD")
    check(len(lo_res) - 1 == len(ids), f"LibreOffice: {len(lo_res) - 1} Results rows, openpyxl {len(ids)}")

if problems:
    print("month-end workbook problems:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"month-end workbook OK: {len(ids)} ids, {open_ids} open, {nights} nights")
