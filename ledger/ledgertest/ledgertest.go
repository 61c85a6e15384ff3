// Package ledgertest gives tests a ledger database of their own on a real PostgreSQL server:
// the server of VXRECON_TEST_POSTGRES (a DSN; .ci/run starts one). Without it, a test is
// skipped with how to run it, except under CI=true, where it fails: CI never skips.
package ledgertest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Env names the server's DSN.
const Env = "VXRECON_TEST_POSTGRES"

// Postgres returns the DSN of a new, empty database on the test server, dropped when the test
// ends, so that tests (and packages tested at once) never share a ledger.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(Env)
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: under CI the PostgreSQL tests must run (.ci/run starts a server)", Env)
		}
		t.Skipf("no PostgreSQL server: set %s=postgres://… (bash .ci/postgres.sh start DIR prints one) to run this case", Env)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "vxrecon_t_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create a test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Cut makes the database of dsn unreachable, as a server lost mid-run: no new connection is
// allowed and the open ones are ended. Restore undoes it.
func Cut(t testing.TB, dsn string) { allow(t, dsn, false) }

// Restore lets connections to the database of dsn in again.
func Restore(t testing.TB, dsn string) { allow(t, dsn, true) }

func allow(t testing.TB, dsn string, ok bool) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := u.Path[1:]
	db, err := sql.Open("pgx", os.Getenv(Env))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	flag := "true"
	if !ok {
		flag = "false"
	}
	if _, err := db.Exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + flag); err != nil {
		t.Fatal(err)
	}
	if !ok {
		if _, err := db.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
			t.Fatal(err)
		}
	}
}
