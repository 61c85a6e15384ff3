package report

import (
	"iter"

	"github.com/vxrecon/vxrecon/recon"
)

// Change says how an id's class compares with the previous run.
type Change string

// The kinds of change, as the Changes sheet and the Summary name them.
const (
	Changed   Change = "changed"   // in both runs, another class now
	New       Change = "new"       // only in this run
	Gone      Change = "gone"      // only in the previous run
	Unchanged Change = "unchanged" // in both runs, same class: counted, not listed
)

// ChangeRow is one row of the Changes sheet. Before is "" for a new id, Now "" for a gone one.
type ChangeRow struct {
	ID          string
	Before, Now recon.Class
	Change      Change
}

// The before × now table has one row per class and a last one for new ids, one column per
// class and a last one for gone ids.
const (
	NewRow  = recon.NumClasses // Matrix row of the ids new in this run
	GoneCol = recon.NumClasses // Matrix column of the ids gone since the previous run
)

// The labels of NewRow and GoneCol.
const (
	NewLabel  = "(new)"
	GoneLabel = "(gone)"
)

// ChangeSet compares this run with a previous one: the counts, the before × now table and
// the rows of the Changes sheet.
type ChangeSet struct {
	Changed, New, Gone, Unchanged int
	// Matrix counts ids by class before (row, as recon.Classes, then NewRow) and now
	// (column, as recon.Classes, then GoneCol). Unchanged ids lie on the diagonal;
	// Matrix[NewRow][GoneCol] is always 0.
	Matrix [recon.NumClasses + 1][recon.NumClasses + 1]int

	changes []change // changed (input order), then new (input order)
	gone    []change // in the previous run's order
}

// Len returns the number of rows of the Changes sheet.
func (s *ChangeSet) Len() int { return len(s.changes) + len(s.gone) }

// Rows yields the rows of the Changes sheet: the changed ids in input order, then the new
// ones in input order, then the gone ones in the previous run's order. Unchanged ids are not
// listed.
func (s *ChangeSet) Rows() iter.Seq[ChangeRow] {
	return func(yield func(ChangeRow) bool) {
		for _, part := range [][]change{s.changes, s.gone} {
			for _, c := range part {
				if !yield(c.row()) {
					return
				}
			}
		}
	}
}

// change is a ChangeRow in 24 bytes instead of 64 (a million new ids are a plausible first
// comparison): the classes as indexes into recon.Classes, -1 for none. The id shares the
// caller's string.
type change struct {
	id          string
	before, now int8
}

func (c change) row() ChangeRow {
	r := ChangeRow{ID: c.id, Before: classAt(c.before), Now: classAt(c.now)}
	switch {
	case c.before < 0:
		r.Change = New
	case c.now < 0:
		r.Change = Gone
	default:
		r.Change = Changed
	}
	return r
}

// classAt returns recon.Classes[i], or "" for -1.
func classAt(i int8) recon.Class {
	if i < 0 {
		return ""
	}
	return recon.Classes[i]
}

// classIndex is c's index in recon.Classes; an unknown class counts as recon.Error, as in
// recon.Counts.
func classIndex(c recon.Class) int8 {
	i := c.Index()
	if i < 0 {
		i = recon.Error.Index()
	}
	return int8(i)
}

// Changes compares the classes of this run with those of a previous run as results stream
// past. The previous run is held as a map of ids (its one real cost); this run's ids are
// kept only when they changed or are new. Not safe for concurrent use; make it with
// NewChanges.
type Changes struct {
	prev    map[string]int // id -> index in before
	before  []prevID       // the previous run, in its order
	changes []change       // this run's changed ids, in input order
	added   []change       // this run's new ids, in input order
	set     ChangeSet      // the counts and Matrix

	// With NewIndexedChanges instead of prev and before: the previous class of this run's id
	// i (-1: not in the previous run), and the previous run's ids this run lacks.
	at   []int8
	gone []change
}

// prevID is one id of the previous run and whether this run has met it.
type prevID struct {
	id    string
	class int8
	seen  bool
}

// NewChanges starts a comparison with a previous run: ids[i] had classes[i] (as
// input.ReadPreviousWorkbook and journal.ReadClasses return them). An id listed twice keeps
// its first place and its last class; ids without a class (classes shorter than ids) are
// ignored.
func NewChanges(ids []string, classes []recon.Class) *Changes {
	n := min(len(ids), len(classes))
	c := &Changes{prev: make(map[string]int, n), before: make([]prevID, 0, n)}
	for i := range n {
		ci := classIndex(classes[i])
		if j, ok := c.prev[ids[i]]; ok {
			c.before[j].class = ci
			continue
		}
		c.prev[ids[i]] = len(c.before)
		c.before = append(c.before, prevID{id: ids[i], class: ci})
	}
	return c
}

// NewIndexedChanges starts a comparison with a previous run already matched to this run's
// ids, which costs a byte an id instead of a map of the previous run's: before[i] is the
// previous class of this run's id i ("" when the previous run did not have it), gone the
// previous run's ids this run does not have, in its order. Use AddAt.
func NewIndexedChanges(before []recon.Class, gone []ChangeRow) *Changes {
	c := &Changes{at: make([]int8, len(before))}
	for i, cl := range before {
		c.at[i] = -1
		if cl != "" {
			c.at[i] = classIndex(cl)
		}
	}
	for _, g := range gone {
		c.gone = append(c.gone, change{id: g.ID, before: classIndex(g.Before), now: -1})
	}
	return c
}

// AddAt is Add for this run's id i (its index in input order): the only way to add to
// NewIndexedChanges's comparison, and the same as Add for NewChanges's.
func (c *Changes) AddAt(i int, id string, now recon.Class) {
	if c.at == nil {
		c.Add(id, now)
		return
	}
	ni := classIndex(now)
	pi := int8(-1)
	if i >= 0 && i < len(c.at) {
		pi = c.at[i]
	}
	if pi < 0 {
		c.set.New++
		c.set.Matrix[NewRow][ni]++
		c.added = append(c.added, change{id: id, before: -1, now: ni})
		return
	}
	c.set.Matrix[pi][ni]++
	if pi == ni {
		c.set.Unchanged++
		return
	}
	c.set.Changed++
	c.changes = append(c.changes, change{id: id, before: pi, now: ni})
}

// Add compares one id of this run, of class now, with the previous run. Call it once per
// unique id, in input order (the order of the Changes sheet). A new id's string is kept, not
// copied: pass the input record's id, which the run keeps anyway.
func (c *Changes) Add(id string, now recon.Class) {
	ni := classIndex(now)
	j, ok := c.prev[id]
	if !ok {
		c.set.New++
		c.set.Matrix[NewRow][ni]++
		c.added = append(c.added, change{id: id, before: -1, now: ni})
		return
	}
	p := &c.before[j]
	p.seen = true
	c.set.Matrix[p.class][ni]++
	if p.class == ni {
		c.set.Unchanged++
		return
	}
	c.set.Changed++
	c.changes = append(c.changes, change{id: p.id, before: p.class, now: ni})
}

// Result returns the comparison so far: the ids of the previous run not added yet count as
// gone. It may be called any number of times; what it returns is the caller's own.
func (c *Changes) Result() ChangeSet {
	s := c.set
	s.changes = make([]change, 0, len(c.changes)+len(c.added))
	s.changes = append(append(s.changes, c.changes...), c.added...)
	for _, g := range c.gone {
		s.Gone++
		s.Matrix[g.before][GoneCol]++
		s.gone = append(s.gone, g)
	}
	for _, p := range c.before {
		if !p.seen {
			s.Gone++
			s.Matrix[p.class][GoneCol]++
			s.gone = append(s.gone, change{id: p.id, before: p.class, now: -1})
		}
	}
	return s
}
