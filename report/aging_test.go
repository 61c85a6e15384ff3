package report

import (
	"testing"

	"github.com/vxrecon/vxrecon/recon"
)

// TestAging: each open id counts once in its band, with every billed line; final ids and
// ids with no nights open are not counted; the bands' edges are where docs/SPEC.md puts them.
func TestAging(t *testing.T) {
	var a Aging
	for _, tc := range []struct {
		nights  int
		amounts []float64
	}{
		{1, []float64{1.10}}, {2, []float64{2, 0.5}}, {3, nil}, {4, []float64{4}}, {7, []float64{7}},
		{8, []float64{8}}, {30, []float64{30}}, {31, []float64{31}}, {400, []float64{0.01}}, {0, []float64{99}},
	} {
		a.Add(&recon.Record{ID: "x", Amounts: tc.amounts}, tc.nights)
	}
	want := []AgeRow{{"1", 1, 110}, {"2–3", 2, 250}, {"4–7", 2, 1100}, {"8–30", 2, 3800}, {"> 30", 2, 3101}}
	got := a.Rows()
	if len(got) != len(want) {
		t.Fatalf("%d rows", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("band %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestNightsOpen(t *testing.T) {
	for _, tc := range []struct {
		first, night string
		class        recon.Class
		want         int
	}{
		{"2026-11-01", "2026-11-05", recon.InProgress, 5},
		{"2026-11-05", "2026-11-05", recon.NotFound, 1},
		{"2026-11-01", "2026-11-05", recon.Pass, 0},
		{"2026-10-31", "2026-11-01", recon.Error, 2},
		{"2026-03-28", "2026-03-30", recon.InProgress, 3}, // a daylight-saving change in between, in UTC dates
		{"2026-11-06", "2026-11-05", recon.InProgress, 1}, // first seen after the night: a backfill
		{"", "2026-11-05", recon.InProgress, 0},
	} {
		if got := NightsOpen(tc.first, tc.night, tc.class); got != tc.want {
			t.Errorf("NightsOpen(%s, %s, %s) = %d, want %d", tc.first, tc.night, tc.class, got, tc.want)
		}
	}
	n := Night{Night: "2026-11-01", Counts: recon.Counts{3, 1, 0, 0, 0}}
	if n.Total() != 4 || n.PassRate() != 0.75 {
		t.Errorf("Total %d, PassRate %g", n.Total(), n.PassRate())
	}
}
