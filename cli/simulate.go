package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/vxrecon/vxrecon/files"

	"github.com/vxrecon/vxrecon/sim"
)

func cmdSimulate(ctx context.Context, args []string, e *env) int {
	addr := "127.0.0.1:8080"
	var o sim.Options
	fs := newFlagSet("simulate", "vxrecon simulate [-addr 127.0.0.1:8080]", false,
		"Serves the simulated VX API until interrupted. Any bearer token is accepted.\n"+
			"Try: VXRECON_TOKEN=x vxrecon run -input ids.csv -out r.xlsx -base-url http://127.0.0.1:8080\n")
	fs.StringVar(&addr, "addr", addr, "`host:port` to listen on")
	fs.DurationVar(&o.Latency, "latency", 0, "delay added to every answer")
	fs.Float64Var(&o.RateLimit, "rate-limit", 0, "result requests per second allowed, 0 = no limit; beyond it 429 with Retry-After")
	fs.IntVar(&o.RateBurst, "rate-burst", 0, "requests allowed at once after a quiet spell; 0 = one second's worth of -rate-limit")
	fs.Float64Var(&o.FaultRate, "fault-rate", 0, "share (0..1) of ids whose first attempt fails with -fault-status")
	fs.IntVar(&o.FaultStatus, "fault-status", 500, "HTTP `status` of those failures (400..599)")
	fs.IntVar(&o.Night, "night", 0, "nights since the first run: from 1 on, about half the sessions still in progress settle each night into PASS or FAIL")
	var idsFile string
	n := 10000
	fs.StringVar(&idsFile, "write-ids", "", "write a CSV `file` of -n sample ids (id-000001, …, answered from the default mix) and exit")
	fs.IntVar(&n, "n", n, "how many ids -write-ids writes")
	if code, ok := parseFlags(fs, args, e, false); !ok {
		return code
	}
	if idsFile != "" {
		return writeSampleIDs(idsFile, n, e)
	}
	if err := checkSimOptions(o); err != nil {
		fmt.Fprintf(e.stderr, "vxrecon simulate: %v\n", err)
		return exitUsage
	}
	err := sim.ListenAndServe(ctx, addr, o, func(url string) {
		fmt.Fprintf(e.stdout, "simulated VX API on %s (GET /api/session/result/{id}, POST /oauth/token)\n", url)
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon simulate: %v\n", err)
		return exitIncomplete
	}
	return exitOK
}

// checkSimOptions refuses the flag values the simulator would otherwise quietly read as
// something else (a negative rate as no limit) or fail on (a status net/http cannot send).
func checkSimOptions(o sim.Options) error {
	switch {
	case o.Latency < 0:
		return fmt.Errorf("-latency %s: want 0 or more", o.Latency)
	case !(o.RateLimit >= 0) || math.IsInf(o.RateLimit, 1):
		return fmt.Errorf("-rate-limit %g: want 0 (no limit) or a positive number", o.RateLimit)
	case o.RateBurst < 0:
		return fmt.Errorf("-rate-burst %d: want 0 (one second's worth) or more", o.RateBurst)
	case o.RateBurst > 0 && o.RateLimit == 0:
		return errors.New("-rate-burst needs -rate-limit")
	case !(o.FaultRate >= 0 && o.FaultRate <= 1):
		return fmt.Errorf("-fault-rate %g: want a share between 0 and 1", o.FaultRate)
	case o.FaultStatus < 400 || o.FaultStatus > 599:
		return fmt.Errorf("-fault-status %d: want an error status, 400..599", o.FaultStatus)
	case o.Night < 0:
		return fmt.Errorf("-night %d: want 0 (the first run) or more", o.Night)
	}
	return nil
}

// writeSampleIDs writes n sample ids, as a billed list holds them, for a first trial against
// the simulator; it never overwrites a file.
func writeSampleIDs(path string, n int, e *env) int {
	if n < 1 || n > 10_000_000 {
		fmt.Fprintf(e.stderr, "vxrecon simulate: -n %d: want 1 to 10000000\n", n)
		return exitUsage
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon simulate: -write-ids %s: %v\n", path, files.Bare(err))
		return exitUsage
	}
	w := bufio.NewWriter(f)
	w.WriteString("request_id\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, "id-%06d\n", i)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		fmt.Fprintf(e.stderr, "vxrecon simulate: -write-ids %s: %v\n", path, err)
		return exitIncomplete
	}
	fmt.Fprintf(e.stdout, "wrote %d sample ids to %s\n", n, path)
	return exitOK
}
