package files

import (
	"fmt"
	"os"
	"path/filepath"
)

// Named is a file as the command line names it: the flag and the path.
type Named struct {
	Flag, Path string
}

// Distinct reports an error when two of the files are the same file, whatever their
// spelling: the same resolved absolute path (symbolic links and ".." followed), or, for files
// that exist, the same device and inode (which also catches hard links). An output written
// over the input or over another output would destroy it. Empty paths and "-" (stdin) are
// skipped.
func Distinct(files ...Named) error {
	type seen struct {
		Named
		real string
		info os.FileInfo
	}
	var prev []seen
	for _, f := range files {
		if f.Path == "" || f.Path == "-" {
			continue
		}
		cur := seen{Named: f, real: resolve(f.Path)}
		cur.info, _ = os.Stat(f.Path)
		for _, p := range prev {
			if p.real == cur.real || (p.info != nil && cur.info != nil && os.SameFile(p.info, cur.info)) {
				return fmt.Errorf("%s %s and %s %s are the same file", p.Flag, p.Path, f.Flag, f.Path)
			}
		}
		prev = append(prev, cur)
	}
	return nil
}

// resolve is path made absolute with every symbolic link followed; for a file that does not
// exist yet, its folder's.
func resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}
