package job

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
	"github.com/vxrecon/vxrecon/vx"
)

// maxInvalidLogged bounds the per-row warnings for invalid input: a file of garbage must not
// flood the log; the Errors sheet lists every row.
const maxInvalidLogged = 20

// fetch asks the API for every id and streams the results, in input order, into the
// aggregates and the workbook. Its error is what stopped the run early (see vx.Client.Run),
// or a failure of the workbook (wrapping errWorkbook).
func (r *run) fetch(ctx context.Context) error {
	c, b := r.c, r.batch
	wb, err := output.NewWorkbook(output.Options{
		PII:          c.PII,
		MaxRows:      c.MaxRows,
		InputColumns: b.Columns,
		Title:        "vxrecon report: " + c.InputName,
		Created:      r.started,
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
		return fmt.Errorf("%w: %w", errWorkbook, err) // Validate caught every bad value before
	}

	ids := make([]string, len(b.Records))
	for i := range b.Records {
		ids[i] = b.Records[i].ID
	}
	var prior func(i int) (recon.Result, bool)
	if r.journal != nil {
		prior = func(i int) (recon.Result, bool) {
			res, ok := r.journal.Lookup(ids[i])
			if ok {
				r.reused++
			}
			return res, ok
		}
	}
	r.log.Info().Str("input", c.InputName).Int("ids", len(ids)).Int("rows", b.Rows).
		Int("duplicates", b.Duplicates).Int("invalid", len(b.Invalid)).
		Int("reusable", r.reusable()).Int("concurrency", c.Concurrency).
		Str("api", apiHost(c.BaseURL)).Msg("start")

	r.agg = report.NewAggregate()
	r.agg.SetInput(b.Rows, b.Duplicates, len(b.Invalid))
	r.progress.Start(len(ids))
	return client.Run(ctx, ids, prior, func(i int, res *recon.Result) error {
		r.progress.Answer(res.Class)
		if res.Class == recon.Error && res.Attempts > 0 {
			r.log.Warn().Str("id", res.ID).Int("attempts", res.Attempts).Str("reason", res.Err).Msg("error result")
		}
		if err := recordResult(r.agg, r.wb, &b.Records[i], res); err != nil {
			return fmt.Errorf("%w: %w", errWorkbook, err)
		}
		return nil
	})
}

// addInvalid lists the invalid input rows on the Errors sheet, and the first few in the log.
func (r *run) addInvalid() error {
	inv := r.batch.Invalid
	for i := range inv {
		if i < maxInvalidLogged {
			r.log.Warn().Str("input", r.c.InputName).Int("line", inv[i].Line).Str("reason", inv[i].Reason).Msg("invalid input row")
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

// clientConfig is the VX client for this run: the journal records every answer as soon as
// it is in, so that a crash loses at most the last second of them.
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
			r.log.Debug().Str("id", id).Int("attempt", attempt).Str("reason", err.Error()).Dur("wait", wait).Msg("retry")
		},
	}
	if r.journal != nil {
		var failed sync.Once
		cfg.OnResult = func(res *recon.Result) {
			if err := r.journal.Append(res); err != nil {
				failed.Do(func() {
					r.log.Error().Err(err).Msg("journal: answers are no longer recorded; a rerun will ask again")
				})
			}
		}
	}
	return cfg
}

func (r *run) reusable() int {
	if r.journal == nil {
		return 0
	}
	return r.journal.Reusable()
}

// recordResult is what the job does with one answer once it is in, in input order: derive
// the journey figures, add them to the running aggregates and write the rows.
func recordResult(agg *report.Aggregate, wb *output.Workbook, rec *recon.Record, res *recon.Result) error {
	d := report.Derive(res)
	agg.Add(res, &d)
	return wb.AddResult(rec, res, &d)
}
