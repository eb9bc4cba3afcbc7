package app_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportFichesCommand imports the fiches of a package folder twice: the
// second run changes nothing.
func TestImportFichesCommand(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "fiches.db")
	ctx := context.Background()
	run(t, ctx, dbURL, "migrate")
	pkg := filepath.Join("..", "fiches", "testdata", "package")
	first := run(t, ctx, dbURL, "import", "fiches", pkg)
	if !strings.Contains(first, "(9 fiches,") || !strings.Contains(first, ": 9 créés, 0 mis à jour, 0 inchangés, 0 ignorés") {
		t.Fatalf("first import: %s", first)
	}
	second := run(t, ctx, dbURL, "import", "fiches", pkg)
	if !strings.Contains(second, ": 0 créés, 0 mis à jour, 9 inchangés, 0 ignorés") {
		t.Fatalf("second import: %s", second)
	}
	// The national commons bring the shipped fiches: the nine test fiches
	// (copies trimmed of what the parser ignores) are the same, unchanged.
	commons := run(t, ctx, dbURL, "import", "commons")
	if !strings.Contains(commons, "Communs nationaux :") || !strings.Contains(commons, "0 mis à jour, 9 inchangés") {
		t.Fatalf("import commons: %s", commons)
	}
}
