// Package reorder puts results that arrive in any order back in input order, so that a slow,
// hanging or retried id never stops the others from being fetched while the workbook still
// lists them as the input does. Memory is bounded in bytes, not in a count of results: what
// does not fit in the budget waits in a temporary file (unlinked at once, so a killed run
// leaves nothing behind) until its turn comes.
package reorder

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vxrecon/vxrecon/recon"
)

// Buffer holds results between the goroutines that deliver them, in any order, and the one
// reader that takes them in index order. It is safe for concurrent Puts and one reader.
type Buffer struct {
	mu    sync.Mutex
	ready sync.Cond // the reader waits here for index next

	next   int                   // the index the reader takes next
	mem    map[int]*recon.Result // results held in memory
	used   int64                 // their estimated size
	budget int64

	dir      string
	spill    *os.File // nil until the first result does not fit
	spillW   *bufio.Writer
	spilled  map[int]span // results waiting in the spill file
	spillEnd int64        // bytes written to the spill file
	flushed  int64        // bytes of it on disk (readable)

	err   error // the first failure, or why the buffer was aborted
	stats Stats
}

type span struct {
	off int64
	n   int32
}

// Stats say how much the buffer held.
type Stats struct {
	PeakBytes      int64 // the most result bytes held in memory at once
	Spilled        int   // results that went to the spill file
	SpillBytes     int64 // bytes written to the spill file
	PeakSpillBytes int64 // the largest the spill file grew
}

// New returns a Buffer that holds up to budget bytes of results in memory and spills the
// rest to a temporary file in dir ("" = the system's temporary folder).
func New(dir string, budget int64) *Buffer {
	b := &Buffer{mem: make(map[int]*recon.Result), spilled: make(map[int]span), budget: budget, dir: dir}
	b.ready.L = &b.mu
	return b
}

// Put hands over the result for index i, once per index. The result for the index the reader
// waits for always stays in memory; any other goes to the spill file when the memory budget
// is used up. Put fails only when the spill file cannot be written; the buffer is then
// broken and the reader gets the error too.
func (b *Buffer) Put(i int, r *recon.Result) error {
	size := Size(r)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	if i == b.next || b.used+size <= b.budget {
		c := *r
		b.mem[i] = &c
		b.used += size
		b.stats.PeakBytes = max(b.stats.PeakBytes, b.used)
		if i == b.next {
			b.ready.Signal()
		}
		return nil
	}
	if err := b.spillLocked(i, r); err != nil {
		b.err = fmt.Errorf("reorder: spill: %w", err)
		b.ready.Broadcast()
		return b.err
	}
	return nil
}

func (b *Buffer) spillLocked(i int, r *recon.Result) error {
	if b.spill == nil {
		f, err := os.CreateTemp(b.dir, "vxrecon-spill-")
		if err != nil {
			return err
		}
		// Unlinked at once: only the descriptor is used, so a killed process leaves no
		// results (and no personal data) behind.
		if err := os.Remove(f.Name()); err != nil {
			f.Close()
			return err
		}
		b.spill, b.spillW = f, bufio.NewWriterSize(f, 256<<10)
	}
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := b.spillW.Write(line); err != nil {
		return err
	}
	b.spilled[i] = span{off: b.spillEnd, n: int32(len(line))}
	b.spillEnd += int64(len(line))
	b.stats.Spilled++
	b.stats.PeakSpillBytes = max(b.stats.PeakSpillBytes, b.spillEnd)
	return nil
}

// Next waits for the result of the next index in order and returns it. It returns an error
// when the buffer broke or was aborted.
func (b *Buffer) Next() (recon.Result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		if b.err != nil {
			return recon.Result{}, b.err
		}
		if r, ok := b.mem[b.next]; ok {
			delete(b.mem, b.next)
			b.used -= Size(r)
			b.next++
			return *r, nil
		}
		if sp, ok := b.spilled[b.next]; ok {
			r, err := b.readSpilledLocked(sp)
			if err != nil {
				b.err = fmt.Errorf("reorder: read spill: %w", err)
				return recon.Result{}, b.err
			}
			delete(b.spilled, b.next)
			b.next++
			b.rewindLocked()
			return r, nil
		}
		b.ready.Wait()
	}
}

func (b *Buffer) readSpilledLocked(sp span) (recon.Result, error) {
	var r recon.Result
	if sp.off+int64(sp.n) > b.flushed {
		if err := b.spillW.Flush(); err != nil {
			return r, err
		}
		b.flushed = b.spillEnd
	}
	line := make([]byte, sp.n)
	if _, err := b.spill.ReadAt(line, sp.off); err != nil && !errors.Is(err, io.EOF) {
		return r, err
	}
	err := json.Unmarshal(line, &r)
	return r, err
}

// rewindLocked starts the spill file over once nothing waits in it, so a run that spills
// now and then never grows it beyond what waits at one time.
func (b *Buffer) rewindLocked() {
	if len(b.spilled) > 0 || b.spill == nil || b.spillEnd == 0 {
		return
	}
	if b.spillW.Flush() != nil || b.spill.Truncate(0) != nil {
		return // keep appending; the space is given back at Close
	}
	if _, err := b.spill.Seek(0, io.SeekStart); err != nil {
		return
	}
	b.spillEnd, b.flushed = 0, 0
}

// Abort wakes the reader with err: the producers will deliver no more (their run failed).
func (b *Buffer) Abort(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.ready.Broadcast()
	b.mu.Unlock()
}

// Stats returns how much the buffer held so far.
func (b *Buffer) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stats
}

// Close removes the spill file.
func (b *Buffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.spill == nil {
		return nil
	}
	err := b.spill.Close()
	b.spill = nil
	return err
}

// Size estimates the memory a result holds: its texts and the structures around them. It is
// what the budget counts, so that a result with a large session weighs what it costs.
func Size(r *recon.Result) int64 {
	n := int64(256 + len(r.ID) + len(r.Err) + len(r.Message) + len(r.Detail))
	s := r.Session
	if s == nil {
		return n
	}
	n += int64(160 + len(s.RequestID) + len(s.Status) + len(s.Reference) + len(s.FirstName) +
		len(s.LastName) + len(s.Email) + len(s.Phone) + len(s.DOB))
	if p := s.Plus; p != nil {
		n += int64(96 + len(p.Service) + len(p.Confirmation) + len(p.Action) + len(p.Detail))
		for _, is := range p.Issues {
			n += int64(16 + len(is))
		}
	}
	if j := s.Journey; j != nil {
		n += int64(48 + len(j.Duration))
		for i := range j.Stops {
			st := &j.Stops[i]
			n += int64(96 + len(st.Timestamp) + len(st.Type) + len(st.Source) + len(st.Status) + len(st.Action) + len(st.Detail))
		}
	}
	return n
}
