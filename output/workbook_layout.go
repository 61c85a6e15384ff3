package output

import (
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// pageWidth is about how many units of column width a landscape page (A4 or Letter, default
// margins) prints at full size; a sheet up to shrinkTo of that wider still fits one page.
const (
	pageWidth = 130
	shrinkTo  = 1.4
)

// pagesWide is how many pages wide a sheet of the given column widths prints on, at about
// full size: a wide sheet (Results has 26 columns and the input's) goes on over several
// pages, with its id column repeated (printTitles), rather than shrink to an unreadable size.
func pagesWide(widths []float64) int {
	var sum float64
	for _, w := range widths {
		sum += w
	}
	if sum <= pageWidth*shrinkTo {
		return 1
	}
	return int(math.Ceil(sum / pageWidth))
}

// printAsReport sets a data sheet up to print like a report: landscape, as many pages wide as
// its columns need at about full size (wide), as many pages high as it takes.
//
// It must run before the sheet's StreamWriter is made: the StreamWriter writes the sheet's
// properties (sheetPr, where fitToPage lives) when it starts, and the page setup, read from
// the same worksheet, when it is flushed.
func printAsReport(f *excelize.File, sheet string, wide int) error {
	fit, landscape, high := true, "landscape", 0 // 0: no limit on the page count
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("sheet %s: print setup: %w", sheet, err)
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Orientation: &landscape, FitToWidth: &wide, FitToHeight: &high,
	}); err != nil {
		return fmt.Errorf("sheet %s: print setup: %w", sheet, err)
	}
	return nil
}

// titled is a sheet whose header row, and first idCols columns (Row, Request ID), are
// repeated on every printed page.
type titled struct {
	sheet  string
	idCols int
}

// printTitles repeats row 1, the header, at the top of every printed page of each sheet, and
// its id columns at the left of every page across: the defined name _xlnm.Print_Titles,
// scoped to the sheet.
//
// Call it once every sheet exists: a scoped name records its sheet by position, and excelize
// does not adjust it when a continuation sheet is moved in front of a later one.
func printTitles(f *excelize.File, sheets ...titled) error {
	for _, t := range sheets {
		sh := t.sheet
		ref := "'" + strings.ReplaceAll(sh, "'", "''") + "'!"
		refers := ref + "$1:$1"
		if t.idCols > 0 {
			last, _ := excelize.ColumnNumberToName(t.idCols)
			refers = ref + "$A:$" + last + "," + refers
		}
		if err := f.SetDefinedName(&excelize.DefinedName{
			Name:     "_xlnm.Print_Titles",
			RefersTo: refers,
			Scope:    sh,
		}); err != nil {
			return fmt.Errorf("sheet %s: print titles: %w", sh, err)
		}
	}
	return nil
}

// headerPanes freezes row 1, the header, so it stays in sight while scrolling.
func headerPanes() *excelize.Panes {
	return &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}
}

// freezeHeader freezes the header row of a sheet written cell by cell (Billing); the
// streamed tables do the same through their StreamWriter.
func freezeHeader(f *excelize.File, sheet string) error {
	if err := f.SetPanes(sheet, headerPanes()); err != nil {
		return fmt.Errorf("sheet %s: %w", sheet, err)
	}
	return nil
}
