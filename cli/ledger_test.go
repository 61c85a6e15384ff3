package cli

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/ledger"
	"github.com/vxrecon/vxrecon/ledger/ledgertest"
	"github.com/vxrecon/vxrecon/sim"
)

// nonFinal counts the ids of ids.csv (as writeGenericIDs writes them) whose answer on the
// night is not final: what a night with a ledger must ask again.
func nonFinal(n, night int) (count int) {
	for i := 1; i <= n; i++ {
		id := genericID(i)
		if c := sim.CaseOnNight(id, night); !c.Expected().Final() {
			count++
		}
	}
	return count
}

// TestLedgerThreeNights: with a ledger, the second and third nights ask only for the ids
// whose answer was not final (counted at the server), the Summary, the summary JSON and the
// metrics say how many answers were reused, and -refetch asks for every id.
func TestLedgerThreeNights(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { threeNights(t, filepath.Join(t.TempDir(), "ledger.db")) })
	t.Run("postgres", func(t *testing.T) { threeNights(t, ledgertest.Postgres(t)) })
}

func threeNights(t *testing.T, db string) {
	const n = 600
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeGenericIDs(t, dir, n)
	vars := map[string]string{"VXRECON_TOKEN": testToken, "VXRECON_LEDGER": db}
	night := func(k int, extra ...string) (invocation, runSummary) {
		srv.SetNight(k)
		srv.Reset()
		date := time.Date(2026, 11, 1+k, 0, 0, 0, 0, time.Local).Format(time.DateOnly)
		args := append([]string{"run", "-input", in, "-out", filepath.Join(dir, "r-{date}.xlsx"), "-base-url", srv.URL,
			"-max-error-rate", "1", "-night", date, "-summary-json", filepath.Join(dir, "s.json"),
			"-metrics-file", filepath.Join(dir, "m.prom")}, extra...)
		inv := runCLI(t, context.Background(), vars, args...)
		if inv.code != exitOK {
			t.Fatalf("night %d: exit %d\n%s", k, inv.code, tail(inv.stderr, 3000))
		}
		return inv, readSummary(t, filepath.Join(dir, "s.json"))
	}
	night(0)
	if srv.Requests() < n {
		t.Fatalf("first night: %d requests for %d ids", srv.Requests(), n)
	}
	for k := 1; k <= 2; k++ {
		_, s := night(k)
		asked := 0
		for i := 1; i <= n; i++ {
			if srv.RequestsFor(genericID(i)) > 0 {
				asked++
			}
		}
		// Still open on night k-1: asked again on night k, whatever they answer now.
		if want := nonFinal(n, k-1); asked != want {
			t.Errorf("night %d: %d ids asked, want the %d not final the night before", k, asked, want)
		}
		if s.Results != n || s.Ledger.Reused != n-asked || s.Ledger.Runs != k+1 {
			t.Errorf("night %d: %d results, ledger %+v; want %d results, %d reused, %d runs", k, s.Results, s.Ledger, n, n-asked, k+1)
		}
		rows := sheetRows(t, filepath.Join(dir, fmt.Sprintf("r-2026-11-%02d.xlsx", 1+k)), "Summary")
		if v, ok := summaryValue(rows, "Reused from the ledger"); !ok || v != strconv.Itoa(n-asked) {
			t.Errorf("night %d: the Summary says %q reused, want %d", k, v, n-asked)
		}
		if m := readMetrics(t, filepath.Join(dir, "m.prom")); m["vxrecon_last_run_reused"] != float64(n-asked) {
			t.Errorf("night %d: metrics reused %v", k, m["vxrecon_last_run_reused"])
		}
	}
	// A reused row looks the same in the workbook as a fetched one.
	first := byHeader(sheetRows(t, filepath.Join(dir, "r-2026-11-01.xlsx"), "Results"))
	third := byHeader(sheetRows(t, filepath.Join(dir, "r-2026-11-03.xlsx"), "Results"))
	for i := range first {
		if first[i]["Classification"] != "PASS" && first[i]["Classification"] != "FAIL" {
			continue
		}
		for _, col := range []string{"Request ID", "Classification", "Status", "Action", "Service", "Confirmation", "Journey Duration (s)", "Issues", "First Name"} {
			if first[i][col] != third[i][col] {
				t.Errorf("row %d %s: %q fetched, %q reused", i, col, first[i][col], third[i][col])
			}
		}
	}
	// -refetch asks for every id.
	night(3, "-refetch")
	if srv.Requests() < n {
		t.Errorf("-refetch: %d requests for %d ids", srv.Requests(), n)
	}
	classes, runs, err := ledger.Latest(db)
	if err != nil || runs != 4 || len(classes) != n {
		t.Errorf("the ledger holds %d ids over %d runs (%v), want %d over 4", len(classes), runs, err, n)
	}
}

// TestLedgerRefused: a ledger another process holds, a file that is not a ledger (another
// SQLite database, a CSV, a workbook) and a ledger of a newer schema are refused before any
// request, exit 2 with a message naming the file, and left byte for byte as they were.
func TestLedgerRefused(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 5, sim.CasePass)
	// A ledger written by a newer vxrecon: a real ledger whose version is raised.
	newer := filepath.Join(dir, "newer.db")
	if inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken}, "run", "-input", in,
		"-out", filepath.Join(dir, "x.xlsx"), "-base-url", srv.URL, "-ledger", newer); inv.code != exitOK {
		t.Fatalf("making a ledger: exit %d\n%s", inv.code, inv.stderr)
	}
	if out, err := exec.Command("sqlite3", newer, "UPDATE vxrecon_version SET version = 99").CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v %s", err, out)
	}
	other := filepath.Join(dir, "other.db")
	if out, err := exec.Command("sqlite3", other, "CREATE TABLE invoices (id INTEGER, total REAL); INSERT INTO invoices VALUES (1, 9.5)").CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v %s", err, out)
	}
	csv := writeFile(t, dir, "billed.csv", "request_id,amount\nabc,1.00\n")
	wb := filepath.Join(dir, "wb.xlsx")
	if err := os.WriteFile(wb, mustRead(t, filepath.Join(dir, "x.xlsx")), 0o600); err != nil {
		t.Fatal(err)
	}
	held := filepath.Join(dir, "held.db")
	locker := exec.Command("flock", held, "sleep", "30")
	if err := locker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locker.Process.Kill(); locker.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(held); err == nil && !canLock(held) { // made and taken by flock
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("flock never took the file")
		}
	}
	for _, tc := range []struct{ name, path, want string }{
		{"newer schema", newer, "schema version 99; this one reads up to 1"},
		{"another SQLite database", other, "not a vxrecon ledger: a SQLite database of other tables"},
		{"a CSV", csv, "not a vxrecon ledger"},
		{"a workbook", wb, "not a vxrecon ledger"},
		{"held by another process", held, "in use by another vxrecon run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := sum(t, tc.path)
			srv.Reset()
			inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken}, "run", "-input", in,
				"-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL, "-ledger", tc.path)
			if inv.code != exitUsage || !strings.Contains(inv.stderr, tc.path) || !strings.Contains(inv.stderr, tc.want) {
				t.Errorf("exit %d, want 2 naming %s and saying %q\n%s", inv.code, tc.path, tc.want, inv.stderr)
			}
			if srv.Requests() != 0 {
				t.Errorf("%d requests", srv.Requests())
			}
			if sum(t, tc.path) != before {
				t.Error("the file was changed")
			}
		})
	}
}

// canLock reports whether this process can take path's flock now.
func canLock(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return false
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return true
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	return sha256.Sum256(mustRead(t, path))
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// genericID is the i-th id writeGenericIDs writes.
func genericID(i int) string { return fmt.Sprintf("id-%06d", i) }

// TestLedgerDiskFull: when the ledger can no longer be written (no file may grow past 160 KiB,
// as on a full disk: the workbook fits, the ledger's answers do not), the workbook is still
// written, the run says the ledger is behind and exits 1; the next run, with room again, asks
// for what was not recorded and the ledger catches up.
func TestLedgerDiskFull(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 400, sim.CasePass, sim.CaseFail)
	db, out := filepath.Join(dir, "ledger.db"), filepath.Join(dir, "r.xlsx")
	args := []string{"run", "-input", in, "-out", out, "-base-url", srv.URL, "-ledger", db, "-progress", "off"}
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"VXRECON_TEST_AS_MAIN=1", "VXRECON_TOKEN=" + testToken, "VXRECON_TEST_FSIZE=163840",
		"VXRECON_TEST_ARGS=" + strings.Join(args, " ")}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitIncomplete || !strings.Contains(stderr.String(), "the ledger is behind") {
		t.Fatalf("exit %d, want 1 and the ledger behind\n%s", code, tail(stderr.String(), 3000))
	}
	if rows := sheetRows(t, out, "Results"); len(rows) != 401 {
		t.Errorf("the workbook has %d rows, want all 400 ids", len(rows)-1)
	}
	srv.Reset()
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken}, args...)
	if inv.code != exitOK {
		t.Fatalf("the next run: exit %d\n%s", inv.code, tail(inv.stderr, 3000))
	}
	if srv.Requests() == 0 {
		t.Error("the next run asked for nothing: the answers the ledger lost were not asked again")
	}
	classes, _, err := ledger.Latest(db)
	if err != nil || len(classes) != 400 {
		t.Errorf("the ledger holds %d ids (%v), want 400 after catching up", len(classes), err)
	}
}

// TestLedgerKilledAndRerun: a run killed (SIGKILL) part-way leaves the ledger with what it had
// written; the rerun asks only for the ids it does not hold a final answer for, and its
// workbook has every id exactly once.
func TestLedgerKilledAndRerun(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken, Latency: 20 * time.Millisecond})
	dir := t.TempDir()
	const n = 300
	in := writeIDs(t, dir, n, sim.CasePass, sim.CaseFail, sim.CaseInProgress)
	db, out := filepath.Join(dir, "ledger.db"), filepath.Join(dir, "r.xlsx")
	args := []string{"run", "-input", in, "-out", out, "-base-url", srv.URL, "-ledger", db, "-concurrency", "2", "-progress", "off"}
	cmd, _, stderr := startChild(t, map[string]string{"VXRECON_TOKEN": testToken}, args...)
	// Kill it once a good part was answered and the ledger has written some of it (it writes
	// every second).
	deadline := time.Now().Add(20 * time.Second)
	for srv.Requests() < 60 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	if srv.Requests() >= n {
		t.Fatalf("the run was not killed part-way: %d requests\n%s", srv.Requests(), stderr)
	}
	recorded, runs, err := ledger.Latest(db)
	if err != nil || runs != 1 || len(recorded) == 0 {
		t.Fatalf("after the kill the ledger holds %d answers of %d runs (%v)", len(recorded), runs, err)
	}
	srv.Reset()
	inv := runCLI(t, context.Background(), map[string]string{"VXRECON_TOKEN": testToken}, args...)
	if inv.code != exitOK {
		t.Fatalf("rerun: exit %d\n%s", inv.code, tail(inv.stderr, 3000))
	}
	for id, c := range recorded {
		if c.Final() && srv.RequestsFor(id) > 0 {
			t.Errorf("%s was final in the ledger (%s) and was asked again", id, c)
		}
	}
	seen := map[string]int{}
	for _, r := range byHeader(sheetRows(t, out, "Results")) {
		seen[r["Request ID"]]++
	}
	for i := range n {
		if id := writeIDsID(i, sim.CasePass, sim.CaseFail, sim.CaseInProgress); seen[id] != 1 {
			t.Errorf("%s is %d times in the workbook", id, seen[id])
		}
	}
}

// writeIDsID is the i-th id writeIDs writes for cases.
func writeIDsID(i int, cases ...sim.Case) string { return sim.ID(cases[i%len(cases)], i) }

// TestCheckLedger: check opens the ledger, checks its version and that it can be written (a
// transaction rolled back), and changes nothing; a ledger not made yet is not created.
func TestCheckLedger(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken})
	dir := t.TempDir()
	in := writeIDs(t, dir, 4, sim.CasePass)
	db := filepath.Join(dir, "ledger.db")
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	args := []string{"-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL, "-ledger", db}
	inv := runCLI(t, context.Background(), vars, append([]string{"check"}, args...)...)
	if inv.code != exitOK || !strings.Contains(inv.stdout, "none yet, the first run creates it") {
		t.Errorf("check before any run: exit %d\n%s%s", inv.code, inv.stdout, inv.stderr)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("check made the ledger: %v", err)
	}
	if inv := runCLI(t, context.Background(), vars, append([]string{"run"}, args...)...); inv.code != exitOK {
		t.Fatalf("run: exit %d\n%s", inv.code, inv.stderr)
	}
	_, before, _ := ledger.Latest(db)
	inv = runCLI(t, context.Background(), vars, append([]string{"check"}, args...)...)
	if inv.code != exitOK || !strings.Contains(inv.stdout, "schema version 1, writable, 1 runs, 4 final answers to reuse") {
		t.Errorf("check: exit %d\n%s%s", inv.code, inv.stdout, inv.stderr)
	}
	if _, after, _ := ledger.Latest(db); after != before {
		t.Errorf("check changed the ledger: %d runs, then %d", before, after)
	}
}

// TestJournalAndLedger: with both, an interrupted run resumes from its journal as before (only
// what is missing is asked again), and the ledger ends with every answer.
func TestJournalAndLedger(t *testing.T) {
	srv := startSim(t, sim.Options{Token: testToken, Latency: 20 * time.Millisecond})
	dir := t.TempDir()
	const n = 120
	in := writeIDs(t, dir, n, sim.CasePass, sim.CaseFail)
	db := filepath.Join(dir, "ledger.db")
	args := []string{"run", "-input", in, "-out", filepath.Join(dir, "r.xlsx"), "-base-url", srv.URL,
		"-journal", filepath.Join(dir, "j.jsonl"), "-ledger", db, "-concurrency", "2"}
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.Requests() < 30 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	if inv := runCLI(t, ctx, vars, args...); inv.code != exitIncomplete {
		t.Fatalf("interrupted run: exit %d\n%s", inv.code, tail(inv.stderr, 2000))
	}
	first := srv.Requests()
	srv.Reset()
	if inv := runCLI(t, context.Background(), vars, args...); inv.code != exitOK {
		t.Fatalf("resumed run: exit %d\n%s", inv.code, tail(inv.stderr, 2000))
	}
	if got := srv.Requests(); got+first != n {
		t.Errorf("%d requests before the interruption and %d after, want %d in all", first, got, n)
	}
	classes, runs, err := ledger.Latest(db)
	if err != nil || runs != 2 || len(classes) != n {
		t.Errorf("the ledger holds %d ids over %d runs (%v), want %d over 2", len(classes), runs, err, n)
	}
}

// TestPostgresLedger: on a real PostgreSQL server, a second run at once on the same ledger
// stops at once (exit 2, naming the database, never the password), a wrong password or a
// server that cannot be reached is exit 2 before any request with no password in any message,
// and check verifies the connection, the schema and the right to write.
func TestPostgresLedger(t *testing.T) {
	dsn := ledgertest.Postgres(t)
	srv := startSim(t, sim.Options{Token: testToken, SlowDelay: 3 * time.Second})
	dir := t.TempDir()
	in := writeIDs(t, dir, 12, sim.CaseSlow, sim.CasePass)
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	args := func(out, ledgerDSN string) []string {
		return []string{"run", "-input", in, "-out", filepath.Join(dir, out), "-base-url", srv.URL, "-ledger", ledgerDSN}
	}
	first := make(chan invocation, 1)
	go func() { first <- runCLI(t, context.Background(), vars, args("a.xlsx", dsn)...) }()
	for deadline := time.Now().Add(20 * time.Second); srv.Requests() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first run never started")
		}
	}
	before := srv.Requests()
	second := runCLI(t, context.Background(), vars, args("b.xlsx", dsn)...)
	if second.code != exitUsage || !strings.Contains(second.stderr, "in use by another vxrecon run") || !strings.Contains(second.stderr, ledger.Redact(dsn)) {
		t.Errorf("a second run at once: exit %d, want 2 naming the ledger\n%s", second.code, second.stderr)
	}
	if inv := <-first; inv.code != exitOK {
		t.Fatalf("the first run: exit %d\n%s", inv.code, inv.stderr)
	}
	if srv.Requests()-before > 12 {
		t.Errorf("the second run sent requests")
	}
	srv.Reset()
	for _, bad := range []string{
		withPassword(t, dsn, "wr0ng-pa55word"),
		"postgres://ledger:wr0ng-pa55word@127.0.0.1:1/nowhere?sslmode=disable&connect_timeout=2",
	} {
		inv := runCLI(t, context.Background(), vars, args("c.xlsx", bad)...)
		if inv.code != exitUsage || srv.Requests() != 0 || strings.Contains(inv.stderr+inv.stdout, "wr0ng-pa55word") {
			t.Errorf("%s: exit %d, %d requests; want 2, none, and no password in\n%s", ledger.Redact(bad), inv.code, srv.Requests(), inv.stderr)
		}
	}
	inv := runCLI(t, context.Background(), vars, append([]string{"check"}, args("d.xlsx", dsn)[1:]...)...)
	if inv.code != exitOK || !strings.Contains(inv.stdout, "schema version 1, writable, 1 runs") {
		t.Errorf("check: exit %d\n%s%s", inv.code, inv.stdout, inv.stderr)
	}
}

// withPassword is dsn with its password replaced.
func withPassword(t *testing.T, dsn, pw string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), pw)
	return u.String()
}

// TestPostgresLost: a server lost mid-run: the run still fetches every id and writes its
// workbook whole, says the ledger is behind and exits 1; the next run, with the server back,
// asks for what the ledger did not record and catches up.
func TestPostgresLost(t *testing.T) {
	dsn := ledgertest.Postgres(t)
	srv := startSim(t, sim.Options{Token: testToken, Latency: 10 * time.Millisecond})
	dir := t.TempDir()
	const n = 200
	in := writeIDs(t, dir, n, sim.CasePass, sim.CaseFail)
	out := filepath.Join(dir, "r.xlsx")
	args := []string{"run", "-input", in, "-out", out, "-base-url", srv.URL, "-ledger", dsn, "-concurrency", "2"}
	vars := map[string]string{"VXRECON_TOKEN": testToken}
	go func() {
		for srv.Requests() < 50 {
			time.Sleep(5 * time.Millisecond)
		}
		ledgertest.Cut(t, dsn)
	}()
	inv := runCLI(t, context.Background(), vars, args...)
	if inv.code != exitIncomplete || !strings.Contains(inv.stderr, "the ledger is behind") || strings.Contains(inv.stderr, password(dsn)) {
		t.Fatalf("exit %d, want 1 and the ledger behind, without the password\n%s", inv.code, tail(inv.stderr, 3000))
	}
	if rows := byHeader(sheetRows(t, out, "Results")); len(rows) != n {
		t.Errorf("the workbook has %d results, want %d", len(rows), n)
	}
	ledgertest.Restore(t, dsn)
	srv.Reset()
	if inv := runCLI(t, context.Background(), vars, args...); inv.code != exitOK {
		t.Fatalf("the next run: exit %d\n%s", inv.code, tail(inv.stderr, 3000))
	}
	if srv.Requests() == 0 || srv.Requests() >= n+n/2 {
		t.Errorf("the next run sent %d requests: want those the ledger lost, no more", srv.Requests())
	}
	classes, _, err := ledger.Latest(dsn)
	if err != nil || len(classes) != n {
		t.Errorf("the ledger holds %d ids (%v), want %d", len(classes), err, n)
	}
}

// password is the password in dsn.
func password(dsn string) string {
	u, _ := url.Parse(dsn)
	pw, _ := u.User.Password()
	return pw
}
