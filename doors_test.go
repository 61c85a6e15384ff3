package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/sim"
)

// TestOneRunPerJournal: a second run on a journal another run holds stops at once with exit
// 2, naming the file, and requests nothing; the first run's journal stays whole, so the next
// run reuses every answer.
func TestOneRunPerJournal(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken, SlowDelay: 3 * time.Second})
	dir := t.TempDir()
	in := writeIDs(t, dir, 20, sim.CaseSlow, sim.CasePass, sim.CaseFail)
	jr := filepath.Join(dir, "run.jsonl")
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	args := func(out string) []string {
		return []string{"run", "-input", in, "-out", filepath.Join(dir, out), "-base-url", srv.URL, "-journal", jr}
	}
	first := make(chan invocation, 1)
	go func() { first <- runCLI(t, context.Background(), vars, args("a.xlsx")...) }()
	// The first run holds the journal once it has created it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(jr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run never opened its journal")
		}
		time.Sleep(10 * time.Millisecond)
	}
	before := srv.Requests()
	second := runCLI(t, context.Background(), vars, args("b.xlsx")...)
	if second.code != exitUsage || !strings.Contains(second.stderr, jr) || !strings.Contains(second.stderr, "another vxrecon run") {
		t.Errorf("second run: exit %d, want 2 and a message naming %s\n%s", second.code, jr, second.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "b.xlsx")); err == nil {
		t.Error("the second run wrote a workbook")
	}
	if inv := <-first; inv.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", inv.code, inv.stderr)
	}
	if got := srv.Requests() - before; got > 20 {
		t.Errorf("%d requests while both ran: the second run asked too", got)
	}
	srv.Reset()
	third := runCLI(t, context.Background(), vars, args("c.xlsx")...)
	if third.code != exitOK || srv.Requests() != 0 {
		t.Errorf("third run: exit %d, %d requests, want every answer reused from a whole journal\n%s", third.code, srv.Requests(), third.stderr)
	}
}

// TestJournalMustBeARegularFile: a FIFO (or a folder) as -journal is refused at once, exit 2,
// naming the file: reading a FIFO would wait forever for a writer.
func TestJournalMustBeARegularFile(t *testing.T) {
	dir := t.TempDir()
	in := writeIDs(t, dir, 3, sim.CasePass)
	fifo := filepath.Join(dir, "j.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, jr := range []string{fifo, dir} {
		done := make(chan invocation, 1)
		go func() {
			done <- runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
				"run", "-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", "http://127.0.0.1:1", "-journal", jr)
		}()
		select {
		case inv := <-done:
			if inv.code != exitUsage || !strings.Contains(inv.stderr, jr) || !strings.Contains(inv.stderr, "not a regular file") {
				t.Errorf("-journal %s: exit %d, want 2 naming the file\n%s", jr, inv.code, inv.stderr)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("-journal %s: the run hangs", jr)
		}
	}
}
