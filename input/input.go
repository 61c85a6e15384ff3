// Package input reads the request ids of a batch from a CSV file: it finds the id column,
// validates and de-duplicates the ids, and keeps the other columns so they can travel into the
// report unchanged.
package input

import (
	"fmt"

	"github.com/vxrecon/vxrecon/recon"
)

// MaxIDLen is the longest request id accepted; longer ones are reported as invalid.
const MaxIDLen = 128

// Options tells Read how to read one file.
type Options struct {
	// Name is the file name used in messages ("ids.csv", or "stdin").
	Name string
	// Column is the header of the id column; empty means detect it (request_id, Request ID,
	// requestId, ... compared without case, spaces, dashes or underscores), or a file with one
	// column and no header.
	Column string
}

// Batch is the parsed input.
type Batch struct {
	Name string
	// Columns are the headers of the non-id columns, in file order (empty without a header).
	Columns []string
	// Records are the unique valid ids in input order.
	Records []recon.Record
	// Invalid rows, in input order.
	Invalid []recon.Invalid
	// Duplicates counts the lines that repeated an id already seen (an id on 3 lines adds 2).
	Duplicates int
	// Rows counts the data rows read (blank lines excluded, header excluded).
	Rows int
}

// LineError is a fatal input error at a place in the file.
type LineError struct {
	File string
	Line int // 0 when the error is not tied to a line
	Err  error
}

func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }
