package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestPortalRequestsAddUp: the daily counts of the portals' requests add
// to the stored ones; sums cover the days asked for, by portal, family and
// status class.
func TestPortalRequestsAddUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		add := func(rows ...domain.PortalRequests) {
			t.Helper()
			if err := s.AddPortalRequests(ctx, rows); err != nil {
				t.Fatal(err)
			}
		}
		add() // nothing: no statement
		add(domain.PortalRequests{Day: "2026-11-26", PortalID: "p1", Family: domain.FamilySearch, Status: domain.Status2xx, Count: 3},
			domain.PortalRequests{Day: "2026-11-27", PortalID: "p1", Family: domain.FamilySearch, Status: domain.Status2xx, Count: 2},
			// The same key twice in one call: merged.
			domain.PortalRequests{Day: "2026-11-27", PortalID: "p1", Family: domain.FamilySearch, Status: domain.Status2xx, Count: 1},
			domain.PortalRequests{Day: "2026-11-27", PortalID: "p1", Family: domain.FamilyOutcomes, Status: domain.Status4xx, Count: 4},
			domain.PortalRequests{Day: "2026-11-27", PortalID: "p2", Family: domain.FamilyOther, Status: domain.Status5xx, Count: 1},
			domain.PortalRequests{Day: "2026-11-27", PortalID: "p2", Family: domain.FamilyCommunes, Status: domain.Status3xx, Count: 0})
		add(domain.PortalRequests{Day: "2026-11-27", PortalID: "p1", Family: domain.FamilySearch, Status: domain.Status2xx, Count: 10})

		got, err := s.SumPortalRequests(ctx, "2026-11-27", "2026-11-27")
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.PortalRequests{
			{PortalID: "p1", Family: domain.FamilyOutcomes, Status: domain.Status4xx, Count: 4},
			{PortalID: "p1", Family: domain.FamilySearch, Status: domain.Status2xx, Count: 13},
			{PortalID: "p2", Family: domain.FamilyOther, Status: domain.Status5xx, Count: 1},
		}
		if len(got) != len(want) {
			t.Fatalf("sums %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("sum %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		all, err := s.SumPortalRequests(ctx, "", "")
		if err != nil || len(all) != 3 || all[1].Count != 16 {
			t.Fatalf("every day: %+v (%v)", all, err)
		}
		if none, err := s.SumPortalRequests(ctx, "2026-11-28", ""); err != nil || len(none) != 0 {
			t.Fatalf("no day: %+v (%v)", none, err)
		}
	})
}

// TestPortalRequestsTwoServers: two servers on one database count requests
// and flush them at the same time; every request is in the sums.
func TestPortalRequestsTwoServers(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			a, u := storetest.NewWithURL(t, d)
			b, err := store.Open(ctx, u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = b.Close() })
			counters := []*portals.RequestCounter{portals.NewRequestCounter(a, nil, nil), portals.NewRequestCounter(b, nil, nil)}
			const perWorker, rounds = 50, 20
			families := []domain.RequestFamily{domain.FamilySearch, domain.FamilyJourneys, domain.FamilyContactPoints}
			var wg sync.WaitGroup
			for _, c := range counters {
				for w := range 4 {
					wg.Go(func() {
						for range rounds {
							for i := range perWorker {
								c.Count("p1", families[(w+i)%len(families)], 200)
							}
							if err := c.Flush(context.WithoutCancel(ctx)); err != nil {
								t.Error(err)
								return
							}
						}
					})
				}
			}
			wg.Wait()
			for _, c := range counters {
				if err := c.Flush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			totals, err := counters[0].Requests(ctx, "", "")
			if err != nil {
				t.Fatal(err)
			}
			p := totals["p1"]
			if want := int64(len(counters) * 4 * rounds * perWorker); p == nil || p.Total() != want || p.Class(domain.Status2xx) != want {
				t.Fatalf("totals %+v, want %d requests", p, want)
			}
			var byFamily int64
			for _, f := range families {
				byFamily += p.Family(f)
			}
			if byFamily != p.Total() || p.Family(domain.FamilyOther) != 0 {
				t.Fatalf("by family %+v", p.Counts)
			}
		})
	}
}
