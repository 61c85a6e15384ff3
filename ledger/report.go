package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// OpenReader opens the ledger dsn names to read it only (vxrecon report): no lock, so a
// report may run beside a nightly run, nothing created, nothing migrated. A missing file,
// something that is not a ledger, an empty one and a newer schema are refused.
func OpenReader(dsn string) (*Ledger, error) {
	l := &Ledger{path: Redact(dsn), kick: make(chan struct{}, 1), done: make(chan struct{})}
	var err error
	if IsPostgres(dsn) {
		err = l.openPostgresReader(dsn)
	} else {
		err = l.openSQLiteReader(dsn)
	}
	if err == nil && l.version == 0 {
		err = fmt.Errorf("%w: it records no run yet", ErrNotLedger)
	}
	if err != nil {
		l.release()
		return nil, l.fail(scrub(err, dsn))
	}
	return l, nil
}

func (l *Ledger) openSQLiteReader(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return errors.Unwrap(err) // "no such file or directory", the path said once
	}
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if l.version, err = inspectFile(path); err != nil {
		return err
	}
	l.db, err = sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	l.db.SetMaxOpenConns(2)
	l.shut = l.db.Close
	return nil
}

func (l *Ledger) openPostgresReader(dsn string) error {
	if err := l.openPool(dsn, 2, map[string]string{"default_transaction_read_only": "on"}); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.db.PingContext(ctx); err != nil {
		return fmt.Errorf("cannot connect: %w", err)
	}
	var err error
	l.version, err = inspectSchema(ctx, l.db)
	return err
}

// RunInfo is one recorded run, as a report lists the runs it drew from.
type RunInfo struct {
	ID                int64
	Night             string
	Started, Finished string // RFC 3339; Finished "" for a run that never finished
	Input, BaseURL    string
	Complete          bool
	Answers           int
}

// RunsBetween are the runs whose night is in [from, to], by night and then start.
func (l *Ledger) RunsBetween(from, to string) ([]RunInfo, error) {
	rows, err := l.db.Query(l.q(`SELECT r.id, r.night, r.started, r.finished, r.input, r.base_url, r.complete,
		(SELECT count(*) FROM {s}answers a WHERE a.run_id = r.id)
		FROM {s}runs r WHERE r.night >= ? AND r.night <= ? ORDER BY r.night, r.id`), from, to)
	if err != nil {
		return nil, l.fail(err)
	}
	defer rows.Close()
	var runs []RunInfo
	for rows.Next() {
		var r RunInfo
		var finished sql.NullString
		var complete int
		if err := rows.Scan(&r.ID, &r.Night, &r.Started, &finished, &r.Input, &r.BaseURL, &complete, &r.Answers); err != nil {
			return nil, l.fail(err)
		}
		r.Finished, r.Complete = finished.String, complete != 0
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, l.fail(err)
	}
	return runs, nil
}

// Answer is an id's latest answer in a period, as the ledger recorded it.
type Answer struct {
	ID, Class, Status, Action, Service, Confirmation, Detail, Issues string
	HTTPStatus, Stops, Attempts                                      int
	Duration, Amount                                                 sql.NullFloat64
	Lines                                                            string
	Night                                                            string // of the run that recorded it
	FirstSeen                                                        string // the first night the id was recorded, up to the period's end
	// Result is the whole answer (JSON) for a final one, when the ledger kept it, with its
	// personal fields as PII says.
	Result []byte
	PII    string
}

// Stored is the whole answer the ledger kept (Result), read as a reuse reads it; false when
// it kept none, or it cannot be read.
func (a *Answer) Stored() (recon.Result, bool) {
	var r recon.Result
	if len(a.Result) == 0 || !decode(string(a.Result), &r) {
		return recon.Result{}, false
	}
	return r, true
}

// Answers streams the latest answer of every id recorded by a run whose night is in
// [from, to], by request id. The database sorts; memory stays flat however many ids there
// are. fn's error stops it and is returned.
func (l *Ledger) Answers(ctx context.Context, from, to string, fn func(*Answer) error) error {
	rows, err := l.db.QueryContext(ctx, l.q(`SELECT a.request_id, a.class, a.http_status, a.status, a.action, a.service,
		a.confirmation, a.detail, a.issues, a.journey_duration_s, a.stops, a.attempts, a.amount, a.input_lines, r.night, a.pii,
		(SELECT min(r2.night) FROM {s}answers a2 JOIN {s}runs r2 ON r2.id = a2.run_id WHERE a2.request_id = a.request_id AND a2.reused = 0 AND r2.night <= ?),
		CASE WHEN a.class IN ('PASS', 'FAIL') THEN COALESCE(a.result,
			(SELECT f.result FROM {s}answers f WHERE f.request_id = a.request_id AND f.reused = 0 AND f.class = a.class AND f.result IS NOT NULL ORDER BY f.id DESC LIMIT 1)) END
		FROM {s}answers a JOIN {s}runs r ON r.id = a.run_id
		WHERE a.id IN (SELECT max(a3.id) FROM {s}answers a3 JOIN {s}runs r3 ON r3.id = a3.run_id
			WHERE r3.night >= ? AND r3.night <= ? GROUP BY a3.request_id)
		ORDER BY a.request_id`), to, from, to)
	if err != nil {
		return l.fail(err)
	}
	defer rows.Close()
	var a Answer
	for rows.Next() {
		var http, stops, attempts sql.NullInt64
		var status, action, service, confirmation, detail, issues, lines, first sql.NullString
		a.Result = a.Result[:0]
		if err := rows.Scan(&a.ID, &a.Class, &http, &status, &action, &service, &confirmation, &detail, &issues,
			&a.Duration, &stops, &attempts, &a.Amount, &lines, &a.Night, &a.PII, &first, &a.Result); err != nil {
			return l.fail(err)
		}
		a.HTTPStatus, a.Stops, a.Attempts = int(http.Int64), int(stops.Int64), int(attempts.Int64)
		a.Status, a.Action, a.Service, a.Confirmation = status.String, action.String, service.String, confirmation.String
		a.Detail, a.Issues, a.Lines, a.FirstSeen = detail.String, issues.String, lines.String, first.String
		if err := fn(&a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return l.fail(err)
	}
	return nil
}
