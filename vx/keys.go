package vx

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/vxrecon/vxrecon/recon"
)

// encoding/json matches object keys without regard to case, and the last of a repeated key
// wins: {"status":"FAIL","STATUS":"PASS"} would decode as PASS. An answer is read by the
// documented keys exactly. checkKeys finds the keys that would be misread; exactKeys drops
// the case variants before decoding.

// keySet is the documented keys of one object of a session body, and the sets of the objects
// and arrays of objects under some of them.
type keySet struct {
	names    map[string]bool
	folded   map[string]bool    // the names in lower case
	strict   map[string]bool    // keys that may appear once only
	children map[string]*keySet // the keys of the object (or of each object of the array) under a key
}

// keysOf builds the keySet of a struct's json tags.
func keysOf(t reflect.Type, strict ...string) *keySet {
	ks := &keySet{names: map[string]bool{}, folded: map[string]bool{}, strict: map[string]bool{}, children: map[string]*keySet{}}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		ks.names[name] = true
		ks.folded[strings.ToLower(name)] = true
	}
	for _, s := range strict {
		ks.strict[s] = true
	}
	return ks
}

// sessionKeys are the keys of a session body, as recon.Session decodes them.
var sessionKeys = func() *keySet {
	s := keysOf(reflect.TypeFor[recon.Session](), "status", "request_id")
	j := keysOf(reflect.TypeFor[recon.Journey]())
	j.children["stops"] = keysOf(reflect.TypeFor[recon.Stop]())
	s.children["dcams_plus"] = keysOf(reflect.TypeFor[recon.Plus](), "action")
	s.children["journey"] = j
	return s
}()

// maxDepth is where checkKeys stops walking: encoding/json refuses deeper nesting anyway.
const maxDepth = 10000

// checkKeys walks body and returns the first documented key that appears twice where it must
// appear once (dup), and whether a case variant of a documented key appears (variant). A body
// that is not JSON returns neither: the decoder says why. It is a plain byte scanner, many
// times faster than json.Decoder's tokens, as it runs on every answer.
func checkKeys(body []byte) (dup string, variant bool) {
	w := keyWalk{b: body}
	if !w.value(sessionKeys, 0) {
		return "", false
	}
	return w.dup, w.variant
}

type keyWalk struct {
	b       []byte
	i       int
	dup     string
	variant bool
}

func (w *keyWalk) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\r', '\n':
			w.i++
		default:
			return
		}
	}
}

// value walks one value; ks, if not nil, is the keySet of the object it should be (or of
// each object of the array). It returns false where the body is not JSON.
func (w *keyWalk) value(ks *keySet, depth int) bool {
	w.space()
	if w.i >= len(w.b) || depth > maxDepth {
		return false
	}
	switch w.b[w.i] {
	case '{':
		w.i++
		return w.object(ks, depth+1)
	case '[':
		w.i++
		return w.array(ks, depth+1)
	case '"':
		_, _, ok := w.str()
		return ok
	}
	for w.i < len(w.b) { // a number, true, false or null: up to what ends it
		switch w.b[w.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return true
		}
		w.i++
	}
	return true
}

func (w *keyWalk) array(ks *keySet, depth int) bool {
	if w.closes(']') {
		return true
	}
	for {
		if !w.value(ks, depth) {
			return false
		}
		if end, ok := w.after(']'); !ok || end {
			return ok
		}
	}
}

func (w *keyWalk) object(ks *keySet, depth int) bool {
	if w.closes('}') {
		return true
	}
	var seen []string
	for {
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			return false
		}
		raw, escaped, ok := w.str()
		if !ok {
			return false
		}
		key, ok := keyText(raw, escaped)
		if !ok {
			return false
		}
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return false
		}
		w.i++
		if !w.value(w.judge(ks, key, &seen), depth) {
			return false
		}
		if end, ok := w.after('}'); !ok || end {
			return ok
		}
	}
}

// closes consumes close if it comes next (an empty object or array).
func (w *keyWalk) closes(close byte) bool {
	w.space()
	if w.i < len(w.b) && w.b[w.i] == close {
		w.i++
		return true
	}
	return false
}

// after reads what follows a member or an element: close (end), or a comma (more); anything
// else is not JSON (ok false).
func (w *keyWalk) after(close byte) (end, ok bool) {
	w.space()
	if w.i >= len(w.b) {
		return false, false
	}
	c := w.b[w.i]
	w.i++
	return c == close, c == close || c == ','
}

// judge notes what key says in an object of ks (a documented key seen twice where it must
// appear once, a case variant of one) and returns the keySet of its value, nil if none.
func (w *keyWalk) judge(ks *keySet, key []byte, seen *[]string) *keySet {
	switch {
	case ks == nil:
		return nil
	case ks.names[string(key)]: // map lookups by string(key) do not allocate
		if ks.strict[string(key)] {
			k := string(key)
			if slices.Contains(*seen, k) && w.dup == "" {
				w.dup = k
			}
			*seen = append(*seen, k)
		}
		return ks.children[string(key)]
	case ks.folded[strings.ToLower(string(key))]:
		w.variant = true
	}
	return nil
}

// str reads a string at w.i (its opening quote) and returns its raw text, quotes included,
// and whether it holds escapes.
func (w *keyWalk) str() (raw []byte, escaped, ok bool) {
	for j := w.i + 1; j < len(w.b); j++ {
		switch w.b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			raw = w.b[w.i : j+1]
			w.i = j + 1
			return raw, escaped, true
		}
	}
	return nil, false, false
}

// keyText is a key as encoding/json reads it: one spelled with escapes ("st\u0061tus") is
// the key it spells.
func keyText(raw []byte, escaped bool) ([]byte, bool) {
	if !escaped {
		return raw[1 : len(raw)-1], true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return []byte(s), true
}

// exactKeys returns body without the case variants of documented keys, so that decoding
// sees only the documented spelling.
func exactKeys(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return body, nil // trailing data: let the decoder say so
	}
	drop(v, sessionKeys)
	return json.Marshal(v)
}

// drop deletes, in v and under it, the keys that only fold to a documented key.
func drop(v any, ks *keySet) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			switch {
			case ks.names[k]:
				if c := ks.children[k]; c != nil {
					drop(child, c)
				}
			case ks.folded[strings.ToLower(k)]:
				delete(v, k)
			}
		}
	case []any:
		for _, e := range v {
			drop(e, ks)
		}
	}
}
