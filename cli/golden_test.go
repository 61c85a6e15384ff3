package cli

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/demo.golden from this build")

// volatile matches what differs from one run of the demo to the next: the times the run
// started, finished and fetched, its nights, how long it took, the version and the temporary paths.
var volatile = regexp.MustCompile(`\d{4}-\d\d-\d\d([ T]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)?|/tmp/[^\t"]*|127\.0\.0\.1:\d+|vxrecon-demo-\d+`)

// runTime is the Summary's row of how long the run took.
var runTime = regexp.MustCompile(`(?m)^(Run time\t)[^\t\n]*`)

// dumpWorkbook is a workbook as text: every sheet in tab order, every row, cells as shown,
// with the volatile parts blanked.
func dumpWorkbook(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		b.WriteString("== " + sh + "\n")
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.String()
}

// dumpJSON is a summary JSON as sorted "key = value" lines, the volatile keys left out.
func dumpJSON(t *testing.T, path string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(readText(t, path)), &m); err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(prefix+"."+k, x)
			}
		default:
			b, _ := json.Marshal(v)
			lines = append(lines, prefix+" = "+string(b))
		}
	}
	walk("", m)
	sort.Strings(lines)
	var keep []string
	for _, l := range lines {
		key, _, _ := strings.Cut(l, " = ")
		switch {
		case strings.Contains(key, "started"), strings.Contains(key, "finished"), strings.Contains(key, "elapsed"),
			strings.Contains(key, "duration_s"), strings.Contains(key, "version"), strings.HasSuffix(key, ".workbook"):
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n") + "\n"
}

// TestDemoGolden: the demo's workbook and summary JSON, times and versions left out, are
// those of testdata/demo.golden, made before the code moved into cli and batch, and updated
// only for a deliberate change of behaviour (the demo's ledger): any other change shows.
// go test -run TestDemoGolden -update-golden . rewrites it.
func TestDemoGolden(t *testing.T) {
	dir := t.TempDir()
	out, sum := filepath.Join(dir, "demo.xlsx"), filepath.Join(dir, "demo.json")
	inv := runCLI(t, context.Background(), nil, "demo", "-out", out, "-summary-json", sum, "-progress", "off", "-log-level", "error")
	if inv.code != exitOK {
		t.Fatalf("demo: exit %d\n%s", inv.code, inv.stderr)
	}
	got := volatile.ReplaceAllString(dumpWorkbook(t, out)+"== summary JSON\n"+dumpJSON(t, sum), "<volatile>")
	got = runTime.ReplaceAllString(got, "${1}<volatile>")
	golden := filepath.Join("testdata", "demo.golden")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -run TestDemoGolden -update-golden . makes it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("the demo differs from testdata/demo.golden at line %d:\n got %q\nwant %q", i+1, g, w)
			}
		}
	}
}
