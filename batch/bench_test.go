package batch

import (
	"io"
	"testing"

	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
	"github.com/vxrecon/vxrecon/sim"
	"github.com/vxrecon/vxrecon/vx"
)

// BenchmarkResultPath measures what the job does for one id once its answer is in, the same
// calls as Run (run.record): decode and classify the body, derive the journey
// figures, add them to the running aggregates and write the Results and Journeys rows.
// Bodies are the simulator's PASS answers (1 to 4 journey stops), 1,024 different ids in turn.
// HTTP is left out (see bench/bench.sh for the whole run, and BenchmarkRun in ./vx).
func BenchmarkResultPath(b *testing.B) {
	const n = 1024
	ids, bodies := passAnswers(n)
	wb, err := output.NewWorkbook(output.Options{TempDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer wb.Close()
	r := &run{agg: report.NewAggregate(), wb: wb}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := i % n
		rec := recon.Record{ID: ids[k], Line: i + 2}
		res := vx.Classify(ids[k], 200, bodies[k])
		if res.Class != recon.Pass {
			b.Fatalf("%s: %s %s", ids[k], res.Class, res.Err)
		}
		if err := r.record(i, &rec, &res); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ids/s")
}

// passAnswers returns n simulator PASS ids and their 200 bodies.
func passAnswers(n int) (ids []string, bodies [][]byte) {
	ids, bodies = make([]string, n), make([][]byte, n)
	for i := range n {
		ids[i] = sim.ID(sim.CasePass, i+1)
		bodies[i] = sim.SessionBody(ids[i])
	}
	return ids, bodies
}

// BenchmarkWorkbook20k measures the result path for 20,000 ids and the workbook written at
// the end (the zip, deflated), per id.
func BenchmarkWorkbook20k(b *testing.B) {
	const n = 20000
	ids, bodies := passAnswers(n)
	b.ReportAllocs()
	for b.Loop() {
		wb, err := output.NewWorkbook(output.Options{TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		r := &run{agg: report.NewAggregate(), wb: wb}
		for i := range n {
			rec := recon.Record{ID: ids[i], Line: i + 2}
			res := vx.Classify(ids[i], 200, bodies[i])
			if err := r.record(i, &rec, &res); err != nil {
				b.Fatal(err)
			}
		}
		sum := r.agg.Summary(report.Facts{Complete: true})
		if err := wb.WriteTo(io.Discard, &sum); err != nil {
			b.Fatal(err)
		}
		wb.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "ids/s")
}
