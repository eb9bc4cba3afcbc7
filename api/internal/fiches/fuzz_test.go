package fiches_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/fiches"
)

// FuzzParse: whatever the bytes, Parse returns an error or a valid fiche
// that survives the JSON Lines round trip; it never panics. Run it with
//
//	go test ./api/internal/fiches -run '^$' -fuzz FuzzParse -fuzztime 1m
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(particuliers, "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 12<<10 {
			f.Add(b)
		}
	}
	title := el("dc:title", "", txt("Titre"))
	for _, s := range []string{
		fiche(`"ID":"F99"`, title, el("OuSAdresser", "", el("Titre", "", txt("Caf")), el("PivotLocal", "", txt("caf")),
			el("Texte", "", el("Chapitre", "", el("Titre", "", el("Paragraphe", "", txt("Par téléphone"))),
				el("Paragraphe", "", el("MiseEnEvidence", "", txt("+33 (0)1 23 45 67 89 32 30 116 000 17"))))))),
		fiche(`"ID":"N1","spUrl":"http://x"`, title, el("ServiceEnLigne", `"ID":"R1","type":"Formulaire"`, el("Titre", "", txt("Cerfa")))),
		`{"id":"F1","children":[{"type":"element","name":"Publication","attributes":{"ID":7}}]}`,
		`{"children":[{"type":"cdata","cdata":"x"}]}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fiche, err := fiches.Parse(bytes.NewReader(b), nil)
		if err != nil {
			if fiche != nil {
				t.Fatal("a fiche and an error")
			}
			return
		}
		if err := fiche.Validate(); err != nil {
			t.Fatalf("invalid fiche returned: %v", err)
		}
		for _, p := range fiche.Places {
			for _, ph := range p.Phones {
				if strings.Trim(ph, "0123456789") != "" {
					t.Fatalf("phone %q is not digits", ph)
				}
			}
		}
		var buf bytes.Buffer
		if err := fiches.WriteJSONL(&buf, []*domain.Fiche{fiche}); err != nil {
			t.Fatal(err)
		}
		for got, err := range fiches.ReadJSONL(&buf) {
			if err != nil {
				t.Fatalf("read back: %v\n%s", err, buf.String())
			}
			if !reflect.DeepEqual(got, fiche) {
				t.Fatalf("round trip changed the fiche:\n got %+v\nwant %+v", got, fiche)
			}
		}
	})
}
