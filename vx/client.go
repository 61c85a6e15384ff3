package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for the zero values of Config.
const (
	DefaultConcurrency   = 8
	DefaultTimeout       = 30 * time.Second
	DefaultMaxBody       = 8 << 20
	DefaultBackoffMin    = 250 * time.Millisecond
	DefaultBackoffMax    = 10 * time.Second
	DefaultRetryAfterMax = 60 * time.Second
	DefaultBreaker       = 20
	DefaultUserAgent     = "vxrecon"
)

// resultPath is where the API serves one session result, below the base URL.
const resultPath = "/api/session/result/"

// Config is everything a Client needs; main fills it from flags and the environment.
// Zero values take the defaults above, except Retries, which is used as given.
type Config struct {
	BaseURL     string // e.g. https://vx.dcams.app; a path prefix is kept, a trailing slash is not needed
	Credentials Credentials
	Concurrency int           // requests in flight at most; default 8
	Rate        float64       // requests per second at most, over all workers and retries; 0 = no limit
	Timeout     time.Duration // one attempt's limit, reading the body included; default 30s
	Retries     int           // extra attempts for a retryable failure; used as given (negative = 0)
	MaxBody     int64         // largest body read; default 8 MiB

	// Capped exponential backoff with full jitter between retries; defaults 250ms and 10s.
	BackoffMin, BackoffMax time.Duration
	RetryAfterMax          time.Duration // cap on an honoured Retry-After; default 60s

	// BreakerThreshold is how many results in a row that ended as a retryable failure
	// (after their retries) mean the API is down; default 20, negative disables.
	BreakerThreshold int
	Window           int // results held at most while waiting for input order; default max(64, 4*Concurrency)
	UserAgent        string

	// HTTPClient replaces the tuned default client (tests). It is also used for the token
	// endpoint.
	HTTPClient *http.Client

	// OnResult, if set, is called by Run from worker goroutines as soon as a fetched result
	// is final, before it waits for its turn in input order: the journal writes it there, so
	// an answer survives a crash. It is not called for prior results nor for ids never
	// fetched. It must be safe for concurrent use.
	OnResult func(r *recon.Result)
	// OnRetry, if set, is called before each retry wait, for logs; attempt is the attempt
	// that failed (1 = the first). err names the status or failure, never a credential.
	OnRetry func(id string, attempt int, err error, wait time.Duration)
}

// Client asks the VX API for session results and classifies the answers. It is safe for
// concurrent use; one Client serves one run (its circuit breaker and token are shared).
type Client struct {
	cfg     Config
	hc      *http.Client
	prefix  string // base URL + resultPath, ready to append an escaped id
	tokens  *tokens
	limiter *rate.Limiter // nil without a rate limit

	userAgent     []string
	timeoutReason string // "timeout after 30s"
	tooLarge      error  // "body over 8 MiB"
	secrets       []string
}

var jsonHeader = []string{"application/json"}

// New checks cfg and prepares a Client. The base URL must be absolute http or https, with a
// host and without query, fragment or user info; whether plain http is allowed (only to a
// loopback host, see IsLoopback) is main's decision.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	switch {
	case err != nil:
		return nil, fmt.Errorf("base url: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base url %q: scheme must be http or https", cfg.BaseURL)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("base url %q: no host", cfg.BaseURL)
	case u.User != nil:
		return nil, errors.New("base url: user info not allowed (credentials go in the environment)")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("base url %q: query or fragment not allowed", cfg.BaseURL)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	cfg.Retries = max(cfg.Retries, 0)
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.BackoffMin <= 0 {
		cfg.BackoffMin = DefaultBackoffMin
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = DefaultBackoffMax
	}
	cfg.BackoffMax = max(cfg.BackoffMax, cfg.BackoffMin)
	if cfg.RetryAfterMax <= 0 {
		cfg.RetryAfterMax = DefaultRetryAfterMax
	}
	if cfg.BreakerThreshold == 0 {
		cfg.BreakerThreshold = DefaultBreaker
	}
	if cfg.Window <= 0 {
		cfg.Window = max(64, 4*cfg.Concurrency)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if !validHeaderValue(cfg.UserAgent) {
		return nil, errors.New("user agent: characters not allowed in a header")
	}
	if cfg.Rate < 0 {
		return nil, errors.New("rate: must not be negative")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = newHTTPClient(cfg.Concurrency)
	}
	tk, err := newTokens(cfg.Credentials, hc, cfg.Timeout)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:           cfg,
		hc:            hc,
		prefix:        u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/") + resultPath,
		tokens:        tk,
		userAgent:     []string{cfg.UserAgent},
		timeoutReason: "timeout after " + cfg.Timeout.String(),
		tooLarge:      errors.New("body over " + sizeText(cfg.MaxBody)),
	}
	if cfg.Rate > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.Rate), 1)
	}
	for _, s := range []string{strings.TrimSpace(cfg.Credentials.Token), cfg.Credentials.ClientSecret} {
		if len(s) >= 4 {
			c.secrets = append(c.secrets, s)
		}
	}
	return c, nil
}

// newHTTPClient is the run's one client: enough idle connections per host that every worker
// keeps its own (no reconnect churn at high concurrency), HTTP/2 when the server offers it,
// and bounded dial and TLS handshakes. The per-attempt limit comes from the request context.
func newHTTPClient(concurrency int) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(100, 2*concurrency),
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}}
}

// IsLoopback reports whether u points at this machine (localhost or a loopback address),
// the only place main lets plain http go without -allow-http: a token sent in clear there
// does not cross a network.
func IsLoopback(u *url.URL) bool {
	if u == nil {
		return false
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func sizeText(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// transportError is a failed attempt that got no complete answer: a connection error, a
// timeout or a body cut short. It is always worth a retry.
type transportError struct {
	reason  string
	timeout bool
}

func (e *transportError) Error() string { return e.reason }

// outcome tells Run how a fetch ended, for the circuit breaker and fatal stops.
type outcome uint8

const (
	answered   outcome = iota // an answer, or a failure that says nothing about the API being up
	down                      // ended as a retryable failure after its retries
	refused                   // credentials refused: fatal
	notFetched                // stopped before any request left
	cutShort                  // retries stopped by the end of the run
)

// Fetch asks for one id, with retries, and classifies the answer. It never returns an error:
// a failure is a Result with Class Error and the reason in Err. Once ctx is done no new
// attempt starts; an attempt already sent runs to its end (bounded by Timeout), so its
// answer is kept. An id that was never sent gets Err "not fetched: interrupted".
func (c *Client) Fetch(ctx context.Context, id string) recon.Result {
	r, _, _ := c.fetch(ctx, id)
	if r.Class == "" {
		r = recon.NotFetched(id, "interrupted")
	}
	return r
}

// fetch is Fetch for Run: it also says how the fetch ended and, when credentials were
// refused, returns the *AuthError. A notFetched outcome returns a Result with no Class.
func (c *Client) fetch(ctx context.Context, id string) (recon.Result, outcome, error) {
	if id == "" {
		return recon.Result{ID: id, Class: recon.Error, Err: "invalid request id: empty", FetchedAt: time.Now().UTC()}, answered, nil
	}
	var (
		r          recon.Result // the last attempt's result
		err        error        // the last attempt's failure
		retryAfter string
		retries    int
		renewed    bool
		lastStatus int
	)
	for attempt := 1; ; attempt++ {
		if attempt > 1 && retries > 0 && !renewedNow(renewed, err) {
			wait := backoff(retries, c.cfg.BackoffMin, c.cfg.BackoffMax, retryAfter, c.cfg.RetryAfterMax)
			if c.cfg.OnRetry != nil {
				c.cfg.OnRetry(id, attempt-1, &scrubbed{msg: c.scrubText(err.Error()), err: err}, wait)
			}
			if !sleep(ctx, wait) {
				return c.failed(r, err, attempt-1, lastStatus, true), cutShort, nil
			}
		}
		if ctx.Err() != nil || (c.limiter != nil && c.limiter.Wait(ctx) != nil) {
			if attempt == 1 {
				return recon.Result{ID: id}, notFetched, nil
			}
			return c.failed(r, err, attempt-1, lastStatus, true), cutShort, nil
		}
		b, terr := c.tokens.get(ctx)
		switch {
		case terr != nil && ctx.Err() != nil && attempt == 1:
			return recon.Result{ID: id}, notFetched, nil
		case terr != nil && ctx.Err() != nil:
			return c.failed(r, err, attempt-1, lastStatus, true), cutShort, nil
		case terr != nil:
			r, retryAfter, err = recon.Result{ID: id}, "", terr
		default:
			r, retryAfter, err = c.attempt(ctx, id, b)
		}
		if r.HTTPStatus != 0 {
			lastStatus = r.HTTPStatus
		}
		if err == nil {
			r.Attempts = attempt
			r.HTTPStatus = lastStatus
			r.FetchedAt = time.Now().UTC()
			c.scrub(&r)
			return r, answered, nil
		}
		var ae *AuthError
		if errors.As(err, &ae) {
			if ae.Code == http.StatusUnauthorized && !ae.Token && c.tokens.renewable() && !renewed {
				renewed = true
				c.tokens.invalidate(b)
				continue
			}
			return c.failed(r, err, attempt, lastStatus, false), refused, ae
		}
		if !retryable(r.HTTPStatus, err) || retries >= c.cfg.Retries {
			return c.failed(r, err, attempt, lastStatus, false), answeredOrDown(err, r.HTTPStatus), nil
		}
		retries++
	}
}

// renewedNow reports whether the next attempt repeats a request at once with a renewed
// token (no backoff: nothing failed but the token).
func renewedNow(renewed bool, err error) bool {
	var ae *AuthError
	return renewed && errors.As(err, &ae)
}

// answeredOrDown sorts a final failure for the circuit breaker.
func answeredOrDown(err error, code int) outcome {
	if retryable(code, err) {
		return down
	}
	return answered
}

// failed makes the final recon.Result of a fetch that ended with err after attempts attempts;
// stopped means retries were cut short by the end of the run.
func (c *Client) failed(r recon.Result, err error, attempts, lastStatus int, stopped bool) recon.Result {
	reason := err.Error()
	var ae *AuthError
	if attempts > 1 && !errors.As(err, &ae) {
		var te *transportError
		if errors.As(err, &te) && te.timeout {
			reason = "timeout (" + c.cfg.Timeout.String() + ")"
		}
		reason += " after " + strconv.Itoa(attempts) + " attempts"
	}
	if stopped {
		reason += ", retries stopped"
	}
	r.Class = recon.Error
	r.Err = reason
	r.Attempts = attempts
	r.HTTPStatus = lastStatus
	r.FetchedAt = time.Now().UTC()
	c.scrub(&r)
	return r
}

// scrub removes any credential a server may have echoed into text kept from its answer.
func (c *Client) scrub(r *recon.Result) {
	if r.Err == "" && r.Message == "" && r.Detail == "" {
		return
	}
	r.Err, r.Message, r.Detail = c.scrubText(r.Err), c.scrubText(r.Message), c.scrubText(r.Detail)
}

// scrubbed is an error whose text went through scrubText; errors.Is/As still see the original.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrubText replaces the token, the client secret and the current OAuth token in s.
func (c *Client) scrubText(s string) string {
	if s == "" {
		return s
	}
	secrets := c.secrets
	if tok := c.tokens.last.Load(); tok != nil && len(*tok) >= 4 {
		secrets = append(secrets[:len(secrets):len(secrets)], *tok)
	}
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return s
}

// bufPool holds body buffers between requests; the common body is a few KiB.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// maxPooled keeps a rare huge body from pinning its buffer in the pool.
const maxPooled = 256 << 10

// readBody reads r into buf (reusing its capacity) until EOF or until it holds more than
// limit bytes, whichever comes first: a body over the limit is noticed after limit+1 bytes,
// and the rest is never read. size, the declared Content-Length (-1 if unknown), sizes the
// buffer once; without it the buffer doubles, so a body of n bytes costs about 2n at most.
func readBody(r io.Reader, buf []byte, size, limit int64) ([]byte, error) {
	if size >= 0 && int64(cap(buf)) <= size {
		buf = slices.Grow(buf, int(min(size, limit)+1))
	}
	for {
		if len(buf) == cap(buf) {
			want := min(max(2*int64(cap(buf)), 4096), limit+1)
			buf = slices.Grow(buf, int(want)-len(buf))
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		switch {
		case int64(len(buf)) > limit:
			return buf, nil
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return buf, err
		}
	}
}

// escapeID makes id one path segment. The two dot segments are escaped too, so that no
// client or proxy resolves them as "this" or "parent" directory.
func escapeID(id string) string {
	switch id {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(id)
}

// attempt sends one request and reads its answer. err is nil when r is final as it is (an
// answer, or a bad body, which a retry will not mend); otherwise err is a *transportError,
// *StatusError, *AuthError or the body-size error, and r carries what was seen (status,
// message, detail). retryAfter is the answer's Retry-After header.
func (c *Client) attempt(ctx context.Context, id string, b *bearer) (r recon.Result, retryAfter string, err error) {
	r.ID = id
	// The attempt outlives a cancelled run: an answer on its way is worth keeping, and the
	// Timeout bounds the wait for it.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, c.prefix+escapeID(id), nil)
	if err != nil {
		return r, "", fmt.Errorf("bad request: %w", err)
	}
	h := make(http.Header, 4)
	if b.header != nil {
		h["Authorization"] = b.header
	}
	h["Accept"] = jsonHeader
	h["Content-Type"] = jsonHeader
	h["User-Agent"] = c.userAgent
	req.Header = h
	resp, err := c.hc.Do(req)
	if err != nil {
		return r, "", c.transportErr(actx, err)
	}
	defer resp.Body.Close()
	r.HTTPStatus = resp.StatusCode

	if resp.ContentLength > c.cfg.MaxBody {
		return r, "", c.tooLarge // declared too large: not a byte read
	}
	bp := bufPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooled {
			bufPool.Put(bp)
		}
	}()
	body, err := readBody(resp.Body, (*bp)[:0], resp.ContentLength, c.cfg.MaxBody)
	*bp = body[:0]
	if err != nil {
		return r, "", c.transportErr(actx, err)
	}
	if int64(len(body)) > c.cfg.MaxBody {
		return r, "", c.tooLarge
	}
	if err := checkResponse(resp.StatusCode, body); err != nil {
		r.Message, r.Detail = parseErrorBody(body)
		return r, resp.Header.Get("Retry-After"), err
	}
	return decode(id, resp.StatusCode, body), "", nil
}

// transportErr words a failure to get a complete answer.
func (c *Client) transportErr(actx context.Context, err error) error {
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &transportError{reason: c.timeoutReason, timeout: true}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &transportError{reason: "truncated body"}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &transportError{reason: "connection error: " + clip(err.Error(), maxReason)}
}
