package ledger

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/ledger/ledgertest"
	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/recon"
)

const api = "https://vx.example"

// backends runs a test on a SQLite file and on a PostgreSQL database of its own: the ledger's
// behaviour is the same on both.
func backends(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "l.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, ledgertest.Postgres(t)) })
}

func answer(id string, c recon.Class) *recon.Result {
	return &recon.Result{ID: id, Class: c, HTTPStatus: 200, Attempts: 2,
		Session: &recon.Session{RequestID: id, Status: string(c), FirstName: "Jane", LastName: "Doe", Email: "jane@example.com",
			Plus: &recon.Plus{Service: "IDMatch5.0", Action: string(c), Confirmation: "180603431"}}}
}

// night opens the ledger, records answers as one run and finishes it.
func night(t *testing.T, path string, opt Options, answers ...*recon.Result) *Ledger {
	t.Helper()
	l, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(Run{Started: time.Now(), Night: "2026-11-01", Input: "ids.csv", InputSHA256: "00", Version: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range answers {
		rec := recon.Record{ID: a.ID, Line: 2, Dups: []int{5}, Amounts: []float64{1.25, 1.25}}
		if err := l.Append(&rec, a, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Finish(Finished{At: time.Now(), ExitCode: 0, Complete: true}); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestReuse: final answers of an earlier run against the same API are reused, with no more
// personal detail than they were kept with; non-final ones, another API's and -refetch are not.
func TestReuse(t *testing.T) { backends(t, testReuse) }

func testReuse(t *testing.T, path string) {
	night(t, path, Options{API: api, PII: pii.Mask}, answer("a", recon.Pass), answer("b", recon.Fail), answer("c", recon.InProgress)).Close()

	l, err := Open(path, Options{API: api, PII: pii.Mask})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := l.CountReusable(); l.Runs() != 1 || n != 2 || err != nil || l.Known() != "b" {
		t.Errorf("runs %d, reusable %d (%v), known %q; want 1, 2, b", l.Runs(), n, err, l.Known())
	}
	r, ok := l.Lookup("a")
	if !ok || r.Class != recon.Pass || r.Attempts != 2 || r.Session.Plus.Confirmation != "180603431" || r.PII != "" {
		t.Errorf("Lookup(a) = %+v, %v", r, ok)
	}
	if r.Session.FirstName == "Jane" || r.Session.Email == "jane@example.com" {
		t.Errorf("the ledger kept personal fields unmasked: %+v", r.Session)
	}
	if _, ok := l.Lookup("c"); ok {
		t.Error("an IN PROGRESS answer was reused")
	}
	l.Close()

	for _, opt := range []Options{{API: "https://other.example", PII: pii.Mask}, {API: api, PII: pii.Full}, {API: api, PII: pii.Mask, Refetch: true}} {
		l, err := Open(path, opt)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := l.Lookup("a"); ok {
			t.Errorf("%+v: reused", opt)
		}
		l.Close()
	}
}

// TestRefused: a file that is not a ledger is refused and left as it was; a held ledger is
// refused at once; a newer schema names both versions.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "ids.csv")
	os.WriteFile(csv, []byte("request_id\nabc\n"), 0o600)
	if _, err := Open(csv, Options{API: api}); !errors.Is(err, ErrNotLedger) || !strings.Contains(err.Error(), csv) {
		t.Errorf("a CSV: %v", err)
	}
	if b, _ := os.ReadFile(csv); string(b) != "request_id\nabc\n" {
		t.Errorf("the CSV was changed: %q", b)
	}
	backends(t, testRefused)
}

func testRefused(t *testing.T, path string) {
	l := night(t, path, Options{API: api})
	if _, err := Open(path, Options{API: api}); !errors.Is(err, ErrLocked) {
		t.Errorf("a held ledger: %v", err)
	}
	if err := Inspect(path); !errors.Is(err, ErrLocked) {
		t.Errorf("Inspect of a held ledger: %v", err)
	}
	if _, err := l.db.Exec(l.q(`UPDATE {s}vxrecon_version SET version = 7`)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := Open(path, Options{API: api}); err == nil || !strings.Contains(err.Error(), "schema version 7; this one reads up to 1") {
		t.Errorf("a newer schema: %v", err)
	}
}

// TestBehind: once the ledger cannot be written, Append and Finish say so (the ledger is
// behind) and the run goes on.
func TestBehind(t *testing.T) { backends(t, testBehind) }

func testBehind(t *testing.T, dsn string) {
	l, err := Open(dsn, Options{API: api})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(Run{Started: time.Now(), Night: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	l.db.Close() // the disk is gone
	if err := l.Append(nil, answer("a", recon.Pass), false); err != nil {
		t.Fatalf("Append before a flush: %v", err)
	}
	if err := l.Finish(Finished{At: time.Now()}); err == nil {
		t.Error("Finish on a ledger that cannot be written: no error")
	}
	if err := l.Append(nil, answer("b", recon.Pass), false); err == nil {
		t.Error("Append after the ledger fell behind: no error")
	}
	l.Close()
}

// TestPostgresSchemaNotALedger: a schema vxrecon of other tables is refused and left alone;
// a database of other tables in other schemas is fine.
func TestPostgresSchemaNotALedger(t *testing.T) {
	dsn := ledgertest.Postgres(t)
	l, err := Open(dsn, Options{API: api}) // a new ledger, so that we have a connection
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{`CREATE TABLE public.invoices (id int)`, `DROP SCHEMA vxrecon CASCADE`,
		`CREATE SCHEMA vxrecon`, `CREATE TABLE vxrecon.invoices (id int)`} {
		if _, err := l.db.Exec(st); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	if _, err := Open(dsn, Options{API: api}); !errors.Is(err, ErrNotLedger) || !strings.Contains(err.Error(), "a schema vxrecon of other tables") {
		t.Errorf("a schema vxrecon of other tables: %v", err)
	}
}

// TestPostgresSecrets: the password never shows in an error, and plain text to a host that is
// not loopback is refused unless sslmode=disable is written out.
func TestPostgresSecrets(t *testing.T) {
	dsn := "postgres://ledger:s3cr3t-pw@127.0.0.1:1/nowhere?sslmode=disable&connect_timeout=2"
	if _, err := Open(dsn, Options{API: api}); err == nil || strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Errorf("an unreachable server: %v", err)
	}
	if got := Redact(dsn); strings.Contains(got, "s3cr3t-pw") {
		t.Errorf("Redact: %s", got)
	}
	for dsn, ok := range map[string]bool{
		"postgres://u:p@db.example/x":                 false,
		"postgres://u:p@db.example/x?sslmode=prefer":  false,
		"postgres://u:p@db.example/x?sslmode=require": true,
		"postgres://u:p@db.example/x?sslmode=disable": true,
		"postgresql://u:p@localhost/x":                true,
		"postgres://u:p@[::1]:5432/x":                 true,
	} {
		if err := checkTLS(dsn); (err == nil) != ok {
			t.Errorf("%s: %v", Redact(dsn), err)
		}
	}
}

// TestManyRows: a flush of more rows than one INSERT takes (full INSERTs, then the rest one by
// one) records every answer once, and each is found again.
func TestManyRows(t *testing.T) { backends(t, testManyRows) }

func testManyRows(t *testing.T, dsn string) {
	const n = 2*insertRows + 7
	var answers []*recon.Result
	for i := range n {
		answers = append(answers, answer(fmt.Sprintf("id-%04d", i), recon.Pass))
	}
	night(t, dsn, Options{API: api, PII: pii.Mask}, answers...).Close()
	classes, runs, err := Latest(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if len(classes) != n || runs != 1 || classes["id-1006"] != recon.Pass {
		t.Fatalf("Latest: %d ids, %d runs, id-1006 %q; want %d, 1, PASS", len(classes), runs, classes["id-1006"], n)
	}
	l, err := Open(dsn, Options{API: api, PII: pii.Mask})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if c, err := l.CountReusable(); c != n || err != nil {
		t.Fatalf("reusable %d (%v), want %d", c, err, n)
	}
	var ids []string
	for i := range n {
		ids = append(ids, fmt.Sprintf("id-%04d", i))
	}
	// The second half is read in the background while the first is looked up.
	l.Prefetch(ids[:n/2], ids[n/2:])
	if l.Reusable() != n/2 {
		t.Fatalf("reusable after Prefetch %d, want %d", l.Reusable(), n/2)
	}
	if _, ok := l.Lookup("id-0001"); !ok {
		t.Error("Lookup(id-0001) after Prefetch of the first half")
	}
	l.Prefetch(ids[n/2:], nil)
	if l.Reusable() != n-n/2 {
		t.Fatalf("reusable after the second Prefetch %d, want %d", l.Reusable(), n-n/2)
	}
	l.Prefetch(ids, ids[:1]) // read ahead, never used: Close waits for it
	for _, id := range []string{"id-0000", "id-0999", "id-1006"} {
		if r, ok := l.Lookup(id); !ok || r.ID != id || r.Class != recon.Pass {
			t.Errorf("Lookup(%s) after Prefetch: %v %+v", id, ok, r)
		}
	}
}

// TestIndexesUpgraded: a ledger an earlier build made (version 1's answers_by_id, or
// answers_first and answers_final, not this build's index) gets answers_fetched at its next
// open, and loses the others; its answers are reused as before.
func TestIndexesUpgraded(t *testing.T) { backends(t, testIndexesUpgraded) }

func testIndexesUpgraded(t *testing.T, dsn string) {
	l := night(t, dsn, Options{API: api, PII: pii.Mask}, answer("a", recon.Pass))
	s := l.schema
	for _, st := range []string{`DROP INDEX ` + s + `answers_fetched`, `CREATE INDEX answers_by_id ON ` + s + `answers(request_id)`,
		`CREATE INDEX answers_first ON ` + s + `answers(request_id, run_id)`,
		`CREATE INDEX answers_final ON ` + s + `answers(request_id) WHERE result IS NOT NULL`} {
		if _, err := l.db.Exec(st); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	l, err := Open(dsn, Options{API: api, PII: pii.Mask})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'answers%' ORDER BY name`
	if l.pg {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = 'vxrecon' AND indexname LIKE 'answers%' AND indexname <> 'answers_pkey' ORDER BY indexname`
	}
	rows, err := l.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if strings.Join(names, " ") != "answers_by_run answers_fetched" {
		t.Errorf("indexes %v, want answers_by_run answers_fetched", names)
	}
	if r, ok := l.Lookup("a"); !ok || r.Class != recon.Pass {
		t.Errorf("Lookup(a) after the upgrade: %v %+v", ok, r)
	}
}

// TestReusedRows: a reused answer's row holds the columns of the row its answer was fetched in
// (what the workbook showed), this run's amount and input lines, reused set and no stored
// answer, the same on both backends (SQLite copies the row, PostgreSQL writes it whole).
func TestReusedRows(t *testing.T) { backends(t, testReusedRows) }

func testReusedRows(t *testing.T, dsn string) {
	opt := Options{API: api, PII: pii.Mask}
	fetched := answer("a", recon.Pass)
	fetched.Session.Plus.Detail = "ALL CHECKS PASSED"
	night(t, dsn, opt, fetched, answer("b", recon.Fail)).Close()

	l, err := Open(dsn, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Begin(Run{Started: time.Now(), Night: "2026-11-02", Input: "ids.csv", InputSHA256: "00", Version: "test"}); err != nil {
		t.Fatal(err)
	}
	l.Prefetch([]string{"a", "b", "c"}, nil)
	for i, id := range []string{"a", "b"} {
		r, ok := l.Lookup(id)
		if !ok {
			t.Fatalf("Lookup(%s) found nothing", id)
		}
		rec := recon.Record{ID: id, Line: 7 + i, Amounts: []float64{3.5}}
		if err := l.Append(&rec, &r, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Append(&recon.Record{ID: "c", Line: 9}, answer("c", recon.InProgress), false); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(Finished{At: time.Now(), Complete: true}); err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	const cols = `class, http_status, status, action, service, confirmation, detail, issues, journey_duration_s, stops, attempts`
	row := func(run int, id string) (same, own string) {
		t.Helper()
		rows, err := l.db.Query(l.q(`SELECT `+cols+`, reused, pii, CASE WHEN result IS NULL THEN 'none' ELSE 'kept' END, amount, input_lines
			FROM {s}answers WHERE run_id = ? AND request_id = ?`), run, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if !rows.Next() {
			t.Fatalf("no row of %s in run %d", id, run)
		}
		v := make([]any, 16)
		for i := range v {
			v[i] = new(any)
		}
		if err := rows.Scan(v...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, p := range v {
			parts = append(parts, fmt.Sprint(*p.(*any)))
		}
		return strings.Join(parts[:11], "|"), strings.Join(parts[11:], "|")
	}
	for i, id := range []string{"a", "b"} {
		was, _ := row(1, id)
		now, own := row(2, id)
		if now != was {
			t.Errorf("%s reused:\n got  %s\n want %s (its first row's)", id, now, was)
		}
		if want := fmt.Sprintf("1|mask|none|3.5|%d", 7+i); own != want {
			t.Errorf("%s reused: reused|pii|no answer|amount|lines = %s, want %s", id, own, want)
		}
	}
	if _, own := row(2, "c"); own != "0|mask|none|<nil>|9" {
		t.Errorf("c fetched: reused|pii|no answer|amount|lines = %s", own)
	}
}
