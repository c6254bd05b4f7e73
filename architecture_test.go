package keyward_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureNamesFiles keeps docs/architecture.md true to the tree:
// every file it names as where a rule lives must exist, so that a rename
// or a move fails here instead of leaving the map pointing nowhere.
func TestArchitectureNamesFiles(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	// Paths in backquotes: directories, then a file with an extension.
	path := regexp.MustCompile("`((?:[a-z_]+/)*[a-z_0-9]+\\.(?:go|json|yaml|md))`")
	named := path.FindAllStringSubmatch(string(doc), -1)
	if len(named) < 20 {
		t.Fatalf("found %d file names in docs/architecture.md; the pattern no longer matches how it names files", len(named))
	}
	for _, m := range named {
		if _, err := os.Stat(filepath.FromSlash(m[1])); err != nil {
			t.Errorf("docs/architecture.md names %s: %v", m[1], err)
		}
	}
	for _, dir := range []string{"sqlstore/migrations/sqlite", "sqlstore/migrations/postgres", "cmd/keyward", "api/client"} {
		if _, err := os.Stat(filepath.FromSlash(dir)); err != nil {
			t.Errorf("docs/architecture.md names %s: %v", dir, err)
		}
	}
}

// maxFileSize is the size no Go file outside generated code may pass: a
// file that grows past it holds more than one noun and is split by noun.
const maxFileSize = 20 << 10

// TestFileSizes fails on a Go file (tests included) over maxFileSize,
// except generated ones (*.gen.go).
func TestFileSizes(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".gen.go") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > maxFileSize {
			t.Errorf("%s is %d bytes, over %d: split it by noun", path, info.Size(), maxFileSize)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
