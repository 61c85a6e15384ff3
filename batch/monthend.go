package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/vxrecon/vxrecon/files"
	"github.com/vxrecon/vxrecon/ledger"
	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// ReportConfig is what the month-end workbook (`vxrecon report`) is made from.
type ReportConfig struct {
	Ledger   string   // DSN: a SQLite file or postgres://…
	From, To string   // the period's nights, YYYY-MM-DD, both included
	Out      string   // the workbook
	PII      pii.Mode // how personal fields appear
	MaxRows  int      // rows per sheet including the header; 0 = Excel's limit
	FileMode os.FileMode
	Version  string
}

// Validate checks the values that need no I/O, in the words of the command line.
func (c *ReportConfig) Validate() error {
	if c.Ledger == "" {
		return errors.New("-ledger is required (a SQLite file or postgres://…)")
	}
	if err := validOut(c.Out); err != nil {
		return err
	}
	for _, d := range []struct{ flag, v string }{{"-from", c.From}, {"-to", c.To}} {
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return fmt.Errorf("%s %q: want a date such as 2026-11-01", d.flag, d.v)
		}
	}
	if c.To < c.From {
		return fmt.Errorf("-from %s is after -to %s", c.From, c.To)
	}
	if _, err := pii.ParseMode(string(c.PII)); err != nil {
		return err
	}
	return nil
}

// Report writes the month-end workbook from the ledger alone: every id recorded by a run
// whose night is in the period, with its latest answer, aging as of To, Billing when the
// runs had amounts, the period's nights and the runs it drew from. It sends no request.
// Status BadInput: the ledger cannot be read (nothing written).
func Report(ctx context.Context, c ReportConfig, log zerolog.Logger) Outcome {
	started := time.Now().UTC()
	if err := c.Validate(); err != nil {
		return Outcome{Status: BadInput, Err: err}
	}
	if err := checkOut(c.Out); err != nil {
		return Outcome{Status: BadInput, Err: err}
	}
	l, err := ledger.OpenReader(c.Ledger)
	if err != nil {
		return Outcome{Status: BadInput, Err: err}
	}
	defer l.Close()
	runs, err := l.RunsBetween(c.From, c.To)
	if err != nil {
		return Outcome{Status: BadInput, Err: err}
	}
	nights, err := l.Nights(c.From, c.To, 0)
	if err != nil {
		return Outcome{Status: BadInput, Err: err}
	}
	m := &monthEnd{c: &c, agg: report.NewAggregate(), bill: report.NewLedger()}
	m.wb, err = output.NewWorkbook(output.Options{PII: c.PII, MaxRows: c.MaxRows, Aging: true,
		Title: "vxrecon month-end: " + c.From + " to " + c.To, Created: started})
	if err != nil {
		return Outcome{Status: Incomplete, Err: err}
	}
	defer m.wb.Close()
	if err := l.Answers(ctx, c.From, c.To, m.add); err != nil {
		if ctx.Err() != nil {
			return Outcome{Status: Incomplete, Err: fmt.Errorf("interrupted: %w", ctx.Err())}
		}
		return Outcome{Status: BadInput, Err: err}
	}
	m.agg.SetInput(m.n, 0, 0)
	sum := m.agg.Summary(report.Facts{Started: started, Finished: time.Now().UTC(),
		Input: "ledger " + ledger.Redact(c.Ledger), BaseURL: baseURLs(runs), Version: c.Version, Complete: true})
	sum.Period = &report.Period{From: c.From, To: c.To, Runs: runRows(runs)}
	sum.Aging = m.aging.Rows()
	sum.Nights = nights
	if m.amounts {
		b := m.bill.Billing()
		sum.Billing = &b
	}
	err = files.WriteAtomic(c.Out, c.FileMode, func(w io.Writer) error { return m.wb.WriteTo(w, &sum) })
	if err != nil {
		return Outcome{Status: Incomplete, Err: err, Summary: sum}
	}
	log.Info().Str("ledger", ledger.Redact(c.Ledger)).Str("from", c.From).Str("to", c.To).Int("runs", len(runs)).
		Int("ids", m.n).Str("workbook", c.Out).Float64("elapsed_s", roundMillis(time.Since(started))).Msg("month-end workbook written")
	return Outcome{Status: Done, Summary: sum, Workbook: true}
}

// monthEnd is the month-end workbook being made, one answer at a time.
type monthEnd struct {
	c       *ReportConfig
	wb      *output.Workbook
	agg     *report.Aggregate
	bill    *report.Ledger
	aging   report.Aging
	n       int
	amounts bool // some answer was billed
}

// add writes one id's latest answer.
func (m *monthEnd) add(a *ledger.Answer) error {
	res := answerResult(a)
	d := report.Derive(&res)
	if res.Session == nil || res.Session.Journey == nil { // the row's own figures
		d.Service = a.Service
		if a.Issues != "" {
			d.Issues = strings.Split(a.Issues, "; ")
		}
		if a.Duration.Valid {
			d.Duration, d.HasDuration = time.Duration(a.Duration.Float64*float64(time.Second)), true
		}
	}
	first := a.FirstSeen
	if first == "" {
		first = a.Night
	}
	d.FirstSeen, _ = time.Parse(time.DateOnly, first)
	d.NightsOpen = report.NightsOpen(first, m.c.To, res.Class)
	rec := recon.Record{ID: a.ID}
	if a.Amount.Valid {
		rec.Amounts = []float64{a.Amount.Float64}
		m.amounts = true
	}
	m.n++
	m.agg.Add(&res, &d)
	m.bill.Add(&rec, res.Class, d.Service)
	m.aging.Add(&rec, d.NightsOpen)
	return m.wb.AddResult(&rec, &res, &d)
}

// answerResult is a recorded answer as a result: the whole answer the ledger kept for a final
// one, else what its row says.
func answerResult(a *ledger.Answer) recon.Result {
	if r, ok := a.Stored(); ok && r.ID == a.ID && string(r.Class) == a.Class {
		return r
	}
	r := recon.Result{ID: a.ID, Class: recon.Class(a.Class), HTTPStatus: a.HTTPStatus, Attempts: a.Attempts}
	if a.Class == string(recon.Error) {
		r.Err = a.Detail
	}
	if a.Status == "" {
		r.Detail = a.Detail
		return r
	}
	r.Session = &recon.Session{RequestID: a.ID, Status: a.Status, Plus: &recon.Plus{
		Service: a.Service, Confirmation: recon.FlexString(a.Confirmation), Action: a.Action, Detail: a.Detail}}
	if a.Issues != "" {
		r.Session.Plus.Issues = strings.Split(a.Issues, "; ")
	}
	return r
}

// baseURLs are the API hosts of the runs, as the Summary shows them.
func baseURLs(runs []ledger.RunInfo) string {
	var hosts []string
	seen := map[string]bool{}
	for _, r := range runs {
		if h := apiHost(r.BaseURL); !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	return strings.Join(hosts, ", ")
}

// runRows are the runs as the Summary lists them.
func runRows(runs []ledger.RunInfo) []report.PeriodRun {
	rows := make([]report.PeriodRun, len(runs))
	for i, r := range runs {
		started, _ := time.Parse(time.RFC3339Nano, r.Started)
		rows[i] = report.PeriodRun{Night: r.Night, Started: started, Input: r.Input, Answers: r.Answers,
			Status: runStatus(r)}
	}
	return rows
}

func runStatus(r ledger.RunInfo) string {
	switch {
	case r.Finished == "":
		return "unfinished"
	case r.Complete:
		return "COMPLETE"
	}
	return "INCOMPLETE"
}
