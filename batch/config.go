package batch

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/files"
	"github.com/vxrecon/vxrecon/input"
	"github.com/vxrecon/vxrecon/ledger"
	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/vx"
)

// Config is everything one run needs. main fills it from flags and environment variables
// (docs/SPEC.md "Commands"); the demo and tests fill it directly. The zero values of the
// tuning fields take the client's defaults.
type Config struct {
	Input     string // the input's path, "-" for stdin (the caller opens it)
	InputName string // the input as messages and the Summary name it: a base name or "stdin"
	Column    string // header of the id column; "" = detected
	Sheet     string // the sheet of an .xlsx input; "" = the first
	Delimiter string // the CSV delimiter: "," ";" "tab" "|"; "" = detected
	// AmountColumn is the header of the billed amount column; "" = detected, "-" = none.
	AmountColumn string

	Out         string      // the workbook
	Journal     string      // JSON-lines journal of every answer; "" = none
	SummaryJSON string      // machine-readable summary; "" = none
	MetricsFile string      // Prometheus text file for node_exporter; "" = none
	Previous    string      // an earlier run's workbook or journal, for the Changes sheet; "" = none
	Ledger      string      // the SQLite ledger of every run and answer; "" = none
	Night       string      // the night the run counts as, YYYY-MM-DD; "" = today (local time)
	Refetch     bool        // ask for every id, even those the ledger has a final answer for
	FileMode    os.FileMode // mode of the files written; 0 = 0600
	PII         pii.Mode
	MaxRows     int // rows per sheet, header included; 0 = Excel's limit (tests lower it)

	BaseURL   string
	AllowHTTP bool // plain http:// to a host that is not loopback

	// Credentials, exactly one of: a static bearer Token, or an OAuth2 client. TokenFile is
	// where the token was read from, if it was: no output may be written over it.
	TokenFile              string
	Token                  string
	ClientID, ClientSecret string
	AuthURL                string

	Concurrency  int
	Rate         float64
	Timeout      time.Duration
	Retries      int
	MaxErrorRate float64

	// Backoff tunes the waits between attempts (the demo and tests shorten them).
	Backoff Backoff

	Version string // vxrecon's version, for the Summary and the User-Agent
}

// The API's default addresses (docs/api/NOTES.md).
const (
	DefaultBaseURL = "https://vx.dcams.app"
	DefaultAuthURL = vx.DefaultAuthURL
)

// Backoff tunes the client's waits; zero values take the client's defaults.
type Backoff struct {
	Min, Max      time.Duration // capped exponential backoff with full jitter
	RetryAfterMax time.Duration // the longest Retry-After honoured
}

// Validate checks the values that need no I/O and says what is wrong in the words of the
// command line (flag names), so main can print it as it is.
func (c *Config) Validate() error {
	if c.Input == "" {
		return errors.New("-input is required (a CSV path, or - for stdin)")
	}
	if err := validOut(c.Out); err != nil {
		return err
	}
	switch {
	case c.Concurrency < 1 || c.Concurrency > 1024:
		return fmt.Errorf("-concurrency %d: want 1..1024", c.Concurrency)
	case c.Rate < 0:
		return fmt.Errorf("-rate %g: want 0 (no limit) or more", c.Rate)
	case c.Timeout <= 0:
		return fmt.Errorf("-timeout %s: want a positive duration such as 30s", c.Timeout)
	case c.Retries < 0 || c.Retries > 100:
		return fmt.Errorf("-retries %d: want 0..100", c.Retries)
	case c.MaxErrorRate < 0 || c.MaxErrorRate > 1:
		return fmt.Errorf("-max-error-rate %g: want a share between 0 and 1", c.MaxErrorRate)
	}
	if _, err := c.delimiter(); err != nil {
		return err
	}
	if _, err := pii.ParseMode(string(c.PII)); err != nil {
		return fmt.Errorf("-pii %q: want mask, omit or full", c.PII)
	}
	if err := c.checkFiles(); err != nil {
		return err
	}
	if c.ClientID != "" {
		if err := checkURL("-auth-url", c.AuthURL, c.AllowHTTP); err != nil {
			return err
		}
	}
	return checkURL("-base-url", c.BaseURL, c.AllowHTTP)
}

// checkFiles refuses two flags that name the same file, by identity, not by spelling: an
// output written over the input or over another output would destroy it.
func (c *Config) checkFiles() error {
	if c.FileMode&^0o777 != 0 {
		return fmt.Errorf("-file-mode %#o: want permission bits only, such as 0640", c.FileMode)
	}
	return files.Distinct(
		files.Named{Flag: "-input", Path: c.Input},
		files.Named{Flag: "-out", Path: c.Out},
		files.Named{Flag: "-journal", Path: c.Journal},
		files.Named{Flag: "-summary-json", Path: c.SummaryJSON},
		files.Named{Flag: "-metrics-file", Path: c.MetricsFile},
		files.Named{Flag: "-previous", Path: c.Previous},
		files.Named{Flag: "-token-file", Path: c.TokenFile},
		files.Named{Flag: "-ledger", Path: c.ledgerFile()},
	)
}

// fileMode is the mode of every file the run writes.
func (c *Config) fileMode() os.FileMode {
	if c.FileMode == 0 {
		return 0o600
	}
	return c.FileMode
}

// checkURL allows https anywhere and plain http only to a loopback host (or with
// allowHTTP): a bearer token or a client secret must not cross a network in clear text by
// accident.
func checkURL(flagName, raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s %q: want an absolute URL such as https://vx.dcams.app", flagName, raw)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not hold credentials: use the VXRECON_* variables", flagName)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if allowHTTP || vx.IsLoopback(u) {
			return nil
		}
		return fmt.Errorf("%s %s: plain http only to a loopback host (or add -allow-http)", flagName, u.Redacted())
	default:
		return fmt.Errorf("%s %q: want http or https", flagName, raw)
	}
}

// ledgerFile is the ledger's path when it is a file ("" for a PostgreSQL ledger).
func (c *Config) ledgerFile() string {
	if ledger.IsPostgres(c.Ledger) {
		return ""
	}
	return c.Ledger
}

// night is the night the run counts as: Night, or today in local time.
func (c *Config) night() string {
	if c.Night != "" {
		return c.Night
	}
	return time.Now().Format(time.DateOnly)
}

// api is the base URL as the journal records it: without a trailing slash, so that two
// spellings of one API match.
func (c *Config) api() string { return strings.TrimRight(strings.TrimSpace(c.BaseURL), "/") }

// apiHost is the base URL as the report shows it: scheme and host only.
func apiHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// checkOutputs finds before the first request what would stop the files being written after
// the last one.
func (c *Config) checkOutputs() error {
	if err := checkOut(c.Out); err != nil {
		return err
	}
	for _, f := range []struct{ flag, path string }{{"-journal", c.Journal}, {"-summary-json", c.SummaryJSON}, {"-metrics-file", c.MetricsFile}} {
		if f.path == "" {
			continue
		}
		if err := files.CheckWritable(filepath.Dir(f.path)); err != nil {
			return fmt.Errorf("%s: %w", f.flag, err)
		}
	}
	return nil
}

// validOut checks -out without I/O: given, and named .xlsx.
func validOut(out string) error {
	switch {
	case out == "":
		return errors.New("-out is required (the .xlsx to write)")
	case !strings.EqualFold(filepath.Ext(out), ".xlsx"):
		return fmt.Errorf("-out %s: the workbook name must end in .xlsx", out)
	}
	return nil
}

// checkOut checks that the workbook -out can be written: not a folder, in a folder where a
// file can be made.
func checkOut(out string) error {
	if fi, err := os.Stat(out); err == nil && fi.IsDir() {
		return fmt.Errorf("-out %s is a folder", out)
	}
	return files.CheckWritable(filepath.Dir(out))
}

// delimiter reads -delimiter: one of the four a CSV is detected with, "tab" for a tab.
func (c *Config) delimiter() (rune, error) {
	switch c.Delimiter {
	case "":
		return 0, nil
	case ",", ";", "|":
		return rune(c.Delimiter[0]), nil
	case "tab", "\t", `\t`:
		return '\t', nil
	}
	return 0, fmt.Errorf("-delimiter %q: want , ; | or tab", c.Delimiter)
}

// inputOptions says how to read the input.
func (c *Config) inputOptions() input.Options {
	d, _ := c.delimiter() // checked by Validate
	return input.Options{
		Name:         c.InputName,
		Column:       c.Column,
		Sheet:        c.Sheet,
		Delimiter:    d,
		AmountColumn: c.AmountColumn,
		MaxColumns:   output.MaxInputColumns,
	}
}

func (c *Config) credentials() vx.Credentials {
	if c.Token != "" {
		return vx.Credentials{Token: c.Token}
	}
	if c.ClientID == "" && c.ClientSecret == "" {
		return vx.Credentials{}
	}
	return vx.Credentials{ClientID: c.ClientID, ClientSecret: c.ClientSecret, AuthURL: c.AuthURL, Audience: vx.DefaultAudience}
}
