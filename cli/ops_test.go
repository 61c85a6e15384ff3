package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/sim"
)

// runSummary is what the tests read of -summary-json.
type runSummary struct {
	Counts     map[string]int `json:"counts"`
	ExitCode   int            `json:"exit_code"`
	Results    int            `json:"results"`
	Duplicates int            `json:"duplicates"`
	Invalid    int            `json:"invalid"`
	Complete   bool           `json:"complete"`
	Workbook   string         `json:"workbook"`
	Error      string         `json:"error"`
	Finished   time.Time      `json:"finished"`
	Ledger     struct {
		Path          string `json:"path"`
		Reused        int    `json:"reused"`
		RequestsSaved int    `json:"requests_saved"`
		Runs          int    `json:"runs"`
	} `json:"ledger"`
}

func readSummary(t *testing.T, path string) runSummary {
	t.Helper()
	var s runSummary
	if err := json.Unmarshal([]byte(readText(t, path)), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// readMetrics reads a Prometheus text file into sample → value, checking that every family
// has its HELP and TYPE.
func readMetrics(t *testing.T, path string) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	help, typ := map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(readText(t, path)))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "#" {
			switch f[1] {
			case "HELP":
				help[f[2]] = true
			case "TYPE":
				typ[f[2]] = true
			}
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		m[line[:i]] = v
		name, _, _ := strings.Cut(line[:i], "{")
		if !help[name] || !typ[name] {
			t.Errorf("%s has no HELP or TYPE before it", name)
		}
	}
	return m
}

// TestFilesModeMetricsAndDates: -file-mode sets the mode of every file written, {date} and
// {yesterday} name them, and the metrics file says what the summary JSON says.
func TestFilesModeMetricsAndDates(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 30, sim.CasePass, sim.CaseFail, sim.CaseNotFound, sim.CaseFlaky, sim.CaseServerError)
	today, yesterday := time.Now().Format(time.DateOnly), time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_FILE_MODE": "0640"},
		"run", "-input", in, "-base-url", srv.URL, "-retries", "2",
		"-out", filepath.Join(dir, "r-{yesterday}.xlsx"), "-journal", filepath.Join(dir, "j-{date}.jsonl"),
		"-summary-json", filepath.Join(dir, "s-{date}.json"), "-metrics-file", filepath.Join(dir, "vxrecon.prom"))
	if inv.code != exitIncomplete { // six ids end as errors, -max-error-rate 0
		t.Fatalf("exit %d\n%s", inv.code, inv.stderr)
	}
	written := []string{"r-" + yesterday + ".xlsx", "j-" + today + ".jsonl", "s-" + today + ".json", "vxrecon.prom"}
	for _, name := range written {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != 0o640 {
			t.Errorf("%s: %v %v, want mode 0640", name, fi, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != len(written)+1 {
		t.Errorf("folder holds %d files, want the input and %d", len(entries), len(written))
	}
	s := readSummary(t, filepath.Join(dir, "s-"+today+".json"))
	m := readMetrics(t, filepath.Join(dir, "vxrecon.prom"))
	for class, n := range s.Counts {
		if got := m[`vxrecon_results{class="`+class+`"}`]; got != float64(n) {
			t.Errorf("vxrecon_results %s = %v, summary says %d", class, got, n)
		}
	}
	for name, want := range map[string]float64{
		"vxrecon_ids": float64(s.Results), "vxrecon_duplicates": float64(s.Duplicates),
		"vxrecon_invalid_rows": float64(s.Invalid), "vxrecon_last_run_exit_code": float64(s.ExitCode),
		"vxrecon_last_run_complete": 1, `vxrecon_requests_total{code="404"}`: 6,
		`vxrecon_requests_total{code="500"}`: 6*3 + 6*2, "vxrecon_retries_total": 6*2 + 6*2,
		`vxrecon_last_run_requests{code="404"}`: 6, `vxrecon_last_run_requests{code="500"}`: 6*3 + 6*2,
		"vxrecon_last_run_retries": 6*2 + 6*2,
	} {
		if m[name] != want {
			t.Errorf("%s = %v, want %v", name, m[name], want)
		}
	}
	if ts := m["vxrecon_last_run_timestamp_seconds"]; time.Since(time.UnixMilli(int64(ts*1000))) > time.Minute {
		t.Errorf("last run timestamp %v", ts)
	}
}

// TestCheck: check does what run does before its first request and tries the credentials
// with at most one request (or one token), writing nothing.
func TestCheck(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken, ClientID: "cid", ClientSecret: "csecret"})
	dir := t.TempDir()
	in := writeIDs(t, dir, 20, sim.CasePass)
	out := filepath.Join(dir, "r.xlsx")
	args := []string{"check", "-input", in, "-out", out, "-base-url", srv.URL, "-auth-url", srv.URL + "/oauth/token",
		"-journal", filepath.Join(dir, "j.jsonl"), "-summary-json", filepath.Join(dir, "s.json"), "-metrics-file", filepath.Join(dir, "m.prom")}
	for _, tc := range []struct {
		name           string
		vars           map[string]string
		code           int
		requests       int64
		tokens         int
		stdout, stderr string
	}{
		{"static token", map[string]string{"VXRECON_TOKEN": testToken}, exitOK, 1, 0, "credentials: accepted (one request for sim-pass-000000)", ""},
		{"wrong token", map[string]string{"VXRECON_TOKEN": "wrong-token"}, exitAuth, 1, 0, "credentials: refused", ""},
		{"oauth", map[string]string{"VXRECON_CLIENT_ID": "cid", "VXRECON_CLIENT_SECRET": "csecret"}, exitOK, 0, 1, "credentials: accepted (one token", ""},
		{"oauth refused", map[string]string{"VXRECON_CLIENT_ID": "cid", "VXRECON_CLIENT_SECRET": "wrong-secret"}, exitAuth, 0, 0, "credentials: refused", ""},
		{"no credentials", nil, exitUsage, 0, 0, "", "no credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			inv := runCLI(t, context.Background(), tc.vars, args...)
			if inv.code != tc.code || srv.Requests() != tc.requests || srv.TokensIssued() != tc.tokens {
				t.Errorf("exit %d, %d requests, %d tokens; want %d, %d, %d\n%s%s", inv.code, srv.Requests(), srv.TokensIssued(),
					tc.code, tc.requests, tc.tokens, inv.stdout, inv.stderr)
			}
			if !strings.Contains(inv.stdout, tc.stdout) || !strings.Contains(inv.stderr, tc.stderr) {
				t.Errorf("stdout %q, stderr %q; want %q, %q", inv.stdout, inv.stderr, tc.stdout, tc.stderr)
			}
			if tc.code != exitUsage && !strings.Contains(inv.stdout, "input ids.csv: 20 rows, 20 ids, 0 duplicate lines, 0 invalid rows") {
				t.Errorf("stdout does not describe the input: %q", inv.stdout)
			}
			secretsAbsent(t, []string{testToken, "csecret", "wrong-secret", "wrong-token"}, inv.stdout, inv.stderr)
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("check wrote files: %v", entries)
			}
		})
	}
}

// TestJournalOfAnotherAPI: a journal written against one API is not reused against another;
// a warning says why, and the other API is asked for every id.
func TestJournalOfAnotherAPI(t *testing.T) {
	a, b := startSim(t, sim.Options{Token: testToken}), startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 10, sim.CasePass, sim.CaseFail)
	jr := filepath.Join(dir, "run.jsonl")
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	run := func(srv *sim.Server) invocation {
		return runCLI(t, context.Background(), vars, "run", "-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL, "-journal", jr)
	}
	if inv := run(a); inv.code != exitOK {
		t.Fatalf("exit %d\n%s", inv.code, inv.stderr)
	}
	inv := run(b)
	if inv.code != exitOK || b.Requests() != 10 {
		t.Errorf("against another API: exit %d, %d requests, want every id asked\n%s", inv.code, b.Requests(), inv.stderr)
	}
	if !strings.Contains(inv.stderr, "journal: answers from another API are not reused") || !strings.Contains(inv.stderr, a.URL) {
		t.Errorf("no warning naming the other API:\n%s", inv.stderr)
	}
	a.Reset()
	if inv := run(a); inv.code != exitOK || a.Requests() != 0 {
		t.Errorf("against the first API again: %d requests, want none (its answers are final)", a.Requests())
	}
}

// TestNoCredentialLeavesForAnotherPlace: a server that echoes the token into every text of its
// answers gets it into no file, and a token endpoint that redirects is refused (exit 3) with
// the secret sent nowhere else.
func TestNoCredentialLeavesForAnotherPlace(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 6, sim.CaseEcho, sim.CaseRedirect)
	out, jr := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "run.jsonl")
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-journal", jr, "-pii", "full", "-max-error-rate", "1")
	if inv.code != exitOK {
		t.Fatalf("exit %d\n%s", inv.code, inv.stderr)
	}
	book := unzipText(t, out)
	secretsAbsent(t, []string{testToken}, book, readText(t, jr), inv.stderr, inv.stdout)
	if !strings.Contains(book, "[redacted]") || !strings.Contains(book, "unexpected redirect to elsewhere.invalid") {
		t.Error("the workbook shows neither the redaction nor the refused redirect")
	}

	var elsewhere, posted int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere++
		r.ParseForm()
		if r.PostForm.Get("client_secret") != "" {
			posted++
		}
	}))
	t.Cleanup(other.Close)
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/oauth/token", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(auth.Close)
	srv.Reset()
	inv = runCLI(t, context.Background(), map[string]string{"VXRECON_CLIENT_ID": "cid", "VXRECON_CLIENT_SECRET": "s3cret-value"},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-auth-url", auth.URL+"/oauth/token")
	if inv.code != exitAuth || elsewhere != 0 || posted != 0 || srv.Requests() != 0 {
		t.Errorf("exit %d, %d requests elsewhere (%d with the secret), %d to the API\n%s", inv.code, elsewhere, posted, srv.Requests(), inv.stderr)
	}
	if !strings.Contains(inv.stderr, "unexpected redirect to 127.0.0.1") {
		t.Errorf("stderr does not name the redirect:\n%s", inv.stderr)
	}
	secretsAbsent(t, []string{"s3cret-value"}, inv.stderr, inv.stdout)
}

// leftovers lists the temporary files of WriteAtomic in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".vxrecon-[0-9]*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSecondSignalCleansUp: a second SIGINT while the workbook is being written ends the
// process at once, leaving no temporary file: either no workbook at all or, if the write won
// the race, a whole one. The first SIGINT stops the fetching part-way; the child is frozen
// (SIGSTOP) the moment it says it is writing, the second SIGINT is sent, and it is let go, so
// the signal meets the write whatever the machine's load.
func TestSecondSignalCleansUp(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken, Latency: 5 * time.Millisecond})
	dir := t.TempDir()
	in := writeIDs(t, dir, 20000, sim.CasePass)
	out := filepath.Join(dir, "r.xlsx")
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"VXRECON_TEST_AS_MAIN=1", "VXRECON_TOKEN=" + testToken,
		"VXRECON_TEST_ARGS=" + strings.Join([]string{"run", "-input", in, "-out", out, "-base-url", srv.URL, "-concurrency", "16"}, " ")}
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	sc := bufio.NewScanner(logs)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	interrupted := false
	for sc.Scan() {
		line := sc.Text()
		stderr.WriteString(line + "\n")
		switch {
		case !interrupted && strings.Contains(line, `"message":"start"`):
			for srv.Requests() < 2000 {
				time.Sleep(time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGINT) // stop fetching, write what was fetched
			interrupted = true
		case strings.Contains(line, "writing the workbook"):
			cmd.Process.Signal(syscall.SIGSTOP)
			cmd.Process.Signal(syscall.SIGINT)
			cmd.Process.Signal(syscall.SIGCONT)
		}
	}
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitIncomplete || !interrupted {
		t.Fatalf("exit %d, want 1\n%s", code, &stderr)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	if _, err := os.Stat(out); err == nil {
		t.Log("the write won the race: the workbook is whole")
		if rows := sheetRows(t, out, "Results"); len(rows) != 20001 {
			t.Errorf("the workbook that won the race has %d rows, want them all", len(rows))
		}
	} else {
		t.Log("the second signal ended the write: no workbook")
	}
}

// TestDiskFull: when the workbook cannot be written (no file may grow past 48 KiB, as on a
// full disk), the run exits 1, leaves no temporary file, and the summary JSON says why.
func TestDiskFull(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 2000, sim.CasePass)
	out, sj := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "s.json")
	cmd, _, stderr := startChild(t, map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_TEST_FSIZE": strconv.Itoa(48 << 10)},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-summary-json", sj)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitIncomplete {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a workbook was written: %v", err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	s := readSummary(t, sj)
	if s.ExitCode != 1 || s.Workbook != "" || !strings.Contains(s.Error, "file too large") {
		t.Errorf("summary JSON: %+v", s)
	}
}

// TestHugeBodiesBounded: answers near the 8 MiB limit (a 7.9 MB detail, 300,000 issues,
// 40,000 stops) keep no more than the workbook shows, with the cut marked, in the workbook
// and in the journal.
func TestHugeBodiesBounded(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 3, sim.CaseBigDetail, sim.CaseManyIssues, sim.CaseManyStops)
	out, jr := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "run.jsonl")
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-journal", jr, "-concurrency", "3")
	if inv.code != exitOK {
		t.Fatalf("exit %d\n%s", inv.code, inv.stderr)
	}
	results := byHeader(sheetRows(t, out, "Results"))
	if d := results[0]["Detail"]; len(d) > 3*32767 || !strings.HasSuffix(d, "… [cut]") {
		t.Errorf("detail of %d bytes, marked %v", len(d), strings.HasSuffix(d, "… [cut]"))
	}
	if is := results[1]["Issues"]; !strings.Contains(is, "more issues (not kept)") || len([]rune(is)) > 32767 {
		t.Errorf("issues cell of %d characters ends %q", len([]rune(is)), is[max(0, len(is)-60):])
	}
	if results[2]["Stops"] != "40000" {
		t.Errorf("Stops = %q, want every stop counted", results[2]["Stops"])
	}
	var stops, marks int
	for _, r := range byHeader(sheetRows(t, out, "Journeys")) {
		if r["Request ID"] == sim.ID(sim.CaseManyStops, 2) {
			stops++
			if strings.Contains(r["Type"], "39000 more stops (not kept)") {
				marks++
			}
		}
	}
	if stops != 1001 || marks != 1 {
		t.Errorf("Journeys: %d rows, %d marks; want 1,000 stops and the mark", stops, marks)
	}
	if fi, err := os.Stat(jr); err != nil || fi.Size() > 4<<20 {
		t.Errorf("journal of %v bytes for three answers (%v)", fi.Size(), err)
	}
}

// TestSlowIDsDoNotStallTheRun: three ids that never answer, retried ids and slow ids among a
// thousand clean ones are fetched side by side: the hanging ids are in flight at the same
// time (not one after another, as behind an in-order window), the run takes about one hang,
// and the workbook still lists every id in input order.
func TestSlowIDsDoNotStallTheRun(t *testing.T) {
	api := sim.NewServer(sim.Options{Token: testToken, SlowDelay: 500 * time.Millisecond})
	var hanging, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "sim-hang-") {
			n := hanging.Add(1)
			defer hanging.Add(-1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { api.Close(); srv.Close() })
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("request_id\n")
	var ids []string
	for i := range 1000 {
		c := sim.CasePass
		switch {
		case i == 10 || i == 500 || i == 990:
			c = sim.CaseHang
		case i%50 == 7:
			c = sim.Case503 // one 503, then the answer
		case i%50 == 13:
			c = sim.CaseSlow
		}
		ids = append(ids, sim.ID(c, i))
		b.WriteString(ids[i] + "\n")
	}
	in := writeFile(t, dir, "ids.csv", b.String())
	out := filepath.Join(dir, "r.xlsx")
	start := time.Now()
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-concurrency", "8",
		"-timeout", "3s", "-retries", "1", "-max-error-rate", "1")
	took := time.Since(start)
	if inv.code != exitOK || !strings.HasPrefix(inv.stdout, "PASS=997 ") {
		t.Fatalf("exit %d: %s\n%s", inv.code, inv.stdout, inv.stderr)
	}
	if p := peak.Load(); p < 3 {
		t.Errorf("at most %d of the 3 hanging ids were in flight at once: they waited for each other", p)
	}
	// One hang is two attempts of 3 s and a backoff; the three in a row would be about 19 s.
	// The bound is generous (a busy machine, the race detector): it catches a run that waits.
	if took > 40*time.Second {
		t.Errorf("took %v", took)
	}
	rows := byHeader(sheetRows(t, out, "Results"))
	for i, r := range rows {
		if r["Request ID"] != ids[i] {
			t.Fatalf("Results row %d is %s, want %s (input order)", i+2, r["Request ID"], ids[i])
		}
	}
}

// TestOvernightChangesAndMoney: tonight's run with -previous last night's journal (or
// workbook) lists what changed; with an amount column it adds the Billing sheet.
func TestOvernightChangesAndMoney(t *testing.T) {
	lastNight, tonight := startSim(t, sim.Options{Token: testToken}), startSim(t, sim.Options{Token: testToken, Night: 1})
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("request_id;fee\n")
	ids := []string{sim.ID(sim.CasePending, 1), sim.ID(sim.CaseInProgress, 2), sim.ID(sim.CaseReview, 3),
		sim.ID(sim.CasePending, 4), sim.ID(sim.CasePass, 5), sim.ID(sim.CaseNotFound, 6)}
	for i, id := range ids {
		fmt.Fprintf(&b, "%s;%d,50\n", id, i+1)
	}
	fmt.Fprintf(&b, "%s;9,00\n", ids[5]) // a NOT FOUND id billed twice
	in := writeFile(t, dir, "billed.csv", b.String())
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	jr, book := filepath.Join(dir, "last.jsonl"), filepath.Join(dir, "last.xlsx")
	if inv := runCLI(t, context.Background(), vars, "run", "-input", in, "-out", book, "-journal", jr, "-base-url", lastNight.URL); inv.code != exitOK {
		t.Fatalf("last night: exit %d\n%s", inv.code, inv.stderr)
	}
	for _, prev := range []string{jr, book} {
		out := filepath.Join(dir, "tonight-"+filepath.Ext(prev)[1:]+".xlsx")
		inv := runCLI(t, context.Background(), vars, "run", "-input", in, "-out", out, "-base-url", tonight.URL, "-previous", prev)
		if inv.code != exitOK {
			t.Fatalf("tonight with %s: exit %d\n%s", prev, inv.code, inv.stderr)
		}
		changes := byHeader(sheetRows(t, out, "Changes"))
		moved := 0
		for _, id := range ids[:4] {
			if sim.CaseOnNight(id, 1).Expected() != recon.InProgress {
				moved++
			}
		}
		if len(changes) != moved || moved == 0 {
			t.Errorf("%s: %d changes, %d sessions settled overnight: %v", prev, len(changes), moved, changes)
		}
		for _, c := range changes {
			if c["Before"] != "IN PROGRESS" || c["Change"] != "changed" || (c["Now"] != "PASS" && c["Now"] != "FAIL") {
				t.Errorf("%s: change %v", prev, c)
			}
		}
		bill := map[string][2]string{}
		for _, r := range sheetRows(t, out, "Billing")[1:10] {
			bill[r[0]] = [2]string{r[1], r[2]}
		}
		// 1.50+2.50+3.50+4.50+5.50+6.50+9.00 = 33.00; to dispute: the NOT FOUND id's two lines.
		if bill["total"] != [2]string{"7", "33.00"} || bill["to dispute"] != [2]string{"2", "15.50"} || bill["duplicate lines"] != [2]string{"1", "9.00"} {
			t.Errorf("%s: billing %v", prev, bill)
		}
	}
}
