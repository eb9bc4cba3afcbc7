package importer

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// memStore is an in-memory test double of the contact point writes of
// domain.DirectoryStore. It decides "unchanged" the way the real stores do:
// two contact points are the same when their JSON encodings are equal once
// CreatedAt and UpdatedAt are cleared (every other field counts, nil and
// empty slices differ, times are compared as encoded). A record whose source
// date is older than the stored one does not overwrite it (Skipped).
type memStore struct {
	mu  sync.Mutex
	cps map[string]*domain.ContactPoint
	// calls counts UpsertContactPoints calls.
	calls int
}

func newMemStore() *memStore { return &memStore{cps: map[string]*domain.ContactPoint{}} }

func content(c *domain.ContactPoint) string {
	cp := *c
	cp.CreatedAt, cp.UpdatedAt = time.Time{}, time.Time{}
	b, err := json.Marshal(cp)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (s *memStore) UpsertContactPoints(_ context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	var st domain.ImportStats
	seen := map[string]bool{}
	for _, c := range cps {
		if c.ID == "" {
			return domain.ImportStats{}, errors.New("contact point without ID")
		}
		if err := c.Validate(); err != nil {
			return domain.ImportStats{}, err
		}
		if seen[c.ID] {
			st.Skipped++
			continue
		}
		seen[c.ID] = true
		old, ok := s.cps[c.ID]
		cp := *c
		switch {
		case !ok:
			st.Created++
		case content(old) == content(c):
			st.Unchanged++
			continue
		case old.Source.UpdatedAt != nil && c.Source.UpdatedAt != nil && c.Source.UpdatedAt.Before(*old.Source.UpdatedAt):
			st.Skipped++
			continue
		default:
			st.Updated++
		}
		s.cps[c.ID] = &cp
	}
	return st, nil
}

func (s *memStore) get(t *testing.T, key string) *domain.ContactPoint {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cps[domain.StableID(key)]
	if !ok {
		t.Fatalf("no contact point %s", key)
	}
	return c
}

// discardStore counts contact points and keeps nothing.
type discardStore struct{ n int }

func (d *discardStore) UpsertContactPoints(_ context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error) {
	d.n += len(cps)
	return domain.ImportStats{Created: len(cps)}, nil
}

// fakeCommunes knows a handful of communes and every département.
type fakeCommunes struct {
	communes map[string]*domain.Commune
	deps     map[string]*domain.Departement
}

// departementRegions is "département:région" for every département and
// overseas collectivity (from @etalab/decoupage-administratif).
const departementRegions = "01:84 02:32 03:84 04:93 05:93 06:93 07:84 08:44 09:76 10:44 11:76 12:76 13:93 14:28 15:84 " +
	"16:75 17:75 18:24 19:75 21:27 22:53 23:75 24:75 25:27 26:84 27:28 28:24 29:53 2A:94 2B:94 30:76 31:76 32:76 33:75 " +
	"34:76 35:53 36:24 37:24 38:84 39:27 40:75 41:24 42:84 43:84 44:52 45:24 46:76 47:75 48:76 49:52 50:28 51:44 52:44 " +
	"53:52 54:44 55:44 56:53 57:44 58:27 59:32 60:32 61:28 62:32 63:84 64:75 65:76 66:76 67:44 68:44 69:84 70:27 71:27 " +
	"72:52 73:84 74:84 75:11 76:28 77:11 78:11 79:75 80:32 81:76 82:76 83:93 84:93 85:52 86:75 87:75 88:44 89:27 90:27 " +
	"91:11 92:11 93:11 94:11 95:11 971:01 972:02 973:03 974:04 976:06"

func newFakeCommunes() *fakeCommunes {
	f := &fakeCommunes{communes: map[string]*domain.Commune{}, deps: map[string]*domain.Departement{}}
	for pair := range strings.FieldsSeq(departementRegions) {
		d, r, _ := strings.Cut(pair, ":")
		f.deps[d] = &domain.Departement{Code: d, Region: r}
	}
	for _, c := range []domain.Commune{
		{Code: "83137", Name: "Toulon", Departement: "83", Region: "93", Latitude: 43.1242, Longitude: 5.928, HasLocation: true},
		{Code: "83126", Name: "La Seyne-sur-Mer", Departement: "83", Region: "93"},
		{Code: "62041", Name: "Arras", Departement: "62", Region: "32"},
		{Code: "59350", Name: "Lille", Departement: "59", Region: "32"},
		{Code: "77188", Name: "Fontaine-le-Port", Departement: "77", Region: "11"},
	} {
		f.communes[c.Code] = &c
	}
	return f
}

func (f *fakeCommunes) Commune(code string) (*domain.Commune, bool) {
	c, ok := f.communes[code]
	return c, ok
}

func (f *fakeCommunes) SearchCommunes(string, int) []*domain.Commune { return nil }

func (f *fakeCommunes) Departement(code string) (*domain.Departement, bool) {
	d, ok := f.deps[code]
	return d, ok
}

func (f *fakeCommunes) Region(code string) (*domain.Region, bool) {
	return &domain.Region{Code: code}, code != ""
}

const commonsID = "0b0b0b0b-0000-4000-8000-000000000001"

func testOptions(store DirectoryWriter) Options {
	return Options{Store: store, Communes: newFakeCommunes(), OrganisationID: commonsID, BatchSize: 100}
}

// The test data: the copies shipped with the commons (embedded in the
// binary) and, for the formats the demo does not load, testdata/.
const (
	commonsData   = "../commons/data/"
	tarExtract    = commonsData + "annuaire_etablissements-publics-v1_2017-12_83-59-62.tar.gz"
	tsvFile       = commonsData + "prefectures_sous-prefectures_2022-10-28.tsv"
	fsFile        = commonsData + "france-services_2024-08-01.csv.gz"
	nationalCSV   = "testdata/etablissements-publics-v1_2017-12_national_services-usagers.csv.gz"
	v4Sample      = "testdata/sample_record_donnees-locales-v4.json"
	v4APIExport   = "testdata/v4_api_export.json"
	sharedAnnuair = "../../../../shared/data/annuaire/"
)

// readFile returns a test file, gunzipped when its name ends in .gz.
func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// extractEntry returns one file of the shipped 2017 extract, e.g. "83/caf.json".
func extractEntry(tb testing.TB, name string) []byte {
	tb.Helper()
	f, err := os.Open(tarExtract)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err != nil {
			tb.Fatalf("%s not in %s: %v", name, tarExtract, err)
		}
		if filepath.ToSlash(hdr.Name) == "etablissements-publics-v1_2017-12/"+name {
			b, err := io.ReadAll(tr)
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
	}
}
