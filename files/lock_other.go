//go:build !unix

package files

import "os"

// Lock is a no-op where there is no flock: one run per file is then the operator's care.
func Lock(*os.File) error { return nil }

// Unlock releases the lock Lock took.
func Unlock(*os.File) {}
