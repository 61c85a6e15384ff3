package main

import (
	"github.com/vxrecon/vxrecon/batch"
	"github.com/vxrecon/vxrecon/output"
)

// journalCopy returns the result as the journal keeps it: personal fields only as the workbook
// shows them under -pii, so the journal lying on disk holds no more personal data than the
// report. (output.Mask is idempotent, so a reused answer masks the same way again.)
func journalCopy(r *batch.Result, pii string) *batch.Result {
	if pii == output.PIIFull || r.Session == nil {
		return r
	}
	c, s := *r, *r.Session
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
