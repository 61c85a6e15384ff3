package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/batch"
	"github.com/vxrecon/vxrecon/sim"
)

// demoToken is the simulator's own token for the demo: not a secret, it never leaves loopback.
const demoToken = "demo-token"

func cmdDemo(ctx context.Context, args []string, e *env) int {
	n := 500
	c := batch.Config{Out: "vxrecon-demo.xlsx", Concurrency: 16, PII: "mask", FileMode: 0o600}
	o := options{LogFormat: "auto", LogLevel: "info", Progress: "auto"}
	fs := newFlagSet("demo", "vxrecon demo [-out R.xlsx] [-n N]", false,
		"The demo starts the built-in simulated API on loopback and runs the whole job against it\n"+
			"twice, with a ledger in a temporary folder: last night's run quietly, then tonight's, which\n"+
			"reuses last night's final answers and compares with it, so the workbook shows what changed\n"+
			"overnight (Changes), what is still open and for how long (aging), and what it means in\n"+
			"money (Billing). It reads no VXRECON_* variable, so it never touches a real\n"+
			"run's files.\n")
	outputFlags(fs, &c)
	fs.IntVar(&n, "n", n, "number of generated request ids")
	concurrencyFlag(fs, &c)
	logFlags(fs, &o)
	if code, ok := parseFlags(fs, args, e, false); !ok { // the run's VXRECON_* vars must not steer the demo
		return code
	}
	if n < 1 || n > 2_000_000 {
		return usageError(e, "demo", fmt.Errorf("-n %d: want 1..2000000", n))
	}
	if err := o.validate(); err != nil {
		return usageError(e, "demo", err)
	}
	c.Input, c.InputName = "-", "demo.csv"
	c.MaxErrorRate = 1 // the demo's errors are part of the show
	c.Timeout = 5 * time.Second
	c.Retries = 3
	c.Token = demoToken
	c.Backoff = batch.Backoff{Min: 20 * time.Millisecond, Max: 500 * time.Millisecond, RetryAfterMax: 250 * time.Millisecond}
	c.Version, _, _ = buildVersion()
	ids := sim.DemoIDs(n + demoMoved)

	// Last night: a few ids that are gone tonight, none of tonight's last few.
	dir, err := os.MkdirTemp("", "vxrecon-demo-")
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon demo: %v\n", err)
		return batch.ExitIncomplete
	}
	defer os.RemoveAll(dir)
	last := c
	last.Out = filepath.Join(dir, "last-night.xlsx")
	last.Journal, last.SummaryJSON, last.MetricsFile = "", "", ""
	lastIDs := append(ids[:n-min(demoMoved, n-1):n-min(demoMoved, n-1)], ids[n:]...)
	// One simulated API for both nights, so that tonight reuses last night's final answers
	// from the ledger, as a nightly run does.
	srv, err := sim.Start(sim.Options{Token: demoToken})
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon demo: start simulator: %v\n", err)
		return batch.ExitIncomplete
	}
	defer srv.Close()
	c.BaseURL = srv.URL
	c.Ledger = filepath.Join(dir, "ledger.db")
	last.BaseURL, last.Ledger = c.BaseURL, c.Ledger
	tonight := time.Now()
	c.Night, last.Night = tonight.Format(time.DateOnly), tonight.AddDate(0, 0, -1).Format(time.DateOnly)
	if code := demoNight(ctx, last, lastIDs, nil, e); code != batch.ExitOK {
		return code
	}
	// Tonight: some sessions in progress last night have ended.
	srv.SetNight(1) // Changes compares with last night's run in the ledger
	return demoNight(ctx, c, ids[:n], &o, e)
}

// demoMoved is how many ids the demo's two nights do not share: gone since last night, and
// new tonight.
const demoMoved = 3

// demoNight runs one night of the demo. o is nil for the quiet first night: only errors are
// logged, and nothing goes to stdout.
func demoNight(ctx context.Context, c batch.Config, ids []string, o *options, e *env) int {
	if err := c.Validate(); err != nil {
		return usageError(e, "demo", err)
	}
	in := strings.NewReader(demoCSV(ids))
	if o != nil {
		return runJob(ctx, c, *o, in, nil, e)
	}
	out := batch.Run(ctx, c, in, newLogger(e.stderr, "json", "error", false), nil)
	if out.Status == batch.BadInput {
		return usageError(e, "demo", out.Err)
	}
	return out.Status.ExitCode()
}

// demoCSV builds the demo's input: a request id column among the customer's own columns, with a
// repeated id and invalid rows, as real billing exports have them.
func demoCSV(ids []string) string {
	var b strings.Builder
	b.WriteString("customer_ref,request_id,amount\r\n")
	for i, id := range ids {
		fmt.Fprintf(&b, "CUST-%05d,%s,%d.%02d\r\n", i+1, id, 1+i%9, (i*37)%100)
		if i == len(ids)/3 && i > 0 {
			fmt.Fprintf(&b, "CUST-%05d,%s,%d.00\r\n", i+1, ids[0], 1) // billed twice
			b.WriteString("CUST-BAD1,\"not/a valid id\",0.00\r\n")
			b.WriteString("CUST-BAD2,,0.00\r\n")
		}
	}
	return b.String()
}
