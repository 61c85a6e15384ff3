package vx

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryable reports whether an attempt that ended with status code (0 when no answer came)
// or transport error err is worth another attempt: connection errors, timeouts and a body
// cut short are, and so are 408, 429, 500, 502, 503 and 504, which say "not now". A body
// over the limit, a bad body and every other status will not change on a retry.
func retryable(code int, err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	var se *StatusError
	if err != nil && !errors.As(err, &se) {
		return false
	}
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff returns how long to wait before retry number attempt (1 for the first retry).
// Without a usable Retry-After it is full jitter over a capped exponential: a random
// duration between 0 and min(max, min·2^(attempt-1)), so that many workers failing together
// do not come back together. A Retry-After in seconds or as an HTTP date is the server's own
// answer to "when", so it is used instead, capped at afterMax so a server cannot park the
// run for hours.
func backoff(attempt int, min, max time.Duration, retryAfter string, afterMax time.Duration) time.Duration {
	if d, ok := parseRetryAfter(retryAfter, time.Now()); ok {
		return clamp(d, 0, afterMax)
	}
	if max < min {
		max = min
	}
	ceiling := min
	for i := 1; i < attempt && ceiling < max; i++ {
		ceiling *= 2
	}
	if ceiling > max || ceiling <= 0 {
		ceiling = max
	}
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date (RFC 9110 10.2.3).
// A date in the past means "now".
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

func clamp(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}

// sleep waits for d, or less if ctx is done first; it reports whether the full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return ctx.Err() == nil
	}
}

// rateFromHeaders reads the request rate a 429's RateLimit headers allow, in requests per
// second, or 0 when they say nothing usable. It takes the IETF draft's forms: a policy with
// its window ("RateLimit-Policy: 500;w=1", or a policy inside RateLimit-Limit), or a quota
// (RateLimit-Limit) with the seconds until it resets (RateLimit-Reset), read as the quota
// per window of at least a second.
func rateFromHeaders(h http.Header) float64 {
	for _, name := range []string{"RateLimit-Policy", "RateLimit-Limit"} {
		for _, v := range h.Values(name) {
			for _, item := range strings.Split(v, ",") {
				quota, params, ok := strings.Cut(strings.TrimSpace(item), ";")
				if !ok {
					continue
				}
				for _, p := range strings.Split(params, ";") {
					if w, ok := strings.CutPrefix(strings.TrimSpace(p), "w="); ok {
						if r := perSecond(quota, w); r > 0 {
							return r
						}
					}
				}
			}
		}
	}
	quota, _, _ := strings.Cut(h.Get("RateLimit-Limit"), ",")
	reset := h.Get("RateLimit-Reset")
	if reset == "" {
		reset = "1"
	}
	return perSecond(quota, reset)
}

// perSecond is quota over window seconds (a window under a second counts as one).
func perSecond(quota, window string) float64 {
	q, err1 := strconv.ParseFloat(strings.TrimSpace(quota), 64)
	w, err2 := strconv.ParseFloat(strings.TrimSpace(window), 64)
	if err1 != nil || err2 != nil || q <= 0 || math.IsInf(q, 0) || w < 0 {
		return 0
	}
	return q / max(w, 1)
}
