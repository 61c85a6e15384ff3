package batch

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/files"
	"github.com/vxrecon/vxrecon/ledger"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
	"github.com/vxrecon/vxrecon/vx"
)

// finish decides how the run ended and leaves its files: the workbook, and, whether or not
// the workbook could be written, the summary JSON and the metrics file, which say why.
// runErr is fetch's error.
func (r *run) finish(ctx context.Context, runErr error) Outcome {
	r.progress.Finish()
	c := r.c
	status, reason := r.stopped(ctx, runErr)
	out := Outcome{Status: status, Reused: r.reused}
	if errors.Is(runErr, errWorkbook) || r.wb == nil {
		// Nothing whole can be written after the workbook itself failed, or before it began.
		r.log.Error().Err(runErr).Msg("run failed")
		out.Err = runErr
	}
	if r.journal != nil {
		if err := r.journal.Close(); err != nil {
			r.log.Error().Err(err).Msg("journal: answers are no longer recorded; a rerun will ask again")
			out.Status = worst(out.Status, Incomplete)
		}
	}
	var ledgerFacts *report.LedgerFacts
	if r.history != nil {
		st := r.history.Stats()
		ledgerFacts = &report.LedgerFacts{Reused: st.Reused, RequestsSaved: st.RequestsSaved}
	}
	if r.agg == nil { // the workbook failed before the first result
		r.agg = report.NewAggregate()
	}
	out.Summary = r.agg.Summary(report.Facts{
		Started:  r.started,
		Finished: time.Now().UTC(),
		Input:    c.InputName,
		BaseURL:  apiHost(c.BaseURL),
		Version:  c.Version,
		Complete: runErr == nil,
		Reason:   reason,
		Ledger:   ledgerFacts,
	})
	sum := &out.Summary
	if r.ledger != nil {
		b := r.ledger.Billing()
		sum.Billing = &b
	}
	if r.history != nil {
		r.ledgerChanges()
	}
	if r.changes != nil {
		cs := r.changes.Result()
		sum.Changes = &cs
	}
	if r.history != nil {
		sum.Aging = r.aging.Rows()
		sum.Nights = append(slices.Clip(r.nights), report.Night{Night: r.night, Counts: sum.Counts})
	}
	if errs := sum.Count(recon.Error) + sum.Invalid; out.Status == Done && errs > 0 &&
		float64(errs) > c.MaxErrorRate*float64(sum.Results+sum.Invalid) {
		out.Status = TooManyErrors
		r.log.Warn().Int("errors", errs).Float64("max_error_rate", c.MaxErrorRate).Msg("errors over -max-error-rate")
	}
	if out.Err == nil {
		ev := r.log.Info().Float64("elapsed_s", roundMillis(time.Since(r.started)))
		if sp := r.spill; sp.Spilled > 0 {
			// Results waited on disk behind a slow id: how much, for sizing TMPDIR.
			ev = ev.Int("spilled", sp.Spilled).Float64("spill_peak_mb", float64(sp.PeakSpillBytes>>10)/1024)
		}
		if runErr == nil {
			ev.Msg("every id classified: writing the workbook")
		} else {
			ev.Str("reason", reason).Msg("stopped early: writing the workbook with the ids classified so far")
		}
		err := files.WriteAtomic(c.Out, c.fileMode(), func(w io.Writer) error { return r.wb.WriteTo(w, sum) })
		if err != nil {
			r.log.Error().Err(err).Msg("write workbook")
			out.Status, out.Err = worst(out.Status, Incomplete), err
		} else {
			out.Workbook = true
		}
	}
	r.finishLedger(&out)
	r.writeSummaryJSON(&out)
	r.writeMetrics(&out)
	r.logDone(&out)
	return out
}

// finishLedger records how the run ended in the ledger; a ledger that could not record every
// answer is behind, and the run exits 1 (the workbook is written all the same).
func (r *run) finishLedger(out *Outcome) {
	if r.history == nil {
		return
	}
	st := out.Summary.Facts
	err := r.history.Finish(ledger.Finished{At: st.Finished, Counts: out.Summary.Counts,
		ExitCode: out.Status.ExitCode(), Complete: st.Complete && out.Workbook})
	if err != nil {
		r.log.Error().Err(err).Msg("ledger: the ledger is behind (some answers of this run are not recorded); a rerun will ask for them again")
		out.Status = worst(out.Status, Incomplete)
	}
	out.Ledger = r.history.Stats()
}

// writeSummaryJSON writes -summary-json, if asked; a failure makes the run fail.
func (r *run) writeSummaryJSON(out *Outcome) {
	c := r.c
	if c.SummaryJSON == "" {
		return
	}
	rs := NewRunSummary(&out.Summary, out.Status.ExitCode())
	if r.history != nil {
		l := out.Ledger
		rs.Ledger = &LedgerSummary{Path: l.Path, Reused: l.Reused, RequestsSaved: l.RequestsSaved, Runs: l.Runs}
	}
	if out.Workbook {
		rs.Workbook = c.Out
	}
	if out.Err != nil {
		rs.Error = out.Err.Error()
	}
	err := files.WriteAtomic(c.SummaryJSON, c.fileMode(), func(w io.Writer) error { return rs.Write(w) })
	if err != nil {
		r.log.Error().Err(err).Msg("write summary JSON")
		out.Status = worst(out.Status, Incomplete)
	}
}

// writeMetrics writes -metrics-file, if asked. It is the last file written, so its exit code
// is the run's.
func (r *run) writeMetrics(out *Outcome) {
	c := r.c
	if c.MetricsFile == "" {
		return
	}
	m := Metrics{
		Finished: out.Summary.Facts.Finished,
		Duration: out.Summary.Facts.Finished.Sub(r.started),
		Complete: out.Summary.Facts.Complete && out.Workbook,
		Summary:  &out.Summary,
		Reused:   out.Reused,
	}
	if r.client != nil {
		m.API = r.client.Stats()
	}
	m.ExitCode = out.Status.ExitCode()
	err := files.WriteAtomic(c.MetricsFile, c.fileMode(), func(w io.Writer) error { return WriteMetrics(w, m) })
	if err != nil {
		r.log.Error().Err(err).Msg("write metrics file")
		out.Status = worst(out.Status, Incomplete)
	}
}

// stopped reads fetch's error: the Status it leads to and the reason the Summary gives for
// an INCOMPLETE run.
func (r *run) stopped(ctx context.Context, runErr error) (Status, string) {
	var authErr *vx.AuthError
	switch {
	case runErr == nil:
		return Done, ""
	case errors.As(runErr, &authErr):
		r.log.Error().Err(runErr).Msg("credentials refused: stopped sending")
		return Refused, "credentials refused"
	case errors.Is(runErr, vx.ErrAPIUnavailable):
		r.log.Error().Err(runErr).Msg("API unavailable: stopped sending")
		return Incomplete, "API unavailable"
	case ctx.Err() != nil && errors.Is(runErr, ctx.Err()):
		r.log.Warn().Msg("interrupted: stopped sending, writing what was fetched")
		return Incomplete, "interrupted"
	}
	return Incomplete, "run failed"
}

// worst keeps the more serious of two statuses: a refusal stays a refusal even when a file
// also failed.
func worst(a, b Status) Status {
	if a == Refused || b == Refused {
		return Refused
	}
	return max(a, b)
}

// logDone writes the one done line: counts, why the run is incomplete, and the exit code.
func (r *run) logDone(o *Outcome) {
	s := &o.Summary
	ev := r.log.Info()
	for _, c := range recon.Classes {
		ev = ev.Int(strings.ToLower(c.Key()), s.Count(c))
	}
	status := s.Facts.Status()
	ev = ev.Int("total", s.Results).Int("duplicates", s.Duplicates).Int("invalid", s.Invalid).
		Int("reused", o.Reused).Str("status", status)
	if r.client != nil {
		st := r.client.Stats()
		ev = ev.Int64("retries", st.Retries)
		if st.RetriesDenied > 0 {
			ev = ev.Int64("retries_denied", st.RetriesDenied)
		}
	}
	if s.Facts.Reason != "" {
		ev = ev.Str("reason", s.Facts.Reason)
	}
	ev.Str("workbook", r.c.Out).
		Float64("elapsed_s", roundMillis(time.Since(r.started))).
		Int("exit_code", o.Status.ExitCode()).Msg("done")
}

// roundMillis is d in seconds with at most three decimals, so a log line reads 2.986, not
// 2.9859999999999998.
func roundMillis(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond).Milliseconds()) / 1000
}
