#!/usr/bin/env python3
"""Checks the CSV files LibreOffice made from every sheet of the demo workbook: the values a
spreadsheet program shows must be the ones the run summary and docs/SPEC.md say."""
import json
import sys

from lo_csv import read_sheet  # beside this script

csv_dir, summary_path = sys.argv[1], sys.argv[2]
summary = json.load(open(summary_path))
problems = []


def check(ok, msg):
    if not ok:
        problems.append(msg)


def sheet(name):
    return read_sheet(csv_dir, name, problems)


summ = sheet("Summary")
labels = {}
for row in summ:
    for i, c in enumerate(row[:-1]):
        labels.setdefault(c, row[i + 1])
for cls, n in summary["counts"].items():
    check(labels.get(cls) == str(n), f"Summary {cls} shows {labels.get(cls)!r}, want {n}")
check(any("COMPLETE" in c for r in summ for c in r), "Summary does not say COMPLETE")

res = sheet("Results")
check(res and res[0][:3] == ["Row", "Request ID", "Classification"], f"Results header {res[:1]}")
check(len(res) - 1 == summary["results"], f"Results rows {len(res) - 1}, want {summary['results']}")
h = {name: i for i, name in enumerate(res[0])} if res else {}
counts = {}
for r in res[1:]:
    counts[r[h["Classification"]]] = counts.get(r[h["Classification"]], 0) + 1
    d = r[h["Journey Duration"]]
    if d:
        # shown as [h]:mm:ss, e.g. 0:00:32 or 26:03:10
        parts = d.split(":")
        check(len(parts) == 3 and all(p.isdigit() for p in parts), f"Journey Duration shown as {d!r}")
        secs = int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])
        check(abs(secs - float(r[h["Journey Duration (s)"]])) <= 1, f"{d} != {r[h['Journey Duration (s)']]} s")
for cls, n in summary["counts"].items():
    check(counts.get(cls, 0) == n, f"Results shows {counts.get(cls, 0)} {cls}, want {n}")
check(all(r[h["Row"]].isdigit() for r in res[1:]), "a Row is not a line number")
check(any(r[h["Duplicate Rows"]] for r in res[1:]), "no duplicate id shows its other lines")
check(any(c.startswith("Input: ") for c in res[0]), "input columns not carried")

jr = sheet("Journeys")
check(jr and jr[0] == ["Request ID", "Stop", "Timestamp", "Type", "Source", "Status", "Action", "Detail", "Elapsed (s)"],
      f"Journeys header {jr[:1]}")
check(len(jr) > summary["results"], "fewer journey stops than results")

iss = sheet("Issues")
check(iss and iss[0][:2] == ["Issue", "Count"], f"Issues header {iss[:1]}")

er = sheet("Errors")
check(er and er[0][:5] == ["Row", "Request ID", "Error", "HTTP Status", "Attempts"], f"Errors header {er[:1]}")
check(len(er) - 1 == summary["counts"]["error"] + summary["invalid"],
      f"Errors rows {len(er) - 1}, want {summary['counts']['error']} errors + {summary['invalid']} invalid")
check(any(r[1] == "not/a valid id" for r in er[1:]), "the demo's invalid id is not on Errors")

chg = sheet("Changes")
check(chg and chg[0] == ["Request ID", "Before", "Now", "Change"], f"Changes header {chg[:1]}")
c = summary["changes"]
check(len(chg) - 1 == c["changed"] + c["new"] + c["gone"], f"Changes rows {len(chg) - 1}, summary {c}")
order = [r[3] for r in chg[1:]]
check(order == sorted(order, key=["changed", "new", "gone"].index), "Changes not in the order changed, new, gone")
for k, n in c.items():
    check(labels.get(k) == str(n), f"Summary {k} shows {labels.get(k)!r}, want {n}")

bill = sheet("Billing")
check(bill and bill[0] == ["Class", "Lines", "Amount"], f"Billing header {bill[:1]}")
rows = {r[0]: r[1:3] for r in bill[1:10]}
want = ["PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "invalid", "duplicate lines", "to dispute", "total"]
check([r[0] for r in bill[1:10]] == want, f"Billing rows {[r[0] for r in bill[1:10]]}")
b = summary["billing"]
money = lambda v: float(v.replace(",", ""))
check(rows.get("total", ["", "0"])[0] == str(b["lines"]) and abs(money(rows["total"][1]) - b["amount"]) < 0.005,
      f"Billing total shows {rows.get('total')}, summary {b}")
check(all("." in r[1] and len(r[1].split(".")[1]) == 2 for r in rows.values()), "amounts not shown with two decimals")
check(any(r[:3] == ["Service", "Lines", "Amount"] for r in bill), "no Billing table by service")

if problems:
    print("LibreOffice check FAILED:")
    for p in problems[:40]:
        print("  -", p)
    sys.exit(1)
print(f"LibreOffice check passed: {len(res) - 1} results, {len(jr) - 1} journey stops, classes {counts}")
