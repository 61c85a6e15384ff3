package job

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

// NewRunSummary builds the run summary from the report summary.
func NewRunSummary(s *report.Summary, exitCode int, workbook string) RunSummary {
	counts := make(map[string]int, len(recon.Classes))
	for _, c := range recon.Classes {
		counts[string(c)] = s.Counts.Of(c)
	}
	d := s.Durations
	return RunSummary{
		Started:    s.Facts.Started,
		Finished:   s.Facts.Finished,
		Input:      s.Facts.Input,
		BaseURL:    s.Facts.BaseURL,
		Version:    s.Facts.Version,
		Complete:   s.Facts.Complete,
		Reason:     s.Facts.Reason,
		ExitCode:   exitCode,
		Workbook:   workbook,
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
