package annuairegen_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/importer"
	"github.com/aiguillage/aiguillage/api/internal/scalegen/annuairegen"
)

type counter struct{ n int }

func (c *counter) UpsertContactPoints(_ context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error) {
	c.n += len(cps)
	return domain.ImportStats{Created: len(cps)}, nil
}

// Every generated record is a valid office of its own (no record skipped),
// past the town halls too; the file is reproducible and its size that of
// the national file per office.
func TestGeneratedFileImports(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := ref.Communes() + 2000 // town halls, then the other kinds
	if testing.Short() {
		n = 3000
	}
	var a, b bytes.Buffer
	st, err := annuairegen.Write(&a, ref, annuairegen.Options{Services: n, Seed: 9})
	if err != nil || st.Services != n || st.Bytes != int64(a.Len()) {
		t.Fatalf("stats %+v, %v", st, err)
	}
	if _, err := annuairegen.Write(&b, ref, annuairegen.Options{Services: n, Seed: 9}); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same options gave another file")
	}
	if per := a.Len() / n; per < 3000 || per > 4500 {
		t.Errorf("%d bytes per office: the national file has about 3,900", per)
	}
	c := &counter{}
	stats, err := importer.Import(context.Background(), &a, importer.FormatV4Bulk, "generated.json",
		importer.Options{Store: c, Communes: ref, OrganisationID: domain.StableID("commons")})
	if err != nil || stats.Skipped != 0 || c.n != n {
		t.Fatalf("import: %+v, %d written, %v", stats, c.n, err)
	}
	rev, err := annuairegen.Write(&b, ref, annuairegen.Options{Services: n, Seed: 9, Revision: 1})
	if err != nil || rev.Omitted == 0 || rev.Services+rev.Omitted != n {
		t.Fatalf("revision: %+v, %v", rev, err)
	}
}
