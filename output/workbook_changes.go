package output

import (
	"fmt"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

var changesHeader = []string{"Request ID", "Before", "Now", "Change"}

var changesWidths = []float64{38, 15, 15, 11}

// The Changes columns.
const (
	ccID = iota
	ccBefore
	ccNow
	ccChange
)

// writeChanges streams the Changes sheet, placed after the Errors sheets: one row per id whose
// class changed, that is new or gone, in the order report.ChangeSet.Rows gives. A million new
// ids go on at "Changes (2)" like any table.
func (w *Workbook) writeChanges(cs *report.ChangeSet) error {
	if _, err := w.f.NewSheet(SheetChanges); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetChanges, err)
	}
	w.changes = newSheet(w.f, w.st, w.sp, w.opt.MaxRows, SheetChanges, changesHeader, changesWidths)
	if err := w.changes.open(SheetChanges); err != nil {
		return err
	}
	b := newRowBuf(len(changesHeader))
	for row := range cs.Rows() {
		b.reset()
		b.text(ccID, row.ID, 0)
		w.classCell(b, ccBefore, row.Before)
		w.classCell(b, ccNow, row.Now)
		b.str(ccChange, string(row.Change), 0)
		if err := w.changes.write(b); err != nil {
			return err
		}
	}
	return nil
}

// classCell puts a class name in its class colours; "" leaves the cell empty.
func (w *Workbook) classCell(b *rowBuf, i int, c recon.Class) {
	if k := c.Index(); k >= 0 {
		b.str(i, string(c), w.st.class[k])
	} else {
		b.text(i, string(c), 0)
	}
}
