package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// withPortals gives the server the portals' service.
func withPortals(s *store.Store) func(*httpapi.Deps) {
	return func(d *httpapi.Deps) { d.Portals = portals.New(s, d.Now, nil) }
}

// createPortal creates a portal as the platform admin and returns it with
// its key.
func (e *adminEnv) createPortal(t *testing.T, token, body string) (httpapi.Portal, string) {
	t.Helper()
	rec := e.do(t, http.MethodPost, "/api/v1/admin/portals", token, body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create portal: %d %s", rec.Code, rec.Body)
	}
	var cp httpapi.CreatedPortal
	mustJSON(t, rec.Body.Bytes(), &cp)
	return cp.Portal, cp.APIKey
}

// public sends a public request from addr with the given API key (none
// when key is "-").
func (e *adminEnv) public(t *testing.T, addr, key, method, url, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.RemoteAddr = addr
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "-" {
		req.Header.Set("X-API-Key", key)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	e.checkAgainstSpec(t, httptest.NewRequest(method, url, nil), rec)
	return rec
}

// TestPortalsAccess: only platform admins manage the portals; référents of
// every role get 403, anonymous callers 401.
func TestPortalsAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s, withPortals(s))
		tokens := map[string]string{"anonymous": ""}
		for _, u := range []string{"a-viewer", "a-editor", "a-admin", "platform"} {
			tokens[u] = e.login(t, u).AccessToken
		}
		target, _ := e.createPortal(t, tokens["platform"], `{"name":"Portail cible"}`)
		for _, route := range []struct {
			method, url, body string
			ok                int
		}{
			{http.MethodGet, "/api/v1/admin/portals", "", http.StatusOK},
			{http.MethodPost, "/api/v1/admin/portals", `{"name":"Portail des aidants"}`, http.StatusCreated},
			{http.MethodGet, "/api/v1/admin/portals/stats", "", http.StatusOK},
			{http.MethodPost, "/api/v1/admin/portals/" + target.ID + "/revoke", "", http.StatusOK},
		} {
			for _, who := range []string{"anonymous", "a-viewer", "a-editor", "a-admin", "platform"} {
				t.Run(route.method+" "+route.url+" as "+who, func(t *testing.T) {
					want := http.StatusForbidden
					switch who {
					case "anonymous":
						want = http.StatusUnauthorized
					case "platform":
						want = route.ok
					}
					rec := e.do(t, route.method, route.url, tokens[who], route.body)
					if rec.Code != want {
						t.Fatalf("%d %s, want %d", rec.Code, rec.Body, want)
					}
				})
			}
		}
		// Nothing was created nor revoked by the refused calls.
		list, err := s.FindPortals(t.Context())
		if err != nil || len(list) != 2 {
			t.Fatalf("%d portals (%v), want 2", len(list), err)
		}
	})
}

// TestPortalsValidation: fields are checked one by one; unknown fields
// (the key, its hash…) are refused.
func TestPortalsValidation(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s, withPortals(s))
	token := e.login(t, "platform").AccessToken
	for _, tc := range []struct {
		name, body string
		fields     []string
	}{
		{"empty name", `{"name":""}`, []string{"name"}},
		{"no body", `{}`, []string{"name"}},
		{"bad e-mail and multiplier", `{"name":"Portail","contact_email":"pas-une-adresse","rate_multiplier":0}`, []string{"contact_email", "rate_multiplier"}},
		{"multiplier too high", `{"name":"Portail","rate_multiplier":1000}`, []string{"rate_multiplier"}},
		{"read-only field", `{"name":"Portail","key_prefix":"00000000"}`, nil},
		{"the key itself", `{"name":"Portail","api_key":"agk_00000000_x"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(t, http.MethodPost, "/api/v1/admin/portals", token, tc.body)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("%d %s, want 400", rec.Code, rec.Body)
			}
			var p httpapi.Problem
			mustJSON(t, rec.Body.Bytes(), &p)
			var got []string
			for _, f := range p.Errors {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Fatalf("fields %v, want %v (%s)", got, tc.fields, rec.Body)
			}
		})
	}
	if list, _ := s.FindPortals(t.Context()); len(list) != 0 {
		t.Fatalf("%d portals created by invalid requests", len(list))
	}
	if rec := e.do(t, http.MethodPost, "/api/v1/admin/portals/pas-un-uuid/revoke", token, ""); rec.Code != http.StatusNotFound {
		t.Fatalf("revoke a malformed id: %d", rec.Code)
	}
}

// TestPortalKeys: a key raises the public rate limits, counted per portal;
// a bad or revoked key is refused with 401, never served as anonymous; the
// list never shows the secret nor its hash; usage with the key is
// attributed to the portal in the statistics.
func TestPortalKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s, withPortals(s), func(d *httpapi.Deps) {
			d.PublicRateLimits = &httpapi.PublicRateLimits{Read: httpapi.RateLimit{Rate: 0.001, Burst: 2}, Events: httpapi.RateLimit{Rate: 100, Burst: 100}}
		})
		token := e.login(t, "platform").AccessToken
		portal, key := e.createPortal(t, token, `{"name":"Portail des aidants","contact_email":"tech@exemple.fr","rate_multiplier":3}`)
		prefix, secret, ok := domain.ParseAPIKey(key)
		if !ok || prefix != portal.KeyPrefix || portal.Revoked || portal.RateMultiplier != 3 {
			t.Fatalf("created %+v with key %q", portal, key)
		}
		rec := e.do(t, http.MethodGet, "/api/v1/admin/portals", token, "")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), prefix) || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
		if body := rec.Body.String(); strings.Contains(body, secret) || strings.Contains(body, domain.HashAPIKeySecret(secret)) || strings.Contains(body, key) {
			t.Fatalf("the list shows the key or its hash: %s", body)
		}

		const read = "/api/v1/public/organisations/partenaire-a/themes"
		const resident, server = "198.51.100.7:5000", "203.0.113.9:4000"
		// Anonymous: the per-address burst of 2.
		for i := range 2 {
			if rec := e.public(t, resident, "-", http.MethodGet, read, ""); rec.Code != http.StatusOK {
				t.Fatalf("anonymous read %d: %d", i+1, rec.Code)
			}
		}
		if rec := e.public(t, resident, "-", http.MethodGet, read, ""); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("third anonymous read: %d, want 429", rec.Code)
		}
		// With the key, from the same address: 3 × 2 for the portal.
		for i := range 6 {
			if rec := e.public(t, resident, key, http.MethodGet, read, ""); rec.Code != http.StatusOK {
				t.Fatalf("keyed read %d: %d %s", i+1, rec.Code, rec.Body)
			}
		}
		// The portal's budget is its own whatever the address.
		rec = e.public(t, server, key, http.MethodGet, read, "")
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("seventh keyed read: %d, want 429", rec.Code)
		}

		// Bad keys: 401, with a French title, never the anonymous answer.
		other := "A"
		if strings.HasSuffix(secret, "A") {
			other = "E"
		}
		for _, bad := range []string{"", "n'importe quoi", "agk_" + prefix + "_" + secret[:42] + other, "agk_00000000_" + secret} {
			rec := e.public(t, "198.51.100.20:1", bad, http.MethodGet, read, "")
			var p httpapi.Problem
			mustJSON(t, rec.Body.Bytes(), &p)
			if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != "application/problem+json" ||
				p.Title != "Clé d'API invalide" || p.Type != "urn:aiguillage:problem:invalid-api-key" || !strings.Contains(p.Detail, "X-API-Key") {
				t.Fatalf("key %q: %d %s", bad, rec.Code, rec.Body)
			}
		}

		// A page on another site may send the header.
		req := httptest.NewRequest(http.MethodOptions, read, nil)
		req.Header.Set("Origin", "https://portail.exemple.fr")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "x-api-key")
		pre := httptest.NewRecorder()
		e.handler.ServeHTTP(pre, req)
		if pre.Code != http.StatusNoContent || !strings.Contains(strings.ToLower(pre.Header().Get("Access-Control-Allow-Headers")), "x-api-key") {
			t.Fatalf("preflight with X-API-Key: %d %v", pre.Code, pre.Header())
		}

		// Usage with the key is attributed to the portal.
		events := `{"partner":"partenaire-a","session":"abcdefghijklmnop","events":[{"type":"loaded"},{"type":"search","query":"loyer","results":2}]}`
		if rec := e.public(t, server, key, http.MethodPost, "/api/v1/public/events", events); rec.Code != http.StatusAccepted {
			t.Fatalf("keyed events: %d %s", rec.Code, rec.Body)
		}
		anon := strings.Replace(events, "abcdefghijklmnop", "ponmlkjihgfedcba", 1)
		if rec := e.public(t, resident, "-", http.MethodPost, "/api/v1/public/events", anon); rec.Code != http.StatusAccepted {
			t.Fatalf("anonymous events: %d %s", rec.Code, rec.Body)
		}
		var usage httpapi.PortalUsageList
		deadline := time.Now().Add(5 * time.Second)
		for {
			rec := e.do(t, http.MethodGet, "/api/v1/admin/portals/stats", token, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("stats: %d %s", rec.Code, rec.Body)
			}
			mustJSON(t, rec.Body.Bytes(), &usage)
			if len(usage.Portals) == 2 && usage.Portals[0].Totals.Loads == 1 && usage.Portals[1].Totals.Loads == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("usage by portal: %+v", usage)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if p := usage.Portals[0]; p.ID != portal.ID || p.Name != "Portail des aidants" || p.Totals.Searches != 1 {
			t.Fatalf("portal usage %+v", p)
		}
		if p := usage.Portals[1]; p.ID != "" || p.Totals.Searches != 1 {
			t.Fatalf("usage without key %+v", p)
		}
		if strings.Contains(e.do(t, http.MethodGet, "/api/v1/admin/portals/stats", token, "").Body.String(), "loyer") {
			t.Fatal("the usage by portal shows search texts")
		}
		// The national figures still count everything.
		counts, err := s.SumUsage(t.Context(), domain.UsageQuery{From: "2026-11-27", To: "2026-11-27", Metrics: []string{domain.MetricLoads}, By: []domain.UsageDimension{domain.ByPortal}})
		if err != nil || len(counts) != 2 || counts[0].PortalID != "" || counts[1].PortalID != portal.ID {
			t.Fatalf("loads by portal %+v (%v)", counts, err)
		}

		// Revoked: refused at once, with a message that says so.
		rec = e.do(t, http.MethodPost, "/api/v1/admin/portals/"+portal.ID+"/revoke", token, "")
		var revoked httpapi.Portal
		mustJSON(t, rec.Body.Bytes(), &revoked)
		if rec.Code != http.StatusOK || !revoked.Revoked || revoked.RevokedAt == nil {
			t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
		}
		rec = e.public(t, "198.51.100.30:1", key, http.MethodGet, read, "")
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "révoquée") {
			t.Fatalf("revoked key: %d %s", rec.Code, rec.Body)
		}
		// Without the header, the same caller is anonymous again.
		if rec := e.public(t, "198.51.100.30:1", "-", http.MethodGet, read, ""); rec.Code != http.StatusOK {
			t.Fatalf("anonymous after revocation: %d", rec.Code)
		}
		entries, _, err := s.FindAudit(t.Context(), "", domain.Page{Limit: 10})
		if err != nil || len(entries) != 2 || entries[0].EntityType != "portal" || entries[1].EntityType != "portal" {
			t.Fatalf("audit %+v (%v)", entries, err)
		}
		for _, en := range entries {
			if en.UserEmail != "platform@exemple.fr" {
				t.Fatalf("audit entry by %q", en.UserEmail)
			}
			for _, v := range en.Changes {
				if strings.Contains(strings.ToLower(strings.Join([]string{toString(v[0]), toString(v[1])}, " ")), "tech@exemple.fr") {
					t.Fatal("the contact address is in the audit log")
				}
			}
		}
	})
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}

// TestNoPortalsService: a server without the portals' service refuses any
// key rather than ignoring it.
func TestNoPortalsService(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	rec := e.public(t, "198.51.100.7:1", "agk_00000000_x", http.MethodGet, "/api/v1/public/organisations/partenaire-a/themes", "")
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("key without the service: %d", rec.Code)
	}
	if rec := e.public(t, "198.51.100.7:1", "-", http.MethodGet, "/api/v1/public/organisations/partenaire-a/themes", ""); rec.Code != http.StatusOK {
		t.Fatalf("anonymous: %d", rec.Code)
	}
}
