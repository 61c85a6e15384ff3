package cli

import (
	"fmt"
	"runtime/debug"
)

// cmdVersion is `vxrecon version`: the version, the commit and the Go version.
func cmdVersion(e *env) int {
	fmt.Fprintln(e.stdout, versionLine())
	return exitOK
}

// buildVersion returns the version, the VCS commit (with "+dirty" when modified) and the Go
// version of this binary.
func buildVersion() (ver, commit, goVersion string) {
	info, ok := debug.ReadBuildInfo()
	return versionOf(stamp, info, ok)
}

// versionOf reads them from the build info: the -X main.version stamp first, else the module
// version `go install …@v1.2.3` records, else "dev".
func versionOf(stamp string, info *debug.BuildInfo, ok bool) (ver, commit, goVersion string) {
	ver, commit, goVersion = stamp, "unknown", "unknown"
	if !ok {
		if ver == "" {
			ver = "dev"
		}
		return ver, commit, goVersion
	}
	goVersion = info.GoVersion
	if ver == "" {
		ver = info.Main.Version
	}
	if ver == "" || ver == "(devel)" {
		ver = "dev"
	}
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
			if len(commit) > 12 {
				commit = commit[:12]
			}
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && commit != "unknown" {
		commit += "+dirty"
	}
	return ver, commit, goVersion
}

func versionLine() string {
	v, c, g := buildVersion()
	return fmt.Sprintf("vxrecon %s (commit %s, %s)", v, c, g)
}
