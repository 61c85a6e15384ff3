package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vxrecon/vxrecon/sim"
)

func cmdSimulate(ctx context.Context, args []string, e *env) int {
	addr := "127.0.0.1:8080"
	var latency time.Duration
	fs := newFlagSet("simulate", "vxrecon simulate [-addr 127.0.0.1:8080]", false,
		"Serves the simulated VX API until interrupted. Any bearer token is accepted.\n"+
			"Try: VXRECON_TOKEN=x vxrecon run -input ids.csv -out r.xlsx -base-url http://127.0.0.1:8080\n")
	fs.StringVar(&addr, "addr", addr, "`host:port` to listen on")
	fs.DurationVar(&latency, "latency", 0, "delay added to every answer")
	if code, ok := parseFlags(fs, args, e, false); !ok {
		return code
	}
	err := sim.ListenAndServe(ctx, addr, sim.Options{Latency: latency}, func(url string) {
		fmt.Fprintf(e.stdout, "simulated VX API on %s (GET /api/session/result/{id}, POST /oauth/token)\n", url)
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon simulate: %v\n", err)
		return exitIncomplete
	}
	return exitOK
}
