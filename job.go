package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/vxrecon/vxrecon/input"
	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
	"github.com/vxrecon/vxrecon/vx"
)

// progressEvery is how often a JSON progress line is logged.
const progressEvery = 10 * time.Second

// maxInvalidLogged bounds the per-row warnings for invalid input: a file of garbage must not
// flood the log; the Errors sheet lists every row.
const maxInvalidLogged = 20

// runJob is the whole job for a validated config and an opened input. It returns the exit code
// and whether the workbook was written.
func runJob(ctx context.Context, c *jobConfig, in io.Reader, inName string, e *env) (int, bool) {
	started := time.Now().UTC()
	ver, _, _ := buildVersion()
	defer startProfiles(e.getenv)()
	tty := isTerminal(e.stderr)
	bar := showBar(c.Progress, tty, e.getenv("TERM"))
	trk := newTracker(0)
	var logw io.Writer = e.stderr
	if bar {
		logw = barSafeWriter{t: trk, w: e.stderr}
	}
	log := newLogger(logw, c.LogFormat, c.LogLevel, tty)

	fail := func(code int, msg string, err error) (int, bool) {
		log.Error().Err(err).Msg(msg)
		return code, false
	}

	// Everything that can be checked before the first request is checked here: bad input and an
	// unwritable output folder end the run with nothing requested and nothing written.
	b, err := readInput(ctx, in, input.Options{Name: inName, Column: c.Column})
	if ctx.Err() != nil {
		return fail(exitIncomplete, "interrupted before any request: nothing written", err)
	}
	if err != nil {
		return fail(exitUsage, "bad input", err)
	}
	if len(b.Records) == 0 && len(b.Invalid) == 0 {
		log.Warn().Str("input", inName).Msg("no request ids: the workbook will be empty")
	}
	if err := checkOutputs(c); err != nil {
		return fail(exitUsage, "bad output", err)
	}
	var journal *output.Journal
	if c.Journal != "" {
		if journal, err = output.OpenJournal(c.Journal); err != nil {
			return fail(exitUsage, "bad journal", err)
		}
		defer journal.Close()
		if journal.Torn > 0 {
			log.Warn().Int("lines", journal.Torn).Str("journal", c.Journal).Msg("journal: unreadable lines skipped")
		}
	}

	wb, err := output.NewWorkbook(output.Options{
		PII:          c.PII,
		MaxRows:      c.maxRows,
		InputColumns: b.Columns,
		Title:        "vxrecon report: " + inName,
		Created:      started,
	})
	if err != nil {
		return fail(exitIncomplete, "workbook", err)
	}
	defer wb.Close()
	for i := range b.Invalid {
		inv := &b.Invalid[i]
		if i < maxInvalidLogged {
			log.Warn().Str("input", inName).Int("line", inv.Line).Str("reason", inv.Reason).Msg("invalid input row")
		}
		if err := wb.AddInvalid(inv); err != nil {
			return fail(exitIncomplete, "workbook", err)
		}
	}
	if n := len(b.Invalid) - maxInvalidLogged; n > 0 {
		log.Warn().Str("input", inName).Int("more", n).Msg("more invalid input rows: see the Errors sheet")
	}

	cfg := vx.Config{
		BaseURL:     c.BaseURL,
		Credentials: c.creds,
		Concurrency: c.Concurrency,
		Rate:        c.Rate,
		Timeout:     c.Timeout,
		Retries:     c.Retries,
		UserAgent:   "vxrecon/" + ver,
		OnRetry: func(id string, attempt int, err error, wait time.Duration) {
			log.Debug().Str("id", id).Int("attempt", attempt).Str("reason", err.Error()).Dur("wait", wait).Msg("retry")
		},
	}
	var journalFailed sync.Once
	journalFail := func(err error) {
		journalFailed.Do(func() { log.Error().Err(err).Msg("journal: answers are no longer recorded; a rerun will ask again") })
	}
	if journal != nil {
		cfg.OnResult = func(r *recon.Result) {
			if err := journal.Append(journalCopy(r, c.PII)); err != nil {
				journalFail(err)
			}
		}
	}
	if c.tuneBatch != nil {
		c.tuneBatch(&cfg)
	}
	client, err := vx.New(cfg)
	if err != nil {
		return fail(exitUsage, "bad configuration", err)
	}

	ids := make([]string, len(b.Records))
	for i := range b.Records {
		ids[i] = b.Records[i].ID
	}
	reused := 0
	prior := func(i int) (recon.Result, bool) { return recon.Result{}, false }
	if journal != nil {
		prior = func(i int) (recon.Result, bool) {
			r, ok := journal.Lookup(ids[i])
			if !ok || !reusable(&r, c.PII) {
				return recon.Result{}, false
			}
			reused++
			r.PII = ""
			return r, true
		}
	}

	log.Info().Str("input", inName).Int("ids", len(ids)).Int("rows", b.Rows).
		Int("duplicates", b.Duplicates).Int("invalid", len(b.Invalid)).
		Int("reusable", journalReusable(journal)).Int("concurrency", c.Concurrency).
		Str("api", apiHost(c.BaseURL)).Msg("start")

	agg := report.NewAggregate()
	agg.SetInput(b.Rows, b.Duplicates, len(b.Invalid))
	trk.total = len(ids)
	var barW io.Writer
	if bar {
		barW = e.stderr
	}
	logEvery := time.Duration(0)
	if !tty || c.LogFormat == "json" {
		logEvery = progressEvery
	}
	trk.run(log, barW, logEvery)

	emit := func(i int, r *recon.Result) error {
		trk.add(r.Class)
		if r.Class == recon.Error && r.Attempts > 0 {
			log.Warn().Str("id", r.ID).Int("attempts", r.Attempts).Str("reason", r.Err).Msg("error result")
		}
		return recordResult(agg, wb, &b.Records[i], r)
	}
	runErr := client.Run(ctx, ids, prior, emit)
	trk.finish()

	facts := report.Facts{
		Started:  started,
		Finished: time.Now().UTC(),
		Input:    inName,
		BaseURL:  apiHost(c.BaseURL),
		Version:  ver,
		Complete: runErr == nil,
	}
	code := exitOK
	var authErr *vx.AuthError
	switch {
	case runErr == nil:
	case errors.As(runErr, &authErr):
		facts.Reason, code = "credentials refused", exitAuth
		log.Error().Err(runErr).Msg("credentials refused: stopped sending")
	case errors.Is(runErr, vx.ErrAPIUnavailable):
		facts.Reason, code = "API unavailable", exitIncomplete
		log.Error().Err(runErr).Msg("API unavailable: stopped sending")
	case ctx.Err() != nil && errors.Is(runErr, ctx.Err()):
		facts.Reason, code = "interrupted", exitIncomplete
		log.Warn().Msg("interrupted: stopped sending, writing what was fetched")
	default:
		// The workbook itself failed (a write error while streaming): nothing whole can be written.
		return fail(exitIncomplete, "run failed", runErr)
	}

	if journal != nil {
		if err := journal.Close(); err != nil {
			journalFail(err)
			if code == exitOK {
				code = exitIncomplete
			}
		}
	}
	sum := agg.Summary(facts)
	errs := sum.Count(recon.Error) + sum.Invalid
	if code == exitOK && errs > 0 && float64(errs) > c.MaxErrorRate*float64(sum.Results+sum.Invalid) {
		code = exitIncomplete
		log.Warn().Int("errors", errs).Float64("max_error_rate", c.MaxErrorRate).Msg("errors over -max-error-rate")
	}

	if err := output.WriteFileAtomic(c.Out, 0o600, func(w io.Writer) error { return wb.WriteTo(w, &sum) }); err != nil {
		return fail(exitIncomplete, "write workbook", err)
	}
	if c.SummaryJSON != "" {
		err := output.WriteFileAtomic(c.SummaryJSON, 0o600, func(w io.Writer) error {
			return output.WriteSummaryJSON(w, &sum, code, c.Out)
		})
		if err != nil {
			log.Error().Err(err).Msg("write summary JSON")
			if code == exitOK {
				code = exitIncomplete
			}
		}
	}

	status := "COMPLETE"
	if !facts.Complete {
		status = "INCOMPLETE"
	}
	log.Info().Int("pass", sum.Counts[0]).Int("fail", sum.Counts[1]).Int("in_progress", sum.Counts[2]).
		Int("not_found", sum.Counts[3]).Int("error", sum.Counts[4]).Int("total", sum.Results).
		Int("duplicates", sum.Duplicates).Int("invalid", sum.Invalid).Int("reused", reused).
		Str("status", status).Str("reason", facts.Reason).Str("workbook", c.Out).
		Float64("elapsed_s", facts.Finished.Sub(started).Round(time.Millisecond).Seconds()).Int("exit_code", code).Msg("done")
	fmt.Fprintf(e.stdout, "PASS=%d FAIL=%d IN_PROGRESS=%d NOT_FOUND=%d error=%d total=%d duplicates=%d invalid=%d status=%s workbook=%s\n",
		sum.Counts[0], sum.Counts[1], sum.Counts[2], sum.Counts[3], sum.Counts[4], sum.Results,
		sum.Duplicates, sum.Invalid, status, c.Out)
	return code, true
}

// startProfiles is a hidden aid for performance work (bench/RESULTS.md): VXRECON_CPUPROFILE=F
// writes a CPU profile of the run to F, VXRECON_MEMPROFILE=F the allocation profile at its end
// (go tool pprof -sample_index=alloc_space or inuse_space). It returns the function that ends
// them; failures are ignored, a profile is never worth failing the run.
func startProfiles(getenv func(string) string) func() {
	var cpu *os.File
	if name := getenv("VXRECON_CPUPROFILE"); name != "" {
		if f, err := os.Create(name); err == nil && pprof.StartCPUProfile(f) == nil {
			cpu = f
		}
	}
	mem := getenv("VXRECON_MEMPROFILE")
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if mem == "" {
			return
		}
		if f, err := os.Create(mem); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
}

// recordResult is what the job does with one answer once it is in, in input order: derive
// the journey figures, add them to the running aggregates and write the rows.
func recordResult(agg *report.Aggregate, wb *output.Workbook, rec *recon.Record, r *recon.Result) error {
	d := report.Derive(r)
	agg.Add(r, &d)
	return wb.AddResult(rec, r, &d)
}

// readInput reads the whole input, but gives up when the run is interrupted: a stuck pipe or
// FIFO must not make SIGINT useless.
func readInput(ctx context.Context, in io.Reader, opt input.Options) (*input.Batch, error) {
	type read struct {
		b   *input.Batch
		err error
	}
	done := make(chan read, 1)
	go func() {
		b, err := input.Read(in, opt)
		done <- read{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: interrupted while reading: %w", opt.Name, ctx.Err())
	}
}

// checkOutputs finds before the first request what would stop the files being written after
// the last one.
func checkOutputs(c *jobConfig) error {
	if fi, err := os.Stat(c.Out); err == nil && fi.IsDir() {
		return fmt.Errorf("-out %s is a folder", c.Out)
	}
	if err := output.CheckWritable(filepath.Dir(c.Out)); err != nil {
		return err
	}
	if c.SummaryJSON != "" {
		if err := output.CheckWritable(filepath.Dir(c.SummaryJSON)); err != nil {
			return fmt.Errorf("-summary-json: %w", err)
		}
	}
	return nil
}

func journalReusable(j *output.Journal) int {
	if j == nil {
		return 0
	}
	return j.Reusable()
}
