package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
)

func TestWidgetAssets(t *testing.T) {
	fsys := fstest.MapFS{
		"dist/widget.js":             {Data: []byte("customElements.define('orientation-widget', class extends HTMLElement {})")},
		"dist/chunks/qr-3f2a9c1d.js": {Data: []byte("export const qr = 1")},
		"pages/index.html":           {Data: []byte("<!doctype html><title>Démo</title>")},
		"pages/embed.html":           {Data: []byte("<!doctype html><title>Intégration</title>")},
	}
	reg := prometheus.NewRegistry()
	srv, err := httpapi.New(httpapi.Deps{Logger: slog.New(slog.DiscardHandler), Widget: fsys, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20, PublicURL: "http://test", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	for _, tt := range []struct {
		path, contentType, cache, body string
		cors                           bool
	}{
		{"/widget.js", "text/javascript; charset=utf-8", "public, max-age=300", "customElements.define", true},
		{"/widget/chunks/qr-3f2a9c1d.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "export const qr", true},
		{"/", "text/html; charset=utf-8", "public, max-age=300", "Démo", false},
		{"/integration", "text/html; charset=utf-8", "public, max-age=300", "Intégration", false},
	} {
		t.Run(tt.path, func(t *testing.T) {
			rec := get(tt.path)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("%d %q", rec.Code, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("content type %q, want %q", got, tt.contentType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("cache control %q, want %q", got, tt.cache)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin") == "*"; got != tt.cors {
				t.Errorf("CORS %v, want %v", got, tt.cors)
			}
			if csp := rec.Header().Get("Content-Security-Policy"); strings.HasPrefix(tt.contentType, "text/html") && !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("page without its CSP: %q", csp)
			}
			if again := get(tt.path, "If-None-Match", rec.Header().Get("ETag")); again.Code != http.StatusNotModified {
				t.Errorf("revalidation = %d, want 304", again.Code)
			}
		})
	}
	for _, path := range []string{"/widget/chunks/..%2fwidget.js", "/widget/chunks/nope.js", "/widget/chunks/"} {
		if rec := get(path); rec.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, rec.Code)
		}
	}
	if rec := get("/api"); rec.Code != http.StatusOK {
		t.Errorf("the API home page moved to /api: %d", rec.Code)
	}
}

func TestAdminApp(t *testing.T) {
	fsys := fstest.MapFS{
		"dist/index.html":          {Data: []byte("<!doctype html><title>Aiguillage — administration</title>")},
		"dist/assets/app-8c1e2.js": {Data: []byte("console.log(1)")},
	}
	reg := prometheus.NewRegistry()
	srv, err := httpapi.New(httpapi.Deps{Logger: slog.New(slog.DiscardHandler), AdminApp: fsys, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20, PublicURL: "http://test", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path  string
		code  int
		body  string
		cache string
	}{
		{"/admin/", 200, "administration", "no-cache"},
		{"/admin/organisations/var/contact-points", 200, "administration", "no-cache"},
		{"/admin/invitation", 200, "administration", "no-cache"},
		{"/admin/assets/app-8c1e2.js", 200, "console.log", "public, max-age=31536000, immutable"},
		{"/admin/assets/missing.js", 404, "", ""},
		{"/admin", 200, "administration", "no-cache"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("%d %q", rec.Code, rec.Body)
			}
			if tt.cache != "" && rec.Header().Get("Cache-Control") != tt.cache {
				t.Errorf("cache %q, want %q", rec.Header().Get("Cache-Control"), tt.cache)
			}
			if tt.code == 200 && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Errorf("CSP %q", rec.Header().Get("Content-Security-Policy"))
			}
		})
	}
}
