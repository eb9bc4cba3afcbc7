package httpapi_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// from sends a request as the client at addr (host:port), through a proxy
// when xff is not empty, and checks the answer against the spec.
func (e *adminEnv) from(t *testing.T, addr, xff, method, url, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.RemoteAddr = addr
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	e.checkAgainstSpec(t, httptest.NewRequest(method, url, nil), rec)
	return rec
}

// With the default limits, a burst of reports beyond the write limit is
// refused with 429 and Retry-After; reads, other clients and the rest of
// the API are not affected.
func TestPublicRateLimits(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	report := "/api/v1/public/contact-points/" + e.cpA + "/reports"
	const body = `{"message":"Le bureau a fermé"}`
	const resident = "198.51.100.7:5000"
	burst := httpapi.DefaultPublicRateLimits().Write.Burst
	for i := range burst {
		if rec := e.from(t, resident, "", http.MethodPost, report, body); rec.Code != http.StatusAccepted {
			t.Fatalf("report %d = %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := e.from(t, resident, "", http.MethodPost, report, body)
	var p httpapi.Problem
	mustJSON(t, rec.Body.Bytes(), &p)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "6" ||
		rec.Header().Get("Content-Type") != "application/problem+json" || p.Type != "urn:aiguillage:problem:rate-limited" ||
		p.Detail != "Trop de requêtes : réessayez dans 6 secondes." {
		t.Fatalf("report %d = %d (Retry-After %q) %s, want 429 after 6 s", burst+1, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	// The refused report was not stored.
	if _, total, err := s.FindReports(t.Context(), e.orgA.ID, "", domain.Page{}); err != nil || total != burst {
		t.Fatalf("%d reports stored (%v), want %d", total, err, burst)
	}
	// A widget's browser may read Retry-After.
	req := httptest.NewRequest(http.MethodOptions, report, nil)
	req.Header.Set("Origin", "https://www.exemple.fr")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	pre := httptest.NewRecorder()
	e.handler.ServeHTTP(pre, req)
	if pre.Code != http.StatusNoContent || !strings.Contains(pre.Header().Get("Access-Control-Allow-Methods"), "POST") {
		t.Fatalf("preflight of a report = %d %v", pre.Code, pre.Header())
	}
	req = httptest.NewRequest(http.MethodPost, report, strings.NewReader(body))
	req.RemoteAddr, req.Header["Origin"], req.Header["Content-Type"] = resident, []string{"https://www.exemple.fr"}, []string{"application/json"}
	cors := httptest.NewRecorder()
	e.handler.ServeHTTP(cors, req)
	if cors.Code != http.StatusTooManyRequests || !strings.Contains(cors.Header().Get("Access-Control-Expose-Headers"), "Retry-After") {
		t.Fatalf("cross-origin 429 = %d, exposes %q", cors.Code, cors.Header().Get("Access-Control-Expose-Headers"))
	}

	// Another resident still reports.
	if rec := e.from(t, "198.51.100.8:5000", "", http.MethodPost, report, body); rec.Code != http.StatusAccepted {
		t.Fatalf("another address = %d %s", rec.Code, rec.Body)
	}
	// Reads have their own, generous limit: a widget's busy session from
	// the limited address goes through.
	for i := range 50 {
		if rec := e.from(t, resident, "", http.MethodGet, "/api/v1/public/contact-points/"+e.cpA, ""); rec.Code != http.StatusOK {
			t.Fatalf("read %d = %d %s", i+1, rec.Code, rec.Body)
		}
	}
	// The rest of the API is not limited by them.
	for i := range 100 {
		if rec := e.from(t, resident, "", http.MethodGet, "/healthz", ""); rec.Code != http.StatusOK {
			t.Fatalf("healthz %d = %d", i+1, rec.Code)
		}
	}
}

// The limits count per client: its own address, the address a trusted
// proxy reports, and one /64 for IPv6.
func TestRateLimitClientAddress(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	_, trusted, err := net.ParseCIDR("203.0.113.0/24")
	if err != nil {
		t.Fatal(err)
	}
	// One read per address and per hour.
	e := newAdminEnv(t, s, withRateLimits(httpapi.PublicRateLimits{Read: httpapi.RateLimit{Rate: 1.0 / 3600, Burst: 1}}),
		func(d *httpapi.Deps) { d.TrustedProxies = []*net.IPNet{trusted} })
	url := "/api/v1/public/contact-points/" + e.cpA
	type client struct{ addr, xff string }
	tests := []struct {
		name          string
		first, second client
		shared        bool
	}{
		{"same address", client{"192.0.2.10:1000", ""}, client{"192.0.2.10:2000", ""}, true},
		{"two addresses", client{"192.0.2.11:1000", ""}, client{"192.0.2.12:1000", ""}, false},
		{"two residents behind a private proxy", client{"10.0.0.1:1000", "198.51.100.1"}, client{"10.0.0.1:1000", "198.51.100.2"}, false},
		{"one resident through two private proxies", client{"10.0.0.2:1000", "198.51.100.3"}, client{"10.0.0.3:1000", "198.51.100.3"}, true},
		{"forwarded-for from an untrusted address is ignored", client{"192.0.2.13:1000", "198.51.100.4"}, client{"192.0.2.13:1000", "198.51.100.5"}, true},
		{"a configured public proxy is trusted", client{"203.0.113.5:1000", "198.51.100.6"}, client{"203.0.113.5:1000", "198.51.100.7"}, false},
		{"one IPv6 /64", client{"[2001:db8:1:2::1]:1000", ""}, client{"[2001:db8:1:2:ffff::9]:1000", ""}, true},
		{"two IPv6 /64", client{"[2001:db8:1:3::1]:1000", ""}, client{"[2001:db8:1:4::1]:1000", ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec := e.from(t, tt.first.addr, tt.first.xff, http.MethodGet, url, ""); rec.Code != http.StatusOK {
				t.Fatalf("first read = %d %s", rec.Code, rec.Body)
			}
			rec := e.from(t, tt.second.addr, tt.second.xff, http.MethodGet, url, "")
			want := http.StatusOK
			if tt.shared {
				want = http.StatusTooManyRequests
			}
			if rec.Code != want {
				t.Fatalf("second read = %d %s, want %d", rec.Code, rec.Body, want)
			}
			if want == http.StatusTooManyRequests && rec.Header().Get("Retry-After") != "3600" {
				t.Fatalf("Retry-After = %q", rec.Header().Get("Retry-After"))
			}
		})
	}
}

// TestEventsHaveTheirOwnBudget: usage events do not spend the reports' and
// feedback's write budget, and are limited by their own.
func TestEventsHaveTheirOwnBudget(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	fixture(t, s)
	e := newEnv(t, s, false, withRateLimits(httpapi.PublicRateLimits{
		Write: httpapi.RateLimit{Rate: 1.0 / 3600, Burst: 1}, Events: httpapi.RateLimit{Rate: 1.0 / 3600, Burst: 3}}))
	post := func(path string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range 3 {
		if code := post("/api/v1/public/events"); code == http.StatusTooManyRequests || code >= 500 {
			t.Fatalf("event batch %d = %d within its burst", i+1, code)
		}
	}
	if code := post("/api/v1/public/events"); code != http.StatusTooManyRequests {
		t.Fatalf("event batch beyond the burst = %d, want 429", code)
	}
	if code := post("/api/v1/public/contact-points/" + domain.StableID("helpline:15") + "/reports"); code == http.StatusTooManyRequests || code >= 500 {
		t.Fatal("events spent the reports' budget")
	}
}
