package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/term"

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

	w       io.Writer  // where the bar is drawn; nil = no bar
	width   func() int // the terminal's width now
	drawn   bool
	ended   bool // the final bar is drawn: no more redraws
	once    sync.Once
	stop    chan struct{}
	stopped sync.WaitGroup
}

func newTracker() *tracker {
	return &tracker{start: time.Now(), stop: make(chan struct{}), width: func() int { return 80 }}
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

// barLabels are the class labels of the bar, from the longest to the shortest: the first
// that fits the terminal is used.
var barLabels = [][]string{
	{"PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error"},
	{"PASS", "FAIL", "IN PROG", "NOT FND", "err"},
	{"P", "F", "IP", "NF", "E"},
}

// bar renders one line of the progress bar that fits a terminal of the given width, never
// reaching its last column (which some terminals wrap on): the counts with the longest
// labels that fit, then without rate and ETA, then without the counts; the bar itself takes
// what is left, up to 40 columns.
func (s snapshot) bar(width int) string {
	frac := 0.0
	if s.total > 0 {
		frac = float64(s.done) / float64(s.total)
	}
	room := width - 1
	head := fmt.Sprintf(" %d/%d %3.0f%%", s.done, s.total, frac*100)
	speed := fmt.Sprintf(" %.0f/s ETA %s", s.rate, s.eta)
	var counts []string
	for _, labels := range barLabels {
		var b strings.Builder
		b.WriteString(" ")
		for i := range recon.Classes {
			fmt.Fprintf(&b, " %s %d", labels[i], s.counts[i])
		}
		counts = append(counts, b.String())
	}
	// Rate and ETA are worth more than long labels; the counts more than rate and ETA.
	var texts []string
	for _, c := range counts {
		texts = append(texts, head+speed+c)
	}
	for _, c := range counts {
		texts = append(texts, head+c)
	}
	texts = append(texts, head+speed, head)
	const minBar = 10
	text := texts[len(texts)-1]
	for _, t := range texts {
		if len(t)+2+minBar <= room {
			text = t
			break
		}
	}
	n := min(room-len(text)-2, 40)
	if n < minBar {
		// Too narrow for a bar beside the text: the text alone, cut to the width.
		if len(text) > room {
			text = text[:max(room, 0)]
		}
		return strings.TrimLeft(text, " ")
	}
	full := int(frac * float64(n))
	return "[" + strings.Repeat("=", full) + strings.Repeat(" ", n-full) + "]" + text
}

// termWidth is the width of the terminal w is, read at each redraw so that a resize is
// followed; COLUMNS, then 80, when it cannot be read.
func termWidth(w io.Writer, getenv func(string) string) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
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
	line := t.snapshot().bar(t.width())
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return
	}
	fmt.Fprint(t.w, "\r\033[K"+line)
	t.drawn = true
}

// Finish stops the loop and leaves the final bar on its own line: the job calls it once the
// fetching is over, before it logs how the run ended, so the bar comes before the done line.
// Later calls do nothing.
func (t *tracker) Finish() {
	t.once.Do(func() {
		close(t.stop)
		t.stopped.Wait()
		if t.w != nil {
			t.draw()
			t.mu.Lock()
			fmt.Fprintln(t.w)
			t.ended, t.drawn = true, false
			t.mu.Unlock()
		}
	})
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
