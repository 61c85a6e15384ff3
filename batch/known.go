package batch

import (
	"github.com/vxrecon/vxrecon/journal"
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
	// Reusable is how many ids have such an answer.
	Reusable() int
	// Known is an id the API is known to answer, "" if none.
	Known() string
	// Append records an answer this run got; safe for concurrent use.
	Append(r *recon.Result) error
	// Close writes what is buffered; later calls return the same error.
	Close() error
}

// The journal is the first source of known answers.
var _ Known = (*journal.Journal)(nil)
