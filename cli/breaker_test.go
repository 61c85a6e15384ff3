package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vxrecon/vxrecon/sim"
)

// writeGenericIDs writes ids.csv with n ids id-000001…, which the simulator answers from its
// default mix (as it would a real file's).
func writeGenericIDs(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("request_id\n")
	for i := 1; i <= n; i++ {
		b.WriteString(genericID(i) + "\n")
	}
	return writeFile(t, dir, "ids.csv", b.String())
}

// TestRerunIsNotAnOutage: a rerun with a journal asks only for the ids that were not final,
// many of which fail each time; the breaker probes an id the journal knows to answer, finds
// the API up, and the run ends COMPLETE with every id answered.
func TestRerunIsNotAnOutage(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeGenericIDs(t, dir, 3000)
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	args := []string{"run", "-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL,
		"-journal", filepath.Join(dir, "j.jsonl"), "-max-error-rate", "1", "-summary-json", filepath.Join(dir, "s.json")}
	if inv := runCLI(t, context.Background(), vars, args...); inv.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", inv.code, inv.stderr)
	}
	for night := 2; night <= 3; night++ {
		inv := runCLI(t, context.Background(), vars, args...)
		s := readSummary(t, filepath.Join(dir, "s.json"))
		if inv.code != exitOK || !s.Complete || s.Results != 3000 || strings.Contains(inv.stderr, "API unavailable") {
			t.Errorf("rerun %d: exit %d, complete %v, %d results, want 0, COMPLETE and 3000\n%s", night, inv.code, s.Complete, s.Results, tail(inv.stderr, 3000))
		}
		if s.Counts["error"] == 0 {
			t.Errorf("rerun %d: no error results: the test no longer has failing ids", night)
		}
	}
}

// TestOutageStillStopsEarly: an API that answers 500 to everything, the probe included,
// stops the run early as INCOMPLETE (exit 1), with or without a journal to probe from.
func TestOutageStillStopsEarly(t *testing.T) {
	for _, withJournal := range []bool{false, true} {
		t.Run(fmt.Sprintf("journal=%v", withJournal), func(t *testing.T) {
			srv := startSim(t, sim.Options{Token: testToken})
			dir := t.TempDir()
			in := writeIDs(t, dir, 2000, sim.CasePass, sim.CaseFail)
			vars := map[string]string{"VXRECON_TOKEN": testToken}
			args := []string{"run", "-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL, "-max-error-rate", "1"}
			if withJournal {
				// A journal that knows some ids answer, from a good night.
				jin := writeFile(t, dir, "few.csv", "request_id\n"+sim.ID(sim.CasePass, 0)+"\n"+sim.ID(sim.CaseFail, 1)+"\n")
				jargs := []string{"run", "-input", jin, "-out", filepath.Join(dir, "few.xlsx"), "-base-url", srv.URL, "-journal", filepath.Join(dir, "j.jsonl")}
				if inv := runCLI(t, context.Background(), vars, jargs...); inv.code != exitOK {
					t.Fatalf("good night: exit %d\n%s", inv.code, inv.stderr)
				}
				args = append(args, "-journal", filepath.Join(dir, "j.jsonl"))
			}
			down := startSim(t, sim.Options{Token: testToken, FailFirst: 1 << 30})
			args[6] = down.URL
			inv := runCLI(t, context.Background(), vars, args...)
			if inv.code != exitIncomplete || !strings.Contains(inv.stdout, "status=INCOMPLETE") || !strings.Contains(inv.stderr, "API unavailable") {
				t.Errorf("exit %d, want 1, INCOMPLETE, API unavailable\n%s\n%s", inv.code, inv.stdout, tail(inv.stderr, 3000))
			}
			if got := down.Requests(); got > 1000 {
				t.Errorf("%d requests to a dead API: it did not stop early", got)
			}
		})
	}
}

// tail is the end of s, for messages.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
