package output

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

func TestPflateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	xml := bytes.Repeat([]byte(`<row r="2"><c r="A2" t="inlineStr"><is><t>sim-pass-0000001</t></is></c></row>`), 4*pflateChunk/80)
	noise := make([]byte, 3*pflateChunk)
	for i := range noise {
		noise[i] = byte(rng.IntN(256))
	}
	for _, n := range []int{0, 1, pflateChunk - 1, pflateChunk, pflateChunk + 1, 3*pflateChunk + 12345} {
		for name, src := range map[string][]byte{"xml": xml, "noise": noise} {
			if n > len(src) {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				in := src[:n]
				var out bytes.Buffer
				w := newPflate(&out)
				// uneven writes, so chunks are cut inside a write too
				for rest := in; len(rest) > 0; {
					k := min(len(rest), 1+rng.IntN(300000))
					if _, err := w.Write(rest[:k]); err != nil {
						t.Fatal(err)
					}
					rest = rest[k:]
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(flate.NewReader(&out))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, in) {
					t.Fatalf("round trip: got %d bytes, want %d", len(got), len(in))
				}
				if name == "xml" && n > 1000 && out.Len() > n/5 {
					t.Errorf("%d bytes deflated to %d", n, out.Len())
				}
			})
		}
	}
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestPflateWriteError(t *testing.T) {
	w := newPflate(&failAfter{n: 1})
	data := bytes.Repeat([]byte("x"), 10*pflateChunk)
	_, werr := w.Write(data)
	cerr := w.Close()
	if werr == nil && cerr == nil {
		t.Fatal("no error from a failing destination")
	}
}
