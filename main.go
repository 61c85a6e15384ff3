// Command vxrecon reconciles VX identity-verification results: it reads request ids from a
// CSV or xlsx file, asks the VX API for each session's result, classifies them and writes one
// Excel workbook. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/vxrecon/vxrecon/files"
)

func main() {
	// A closed stdout or stderr (a pipe whose reader left, as cron and systemd pipelines do)
	// must not kill the run: writes to them fail with EPIPE instead, the logger stops, and
	// the job finishes and writes its files with the exit code the process returns.
	signal.Ignore(syscall.SIGPIPE)
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal asks for a clean stop: no new requests, the workbook written
		// with what was fetched. The second ends the process at once, but first removes the
		// temporary file of a workbook or summary being written, so nothing half-written stays.
		<-sigs
		cancel()
		<-sigs
		files.RemoveTemps()
		os.Exit(exitIncomplete)
	}()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}
