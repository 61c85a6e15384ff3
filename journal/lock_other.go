//go:build !unix

package journal

import "os"

// lock is a no-op where there is no flock: one run per journal is then the operator's care.
func lock(*os.File) error { return nil }

func unlock(*os.File) {}
