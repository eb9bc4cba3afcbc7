package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestPublicPartners: GET /api/v1/public/organisations lists the partners
// with an entry point on a published journey (the widget's quick switch in
// agent mode), and only those entry points.
func TestPublicPartners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-admin").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a"
		list := func(t *testing.T, query string) (httpapi.PartnerList, *httptest.ResponseRecorder) {
			t.Helper()
			rec := e.do(t, http.MethodGet, "/api/v1/public/organisations"+query, "", "", "Origin", "https://partenaire.exemple.fr")
			var l httpapi.PartnerList
			if rec.Code == http.StatusOK {
				mustJSON(t, rec.Body.Bytes(), &l)
			}
			return l, rec
		}
		for _, step := range []struct{ method, url, body string }{
			{http.MethodPost, base + "/journeys", testJourney},
			{http.MethodPut, base + "/entry-points/social", `{"name":"Action sociale","journey":"aides"}`},
			{http.MethodPut, base + "/entry-points/themes", `{"name":"Par thème","themes":["famille"]}`},
		} {
			if rec := e.do(t, step.method, step.url, tok, step.body); rec.Code >= 300 {
				t.Fatalf("%s %s: %d %s", step.method, step.url, rec.Code, rec.Body)
			}
		}
		if l, rec := list(t, ""); rec.Code != http.StatusOK || len(l.Organisations) != 0 {
			t.Fatalf("before publication: %d %+v, want no partner (a draft is not offered)", rec.Code, l)
		}
		if rec := e.do(t, http.MethodPost, base+"/journeys/aides/publish", tok, ""); rec.Code != http.StatusCreated {
			t.Fatalf("publish: %d %s", rec.Code, rec.Body)
		}

		tests := []struct {
			name, query  string
			wantStatus   int
			wantTextLang string
		}{
			{"French", "", http.StatusOK, ""},
			{"English: the names stay French, marked", "?lang=en", http.StatusOK, "fr"},
			{"malformed lang", "?lang=%3Cscript%3E", http.StatusBadRequest, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				l, rec := list(t, tt.query)
				if rec.Code != tt.wantStatus {
					t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
				}
				if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
					t.Errorf("CORS: %q, want *", rec.Header().Get("Access-Control-Allow-Origin"))
				}
				if tt.wantStatus != http.StatusOK {
					return
				}
				if cc := rec.Header().Get("Cache-Control"); cc == "" || cc == "no-store" {
					t.Errorf("Cache-Control %q: want a cacheable answer", cc)
				}
				if len(l.Organisations) != 1 {
					t.Fatalf("partners %+v, want partenaire-a alone", l.Organisations)
				}
				p := l.Organisations[0]
				if p.Slug != "partenaire-a" || p.Name != "partenaire-a" || len(p.EntryPoints) != 1 {
					t.Fatalf("partner %+v, want partenaire-a with its entry point social only", p)
				}
				if ep := p.EntryPoints[0]; ep.Slug != "social" || ep.Name != "Action sociale" || ep.TextLang != tt.wantTextLang {
					t.Errorf("entry point %+v, want social « Action sociale » text_lang %q", ep, tt.wantTextLang)
				}
			})
		}
	})
}

// TestAgentSessionCORS: the widget's agent mode runs on partners' sites and
// keeps its session with the refresh token in the body (no cookie): the
// refresh and the logout accept any origin, as the login code exchange.
func TestAgentSessionCORS(t *testing.T) {
	e := newAdminEnv(t, storetest.New(t, store.SQLite))
	for _, path := range []string{"/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/providers"} {
		t.Run(path, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodOptions, path, nil)
			req.Header.Set("Origin", "https://partenaire.exemple.fr")
			req.Header.Set("Access-Control-Request-Method", http.MethodPost)
			req.Header.Set("Access-Control-Request-Headers", "content-type")
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("preflight from a partner's site: ACAO %q, want *", got)
			}
		})
	}
	tr := e.login(t, "a-viewer")
	rec := e.do(t, http.MethodPost, "/api/v1/auth/refresh", "", `{"refresh_token":"`+tr.RefreshToken+`"}`, "Origin", "https://partenaire.exemple.fr")
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("refresh from a partner's site: %d ACAO %q ACAC %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), rec.Header().Get("Access-Control-Allow-Credentials"))
	}
}
