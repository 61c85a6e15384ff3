package batch

import (
	"github.com/vxrecon/vxrecon/journal"
	"github.com/vxrecon/vxrecon/ledger"
	"github.com/vxrecon/vxrecon/recon"
)

// Known is a source of answers known before the run: today the journal (-journal), next the
// ledger. The run asks it for each id's final answer before it asks the API, asks it for an
// id the API is known to answer (the circuit breaker's probe), and tells it every answer it
// gets. A new source implements this and is opened beside the journal in openJournal; the
// fan-out does not change.
type Known interface {
	// Lookup returns the final answer known for id, if this run may reuse it.
	Lookup(id string) (recon.Result, bool)
	// Reusable is how many ids have such an answer, as far as the source knows before the run
	// (the ledger reads what it knows of each id as the run comes to it: 0).
	Reusable() int
	// Known is an id the API is known to answer, "" if none.
	Known() string
	// Append records the answer of one id of this run (rec is its input record): reused
	// (from this or another source) or fetched. Safe for concurrent use.
	Append(rec *recon.Record, res *recon.Result, reused bool) error
	// Close writes what is buffered; later calls return the same error.
	Close() error
}

// journalKnown is the journal as a source of known answers: it records the answers fetched
// by this run, for a rerun after a crash.
type journalKnown struct{ *journal.Journal }

func (j journalKnown) Append(_ *recon.Record, res *recon.Result, reused bool) error {
	if reused || res.Attempts == 0 {
		return nil
	}
	return j.Journal.Append(res)
}

// The journal and the ledger are the sources of known answers.
var (
	_ Known = journalKnown{}
	_ Known = (*ledger.Ledger)(nil)
)
