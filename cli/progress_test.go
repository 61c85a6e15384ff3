package cli

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
	trk.Finish()
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
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24}); err != nil {
		t.Fatal(err)
	}
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
	for _, want := range []string{"\r\x1b[K[", "150/150", "100%", " 150 F", "ETA", "/s"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, s)
		}
	}
	if strings.Contains(s, `{"level"`) {
		t.Errorf("JSON logs on a terminal:\n%s", s)
	}
	// At 80 columns no redraw of the bar reaches the last column (it would wrap).
	for _, seg := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\r\x1b[K") {
		line, _, _ := strings.Cut(seg, "\n")
		if strings.HasPrefix(line, "[") && len(line) >= 80 {
			t.Errorf("a bar of %d columns on an 80-column terminal: %q", len(line), line)
		}
	}
	// The final bar comes before the done line.
	if bar, done := strings.LastIndex(s, "150/150"), strings.LastIndex(s, "done"); bar < 0 || done < bar {
		t.Errorf("the final bar comes after the done line:\n%q", s)
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

// TestBarFitsTheTerminal: at 40, 80 and 200 columns (and when the terminal is resized while
// the bar is drawn) every line of the bar stays short of the last column, with the longest
// class labels that fit.
func TestBarFitsTheTerminal(t *testing.T) {
	s := snapshot{done: 123456, total: 1000000, rate: 2345.6, eta: 6*time.Minute + 14*time.Second,
		counts: recon.Counts{91234, 20345, 5123, 4567, 2187}}
	tests := []struct {
		width     int
		want, not []string
	}{
		{200, []string{"[", "PASS 91234", "IN PROGRESS 5123", "NOT FOUND 4567", "error 2187", "/s ETA 6m14s", "123456/1000000"}, nil},
		{80, []string{"[", "P 91234", "IP 5123", "NF 4567", "E 2187", "123456/1000000"}, []string{"IN PROGRESS"}},
		{40, []string{"[", "123456/1000000", "12%"}, []string{"PASS", "IN PROGRESS"}},
		{20, []string{"123456/1000000"}, []string{"PASS"}},
	}
	for _, tt := range tests {
		line := s.bar(tt.width)
		if len(line) >= tt.width {
			t.Errorf("width %d: a line of %d columns wraps: %q", tt.width, len(line), line)
		}
		for _, w := range tt.want {
			if !strings.Contains(line, w) {
				t.Errorf("width %d: %q lacks %q", tt.width, line, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(line, w) {
				t.Errorf("width %d: %q holds %q", tt.width, line, w)
			}
		}
	}
	// Drawn on a fake terminal that narrows from 200 to 40 columns: every redraw fits.
	var buf syncBuffer
	width := 200
	var mu sync.Mutex
	trk := newTracker()
	trk.width = func() int { mu.Lock(); defer mu.Unlock(); return width }
	trk.Start(1000)
	trk.run(newLogger(io.Discard, "json", "info", false), &buf, 0)
	for i := range 1000 {
		trk.Answer(recon.Classes[i%len(recon.Classes)])
		if i == 300 {
			time.Sleep(250 * time.Millisecond) // a redraw at 200
			mu.Lock()
			width = 40 // the terminal is resized
			mu.Unlock()
			time.Sleep(250 * time.Millisecond) // a redraw at 40
		}
	}
	trk.Finish()
	trk.Finish() // a second call does nothing
	out := buf.String()
	lines := strings.Split(strings.ReplaceAll(out, "\r\x1b[K", "\n"), "\n")
	var wide, narrow int
	for _, l := range lines {
		switch {
		case len(l) >= 200:
			t.Errorf("a line of %d columns: %q", len(l), l)
		case len(l) > 40:
			wide++
		case l != "":
			narrow++
		}
	}
	if wide == 0 || narrow == 0 {
		t.Errorf("no redraw at both widths (%d wide, %d narrow):\n%q", wide, narrow, out)
	}
	if !strings.HasSuffix(out, "1000/1000 100%\n") && !strings.Contains(out, "1000/1000 100%") {
		t.Errorf("the final bar is not the last thing drawn:\n%q", out)
	}
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("%d newlines: want the final bar alone to end its line", n)
	}
}
