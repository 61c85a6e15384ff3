package ledger

import (
	"database/sql"
	"errors"
	"slices"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// FirstSeen is the night id was first recorded: by an earlier run, or this one (a backfill's
// night may precede them all). Only for the ids of the last Prefetch.
func (l *Ledger) FirstSeen(id string) string {
	if c := l.cache[id]; c != nil && c.first != "" && c.first < l.night {
		return c.first
	}
	return l.night
}

// Nights are the nights in [from, to] ("" for no bound) of the finished runs against this
// run's API (any API for a reader: OpenReader), this run excepted, each night as its latest
// finished run counted it: the last limit of them (0: all), oldest first.
func (l *Ledger) Nights(from, to string, limit int) ([]report.Night, error) {
	q := `SELECT night, pass, fail, in_progress, not_found, error FROM {s}runs WHERE id IN (
		SELECT max(id) FROM {s}runs WHERE finished IS NOT NULL AND (? = '' OR base_url = ?) AND id <> ? AND night >= ? AND night <= ? GROUP BY night)
		ORDER BY night DESC`
	if to == "" {
		to = "9999-12-31"
	}
	args := []any{l.opt.API, l.opt.API, l.run, from, to}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := l.db.Query(l.q(q), args...)
	if err != nil {
		return nil, l.fail(err)
	}
	defer rows.Close()
	var nights []report.Night
	for rows.Next() {
		var n report.Night
		var c [recon.NumClasses]sql.NullInt64
		if err := rows.Scan(&n.Night, &c[0], &c[1], &c[2], &c[3], &c[4]); err != nil {
			return nil, l.fail(err)
		}
		for i, v := range c {
			n.Counts[i] = int(v.Int64)
		}
		nights = append(nights, n)
	}
	if err := rows.Err(); err != nil {
		return nil, l.fail(err)
	}
	slices.Reverse(nights) // read newest first, for the limit
	return nights, nil
}

// Previous is the run this one compares with when no -previous is given: the latest finished
// run against the same API whose night is not after this run's. It gives each of that run's
// answers to fn (its id, its class as one of recon.Classes, its first input line), in the
// order they were recorded, and returns its night: "" when there is none.
func (l *Ledger) Previous(fn func(id string, class recon.Class, line int)) (string, error) {
	var run int64
	var night string
	err := l.db.QueryRow(l.q(`SELECT id, night FROM {s}runs WHERE finished IS NOT NULL AND base_url = ? AND id <> ? AND night <= ?
		ORDER BY night DESC, id DESC LIMIT 1`), l.opt.API, l.run, l.night).Scan(&run, &night)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", l.fail(err)
	}
	rows, err := l.db.Query(l.q(`SELECT request_id, class, input_lines FROM {s}answers WHERE run_id = ? ORDER BY id`), run)
	if err != nil {
		return "", l.fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		// The class and the lines are read in place (a million answers made three strings each).
		var id string
		var class, lines sql.RawBytes
		if err := rows.Scan(&id, &class, &lines); err != nil {
			return "", l.fail(err)
		}
		fn(id, canonical(class), firstLine(lines))
	}
	if err := rows.Err(); err != nil {
		return "", l.fail(err)
	}
	return night, nil
}

// canonical is class as one of recon.Classes (whose strings are constants: a million answers
// keep no copy of theirs), or as read when it is none of them.
func canonical(class []byte) recon.Class {
	for _, c := range recon.Classes {
		if string(c) == string(class) {
			return c
		}
	}
	return recon.Class(class)
}

// firstLine is the first of an answer's input lines ("12, 40"), 0 when there is none.
func firstLine(lines []byte) int {
	n := 0
	for _, b := range lines {
		if b == ' ' && n == 0 {
			continue
		}
		if b < '0' || b > '9' || n > 1<<40 {
			break
		}
		n = n*10 + int(b-'0')
	}
	return n
}
