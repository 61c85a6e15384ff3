// Package journal keeps the resume journal: an append-only JSON-lines file of every answer, so
// that a rerun after a crash or an interruption asks the API only for what is missing. It
// also holds the journal's personal-data policy: a line keeps personal fields only as the
// run's -pii shows them, and an answer is reused only by a run that shows no more.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/vxrecon/vxrecon/files"
	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/recon"
)

// Journal is an append-only JSON-lines file of every answer, one recon.Result a line. A rerun
// with the same journal reuses the final answers (PASS, FAIL) and asks again for the rest.
// Personal fields are kept only as the mode given to Open shows them, and Lookup returns
// only answers kept with at least that much detail.
//
// Only the offset of each reusable line is kept in memory, not the result itself, so resuming
// a million-id run costs a map of ids, not a copy of every answer.
type Journal struct {
	f     *os.File
	mode  pii.Mode
	api   string           // the API base URL this run asks
	seg   string           // the API of the lines being loaded, from the last header line ("" = none)
	final map[string]int64 // id -> offset of its latest final line

	mu    sync.Mutex
	w     *bufio.Writer
	dirty bool
	err   error // first write error, reported by Append and Close
	done  chan struct{}
	wg    sync.WaitGroup

	closeOnce sync.Once
	closeErr  error

	// Torn counts the unreadable lines skipped while loading (a torn last line after kill -9).
	Torn int
	// Foreign counts the final answers loaded that came from another API base URL (or from
	// a journal that did not record one): they are not reused.
	Foreign int
	// ForeignAPI is the other base URL, when there was one.
	ForeignAPI string
	// Lines counts the lines loaded.
	Lines int
}

// journalSyncEvery bounds what kill -9 can lose: buffered answers are flushed and synced this often.
const journalSyncEvery = time.Second

// ErrNotJournal refuses a file that is not a vxrecon journal: a -journal pointed at some
// other file (yesterday's workbook, the input) must be refused, not appended to.
var ErrNotJournal = errors.New("not a vxrecon journal (JSON lines of answers)")

// ErrLocked refuses a journal another run holds: two runs appending to one journal would
// interleave their lines.
var ErrLocked = errors.New("in use by another vxrecon run (one run per journal)")

// ErrNotRegular refuses a journal that is not a regular file (a FIFO, a device, a folder):
// reading it could block forever or never end.
var ErrNotRegular = files.ErrNotRegular

// MaxLine bounds one line of a journal: a session keeps at most recon.MaxSessionText of
// text, which JSON escaping can grow about sixfold. A longer line is no answer of ours.
const MaxLine = 16 << 20

// errLongLine is the error of a line over MaxLine.
var errLongLine = fmt.Errorf("a line longer than %d MiB: not a vxrecon journal", MaxLine>>20)

// headerPrefix starts the line that starts each run's answers in a journal.
const headerPrefix = `{"vxrecon_journal":`

// startsLikeJournal reports whether line could be the start of a journal's line, whole or
// torn: a header or an answer. A file whose first line is not is no journal.
func startsLikeJournal(line []byte) bool {
	return bytes.HasPrefix(line, []byte(`{"id":`)) || bytes.HasPrefix(line, []byte(headerPrefix))
}

// Options say how a run uses its journal.
type Options struct {
	// PII is the run's -pii: what Append keeps of personal fields and what Lookup may reuse.
	PII pii.Mode
	// API is the base URL the run asks. The journal records it in a header line before the
	// run's answers, and reuses only answers recorded under the same one: another API's
	// FAIL must not stand under this run's host.
	API string
	// Perm is the mode of a journal Open creates, and given to an existing one; 0 = 0600.
	Perm os.FileMode
}

// header is the line that starts each run's answers in a journal.
type header struct {
	Journal int    `json:"vxrecon_journal"` // the format, 1
	API     string `json:"api"`
}

// Open opens or creates the journal at path and indexes its final answers. A torn last line
// (the process died mid-write) is cut off so that new lines start clean.
func Open(path string, opt Options) (*Journal, error) {
	perm := opt.Perm
	if perm == 0 {
		perm = 0o600
	}
	f, err := openLocked(path, os.O_RDWR|os.O_CREATE, perm)
	if err != nil {
		return nil, err
	}
	j := &Journal{f: f, mode: opt.PII, api: opt.API, final: make(map[string]int64), done: make(chan struct{})}
	end, err := j.load()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if err := f.Truncate(end); err != nil {
		f.Close()
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return nil, fmt.Errorf("open journal: %w", err)
	}
	j.w = bufio.NewWriterSize(f, 256<<10)
	if j.seg != j.api || end == 0 {
		line, _ := json.Marshal(header{Journal: 1, API: j.api})
		j.w.Write(append(line, '\n'))
		j.dirty = true
	}
	j.wg.Add(1)
	go j.syncLoop()
	return j, nil
}

// Check tells, changing nothing, whether Open would refuse the file at path: not a journal,
// or not one this process may append to (so a run can say so before its first request). A
// missing file is fine: Open creates it.
func Check(path string) error {
	// Open appends to it: read and write, as Open will.
	f, err := openLocked(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	// The first line decides; a journal's lines are bounded (a session keeps at most about
	// recon.MaxSessionText), so a first line longer than this is not one.
	first, err := bufio.NewReaderSize(io.LimitReader(f, 4<<20), 64<<10).ReadBytes('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("journal %s: %w", path, err)
	}
	if len(bytes.TrimSpace(first)) == 0 {
		return nil
	}
	j := &Journal{final: map[string]int64{}}
	if first[len(first)-1] != '\n' {
		if !startsLikeJournal(first) {
			return fmt.Errorf("journal %s: %w", path, ErrNotJournal)
		}
		return nil // a torn only line, cut off by Open
	}
	if err := j.index(first, 0); err != nil {
		return fmt.Errorf("journal %s: %w", path, err)
	}
	return nil
}

// openLocked opens the journal and takes the run's lock on it (files.OpenLocked), in the
// journal's words.
func openLocked(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := files.OpenLocked(path, flag, perm)
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	case errors.Is(err, files.ErrLocked):
		err = ErrLocked
	case !errors.Is(err, files.ErrNotRegular):
		return nil, fmt.Errorf("open journal: %w", err)
	}
	return nil, fmt.Errorf("journal %s: %w", path, err)
}

// readLine returns the next line of r, its newline included, or what is left at the end; a
// line longer than MaxLine is errLongLine, so that no file makes the reader hold more.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	// A line longer than the buffer: gather it whole, up to the bound.
	buf := append([]byte(nil), line...)
	for errors.Is(err, bufio.ErrBufferFull) {
		if len(buf) > MaxLine {
			return nil, errLongLine
		}
		line, err = r.ReadSlice('\n')
		buf = append(buf, line...)
	}
	if len(buf) > MaxLine {
		return nil, errLongLine
	}
	return buf, err
}

// load indexes every complete line and returns the offset just past the last complete line.
func (j *Journal) load() (int64, error) {
	r := bufio.NewReaderSize(j.f, 256<<10)
	var off, end int64
	for n := 1; ; n++ {
		line, err := readLine(r)
		if errors.Is(err, errLongLine) {
			return 0, fmt.Errorf("line %d: %w", n, err)
		}
		if len(line) > 0 && line[len(line)-1] == '\n' {
			if err := j.index(line, off); err != nil {
				return 0, err
			}
			off += int64(len(line))
			end = off
		} else if len(bytes.TrimSpace(line)) > 0 {
			if off == 0 && !startsLikeJournal(line) {
				return 0, ErrNotJournal // one line that is not even the start of an answer
			}
			j.Torn++ // torn last line: dropped, and overwritten by the next append
		}
		if err == io.EOF {
			return end, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// index records one complete line. The first line must be a journal record: the journal
// appends to the file, so a -journal pointed at some other file (yesterday's workbook, the
// input) must be refused, not damaged.
func (j *Journal) index(line []byte, off int64) error {
	if len(bytes.TrimSpace(line)) == 0 {
		return nil
	}
	if bytes.HasPrefix(line, []byte(headerPrefix)) {
		var h header
		if err := json.Unmarshal(line, &h); err == nil && h.Journal > 0 {
			j.seg = h.API
			j.Lines++
			return nil
		}
	}
	var l recon.Result
	if err := json.Unmarshal(line, &l); err != nil || l.ID == "" || !l.Class.Valid() {
		if j.Lines == 0 {
			return ErrNotJournal
		}
		j.Torn++
		return nil
	}
	j.Lines++
	// A later non-final answer does not undo an earlier final one: PASS and FAIL do not change.
	switch {
	case !l.Class.Final():
	case j.seg != j.api:
		j.Foreign++
		if j.seg != "" {
			j.ForeignAPI = j.seg
		}
	default:
		j.final[l.ID] = off
	}
	return nil
}

// Known returns an id with a final answer in the journal (any one), or "": an id the API is
// known to answer, for the circuit breaker's probe.
func (j *Journal) Known() string {
	for id := range j.final {
		return id
	}
	return ""
}

// Reusable returns how many ids have a final answer in the journal.
func (j *Journal) Reusable() int { return len(j.final) }

// Lookup returns the final answer recorded for id, if there is one this run may reuse: kept
// with at least the personal detail the run's mode shows.
func (j *Journal) Lookup(id string) (recon.Result, bool) {
	off, ok := j.final[id]
	if !ok {
		return recon.Result{}, false
	}
	r, err := j.readAt(off)
	if err != nil || r.ID != id || !r.Class.Final() || !pii.Mode(r.PII).Keeps(j.mode) {
		return recon.Result{}, false
	}
	r.PII = ""
	return r, true
}

func (j *Journal) readAt(off int64) (recon.Result, error) {
	var r recon.Result
	sr := io.NewSectionReader(j.f, off, 1<<62)
	line, err := bufio.NewReaderSize(sr, 4096).ReadBytes('\n')
	if err != nil {
		return r, err
	}
	err = json.Unmarshal(line, &r)
	return r, err
}

// Append records one answer, its personal fields as the journal's mode shows them. It is safe
// for concurrent use; lines reach the disk within about journalSyncEvery.
func (j *Journal) Append(r *recon.Result) error {
	b, err := json.Marshal(j.entry(r))
	if err != nil {
		return fmt.Errorf("journal %s: %w", r.ID, err)
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if _, err := j.w.Write(b); err != nil {
		j.err = fmt.Errorf("write journal: %w", err)
		return j.err
	}
	j.dirty = true
	return nil
}

func (j *Journal) syncLoop() {
	defer j.wg.Done()
	t := time.NewTicker(journalSyncEvery)
	defer t.Stop()
	for {
		select {
		case <-j.done:
			return
		case <-t.C:
			j.mu.Lock()
			j.flushLocked()
			j.mu.Unlock()
		}
	}
}

func (j *Journal) flushLocked() {
	if !j.dirty || j.err != nil {
		return
	}
	if err := j.w.Flush(); err != nil {
		j.err = fmt.Errorf("write journal: %w", err)
		return
	}
	if err := j.f.Sync(); err != nil {
		j.err = fmt.Errorf("sync journal: %w", err)
		return
	}
	j.dirty = false
}

// Close flushes and syncs what is buffered and closes the file. Later calls return the same
// error and do nothing.
func (j *Journal) Close() error {
	j.closeOnce.Do(func() { j.closeErr = j.close() })
	return j.closeErr
}

func (j *Journal) close() error {
	close(j.done)
	j.wg.Wait()
	j.mu.Lock()
	j.dirty = true
	j.flushLocked()
	err := j.err
	j.mu.Unlock()
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close journal: %w", cerr)
	}
	return err
}

// entry returns r as the journal keeps it: personal fields only as the workbook shows them, so
// the journal lying on disk holds no more personal data than the report. (Masking is
// idempotent, so a reused answer masks the same way again.)
func (j *Journal) entry(r *recon.Result) *recon.Result {
	if j.mode == pii.Full || r.Session == nil {
		return r
	}
	c := *r
	c.PII = string(j.mode)
	c.Session = j.mode.Session(r.Session)
	return &c
}
