package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

func day(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, time.UTC) }

func recordMiss(t *testing.T, s *store.Store, m domain.SearchMiss) *domain.SearchMiss {
	t.Helper()
	if err := s.RecordSearchMiss(context.Background(), &m); err != nil {
		t.Fatalf("record %+v: %v", m, err)
	}
	return &m
}

func TestRecordSearchMissUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		org := seedOrg(t, s, "var")
		steps := []struct {
			name string
			rec  domain.SearchMiss
			want domain.SearchMiss
		}{
			{"first", domain.SearchMiss{Departement: "83", LastSeen: day(10)},
				domain.SearchMiss{Departement: "83", Count: 1, FirstSeen: day(10), LastSeen: day(10)}},
			{"again later, other département", domain.SearchMiss{Departement: "06", LastSeen: day(12)},
				domain.SearchMiss{Departement: "06", Count: 2, FirstSeen: day(10), LastSeen: day(12)}},
			{"late arrival keeps the latest département", domain.SearchMiss{Departement: "13", LastSeen: day(5)},
				domain.SearchMiss{Departement: "06", Count: 3, FirstSeen: day(5), LastSeen: day(12)}},
			{"several at once", domain.SearchMiss{Departement: "2A", Count: 5, FirstSeen: day(13), LastSeen: day(14)},
				domain.SearchMiss{Departement: "2A", Count: 8, FirstSeen: day(5), LastSeen: day(14)}},
			{"unknown département keeps the known one", domain.SearchMiss{LastSeen: day(15)},
				domain.SearchMiss{Departement: "2A", Count: 9, FirstSeen: day(5), LastSeen: day(15)}},
		}
		for _, st := range steps {
			st.rec.OrganisationID, st.rec.Query = org.ID, "aide au permis"
			st.want.OrganisationID, st.want.Query = org.ID, "aide au permis"
			got := recordMiss(t, s, st.rec)
			if *got != st.want {
				t.Fatalf("%s: stored %+v, want %+v", st.name, *got, st.want)
			}
		}
		list, total, err := s.FindSearchMisses(context.Background(), org.ID, domain.Page{})
		if err != nil || total != 1 || len(list) != 1 || list[0].Count != 9 || !list[0].LastSeen.Equal(day(15)) {
			t.Fatalf("find = %+v, %d, %v; want the one miss counted 9 times", list, total, err)
		}
	})
}

func TestRecordSearchMissDefaultsToNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		before := time.Now().Add(-time.Second)
		got := recordMiss(t, s, domain.SearchMiss{Query: "chèque énergie"})
		after := time.Now().Add(time.Second)
		if got.Count != 1 || got.LastSeen.Before(before) || got.LastSeen.After(after) || !got.FirstSeen.Equal(got.LastSeen) {
			t.Fatalf("stored %+v, want count 1 seen between %v and %v", got, before, after)
		}
	})
}

func TestRecordSearchMissRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tests := []struct {
			name string
			miss domain.SearchMiss
		}{
			{"empty query", domain.SearchMiss{}},
			{"phone number", domain.SearchMiss{Query: "rappelez le 06 12 34 56 78"}},
			{"name", domain.SearchMiss{Query: "je m'appelle jean dupont"}},
			{"e-mail", domain.SearchMiss{Query: "jean.dupont@gmail.com"}},
			{"upper case", domain.SearchMiss{Query: "Carte Vitale"}},
			{"too long", domain.SearchMiss{Query: strings.Repeat("loyer ", 40)}},
			{"trailing punctuation", domain.SearchMiss{Query: "rsa ?"}},
			{"commune code", domain.SearchMiss{Query: "rsa", Departement: "83137"}},
			{"negative count", domain.SearchMiss{Query: "rsa", Count: -1}},
			{"unknown organisation", domain.SearchMiss{Query: "rsa", OrganisationID: domain.NewID()}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := tt.miss
				err := s.RecordSearchMiss(context.Background(), &m)
				if code := domain.ErrorCode(err); code != domain.EINVALID {
					t.Fatalf("record %+v: %v (code %s), want %s", tt.miss, err, code, domain.EINVALID)
				}
			})
		}
		if _, total, err := s.FindSearchMisses(context.Background(), "", domain.Page{}); err != nil || total != 0 {
			t.Fatalf("after refusals: %d misses, %v; want none", total, err)
		}
	})
}

// TestSearchMissQuery lives with the store that relies on it: a query not
// in that form is refused (TestRecordSearchMissRefuses).
func TestSearchMissQuery(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"  Carte VITALE perdue ?", "carte vitale perdue"},
		{"Je m'appelle Jean Dupont, rappelez-moi au 06 12 34 56 78 !", "je m'appelle [nom], rappelez-moi au [téléphone]"},
		{"taxe d'habitation 2024", "taxe d'habitation 2024"},
		{"?!", ""},
		{strings.Repeat("loyer ", 40) + "impayé", strings.TrimSpace(strings.Repeat("loyer ", 33))},
		{strings.Repeat("é", 250), strings.Repeat("é", 200)},
	}
	for _, tt := range tests {
		got := domain.SearchMissQuery(tt.raw)
		if got != tt.want {
			t.Errorf("SearchMissQuery(%q) = %q, want %q", tt.raw, got, tt.want)
		}
		if again := domain.SearchMissQuery(got); again != got {
			t.Errorf("SearchMissQuery not idempotent on %q: %q", got, again)
		}
	}
}

func TestSearchMissTenants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := seedOrg(t, s, "var"), seedOrg(t, s, "lille")
		// The same query, counted apart for each organisation and for
		// searches without a partner.
		for _, r := range []struct {
			org   string
			query string
			times int
			day   int
		}{
			{a.ID, "aide au permis", 3, 10},
			{a.ID, "cantine", 1, 12},
			{a.ID, "piscine", 1, 11},
			{a.ID, "bus scolaire", 2, 9},
			{b.ID, "aide au permis", 1, 10},
			{"", "aide au permis", 2, 10},
			{"", "cantine", 1, 10},
		} {
			for range r.times {
				recordMiss(t, s, domain.SearchMiss{OrganisationID: r.org, Query: r.query, Departement: "83", LastSeen: day(r.day)})
			}
		}
		tests := []struct {
			name  string
			org   string
			page  domain.Page
			want  []string // query:count
			total int
		}{
			{"partner a: most frequent, then most recent", a.ID, domain.Page{}, []string{"aide au permis:3", "bus scolaire:2", "cantine:1", "piscine:1"}, 4},
			{"partner a, second page", a.ID, domain.Page{Offset: 1, Limit: 2}, []string{"bus scolaire:2", "cantine:1"}, 4},
			{"partner b", b.ID, domain.Page{}, []string{"aide au permis:1"}, 1},
			{"no partner", "", domain.Page{}, []string{"aide au permis:2", "cantine:1"}, 2},
			{"unknown partner", domain.NewID(), domain.Page{}, nil, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := s.FindSearchMisses(ctx, tt.org, tt.page)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range list {
					if m.OrganisationID != tt.org {
						t.Errorf("miss %q of organisation %q listed for %q", m.Query, m.OrganisationID, tt.org)
					}
					got = append(got, m.Query+":"+strconv.Itoa(m.Count))
				}
				if strings.Join(got, ", ") != strings.Join(tt.want, ", ") || total != tt.total {
					t.Fatalf("got %v (total %d), want %v (total %d)", got, total, tt.want, tt.total)
				}
			})
		}
		// Deleting a partner deletes its misses, and only them.
		if err := s.DeleteOrganisation(ctx, a.ID, &domain.AuditEntry{Action: "delete", EntityType: "organisation", EntityID: a.ID}); err != nil {
			t.Fatal(err)
		}
		for org, want := range map[string]int{a.ID: 0, b.ID: 1, "": 2} {
			if _, total, err := s.FindSearchMisses(ctx, org, domain.Page{}); err != nil || total != want {
				t.Errorf("after deleting %s, organisation %q has %d misses (%v), want %d", a.ID, org, total, err, want)
			}
		}
	})
}

func TestRecordSearchMissConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		org := seedOrg(t, s, "var")
		for _, orgID := range []string{org.ID, ""} {
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for i := range 20 {
				wg.Go(func() {
					m := domain.SearchMiss{OrganisationID: orgID, Query: "logement d'urgence", LastSeen: day(1 + i)}
					errs <- s.RecordSearchMiss(context.Background(), &m)
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			list, total, err := s.FindSearchMisses(context.Background(), orgID, domain.Page{})
			if err != nil || total != 1 || list[0].Count != 20 || !list[0].FirstSeen.Equal(day(1)) || !list[0].LastSeen.Equal(day(20)) {
				t.Fatalf("organisation %q: %+v (total %d, %v); want one miss counted 20 times from day 1 to 20", orgID, list, total, err)
			}
		}
	})
}

func TestPurgeSearchMisses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org := seedOrg(t, s, "var")
		recordMiss(t, s, domain.SearchMiss{OrganisationID: org.ID, Query: "ancien", LastSeen: day(1)})
		recordMiss(t, s, domain.SearchMiss{Query: "ancien aussi", LastSeen: day(2)})
		recordMiss(t, s, domain.SearchMiss{OrganisationID: org.ID, Query: "revu", LastSeen: day(1)})
		recordMiss(t, s, domain.SearchMiss{OrganisationID: org.ID, Query: "revu", LastSeen: day(20)})
		recordMiss(t, s, domain.SearchMiss{Query: "récent", LastSeen: day(10)})
		n, err := s.PurgeSearchMisses(ctx, day(10))
		if err != nil || n != 2 {
			t.Fatalf("purge = %d, %v; want 2", n, err)
		}
		if n, err := s.PurgeSearchMisses(ctx, day(10)); err != nil || n != 0 {
			t.Fatalf("second purge = %d, %v; want 0", n, err)
		}
		for org, want := range map[string]string{org.ID: "revu", "": "récent"} {
			list, _, err := s.FindSearchMisses(ctx, org, domain.Page{})
			if err != nil || len(list) != 1 || list[0].Query != want {
				t.Errorf("organisation %q keeps %+v (%v), want only %q", org, list, err, want)
			}
		}
	})
}
