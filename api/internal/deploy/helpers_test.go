package deploy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// root returns the repository root (the folder of go.mod).
func root(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// deployPath joins elem to the repository's deploy/ folder.
func deployPath(t *testing.T, elem ...string) string {
	return filepath.Join(append([]string{root(t), "deploy"}, elem...)...)
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// deployFiles lists the files under deploy/ (secrets excepted), relative to it.
func deployFiles(t *testing.T) []string {
	t.Helper()
	base := deployPath(t)
	var files []string
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, path)
		if d.IsDir() {
			if rel == "secrets" || rel == "import" {
				return filepath.SkipDir
			}
			return nil
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// documents parses every YAML document of a file (strictly: a duplicate key
// is an error), skipping empty ones.
func documents(t *testing.T, path string) []map[string]any {
	t.Helper()
	var docs []map[string]any
	for i, part := range docSeparator.Split(read(t, path), -1) {
		if len(bytes.TrimSpace(stripComments([]byte(part)))) == 0 {
			continue
		}
		var doc map[string]any
		if err := yaml.UnmarshalStrict([]byte(part), &doc); err != nil {
			t.Fatalf("%s, document %d: %v", path, i+1, err)
		}
		docs = append(docs, doc)
	}
	return docs
}

func stripComments(b []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// get walks a parsed document: keys of maps, or "[i]" indexes of lists
// given as int.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := get(v, path...).(string)
	return s
}

func num(v any, path ...any) float64 {
	f, _ := get(v, path...).(float64)
	return f
}

func list(v any, path ...any) []any {
	l, _ := get(v, path...).([]any)
	return l
}
