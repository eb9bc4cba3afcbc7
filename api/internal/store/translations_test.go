package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// Contact points keep the translations of their description through every
// write path; an untranslated one reads back without any.
func TestContactPointTranslations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org := seedOrg(t, s, "traductions")
		cov := domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}}
		audit := func(action string) *domain.AuditEntry {
			return &domain.AuditEntry{OrganisationID: org.ID, Action: action, EntityType: "contact_point"}
		}
		tests := []struct {
			name  string
			write func(c *domain.ContactPoint) error
			tr    map[string]domain.ContactPointText
		}{
			{name: "created with translations", tr: map[string]domain.ContactPointText{"en": {Description: "Housing advice"}, "ar": {Description: "نصائح السكن"}},
				write: func(c *domain.ContactPoint) error { return s.CreateContactPoint(ctx, c, audit("create")) }},
			{name: "created without", write: func(c *domain.ContactPoint) error { return s.CreateContactPoint(ctx, c, audit("create")) }},
			{name: "upserted with translations", tr: map[string]domain.ContactPointText{"fr-x-falc": {Description: "Des conseils pour le logement."}},
				write: func(c *domain.ContactPoint) error {
					_, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{c})
					return err
				}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := office(org.ID, "tr-"+tt.name, "adil", cov, "83137")
				c.Description = "Conseils sur le logement"
				c.Translations = tt.tr
				if err := tt.write(c); err != nil {
					t.Fatal(err)
				}
				got, err := s.FindContactPointByID(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Translations, tt.tr) {
					t.Fatalf("%d: translations %v, want %v", i, got.Translations, tt.tr)
				}
				byIDs, err := s.FindContactPointsByIDs(ctx, []string{c.ID})
				if err != nil || !reflect.DeepEqual(byIDs[c.ID].Translations, tt.tr) {
					t.Fatalf("by ids: %v %v", byIDs[c.ID], err)
				}
			})
		}

		// An update replaces them; removing them all reads back as none.
		c := office(org.ID, "tr-update", "adil", cov, "83137")
		if err := s.CreateContactPoint(ctx, c, audit("create")); err != nil {
			t.Fatal(err)
		}
		c.Translations = map[string]domain.ContactPointText{"uk": {Description: "Поради щодо житла"}}
		if err := s.UpdateContactPoint(ctx, c, 1, audit("update")); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindContactPointByID(ctx, c.ID)
		if got.Translations["uk"].Description != "Поради щодо житла" || len(got.Translations) != 1 {
			t.Fatalf("after update: %v", got.Translations)
		}
		c.Translations = map[string]domain.ContactPointText{}
		if err := s.UpdateContactPoint(ctx, c, 2, audit("update")); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.FindContactPointByID(ctx, c.ID); got.Translations != nil {
			t.Fatalf("after removal: %#v", got.Translations)
		}

		// Re-importing an unchanged untranslated contact point changes
		// nothing.
		plain := office(org.ID, "tr-plain", "adil", cov, "83137")
		if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{plain}); err != nil {
			t.Fatal(err)
		}
		stats, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{office(org.ID, "tr-plain", "adil", cov, "83137")})
		if err != nil || stats.Unchanged != 1 {
			t.Fatalf("re-import: %+v %v", stats, err)
		}

		// A translation in an unknown language is refused.
		bad := office(org.ID, "tr-bad", "adil", cov, "83137")
		bad.Translations = map[string]domain.ContactPointText{"de": {Description: "Wohnberatung"}}
		if err := s.CreateContactPoint(ctx, bad, audit("create")); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("unknown language: %v", err)
		}
	})
}
