package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/vxrecon/vxrecon/recon"
)

// InvalidService is the service under which the Billing sheet files the lines of invalid
// input rows: they were never requested, so they have no service.
const InvalidService = "(invalid)"

// The labels of the Billing rows after the five classes, as docs/SPEC.md names them.
const (
	BillInvalid    = "invalid"
	BillDuplicates = "duplicate lines"
	BillDispute    = "to dispute"
	BillTotal      = "total"
)

// BillRow is one row of the Billing sheet: a label, the input lines it covers and their
// billed amount.
type BillRow struct {
	Label  string // a class name, one of the Bill* labels, or a service name
	Lines  int
	Amount Cents
}

// Billing is what finance checks the vendor's invoice against: every billed input line by
// the class of its id, and by service.
type Billing struct {
	// Rows are in the order of docs/SPEC.md: the five classes (recon.Classes), then
	// "invalid", "duplicate lines", "to dispute" and "total". Each line counts in its id's
	// class, first occurrence and duplicates alike; "duplicate lines" are the lines after the
	// first of a repeated id (so they overlap the class rows); "to dispute" are the lines of
	// NOT FOUND ids and the duplicate lines, a duplicate line of a NOT FOUND id once; "total"
	// is every line, valid or not.
	Rows []BillRow
	// Services has one row per service (NoService for ids without one, InvalidService for
	// invalid rows), by Amount descending, then name.
	Services []BillRow
}

// Row returns the row labelled label (a class name or a Bill* label), zero if there is none.
func (b Billing) Row(label string) BillRow {
	for _, r := range b.Rows {
		if r.Label == label {
			return r
		}
	}
	return BillRow{}
}

// Total is the "total" row: every billed line.
func (b Billing) Total() BillRow { return b.Row(BillTotal) }

// Dispute is the "to dispute" row: NOT FOUND lines and duplicate lines.
func (b Billing) Dispute() BillRow { return b.Row(BillDispute) }

// tally is a line count and its amount.
type tally struct {
	lines  int
	amount Cents
}

func (t *tally) add(c Cents) {
	t.lines++
	t.amount = t.amount.add(c)
}

// Ledger accumulates the Billing figures as results stream past: one call per unique id
// (Add) and one per invalid row (AddInvalid), in any order. It keeps sums, not lines: its
// size grows with the number of services only. A Ledger is not safe for concurrent use; the
// zero value is not ready, use NewLedger.
type Ledger struct {
	classes                     [recon.NumClasses]tally
	invalid, dups, dispute, all tally

	services   []tally
	names      []string
	serviceIdx map[string]int
}

// NewLedger returns an empty Ledger. Make one only when the input has an amount column: the
// Billing sheet appears when Summary.Billing is set.
func NewLedger() *Ledger { return &Ledger{serviceIdx: make(map[string]int)} }

// Add bills every input line of one unique id: rec.Amounts holds one amount per line
// (rec.Lines(): the first occurrence, then each duplicate), all counted in class and in
// service ("" counts as NoService). A line without an amount (Amounts shorter than the
// lines) is billed 0. An unknown class counts as recon.Error, as in recon.Counts.
func (l *Ledger) Add(rec *recon.Record, class recon.Class, service string) {
	if rec == nil {
		return
	}
	ci := class.Index()
	if ci < 0 {
		ci = recon.Error.Index()
	}
	if service == "" {
		service = NoService
	}
	svc := l.service(service)
	for k := range 1 + len(rec.Dups) {
		var c Cents
		if k < len(rec.Amounts) {
			c = CentsOf(rec.Amounts[k])
		}
		l.classes[ci].add(c)
		l.services[svc].add(c)
		l.all.add(c)
		if k > 0 {
			l.dups.add(c)
		}
		if k > 0 || class == recon.NotFound {
			l.dispute.add(c) // once per line, even for a duplicate line of a NOT FOUND id
		}
	}
}

// AddInvalid bills one invalid input row: in "invalid", in "total" and under InvalidService.
func (l *Ledger) AddInvalid(inv *recon.Invalid) {
	if inv == nil {
		return
	}
	c := CentsOf(inv.Amount)
	l.invalid.add(c)
	l.all.add(c)
	l.services[l.service(InvalidService)].add(c)
}

// service returns the index of name's tally, adding it on first sight.
func (l *Ledger) service(name string) int {
	i, ok := l.serviceIdx[name]
	if !ok {
		name = strings.Clone(name) // don't pin the decoded body behind a map key
		i = len(l.services)
		l.services = append(l.services, tally{})
		l.names = append(l.names, name)
		l.serviceIdx[name] = i
	}
	return i
}

// Billing returns the figures so far. It may be called any number of times; the slices it
// returns are the caller's own.
func (l *Ledger) Billing() Billing {
	b := Billing{Rows: make([]BillRow, 0, recon.NumClasses+4)}
	for i, c := range recon.Classes {
		b.Rows = append(b.Rows, l.classes[i].row(string(c)))
	}
	b.Rows = append(b.Rows, l.invalid.row(BillInvalid), l.dups.row(BillDuplicates),
		l.dispute.row(BillDispute), l.all.row(BillTotal))
	b.Services = make([]BillRow, len(l.services))
	for i, t := range l.services {
		b.Services[i] = t.row(l.names[i])
	}
	slices.SortFunc(b.Services, func(x, y BillRow) int {
		return cmp.Or(cmp.Compare(y.Amount, x.Amount), strings.Compare(x.Label, y.Label))
	})
	return b
}

func (t tally) row(label string) BillRow {
	return BillRow{Label: label, Lines: t.lines, Amount: t.amount}
}
