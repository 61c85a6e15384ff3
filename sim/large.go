package sim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Sizes of the large cases. Each body stays under the client's limit of 8 MiB (8,388,608
// bytes) by hundreds of kilobytes whatever the id: a memory test must see the client take it,
// not refuse it.
const (
	bigDetailSize   = 7_900_000 // bytes of CaseBigDetail's dcams_plus.detail
	manyIssuesCount = 300_000   // CaseManyIssues' issues, about 6.8 MB of body
	manyStops       = 40_000    // CaseManyStops' journey stops, about 7.3 MB of body
)

// bigDetail returns CaseBigDetail's dcams_plus.detail.
func bigDetail() string {
	const sentence = detailMoreInfo + ". "
	return strings.Repeat(sentence, bigDetailSize/len(sentence)+1)[:bigDetailSize]
}

// manyIssues returns CaseManyIssues' issues: nine in ten distinct, so that a report keeps
// 270,000 rows of them, and every tenth one of the common issues, so that counting them matters.
func manyIssues() []string {
	common := failIssues("")
	issues := make([]string, manyIssuesCount)
	for i := range issues {
		if i%10 == 9 {
			issues[i] = common[i/10%len(common)]
		} else {
			issues[i] = "WATCHLIST HIT " + strconv.Itoa(100000+i)
		}
	}
	return issues
}

// largeBody is a large case's body split around its request_id's value. It is rendered once,
// from a fixed id, and serves every id of the case: rendering 8 MB per request would make the
// simulator, not the client under test, the bottleneck. Only the request_id is the one asked.
type largeBody struct{ head, tail []byte }

// largeBodies renders each large case's body on first use and keeps it for the process's life.
var largeBodies = func() map[Case]func() *largeBody {
	m := make(map[Case]func() *largeBody)
	for _, c := range []Case{CaseBigDetail, CaseManyIssues, CaseManyStops} {
		m[c] = sync.OnceValue(func() *largeBody {
			p := makePlan(ID(c, 0), c)
			return &largeBody{head: p.appendHead(nil), tail: p.appendTail(nil)}
		})
	}
	return m
}()

// append appends the body for id.
func (l *largeBody) append(b []byte, id string) []byte {
	b = slices.Grow(b, len(l.head)+len(id)+2+len(l.tail)) // one 8 MB copy, not three
	b = appendString(append(b, l.head...), id)
	return append(b, l.tail...)
}

// write sends the body for id in three writes, so that no request copies 8 MB.
func (l *largeBody) write(w http.ResponseWriter, id string) {
	rid := appendString(nil, id)
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Content-Length"] = []string{strconv.Itoa(len(l.head) + len(rid) + len(l.tail))}
	w.WriteHeader(http.StatusOK)
	for _, part := range [][]byte{l.head, rid, l.tail} {
		if _, err := w.Write(part); err != nil {
			return // the client went away
		}
	}
}
