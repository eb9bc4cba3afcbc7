package store_test

import (
	"context"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// An import is written whole or not at all: a version that moved meanwhile
// rolls back the creations of the same import too.
func TestImportContactPoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org := seedOrg(t, s, "var")
		other := seedOrg(t, s, "nord")
		cov := domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}
		audit := func(id string) *domain.AuditEntry {
			return &domain.AuditEntry{OrganisationID: org.ID, Action: "create", EntityType: "contact_point", EntityID: id}
		}
		a, b := office(org.ID, "import:a", "mds", cov, "83137"), office(org.ID, "import:b", "mds", cov, "83137")
		gen := s.Generation()
		if err := s.ImportContactPoints(ctx, org.ID, []domain.ContactPointWrite{{ContactPoint: a, Audit: audit(a.ID)}, {ContactPoint: b, Audit: audit(b.ID)}}); err != nil {
			t.Fatal(err)
		}
		if s.Generation() == gen {
			t.Error("an import does not move the generation: caches would serve stale contact points")
		}
		found, err := s.FindContactPointsByID(ctx, org.ID, []string{a.ID, b.ID, domain.StableID("import:none")})
		if err != nil || len(found) != 2 || found[a.ID].Version != 1 || found[a.ID].Name != a.Name {
			t.Fatalf("found %v, %v", found, err)
		}
		if found, _ := s.FindContactPointsByID(ctx, other.ID, []string{a.ID}); len(found) != 0 {
			t.Fatalf("another organisation's contact points found: %v", found)
		}
		if _, n, _ := s.FindAudit(ctx, org.ID, domain.Page{Limit: 10}); n != 2 {
			t.Errorf("%d audit entries", n)
		}

		// Update a with a stale version, create c: neither is written.
		a2, c := *found[a.ID], office(org.ID, "import:c", "mds", cov, "83137")
		a2.Name = "Renamed"
		err = s.ImportContactPoints(ctx, org.ID, []domain.ContactPointWrite{{ContactPoint: c, Audit: audit(c.ID)}, {ContactPoint: &a2, ExpectedVersion: 7, Audit: audit(a.ID)}})
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("stale version: %v", err)
		}
		found, _ = s.FindContactPointsByID(ctx, org.ID, []string{a.ID, c.ID})
		if len(found) != 1 || found[a.ID].Name != a.Name {
			t.Fatalf("a failed import wrote %v", found)
		}
		if _, n, _ := s.FindAudit(ctx, org.ID, domain.Page{Limit: 10}); n != 2 {
			t.Errorf("%d audit entries after a failed import", n)
		}

		// The right version: updated, coverage rows replaced.
		a3 := *found[a.ID]
		a3.Name, a3.Coverage = "Renamed", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"59"}}
		if err := s.ImportContactPoints(ctx, org.ID, []domain.ContactPointWrite{{ContactPoint: &a3, ExpectedVersion: 1, Audit: audit(a.ID)}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindContactPointInOrganisation(ctx, org.ID, a.ID)
		if err != nil || got.Name != "Renamed" || got.Version != 2 || !got.CreatedAt.Equal(found[a.ID].CreatedAt) {
			t.Fatalf("updated = %+v, %v", got, err)
		}
		lille := &domain.Commune{Code: "59350", Departement: "59", Region: "32"}
		in, _, err := s.FindContactPoints(ctx, domain.ContactPointFilter{OrganisationID: org.ID, Commune: lille})
		if err != nil || len(in) != 1 || in[0].ID != a.ID {
			t.Errorf("coverage rows not replaced: %v, %v", in, err)
		}

		// A contact point of another organisation is refused before anything is written.
		foreign := office(other.ID, "import:foreign", "mds", cov, "83137")
		if err := s.ImportContactPoints(ctx, org.ID, []domain.ContactPointWrite{{ContactPoint: foreign}}); err == nil {
			t.Error("a contact point of another organisation was imported")
		}
	})
}
