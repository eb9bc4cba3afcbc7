package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// translatedJourney is a journey with English nearly complete, Arabic
// partial and no FALC; the référent maintains English and Arabic. %s is
// the fixed contact point of its "mds" outcome.
const translatedJourney = `{
  "slug": "aides",
  "title": "Aides sociales",
  "description": "Pour trouver de l'aide.",
  "i18n": {"en": {"title": "Social support", "description": "To find help."}, "ar": {"title": "المساعدات الاجتماعية"}},
  "languages": ["en", "ar"],
  "first_step": "besoin",
  "steps": [
    {"id": "besoin", "kind": "question", "text": "De quoi avez-vous besoin ?", "help": "Choisissez une réponse.",
     "i18n": {"en": {"text": "What do you need?", "help": "Pick one answer."}, "ar": {"text": "ماذا تحتاج؟"}},
     "options": [
       {"label": "Un accompagnement social", "next": "mds", "i18n": {"en": {"label": "Social support"}, "ar": {"label": "مرافقة اجتماعية"}}},
       {"label": "Je suis en danger", "next": "danger", "i18n": {"en": {"label": "I am in danger"}}}]},
    {"id": "mds", "kind": "outcome", "text": "Votre maison des solidarités", "i18n": {"en": {"text": "Your local social services"}},
     "outcome": {"explanation": "Un travailleur social vous reçoit.", "documents": ["Une pièce d'identité"],
       "i18n": {"en": {"explanation": "A social worker will see you.", "documents": ["An ID"]}}, "contact_points": ["%s"]}},
    {"id": "danger", "kind": "outcome", "text": "Appelez les secours", "outcome": {"explanation": "Appelez le 17.", "emergency": true}}
  ]
}`

// i18nEnv is an admin environment where partenaire-a has a translated
// contact point and the translated journey, published, behind its entry
// point "social".
type i18nEnv struct {
	*adminEnv
	token string
	cp    string // the contact point's id
}

func newI18nEnv(t *testing.T, s *store.Store) *i18nEnv {
	t.Helper()
	e := &i18nEnv{adminEnv: newAdminEnv(t, s)}
	e.token = e.login(t, "a-admin").AccessToken
	base := "/api/v1/admin/organisations/partenaire-a"
	rec := e.do(t, http.MethodPost, base+"/contact-points", e.token, `{"name":"Maison des solidarités","description":"Accueil social de proximité.",
		"translations":{"en":{"description":"Local social services."},"ar":{"description":"خدمات اجتماعية محلية."}},
		"pivot":"mds","channels":[{"kind":"phone","value":"04 94 00 00 00"}]}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create contact point: %d %s", rec.Code, rec.Body)
	}
	var cp httpapi.AdminContactPoint
	mustJSON(t, rec.Body.Bytes(), &cp)
	e.cp = cp.ID
	if rec := e.do(t, http.MethodPost, base+"/journeys", e.token, fmt.Sprintf(translatedJourney, e.cp)); rec.Code != http.StatusCreated {
		t.Fatalf("create journey: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodPut, base+"/entry-points/social", e.token, `{"name":"Social","description":"Aides du département","journey":"aides"}`); rec.Code != http.StatusOK {
		t.Fatalf("entry point: %d %s", rec.Code, rec.Body)
	}
	return e
}

func (e *i18nEnv) publish(t *testing.T) httpapi.PublishResponse {
	t.Helper()
	rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/journeys/aides/publish", e.token, "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	var out httpapi.PublishResponse
	mustJSON(t, rec.Body.Bytes(), &out)
	return out
}

// texts sums up a public journey: each text and each text_lang mark by
// path.
func texts(pj httpapi.PublicJourney) map[string]string {
	m := map[string]string{
		"lang": pj.Lang, "dir": pj.Dir, "languages": strings.Join(pj.Languages, ","),
		"title": pj.Journey.Title, "description": pj.Journey.Description, "journey.text_lang": pj.Journey.TextLang,
	}
	if pj.EntryPoint != nil {
		m["entry_point.text_lang"] = pj.EntryPoint.TextLang
	}
	for _, s := range pj.Journey.Steps {
		m[s.ID+".text"], m[s.ID+".help"], m[s.ID+".text_lang"] = s.Text, s.Help, s.TextLang
		for k, o := range s.Options {
			m[fmt.Sprintf("%s.options[%d].label", s.ID, k)] = o.Label
			m[fmt.Sprintf("%s.options[%d].text_lang", s.ID, k)] = o.TextLang
		}
		if o := s.Outcome; o != nil {
			m[s.ID+".outcome.explanation"] = o.Explanation
			m[s.ID+".outcome.documents"] = strings.Join(o.Documents, "|")
			m[s.ID+".outcome.text_lang"] = o.TextLang
		}
	}
	return m
}

func TestPublicJourneyLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newI18nEnv(t, s)
		pub := e.publish(t)
		if pub.Number != 1 || len(pub.Warnings) == 0 {
			t.Fatalf("publish with warnings: %+v", pub)
		}
		french := map[string]string{
			"title": "Aides sociales", "description": "Pour trouver de l'aide.", "besoin.text": "De quoi avez-vous besoin ?",
			"besoin.help": "Choisissez une réponse.", "besoin.options[1].label": "Je suis en danger",
			"mds.outcome.documents": "Une pièce d'identité", "languages": "fr,en,ar",
		}
		tests := []struct {
			name, query string
			served      string            // Content-Language and lang
			want        map[string]string // "" = absent
		}{
			{name: "absent is French", query: "", served: "fr", want: merge(french, map[string]string{"dir": "ltr",
				"journey.text_lang": "", "besoin.text_lang": "", "besoin.options[1].text_lang": "", "danger.text_lang": "", "entry_point.text_lang": ""})},
			{name: "English", query: "?lang=en", served: "en", want: map[string]string{"dir": "ltr", "languages": "fr,en,ar",
				"title": "Social support", "description": "To find help.", "journey.text_lang": "",
				"besoin.text": "What do you need?", "besoin.help": "Pick one answer.", "besoin.text_lang": "",
				"besoin.options[0].label": "Social support", "besoin.options[1].label": "I am in danger", "besoin.options[1].text_lang": "",
				"mds.text": "Your local social services", "mds.text_lang": "",
				"mds.outcome.explanation": "A social worker will see you.", "mds.outcome.documents": "An ID", "mds.outcome.text_lang": "",
				"danger.text": "Appelez les secours", "danger.text_lang": "fr", "danger.outcome.text_lang": "fr",
				"entry_point.text_lang": "fr"}},
			{name: "English with a region, in capitals", query: "?lang=EN-gb", served: "en", want: map[string]string{"title": "Social support"}},
			{name: "Arabic, partial", query: "?lang=ar", served: "ar", want: map[string]string{"dir": "rtl",
				"title": "المساعدات الاجتماعية", "description": "Pour trouver de l'aide.", "journey.text_lang": "fr",
				"besoin.text": "ماذا تحتاج؟", "besoin.help": "Choisissez une réponse.", "besoin.text_lang": "fr",
				"besoin.options[0].label": "مرافقة اجتماعية", "besoin.options[0].text_lang": "",
				"besoin.options[1].label": "Je suis en danger", "besoin.options[1].text_lang": "fr",
				"mds.text_lang": "fr", "mds.outcome.text_lang": "fr"}},
			{name: "Arabic from Morocco", query: "?lang=ar-MA", served: "ar", want: map[string]string{"dir": "rtl", "besoin.text": "ماذا تحتاج؟"}},
			{name: "FALC without translations", query: "?lang=fr-x-falc", served: "fr-x-falc", want: merge(french, map[string]string{"dir": "ltr",
				"journey.text_lang": "fr", "besoin.text_lang": "fr", "besoin.options[0].text_lang": "fr", "mds.outcome.text_lang": "fr"})},
			{name: "falc alias", query: "?lang=falc", served: "fr-x-falc", want: map[string]string{"journey.text_lang": "fr"}},
			{name: "unsupported is French", query: "?lang=de", served: "fr", want: merge(french, map[string]string{"journey.text_lang": "", "besoin.text_lang": ""})},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/journeys/social"+tt.query, "", "")
				if rec.Code != http.StatusOK {
					t.Fatalf("%d %s", rec.Code, rec.Body)
				}
				if got := rec.Header().Get("Content-Language"); got != tt.served {
					t.Errorf("Content-Language = %q, want %q", got, tt.served)
				}
				if strings.Contains(rec.Body.String(), `"i18n"`) || strings.Contains(rec.Body.String(), `"languages":["en","ar"]`) {
					t.Errorf("translation maps leaked to the public: %s", rec.Body)
				}
				var pj httpapi.PublicJourney
				mustJSON(t, rec.Body.Bytes(), &pj)
				got := texts(pj)
				if got["lang"] != tt.served {
					t.Errorf("lang = %q, want %q", got["lang"], tt.served)
				}
				for k, want := range tt.want {
					if got[k] != want {
						t.Errorf("%s = %q, want %q", k, got[k], want)
					}
				}
			})
		}
		for _, bad := range []string{"?lang=" + strings.Repeat("a", 40), "?lang=en_GB!", "?lang=%E2%82%AC", "?lang=1234"} {
			rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/journeys/social"+bad, "", "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"lang"`) ||
				!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s = %d %s %s, want a 400 problem on lang", bad, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		}

		// The outcome: its texts and its contact point's description.
		var pj httpapi.PublicJourney
		mustJSON(t, e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/journeys/social", "", "").Body.Bytes(), &pj)
		outcome := "/api/v1/public/outcomes/" + pj.Outcomes["mds"]
		for _, tt := range []struct {
			query, served, title, explanation, documents, textLang, cpDescription, cpTextLang string
		}{
			{"", "fr", "Votre maison des solidarités", "Un travailleur social vous reçoit.", "Une pièce d'identité", "", "Accueil social de proximité.", ""},
			{"?lang=en", "en", "Your local social services", "A social worker will see you.", "An ID", "", "Local social services.", ""},
			{"?lang=ar", "ar", "Votre maison des solidarités", "Un travailleur social vous reçoit.", "Une pièce d'identité", "fr", "خدمات اجتماعية محلية.", ""},
			{"?lang=tr", "tr", "Votre maison des solidarités", "Un travailleur social vous reçoit.", "Une pièce d'identité", "fr", "Accueil social de proximité.", "fr"},
		} {
			rec := e.do(t, http.MethodGet, outcome+tt.query, "", "")
			var out httpapi.OutcomeResponse
			mustJSON(t, rec.Body.Bytes(), &out)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Language") != tt.served || out.Title != tt.title || out.Explanation != tt.explanation ||
				strings.Join(out.Documents, "|") != tt.documents || out.TextLang != tt.textLang || len(out.Contacts) != 1 ||
				out.Contacts[0].Description != tt.cpDescription || out.Contacts[0].TextLang != tt.cpTextLang {
				t.Errorf("outcome%s = %d %s", tt.query, rec.Code, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "translations") {
				t.Errorf("outcome%s leaks the translations: %s", tt.query, rec.Body)
			}
		}
		if rec := e.do(t, http.MethodGet, outcome+"?lang=--", "", ""); rec.Code != http.StatusBadRequest {
			t.Errorf("outcome with a malformed lang = %d", rec.Code)
		}

		// The partner's configuration: its texts stay French, marked.
		for _, tt := range []struct{ query, served, mark string }{{"", "fr", ""}, {"?lang=uk", "uk", "fr"}, {"?lang=de", "fr", ""}} {
			rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a"+tt.query, "", "")
			var org httpapi.PublicOrganisation
			mustJSON(t, rec.Body.Bytes(), &org)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Language") != tt.served || len(org.EntryPoints) != 1 ||
				org.EntryPoints[0].Name != "Social" || org.EntryPoints[0].TextLang != tt.mark {
				t.Errorf("organisation%s = %d %s %s", tt.query, rec.Code, rec.Header().Get("Content-Language"), rec.Body)
			}
		}

		// The preview serves the draft in a language too.
		rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/journeys/aides/preview-token", e.token, "")
		var tok httpapi.PreviewToken
		mustJSON(t, rec.Body.Bytes(), &tok)
		rec = e.do(t, http.MethodGet, "/api/v1/public/previews/"+tok.Token+"?lang=ar", "", "")
		var prev httpapi.PublicJourney
		mustJSON(t, rec.Body.Bytes(), &prev)
		if rec.Code != http.StatusOK || prev.Lang != "ar" || prev.Dir != "rtl" || prev.Journey.Title != "المساعدات الاجتماعية" || rec.Header().Get("Content-Language") != "ar" {
			t.Errorf("preview in Arabic: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodGet, "/api/v1/public/previews/"+tok.Token+"/outcomes/"+prev.Outcomes["mds"]+"?lang=en", "", "")
		var pout httpapi.OutcomeResponse
		mustJSON(t, rec.Body.Bytes(), &pout)
		if rec.Code != http.StatusOK || pout.Title != "Your local social services" || pout.Contacts[0].Description != "Local social services." {
			t.Errorf("preview outcome in English: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodGet, "/api/v1/public/previews/"+tok.Token+"?lang=@", "", ""); rec.Code != http.StatusBadRequest {
			t.Errorf("preview with a malformed lang = %d", rec.Code)
		}
	})
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// Answers in different languages are cached apart: each has its ETag, and
// a conditional request gets 304 only for the language it was made for.
func TestPublicCacheSeparatesLanguages(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newI18nEnv(t, s)
	e.publish(t)
	get := func(query string, headers ...string) (int, string, string, string) {
		rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/journeys/social"+query, "", "", headers...)
		var pj httpapi.PublicJourney
		if rec.Code == http.StatusOK {
			mustJSON(t, rec.Body.Bytes(), &pj)
		}
		return rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Content-Language"), pj.Journey.Title
	}
	_, etagEN, _, _ := get("?lang=en")
	_, etagAR, _, _ := get("?lang=ar")
	_, etagFR, _, _ := get("")
	if etagEN == "" || etagEN == etagAR || etagEN == etagFR || etagAR == etagFR {
		t.Fatalf("ETags not per language: en %s ar %s fr %s", etagEN, etagAR, etagFR)
	}
	tests := []struct {
		name, query, ifNoneMatch string
		status                   int
		served, title            string
	}{
		{"English again, from the cache", "?lang=en", "", http.StatusOK, "en", "Social support"},
		{"Arabic again, from the cache", "?lang=ar", "", http.StatusOK, "ar", "المساعدات الاجتماعية"},
		{"French again, from the cache", "", "", http.StatusOK, "fr", "Aides sociales"},
		{"English ETag, English asked", "?lang=en", etagEN, http.StatusNotModified, "en", ""},
		{"English ETag, Arabic asked", "?lang=ar", etagEN, http.StatusOK, "ar", "المساعدات الاجتماعية"},
		{"Arabic ETag, French asked", "", etagAR, http.StatusOK, "fr", "Aides sociales"},
		{"French ETag, French asked", "", etagFR, http.StatusNotModified, "fr", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.ifNoneMatch != "" {
				headers = []string{"If-None-Match", tt.ifNoneMatch}
			}
			status, _, served, title := get(tt.query, headers...)
			if status != tt.status || served != tt.served || title != tt.title {
				t.Fatalf("got %d %q %q, want %d %q %q", status, served, title, tt.status, tt.served, tt.title)
			}
		})
	}
	// The same for contact points.
	cp := "/api/v1/public/contact-points/" + e.cp
	en := e.do(t, http.MethodGet, cp+"?lang=en", "", "")
	if rec := e.do(t, http.MethodGet, cp+"?lang=uk", "", "", "If-None-Match", en.Header().Get("ETag")); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"text_lang":"fr"`) {
		t.Fatalf("Ukrainian with the English ETag: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodGet, cp+"?lang=en", "", "", "If-None-Match", en.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Fatalf("English with the English ETag: %d", rec.Code)
	}
}

func TestValidationWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newI18nEnv(t, s)
		base := "/api/v1/admin/organisations/partenaire-a/journeys/aides"
		validate := func() httpapi.ValidationReport {
			t.Helper()
			rec := e.do(t, http.MethodPost, base+"/validate", e.token, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("validate: %d %s", rec.Code, rec.Body)
			}
			var r httpapi.ValidationReport
			mustJSON(t, rec.Body.Bytes(), &r)
			return r
		}
		// Missing translations are warnings: the journey is valid.
		r := validate()
		if !r.Valid || len(r.Problems) != 0 {
			t.Fatalf("report: %+v", r)
		}
		want := []httpapi.ValidationWarning{
			{Field: "steps[danger].text", Lang: "en", Detail: "Traduction manquante (English) : titre de l'issue"},
			{Field: "steps[danger].outcome.explanation", Lang: "en", Detail: "Traduction manquante (English) : explication de l'issue"},
			{Field: "journey.description", Lang: "ar", Detail: "Traduction manquante (العربية) : description du parcours"},
			{Field: "steps[besoin].help", Lang: "ar", Detail: "Traduction manquante (العربية) : texte d'aide"},
			{Field: "steps[besoin].options[1].label", Lang: "ar", Detail: "Traduction manquante (العربية) : libellé du choix « Je suis en danger »"},
			{Field: "steps[mds].text", Lang: "ar", Detail: "Traduction manquante (العربية) : titre de l'issue"},
			{Field: "steps[mds].outcome.explanation", Lang: "ar", Detail: "Traduction manquante (العربية) : explication de l'issue"},
			{Field: "steps[mds].outcome.documents", Lang: "ar", Detail: "Traduction manquante (العربية) : documents à prévoir"},
			{Field: "steps[danger].text", Lang: "ar", Detail: "Traduction manquante (العربية) : titre de l'issue"},
			{Field: "steps[danger].outcome.explanation", Lang: "ar", Detail: "Traduction manquante (العربية) : explication de l'issue"},
		}
		if !slices.Equal(r.Warnings, want) {
			t.Fatalf("warnings\n%+v\nwant\n%+v", r.Warnings, want)
		}
		// What a translator works through, language by language.
		for _, tt := range []struct {
			query, lang    string
			total, missing int
		}{{"?lang=ar", "ar", 11, 8}, {"?lang=en-GB", "en", 11, 2}, {"?lang=falc", "fr-x-falc", 11, 11}} {
			rec := e.do(t, http.MethodGet, base+"/translations"+tt.query, e.token, "")
			var tl httpapi.TranslationList
			mustJSON(t, rec.Body.Bytes(), &tl)
			if rec.Code != http.StatusOK || tl.Lang != tt.lang || tl.Total != tt.total || tl.Missing != tt.missing || len(tl.Items) != tt.total {
				t.Fatalf("translations%s: %d %s", tt.query, rec.Code, rec.Body)
			}
		}
		rec := e.do(t, http.MethodGet, base+"/translations?lang=ar", e.token, "")
		if !strings.Contains(rec.Body.String(), `{"field":"steps[besoin].options[0].label","fr":"Un accompagnement social","text":"مرافقة اجتماعية","missing":false}`) ||
			!strings.Contains(rec.Body.String(), `{"field":"steps[mds].outcome.documents[0]","fr":"Une pièce d'identité","text":"","missing":true}`) {
			t.Fatalf("translation items: %s", rec.Body)
		}
		for _, bad := range []string{"", "?lang=fr", "?lang=de", "?lang=%%%"} {
			if rec := e.do(t, http.MethodGet, base+"/translations"+bad, e.token, ""); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"lang"`) {
				t.Errorf("translations%s = %d %s", bad, rec.Code, rec.Body)
			}
		}

		// Publishing succeeds and returns them.
		if pub := e.publish(t); !slices.Equal(pub.Warnings, want) {
			t.Fatalf("publish warnings: %+v", pub.Warnings)
		}

		// An unknown language and a translation over the French limit are
		// problems: publishing is refused.
		doc := fmt.Sprintf(translatedJourney, e.cp)
		doc = strings.Replace(doc, `"ar": {"title": "المساعدات الاجتماعية"}`, `"de": {"title": "Sozialhilfe"}`, 1)
		doc = strings.Replace(doc, `"I am in danger"`, `"`+strings.Repeat("x", 81)+`"`, 1)
		doc = strings.Replace(doc, `"languages": ["en", "ar"]`, `"languages": ["en", "ar", "fr"]`, 1)
		if rec := e.do(t, http.MethodPut, base, e.token, doc, "If-Match", `"1"`); rec.Code != http.StatusOK {
			t.Fatalf("save: %d %s", rec.Code, rec.Body)
		}
		r = validate()
		var fields []string
		for _, p := range r.Problems {
			fields = append(fields, p.Field)
		}
		if wantFields := []string{"journey.i18n.de", "journey.languages[2]", "steps[besoin].options[1].i18n.en.label"}; r.Valid || !slices.Equal(fields, wantFields) {
			t.Fatalf("problems %v, want %v (%+v)", fields, wantFields, r)
		}
		rec = e.do(t, http.MethodPost, base+"/publish", e.token, "")
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"journey.i18n.de"`) {
			t.Fatalf("publish with problems: %d %s", rec.Code, rec.Body)
		}

		// A rollback returns the warnings of the version republished.
		rec = e.do(t, http.MethodPost, base+"/rollback", e.token, `{"version":1}`)
		var rb httpapi.PublishResponse
		mustJSON(t, rec.Body.Bytes(), &rb)
		if rec.Code != http.StatusCreated || rb.Number != 2 || !slices.Equal(rb.Warnings, want) {
			t.Fatalf("rollback: %d %s", rec.Code, rec.Body)
		}

		// The export keeps the translations; importing it elsewhere too.
		rec = e.do(t, http.MethodGet, base+"/export", e.token, "")
		if !strings.Contains(rec.Body.String(), `"i18n"`) || !strings.Contains(rec.Body.String(), "Sozialhilfe") {
			t.Fatalf("export: %s", rec.Body)
		}
		// An old document without translations still imports, and reports nothing.
		rec = e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-b/journeys", e.login(t, "b-admin").AccessToken, testJourney)
		if rec.Code != http.StatusCreated || strings.Contains(rec.Body.String(), "i18n") {
			t.Fatalf("import of an untranslated journey: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestContactPointTranslations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newI18nEnv(t, s)
		url := "/api/v1/admin/organisations/partenaire-a/contact-points/" + e.cp
		read := func() (httpapi.AdminContactPoint, string) {
			t.Helper()
			rec := e.do(t, http.MethodGet, url, e.token, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("get: %d %s", rec.Code, rec.Body)
			}
			var cp httpapi.AdminContactPoint
			mustJSON(t, rec.Body.Bytes(), &cp)
			return cp, rec.Header().Get("ETag")
		}
		cp, etag := read()
		if len(cp.Translations) != 2 || cp.Translations["en"].Description != "Local social services." || cp.Description != "Accueil social de proximité." || cp.TextLang != "" {
			t.Fatalf("created: %+v", cp)
		}

		// Bad translations are field errors; nothing changes.
		for _, b := range []struct{ body, field string }{
			{`{"translations":{"de":{"description":"Sozialdienst"}}}`, "translations.de"},
			{`{"translations":{"fr":{"description":"Accueil"}}}`, "translations.fr"},
			{`{"translations":{"EN":{"description":"Services"}}}`, "translations.EN"},
			{`{"translations":{"en":{"description":"` + strings.Repeat("é", 2001) + `"}}}`, "translations.en.description"},
		} {
			rec := e.do(t, http.MethodPatch, url, e.token, b.body, "If-Match", etag)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+b.field+`"`) {
				t.Errorf("PATCH %.60s = %d %.300s, want 400 on %s", b.body, rec.Code, rec.Body, b.field)
			}
		}
		if again, _ := read(); again.Version != cp.Version {
			t.Fatal("a refused edit changed the contact point")
		}

		// Replace them; a blank one is dropped; other fields are untouched.
		rec := e.do(t, http.MethodPatch, url, e.token, `{"translations":{"uk":{"description":"  Соціальні служби  "},"en":{"description":" "}},"text_lang":"fr"}`, "If-Match", etag)
		if rec.Code != http.StatusOK {
			t.Fatalf("patch: %d %s", rec.Code, rec.Body)
		}
		cp, etag = read()
		if len(cp.Translations) != 1 || cp.Translations["uk"].Description != "Соціальні служби" || cp.Name != "Maison des solidarités" {
			t.Fatalf("after patch: %+v", cp)
		}
		// A PATCH without translations keeps them.
		if rec := e.do(t, http.MethodPatch, url, e.token, `{"name":"MDS de Toulon"}`, "If-Match", etag); rec.Code != http.StatusOK {
			t.Fatalf("patch name: %d %s", rec.Code, rec.Body)
		}
		cp, etag = read()
		if cp.Translations["uk"].Description != "Соціальні служби" {
			t.Fatalf("translations lost: %+v", cp.Translations)
		}

		// Public reads resolve the description.
		for _, tt := range []struct{ query, description, mark string }{
			{"", "Accueil social de proximité.", ""},
			{"?lang=uk", "Соціальні служби", ""},
			{"?lang=uk-UA", "Соціальні служби", ""},
			{"?lang=en", "Accueil social de proximité.", "fr"},
			{"?lang=fr-x-falc", "Accueil social de proximité.", "fr"},
		} {
			rec := e.do(t, http.MethodGet, "/api/v1/public/contact-points/"+e.cp+tt.query, "", "")
			var pc httpapi.ContactPoint
			mustJSON(t, rec.Body.Bytes(), &pc)
			if rec.Code != http.StatusOK || pc.Description != tt.description || pc.TextLang != tt.mark || strings.Contains(rec.Body.String(), "translations") {
				t.Errorf("public contact point%s = %d %s", tt.query, rec.Code, rec.Body)
			}
		}
		rec = e.do(t, http.MethodGet, "/api/v1/public/contact-points?pivot=mds&commune=83137&lang=uk", "", "")
		var list httpapi.ContactPointList
		mustJSON(t, rec.Body.Bytes(), &list)
		i := slices.IndexFunc(list.ContactPoints, func(c httpapi.ContactPoint) bool { return c.ID == e.cp })
		if rec.Code != http.StatusOK || i < 0 || list.ContactPoints[i].Description != "Соціальні служби" || list.ContactPoints[i].TextLang != "" ||
			rec.Header().Get("Content-Language") != "uk" {
			t.Errorf("list in Ukrainian: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodGet, "/api/v1/public/contact-points?lang=!!", "", ""); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"lang"`) {
			t.Errorf("list with a malformed lang = %d %s", rec.Code, rec.Body)
		}

		// {} removes every translation.
		if rec := e.do(t, http.MethodPatch, url, e.token, `{"translations":{}}`, "If-Match", etag); rec.Code != http.StatusOK {
			t.Fatalf("clear: %d %s", rec.Code, rec.Body)
		}
		if cp, _ = read(); len(cp.Translations) != 0 {
			t.Fatalf("not cleared: %+v", cp.Translations)
		}
	})
}

func TestLanguagesEndpoint(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	rec := e.do(t, http.MethodGet, "/api/v1/public/languages", "", "")
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age=86400") {
		t.Fatalf("languages: %d %v", rec.Code, rec.Header())
	}
	var out httpapi.LanguageList
	mustJSON(t, rec.Body.Bytes(), &out)
	var codes []string
	for _, l := range out.Languages {
		codes = append(codes, l.Code+"/"+l.Dir)
		if l.Name == "" {
			t.Errorf("%s has no name", l.Code)
		}
	}
	if want := []string{"fr/ltr", "fr-x-falc/ltr", "en/ltr", "ar/rtl", "uk/ltr", "es/ltr", "pt/ltr", "tr/ltr"}; !slices.Equal(codes, want) {
		t.Fatalf("languages %v, want %v", codes, want)
	}
	if rec := e.do(t, http.MethodGet, "/api/v1/public/languages", "", "", "If-None-Match", rec.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Fatalf("conditional GET = %d", rec.Code)
	}
}
