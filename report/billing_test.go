package report

import (
	"reflect"
	"testing"

	"github.com/vxrecon/vxrecon/recon"
)

// billingInput is a small input with every case of the Billing sheet, figured by hand:
//
//	line  id  class        service    amount
//	2     A   PASS         IDMatch     10.00
//	3     B   NOT FOUND    -            5.50
//	4     C   error        -            7.005 -> 7.01 (half away from zero)
//	5     A   (dup)                    10.00
//	6     D   FAIL         AgeMatch     2.345 -> 2.35
//	7     B   (dup)                     5.50
//	8     E   IN PROGRESS  -           -1.005 -> -1.01 (a credit)
//	9     B   (dup)                     1.25
//	10    bad/id invalid               3.333 -> 3.33
//	11    ""  invalid                   0.10
//	12    F   PASS         IDMatch      0.10
//	13    F   (dup)                     0.20
//	14    G   FAIL         Zeta         2.35
type billedID struct {
	rec     recon.Record
	class   recon.Class
	service string
}

var billingInput = []billedID{
	{recon.Record{ID: "A", Line: 2, Dups: []int{5}, Amounts: []float64{10, 10}}, recon.Pass, "IDMatch"},
	{recon.Record{ID: "B", Line: 3, Dups: []int{7, 9}, Amounts: []float64{5.5, 5.5, 1.25}}, recon.NotFound, ""},
	{recon.Record{ID: "C", Line: 4, Amounts: []float64{7.005}}, recon.Error, ""},
	{recon.Record{ID: "D", Line: 6, Amounts: []float64{2.345}}, recon.Fail, "AgeMatch"},
	{recon.Record{ID: "E", Line: 8, Amounts: []float64{-1.005}}, recon.InProgress, ""},
	{recon.Record{ID: "F", Line: 12, Dups: []int{13}, Amounts: []float64{0.1, 0.2}}, recon.Pass, "IDMatch"},
	{recon.Record{ID: "G", Line: 14, Amounts: []float64{2.35}}, recon.Fail, "Zeta"},
}

var billingInvalid = []recon.Invalid{
	{Line: 10, Value: "bad/id", Reason: "bad", Amount: 3.333},
	{Line: 11, Value: "", Reason: "empty", Amount: 0.1},
}

func TestLedger(t *testing.T) {
	l := NewLedger()
	for i := range billingInvalid {
		l.AddInvalid(&billingInvalid[i])
	}
	for i := range billingInput {
		b := &billingInput[i]
		l.Add(&b.rec, b.class, b.service)
	}
	l.Add(nil, recon.Pass, "x") // ignored
	l.AddInvalid(nil)
	got := l.Billing()
	want := Billing{
		Rows: []BillRow{
			{"PASS", 4, 2030},            // A 10+10, F 0.10+0.20
			{"FAIL", 2, 470},             // D 2.35, G 2.35
			{"IN PROGRESS", 1, -101},     // E
			{"NOT FOUND", 3, 1225},       // B 5.50+5.50+1.25
			{"error", 1, 701},            // C
			{"invalid", 2, 343},          // 3.33 + 0.10
			{"duplicate lines", 4, 1695}, // A 10, B 5.50+1.25, F 0.20
			{"to dispute", 5, 2245},      // B's 3 lines 12.25 once each, A's dup 10, F's dup 0.20
			{"total", 13, 4668},          // every line
		},
		Services: []BillRow{
			{"IDMatch", 4, 2030},
			{NoService, 5, 1825}, // B 12.25, C 7.01, E -1.01
			{InvalidService, 2, 343},
			{"AgeMatch", 1, 235}, // ties on amount go by name
			{"Zeta", 1, 235},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Billing =\n%+v\nwant\n%+v", got, want)
	}
	if got.Total() != want.Rows[8] || got.Dispute() != want.Rows[7] || got.Row("nope") != (BillRow{}) {
		t.Errorf("Total, Dispute = %+v, %+v", got.Total(), got.Dispute())
	}
	// The class rows and invalid add up to the total; so do the services.
	var lines int
	var sum, svc Cents
	for _, r := range got.Rows[:recon.NumClasses+1] {
		lines, sum = lines+r.Lines, sum+r.Amount
	}
	for _, r := range got.Services {
		svc += r.Amount
	}
	if lines != got.Total().Lines || sum != got.Total().Amount || svc != got.Total().Amount {
		t.Errorf("rows add up to %d lines %v, services to %v; total %+v", lines, sum, svc, got.Total())
	}
}

func TestLedgerEdges(t *testing.T) {
	tests := []struct {
		name  string
		rec   recon.Record
		class recon.Class
		want  []BillRow // PASS .. total
	}{
		{"no amounts: lines counted at 0", recon.Record{ID: "a", Line: 2, Dups: []int{3}}, recon.Pass,
			[]BillRow{{"PASS", 2, 0}, {"FAIL", 0, 0}, {"IN PROGRESS", 0, 0}, {"NOT FOUND", 0, 0}, {"error", 0, 0},
				{"invalid", 0, 0}, {"duplicate lines", 1, 0}, {"to dispute", 1, 0}, {"total", 2, 0}}},
		{"unknown class counts as error", recon.Record{ID: "a", Line: 2, Amounts: []float64{1}}, "MYSTERY",
			[]BillRow{{"PASS", 0, 0}, {"FAIL", 0, 0}, {"IN PROGRESS", 0, 0}, {"NOT FOUND", 0, 0}, {"error", 1, 100},
				{"invalid", 0, 0}, {"duplicate lines", 0, 0}, {"to dispute", 0, 0}, {"total", 1, 100}}},
		{"NOT FOUND duplicate disputed once", recon.Record{ID: "a", Line: 2, Dups: []int{3}, Amounts: []float64{1, 2}}, recon.NotFound,
			[]BillRow{{"PASS", 0, 0}, {"FAIL", 0, 0}, {"IN PROGRESS", 0, 0}, {"NOT FOUND", 2, 300}, {"error", 0, 0},
				{"invalid", 0, 0}, {"duplicate lines", 1, 200}, {"to dispute", 2, 300}, {"total", 2, 300}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLedger()
			l.Add(&tt.rec, tt.class, "")
			if got := l.Billing().Rows; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Rows =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// A float sum of many cents drifts; the ledger's does not.
func TestLedgerExact(t *testing.T) {
	l := NewLedger()
	rec := recon.Record{ID: "x", Line: 2, Amounts: []float64{0.1}}
	var f float64
	for range 1_000_000 {
		l.Add(&rec, recon.Pass, "svc")
		f += 0.1
	}
	if got := l.Billing().Total().Amount; got != 10_000_000 {
		t.Errorf("total = %v, want 100000.00", got)
	}
	if f == 100000 {
		t.Errorf("the float sum is exact: this test no longer shows why cents are kept")
	}
}
