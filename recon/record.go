package recon

// Record is one unique, valid request id of the input with where it came from.
type Record struct {
	ID string
	// Line is the input line (1-based, counting the header) of the first occurrence.
	Line int
	// Dups holds the lines of further occurrences of the same id, nil when there are none.
	Dups []int
	// Fields are the other columns of the first occurrence, aligned with the input's
	// Columns (nil when the file has no other columns). A Numeric column's non-empty fields
	// read with strconv.ParseFloat; every other field is the text exactly as given.
	Fields []string
	// Amounts are the billed amounts of each line the id appeared on, in the order of
	// Lines (nil when the input has no amount column).
	Amounts []float64
}

// Lines returns every input line the id appeared on, first occurrence first.
func (r *Record) Lines() []int {
	return append([]int{r.Line}, r.Dups...)
}

// Invalid is an input row whose id cannot be requested.
type Invalid struct {
	Line   int
	Value  string  // the id as found (trimmed, and cut to a readable length)
	Reason string  // e.g. "empty request id", "invalid character '/' in request id"
	Amount float64 // the line's billed amount (0 without an amount column)
}

// Column is one of the input's other columns, carried into the Results sheet.
type Column struct {
	Name string
	// Numeric is true when every non-empty value of the column is a plain decimal number
	// (no leading zero except "0.x", at most 15 significant digits): the workbook then
	// shows them as numbers.
	Numeric bool
}
