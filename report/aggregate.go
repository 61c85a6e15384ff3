package report

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// NoService is the service name under which results without a dcams_plus.service are counted.
const NoService = "(none)"

// Aggregate accumulates the figures of the Summary and Issues sheets as results stream past,
// so the run never needs all results in memory at once. Add runs once per result (a million
// of them in a big run) and allocates only when it first meets a service or an issue, plus
// the amortised growth of one 8-byte duration per result. An Aggregate is not safe for
// concurrent use; the zero value is not ready, use NewAggregate.
type Aggregate struct {
	counts recon.Counts

	// services holds each service's counts and durations; the overall duration statistics
	// are merged from the services' sorted durations (mergedStats), so a duration is kept
	// once, 8 bytes, and the per-service quantiles are exact too.
	services   []serviceEntry
	serviceIdx map[string]int

	issues   []issueEntry
	issueIdx map[string]int
	seq      int // results added, stamps issueEntry.last to count an issue once per result

	histogram [numBuckets]int

	rows, duplicates, invalid int
}

// serviceEntry is a ServiceRow with the service's journey durations.
type serviceEntry struct {
	ServiceRow
	durations []time.Duration
	sorted    bool
}

// issueEntry is an IssueRow with the number of the last result that counted it.
type issueEntry struct {
	IssueRow
	last int
}

// NewAggregate returns an empty Aggregate.
func NewAggregate() *Aggregate {
	return &Aggregate{
		serviceIdx: make(map[string]int),
		issueIdx:   make(map[string]int),
	}
}

// Add counts one result: its class, its service by class, each distinct issue once, and its
// journey duration when it has one. d is the result's Derive output, passed in because the
// caller computes it anyway for the sheets; when nil, Add derives it. Input-level figures
// come from SetInput. A nil result is ignored.
func (a *Aggregate) Add(r *recon.Result, d *Derived) {
	if r == nil {
		return
	}
	if d == nil {
		v := Derive(r)
		d = &v
	}
	a.seq++
	ci := r.Class.Index()
	if ci < 0 {
		ci = recon.Error.Index() // a class the code does not know is a fault, and faults are errors
	}
	a.counts[ci]++

	name := d.Service
	if name == "" {
		name = NoService
	}
	i, ok := a.serviceIdx[name]
	if !ok {
		name = strings.Clone(name) // don't pin the decoded body behind a map key
		i = len(a.services)
		a.services = append(a.services, serviceEntry{ServiceRow: ServiceRow{Service: name}, sorted: true})
		a.serviceIdx[name] = i
	}
	sv := &a.services[i]
	sv.Counts[ci]++
	sv.Total++

	for _, s := range d.Issues {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		j, ok := a.issueIdx[s]
		if !ok {
			s = strings.Clone(s)
			j = len(a.issues)
			a.issues = append(a.issues, issueEntry{IssueRow: IssueRow{Issue: s}})
			a.issueIdx[s] = j
		}
		e := &a.issues[j]
		if e.last == a.seq {
			continue // a repeat within this result
		}
		e.last = a.seq
		e.Count++
		e.ByClass[ci]++
	}

	if d.HasDuration && d.Duration >= 0 {
		sv.durations = append(sv.durations, d.Duration)
		sv.sorted = false
		a.histogram[bucketOf(d.Duration)]++
	}
}

// SetInput records the input-level figures: data rows read, lines repeating an id, and
// invalid rows. They come from the input, not from the results.
func (a *Aggregate) SetInput(rows, duplicates, invalid int) {
	a.rows, a.duplicates, a.invalid = rows, duplicates, invalid
}

// Summary returns the figures so far with the run's facts. It may be called any number of
// times, also between Adds (for a progress line or an interrupted run); the slices it returns
// are the caller's own. Durations, and each service's, follow the rules of StatsOf;
// Histogram counts the same durations by Buckets. Services are sorted by Total descending
// then name, Issues by Count descending then text (byte order, so the sheets come out the
// same on every run). Billing and Changes are left nil: they come from a Ledger and a
// Changes, which the caller keeps when the run has amounts or a previous run.
func (a *Aggregate) Summary(f Facts) Summary {
	s := Summary{
		Facts:      f,
		Counts:     a.counts,
		Rows:       a.rows,
		Duplicates: a.duplicates,
		Invalid:    a.invalid,
	}
	for _, n := range a.counts {
		s.Results += n
	}
	runs := make([][]time.Duration, len(a.services))
	s.Services = make([]ServiceRow, len(a.services))
	for i := range a.services {
		sv := &a.services[i]
		if !sv.sorted {
			// Sorting in place loses nothing (the order of durations carries no meaning)
			// and spares a copy of up to a million values on every call.
			slices.Sort(sv.durations)
			sv.sorted = true
		}
		runs[i] = sv.durations
		s.Services[i] = sv.ServiceRow
		s.Services[i].Durations = statsSorted(sv.durations)
	}
	s.Durations = mergedStats(runs)
	s.Histogram = Buckets()
	for i := range s.Histogram {
		s.Histogram[i].Count = a.histogram[i]
	}
	slices.SortFunc(s.Services, func(x, y ServiceRow) int {
		return cmp.Or(cmp.Compare(y.Total, x.Total), strings.Compare(x.Service, y.Service))
	})
	s.Issues = make([]IssueRow, len(a.issues))
	for i, e := range a.issues {
		s.Issues[i] = e.IssueRow
	}
	slices.SortFunc(s.Issues, func(x, y IssueRow) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Issue, y.Issue))
	})
	return s
}

// StatsOf computes duration statistics over ds, which it leaves untouched. Summary uses the
// same rules, stated here so a reader of the workbook can check them:
//
//   - Min, Max: the smallest and largest value;
//   - Median: the middle value, or for an even count the mean of the two middle values
//     (rounded half up to the nanosecond);
//   - P90: the nearest-rank 90th percentile, the value at rank ceil(0.9*N) (1-based) of the
//     sorted values, so always one of the observed durations;
//   - Mean: the exact mean, rounded half up to the nanosecond (the sum is kept in 128 bits,
//     so no total overflows).
//
// With no values every field is zero. Negative values are not expected (ParseDuration and
// Derive never give one).
func StatsOf(ds []time.Duration) Stats { return statsSorted(slices.Sorted(slices.Values(ds))) }

// statsSorted is StatsOf for durations already in ascending order.
func statsSorted(ds []time.Duration) Stats {
	return statsAt(len(ds), func(k int) time.Duration { return ds[k] }, [][]time.Duration{ds})
}

// mergedStats is StatsOf over the union of runs, each in ascending order, without merging
// them into one slice: the quantiles are found by their value (kthOfRuns).
func mergedStats(runs [][]time.Duration) Stats {
	n := 0
	for _, r := range runs {
		n += len(r)
	}
	return statsAt(n, func(k int) time.Duration { return kthOfRuns(runs, k) }, runs)
}

// statsAt computes the Stats of n values given the k-th smallest (0-based) by at, and the
// values themselves for the mean.
func statsAt(n int, at func(k int) time.Duration, runs [][]time.Duration) Stats {
	if n == 0 {
		return Stats{}
	}
	st := Stats{Count: n, Min: at(0), Max: at(n - 1)}
	if n%2 == 1 {
		st.Median = at(n / 2)
	} else {
		lo, hi := at(n/2-1), at(n/2)
		st.Median = lo + (hi-lo)/2 + (hi-lo)%2 // half up, without overflow
	}
	st.P90 = at((9*n+9)/10 - 1) // ceil(9n/10) - 1, in integers
	st.Mean = mean(runs, n)
	return st
}

// kthOfRuns returns the k-th smallest value (0-based) of the union of ascending runs: the
// least value v with more than k values at or below it, found by bisecting the values
// (at most 64 steps, each a binary search per run), so nothing is copied.
func kthOfRuns(runs [][]time.Duration, k int) time.Duration {
	lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
	for _, r := range runs {
		if len(r) > 0 {
			lo, hi = min(lo, r[0]), max(hi, r[len(r)-1])
		}
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		atOrBelow := 0
		for _, r := range runs {
			atOrBelow += sort.Search(len(r), func(i int) bool { return r[i] > mid })
		}
		if atOrBelow > k {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// mean returns the mean of the n non-negative durations in runs, rounded half up, without
// overflow.
func mean(runs [][]time.Duration, n int) time.Duration {
	var hi, lo uint64
	for _, ds := range runs {
		for _, d := range ds {
			var c uint64
			lo, c = bits.Add64(lo, uint64(max(d, 0)), 0)
			hi += c
		}
	}
	un := uint64(n)
	// Each value is below 2^63, so hi < n/2 and the quotient fits 64 bits, indeed 63.
	q, r := bits.Div64(hi, lo, un)
	if r >= un-r {
		q++
	}
	return time.Duration(q)
}

// Share returns n as a fraction of total, 0 when total is not positive, for the percentage
// cells beside the counts.
func Share(n, total int) float64 {
	if total <= 0 {
		return 0
	}
	return float64(n) / float64(total)
}
