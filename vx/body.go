package vx

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
)

var errUnexpectedEOF = io.ErrUnexpectedEOF

// bufPool holds body buffers between requests; the common body is a few KiB.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const (
	// smallBody is the most a body is read without asking the large-body semaphore; so
	// many bodies of a common answer's size cost little whatever the concurrency.
	smallBody = 256 << 10
	// largeBodies is how many bodies of the maximum size may be in memory at once: a run
	// at concurrency 32 against an API sending 8 MiB bodies holds a few of them, not 32.
	largeBodies = 4
)

// readBody reads the answer's body, at most MaxBody+1 bytes (one more than allowed shows the
// body is too large, and the rest is never read). A body past smallBody first takes its
// size from the large-body semaphore, waiting (within the attempt's time limit) while other
// large bodies are being read and decoded. release gives the buffer and the reservation
// back; call it when the body is no longer used, also on an error.
func (c *Client) readBody(actx context.Context, resp *http.Response) (body []byte, release func(), err error) {
	bp := bufPool.Get().(*[]byte)
	var held int64
	release = func() {
		if held > 0 {
			c.bodies.Release(held)
		}
		if cap(*bp) <= smallBody {
			*bp = (*bp)[:0]
			bufPool.Put(bp)
		}
	}
	reserve := func(n int64) error {
		if err := c.bodies.Acquire(actx, n); err != nil {
			return c.transportErr(actx, err)
		}
		held = n
		return nil
	}
	size, limit := resp.ContentLength, c.cfg.MaxBody
	if size > smallBody {
		if err := reserve(min(size, limit) + 1); err != nil {
			return nil, release, err
		}
	}
	buf, err := readUpTo(resp.Body, (*bp)[:0], size, min(limit, smallBody))
	if err == nil && held == 0 && int64(len(buf)) > smallBody {
		// No size was declared, or a wrong one, and the body goes on: reserve the most it
		// may hold before reading further.
		if err = reserve(limit + 1); err == nil {
			buf, err = readUpTo(resp.Body, buf, size, limit)
		}
	} else if err == nil && held > 0 {
		buf, err = readUpTo(resp.Body, buf, size, limit)
	}
	*bp = buf
	switch {
	case err != nil:
		return nil, release, c.transportErr(actx, err)
	case int64(len(buf)) > limit:
		return nil, release, c.tooLarge
	}
	return buf, release, nil
}

// readUpTo reads r into buf (reusing its capacity) until EOF or until buf holds more than
// limit bytes, whichever comes first. size, the declared Content-Length (-1 if unknown),
// sizes the buffer once; without it the buffer doubles, so a body of n bytes costs about 2n
// at most. A buf already past limit is returned as it is.
func readUpTo(r io.Reader, buf []byte, size, limit int64) ([]byte, error) {
	if want := int(min(size, limit)+1) - len(buf); size >= 0 && want > 0 {
		buf = slices.Grow(buf, want)
	}
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			want := min(max(2*int64(cap(buf)), 4096), limit+1)
			buf = slices.Grow(buf, int(want)-len(buf))
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
