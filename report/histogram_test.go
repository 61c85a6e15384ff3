package report

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

func TestBucketEdges(t *testing.T) {
	s, m, h := time.Second, time.Minute, time.Hour
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "under 30 s"},
		{30*s - 1, "under 30 s"},
		{30 * s, "30–60 s"}, // a bucket holds its lower bound
		{m - 1, "30–60 s"},
		{m, "1–2 min"},
		{2*m - 1, "1–2 min"},
		{2 * m, "2–5 min"},
		{5 * m, "5–15 min"},
		{15*m - 1, "5–15 min"},
		{15 * m, "15–60 min"},
		{h, "1–24 h"},
		{24*h - 1, "1–24 h"},
		{24 * h, "over 24 h"},
		{math.MaxInt64, "over 24 h"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.d), func(t *testing.T) {
			a := NewAggregate()
			a.Add(&recon.Result{Class: recon.Pass}, &Derived{Duration: tt.d, HasDuration: true})
			a.Add(&recon.Result{Class: recon.Pass}, &Derived{}) // no duration: in no bucket
			h := a.Summary(Facts{}).Histogram
			if len(h) != 8 {
				t.Fatalf("%d buckets, want 8", len(h))
			}
			for _, b := range h {
				want := 0
				if b.Label == tt.want {
					want = 1
				}
				if b.Count != want {
					t.Errorf("%s: %d, want %d", b.Label, b.Count, want)
				}
				if b.Count == 1 && (tt.d < b.From || (b.To != 0 && tt.d >= b.To)) {
					t.Errorf("%v outside the bounds of %+v", tt.d, b)
				}
			}
		})
	}
}

// The overall statistics are merged from the services' durations: they must be those of
// all durations together.
func TestMergedStats(t *testing.T) {
	tests := []struct {
		name string
		runs map[string][]time.Duration
	}{
		{"one service", map[string][]time.Duration{"a": {5, 1, 4, 2, 3}}},
		{"interleaved", map[string][]time.Duration{"a": {1, 3, 5, 7, 9}, "b": {2, 4, 6, 8, 10}, "": {5, 5}}},
		{"disjoint", map[string][]time.Duration{"a": {1, 2}, "b": {100, 200, 300}, "c": {50}}},
		{"even count, median between services", map[string][]time.Duration{"a": {1, 2}, "b": {4, 8}}},
		{"extremes", map[string][]time.Duration{"a": {0}, "b": {math.MaxInt64, math.MaxInt64 - 2}}},
		{"services without durations", map[string][]time.Duration{"a": nil, "b": {7}}},
		{"many", func() map[string][]time.Duration {
			m := map[string][]time.Duration{}
			for i := range 1000 {
				svc := fmt.Sprint(i % 7)
				m[svc] = append(m[svc], time.Duration(i*7919%1009)*time.Millisecond)
			}
			return m
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAggregate()
			var all []time.Duration
			for svc, ds := range tt.runs {
				a.Add(&recon.Result{Class: recon.Fail}, &Derived{Service: svc})
				for _, d := range ds {
					a.Add(&recon.Result{Class: recon.Pass}, &Derived{Service: svc, Duration: d, HasDuration: true})
				}
				all = append(all, ds...)
			}
			s := a.Summary(Facts{})
			if want := StatsOf(all); s.Durations != want {
				t.Errorf("Durations = %+v, want %+v", s.Durations, want)
			}
			for _, row := range s.Services {
				name := row.Service
				if name == NoService {
					name = ""
				}
				if want := StatsOf(tt.runs[name]); row.Durations != want {
					t.Errorf("%s: Durations = %+v, want %+v", row.Service, row.Durations, want)
				}
			}
		})
	}
}
