package input_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/input"
	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// previousRun is an earlier run: its ids and classes, in input order.
type previousRun struct {
	ids     []string
	classes []recon.Class
}

// vxreconWorkbook writes run as vxrecon does, maxRows rows a sheet (0: Excel's limit).
func vxreconWorkbook(t *testing.T, run previousRun, maxRows int) []byte {
	t.Helper()
	w, err := output.NewWorkbook(output.Options{MaxRows: maxRows, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i, id := range run.ids {
		rec := recon.Record{ID: id, Line: i + 2}
		res := recon.Result{ID: id, Class: run.classes[i]}
		if err := w.AddResult(&rec, &res, nil); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.WriteTo(&buf, &report.Summary{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var lastWeek = previousRun{
	ids:     []string{"a", "b", "c", "d", "e", "f", "g"},
	classes: []recon.Class{recon.Pass, recon.Fail, recon.InProgress, recon.NotFound, recon.Error, recon.InProgress, recon.Pass},
}

func TestReadPreviousWorkbook(t *testing.T) {
	tests := []struct {
		name    string
		maxRows int
		sheets  []string // the Results sheets the workbook has
	}{
		{"one sheet", 0, []string{"Results"}},
		{"continued on Results (2) and (3)", 4, []string{"Results", "Results (2)", "Results (3)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := vxreconWorkbook(t, lastWeek, tt.maxRows)
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			var results []string
			for _, sh := range f.GetSheetList() {
				if strings.HasPrefix(sh, "Results") {
					results = append(results, sh)
				}
			}
			_ = f.Close()
			if !slices.Equal(results, tt.sheets) {
				t.Fatalf("the workbook's Results sheets are %q, want %q", results, tt.sheets)
			}
			ids, classes, err := input.ReadPreviousWorkbook(bytes.NewReader(b), "last.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, lastWeek.ids) || !slices.Equal(classes, lastWeek.classes) {
				t.Errorf("read %q %q, want %q %q", ids, classes, lastWeek.ids, lastWeek.classes)
			}
		})
	}
}

// TestChangesFromPreviousWorkbook compares a run with a previous workbook that went on at
// Results (2): every kind of change, in the order of the Changes sheet.
func TestChangesFromPreviousWorkbook(t *testing.T) {
	b := vxreconWorkbook(t, lastWeek, 3) // Results, Results (2), Results (3), Results (4)
	ids, classes, err := input.ReadPreviousWorkbook(bytes.NewReader(b), "last.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	c := report.NewChanges(ids, classes)
	for _, now := range []struct {
		id    string
		class recon.Class
	}{
		{"new-1", recon.Pass}, {"c", recon.Pass}, {"a", recon.Pass}, {"e", recon.Fail}, {"b", recon.Fail}, {"g", recon.Pass},
	} {
		c.Add(now.id, now.class)
	}
	s := c.Result()
	want := []report.ChangeRow{
		{ID: "c", Before: recon.InProgress, Now: recon.Pass, Change: report.Changed},
		{ID: "e", Before: recon.Error, Now: recon.Fail, Change: report.Changed},
		{ID: "new-1", Now: recon.Pass, Change: report.New},
		{ID: "d", Before: recon.NotFound, Change: report.Gone}, // in the previous file's order
		{ID: "f", Before: recon.InProgress, Change: report.Gone},
	}
	if got := slices.Collect(s.Rows()); !reflect.DeepEqual(got, want) {
		t.Errorf("changes =\n%+v\nwant\n%+v", got, want)
	}
	if s.Changed != 2 || s.New != 1 || s.Gone != 2 || s.Unchanged != 3 {
		t.Errorf("changed %d new %d gone %d unchanged %d; want 2 1 2 3", s.Changed, s.New, s.Gone, s.Unchanged)
	}
}

// workbookWith builds an .xlsx whose sheets hold the given rows.
func workbookWith(t *testing.T, sheets map[string][][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for name, rows := range sheets {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			row := make([]interface{}, len(r))
			for j, v := range r {
				row[j] = v
			}
			if err := f.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadPreviousWorkbookLayouts(t *testing.T) {
	tests := []struct {
		name    string
		sheets  map[string][][]string
		ids     []string
		classes []recon.Class
	}{
		{"columns found by header, in any place", map[string][][]string{"Results": {
			{"Classification", "x", " Request ID "}, {"PASS", "", "a"}, {"", "", ""}, {" FAIL ", "", " b "},
		}}, []string{"a", "b"}, []recon.Class{recon.Pass, recon.Fail}},
		{"continuations by number, not tab order", map[string][][]string{
			"Results (10)": {{"Request ID", "Classification"}, {"j", "error"}},
			"Results":      {{"Request ID", "Classification"}, {"a", "PASS"}},
			"Results (2)":  {{"Request ID", "Classification"}, {"b", "NOT FOUND"}},
			"Results (x)":  {{"nothing"}}, // not a continuation: ignored
			"Summary":      {{"PASS", "3"}},
		}, []string{"a", "b", "j"}, []recon.Class{recon.Pass, recon.NotFound, recon.Error}},
		{"header only", map[string][][]string{"Results": {{"Request ID", "Classification"}}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, classes, err := input.ReadPreviousWorkbook(bytes.NewReader(workbookWith(t, tt.sheets)), "prev.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, tt.ids) || !slices.Equal(classes, tt.classes) {
				t.Errorf("read %q %q, want %q %q", ids, classes, tt.ids, tt.classes)
			}
		})
	}
}

func TestReadPreviousWorkbookErrors(t *testing.T) {
	tests := []struct {
		name string
		file []byte
		line int
		msg  string
	}{
		{"not a workbook", []byte("request_id\nabc\n"), 0, "not an Excel workbook"},
		{"no Results sheet", workbookWith(t, map[string][][]string{"Sheet1": {{"Request ID", "Classification"}}}), 0, "no Results sheet"},
		{"no Classification column", workbookWith(t, map[string][][]string{"Results": {{"Request ID", "Class"}, {"a", "PASS"}}}), 1, `no "Request ID" or no "Classification" column`},
		{"empty Results sheet", workbookWith(t, map[string][][]string{"Results": nil}), 1, "no header row"},
		{"an unknown class", workbookWith(t, map[string][][]string{"Results": {{"Request ID", "Classification"}, {"a", "PASS"}, {"b", "SECRET-VALUE"}}}), 3, "not one of"},
		{"a bad continuation", workbookWith(t, map[string][][]string{
			"Results": {{"Request ID", "Classification"}}, "Results (2)": {{"Row", "Request ID"}},
		}), 1, "sheet Results (2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := input.ReadPreviousWorkbook(bytes.NewReader(tt.file), "prev.xlsx")
			var le *input.LineError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LineError", err)
			}
			if le.File != "prev.xlsx" || le.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q (line %d), want prev.xlsx line %d saying %q", err, le.Line, tt.line, tt.msg)
			}
			if strings.Contains(err.Error(), "SECRET-VALUE") {
				t.Errorf("the message quotes a cell: %q", err)
			}
		})
	}
}
