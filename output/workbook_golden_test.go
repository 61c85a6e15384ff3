package output

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// dumpWorkbook renders every sheet as text, cell values as Excel shows them; long cells are
// shortened so the golden file stays readable.
func dumpWorkbook(t testing.TB, f *excelize.File) string {
	t.Helper()
	var sb strings.Builder
	for _, sh := range f.GetSheetList() {
		fmt.Fprintf(&sb, "== %s\n", sh)
		for _, r := range sheetRows(t, f, sh, 0) {
			for i, c := range r {
				if n := len([]rune(c)); n > 60 {
					r[i] = string([]rune(c)[:30]) + fmt.Sprintf("…(%d chars)…", n) + string([]rune(c)[n-10:])
				}
			}
			fmt.Fprintf(&sb, "%q\n", r)
		}
	}
	return sb.String()
}

func TestWorkbookGolden(t *testing.T) {
	got := dumpWorkbook(t, openWorkbook(t, buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary())))
	golden := filepath.Join("testdata", "workbook.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("workbook dump differs from %s (go test -update to accept):\n%s", golden, got)
	}
}
