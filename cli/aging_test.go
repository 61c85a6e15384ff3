package cli

import (
	"context"
	"path/filepath"
	"strings"
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
	vars := map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_LEDGER": db}
	out := filepath.Join(dir, "r-{date}.xlsx")
	for _, night := range []string{"2026-10-01", "2026-10-20", "2026-11-01", "2026-11-02", "2026-11-05"} {
		var b strings.Builder
		b.WriteString("request_id,amount\n")
		for _, a := range agingIDs {
			if a.from <= night {
				b.WriteString(a.id + "," + a.amount + "\n")
			}
		}
		in := writeFile(t, dir, "ids-"+night+".csv", b.String())
		inv := runCLI(t, context.Background(), vars, "run", "-input", in, "-out", out, "-base-url", srv.URL,
			"-max-error-rate", "1", "-night", night)
		if inv.code != exitOK {
			t.Fatalf("night %s: exit %d\n%s", night, inv.code, tail(inv.stderr, 3000))
		}
	}
	last := filepath.Join(dir, "r-2026-11-05.xlsx")

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
