// Package batch is one run of vxrecon, from an opened input to the files it leaves behind: it
// reads the ids (input), asks the VX API for each (vx), aggregates the answers (report) and
// writes the workbook (output), the journal (journal), the run summary and the metrics. A run
// is Prepare (everything checked, nothing requested or written), then Run, or Check for the
// credentials only; Run does both for a caller with nothing to do in between. main only
// parses flags, builds the logger and turns the Outcome into an exit code
// (docs/ARCHITECTURE.md).
package batch

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/vxrecon/vxrecon/batch/reorder"
	"github.com/vxrecon/vxrecon/files"
	"github.com/vxrecon/vxrecon/input"
	"github.com/vxrecon/vxrecon/journal"
	"github.com/vxrecon/vxrecon/ledger"
	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
	"github.com/vxrecon/vxrecon/vx"
)

// Status says how a run ended.
type Status int

// The ways a run ends; ExitCode maps them to the exit codes of docs/SPEC.md.
const (
	Done          Status = iota // workbook written, every id classified, errors within the limit
	TooManyErrors               // workbook written, errors over -max-error-rate
	Incomplete                  // cut short (interrupted, API unavailable) or a file not written
	BadInput                    // bad usage or input: nothing requested, nothing written
	Refused                     // credentials refused
)

// Exit codes, as docs/SPEC.md "Exit codes and files" defines them.
const (
	ExitOK         = 0
	ExitIncomplete = 1
	ExitUsage      = 2
	ExitAuth       = 3
)

// ExitCode is the process exit code of a run that ended with s.
func (s Status) ExitCode() int {
	switch s {
	case Done:
		return ExitOK
	case BadInput:
		return ExitUsage
	case Refused:
		return ExitAuth
	}
	return ExitIncomplete
}

// Outcome is what a run did.
type Outcome struct {
	Status Status
	// Err says why a run ended BadInput (a message for the person at the command line) or
	// why a file could not be written; nil otherwise.
	Err      error
	Summary  report.Summary
	Workbook bool         // the workbook was written
	Reused   int          // answers taken from the journal or the ledger instead of the API
	Ledger   ledger.Stats // with -ledger
}

// Line is the one-line summary a run prints on stdout.
func (o *Outcome) Line(workbook string) string {
	var b strings.Builder
	for _, c := range recon.Classes {
		fmt.Fprintf(&b, "%s=%d ", c.Key(), o.Summary.Count(c))
	}
	status := o.Summary.Facts.Status()
	s := o.Summary
	fmt.Fprintf(&b, "total=%d duplicates=%d invalid=%d status=%s workbook=%s", s.Results, s.Duplicates, s.Invalid, status, workbook)
	return b.String()
}

// Progress hears of every answer as it arrives, for a progress bar or progress lines.
type Progress interface {
	Start(total int)          // the number of ids to classify
	Answer(class recon.Class) // one more id classified (fetched, reused or not fetched)
	Finish()                  // the fetching is over: before the run logs how it ended
}

// Run is the whole job for a validated Config and an opened input: Prepare, then
// Prepared.Run. It never panics on bad input and always returns an Outcome: a failed fetch
// is data in the workbook, and only bad input, refused credentials, an interruption or a
// file that cannot be written change the Status. progress may be nil.
func Run(ctx context.Context, c Config, in io.Reader, log zerolog.Logger, progress Progress) Outcome {
	p, out := Prepare(ctx, c, in, log)
	if p == nil {
		return out
	}
	return p.Run(ctx, progress)
}

// Prepared is a run whose input was read and whose files were checked: nothing was
// requested and nothing written yet. Call Run or Check, or Close to give it up.
type Prepared struct{ r *run }

// Prepare does everything that can be checked before the first request: bad input, an
// unwritable output folder or a foreign journal end the run (Status BadInput, or Incomplete
// when ctx ended while the input was read) with nothing requested and nothing written. It
// returns a nil Prepared and the Outcome when the run must stop.
func Prepare(ctx context.Context, c Config, in io.Reader, log zerolog.Logger) (*Prepared, Outcome) {
	r := &run{c: &c, log: log, progress: noProgress{}, started: time.Now().UTC()}
	if err := r.prepare(ctx, in); err != nil {
		if ctx.Err() != nil {
			log.Warn().Err(err).Msg("interrupted before any request: nothing written")
			return nil, Outcome{Status: Incomplete, Err: err}
		}
		return nil, Outcome{Status: BadInput, Err: err}
	}
	return &Prepared{r: r}, Outcome{}
}

// Batch is the input as read.
func (p *Prepared) Batch() *input.Batch { return p.r.batch }

// Run asks the API for every id and writes the files. progress may be nil.
func (p *Prepared) Run(ctx context.Context, progress Progress) Outcome {
	r := p.r
	if progress != nil {
		r.progress = progress
	}
	defer r.close()
	if err := r.openJournal(); err != nil {
		if errors.Is(err, journal.ErrLocked) {
			// Another run took the journal since Prepare: nothing requested, nothing written.
			return Outcome{Status: BadInput, Err: err}
		}
		// Checked by Prepare: only a file changed since, or a full disk, gets here.
		r.log.Error().Err(err).Msg("journal")
		return r.finish(ctx, err)
	}
	if err := r.openLedger(); err != nil {
		return Outcome{Status: BadInput, Err: err} // nothing requested, nothing written
	}
	r.removeStale()
	runErr := r.fetch(ctx)
	return r.finish(ctx, runErr)
}

// removeStale removes the temporary files a run killed while writing left beside the files
// this run writes (files.RemoveStale says how a stale one is told from a live one).
func (r *run) removeStale() {
	seen := map[string]bool{}
	for _, p := range []string{r.c.Out, r.c.SummaryJSON, r.c.MetricsFile} {
		if p == "" {
			continue
		}
		dir := filepath.Dir(p)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		if gone := files.RemoveStale(dir); len(gone) > 0 {
			r.log.Info().Str("folder", dir).Strs("files", gone).Msg("removed temporary files left by a run that was killed")
		}
	}
}

// Close gives up a prepared run that will not Run.
func (p *Prepared) Close() { p.r.close() }

// run is the state of one Run between its phases.
type run struct {
	c        *Config
	log      zerolog.Logger
	progress Progress
	started  time.Time

	batch   *input.Batch
	ledger  *report.Ledger  // the Billing sheet's figures, when the input has amounts
	changes *report.Changes // the Changes sheet's, with -previous
	journal *journal.Journal
	history *ledger.Ledger // the ledger of every run, with -ledger
	night   string         // with -ledger: the night the run counts as, fixed at its start
	today   int32          // the same, as days since 1970
	first   []int32        // with -ledger: the day (since 1970) each id was first recorded
	aging   report.Aging   // with -ledger: the open ids by age
	nights  []report.Night // with -ledger: the trend's earlier nights, oldest first

	prevChanges chan *report.Changes // with -ledger and no -previous: the previous run, being read
	nowClass    []int8               // meanwhile, each id's class (index in recon.Classes, -1 none)
	known       []Known              // answers known before the run: the journal, then the ledger
	sha256      string               // the input's, for the ledger
	wb          *output.Workbook
	agg         *report.Aggregate
	client      *vx.Client
	reused      int           // answers taken from the journal
	spill       reorder.Stats // how much waited for its turn

	appendFailed [2]sync.Once // said once per source of known answers
}

type noProgress struct{}

func (noProgress) Start(int)          {}
func (noProgress) Answer(recon.Class) {}
func (noProgress) Finish()            {}

// prepare reads the input and checks the files the run will write, writing none.
func (r *run) prepare(ctx context.Context, in io.Reader) error {
	h := sha256.New()
	b, err := readInput(ctx, io.TeeReader(in, h), r.c.inputOptions())
	if err != nil {
		return err
	}
	r.batch = b
	r.sha256 = hex.EncodeToString(h.Sum(nil))
	if err := r.c.checkOutputs(); err != nil {
		return err
	}
	if b.Amount != "" {
		r.ledger = report.NewLedger()
	}
	if r.c.Previous != "" {
		ch, err := readPrevious(ctx, r.c.Previous, func(msg string) { r.log.Warn().Msg(msg) })
		if err != nil {
			return err
		}
		r.changes = ch
	}
	if r.c.Journal != "" {
		if err := journal.Check(r.c.Journal); err != nil {
			return err
		}
	}
	if r.c.Ledger != "" {
		if err := ledger.Inspect(r.c.Ledger); err != nil {
			return err
		}
	}
	return nil
}

// maxPreviousPipe bounds what is read of a -previous that is not a regular file (a pipe),
// which is read whole before it is parsed.
const maxPreviousPipe = 256 << 20

// readPrevious reads an earlier run's classes from its workbook (a zip) or its journal. A
// pipe (process substitution) is read within files.Wait, or until ctx ends.
func readPrevious(ctx context.Context, path string, waiting func(string)) (*report.Changes, error) {
	var in io.Reader
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return nil, fmt.Errorf("-previous %s is a folder", path)
		}
		b, err := files.ReadSmall(ctx, "-previous", path, maxPreviousPipe, waiting)
		if err != nil {
			return nil, err
		}
		in = bytes.NewReader(b)
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("-previous %s: %w", path, files.Bare(err))
		}
		defer f.Close()
		in = f
	}
	br := bufio.NewReader(in)
	head, _ := br.Peek(4)
	var ids []string
	var classes []recon.Class
	var err error
	if bytes.Equal(head, []byte("PK\x03\x04")) {
		ids, classes, err = input.ReadPreviousWorkbook(br, filepath.Base(path))
	} else {
		ids, classes, err = journal.ReadClasses(br)
	}
	if err != nil {
		return nil, fmt.Errorf("-previous %s: %w", path, err)
	}
	return report.NewChanges(ids, classes), nil
}

// openJournal opens the journal, if the run keeps one, and says what of it cannot be used.
func (r *run) openJournal() error {
	if r.c.Journal == "" {
		return nil
	}
	j, err := journal.Open(r.c.Journal, journal.Options{PII: r.c.PII, API: r.c.api(), Perm: r.c.fileMode()})
	if err != nil {
		return err
	}
	r.journal = j
	r.known = append(r.known, journalKnown{j})
	if j.Torn > 0 {
		r.log.Warn().Int("lines", j.Torn).Str("journal", r.c.Journal).Msg("journal: unreadable lines skipped")
	}
	if j.Foreign > 0 {
		ev := r.log.Warn().Int("answers", j.Foreign).Str("journal", r.c.Journal)
		if j.ForeignAPI != "" {
			ev.Str("their_api", j.ForeignAPI).Msg("journal: answers from another API are not reused")
		} else {
			ev.Msg("journal: answers recorded before the journal named its API are not reused")
		}
	}
	return nil
}

// openLedger opens the ledger, if the run keeps one, and records the run in it. Every error
// comes before the first request.
func (r *run) openLedger() error {
	c := r.c
	if c.Ledger == "" {
		return nil
	}
	opened := time.Now()
	r.night = c.night()
	r.today = dayOf(r.night)
	l, err := ledger.Open(c.Ledger, ledger.Options{API: c.api(), PII: c.PII, Refetch: c.Refetch})
	if err != nil {
		return err
	}
	if err := l.Begin(ledger.Run{Started: r.started, Night: r.night, Input: c.InputName, InputSHA256: r.sha256, Version: c.Version}); err != nil {
		l.Close()
		return err
	}
	r.history = l
	r.known = append(r.known, l)
	if err := r.readHistory(); err != nil {
		return err
	}
	r.log.Info().Str("ledger", ledger.Redact(c.Ledger)).Int("runs", l.Runs()).Bool("refetch", c.Refetch).
		Float64("open_s", roundMillis(time.Since(opened))).Msg("ledger")
	return nil
}

// trendNights is how many nights the Summary's trend shows, this run's included.
const trendNights = 30

// readHistory reads what the Summary shows of earlier runs: their nights, for the trend, and
// without -previous the run to compare with (the ledger's previous finished run).
func (r *run) readHistory() error {
	l, night := r.history, r.night
	nights, err := l.Nights("", night, trendNights)
	if err != nil {
		return err
	}
	nights = slices.DeleteFunc(nights, func(n report.Night) bool { return n.Night == night }) // this run's counts replace them
	r.nights = nights[max(len(nights)-(trendNights-1), 0):]
	if r.c.Previous != "" {
		return nil
	}
	// The previous run is read beside the run (2 s at a million ids); the writer keeps each
	// id's class meanwhile, a byte an id, and finish compares them.
	r.nowClass = make([]int8, r.batch.Len())
	for i := range r.nowClass {
		r.nowClass[i] = -1
	}
	ch := make(chan *report.Changes, 1)
	r.prevChanges = ch
	go func() { ch <- r.previousChanges() }()
	return nil
}

// previousChanges reads the ledger's previous finished run and matches its answers to this
// run's ids as they are read: a byte an id, and a row for each id this run does not have
// (gone), in the previous run's input order. Nil when there is none, or when it cannot be
// read (said in the log: the run goes on without Changes).
func (r *run) previousChanges() *report.Changes {
	before := make([]recon.Class, r.batch.Len())
	type goneID struct {
		report.ChangeRow
		line int
	}
	var gone []goneID
	answers := 0
	prev, err := r.history.Previous(func(id string, class recon.Class, line int) {
		answers++
		if i := r.batch.Index(id); i >= 0 {
			before[i] = class
		} else {
			gone = append(gone, goneID{report.ChangeRow{ID: id, Before: class}, line})
		}
	})
	if err != nil {
		r.log.Warn().Err(err).Msg("changes: the ledger's previous run could not be read; no Changes sheet")
		return nil
	}
	if prev == "" {
		return nil
	}
	slices.SortStableFunc(gone, func(a, b goneID) int { return cmp.Compare(a.line, b.line) })
	rows := make([]report.ChangeRow, len(gone))
	for k, g := range gone {
		rows[k] = g.ChangeRow
	}
	r.log.Info().Str("night", prev).Int("ids", answers).Msg("changes: compared with the ledger's previous run")
	return report.NewIndexedChanges(before, rows)
}

// ledgerChanges waits for the previous run readHistory started reading, if any, and compares
// this run's classes with it (r.changes).
func (r *run) ledgerChanges() {
	if r.prevChanges == nil {
		return
	}
	ch := <-r.prevChanges
	r.prevChanges = nil
	if ch == nil {
		return
	}
	for i, ci := range r.nowClass {
		if ci >= 0 {
			ch.AddAt(i, r.batch.ID(i), recon.Classes[ci])
		}
	}
	r.changes, r.nowClass = ch, nil
}

// close releases what prepare and fetch opened; the files written stay.
func (r *run) close() {
	for _, k := range r.known {
		k.Close()
	}
	if r.wb != nil {
		r.wb.Close()
	}
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

// errWorkbook marks a failure of the workbook itself while results stream into it: nothing
// whole can be written after it.
var errWorkbook = errors.New("workbook")
