package cli

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/files"
	bt "github.com/vxrecon/vxrecon/input/bombtest"
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

// unblock lets go of a goroutine that a test left opening fifo for reading.
func unblock(fifo string) {
	if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

// TestEveryReadIsBounded: /dev/zero as token file or as input ends in a clear message, exit 2,
// nothing requested, never in "out of memory".
func TestEveryReadIsBounded(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	ids := writeIDs(t, dir, 3, sim.CasePass)
	tokenFile := writeFile(t, dir, "token", testToken+"\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"token file", []string{"-input", ids, "-token-file", "/dev/zero"}, "-token-file /dev/zero: longer than 64 KiB"},
		{"input", []string{"-input", "/dev/zero", "-token-file", tokenFile}, "zero:1: a line longer than 1 MiB"},
		{"input folder", []string{"-input", dir, "-token-file", tokenFile}, "is a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run", "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL}, tc.args...)
			inv := runCLI(t, context.Background(), nil, args...)
			if inv.code != exitUsage || !strings.Contains(inv.stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q\n%s", inv.code, tc.want, inv.stderr)
			}
			if srv.Requests() != 0 {
				t.Errorf("%d requests", srv.Requests())
			}
		})
	}
}

// TestPipesNeverHang: a FIFO as token file or -previous that no one writes to ends the run
// after files.Wait with a message naming it (exit 2), or at once on SIGINT/SIGTERM (exit 1);
// a pipe that is written (process substitution) works.
func TestPipesNeverHang(t *testing.T) {
	defer func(w, s time.Duration) { files.Wait, files.SaidAfter = w, s }(files.Wait, files.SaidAfter)
	files.Wait, files.SaidAfter = 1500*time.Millisecond, 200*time.Millisecond
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	ids := writeIDs(t, dir, 3, sim.CasePass)
	tokenFile := writeFile(t, dir, "token", testToken+"\n")
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unblock(fifo) })
	base := []string{"run", "-input", ids, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"token file", []string{"-token-file", fifo}},
		{"previous", []string{"-token-file", tokenFile, "-previous", fifo}},
	} {
		for _, interrupt := range []bool{false, true} {
			name := tc.name
			if interrupt {
				name += ", interrupted"
			}
			t.Run(name, func(t *testing.T) {
				defer unblock(fifo)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if interrupt {
					time.AfterFunc(300*time.Millisecond, cancel)
				}
				done := make(chan invocation, 1)
				go func() { done <- runCLI(t, ctx, nil, append(base, tc.args...)...) }()
				var inv invocation
				select {
				case inv = <-done:
				case <-time.After(30 * time.Second):
					t.Fatal("the run hangs on a FIFO")
				}
				want, code := "nothing to read after 1.5s", exitUsage
				if interrupt {
					want, code = "interrupted while waiting for it", exitIncomplete
				}
				if inv.code != code || !strings.Contains(inv.stderr, want) || !strings.Contains(inv.stderr, fifo) {
					t.Errorf("exit %d, want %d and %q naming the FIFO\n%s", inv.code, code, want, inv.stderr)
				}
				if !interrupt && !strings.Contains(inv.stderr, "waiting for") {
					t.Errorf("nothing said while waiting:\n%s", inv.stderr)
				}
				if srv.Requests() != 0 {
					t.Errorf("%d requests", srv.Requests())
				}
			})
		}
	}
	t.Run("written pipe", func(t *testing.T) {
		fifo := filepath.Join(dir, "written") // a FIFO of its own: no reader left from above
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		go func() {
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err == nil {
				f.WriteString(testToken + "\n")
				f.Close()
			}
		}()
		inv := runCLI(t, context.Background(), nil, append(base, "-token-file", fifo)...)
		if inv.code != exitOK {
			t.Errorf("exit %d with the token through a pipe\n%s", inv.code, inv.stderr)
		}
	})
}

// TestHostileWorkbooks: through the whole program, a damaged sheet and an xlsx bomb end in
// exit 2 with a message naming the file (and the row, or the part), nothing requested, and
// the bomb's memory bounded by the run's own accounting.
func TestHostileWorkbooks(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	rows := bt.IDRows(100)
	cut := strings.Index(rows, `<row r="51">`)
	damaged := bt.Workbook(t, bt.Entry{Name: "xl/worksheets/sheet1.xml", Pieces: []bt.Piece{{Text: `<worksheet><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>request_id</t></is></c></row>` + rows[:cut+40]}}})
	bomb := bt.Workbook(t, bt.Entry{Name: "xl/worksheets/sheet1.xml", Pieces: []bt.Piece{{Text: `<worksheet><sheetData>`},
		{Text: strings.Repeat("\n", 1<<20), N: 512}, {Text: `</sheetData></worksheet>`}}})
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"damaged.xlsx", damaged, `damaged.xlsx:51: sheet "Sheet1" is damaged here`},
		{"bomb.xlsx", bomb, "bomb.xlsx:1: sheet \"Sheet1\" (part xl/worksheets/sheet1.xml): a tag or text longer than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(dir, tc.name)
			if err := os.WriteFile(in, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			var inv invocation
			alloc := allocatedBy(func() {
				inv = runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
					"run", "-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL)
			})
			if inv.code != exitUsage || !strings.Contains(inv.stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q\n%s", inv.code, tc.want, inv.stderr)
			}
			if srv.Requests() != 0 {
				t.Errorf("%d requests", srv.Requests())
			}
			if _, err := os.Stat(filepath.Join(dir, "r.xlsx")); err == nil {
				t.Error("a workbook was written")
			}
			if alloc > 64<<20 {
				t.Errorf("allocated %d MiB for a %d KiB file", alloc>>20, len(tc.data)>>10)
			}
		})
	}
}

// allocatedBy returns the bytes f allocated, from the runtime's own accounting: an upper bound
// of what it made the heap grow by, whatever the timing.
func allocatedBy(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

// TestClosedStdoutAndStderr: a real process whose stderr, or stdout, is a pipe nobody reads
// finishes the job: the workbook, the summary JSON and the metrics are written, and they
// record the exit code the process returns.
func TestClosedStdoutAndStderr(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 50, sim.CasePass, sim.CaseFail)
	for _, closed := range []string{"stderr", "stdout", "both"} {
		t.Run(closed, func(t *testing.T) {
			out, sum, prom := filepath.Join(dir, closed+".xlsx"), filepath.Join(dir, closed+".json"), filepath.Join(dir, closed+".prom")
			cmd := exec.Command(os.Args[0])
			cmd.Env = []string{"VXRECON_TEST_AS_MAIN=1", "VXRECON_TOKEN=" + testToken, "VXRECON_TEST_ARGS=" + strings.Join([]string{
				"run", "-input", in, "-out", out, "-base-url", srv.URL, "-summary-json", sum, "-metrics-file", prom, "-progress", "off"}, " ")}
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			pr.Close() // nobody reads: the first write fails with EPIPE
			defer pw.Close()
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if closed != "stdout" {
				cmd.Stderr = pw
			}
			if closed != "stderr" {
				cmd.Stdout = pw
			}
			err = cmd.Run()
			code := cmd.ProcessState.ExitCode()
			if code != exitOK {
				t.Fatalf("exit %d (%v), want 0\nstdout %s\nstderr %s", code, err, stdout.String(), stderr.String())
			}
			if _, err := os.Stat(out); err != nil {
				t.Errorf("no workbook: %v", err)
			}
			if s := readSummary(t, sum); s.ExitCode != code || s.Results != 50 {
				t.Errorf("summary: exit_code %d, %d results; the process returned %d", s.ExitCode, s.Results, code)
			}
			if m := readMetrics(t, prom); m["vxrecon_last_run_exit_code"] != float64(code) {
				t.Errorf("metrics say exit code %v, the process returned %d", m["vxrecon_last_run_exit_code"], code)
			}
		})
	}
}

// TestKilledRunLeavesNoDebris: a run killed (-9) while it writes its workbook leaves its
// temporary file; the next run removes it, once it is old enough to be sure no process is
// still creating it, and says so in its log.
func TestKilledRunLeavesNoDebris(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 5000, sim.CasePass, sim.CaseFail)
	out := filepath.Join(dir, "r.xlsx")
	args := []string{"run", "-input", in, "-out", out, "-base-url", srv.URL}
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"VXRECON_TEST_AS_MAIN=1", "VXRECON_TOKEN=" + testToken, "VXRECON_TEST_ARGS=" + strings.Join(args, " ")}
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var debris []string
	sc := bufio.NewScanner(logs)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if !strings.Contains(sc.Text(), "writing the workbook") || debris != nil {
			continue
		}
		// Let the child run a millisecond at a time until its temporary file is there.
		for i := 0; i < 20000 && debris == nil; i++ {
			cmd.Process.Signal(syscall.SIGSTOP)
			if m, _ := filepath.Glob(filepath.Join(dir, ".vxrecon-*.tmp")); len(m) > 0 {
				cmd.Process.Kill()
				debris = m
				break
			}
			cmd.Process.Signal(syscall.SIGCONT)
			time.Sleep(time.Millisecond)
		}
	}
	cmd.Wait()
	if debris == nil {
		t.Fatal("never caught the run while it wrote")
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("the killed run's workbook is there")
	}
	// Night after night: the debris is old by the next run.
	old := time.Now().Add(-2 * files.StaleAge)
	for _, p := range debris {
		os.Chtimes(p, old, old)
	}
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken}, args...)
	if inv.code != exitOK || !strings.Contains(inv.stderr, "removed temporary files left by a run that was killed") {
		t.Errorf("exit %d, want 0 and the debris named\n%s", inv.code, inv.stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".vxrecon-*")); len(m) > 0 {
		t.Errorf("left: %v", m)
	}
}
