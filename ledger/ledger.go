// Package ledger keeps the history of every run and every answer: a database with a row per
// run and a row per id per run, so that a final answer (PASS, FAIL) is never asked for twice
// and finance and analysts can look back over every night. This file is the SQLite ledger, a
// file opened through modernc.org/sqlite (pure Go: the static image keeps working); it is the
// only package that imports a database driver. PostgreSQL will be a second implementation of
// the same methods.
//
// A Ledger is one run's view of the file: Open checks and locks it (flock, for the whole run)
// and indexes the final answers it may reuse; Begin records the run; Lookup and Append are
// batch.Known (answers known before the run, and every answer of this run, written in batched
// transactions as they arrive); Finish records how the run ended; Close lets it go.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// SchemaVersion is the version of the schema this build writes and reads.
const SchemaVersion = 1

// The errors that refuse a ledger before the first request (exit 2).
var (
	ErrLocked    = errors.New("in use by another vxrecon run (one run per ledger)")
	ErrNotLedger = errors.New("not a vxrecon ledger")
)

// flushEvery bounds what kill -9 can lose of the answers (the journal's own bound), and
// flushRows the rows one transaction writes.
const (
	flushEvery = time.Second
	flushRows  = 10_000
)

// Options say how a run uses the ledger.
type Options struct {
	// API is the base URL the run asks (as the journal records it): final answers are reused
	// only from runs against the same one.
	API string
	// PII is the run's -pii: what Append keeps of personal fields and what Lookup may reuse.
	PII pii.Mode
	// Refetch asks for every id again: Lookup finds nothing (answers are still recorded).
	Refetch bool
}

// Ledger is one run's use of a ledger file.
type Ledger struct {
	path     string       // the file, or the database URL with its password redacted
	pg       bool         // PostgreSQL, not SQLite
	schema   string       // "vxrecon." on PostgreSQL, "" on SQLite
	ddl      string       // the schema, in this database's SQL
	version  int          // the schema version found, 0 for a new ledger
	shut     func() error // closes db and lets the run's lock go, in the order the database needs
	db       *sql.DB
	opt      Options
	cache    map[string]*cached      // what Prefetch read of each id it was given
	ahead    chan map[string]*cached // what Prefetch reads in the background, of aheadFor
	aheadFor []string
	known    *string           // Known's answer, once asked
	night    string            // this run's night, from Begin
	inserts  map[int]*sql.Stmt // SQLite: an INSERT of n rows, parsed once (flush's goroutine only)
	copies   map[int]*sql.Stmt // SQLite: an INSERT of n reused rows copied from their source
	runs     int               // runs recorded before this one
	run      int64             // this run's id, from Begin
	chunk    *sql.Stmt         // readChunk's query for a whole chunk of ids, prepared at open

	mu       sync.Mutex
	pending  []row
	spare    []row // flush's other slice of rows, empty
	err      error // the first write error: the ledger is behind from there on
	kick     chan struct{}
	done     chan struct{}
	wg       sync.WaitGroup
	reused   int
	saved    int // requests the reused answers took when they were fetched
	stopped  sync.Once
	closed   sync.Once
	closeErr error
}

// Open opens the ledger that dsn names, creating it if missing, and takes its lock for the
// run: a SQLite file (a path), or a PostgreSQL database (postgres://… or postgresql://…). A
// ledger in use by another run (ErrLocked), something that is not a ledger (ErrNotLedger:
// another database or schema, a CSV, a workbook; left as it was) or one written by a newer
// version is refused before anything is written. Messages name the ledger with any password
// redacted.
func Open(dsn string, opt Options) (*Ledger, error) {
	l := &Ledger{path: Redact(dsn), opt: opt, cache: map[string]*cached{},
		kick: make(chan struct{}, 1), done: make(chan struct{})}
	var err error
	if IsPostgres(dsn) {
		err = l.openPostgres(dsn)
	} else {
		err = l.openSQLite(dsn)
	}
	if err == nil {
		err = l.prepare()
	}
	if err != nil {
		l.release()
		return nil, l.fail(scrub(err, dsn))
	}
	return l, nil
}

// Inspect tells, changing nothing, whether Open would refuse the ledger dsn names (a missing
// SQLite file is fine: Open creates it), so that a run can say so before its first request.
func Inspect(dsn string) error {
	if IsPostgres(dsn) {
		l, err := Open(dsn, Options{Refetch: true})
		if err != nil {
			return err
		}
		return l.Close()
	}
	return inspectSQLite(dsn)
}

// fail is err in the ledger's words: naming it, with any password redacted.
func (l *Ledger) fail(err error) error { return fmt.Errorf("ledger %s: %w", l.path, err) }

// release lets go of what Open took, on its way out.
func (l *Ledger) release() error {
	l.waitAhead()
	for _, stmts := range []map[int]*sql.Stmt{l.inserts, l.copies} {
		for _, stmt := range stmts {
			stmt.Close()
		}
	}
	l.inserts, l.copies = nil, nil
	if l.chunk != nil {
		l.chunk.Close()
		l.chunk = nil
	}
	var err error
	if l.shut != nil {
		err = l.shut()
		l.shut = nil
	}
	return err
}

// q is query in this ledger's SQL: its tables in their schema, and PostgreSQL's $n for ?.
func (l *Ledger) q(query string) string {
	query = strings.ReplaceAll(query, "{s}", l.schema)
	if !l.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// prepare creates or migrates the schema, counts the runs and prepares Prefetch's query.
// Nothing is read of the answers until Prefetch: what a run reads is what its input asks for,
// however long the ledger's history grows.
func (l *Ledger) prepare() error {
	if l.version < SchemaVersion {
		if err := l.migrate(); err != nil {
			return fmt.Errorf("create the schema: %w", err)
		}
	}
	for _, st := range indexDDL {
		if _, err := l.db.Exec(strings.ReplaceAll(st, "{s}", l.schema)); err != nil {
			return fmt.Errorf("index the answers: %w", err)
		}
	}
	if err := l.db.QueryRow(l.q(`SELECT count(*) FROM {s}runs`)).Scan(&l.runs); err != nil {
		return err
	}
	// Parsing a thousand parameters each time cost as much as a third of running the query.
	var err error
	l.chunk, err = l.db.Prepare(l.q(l.chunkSQL(prefetchSize)))
	return err
}

// indexDDL are the answers' indexes for reading an id's history, made (or, on a ledger an
// earlier vxrecon made, added) at each open; a vxrecon of the same schema version without
// them still reads and writes the ledger.
//   - answers_fetched holds the runs that asked the API for each id, so its first night is
//     read from the index alone. A reused answer's row is left out: it is always a final
//     answer another row of the same id was fetched in, so an id's first night (which only
//     an open id shows) is the same; and a night's million reused rows no longer each go
//     into a random page of an index (1.1 s of native SQLite for 200,000 rows, 0.2 s without).
//   - The same rows hold every stored answer (a reused row stores none): a reuse finds an id's
//     latest final answer among its fetched rows, so no index of its own is kept for them.
//
// answers_fetched replaces answers_first (every row), answers_final (the rows with a stored
// answer) and version 1's answers_by_id.
var indexDDL = []string{
	`CREATE INDEX IF NOT EXISTS answers_fetched ON {s}answers(request_id, run_id) WHERE reused = 0`,
	`DROP INDEX IF EXISTS {s}answers_final`,
	`DROP INDEX IF EXISTS {s}answers_first`,
	`DROP INDEX IF EXISTS {s}answers_by_id`,
}

func (l *Ledger) migrate() error {
	tx, err := l.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, st := range strings.Split(l.ddl, ";") {
		if strings.TrimSpace(st) == "" {
			continue
		}
		if _, err := tx.Exec(strings.ReplaceAll(st, "{s}", l.schema)); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(l.q(`DELETE FROM {s}vxrecon_version`)); err != nil {
		return err
	}
	if _, err := tx.Exec(l.q(`INSERT INTO {s}vxrecon_version (version) VALUES (?)`), SchemaVersion); err != nil {
		return err
	}
	return tx.Commit()
}

// Run is what the ledger records of a run when it begins.
type Run struct {
	Started     time.Time
	Night       string // YYYY-MM-DD
	Input       string
	InputSHA256 string
	Version     string
}

// Begin records the run and starts writing answers as they come.
func (l *Ledger) Begin(r Run) error {
	err := l.db.QueryRow(l.q(`INSERT INTO {s}runs (started, night, input, input_sha256, base_url, version) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		r.Started.UTC().Format(time.RFC3339Nano), r.Night, r.Input, r.InputSHA256, l.opt.API, r.Version).Scan(&l.run)
	if err != nil {
		return l.fail(err)
	}
	l.night = r.Night
	l.wg.Add(1)
	go l.flushLoop()
	return nil
}

// Reusable is how many of the ids Prefetch read last have a final answer this run may
// reuse: the ledger cannot tell for the whole input without reading it all (CountReusable
// does, for vxrecon check).
func (l *Ledger) Reusable() int {
	n := 0
	for _, c := range l.cache {
		if c.key != 0 {
			n++
		}
	}
	return n
}

// CountReusable is how many ids have a final answer recorded against this run's API: a scan
// of the answers, for vxrecon check.
func (l *Ledger) CountReusable() (int, error) {
	var n int
	err := l.db.QueryRow(l.q(`SELECT count(DISTINCT a.request_id) FROM {s}answers a JOIN {s}runs r ON r.id = a.run_id
		WHERE a.class IN ('PASS', 'FAIL') AND a.result IS NOT NULL AND r.base_url = ?`), l.opt.API).Scan(&n)
	if err != nil {
		return 0, l.fail(err)
	}
	return n, nil
}

// Runs is how many runs the ledger held before this one.
func (l *Ledger) Runs() int { return l.runs }

// Known is an id the API is known to answer (the latest recorded with a final answer against
// it by an earlier run), "" if none. Asked once.
func (l *Ledger) Known() string {
	if l.known == nil {
		var id string
		if err := l.db.QueryRow(l.q(`SELECT a.request_id FROM {s}answers a JOIN {s}runs r ON r.id = a.run_id
			WHERE a.class IN ('PASS', 'FAIL') AND r.base_url = ? AND a.run_id <> ? ORDER BY a.id DESC LIMIT 1`), l.opt.API, l.run).Scan(&id); err != nil {
			id = ""
		}
		l.known = &id
	}
	return *l.known
}

// Lookup returns the latest final answer recorded for id against this run's API, if there is
// one this run may reuse: kept with at least the personal detail the run's -pii shows. An id
// the last Prefetch was not given is read on its own.
func (l *Ledger) Lookup(id string) (recon.Result, bool) {
	c, ok := l.cache[id]
	if !ok {
		l.Prefetch([]string{id}, nil)
		c = l.cache[id]
	}
	if c == nil || c.key == 0 {
		return recon.Result{}, false
	}
	return l.reuse(id, c.r, c.ok, c.mode)
}

// reuse tells whether this run may reuse a decoded answer: a final answer of id, kept with
// at least the personal detail the run's -pii shows.
func (l *Ledger) reuse(id string, r recon.Result, decoded bool, mode string) (recon.Result, bool) {
	if !decoded || r.ID != id || !r.Class.Final() || !pii.Mode(mode).Keeps(l.opt.PII) {
		return recon.Result{}, false
	}
	r.PII = ""
	return r, true
}

// prefetchSize is how many ids Prefetch reads at once.
const prefetchSize = 1000

// Prefetch reads what the ledger knows of the ids a run is about to look up, in one query per
// prefetchSize of them, so that Lookup and FirstSeen do not query the database once per id
// (the run asks for them in input order): the night each was first recorded and its latest
// final answer against this run's API, decoded on every core. It keeps only the last batch.
// A query that fails leaves its ids unknown: asked again. next, if any, are the ids the run
// will look up after these: they are read meanwhile, in the background, so that the run's
// next Prefetch finds them ready.
func (l *Ledger) Prefetch(ids, next []string) {
	if l.ahead != nil && slices.Equal(l.aheadFor, ids) {
		l.cache = <-l.ahead
	} else {
		l.waitAhead()
		l.cache = l.read(ids)
	}
	l.ahead, l.aheadFor = nil, nil
	if len(next) > 0 {
		ch := make(chan map[string]*cached, 1)
		l.ahead, l.aheadFor = ch, next
		go func() { ch <- l.read(next) }()
	}
}

// waitAhead waits for a read Prefetch started in the background, and drops it.
func (l *Ledger) waitAhead() {
	if l.ahead != nil {
		<-l.ahead
		l.ahead, l.aheadFor = nil, nil
	}
}

// read is what the ledger knows of ids (see Prefetch), by id: every one of them has an
// entry. It touches nothing of l but the database, so it may run beside the run.
func (l *Ledger) read(ids []string) map[string]*cached {
	cache := make(map[string]*cached, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(prefetchSize, len(ids))]
		ids = ids[len(chunk):]
		entries := make([]cached, len(chunk)) // one allocation a chunk, not one an id
		for i, id := range chunk {
			cache[id] = &entries[i]
		}
		got := l.readChunk(cache, chunk)
		decodeAll(got, l.pg)
		for _, c := range got {
			c.blob = ""
		}
	}
	return cache
}

// readChunk reads, for one chunk of ids already in cache, in one query: the night each was
// first asked for by an earlier run (any API; answers_fetched alone), and its latest final
// answer kept against this run's API (none with -refetch), with how personal fields were kept.
// It returns the entries that have an answer to decode. A query that fails gives nothing: those
// ids are asked again.
func (l *Ledger) readChunk(cache map[string]*cached, chunk []string) []*cached {
	if l.runs == 0 {
		return nil // a new ledger: no run recorded anything yet
	}
	api := l.opt.API
	if l.opt.Refetch {
		api = "" // no run has an empty base URL: no answer is final for this one
	}
	args := make([]any, 0, len(chunk)+2)
	args = append(args, api, l.run)
	for _, id := range chunk {
		args = append(args, id)
	}
	var rows *sql.Rows
	var err error
	if len(chunk) == prefetchSize {
		rows, err = l.chunk.Query(args...)
	} else {
		rows, err = l.db.Query(l.q(l.chunkSQL(len(chunk))), args...)
	}
	if err != nil {
		return nil
	}
	defer rows.Close()
	var got []*cached
	for rows.Next() {
		var id string
		var first, mode sql.NullString
		var key sql.NullInt64
		var blob sql.NullString // a string at once (see chunkSQL)
		if rows.Scan(&id, &first, &key, &blob, &mode) != nil {
			continue
		}
		c := cache[id]
		if c == nil {
			continue
		}
		c.first = first.String
		if key.Valid && blob.Valid {
			c.key, c.blob, c.mode = key.Int64, blob.String, mode.String
			got = append(got, c)
		}
	}
	if rows.Err() != nil {
		l.forget(got)
		return nil
	}
	return got
}

// chunkSQL is readChunk's query for n ids. On SQLite the stored answer is read as text: the
// driver makes a string of it in one copy, where a blob is copied into a slice, then again by
// database/sql, then into a string.
func (l *Ledger) chunkSQL(n int) string {
	answer := "CAST(f.result AS TEXT)"
	if l.pg {
		answer = "f.result"
	}
	return `SELECT k.request_id, k.first, f.id, ` + answer + `, f.pii FROM (
		SELECT a.request_id, min(r.night) AS first,
			max(CASE WHEN a.result IS NOT NULL AND a.class IN ('PASS', 'FAIL') AND r.base_url = ? THEN a.id END) AS final
		FROM {s}answers a JOIN {s}runs r ON r.id = a.run_id
		WHERE a.reused = 0 AND a.run_id <> ? AND a.request_id IN (?` + strings.Repeat(",?", n-1) + `)
		GROUP BY a.request_id) k
		LEFT JOIN {s}answers f ON f.id = k.final`
}

// forget drops the keys of answers that could not be read: those ids are asked again.
func (l *Ledger) forget(cs []*cached) {
	for _, c := range cs {
		c.key = 0
	}
}

// decodeAll decodes the answers on every core: decoding is most of what a reused answer costs,
// and the run looks them up from one goroutine. With withFields, it also works out the
// columns of their rows (PostgreSQL's rows are written whole; SQLite copies them).
func decodeAll(cs []*cached, withFields bool) {
	workers := min(runtime.GOMAXPROCS(0), len(cs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(cs); i += workers {
				if cs[i].ok = decode(cs[i].blob, &cs[i].r); cs[i].ok && withFields {
					cs[i].fields = fieldsOf(&cs[i].r)
				}
			}
		}()
	}
	wg.Wait()
}

// cached is what Prefetch read of one id: the night it was first recorded, and its final
// answer to reuse (key 0: none), decoded.
type cached struct {
	first string // "" when no earlier run recorded it
	key   int64
	blob  string
	mode  string
	r     recon.Result
	ok    bool
	fields
}

// fields are the columns of an answer's row that come from the answer itself.
type fields struct {
	status, action, service, confirmation, detail, issues string
	stops                                                 int
	duration                                              sql.NullFloat64
}

// fieldsOf works out the columns of an answer (personal fields play no part in them).
func fieldsOf(r *recon.Result) fields {
	var f fields
	if s := r.Session; s != nil {
		f.status = s.Status
		if p := s.Plus; p != nil {
			f.action, f.confirmation, f.detail = p.Action, string(p.Confirmation), p.Detail
		}
	}
	d := report.DeriveBrief(r) // the writer derives the stops' times; a row needs only these
	f.service, f.issues = d.Service, strings.Join(d.Issues, "; ")
	if s := r.Session; s != nil && s.Journey != nil {
		f.stops = len(s.Journey.Stops)
	}
	if d.HasDuration {
		f.duration = sql.NullFloat64{Float64: d.Duration.Seconds(), Valid: true}
	}
	return f
}

// cached is what Prefetch read of a reused answer of id, or nil. Only the goroutine that calls
// Lookup and Prefetch (the run's dispatcher, which also records reused answers) may ask.
func (l *Ledger) cached(id string, reused bool) *cached {
	if !reused {
		return nil
	}
	if c := l.cache[id]; c != nil && c.key != 0 && c.ok {
		return c
	}
	return nil
}

// row is one answer waiting to be written.
type row struct {
	fields
	id, class, lines, pii string
	result                []byte
	http, attempts        int
	amount                sql.NullFloat64
	reused                bool
	from                  int64 // SQLite: a reused answer's row to copy the columns from
}

// Append records the answer of one id of this run, reused or fetched, its personal fields as
// the run's -pii shows them. It is safe for concurrent use; rows reach the file within about
// flushEvery. An error is the ledger's first write error: it is behind from there on.
func (l *Ledger) Append(rec *recon.Record, res *recon.Result, reused bool) error {
	rw := l.row(rec, res, reused)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	if reused {
		l.reused++
		l.saved += max(res.Attempts, 1)
	}
	l.pending = append(l.pending, rw)
	if len(l.pending) >= flushRows {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

func (l *Ledger) row(rec *recon.Record, res *recon.Result, reused bool) row {
	rw := row{id: res.ID, class: string(res.Class), http: res.HTTPStatus, attempts: res.Attempts,
		reused: reused, pii: string(l.opt.PII)}
	if c := l.cached(res.ID, reused); c != nil && l.pg {
		rw.fields = c.fields // worked out in Prefetch, on every core
	} else if c != nil {
		rw.from = c.key // copied from the row the answer is stored in, by SQLite
	} else {
		kept := *res
		kept.PII = string(l.opt.PII)
		kept.Session = l.opt.PII.Session(res.Session)
		if res.Class.Final() && !reused {
			// A reused answer is stored once, by the run that fetched it; Lookup finds that row.
			rw.result, _ = encode(&kept)
		}
		rw.fields = fieldsOf(&kept)
	}
	if rec != nil {
		lines := rec.Lines()
		parts := make([]string, len(lines))
		for i, n := range lines {
			parts[i] = strconv.Itoa(n)
		}
		rw.lines = strings.Join(parts, ", ")
		if len(rec.Amounts) > 0 {
			var sum float64
			for _, a := range rec.Amounts {
				sum += a
			}
			rw.amount = sql.NullFloat64{Float64: sum, Valid: true}
		}
	}
	return rw
}

func (l *Ledger) flushLoop() {
	defer l.wg.Done()
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-t.C:
		case <-l.kick:
		}
		l.flush()
	}
}

// flush writes the pending rows in one transaction.
func (l *Ledger) flush() {
	l.mu.Lock()
	rows := l.pending
	if len(rows) > 0 {
		// Two slices take turns: the rows arrive in one while the other is written.
		l.pending = l.spare[:0]
		if cap(l.pending) == 0 {
			l.pending = make([]row, 0, flushRows+flushRows/4) // what a second brings
		}
	}
	failed := l.err != nil
	l.mu.Unlock()
	if len(rows) == 0 || failed {
		return
	}
	err := l.write(rows)
	clear(rows) // let go of the rows' texts and answers
	l.mu.Lock()
	l.spare = rows[:0]
	if err != nil && l.err == nil {
		l.err = l.fail(err)
	}
	l.mu.Unlock()
}

func (l *Ledger) write(rows []row) error {
	if l.pg {
		return l.copyRows(rows)
	}
	// Prepared before the transaction takes a connection: with every other one busy reading,
	// a Prepare inside it would wait until they are done.
	many, err := l.insert(insertRows)
	if err != nil {
		return err
	}
	one, err := l.insert(1)
	if err != nil {
		return err
	}
	manyCopies, err := l.copy(insertRows)
	if err != nil {
		return err
	}
	oneCopy, err := l.copy(1)
	if err != nil {
		return err
	}
	var copied, whole []int32 // rows' positions: a row is too large to copy about
	for i := range rows {
		if rows[i].from != 0 {
			copied = append(copied, int32(i))
		} else {
			whole = append(whole, int32(i))
		}
	}
	tx, err := l.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	manyCopies, oneCopy, many, one = tx.Stmt(manyCopies), tx.Stmt(oneCopy), tx.Stmt(many), tx.Stmt(one)
	args := make([]any, 0, len(answerColumns)*insertRows)
	// Reused answers first, each copied from the row its answer was fetched in: three values a
	// row to bind instead of eighteen, and nothing of the answer worked out again.
	err = batches(copied, func(idx []int32) error {
		stmt := manyCopies
		if len(idx) == 1 {
			stmt = oneCopy
		}
		args = append(args[:0], l.run, string(l.opt.PII))
		for _, i := range idx {
			args = append(args, rows[i].from, rows[i].amount, rows[i].lines)
		}
		res, err := stmt.Exec(args...)
		if err != nil {
			return err
		}
		if got, err := res.RowsAffected(); err == nil && got != int64(len(idx)) {
			return fmt.Errorf("%d of %d reused answers have no row to copy", int64(len(idx))-got, len(idx))
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = batches(whole, func(idx []int32) error {
		stmt := many
		if len(idx) == 1 {
			stmt = one
		}
		args = args[:0]
		for _, i := range idx {
			args = l.appendValues(args, &rows[i])
		}
		_, err := stmt.Exec(args...)
		return err
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// batches gives idx to fn insertRows at a time, then what is left one at a time: each size of
// INSERT is a statement to prepare.
func batches(idx []int32, fn func(idx []int32) error) error {
	for len(idx) > 0 {
		n := insertRows
		if len(idx) < n {
			n = 1
		}
		if err := fn(idx[:n]); err != nil {
			return err
		}
		idx = idx[n:]
	}
	return nil
}

// insert is the prepared INSERT of n rows into answers: parsing the SQL of 500 rows cost as
// much as running it.
func (l *Ledger) insert(n int) (*sql.Stmt, error) {
	return l.prepared(&l.inserts, n, func() string {
		row := "(?" + strings.Repeat(",?", len(answerColumns)-1) + ")"
		return `INSERT INTO {s}answers (` + strings.Join(answerColumns, ", ") + `) VALUES ` + row + strings.Repeat(","+row, n-1)
	})
}

// copy is the prepared INSERT of n reused rows, each copied from its source row but for the
// run, the amount, the input lines, reused and pii (the run, pii, then a source row, its amount
// and its lines for each row).
func (l *Ledger) copy(n int) (*sql.Stmt, error) {
	// Parameters by position only: the driver looks each numbered one's name up in a list,
	// which made binding a statement cost the square of its parameters.
	return l.prepared(&l.copies, n, func() string {
		return `INSERT INTO {s}answers (` + strings.Join(answerColumns, ", ") + `)
		SELECT ?, a.request_id, a.class, a.http_status, a.status, a.action, a.service, a.confirmation, a.detail,
			a.issues, a.journey_duration_s, a.stops, a.attempts, v.column2, v.column3, 1, ?, NULL
		FROM (VALUES (?,?,?)` + strings.Repeat(",(?,?,?)", n-1) + `) v JOIN {s}answers a ON a.id = v.column1`
	})
}

// prepared is the statement for n rows that query writes, prepared once and kept in stmts.
func (l *Ledger) prepared(stmts *map[int]*sql.Stmt, n int, query func() string) (*sql.Stmt, error) {
	if stmt := (*stmts)[n]; stmt != nil {
		return stmt, nil
	}
	stmt, err := l.db.Prepare(l.q(query()))
	if err != nil {
		return nil, err
	}
	if *stmts == nil {
		*stmts = map[int]*sql.Stmt{}
	}
	(*stmts)[n] = stmt
	return stmt, nil
}

// values is a row as the answers table's columns, in answerColumns order.
func (l *Ledger) values(r *row) []any { return l.appendValues(make([]any, 0, len(answerColumns)), r) }

// appendValues appends a row's values to dst, in answerColumns order.
func (l *Ledger) appendValues(dst []any, r *row) []any {
	reused := 0
	if r.reused {
		reused = 1
	}
	var result any
	if r.result != nil {
		result = r.result
	}
	return append(dst, l.run, r.id, r.class, r.http, r.status, r.action, r.service, r.confirmation, r.detail,
		r.issues, r.duration, r.stops, r.attempts, r.amount, r.lines, reused, r.pii, result)
}

// answerColumns are the columns a row fills.
var answerColumns = []string{"run_id", "request_id", "class", "http_status", "status", "action", "service",
	"confirmation", "detail", "issues", "journey_duration_s", "stops", "attempts", "amount", "input_lines", "reused", "pii", "result"}

// insertRows is how many rows one INSERT writes (SQLite takes at most 32,766 parameters).
const insertRows = 500

// Finished is what the ledger records of a run when it ends.
type Finished struct {
	At       time.Time
	Counts   recon.Counts
	ExitCode int
	Complete bool
}

// Stats are what the run's summary says of the ledger.
type Stats struct {
	Path          string
	Reused        int // answers taken from the ledger instead of the API
	RequestsSaved int // the requests those answers took when they were fetched
	Runs          int // runs in the ledger, this one included
}

// Stats returns the figures of this run.
func (l *Ledger) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Path: l.path, Reused: l.reused, RequestsSaved: l.saved, Runs: l.runs + 1}
}

// Finish writes what is pending and records how the run ended. Its error says the ledger is
// behind: some answers of this run (or its end) are not recorded.
func (l *Ledger) Finish(f Finished) error {
	l.stop()
	l.flush()
	l.mu.Lock()
	err := l.err
	l.mu.Unlock()
	if err != nil {
		return err
	}
	c := f.Counts
	complete := 0
	if f.Complete {
		complete = 1
	}
	_, err = l.db.Exec(l.q(`UPDATE {s}runs SET finished = ?, pass = ?, fail = ?, in_progress = ?, not_found = ?, error = ?,
		exit_code = ?, complete = ? WHERE id = ?`), f.At.UTC().Format(time.RFC3339Nano),
		c[0], c[1], c[2], c[3], c[4], f.ExitCode, complete, l.run)
	if err != nil {
		return l.fail(err)
	}
	return nil
}

// stop ends the flush loop, once.
func (l *Ledger) stop() {
	l.stopped.Do(func() {
		close(l.done)
		l.wg.Wait()
	})
}

// Close writes what is pending (a run that did not Finish stays unfinished in the ledger, and
// the next run reuses its final answers) and lets the file and its lock go.
// Later calls return the same error.
func (l *Ledger) Close() error {
	l.closed.Do(func() {
		l.stop()
		l.flush()
		l.mu.Lock()
		err := l.err
		l.mu.Unlock()
		if cerr := l.release(); err == nil && cerr != nil {
			err = l.fail(cerr)
		}
		l.closeErr = err
	})
	return l.closeErr
}

// CheckWrite verifies that the ledger can be written, in a transaction that is rolled back
// (for `vxrecon check`).
func (l *Ledger) CheckWrite() error {
	tx, err := l.db.Begin()
	if err != nil {
		return l.fail(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(l.q(`INSERT INTO {s}vxrecon_version (version) VALUES (?)`), SchemaVersion); err != nil {
		return fmt.Errorf("ledger %s: not writable: %w", l.path, err)
	}
	return nil
}

// Latest reads the class of each id's latest answer in the ledger dsn names, and how many
// runs it holds: what a person would ask the sqlite3 or psql CLI, for tests and tools.
func Latest(dsn string) (classes map[string]recon.Class, runs int, err error) {
	l, err := Open(dsn, Options{Refetch: true})
	if err != nil {
		return nil, 0, err
	}
	defer l.Close()
	rows, err := l.db.Query(l.q(`SELECT request_id, class FROM {s}answers ORDER BY id`))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	classes = map[string]recon.Class{}
	for rows.Next() {
		var id, class string
		if err := rows.Scan(&id, &class); err != nil {
			return nil, 0, err
		}
		classes[id] = recon.Class(class)
	}
	return classes, l.runs, rows.Err()
}
