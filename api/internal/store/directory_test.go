package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func seedOrg(t *testing.T, s *store.Store, slug string) *domain.Organisation {
	t.Helper()
	o := &domain.Organisation{Slug: slug, Name: "Org " + slug, Kind: domain.KindDepartement,
		Territory: []string{"83137"}, Branding: domain.Branding{PrimaryColor: "#123456"},
		EntryPoints: []domain.EntryPoint{{Slug: "social", Name: "Social", Themes: []string{"logement"}}}}
	if err := s.UpsertOrganisation(context.Background(), o); err != nil {
		t.Fatalf("upsert organisation: %v", err)
	}
	return o
}

func office(orgID, key, pivot string, cov domain.Coverage, commune string) *domain.ContactPoint {
	return &domain.ContactPoint{
		ID: domain.StableID(key), OrganisationID: orgID, Name: "Office " + key, Pivot: pivot,
		Granularity: domain.GranularityService,
		Channels:    []domain.Channel{{Kind: domain.ChannelPhone, Value: "04 94 00 00 00"}},
		Address:     &domain.Address{CommuneCode: commune, City: "X", Latitude: ptr(43.1), Longitude: ptr(5.9)},
		Hours:       domain.OpeningHours{Weekly: []domain.OpeningSlot{{Day: 1, Opens: "09:00", Closes: "12:00"}}},
		Coverage:    cov,
		Source:      domain.Source{Kind: domain.SourceAnnuaire, ID: key, UpdatedAt: ptr(time.Date(2017, 9, 11, 0, 0, 0, 0, time.UTC))},
		VerifiedAt:  ptr(time.Date(2017, 9, 11, 0, 0, 0, 0, time.UTC)),
	}
}

func TestMigrationStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, err := s.MigrationStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending() || st.Current == 0 {
			t.Fatalf("status after migrate = %+v, want current = target > 0", st)
		}
		applied, err := s.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v; want nothing", applied, err)
		}
	})
}

func TestOrganisationUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := seedOrg(t, s, "var")
		got, err := s.FindOrganisationBySlug(ctx, "var")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != o.ID || got.Branding.PrimaryColor != "#123456" || len(got.EntryPoints) != 1 || got.EntryPoints[0].Themes[0] != "logement" {
			t.Fatalf("round trip: %+v", got)
		}
		// Same content again keeps the row untouched.
		again := &domain.Organisation{Slug: "var", Name: o.Name, Kind: o.Kind, Territory: o.Territory, Branding: o.Branding, EntryPoints: o.EntryPoints}
		if err := s.UpsertOrganisation(ctx, again); err != nil {
			t.Fatal(err)
		}
		if again.ID != o.ID || !again.UpdatedAt.Equal(got.UpdatedAt) {
			t.Fatalf("idempotent upsert changed the row: %v vs %v", again.UpdatedAt, got.UpdatedAt)
		}
		// A change updates in place, entry points replaced.
		again.Name = "Département du Var"
		again.EntryPoints = []domain.EntryPoint{{Slug: "emploi", Name: "Emploi"}, {Slug: "social", Name: "Social"}}
		if err := s.UpsertOrganisation(ctx, again); err != nil {
			t.Fatal(err)
		}
		got, err = s.FindOrganisationByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Département du Var" || len(got.EntryPoints) != 2 || got.EntryPoints[0].Slug != "emploi" {
			t.Fatalf("after update: %+v", got)
		}
		if _, err := s.FindOrganisationBySlug(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("missing organisation: err = %v, want not found", err)
		}
		if err := s.UpsertOrganisation(ctx, &domain.Organisation{Slug: "Bad Slug", Name: "x", Kind: "x"}); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("invalid organisation: err = %v, want invalid", err)
		}
	})
}

func TestContactPointsUpsertAndCoverage(t *testing.T) {
	toulon := &domain.Commune{Code: "83137", Departement: "83", Region: "93"}
	lille := &domain.Commune{Code: "59350", Departement: "59", Region: "32"}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := seedOrg(t, s, "commons")
		cps := []*domain.ContactPoint{
			office(o.ID, "caf-83126-01", "caf", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}, Inferred: true}, "83126"),
			office(o.ID, "caf-59350-01", "caf", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"59"}, Inferred: true}, "59350"),
			office(o.ID, "mairie-83137-01", "mairie", domain.Coverage{Rule: domain.CoverageNearest, Inferred: true}, "83137"),
			office(o.ID, "carsat-13055-01", "carsat", domain.Coverage{Rule: domain.CoverageExplicit, Regions: []string{"93"}}, "83137"),
			{ID: domain.StableID("helpline:15"), OrganisationID: o.ID, Name: "SAMU", Emergency: true, EmergencyRank: 1,
				Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "15"}}, Themes: []string{"sante"},
				Coverage: domain.Coverage{Rule: domain.CoverageExplicit, National: true}, Source: domain.Source{Kind: domain.SourceHelplines, ID: "15"}},
		}
		stats, err := s.UpsertContactPoints(ctx, cps)
		if err != nil {
			t.Fatal(err)
		}
		if stats != (domain.ImportStats{Created: 5}) {
			t.Fatalf("first upsert stats = %+v", stats)
		}
		stats, err = s.UpsertContactPoints(ctx, cps)
		if err != nil || stats != (domain.ImportStats{Unchanged: 5}) {
			t.Fatalf("second upsert stats = %+v, err %v; want all unchanged", stats, err)
		}
		// A newer record updates in place; an older one does not overwrite.
		newer := office(o.ID, "caf-83126-01", "caf", domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83126", "83137"}}, "83126")
		newer.Name = "Caf du Var - La Seyne"
		newer.Source.UpdatedAt = ptr(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		older := office(o.ID, "caf-59350-01", "caf", domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"59"}}, "59350")
		older.Name = "stale"
		older.Source.UpdatedAt = ptr(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC))
		stats, err = s.UpsertContactPoints(ctx, []*domain.ContactPoint{newer, older})
		if err != nil || stats != (domain.ImportStats{Updated: 1, Skipped: 1}) {
			t.Fatalf("update stats = %+v, err %v", stats, err)
		}
		got, err := s.FindContactPointByID(ctx, newer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Caf du Var - La Seyne" || len(got.Coverage.Communes) != 2 || got.Channels[0].Value != "04 94 00 00 00" ||
			got.Address.Latitude == nil || *got.Address.Latitude != 43.1 || got.Hours.Weekly[0].Opens != "09:00" {
			t.Fatalf("round trip after update: %+v", got)
		}

		tests := []struct {
			name   string
			filter domain.ContactPointFilter
			want   []string
		}{
			{"caf for Toulon (commune coverage)", domain.ContactPointFilter{Pivot: "caf", Commune: toulon}, []string{"caf-83126-01"}},
			{"caf for Lille (département coverage)", domain.ContactPointFilter{Pivot: "caf", Commune: lille}, []string{"caf-59350-01"}},
			{"carsat by région", domain.ContactPointFilter{Pivot: "carsat", Commune: toulon}, []string{"carsat-13055-01"}},
			{"carsat not in another région", domain.ContactPointFilter{Pivot: "carsat", Commune: lille}, nil},
			{"national helpline everywhere", domain.ContactPointFilter{Emergency: ptr(true), Commune: lille}, []string{"helpline:15"}},
			{"nearest-rule offices by département", domain.ContactPointFilter{Pivot: "mairie", NearestDepartement: "83"}, []string{"mairie-83137-01"}},
			{"nearest-rule offices are not explicit coverage", domain.ContactPointFilter{Pivot: "mairie", Commune: toulon}, nil},
			{"by theme", domain.ContactPointFilter{Theme: "sante"}, []string{"helpline:15"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := s.FindContactPoints(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(tt.want) || len(got) != len(tt.want) {
					t.Fatalf("got %d (total %d), want %v", len(got), total, tt.want)
				}
				for i, key := range tt.want {
					if got[i].ID != domain.StableID(key) {
						t.Errorf("result %d = %s, want %s", i, got[i].Name, key)
					}
				}
			})
		}
		if _, err := s.FindContactPointByID(ctx, domain.NewID()); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("missing contact point: err = %v", err)
		}
	})
}

func TestThemesUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := seedOrg(t, s, "commons")
		themes := []*domain.Theme{
			{OrganisationID: o.ID, Slug: "logement", Label: "Logement"},
			{OrganisationID: o.ID, Slug: "loyer-impaye", ParentSlug: "logement", Label: "Loyer impayé", Synonyms: []string{"plus de sous pour le loyer"}},
		}
		if st, err := s.UpsertThemes(ctx, themes); err != nil || st.Created != 2 {
			t.Fatalf("create: %+v %v", st, err)
		}
		if st, err := s.UpsertThemes(ctx, themes); err != nil || st.Unchanged != 2 {
			t.Fatalf("again: %+v %v", st, err)
		}
		themes[1].Synonyms = append(themes[1].Synonyms, "expulsion")
		if st, err := s.UpsertThemes(ctx, themes); err != nil || st.Updated != 1 {
			t.Fatalf("update: %+v %v", st, err)
		}
		got, err := s.FindThemes(ctx, o.ID)
		if err != nil || len(got) != 2 || len(got[1].Synonyms) != 2 {
			t.Fatalf("find: %+v %v", got, err)
		}
	})
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		dialect store.Dialect
		wantErr bool
	}{
		{"postgres://u@h/db", store.Postgres, false},
		{"postgresql://u@h/db", store.Postgres, false},
		{"sqlite:data/a.db", store.SQLite, false},
		{"sqlite:", "", true},
		{"mysql://x", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		d, _, err := store.ParseURL(tt.in)
		if (err != nil) != tt.wantErr || d != tt.dialect {
			t.Errorf("ParseURL(%q) = %q, %v", tt.in, d, err)
		}
	}
}
