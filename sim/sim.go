// Package sim is the built-in simulated VX API: a real HTTP server on loopback that answers
// GET /api/session/result/{request_id} the way the vendor documents it, plus the OAuth2
// client-credentials token endpoint. `vxrecon demo` and `vxrecon simulate` run against it,
// and so do the tests of every other package.
//
// Every behaviour is chosen from the request id alone, so the same id always gets the same
// answer, body and fault. A test asks for a behaviour by asking for an id:
//
//	srv, err := sim.Start(sim.Options{Token: "t"})
//	...
//	defer srv.Close()
//	id := sim.ID(sim.CaseFlaky, 1) // "sim-flaky-000001": 500, 500, then 200 PASS
//	// GET srv.URL + "/api/session/result/" + id with "Authorization: Bearer t"
//	srv.RequestsFor(id) // 3 once the client has retried its way to the answer
//
// Ids that do not name a case (UUIDs from a real file, or DemoIDs) get a weighted mix of
// mostly PASS and FAIL with a few other answers and transient faults; see CaseOf.
// Faults that depend on the attempt (CaseFlaky, CaseRateLimited, ...) count attempts per id
// in the server; Reset starts them again.
//
// Beyond the cases, Options make the whole server behave as a busy or changing API: a rate
// limit (RateLimit, RateBurst), a first-attempt fault for a share of all ids (FaultRate),
// latency, an outage (FailFirst), and the sessions that settle overnight (Night, CaseOnNight).
// Cases for memory tests (CaseBigDetail, CaseManyIssues, CaseManyStops: bodies of 7-8 MB) and
// for security tests (CaseRedirect, CaseEcho) are asked for by id, like the others.
package sim

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a simulated server. The zero value is a server that accepts any bearer
// token and answers at once.
type Options struct {
	// Token, if set, is the one static bearer token accepted (besides tokens issued by
	// /oauth/token). If Token and ClientID are both empty, any non-empty bearer token is
	// accepted, but the Authorization header must be there.
	Token string
	// ClientID and ClientSecret enable POST /oauth/token (client credentials, audience
	// "dcams.app"). With ClientID set and Token empty, only issued tokens are accepted.
	ClientID, ClientSecret string
	// TokenTTL is how long an issued token lives; default 1h. expires_in says it in whole
	// seconds (at least 1), but the server expires the token after exactly TokenTTL, so a
	// test can use a few milliseconds.
	TokenTTL time.Duration
	// Latency is added before every result answer. The wait ends early if the client goes
	// away or the server closes.
	Latency time.Duration
	// SlowDelay is how long CaseSlow takes to answer; default 1.5s.
	SlowDelay time.Duration
	// FailFirst makes the first FailFirst authorized result requests (counted across all ids
	// since Start or Reset) answer FailStatus whatever the id: an API that is down.
	FailFirst int
	// FailStatus is the status of those answers; default 500.
	FailStatus int

	// RateLimit is how many authorized result requests per second the server takes, as a
	// token bucket of RateBurst tokens; 0 = no limit. The real API publishes no limit, so a
	// client must cope with one it did not expect: a request beyond it gets 429 with
	// Retry-After (whole seconds until a token is free, at least 1) and RateLimit-Limit,
	// RateLimit-Remaining and RateLimit-Reset headers, before any case logic and without
	// counting an attempt for the id. Limited counts these answers.
	RateLimit float64
	// RateBurst is the bucket's size: the requests taken at once after a quiet spell. Default
	// ceil(RateLimit), one second's worth.
	RateBurst int
	// FaultRate (0..1) is the share of ids whose first attempt answers FaultStatus, whatever
	// their case (sim-pass-… ids too); from the second attempt on they answer as their case
	// does from its first (a faulted CaseFlaky id: the fault, 500, 500, then 200), so a client
	// with the default retries still reaches Expected. A hash of the id with its own seed picks
	// them, so they fall evenly on every case and class.
	FaultRate float64
	// FaultStatus is the status of those answers; default 500, with the documented 500 body.
	FaultStatus int
	// Night is how many nights have passed since the first run, 0. Sessions move overnight
	// as real ones do: from night 1 on, some ids whose answer on night 0 is IN PROGRESS
	// (CasePending, CaseReview, CaseInProgress, named or from the default mix) answer a final
	// 200 PASS or FAIL body instead, about 70/30: about half of them on night 1, half of the
	// rest on night 2, and so on, and an id once settled keeps its answer on every later
	// night. Every other id, PASS and FAIL ones included, answers as on night 0: a final
	// answer never changes. CaseOnNight tells which case an id plays on a night.
	Night int
}

// Server is a simulated VX API. It is an http.Handler, so it can also be mounted elsewhere
// (see Handler); Start serves it on loopback.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:PORT", empty if the server was not started.
	URL string

	opts      Options
	mux       *http.ServeMux
	srv       *http.Server
	bearer    string // "Bearer " + opts.Token
	openAuth  bool   // any bearer token is fine
	slowDelay time.Duration
	tokenTTL  time.Duration
	limiter   *bucket // nil: no rate limit

	done      chan struct{} // closed by Close: every waiting handler returns
	closeOnce sync.Once

	night        atomic.Int64 // Options.Night, or what SetNight set since
	requests     atomic.Int64
	unauthorized atomic.Int64
	limited      atomic.Int64
	authorized   atomic.Int64 // for FailFirst
	inFlight     atomic.Int64
	maxInFlight  atomic.Int64
	tokensIssued atomic.Int64
	attempts     attemptCounts
	tokens       sync.Map // issued token -> expiry, Unix nanoseconds
}

// NewServer returns a server that is not listening yet: mount it with http.Handle, or use Start.
func NewServer(opts Options) *Server {
	s := &Server{
		opts:      opts,
		mux:       http.NewServeMux(),
		done:      make(chan struct{}),
		openAuth:  opts.Token == "" && opts.ClientID == "",
		slowDelay: opts.SlowDelay,
		tokenTTL:  opts.TokenTTL,
		limiter:   newBucket(opts.RateLimit, opts.RateBurst),
	}
	if opts.Token != "" {
		s.bearer = "Bearer " + opts.Token
	}
	if s.slowDelay <= 0 {
		s.slowDelay = 1500 * time.Millisecond
	}
	if s.tokenTTL <= 0 {
		s.tokenTTL = time.Hour
	}
	if s.opts.FailStatus == 0 {
		s.opts.FailStatus = http.StatusInternalServerError
	}
	if s.opts.FaultStatus == 0 {
		s.opts.FaultStatus = http.StatusInternalServerError
	}
	s.mux.HandleFunc("GET /api/session/result/{request_id}", s.serveResult)
	s.mux.HandleFunc("POST /oauth/token", s.serveToken)
	s.night.Store(int64(opts.Night))
	return s
}

// Handler returns the simulated API as a handler for embedding in another server; it is a
// *Server, so its counters are there too.
func Handler(opts Options) http.Handler { return NewServer(opts) }

// Start serves a new simulated API on 127.0.0.1 at a free port. Close it when done.
func Start(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := NewServer(opts)
	s.serve(ln)
	return s, nil
}

// ListenAndServe serves the simulated API on addr until ctx is done, then shuts down
// gracefully: handlers that wait (hang, stall, slow) end at once, answers being written get a
// few seconds. ready, if not nil, is called with the base URL once the port is open.
func ListenAndServe(ctx context.Context, addr string, opts Options, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s := NewServer(opts)
	errc := s.serve(ln)
	if ready != nil {
		ready(s.URL)
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	s.closeOnce.Do(func() { close(s.done) })
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if shutErr := s.srv.Shutdown(shutCtx); shutErr != nil {
		s.srv.Close()
	}
	s.waitHandlers()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *Server) serve(ln net.Listener) <-chan error {
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       90 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // hijacked and cut connections are the point
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	return errc
}

// Close stops the server: waiting handlers (hang, stall, slow, latency) return, connections
// are closed, and Close returns once every result handler has ended. It is safe to call twice.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.done) })
	if s.srv != nil {
		s.srv.Close()
	}
	s.waitHandlers()
}

// waitHandlers waits (at most 5 s) until no result handler runs. Polling keeps the hot path
// free of anything but one atomic add.
func (s *Server) waitHandlers() {
	deadline := time.Now().Add(5 * time.Second)
	for s.inFlight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Requests returns how many result requests arrived, refused ones included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// RequestsFor returns how many authorized result requests arrived for id: its attempts.
func (s *Server) RequestsFor(id string) int { return s.attempts.get(id) }

// TokensIssued returns how many tokens /oauth/token has issued.
func (s *Server) TokensIssued() int { return int(s.tokensIssued.Load()) }

// Unauthorized returns how many result requests were answered 401.
func (s *Server) Unauthorized() int64 { return s.unauthorized.Load() }

// Limited returns how many result requests the rate limit (Options.RateLimit) answered 429;
// the 429s of CaseRateLimited and CaseRetryAfterDate are not among them.
func (s *Server) Limited() int64 { return s.limited.Load() }

// MaxInFlight returns the most result requests the server has seen at the same time: tests
// use it to check that a client keeps to its concurrency limit.
func (s *Server) MaxInFlight() int64 { return s.maxInFlight.Load() }

// SetNight moves the server to another night (Options.Night) while it runs: one server,
// one base URL, several nights, as a ledger sees them.
func (s *Server) SetNight(n int) { s.night.Store(int64(n)) }

// Reset zeroes the counters and the per-id attempts (so the transient faults happen again) and
// fills the rate-limit bucket. Issued tokens stay valid.
func (s *Server) Reset() {
	s.requests.Store(0)
	s.unauthorized.Store(0)
	s.limited.Store(0)
	if s.limiter != nil {
		s.limiter.fill()
	}
	s.authorized.Store(0)
	s.tokensIssued.Store(0)
	s.maxInFlight.Store(s.inFlight.Load())
	s.attempts.clear()
}

// ExpireTokens makes every issued token expired now, as if the run had outlived them: the
// next request with one gets 401.
func (s *Server) ExpireTokens() {
	s.tokens.Range(func(k, _ any) bool {
		s.tokens.Store(k, int64(0))
		return true
	})
}

// attempt counts one more request for id and returns its number, 1 for the first.
func (s *Server) attempt(id string) int64 { return int64(s.attempts.add(id)) }

// attemptCounts counts the requests per id, keyed by a 64-bit hash of the id: maps without
// pointers, which the garbage collector does not scan, so a million ids cost the server
// neither the ids' memory nor collection work (with a sync.Map of ids it spent as much CPU
// as the client it served). Two ids sharing a hash would share a count; at 64 bits, not in
// this life.
type attemptCounts struct {
	shards [64]attemptShard
}

type attemptShard struct {
	mu sync.Mutex
	m  map[uint64]int32
}

func (a *attemptCounts) shard(id string) (*attemptShard, uint64) {
	h := hashID(id)
	return &a.shards[h%uint64(len(a.shards))], h
}

func (a *attemptCounts) add(id string) int32 {
	sh, h := a.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.m == nil {
		sh.m = make(map[uint64]int32)
	}
	sh.m[h]++
	return sh.m[h]
}

func (a *attemptCounts) get(id string) int {
	sh, h := a.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return int(sh.m[h])
}

func (a *attemptCounts) clear() {
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.Lock()
		sh.m = nil
		sh.mu.Unlock()
	}
}

// bearerToken returns the token of an Authorization header value, if it is a bearer one.
func bearerToken(h string) (string, bool) {
	if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") {
		return "", false
	}
	tok := strings.TrimSpace(h[7:])
	return tok, tok != ""
}

// authorizedHeader reports whether the Authorization header values carry an accepted token.
func (s *Server) authorizedHeader(vals []string) bool {
	if len(vals) != 1 {
		return false
	}
	tok, ok := bearerToken(vals[0])
	if !ok {
		return false
	}
	if s.openAuth {
		return true
	}
	if s.bearer != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) == 1 {
		return true
	}
	v, ok := s.tokens.Load(tok)
	if !ok {
		return false
	}
	if time.Now().UnixNano() < v.(int64) {
		return true
	}
	s.tokens.Delete(tok)
	return false
}

// wait sleeps d unless the client goes away or the server closes first; it reports whether
// the whole d passed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
		abort()
	}
	return false
}

// block waits until the client goes away or the server closes.
func (s *Server) block(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-s.done:
		abort()
	}
}

// abort ends the handler without an answer: net/http would otherwise send an empty 200 for
// a handler that returns without writing, and a hanging request must never get one.
func abort() { panic(http.ErrAbortHandler) }

// serveResult answers GET /api/session/result/{request_id}. The refusals come before the id is
// looked at, so that a refused request counts no attempt for it (see Options.RateLimit), and
// the faults of Options come before the id's case, in front of its own answers.
func (s *Server) serveResult(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.enter()
	defer s.inFlight.Add(-1)
	if !s.admit(w, r) {
		return
	}
	id := r.PathValue("request_id")
	if !validID(id) {
		writeCanned(w, &canned404)
		return
	}
	try, ok := s.serverFault(w, id)
	if !ok {
		return
	}
	s.answer(w, r, id, try)
}

// enter counts a result handler in flight and raises MaxInFlight to match. A compare-and-swap
// loop rather than a lock: every request passes here.
func (s *Server) enter() {
	n := s.inFlight.Add(1)
	for {
		m := s.maxInFlight.Load()
		if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			return
		}
	}
}

// admit waits Options.Latency, then checks the token and takes from the rate limit. It
// reports whether the request goes on; if not, it has been answered, or left without an
// answer if the client went away during the wait.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.Latency > 0 && !s.wait(r.Context(), s.opts.Latency) {
		return false
	}
	if !s.authorizedHeader(r.Header["Authorization"]) {
		s.writeUnauthorized(w)
		return false
	}
	if s.limiter != nil {
		if ok, wait := s.limiter.take(); !ok {
			s.limited.Add(1)
			writeTooMany(w, []string{strconv.FormatInt(wait, 10)}, s.limiter.limit)
			return false
		}
	}
	return true
}

// serverFault counts an attempt for id and answers the faults Options put in front of every
// case: FailFirst's outage, then FaultRate's first-attempt fault. It returns the attempt as
// the id's case counts it, and false if a fault was the answer.
func (s *Server) serverFault(w http.ResponseWriter, id string) (try int64, ok bool) {
	try = s.attempt(id)
	if s.opts.FailFirst > 0 && s.authorized.Add(1) <= int64(s.opts.FailFirst) {
		writeCanned(w, cannedFor(s.opts.FailStatus))
		return try, false
	}
	if faulty(id, s.opts.FaultRate) {
		if try == 1 {
			writeCanned(w, cannedFor(s.opts.FaultStatus))
			return try, false
		}
		try-- // the fault came in front: the case's own answers follow in full
	}
	return try, true
}

// answer writes what the id's case answers on its attempt try, on the night of Options.Night.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, id string, try int64) {
	switch c := CaseOnNight(id, int(s.night.Load())); c {
	case CaseInProgress:
		writeCanned(w, &canned202)
	case CaseNotFound:
		writeCanned(w, &canned404)
	case CaseServerError:
		writeCanned(w, &canned500)
	case CaseBadRequest:
		writeCanned(w, &canned400)
	case CaseUnauthorized:
		s.writeUnauthorized(w)
	case CaseForbidden:
		writeCanned(w, &canned403)
	case CaseFlaky, CaseRateLimited, CaseRetryAfterDate, CaseTimeout408, Case502, Case503, Case504:
		if !writeTransient(w, c, try) {
			s.writeSession(w, id, CasePass)
		}
	case CaseBadJSON:
		writeBody(w, http.StatusOK, appendBadJSON(nil, id))
	case CaseTruncated:
		s.writeTruncated(w, id)
	case CaseSlow:
		if s.wait(r.Context(), s.slowDelay) {
			s.writeSession(w, id, CasePass)
		}
	case CaseHang:
		s.block(r.Context())
	case CaseStall:
		s.writeStall(w, r, id)
	case CaseClose:
		hijackClose(w, nil, true)
	case CaseShortBody:
		writeShortBody(w, id)
	case CaseHuge:
		s.writeHuge(w, r, id)
	case CaseBigDetail, CaseManyIssues, CaseManyStops:
		largeBodies[c]().write(w, id)
	case CaseRedirect:
		w.Header()["Location"] = []string{redirectBase + id}
		writeCanned(w, &canned302)
	case CaseEcho:
		writeEcho(w, id, r.Header.Get("Authorization"))
	default:
		s.writeSession(w, id, c)
	}
}

// writeUnauthorized answers 401 with the challenge of RFC 6750 and counts it: Unauthorized
// counts every 401, a refused token's and CaseUnauthorized's alike.
func (s *Server) writeUnauthorized(w http.ResponseWriter) {
	s.unauthorized.Add(1)
	w.Header()["Www-Authenticate"] = hdrInvalidToken
	writeCanned(w, &canned401)
}

// writeTooMany answers 429 with Retry-After and the RateLimit headers, which tell the same
// wait: none of limit's requests remain for retryAfter whole seconds. The rate limit and
// CaseRateLimited both answer so, with their own values.
func writeTooMany(w http.ResponseWriter, retryAfter, limit []string) {
	h := w.Header()
	h["Retry-After"] = retryAfter
	h["Ratelimit-Limit"] = limit
	h["Ratelimit-Remaining"] = hdrZero
	h["Ratelimit-Reset"] = retryAfter
	writeCanned(w, &canned429)
}

// writeTransient answers attempt try of a case whose fault passes with that fault, and reports
// whether it did: CaseFlaky fails twice, the others once, and after that each answers a PASS
// body, so that a client that retries reaches the case's Expected class.
func writeTransient(w http.ResponseWriter, c Case, try int64) bool {
	faults := int64(1)
	if c == CaseFlaky {
		faults = 2
	}
	if try > faults {
		return false
	}
	switch c {
	case CaseFlaky:
		writeCanned(w, &canned500)
	case CaseRateLimited:
		writeTooMany(w, hdrOne, hdrLimit)
	case CaseRetryAfterDate:
		// Whole seconds only, rounded up, so the date is 1-2 s ahead, never in the past.
		at := time.Now().Add(time.Second)
		at = at.Truncate(time.Second).Add(time.Second)
		w.Header().Set("Retry-After", at.UTC().Format(http.TimeFormat))
		writeCanned(w, &canned429)
	case CaseTimeout408:
		writeCanned(w, &canned408)
	default: // Case502, Case503, Case504: the case's name is its status
		code, _ := strconv.Atoi(string(c))
		writeCanned(w, cannedFor(code))
	}
	return true
}

// faulty reports whether id is among the share rate of ids that Options.FaultRate fails once.
func faulty(id string, rate float64) bool {
	if rate <= 0 {
		return false
	}
	return float64(seededHash(id, faultSeed)>>11)/(1<<53) < rate // 53 bits: exact in a float64
}

// redirectBase is where CaseRedirect sends the client: a host under .invalid, which never
// resolves (RFC 2606), so that a client following it fails instead of reaching anyone.
const redirectBase = "https://elsewhere.invalid/api/session/result/"

// bufPool recycles body buffers: most bodies are 1.5-2.5 KB.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (s *Server) writeSession(w http.ResponseWriter, id string, c Case) {
	p := makePlan(id, c)
	writePlan(w, &p)
}

// writePlan sends the 200 body of p.
func writePlan(w http.ResponseWriter, p *plan) {
	bp := bufPool.Get().(*[]byte)
	b := p.appendBody((*bp)[:0])
	writeBody(w, http.StatusOK, b)
	if cap(b) <= 64<<10 { // the hostile body is not worth keeping
		*bp = b
		bufPool.Put(bp)
	}
}

func (s *Server) writeTruncated(w http.ResponseWriter, id string) {
	b := appendSession(nil, id, CasePass)
	writeBody(w, http.StatusOK, b[:len(b)/2])
}

// writeShortBody sends CaseShortBody's answer on the bare connection: net/http would not let a
// handler send less than the Content-Length it declared.
func writeShortBody(w http.ResponseWriter, id string) {
	body := appendSession(nil, id, CasePass)[:100]
	head := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n"
	hijackClose(w, append([]byte(head), body...), false)
}

// writeEcho sends CaseEcho's body, whose strings echo auth, the request's Authorization header.
func writeEcho(w http.ResponseWriter, id, auth string) {
	p := makePlan(id, CaseEcho)
	p.echo(auth)
	writePlan(w, &p)
}

func (s *Server) writeStall(w http.ResponseWriter, r *http.Request, id string) {
	b := appendSession(nil, id, CasePass)
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(http.StatusOK)
	w.Write(b[:len(b)/2])
	http.NewResponseController(w).Flush()
	s.block(r.Context())
}

// hugeSize is the length of CaseHuge's string value; the body is slightly longer.
const hugeSize = 64 << 20

var hugeChunk = []byte(strings.Repeat("A", 64<<10))

func (s *Server) writeHuge(w http.ResponseWriter, r *http.Request, id string) {
	w.Header()["Content-Type"] = hdrJSON
	w.WriteHeader(http.StatusOK)
	head := appendString([]byte(`{"request_id":`), id)
	head = append(head, `,"status":"PASS","fn":"`...)
	if _, err := w.Write(head); err != nil {
		return
	}
	for sent := 0; sent < hugeSize; sent += len(hugeChunk) {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		default:
		}
		if _, err := w.Write(hugeChunk); err != nil {
			return
		}
	}
	w.Write([]byte(`"}`))
}

// hijackClose takes the connection from net/http, writes raw (if any) and closes it, with a
// reset rather than a polite FIN if reset is set.
func hijackClose(w http.ResponseWriter, raw []byte, reset bool) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		abort() // not hijackable (HTTP/2): the nearest thing is a broken answer
	}
	defer conn.Close()
	if len(raw) > 0 {
		buf.Write(raw)
		buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		tc.SetLinger(0)
	}
}

// cannedBody is a pre-rendered answer.
type cannedBody struct {
	code   int
	ctype  []string
	body   []byte
	length []string
}

func newCanned(code int, ctype, body string) cannedBody {
	return cannedBody{code: code, ctype: []string{ctype}, body: []byte(body), length: []string{strconv.Itoa(len(body))}}
}

func jsonMessage(code int, message, detail string) cannedBody {
	b := appendString([]byte(`{"message":`), message)
	b = append(b, `,"detail":`...)
	b = appendString(b, detail)
	b = append(b, '}')
	return newCanned(code, "application/json", string(b))
}

var (
	canned302 = jsonMessage(302, "FOUND", "The session result has moved.")
	canned202 = jsonMessage(202, "IN PROGRESS", "Session result not found, but user started the process.")
	canned404 = jsonMessage(404, "NOT FOUND", "Session result not found, user did not start the process or your request_id is invalid.")
	canned500 = jsonMessage(500, "INTERNAL SERVER ERROR", "An unexpected error occurred while processing your request.")
	canned400 = jsonMessage(400, "BAD REQUEST", "The request could not be understood by the server.")
	canned401 = jsonMessage(401, "UNAUTHORIZED", "Missing, invalid or expired bearer token.")
	canned403 = jsonMessage(403, "FORBIDDEN", "This service is not enabled for your account.")
	canned408 = jsonMessage(408, "REQUEST TIMEOUT", "The server timed out waiting for the request.")
	canned429 = jsonMessage(429, "TOO MANY REQUESTS", "Rate limit exceeded, retry later.")
	canned502 = newCanned(502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n")
	canned503 = jsonMessage(503, "SERVICE UNAVAILABLE", "The service is temporarily unavailable.")
	canned504 = jsonMessage(504, "GATEWAY TIMEOUT", "The upstream service did not answer in time.")

	hdrJSON         = []string{"application/json"}
	hdrOne          = []string{"1"}
	hdrZero         = []string{"0"}
	hdrLimit        = []string{"300"}
	hdrInvalidToken = []string{`Bearer error="invalid_token"`}
)

// cannedFor returns the pre-rendered answer for an error status, a generic one for others.
func cannedFor(code int) *cannedBody {
	switch code {
	case 400:
		return &canned400
	case 401:
		return &canned401
	case 403:
		return &canned403
	case 404:
		return &canned404
	case 408:
		return &canned408
	case 429:
		return &canned429
	case 502:
		return &canned502
	case 503:
		return &canned503
	case 504:
		return &canned504
	}
	if code == 500 {
		return &canned500
	}
	c := jsonMessage(code, strings.ToUpper(http.StatusText(code)), "Simulated failure.")
	return &c
}

func writeCanned(w http.ResponseWriter, c *cannedBody) {
	h := w.Header()
	h["Content-Type"] = c.ctype
	h["Content-Length"] = c.length
	w.WriteHeader(c.code)
	w.Write(c.body)
}

func writeBody(w http.ResponseWriter, code int, b []byte) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(code)
	w.Write(b)
}
