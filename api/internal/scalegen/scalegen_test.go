package scalegen_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/scalegen"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestGenerateTiny generates a tiny dataset on both databases and checks
// what a reader of the public API and of the figures finds.
func TestGenerateTiny(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		st, err := scalegen.Generate(ctx, s, ref, scalegen.Options{Partners: 3, ContactPoints: 120, Events: 5_000, Seed: 7, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if st.Partners != 3 || st.ContactPoints != 120 || st.Journeys != 3 || st.Events != 5_000 {
			t.Fatalf("stats = %+v", st)
		}
		if st.DaysRolledUp < 300 {
			t.Errorf("%d days rolled up, want most of 13 months", st.DaysRolledUp)
		}
		org, err := s.FindOrganisationBySlug(ctx, scalegen.PartnerSlug(1))
		if err != nil {
			t.Fatal(err)
		}
		if len(org.Territory) == 0 || len(org.EntryPoints) != 2 || org.EntryPoints[0].Journey != scalegen.JourneySlug {
			t.Errorf("partner = %+v", org)
		}
		j, err := s.FindJourney(ctx, org.ID, scalegen.JourneySlug)
		if err != nil || j.PublishedVersion != 1 {
			t.Fatalf("journey = %+v, %v", j, err)
		}
		db, err := s.SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		var events, cps, daily int
		for q, dst := range map[string]*int{
			"SELECT COUNT(*) FROM usage_events":                                     &events,
			"SELECT COUNT(*) FROM contact_points WHERE source_dataset = 'scalegen'": &cps,
			"SELECT COUNT(*) FROM usage_daily":                                      &daily,
		} {
			if err := db.QueryRowContext(ctx, q).Scan(dst); err != nil {
				t.Fatal(q, err)
			}
		}
		if events != 5_000 || cps != 120 || daily == 0 {
			t.Errorf("events %d, contact points %d, daily rows %d", events, cps, daily)
		}
		sum, err := s.SumUsage(ctx, domain.UsageQuery{From: domain.ParisDay(now.AddDate(-1, -1, 0)), To: domain.ParisDay(now)})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum) == 0 {
			t.Error("no usage figures")
		}
	})
}

// TestGenerateDeterministic: the same seed gives the same data.
func TestGenerateDeterministic(t *testing.T) {
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dump := func(seed uint64) string {
		s := storetest.New(t, store.SQLite)
		now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		if _, err := scalegen.Generate(ctx, s, ref, scalegen.Options{Partners: 2, ContactPoints: 50, Events: 2_000, Seed: seed, Now: now, NoRollUp: true}); err != nil {
			t.Fatal(err)
		}
		db, err := s.SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		for _, q := range []string{
			"SELECT id || ' ' || name || ' ' || channels || ' ' || coverage FROM contact_points WHERE source_dataset = 'scalegen' ORDER BY id",
			"SELECT organisation_id || ' ' || session_id || ' ' || day || ' ' || type || ' ' || contact_point_id FROM usage_events ORDER BY id",
		} {
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				out.WriteString(line + "\n")
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
		return out.String()
	}
	a, b, c := dump(3), dump(3), dump(4)
	if a != b {
		t.Error("the same seed gave different data")
	}
	if a == c {
		t.Error("another seed gave the same data")
	}
}
