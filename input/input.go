// Package input reads the request ids of a batch from a CSV file or an .xlsx workbook: it
// finds the id column, validates and de-duplicates the ids, keeps the other columns (typed:
// numbers or text) so they can travel into the report, and the billed amount of every line
// when the input has an amount column.
//
// A CSV may be delimited by ',', ';', tab or '|' (detected from the header line, or given);
// with ';' a decimal comma is a number. A workbook is recognised by content, not by its
// name, and read row by row from its first sheet or the one named in Options.Sheet.
package input

import (
	"fmt"

	"github.com/vxrecon/vxrecon/recon"
)

// MaxIDLen is the longest request id accepted; longer ones are reported as invalid.
const MaxIDLen = 128

// NoAmount as Options.AmountColumn means the input has no amount column, whatever its
// headers say (a text column headed "fee" is then just another column).
const NoAmount = "-"

// Options tells Read how to read one file.
type Options struct {
	// Name is the file name used in messages ("ids.csv", or "stdin").
	Name string
	// Column is the header of the id column; empty means detect it (request_id, Request ID,
	// requestId, ... compared without case, spaces, dashes or underscores), or a file with one
	// column and no header.
	Column string
	// Sheet is the name of the sheet to read when the input is an .xlsx workbook (matched
	// exactly, else without case as Excel does); empty means the first sheet. Ignored for CSV.
	Sheet string
	// Delimiter is the CSV delimiter: ',', ';', '\t' or '|'; 0 means detect it from the
	// header line (the one that splits it into the most fields outside quotes, ',' on a tie).
	// With ';' a decimal comma ("1,50") is a number. Ignored for a workbook.
	Delimiter rune
	// AmountColumn is the header of the billed amount column, matched like Column (not
	// found: a *LineError); empty means the first header, in file order, named amount,
	// price, cost, fee or charge (compared like the id column), or none. Every line's amount
	// must be a plain number (see Batch.Columns) or empty (0), else Read fails with a
	// *LineError naming the line and the column. A workbook's amount is read from the value
	// as stored, whatever its number format. NoAmount turns the detection off.
	AmountColumn string
	// MaxColumns is the most input columns besides the id column that the caller can carry
	// (0 means no limit): a wider header, or headerless first row, is refused at once,
	// before the rest of the input is read. The job passes Excel's 16,384 columns minus the
	// fixed Results columns.
	MaxColumns int
}

// Batch is the parsed input.
type Batch struct {
	// Name is Options.Name, or "input".
	Name string
	// Columns are the non-id columns, in file order (nil without a header or other columns).
	// A column is Numeric when every non-empty value kept for an id is a plain decimal
	// number, and there is at least one: an optional minus, digits, an optional fraction
	// after '.' (or ',' in a CSV delimited by ';'), no leading zero except "0.x", at most 15
	// significant digits, no exponent, thousands separator or inner space. Values of invalid
	// and duplicate rows are not shown anywhere, so they do not count.
	Columns []recon.Column
	// Amount is the header of the billed amount column, "" when there is none. That column
	// is one of Columns too; every line's amount is in Record.Amounts and Invalid.Amount.
	Amount string
	// store holds the unique valid ids in input order: see Len, ID and Record.
	store *store
	// Invalid rows, in input order.
	Invalid []recon.Invalid
	// Duplicates counts the lines that repeated an id already seen (an id on 3 lines adds 2).
	Duplicates int
	// Rows counts the data rows read (blank lines excluded, header excluded).
	Rows int
}

// LineError is a fatal input error at a place in the file. Its message never quotes a cell
// of the input (which may hold personal data): only lines, columns, counts and the names the
// caller gave.
type LineError struct {
	// File is Options.Name, or "input".
	File string
	// Line is the line (1-based, a sheet's row number in a workbook), 0 when the error is
	// not tied to a line.
	Line int
	// Err says what is wrong.
	Err error
}

// Error returns "file:line: message", or "file: message" without a line.
func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }
