package output

import (
	"testing"
)

// TestSheetDimensions: every sheet declares its real used range, which readers in streaming
// mode (openpyxl read-only, and so pandas) trust for the number of rows.
func TestSheetDimensions(t *testing.T) {
	items := make([]wbItem, 7)
	for i := range items {
		items[i] = passItem() // 3 journey stops each
		items[i].rec.ID = "id-" + string(rune('a'+i))
		items[i].res.ID = items[i].rec.ID
	}
	path := buildWorkbook(t, Options{MaxRows: 5}, nil, items, fixtureSummary())
	f := openWorkbook(t, path)
	for sheet, want := range map[string]string{
		"Results":      "A1:X5", // 4 ids a sheet
		"Results (2)":  "A1:X4", // the other 3
		"Journeys":     "A1:I4", // one id's 3 stops: the next id's would not fit
		"Journeys (7)": "A1:I4",
		"Changes":      "A1:D5", // 4 of the fixture's 5 changes
		"Changes (2)":  "A1:D2",
		"Billing":      "A1:C16", // 9 classes, a blank row, 4 services
	} {
		got, err := f.GetSheetDimension(sheet)
		if err != nil || got != want {
			t.Errorf("%s dimension %q (%v), want %q", sheet, got, err, want)
		}
	}
	if got, _ := f.GetSheetDimension("Summary"); got == "A1" || got == "" {
		t.Errorf("Summary dimension %q: want its used range", got)
	}
}
