package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/emergency"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// withSearch gives the server a search index over the store.
func withSearch(t *testing.T, s *store.Store) func(*httpapi.Deps) {
	return func(d *httpapi.Deps) {
		ref, err := geo.Load()
		if err != nil {
			t.Fatal(err)
		}
		lx, err := search.LoadLexicon()
		if err != nil {
			t.Fatal(err)
		}
		det, err := emergency.Load()
		if err != nil {
			t.Fatal(err)
		}
		dir := directory.New(s, ref, func(p string) bool { return p == "caf" || p == "mairie" })
		d.Search = search.New(search.Options{Source: s, Directory: dir, Detector: det, Lexicon: lx, Misses: s,
			Pivots: []search.PivotType{{Code: "caf", Label: "Caisse d'allocations familiales (CAF)"}}})
		if err := d.Search.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPortalRequestsCounted: the public requests made with a portal's key
// are counted by family of endpoints and status class, and shown in the
// usage by portal once flushed; requests without key, or with a bad key,
// are not counted; nothing of the requests (query, address) is kept.
func TestPortalRequestsCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var counter *portals.RequestCounter
		e := newAdminEnv(t, s, withPortals(s), withSearch(t, s), func(d *httpapi.Deps) {
			counter = portals.NewRequestCounter(s, d.Now, nil)
			d.PortalRequests = counter
		})
		token := e.login(t, "platform").AccessToken
		portal, key := e.createPortal(t, token, `{"name":"Portail des aidants"}`)
		other, _ := e.createPortal(t, token, `{"name":"Portail silencieux"}`)

		const server = "203.0.113.9:4000"
		calls := []struct {
			url    string
			status int
		}{
			{"/api/v1/public/search?q=loyer+impay%C3%A9&commune=83137", http.StatusOK},
			{"/api/v1/public/search?q=allocations&commune=83137", http.StatusOK},
			{"/api/v1/public/search", http.StatusBadRequest},
			{"/api/v1/public/communes?q=toul", http.StatusOK},
			{"/api/v1/public/contact-points?pivot=caf&commune=83137", http.StatusOK},
			{"/api/v1/public/organisations/partenaire-a/themes", http.StatusOK},
			{"/api/v1/public/organisations/inconnue", http.StatusNotFound},
			{"/api/v1/public/organisations/partenaire-a/journeys/inconnu", http.StatusNotFound},
			{"/api/v1/public/emergency?commune=83137", http.StatusOK},
			{"/api/v1/public/pivots", http.StatusOK},
		}
		for _, k := range []string{key, "-"} {
			for _, c := range calls {
				if rec := e.public(t, server, k, http.MethodGet, c.url, ""); rec.Code != c.status {
					t.Fatalf("GET %s (key %v): %d %s, want %d", c.url, k != "-", rec.Code, rec.Body, c.status)
				}
			}
			// No such route (so not in the spec); with the key, a 4xx of
			// the other family.
			if rec := e.keyedGet(k, "/api/v1/public/nulle-part"); rec.Code != http.StatusNotFound {
				t.Fatalf("unknown route: %d", rec.Code)
			}
		}
		// A revalidation answered 304 counts as a 3xx.
		rec := e.public(t, server, key, http.MethodGet, "/api/v1/public/communes?q=toul", "")
		if rec := e.keyedGet(key, "/api/v1/public/communes?q=toul", "If-None-Match", rec.Header().Get("ETag")); rec.Code != http.StatusNotModified {
			t.Fatalf("revalidation: %d", rec.Code)
		}
		// A bad key: refused, and counted for no one.
		if rec := e.public(t, server, "agk_"+portal.KeyPrefix+"_faux", http.MethodGet, "/api/v1/public/pivots", ""); rec.Code != http.StatusUnauthorized {
			t.Fatalf("bad key: %d", rec.Code)
		}

		// Nothing is written before the flush.
		var usage httpapi.PortalUsageList
		mustJSON(t, e.do(t, http.MethodGet, "/api/v1/admin/portals/stats", token, "").Body.Bytes(), &usage)
		for _, u := range usage.Portals {
			if u.ID != "" && (u.Requests == nil || u.Requests.Total != 0) {
				t.Fatalf("before the flush: %+v", u)
			}
		}
		if err := counter.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		rec = e.do(t, http.MethodGet, "/api/v1/admin/portals/stats", token, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("stats: %d %s", rec.Code, rec.Body)
		}
		if body := rec.Body.String(); strings.Contains(body, "loyer") || strings.Contains(body, "203.0.113.9") {
			t.Fatalf("the usage by portal shows a query or an address: %s", body)
		}
		mustJSON(t, rec.Body.Bytes(), &usage)
		byID := map[string]httpapi.PortalUsage{}
		for _, u := range usage.Portals {
			byID[u.ID] = u
		}
		got := byID[portal.ID].Requests
		if got == nil || got.Total != 13 || got.Success != 9 || got.ClientErrors != 4 || got.ServerErrors != 0 {
			t.Fatalf("requests with the key: %+v", got)
		}
		want := map[string]int64{"search": 3, "journeys": 1, "outcomes": 0, "contact-points": 1, "communes": 3, "organisations": 2, "emergency": 1, "other": 2}
		if len(got.ByFamily) != len(want) || got.ByFamily[0].Family != "search" || got.ByFamily[len(want)-1].Family != "other" {
			t.Fatalf("families %+v", got.ByFamily)
		}
		for _, f := range got.ByFamily {
			if f.Requests != want[f.Family] {
				t.Errorf("%s: %d requests, want %d", f.Family, f.Requests, want[f.Family])
			}
		}
		if r := byID[other.ID].Requests; r == nil || r.Total != 0 || len(r.ByFamily) != len(want) {
			t.Fatalf("portal without requests: %+v", r)
		}
		if r := byID[""].Requests; r != nil {
			t.Fatalf("the usage without key has request counts: %+v", r)
		}
		// Another period: none.
		mustJSON(t, e.do(t, http.MethodGet, "/api/v1/admin/portals/stats?from=2026-01-01&to=2026-01-31", token, "").Body.Bytes(), &usage)
		for _, u := range usage.Portals {
			if u.Requests != nil && u.Requests.Total != 0 {
				t.Fatalf("January: %+v", u)
			}
		}
		// In the stored counts, only the keyed requests, on the test day.
		rows, err := s.SumPortalRequests(t.Context(), "2026-11-27", "2026-11-27")
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, r := range rows {
			if r.PortalID != portal.ID {
				t.Fatalf("counted for %q: %+v", r.PortalID, r)
			}
			n += r.Count
		}
		if n != 13 {
			t.Fatalf("%d requests stored, want 13", n)
		}

		// The metric, by key prefix and family.
		metrics := httptest.NewRecorder()
		e.handler.ServeHTTP(metrics, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		for _, line := range []string{
			`aiguillage_portal_requests_total{family="search",portal_prefix="` + portal.KeyPrefix + `"} 3`,
			`aiguillage_portal_requests_total{family="communes",portal_prefix="` + portal.KeyPrefix + `"} 3`,
		} {
			if !strings.Contains(metrics.Body.String(), line) {
				t.Errorf("metrics lack %s", line)
			}
		}
	})
}

// TestPortalRequestsNotCounted: without the counter, keyed requests are
// served as before and the usage by portal has no request counts.
func TestPortalRequestsNotCounted(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s, withPortals(s))
	token := e.login(t, "platform").AccessToken
	_, key := e.createPortal(t, token, `{"name":"Portail des aidants"}`)
	if rec := e.public(t, "203.0.113.9:4000", key, http.MethodGet, "/api/v1/public/organisations/inconnue", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("keyed request: %d", rec.Code)
	}
	var usage httpapi.PortalUsageList
	mustJSON(t, e.do(t, http.MethodGet, "/api/v1/admin/portals/stats", token, "").Body.Bytes(), &usage)
	for _, u := range usage.Portals {
		if u.Requests != nil {
			t.Fatalf("request counts without the counter: %+v", u)
		}
	}
}

// keyedGet sends a public GET with the key ("-": none) and headers, unchecked
// against the spec.
func (e *adminEnv) keyedGet(key, url string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.RemoteAddr = "203.0.113.9:4000"
	if key != "-" {
		req.Header.Set("X-API-Key", key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}
