package input

import (
	"bytes"
	"fmt"
	"io"
)

// MaxLine bounds one physical line of a CSV: a longer one (a file of NULs, a file that never
// ends, a quote left open on a binary file) is an error naming the line, never memory
// exhausted.
const MaxLine = 1 << 20

// MaxRecord bounds one CSV row, which quoted fields can spread over many lines: a quote left
// open must not make the reader gather the rest of a huge file as one field.
const MaxRecord = 4 << 20

// lineLimit passes its reader's bytes through, counting lines, and fails with a *LineError
// when one line grows past max bytes.
type lineLimit struct {
	r    io.Reader
	name string
	max  int
	line int // the line being read, from 1
	run  int // bytes of it seen so far
	rec  int // bytes read since mark: about one row (the CSV reader reads ahead a little)
}

// mark says a new row starts.
func (l *lineLimit) mark() { l.rec = 0 }

func newLineLimit(r io.Reader, name string, max int) *lineLimit {
	return &lineLimit{r: r, name: name, max: max, line: 1}
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if l.rec += n; l.rec > MaxRecord+64<<10 {
		return 0, &LineError{File: l.name, Line: l.line,
			Err: fmt.Errorf("a row longer than %d MiB ends past this line: is a quote left open?", MaxRecord>>20)}
	}
	for b := p[:n]; ; {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.run += len(b)
			break
		}
		if l.run+i > l.max {
			return 0, l.tooLong()
		}
		l.line++
		l.run = 0
		b = b[i+1:]
	}
	if l.run > l.max {
		return 0, l.tooLong()
	}
	return n, err
}

func (l *lineLimit) tooLong() error {
	return &LineError{File: l.name, Line: l.line,
		Err: fmt.Errorf("a line longer than %d MiB: not a CSV file of request ids", l.max>>20)}
}
