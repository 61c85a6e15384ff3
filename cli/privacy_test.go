package cli

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vxrecon/vxrecon/sim"
)

// unzipText returns every part of an .xlsx as one text, to search the file as stored.
func unzipText(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var b strings.Builder
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&b, rc)
		rc.Close()
	}
	return b.String()
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNoSecretsOrPersonalData checks every output stream (stdout, stderr, summary JSON, the
// workbook as stored, the journal) for the token and the personal fields of the results.
func TestNoSecretsOrPersonalData(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	var ids, personal []string
	for i := range 12 {
		id := sim.ID([]sim.Case{sim.CasePass, sim.CaseFail, sim.CasePending}[i%3], 100+i)
		ids = append(ids, id)
		var s struct{ Fn, Ln, Email, Phone, Dob string }
		if err := json.Unmarshal(sim.SessionBody(id), &s); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{s.Fn, s.Ln} {
			if len(v) >= 4 { // shorter names could match unrelated text
				personal = append(personal, v)
			}
		}
		personal = append(personal, s.Email, s.Phone, s.Dob)
	}
	dir := t.TempDir()
	in := writeFile(t, dir, "ids.csv", "request_id\n"+strings.Join(ids, "\n")+"\n")

	for _, mode := range []string{"mask", "omit", "full"} {
		t.Run(mode, func(t *testing.T) {
			out := filepath.Join(dir, mode+".xlsx")
			sj := filepath.Join(dir, mode+".json")
			jr := filepath.Join(dir, mode+".jsonl")
			inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_LOG_LEVEL": "debug"},
				"run", "-input", in, "-out", out, "-base-url", srv.URL, "-summary-json", sj, "-journal", jr, "-pii", mode)
			if inv.code != exitOK {
				t.Fatalf("exit %d\n%s", inv.code, inv.stderr)
			}
			book, journal := unzipText(t, out), readText(t, jr)
			secretsAbsent(t, []string{testToken}, inv.stdout, inv.stderr, readText(t, sj), book, journal)
			if mode == "full" {
				// The check above can fail: with -pii full the values are there.
				for _, p := range personal {
					if !strings.Contains(book, p) {
						t.Errorf("-pii full: %q missing from the workbook", p)
					}
				}
				secretsAbsent(t, personal, inv.stdout, inv.stderr, readText(t, sj))
				return
			}
			secretsAbsent(t, personal, inv.stdout, inv.stderr, readText(t, sj), book, journal)
		})
	}
}

// TestJournalReuseRespectsPII: answers kept masked are not reused by a run that wants the full
// values; answers kept in full serve any run.
func TestJournalReuseRespectsPII(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 12, sim.CasePass, sim.CaseFail, sim.CasePending) // 8 final answers
	jr := filepath.Join(dir, "run.jsonl")
	for _, step := range []struct {
		pii  string
		want int64 // requests sent
	}{
		{"mask", 12}, // nothing to reuse yet
		{"mask", 4},  // the 8 final answers reused
		{"full", 12}, // masked answers cannot show full values: asked again
		{"omit", 4},  // full answers serve a run that shows less
	} {
		srv.Reset()
		inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
			"run", "-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL, "-journal", jr, "-pii", step.pii)
		if inv.code != exitOK {
			t.Fatalf("-pii %s: exit %d\n%s", step.pii, inv.code, inv.stderr)
		}
		if got := srv.Requests(); got != step.want {
			t.Errorf("-pii %s: %d requests, want %d", step.pii, got, step.want)
		}
	}
}
