package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestPublicReadsMakeNoNPlusOne counts the SQL statements of each public
// read, through the services that serve it, with few and with many
// results: the count must not grow with the number of results (5 vs 50
// contact points serving a commune, emergency numbers and themes; an
// outcome listing 1 vs 10 contact points).
func TestPublicReadsMakeNoNPlusOne(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		small := publicReadStatements(t, s, ref, "petit", 5, 1)
		large := publicReadStatements(t, s, ref, "grand", 50, 10)
		for _, name := range slices.Sorted(maps.Keys(small)) {
			t.Logf("%-40s %d statements (few results), %d (many)", name, small[name], large[name])
			if small[name] != large[name] {
				t.Errorf("%s: %d statements with few results, %d with many: a query per result", name, small[name], large[name])
			}
		}
	})
}

// publicReadStatements seeds a partner (its slug prefixed by tag) with n
// offices of a kind of its own, n emergency numbers and n themes, and a
// published journey whose outcome lists k contact points and that kind;
// then counts the statements of each public read.
func publicReadStatements(t *testing.T, s *store.Store, ref *geo.Reference, tag string, n, k int) map[string]int {
	t.Helper()
	ctx := context.Background()
	org := seedOrg(t, s, tag)
	pivot := "caf"
	if tag == "grand" {
		pivot = "cpam" // each size counts its own offices
	}
	var cps []*domain.ContactPoint
	var themes []*domain.Theme
	for i := range n {
		cps = append(cps, office(org.ID, fmt.Sprintf("%s-%d", tag, i), pivot, domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}}, "83137"))
		sos := office(org.ID, fmt.Sprintf("%s-sos-%d", tag, i), "", domain.Coverage{Rule: domain.CoverageExplicit, National: true}, "83137")
		sos.Emergency, sos.EmergencyRank = true, i+1
		cps = append(cps, sos)
		themes = append(themes, &domain.Theme{OrganisationID: org.ID, Slug: fmt.Sprintf("theme-%d", i), Label: fmt.Sprintf("Thème %d", i)})
	}
	if _, err := s.UpsertContactPoints(ctx, cps); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertThemes(ctx, themes); err != nil {
		t.Fatal(err)
	}
	fixed := make([]string, k)
	for i := range k {
		fixed[i] = cps[2*i].ID
	}
	list, _ := json.Marshal(fixed)
	content := fmt.Appendf(nil, `{"slug":"logement","title":"Logement","first_step":"q","steps":[
		{"id":"q","kind":"question","text":"Votre besoin ?","options":[{"label":"Loyer","next":"o"}]},
		{"id":"o","kind":"outcome","text":"Votre caisse","outcome":{"explanation":"Elle verse les aides.","pivots":[%q],"contact_points":%s}}]}`, pivot, list)
	audit := func(action string) *domain.AuditEntry {
		return &domain.AuditEntry{OrganisationID: org.ID, Action: action, EntityType: "journey", EntityID: "logement"}
	}
	if err := s.CreateJourney(ctx, &domain.JourneyRecord{OrganisationID: org.ID, Slug: "logement", Title: "Logement", Draft: content}, audit("create")); err != nil {
		t.Fatal(err)
	}
	outcomeID := orientation.OutcomeID(org.ID, "logement", "o")
	if err := s.PublishJourney(ctx, &domain.JourneyVersion{OrganisationID: org.ID, Slug: "logement", Content: content, Author: "test"},
		[]domain.OutcomeRef{{ID: outcomeID, OrganisationID: org.ID, Slug: "logement", StepID: "o"}}, audit("publish")); err != nil {
		t.Fatal(err)
	}
	org.EntryPoints[0].Journey = "logement"
	if err := s.UpsertOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}

	rec := &recorder{}
	if err := s.Trace(rec.record); err != nil {
		t.Fatal(err)
	}
	known := func(string) bool { return true }
	dir := directory.New(s, ref, known)
	journeys := orientation.New(s, dir, nil, ref, known, time.Now)
	counts := map[string]int{}
	count := func(name string, want int, fn func() (int, error)) {
		var got int
		counts[name] = len(rec.during(t, func() error {
			var err error
			got, err = fn()
			return err
		}))
		if got < want {
			t.Fatalf("%s: %d results, want at least %d", name, got, want)
		}
	}
	count("contact points of a kind for a commune", n, func() (int, error) {
		res, err := dir.FindContactPoints(ctx, directory.LocalQuery{Organisations: []string{org.ID}, Pivot: pivot, Commune: "83137", Limit: 100})
		if err != nil {
			return 0, err
		}
		return len(res.ContactPoints), nil
	})
	count("emergency numbers for a commune", n, func() (int, error) {
		cps, _, err := dir.Emergency(ctx, "83137")
		return len(cps), err
	})
	count("themes", n, func() (int, error) {
		_, th, err := dir.Themes(ctx, tag)
		return len(th), err
	})
	count("published journey", 1, func() (int, error) {
		p, err := journeys.PublishedJourney(ctx, tag, "social")
		if err != nil {
			return 0, err
		}
		return len(p.OutcomeIDs), nil
	})
	count("outcome for a commune", k, func() (int, error) {
		ans, err := journeys.Outcome(ctx, outcomeID, "83137")
		if err != nil {
			return 0, err
		}
		return len(ans.Contacts), nil
	})
	return counts
}
