package output

import (
	"fmt"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// writeBilling fills the Billing sheet, the last one: the billed lines and amounts by class
// (with invalid, duplicate lines, to dispute and total), then by service. Amounts are numbers
// shown with two decimals.
//
// It is two small tables, so it is written cell by cell like the Summary, with the same
// bold frozen header, filter and print setup as the streamed tables (the filter over the
// first table, the one finance sorts and checks).
func (w *Workbook) writeBilling(b *report.Billing) error {
	if _, err := w.f.NewSheet(SheetBilling); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetBilling, err)
	}
	st := w.st
	g := &grid{f: w.f, sheet: SheetBilling}
	g.row(1, st.header, "Class", "Lines", "Amount")
	r := 2
	for _, row := range b.Rows {
		label := st.bold
		if i := recon.Class(row.Label).Index(); i >= 0 {
			label = st.class[i]
		}
		w.billRow(g, r, label, row)
		r++
	}
	classEnd := r - 1
	r++
	g.row(r, st.header, "Service", "Lines", "Amount")
	for _, row := range b.Services {
		r++
		w.billRow(g, r, 0, row)
	}
	g.fit()
	if g.err != nil {
		return fmt.Errorf("sheet %s: %w", SheetBilling, g.err)
	}
	if err := freezeHeader(w.f, SheetBilling); err != nil {
		return err
	}
	if err := w.f.AutoFilter(SheetBilling, fmt.Sprintf("A1:C%d", classEnd), nil); err != nil {
		return fmt.Errorf("sheet %s: autofilter: %w", SheetBilling, err)
	}
	// After the filter: excelize's AutoFilter replaces the sheet properties, fitToPage too.
	return printAsReport(w.f, SheetBilling, 1)
}

// billRow writes one Billing row: label, lines, amount.
func (w *Workbook) billRow(g *grid, r, labelStyle int, row report.BillRow) {
	g.put(1, r, row.Label, labelStyle)
	g.put(2, r, row.Lines, 0)
	g.put(3, r, row.Amount.Units(), w.st.money)
}
