package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/sim"
)

// TestMain lets a test start this very binary as vxrecon itself (see startChild), so the
// interrupt test sends a real signal to a real process.
func TestMain(m *testing.M) {
	if os.Getenv("VXRECON_TEST_AS_MAIN") == "1" {
		os.Args = append([]string{"vxrecon"}, strings.Fields(os.Getenv("VXRECON_TEST_ARGS"))...)
		if n, err := strconv.ParseUint(os.Getenv("VXRECON_TEST_FSIZE"), 10, 64); err == nil {
			// A full disk, as far as this process can tell: no file grows past n bytes.
			signal.Ignore(syscall.SIGXFSZ)
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				panic(err)
			}
		}
		os.Exit(Main(""))
	}
	os.Exit(m.Run())
}

const testToken = "tok-e2e-5ecret-b3arer"

// invocation is one run(...) call and what it printed.
type invocation struct {
	code           int
	stdout, stderr string
}

// runCLI runs the whole program in-process with the given env vars only.
func runCLI(t *testing.T, ctx context.Context, vars map[string]string, args ...string) invocation {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	code := run(ctx, args, getenv, strings.NewReader(""), &out, &errb)
	return invocation{code: code, stdout: out.String(), stderr: errb.String()}
}

func startSim(t *testing.T, opts sim.Options) *sim.Server {
	t.Helper()
	srv, err := sim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeIDs writes ids.csv with n simulator ids whose cases cycle through cases.
func writeIDs(t *testing.T, dir string, n int, cases ...sim.Case) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("request_id\n")
	for i := range n {
		b.WriteString(sim.ID(cases[i%len(cases)], i) + "\n")
	}
	return writeFile(t, dir, "ids.csv", b.String())
}

// sheetRows reads a sheet of the written workbook as text.
func sheetRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

// byHeader maps each data row to header -> value.
func byHeader(rows [][]string) []map[string]string {
	var out []map[string]string
	if len(rows) == 0 {
		return nil
	}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(r) {
				m[h] = r[i]
			} else {
				m[h] = ""
			}
		}
		out = append(out, m)
	}
	return out
}

// summaryValue finds a label cell on the Summary sheet and returns the cell to its right.
func summaryValue(rows [][]string, label string) (string, bool) {
	for _, r := range rows {
		for i, c := range r {
			if c == label && i+1 < len(r) {
				return r[i+1], true
			}
		}
	}
	return "", false
}

func TestRunEndToEnd(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	pass, fail := sim.ID(sim.CasePass, 1), sim.ID(sim.CaseFail, 2)
	pending, review := sim.ID(sim.CasePending, 3), sim.ID(sim.CaseReview, 4)
	inprog, notfound := sim.ID(sim.CaseInProgress, 5), sim.ID(sim.CaseNotFound, 6)
	badjson, flaky := sim.ID(sim.CaseBadJSON, 7), sim.ID(sim.CaseFlaky, 8)
	csv := "\ufeffcustomer,Request ID,amount\r\n" +
		"c1," + pass + ",10.00\r\n" +
		"c2," + fail + ",11.00\r\n" +
		"\r\n" +
		"c3,\"" + pending + "\",12.00\r\n" +
		"c4,  " + review + "  ,13.00\r\n" +
		"c5," + inprog + ",14.00\r\n" +
		"c6," + notfound + ",15.00\r\n" +
		"c7," + badjson + ",16.00\r\n" +
		"c8," + flaky + ",17.00\r\n" +
		"c9," + pass + ",18.00\r\n" + // billed twice
		"c10,bad/id,19.00\r\n"
	in := writeFile(t, dir, "ids.csv", csv)
	out := filepath.Join(dir, "report.xlsx")
	sj := filepath.Join(dir, "summary.json")

	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken},
		"run", "-input", in, "-out", out, "-base-url", srv.URL, "-summary-json", sj, "-retries", "3", "-concurrency", "3")
	if inv.code != exitIncomplete { // a bad JSON answer and an invalid row, -max-error-rate 0
		t.Fatalf("exit %d, want 1\nstderr:\n%s", inv.code, inv.stderr)
	}
	wantLine := "PASS=2 FAIL=1 IN_PROGRESS=3 NOT_FOUND=1 error=1 total=8 duplicates=1 invalid=1 status=COMPLETE workbook=" + out + "\n"
	if inv.stdout != wantLine {
		t.Errorf("stdout:\n%q\nwant\n%q", inv.stdout, wantLine)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("workbook: %v %v", fi, err)
	}

	results := byHeader(sheetRows(t, out, "Results"))
	want := []struct{ row, id, class, http, input string }{
		{"2", pass, "PASS", "200", "c1"},
		{"3", fail, "FAIL", "200", "c2"},
		{"5", pending, "IN PROGRESS", "200", "c3"},
		{"6", review, "IN PROGRESS", "200", "c4"},
		{"7", inprog, "IN PROGRESS", "202", "c5"},
		{"8", notfound, "NOT FOUND", "404", "c6"},
		{"9", badjson, "error", "200", "c7"},
		{"10", flaky, "PASS", "200", "c8"},
	}
	if len(results) != len(want) {
		t.Fatalf("Results has %d rows, want %d", len(results), len(want))
	}
	for i, w := range want {
		r := results[i]
		if r["Row"] != w.row || r["Request ID"] != w.id || (i == 0) != (r["Duplicate Rows"] == "11") || r["Classification"] != w.class || r["HTTP Status"] != w.http || r["Input: customer"] != w.input {
			t.Errorf("Results row %d = %v, want %+v", i+2, r, w)
		}
	}
	if results[7]["Attempts"] != "3" {
		t.Errorf("flaky id attempts = %q, want 3", results[7]["Attempts"])
	}
	if results[6]["Error"] == "" {
		t.Errorf("bad JSON row has no error")
	}
	if got := results[0]["First Name"]; got == "" || !strings.HasSuffix(got, "***") {
		t.Errorf("First Name %q is not masked", got)
	}

	sum := sheetRows(t, out, "Summary")
	for label, n := range map[string]int{"PASS": 2, "FAIL": 1, "IN PROGRESS": 3, "NOT FOUND": 1, "error": 1} {
		v, ok := summaryValue(sum, label)
		if !ok || v != strconv.Itoa(n) {
			t.Errorf("Summary %s = %q (found %v), want %d", label, v, ok, n)
		}
	}

	// Issues: every count is the number of results carrying the issue, per class too.
	issues := byHeader(sheetRows(t, out, "Issues"))
	if len(issues) == 0 {
		t.Fatal("Issues sheet is empty")
	}
	total := 0
	for _, r := range issues {
		n, _ := strconv.Atoi(r["Count"])
		per := 0
		for _, c := range []string{"PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error"} {
			k, _ := strconv.Atoi(r[c])
			per += k
		}
		if n == 0 || per != n {
			t.Errorf("issue %q: count %d, per class %d", r["Issue"], n, per)
		}
		total += n
	}

	// Journeys: the PASS id's stops, numbered from 1, elapsed from 0.
	var stops []map[string]string
	for _, r := range byHeader(sheetRows(t, out, "Journeys")) {
		if r["Request ID"] == pass {
			stops = append(stops, r)
		}
	}
	if len(stops) == 0 {
		t.Fatal("no journey rows for the PASS id")
	}
	for i, s := range stops {
		if s["Stop"] != strconv.Itoa(i+1) {
			t.Errorf("stop %d numbered %q", i+1, s["Stop"])
		}
	}
	if stops[0]["Elapsed (s)"] != "0.000" {
		t.Errorf("first stop elapsed %q, want 0.000", stops[0]["Elapsed (s)"])
	}

	errs := byHeader(sheetRows(t, out, "Errors"))
	if len(errs) != 2 || errs[0]["Row"] != "12" || errs[0]["Request ID"] != "bad/id" || errs[1]["Request ID"] != badjson {
		t.Errorf("Errors = %v", errs)
	}

	var js struct {
		Counts     map[string]int `json:"counts"`
		ExitCode   int            `json:"exit_code"`
		Duplicates int            `json:"duplicates"`
		Complete   bool           `json:"complete"`
	}
	b, err := os.ReadFile(sj)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if js.Counts["PASS"] != 2 || js.ExitCode != 1 || js.Duplicates != 1 || !js.Complete {
		t.Errorf("summary JSON = %s", b)
	}

	// JSON logs: stderr is not a terminal, so every line is a JSON object.
	sc := bufio.NewScanner(strings.NewReader(inv.stderr))
	var msgs []string
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		msgs = append(msgs, fmt.Sprint(m["message"]))
	}
	if len(msgs) < 3 || msgs[0] != "invalid input row" && msgs[0] != "start" || msgs[len(msgs)-1] != "done" {
		t.Errorf("log messages: %v", msgs)
	}
	// Numbers a person reads (seconds to the millisecond), and no empty fields.
	done := inv.stderr[strings.LastIndex(strings.TrimSpace(inv.stderr), "\n")+1:]
	var d map[string]any
	if err := json.Unmarshal([]byte(done), &d); err != nil {
		t.Fatal(err)
	}
	if secs := fmt.Sprint(d["elapsed_s"]); len(secs) > len("123456.789") || strings.Count(secs, ".") == 1 && len(secs)-strings.Index(secs, ".") > 4 {
		t.Errorf("elapsed_s = %s, want at most three decimals", secs)
	}
	for k, v := range d {
		if v == "" {
			t.Errorf("done line has an empty field %q", k)
		}
	}

	// No output stream holds the token or a personal field of the results.
	secretsAbsent(t, []string{testToken}, inv.stdout, inv.stderr, string(b))
}

// secretsAbsent fails when any of the secrets appears in any of the texts.
func secretsAbsent(t *testing.T, secrets []string, texts ...string) {
	t.Helper()
	for _, s := range secrets {
		for i, txt := range texts {
			if s != "" && strings.Contains(txt, s) {
				t.Errorf("output %d contains a secret or personal value %q", i, s)
			}
		}
	}
}
