package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// Keyset pages list every contact point of the organisation once, in id
// order, and nothing of another; the stamp moves with every change.
func TestContactPointsAfterAndDirectoryStamp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := seedOrg(t, s, "org-a"), seedOrg(t, s, "org-b")
		cov := domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}
		var cps []*domain.ContactPoint
		for i := range 7 {
			cps = append(cps, office(a.ID, fmt.Sprint("a-", i), "caf", cov, "83137"))
		}
		cps = append(cps, office(b.ID, "b-0", "caf", cov, "83137"))
		if _, err := s.UpsertContactPoints(ctx, cps); err != nil {
			t.Fatal(err)
		}
		stamp, latest, err := s.DirectoryStamp(ctx, a.ID)
		if err != nil || stamp == "" || latest.IsZero() {
			t.Fatalf("stamp %q %v %v", stamp, latest, err)
		}

		seen := map[string]bool{}
		after, prev := "", ""
		for {
			page, err := s.ContactPointsAfter(ctx, a.ID, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				if c.OrganisationID != a.ID || seen[c.ID] || c.ID <= prev {
					t.Fatalf("page after %q: %s of %s (seen %v)", after, c.ID, c.OrganisationID, seen[c.ID])
				}
				seen[c.ID], prev = true, c.ID
			}
			after = page[len(page)-1].ID
		}
		if len(seen) != 7 {
			t.Fatalf("%d contact points read, want 7", len(seen))
		}

		// Another organisation's change leaves the stamp; one of its own moves it.
		cps[7].Name = "Changé"
		if _, err := s.UpsertContactPoints(ctx, cps[7:]); err != nil {
			t.Fatal(err)
		}
		if again, _, _ := s.DirectoryStamp(ctx, a.ID); again != stamp {
			t.Fatalf("stamp moved with another organisation: %q → %q", stamp, again)
		}
		if err := s.DeleteContactPoint(ctx, a.ID, cps[0].ID, 1, &domain.AuditEntry{OrganisationID: a.ID, Action: "delete"}); err != nil {
			t.Fatal(err)
		}
		if again, _, _ := s.DirectoryStamp(ctx, a.ID); again == stamp {
			t.Fatal("stamp unchanged after a deletion")
		}
	})
}
