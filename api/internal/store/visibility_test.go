package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestContactPointVisibility: visibilities are stored, a viewer's filter
// keeps what it may see, a public contact point imported again is
// unchanged, and a source listing again a contact point reserved to agents
// does not make it public.
func TestContactPointVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := seedOrg(t, s, "partenaire-a"), seedOrg(t, s, "partenaire-b")
		cov := domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}
		public := office(a.ID, "public", "mds", cov, "83137")
		public.Channels = append(public.Channels, domain.Channel{Kind: domain.ChannelPhone, Value: "04 65 71 83 01", Visibility: domain.VisibilityOrganisationAgents})
		ownAgents := office(a.ID, "own-agents", "mds", cov, "83137")
		ownAgents.Visibility = domain.VisibilityOrganisationAgents
		allAgents := office(b.ID, "all-agents", "mds", cov, "83137")
		allAgents.Visibility = domain.VisibilityAllAgents
		explicitPublic := office(b.ID, "explicit-public", "mds", cov, "83137")
		explicitPublic.Visibility = domain.VisibilityPublic
		explicitPublic.Channels[0].Visibility = domain.VisibilityPublic
		cps := []*domain.ContactPoint{public, ownAgents, allAgents, explicitPublic}
		if st, err := s.UpsertContactPoints(ctx, cps); err != nil || st.Created != 4 {
			t.Fatalf("upsert: %+v %v", st, err)
		}

		got, err := s.FindContactPointByID(ctx, public.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Visibility != domain.VisibilityPublic || got.Channels[0].Visibility != "" || got.Channels[1].Visibility != domain.VisibilityOrganisationAgents {
			t.Fatalf("read back: %+v", got)
		}
		if got, _ := s.FindContactPointByID(ctx, ownAgents.ID); got.Visibility != domain.VisibilityOrganisationAgents {
			t.Fatalf("own agents read back as %q", got.Visibility)
		}

		for _, c := range []struct {
			name   string
			viewer *domain.Viewer
			want   []string
		}{
			{"no filter (back office)", nil, []string{public.ID, ownAgents.ID, allAgents.ID, explicitPublic.ID}},
			{"public", &domain.Viewer{}, []string{public.ID, explicitPublic.ID}},
			{"member of A not in agent mode", &domain.Viewer{Organisations: []string{a.ID}}, []string{public.ID, explicitPublic.ID}},
			{"agent of A", &domain.Viewer{Agent: true, Organisations: []string{a.ID}}, []string{public.ID, ownAgents.ID, allAgents.ID, explicitPublic.ID}},
			{"agent of B", &domain.Viewer{Agent: true, Organisations: []string{b.ID}}, []string{public.ID, allAgents.ID, explicitPublic.ID}},
			{"agent of no organisation", &domain.Viewer{Agent: true}, []string{public.ID, allAgents.ID, explicitPublic.ID}},
			{"platform admin", &domain.Viewer{Agent: true, PlatformAdmin: true}, []string{public.ID, ownAgents.ID, allAgents.ID, explicitPublic.ID}},
		} {
			t.Run(c.name, func(t *testing.T) {
				found, total, err := s.FindContactPoints(ctx, domain.ContactPointFilter{Pivot: "mds", Viewer: c.viewer})
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, f := range found {
					ids = append(ids, f.ID)
				}
				slices.Sort(ids)
				want := slices.Sorted(slices.Values(c.want))
				if !slices.Equal(ids, want) || total != len(want) {
					t.Errorf("found %v (total %d), want %v", ids, total, want)
				}
			})
		}

		// The same content again: unchanged, whether visibility is given
		// as public or left empty.
		again := *explicitPublic
		again.Visibility, again.Channels = "", []domain.Channel{{Kind: domain.ChannelPhone, Value: "04 94 00 00 00"}}
		if st, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{public, &again}); err != nil || st.Unchanged != 2 {
			t.Fatalf("upsert again: %+v %v", st, err)
		}
		// A source lists the contact point reserved to agents again,
		// changed: it stays reserved.
		listed := *allAgents
		listed.Visibility, listed.Name = "", "Renamed by its source"
		if st, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{&listed}); err != nil || st.Updated != 1 {
			t.Fatalf("upsert changed: %+v %v", st, err)
		}
		if got, _ := s.FindContactPointByID(ctx, allAgents.ID); got.Visibility != domain.VisibilityAllAgents || got.Name != "Renamed by its source" {
			t.Fatalf("after the source listed it again: %q %q", got.Visibility, got.Name)
		}
		if st, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{&listed}); err != nil || st.Unchanged != 1 {
			t.Fatalf("upsert the same again: %+v %v", st, err)
		}
	})
}
