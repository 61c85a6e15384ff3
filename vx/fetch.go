package vx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// transportError is a failed attempt that got no complete answer: a connection error, a
// timeout or a body cut short. It is always worth a retry.
type transportError struct {
	reason  string
	timeout bool
}

func (e *transportError) Error() string { return e.reason }

// ErrAPIUnavailable is wrapped by Judge's error when the circuit breaker opened: so many
// results in a row ended as retryable failures, and an id known to answer did not, that the
// API is taken to be down.
var ErrAPIUnavailable = errors.New("API unavailable")

// Outcome tells a caller that fetches many ids (batch) how one fetch ended: for the circuit
// breaker (Down: ask Client.Judge) and the fatal stops.
type Outcome uint8

// The ways a fetch ends.
const (
	Answered   Outcome = iota // an answer, or a failure that says nothing about the API being up
	Down                      // ended as a retryable failure after its retries
	Refused                   // credentials refused: fatal, the error is the *AuthError
	NotFetched                // stopped before any request left: the Result has no Class
	CutShort                  // retries stopped by the end of the run
)

// Fetch asks for one id, with retries, and classifies the answer. It never returns an error:
// a failure is a Result with Class Error and the reason in Err. Once ctx is done no new
// attempt starts; an attempt already sent runs to its end (bounded by Timeout), so its
// answer is kept. An id that was never sent gets Err "not fetched: interrupted".
func (c *Client) Fetch(ctx context.Context, id string) recon.Result {
	r, _, _ := c.Try(ctx, id)
	if r.Class == "" {
		r = recon.NotFetched(id, "interrupted")
	}
	return r
}

// try is where a fetch stands after an attempt.
type try struct {
	r          recon.Result // the last attempt's result
	err        error        // the last attempt's failure, nil for an answer
	retryAfter string       // the last answer's Retry-After
	rateHint   float64      // the request rate a 429's RateLimit headers allow, 0 if none
	lastStatus int          // the last status code seen, kept across transport failures
	retries    int          // retries made (renewals of a refused token not counted)
}

// Try is Fetch for a caller that fetches many ids at once (batch): it also says how the fetch
// ended and, when credentials were refused, returns the *AuthError. A NotFetched Outcome returns a Result with no Class.
//
// Only the attempt itself holds one of the Concurrency slots: an id waiting for its next
// attempt (backoff, Retry-After, the retry budget) lets the others be fetched meanwhile.
func (c *Client) Try(ctx context.Context, id string) (recon.Result, Outcome, error) {
	if id == "" {
		return recon.Result{ID: id, Class: recon.Error, Err: "invalid request id: empty", FetchedAt: time.Now().UTC()}, Answered, nil
	}
	var t try
	renewed := false
	for attempt := 1; ; attempt++ {
		if attempt > 1 && !(renewed && isAuth(t.err)) {
			if note, ok := c.waitToRetry(ctx, id, attempt-1, &t); !ok {
				out := CutShort
				if note == budgetNote {
					out = Down
					c.countDown(t.err)
				}
				return c.failed(&t, attempt-1, note), out, nil
			}
		}
		b, err := c.begin(ctx)
		if err != nil && (ctx.Err() != nil || err == errRefused || err == errDown) {
			if attempt == 1 {
				return recon.Result{ID: id}, NotFetched, nil
			}
			return c.failed(&t, attempt-1, stoppedNote), CutShort, nil
		}
		if err != nil { // the token endpoint failed: no request was sent
			t.r, t.retryAfter, t.rateHint, t.err = recon.Result{ID: id}, "", 0, err
		} else {
			t.r, t.retryAfter, t.rateHint, t.err = c.attempt(ctx, id, b)
		}
		if t.r.HTTPStatus != 0 {
			t.lastStatus = t.r.HTTPStatus
		}
		next := c.judge(&t, b, renewed)
		if err == nil {
			c.end(&t, next)
		} else {
			c.settle(next, &t)
		}
		switch next {
		case stepAnswer:
			if c.known.Load() == nil && (t.r.Class == recon.Pass || t.r.Class == recon.Fail) {
				c.known.CompareAndSwap(nil, &id)
			}
			t.r.Attempts, t.r.HTTPStatus, t.r.FetchedAt = attempt, t.lastStatus, time.Now().UTC()
			c.scrub(&t.r)
			return t.r, Answered, nil
		case stepRenew:
			renewed = true
			c.tokens.invalidate(b)
		case stepRefused:
			c.refused.Store(true)
			return c.failed(&t, attempt, ""), Refused, t.err
		case stepFail:
			return c.failed(&t, attempt, ""), answeredOrDown(t.err, t.r.HTTPStatus), nil
		case stepRetry:
			t.retries++
		}
	}
}

// step is what a fetch does after an attempt.
type step uint8

const (
	stepAnswer  step = iota // an answer: done
	stepRenew               // the OAuth token was refused: renew it and repeat at once
	stepRefused             // credentials refused for good: the run stops
	stepFail                // a failure a retry will not mend, or no retry left: done
	stepRetry               // a retryable failure: wait, then try again
)

// judge decides the step after an attempt that ended as t says, sent with bearer b.
func (c *Client) judge(t *try, b *bearer, renewed bool) step {
	if t.err == nil {
		return stepAnswer
	}
	var ae *AuthError
	if errors.As(t.err, &ae) {
		if ae.Code == http.StatusUnauthorized && !ae.Token && b != nil && c.tokens.renewable(b) && !renewed {
			return stepRenew
		}
		return stepRefused
	}
	if !retryable(t.r.HTTPStatus, t.err) || t.retries >= c.cfg.Retries {
		return stepFail
	}
	return stepRetry
}

// settle feeds the circuit breaker with a fetch that ends at this step: a failure that says
// the API is down (a retryable one, retries spent) counts towards it, any other end resets
// it. It runs before the attempt's slot is freed, so with one slot the results count in the
// order the server answered them.
func (c *Client) settle(next step, t *try) {
	switch {
	case next == stepAnswer || (next == stepFail && !retryable(t.r.HTTPStatus, t.err)):
		c.inRow.Store(0)
	case next == stepFail:
		c.countDown(t.err)
	}
}

// countDown counts one more result in a row that ended as a retryable failure.
func (c *Client) countDown(err error) {
	msg := c.scrubText(err.Error())
	c.lastErr.Store(&msg)
	c.inRow.Add(1)
}

// Judge is for a caller whose fetch ended Down: once BreakerThreshold results in a row did,
// it probes an id known to answer (see Config.BreakerThreshold), and it returns the breaker's
// error, wrapping ErrAPIUnavailable, once the breaker is open: no attempt starts after it.
func (c *Client) Judge(ctx context.Context) error {
	if c.suspect() {
		c.probe(ctx)
	}
	if p := c.down.Load(); p != nil {
		return *p
	}
	return nil
}

// Unavailable reports whether the breaker is open: the API was judged down.
func (c *Client) Unavailable() bool { return c.down.Load() != nil }

// Refused reports whether credentials were refused for good: nothing more may be sent.
func (c *Client) Refused() bool { return c.refused.Load() }

// Workers is how many ids a caller should fetch at once: Concurrency in flight, and Waiting
// more in backoff, so that one slow, hanging or retried id never holds up the others.
func (c *Client) Workers() int { return c.cfg.Concurrency + c.cfg.Waiting }

// suspect reports whether BreakerThreshold results in a row ended as retryable failures,
// and the breaker is not open yet.
func (c *Client) suspect() bool {
	th := c.cfg.BreakerThreshold
	return th > 0 && c.inRow.Load() >= int64(th) && c.down.Load() == nil
}

// probe tells "this API is down" from "these ids fail", once the API is suspect: it asks for
// an id known to answer (one of this run that answered PASS or FAIL, else Config.ProbeID). If
// it answers, the count starts again; if it fails too, or no id is known, the breaker opens:
// no attempt starts after it. One probe at a time; the others go on meanwhile.
func (c *Client) probe(ctx context.Context) {
	if !c.probing.CompareAndSwap(false, true) {
		return
	}
	defer c.probing.Store(false)
	if !c.suspect() {
		return // another probe settled it
	}
	id := c.cfg.ProbeID
	if k := c.known.Load(); k != nil {
		id = *k
	}
	if id != "" {
		r, out, _ := c.Try(ctx, id)
		ok := out == Answered && r.Class != recon.Error
		if c.cfg.OnProbe != nil {
			c.cfg.OnProbe(id, ok)
		}
		switch {
		case ok:
			c.inRow.Store(0)
			return
		case out == NotFetched || out == CutShort:
			return // the run is ending anyway
		}
	}
	last := ""
	if p := c.lastErr.Load(); p != nil {
		last = *p
	}
	e := fmt.Errorf("%w: %s results in a row failed, the last: %s",
		ErrAPIUnavailable, strconv.FormatInt(c.inRow.Load(), 10), last)
	if id != "" {
		e = fmt.Errorf("%w; and %s, known to answer, did not", e, id)
	}
	c.down.CompareAndSwap(nil, &e)
}

// errRefused and errDown stop the attempts of every id once credentials were refused for
// good, or the breaker opened.
var (
	errRefused = errors.New("credentials refused")
	errDown    = errors.New("API unavailable")
)

// Notes added to the reason of a failure whose retries did not run their course.
const (
	stoppedNote = "retries stopped"        // the run ended while the id waited
	budgetNote  = "retry budget exhausted" // too many retries lately: the API is struggling
)

// waitToRetry waits before retry number t.retries: the backoff or the server's Retry-After,
// outside any slot. It reports false with a note when the retry must not happen.
func (c *Client) waitToRetry(ctx context.Context, id string, failed int, t *try) (string, bool) {
	if !c.budget.take() {
		c.stats.retry(true)
		return budgetNote, false
	}
	wait := backoff(t.retries, c.cfg.BackoffMin, c.cfg.BackoffMax, t.retryAfter, c.cfg.RetryAfterMax)
	if c.cfg.OnRetry != nil {
		c.cfg.OnRetry(id, failed, &scrubbed{msg: c.scrubText(t.err.Error()), err: t.err}, wait)
	}
	if !sleep(ctx, wait) {
		return stoppedNote, false
	}
	c.stats.retry(false)
	return "", true
}

// begin waits until an attempt may be sent (the shared gate, then a free slot) and returns
// the bearer to send. On an error the slot is not held; errRefused means the credentials
// were refused for good by another request, so nothing more may be sent.
func (c *Client) begin(ctx context.Context) (*bearer, error) {
	for {
		if c.refused.Load() {
			return nil, errRefused
		}
		if c.down.Load() != nil {
			return nil, errDown
		}
		if err := c.gate.wait(ctx); err != nil {
			return nil, err
		}
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if !c.gate.paused() && !c.refused.Load() && c.down.Load() == nil {
			break
		}
		<-c.slots // a pause began, or a refusal came, while this attempt waited for its slot
	}
	b, err := c.tokens.get(ctx)
	if err != nil {
		<-c.slots
		return nil, err
	}
	return b, nil
}

// end records what an attempt that was sent met, then frees its slot: a Retry-After on a
// 429 or 503 pauses the whole client (before the slot is free, so no request slips through),
// and every answer tells the gate whether the server is accepting the current rate.
func (c *Client) end(t *try, next step) {
	defer func() { <-c.slots }()
	c.settle(next, t)
	code := t.r.HTTPStatus
	c.stats.answer(code)
	c.budget.record()
	if code == 0 {
		return
	}
	var wait time.Duration
	if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
		if d, ok := parseRetryAfter(t.retryAfter, time.Now()); ok {
			wait = min(d, c.cfg.RetryAfterMax)
			c.gate.pause(wait)
		}
	}
	c.gate.answered(code, wait, t.rateHint)
}

func isAuth(err error) bool {
	var ae *AuthError
	return errors.As(err, &ae)
}

// answeredOrDown sorts a final failure for the circuit breaker.
func answeredOrDown(err error, code int) Outcome {
	if retryable(code, err) {
		return Down
	}
	return Answered
}

// failed makes the final Result of a fetch whose last failure is t.err after attempts
// attempts; note says why retries did not run their course ("" when they did).
func (c *Client) failed(t *try, attempts int, note string) recon.Result {
	reason := t.err.Error()
	var ae *AuthError
	if attempts > 1 && !errors.As(t.err, &ae) {
		var te *transportError
		if errors.As(t.err, &te) && te.timeout {
			reason = "timeout (" + c.cfg.Timeout.String() + ")"
		}
		reason += " after " + strconv.Itoa(attempts) + " attempts"
	}
	if note != "" {
		reason += ", " + note
	}
	r := t.r
	r.Class = recon.Error
	r.Err = reason
	r.Attempts = attempts
	r.HTTPStatus = t.lastStatus
	r.FetchedAt = time.Now().UTC()
	c.scrub(&r)
	return r
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
// message, detail). retryAfter is the answer's Retry-After header, and rateHint the request
// rate its RateLimit headers allow (0 when it has none).
func (c *Client) attempt(ctx context.Context, id string, b *bearer) (r recon.Result, retryAfter string, rateHint float64, err error) {
	r.ID = id
	// The attempt outlives a cancelled run: an answer on its way is worth keeping, and the
	// Timeout bounds the wait for it.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, c.prefix+escapeID(id), nil)
	if err != nil {
		return r, "", 0, fmt.Errorf("bad request: %w", err)
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
		return r, "", 0, c.transportErr(actx, err)
	}
	defer resp.Body.Close()
	r.HTTPStatus = resp.StatusCode
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return r, "", 0, redirectError(resp)
	}
	if resp.ContentLength > c.cfg.MaxBody {
		return r, "", 0, c.tooLarge // declared too large: not a byte read
	}
	body, release, err := c.readBody(actx, resp)
	defer release()
	if err != nil {
		return r, "", 0, err
	}
	if err := checkResponse(resp.StatusCode, body); err != nil {
		r.Message, r.Detail = parseErrorBody(body)
		if resp.StatusCode == http.StatusTooManyRequests {
			rateHint = rateFromHeaders(resp.Header)
		}
		return r, resp.Header.Get("Retry-After"), rateHint, err
	}
	r = classify(id, resp.StatusCode, body)
	if r.Session != nil {
		// Redacted whole, then cut: a credential across the cut must not leave its start.
		c.redactSession(&r, body)
		limitSession(r.Session)
	}
	return r, "", 0, nil
}

// redirectError is the failure of an answer that points elsewhere: the API documents no
// redirect, so the answer is an error naming where it pointed, and nothing is sent there.
func redirectError(resp *http.Response) error {
	return &StatusError{Code: resp.StatusCode, Message: "unexpected redirect to " + redirectTarget(resp)}
}

// redirectTarget names the host a redirect points to, as a message may show it.
func redirectTarget(resp *http.Response) string {
	if u, err := resp.Location(); err == nil && u.Host != "" {
		return clip(u.Host, maxReason)
	}
	return "no Location"
}

// scrub removes any credential a server may have echoed into the texts kept beside the
// session: the reason, and the message and detail of an error body.
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

// secretsNow are the credentials to redact: the static token, the client secret and the
// latest OAuth tokens.
func (c *Client) secretsNow() []string {
	secrets := c.secrets
	if recent := c.tokens.recent.Load(); recent != nil {
		secrets = secrets[:len(secrets):len(secrets)]
		for _, tok := range *recent {
			if len(tok) >= 4 {
				secrets = append(secrets, tok)
			}
		}
	}
	return secrets
}

// scrubText replaces every credential in s by "[redacted]".
func (c *Client) scrubText(s string) string {
	if s == "" {
		return s
	}
	for _, sec := range c.secretsNow() {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return s
}

// transportErr words a failure to get a complete answer.
func (c *Client) transportErr(actx context.Context, err error) error {
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &transportError{reason: c.timeoutReason, timeout: true}
	}
	if errors.Is(err, errUnexpectedEOF) {
		return &transportError{reason: "truncated body"}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &transportError{reason: "connection error: " + clip(err.Error(), maxReason)}
}

// CheckCredentials tries the credentials with as little as possible: with OAuth2 it fetches
// one token and sends nothing to the API; with a static token it sends one request, for id
// (nothing when id is ""), without retries. An answer (200, 202, 404) means the token was
// taken. It returns the *AuthError of a refusal, or why the check could not be made (a 5xx,
// a redirect, no connection).
func (c *Client) CheckCredentials(ctx context.Context, id string) error {
	b, err := c.tokens.get(ctx)
	if err != nil || c.tokens.cc != nil || id == "" {
		return err
	}
	r, _, _, err := c.attempt(ctx, id, b)
	c.stats.answer(r.HTTPStatus)
	var ae *AuthError
	switch {
	case errors.As(err, &ae):
		return ae
	case r.HTTPStatus == http.StatusOK || r.HTTPStatus == http.StatusAccepted || r.HTTPStatus == http.StatusNotFound:
		return nil // an answer: the token was taken
	case err != nil:
		return errors.New(c.scrubText(err.Error()))
	}
	return fmt.Errorf("http %d is no answer", r.HTTPStatus)
}
