package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	_ "golang.org/x/image/webp" // image.Decode reads the WebP logo

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/opendata"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// The hostile-input suite: requests an attacker would send to the whole
// server (built as in production, over SQLite and PostgreSQL). Each refusal
// is a clear 4xx problem and stores nothing; what is accepted is stored as
// text, verbatim, and only ever echoed escaped.

// hostileTables are the tables a write endpoint could change (sessions,
// usage events and search misses aside).
var hostileTables = []string{"audit_log", "contact_point_coverage", "contact_points", "entry_points", "feedback", "import_runs",
	"invitations", "journey_outcomes", "journey_versions", "journeys", "logos", "memberships", "organisations", "portals",
	"reports", "themes", "users"}

// rowCounts counts the rows of hostileTables.
func rowCounts(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, table := range hostileTables {
		var n int64
		if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

func sameCounts(t *testing.T, before, after map[string]int64) {
	t.Helper()
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before, %d after", table, n, after[table])
		}
	}
}

// hostileRequest is one request of the suite.
type hostileRequest struct {
	name        string
	method, url string
	who         string // "" anonymous, else a user of newAdminEnv
	contentType string
	body        []byte
	chunked     bool // no Content-Length
	headers     []string
}

func (e *adminEnv) hostile(t *testing.T, tokens map[string]string, r hostileRequest) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader = bytes.NewReader(r.body)
	if r.chunked {
		body = io.MultiReader(bytes.NewReader(r.body)) // not a known length: sent chunked
	}
	req := httptest.NewRequest(r.method, r.url, body)
	if r.chunked {
		req.ContentLength = -1
	}
	req.RemoteAddr = "192.0.2.7:1234"
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if tok := tokens[r.who]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(r.headers); i += 2 {
		req.Header.Set(r.headers[i], r.headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	for k, vs := range rec.Header() {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n") {
				t.Errorf("%s: header %s carries a line break: %q", r.name, k, v)
			}
		}
	}
	return rec
}

func hostileEnv(t *testing.T, s *store.Store) (*adminEnv, map[string]string) {
	t.Helper()
	e := newAdminEnv(t, s, func(d *httpapi.Deps) {
		d.OpenData = opendata.New(opendata.Options{Store: s, Auth: d.Admin, Communes: d.Communes, PublicURL: "http://test", Revision: "test", Now: d.Now})
	})
	tokens := map[string]string{}
	for _, u := range []string{"a-admin", "platform"} {
		tokens[u] = e.login(t, u).AccessToken
	}
	return e, tokens
}

// Polyglot and disguised images for the logo upload.
var (
	gifJSPolyglot = []byte("GIF89a/*\x10\x00\x10\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x10\x00\x10\x00\x00\x02\x02D\x01\x00;*/=alert(document.domain);//")
	svgScript     = []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(document.domain)</script><rect width="64" height="64"/></svg>`)
	htmlPayload   = "<html><script>alert(document.domain)</script></html>"
)

// TestHostileRefusals sends malformed, oversized and disguised requests:
// each is answered by a 4xx problem, and nothing is stored.
func TestHostileRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, tokens := hostileEnv(t, s)
		const cps = "/api/v1/admin/organisations/partenaire-a/contact-points"
		const logo = "/api/v1/admin/organisations/partenaire-a/logo"
		big := []byte(`{"name":"` + strings.Repeat("a", 2<<20) + `","pivot":"mds"}`)
		nested := []byte(`{"name":"x","pivot":"mds","coverage":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + "}")
		deepArray := []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000))
		appJSON := "application/json"
		tests := []struct {
			hostileRequest
			want int
		}{
			{hostileRequest{name: "oversized body", method: "POST", url: cps, who: "a-admin", contentType: appJSON, body: big}, 413},
			{hostileRequest{name: "oversized chunked body", method: "POST", url: cps, who: "a-admin", contentType: appJSON, body: big, chunked: true}, 413},
			{hostileRequest{name: "oversized public feedback", method: "POST", url: "/api/v1/public/feedback", contentType: appJSON, body: big}, 413},
			{hostileRequest{name: "oversized login", method: "POST", url: "/api/v1/auth/login", contentType: appJSON, body: big, chunked: true}, 413},
			{hostileRequest{name: "deeply nested object", method: "POST", url: cps, who: "a-admin", contentType: appJSON, body: nested}, 400},
			{hostileRequest{name: "deeply nested array", method: "POST", url: cps, who: "a-admin", contentType: appJSON, body: deepArray}, 400},
			{hostileRequest{name: "deeply nested events", method: "POST", url: "/api/v1/public/events", contentType: appJSON, body: deepArray}, 400},
			{hostileRequest{name: "text/plain", method: "POST", url: cps, who: "a-admin", contentType: "text/plain", body: []byte(`{"name":"x","pivot":"mds"}`)}, 415},
			{hostileRequest{name: "XML", method: "POST", url: cps, who: "a-admin", contentType: "application/xml", body: []byte(`<ContactPointRequest><Name>x</Name><Pivot>mds</Pivot></ContactPointRequest>`)}, 415},
			{hostileRequest{name: "form", method: "POST", url: cps, who: "a-admin", contentType: "application/x-www-form-urlencoded", body: []byte(`name=x&pivot=mds`)}, 415},
			{hostileRequest{name: "multipart", method: "POST", url: "/api/v1/auth/login", contentType: "multipart/form-data; boundary=x", body: []byte("--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.fr\r\n--x--\r\n")}, 415},
			{hostileRequest{name: "no content type", method: "POST", url: cps, who: "a-admin", body: []byte(`{"name":"x","pivot":"mds"}`)}, 415},
			{hostileRequest{name: "malformed content type", method: "POST", url: cps, who: "a-admin", contentType: "application/json; charset", body: []byte(`{"name":"x","pivot":"mds"}`)}, 415},
			{hostileRequest{name: "invalid UTF-8", method: "POST", url: cps, who: "a-admin", contentType: appJSON, body: []byte("{\"name\":\"Mairie \xff\xfe\",\"pivot\":\"mds\"}")}, 400},
			{hostileRequest{name: "invalid UTF-8 login", method: "POST", url: "/api/v1/auth/login", contentType: appJSON, body: []byte("{\"email\":\"a-admin@exemple.fr\xc0\",\"password\":\"x\"}")}, 400},
			{hostileRequest{name: "invalid UTF-8 feedback", method: "POST", url: "/api/v1/public/feedback", contentType: "text/plain", body: []byte("{\"partner\":\"partenaire-a\",\"helpful\":true,\"comment\":\"\xed\xa0\x80\"}")}, 400},
			{hostileRequest{name: "trailing content", method: "POST", url: cps, who: "a-admin", contentType: appJSON, body: []byte(`{"name":"x","pivot":"mds"} {"name":"y","pivot":"mds"}`)}, 400},
			{hostileRequest{name: "unknown field", method: "POST", url: cps, who: "a-admin", contentType: appJSON, body: []byte(`{"name":"x","pivot":"mds","organisation_id":"` + e.orgB.ID + `"}`)}, 400},
			{hostileRequest{name: "huge number", method: "POST", url: "/api/v1/admin/organisations/partenaire-a/journeys/aides/rollback", who: "a-admin", contentType: appJSON, body: []byte(`{"version":1e999}`)}, 400},
			{hostileRequest{name: "SVG logo with script", method: "PUT", url: logo, who: "a-admin", contentType: "image/svg+xml", body: svgScript}, 400},
			{hostileRequest{name: "SVG logo sent as PNG", method: "PUT", url: logo, who: "a-admin", contentType: "image/png", body: svgScript}, 400},
			{hostileRequest{name: "GIF/JS polyglot logo", method: "PUT", url: logo, who: "a-admin", contentType: "image/png", body: gifJSPolyglot}, 400},
			{hostileRequest{name: "HTML logo", method: "PUT", url: logo, who: "a-admin", contentType: "image/jpeg", body: []byte(htmlPayload)}, 400},
			{hostileRequest{name: "oversized logo", method: "PUT", url: logo, who: "a-admin", contentType: "image/png", body: append(testPNG(t), make([]byte, 2<<20)...)}, 413},
			{hostileRequest{name: "import as a form", method: "POST", url: cps + "/import", who: "a-admin", contentType: "multipart/form-data; boundary=x",
				body: []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../../../etc/passwd\"\r\n\r\nreference,nom\r\n--x--\r\n")}, 415},
			{hostileRequest{name: "import of a traversal path", method: "POST", url: cps + "/import?format=../../../../etc/passwd", who: "a-admin", contentType: "text/csv",
				body: []byte("reference,nom\nA,B\n")}, 400},
			{hostileRequest{name: "anonymous write", method: "POST", url: cps, contentType: appJSON, body: []byte(`{"name":"x","pivot":"mds"}`)}, 401},
			{hostileRequest{name: "forged token", method: "POST", url: cps, contentType: appJSON, body: []byte(`{"name":"x","pivot":"mds"}`),
				headers: []string{"Authorization", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0."}}, 401},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := rowCounts(t, s)
				rec := e.hostile(t, tokens, tt.hostileRequest)
				if rec.Code != tt.want {
					t.Fatalf("status %d, want %d: %.300s", rec.Code, tt.want, rec.Body)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q, want a problem", ct)
				}
				var p httpapi.Problem
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != tt.want || p.Title == "" || p.Detail == "" {
					t.Errorf("problem %+v (%v): %.300s", p, err, rec.Body)
				}
				sameCounts(t, before, rowCounts(t, s))
			})
		}
	})
}

// injections are SQL and script payloads a field could carry.
var injections = []string{
	`'; DROP TABLE contact_points; --`,
	`" OR "1"="1`,
	`Robert'); DELETE FROM organisations; --`,
	`1; UPDATE users SET platform_admin = true`,
	`<script>alert(document.domain)</script>`,
	`<img src=x onerror=alert(1)>`,
	`{{.}}${7*7}<%= 7*7 %>`,
	`\u0000 \x00 %00 ../../etc/passwd`,
}

// TestHostileInjections writes SQL and script payloads into every text
// field of the main write endpoints: they are stored verbatim, as text,
// never executed (every table is still there, nothing else changed), and
// the HTML pages that show them escape them.
func TestHostileInjections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, tokens := hostileEnv(t, s)
		tok := tokens["a-admin"]
		const base = "/api/v1/admin/organisations/partenaire-a"
		for i, p := range injections {
			before := rowCounts(t, s)
			q, _ := json.Marshal(p)
			pq := string(q)
			body := `{"name":` + pq + `,"description":` + pq + `,"pivot":"mds","themes":[],` +
				`"channels":[{"kind":"phone","value":"04 94 00 00 00","label":` + pq + `,"cost_note":` + pq + `,"accessibility_note":` + pq + `}],` +
				`"address":{"lines":[` + pq + `],"postal_code":"83000","city":` + pq + `,"commune_code":"83137"},` +
				`"opening_hours":{"weekly":[],"note":` + pq + `},"coverage":{"rule":"explicit","communes":["83137"]}}`
			rec := e.do(t, http.MethodPost, base+"/contact-points", tok, body)
			if rec.Code != http.StatusCreated {
				t.Fatalf("%q: create contact point: %d %s", p, rec.Code, rec.Body)
			}
			var cp httpapi.AdminContactPoint
			mustJSON(t, rec.Body.Bytes(), &cp)
			rec = e.do(t, http.MethodGet, base+"/contact-points/"+cp.ID, tok, "")
			var got struct {
				Name, Description string
				Channels          []struct{ Label, CostNote string }
				Address           struct{ Lines []string }
			}
			mustJSON(t, rec.Body.Bytes(), &got)
			if got.Name != p || got.Description != p || len(got.Channels) != 1 || got.Channels[0].Label != p || len(got.Address.Lines) != 1 || got.Address.Lines[0] != p {
				t.Errorf("%q not stored verbatim: %s", p, rec.Body)
			}
			slug := "theme-" + string(rune('a'+i))
			rec = e.do(t, http.MethodPost, base+"/themes", tok, `{"slug":"`+slug+`","label":`+pq+`,"description":`+pq+`,"synonyms":[`+pq+`]}`)
			var th httpapi.Theme
			if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &th) != nil || th.Label != p || th.Description != p || len(th.Synonyms) != 1 || th.Synonyms[0] != p {
				t.Errorf("%q: create theme: %d %s", p, rec.Code, rec.Body)
			}
			// A slug is an identifier: a payload there is refused, not stored.
			if rec := e.do(t, http.MethodPost, base+"/themes", tok, `{"slug":`+pq+`,"label":"x"}`); rec.Code != http.StatusBadRequest {
				t.Errorf("%q as a slug: %d %s", p, rec.Code, rec.Body)
			}
			if rec := e.do(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":`+pq+`,"password":`+pq+`}`); rec.Code != http.StatusUnauthorized && rec.Code != http.StatusBadRequest {
				t.Errorf("%q as a login: %d %s", p, rec.Code, rec.Body)
			}
			// Exactly one contact point (and its coverage and audit entry) and one theme more.
			after := rowCounts(t, s)
			for _, table := range []string{"contact_points", "themes"} {
				if after[table] != before[table]+1 {
					t.Errorf("%q: %s went from %d to %d rows", p, table, before[table], after[table])
				}
			}
			for _, table := range []string{"organisations", "users", "memberships", "portals", "journeys"} {
				if after[table] != before[table] {
					t.Errorf("%q: %s went from %d to %d rows", p, table, before[table], after[table])
				}
			}
		}

		// An organisation named with a script, shown on the statistics
		// pages; a script in the query string; both escaped.
		name := injections[4]
		rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations", tokens["platform"], `{"slug":"ville-hostile","name":`+quote(name)+`,"kind":"commune","territory":["83137"]}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("create organisation: %d %s", rec.Code, rec.Body)
		}
		for _, url := range []string{"/stats/ville-hostile", "/stats?from=" + urlQuery(name), "/stats/ville-hostile?entry=" + urlQuery(name), "/opendata?x=" + urlQuery(name)} {
			rec := e.hostile(t, tokens, hostileRequest{name: url, method: http.MethodGet, url: url})
			body := rec.Body.String()
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("GET %s echoes the script unescaped (%d):\n%.500s", url, rec.Code, body)
			}
			if rec.Code == http.StatusOK && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("GET %s: Content-Type %q", url, rec.Header().Get("Content-Type"))
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src") && !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("GET %s: no script policy: %q", url, csp)
			}
		}
		if rec := e.hostile(t, tokens, hostileRequest{name: "stats", method: http.MethodGet, url: "/stats/ville-hostile"}); !strings.Contains(rec.Body.String(), "&lt;script&gt;alert") {
			t.Errorf("the organisation's name is not shown escaped:\n%.2000s", rec.Body)
		}
	})
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func urlQuery(s string) string {
	r := strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\"", "%22", "=", "%3D", "(", "%28", ")", "%29", ".", "%2E")
	return r.Replace(s)
}

// TestHostilePaths asks for files outside the static trees and injects
// line breaks where a value reaches a header: the answers are 4xx (or the
// admin app's page), never a file of the server, and no header is split.
func TestHostilePaths(t *testing.T) {
	e, tokens := hostileEnv(t, storetest.New(t, store.SQLite))
	for _, url := range []string{
		"/widget/..%2f..%2fgo.mod", "/widget/../../go.mod", "/widget/%2e%2e/%2e%2e/etc/passwd", "/widget/chunks/..%2f..%2f..%2fetc%2fpasswd",
		"/widget/chunks/....//....//etc/passwd", "/admin/..%2f..%2fgo.mod", "/admin/../../../etc/passwd", "/admin/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/admin/assets/..%5c..%5cgo.mod", "/opendata/..%2f..%2fgo.mod", "/opendata/%2e%2e", "/docs/..%2f..%2fgo.mod", "/static/../go.mod",
		"/api/v1/public/organisations/..%2f..%2fadmin/logo", "/api/v1/public/organisations/partenaire-a%0d%0aSet-Cookie:%20x=1/logo",
		"/api/v1/admin/organisations/partenaire-a%0d%0aX-Injected:%20yes/feedback.csv",
		"/api/v1/admin/organisations/partenaire-a/journeys/aides%0d%0aX-Injected:%20yes/export",
		"/api/v1/admin/organisations/partenaire-a/exports/contact-points?format=csv%0d%0aX-Injected:%20yes",
		"/api/v1/public/contact-points?pivot=caf%0d%0aX-Injected:%20yes&commune=83137",
		"/opendata/contact-points.csv%0d%0aX-Injected:%20yes",
	} {
		t.Run(url, func(t *testing.T) {
			rec := e.hostile(t, tokens, hostileRequest{name: url, method: http.MethodGet, url: url, who: "platform"})
			body := rec.Body.String()
			if strings.Contains(body, "module github.com/aiguillage") || strings.Contains(body, "root:x:0:0") {
				t.Fatalf("GET %s served a server file: %.200s", url, body)
			}
			if h := rec.Header().Get("X-Injected"); h != "" || rec.Header().Get("Set-Cookie") != "" {
				t.Fatalf("GET %s injected a header", url)
			}
			if cd := rec.Header().Get("Content-Disposition"); strings.ContainsAny(cd, "\r\n") || strings.Count(cd, `"`) > 2 {
				t.Fatalf("GET %s: Content-Disposition %q", url, cd)
			}
			if rec.Code >= 500 {
				t.Fatalf("GET %s: %d %s", url, rec.Code, body)
			}
			if rec.Code == http.StatusOK && strings.HasPrefix(url, "/admin/") && !strings.Contains(body, "<html") {
				t.Fatalf("GET %s: 200 with %.200s", url, body)
			}
		})
	}
}

// TestHostileLogos uploads images carrying a payload: what is accepted is
// re-encoded (the payload is gone) and served with its image type and
// nosniff, never as HTML or script.
func TestHostileLogos(t *testing.T) {
	e, tokens := hostileEnv(t, storetest.New(t, store.SQLite))
	pngWithHTML := append(testPNG(t), []byte(htmlPayload)...)
	var withText bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	if err := png.Encode(&withText, img); err != nil {
		t.Fatal(err)
	}
	// A tEXt chunk with HTML before IEND would survive a byte copy.
	raw := withText.Bytes()
	iend := bytes.LastIndex(raw, []byte("IEND")) - 4
	textChunk := pngChunk("tEXt", append([]byte("Comment\x00"), htmlPayload...))
	pngWithChunk := append(append(append([]byte{}, raw[:iend]...), textChunk...), raw[iend:]...)
	// A WebP image (golang.org/x/image's test data, BSD licence), with HTML appended.
	webp, err := os.ReadFile("testdata/gopher.webp")
	if err != nil {
		t.Fatal(err)
	}
	webpWithHTML := append(append([]byte{}, webp...), htmlPayload...)
	for _, tt := range []struct {
		name, contentType string
		body              []byte
	}{
		{"PNG with trailing HTML", "image/png", pngWithHTML},
		{"PNG with an HTML text chunk", "image/png", pngWithChunk},
		{"WebP with trailing HTML", "image/webp", webpWithHTML},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.hostile(t, tokens, hostileRequest{name: tt.name, method: http.MethodPut, url: "/api/v1/admin/organisations/partenaire-a/logo",
				who: "a-admin", contentType: tt.contentType, body: tt.body})
			if rec.Code >= 300 {
				if rec.Code >= 500 || rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Fatalf("upload: %d %s", rec.Code, rec.Body)
				}
				return // refused: fine
			}
			got := e.hostile(t, tokens, hostileRequest{name: tt.name, method: http.MethodGet, url: "/api/v1/public/organisations/partenaire-a/logo"})
			if got.Code != http.StatusOK {
				t.Fatalf("logo: %d %s", got.Code, got.Body)
			}
			if ct := got.Header().Get("Content-Type"); ct != tt.contentType {
				t.Errorf("logo served as %q", ct)
			}
			if got.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("logo served without nosniff")
			}
			if csp := got.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("logo served with CSP %q", csp)
			}
			if bytes.Contains(got.Body.Bytes(), []byte("<script")) {
				t.Error("the payload survived the upload")
			}
			if _, format, err := image.Decode(bytes.NewReader(got.Body.Bytes())); err != nil || "image/"+format != tt.contentType {
				t.Errorf("the logo is not a %s: %s, %v", tt.contentType, format, err)
			}
		})
	}
}

// pngChunk encodes one PNG chunk (length, type, data, CRC).
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	n := len(data)
	b.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	b.WriteString(typ)
	b.Write(data)
	crc := crc32.ChecksumIEEE(append([]byte(typ), data...))
	b.Write([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	return b.Bytes()
}
