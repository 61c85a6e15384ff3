package input

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/recon"
)

// The Results sheet of a vxrecon workbook, and the headers of the columns a previous run is
// read from (docs/SPEC.md "The workbook").
const (
	previousSheet    = "Results"
	previousIDHeader = "Request ID"
	previousClass    = "Classification"
)

// ReadPreviousWorkbook reads an earlier vxrecon workbook for the comparison with this run
// (-previous): the id and class of every row of its Results sheet and of the sheets it goes
// on at, "Results (2)", "Results (3)", …, in that order. The columns are found by their
// headers, Request ID and Classification, on each sheet; rows without an id are skipped.
// ids[i] had classes[i]; pass both to report.NewChanges.
//
// The rows are streamed (excelize's Rows), not loaded as a grid. It fails with a *LineError
// naming the file (name, as for Read) when r is not an Excel workbook, has no Results sheet,
// lacks one of the two columns, or holds a class vxrecon does not write. Like Read's, its
// messages quote no cell.
func ReadPreviousWorkbook(r io.Reader, name string) (ids []string, classes []recon.Class, err error) {
	if name == "" {
		name = "previous workbook"
	}
	f, sheets, err := openWorkbook(r, name, func(list []string) ([]string, error) {
		sheets := previousSheets(list)
		if len(sheets) == 0 {
			return nil, errors.New("no Results sheet: not a vxrecon workbook")
		}
		return sheets, nil
	})
	var nz *notZip
	if errors.As(err, &nz) {
		return nil, nil, &LineError{File: name, Err: fmt.Errorf("not an Excel workbook: %v", nz.err)}
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	for _, sh := range sheets {
		if ids, classes, err = readPreviousSheet(f, sh, name, ids, classes); err != nil {
			return nil, nil, err
		}
	}
	return ids, classes, nil
}

// previousSheets picks "Results" and its continuations "Results (N)" from a workbook's
// sheets, in the order of N: the order the rows were written in, whatever the tab order.
func previousSheets(list []string) []string {
	type part struct {
		name string
		n    int
	}
	var parts []part
	for _, sh := range list {
		if sh == previousSheet {
			parts = append(parts, part{sh, 1})
			continue
		}
		num, isPart := strings.CutPrefix(sh, previousSheet+" (")
		num, closed := strings.CutSuffix(num, ")")
		if !isPart || !closed {
			continue
		}
		if n, err := strconv.Atoi(num); err == nil && n >= 2 {
			parts = append(parts, part{sh, n})
		}
	}
	slices.SortFunc(parts, func(a, b part) int { return a.n - b.n })
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.name
	}
	return names
}

// readPreviousSheet appends the id and class of every row of one Results sheet.
func readPreviousSheet(f *excelize.File, sheet, name string, ids []string, classes []recon.Class) ([]string, []recon.Class, error) {
	fail := func(line int, err error) ([]string, []recon.Class, error) {
		return nil, nil, &LineError{File: name, Line: line, Err: fmt.Errorf("sheet %s: %w", sheet, err)}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return fail(0, err)
	}
	defer rows.Close()
	raw := excelize.Options{RawCellValue: true} // an id is the text stored, whatever its format
	if !rows.Next() {
		return fail(1, errors.New("empty: no header row"))
	}
	hdr, err := rows.Columns(raw)
	if err != nil {
		return fail(1, err)
	}
	idCol, classCol := previousColumn(hdr, previousIDHeader), previousColumn(hdr, previousClass)
	if idCol < 0 || classCol < 0 {
		return fail(1, fmt.Errorf("no %q or no %q column in the first row: not a vxrecon Results sheet", previousIDHeader, previousClass))
	}
	for line := 2; rows.Next(); line++ {
		cells, err := rows.Columns(raw)
		if err != nil {
			return fail(line, err)
		}
		id := strings.TrimSpace(previousCell(cells, idCol))
		if id == "" {
			continue
		}
		c := recon.Class(strings.TrimSpace(previousCell(cells, classCol)))
		if !c.Valid() {
			return fail(line, fmt.Errorf("the %s is not one of PASS, FAIL, IN PROGRESS, NOT FOUND, error", previousClass))
		}
		ids = append(ids, id)
		classes = append(classes, c)
	}
	if err := rows.Error(); err != nil {
		return fail(0, err)
	}
	return ids, classes, nil
}

// previousColumn returns the position of the header cell equal to want (spaces around ignored),
// or -1.
func previousColumn(hdr []string, want string) int {
	return slices.IndexFunc(hdr, func(h string) bool { return strings.TrimSpace(h) == want })
}

// previousCell returns cells[i], "" past the end of a short row.
func previousCell(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}
