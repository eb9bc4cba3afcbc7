package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestPublicAnswersSuitACDN: Cache-Control per kind of answer, the same
// answer and headers with or without Origin (no Vary: Origin, so a CDN
// keeps one copy for every embedding site), 304 on If-None-Match with the
// same caching headers.
func TestPublicAnswersSuitACDN(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	fixture(t, s)
	e := newEnv(t, s, false)
	const data = "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"
	const reference = "public, max-age=86400, stale-while-revalidate=604800, stale-if-error=86400"
	for path, want := range map[string]string{
		"/api/v1/public/organisations/departement-du-var":        data,
		"/api/v1/public/organisations/departement-du-var/themes": data,
		"/api/v1/public/contact-points?pivot=caf&commune=83137":  data,
		"/api/v1/public/emergency?commune=83137":                 data,
		"/api/v1/public/communes?q=toulon":                       reference,
		"/api/v1/public/pivots":                                  reference,
	} {
		t.Run(path, func(t *testing.T) {
			get := func(origin, etag string) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				if origin != "" {
					req.Header.Set("Origin", origin)
				}
				if etag != "" {
					req.Header.Set("If-None-Match", etag)
				}
				rec := httptest.NewRecorder()
				e.handler.ServeHTTP(rec, req)
				return rec
			}
			plain, cross := get("", ""), get("https://www.exemple.fr", "")
			for _, rec := range []*httptest.ResponseRecorder{plain, cross} {
				h := rec.Header()
				if rec.Code != http.StatusOK || h.Get("Cache-Control") != want {
					t.Fatalf("%d, Cache-Control %q, want %q", rec.Code, h.Get("Cache-Control"), want)
				}
				if h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Access-Control-Expose-Headers") == "" {
					t.Errorf("CORS headers %v", h)
				}
				for _, v := range h.Values("Vary") {
					if v != "" {
						t.Errorf("Vary: %q", v)
					}
				}
			}
			if plain.Body.String() != cross.Body.String() || plain.Header().Get("ETag") != cross.Header().Get("ETag") {
				t.Fatal("the answer depends on Origin")
			}
			nm := get("https://autre.exemple.fr", plain.Header().Get("ETag"))
			if nm.Code != http.StatusNotModified || nm.Header().Get("Cache-Control") != want || nm.Header().Get("ETag") != plain.Header().Get("ETag") {
				t.Fatalf("revalidation: %d %v", nm.Code, nm.Header())
			}
		})
	}
}

// TestPublicAnswersServedFromMemory: after the first read, an organisation
// config is served without a single SQL statement until public data is
// written.
func TestPublicAnswersServedFromMemory(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	fixture(t, s)
	e := newEnv(t, s, false)
	var statements atomic.Int64
	if err := s.Trace(func(store.Statement) { statements.Add(1) }); err != nil {
		t.Fatal(err)
	}
	const path = "/api/v1/public/organisations/departement-du-var"
	read := func() (string, int64) {
		before := statements.Load()
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return rec.Body.String(), statements.Load() - before
	}
	first, n := read()
	if n == 0 {
		t.Fatal("the first read made no SQL statement")
	}
	if again, n := read(); n != 0 || again != first {
		t.Fatalf("second read: %d statements", n)
	}
	org, err := s.FindOrganisationBySlug(context.Background(), "departement-du-var")
	if err != nil {
		t.Fatal(err)
	}
	org.Branding.PrimaryColor = "#abcdef"
	if err := s.UpsertOrganisation(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	if after, n := read(); n == 0 || !strings.Contains(after, "#abcdef") {
		t.Fatalf("after a write: %d statements, %s", n, after)
	}
}
