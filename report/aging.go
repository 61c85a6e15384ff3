package report

import (
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// AgeBand is one row of "Open items by age": the ids open Min to Max nights (Max 0: no upper
// bound).
type AgeBand struct {
	Label    string
	Min, Max int
}

// AgeBands are the rows of "Open items by age", in order (docs/SPEC.md "History: the ledger").
var AgeBands = []AgeBand{{"1", 1, 1}, {"2–3", 2, 3}, {"4–7", 4, 7}, {"8–30", 8, 30}, {"> 30", 31, 0}}

// AgeRow is one band's open ids and their billed amount (every input line of each).
type AgeRow struct {
	Label  string
	IDs    int
	Amount Cents
}

// Aging counts the open ids (not PASS or FAIL) by how many nights they have been open, as
// results stream past. Not safe for concurrent use; the zero value is ready.
type Aging struct {
	rows [5]AgeRow
}

// Add counts one unique id open nights nights (0 or less: final, not counted), with the
// billed amount of its input lines.
func (a *Aging) Add(rec *recon.Record, nights int) {
	if nights <= 0 {
		return
	}
	i := len(AgeBands) - 1
	for k, b := range AgeBands {
		if nights >= b.Min && (b.Max == 0 || nights <= b.Max) {
			i = k
			break
		}
	}
	a.rows[i].IDs++
	if rec != nil {
		for _, amount := range rec.Amounts {
			a.rows[i].Amount = a.rows[i].Amount.add(CentsOf(amount))
		}
	}
}

// Rows returns the bands in order, each with its label.
func (a *Aging) Rows() []AgeRow {
	rows := make([]AgeRow, len(AgeBands))
	for i, b := range AgeBands {
		rows[i] = a.rows[i]
		rows[i].Label = b.Label
	}
	return rows
}

// NightsOpen is how many nights an id first seen on first and open on night has been open,
// counting both (first == night: 1); 0 when the class is final or a date is unreadable. A
// first after night (a backfill) counts as night.
func NightsOpen(first, night string, c recon.Class) int {
	if c.Final() {
		return 0
	}
	f, err1 := time.Parse(time.DateOnly, first)
	n, err2 := time.Parse(time.DateOnly, night)
	if err1 != nil || err2 != nil {
		return 0
	}
	return max(int(n.Sub(f).Hours()/24+0.5), 0) + 1
}

// Night is one night's run in the trend: its counts by class (the latest finished run of the
// night).
type Night struct {
	Night  string // YYYY-MM-DD
	Counts recon.Counts
}

// Total is the night's results.
func (n Night) Total() int {
	t := 0
	for _, c := range n.Counts {
		t += c
	}
	return t
}

// PassRate is the share of PASS among the night's results, 0 when there are none.
func (n Night) PassRate() float64 { return Share(n.Counts.Of(recon.Pass), n.Total()) }

// Period is what a month-end workbook covers: its nights and the runs it drew from.
type Period struct {
	From, To string // YYYY-MM-DD, both included
	Runs     []PeriodRun
}

// PeriodRun is one run a month-end workbook drew from.
type PeriodRun struct {
	Night   string
	Started time.Time
	Input   string
	Status  string // COMPLETE, INCOMPLETE or unfinished (killed)
	Answers int
}
