package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/sim"
)

// syncBuffer is a bytes.Buffer safe for the tracker's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgressLines checks the JSON progress line that cron logs carry.
func TestProgressLines(t *testing.T) {
	var buf syncBuffer
	log := newLogger(&buf, "json", "info", false)
	trk := newTracker()
	trk.Start(10)
	trk.Answer(recon.Pass)
	trk.Answer(recon.Error)
	trk.run(log, nil, 20*time.Millisecond)
	time.Sleep(70 * time.Millisecond)
	trk.finish()
	line, _, _ := strings.Cut(buf.String(), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("progress line %q: %v", line, err)
	}
	if m["message"] != "progress" || m["done"] != 2.0 || m["total"] != 10.0 || m["pass"] != 1.0 || m["error"] != 1.0 {
		t.Errorf("progress line %v", m)
	}
	for _, k := range []string{"rate", "eta_s", "fail", "in_progress", "not_found", "time", "level"} {
		if _, ok := m[k]; !ok {
			t.Errorf("progress line lacks %q: %v", k, m)
		}
	}
}

// TestProgressBarOnTerminal runs the real binary with stderr on a pseudo-terminal: a person
// sees the bar and console logs, not JSON.
func TestProgressBarOnTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	srv := startSim(t, sim.Options{Token: testToken, Latency: 10 * time.Millisecond})
	dir := t.TempDir()
	in := writeIDs(t, dir, 150, sim.CasePass)
	out := filepath.Join(dir, "r.xlsx")

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer ptmx.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"VXRECON_TEST_AS_MAIN=1", "TERM=xterm", "VXRECON_TOKEN=" + testToken,
		"VXRECON_TEST_ARGS=" + strings.Join([]string{"run", "-input", in, "-out", out, "-base-url", srv.URL, "-concurrency", "2"}, " ")}
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var screen bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&screen, ptmx); close(copied) }()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run: %v\n%s", err, screen.String())
	}
	select {
	case <-copied:
	case <-time.After(5 * time.Second):
	}
	s := screen.String()
	for _, want := range []string{"\r\x1b[K[", "150/150", "100%", "PASS 150", "ETA", "/s"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, s)
		}
	}
	if strings.Contains(s, `{"level"`) {
		t.Errorf("JSON logs on a terminal:\n%s", s)
	}
	if !strings.HasPrefix(stdout.String(), "PASS=150 ") || strings.Contains(stdout.String(), "\r") {
		t.Errorf("stdout %q: want only the summary line", stdout.String())
	}
}

// TestAPIUnavailable: an API that fails every request stops the run early, every id is still
// in the workbook, exit 1.
func TestAPIUnavailable(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken, FailFirst: 1_000_000, FailStatus: 503})
	dir := t.TempDir()
	in := writeIDs(t, dir, 300, sim.CasePass)
	out := filepath.Join(dir, "r.xlsx")
	inv := runCLI(t, t.Context(), map[string]string{"VXRECON_TOKEN": testToken},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-retries", "0", "-concurrency", "2")
	if inv.code != exitIncomplete {
		t.Fatalf("exit %d, want 1\n%s", inv.code, inv.stderr)
	}
	if n := srv.Requests(); n > 40 {
		t.Errorf("%d requests to an API that is down, want the breaker to stop early", n)
	}
	results := byHeader(sheetRows(t, out, "Results"))
	unavailable := 0
	for _, r := range results {
		if r["Error"] == "not fetched: API unavailable" {
			unavailable++
		}
	}
	if len(results) != 300 || unavailable < 250 {
		t.Errorf("%d results, %d not fetched: want all 300 present, most not fetched", len(results), unavailable)
	}
	if !strings.Contains(inv.stdout, "status=INCOMPLETE") {
		t.Errorf("stdout %q", inv.stdout)
	}
}
