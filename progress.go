package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/vxrecon/vxrecon/recon"
)

// showBar decides whether the progress bar is drawn: only for a person at a terminal, never in
// cron (no terminal) nor on a dumb terminal, unless forced on.
func showBar(mode string, stderrIsTTY bool, term string) bool {
	switch mode {
	case "on":
		return true
	case "off":
		return false
	}
	return stderrIsTTY && term != "dumb"
}

// progressEvery is how often a JSON progress line is logged.
const progressEvery = 10 * time.Second

// tracker counts answers as they arrive (it is the job's Progress). It draws the bar on a
// terminal and, in JSON mode, logs a progress line about every 10 s.
type tracker struct {
	mu     sync.Mutex
	total  int
	done   int
	counts recon.Counts
	start  time.Time

	w       io.Writer // where the bar is drawn; nil = no bar
	drawn   bool
	stop    chan struct{}
	stopped sync.WaitGroup
}

func newTracker() *tracker {
	return &tracker{start: time.Now(), stop: make(chan struct{})}
}

// Start sets the number of ids to classify.
func (t *tracker) Start(total int) {
	t.mu.Lock()
	t.total = total
	t.mu.Unlock()
}

// Answer counts one answer.
func (t *tracker) Answer(c recon.Class) {
	t.mu.Lock()
	t.done++
	t.counts.Add(c)
	t.mu.Unlock()
}

type snapshot struct {
	done, total int
	counts      recon.Counts
	rate        float64 // results per second
	eta         time.Duration
	elapsed     time.Duration
}

func (t *tracker) snapshot() snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := snapshot{done: t.done, total: t.total, counts: t.counts, elapsed: time.Since(t.start)}
	if secs := s.elapsed.Seconds(); secs > 0 {
		s.rate = float64(s.done) / secs
	}
	if s.rate > 0 && s.done < s.total {
		s.eta = time.Duration(float64(s.total-s.done) / s.rate * float64(time.Second)).Round(time.Second)
	}
	return s
}

// bar renders one line of the progress bar for a terminal of the given width.
func (s snapshot) bar(width int) string {
	frac := 0.0
	if s.total > 0 {
		frac = float64(s.done) / float64(s.total)
	}
	var b strings.Builder
	fmt.Fprintf(&b, " %d/%d %3.0f%% %.0f/s ETA %s ", s.done, s.total, frac*100, s.rate, s.eta)
	for i, c := range recon.Classes {
		fmt.Fprintf(&b, " %s %d", c, s.counts[i])
	}
	text := b.String()
	n := width - len(text) - 2
	if n > 40 {
		n = 40
	}
	if n < 10 {
		n = 10
	}
	full := int(frac * float64(n))
	return "[" + strings.Repeat("=", full) + strings.Repeat(" ", n-full) + "]" + text
}

// run starts the background loop: bar redraws and/or JSON progress lines.
func (t *tracker) run(log zerolog.Logger, bar io.Writer, logEvery time.Duration) {
	t.w = bar
	t.stopped.Add(1)
	go func() {
		defer t.stopped.Done()
		redraw := time.NewTicker(200 * time.Millisecond)
		defer redraw.Stop()
		var logC <-chan time.Time
		if logEvery > 0 {
			lt := time.NewTicker(logEvery)
			defer lt.Stop()
			logC = lt.C
		}
		for {
			select {
			case <-t.stop:
				return
			case <-redraw.C:
				t.draw()
			case <-logC:
				s := t.snapshot()
				ev := log.Info().Int("done", s.done).Int("total", s.total).
					Float64("rate", float64(int(s.rate*10))/10).Float64("eta_s", s.eta.Seconds())
				for i, c := range recon.Classes {
					ev = ev.Int(strings.ToLower(c.Key()), s.counts[i])
				}
				ev.Msg("progress")
			}
		}
	}()
}

func (t *tracker) draw() {
	if t.w == nil {
		return
	}
	line := t.snapshot().bar(100)
	t.mu.Lock()
	fmt.Fprint(t.w, "\r\033[K"+line)
	t.drawn = true
	t.mu.Unlock()
}

// finish stops the loop and leaves the final bar on its own line.
func (t *tracker) finish() {
	close(t.stop)
	t.stopped.Wait()
	if t.w != nil {
		t.draw()
		fmt.Fprintln(t.w)
	}
}

// barSafeWriter clears the bar's line before a log line is written, so logs and the bar don't
// mix on a terminal.
type barSafeWriter struct {
	t *tracker
	w io.Writer
}

func (b barSafeWriter) Write(p []byte) (int, error) {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	if b.t.drawn {
		fmt.Fprint(b.w, "\r\033[K")
		b.t.drawn = false
	}
	return b.w.Write(p)
}
