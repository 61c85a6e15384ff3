package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/recon"
)

// testAPI is the base URL the journals of these tests record.
const testAPI = "https://vx.example"

func TestJournalResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	j, err := Open(path, Options{PII: pii.Full, API: testAPI})
	if err != nil {
		t.Fatal(err)
	}
	answers := []recon.Result{
		{ID: "a", Class: recon.Pass, HTTPStatus: 200, Attempts: 1, Session: &recon.Session{RequestID: "a", Status: "PASS"}},
		{ID: "b", Class: recon.Fail, HTTPStatus: 200, Attempts: 2},
		{ID: "c", Class: recon.InProgress, HTTPStatus: 202, Attempts: 1},
		{ID: "d", Class: recon.NotFound, HTTPStatus: 404, Attempts: 1},
		{ID: "e", Class: recon.Error, HTTPStatus: 500, Attempts: 5, Err: "http 500 after 5 attempts"},
	}
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := j.Append(&answers[i]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode: %v %v", fi.Mode(), err)
	}

	// A torn last line, as after kill -9 mid-write.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, `{"id":"f","class":"PA`)
	f.Close()

	j, err = Open(path, Options{PII: pii.Full, API: testAPI})
	if err != nil {
		t.Fatal(err)
	}
	if j.Torn != 1 || j.Lines != 6 || j.Reusable() != 2 { // a header line and 5 answers
		t.Fatalf("torn=%d lines=%d reusable=%d, want 1 6 2", j.Torn, j.Lines, j.Reusable())
	}
	for _, tc := range []struct {
		id   string
		want bool
	}{{"a", true}, {"b", true}, {"c", false}, {"d", false}, {"e", false}, {"f", false}, {"zz", false}} {
		r, ok := j.Lookup(tc.id)
		if ok != tc.want {
			t.Errorf("Lookup(%q) ok=%v, want %v", tc.id, ok, tc.want)
		}
		if ok && (r.ID != tc.id || !r.Class.Final()) {
			t.Errorf("Lookup(%q) = %+v", tc.id, r)
		}
	}
	if r, _ := j.Lookup("a"); r.Session == nil || r.Session.Status != "PASS" {
		t.Errorf("session not kept: %+v", r)
	}
	// New answers start on a clean line after the torn one was cut.
	if err := j.Append(&recon.Result{ID: "c", Class: recon.Pass, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j, err = Open(path, Options{PII: pii.Full, API: testAPI})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j.Torn != 0 || j.Reusable() != 3 {
		t.Fatalf("after append: torn=%d reusable=%d, want 0 3", j.Torn, j.Reusable())
	}
}

func TestJournalOpenError(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing", "run.jsonl"), Options{PII: pii.Mask})
	if err == nil {
		t.Fatal("want an error for a journal in a missing folder")
	}
}

// TestJournalRefusesOtherFiles: a -journal pointed at some other file must not damage it.
func TestJournalRefusesOtherFiles(t *testing.T) {
	for name, content := range map[string]string{
		"csv":          "request_id\nsim-pass-1\nsim-fail-2",
		"one line":     "request_id",
		"xlsx":         "PK\x03\x04\x14\x00\x00\x00\x08\x00binary\nmore",
		"other json":   `{"name":"x"}` + "\n",
		"bad class":    `{"id":"a","class":"MAYBE"}` + "\n",
		"garbage head": "garbage\n" + `{"id":"a","class":"PASS","attempts":1}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			j, err := Open(path, Options{PII: pii.Full, API: testAPI})
			if err == nil {
				j.Close()
				t.Fatal("want an error")
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Errorf("file changed: %q", got)
			}
		})
	}
	// A journal torn on its very first line is still a journal.
	path := filepath.Join(t.TempDir(), "torn.jsonl")
	os.WriteFile(path, []byte(`{"id":"a","cla`), 0o600)
	j, err := Open(path, Options{PII: pii.Full, API: testAPI})
	if err != nil {
		t.Fatalf("torn first line: %v", err)
	}
	if j.Torn != 1 || j.Reusable() != 0 {
		t.Errorf("torn=%d reusable=%d", j.Torn, j.Reusable())
	}
	j.Close()
}

// TestJournalPersonalData: a line keeps personal fields only as the journal's mode shows them,
// and an answer is reused only by a run that shows no more than was kept.
func TestJournalPersonalData(t *testing.T) {
	person := recon.Result{ID: "p", Class: recon.Pass, Attempts: 1, Session: &recon.Session{
		RequestID: "p", Status: "PASS", FirstName: "Jane", LastName: "Doe",
		Email: "jane.doe@example.com", Phone: "555-123-7890", DOB: "19900101",
	}}
	for _, tc := range []struct {
		kept      pii.Mode
		wantFirst string
		reusedBy  map[pii.Mode]bool
	}{
		{pii.Mask, "J***", map[pii.Mode]bool{pii.Omit: true, pii.Mask: true, pii.Full: false}},
		{pii.Omit, "", map[pii.Mode]bool{pii.Omit: true, pii.Mask: false, pii.Full: false}},
		{pii.Full, "Jane", map[pii.Mode]bool{pii.Omit: true, pii.Mask: true, pii.Full: true}},
	} {
		t.Run(string(tc.kept), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "run.jsonl")
			j, err := Open(path, Options{PII: tc.kept, API: testAPI})
			if err != nil {
				t.Fatal(err)
			}
			r := person
			if err := j.Append(&r); err != nil {
				t.Fatal(err)
			}
			if err := j.Close(); err != nil {
				t.Fatal(err)
			}
			if person.Session.FirstName != "Jane" {
				t.Fatal("Append changed the caller's result")
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.kept != pii.Full && (strings.Contains(string(raw), "Jane") || strings.Contains(string(raw), "jane.doe")) {
				t.Errorf("journal kept under %s holds the full name: %s", tc.kept, raw)
			}
			for mode, want := range tc.reusedBy {
				j, err := Open(path, Options{PII: mode, API: testAPI})
				if err != nil {
					t.Fatal(err)
				}
				got, ok := j.Lookup("p")
				j.Close()
				if ok != want {
					t.Errorf("kept %s, run %s: reused %v, want %v", tc.kept, mode, ok, want)
				}
				if ok && got.Session.FirstName != tc.wantFirst {
					t.Errorf("kept %s: first name %q, want %q", tc.kept, got.Session.FirstName, tc.wantFirst)
				}
			}
		})
	}
}

// TestJournalKnowsItsAPI: answers recorded against one base URL are not reused against
// another (nor from a journal that did not record one), and a run against a new API starts
// its own segment, so the old answers stay where they were.
func TestJournalKnowsItsAPI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	other := "https://other.example"
	write := func(api string, rs ...recon.Result) {
		t.Helper()
		j, err := Open(path, Options{PII: pii.Mask, API: api})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rs {
			if err := j.Append(&rs[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
	write(testAPI, recon.Result{ID: "a", Class: recon.Pass, Attempts: 1})
	write(other, recon.Result{ID: "b", Class: recon.Fail, Attempts: 1})
	write(testAPI, recon.Result{ID: "c", Class: recon.Fail, Attempts: 1})
	for _, tc := range []struct {
		api        string
		reused     []string
		foreign    int
		foreignAPI string
	}{
		{testAPI, []string{"a", "c"}, 1, other},
		{other, []string{"b"}, 2, testAPI},
	} {
		j, err := Open(path, Options{PII: pii.Mask, API: tc.api})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, id := range []string{"a", "b", "c"} {
			if _, ok := j.Lookup(id); ok {
				got = append(got, id)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.reused) || j.Foreign != tc.foreign || j.ForeignAPI != tc.foreignAPI {
			t.Errorf("against %s: reused %v, foreign %d (%s); want %v, %d (%s)", tc.api, got, j.Foreign, j.ForeignAPI, tc.reused, tc.foreign, tc.foreignAPI)
		}
		j.Close()
	}
	// A journal written before it recorded its API: nothing is reused, and it says why.
	old := filepath.Join(t.TempDir(), "old.jsonl")
	if err := os.WriteFile(old, []byte(`{"id":"a","class":"PASS","attempts":1}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := Open(old, Options{PII: pii.Mask, API: testAPI})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, ok := j.Lookup("a"); ok || j.Foreign != 1 || j.ForeignAPI != "" {
		t.Errorf("old journal: reused %v, foreign %d %q", ok, j.Foreign, j.ForeignAPI)
	}
}

// TestLongLineRefused: a line past MaxLine is an error naming the line, read no further
// than the bound, by Open and by ReadClasses alike.
func TestLongLineRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	body := `{"vxrecon_journal":1,"api":"` + testAPI + `"}` + "\n" + `{"id":"` + strings.Repeat("x", MaxLine+10) + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{PII: pii.Full, API: testAPI}); err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), path) {
		t.Errorf("Open: %v, want an error naming %s and line 2", err, path)
	}
	if err := Check(path); err != nil {
		t.Errorf("Check reads the first line only: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := ReadClasses(f); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ReadClasses: %v, want an error naming line 2", err)
	}
}
