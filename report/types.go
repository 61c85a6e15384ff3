// Package report aggregates classified results into the figures the workbook shows: counts
// per class, duplicates, invalid rows, journey durations and their statistics (overall, by
// service, and as a histogram), issues, and counts by service and class (Aggregate); the
// billed amounts by class and service (Ledger); and the comparison with a previous run
// (Changes). It is pure: no I/O, and the clock comes in as a value.
package report

import (
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// Derived holds the per-result values computed from a Result's session, for the Results and
// Journeys sheets and for the aggregates.
type Derived struct {
	Service     string        // dcams_plus.service, or "" (the aggregates file it under "(none)")
	Issues      []string      // dcams_plus.issues, de-duplicated, order kept
	Duration    time.Duration // journey duration
	HasDuration bool          // false when neither journey.duration nor two stop times are usable
	Started     time.Time     // first stop time (UTC, as the API gives no zone), zero if none
	Finished    time.Time     // last stop time, zero if none
	Stops       []StopTime    // one per journey stop, same order as Session.Journey.Stops
	// With a ledger: the night the id was first recorded (zero without a ledger), and the
	// nights it has been open (0 when final). Set by the caller, not by Derive.
	FirstSeen  time.Time
	NightsOpen int
}

// StopTime is one journey stop's parsed time and its time since the first stop.
type StopTime struct {
	At      time.Time     // zero when the timestamp is unreadable
	Elapsed time.Duration // since the first stop with a readable time
	OK      bool
}

// Facts are the run's own facts for the Summary.
type Facts struct {
	Started  time.Time
	Finished time.Time
	Input    string // input file name (base name) or "stdin"
	BaseURL  string // API host, without credentials
	Version  string
	Complete bool
	Reason   string // why the run is INCOMPLETE ("interrupted", "API unavailable", "credentials refused"), "" when complete
	// Ledger is what the run's ledger saved, nil without a ledger.
	Ledger *LedgerFacts
}

// LedgerFacts are what a ledger saved a run: answers reused instead of asked for, and the
// requests they took when they were fetched.
type LedgerFacts struct {
	Reused, RequestsSaved int
}

// Status is how the run ended as the Summary and the logs say it: COMPLETE or INCOMPLETE.
func (f Facts) Status() string {
	if f.Complete {
		return "COMPLETE"
	}
	return "INCOMPLETE"
}

// Stats are duration statistics over the results that have a journey duration.
type Stats struct {
	Count                       int
	Min, Median, P90, Max, Mean time.Duration
}

// ServiceRow counts one service's results by class, with the statistics of their journey
// durations.
type ServiceRow struct {
	Service   string
	Counts    recon.Counts
	Total     int
	Durations Stats // over the service's results that have a journey duration
}

// IssueRow counts one distinct issue string: results carrying it, overall and per class.
type IssueRow struct {
	Issue   string
	Count   int
	ByClass recon.Counts
}

// Summary is everything the Summary, Issues and summary JSON need.
type Summary struct {
	Facts      Facts
	Counts     recon.Counts // per class
	Results    int          // unique valid ids classified (sum of Counts)
	Rows       int          // data rows read
	Duplicates int          // lines repeating an id already seen
	Invalid    int          // invalid rows
	Durations  Stats
	Histogram  []Bucket     // the journey durations by Buckets, every bucket in order
	Services   []ServiceRow // sorted by Total descending, then name
	Issues     []IssueRow   // sorted by Count descending, then text

	// Billing is set by the caller (from a Ledger) when the input has an amount column: the
	// workbook then adds the Billing sheet and the Summary's billed total and amount to
	// dispute. Nil means no amounts.
	Billing *Billing
	// Changes is set by the caller (from Changes.Result) when there is a previous run: the
	// workbook then adds the Changes sheet and the Summary's "Since previous run". Nil means
	// no previous run.
	Changes *ChangeSet
	// Aging and Nights are set by the caller when the run has a ledger: "Open items by age"
	// (every band, in AgeBands order) and "Last 30 nights" (oldest first, this run's night
	// last). Nil means no ledger.
	Aging  []AgeRow
	Nights []Night
	// Period is set for a month-end workbook (vxrecon report): the Summary says which runs it
	// drew from, or that the period has none.
	Period *Period
}

// Count returns the number of results of class c.
func (s *Summary) Count(c recon.Class) int { return s.Counts.Of(c) }
