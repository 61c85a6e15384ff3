package vx

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// Defaults for the zero values of Config.
const (
	DefaultConcurrency   = 8
	DefaultTimeout       = 30 * time.Second
	DefaultMaxBody       = 8 << 20
	DefaultBackoffMin    = 50 * time.Millisecond
	DefaultBackoffMax    = 10 * time.Second
	DefaultRetryAfterMax = 60 * time.Second
	DefaultBreaker       = 20
	DefaultRetryBudget   = 0.2
	DefaultUserAgent     = "vxrecon"
)

// resultPath is where the API serves one session result, below the base URL.
const resultPath = "/api/session/result/"

// Config is everything a Client needs; the job fills it from its own Config.
// Zero values take the defaults above, except Retries, which is used as given.
type Config struct {
	BaseURL     string // e.g. https://vx.dcams.app; a path prefix is kept, a trailing slash is not needed
	Credentials Credentials
	Concurrency int           // requests in flight at most; default 8
	Rate        float64       // requests per second at most, over all workers and retries; 0 = no limit
	Timeout     time.Duration // one attempt's limit, reading the body included; default 30s
	Retries     int           // extra attempts for a retryable failure; used as given (negative = 0)
	MaxBody     int64         // largest body read; default 8 MiB

	// Capped exponential backoff with full jitter between retries; defaults 50ms and 10s: a transient failure is retried soon, a lasting one backs off to seconds.
	BackoffMin, BackoffMax time.Duration
	RetryAfterMax          time.Duration // cap on an honoured Retry-After; default 60s

	// RetryBudget is the share of requests that may be retries, over a sliding window of
	// retryWindow, on top of an allowance of 2×Concurrency+10 retries: a dying API is not
	// hammered by retries (default 0.2; negative = no budget).
	RetryBudget float64
	// BreakerThreshold is how many results in a row that ended as a retryable failure
	// (after their retries) make the API suspect; default 20, negative disables. A suspect
	// API is probed once, with an id known to answer: if it answers, the failures are the
	// ids' own and the count starts again; if not (or no id is known), the API is down.
	BreakerThreshold int
	// ProbeID is an id known to answer (final in a journal), for the breaker's probe until
	// an id of this run has answered PASS or FAIL.
	ProbeID string
	// OnProbe, if set, hears the outcome of each probe: the id asked and whether it answered.
	OnProbe func(id string, answered bool)
	// Waiting is how many ids may wait for their next attempt (in backoff) at once, besides
	// the Concurrency in flight; default max(64, 4×Concurrency).
	Waiting   int
	UserAgent string

	// HTTPClient replaces the tuned default client (tests). It is also used for the token
	// endpoint. Its CheckRedirect is replaced: redirects are never followed.
	HTTPClient *http.Client

	// OnRetry, if set, is called before each retry wait, for logs; attempt is the attempt
	// that failed (1 = the first). err names the status or failure, never a credential.
	OnRetry func(id string, attempt int, err error, wait time.Duration)
}

// Client asks the VX API for session results and classifies the answers. It is safe for
// concurrent use; one Client serves one run (its circuit breaker, gate, retry budget and
// token are shared by every request).
type Client struct {
	cfg    Config
	hc     *http.Client
	prefix string // base URL + resultPath, ready to append an escaped id
	tokens *tokens

	slots  chan struct{}       // one per request in flight
	gate   *gate               // Retry-After pauses and the (adaptive) rate
	budget *budget             // retries allowed
	bodies *semaphore.Weighted // bytes of large bodies read at once
	stats  *stats
	// refused is set once credentials were refused for good, down once the circuit breaker
	// opened: no attempt starts after either.
	refused atomic.Bool
	down    atomic.Pointer[error]
	inRow   atomic.Int64           // fetches in a row that ended as retryable failures
	lastErr atomic.Pointer[string] // the last of them, for the breaker's message
	known   atomic.Pointer[string] // an id that answered PASS or FAIL: the breaker's probe
	probing atomic.Bool

	userAgent     []string
	timeoutReason string // "timeout after 30s"
	tooLarge      error  // "body over 8 MiB"
	secrets       []string
}

var jsonHeader = []string{"application/json"}

// New checks cfg and prepares a Client. The base URL must be absolute http or https, with a
// host and without query, fragment or user info; whether plain http is allowed (only to a
// loopback host, see IsLoopback) is the caller's decision.
func New(cfg Config) (*Client, error) {
	u, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)
	if !validHeaderValue(cfg.UserAgent) {
		return nil, errors.New("user agent: characters not allowed in a header")
	}
	if cfg.Rate < 0 {
		return nil, errors.New("rate: must not be negative")
	}
	hc := newHTTPClient(cfg.HTTPClient, cfg.Concurrency)
	tk, err := newTokens(cfg.Credentials, hc, cfg.Timeout)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:           cfg,
		hc:            hc,
		prefix:        u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/") + resultPath,
		tokens:        tk,
		slots:         make(chan struct{}, cfg.Concurrency),
		gate:          newGate(cfg.Rate),
		budget:        newBudget(cfg.RetryBudget, 2*cfg.Concurrency+10),
		bodies:        semaphore.NewWeighted(largeBodies * (cfg.MaxBody + 1)),
		stats:         newStats(),
		userAgent:     []string{cfg.UserAgent},
		timeoutReason: "timeout after " + cfg.Timeout.String(),
		tooLarge:      errors.New("body over " + sizeText(cfg.MaxBody)),
	}
	for _, s := range []string{strings.TrimSpace(cfg.Credentials.Token), cfg.Credentials.ClientSecret} {
		if len(s) >= 4 {
			c.secrets = append(c.secrets, s)
		}
	}
	return c, nil
}

func checkBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, fmt.Errorf("base url: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base url %q: scheme must be http or https", raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("base url %q: no host", raw)
	case u.User != nil:
		return nil, errors.New("base url: user info not allowed (credentials go in the environment)")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("base url %q: query or fragment not allowed", raw)
	}
	return u, nil
}

func withDefaults(cfg Config) Config {
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
	if cfg.RetryBudget == 0 {
		cfg.RetryBudget = DefaultRetryBudget
	}
	if cfg.BreakerThreshold == 0 {
		cfg.BreakerThreshold = DefaultBreaker
	}
	if cfg.Waiting <= 0 {
		cfg.Waiting = max(64, 4*cfg.Concurrency)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	return cfg
}

// newHTTPClient is the run's one client: enough idle connections per host that every worker
// keeps its own (no reconnect churn at high concurrency), HTTP/2 when the server offers it,
// and bounded dial and TLS handshakes. The per-attempt limit comes from the request context.
// Redirects are never followed, whoever supplied the client: the API documents none, and a
// followed redirect would carry the bearer token, or re-post the client secret, to wherever
// Location points (the answer itself, a 3xx, becomes an error naming the target host).
func newHTTPClient(given *http.Client, concurrency int) *http.Client {
	var hc http.Client
	if given != nil {
		hc = *given
	} else {
		d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
		hc.Transport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           d.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          max(100, 2*concurrency),
			MaxIdleConnsPerHost:   concurrency,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		}
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// IsLoopback reports whether u points at this machine (localhost or a loopback address),
// the only place plain http may go without -allow-http: a token sent in clear there does not
// cross a network.
func IsLoopback(u *url.URL) bool {
	if u == nil {
		return false
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if h == "localhost" { // not *.localhost: a resolver may send such a name to DNS
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
