package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestCommonsInLanguages checks that the national commons (emergency
// numbers, themes, kinds of office, search results) come in the language
// asked for, with Content-Language, and that French stands in, marked,
// where no translation exists.
func TestCommonsInLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fixture(t, s)
		ctx := context.Background()
		commons, err := s.FindOrganisationBySlug(ctx, domain.CommonsSlug)
		if err != nil {
			t.Fatal(err)
		}
		partner, err := s.FindOrganisationBySlug(ctx, "departement-du-var")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertThemes(ctx, []*domain.Theme{
			{OrganisationID: commons.ID, Slug: "logement", Label: "Logement, hébergement", Description: "Trouver un logement, le garder."},
			{OrganisationID: partner.ID, Slug: "social", Label: "Action sociale du Var", Description: "Les services sociaux du département."},
		}); err != nil {
			t.Fatal(err)
		}
		e := newSearchEnv(t, s)
		get := func(t *testing.T, url string) *httptest.ResponseRecorder {
			t.Helper()
			req := httptest.NewRequest(http.MethodGet, url, nil)
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			e.checkAgainstSpec(t, req, rec)
			return rec
		}
		tests := []struct {
			name, url    string
			wantStatus   int
			wantLanguage string
			wantBody     []string
			notBody      []string
		}{
			{"emergency in English", "/api/v1/public/emergency?lang=en-GB", 200, "en",
				[]string{`"name":"SAMU (medical emergency)"`, `"note":"24/7"`, `"name":"Police emergency / Gendarmerie"`}, []string{`"text_lang"`}},
			{"emergency in Arabic", "/api/v1/public/emergency?lang=ar", 200, "ar", []string{`"name":"SAMU (الإسعاف الطبي)"`}, nil},
			{"emergency in FALC", "/api/v1/public/emergency?lang=falc", 200, "fr-x-falc", []string{`"name":"Police ou gendarmerie"`}, nil},
			{"emergency in French", "/api/v1/public/emergency", 200, "fr", []string{`"name":"SAMU"`}, []string{`"text_lang"`}},
			{"emergency, language not shipped", "/api/v1/public/emergency?lang=de", 200, "fr", []string{`"name":"SAMU"`}, nil},
			{"emergency, malformed language", "/api/v1/public/emergency?lang=" + strings.Repeat("x", 40), 400, "", []string{`"field":"lang"`}, nil},
			{"themes in Ukrainian", "/api/v1/public/organisations/departement-du-var/themes?lang=uk", 200, "uk",
				[]string{`"label":"Житло"`, `"label":"Action sociale du Var"`, `"text_lang":"fr"`}, nil},
			{"themes in French", "/api/v1/public/organisations/departement-du-var/themes", 200, "fr", []string{`"label":"Logement, hébergement"`}, []string{`"text_lang"`}},
			{"pivots in Spanish", "/api/v1/public/pivots?lang=es", 200, "es", []string{`"label":"Ayuntamiento"`, `"label":"Caja de prestaciones familiares (CAF)"`}, nil},
			{"pivots, malformed language", "/api/v1/public/pivots?lang=%00", 400, "", []string{`"field":"lang"`}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rec := get(t, tc.url)
				if rec.Code != tc.wantStatus {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				if got := rec.Header().Get("Content-Language"); tc.wantLanguage != "" && got != tc.wantLanguage {
					t.Errorf("Content-Language = %q, want %q", got, tc.wantLanguage)
				}
				checkBody(t, rec.Body.String(), tc.wantBody, tc.notBody)
			})
		}

		t.Run("search guesses the language and answers in it", func(t *testing.T) {
			for _, tc := range []struct{ url, lang string }{
				{"/api/v1/public/search?q=family+allowance+caf&commune=83137", "en"},
				{"/api/v1/public/search?q=family+allowance+caf&commune=83137&lang=en", "en"},
				{"/api/v1/public/search?q=%D9%85%D9%86%D8%AD%D8%A9+%D8%A7%D9%84%D8%A3%D8%B7%D9%81%D8%A7%D9%84&commune=83137", "ar"},
				{"/api/v1/public/search?q=allocations+familiales&commune=83137", "fr"},
				{"/api/v1/public/search?q=allocations+familiales&commune=83137&lang=fr-x-falc", "fr-x-falc"},
			} {
				rec := get(t, tc.url)
				var resp httpapi.SearchResponse
				if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != http.StatusOK {
					t.Fatalf("%s: %d %v %s", tc.url, rec.Code, err, rec.Body)
				}
				if resp.Lang != tc.lang || rec.Header().Get("Content-Language") != tc.lang {
					t.Errorf("%s: lang %q, Content-Language %q, want %q", tc.url, resp.Lang, rec.Header().Get("Content-Language"), tc.lang)
				}
				if len(resp.Results) == 0 {
					t.Fatalf("%s: no result", tc.url)
				}
				for _, r := range resp.Results {
					if r.Kind == "fiche" && tc.lang != "fr" && r.TextLang != "fr" {
						t.Errorf("%s: fiche %s not marked French", tc.url, r.Ref)
					}
					for _, c := range r.Contacts {
						if c.Source.Kind == "helplines" && c.Source.ID == "3230" && tc.lang == "en" && c.Name != "CAF (family allowances fund)" {
							t.Errorf("%s: helpline 3230 named %q", tc.url, c.Name)
						}
					}
				}
			}
		})
		t.Run("search, malformed language", func(t *testing.T) {
			if rec := get(t, "/api/v1/public/search?q=caf&lang=%01"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"lang"`) {
				t.Errorf("status %d: %s", rec.Code, rec.Body)
			}
		})
	})
}
