package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// fuzzBodyRoutes are the endpoints that decode a JSON body into a DTO,
// called as an organisation admin of partenaire-a (platform admin for the
// organisations' creation), or anonymously for the public ones.
var fuzzBodyRoutes = []struct {
	method, path, who string
	ifMatch           bool
}{
	{http.MethodPost, "/api/v1/auth/login", "", false},
	{http.MethodPost, "/api/v1/auth/refresh", "", false},
	{http.MethodPost, "/api/v1/auth/logout", "", false},
	{http.MethodPost, "/api/v1/auth/invitations/accept", "", false},
	{http.MethodPost, "/api/v1/admin/organisations", "platform", false},
	{http.MethodPatch, "/api/v1/admin/organisations/partenaire-a", "a-admin", true},
	{http.MethodPost, "/api/v1/admin/organisations/partenaire-a/contact-points", "a-admin", false},
	{http.MethodPost, "/api/v1/admin/organisations/partenaire-a/themes", "a-admin", false},
	{http.MethodPost, "/api/v1/admin/organisations/partenaire-a/invitations", "a-admin", false},
	{http.MethodPost, "/api/v1/admin/organisations/partenaire-a/journeys", "a-admin", false},
	{http.MethodPut, "/api/v1/admin/organisations/partenaire-a/journeys/aides", "a-admin", false},
	{http.MethodPut, "/api/v1/admin/organisations/partenaire-a/journeys/aides/steps/debut", "a-admin", false},
	{http.MethodPut, "/api/v1/admin/organisations/partenaire-a/entry-points/social", "a-admin", false},
	{http.MethodPost, "/api/v1/admin/portals", "platform", false},
	{http.MethodPost, "/api/v1/public/feedback", "", false},
	{http.MethodPost, "/api/v1/public/events", "", false},
}

// FuzzAdminJSONBodies sends arbitrary bodies to every endpoint that decodes
// JSON: the answer is never a server error, and every refusal is a problem
// document. Seed corpus: testdata/fuzz/FuzzAdminJSONBodies/.
func FuzzAdminJSONBodies(f *testing.F) {
	e := newAdminEnv(f, storetest.New(f, store.SQLite))
	tokens := map[string]string{}
	for _, u := range []string{"a-admin", "platform"} {
		rec := e.send(http.MethodPost, "/api/v1/auth/login", "", `{"email":"`+u+`@exemple.fr","password":"`+testPassword+`"}`)
		var tr struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil || tr.AccessToken == "" {
			f.Fatalf("login %s: %d %s", u, rec.Code, rec.Body)
		}
		tokens[u] = tr.AccessToken
	}
	bodies := []string{
		`{"name":"Nouveau point","pivot":"mds","channels":[{"kind":"phone","value":"3230"}]}`,
		`{"slug":"nouveau-theme","label":"<script>alert(1)</script>"}`,
		`{"email":"x@exemple.fr","role":"admin"}`,
		`{"name":"'; DROP TABLE contact_points; --"}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"name":"\ud800"}`, "{\"name\":\"\xff\"}", `{"name":1e999}`, `{"a":`, ``, `null`,
	}
	for i := range fuzzBodyRoutes {
		f.Add(uint8(i), bodies[i%len(bodies)])
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := fuzzBodyRoutes[int(route)%len(fuzzBodyRoutes)]
		var headers []string
		if r.ifMatch {
			headers = []string{"If-Match", `"1"`}
		}
		rec := e.send(r.method, r.path, tokens[r.who], body, headers...)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s %s %q: %d with %q", r.method, r.path, body, rec.Code, rec.Header().Get("Content-Type"))
		}
	})
}

// send sends a JSON request without checking the answer against the spec.
func (e *adminEnv) send(method, url, token, body string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.1:1234"
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}
