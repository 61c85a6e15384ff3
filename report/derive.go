package report

import (
	"slices"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// Derive computes the per-result values the sheets and the aggregates need from a result's
// session. Results without a session (202, 404, errors) give a zero Derived. A session
// without a journey still gives its service and issues, with no stops and no duration.
//
// The duration is journey.duration when ParseDuration can read it, else the span between the
// earliest and latest readable stop times when there are at least two. Started and Finished
// are the first and last readable stop times; should the times go backwards they are the
// earliest and latest, so Finished never precedes Started.
func Derive(r *recon.Result) Derived { return derive(r, true) }

// DeriveBrief is Derive for what a record of the answer needs (service, issues, duration):
// when the journey gives its duration, the stops' times are not read, and Stops, Started and
// Finished stay empty. Reading every stop's time was most of Derive.
func DeriveBrief(r *recon.Result) Derived { return derive(r, false) }

func derive(r *recon.Result, stopTimes bool) Derived {
	var d Derived
	if r == nil || r.Session == nil {
		return d
	}
	s := r.Session
	if s.Plus != nil {
		d.Service = strings.TrimSpace(s.Plus.Service)
		d.Issues = dedupe(s.Plus.Issues)
	}
	j := s.Journey
	if j == nil {
		return d
	}
	if v, good := ParseDuration(j.Duration); good {
		d.Duration, d.HasDuration = v, true
		if !stopTimes {
			return d
		}
	}
	ok := 0
	if len(j.Stops) > 0 {
		d.Stops = make([]StopTime, len(j.Stops))
		var first time.Time // the first readable stop: Elapsed counts from it
		for i, st := range j.Stops {
			at, good := ParseStopTime(st.Timestamp)
			if !good {
				continue
			}
			if ok == 0 {
				first = at
				d.Started, d.Finished = at, at
			}
			ok++
			d.Stops[i] = StopTime{At: at, Elapsed: at.Sub(first), OK: true}
			if at.Before(d.Started) {
				d.Started = at
			}
			if at.After(d.Finished) {
				d.Finished = at
			}
		}
	}
	if !d.HasDuration && ok >= 2 {
		d.Duration, d.HasDuration = d.Finished.Sub(d.Started), true
	}
	return d
}

// dedupe trims the issue strings, drops empty ones and keeps the first of each repeat, in
// order. It returns nil when nothing is left.
func dedupe(in []string) []string {
	var out []string
	var seen map[string]struct{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if len(in) > 16 { // a map only when a quadratic scan could hurt
			if seen == nil {
				seen = make(map[string]struct{}, len(in))
			}
			if _, dup := seen[s]; dup {
				continue
			}
			seen[s] = struct{}{}
		} else if slices.Contains(out, s) {
			continue
		}
		out = append(out, s)
	}
	return out
}
