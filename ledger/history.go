package ledger

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
// run's API (any API for a reader: OpenReader), this run excepted, each night as its latest finished run counted it: the last
// limit of them (0: all), oldest first.
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
		return nil, fmt.Errorf("ledger %s: %w", l.path, err)
	}
	defer rows.Close()
	var nights []report.Night
	for rows.Next() {
		var n report.Night
		var c [recon.NumClasses]sql.NullInt64
		if err := rows.Scan(&n.Night, &c[0], &c[1], &c[2], &c[3], &c[4]); err != nil {
			return nil, fmt.Errorf("ledger %s: %w", l.path, err)
		}
		for i, v := range c {
			n.Counts[i] = int(v.Int64)
		}
		nights = append(nights, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger %s: %w", l.path, err)
	}
	for i, j := 0, len(nights)-1; i < j; i, j = i+1, j-1 {
		nights[i], nights[j] = nights[j], nights[i]
	}
	return nights, nil
}

// Previous is the run this one compares with when no -previous is given: the latest finished
// run against the same API whose night is not after this run's, with its ids and classes in
// the order of its input. night is "" when there is none.
func (l *Ledger) Previous() (night string, ids []string, classes []recon.Class, err error) {
	var run int64
	err = l.db.QueryRow(l.q(`SELECT id, night FROM {s}runs WHERE finished IS NOT NULL AND base_url = ? AND id <> ? AND night <= ?
		ORDER BY night DESC, id DESC LIMIT 1`), l.opt.API, l.run, l.night).Scan(&run, &night)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, nil, nil
		}
		return "", nil, nil, fmt.Errorf("ledger %s: %w", l.path, err)
	}
	// Answers are recorded as they arrive; the run read its ids in input order.
	rows, err := l.db.Query(l.q(`SELECT request_id, class, input_lines FROM {s}answers WHERE run_id = ? ORDER BY id`), run)
	if err != nil {
		return "", nil, nil, fmt.Errorf("ledger %s: %w", l.path, err)
	}
	defer rows.Close()
	type answer struct {
		id    string
		class recon.Class
		line  int
	}
	var all []answer
	for rows.Next() {
		var a answer
		var class string
		var lines sql.NullString
		if err := rows.Scan(&a.id, &class, &lines); err != nil {
			return "", nil, nil, fmt.Errorf("ledger %s: %w", l.path, err)
		}
		a.class = recon.Class(class)
		first, _, _ := strings.Cut(lines.String, ",")
		a.line, _ = strconv.Atoi(strings.TrimSpace(first))
		all = append(all, a)
	}
	if err := rows.Err(); err != nil {
		return "", nil, nil, fmt.Errorf("ledger %s: %w", l.path, err)
	}
	slices.SortStableFunc(all, func(a, b answer) int { return cmp.Compare(a.line, b.line) })
	ids, classes = make([]string, len(all)), make([]recon.Class, len(all))
	for i, a := range all {
		ids[i], classes[i] = a.id, a.class
	}
	return night, ids, classes, nil
}
