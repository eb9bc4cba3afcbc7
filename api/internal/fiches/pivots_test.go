package fiches_test

import (
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/fiches"
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

// TestShippedPivotAliases checks pivot_aliases.csv against pivot_types.csv:
// every alias leads to a reviewed type, and no alias hides one.
func TestShippedPivotAliases(t *testing.T) {
	aliases := fiches.DefaultPivotAliases().Aliases()
	if len(aliases) < 10 {
		t.Fatalf("%d aliases", len(aliases))
	}
	for alias, code := range aliases {
		if !fiches.KnownPivot(code) {
			t.Errorf("alias %s → %s: %s is not in pivot_types.csv", alias, code, code)
		}
		if fiches.KnownPivot(alias) {
			t.Errorf("alias %s is itself a reviewed pivot type: it would never apply", alias)
		}
	}
	for _, p := range importer.DefaultPivots().All() {
		if !fiches.KnownPivot(p.Code) {
			t.Errorf("KnownPivot(%s) = false", p.Code)
		}
	}
}

func TestPivotAliasesMap(t *testing.T) {
	a := fiches.DefaultPivotAliases()
	tests := []struct {
		raw, want string
	}{
		{"caf", "caf"},
		{" CAF ", "caf"},
		{"Onac", "onac"},
		{"centre_impots", "sip"},
		{"mairie_passeport_bio", "mairie"},
		{"paris_prefecture", "prefecture"},
		{"paris_ppp", "paris_ppp"},                 // known: itself
		{"paris_ppp_antenne", "paris_ppp_antenne"}, // known: itself, not the prefix alias
		{"paris_ppp_permis_conduire", "prefecture"},
		{"paris_ppp_titre_sejour", "prefecture"},
		{"cidff", "cidf"},
		{"commission_surendettement", "banque_de_france"},
		{"renovation_info_service", "fr_renov"},
		{"direccte_ud_travail", "direccte_ut"},
		{"notaire", ""},
		{"Sécurité sociale des indépendants", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := a.Map(tt.raw, fiches.KnownPivot)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Map(%q) = %q, %v; want %q", tt.raw, got, ok, tt.want)
		}
	}
	// An alias whose code the caller does not know maps to nothing.
	if got, ok := a.Map("centre_impots", func(c string) bool { return c == "caf" }); ok {
		t.Errorf("Map with a narrower vocabulary = %q", got)
	}
}

func TestParsePivotAliases(t *testing.T) {
	good := "note,alias,code\nx,old_code,new_code\n,pre_*,new_code\n,pre_long_*,other\n"
	a, err := fiches.ParsePivotAliases(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	known := func(c string) bool { return c == "new_code" || c == "other" }
	for raw, want := range map[string]string{"old_code": "new_code", "pre_x": "new_code", "pre_long_x": "other", "pre": ""} {
		if got, _ := a.Map(raw, known); got != want {
			t.Errorf("Map(%q) = %q, want %q", raw, got, want)
		}
	}
	for _, bad := range []string{
		"",
		"alias,target\na,b\n",
		"alias,code\nBad Alias,caf\n",
		"alias,code\nold,Not A Code\n",
		"alias,code\ncaf,caf\n",
		"alias,code\nold,caf\nold,cpam\n",
		"alias,code\na*b*,caf\n",
		"alias,code\n\"unterminated,caf\n",
	} {
		if _, err := fiches.ParsePivotAliases(strings.NewReader(bad)); err == nil {
			t.Errorf("ParsePivotAliases accepted %q", bad)
		}
	}
}
