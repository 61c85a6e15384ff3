package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/sim"
)

// startChild runs this test binary as vxrecon itself (see TestMain) with the given arguments.
func startChild(t *testing.T, vars map[string]string, args ...string) (*exec.Cmd, *strings.Builder, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"VXRECON_TEST_AS_MAIN=1", "VXRECON_TEST_ARGS=" + strings.Join(args, " ")}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stdout, &stderr
}

func cellsContaining(rows [][]string, s string) int {
	n := 0
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, s) {
				n++
			}
		}
	}
	return n
}

// TestInterruptAndResume interrupts a real run with SIGINT part-way, checks the INCOMPLETE
// workbook, then resumes with the journal and checks that only the non-final ids are asked again.
func TestInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process and runs for a few seconds")
	}
	srv := startSim(t, sim.Options{Token: testToken, Latency: 40 * time.Millisecond})
	dir := t.TempDir()
	const n = 240
	in := writeIDs(t, dir, n, sim.CasePass, sim.CaseFail, sim.CasePass, sim.CaseInProgress, sim.CaseNotFound)
	out := filepath.Join(dir, "r.xlsx")
	journal := filepath.Join(dir, "run.jsonl")
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	args := []string{"run", "-input", in, "-out", out, "-base-url", srv.URL, "-journal", journal, "-concurrency", "4"}

	cmd, stdout, stderr := startChild(t, vars, args...)
	// Interrupt once a good part, but not all, has been answered (240 ids take about 2.4 s).
	deadline := time.Now().Add(10 * time.Second)
	for srv.Requests() < 40 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the interrupted run did not end")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitIncomplete {
		t.Fatalf("interrupted run: exit %d, want 1\n%s", code, stderr)
	}
	if !strings.Contains(stdout.String(), "status=INCOMPLETE") {
		t.Errorf("stdout: %q", stdout)
	}
	if strings.Contains(stderr.String(), "every id classified") || !strings.Contains(stderr.String(), "stopped early: writing the workbook") {
		t.Errorf("after SIGINT the log says every id was classified, or not that the run stopped early:\n%s", stderr)
	}
	firstRequests := srv.Requests()
	if firstRequests >= n {
		t.Fatalf("the run was not interrupted part-way: %d requests", firstRequests)
	}

	results := byHeader(sheetRows(t, out, "Results"))
	if len(results) != n {
		t.Fatalf("INCOMPLETE workbook has %d results, want every id (%d)", len(results), n)
	}
	final, unfetched := 0, 0
	for _, r := range results {
		switch {
		case r["Classification"] == "PASS" || r["Classification"] == "FAIL":
			final++
		case r["Error"] == "not fetched: interrupted":
			unfetched++
		}
	}
	if unfetched == 0 || final == 0 {
		t.Fatalf("final %d, unfetched %d: want both", final, unfetched)
	}
	if cellsContaining(sheetRows(t, out, "Summary"), "INCOMPLETE") == 0 {
		t.Error("Summary is not marked INCOMPLETE")
	}

	// Resume: only the ids without a final answer are asked again.
	srv.Reset()
	inv := runCLI(t, context.Background(), vars, args...)
	if inv.code != exitOK {
		t.Fatalf("resumed run: exit %d\n%s", inv.code, inv.stderr)
	}
	if got, want := srv.Requests(), int64(n-final); got != want {
		t.Errorf("resumed run asked %d ids again, want %d (every id without a PASS or FAIL)", got, want)
	}
	if !strings.Contains(inv.stdout, "status=COMPLETE") || !strings.Contains(inv.stdout, "PASS=96 FAIL=48 IN_PROGRESS=48 NOT_FOUND=48 error=0") {
		t.Errorf("resumed stdout: %q", inv.stdout)
	}
}

// TestTokenRenewal runs long enough for OAuth tokens to expire several times.
func TestTokenRenewal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for a few seconds")
	}
	const secret = "client-5ecret-value"
	srv := startSim(t, sim.Options{ClientID: "vx-client", ClientSecret: secret, TokenTTL: 1500 * time.Millisecond, Latency: 20 * time.Millisecond})
	dir := t.TempDir()
	in := writeIDs(t, dir, 400, sim.CasePass)
	out := filepath.Join(dir, "r.xlsx")
	vars := map[string]string{"VXRECON_CLIENT_ID": "vx-client", "VXRECON_CLIENT_SECRET": secret}
	inv := runCLI(t, context.Background(), vars, "run", "-input", in, "-out", out, "-base-url", srv.URL,
		"-auth-url", srv.URL+"/oauth/token", "-concurrency", "2")
	if inv.code != exitOK {
		t.Fatalf("exit %d\n%s", inv.code, inv.stderr)
	}
	if !strings.HasPrefix(inv.stdout, "PASS=400 ") {
		t.Errorf("stdout %q, want every id PASS", inv.stdout)
	}
	if n := srv.TokensIssued(); n < 3 {
		t.Errorf("%d tokens issued over a 4 s run with 1.5 s tokens, want several", n)
	}
	secretsAbsent(t, []string{secret}, inv.stdout, inv.stderr)

	// Wrong secret: refused, exit 3, the secret nowhere.
	vars["VXRECON_CLIENT_SECRET"] = "wrong-5ecret-value"
	inv = runCLI(t, context.Background(), vars, "run", "-input", in, "-out", filepath.Join(dir, "r2.xlsx"),
		"-base-url", srv.URL, "-auth-url", srv.URL+"/oauth/token")
	if inv.code != exitAuth {
		t.Fatalf("wrong secret: exit %d\n%s", inv.code, inv.stderr)
	}
	secretsAbsent(t, []string{"wrong-5ecret-value", secret}, inv.stdout, inv.stderr)
}
