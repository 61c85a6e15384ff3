package reorder

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// result is a result with every kind of field set, so a spill that loses one shows.
func result(i int, detail int) *recon.Result {
	id := fmt.Sprintf("id-%05d", i)
	return &recon.Result{ID: id, Class: recon.Pass, HTTPStatus: 200, Attempts: 1 + i%3,
		FetchedAt: time.Date(2026, 11, 28, 10, 0, i%60, i, time.UTC), PII: "",
		Session: &recon.Session{RequestID: id, Status: "PASS", FirstName: "J***",
			Plus: &recon.Plus{Service: "IDMatch5.0", Confirmation: "180603431", Detail: strings.Repeat("d", detail),
				Issues: []string{"A", "B"}, IssuesCut: i % 2},
			Journey: &recon.Journey{Stops: []recon.Stop{{Timestamp: "2024-08-19 20:56:25", Type: "NEW REGISTRATION"}},
				StopsCut: i % 5, Duration: json.RawMessage(`"00h 00m 32s"`)}}}
}

// TestOrder: results put in a random order by many goroutines come out in index order,
// whole, whatever the budget; a small budget spills and the file is read back.
func TestOrder(t *testing.T) {
	for _, budget := range []int64{0, 64 << 10, 1 << 30} {
		t.Run(fmt.Sprint(budget), func(t *testing.T) {
			const n = 3000
			b := New(t.TempDir(), budget)
			defer b.Close()
			perm := rand.Perm(n)
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := w; k < n; k += 8 {
						i := perm[k]
						if err := b.Put(i, result(i, i%700)); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			for i := range n {
				r, err := b.Next()
				if err != nil {
					t.Fatal(err)
				}
				if want := result(i, i%700); !reflect.DeepEqual(&r, want) {
					t.Fatalf("%d: got %+v, want %+v", i, r, *want)
				}
			}
			wg.Wait()
			st := b.Stats()
			switch {
			case budget == 1<<30 && st.Spilled != 0:
				t.Errorf("spilled %d with a large budget", st.Spilled)
			case budget == 0 && st.Spilled == 0:
				t.Error("nothing spilled with no budget")
			case budget > 0 && st.PeakBytes > budget+Size(result(n, 700)):
				t.Errorf("held %d bytes, budget %d", st.PeakBytes, budget)
			}
		})
	}
}

// TestBoundedWhileOneWaits: while the first index is missing (a hanging id), everything
// behind it beyond the budget goes to disk, and memory stays within the budget.
func TestBoundedWhileOneWaits(t *testing.T) {
	const n, budget = 20000, 1 << 20
	b := New(t.TempDir(), budget)
	defer b.Close()
	for i := 1; i < n; i++ {
		if err := b.Put(i, result(i, 400)); err != nil {
			t.Fatal(err)
		}
	}
	st := b.Stats()
	if st.PeakBytes > budget || st.Spilled < n/2 {
		t.Fatalf("held %d bytes (budget %d), spilled %d", st.PeakBytes, budget, st.Spilled)
	}
	if err := b.Put(0, result(0, 400)); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		r, err := b.Next()
		if err != nil || r.ID != fmt.Sprintf("id-%05d", i) {
			t.Fatalf("%d: %s %v", i, r.ID, err)
		}
	}
	// Nothing waits any more: the spill file was started over.
	if err := b.Put(n+1, result(n+1, 10)); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	end := b.spillEnd
	b.mu.Unlock()
	if end != 0 {
		t.Errorf("spill file holds %d bytes after everything was read", end)
	}
}

// TestAbort: a reader waiting for an index that will never come is woken with the error.
func TestAbort(t *testing.T) {
	b := New("", 1<<20)
	boom := errors.New("run failed")
	done := make(chan error)
	go func() {
		_, err := b.Next()
		done <- err
	}()
	b.Abort(boom)
	if err := <-done; !errors.Is(err, boom) {
		t.Errorf("Next = %v, want %v", err, boom)
	}
	if err := b.Put(0, result(0, 1)); !errors.Is(err, boom) {
		t.Errorf("Put after Abort = %v", err)
	}
}
