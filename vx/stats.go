package vx

import (
	"maps"
	"strconv"
	"sync"
)

// Stats counts what a Client sent, for the metrics file and the logs.
type Stats struct {
	// Requests counts the attempts sent, by the status code of their answer ("200", "429",
	// …) or "transport" for an attempt that got no complete answer.
	Requests map[string]int64
	// Retries counts the attempts that repeated a failed one after a wait (a renewal of a
	// refused OAuth token, sent at once, is not among them).
	Retries int64
	// RetriesDenied counts the retries the retry budget refused.
	RetriesDenied int64
}

type stats struct {
	mu sync.Mutex
	s  Stats
}

func newStats() *stats { return &stats{s: Stats{Requests: map[string]int64{}}} }

// answer counts one attempt that ended with status code (0: no answer).
func (st *stats) answer(code int) {
	key := "transport"
	if code != 0 {
		key = strconv.Itoa(code)
	}
	st.mu.Lock()
	st.s.Requests[key]++
	st.mu.Unlock()
}

func (st *stats) retry(denied bool) {
	st.mu.Lock()
	if denied {
		st.s.RetriesDenied++
	} else {
		st.s.Retries++
	}
	st.mu.Unlock()
}

// Stats returns what the client has sent so far.
func (c *Client) Stats() Stats {
	c.stats.mu.Lock()
	defer c.stats.mu.Unlock()
	s := c.stats.s
	s.Requests = maps.Clone(s.Requests)
	return s
}
