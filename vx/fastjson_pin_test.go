package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"runtime"
	"strings"
	"testing"
)

// TestLargeBodyNotPinned: Sessions waiting in the reorder window must not keep whole bodies
// (documents the report never reads) alive, only the fields they hold.
func TestLargeBodyNotPinned(t *testing.T) {
	const n, docs = 64, 1 << 20
	body := `{"request_id":"a","status":"PASS","fn":"Jane","documents":"` + strings.Repeat("x", docs) + `"}`
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := make([]*recon.Session, n)
	for i := range kept {
		b := []byte(body) // a fresh body each time, as from the network
		s := new(recon.Session)
		if !decodeSession(b, s) {
			t.Fatal("fast path refused a plain body")
		}
		kept[i] = s
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 8<<20 {
		t.Errorf("%d sessions keep %d MiB alive: the bodies are pinned", n, grown>>20)
	}
	if kept[n-1].FirstName != "Jane" || kept[0].Status != "PASS" {
		t.Errorf("decoded %+v", kept[0])
	}
}
