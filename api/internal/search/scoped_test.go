package search_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/search/searchtest"
)

// TestScopes: contact points are found by their words only in the scopes
// a search reads: their organisation's (the commons' or the partner's),
// and an area they may serve when the search has a commune; once each,
// even when they serve several of the commune's areas.
func TestScopes(t *testing.T) {
	ctx := context.Background()
	env, err := searchtest.Setup(ctx, searchtest.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	commons, err := env.Store.FindOrganisationBySlug(ctx, domain.CommonsSlug)
	if err != nil {
		t.Fatal(err)
	}
	varOrg, err := env.Store.FindOrganisationBySlug(ctx, "var")
	if err != nil {
		t.Fatal(err)
	}
	cp := func(ref, org, name string, cov domain.Coverage) *domain.ContactPoint {
		return &domain.ContactPoint{ID: domain.StableID("test:" + ref), OrganisationID: org, Name: name,
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "03 20 00 00 00"}}, Coverage: cov,
			Source: domain.Source{Kind: domain.SourceCSV, ID: ref, Dataset: "test"}}
	}
	nord := cp("nord", commons.ID, "Guichet Vromblazar du Nord", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"59"}})
	// Nord (59) is in the région Hauts-de-France (32): two of Lille's areas.
	twice := cp("twice", commons.ID, "Bureau Kwistaloup", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"59"}, Regions: []string{"32"}})
	partner := cp("partner", varOrg.ID, "Permanence Flonzibar", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}})
	if _, err := env.Store.UpsertContactPoints(ctx, []*domain.ContactPoint{nord, twice, partner}); err != nil {
		t.Fatal(err)
	}
	if err := env.Search.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	const lille, toulon = "59350", "83137"
	for _, tt := range []struct {
		name string
		q    search.Query
		want *domain.ContactPoint // nil: not found
	}{
		{"in its area", search.Query{Text: "vromblazar", Commune: lille}, nord},
		{"with a typo", search.Query{Text: "vromblazor", Commune: lille}, nord},
		{"elsewhere", search.Query{Text: "vromblazar", Commune: toulon}, nil},
		{"without a commune", search.Query{Text: "vromblazar"}, nord},
		{"in two of the commune's areas", search.Query{Text: "kwistaloup", Commune: lille}, twice},
		{"another organisation's", search.Query{Text: "flonzibar", Commune: toulon}, nil},
		{"the partner's", search.Query{Text: "flonzibar", Commune: toulon, Partner: "var"}, partner},
		{"the partner's, elsewhere", search.Query{Text: "flonzibar", Commune: lille, Partner: "var"}, nil},
		{"the partner's, without a commune", search.Query{Text: "flonzibar", Partner: "var"}, partner},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := env.Search.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, r := range resp.Results {
				if r.Kind == search.KindContactPoint && (r.Ref == nord.ID || r.Ref == twice.ID || r.Ref == partner.ID) {
					found++
					if tt.want == nil || r.Ref != tt.want.ID {
						t.Errorf("%q found %s", tt.q.Text, r.Title)
					}
				}
			}
			if tt.want != nil && found != 1 {
				t.Errorf("%q: %s found %d times, want once", tt.q.Text, tt.want.Name, found)
			}
		})
	}
}

// TestPartnerScores runs over the demo data with the partners' published
// journeys, whose outcomes a search with the partner finds.
func TestPartnerScores(t *testing.T) {
	ctx := context.Background()
	env, err := searchtest.Setup(ctx, searchtest.Options{Dir: t.TempDir(), Journeys: true})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	t.Run("as plain words", func(t *testing.T) { testScopedScoresArePlain(t, env) })
	t.Run("the partner's outcomes first", func(t *testing.T) { testPartnerOutcomesFirst(t, env) })
}

// testScopedScoresArePlain holds the scoped index to the scores of an
// index of the same documents as plain words (ComparePlain): the same
// documents, in the same order, with the same scores, for searches with
// and without a partner and a commune. Scoping must not change what a
// partner's documents weigh against the commons'.
func testScopedScoresArePlain(t *testing.T, env *searchtest.Env) {
	texts := []string{
		"j'ai plus de sous pour payer mon loyer",
		"loyer impayé",
		"aide au logement",
		"allocation familiale",
		"logemnt social", // a typo
		"je cherche du travail",
		"mon fils est handicapé",
		"apa",
		"permanence",
		"mairie",
		"caf",
		"violences conjugales",
		"facture d'électricité impayée",
		"passeport perdu",
		"retraite",
	}
	var qs []search.Query
	for _, text := range texts {
		for _, partner := range []string{"", "var", "lille"} {
			for _, commune := range []string{"", "83137", "59350"} {
				qs = append(qs, search.Query{Text: text, Partner: partner, Commune: commune})
			}
		}
	}
	const size = 40
	cmps, err := env.Search.ComparePlain(context.Background(), qs, size)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := 0
	for _, c := range cmps {
		name := fmt.Sprintf("%q partner=%q commune=%q", c.Query.Text, c.Query.Partner, c.Query.Commune)
		if len(c.Plain) == 0 {
			t.Errorf("%s: the reference finds nothing", name)
			continue
		}
		if len(c.Scoped) != len(c.Plain) {
			t.Errorf("%s: %d hits, the reference %d", name, len(c.Scoped), len(c.Plain))
			continue
		}
		alike := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(a, b) }
		// When there were more documents to find than hits asked for, the
		// documents bleve scored as its last hit may be any of those tied
		// at that score: both indexes cut them in their own order.
		scoped, plain := c.Scoped, c.Plain
		if len(plain) == size {
			last := slices.MinFunc(plain, func(a, b search.Hit) int { return cmp.Compare(a.Raw, b.Raw) }).Raw
			cut := func(h search.Hit) bool { return alike(h.Raw, last) }
			scoped, plain = slices.DeleteFunc(slices.Clone(scoped), cut), slices.DeleteFunc(slices.Clone(plain), cut)
		}
		if len(scoped) != len(plain) {
			t.Errorf("%s: %d hits above the last score, the reference %d", name, len(scoped), len(plain))
			continue
		}
		// Documents scoring alike (to rounding) may come in any order.
		for i := 0; i < len(plain); {
			j := i + 1
			for j < len(plain) && alike(plain[j].Score, plain[i].Score) {
				j++
			}
			want, got := hitIDs(plain[i:j]), hitIDs(scoped[i:j])
			if !slices.Equal(got, want) || !alike(scoped[i].Score, plain[i].Score) || !alike(scoped[j-1].Score, plain[i].Score) {
				t.Errorf("%s: hits %d to %d are %v scoring %.9f to %.9f, the reference's %v scoring %.9f", name, i, j-1,
					got, scoped[i].Score, scoped[j-1].Score, want, plain[i].Score)
				break
			}
			for _, h := range plain[i:j] {
				if h.Kind == search.KindOutcome {
					outcomes++
				}
			}
			i = j
		}
	}
	if outcomes == 0 {
		t.Error("no journey outcome among the hits: the comparison does not cover the partners' documents")
	}
}

// testPartnerOutcomesFirst: with the demo partner, a resident short of
// money for the rent is offered the partner's journey outcomes on housing
// among the first results, as the widget's end-to-end test expects.
func testPartnerOutcomesFirst(t *testing.T, env *searchtest.Env) {
	for _, commune := range []string{"", "83137"} {
		resp, err := env.Search.Search(context.Background(), search.Query{Text: "j'ai plus de sous pour payer mon loyer", Partner: "var", Commune: commune})
		if err != nil {
			t.Fatal(err)
		}
		var outcomes []string
		for _, r := range resp.Results {
			if r.Kind == search.KindOutcome && r.Organisation == "var" {
				outcomes = append(outcomes, r.Title)
			}
		}
		if !slices.ContainsFunc(outcomes, func(title string) bool {
			return strings.HasPrefix(title, "Loyers en retard") || strings.HasPrefix(title, "Demandez l'aide au logement (APL)")
		}) {
			t.Errorf("commune %q: the partner's outcomes in the first %d results are %q, want its housing ones", commune, len(resp.Results), outcomes)
		}
	}
}

// hitIDs are the hits' ids, sorted.
func hitIDs(hits []search.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	slices.Sort(ids)
	return ids
}
