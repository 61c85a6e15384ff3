package vx

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// gate is where every attempt waits before it is sent. It holds what the server said about
// the whole client, not about one request:
//
//   - a pause: a 429 or 503 with Retry-After stops every new request until it passes, so
//     the workers do not each discover the limit on their own;
//   - the request rate: -rate if given, and after a 429 a little under the rate the server
//     allows, as its RateLimit headers say or, without them, as it was seen to accept
//     since the last cut (never less than half the rate before, since an idle client
//     accepts little), raised again by 5 % every rateRaiseEvery without a 429, so the run
//     settles just below the server's limit instead of bouncing off it.
type gate struct {
	until atomic.Int64 // Unix nanoseconds before which no request starts

	mu        sync.Mutex
	limiter   *rate.Limiter // nil: no limit (yet)
	ceiling   float64       // -rate; 0 = none
	since     time.Time     // start of the current measurement: the start, or the last cut
	accepted  int64         // answers other than 429 since then
	lastRaise time.Time
}

const (
	rateRaiseEvery = 2 * time.Second
	rateMargin     = 0.97 // the share of the accepted rate a 429 leaves
	// minMeasure is the shortest time a rate is measured over: a 429 sooner after the
	// start or the last cut is the same burst (a token bucket's first overflow, or the
	// other requests in flight with the one that was refused), and the pause handles it.
	minMeasure = 100 * time.Millisecond
)

func newGate(ceiling float64) *gate {
	g := &gate{ceiling: ceiling, since: time.Now()}
	if ceiling > 0 {
		g.limiter = rate.NewLimiter(rate.Limit(ceiling), 1)
	}
	return g
}

// paused reports whether a pause is under way.
func (g *gate) paused() bool { return time.Now().UnixNano() < g.until.Load() }

// wait returns when a request may be sent, or ctx's error.
func (g *gate) wait(ctx context.Context) error {
	for {
		if d := time.Until(time.Unix(0, g.until.Load())); d > 0 {
			if !sleep(ctx, d) {
				return context.Cause(ctx)
			}
			continue
		}
		g.mu.Lock()
		lim := g.limiter
		g.mu.Unlock()
		if lim != nil {
			if err := lim.Wait(ctx); err != nil {
				return err
			}
		}
		if !g.paused() {
			return ctx.Err()
		}
		// A pause began while this request waited for the rate: wait for it too.
	}
}

// pause stops new requests for d from now, unless a longer pause is already set.
func (g *gate) pause(d time.Duration) {
	if d <= 0 {
		return
	}
	until := time.Now().Add(d).UnixNano()
	for {
		cur := g.until.Load()
		if cur >= until || g.until.CompareAndSwap(cur, until) {
			return
		}
	}
}

// answered records one HTTP answer: a 429 lowers the rate to what the server allows (hint,
// from its headers) or was seen to accept since the last cut (the time paused excluded); any
// other answer counts as accepted and, after rateRaiseEvery without a 429, raises the rate.
func (g *gate) answered(code int, paused time.Duration, hint float64) {
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if code != 429 {
		g.accepted++
		if g.limiter != nil && now.Sub(g.lastRaise) >= rateRaiseEvery {
			g.lastRaise = now
			r := float64(g.limiter.Limit()) * 1.05
			if g.ceiling > 0 {
				r = min(r, g.ceiling)
			}
			g.limiter.SetLimitAt(now, rate.Limit(r))
		}
		return
	}
	elapsed := now.Sub(g.since)
	if elapsed < minMeasure {
		return
	}
	r := float64(g.accepted) / elapsed.Seconds()
	if hint > 0 {
		r = hint
	} else if g.limiter != nil {
		r = max(r, float64(g.limiter.Limit())/2)
	}
	r = math.Max(r*rateMargin, 1)
	if g.ceiling > 0 {
		r = min(r, g.ceiling)
	}
	if g.limiter == nil {
		g.limiter = rate.NewLimiter(rate.Limit(r), 1)
	} else {
		g.limiter.SetLimitAt(now, rate.Limit(r))
	}
	// The next measurement starts when the pause this 429 asked for ends.
	g.since, g.accepted, g.lastRaise = now.Add(paused), 0, now
}

// budget allows retries while they stay a share of the requests sent over a sliding window
// (as Envoy's retry budget and the AWS SDKs' adaptive mode do), plus a fixed allowance so a
// small run can always retry: an API that fails often gets fewer retries, not more load.
type budget struct {
	ratio float64 // < 0: unlimited
	min   int

	mu      sync.Mutex
	start   time.Time
	second  int64 // number of the newest bucket
	sent    [retryWindow]int
	retries [retryWindow]int
}

const retryWindow = 10 // seconds

func newBudget(ratio float64, allowance int) *budget {
	return &budget{ratio: ratio, min: allowance, start: time.Now()}
}

// record counts one request sent.
func (b *budget) record() {
	b.mu.Lock()
	b.sent[b.advance()]++
	b.mu.Unlock()
}

// take reports whether one more retry may be made, and counts it when it may: ids that wait
// for their retries at the same time each take their own share.
func (b *budget) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := b.advance()
	if b.ratio >= 0 {
		sent, retries := 0, 0
		for k := range retryWindow {
			sent += b.sent[k]
			retries += b.retries[k]
		}
		if float64(retries) >= float64(b.min)+b.ratio*float64(sent) {
			return false
		}
	}
	b.retries[i]++
	return true
}

func (b *budget) advance() int {
	s := int64(time.Since(b.start) / time.Second)
	for b.second < s {
		b.second++
		b.sent[b.second%retryWindow], b.retries[b.second%retryWindow] = 0, 0
		if s-b.second >= retryWindow {
			b.second = s
			clear(b.sent[:])
			clear(b.retries[:])
		}
	}
	return int(b.second % retryWindow)
}
