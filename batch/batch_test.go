package batch

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vxrecon/vxrecon/sim"
)

// setup starts a simulator and returns a run against it writing into a new folder.
func setup(t *testing.T) (*sim.Server, Config, string) {
	t.Helper()
	srv, err := sim.Start(sim.Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	return srv, testConfig(srv, dir), dir
}

// testConfig is a run against srv writing into dir.
func testConfig(srv *sim.Server, dir string) Config {
	return Config{
		Input: filepath.Join(dir, "ids.csv"), InputName: "ids.csv",
		Out: filepath.Join(dir, "r.xlsx"), PII: "mask", BaseURL: srv.URL, Token: "t",
		Concurrency: 4, Timeout: 5 * time.Second, Retries: 1, Version: "test",
	}
}

func ids(n int) string {
	var b strings.Builder
	b.WriteString("request_id\n")
	for i := range n {
		b.WriteString(sim.ID(sim.CasePass, i) + "\n")
	}
	return b.String()
}

// leftovers are the temporary files of WriteAtomic in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".vxrecon-*"))
	return m
}

// TestJournalThatCannotBeOpened: a journal that became unwritable after Prepare (or a disk
// that filled) ends the run as a failure with nothing half-written, not a crash.
func TestJournalThatCannotBeOpened(t *testing.T) {
	srv, c, dir := setup(t)
	c.Journal = filepath.Join(dir, "run.jsonl")
	c.SummaryJSON = filepath.Join(dir, "s.json")
	p, out := Prepare(context.Background(), c, strings.NewReader(ids(5)), zerolog.Nop())
	if p == nil {
		t.Fatalf("Prepare: %+v", out)
	}
	if err := os.Mkdir(c.Journal, 0o700); err != nil { // now a folder: Open must fail
		t.Fatal(err)
	}
	out = p.Run(context.Background(), nil)
	if out.Status != Incomplete || out.Err == nil || out.Workbook {
		t.Errorf("outcome %+v, want Incomplete with the journal's error and no workbook", out)
	}
	if _, err := os.Stat(c.Out); !os.IsNotExist(err) {
		t.Errorf("a workbook was written: %v", err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	if b, err := os.ReadFile(c.SummaryJSON); err != nil || !strings.Contains(string(b), `"error"`) {
		t.Errorf("summary JSON %s (%v) does not say why", b, err)
	}
	if srv.Requests() != 0 {
		t.Errorf("%d requests sent", srv.Requests())
	}
}

// TestInterruptedPrepareWritesNothing: a run or a check interrupted while its input is read
// (a stuck pipe) writes no file, the metrics file included.
func TestInterruptedPrepareWritesNothing(t *testing.T) {
	_, c, dir := setup(t)
	c.MetricsFile = filepath.Join(dir, "m.prom")
	c.SummaryJSON = filepath.Join(dir, "s.json")
	stuck, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	p, out := Prepare(ctx, c, stuck, zerolog.Nop())
	if p != nil || out.Status != Incomplete {
		t.Fatalf("Prepare = %v, %+v; want Incomplete", p, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}
