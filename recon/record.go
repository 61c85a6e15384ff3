package recon

// Record is one unique, valid request id of the input with where it came from.
type Record struct {
	ID string
	// Line is the input line (1-based, counting the header) of the first occurrence.
	Line int
	// Dups holds the lines of further occurrences of the same id, nil when there are none.
	Dups []int
	// Fields are the other columns of the first occurrence, aligned with the input's
	// columns (nil when the file has no other columns).
	Fields []string
}

// Lines returns every input line the id appeared on, first occurrence first.
func (r *Record) Lines() []int {
	return append([]int{r.Line}, r.Dups...)
}

// Invalid is an input row whose id cannot be requested.
type Invalid struct {
	Line   int
	Value  string // the id as found (trimmed, and cut to a readable length)
	Reason string // e.g. "empty request id", "invalid character '/' in request id"
}
