package cli

import (
	"context"
	"io"

	"github.com/vxrecon/vxrecon/batch"
)

func cmdCheck(ctx context.Context, args []string, e *env) int {
	return runOrCheck(ctx, "check", args, e)
}

// checkJob does everything run does before its first request, then tries the credentials
// (one token fetch, or one request with a static token) and says what a run would do. It
// writes no file.
func checkJob(ctx context.Context, c batch.Config, o options, in io.Reader, credErr error, e *env) int {
	log := newLogger(e.stderr, o.LogFormat, o.LogLevel, isTerminal(e.stderr))
	p, code := prepare(ctx, "check", c, in, credErr, log, e)
	if p == nil {
		return code
	}
	out := p.Check(ctx, e.stdout)
	if out.Status == batch.BadInput {
		return usageError(e, "check", out.Err)
	}
	return out.Status.ExitCode()
}
