// Command vxrecon reconciles VX identity-verification results: it reads request ids from a
// CSV or xlsx file, asks the VX API for each session's result, classifies them and writes one
// Excel workbook. See README.md; the command line is package cli.
package main

import (
	"os"

	"github.com/vxrecon/vxrecon/cli"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; otherwise the module
// version from the build info is used.
var version = ""

func main() {
	os.Exit(cli.Main(version))
}
