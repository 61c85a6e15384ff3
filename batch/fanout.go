package batch

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx"
)

// fetchAll fetches the n ids id(0) … id(n-1) and hands each result to deliver exactly once per
// index, as soon as it is known: in any order, from the goroutine that fetched it, so deliver
// must be safe for concurrent use (putting results back in input order is the caller's
// business). prior(i), if it reports ok, is the already known result for id(i) (from a
// journal): it is delivered without a request. prior is called from a single goroutine, in
// index order.
//
// At most vx.Config.Concurrency requests are in flight; besides them, up to Waiting ids may wait for
// their next attempt, so one slow, hanging or retried id never holds up the others. A failed
// fetch is a result, not an error. Run stops sending, lets requests in flight finish, delivers
// every id not fetched as an Error result "not fetched: <why>" and returns, when:
//   - ctx is done: the error wraps ctx.Err() (if any id was cut short);
//   - credentials are refused: the error is the *vx.AuthError;
//   - BreakerThreshold results in a row ended as retryable failures and an id known to
//     answer did not (see vx.Config.BreakerThreshold): the error wraps vx.ErrAPIUnavailable;
//   - deliver returns an error: Run returns it and delivers nothing more.
func fetchAll(ctx context.Context, c *vx.Client, n int, id func(i int) string, prior func(i int) (recon.Result, bool), deliver func(i int, r *recon.Result) error) error {
	if n == 0 {
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	// stop ends the run the moment something fatal is known, before the worker that knows it
	// has delivered its result and returned; no attempt starts after it.
	sctx, stop := context.WithCancelCause(gctx)
	defer stop(nil)
	r := &runState{c: c, gctx: sctx, stop: stop, deliver: deliver}

	// A fixed pool of workers takes the ids from the dispatcher: long-lived goroutines keep
	// their grown stacks, where a goroutine per id would grow a new stack for every request
	// (a measurable share of a million-id run). Only Concurrency of them send at a time.
	type job struct {
		i  int
		id string
	}
	jobs := make(chan job)
	workers := min(c.Workers(), n)
	g.SetLimit(workers)
	for range workers {
		g.Go(func() error {
			for j := range jobs {
				if err := r.work(j.i, j.id); err != nil {
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
		for i := range n {
			if prior != nil {
				if res, ok := prior(i); ok {
					if r.put(i, &res) != nil {
						return
					}
					continue
				}
			}
			idi := id(i)
			if sctx.Err() == nil {
				select {
				case jobs <- job{i, idi}:
					continue
				case <-sctx.Done():
				}
			}
			r.cut.Store(true)
			res := recon.NotFetched(idi, r.why())
			if r.put(i, &res) != nil {
				return
			}
		}
	}()
	fatal := <-dispatched
	switch {
	case r.deliverErr.Load() != nil:
		return *r.deliverErr.Load()
	case fatal != nil:
		return fatal
	case r.cut.Load() && ctx.Err() != nil:
		return fmt.Errorf("run interrupted: %w", ctx.Err())
	}
	return nil
}

// runState is what the workers of one Run share.
type runState struct {
	c          *vx.Client
	gctx       context.Context // cancelled by a fatal error, or when the caller's ctx ends
	stop       context.CancelCauseFunc
	deliver    func(int, *recon.Result) error
	cut        atomic.Bool // some id was not fetched, or its retries were stopped
	deliverErr atomic.Pointer[error]
}

// work fetches one id and delivers its result; the error is fatal for the run.
func (r *runState) work(i int, id string) error {
	res, out, err := r.c.Try(r.gctx, id)
	if err != nil {
		r.stop(err)
	}
	switch out {
	case vx.NotFetched:
		r.cut.Store(true)
		res = recon.NotFetched(id, r.why())
	case vx.CutShort:
		r.cut.Store(true)
	case vx.Down:
		if derr := r.c.Judge(r.gctx); derr != nil {
			err = derr
			r.stop(err)
		}
	}
	if derr := r.put(i, &res); derr != nil {
		return derr
	}
	return err // nil, or fatal: *vx.AuthError or vx.ErrAPIUnavailable
}

// put delivers one result unless delivering already failed; the first failure is kept.
func (r *runState) put(i int, res *recon.Result) error {
	if p := r.deliverErr.Load(); p != nil {
		return *p
	}
	if err := r.deliver(i, res); err != nil {
		r.deliverErr.CompareAndSwap(nil, &err)
		r.stop(err)
		return err
	}
	return nil
}

// why names the reason for ids not fetched, from what stopped the group.
func (r *runState) why() string {
	cause := context.Cause(r.gctx)
	var ae *vx.AuthError
	switch {
	case errors.As(cause, &ae) || r.c.Refused():
		return "credentials refused"
	case errors.Is(cause, vx.ErrAPIUnavailable) || r.c.Unavailable():
		return "API unavailable"
	}
	return "interrupted"
}
