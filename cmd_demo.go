package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/job"
	"github.com/vxrecon/vxrecon/sim"
)

// demoToken is the simulator's own token for the demo: not a secret, it never leaves loopback.
const demoToken = "demo-token"

func cmdDemo(ctx context.Context, args []string, e *env) int {
	n := 500
	c := job.Config{Out: "vxrecon-demo.xlsx", Concurrency: 16, PII: "mask", FileMode: 0o600}
	o := options{LogFormat: "auto", LogLevel: "info", Progress: "auto"}
	fs := newFlagSet("demo", "vxrecon demo [-out R.xlsx] [-n N]", false,
		"The demo starts the built-in simulated API on loopback and runs the whole job against it.\n"+
			"It reads no VXRECON_* variable, so it never touches a real run's files.\n")
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
	srv, err := sim.Start(sim.Options{Token: demoToken})
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon demo: start simulator: %v\n", err)
		return job.ExitIncomplete
	}
	defer srv.Close()

	c.Input, c.InputName = "-", "demo.csv"
	c.MaxErrorRate = 1 // the demo's errors are part of the show
	c.BaseURL = srv.URL
	c.Timeout = 5 * time.Second
	c.Retries = 3
	c.Token = demoToken
	c.Backoff = job.Backoff{Min: 20 * time.Millisecond, Max: 500 * time.Millisecond, RetryAfterMax: 250 * time.Millisecond}
	c.Version, _, _ = buildVersion()
	if err := c.Validate(); err != nil {
		return usageError(e, "demo", err)
	}
	return runJob(ctx, c, o, strings.NewReader(demoCSV(sim.DemoIDs(n))), nil, e)
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
