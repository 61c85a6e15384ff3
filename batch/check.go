package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vxrecon/vxrecon/files"
	"github.com/vxrecon/vxrecon/ledger"
	"github.com/vxrecon/vxrecon/vx"
)

// Check tries the credentials of a prepared run (one token fetch, or one request for the
// first valid id with a static token) and writes on w what the run would do. It writes no
// file. The Outcome's Status is Done, Refused, or Incomplete when the API or the token
// endpoint could not be reached.
func (p *Prepared) Check(ctx context.Context, w io.Writer) Outcome {
	r := p.r
	defer r.close()
	c, b := r.c, r.batch
	fmt.Fprintf(w, "input %s: %d rows, %d ids, %d duplicate lines, %d invalid rows", c.InputName, b.Rows, b.Len(), b.Duplicates, len(b.Invalid))
	if b.Amount != "" {
		fmt.Fprintf(w, ", amounts in %q", b.Amount)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "would ask %s for %d ids, %d at a time, and write %s\n", apiHost(c.BaseURL), b.Len(), c.Concurrency, strings.Join(r.outputs(), ", "))
	if c.Ledger != "" {
		line, err := r.checkLedger()
		if err != nil {
			return Outcome{Status: BadInput, Err: err}
		}
		fmt.Fprintln(w, line)
	}
	client, err := vx.New(r.clientConfig())
	if err != nil {
		return Outcome{Status: BadInput, Err: err}
	}
	first := ""
	if b.Len() > 0 {
		first = b.ID(0)
	}
	what := "one token from " + c.AuthURL
	if c.ClientID == "" {
		what = "one request for " + first
		if first == "" {
			what = "nothing (no id to try the token with)"
		}
	}
	err = client.CheckCredentials(ctx, first)
	var ae *vx.AuthError
	switch {
	case errors.As(err, &ae):
		fmt.Fprintf(w, "credentials: refused (%s)\n", ae)
		return Outcome{Status: Refused, Err: ae}
	case err != nil:
		fmt.Fprintf(w, "credentials: not checked: %s\n", err)
		return Outcome{Status: Incomplete, Err: err}
	}
	fmt.Fprintf(w, "credentials: accepted (%s)\n", what)
	return Outcome{Status: Done}
}

// checkLedger opens the ledger, checks its version and that it can be written (in a
// transaction rolled back), and says what a run would reuse. A ledger not made yet is not
// created: its folder must be writable.
func (r *run) checkLedger() (string, error) {
	c := r.c
	if _, err := os.Stat(c.Ledger); !ledger.IsPostgres(c.Ledger) && errors.Is(err, os.ErrNotExist) {
		if err := files.CheckWritable(filepath.Dir(c.Ledger)); err != nil {
			return "", fmt.Errorf("-ledger: %w", err)
		}
		return fmt.Sprintf("ledger %s: none yet, the first run creates it", c.Ledger), nil
	}
	l, err := ledger.Open(c.Ledger, ledger.Options{API: c.api(), PII: c.PII, Refetch: c.Refetch})
	if err != nil {
		return "", err
	}
	defer l.Close()
	if err := l.CheckWrite(); err != nil {
		return "", err
	}
	reusable, err := l.CountReusable()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("ledger %s: schema version %d, writable, %d runs, %d final answers to reuse against %s",
		ledger.Redact(c.Ledger), ledger.SchemaVersion, l.Runs(), reusable, apiHost(c.BaseURL)), nil
}

// outputs names the files a run writes.
func (r *run) outputs() []string {
	out := []string{"workbook " + r.c.Out}
	for _, f := range []struct{ what, path string }{
		{"journal", r.c.Journal}, {"ledger", ledger.Redact(r.c.Ledger)}, {"summary", r.c.SummaryJSON}, {"metrics", r.c.MetricsFile},
	} {
		if f.path != "" {
			out = append(out, f.what+" "+f.path)
		}
	}
	return out
}
