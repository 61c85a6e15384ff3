package input

import "github.com/vxrecon/vxrecon/recon"

// view is a Batch with its records laid out, to compare with what a test wants.
type view struct {
	Name       string
	Columns    []recon.Column
	Amount     string
	Records    []recon.Record
	Invalid    []recon.Invalid
	Duplicates int
	Rows       int
}

func viewOf(b *Batch) view {
	v := view{Name: b.Name, Columns: b.Columns, Amount: b.Amount, Invalid: b.Invalid, Duplicates: b.Duplicates, Rows: b.Rows}
	if b.Len() > 0 {
		v.Records = b.Records()
	}
	return v
}
