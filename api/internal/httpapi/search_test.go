package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/emergency"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// newSearchEnv serves the fixture directory with a real search index.
func newSearchEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	fixes := []*domain.Fiche{{ID: "F1", Title: "Allocations familiales", Description: "Prestation versée par la Caf aux familles d'au moins deux enfants.",
		URL: "https://www.service-public.fr/particuliers/vosdroits/F1", Pivots: []string{"caf"},
		Places: []domain.FichePlace{{Title: "Caf", Phones: []string{"3230"}}}}}
	if _, err := s.UpsertFiches(ctx, fixes); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"caf": true, "mairie": true, "cpam": true}
	dir := directory.New(s, ref, func(p string) bool { return known[p] })
	lx, err := search.LoadLexicon()
	if err != nil {
		t.Fatal(err)
	}
	det, err := emergency.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := search.New(search.Options{Source: s, Directory: dir, Detector: det, Lexicon: lx, Misses: s,
		Pivots: []search.PivotType{{Code: "caf", Label: "Caisse d'allocations familiales (CAF)"}, {Code: "mairie", Label: "Mairie"}}})
	if err := svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	srv, err := httpapi.New(httpapi.Deps{Logger: slog.New(slog.DiscardHandler), Directory: dir, Communes: ref, Search: svc,
		Readiness: readiness{s, false}, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20, PublicURL: "http://localhost:8080", Version: "test", Generation: s.Generation})
	if err != nil {
		t.Fatal(err)
	}
	return &env{handler: srv, spec: specRouter(t)}
}

func TestPublicSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fixture(t, s)
		e := newSearchEnv(t, s)
		get := func(t *testing.T, q url.Values) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/public/search?"+q.Encode(), nil)
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			e.checkAgainstSpec(t, req, rec)
			return rec
		}
		t.Run("local answer", func(t *testing.T) {
			rec := get(t, url.Values{"q": {"les allocs familiales"}, "commune": {"83137"}})
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var resp httpapi.SearchResponse
			mustJSON(t, rec.Body.Bytes(), &resp)
			if resp.Emergency || len(resp.Results) == 0 || resp.Commune == nil || resp.Commune.Code != "83137" {
				t.Fatalf("response: %+v", resp)
			}
			var caf, national bool
			for _, c := range resp.Results[0].Contacts {
				caf = caf || c.Pivot == "caf" && c.Reason != ""
				national = national || c.Channels[0].Value == "3230"
			}
			if !caf || !national {
				t.Fatalf("first result %+v: want the local CAF and the 3230", resp.Results[0])
			}
		})
		t.Run("emergency first", func(t *testing.T) {
			rec := get(t, url.Values{"q": {"mon mari me frappe"}})
			var resp httpapi.SearchResponse
			mustJSON(t, rec.Body.Bytes(), &resp)
			if rec.Code != http.StatusOK || !resp.Emergency || len(resp.Categories) == 0 || resp.Results[0].Kind != "emergency" {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
		for _, tt := range []struct {
			name  string
			q     url.Values
			code  int
			field string
		}{
			{"empty query", url.Values{"q": {""}}, 400, "q"},
			{"missing query", url.Values{}, 400, "q"},
			{"2,000 characters", url.Values{"q": {strings.Repeat("a", 2000)}}, 400, "q"},
			{"control characters", url.Values{"q": {"caf\x00\x1b\x07"}}, 200, ""},
			{"unknown commune", url.Values{"q": {"caf"}, "commune": {"99999"}}, 400, "commune"},
			{"malformed commune", url.Values{"q": {"caf"}, "commune": {"toulon"}}, 400, "commune"},
			{"unknown partner", url.Values{"q": {"caf"}, "partner": {"personne"}}, 404, ""},
			{"unknown entry point", url.Values{"q": {"caf"}, "partner": {"departement-du-var"}, "entry": {"nulle-part"}}, 404, ""},
			{"limit not a number", url.Values{"q": {"caf"}, "limit": {"dix"}}, 400, "limit"},
			{"limit too large", url.Values{"q": {"caf"}, "limit": {"500"}}, 400, "limit"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rec := get(t, tt.q)
				if rec.Code != tt.code {
					t.Fatalf("status %d, want %d: %s", rec.Code, tt.code, rec.Body)
				}
				if tt.code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Errorf("content type %q", rec.Header().Get("Content-Type"))
				}
				if tt.field != "" && !strings.Contains(rec.Body.String(), `"field":"`+tt.field+`"`) {
					t.Errorf("no error on field %s: %s", tt.field, rec.Body)
				}
			})
		}
		t.Run("a search that finds nothing is recorded, scrubbed", func(t *testing.T) {
			rec := get(t, url.Values{"q": {"zorglub qwxv je m'appelle Jean Dupont 06 12 34 56 78"}, "partner": {"departement-du-var"}, "commune": {"83137"}})
			var resp httpapi.SearchResponse
			mustJSON(t, rec.Body.Bytes(), &resp)
			if len(resp.Results) != 0 {
				t.Fatalf("results for gibberish: %s", rec.Body)
			}
			org, err := s.FindOrganisationBySlug(context.Background(), "departement-du-var")
			if err != nil {
				t.Fatal(err)
			}
			var misses []*domain.SearchMiss
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if misses, _, err = s.FindSearchMisses(context.Background(), org.ID, domain.Page{Limit: 10}); err != nil {
					t.Fatal(err)
				}
				if len(misses) > 0 {
					break
				}
			}
			if len(misses) != 1 {
				t.Fatalf("misses: %+v", misses)
			}
			b, _ := json.Marshal(misses[0])
			if m := misses[0]; strings.Contains(m.Query, "Dupont") || strings.Contains(m.Query, "06") || m.Departement != "83" {
				t.Fatalf("miss not scrubbed or not by département: %s", b)
			}
		})
	})
}
