package importer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Fuzz tests: whatever the bytes, the parsers return an error or stats,
// never panic, and only ever write valid contact points. Run one with e.g.
//
//	go test ./api/internal/importer -run '^$' -fuzz FuzzGeoJSON -fuzztime 1m

// checkingStore fails the test when an invalid contact point is written.
type checkingStore struct{ t *testing.T }

func (s checkingStore) UpsertContactPoints(_ context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error) {
	for _, c := range cps {
		if err := c.Validate(); err != nil {
			s.t.Errorf("invalid contact point written: %v", err)
		}
		if c.ID == "" {
			s.t.Error("contact point without ID written")
		}
	}
	return domain.ImportStats{Created: len(cps)}, nil
}

func fuzzImport(f *testing.F, format Format, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := testOptions(checkingStore{t})
		opts.BatchSize = 3
		st, err := Import(context.Background(), bytes.NewReader(data), format, "fuzz_2024-08-01.dat", opts)
		if err == nil && (st.Created < 0 || st.Skipped < 0) {
			t.Errorf("stats = %+v", st)
		}
	})
}

// firstLines returns the first n lines of a test file (CSV records on one
// line each).
func firstLines(tb testing.TB, name string, n int) []byte {
	lines := strings.SplitAfterN(string(readFile(tb, name)), "\n", n+1)
	return []byte(strings.Join(lines[:n], ""))
}

func FuzzV4Bulk(f *testing.F) {
	fuzzImport(f, FormatV4Bulk, readFile(f, v4Sample),
		[]byte(`{"service":[{"id":"x","nom":"N","telephone":"01","pivot":"[]","code_insee_commune":"83137","plage_ouverture":[{"nom_jour_debut":"Samedi","nom_jour_fin":"Lundi","valeur_heure_debut_1":"9:00","valeur_heure_fin_1":"24:00:00"}]}]}`))
}

func FuzzV4API(f *testing.F) {
	export := readFile(f, v4APIExport)
	fuzzImport(f, FormatV4API, export, []byte(`{"results":`+string(export)+`}`))
}

func FuzzV4TSV(f *testing.F) {
	fuzzImport(f, FormatV4TSV, firstLines(f, tsvFile, 4), []byte("id\tnom\ttype_service_local\tcode_insee_commune\tsite_internet\ttelephone\tadresse_courriel\tformulaire_contact\tcomplement1\tcomplement2\tnumero_voie\tservice_distribution\tcode_postal\tnom_commune\nx\ta\\tb\tmairie\t83137\t\t01\t\t\t\t\t\\\\\t\t\t\n"))
}

func FuzzGeoJSON(f *testing.F) {
	fuzzImport(f, FormatV1GeoJSON, extractEntry(f, "83/cg.json"), extractEntry(f, "62/msap.json"))
}

func FuzzV1CSV(f *testing.F) {
	csv := readFile(f, nationalCSV)
	// The first rows, and the rows around the first quoted multi-line value.
	i := bytes.Index(csv, []byte("prefecture-12202-01"))
	header, _, _ := bytes.Cut(csv, []byte("\n"))
	fuzzImport(f, FormatV1CSV, firstLines(f, nationalCSV, 6), append(append(header, '\n'), csv[i:i+600]...))
}

func FuzzFranceServices(f *testing.F) {
	fuzzImport(f, FormatFranceServices, firstLines(f, fsFile, 5))
}

func FuzzDetectFormat(f *testing.F) {
	for _, name := range []string{v4Sample, v4APIExport, tsvFile, fsFile, nationalCSV} {
		b := readFile(f, name)
		f.Add(b[:min(len(b), 4096)])
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		format, err := DetectFormat("f", head)
		if (err == nil) == (format == "") {
			t.Errorf("DetectFormat = %q, %v", format, err)
		}
	})
}

func FuzzClock(f *testing.F) {
	for _, s := range []string{"09:00:00", "'08:3", "9h30", "24:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, ok := clock(s); ok && !(len(c) == 5 && c[2] == ':' && c <= "24:00") {
			t.Errorf("clock(%q) = %q", s, c)
		}
	})
}
