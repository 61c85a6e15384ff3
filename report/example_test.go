package report_test

import (
	"encoding/json"
	"fmt"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// Example derives the journey values of the API's documented answer and aggregates it with a
// 404, as a run does for every result.
func Example() {
	var s recon.Session
	_ = json.Unmarshal([]byte(`{
		"request_id": "19fe3b9e-384e-41d1-bded-8de9ef3abacb", "status": "PASS",
		"dcams_plus": {"service": "PhoneMatch5.0.Smart2FA.SMS", "issues": ["OUT-OF-BAND SUCCESSFUL"]},
		"journey": {"duration": "00h 00m 32s", "stops": [
			{"timestamp": "2024-08-19 20:56:25.223174"},
			{"timestamp": "2024-08-19 20:56:41.280685"},
			{"timestamp": "2024-08-19 20:56:57.448256"}]}}`), &s)
	pass := &recon.Result{ID: s.RequestID, Class: recon.Pass, Session: &s}
	missing := &recon.Result{ID: "0a1b2c", Class: recon.NotFound, HTTPStatus: 404}

	agg := report.NewAggregate()
	for _, r := range []*recon.Result{pass, missing} {
		d := report.Derive(r)
		agg.Add(r, &d)
		if r == pass {
			fmt.Println("duration:", d.Duration, "started:", d.Started.Format("2006-01-02 15:04:05.000000 MST"))
			fmt.Println("last stop after:", d.Stops[2].Elapsed)
		}
	}
	agg.SetInput(3, 1, 0)
	sum := agg.Summary(report.Facts{Input: "ids.csv", Complete: true})
	fmt.Printf("results %d of %d rows, %d duplicate; PASS %d (%.0f%%)\n",
		sum.Results, sum.Rows, sum.Duplicates, sum.Count(recon.Pass), 100*report.Share(sum.Count(recon.Pass), sum.Results))
	for _, row := range sum.Services {
		fmt.Println("service:", row.Service, row.Total)
	}
	fmt.Println("median:", sum.Durations.Median)
	// Output:
	// duration: 32s started: 2024-08-19 20:56:25.223174 UTC
	// last stop after: 32.225082s
	// results 2 of 3 rows, 1 duplicate; PASS 1 (50%)
	// service: (none) 1
	// service: PhoneMatch5.0.Smart2FA.SMS 1
	// median: 32s
}

func ExampleParseDuration() {
	for _, raw := range []string{`"00h 01m 14s"`, `"26h 03m 10s"`, `21000`, `"00:01:14"`, `null`, `-5`} {
		d, ok := report.ParseDuration([]byte(raw))
		fmt.Println(raw, d, ok)
	}
	// Output:
	// "00h 01m 14s" 1m14s true
	// "26h 03m 10s" 26h3m10s true
	// 21000 21s true
	// "00:01:14" 1m14s true
	// null 0s false
	// -5 0s false
}
