package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/sim"
	"github.com/vxrecon/vxrecon/vx"
)

// demoToken is the simulator's own token for the demo: not a secret, it never leaves loopback.
const demoToken = "demo-token"

func cmdDemo(ctx context.Context, args []string, e *env) int {
	var c jobConfig
	n := 500
	fs := newFlagSet("demo", "vxrecon demo [-out R.xlsx] [-n N]", e.stderr,
		"The demo starts the built-in simulated API on loopback and runs the whole job against it.\n"+
			"It reads no VXRECON_* variable, so it never touches a real run's files.\n")
	fs.StringVar(&c.Out, "out", "vxrecon-demo.xlsx", "the .xlsx `path` to write")
	fs.IntVar(&n, "n", n, "number of generated request ids")
	fs.IntVar(&c.Concurrency, "concurrency", 16, "requests in flight at most")
	fs.StringVar(&c.PII, "pii", "mask", "personal fields in the workbook: mask, omit or full")
	fs.StringVar(&c.LogFormat, "log-format", "auto", "json or console; auto = console on a terminal, JSON otherwise")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.Progress, "progress", "auto", "progress bar on stderr: auto, on or off")
	fs.StringVar(&c.Journal, "journal", "", "JSON-lines `file` of every answer")
	fs.StringVar(&c.SummaryJSON, "summary-json", "", "`file` to write the run summary to")
	if code, ok := parseFlags(fs, args, e, false); !ok { // the run's VXRECON_* vars must not steer the demo
		return code
	}
	if n < 1 || n > 2_000_000 {
		fmt.Fprintf(e.stderr, "vxrecon demo: -n %d: want 1..2000000\n", n)
		return exitUsage
	}
	srv, err := sim.Start(sim.Options{Token: demoToken})
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon demo: start simulator: %v\n", err)
		return exitIncomplete
	}
	defer srv.Close()

	c.Input = "-"
	c.MaxErrorRate = 1 // the demo's errors are part of the show
	c.BaseURL = srv.URL
	c.Timeout = 5 * time.Second
	c.Retries = 3
	c.creds = vx.Credentials{Token: demoToken}
	c.tuneBatch = func(b *vx.Config) {
		b.BackoffMin, b.BackoffMax = 20*time.Millisecond, 500*time.Millisecond
		b.RetryAfterMax = 2 * time.Second
	}
	if err := c.validate(); err != nil {
		fmt.Fprintf(e.stderr, "vxrecon demo: %v\n", err)
		return exitUsage
	}
	code, _ := runJob(ctx, &c, strings.NewReader(demoCSV(sim.DemoIDs(n))), "demo.csv", e)
	return code
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
