package report

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// add feeds one result with the given service, issues and duration (negative: none).
func add(a *Aggregate, class recon.Class, service string, dur time.Duration, issues ...string) {
	r := &recon.Result{ID: fmt.Sprintf("id-%d", a.seq), Class: class}
	d := &Derived{Service: service, Issues: issues, Duration: dur, HasDuration: dur >= 0}
	a.Add(r, d)
}

func TestAggregateCounts(t *testing.T) {
	a := NewAggregate()
	add(a, recon.Pass, "IDMatch5.0", time.Second, "ALL CHECKS PASSED")
	add(a, recon.Pass, "IDMatch5.0", 3*time.Second, "ALL CHECKS PASSED", "ALL CHECKS PASSED")
	add(a, recon.Fail, "IDMatch5.0", 2*time.Second, "NO MATCH", "SSN CHECK FAILED", " NO MATCH ", "")
	add(a, recon.Fail, "AgeMatch5.0", -1, "NO MATCH", "AGE NOT VERIFIED")
	add(a, recon.InProgress, "", -1)
	add(a, recon.NotFound, "", -1)
	add(a, recon.NotFound, "", -1)
	add(a, recon.Error, "", -1)
	add(a, recon.Class("MYSTERY"), "", -1) // unknown: counted as error
	add(a, recon.Pass, "AgeMatch5.0", 4*time.Second)
	a.Add(nil, nil) // ignored
	a.SetInput(14, 3, 1)

	facts := Facts{Input: "ids.csv", Version: "test", Complete: true}
	s := a.Summary(facts)

	if want := [5]int{3, 2, 1, 2, 2}; s.Counts != want {
		t.Errorf("Counts = %v, want %v", s.Counts, want)
	}
	if s.Results != 10 || s.Rows != 14 || s.Duplicates != 3 || s.Invalid != 1 {
		t.Errorf("Results, Rows, Duplicates, Invalid = %d, %d, %d, %d; want 10, 14, 3, 1", s.Results, s.Rows, s.Duplicates, s.Invalid)
	}
	if s.Count(recon.Error) != 2 || s.Count(recon.Pass) != 3 {
		t.Errorf("Count(error), Count(PASS) = %d, %d; want 2, 3", s.Count(recon.Error), s.Count(recon.Pass))
	}
	if s.Facts != facts {
		t.Errorf("Facts = %+v, want %+v", s.Facts, facts)
	}
	sec := time.Second
	wantServices := []ServiceRow{
		{Service: NoService, Counts: [5]int{0, 0, 1, 2, 2}, Total: 5},
		{Service: "IDMatch5.0", Counts: [5]int{2, 1, 0, 0, 0}, Total: 3,
			Durations: Stats{Count: 3, Min: sec, Median: 2 * sec, P90: 3 * sec, Max: 3 * sec, Mean: 2 * sec}},
		{Service: "AgeMatch5.0", Counts: [5]int{1, 1, 0, 0, 0}, Total: 2,
			Durations: Stats{Count: 1, Min: 4 * sec, Median: 4 * sec, P90: 4 * sec, Max: 4 * sec, Mean: 4 * sec}},
	}
	if !reflect.DeepEqual(s.Services, wantServices) {
		t.Errorf("Services =\n%+v\nwant\n%+v", s.Services, wantServices)
	}
	wantIssues := []IssueRow{
		{Issue: "ALL CHECKS PASSED", Count: 2, ByClass: [5]int{2, 0, 0, 0, 0}},
		{Issue: "NO MATCH", Count: 2, ByClass: [5]int{0, 2, 0, 0, 0}},
		{Issue: "AGE NOT VERIFIED", Count: 1, ByClass: [5]int{0, 1, 0, 0, 0}},
		{Issue: "SSN CHECK FAILED", Count: 1, ByClass: [5]int{0, 1, 0, 0, 0}},
	}
	if !reflect.DeepEqual(s.Issues, wantIssues) {
		t.Errorf("Issues =\n%+v\nwant\n%+v", s.Issues, wantIssues)
	}
	wantStats := Stats{Count: 4, Min: time.Second, Median: 2500 * time.Millisecond, P90: 4 * time.Second, Max: 4 * time.Second, Mean: 2500 * time.Millisecond}
	if s.Durations != wantStats {
		t.Errorf("Durations = %+v, want %+v", s.Durations, wantStats)
	}

	// A second call gives the same, and the caller may scribble on what it got.
	s.Services[0].Total = -1
	s.Issues[0].Count = -1
	again := a.Summary(facts)
	s.Services[0].Total, s.Issues[0].Count = 5, 2
	if !reflect.DeepEqual(again, s) {
		t.Errorf("second Summary =\n%+v\nwant\n%+v", again, s)
	}

	// Adding after a Summary still counts.
	add(a, recon.Pass, "IDMatch5.0", 0, "NO MATCH")
	s3 := a.Summary(facts)
	if s3.Results != 11 || s3.Services[1].Total != 4 || s3.Durations.Min != 0 || s3.Durations.Count != 5 {
		t.Errorf("after another Add: Results %d, IDMatch total %d, min %v, count %d; want 11, 4, 0s, 5",
			s3.Results, s3.Services[1].Total, s3.Durations.Min, s3.Durations.Count)
	}
	if s3.Issues[0].Issue != "NO MATCH" || s3.Issues[0].Count != 3 {
		t.Errorf("after another Add: top issue %+v, want NO MATCH x3", s3.Issues[0])
	}
}

func TestAggregateDerivesWhenNil(t *testing.T) {
	a := NewAggregate()
	a.Add(decode(t, documentedBody), nil)
	s := a.Summary(Facts{})
	if len(s.Services) != 1 || s.Services[0].Service != "PhoneMatch5.0.Smart2FA.SMS" || s.Durations.Max != 32*time.Second {
		t.Errorf("Summary = %+v, want the documented service and a 32s duration", s)
	}
}

func TestAggregateEmpty(t *testing.T) {
	s := NewAggregate().Summary(Facts{})
	if s.Results != 0 || s.Durations != (Stats{}) || len(s.Services) != 0 || len(s.Issues) != 0 {
		t.Errorf("empty Summary = %+v", s)
	}
}

func TestSortTies(t *testing.T) {
	a := NewAggregate()
	for _, svc := range []string{"b", "a", "c", "c"} {
		add(a, recon.Pass, svc, -1, "Z", "y", "X")
	}
	s := a.Summary(Facts{})
	var services, issues []string
	for _, r := range s.Services {
		services = append(services, r.Service)
	}
	for _, r := range s.Issues {
		issues = append(issues, r.Issue)
	}
	if want := []string{"c", "a", "b"}; !reflect.DeepEqual(services, want) {
		t.Errorf("services = %q, want %q", services, want)
	}
	if want := []string{"X", "Z", "y"}; !reflect.DeepEqual(issues, want) { // byte order
		t.Errorf("issues = %q, want %q", issues, want)
	}
}

func TestStatsOf(t *testing.T) {
	s := time.Second
	tests := []struct {
		name string
		in   []time.Duration
		want Stats
	}{
		{"none", nil, Stats{}},
		{"one", []time.Duration{7 * s}, Stats{Count: 1, Min: 7 * s, Median: 7 * s, P90: 7 * s, Max: 7 * s, Mean: 7 * s}},
		{"two", []time.Duration{3 * s, 1 * s}, Stats{Count: 2, Min: s, Median: 2 * s, P90: 3 * s, Max: 3 * s, Mean: 2 * s}},
		{"odd", []time.Duration{5 * s, 1 * s, 4 * s, 2 * s, 3 * s}, Stats{Count: 5, Min: s, Median: 3 * s, P90: 5 * s, Max: 5 * s, Mean: 3 * s}},
		{
			// ranks: ceil(0.9*10) = 9 -> the 9th value
			"ten", []time.Duration{10 * s, 9 * s, 8 * s, 7 * s, 6 * s, 5 * s, 4 * s, 3 * s, 2 * s, 1 * s},
			Stats{Count: 10, Min: s, Median: 5500 * time.Millisecond, P90: 9 * s, Max: 10 * s, Mean: 5500 * time.Millisecond},
		},
		{
			// ceil(0.9*11) = 10 -> the 10th value
			"eleven", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
			Stats{Count: 11, Min: 1, Median: 6, P90: 10, Max: 11, Mean: 6},
		},
		{
			// ceil(0.9*20) = 18
			"twenty", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
			Stats{Count: 20, Min: 1, Median: 11, P90: 18, Max: 20, Mean: 11},
		},
		{
			// a median and a mean of 1.5ns round half up
			"rounding", []time.Duration{1, 2}, Stats{Count: 2, Min: 1, Median: 2, P90: 2, Max: 2, Mean: 2},
		},
		{
			// the mean 4/3ns rounds down
			"rounding down", []time.Duration{1, 1, 2}, Stats{Count: 3, Min: 1, Median: 1, P90: 2, Max: 2, Mean: 1},
		},
		{
			"extremes", []time.Duration{0, 1<<63 - 1}, Stats{Count: 2, Min: 0, Median: 1 << 62, P90: 1<<63 - 1, Max: 1<<63 - 1, Mean: 1 << 62},
		},
		{
			"all equal", []time.Duration{s, s, s, s}, Stats{Count: 4, Min: s, Median: s, P90: s, Max: s, Mean: s},
		},
		{
			// a sum far beyond int64 must not overflow
			"huge", []time.Duration{1<<63 - 1, 1<<63 - 1, 1<<63 - 3},
			Stats{Count: 3, Min: 1<<63 - 3, Median: 1<<63 - 1, P90: 1<<63 - 1, Max: 1<<63 - 1, Mean: 1<<63 - 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			if got := StatsOf(tt.in); got != tt.want {
				t.Errorf("StatsOf(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.in) {
				t.Errorf("StatsOf changed its input to %v", tt.in)
			}
		})
	}
}

func TestShare(t *testing.T) {
	tests := []struct {
		n, total int
		want     float64
	}{
		{0, 0, 0}, {5, 0, 0}, {1, 4, 0.25}, {4, 4, 1}, {0, 3, 0}, {1, -1, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d of %d", tt.n, tt.total), func(t *testing.T) {
			if got := Share(tt.n, tt.total); got != tt.want {
				t.Errorf("Share(%d, %d) = %v, want %v", tt.n, tt.total, got, tt.want)
			}
		})
	}
}

func TestAddAllocs(t *testing.T) {
	a := NewAggregate()
	r := &recon.Result{ID: "x", Class: recon.Fail}
	d := &Derived{Service: "IDMatch5.0", Issues: []string{"NO MATCH", "SSN CHECK FAILED"}, Duration: time.Second, HasDuration: true}
	a.Add(r, d) // first sight of the keys may allocate
	if n := testing.AllocsPerRun(500, func() { a.Add(r, d) }); n != 0 {
		t.Errorf("Add with known service and issues: %v allocs, want 0 (amortised)", n)
	}
}

func BenchmarkAdd(b *testing.B) {
	services := []string{"IDMatch5.0", "AgeMatch5.0", "PhoneMatch5.0.Smart2FA.SMS", "", "DCAMSPLUS5.0"}
	issues := [][]string{nil, {"ALL CHECKS PASSED"}, {"NO MATCH", "SSN CHECK FAILED"}, {"OUT-OF-BAND SUCCESSFUL"}}
	type pair struct {
		r *recon.Result
		d *Derived
	}
	var in []pair
	for i := range 64 {
		in = append(in, pair{
			r: &recon.Result{ID: fmt.Sprint(i), Class: recon.Classes[i%len(recon.Classes)]},
			d: &Derived{Service: services[i%len(services)], Issues: issues[i%len(issues)], Duration: time.Duration(i) * time.Second, HasDuration: i%3 != 0},
		})
	}
	a := NewAggregate()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := in[i%len(in)]
		a.Add(p.r, p.d)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "ids/s")
}

func BenchmarkSummary(b *testing.B) {
	a := NewAggregate()
	for i := range 1_000_000 {
		add(a, recon.Classes[i%5], "svc", time.Duration(i*7919%1_000_003)*time.Millisecond)
	}
	a.Summary(Facts{}) // the first call sorts; measure the repeat calls of a progress line
	b.ReportAllocs()
	for b.Loop() {
		a.Summary(Facts{})
	}
}
