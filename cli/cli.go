// Package cli is vxrecon's command line: one file per subcommand (run, check, demo,
// simulate, report, version, help), the flags and env vars, the credentials, the logger and the
// progress bar. Flags and env vars are read here and nowhere else; the packages below get
// plain config structs. Main is the whole program; package main only calls it.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/vxrecon/vxrecon/batch"
	"github.com/vxrecon/vxrecon/files"
)

// stamp is the version package main was built with (-X main.version=…), or "".
var stamp string

// Main is the whole program, for package main: it runs the command in os.Args with the
// process's environment, standard files and signals, and returns the exit code. version is
// the build's stamp, "" when none.
func Main(version string) int {
	stamp = version
	// A closed stdout or stderr (a pipe whose reader left, as cron and systemd pipelines do)
	// must not kill the run: writes to them fail with EPIPE instead, the logger stops, and
	// the job finishes and writes its files with the exit code the process returns.
	signal.Ignore(syscall.SIGPIPE)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
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
	return run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
}

// env is what a command receives from the outside world; nothing else reads the process state.
type env struct {
	// fromEnv are the flags the last parseFlags set from their env vars, so that a value
	// refused later is named as the person wrote it (VXRECON_PII, not -pii).
	fromEnv map[string]bool
	getenv  func(string) string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

// run is the whole program for the given arguments and outside world (Main gives it the
// process's); it returns the exit code. The tests run it as a whole, in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], e)
	case "check":
		return cmdCheck(ctx, args[1:], e)
	case "demo":
		return cmdDemo(ctx, args[1:], e)
	case "simulate":
		return cmdSimulate(ctx, args[1:], e)
	case "report":
		return cmdReport(ctx, args[1:], e)
	case "version", "-version", "--version":
		return cmdVersion(e)
	case "help", "-h", "-help", "--help":
		return cmdHelp(ctx, args[1:], e)
	default:
		fmt.Fprintf(stderr, "vxrecon: unknown command %q\n\n%s", args[0], usageText)
		return exitUsage
	}
}

// memoryLimit is the heap the garbage collector aims to stay under unless GOMEMLIMIT says
// otherwise: a run's live data is far smaller (about 60 MB at a million ids), and without a
// limit the heap grows to twice the live data between collections.
const memoryLimit = 192 << 20

// The exit codes, as docs/SPEC.md "Exit codes and files" defines them (job owns them).
const (
	exitOK         = batch.ExitOK
	exitIncomplete = batch.ExitIncomplete
	exitUsage      = batch.ExitUsage
	exitAuth       = batch.ExitAuth
)
