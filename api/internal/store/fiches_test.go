package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

func testFiche(id string, day int) *domain.Fiche {
	return &domain.Fiche{
		ID: id, Title: "Fiche " + id, Description: "Description de " + id, Subject: "Social - Santé",
		URL:        "https://www.service-public.fr/particuliers/vosdroits/" + id,
		Breadcrumb: []string{"Social - Santé", "Handicap"},
		Pivots:     []string{"maison_handicapees", "caf"},
		Places: []domain.FichePlace{
			{Title: "Maison départementale des personnes handicapées (MDPH)", Pivot: "maison_handicapees", URL: "https://lannuaire.service-public.fr/"},
			{Title: "Caisse d'allocations familiales (Caf)", Complement: "Pour s'informer", Pivot: "caf", Phones: []string{"3230"}},
		},
		Online:    []domain.FicheLink{{Title: "Demande à la MDPH", URL: "https://www.service-public.fr/particuliers/vosdroits/R19993", Kind: "Formulaire"}},
		UpdatedAt: time.Date(2020, 1, day, 0, 0, 0, 0, time.UTC),
	}
}

func TestUpsertFiches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		bare := &domain.Fiche{ID: "N19810", Title: "Handicap", URL: "https://www.service-public.fr/particuliers/vosdroits/N19810"}
		fiches := []*domain.Fiche{testFiche("F1", 10), testFiche("F2", 10), bare}

		tests := []struct {
			name      string
			in        []*domain.Fiche
			want      domain.ImportStats
			wantWrite bool // the generation moves on
		}{
			{"first import", fiches, domain.ImportStats{Created: 3}, true},
			{"same data again", fiches, domain.ImportStats{Unchanged: 3}, false},
			{"one fiche changed", []*domain.Fiche{func() *domain.Fiche {
				f := testFiche("F1", 11)
				f.Title = "Allocation aux adultes handicapés (AAH)"
				return f
			}(), testFiche("F2", 10)}, domain.ImportStats{Updated: 1, Unchanged: 1}, true},
			{"older source date", []*domain.Fiche{testFiche("F1", 1)}, domain.ImportStats{Skipped: 1}, false},
			{"repeated ID, new fiche", []*domain.Fiche{testFiche("F3", 1), testFiche("F3", 2)}, domain.ImportStats{Created: 1, Skipped: 1}, true},
			{"empty", nil, domain.ImportStats{}, false},
		}
		for _, tt := range tests {
			gen := s.Generation()
			got, err := s.UpsertFiches(ctx, tt.in)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got != tt.want {
				t.Errorf("%s: stats = %+v, want %+v", tt.name, got, tt.want)
			}
			if wrote := s.Generation() != gen; wrote != tt.wantWrite {
				t.Errorf("%s: generation moved = %v, want %v", tt.name, wrote, tt.wantWrite)
			}
		}

		n, err := s.CountFiches(ctx)
		if err != nil || n != 4 {
			t.Fatalf("CountFiches = %d, %v; want 4", n, err)
		}
		all, err := s.AllFiches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range all {
			ids = append(ids, f.ID)
		}
		if !reflect.DeepEqual(ids, []string{"F1", "F2", "F3", "N19810"}) {
			t.Fatalf("AllFiches IDs = %v", ids)
		}
		// Round trip: every field comes back as written.
		if want := testFiche("F2", 10); !reflect.DeepEqual(all[1], want) {
			t.Errorf("F2 read back\n got %+v\nwant %+v", all[1], want)
		}
		if !reflect.DeepEqual(all[3], bare) {
			t.Errorf("N19810 read back\n got %+v\nwant %+v", all[3], bare)
		}
		if all[0].Title != "Allocation aux adultes handicapés (AAH)" || all[0].UpdatedAt.Day() != 11 {
			t.Errorf("F1 not updated: %+v", all[0])
		}
		if all[2].UpdatedAt.Day() != 1 {
			t.Errorf("F3: the first of two repeated IDs wins, got %v", all[2].UpdatedAt)
		}
	})
}

func TestUpsertFichesRejectsInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tests := []struct {
			name   string
			mutate func(f *domain.Fiche)
		}{
			{"bad ID", func(f *domain.Fiche) { f.ID = "X12" }},
			{"no title", func(f *domain.Fiche) { f.Title = " " }},
			{"URL not http", func(f *domain.Fiche) { f.URL = "ftp://service-public.fr/F1" }},
			{"place URL not http", func(f *domain.Fiche) { f.Places[0].URL = "lannuaire" }},
			{"phone not digits", func(f *domain.Fiche) { f.Places[1].Phones = []string{"32 30"} }},
			{"online without URL", func(f *domain.Fiche) { f.Online[0].URL = "" }},
			{"bad pivot", func(f *domain.Fiche) { f.Pivots = []string{"Sécurité sociale"} }},
		}
		for _, tt := range tests {
			bad := testFiche("F9", 1)
			tt.mutate(bad)
			_, err := s.UpsertFiches(ctx, []*domain.Fiche{testFiche("F8", 1), bad})
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("%s: err = %v, want %s", tt.name, err, domain.EINVALID)
			}
		}
		if n, err := s.CountFiches(ctx); err != nil || n != 0 {
			t.Errorf("an invalid batch wrote %d fiches (%v)", n, err)
		}
	})
}

// TestUpsertFichesBatches writes more fiches than one INSERT holds, and
// updates them all in place.
func TestUpsertFichesBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 1234
		fiches := make([]*domain.Fiche, n)
		for i := range fiches {
			fiches[i] = testFiche(fmt.Sprintf("F%d", i+1), 1)
		}
		if st, err := s.UpsertFiches(ctx, fiches); err != nil || st != (domain.ImportStats{Created: n}) {
			t.Fatalf("first import: %+v, %v", st, err)
		}
		for _, f := range fiches {
			f.UpdatedAt = f.UpdatedAt.AddDate(0, 0, 1)
		}
		if st, err := s.UpsertFiches(ctx, fiches); err != nil || st != (domain.ImportStats{Updated: n}) {
			t.Fatalf("second import: %+v, %v", st, err)
		}
		if got, err := s.CountFiches(ctx); err != nil || got != n {
			t.Fatalf("CountFiches = %d, %v", got, err)
		}
		all, err := s.AllFiches(ctx)
		if err != nil || len(all) != n || !all[0].UpdatedAt.Equal(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("AllFiches: %d fiches, %v", len(all), err)
		}
	})
}
