package main

import (
	"github.com/vxrecon/vxrecon/output"
	"github.com/vxrecon/vxrecon/recon"
)

// journalCopy returns the result as the journal keeps it: personal fields only as the workbook
// shows them under -pii, so the journal lying on disk holds no more personal data than the
// report. (output.Mask is idempotent, so a reused answer masks the same way again.)
func journalCopy(r *recon.Result, pii string) *recon.Result {
	if pii == output.PIIFull || r.Session == nil {
		return r
	}
	c, s := *r, *r.Session
	c.PII = pii
	for _, f := range []struct {
		kind string
		v    *string
	}{{"name", &s.FirstName}, {"name", &s.LastName}, {"email", &s.Email}, {"phone", &s.Phone}, {"dob", &s.DOB}} {
		if pii == output.PIIOmit {
			*f.v = ""
		} else {
			*f.v = output.Mask(f.kind, *f.v)
		}
	}
	c.Session = &s
	return &c
}

// piiStrength orders the -pii modes by how much of a personal field they keep.
func piiStrength(mode string) int {
	switch mode {
	case output.PIIOmit:
		return 0
	case output.PIIMask:
		return 1
	default: // full, or "" for an answer kept as the API sent it
		return 2
	}
}

// reusable reports whether a journal answer can stand in this run: a final class, kept with at
// least the personal detail this run's -pii shows.
func reusable(r *recon.Result, pii string) bool {
	return r.Class.Final() && piiStrength(r.PII) >= piiStrength(pii)
}
