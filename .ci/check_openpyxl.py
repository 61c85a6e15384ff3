#!/usr/bin/env python3
"""Reads the demo workbook with openpyxl (a reader vxrecon did not write) and checks what an
analyst sees: formats, frozen panes, filters, bold headers, no formula cells, document
properties, and the Summary counts against the run summary JSON."""
import datetime
import json
import sys
import zipfile

import openpyxl

path, summary_path = sys.argv[1], sys.argv[2]
summary = json.load(open(summary_path))
problems = []


def check(ok, msg):
    if not ok:
        problems.append(msg)


HEADERS = {
    "Results": ["Row", "Request ID", "Classification", "HTTP Status", "Status", "Action", "Detail",
                "Service", "Confirmation", "Reference", "First Name", "Last Name", "Email", "Phone",
                "DOB", "Journey Duration (s)", "Journey Duration", "Stops", "Started At",
                "Finished At", "Issues", "Attempts", "Error"],
    "Journeys": ["Request ID", "Stop", "Timestamp", "Type", "Source", "Status", "Action", "Detail",
                 "Elapsed (s)"],
    "Issues": ["Issue", "Count"],
    "Errors": ["Row", "Request ID", "Error", "HTTP Status", "Attempts"],
    "Changes": ["Request ID", "Before", "Now", "Change"],
    "Billing": ["Class", "Lines", "Amount"],
}
BILLING_ROWS = ["PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "invalid", "duplicate lines",
                "to dispute", "total"]

wb = openpyxl.load_workbook(path)  # formulas kept as formulas: data_type 'f' would show them
check(wb.sheetnames == ["Summary", "Results", "Journeys", "Issues", "Errors", "Changes", "Billing"],
      f"sheet order {wb.sheetnames}")
check(wb.active.title == "Summary", f"active sheet is {wb.active.title}")
check(wb.properties.creator == "vxrecon", f"creator {wb.properties.creator!r}")
check(bool(wb.properties.title), "no document title")
check(wb.properties.created is not None, "no created time")

for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            check(c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}")
    if ws.title == "Summary":
        continue
    base = ws.title.split(" (")[0]
    header = [c.value for c in ws[1]]
    want = HEADERS[base]
    check(header[:len(want)] == want, f"{ws.title} headers {header}")
    check(ws.freeze_panes == "A2", f"{ws.title} freeze_panes {ws.freeze_panes}")
    check(bool(ws.auto_filter.ref) or bool(ws.tables), f"{ws.title} has no autofilter or table")
    check(all(c.font.b for c in ws[1] if c.value), f"{ws.title} header not bold")
    # Printed like a report: landscape, fit to width (Results over several pages at about full
    # size, the narrower sheets on one or two), the header row on every page and the columns up
    # to the Request ID on every page across.
    check(ws.page_setup.orientation == "landscape", f"{ws.title} prints {ws.page_setup.orientation}")
    wide = int(ws.page_setup.fitToWidth or 0)
    check(ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
          and (wide >= 3 if base == "Results" else 1 <= wide <= 2),
          f"{ws.title} prints {wide} pages wide")
    check(ws.print_title_rows in ("1:1", "$1:$1"), f"{ws.title} print title rows {ws.print_title_rows!r}")
    id_cols = {"Request ID": None}
    want_cols = None
    if header[:1] == ["Request ID"]:
        want_cols = ("A:A", "$A:$A")
    elif header[1:2] == ["Request ID"]:
        want_cols = ("A:B", "$A:$B")
    check(ws.print_title_cols in (want_cols or (None,)), f"{ws.title} print title columns {ws.print_title_cols!r}")
    # Every cell style names its font, so other readers do not fall back to a serif.
    for c in list(ws[1]) + list(ws[2]):
        if c.value is not None:
            check(bool(c.font.name), f"{ws.title}!{c.coordinate} has no font name")

res = wb["Results"]
col = {c.value: c.column for c in res[1]}
rows = list(res.iter_rows(min_row=2))
check(len(rows) == summary["results"], f"Results has {len(rows)} rows, summary says {summary['results']}")
classes = {}
seen_duration = seen_date = False
for r in rows:
    cls = r[col["Classification"] - 1].value
    classes[cls] = classes.get(cls, 0) + 1
    secs = r[col["Journey Duration (s)"] - 1]
    dur = r[col["Journey Duration"] - 1]
    started = r[col["Started At"] - 1]
    if secs.value is not None and secs.value != "":
        check(isinstance(secs.value, (int, float)), f"Journey Duration (s) not a number: {secs.value!r}")
        check(dur.number_format == "[h]:mm:ss", f"Journey Duration format {dur.number_format!r}")
        # openpyxl reads a [h]:mm:ss cell as a timedelta (or time); either way, the same seconds.
        v = dur.value
        if isinstance(v, datetime.timedelta):
            check(abs(v.total_seconds() - secs.value) < 1, f"duration {v} != {secs.value}s")
        seen_duration = True
    if started.value not in (None, ""):
        check(isinstance(started.value, datetime.datetime), f"Started At not a date-time: {started.value!r}")
        seen_date = True
    line = r[col["Row"] - 1].value
    check(isinstance(line, int), f"Row not a number: {line!r}")
    dups = r[col["Duplicate Rows"] - 1].value
    check(dups in (None, "") or isinstance(dups, str), f"Duplicate Rows not text: {dups!r}")
    if secs.value not in (None, ""):
        check(secs.number_format == "0.000", f"Journey Duration (s) format {secs.number_format!r}")
    http = r[col["HTTP Status"] - 1].value
    check(http in (None, "") or isinstance(http, int), f"HTTP Status not a number: {http!r}")
    first = r[col["First Name"] - 1].value
    check(first in (None, "") or str(first).endswith("***"), f"First Name not masked: {first!r}")
check(seen_duration and seen_date, "no journey durations or start times at all")
for cls, n in summary["counts"].items():
    check(classes.get(cls, 0) == n, f"Results has {classes.get(cls, 0)} {cls}, summary {n}")

summ = wb["Summary"]
labels = {}
for row in summ.iter_rows():
    for i, c in enumerate(row[:-1]):
        if isinstance(c.value, str) and c.value not in labels:
            labels[c.value] = row[i + 1].value
for cls, n in summary["counts"].items():
    check(labels.get(cls) == n, f"Summary {cls} = {labels.get(cls)!r}, want {n}")

# Finance: the Billing table in its order, amounts as numbers with two decimals, adding up.
bill = wb["Billing"]
brows = {}
for r in bill.iter_rows(min_row=2, max_row=len(BILLING_ROWS) + 1):
    brows[r[0].value] = (r[1].value, r[2].value)
    check(r[2].number_format == "#,##0.00", f"Billing {r[0].value} amount format {r[2].number_format!r}")
check(list(brows) == BILLING_ROWS, f"Billing rows {list(brows)}")
b = summary["billing"]
check(brows["total"] == (b["lines"], b["amount"]), f"Billing total {brows['total']}, summary {b}")
check(brows["to dispute"] == (b["to_dispute_lines"], b["to_dispute_amount"]), f"Billing to dispute {brows['to dispute']}")
check(abs(sum(brows[c][1] for c in BILLING_ROWS[:6]) - b["amount"]) < 0.005, "the class rows do not add up to the total")
check(sum(brows[c][0] for c in BILLING_ROWS[:6]) == b["lines"], "the class lines do not add up to the total")
check(labels.get("Billed total") == b["amount"] and labels.get("To dispute") == b["to_dispute_amount"],
      f"Summary billed total {labels.get('Billed total')!r}, to dispute {labels.get('To dispute')!r}")

# Analysts: what changed since the previous run, on its sheet and on the Summary.
ch = summary["changes"]
kinds = {}
for r in wb["Changes"].iter_rows(min_row=2, values_only=True):
    kinds[r[3]] = kinds.get(r[3], 0) + 1
check(kinds == {k: v for k, v in ch.items() if k != "unchanged" and v}, f"Changes sheet {kinds}, summary {ch}")
for k, n in ch.items():
    check(labels.get(k) == n, f"Summary since previous run {k} = {labels.get(k)!r}, want {n}")

# Read-only mode (what pandas.read_excel uses) trusts each sheet's declared dimension: it must
# cover every row, or an analyst's dataframe would hold the header only.
ro = openpyxl.load_workbook(path, read_only=True)
for name in ["Results", "Journeys", "Issues", "Errors", "Changes", "Billing"]:
    full_rows = wb[name].max_row
    ro_rows = sum(1 for _ in ro[name].iter_rows())
    check(ro_rows == full_rows, f"read-only {name}: {ro_rows} rows, full load {full_rows}")
check(sum(1 for _ in ro["Results"].iter_rows()) == summary["results"] + 1, "read-only Results row count")

z = zipfile.ZipFile(path)
# excelize writes the chart namespace as the default one: drop any "c:" prefix.
charts = {n: z.read(n).decode().replace("<c:", "<").replace("</c:", "</")
          for n in z.namelist() if n.startswith("xl/charts/chart")}
by_class = [c for c in charts.values() if "Results by class" in c]
check(len(by_class) == 1, f"no chart of the results by class among {sorted(charts)}")
# The demo runs with a ledger: the Summary also charts its nights, columns and a line.
nights = [c for c in charts.values() if "Last 30 nights" in c]
check(len(nights) == 1 and "<lineChart>" in nights[0] and "<barChart>" in nights[0],
      f"no chart of the last nights (columns and a line) among {sorted(charts)}")
if by_class:
    chart = by_class[0]
    # The class colours, bar by bar (LibreOffice draws its own palette without them), and the
    # counts on the bars.
    check(chart.count("<dPt>") == 5, f"chart has {chart.count('<dPt>')} data points, want 5")
    for fill in ["C6EFCE", "FFC7CE", "FFEB9C", "D9D9D9", "C00000"]:
        check(fill in chart, f"chart lacks the class colour {fill}")
    check('<showVal val="1"' in chart, "chart shows no data labels")

if problems:
    print("openpyxl check FAILED:")
    for p in problems[:40]:
        print("  -", p)
    sys.exit(1)
print(f"openpyxl check passed: {len(wb.sheetnames)} sheets, {len(rows)} results, classes {classes}")
