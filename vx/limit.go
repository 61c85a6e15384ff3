package vx

import (
	"bytes"
	"slices"
	"strings"

	"github.com/vxrecon/vxrecon/recon"
)

// limitSession cuts what a decoded session keeps to what the workbook can show, so a result
// costs a bounded amount of memory (and of journal) whatever its body: every text to
// recon.MaxText characters with recon.CutMarker; the issues while their joined text (as the
// Issues cell shows it, "; " between them) fits the cell with room for the mark of the cut; the journey
// stops up to recon.MaxStops and recon.MaxSessionText bytes of text in all. What is dropped
// is counted in Plus.IssuesCut and Journey.StopsCut.
func limitSession(s *recon.Session) {
	left := recon.MaxSessionText
	clip := func(p *string) {
		*p = recon.Clip(*p)
		left -= len(*p)
	}
	for _, p := range scalarTexts(s) {
		clip(p)
	}
	if p := s.Plus; p != nil {
		joined := 0
		for i := range p.Issues {
			if joined > issuesRoom || left <= 0 {
				p.IssuesCut = len(p.Issues) - i
				p.Issues = slices.Clone(p.Issues[:i]) // not the whole array: it holds every string
				break
			}
			clip(&p.Issues[i])
			joined += len(p.Issues[i]) + len("; ")
		}
	}
	if j := s.Journey; j != nil {
		for i := range j.Stops {
			if i == recon.MaxStops || left <= 0 {
				j.StopsCut = len(j.Stops) - i
				j.Stops = slices.Clone(j.Stops[:i])
				break
			}
			for _, p := range stopTexts(&j.Stops[i]) {
				clip(p)
			}
		}
	}
}

// issuesRoom is how much of the Issues cell the kept issues may fill: the rest of it holds
// the mark of the cut ("; … and N more issues").
const issuesRoom = recon.MaxText - 64

// scalarTexts are the session's texts that are not lists.
func scalarTexts(s *recon.Session) []*string {
	texts := []*string{&s.RequestID, &s.Status, &s.Reference, &s.FirstName, &s.LastName, &s.Email, &s.Phone, &s.DOB}
	if p := s.Plus; p != nil {
		texts = append(texts, &p.Service, (*string)(&p.Confirmation), &p.Action, &p.Detail)
	}
	return texts
}

// stopTexts are the texts of one journey stop.
func stopTexts(st *recon.Stop) []*string {
	return []*string{&st.Timestamp, &st.Type, &st.Source, &st.Status, &st.Action, &st.Detail}
}

// redactSession replaces every credential the server echoed into the session's texts by
// "[redacted]": the token and the secret must not reach the workbook or the journal, whatever
// the API sends back. The body is searched first, so the common answer (no secret, no
// escape) costs one scan of it.
func (c *Client) redactSession(r *recon.Result, body []byte) {
	s := r.Session
	if s == nil {
		return
	}
	var found []string
	escaped := bytes.IndexByte(body, '\\') >= 0 // a secret may hide behind a JSON escape
	for _, sec := range c.secretsNow() {
		if escaped || bytes.Contains(body, []byte(sec)) {
			found = append(found, sec)
		}
	}
	if len(found) == 0 {
		return
	}
	clean := func(p *string) {
		for _, sec := range found {
			if strings.Contains(*p, sec) {
				*p = strings.ReplaceAll(*p, sec, "[redacted]")
			}
		}
	}
	for _, p := range scalarTexts(s) {
		clean(p)
	}
	if p := s.Plus; p != nil {
		for i := range p.Issues {
			clean(&p.Issues[i])
		}
	}
	if j := s.Journey; j != nil {
		for i := range j.Stops {
			for _, p := range stopTexts(&j.Stops[i]) {
				clean(p)
			}
		}
	}
}
