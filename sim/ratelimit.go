package sim

import (
	"math"
	"strconv"
	"sync"
	"time"
)

// bucket is the token bucket of Options.RateLimit. A mutex is enough: the critical section is a
// few float operations, far below what a request costs the server anyway.
type bucket struct {
	rate  float64  // tokens per second
	size  float64  // the most tokens the bucket holds
	limit []string // the RateLimit-Limit header: the burst

	mu     sync.Mutex
	tokens float64
	last   time.Time // when tokens was right
}

// newBucket returns a full bucket, or nil if rate sets no limit.
func newBucket(rate float64, burst int) *bucket {
	if !(rate > 0) || math.IsInf(rate, 1) {
		return nil
	}
	if burst <= 0 {
		burst = int(math.Ceil(min(rate, math.MaxInt32))) // one second's worth
	}
	b := &bucket{rate: rate, size: float64(burst), limit: []string{strconv.Itoa(burst)}}
	b.fill()
	return b
}

// fill makes the bucket full, as after a long quiet spell.
func (b *bucket) fill() {
	b.mu.Lock()
	b.tokens, b.last = b.size, time.Now()
	b.mu.Unlock()
}

// take takes a token if there is one; if not, it returns the whole seconds (at least 1) until
// there will be, the Retry-After a client should honour.
func (b *bucket) take() (ok bool, retryAfter int64) {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	// now may be a little behind last when another request took the lock first.
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(b.size, b.tokens+elapsed.Seconds()*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, max(1, int64(math.Ceil((1-b.tokens)/b.rate)))
}
