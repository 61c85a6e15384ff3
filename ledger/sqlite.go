package ledger

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/vxrecon/vxrecon/files"
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// sqliteDDL is the schema, version 1, in SQLite's SQL.
const sqliteDDL = `
CREATE TABLE IF NOT EXISTS vxrecon_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
	id INTEGER PRIMARY KEY,
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
CREATE TABLE IF NOT EXISTS answers (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES runs(id),
	request_id TEXT NOT NULL,
	class TEXT NOT NULL,
	http_status INTEGER,
	status TEXT, action TEXT, service TEXT, confirmation TEXT, detail TEXT, issues TEXT,
	journey_duration_s REAL,
	stops INTEGER,
	attempts INTEGER,
	amount REAL,
	input_lines TEXT,
	reused INTEGER NOT NULL,
	pii TEXT NOT NULL,
	result BLOB
);
CREATE INDEX IF NOT EXISTS answers_by_run ON answers(run_id)
`

// openSQLite opens the ledger file at path: its kernel lock first (a killed run's goes with its
// process), then what the file is, checked read-only, and only then the file for writing, in
// WAL mode: one writer, readers beside it.
func (l *Ledger) openSQLite(path string) error {
	lock, err := lockFile(path, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return err
	}
	// SQLite first, then the flock (closing our own descriptor): while SQLite has the file
	// open, no other run may take it.
	l.shut = func() error {
		var err error
		if l.db != nil {
			err = l.db.Close()
		}
		lock.Close()
		return err
	}
	l.ddl = sqliteDDL
	if l.version, err = inspectFile(path); err != nil {
		return err
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	if l.db, err = sql.Open("sqlite", dsn); err != nil {
		return err
	}
	// One connection writes (flush, in a transaction); the others read beside it, as WAL
	// allows: Prefetch, and the previous run for Changes.
	l.db.SetMaxOpenConns(3)
	return nil
}

// lockFile opens (creating) the ledger file and takes its lock for the run
// (files.OpenLocked), in the ledger's words.
func lockFile(path string, flag int) (*os.File, error) {
	f, err := files.OpenLocked(path, flag, 0o600)
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, files.ErrLocked):
		return nil, ErrLocked
	case errors.Is(err, files.ErrNotRegular) || errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	return nil, files.Bare(err)
}

// inspectSQLite is Inspect for a file: it takes the lock for a moment and reads what the file
// is, writing nothing. A missing file is fine: Open creates it.
func inspectSQLite(path string) error {
	f, err := lockFile(path, os.O_RDONLY)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		_, err = inspectFile(path)
		f.Close() // the lock goes with it
	}
	if err != nil {
		return fmt.Errorf("ledger %s: %w", path, err)
	}
	return nil
}

// inspectFile reads, read-only, what the file at path is: a SQLite database holding a ledger
// (its schema version, refused when newer), an empty file or database (version 0), or
// something else (ErrNotLedger).
func inspectFile(path string) (int, error) {
	head := make([]byte, len(sqliteHeader))
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n == 0 {
		return 0, nil
	}
	if !bytes.Equal(head[:n], sqliteHeader) {
		return 0, fmt.Errorf("%w: not even a SQLite database (a CSV or a workbook?)", ErrNotLedger)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var tables, ours int
	if err := db.QueryRow(`SELECT count(*), count(CASE WHEN name = 'vxrecon_version' THEN 1 END) FROM sqlite_master WHERE type = 'table'`).Scan(&tables, &ours); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrNotLedger, err)
	}
	switch {
	case tables == 0:
		return 0, nil
	case ours == 0:
		return 0, fmt.Errorf("%w: a SQLite database of other tables", ErrNotLedger)
	}
	return readVersion(db, "")
}

// readVersion reads the schema version of a ledger (its tables in schema), refusing a newer one.
func readVersion(db *sql.DB, schema string) (int, error) {
	var v int
	if err := db.QueryRow(`SELECT max(version) FROM ` + schema + `vxrecon_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrNotLedger, err)
	}
	if v > SchemaVersion {
		return v, fmt.Errorf("written by a newer vxrecon (schema version %d; this one reads up to %d): upgrade vxrecon", v, SchemaVersion)
	}
	return v, nil
}
