package input

import (
	"errors"
	"hash/maphash"
	"math"

	"github.com/vxrecon/vxrecon/recon"
)

// store keeps a batch's unique ids compactly: every id's text one after another, its first
// line, the other columns' text one after another, and the first line's amount, in slices
// without pointers, which the garbage collector never has to scan. A million ids cost about
// 30 bytes each besides their text, where a recon.Record each (96 bytes of pointers) and a
// map entry to find them cost five times as much, and most of a run's collection work. The
// few ids that repeat keep their other lines in maps. Batch.Record builds a recon.Record when
// one is needed.
type store struct {
	ids    []byte   // the ids' text while reading; idText once done
	idText string   //
	idEnd  []uint32 // where id i ends in the text
	line   []int32  // id i's first input line

	k         int      // other columns per id
	cells     []byte   // their text while reading; cellText once done
	cellText  string   //
	cellEnd   []uint32 // where cell j of id i ends: [i*k+j]
	normalise []bool   // column j's cells are numbers to rewrite for strconv.ParseFloat
	comma     bool     // with a decimal comma

	amount []float64 // the first line's amount of id i; nil without an amount column

	dups   map[int32][]int     // the later lines of a repeated id
	dupAmt map[int32][]float64 // their amounts

	seed  maphash.Seed
	table []int32 // open addressing: 1 + the index of an id, 0 = a free slot
}

// errTooLarge refuses an input whose ids or cells pass the 4 GiB the offsets can address.
var errTooLarge = errors.New("more than 4 GiB of ids or cells: split the input")

func newStore(k int, amounts bool) *store {
	s := &store{k: k, seed: maphash.MakeSeed(), table: make([]int32, 1024)}
	if amounts {
		s.amount = []float64{}
	}
	return s
}

func (s *store) len() int { return len(s.idEnd) }

// idAt is id i's text while reading (the bytes are not kept).
func (s *store) idAt(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = s.idEnd[i-1]
	}
	return s.ids[start:s.idEnd[i]]
}

// idIs tells whether id i is id, while reading or after.
func (s *store) idIs(i int, id string) bool {
	if s.ids != nil || s.idText == "" {
		return string(s.idAt(i)) == id
	}
	return s.id(i) == id
}

// find returns the index of id, or -1, and the slot where it is or would go.
func (s *store) find(id string) (int, int) {
	mask := len(s.table) - 1
	slot := int(maphash.String(s.seed, id)) & mask
	for {
		e := s.table[slot]
		if e == 0 {
			return -1, slot
		}
		if s.idIs(int(e-1), id) {
			return int(e - 1), slot
		}
		slot = (slot + 1) & mask
	}
}

// add keeps a new id with its first line, its other cells and its amount; slot is where find
// said it would go.
func (s *store) add(slot int, id string, line int, cells []string, amount float64) error {
	if uint64(len(s.ids))+uint64(len(id)) > math.MaxUint32 {
		return errTooLarge
	}
	i := len(s.idEnd)
	s.ids = append(s.ids, id...)
	s.idEnd = append(s.idEnd, uint32(len(s.ids)))
	s.line = append(s.line, int32(line))
	for _, c := range cells {
		if uint64(len(s.cells))+uint64(len(c)) > math.MaxUint32 {
			return errTooLarge
		}
		s.cells = append(s.cells, c...)
		s.cellEnd = append(s.cellEnd, uint32(len(s.cells)))
	}
	if s.amount != nil {
		s.amount = append(s.amount, amount)
	}
	s.table[slot] = int32(i + 1)
	if 2*len(s.idEnd) > len(s.table) {
		s.grow()
	}
	return nil
}

// grow doubles the table, keeping it at most half full so a probe is short.
func (s *store) grow() {
	s.table = make([]int32, 2*len(s.table))
	mask := len(s.table) - 1
	for i := range s.idEnd {
		slot := int(maphash.Bytes(s.seed, s.idAt(i))) & mask
		for s.table[slot] != 0 {
			slot = (slot + 1) & mask
		}
		s.table[slot] = int32(i + 1)
	}
}

// repeat records a later line of id i.
func (s *store) repeat(i, line int, amount float64) {
	if s.dups == nil {
		s.dups = map[int32][]int{}
	}
	s.dups[int32(i)] = append(s.dups[int32(i)], line) // amortised: a million repeats cost a few dozen copies
	if s.amount != nil {
		if s.dupAmt == nil {
			s.dupAmt = map[int32][]float64{}
		}
		s.dupAmt[int32(i)] = append(s.dupAmt[int32(i)], amount)
	}
}

// done ends reading: the texts become strings the ids and cells are cut from. The table stays
// (4 bytes a slot) for Batch.Index.
func (s *store) done() {
	s.idText, s.ids = string(s.ids), nil
	s.cellText, s.cells = string(s.cells), nil
}

// id is id i once reading is done: a part of one string, no copy.
func (s *store) id(i int) string {
	start := uint32(0)
	if i > 0 {
		start = s.idEnd[i-1]
	}
	return s.idText[start:s.idEnd[i]]
}

// record builds id i's recon.Record.
func (s *store) record(i int) recon.Record {
	r := recon.Record{ID: s.id(i), Line: int(s.line[i]), Dups: s.dups[int32(i)]}
	if s.k > 0 {
		r.Fields = make([]string, s.k)
		for j := range r.Fields {
			c := i*s.k + j
			start := uint32(0)
			if c > 0 {
				start = s.cellEnd[c-1]
			}
			f := s.cellText[start:s.cellEnd[c]]
			if s.normalise != nil && s.normalise[j] {
				if text, ok := numberText(f, s.comma); ok || text == "" {
					f = text
				}
			}
			r.Fields[j] = f
		}
	}
	if s.amount != nil {
		r.Amounts = append([]float64{s.amount[i]}, s.dupAmt[int32(i)]...)
	}
	return r
}

// Len returns the number of unique valid ids.
func (b *Batch) Len() int { return b.store.len() }

// Index returns the index of id among the unique valid ids, or -1.
func (b *Batch) Index(id string) int {
	i, _ := b.store.find(id)
	return i
}

// ID returns the i-th unique valid id, in input order, without a copy.
func (b *Batch) ID(i int) string { return b.store.id(i) }

// Record returns the i-th unique valid id with where it came from: its lines, its other
// columns (a Numeric column's values as strconv.ParseFloat reads them, every other value as
// given) and, with an amount column, the amount of each of its lines.
func (b *Batch) Record(i int) recon.Record { return b.store.record(i) }

// Records returns every Record, in input order: for tests and small inputs (a million ids
// are better taken one at a time with Record).
func (b *Batch) Records() []recon.Record {
	rs := make([]recon.Record, b.Len())
	for i := range rs {
		rs[i] = b.Record(i)
	}
	return rs
}
