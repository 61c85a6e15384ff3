package output

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// printAsReport sets a data sheet up to print like a report: landscape, every column on one
// page wide, as many pages high as it takes.
//
// It must run before the sheet's StreamWriter is made: the StreamWriter writes the sheet's
// properties (sheetPr, where fitToPage lives) when it starts, and the page setup, read from
// the same worksheet, when it is flushed.
func printAsReport(f *excelize.File, sheet string) error {
	fit, landscape, wide, high := true, "landscape", 1, 0 // 0: no limit on the page count
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

// printTitles repeats row 1, the header, at the top of every printed page of each sheet:
// the defined name _xlnm.Print_Titles, scoped to the sheet.
//
// Call it once every sheet exists: a scoped name records its sheet by position, and excelize
// does not adjust it when a continuation sheet is moved in front of a later one.
func printTitles(f *excelize.File, sheets ...string) error {
	for _, sh := range sheets {
		if err := f.SetDefinedName(&excelize.DefinedName{
			Name:     "_xlnm.Print_Titles",
			RefersTo: "'" + strings.ReplaceAll(sh, "'", "''") + "'!$1:$1",
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
