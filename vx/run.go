package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// ErrAPIUnavailable is wrapped by Run's error when the circuit breaker opened: so many
// results in a row ended as retryable failures that the API is taken to be down.
var ErrAPIUnavailable = errors.New("API unavailable")

// Run fetches every id and hands each result to emit, exactly once per index, in input
// order, from one goroutine. prior(i), if it reports ok, is the already known result for
// ids[i] (from a journal): it is emitted without a request. prior is called from a single
// goroutine, in index order.
//
// At most Concurrency requests are in flight and at most Window results are held waiting
// for their turn; workers wait when they run that far ahead of emit. A failed fetch is a
// result, not an error. Run stops sending, lets requests in flight finish, emits every id
// not fetched as an Error result "not fetched: <why>" and returns, when:
//   - ctx is done: the error wraps ctx.Err() (if any id was cut short);
//   - credentials are refused: the error is the *AuthError;
//   - BreakerThreshold results in a row ended as retryable failures: the error wraps
//     ErrAPIUnavailable;
//   - emit returns an error: Run returns it without emitting further.
func (c *Client) Run(ctx context.Context, ids []string, prior func(i int) (recon.Result, bool), emit func(i int, r *recon.Result) error) error {
	if len(ids) == 0 {
		return nil
	}
	ectx, stopEmit := context.WithCancelCause(ctx)
	defer stopEmit(nil)
	g, gctx := errgroup.WithContext(ectx)
	g.SetLimit(c.cfg.Concurrency) // the workers below are exactly this many: -concurrency is the errgroup limit
	w := newWindow(c.cfg.Window)

	var (
		inRow atomic.Int64 // results in a row that ended as retryable failures
		cut   atomic.Bool  // some id was not fetched, or its retries were stopped
	)
	// why names the reason for ids not fetched, from what stopped the group.
	why := func() string {
		cause := context.Cause(gctx)
		var ae *AuthError
		switch {
		case errors.As(cause, &ae):
			return "credentials refused"
		case errors.Is(cause, ErrAPIUnavailable):
			return "API unavailable"
		}
		return "interrupted"
	}
	worker := func(i int, id string) error {
		r, out, err := c.fetch(gctx, id)
		switch out {
		case notFetched:
			cut.Store(true)
			w.put(i, recon.NotFetched(id, why()))
			return nil
		case cutShort:
			cut.Store(true)
		case down:
			if n := inRow.Add(1); c.cfg.BreakerThreshold > 0 && n >= int64(c.cfg.BreakerThreshold) {
				err = fmt.Errorf("%w: %s results in a row failed, the last: %s",
					ErrAPIUnavailable, strconv.FormatInt(n, 10), r.Err)
			}
		case answered:
			inRow.Store(0)
		}
		if c.cfg.OnResult != nil {
			c.cfg.OnResult(&r)
		}
		w.put(i, r)
		return err // nil, or fatal: *AuthError or ErrAPIUnavailable
	}

	// A fixed pool of Concurrency workers takes the ids from the dispatcher: long-lived
	// goroutines keep their grown stacks, where a goroutine per id would grow a new stack for
	// every request (a measurable share of a million-id run).
	type job struct {
		i  int
		id string
	}
	jobs := make(chan job)
	for range min(c.cfg.Concurrency, len(ids)) {
		g.Go(func() error {
			for j := range jobs {
				if err := worker(j.i, j.id); err != nil {
					return err // fatal: the group's context is cancelled
				}
			}
			return nil
		})
	}

	dispatched := make(chan error, 1)
	go func() {
		defer func() {
			close(jobs)
			dispatched <- g.Wait()
		}()
		for i, id := range ids {
			if !w.reserve(i) {
				return // emit failed: nobody takes results any more
			}
			if prior != nil {
				if r, ok := prior(i); ok {
					w.put(i, r)
					continue
				}
			}
			if gctx.Err() == nil {
				select {
				case jobs <- job{i, id}:
					continue
				case <-gctx.Done():
				}
			}
			cut.Store(true)
			w.put(i, recon.NotFetched(id, why()))
		}
	}()

	var emitErr error
	for i := range ids {
		r := w.take(i)
		if err := emit(i, &r); err != nil {
			emitErr = err
			stopEmit(err)
			w.close()
			break
		}
		w.advance(i)
	}
	fatal := <-dispatched
	switch {
	case emitErr != nil:
		return emitErr
	case fatal != nil:
		return fatal
	case cut.Load() && ctx.Err() != nil:
		return fmt.Errorf("run interrupted: %w", ctx.Err())
	}
	return nil
}

// window is the reorder buffer between workers, which finish in any order, and emit, which
// takes results in input order: a ring of slots with a mutex and two conditions. Index i may
// be filled only once reserve(i) returned, that is while i < next+len(slots), so the ring
// never holds more than len(slots) results, the one being emitted included.
type window struct {
	mu     sync.Mutex
	space  sync.Cond // the dispatcher waits here for room
	ready  sync.Cond // emit waits here for slot next
	slots  []recon.Result
	full   []bool
	next   int // the index emit waits for or is emitting
	closed bool
}

func newWindow(n int) *window {
	w := &window{slots: make([]recon.Result, n), full: make([]bool, n)}
	w.space.L = &w.mu
	w.ready.L = &w.mu
	return w
}

// reserve waits until index i fits in the window; false means the window was closed.
func (w *window) reserve(i int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i >= w.next+len(w.slots) && !w.closed {
		w.space.Wait()
	}
	return !w.closed
}

// put stores the result for a reserved index.
func (w *window) put(i int, r recon.Result) {
	w.mu.Lock()
	k := i % len(w.slots)
	w.slots[k], w.full[k] = r, true
	if i == w.next {
		w.ready.Signal()
	}
	w.mu.Unlock()
}

// take waits for the result of index i, which must be next.
func (w *window) take(i int) recon.Result {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := i % len(w.slots)
	for !w.full[k] {
		w.ready.Wait()
	}
	r := w.slots[k]
	w.slots[k] = recon.Result{}
	return r
}

// advance frees the slot of index i after it was emitted and lets the dispatcher on.
func (w *window) advance(i int) {
	w.mu.Lock()
	w.full[i%len(w.slots)] = false
	w.next = i + 1
	w.space.Signal()
	w.mu.Unlock()
}

// close releases a waiting dispatcher for good.
func (w *window) close() {
	w.mu.Lock()
	w.closed = true
	w.space.Broadcast()
	w.mu.Unlock()
}
