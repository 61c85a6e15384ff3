package output

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// sheet is one streamed table (Results, Journeys, Issues, Errors) with its continuation
// sheets: when a sheet is full it goes on at "Results (2)", "Results (3)", ..., each with the
// same header, placed right after its predecessor in the tab order.
//
// The stream writers are flushed only at the end (finish), after every sheet exists: the
// autofilter's hidden defined name records a sheet by its position, and excelize does not
// adjust it when a later sheet is moved in front.
type sheet struct {
	f      *excelize.File
	base   string
	header []string
	widths []float64
	max    int // rows per sheet including the header
	style  *styles

	names   []string
	writers []*excelize.StreamWriter
	rows    []int // rows written on each part, header included

	sw    *excelize.StreamWriter // the current part
	cur   int                    // rows written on the current part
	hdr   []interface{}
	sp    *splicer
	parts []*rowsFile // each part's data rows
	part  *rowsFile   // the current part's data rows
	cols  []string    // column letters
	line  []byte      // reused row XML
}

// idCols is how many columns from the left, up to the Request ID, are repeated on every
// printed page across; 0 without a Request ID column among the first two.
func (s *sheet) idCols() int {
	for i, h := range s.header[:min(2, len(s.header))] {
		if h == "Request ID" {
			return i + 1
		}
	}
	return 0
}

func newSheet(f *excelize.File, st *styles, sp *splicer, max int, base string, header []string, widths []float64) *sheet {
	cols := make([]string, len(header))
	for i := range cols {
		cols[i], _ = excelize.ColumnNumberToName(i + 1)
	}
	return &sheet{f: f, style: st, sp: sp, max: max, base: base, header: header, widths: widths, cols: cols}
}

// open starts streaming into the existing sheet name: print setup, widths, frozen header,
// header row.
func (s *sheet) open(name string) error {
	if err := printAsReport(s.f, name, pagesWide(s.widths)); err != nil {
		return err
	}
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	// One call per run of equal widths: excelize merges the column ranges at every call,
	// so a call per column costs the cube of their number (16,000 input columns took minutes).
	for i := 0; i < len(s.widths); {
		j := i + 1
		for j < len(s.widths) && s.widths[j] == s.widths[i] {
			j++
		}
		if err := sw.SetColWidth(i+1, j, s.widths[i]); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		i = j
	}
	if err := sw.SetPanes(headerPanes()); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	if s.hdr == nil {
		s.hdr = make([]interface{}, len(s.header))
		for i, h := range s.header {
			s.hdr[i] = excelize.Cell{StyleID: s.style.header, Value: h}
		}
	}
	if err := sw.SetRow("A1", s.hdr, excelize.RowOpts{StyleID: s.style.header}); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	part, marker, err := s.sp.newPart()
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	if err := sw.SetRow("A2", []interface{}{marker}); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	s.part = part
	s.parts = append(s.parts, part)
	if s.sw != nil {
		s.rows[len(s.rows)-1] = s.cur
	}
	s.names = append(s.names, name)
	s.writers = append(s.writers, sw)
	s.rows = append(s.rows, 1)
	s.sw, s.cur = sw, 1
	return nil
}

// room starts a continuation sheet when the next n rows would not fit on the current one,
// so that rows that belong together (one id's journey) stay on one sheet. A group larger
// than a whole sheet is split all the same (write moves on when a sheet is full).
func (s *sheet) room(n int) error {
	if s.cur+n > s.max && s.cur > 1 {
		return s.next()
	}
	return nil
}

// write appends one row; b is not kept.
func (s *sheet) write(b *rowBuf) error {
	if s.cur >= s.max {
		if err := s.next(); err != nil {
			return err
		}
	}
	s.cur++
	s.line = appendRow(s.line[:0], s.cur, b, s.cols)
	if _, err := s.part.Write(s.line); err != nil {
		return fmt.Errorf("sheet %s row %d: %w", s.names[len(s.names)-1], s.cur, err)
	}
	return nil
}

// next creates the continuation sheet and moves it right after the last part.
func (s *sheet) next() error {
	name := fmt.Sprintf("%s (%d)", s.base, len(s.names)+1)
	if _, err := s.f.NewSheet(name); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	list := s.f.GetSheetList()
	for i, n := range list {
		if n == s.names[len(s.names)-1] && i+1 < len(list) && list[i+1] != name {
			if err := s.f.MoveSheet(name, list[i+1]); err != nil {
				return fmt.Errorf("sheet %s: %w", name, err)
			}
			break
		}
	}
	return s.open(name)
}

// finish puts an autofilter over each part's table and ends its stream. No sheet may be
// added or moved afterwards.
func (s *sheet) finish() error {
	if s.sw == nil {
		return nil
	}
	s.rows[len(s.rows)-1] = s.cur
	last, err := excelize.ColumnNumberToName(len(s.header))
	if err != nil {
		return err
	}
	for i, name := range s.names {
		ref := "A1:" + last + strconv.Itoa(s.rows[i])
		s.parts[i].dim = ref
		if err := s.f.AutoFilter(name, ref, nil); err != nil {
			return fmt.Errorf("sheet %s: autofilter: %w", name, err)
		}
		if err := s.writers[i].Flush(); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	s.sw = nil
	return nil
}
