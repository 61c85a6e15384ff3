package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgSchema is the PostgreSQL schema the ledger keeps its tables in: a database that holds
// other tables is fine.
const pgSchema = "vxrecon"

// pgLockKey is the session advisory lock a run holds on its ledger: one run per ledger, and
// the lock goes with the connection of a run that dies.
const pgLockKey = 0x767872_6c6467 // "vxr" "ldg"

// pgDDL is the schema, version 1, in PostgreSQL's SQL.
const pgDDL = `
CREATE SCHEMA IF NOT EXISTS ` + pgSchema + `;
CREATE TABLE IF NOT EXISTS {s}vxrecon_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS {s}runs (
	id BIGSERIAL PRIMARY KEY,
	started TEXT NOT NULL,
	finished TEXT,
	night TEXT NOT NULL,
	input TEXT NOT NULL,
	input_sha256 TEXT NOT NULL,
	base_url TEXT NOT NULL,
	pass INTEGER, fail INTEGER, in_progress INTEGER, not_found INTEGER, error INTEGER,
	exit_code INTEGER,
	version TEXT NOT NULL,
	complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS {s}answers (
	id BIGSERIAL PRIMARY KEY,
	run_id BIGINT NOT NULL REFERENCES {s}runs(id),
	request_id TEXT NOT NULL,
	class TEXT NOT NULL,
	http_status INTEGER,
	status TEXT, action TEXT, service TEXT, confirmation TEXT, detail TEXT, issues TEXT,
	journey_duration_s DOUBLE PRECISION,
	stops INTEGER,
	attempts INTEGER,
	amount DOUBLE PRECISION,
	input_lines TEXT,
	reused INTEGER NOT NULL,
	pii TEXT NOT NULL,
	result BYTEA
);
CREATE INDEX IF NOT EXISTS answers_by_run ON {s}answers(run_id)
`

// IsPostgres reports whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Redact is dsn with any password replaced, for every message, log and file.
func Redact(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://[unparsable URL]"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// scrub takes the password of dsn out of an error's text, whatever put it there.
func scrub(err error, dsn string) error {
	pw := password(dsn)
	if pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
}

// password is the password written in dsn, "" if none.
func password(dsn string) string {
	if !IsPostgres(dsn) {
		return ""
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	if pw, ok := u.User.Password(); ok {
		return pw
	}
	return u.Query().Get("password")
}

// checkTLS refuses a DSN that would send the login to a host that is not loopback without
// TLS, unless sslmode=disable is written out (as -allow-http is for the API).
func checkTLS(dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return errors.New("not a valid postgres:// URL")
	}
	host := u.Hostname()
	if host == "" || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	switch u.Query().Get("sslmode") {
	case "require", "verify-ca", "verify-full", "disable":
		return nil
	}
	return fmt.Errorf("%s is not a loopback host: add sslmode=require (or verify-full), or write sslmode=disable to send the login in clear", host)
}

// openPostgres connects (pgx, with PGPASSWORD, ~/.pgpass and sslmode as pgx reads them),
// takes the run's advisory lock on a connection held for the run, and reads what the schema
// vxrecon holds.
func (l *Ledger) openPostgres(dsn string) error {
	l.ddl = pgDDL
	if err := l.openPool(dsn, 4, nil); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("cannot connect: %w", err)
	}
	var locked bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, int64(pgLockKey)).Scan(&locked); err != nil {
		conn.Close()
		return fmt.Errorf("cannot connect: %w", err)
	}
	if !locked {
		conn.Close()
		return ErrLocked
	}
	// The advisory lock on its own connection first, then the pool.
	l.shut = func() error {
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(pgLockKey))
		conn.Close()
		return l.db.Close()
	}
	l.version, err = inspectSchema(ctx, l.db)
	return err
}

// openPool opens the database pool of at most conns connections that dsn names (a URL to a
// host that is not loopback must say its TLS mode), with params set on each connection.
func (l *Ledger) openPool(dsn string, conns int, params map[string]string) error {
	l.pg, l.schema = true, pgSchema+"."
	if err := checkTLS(dsn); err != nil {
		return err
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("not a valid PostgreSQL URL: %w", err)
	}
	cfg.ConnectTimeout = 10 * time.Second
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	l.db = stdlib.OpenDB(*cfg)
	l.db.SetMaxOpenConns(conns)
	l.shut = l.db.Close
	return nil
}

// inspectSchema reads what the schema vxrecon holds: nothing (a new ledger, version 0), a
// ledger (its version, refused when newer), or other tables (ErrNotLedger).
func inspectSchema(ctx context.Context, db *sql.DB) (int, error) {
	var tables, ours int
	err := db.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN table_name = 'vxrecon_version' THEN 1 END)
		FROM information_schema.tables WHERE table_schema = $1`, pgSchema).Scan(&tables, &ours)
	if err != nil {
		return 0, err
	}
	switch {
	case tables == 0:
		return 0, nil
	case ours == 0:
		return 0, fmt.Errorf("%w: a schema %s of other tables", ErrNotLedger, pgSchema)
	}
	return readVersion(db, pgSchema+".")
}

// copyRows writes rows with COPY, in one transaction: on PostgreSQL several times faster
// than INSERT, for the server as for us.
func (l *Ledger) copyRows(rows []row) error {
	ctx := context.Background()
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			v := l.values(&rows[i])
			if d, ok := v[10].(sql.NullFloat64); ok { // pgx takes pointers for NULL
				v[10] = nullable(d)
			}
			if a, ok := v[13].(sql.NullFloat64); ok {
				v[13] = nullable(a)
			}
			return v, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{pgSchema, "answers"}, answerColumns, src); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// nullable is a NullFloat64 as pgx's COPY takes it: nil, or the number.
func nullable(f sql.NullFloat64) any {
	if !f.Valid {
		return nil
	}
	return f.Float64
}
