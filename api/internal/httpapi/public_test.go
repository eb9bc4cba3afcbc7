package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

type readiness struct {
	s       *store.Store
	pending bool
}

func (r readiness) Ping(ctx context.Context) error                  { return r.s.Ping(ctx) }
func (r readiness) MigrationsPending(context.Context) (bool, error) { return r.pending, nil }

// fixture seeds a small directory: the commons with two emergency numbers,
// CAF offices of the Var (département coverage), two mairies (nearest rule)
// and a partner with an entry point.
func fixture(t testing.TB, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	commons := &domain.Organisation{Slug: domain.CommonsSlug, Name: "Communs nationaux", Kind: domain.KindCommons}
	if err := s.UpsertOrganisation(ctx, commons); err != nil {
		t.Fatal(err)
	}
	partner := &domain.Organisation{Slug: "departement-du-var", Name: "Département du Var", Kind: domain.KindDepartement,
		Territory: []string{"83137", "83126"}, Branding: domain.Branding{PrimaryColor: "#1d4e89"},
		EntryPoints: []domain.EntryPoint{{Slug: "social", Name: "Action sociale", Themes: []string{"social"}}}}
	if err := s.UpsertOrganisation(ctx, partner); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2017, 9, 11, 0, 0, 0, 0, time.UTC)
	office := func(key, name, pivot, commune string, lat, lon float64, cov domain.Coverage) *domain.ContactPoint {
		return &domain.ContactPoint{ID: domain.StableID("annuaire:" + key), OrganisationID: commons.ID, Name: name, Pivot: pivot,
			Granularity: domain.GranularityService, Themes: []string{"famille"},
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "08 10 25 83 10", CostNote: "service payant"},
				{Kind: domain.ChannelAddress, Value: "1 rue X, " + commune}},
			Address:  &domain.Address{Lines: []string{"1 rue X"}, CommuneCode: commune, Latitude: &lat, Longitude: &lon},
			Hours:    domain.OpeningHours{Weekly: []domain.OpeningSlot{{Day: 1, Opens: "08:30", Closes: "12:00"}}},
			Coverage: cov, Source: domain.Source{Kind: domain.SourceAnnuaire, ID: key, UpdatedAt: &day}, VerifiedAt: &day}
	}
	dep83 := domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}, Inferred: true}
	nearest := domain.Coverage{Rule: domain.CoverageNearest, Inferred: true}
	cps := []*domain.ContactPoint{
		office("caf-83126-01", "Caf du Var - La Seyne-sur-Mer", "caf", "83126", 43.10, 5.88, dep83),
		office("caf-83050-01", "Caf du Var - Draguignan", "caf", "83050", 43.54, 6.46, dep83),
		office("mairie-83137-01", "Mairie de Toulon", "mairie", "83137", 43.12, 5.93, nearest),
		office("mairie-83126-01", "Mairie de La Seyne-sur-Mer", "mairie", "83126", 43.10, 5.88, nearest),
		{ID: domain.StableID("helpline:15"), OrganisationID: commons.ID, Name: "SAMU", Emergency: true, EmergencyRank: 1,
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "15"}}, Hours: domain.OpeningHours{Weekly: domain.AlwaysOpen(), Indicative: true},
			Coverage: domain.Coverage{Rule: domain.CoverageExplicit, National: true}, Source: domain.Source{Kind: domain.SourceHelplines, ID: "15"}},
		{ID: domain.StableID("helpline:17"), OrganisationID: commons.ID, Name: "Police secours", Emergency: true, EmergencyRank: 2,
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "17"}}, Hours: domain.OpeningHours{Weekly: domain.AlwaysOpen(), Indicative: true},
			Coverage: domain.Coverage{Rule: domain.CoverageExplicit, National: true}, Source: domain.Source{Kind: domain.SourceHelplines, ID: "17"}},
		{ID: domain.StableID("helpline:3230"), OrganisationID: commons.ID, Name: "Caf (3230)",
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "3230"}},
			Coverage: domain.Coverage{Rule: domain.CoverageExplicit, National: true}, Source: domain.Source{Kind: domain.SourceHelplines, ID: "3230"}},
	}
	// The partner's own copy of an office of the national directory: residents
	// must see it once.
	copied := *cps[0]
	copied.ID, copied.OrganisationID = domain.StableID("partner-copy:caf-83126-01"), partner.ID
	cps = append(cps, &copied)
	if _, err := s.UpsertContactPoints(ctx, cps); err != nil {
		t.Fatal(err)
	}
}

type env struct {
	handler http.Handler
	spec    routers.Router
}

// newEnv builds the public server over s; opts adjust its dependencies.
func newEnv(t testing.TB, s *store.Store, pending bool, opts ...func(*httpapi.Deps)) *env {
	t.Helper()
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"caf": true, "mairie": true, "cpam": true}
	dir := directory.New(s, ref, func(p string) bool { return known[p] })
	reg := prometheus.NewRegistry()
	deps := httpapi.Deps{Logger: slog.New(slog.DiscardHandler), Directory: dir, Communes: ref,
		Readiness: readiness{s, pending}, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20, PublicURL: "http://localhost:8080", Version: "test", Generation: s.Generation}
	for _, o := range opts {
		o(&deps)
	}
	srv, err := httpapi.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return &env{handler: srv, spec: specRouter(t)}
}

func specRouter(t testing.TB) routers.Router {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("spec/openapi.json")
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	doc.Servers = nil
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("spec invalid: %v", err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkAgainstSpec validates a real request and response against the
// OpenAPI document the server publishes.
func (e *env) checkAgainstSpec(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	route, params, err := e.spec.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s is not in the OpenAPI spec: %v", req.Method, req.URL, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{ExcludeRequestQueryParams: true}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s → %d does not match the spec: %v", req.Method, req.URL, rec.Code, err)
	}
}

func TestPublicAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fixture(t, s)
		e := newEnv(t, s, false)
		tests := []struct {
			name       string
			url        string
			wantStatus int
			wantBody   []string // substrings
			check      func(t *testing.T, body []byte)
		}{
			{name: "communes by name", url: "/api/v1/public/communes?q=arras", wantStatus: 200,
				check: func(t *testing.T, b []byte) {
					var l httpapi.CommuneList
					mustJSON(t, b, &l)
					if len(l.Communes) == 0 || l.Communes[0].Code != "62041" || l.Communes[0].Departement.Name != "Pas-de-Calais" {
						t.Fatalf("arras → %+v", l.Communes)
					}
				}},
			{name: "themes of a partner", url: "/api/v1/public/organisations/departement-du-var/themes", wantStatus: 200, wantBody: []string{`"themes":[`}},
			{name: "themes of an unknown partner", url: "/api/v1/public/organisations/personne/themes", wantStatus: 404},
			{name: "pivot types by label", url: "/api/v1/public/pivots", wantStatus: 200,
				check: func(t *testing.T, b []byte) {
					var l httpapi.PivotList
					mustJSON(t, b, &l)
					caf := slices.IndexFunc(l.Pivots, func(p httpapi.Pivot) bool { return p.Code == "caf" })
					if len(l.Pivots) < 100 || caf < 0 || l.Pivots[caf].Label == "" || l.Pivots[caf].Scope == "" {
						t.Fatalf("pivots: %d, caf at %d", len(l.Pivots), caf)
					}
					for i := 1; i < len(l.Pivots); i++ {
						if textnorm.Fold(l.Pivots[i-1].Label) > textnorm.Fold(l.Pivots[i].Label) {
							t.Fatalf("not sorted by label: %q before %q", l.Pivots[i-1].Label, l.Pivots[i].Label)
						}
					}
				}},
			{name: "features of a partner", url: "/api/v1/public/organisations/departement-du-var", wantStatus: 200, wantBody: []string{`"features":{"events":true,"feedback":true,"reports":true,"search":true}`}},
			{name: "communes accent-insensitive", url: "/api/v1/public/communes?q=ST%20ETIENNE&limit=3", wantStatus: 200, wantBody: []string{`"code":"42218"`}},
			{name: "communes by postal code", url: "/api/v1/public/communes?q=83000", wantStatus: 200, wantBody: []string{`"name":"Toulon"`}},
			{name: "communes query too short", url: "/api/v1/public/communes?q=a", wantStatus: 400, wantBody: []string{`"field":"q"`, "urn:aiguillage:problem:invalid"}},
			{name: "communes limit not a number", url: "/api/v1/public/communes?q=ar&limit=ten", wantStatus: 400, wantBody: []string{`"field":"limit"`}},
			{name: "communes limit too large", url: "/api/v1/public/communes?q=ar&limit=500", wantStatus: 400, wantBody: []string{`"field":"limit"`}},
			{name: "caf serving Toulon", url: "/api/v1/public/contact-points?pivot=caf&commune=83137", wantStatus: 200,
				check: func(t *testing.T, b []byte) {
					var l httpapi.ContactPointList
					mustJSON(t, b, &l)
					if l.Total != 2 || l.ContactPoints[0].Name != "Caf du Var - La Seyne-sur-Mer" || l.Commune.Name != "Toulon" {
						t.Fatalf("caf/Toulon → %+v", l)
					}
					cp := l.ContactPoints[0]
					if cp.Pivot != "caf" || cp.Channels[0].Kind != "phone" || cp.Channels[0].Value == "" || cp.DistanceKm == nil || cp.VerifiedAt != "2017-09-11" {
						t.Fatalf("contact point: %+v", cp)
					}
				}},
			{name: "mairie: the one in the commune", url: "/api/v1/public/contact-points?pivot=mairie&commune=83137", wantStatus: 200,
				check: func(t *testing.T, b []byte) {
					var l httpapi.ContactPointList
					mustJSON(t, b, &l)
					if l.Total != 1 || l.ContactPoints[0].Name != "Mairie de Toulon" || !*l.ContactPoints[0].InCommune {
						t.Fatalf("mairie/Toulon → %+v", l)
					}
				}},
			{name: "mairie: the nearest one otherwise", url: "/api/v1/public/contact-points?pivot=mairie&commune=83062", wantStatus: 200,
				check: func(t *testing.T, b []byte) {
					var l httpapi.ContactPointList
					mustJSON(t, b, &l)
					// La Garde (83062) is next to Toulon, farther from La Seyne.
					if l.Total != 1 || l.ContactPoints[0].Name != "Mairie de Toulon" || *l.ContactPoints[0].InCommune {
						t.Fatalf("mairie/La Garde → %+v", l)
					}
				}},
			{name: "no caf in another département", url: "/api/v1/public/contact-points?pivot=caf&commune=62041", wantStatus: 200, wantBody: []string{`"total":0`, `"contact_points":[]`}},
			{name: "nationwide listing", url: "/api/v1/public/contact-points?pivot=caf&limit=1", wantStatus: 200, wantBody: []string{`"total":3`}},
			{name: "unknown commune", url: "/api/v1/public/contact-points?pivot=caf&commune=99999", wantStatus: 400, wantBody: []string{`"field":"commune"`, "Commune inconnue"}},
			{name: "malformed commune", url: "/api/v1/public/contact-points?pivot=caf&commune=toulon", wantStatus: 400, wantBody: []string{`"field":"commune"`}},
			{name: "unknown pivot", url: "/api/v1/public/contact-points?pivot=licorne&commune=83137", wantStatus: 400, wantBody: []string{`"field":"pivot"`}},
			{name: "no pivot nor theme", url: "/api/v1/public/contact-points?commune=83137", wantStatus: 400, wantBody: []string{`"field":"pivot"`}},
			{name: "negative offset", url: "/api/v1/public/contact-points?pivot=caf&offset=-1", wantStatus: 400, wantBody: []string{`"field":"offset"`}},
			{name: "contact point by id", url: "/api/v1/public/contact-points/" + domain.StableID("annuaire:caf-83126-01"), wantStatus: 200,
				wantBody: []string{`"pivot":"caf"`, `"kind":"phone"`, `"source":{"kind":"annuaire","id":"caf-83126-01"`}},
			{name: "contact point malformed id", url: "/api/v1/public/contact-points/123", wantStatus: 400, wantBody: []string{`"field":"id"`}},
			{name: "contact point unknown id", url: "/api/v1/public/contact-points/" + domain.StableID("nope"), wantStatus: 404, wantBody: []string{"urn:aiguillage:problem:not-found"}},
			{name: "organisation", url: "/api/v1/public/organisations/departement-du-var", wantStatus: 200,
				wantBody: []string{`"primary_color":"#1d4e89"`, `"entry_points":[{"slug":"social"`}},
			{name: "unknown organisation", url: "/api/v1/public/organisations/inconnue", wantStatus: 404, wantBody: []string{"inconnue"}},
			{name: "emergency numbers, most urgent first", url: "/api/v1/public/emergency?commune=83137", wantStatus: 200,
				check: func(t *testing.T, b []byte) {
					var l httpapi.EmergencyList
					mustJSON(t, b, &l)
					if len(l.Numbers) != 2 || l.Numbers[0].Channels[0].Value != "15" || l.Numbers[1].Channels[0].Value != "17" || l.Commune.Code != "83137" {
						t.Fatalf("emergency → %+v", l)
					}
				}},
			{name: "emergency without commune", url: "/api/v1/public/emergency", wantStatus: 200, wantBody: []string{`"value":"15"`}},
			{name: "emergency unknown commune", url: "/api/v1/public/emergency?commune=00000", wantStatus: 400, wantBody: []string{`"field":"commune"`}},
			{name: "unknown route", url: "/api/v1/public/nothing", wantStatus: 404, wantBody: []string{"urn:aiguillage:problem:not-found"}},
			{name: "health", url: "/healthz", wantStatus: 200, wantBody: []string{`"status":"ok"`}},
			{name: "ready", url: "/readyz", wantStatus: 200, wantBody: []string{`"migrations":"ok"`}},
			{name: "openapi", url: "/openapi.json", wantStatus: 200, wantBody: []string{`"openapi": "3.0.3"`}},
			{name: "home", url: "/", wantStatus: 200, wantBody: []string{"Aiguillage"}},
			{name: "docs", url: "/docs/index.html", wantStatus: 200, wantBody: []string{"swagger"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, tt.url, nil)
				rec := httptest.NewRecorder()
				e.handler.ServeHTTP(rec, req)
				body := rec.Body.Bytes()
				if rec.Code != tt.wantStatus {
					t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, body)
				}
				for _, want := range tt.wantBody {
					if !bytes.Contains(body, []byte(want)) {
						t.Errorf("body lacks %s: %s", want, body)
					}
				}
				if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Errorf("error content type = %q", rec.Header().Get("Content-Type"))
				}
				if tt.check != nil {
					tt.check(t, body)
				}
				if strings.HasPrefix(tt.url, "/api/") && tt.name != "unknown route" {
					e.checkAgainstSpec(t, req, rec)
				}
			})
		}
	})
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func TestPublicCachingAndCORS(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	fixture(t, s)
	e := newEnv(t, s, false)
	url := "/api/v1/public/contact-points?pivot=caf&commune=83137"
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Origin", "https://www.exemple.fr")
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || etag == "" || !strings.HasPrefix(rec.Header().Get("Cache-Control"), "public, max-age=") {
		t.Fatalf("first GET: %d etag %q cache %q", rec.Code, etag, rec.Header().Get("Cache-Control"))
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Fatalf("CORS allow origin = %q", got)
	}
	req = httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Fatalf("conditional GET = %d with %d bytes, want 304 empty", rec.Code, rec.Body.Len())
	}
	// Preflight.
	req = httptest.NewRequest(http.MethodOptions, url, nil)
	req.Header.Set("Origin", "https://www.exemple.fr")
	req.Header.Set("Access-Control-Request-Method", "GET")
	rec = httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("preflight = %d %v", rec.Code, rec.Header())
	}
}

func TestErrorsAreProblems(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newEnv(t, s, true)
	tests := []struct {
		name, method, url string
		body              io.Reader
		wantStatus        int
		wantType          string
	}{
		{"wrong method", http.MethodDelete, "/api/v1/public/emergency", nil, 405, "urn:aiguillage:problem:method-not-allowed"},
		{"oversized body", http.MethodPost, "/api/v1/public/emergency", strings.NewReader(strings.Repeat("x", 2<<20)), 413, "urn:aiguillage:problem:too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.url, tt.body)
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			var p httpapi.Problem
			mustJSON(t, rec.Body.Bytes(), &p)
			if rec.Code != tt.wantStatus || p.Type != tt.wantType || p.Status != tt.wantStatus || p.Title == "" {
				t.Fatalf("got %d %+v", rec.Code, p)
			}
		})
	}
	// Pending migrations make the server not ready.
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"migrations":"pending"`) {
		t.Fatalf("readyz with pending migrations = %d %s", rec.Code, rec.Body)
	}
	// Metrics are exposed.
	rec = httptest.NewRecorder()
	e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "aiguillage_http_requests_total") {
		t.Fatalf("metrics = %d", rec.Code)
	}
}

// The response cache serves repeated reads and drops them when public data changes.
func TestResponseCacheInvalidation(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	fixture(t, s)
	e := newEnv(t, s, false)
	url := "/api/v1/public/contact-points/" + domain.StableID("annuaire:caf-83126-01")
	get := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		return rec
	}
	first, second := get(), get()
	if first.Body.String() != second.Body.String() || first.Header().Get("ETag") != second.Header().Get("ETag") {
		t.Fatal("repeated reads differ")
	}
	cp, err := s.FindContactPointByID(context.Background(), domain.StableID("annuaire:caf-83126-01"))
	if err != nil {
		t.Fatal(err)
	}
	cp.Name = "Caf du Var - nouveau nom"
	newer := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cp.Source.UpdatedAt = &newer
	if _, err := s.UpsertContactPoints(context.Background(), []*domain.ContactPoint{cp}); err != nil {
		t.Fatal(err)
	}
	third := get()
	if !strings.Contains(third.Body.String(), "nouveau nom") || third.Header().Get("ETag") == first.Header().Get("ETag") {
		t.Fatalf("stale answer after a write: %s", third.Body)
	}
}

// TestDocsAddresses: the API documentation's short addresses lead to its
// page (echo-swagger alone would send /docs/ to /docs//index.html).
func TestDocsAddresses(t *testing.T) {
	e := newEnv(t, storetest.New(t, store.SQLite), false)
	for _, url := range []string{"/docs", "/docs/"} {
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/docs/index.html" {
			t.Errorf("%s: %d → %q", url, rec.Code, rec.Header().Get("Location"))
		}
	}
}
