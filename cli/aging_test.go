package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vxrecon/vxrecon/ledger/ledgertest"
	"github.com/vxrecon/vxrecon/sim"
)

// agingIDs are the ids of TestLedgerAging, each with its amount and the night it first
// appears in the input; the simulator answers each the same every night.
var agingIDs = []struct {
	id, amount, from string
}{
	{sim.ID(sim.CaseInProgress, 1), "11.00", "2026-10-01"}, // G: open 36 nights on 11-05
	{sim.ID(sim.CaseInProgress, 2), "13.00", "2026-10-20"}, // H: 17 nights
	{sim.ID(sim.CaseInProgress, 3), "2.00", "2026-11-01"},  // A: 5 nights
	{sim.ID(sim.CasePass, 4), "1.00", "2026-11-01"},        // B: final
	{sim.ID(sim.CaseNotFound, 5), "3.00", "2026-11-01"},    // C: 5 nights
	{sim.ID(sim.CaseInProgress, 6), "5.00", "2026-11-02"},  // D: 4 nights
	{sim.ID(sim.CaseInProgress, 7), "7.00", "2026-11-05"},  // E: new tonight, 1 night
}

// TestLedgerAging: over five nights with a ledger, the last night's Results say when each id
// was first seen and how many nights it has been open, the Summary's "Open items by age" and
// "Last 30 nights" hold the counts and amounts worked out by hand below, and Changes (no
// -previous) compares with the ledger's previous night.
func TestLedgerAging(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { agingNights(t, filepath.Join(t.TempDir(), "ledger.db")) })
	t.Run("postgres", func(t *testing.T) { agingNights(t, ledgertest.Postgres(t)) })
}

func agingNights(t *testing.T, db string) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	recordAgingNights(t, db, srv.URL, dir)
	last := filepath.Join(dir, "r-2026-11-05.xlsx")
	checkAging(t, last)
	summary := sheetRows(t, last, "Summary")

	// Changes, with no -previous: against 11-02, one new id and six unchanged.
	for label, n := range map[string]string{"new": "1", "unchanged": "6", "changed": "0", "gone": "0"} {
		if v, ok := summaryValue(summary, label); !ok || v != n {
			t.Errorf("Since previous run %s: %q, want %s", label, v, n)
		}
	}
	changes := byHeader(sheetRows(t, last, "Changes"))
	if len(changes) != 1 || changes[0]["Request ID"] != agingIDs[6].id {
		t.Errorf("Changes rows %v, want the one new id", changes)
	}
}

// agingNightDates are the nights recordAgingNights runs.
var agingNightDates = []string{"2026-10-01", "2026-10-20", "2026-11-01", "2026-11-02", "2026-11-05"}

// recordAgingNights runs the nights of TestLedgerAging against the API at url, with the
// ledger db, each night's workbook r-NIGHT.xlsx in dir.
func recordAgingNights(t *testing.T, db, url, dir string) {
	t.Helper()
	vars := map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_LEDGER": db}
	out := filepath.Join(dir, "r-{date}.xlsx")
	for _, night := range agingNightDates {
		var b strings.Builder
		b.WriteString("request_id,amount\n")
		for _, a := range agingIDs {
			if a.from <= night {
				b.WriteString(a.id + "," + a.amount + "\n")
			}
		}
		in := writeFile(t, dir, "ids-"+night+".csv", b.String())
		inv := runCLI(t, context.Background(), vars, "run", "-input", in, "-out", out, "-base-url", url,
			"-max-error-rate", "1", "-night", night)
		if inv.code != exitOK {
			t.Fatalf("night %s: exit %d\n%s", night, inv.code, tail(inv.stderr, 3000))
		}
	}
}

// checkAging checks the aging of the workbook of 2026-11-05 (a run's or the month-end's to
// that night): Results, "Open items by age" and "Last 30 nights".
func checkAging(t *testing.T, last string) {
	t.Helper()
	want := map[string][2]string{ // first seen, nights open
		agingIDs[0].id: {"2026-10-01", "36"}, agingIDs[1].id: {"2026-10-20", "17"},
		agingIDs[2].id: {"2026-11-01", "5"}, agingIDs[3].id: {"2026-11-01", ""},
		agingIDs[4].id: {"2026-11-01", "5"}, agingIDs[5].id: {"2026-11-02", "4"},
		agingIDs[6].id: {"2026-11-05", "1"},
	}
	results := byHeader(sheetRows(t, last, "Results"))
	if len(results) != len(want) {
		t.Fatalf("%d Results rows, want %d", len(results), len(want))
	}
	for _, r := range results {
		w := want[r["Request ID"]]
		if r["First seen"] != w[0] || r["Nights open"] != w[1] {
			t.Errorf("%s: first seen %q, nights open %q; want %q, %q", r["Request ID"], r["First seen"], r["Nights open"], w[0], w[1])
		}
	}

	summary := sheetRows(t, last, "Summary")
	aging := blockAfter(summary, "Open items by age", 7)
	wantAging := [][]string{
		{"Open items by age", "IDs", "Billed amount"}, {"Nights open"},
		{"1", "1", "7.00"}, {"2–3", "0", "0.00"}, {"4–7", "3", "10.00"}, {"8–30", "1", "13.00"}, {"> 30", "1", "11.00"},
	}
	if !equalRows(aging, wantAging) {
		t.Errorf("Open items by age:\n got %q\nwant %q", aging, wantAging)
	}
	trend := blockAfter(summary, "Last 30 nights", 6)
	wantTrend := [][]string{
		{"Last 30 nights", "PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "Total", "Pass rate"},
		{"2026-10-01", "0", "0", "1", "0", "0", "1", "0.0%"},
		{"2026-10-20", "0", "0", "2", "0", "0", "2", "0.0%"},
		{"2026-11-01", "1", "0", "3", "1", "0", "5", "20.0%"},
		{"2026-11-02", "1", "0", "4", "1", "0", "6", "16.7%"},
		{"2026-11-05", "1", "0", "5", "1", "0", "7", "14.3%"},
	}
	if !equalRows(trend, wantTrend) {
		t.Errorf("Last 30 nights:\n got %q\nwant %q", trend, wantTrend)
	}
}

// blockAfter is the n rows of a Summary block from the row that starts with title, each cut
// to its last non-empty cell and starting at title's column.
func blockAfter(rows [][]string, title string, n int) [][]string {
	for i, r := range rows {
		for c, v := range r {
			if v != title {
				continue
			}
			var out [][]string
			for _, row := range rows[i:min(i+n, len(rows))] {
				if c < len(row) {
					row = row[c:]
				} else {
					row = nil
				}
				for len(row) > 0 && row[len(row)-1] == "" {
					row = row[:len(row)-1]
				}
				out = append(out, row)
			}
			return out
		}
	}
	return nil
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\t") != strings.Join(b[i], "\t") {
			return false
		}
	}
	return true
}

// TestMonthEndReport: `vxrecon report` makes the month-end workbook from the ledger alone,
// on SQLite and on PostgreSQL: no token, and the API the nights asked (behind a server that
// fails the test on any request from then on) is never asked. To 2026-11-05 it has every id
// with its latest answer, the same aging and nights as that night's run, Billing and the
// runs it drew from; a period with no runs says so; an unreadable ledger is exit 2 with
// nothing written.
func TestMonthEndReport(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { monthEnd(t, filepath.Join(t.TempDir(), "ledger.db")) })
	t.Run("postgres", func(t *testing.T) { monthEnd(t, ledgertest.Postgres(t)) })
}

func monthEnd(t *testing.T, db string) {
	srv := startSim(t, sim.Options{Token: testToken})
	var closed atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if closed.Load() {
			t.Errorf("the report sent a request: %s %s", r.Method, r.URL.Path)
			http.Error(w, "no", http.StatusTeapot)
			return
		}
		httputil.NewSingleHostReverseProxy(mustURL(t, srv.URL)).ServeHTTP(w, r)
	}))
	defer api.Close()
	dir := t.TempDir()
	recordAgingNights(t, db, api.URL, dir)
	closed.Store(true)

	vars := map[string]string{"VXRECON_LEDGER": db} // no token
	out := filepath.Join(dir, "month.xlsx")
	inv := runCLI(t, context.Background(), vars, "report", "-from", "2026-10-01", "-to", "2026-11-05", "-out", out)
	if inv.code != exitOK || !strings.Contains(inv.stdout, "workbook="+out) {
		t.Fatalf("report: exit %d\n%s%s", inv.code, inv.stdout, tail(inv.stderr, 3000))
	}
	checkAging(t, out)
	summary := sheetRows(t, out, "Summary")
	runs := blockAfter(summary, "Runs 2026-10-01 to 2026-11-05", 6)
	if len(runs) != 6 || len(runs[5]) < 5 || runs[5][0] != "2026-11-05" || runs[5][2] != "ids-2026-11-05.csv" || runs[5][3] != "COMPLETE" || runs[5][4] != "7" {
		t.Errorf("the runs drawn from: %q", runs)
	}
	if v, ok := summaryValue(summary, "Billed total"); !ok || v != "42.00" {
		t.Errorf("Billed total %q, want 42.00 (every id's latest amount)", v)
	}
	if v, ok := summaryValue(summary, "To dispute"); !ok || v != "3.00" {
		t.Errorf("To dispute %q, want 3.00 (the NOT FOUND id)", v)
	}

	// October alone: G and H, aged as of 10-31, and the two nights.
	inv = runCLI(t, context.Background(), vars, "report", "-month", "2026-10", "-out", out)
	if inv.code != exitOK {
		t.Fatalf("report -month: exit %d\n%s", inv.code, tail(inv.stderr, 3000))
	}
	results := byHeader(sheetRows(t, out, "Results"))
	if len(results) != 2 || results[0]["Nights open"] != "31" || results[1]["Nights open"] != "12" {
		t.Errorf("October: %v", results)
	}

	// A period with no runs: a workbook that says so.
	inv = runCLI(t, context.Background(), vars, "report", "-month", "2025-01", "-out", out)
	if inv.code != exitOK {
		t.Fatalf("an empty period: exit %d\n%s", inv.code, inv.stderr)
	}
	if _, ok := summaryValue(sheetRows(t, out, "Summary"), "Runs 2025-01-01 to 2025-01-31"); !ok ||
		!strings.Contains(fmt.Sprint(sheetRows(t, out, "Summary")), "No runs in this period") {
		t.Errorf("an empty period: the Summary does not say so")
	}

	// Bad usage and a ledger that cannot be read: exit 2, nothing written.
	notLedger := writeFile(t, dir, "ids.csv", "request_id\nabc\n")
	for _, args := range [][]string{
		{"-from", "2026-11-05", "-to", "2026-11-01"},
		{"-from", "2026-11-01"},
		{"-month", "November"},
		{"-month", "2026-11", "-from", "2026-11-01"},
		{"-month", "2026-11", "-ledger", notLedger},
		{"-month", "2026-11", "-ledger", filepath.Join(dir, "missing.db")},
	} {
		fresh := filepath.Join(dir, "never.xlsx")
		inv := runCLI(t, context.Background(), vars, append(append([]string{"report"}, args...), "-out", fresh)...)
		if _, err := os.Stat(fresh); inv.code != exitUsage || err == nil || !strings.Contains(inv.stderr, "vxrecon report:") {
			t.Errorf("%q: exit %d, workbook written %v; want 2 and nothing\n%s", args, inv.code, err == nil, inv.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Errorf("the report created a ledger")
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
