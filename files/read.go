package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Wait bounds how long a file that is a pipe (a FIFO, process substitution) may keep a run
// waiting for its writer. Tests shorten it.
var Wait = 30 * time.Second

// SaidAfter is how long a run waits on a file before it says what it waits for.
var SaidAfter = 2 * time.Second

// ErrWaited is the error of a file that gave nothing for Wait.
var ErrWaited = errors.New("nothing to read")

// ReadSmall reads the whole of a small file (a token file, a pipe) up to max bytes: more is an
// error, so that /dev/zero or a runaway pipe cannot exhaust memory. A file that gives nothing
// for Wait (a FIFO no one writes to) is an error too, and so is ctx ending (SIGINT, SIGTERM):
// nothing waits forever. waiting, if not nil, hears once that the run waits, after SaidAfter.
// flag names the file in messages ("-token-file").
func ReadSmall(ctx context.Context, flag, path string, max int64, waiting func(string)) ([]byte, error) {
	var (
		b    []byte
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		var f *os.File
		if f, err = os.Open(path); err != nil { // a FIFO blocks here until a writer comes
			return
		}
		defer f.Close()
		b, err = io.ReadAll(io.LimitReader(f, max+1))
	}()
	if werr := await(ctx, flag, path, Wait, waiting, done); werr != nil {
		return nil, werr
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, path, Bare(err))
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s %s: longer than %s", flag, path, size(max))
	}
	return b, nil
}

// Open opens a file to read, as os.Open does, but never waits on it forever: opening a FIFO
// with no writer is an error when ctx ends and, if bounded, after Wait. The reads that follow
// are the caller's to bound.
func Open(ctx context.Context, flag, path string, bounded bool, waiting func(string)) (*os.File, error) {
	var (
		f    *os.File
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		f, err = os.Open(path)
	}()
	limit := time.Duration(0)
	if bounded {
		limit = Wait
	}
	if werr := await(ctx, flag, path, limit, waiting, done); werr != nil {
		go func() { // if the open ever succeeds, close what nobody will read
			<-done
			if f != nil {
				f.Close()
			}
		}()
		return nil, werr
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, path, Bare(err))
	}
	return f, nil
}

// await waits until done is closed; or gives up when ctx ends or, with limit > 0, after limit.
func await(ctx context.Context, flag, path string, limit time.Duration, waiting func(string), done <-chan struct{}) error {
	select { // the common case, a regular file, says nothing and starts no timer
	case <-done:
		return nil
	default:
	}
	say := time.NewTimer(SaidAfter)
	defer say.Stop()
	var expire <-chan time.Time
	if limit > 0 {
		t := time.NewTimer(limit)
		defer t.Stop()
		expire = t.C
	}
	for {
		select {
		case <-done:
			return nil
		case <-say.C:
			if waiting != nil {
				msg := fmt.Sprintf("waiting for %s %s to be written (a pipe or FIFO?)", flag, path)
				if limit > 0 {
					msg += fmt.Sprintf("; giving up after %s", limit)
				}
				waiting(msg)
			}
		case <-expire:
			return fmt.Errorf("%s %s: %w after %s: a pipe or FIFO no one writes to?", flag, path, ErrWaited, limit)
		case <-ctx.Done():
			return fmt.Errorf("%s %s: interrupted while waiting for it: %w", flag, path, ctx.Err())
		}
	}
}

// size words a byte count as KiB or MiB.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
