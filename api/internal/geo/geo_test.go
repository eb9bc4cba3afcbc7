package geo

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// loadRef loads the embedded reference once for every test of the package.
var loadRef = sync.OnceValues(Load)

func mustLoad(tb testing.TB) *Reference {
	tb.Helper()
	ref, err := loadRef()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return ref
}

func codes(cs []*domain.Commune) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

func TestSearchCommunesKnownAnswers(t *testing.T) {
	ref := mustLoad(t)
	tests := []struct {
		q         string
		limit     int
		wantFirst string   // code of the first result, if set
		wantAll   []string // codes among the results, if set
		wantNone  bool
	}{
		{q: "arras", limit: 10, wantFirst: "62041"},
		{q: "Arras", limit: 1, wantFirst: "62041"},
		{q: "  arras  ", limit: 10, wantFirst: "62041"},
		{q: "toulon", limit: 10, wantFirst: "83137"},
		{q: "83000", limit: 10, wantFirst: "83137"},
		{q: "830", limit: 10, wantFirst: "83137"},
		{q: "83", limit: 10, wantFirst: "83137"},
		{q: "83137", limit: 10, wantFirst: "83137"}, // INSEE code
		{q: "saint etienne", limit: 10, wantFirst: "42218"},
		{q: "Saint-Étienne", limit: 10, wantFirst: "42218"},
		{q: "st etienne", limit: 10, wantFirst: "42218"},
		{q: "st-étienne", limit: 10, wantFirst: "42218"},
		{q: "SAINT ETIENNE", limit: 10, wantFirst: "42218"},
		{q: "sain", limit: 10, wantFirst: "42218"},
		{q: "saint", limit: 10, wantFirst: "42218"},
		{q: "st e", limit: 10, wantFirst: "42218"},
		{q: "saint-étienne-du-r", limit: 10, wantFirst: "76575"},
		{q: "st etienne du rouvray", limit: 10, wantFirst: "76575"},
		{q: "ste maxime", limit: 10, wantFirst: "83115"},
		{q: "sainte-maxime", limit: 10, wantFirst: "83115"},
		{q: "sainte", limit: 50, wantAll: []string{"17415", "83115"}}, // Saintes, Sainte-Maxime
		{q: "ÉVRY", limit: 10, wantAll: []string{"91228"}},
		{q: "evry courc", limit: 10, wantFirst: "91228"},
		{q: "évry-courcouronnes", limit: 10, wantFirst: "91228"},
		{q: "la rochelle", limit: 10, wantFirst: "17300"},
		{q: "rochelle", limit: 10, wantFirst: "17300"}, // after the article
		{q: "havre", limit: 10, wantFirst: "76351"},
		{q: "l'haÿ-les-roses", limit: 10, wantFirst: "94038"},
		{q: "l’hay les roses", limit: 10, wantFirst: "94038"},
		{q: "lhay", limit: 10, wantNone: true},
		{q: "oeuilly", limit: 10, wantAll: []string{"51410", "02565"}},
		{q: "paris", limit: 10, wantFirst: "75056", wantAll: []string{"75115"}},
		{q: "paris 15", limit: 10, wantFirst: "75115"},
		{q: "75115", limit: 10, wantFirst: "75115"}, // arrondissement's INSEE code
		{q: "75015", limit: 10, wantAll: []string{"75056", "75115"}},
		{q: "2a004", limit: 10, wantFirst: "2A004"},
		{q: "ajaccio", limit: 10, wantFirst: "2A004"},
		{q: "mamoudzou", limit: 10, wantFirst: "97611"},
		{q: "eu", limit: 10, wantFirst: "76255"},
		{q: "y", limit: 10, wantNone: true},
		{q: "8", limit: 10, wantNone: true},
		{q: "", limit: 10, wantNone: true},
		{q: "   ", limit: 10, wantNone: true},
		{q: "--", limit: 10, wantNone: true},
		{q: "830000", limit: 10, wantNone: true},
		{q: "00", limit: 10, wantNone: true},
		{q: "zzzz", limit: 10, wantNone: true},
		{q: "Москва", limit: 10, wantNone: true},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := codes(ref.SearchCommunes(tt.q, tt.limit))
			if tt.wantNone {
				if len(got) != 0 {
					t.Fatalf("SearchCommunes(%q) = %v, want none", tt.q, got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("SearchCommunes(%q) found nothing", tt.q)
			}
			if len(got) > tt.limit {
				t.Errorf("SearchCommunes(%q, %d) gave %d results", tt.q, tt.limit, len(got))
			}
			if tt.wantFirst != "" && got[0] != tt.wantFirst {
				t.Errorf("SearchCommunes(%q) = %v, want %s first", tt.q, got, tt.wantFirst)
			}
			for _, w := range tt.wantAll {
				if !slices.Contains(got, w) {
					t.Errorf("SearchCommunes(%q) = %v, want %s among them", tt.q, got, w)
				}
			}
		})
	}
}

func TestSearchCommunesOrder(t *testing.T) {
	ref := mustLoad(t)
	for _, q := range []string{"saint", "la", "bo", "62", "13", "ma", "st"} {
		got := ref.SearchCommunes(q, 50)
		if len(got) != 50 {
			t.Errorf("SearchCommunes(%q, 50) gave %d results, want 50", q, len(got))
		}
		seen := map[string]bool{}
		for i, c := range got {
			if seen[c.Code] {
				t.Errorf("SearchCommunes(%q): %s twice", q, c.Code)
			}
			seen[c.Code] = true
			// Past the exact matches, the most populous come first.
			if i > 0 && !exactFor(q, got[i-1]) && got[i-1].Population < c.Population {
				t.Errorf("SearchCommunes(%q): %s (%d) before %s (%d)", q,
					got[i-1].Name, got[i-1].Population, c.Name, c.Population)
			}
		}
	}
	// Exact names come before more populous prefixes: Évry (Yonne) before
	// Évry-Courcouronnes.
	if got := codes(ref.SearchCommunes("evry", 3)); got[0] != "89162" || got[1] != "91228" {
		t.Errorf("SearchCommunes(evry) = %v, want 89162 then 91228", got)
	}
}

func exactFor(q string, c *domain.Commune) bool {
	n := NormalizeName(c.Name)
	return n == NormalizeName(q) || strings.HasSuffix(n, " "+NormalizeName(q)) || slices.Contains(c.PostalCodes, q) || c.Code == q
}

func TestSearchCommunesLimit(t *testing.T) {
	ref := mustLoad(t)
	for _, tt := range []struct{ limit, want int }{
		{-5, 1}, {0, 1}, {1, 1}, {7, 7}, {50, 50}, {51, 50}, {1000, 50},
	} {
		if got := len(ref.SearchCommunes("saint", tt.limit)); got != tt.want {
			t.Errorf("SearchCommunes(saint, %d) gave %d results, want %d", tt.limit, got, tt.want)
		}
	}
}

func TestCommune(t *testing.T) {
	ref := mustLoad(t)
	c, ok := ref.Commune("83137")
	if !ok {
		t.Fatal("Commune(83137) not found")
	}
	if c.Name != "Toulon" || c.Departement != "83" || c.Region != "93" {
		t.Errorf("Commune(83137) = %+v", c)
	}
	if !slices.Contains(c.PostalCodes, "83000") {
		t.Errorf("Toulon's postal codes %v lack 83000", c.PostalCodes)
	}
	if !c.HasLocation || math.Abs(c.Latitude-43.12) > 0.1 || math.Abs(c.Longitude-5.93) > 0.1 {
		t.Errorf("Toulon at %v,%v (has location: %v), want about 43.12,5.93", c.Latitude, c.Longitude, c.HasLocation)
	}
	if c.EPCI != "248300543" { // Métropole Toulon-Provence-Méditerranée
		t.Errorf("Toulon's EPCI = %q", c.EPCI)
	}
	if c.Population < 100_000 {
		t.Errorf("Toulon's population = %d", c.Population)
	}
	for _, code := range []string{"", "8313", "83137 ", "00000", "99999", "2a004"} {
		if _, ok := ref.Commune(code); ok {
			t.Errorf("Commune(%q) found", code)
		}
	}
	if c, ok := ref.Commune("2A004"); !ok || c.Name != "Ajaccio" || c.Departement != "2A" || c.Region != "94" {
		t.Errorf("Commune(2A004) = %+v, %v", c, ok)
	}
}

func TestArrondissements(t *testing.T) {
	ref := mustLoad(t)
	for _, tt := range []struct{ code, parent, postal string }{
		{"75101", "75056", "75001"},
		{"75116", "75056", "75116"},
		{"69381", "69123", "69001"},
		{"13201", "13055", "13001"},
	} {
		c, ok := ref.Commune(tt.code)
		if !ok {
			t.Errorf("Commune(%s) not found", tt.code)
			continue
		}
		p, ok := ref.ParentCommune(c)
		if !ok || p.Code != tt.parent {
			t.Errorf("ParentCommune(%s) = %v, %v, want %s", tt.code, p, ok, tt.parent)
			continue
		}
		if !slices.Contains(c.PostalCodes, tt.postal) || !c.HasLocation || c.EPCI != p.EPCI || c.EPCI == "" {
			t.Errorf("arrondissement %+v, parent %+v", c, p)
		}
		if !p.HasLocation || ref.Distance(c, p) > 10 {
			t.Errorf("arrondissement %s is %.1f km from its commune's centre", tt.code, ref.Distance(c, p))
		}
	}
	toulon, _ := ref.Commune("83137")
	if p, ok := ref.ParentCommune(toulon); ok {
		t.Errorf("ParentCommune(Toulon) = %v", p)
	}
	if _, ok := ref.ParentCommune(nil); ok {
		t.Error("ParentCommune(nil) found")
	}
}

func TestResolveCommune(t *testing.T) {
	ref := mustLoad(t)
	for _, tt := range []struct{ code, want string }{
		{"83137", "83137"},
		{"91182", "91228"}, // Évry, merged into Évry-Courcouronnes
		{"20004", "2A004"}, // Ajaccio's code before 1976
	} {
		c, ok := ref.ResolveCommune(tt.code)
		if !ok || c.Code != tt.want {
			t.Errorf("ResolveCommune(%s) = %v, %v, want %s", tt.code, c, ok, tt.want)
		}
	}
	if _, ok := ref.Commune("91182"); ok {
		t.Error("Commune(91182) found: former codes are for ResolveCommune only")
	}
	if c, ok := ref.ResolveCommune("00000"); ok {
		t.Errorf("ResolveCommune(00000) = %v", c)
	}
}

func TestDepartementsAndRegions(t *testing.T) {
	ref := mustLoad(t)
	for _, tt := range []struct{ code, name, region string }{
		{"2A", "Corse-du-Sud", "94"},
		{"2B", "Haute-Corse", "94"},
		{"976", "Mayotte", "06"},
		{"83", "Var", "93"},
		{"01", "Ain", "84"},
	} {
		d, ok := ref.Departement(tt.code)
		if !ok || d.Name != tt.name || d.Region != tt.region {
			t.Errorf("Departement(%s) = %+v, %v", tt.code, d, ok)
		}
	}
	for _, code := range []string{"", "20", "2a", "1", "100"} {
		if d, ok := ref.Departement(code); ok {
			t.Errorf("Departement(%q) = %+v", code, d)
		}
	}
	if r, ok := ref.Region("93"); !ok || r.Name != "Provence-Alpes-Côte d'Azur" {
		t.Errorf("Region(93) = %+v, %v", r, ok)
	}
	if r, ok := ref.Region("06"); !ok || r.Name != "Mayotte" {
		t.Errorf("Region(06) = %+v, %v", r, ok)
	}
	if _, ok := ref.Region("99"); ok {
		t.Error("Region(99) found")
	}
	if n := len(ref.Departements()); n != 109 {
		t.Errorf("%d départements, want 109 (101 and 8 collectivités)", n)
	}
	if n := len(ref.Regions()); n != 26 {
		t.Errorf("%d régions, want 26 (18 and 8 collectivités)", n)
	}
}

// TestReferenceIntegrity checks every commune against the départements and
// régions, and the counts against the sources.
func TestReferenceIntegrity(t *testing.T) {
	ref := mustLoad(t)
	if n := ref.Communes(); n < 34_000 || n > 36_000 {
		t.Errorf("Communes() = %d", n)
	}
	total, located, arrondissements := 0, 0, 0
	for _, d := range ref.Departements() {
		if _, ok := ref.Region(d.Region); !ok {
			t.Errorf("département %s: région %q does not exist", d.Code, d.Region)
		}
		cs := ref.CommunesOfDepartement(d.Code)
		if len(cs) == 0 {
			t.Errorf("département %s has no commune", d.Code)
		}
		if !slices.IsSortedFunc(cs, func(a, b *domain.Commune) int { return strings.Compare(a.Code, b.Code) }) {
			t.Errorf("CommunesOfDepartement(%s) not sorted by code", d.Code)
		}
		for _, c := range cs {
			total++
			if c.Departement != d.Code {
				t.Errorf("commune %s listed in %s, has département %s", c.Code, d.Code, c.Departement)
			}
			if _, ok := ref.Departement(c.Departement); !ok {
				t.Errorf("commune %s: département %q does not exist", c.Code, c.Departement)
			}
			if _, ok := ref.Region(c.Region); !ok {
				t.Errorf("commune %s: région %q does not exist", c.Code, c.Region)
			}
			if c.Region != d.Region {
				t.Errorf("commune %s in région %s, its département %s in %s", c.Code, c.Region, d.Code, d.Region)
			}
			if got, ok := ref.Commune(c.Code); !ok || got != c {
				t.Errorf("Commune(%s) does not give the listed commune", c.Code)
			}
			if c.HasLocation {
				located++
				if c.Latitude < -90 || c.Latitude > 90 || c.Longitude < -180 || c.Longitude > 180 ||
					(c.Latitude == 0 && c.Longitude == 0) {
					t.Errorf("commune %s at %v,%v", c.Code, c.Latitude, c.Longitude)
				}
			}
			if _, ok := ref.ParentCommune(c); ok {
				arrondissements++
			}
			if len(c.PostalCodes) == 0 && c.Departement != "984" {
				t.Errorf("commune %s %s has no postal code", c.Code, c.Name)
			}
		}
	}
	if total != ref.Communes() {
		t.Errorf("départements list %d communes, Communes() = %d", total, ref.Communes())
	}
	if arrondissements != 20+9+16 {
		t.Errorf("%d municipal arrondissements, want 45", arrondissements)
	}
	// Only the uninhabited Terres australes have no centre.
	if missing := total - located; missing > 5 {
		t.Errorf("%d communes without location", missing)
	}
	if ref.CommunesOfDepartement("00") != nil {
		t.Error("CommunesOfDepartement(00) is not nil")
	}
	// Metropolitan communes lie in metropolitan France.
	for _, d := range []string{"2A", "29", "67", "06", "59", "66"} {
		for _, c := range ref.CommunesOfDepartement(d) {
			if !c.HasLocation || c.Latitude < 41 || c.Latitude > 51.2 || c.Longitude < -5.3 || c.Longitude > 9.7 {
				t.Errorf("commune %s %s at %v,%v", c.Code, c.Name, c.Latitude, c.Longitude)
			}
		}
	}
}

func TestDistance(t *testing.T) {
	ref := mustLoad(t)
	toulon, _ := ref.Commune("83137")
	paris, _ := ref.Commune("75056")
	taaf, _ := ref.Commune("98412") // Kerguelen: no centre
	if d := ref.Distance(toulon, paris); d < 680 || d > 720 {
		t.Errorf("Distance(Toulon, Paris) = %.1f km, want about 700", d)
	}
	if d := ref.Distance(toulon, toulon); d != 0 {
		t.Errorf("Distance(Toulon, Toulon) = %v", d)
	}
	if d := ref.Distance(toulon, taaf); !math.IsInf(d, 1) {
		t.Errorf("Distance to a commune without location = %v, want +Inf", d)
	}
	if d := ref.Distance(nil, paris); !math.IsInf(d, 1) {
		t.Errorf("Distance(nil, Paris) = %v, want +Inf", d)
	}
	for _, tt := range []struct {
		lat1, lon1, lat2, lon2, want float64
	}{
		{0, 0, 0, 0, 0},
		{0, 0, 0, 1, 111.195},
		{0, 0, 1, 0, 111.195},
		{0, 0, 0, 180, 20015.1},
		{90, 0, -90, 0, 20015.1},
		{48.8566, 2.3522, 43.2965, 5.3698, 660.5}, // Paris–Marseille
	} {
		got := DistanceKm(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
		if math.Abs(got-tt.want) > 0.1 {
			t.Errorf("DistanceKm(%v, %v, %v, %v) = %.3f, want %.3f", tt.lat1, tt.lon1, tt.lat2, tt.lon2, got, tt.want)
		}
		if back := DistanceKm(tt.lat2, tt.lon2, tt.lat1, tt.lon1); math.Abs(back-got) > 1e-9 {
			t.Errorf("DistanceKm is not symmetric: %v, %v", got, back)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Saint-Étienne", "st etienne"},
		{"Sainte-Maxime", "ste maxime"},
		{"Saintes", "saintes"},
		{"L'Haÿ-les-Roses", "l hay les roses"},
		{"L’Île-d’Yeu", "l ile d yeu"},
		{"Œuilly", "oeuilly"},
		{"  --Évry--Courcouronnes-- ", "evry courcouronnes"},
		{"Paris 15e Arrondissement", "paris 15e arrondissement"},
		{"Châlons-en-Champagne", "chalons en champagne"},
		{"E\u0301vry", "evry"}, // decomposed É
		{"Faʻaʻā", "fa a a"},
		{"Saint saint-SAINT", "st st st"},
		{"Москва", ""},
		{"", ""},
		{"\xff\xfe", ""},
	} {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFoldTable checks the table of French letters against the Unicode
// decomposition that foldRune falls back on.
func TestFoldTable(t *testing.T) {
	for r := rune(0x80); r <= 0x24F; r++ {
		got, ok := foldRune(r)
		switch r {
		case 'œ', 'Œ', 'æ', 'Æ', 'ß', 'ø', 'Ø', 'đ', 'Đ', 'ł', 'Ł': // no decomposition
			if !ok || len(got) == 0 {
				t.Errorf("foldRune(%q) = %q, %v", r, got, ok)
			}
			continue
		}
		want, wantOK := foldDecomposed(r)
		if got != want || ok != wantOK {
			t.Errorf("foldRune(%q) = %q, %v; decomposition gives %q, %v", r, got, ok, want, wantOK)
		}
	}
}
