package app_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestPortalRequestsAtShutdown: the requests a server counted with a
// portal's key are in the database once it stopped gracefully (the last
// flush is part of the shutdown), and a second server's add up.
func TestPortalRequestsAtShutdown(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dbURL := storetest.URL(t, d)
			if d == store.SQLite {
				dbURL = "sqlite:" + filepath.Join(t.TempDir(), "aiguillage.db")
			}
			ctx := context.Background()
			run(t, ctx, dbURL, "migrate")
			s, err := store.Open(ctx, dbURL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, key, err := portals.New(s, nil, nil).Create(ctx, admin.Actor{UserID: "6a0c7a4e-3f0e-4d8b-9f59-0d6b7e0c1a11", PlatformAdmin: true},
				portals.CreateInput{Name: "Portail des aidants"})
			if err != nil {
				t.Fatal(err)
			}
			client := &http.Client{Timeout: 10 * time.Second}
			get := func(base, path, key string) {
				t.Helper()
				req, _ := http.NewRequest(http.MethodGet, base+path, nil)
				if key != "" {
					req.Header.Set("X-API-Key", key)
				}
				res, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d", path, res.StatusCode)
				}
			}
			for range 2 {
				srv := startServer(t, getenv(dbURL))
				for range 3 {
					get(srv.base, "/api/v1/public/communes?q=toul", key)
					get(srv.base, "/api/v1/public/communes?q=toul", "") // not counted
				}
				get(srv.base, "/api/v1/public/pivots", key)
				if err := srv.stop(); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := s.SumPortalRequests(ctx, "", "")
			if err != nil {
				t.Fatal(err)
			}
			got := map[domain.RequestFamily]int64{}
			for _, r := range rows {
				if r.PortalID != p.ID || r.Status != domain.Status2xx {
					t.Fatalf("unexpected count %+v", r)
				}
				got[r.Family] += r.Count
			}
			if got[domain.FamilyCommunes] != 6 || got[domain.FamilyOther] != 2 || len(got) != 2 {
				t.Fatalf("requests by family %v, want 6 communes and 2 other", got)
			}
		})
	}
}
