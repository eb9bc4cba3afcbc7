package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prometheus/client_golang/prometheus"

	adminspa "github.com/aiguillage/aiguillage/admin-spa"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/widget"
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

// precompressed builds the files of an asset as the widget and admin app
// builds write them: NAME, NAME.br and NAME.gz (stand-in bodies: the server
// never decodes them, it picks one).
func precompressed(fsys fstest.MapFS, name, body string, encodings ...string) {
	fsys[name] = &fstest.MapFile{Data: []byte(body)}
	for _, enc := range encodings {
		fsys[name+"."+enc] = &fstest.MapFile{Data: []byte(enc + ":" + body)}
	}
}

func TestAssetEncodings(t *testing.T) {
	fsys := fstest.MapFS{"pages/index.html": {Data: []byte("<!doctype html><title>Démo</title>")}}
	precompressed(fsys, "dist/widget.js", "loader()", "br", "gz")
	precompressed(fsys, "dist/widget-7QX2KD4M.js", "bundle()", "br", "gz")
	precompressed(fsys, "dist/chunks/qr-3f2a9c1d.js", "export const qr = 1", "gz") // a gzip variant only
	fsys["dist/chunks/gone-0000.js.br"] = &fstest.MapFile{Data: []byte("br:gone")} // a leftover without its file
	reg := prometheus.NewRegistry()
	srv, err := httpapi.New(httpapi.Deps{Logger: slog.New(slog.DiscardHandler), Widget: fsys, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20, PublicURL: "http://test", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	const immutable, short = "public, max-age=31536000, immutable", "public, max-age=300"

	t.Run("negotiation", func(t *testing.T) {
		for _, tt := range []struct {
			path, accept, encoding string // encoding "": identity
		}{
			{"/widget/widget-7QX2KD4M.js", "br", "br"},
			{"/widget/widget-7QX2KD4M.js", "gzip", "gzip"},
			{"/widget/widget-7QX2KD4M.js", "gzip, deflate, br, zstd", "br"}, // Chromium
			{"/widget/widget-7QX2KD4M.js", "gzip, deflate", "gzip"},
			{"/widget/widget-7QX2KD4M.js", "", ""},
			{"/widget/widget-7QX2KD4M.js", "identity", ""},
			{"/widget/widget-7QX2KD4M.js", "deflate", ""},
			{"/widget/widget-7QX2KD4M.js", "*", "br"},
			{"/widget/widget-7QX2KD4M.js", "*;q=0.5, gzip", "gzip"},
			{"/widget/widget-7QX2KD4M.js", "br;q=0.5, gzip;q=0.8", "gzip"},
			{"/widget/widget-7QX2KD4M.js", "gzip;q=0.5, br;q=0.5", "br"},
			{"/widget/widget-7QX2KD4M.js", "gzip;q=1.0, identity; q=0.5, *;q=0", "gzip"},
			{"/widget/widget-7QX2KD4M.js", "br;q=0, gzip", "gzip"},
			{"/widget/widget-7QX2KD4M.js", "br;q=0, gzip;q=0", ""},
			{"/widget/widget-7QX2KD4M.js", "*;q=0", ""}, // nothing acceptable: identity all the same, not a 406
			{"/widget/widget-7QX2KD4M.js", "gzip;q=0.4, identity", ""},
			{"/widget/widget-7QX2KD4M.js", "BR;Q=0.9, x-gzip", "gzip"},
			{"/widget/widget-7QX2KD4M.js", "br;q=oops, gzip", "gzip"}, // a malformed weight refuses
			{"/widget.js", "gzip, deflate, br", "br"},
			{"/widget.js", "gzip", "gzip"},
			{"/widget/chunks/qr-3f2a9c1d.js", "br, gzip", "gzip"},
			{"/widget/chunks/qr-3f2a9c1d.js", "br", ""},
			{"/", "br, gzip", ""}, // no variant: no Vary either
		} {
			t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
				rec := do(http.MethodGet, tt.path, "Accept-Encoding", tt.accept)
				if rec.Code != http.StatusOK {
					t.Fatalf("%d %q", rec.Code, rec.Body)
				}
				if got := rec.Header().Get("Content-Encoding"); got != tt.encoding {
					t.Errorf("Content-Encoding %q, want %q", got, tt.encoding)
				}
				plain := do(http.MethodGet, tt.path).Body.String()
				if want := map[string]string{"br": "br:", "gzip": "gz:"}[tt.encoding] + plain; rec.Body.String() != want {
					t.Errorf("body %q, want %q", rec.Body, want)
				}
				if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(rec.Body.Len()); got != want {
					t.Errorf("Content-Length %q, want %q", got, want)
				}
				etag := rec.Header().Get("ETag")
				if wantSuffix := map[string]string{"br": `-br"`, "gzip": `-gzip"`}[tt.encoding]; !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") ||
					(wantSuffix != "" && !strings.HasSuffix(etag, wantSuffix)) || (wantSuffix == "" && strings.Contains(etag, "-")) {
					t.Errorf("ETag %q for the %q variant", etag, tt.encoding)
				}
				if vary := rec.Header().Get("Vary"); strings.Contains(vary, "Accept-Encoding") == (tt.path == "/") {
					t.Errorf("Vary %q", vary)
				}
				if again := do(http.MethodGet, tt.path, "Accept-Encoding", tt.accept, "If-None-Match", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
					t.Errorf("revalidation with %s = %d, want 304", etag, again.Code)
				}
			})
		}
	})

	t.Run("the ETag names the encoding", func(t *testing.T) {
		br := do(http.MethodGet, "/widget/widget-7QX2KD4M.js", "Accept-Encoding", "br").Header().Get("ETag")
		plain := do(http.MethodGet, "/widget/widget-7QX2KD4M.js").Header().Get("ETag")
		if br == plain || br != strings.TrimSuffix(plain, `"`)+`-br"` {
			t.Fatalf("ETags %s (br) and %s (identity)", br, plain)
		}
		// A cached identity copy does not answer for the brotli one, and the reverse.
		if rec := do(http.MethodGet, "/widget/widget-7QX2KD4M.js", "Accept-Encoding", "br", "If-None-Match", plain); rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "br" {
			t.Errorf("If-None-Match of another encoding: %d %q", rec.Code, rec.Header().Get("Content-Encoding"))
		}
		if rec := do(http.MethodGet, "/widget/widget-7QX2KD4M.js", "If-None-Match", br); rec.Code != http.StatusOK || rec.Body.String() != "bundle()" {
			t.Errorf("If-None-Match of the brotli copy without Accept-Encoding: %d %q", rec.Code, rec.Body)
		}
	})

	t.Run("HEAD and ranges", func(t *testing.T) {
		rec := do(http.MethodHead, "/widget/widget-7QX2KD4M.js", "Accept-Encoding", "gzip, br")
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Fatalf("%d %q", rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Encoding") != "br" || rec.Header().Get("Content-Length") != strconv.Itoa(len("br:bundle()")) {
			t.Errorf("HEAD headers %v", rec.Header())
		}
		// A byte range is one of the encoded body, sized as such.
		rec = do(http.MethodGet, "/widget/widget-7QX2KD4M.js", "Accept-Encoding", "br", "Range", "bytes=0-1")
		if rec.Code != http.StatusPartialContent || rec.Body.String() != "br" || rec.Header().Get("Content-Length") != "2" || rec.Header().Get("Content-Encoding") != "br" {
			t.Errorf("range: %d %q %v", rec.Code, rec.Body, rec.Header())
		}
	})

	t.Run("caching", func(t *testing.T) {
		for _, tt := range []struct{ path, cache string }{
			{"/widget.js", short}, // the loader keeps its URL: revalidated within minutes
			{"/widget/widget-7QX2KD4M.js", immutable},
			{"/widget/chunks/qr-3f2a9c1d.js", immutable},
			{"/", short},
		} {
			for _, accept := range []string{"", "br"} {
				rec := do(http.MethodGet, tt.path, "Accept-Encoding", accept)
				if got := rec.Header().Get("Cache-Control"); rec.Code != http.StatusOK || got != tt.cache {
					t.Errorf("%s (%q): %d, Cache-Control %q, want %q", tt.path, accept, rec.Code, got, tt.cache)
				}
			}
		}
		if rec := do(http.MethodGet, "/widget/widget-7QX2KD4M.js"); rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" {
			t.Errorf("bundle headers %v", rec.Header())
		}
	})

	t.Run("not found", func(t *testing.T) {
		for _, path := range []string{
			"/widget/widget.js",             // the loader is never served as immutable
			"/widget/widget-0000.js",        // unknown bundle
			"/widget/widget-7QX2KD4M.js.br", // variants only under their file's name
			"/widget/chunks/qr-3f2a9c1d.js.gz",
			"/widget.js.br",
			"/widget/chunks/gone-0000.js", // a leftover variant without its file
			"/widget/..%2fpages%2findex.html",
			"/widget/widget-..%2f..%2fpages%2findex.html",
			"/widget/%2e%2e%2fwidget.js",
			"/widget/chunks/..%2fwidget-7QX2KD4M.js",
			"/widget/index.html",
		} {
			if rec := do(http.MethodGet, path, "Accept-Encoding", "br, gzip"); rec.Code != http.StatusNotFound {
				t.Errorf("%s = %d, want 404", path, rec.Code)
			}
		}
	})
}

func TestAdminAppEncodings(t *testing.T) {
	fsys := fstest.MapFS{"dist/assets/font-8c1e2.woff2": {Data: []byte("wOF2")}}
	precompressed(fsys, "dist/index.html", "<!doctype html><title>Aiguillage — administration</title>", "br", "gz")
	precompressed(fsys, "dist/assets/app-8c1e2.js", "console.log(1)", "br", "gz")
	reg := prometheus.NewRegistry()
	srv, err := httpapi.New(httpapi.Deps{Logger: slog.New(slog.DiscardHandler), AdminApp: fsys, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20, PublicURL: "http://test", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, accept    string
		code            int
		encoding, cache string
	}{
		{"/admin/assets/app-8c1e2.js", "gzip, deflate, br", 200, "br", "public, max-age=31536000, immutable"},
		{"/admin/assets/app-8c1e2.js", "gzip", 200, "gzip", "public, max-age=31536000, immutable"},
		{"/admin/assets/app-8c1e2.js", "", 200, "", "public, max-age=31536000, immutable"},
		{"/admin/assets/font-8c1e2.woff2", "br", 200, "", "public, max-age=31536000, immutable"},
		{"/admin/", "br", 200, "br", "no-cache"},
		{"/admin/organisations/var", "gzip", 200, "gzip", "no-cache"},
		{"/admin/assets/app-8c1e2.js.br", "br", 404, "", ""},
		{"/admin/index.html.gz", "gzip", 200, "gzip", "no-cache"}, // a client-side route, not the file
		{"/admin/assets/..%2f..%2findex.html", "br", 404, "", ""},
	} {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tt.code {
				t.Fatalf("%d %q", rec.Code, rec.Body)
			}
			if tt.code != 200 {
				return
			}
			if got := rec.Header().Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if tt.encoding != "" && !strings.HasPrefix(rec.Body.String(), map[string]string{"br": "br:", "gzip": "gz:"}[tt.encoding]) {
				t.Errorf("body %q", rec.Body)
			}
		})
	}
}

// TestBuiltAssets checks the committed builds the binary embeds: the loader
// names a bundle that exists, and every NAME.gz decodes to NAME (brotli has no
// decoder in the standard library: the widget's `npm run size` checks both).
func TestBuiltAssets(t *testing.T) {
	loader, err := fs.ReadFile(widget.FS(), "dist/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	bundle := regexp.MustCompile(`/widget/(widget-[A-Z0-9]+\.js)`).FindSubmatch(loader)
	if bundle == nil {
		t.Fatalf("the loader names no bundle: %s", loader)
	}
	if _, err := fs.Stat(widget.FS(), "dist/"+string(bundle[1])); err != nil {
		t.Fatalf("the loader names a missing bundle: %v", err)
	}
	if len(loader) > 400 {
		t.Errorf("the loader is %d B: it should stay tiny", len(loader))
	}
	for name, fsys := range map[string]fs.FS{"widget": widget.FS(), "admin-spa": adminspa.FS()} {
		variants := 0
		err := fs.WalkDir(fsys, "dist", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".gz") || strings.HasSuffix(p, ".br")) {
				return err
			}
			variants++
			raw, err := fs.ReadFile(fsys, p[:len(p)-3])
			if err != nil {
				return fmt.Errorf("%s without its file: %w", p, err)
			}
			if strings.HasSuffix(p, ".br") {
				return nil
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, raw) {
				return fmt.Errorf("%s does not decode to its file (%v): rebuild dist", p, err)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if variants == 0 {
			t.Errorf("%s: no precompressed file in dist", name)
		}
	}
}
