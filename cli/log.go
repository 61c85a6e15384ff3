package cli

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal (a person is watching).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newLogger builds the stderr logger: JSON lines for machines, console lines for people.
func newLogger(w io.Writer, format, level string, tty bool) zerolog.Logger {
	if format == "auto" {
		format = "json"
		if tty {
			format = "console"
		}
	}
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		lvl = zerolog.InfoLevel
	}
	w = &stopOnError{w: w}
	if format == "console" {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !tty}
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

// stopOnError passes writes on, one at a time (lines logged from several goroutines never
// interleave, whatever the writer), until one fails (stderr closed: EPIPE); then it drops
// every later one without a word: a log that cannot be written must not stop the job, nor
// spill "could not write event" messages.
type stopOnError struct {
	w      io.Writer
	mu     sync.Mutex
	failed bool
}

func (s *stopOnError) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed {
		return len(p), nil
	}
	if _, err := s.w.Write(p); err != nil {
		s.failed = true
	}
	return len(p), nil
}
