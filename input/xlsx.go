package input

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxUnzipped bounds what a workbook may unzip to (excelize spills large sheets to temporary
// files): a zip bomb must fail, not fill the disk. A million rows of a dozen columns fit.
const maxUnzipped = 4 << 30

// maxSheetsListed is how many sheet names an unknown -sheet message lists.
const maxSheetsListed = 20

// readWorkbook reads an input that starts like a zip file: an .xlsx workbook, whose rows
// are read with excelize's streaming iterator so that memory holds the file and one row,
// not the sheet.
func readWorkbook(br *bufio.Reader, name string, opt Options) (*Batch, error) {
	f, chosen, err := openWorkbook(br, name, func(sheets []string) ([]string, error) {
		if len(sheets) == 0 {
			return nil, errors.New("the workbook has no sheet")
		}
		sheet, err := pickSheet(sheets, opt.Sheet)
		return []string{sheet}, err
	})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheet := chosen[0]
	src := &xlsxSource{name: name, sheet: sheet, showing: true}
	defer src.close()
	if src.stored, err = f.Rows(sheet); err != nil {
		return nil, &LineError{File: name, Err: fmt.Errorf("sheet %q: %v", sheet, err)}
	}
	if src.shown, err = f.Rows(sheet); err != nil {
		return nil, &LineError{File: name, Err: fmt.Errorf("sheet %q: %v", sheet, err)}
	}
	return readRows(src, name, opt, false)
}

// pickSheet returns the sheet to read: the first, or the one named want (exactly, else
// without case like Excel).
func pickSheet(sheets []string, want string) (string, error) {
	if want == "" {
		return sheets[0], nil
	}
	for _, s := range sheets {
		if s == want {
			return s, nil
		}
	}
	for _, s := range sheets {
		if strings.EqualFold(s, want) {
			return s, nil
		}
	}
	var sb strings.Builder
	for i, s := range sheets {
		if i == maxSheetsListed {
			fmt.Fprintf(&sb, ", … %d more", len(sheets)-i)
			break
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Quote(s))
	}
	n := strconv.Itoa(len(sheets)) + " sheets"
	if len(sheets) == 1 {
		n = "1 sheet"
	}
	return "", fmt.Errorf("no sheet %q in the workbook (%s: %s)", want, n, sb.String())
}

// xlsxSource yields the rows of a sheet holding something, by their row numbers. It walks
// the sheet twice in step: once for the values as stored (the id and the amount are read
// from those: a number is a number whatever its format) and, while the other columns need
// them, once for the values as Excel shows them (dates, percentages).
type xlsxSource struct {
	name, sheet   string
	stored, shown *excelize.Rows
	showing       bool
	line          int
}

func (s *xlsxSource) empty() error {
	return &LineError{File: s.name, Err: fmt.Errorf("sheet %q is empty, no request id column", s.sheet)}
}

func (s *xlsxSource) showAll(need bool) {
	if !need && s.showing {
		s.showing = false
		_ = s.shown.Close()
	}
}

func (s *xlsxSource) close() {
	if s.stored != nil {
		_ = s.stored.Close()
	}
	if s.shown != nil && s.showing {
		_ = s.shown.Close()
	}
}

func (s *xlsxSource) fail(err error) error {
	return &LineError{File: s.name, Line: s.line, Err: fmt.Errorf("unreadable row in sheet %q: %v", s.sheet, err)}
}

// next returns the next row holding something. Rows.Next counts every row number, gaps
// included, so the count is the sheet's row number.
func (s *xlsxSource) next() ([]string, []string, int, error) {
	for {
		if !s.stored.Next() {
			if err := s.stored.Error(); err != nil {
				s.line++
				return nil, nil, 0, s.fail(err)
			}
			return nil, nil, 0, io.EOF
		}
		s.line++
		stored, err := s.stored.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, 0, s.fail(err)
		}
		shown := stored
		if s.showing {
			if !s.shown.Next() {
				return nil, nil, 0, s.fail(errors.New("rows out of step"))
			}
			if shown, err = s.shown.Columns(); err != nil {
				return nil, nil, 0, s.fail(err)
			}
			for len(shown) < len(stored) { // a format that shows nothing (;;;)
				shown = append(shown, "")
			}
		}
		for _, c := range stored {
			if trimID(c) != "" {
				return shown, stored, s.line, nil
			}
		}
	}
}
