package commons

import (
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
)

// TestLoadDemoWithCommunesReference loads the demo with the real communes
// reference: every office is placed, and the Var's territory is the 153
// communes of the Var.
func TestLoadDemoWithCommunesReference(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Skipf("communes reference: %v", err)
	}
	store := newMemStore()
	st, err := LoadDemo(t.Context(), store, ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Skipped != 0 {
		t.Errorf("stats = %+v", st)
	}
	demo, err := LoadDemoFile()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demo.Partners {
		for _, code := range p.Territory {
			if _, ok := ref.Commune(code); !ok {
				t.Errorf("%s: commune %s unknown to the reference", p.Slug, code)
			}
		}
	}
	if got := len(ref.CommunesOfDepartement("83")); got != len(demo.Partners[0].Territory) {
		t.Errorf("the Var has %d communes, the demo territory %d", got, len(demo.Partners[0].Territory))
	}
	cp := store.cps[domain.StableID("annuaire:caf-62041-01")]
	if cp == nil || len(cp.Coverage.Departements) != 1 || cp.Coverage.Departements[0] != "62" {
		t.Errorf("CAF d'Arras = %+v", cp)
	}
}
