package geo_test

import (
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
)

// Every code of the reference must pass the domain's validation, or valid
// communes would be refused by the API.
func TestCodesPassDomainValidation(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ref.Departements() {
		if !domain.ValidDepartement(d.Code) {
			t.Errorf("département %s %s refused by domain.ValidDepartement", d.Code, d.Name)
		}
		for _, c := range ref.CommunesOfDepartement(d.Code) {
			if !domain.ValidINSEE(c.Code) {
				t.Errorf("commune %s %s refused by domain.ValidINSEE", c.Code, c.Name)
			}
		}
	}
}
