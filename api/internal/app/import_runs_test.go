package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/scalegen/annuairegen"
)

// `aiguillage import annuaire` says what changed since the last import:
// everything created, then nothing, then the next edition's changes and
// withdrawals; `import runs` lists them.
func TestImportAnnuaireReportsChanges(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, opt annuairegen.Options) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := annuairegen.Write(f, ref, opt); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	first := write("2026-11-01_data.gouv_local.json", annuairegen.Options{Services: 120, Seed: 5})
	next := write("2026-11-02_data.gouv_local.json", annuairegen.Options{Services: 120, Seed: 5, Omit: func(i int) bool { return i == 7 || i == 8 }})
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "import.db")
	ctx := context.Background()
	run(t, ctx, dbURL, "migrate")
	for _, tt := range []struct {
		file string
		want []string
	}{
		{first, []string{"premier import enregistré", "120 créés, 0 mis à jour, 0 inchangés, 0 retirés"}},
		{first, []string{"Changements depuis le dernier import", "0 créés, 0 mis à jour, 120 inchangés, 0 retirés"}},
		{next, []string{"0 créés, 0 mis à jour, 118 inchangés, 2 retirés", "retirés (2) : "}},
	} {
		out := run(t, ctx, dbURL, "import", "annuaire", tt.file)
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("import %s: %q not in\n%s", filepath.Base(tt.file), w, out)
			}
		}
	}
	if out := run(t, ctx, dbURL, "import", "runs"); strings.Count(out, "completed") != 3 {
		t.Errorf("import runs:\n%s", out)
	}
}
