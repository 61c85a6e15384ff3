package batch

import (
	"encoding/json"
	"io"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// RunSummary is the machine-readable run summary written by -summary-json.
type RunSummary struct {
	Started    time.Time      `json:"started"`
	Finished   time.Time      `json:"finished"`
	Input      string         `json:"input"`
	BaseURL    string         `json:"base_url"`
	Version    string         `json:"version"`
	Complete   bool           `json:"complete"`
	Reason     string         `json:"reason,omitempty"`
	ExitCode   int            `json:"exit_code"`
	Workbook   string         `json:"workbook,omitempty"` // empty when it was not written
	Error      string         `json:"error,omitempty"`    // why a file could not be written
	Counts     map[string]int `json:"counts"`
	Results    int            `json:"results"`
	Rows       int            `json:"rows"`
	Duplicates int            `json:"duplicates"`
	Invalid    int            `json:"invalid"`
	Durations  DurationStats  `json:"journey_duration_seconds"`
	Billing    *BillingTotals `json:"billing,omitempty"` // with an amount column
	Changes    *ChangeCounts  `json:"changes,omitempty"` // with -previous
	Ledger     *LedgerSummary `json:"ledger,omitempty"`  // with -ledger
}

// LedgerSummary is what the ledger saved the run.
type LedgerSummary struct {
	Path          string `json:"path"` // any password redacted
	Reused        int    `json:"reused"`
	RequestsSaved int    `json:"requests_saved"`
	Runs          int    `json:"runs"` // runs in the ledger, this one included
}

// BillingTotals are the Billing sheet's bottom lines.
type BillingTotals struct {
	Lines          int     `json:"lines"`
	Amount         float64 `json:"amount"`
	DisputeLines   int     `json:"to_dispute_lines"`
	DisputeAmount  float64 `json:"to_dispute_amount"`
	DuplicateLines int     `json:"duplicate_lines"`
}

// ChangeCounts are the Summary's "Since previous run" counts.
type ChangeCounts struct {
	Changed   int `json:"changed"`
	New       int `json:"new"`
	Gone      int `json:"gone"`
	Unchanged int `json:"unchanged"`
}

// DurationStats are report.Stats in seconds.
type DurationStats struct {
	Count  int     `json:"count"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// NewRunSummary builds the run summary from the report summary; the caller sets Workbook and
// Error.
func NewRunSummary(s *report.Summary, exitCode int) RunSummary {
	counts := make(map[string]int, len(recon.Classes))
	for _, c := range recon.Classes {
		counts[string(c)] = s.Counts.Of(c)
	}
	d := s.Durations
	var bill *BillingTotals
	if b := s.Billing; b != nil {
		t, dis := b.Total(), b.Dispute()
		bill = &BillingTotals{Lines: t.Lines, Amount: t.Amount.Units(), DisputeLines: dis.Lines,
			DisputeAmount: dis.Amount.Units(), DuplicateLines: b.Row(report.BillDuplicates).Lines}
	}
	var ch *ChangeCounts
	if c := s.Changes; c != nil {
		ch = &ChangeCounts{Changed: c.Changed, New: c.New, Gone: c.Gone, Unchanged: c.Unchanged}
	}
	return RunSummary{
		Billing:    bill,
		Changes:    ch,
		Started:    s.Facts.Started,
		Finished:   s.Facts.Finished,
		Input:      s.Facts.Input,
		BaseURL:    s.Facts.BaseURL,
		Version:    s.Facts.Version,
		Complete:   s.Facts.Complete,
		Reason:     s.Facts.Reason,
		ExitCode:   exitCode,
		Counts:     counts,
		Results:    s.Results,
		Rows:       s.Rows,
		Duplicates: s.Duplicates,
		Invalid:    s.Invalid,
		Durations: DurationStats{
			Count:  d.Count,
			Min:    d.Min.Seconds(),
			Median: d.Median.Seconds(),
			P90:    d.P90.Seconds(),
			Max:    d.Max.Seconds(),
			Mean:   d.Mean.Seconds(),
		},
	}
}

// Write writes the run summary as indented JSON.
func (rs *RunSummary) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rs)
}
