package output

import (
	"bytes"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/flate"
)

// pflateChunk is how much of an entry one goroutine deflates at a time.
const pflateChunk = 1 << 20

// pflateWriter deflates on every core: the input is cut into chunks of pflateChunk bytes, each
// deflated on its own goroutine and ended with a sync flush, so that the compressed chunks,
// written in order, are one valid deflate stream (a chunk only loses back-references into the
// chunk before it, which costs a fraction of a percent in size). Close ends the stream with an
// empty final block. The zip writer computes the CRC and sizes over the input as usual.
//
// Writing the workbook of a million ids deflates about 2 GB of sheet XML; on one core that
// took most of the time between the last answer and the file on disk. The deflater is
// klauspost/compress's: at level 1 it is twice as fast as the standard library's on sheet XML
// (a 200,000-id Results sheet: 0.25 s against 0.53 s, 17 MB against 18), and its stream is
// the same format (the tests inflate it with compress/flate).
type pflateWriter struct {
	w       io.Writer
	buf     []byte
	pending []chan *pflateJob // in input order
	max     int               // chunks in flight at most
	err     error
}

type pflateJob struct {
	in, out []byte
}

var (
	pflateWriters = sync.Pool{New: func() any {
		fw, _ := flate.NewWriter(nil, flate.BestSpeed)
		return fw
	}}
	// chunks are pooled by pointer, so that Put does not allocate a slice header every time.
	pflateBufs = sync.Pool{New: func() any { b := make([]byte, 0, pflateChunk); return &b }}
)

func getChunk() []byte { return (*pflateBufs.Get().(*[]byte))[:0] }

// The deflated chunks' buffers are pooled too: sheet XML deflates to about a tenth.
var pflateOuts = sync.Pool{New: func() any { b := make([]byte, 0, pflateChunk/4); return &b }}

func getOut() []byte { return (*pflateOuts.Get().(*[]byte))[:0] }

func putOut(b []byte) {
	b = b[:0]
	pflateOuts.Put(&b)
}

func putChunk(b []byte) {
	b = b[:0]
	pflateBufs.Put(&b)
}

func newPflate(w io.Writer) *pflateWriter {
	n := max(runtime.GOMAXPROCS(0), 1)
	return &pflateWriter{w: w, max: n + 1, buf: getChunk()}
}

func (p *pflateWriter) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n := len(b)
	for len(b) > 0 {
		k := min(len(b), pflateChunk-len(p.buf))
		p.buf = append(p.buf, b[:k]...)
		b = b[k:]
		if len(p.buf) == pflateChunk {
			if err := p.submit(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// submit starts deflating the current chunk, first writing out the oldest chunks while too
// many are in flight.
func (p *pflateWriter) submit() error {
	for len(p.pending) >= p.max {
		if err := p.writeOldest(); err != nil {
			return err
		}
	}
	job := &pflateJob{in: p.buf}
	p.buf = getChunk()
	done := make(chan *pflateJob, 1)
	p.pending = append(p.pending, done)
	go func() {
		fw := pflateWriters.Get().(*flate.Writer)
		out := bytes.NewBuffer(getOut())
		fw.Reset(out)
		_, _ = fw.Write(job.in) // writes to a bytes.Buffer do not fail
		_ = fw.Flush()
		pflateWriters.Put(fw)
		putChunk(job.in)
		job.in, job.out = nil, out.Bytes()
		done <- job
	}()
	return nil
}

func (p *pflateWriter) writeOldest() error {
	job := <-p.pending[0]
	p.pending = p.pending[1:]
	if p.err == nil {
		_, p.err = p.w.Write(job.out)
	}
	putOut(job.out)
	return p.err
}

// Flush deflates what is buffered and writes every chunk, each ended by a sync flush, but no
// final block: more deflate data may follow, from this writer or another.
func (p *pflateWriter) Flush() error {
	if len(p.buf) > 0 {
		if err := p.submit(); err != nil {
			return err
		}
	}
	for len(p.pending) > 0 {
		_ = p.writeOldest() // after an error, still collect every chunk in flight
	}
	return p.err
}

// abandon waits for the chunks in flight and drops them: the stream will not be used.
func (p *pflateWriter) abandon() {
	for _, done := range p.pending {
		<-done
	}
	p.pending = nil
}

// Close deflates what is left, writes every chunk and the final block. It does not close the
// underlying writer.
func (p *pflateWriter) Close() error {
	if err := p.Flush(); err != nil {
		return err
	}
	putChunk(p.buf)
	p.buf = nil
	fw := pflateWriters.Get().(*flate.Writer)
	fw.Reset(p.w)
	p.err = fw.Close() // an empty final block
	pflateWriters.Put(fw)
	return p.err
}
