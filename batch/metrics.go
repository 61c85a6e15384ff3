package batch

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
	"github.com/vxrecon/vxrecon/vx"
)

// Metrics are what -metrics-file tells a monitoring system about the last run.
type Metrics struct {
	Finished time.Time
	Duration time.Duration
	ExitCode int
	Complete bool // every id classified and the workbook written
	Summary  *report.Summary
	API      vx.Stats // requests by status code, retries
	Reused   int      // answers taken from the journal or the ledger instead of the API
}

// metric is one family of the file: name, type, help, and its samples as label → value.
type metric struct {
	name, typ, help string
	samples         []sample
}

type sample struct {
	labels string // `{class="PASS"}` or ""
	value  float64
}

// WriteMetrics writes m in the Prometheus text exposition format, for node_exporter's
// textfile collector (docs/SPEC.md "-metrics-file"): every family with its HELP and TYPE.
func WriteMetrics(w io.Writer, m Metrics) error {
	bw := bufio.NewWriter(w)
	for _, f := range m.families() {
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for _, s := range f.samples {
			fmt.Fprintf(bw, "%s%s %s\n", f.name, s.labels, strconv.FormatFloat(s.value, 'g', -1, 64))
		}
	}
	return bw.Flush()
}

func (m Metrics) families() []metric {
	s := m.Summary
	one := func(v float64) []sample { return []sample{{value: v}} }
	results := make([]sample, 0, recon.NumClasses)
	for _, c := range recon.Classes {
		results = append(results, sample{labels: `{class="` + string(c) + `"}`, value: float64(s.Count(c))})
	}
	codes := make([]string, 0, len(m.API.Requests))
	for code := range m.API.Requests {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	requests := make([]sample, 0, len(codes))
	for _, code := range codes {
		requests = append(requests, sample{labels: `{code="` + code + `"}`, value: float64(m.API.Requests[code])})
	}
	complete := 0.0
	if m.Complete {
		complete = 1
	}
	return []metric{
		{"vxrecon_last_run_timestamp_seconds", "gauge", "When the last run finished, in Unix seconds.", one(float64(m.Finished.UnixMilli()) / 1000)},
		{"vxrecon_last_run_duration_seconds", "gauge", "How long the last run took.", one(roundMillis(m.Duration))},
		{"vxrecon_last_run_exit_code", "gauge", "The exit code of the last run (0 done, 1 errors over the limit or cut short, 3 credentials refused).", one(float64(m.ExitCode))},
		{"vxrecon_last_run_complete", "gauge", "1 when the last run classified every id and wrote its workbook, else 0.", one(complete)},
		{"vxrecon_results", "gauge", "Request ids of the last run by class.", results},
		{"vxrecon_ids", "gauge", "Unique valid request ids of the last run.", one(float64(s.Results))},
		{"vxrecon_duplicates", "gauge", "Input lines of the last run that repeated an id.", one(float64(s.Duplicates))},
		{"vxrecon_invalid_rows", "gauge", "Input lines of the last run whose id could not be requested.", one(float64(s.Invalid))},
		{"vxrecon_last_run_requests", "gauge", "Requests the last run sent to the API, by status code (transport: no answer).", requests},
		{"vxrecon_last_run_retries", "gauge", "Retries the last run made.", one(float64(m.API.Retries))},
		{"vxrecon_last_run_reused", "gauge", "Answers the last run took from its journal or ledger instead of asking the API.", one(float64(m.Reused))},
		// The names before the gauges, kept as they were for one release: they are no true
		// counters (each run starts them from zero), so a rate() over them means nothing.
		{"vxrecon_requests_total", "counter", "Deprecated: use vxrecon_last_run_requests (removed in the next release). Requests the last run sent, by status code.", requests},
		{"vxrecon_retries_total", "counter", "Deprecated: use vxrecon_last_run_retries (removed in the next release). Retries the last run made.", one(float64(m.API.Retries))},
	}
}
