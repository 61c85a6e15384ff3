package vx_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/sim"
	"github.com/vxrecon/vxrecon/vx"
)

// TestSimulatorFaults runs every behaviour of the built-in simulator through the real client:
// the class it must end in, the attempts it takes, and a bound on the wall time, so that no
// fault can hang the run or be retried for ever.
func TestSimulatorFaults(t *testing.T) {
	srv, err := sim.Start(sim.Options{Token: "sim-faults-token", SlowDelay: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	// Two clients, so that no case depends on the machine's speed: the cases that never
	// answer (hang, stall) meet a short timeout, which is their point; every case that does
	// answer meets a timeout far beyond its answer time, so a busy machine (a slow 8 MiB read
	// under the race detector) cannot turn an answer into a timeout.
	newClient := func(timeout time.Duration) *vx.Client {
		c, err := vx.New(vx.Config{
			BaseURL:       srv.URL,
			Credentials:   vx.Credentials{Token: "sim-faults-token"},
			Concurrency:   8,
			Timeout:       timeout,
			Retries:       2,
			BackoffMin:    time.Millisecond,
			BackoffMax:    10 * time.Millisecond,
			RetryAfterMax: 3 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// A client per case: a refusal (401, 403) stops every later request of its client, as
	// it stops a run.
	neverAnswers := map[sim.Case]bool{sim.CaseHang: true, sim.CaseStall: true}
	// attempts per case; every case not listed takes one attempt.
	attempts := map[sim.Case]int{
		sim.CaseServerError: 3, sim.CaseFlaky: 3, sim.CaseRateLimited: 2, sim.CaseRetryAfterDate: 2,
		sim.CaseTimeout408: 2, sim.Case502: 2, sim.Case503: 2, sim.Case504: 2,
		sim.CaseHang: 3, sim.CaseStall: 3, sim.CaseClose: 3, sim.CaseShortBody: 3,
	}
	// A generous wall-time bound: the point is that no fault hangs the run or is retried for
	// ever, not how fast this machine is. Retry-After waits 1-2 s; a hang costs three 500 ms
	// attempts.
	const bound = 30 * time.Second
	// a word the reason of each error case must hold.
	reason := map[sim.Case]string{
		sim.CaseServerError: "500", sim.CaseBadJSON: "JSON", sim.CaseMismatch: "mismatch",
		sim.CaseBadStatus: "MAYBE", sim.CaseBadRequest: "400", sim.CaseHang: "timeout",
		sim.CaseStall: "timeout", sim.CaseHuge: "8 MiB", sim.CaseUnauthorized: "401",
		sim.CaseForbidden: "403",
	}
	for i, c := range sim.Cases() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			id := sim.ID(c, i)
			client := newClient(time.Minute)
			if neverAnswers[c] {
				client = newClient(500 * time.Millisecond)
			}
			start := time.Now()
			r := client.Fetch(context.Background(), id)
			took := time.Since(start)
			if r.Class != c.Expected() {
				t.Errorf("class %q (%s), want %q", r.Class, r.Err, c.Expected())
			}
			want := attempts[c]
			if want == 0 {
				want = 1
			}
			if r.Attempts != want {
				t.Errorf("attempts %d, want %d (%s)", r.Attempts, want, r.Err)
			}
			if took > bound {
				t.Errorf("took %s, want at most %s", took, bound)
			}
			if (r.Class == recon.Error) != (r.Err != "") {
				t.Errorf("class %s with error %q", r.Class, r.Err)
			}
			if w := reason[c]; w != "" && !strings.Contains(r.Err, w) {
				t.Errorf("reason %q does not mention %q", r.Err, w)
			}
			if r.ID != id {
				t.Errorf("result id %q, want %q", r.ID, id)
			}
		})
	}
}
