package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/sim"
)

// TestBadInput checks that bad usage and bad input exit 2 with a clear message, send no request
// and write no workbook.
func TestBadInput(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "request_id\n"+sim.ID(sim.CasePass, 1)+"\n")
	noCol := writeFile(t, dir, "nocol.csv", "name,amount\nx,1\n")
	badCSV := writeFile(t, dir, "bad.csv", "request_id,note\nabc,ok\ndef,a \"bare\" quote\n")
	empty := writeFile(t, dir, "empty.csv", "")
	out := filepath.Join(dir, "r.xlsx")
	tok := map[string]string{"VXRECON_TOKEN": testToken}
	oauth := map[string]string{"VXRECON_CLIENT_ID": "id", "VXRECON_CLIENT_SECRET": "s3cret-value"}
	folder := filepath.Join(dir, "folder.xlsx")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.xlsx")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.prom")
	if err := os.Link(good, hard); err != nil {
		t.Fatal(err)
	}
	wideHeader := make([]string, 20000)
	for i := range wideHeader {
		wideHeader[i] = fmt.Sprintf("c%d", i)
	}
	wideHeader[0] = "request_id"
	wide := writeFile(t, dir, "wide.csv", strings.Join(wideHeader, ",")+"\n"+sim.ID(sim.CasePass, 1)+strings.Repeat(",x", 19999)+"\n")
	const oldBook = "PK\x03\x04 yesterday's workbook"
	yesterday := writeFile(t, dir, "yesterday.xlsx", oldBook)
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string // in stderr
	}{
		{"missing file", tok, []string{"-input", filepath.Join(dir, "nope.csv"), "-out", out}, "nope.csv"},
		{"no id column", tok, []string{"-input", noCol, "-out", out}, "nocol.csv:1: no request id column"},
		{"bad csv", tok, []string{"-input", badCSV, "-out", out}, "bad.csv:3"},
		{"empty file", tok, []string{"-input", empty, "-out", out}, "empty.csv"},
		{"no -out", tok, []string{"-input", good}, "-out is required"},
		{"not xlsx", tok, []string{"-input", good, "-out", filepath.Join(dir, "r.csv")}, ".xlsx"},
		{"no credentials", nil, []string{"-input", good, "-out", out}, "no credentials"},
		{"token and client", map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_CLIENT_ID": "id", "VXRECON_CLIENT_SECRET": "s"}, []string{"-input", good, "-out", out}, "keep one"},
		{"http to remote", tok, []string{"-input", good, "-out", out, "-base-url", "http://example.com"}, "loopback"},
		{"bad pii", tok, []string{"-input", good, "-out", out, "-pii", "some"}, "-pii"},
		{"bad flag", tok, []string{"-input", good, "-out", out, "-concurrency", "many"}, "-concurrency \"many\": want a whole number; run 'vxrecon run -h' for help"},
		{"bad duration", tok, []string{"-input", good, "-out", out, "-timeout", "30"}, "-timeout \"30\": want a duration with its unit, such as 30s"},
		{"typo", tok, []string{"-inptu", good, "-out", out}, "unknown flag -inptu (did you mean -input?); run 'vxrecon run -h' for help"},
		{"unknown flag", tok, []string{"-input", good, "-out", out, "-zzzzzz"}, "unknown flag -zzzzzz; run"},
		{"bad file mode", tok, []string{"-input", good, "-out", out, "-file-mode", "rw"}, "-file-mode \"rw\": want an octal mode such as 0600 or 0640"},
		{"no input before no credentials", nil, []string{"-out", out}, "-input is required"},
		{"bad pii before no credentials", nil, []string{"-input", good, "-out", out, "-pii", "some"}, "-pii"},
		{"bad input before no credentials", nil, []string{"-input", noCol, "-out", out}, "nocol.csv:1: no request id column"},
		{"missing output folder before no credentials", nil, []string{"-input", good, "-out", filepath.Join(dir, "no", "r.xlsx")}, "output folder " + filepath.Join(dir, "no") + " not writable: no such file or directory"},
		{"summary over the workbook, other spelling", tok, []string{"-input", good, "-out", out, "-summary-json", rel(t, out)}, "-out " + out + " and -summary-json"},
		{"summary over the journal, through ..", tok, []string{"-input", good, "-out", out, "-journal", filepath.Join(dir, "j.jsonl"), "-summary-json", filepath.Join(dir, "x", "..", "j.jsonl")}, "are the same file"},
		{"output over the input, through a link", tok, []string{"-input", good, "-out", link}, "are the same file"},
		{"metrics over the input, hard link", tok, []string{"-input", good, "-out", out, "-metrics-file", hard}, "are the same file"},
		{"wide input", tok, []string{"-input", wide, "-out", out}, "wide.csv:1: 20000 columns"},
		{"bad env", map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_RETRIES": "lots"}, []string{"-input", good, "-out", out}, "VXRECON_RETRIES"},
		{"zero concurrency", tok, []string{"-input", good, "-out", out, "-concurrency", "0"}, "-concurrency"},
		{"output folder missing", tok, []string{"-input", good, "-out", filepath.Join(dir, "no", "such", "r.xlsx")}, "output"},
		{"stray argument", tok, []string{"-input", good, "-out", out, "extra"}, "unexpected argument"},
		{"out is a folder", tok, []string{"-input", good, "-out", folder}, "is a folder"},
		{"summary folder missing", tok, []string{"-input", good, "-out", out, "-summary-json", filepath.Join(dir, "no", "s.json")}, "-summary-json"},
		{"journal is the input", tok, []string{"-input", good, "-out", out, "-journal", good}, "same file"},
		{"journal is a workbook", tok, []string{"-input", good, "-out", out, "-journal", yesterday}, "not a vxrecon journal"},
		{"auth url in clear text", oauth, []string{"-input", good, "-out", out, "-auth-url", "http://192.0.2.1/oauth/token"}, "-auth-url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			args := append([]string{"run", "-base-url", srv.URL}, tc.args...)
			inv := runCLI(t, context.Background(), tc.vars, args...)
			if inv.code != exitUsage {
				t.Fatalf("exit %d, want 2\nstderr: %s", inv.code, inv.stderr)
			}
			if !strings.Contains(inv.stderr, tc.want) {
				t.Errorf("stderr does not name %q:\n%s", tc.want, inv.stderr)
			}
			if n := srv.Requests(); n != 0 {
				t.Errorf("%d requests sent", n)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a workbook was written: %v", err)
			}
			if inv.stdout != "" {
				t.Errorf("stdout: %q", inv.stdout)
			}
			secretsAbsent(t, []string{testToken, "s3cret-value"}, inv.stderr)
		})
	}
	for _, f := range []string{good, link, hard} {
		if b, _ := os.ReadFile(f); !strings.HasPrefix(string(b), "request_id\n") {
			t.Errorf("%s was overwritten: %q", f, b)
		}
	}
	if b, _ := os.ReadFile(yesterday); string(b) != oldBook {
		t.Errorf("-journal damaged the file it was pointed at: %q", b)
	}
}

// rel is path relative to the working directory, another spelling of the same file.
func rel(t *testing.T, path string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	r, err := filepath.Rel(wd, path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEmptyInput: a header and no ids (a quiet day) is a report with nothing in it, not a failure.
func TestEmptyInput(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeFile(t, dir, "ids.csv", "request_id,amount\n")
	out := filepath.Join(dir, "r.xlsx")
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken}, "run", "-input", in, "-out", out, "-base-url", srv.URL)
	if inv.code != exitOK || !strings.HasPrefix(inv.stdout, "PASS=0 FAIL=0 IN_PROGRESS=0 NOT_FOUND=0 error=0 total=0 ") {
		t.Fatalf("exit %d stdout %q\n%s", inv.code, inv.stdout, inv.stderr)
	}
	if rows := sheetRows(t, out, "Results"); len(rows) != 1 {
		t.Errorf("Results: %d rows, want the header only", len(rows))
	}
}

// TestInterruptedWhileReading: a stuck stdin must not make SIGINT useless.
func TestInterruptedWhileReading(t *testing.T) {
	pr, pw := io.Pipe() // a writer that never writes nor closes
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	out := filepath.Join(t.TempDir(), "r.xlsx")
	var stdout, stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"run", "-input", "-", "-out", out}, func(k string) string {
			return map[string]string{"VXRECON_TOKEN": testToken}[k]
		}, pr, &stdout, &stderr)
	}()
	select {
	case code := <-done:
		if code != exitIncomplete {
			t.Errorf("exit %d, want 1\n%s", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop while reading a stuck stdin")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a workbook was written: %v", err)
	}
}

// TestDemoIgnoresRunEnv: the demo must never write to a real run's files.
func TestDemoIgnoresRunEnv(t *testing.T) {
	dir := t.TempDir()
	prodJournal := filepath.Join(dir, "prod.jsonl")
	out := filepath.Join(dir, "demo.xlsx")
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_JOURNAL": prodJournal, "VXRECON_N": "5"},
		"demo", "-out", out, "-n", "25")
	if inv.code != exitOK {
		t.Fatalf("demo: exit %d\n%s", inv.code, inv.stderr)
	}
	if _, err := os.Stat(prodJournal); !os.IsNotExist(err) {
		t.Errorf("the demo wrote the run's journal: %v", err)
	}
}

func TestCredentialsRefused(t *testing.T) {
	srv := startSim(t, sim.Options{Token: "the-right-token"})
	dir := t.TempDir()
	in := writeIDs(t, dir, 200, sim.CasePass)
	out := filepath.Join(dir, "r.xlsx")
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-concurrency", "4")
	if inv.code != exitAuth {
		t.Fatalf("exit %d, want 3\n%s", inv.code, inv.stderr)
	}
	if n := srv.Requests(); n > 8 {
		t.Errorf("%d requests after the credentials were refused, want at most the ones in flight", n)
	}
	if !strings.Contains(inv.stderr, "credentials refused") {
		t.Errorf("stderr does not say credentials refused:\n%s", inv.stderr)
	}
	secretsAbsent(t, []string{testToken, "the-right-token"}, inv.stdout, inv.stderr)
}

func TestFlagsFromEnv(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeFile(t, dir, "ids.csv", "id\n"+sim.ID(sim.CasePass, 1)+"\n"+sim.ID(sim.CaseFail, 2)+"\n")
	envOut := filepath.Join(dir, "env.xlsx")
	flagOut := filepath.Join(dir, "flag.xlsx")
	vars := map[string]string{
		"VXRECON_TOKEN":          testToken,
		"VXRECON_INPUT":          in,
		"VXRECON_OUT":            envOut,
		"VXRECON_BASE_URL":       srv.URL,
		"VXRECON_SUMMARY_JSON":   filepath.Join(dir, "s.json"),
		"VXRECON_MAX_ERROR_RATE": "0.5",
		"VXRECON_CONCURRENCY":    "", // empty means unset
	}
	inv := runCLI(t, context.Background(), vars, "run")
	if inv.code != exitOK {
		t.Fatalf("env only: exit %d\n%s", inv.code, inv.stderr)
	}
	if _, err := os.Stat(envOut); err != nil {
		t.Errorf("VXRECON_OUT not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "s.json")); err != nil {
		t.Errorf("VXRECON_SUMMARY_JSON not used: %v", err)
	}
	inv = runCLI(t, context.Background(), vars, "run", "-out", flagOut)
	if inv.code != exitOK || !strings.HasSuffix(strings.TrimSpace(inv.stdout), "workbook="+flagOut) {
		t.Fatalf("flag should win over env: exit %d stdout %q", inv.code, inv.stdout)
	}
}

func TestHelpAndVersion(t *testing.T) {
	inv := runCLI(t, context.Background(), nil, "run", "-h")
	if inv.code != exitOK {
		t.Fatalf("run -h: exit %d", inv.code)
	}
	for _, f := range []string{"input", "out", "base-url", "column", "concurrency", "rate", "timeout", "retries",
		"max-error-rate", "journal", "summary-json", "pii", "log-format", "log-level", "progress", "token-file", "auth-url", "allow-http",
		"sheet", "delimiter", "amount-column", "previous", "metrics-file", "file-mode"} {
		if !strings.Contains(inv.stdout, "-"+f) || !strings.Contains(inv.stdout, envName(f)) {
			t.Errorf("run -h does not list -%s with %s", f, envName(f))
		}
	}
	if !strings.Contains(inv.stdout, "default 8;") || !strings.Contains(inv.stdout, "VXRECON_TOKEN") {
		t.Errorf("run -h lacks defaults or credentials:\n%s", inv.stdout)
	}
	inv = runCLI(t, context.Background(), nil, "version")
	if inv.code != exitOK || !strings.HasPrefix(inv.stdout, "vxrecon ") || !strings.Contains(inv.stdout, "go1.") {
		t.Errorf("version: %d %q", inv.code, inv.stdout)
	}
	// help demo tells the truth: the demo reads no VXRECON_* variable, so it names none.
	inv = runCLI(t, context.Background(), nil, "help", "demo")
	if inv.code != exitOK || strings.Contains(inv.stdout, "env VXRECON_") || !strings.Contains(inv.stdout, "-n int") ||
		!strings.Contains(inv.stdout, "reads no VXRECON_* variable") {
		t.Errorf("help demo:\n%s", inv.stdout)
	}
	for _, args := range [][]string{{"help", "-h"}, {"-h", "-h"}, {"help", "help"}} {
		if inv := runCLI(t, context.Background(), nil, args...); inv.code != exitOK || !strings.Contains(inv.stdout, "Usage:") {
			t.Errorf("%v: exit %d", args, inv.code)
		}
	}
	if inv := runCLI(t, context.Background(), nil, "frobnicate"); inv.code != exitUsage {
		t.Errorf("unknown command: exit %d", inv.code)
	}
	if inv := runCLI(t, context.Background(), nil); inv.code != exitUsage {
		t.Errorf("no command: exit %d", inv.code)
	}
}

func TestShowBar(t *testing.T) {
	tests := []struct {
		mode string
		tty  bool
		term string
		want bool
	}{
		{"auto", true, "xterm-256color", true},
		{"auto", false, "xterm", false}, // cron: no terminal
		{"auto", true, "dumb", false},
		{"on", false, "", true},
		{"off", true, "xterm", false},
	}
	for _, tc := range tests {
		if got := showBar(tc.mode, tc.tty, tc.term); got != tc.want {
			t.Errorf("showBar(%q, %v, %q) = %v, want %v", tc.mode, tc.tty, tc.term, got, tc.want)
		}
	}
	s := snapshot{done: 50, total: 200, counts: [5]int{40, 5, 3, 1, 1}, rate: 25}
	bar := s.bar(120)
	for _, want := range []string{"50/200", "25%", "25/s", "PASS 40", "error 1"} {
		if !strings.Contains(bar, want) {
			t.Errorf("bar %q lacks %q", bar, want)
		}
	}
}

func TestDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.xlsx")
	inv := runCLI(t, context.Background(), nil, "demo", "-out", out, "-n", "60")
	if inv.code != exitOK {
		t.Fatalf("demo: exit %d\n%s", inv.code, inv.stderr)
	}
	results := byHeader(sheetRows(t, out, "Results"))
	if len(results) != 60 {
		t.Fatalf("demo Results has %d rows, want 60", len(results))
	}
	seen := map[string]bool{}
	for _, r := range results {
		seen[r["Classification"]] = true
	}
	for _, c := range []string{"PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error"} {
		if !seen[c] {
			t.Errorf("demo has no %s result", c)
		}
	}
}

// TestVersionOf: a stamped version wins; else the module version of `go install …@version`;
// else "dev", with the commit from the build info.
func TestVersionOf(t *testing.T) {
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/vxrecon/vxrecon", Version: "v1.4.2"}}
	local := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tc := range []struct {
		stamp              string
		info               *debug.BuildInfo
		ver, commit, goVer string
	}{
		{"", installed, "v1.4.2", "unknown", "go1.26.8"},
		{"v9.9.9", installed, "v9.9.9", "unknown", "go1.26.8"},
		{"", local, "dev", "0123456789ab+dirty", "go1.26.8"},
		{"", nil, "dev", "unknown", "unknown"},
	} {
		v, c, g := versionOf(tc.stamp, tc.info, tc.info != nil)
		if v != tc.ver || c != tc.commit || g != tc.goVer {
			t.Errorf("versionOf(%q, %+v) = %q %q %q, want %q %q %q", tc.stamp, tc.info, v, c, g, tc.ver, tc.commit, tc.goVer)
		}
	}
}

// TestEnvVarsExplainThemselves: a bad value in an env var gets the flag's advice, named by the
// env var; a unique prefix of a flag suggests that flag.
func TestEnvVarsExplainThemselves(t *testing.T) {
	dir := t.TempDir()
	in := writeIDs(t, dir, 2, sim.CasePass)
	out := filepath.Join(dir, "r.xlsx")
	for _, tc := range []struct{ env, value, want string }{
		{"VXRECON_TIMEOUT", "30", `VXRECON_TIMEOUT="30": want a duration with its unit, such as 30s, 2m or 1h30m (as for -timeout)`},
		{"VXRECON_CONCURRENCY", "abc", `VXRECON_CONCURRENCY="abc": want a whole number (as for -concurrency)`},
		{"VXRECON_RATE", "fast", `VXRECON_RATE="fast": want a number such as 0.05 (as for -rate)`},
		{"VXRECON_ALLOW_HTTP", "yes", `VXRECON_ALLOW_HTTP="yes": want true or false (as for -allow-http)`},
		{"VXRECON_FILE_MODE", "999", `VXRECON_FILE_MODE="999": want an octal mode such as 0600 or 0640 (as for -file-mode)`},
		// Values refused after parsing are named by the env var too.
		{"VXRECON_PII", "some", `VXRECON_PII="some": want mask, omit or full`},
		{"VXRECON_LOG_LEVEL", "loud", `VXRECON_LOG_LEVEL="loud": want one of debug, info, warn, error`},
		{"VXRECON_DELIMITER", "x", `VXRECON_DELIMITER="x": want , ; | or tab`},
	} {
		inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken, tc.env: tc.value}, "run", "-input", in, "-out", out)
		if inv.code != exitUsage || !strings.Contains(inv.stderr, tc.want) {
			t.Errorf("%s=%s: exit %d, stderr %q, want 2 and %q", tc.env, tc.value, inv.code, inv.stderr, tc.want)
		}
	}
	for _, tc := range []struct{ flag, want string }{
		{"-in", "unknown flag -in (did you mean -input?)"},
		{"-jour", "unknown flag -jour (did you mean -journal?)"},
		{"-summary", "unknown flag -summary (did you mean -summary-json?)"},
		{"-inptu", "unknown flag -inptu (did you mean -input?)"},
	} {
		inv := runCLI(t, context.Background(), nil, "run", tc.flag, "x")
		if inv.code != exitUsage || !strings.Contains(inv.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", tc.flag, inv.code, inv.stderr, tc.want)
		}
	}
}

// TestSimulateWriteIDs: simulate -write-ids writes n sample ids and never overwrites a file.
func TestSimulateWriteIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ids.csv")
	inv := runCLI(t, context.Background(), nil, "simulate", "-write-ids", path, "-n", "25")
	if inv.code != exitOK {
		t.Fatalf("exit %d\n%s", inv.code, inv.stderr)
	}
	lines := strings.Split(strings.TrimSpace(readText(t, path)), "\n")
	if len(lines) != 26 || lines[0] != "request_id" || lines[1] != "id-000001" || lines[25] != "id-000025" {
		t.Errorf("wrote %d lines: %q … %q", len(lines), lines[0], lines[len(lines)-1])
	}
	if inv := runCLI(t, context.Background(), nil, "simulate", "-write-ids", path); inv.code != exitUsage || !strings.Contains(inv.stderr, "exists") {
		t.Errorf("over an existing file: exit %d, %q", inv.code, inv.stderr)
	}
}
