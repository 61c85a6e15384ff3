// Command funclen fails when a function outside tests and sim is over 80 lines: small
// functions are a rule of the house (docs/ARCHITECTURE.md). Usage: go run ./.ci/funclen .
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	fset := token.NewFileSet()
	bad := 0
	filepath.Walk(os.Args[1], func(path string, info os.FileInfo, err error) error {
		if info.IsDir() && (strings.HasPrefix(info.Name(), ".") && path != os.Args[1] || info.Name() == "sim" || info.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			if n > 80 {
				fmt.Printf("%s:%d: %s is %d lines\n", path, fset.Position(fd.Pos()).Line, fd.Name.Name, n)
				bad++
			}
		}
		return nil
	})
	if bad > 0 {
		os.Exit(1)
	}
}
