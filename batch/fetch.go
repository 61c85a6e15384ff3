package batch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vxrecon/vxrecon/batch/reorder"
	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
	"github.com/vxrecon/vxrecon/vx"
)

// maxInvalidLogged bounds the per-row warnings for invalid input: a file of garbage must not
// flood the log; the Errors sheet lists every row.
const maxInvalidLogged = 20

// fetch asks the API for every id and streams the results, in input order, into the
// aggregates and the workbook. Its error is what stopped the run early (see fetchAll),
// or a failure of the workbook (wrapping errWorkbook).
func (r *run) fetch(ctx context.Context) error {
	c, b := r.c, r.batch
	wb, err := output.NewWorkbook(output.Options{
		PII:          c.PII,
		MaxRows:      c.MaxRows,
		InputColumns: b.Columns,
		Title:        "vxrecon report: " + c.InputName,
		Created:      r.started,
		Aging:        r.history != nil,
	})
	if err != nil {
		return fmt.Errorf("%w: %w", errWorkbook, err)
	}
	r.wb = wb
	if err := r.addInvalid(); err != nil {
		return err
	}
	client, err := vx.New(r.clientConfig())
	if err != nil {
		return fmt.Errorf("%w: API client: %w", errWorkbook, err) // Validate caught every bad value before
	}
	r.client = client

	n := b.Len()
	reused := make([]bool, n) // set by the dispatcher before it delivers the same index
	if r.history != nil {
		r.first = make([]int32, n) // the same
	}
	prior := r.prior(reused)
	r.log.Info().Str("input", c.InputName).Int("ids", n).Int("rows", b.Rows).
		Int("duplicates", b.Duplicates).Int("invalid", len(b.Invalid)).
		Int("reusable", r.reusable()).Int("concurrency", c.Concurrency).
		Str("api", apiHost(c.BaseURL)).Float64("elapsed_s", roundMillis(time.Since(r.started))).Msg("start")

	r.agg = report.NewAggregate()
	r.agg.SetInput(b.Rows, b.Duplicates, len(b.Invalid))
	r.progress.Start(n)

	// Results arrive in any order; the buffer gives them to the writer in input order, so a
	// slow id holds up only the rows behind it, never the fetching.
	buf := reorder.New("", reorderBudget)
	defer buf.Close()
	fctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	written := make(chan error, 1)
	go func() {
		err := r.write(buf, n)
		if err != nil {
			stop(err)      // nothing whole can be written: stop sending,
			buf.Abort(err) // and let nothing more wait for its turn
		}
		written <- err
	}()
	runErr := fetchAll(fctx, r.client, n, b.ID, prior,
		func(i int, res *recon.Result) error {
			r.progress.Answer(res.Class)
			if len(r.known) > 0 {
				rec := b.Record(i)
				r.appendKnown(&rec, res, reused[i])
			}
			// Personal fields as the workbook shows them, before the result may wait on disk.
			res.Session = c.PII.Session(res.Session)
			return buf.Put(i, res)
		})
	if runErr != nil && !stoppedEarly(runErr) {
		buf.Abort(runErr) // a delivery failed: the writer waits for nothing more
	}
	if err := <-written; err != nil {
		return err
	}
	r.spill = buf.Stats()
	return runErr
}

// prior is fetchAll's prior: the answer a source of known answers has for id i, which it
// marks in reused; nil without a source.
func (r *run) prior(reused []bool) func(i int) (recon.Result, bool) {
	if len(r.known) == 0 {
		return nil
	}
	return func(i int) (recon.Result, bool) {
		if i%prefetchSize == 0 { // prior is called in index order
			r.prefetch(i)
		}
		if r.first != nil {
			r.first[i] = dayOf(r.history.FirstSeen(r.batch.ID(i)))
		}
		for _, k := range r.known {
			if res, ok := k.Lookup(r.batch.ID(i)); ok {
				reused[i] = true
				r.reused++
				return res, true
			}
		}
		return recon.Result{}, false
	}
}

// dayOf is a night (YYYY-MM-DD) as days since 1970-01-01, 0 if unreadable.
func dayOf(night string) int32 {
	t, err := time.Parse(time.DateOnly, night)
	if err != nil {
		return 0
	}
	return int32(t.Unix() / 86400)
}

// prefetchSize is how many ids a source of known answers that can read them together
// (prefetcher) is asked for at once.
const prefetchSize = 1000

// prefetcher is a source of known answers that reads better in bulk than one id at a time
// (the ledger: one query for many ids).
// Prefetch is given the ids looked up next and those after them, which it may read
// meanwhile.
type prefetcher interface{ Prefetch(ids, next []string) }

// prefetch tells each source that can read in bulk which ids are looked up next, from i,
// and which after them.
func (r *run) prefetch(i int) {
	var ids, next []string
	for _, k := range r.known {
		p, ok := k.(prefetcher)
		if !ok {
			continue
		}
		if ids == nil {
			ids, next = r.idsFrom(i), r.idsFrom(i+prefetchSize)
		}
		p.Prefetch(ids, next)
	}
}

// idsFrom are the prefetchSize ids from i (fewer at the end).
func (r *run) idsFrom(i int) []string {
	var ids []string
	for j := i; j < min(i+prefetchSize, r.batch.Len()); j++ {
		ids = append(ids, r.batch.ID(j))
	}
	return ids
}

// reorderBudget is the memory the results waiting for their turn may hold; beyond it they
// wait in a temporary file (README "Memory and disk").
const reorderBudget = 32 << 20

// stoppedEarly reports whether Run ended for one of its documented reasons, after which
// every index was still delivered (as "not fetched").
func stoppedEarly(err error) bool {
	var ae *vx.AuthError
	return errors.As(err, &ae) || errors.Is(err, vx.ErrAPIUnavailable) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// write takes the n results in input order and streams them into the aggregates and the
// workbook.
func (r *run) write(buf *reorder.Buffer, n int) error {
	for i := range n {
		res, err := buf.Next()
		if err != nil {
			return err
		}
		if res.Class == recon.Error && res.Attempts > 0 {
			r.log.Warn().Str("id", res.ID).Int("attempts", res.Attempts).Str("reason", res.Err).Msg("error result")
		}
		rec := r.batch.Record(i)
		if err := r.record(i, &rec, &res); err != nil {
			return fmt.Errorf("%w: %w", errWorkbook, err)
		}
	}
	return nil
}

// appendKnown records one answer in every source of known answers; one that cannot be
// written is said once and the run goes on (a rerun will ask again).
func (r *run) appendKnown(rec *recon.Record, res *recon.Result, reused bool) {
	for i, k := range r.known {
		if err := k.Append(rec, res, reused); err != nil {
			r.appendFailed[i].Do(func() {
				if _, isJournal := k.(journalKnown); isJournal {
					r.log.Error().Err(err).Msg("journal: answers are no longer recorded; a rerun will ask again")
				} else {
					r.log.Error().Err(err).Msg("ledger: answers are no longer recorded, the ledger is behind; a rerun will ask again")
				}
			})
		}
	}
}

// addInvalid lists the invalid input rows on the Errors sheet, and the first few in the log.
func (r *run) addInvalid() error {
	inv := r.batch.Invalid
	for i := range inv {
		if i < maxInvalidLogged {
			r.log.Warn().Str("input", r.c.InputName).Int("line", inv[i].Line).Str("reason", inv[i].Reason).Msg("invalid input row")
		}
		if r.ledger != nil {
			r.ledger.AddInvalid(&inv[i])
		}
		if err := r.wb.AddInvalid(&inv[i]); err != nil {
			return fmt.Errorf("%w: %w", errWorkbook, err)
		}
	}
	if n := len(inv) - maxInvalidLogged; n > 0 {
		r.log.Warn().Str("input", r.c.InputName).Int("more", n).Msg("more invalid input rows: see the Errors sheet")
	}
	return nil
}

// clientConfig is the VX client for this run.
func (r *run) clientConfig() vx.Config {
	c := r.c
	cfg := vx.Config{
		BaseURL:       c.BaseURL,
		Credentials:   c.credentials(),
		Concurrency:   c.Concurrency,
		Rate:          c.Rate,
		Timeout:       c.Timeout,
		Retries:       c.Retries,
		BackoffMin:    c.Backoff.Min,
		BackoffMax:    c.Backoff.Max,
		RetryAfterMax: c.Backoff.RetryAfterMax,
		UserAgent:     "vxrecon/" + c.Version,
		OnRetry: func(id string, attempt int, err error, wait time.Duration) {
			r.log.Debug().Str("id", id).Int("attempt", attempt).Str("reason", err.Error()).Float64("wait_s", roundMillis(wait)).Msg("retry")
		},
		OnProbe: func(id string, answered bool) {
			if answered {
				r.log.Info().Str("probe", id).Msg("many ids in a row failed, but an id known to answer did: the API is up, those ids fail on their own")
			} else {
				r.log.Warn().Str("probe", id).Msg("many ids in a row failed, and so did an id known to answer: the API is down")
			}
		},
	}
	for _, k := range r.known {
		if cfg.ProbeID = k.Known(); cfg.ProbeID != "" {
			break
		}
	}
	return cfg
}

func (r *run) reusable() int {
	n := 0
	for _, k := range r.known {
		n = max(n, k.Reusable())
	}
	return n
}

// record is what the job does with one answer once it is in, in input order: derive the
// journey figures, add them to the running aggregates (and the money and the changes, when
// the run has them) and write the rows.
func (r *run) record(i int, rec *recon.Record, res *recon.Result) error {
	d := report.Derive(res)
	if r.first != nil {
		d.FirstSeen = time.Unix(int64(r.first[i])*86400, 0).UTC()
		if !res.Class.Final() {
			d.NightsOpen = int(max(r.today-r.first[i], 0)) + 1
		}
		r.aging.Add(rec, d.NightsOpen)
	}
	r.agg.Add(res, &d)
	if r.ledger != nil {
		r.ledger.Add(rec, res.Class, d.Service)
	}
	if r.changes != nil {
		r.changes.AddAt(i, rec.ID, res.Class)
	} else if r.nowClass != nil {
		ci := res.Class.Index()
		if ci < 0 {
			ci = recon.Error.Index() // as report counts an unknown class
		}
		r.nowClass[i] = int8(ci)
	}
	return r.wb.AddResult(rec, res, &d)
}
