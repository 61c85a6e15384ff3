package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// writtenJournal writes answers through a real Journal, masked as a default run keeps them,
// then appends raw text (a torn line, damage) and returns the file's bytes.
func writtenJournal(t *testing.T, answers []recon.Result, raw string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "last.jsonl")
	j, err := Open(path, Options{PII: pii.Mask, API: testAPI})
	if err != nil {
		t.Fatal(err)
	}
	for i := range answers {
		if err := j.Append(&answers[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, raw...)
}

func TestReadClasses(t *testing.T) {
	answers := []recon.Result{
		{ID: "a", Class: recon.InProgress, HTTPStatus: 202, Attempts: 1},
		{ID: "b", Class: recon.Pass, HTTPStatus: 200, Attempts: 1, Session: &recon.Session{
			RequestID: "b", Status: "PASS", FirstName: "Jane", Journey: &recon.Journey{Stops: []recon.Stop{{Timestamp: "t"}}}}},
		{ID: "c", Class: recon.Error, Err: "timeout", Attempts: 5},
		{ID: "a", Class: recon.Pass, HTTPStatus: 200, Attempts: 1}, // a later run asked again
	}
	long := `{"id":"d","class":"NOT FOUND","detail":"` + strings.Repeat("x", 1<<20) + `"}` + "\n"
	tests := []struct {
		name    string
		raw     string // after the journal's own lines
		ids     []string
		classes []recon.Class
	}{
		{"latest line of an id wins, first place kept", "",
			[]string{"a", "b", "c"}, []recon.Class{recon.Pass, recon.Pass, recon.Error}},
		{"torn last line skipped", `{"id":"z","class":"PA`,
			[]string{"a", "b", "c"}, []recon.Class{recon.Pass, recon.Pass, recon.Error}},
		{"damaged line in the middle skipped", "garbage\n{\"id\":\"c\",\"class\":\"FAIL\"}\n",
			[]string{"a", "b", "c"}, []recon.Class{recon.Pass, recon.Pass, recon.Fail}},
		{"unknown class skipped", `{"id":"c","class":"MYSTERY"}` + "\n",
			[]string{"a", "b", "c"}, []recon.Class{recon.Pass, recon.Pass, recon.Error}},
		{"a line longer than the buffer", long,
			[]string{"a", "b", "c", "d"}, []recon.Class{recon.Pass, recon.Pass, recon.Error, recon.NotFound}},
		{"last line without its newline, whole", "\n\n" + `{"id":"e","class":"FAIL"}`,
			[]string{"a", "b", "c", "e"}, []recon.Class{recon.Pass, recon.Pass, recon.Error, recon.Fail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, classes, err := ReadClasses(bytes.NewReader(writtenJournal(t, answers, tt.raw)))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, tt.ids) || !slices.Equal(classes, tt.classes) {
				t.Errorf("read %q %q, want %q %q", ids, classes, tt.ids, tt.classes)
			}
		})
	}
}

func TestReadClassesNotAJournal(t *testing.T) {
	tests := []struct {
		name string
		file string
		ok   bool
	}{
		{"empty file: an empty journal", "", true},
		{"blank lines only", "\n \n", true},
		{"one torn line: a journal cut short", `{"id":"a","cla`, true},
		{"a CSV input", "request_id\nabc\n", false},
		{"a workbook", "PK\x03\x04\x14\x00\x06\x00", false},
		{"JSON, not an answer", `{"name":"x"}` + "\n" + `{"id":"a","class":"PASS"}` + "\n", false},
		{"an answer with no class vxrecon writes", `{"id":"a","class":"OK"}` + "\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, _, err := ReadClasses(strings.NewReader(tt.file))
			if tt.ok && (err != nil || len(ids) != 0) {
				t.Errorf("ids %q, err %v; want none and no error", ids, err)
			}
			if !tt.ok && !errors.Is(err, ErrNotJournal) {
				t.Errorf("err = %v, want ErrNotJournal", err)
			}
		})
	}
}

// TestChangesFromPreviousJournal compares a run with a previous run's journal: every kind of
// change, in the order of the Changes sheet.
func TestChangesFromPreviousJournal(t *testing.T) {
	prev := []recon.Result{
		{ID: "a", Class: recon.InProgress}, {ID: "b", Class: recon.NotFound}, {ID: "c", Class: recon.Fail},
		{ID: "a", Class: recon.Pass}, {ID: "d", Class: recon.Error},
	}
	ids, classes, err := ReadClasses(bytes.NewReader(writtenJournal(t, prev, "")))
	if err != nil {
		t.Fatal(err)
	}
	c := report.NewChanges(ids, classes)
	c.Add("x", recon.Pass) // new
	c.Add("d", recon.Pass) // changed: error -> PASS
	c.Add("a", recon.Pass) // unchanged: its latest answer was PASS
	s := c.Result()
	want := []report.ChangeRow{
		{ID: "d", Before: recon.Error, Now: recon.Pass, Change: report.Changed},
		{ID: "x", Now: recon.Pass, Change: report.New},
		{ID: "b", Before: recon.NotFound, Change: report.Gone},
		{ID: "c", Before: recon.Fail, Change: report.Gone},
	}
	if got := slices.Collect(s.Rows()); !reflect.DeepEqual(got, want) {
		t.Errorf("changes =\n%+v\nwant\n%+v", got, want)
	}
	if s.Changed != 1 || s.New != 1 || s.Gone != 2 || s.Unchanged != 1 {
		t.Errorf("changed %d new %d gone %d unchanged %d; want 1 1 2 1", s.Changed, s.New, s.Gone, s.Unchanged)
	}
}
