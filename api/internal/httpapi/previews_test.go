package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// previewToken asks for a preview token of A's journey "aides" as user.
func (e *adminEnv) previewToken(t *testing.T, user string) httpapi.PreviewToken {
	t.Helper()
	rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/journeys/aides/preview-token", e.login(t, user).AccessToken, "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("preview token as %s: %d %s", user, rec.Code, rec.Body)
	}
	var pt httpapi.PreviewToken
	mustJSON(t, rec.Body.Bytes(), &pt)
	return pt
}

// getPreview reads the draft a preview token opens, checking that the answer
// is never cacheable.
func (e *adminEnv) getPreview(t *testing.T, token string) httpapi.PublicJourney {
	t.Helper()
	rec := e.do(t, http.MethodGet, "/api/v1/public/previews/"+token, "", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: %d %s", rec.Code, rec.Body)
	}
	if cc, etag := rec.Header().Get("Cache-Control"), rec.Header().Get("ETag"); cc != "no-store" || etag != "" {
		t.Errorf("preview cacheable: Cache-Control %q, ETag %q", cc, etag)
	}
	var pj httpapi.PublicJourney
	mustJSON(t, rec.Body.Bytes(), &pj)
	return pj
}

// The back office previews a journey's draft in the widget: any member who
// can read the journey gets a token; the token serves the current draft and
// resolves its outcomes like published ones; nothing is cached.
func TestPreviewDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		base := "/api/v1/admin/organisations/partenaire-a"
		if rec := e.do(t, http.MethodPost, base+"/journeys", e.login(t, "a-editor").AccessToken, testJourney); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		// A viewer may preview; the token lives 30 minutes.
		pt := e.previewToken(t, "a-viewer")
		if want := e.clock.Now().Add(30 * time.Minute).UTC().Format(time.RFC3339); pt.ExpiresAt != want || pt.Token == "" {
			t.Fatalf("token: %+v, want expiry %s", pt, want)
		}
		pj := e.getPreview(t, pt.Token)
		if pj.Organisation != "partenaire-a" || pj.Journey.Title != "Aides sociales" || pj.Outcomes["mds"] == "" || pj.Outcomes["danger"] == "" {
			t.Fatalf("preview: %+v", pj)
		}
		// The draft is not published: the public outcome endpoint does not know its outcomes.
		if rec := e.do(t, http.MethodGet, "/api/v1/public/outcomes/"+pj.Outcomes["mds"]+"?commune=83137", "", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("draft outcome served publicly: %d", rec.Code)
		}

		// A draft saved after the token was issued is what the same token serves.
		ctx := context.Background()
		permanence := &domain.ContactPoint{ID: domain.NewID(), OrganisationID: e.orgA.ID, Name: "Permanence logement du brouillon",
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "04 94 11 22 33"}},
			Coverage: domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}, Source: domain.Source{Kind: domain.SourceManual}}
		if err := s.CreateContactPoint(ctx, permanence, &domain.AuditEntry{OrganisationID: e.orgA.ID, Action: "create", EntityType: "contact_point", EntityID: permanence.ID}); err != nil {
			t.Fatal(err)
		}
		draft2 := strings.NewReplacer(
			"De quoi avez-vous besoin ?", "Quel est votre besoin aujourd'hui ?",
			`"pivots": ["mds"]`, `"pivots": ["mds"], "contact_points": ["`+permanence.ID+`"]`,
		).Replace(testJourney)
		if rec := e.do(t, http.MethodPut, base+"/journeys/aides", e.login(t, "a-editor").AccessToken, draft2, "If-Match", `"1"`); rec.Code != http.StatusOK {
			t.Fatalf("save draft: %d %s", rec.Code, rec.Body)
		}
		pj = e.getPreview(t, pt.Token)
		if first, _ := stepText(pj, "besoin"); first != "Quel est votre besoin aujourd'hui ?" {
			t.Fatalf("the preview serves an old draft: %q", first)
		}

		// Outcomes resolve for a commune from the draft: its fixed contact
		// point, then the partner's office of the kind serving the commune.
		outcome := "/api/v1/public/previews/" + pt.Token + "/outcomes/" + pj.Outcomes["mds"]
		rec := e.do(t, http.MethodGet, outcome+"?commune=83137", "", "")
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("ETag") != "" {
			t.Fatalf("preview outcome: %d %v %s", rec.Code, rec.Header(), rec.Body)
		}
		var out httpapi.OutcomeResponse
		mustJSON(t, rec.Body.Bytes(), &out)
		if out.Step != "mds" || out.Journey != "aides" || out.Commune == nil || out.Commune.Code != "83137" || len(out.Contacts) != 2 {
			t.Fatalf("preview outcome: %s", rec.Body)
		}
		if c := out.Contacts[0]; c.ID != permanence.ID || c.Channels[0].Value != "04 94 11 22 33" || !strings.Contains(c.Reason, "partenaire-a") {
			t.Errorf("fixed contact point: %+v", c)
		}
		if c := out.Contacts[1]; c.ID != e.cpA || !strings.Contains(c.Reason, "sert la commune 83137") || !strings.Contains(c.Reason, "proposé par partenaire-a") {
			t.Errorf("pivot resolved: %+v", c)
		}
		// Same rules as published outcomes: a dynamic outcome needs the commune.
		if rec := e.do(t, http.MethodGet, outcome, "", ""); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"commune"`) {
			t.Errorf("dynamic outcome without commune: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodGet, outcome+"?commune=99999", "", ""); rec.Code != http.StatusBadRequest {
			t.Errorf("unknown commune: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodGet, "/api/v1/public/previews/"+pt.Token+"/outcomes/"+pj.Outcomes["danger"], "", "")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"emergency":true`) {
			t.Errorf("emergency outcome: %d %s", rec.Code, rec.Body)
		}
		for _, id := range []string{domain.NewID(), "pas-un-id"} {
			if rec := e.do(t, http.MethodGet, "/api/v1/public/previews/"+pt.Token+"/outcomes/"+id+"?commune=83137", "", ""); rec.Code != http.StatusNotFound {
				t.Errorf("unknown outcome %s: %d", id, rec.Code)
			}
		}

		// Like the other public reads: any origin.
		rec = e.do(t, http.MethodGet, "/api/v1/public/previews/"+pt.Token, "", "", "Origin", "https://partenaire.exemple.fr")
		if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("CORS: %v", rec.Header())
		}

		// A journey deleted since the token was issued: 404.
		if rec := e.do(t, http.MethodDelete, base+"/journeys/aides", e.login(t, "a-admin").AccessToken, ""); rec.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", rec.Code, rec.Body)
		}
		for _, u := range []string{"/api/v1/public/previews/" + pt.Token, outcome + "?commune=83137"} {
			if rec := e.do(t, http.MethodGet, u, "", ""); rec.Code != http.StatusNotFound || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s after deletion: %d", u, rec.Code)
			}
		}
	})
}

func stepText(pj httpapi.PublicJourney, id string) (string, bool) {
	for _, st := range pj.Journey.Steps {
		if st.ID == id {
			return st.Text, true
		}
	}
	return "", false
}

// Preview tokens are asked for like the journey itself (another
// organisation's members get 404), and are nothing else: an expired,
// tampered or access token is refused, and a preview token opens no admin
// endpoint.
func TestPreviewTokenRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		base := "/api/v1/admin/organisations/partenaire-a"
		if rec := e.do(t, http.MethodPost, base+"/journeys", e.login(t, "a-admin").AccessToken, testJourney); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		issue := base + "/journeys/aides/preview-token"
		if rec := e.do(t, http.MethodPost, issue, "", ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("without a session: %d", rec.Code)
		}
		for _, u := range []string{"b-admin", "b-viewer"} {
			if rec := e.do(t, http.MethodPost, issue, e.login(t, u).AccessToken, ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s on A's journey: %d, want 404", u, rec.Code)
			}
		}
		if rec := e.do(t, http.MethodPost, base+"/journeys/inconnu/preview-token", e.login(t, "a-viewer").AccessToken, ""); rec.Code != http.StatusNotFound {
			t.Errorf("unknown journey: %d", rec.Code)
		}

		pt := e.previewToken(t, "a-editor")
		access := e.login(t, "a-admin").AccessToken
		refused := func(what, token, wantDetail string) {
			t.Helper()
			for _, u := range []string{"/api/v1/public/previews/" + token, "/api/v1/public/previews/" + token + "/outcomes/" + domain.NewID() + "?commune=83137"} {
				rec := e.do(t, http.MethodGet, u, "", "")
				if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != "application/problem+json" ||
					rec.Header().Get("Cache-Control") != "no-store" || !strings.Contains(rec.Body.String(), `"title":"Authentification requise"`) ||
					!strings.Contains(rec.Body.String(), wantDetail) {
					t.Errorf("%s: %d %v %s", what, rec.Code, rec.Header(), rec.Body)
				}
			}
		}
		sig := pt.Token[strings.LastIndexByte(pt.Token, '.')+1:]
		flipped := pt.Token[:len(pt.Token)-len(sig)] + string(sig[0]^1) + sig[1:]
		refused("tampered signature", flipped, "invalide")
		parts := strings.Split(pt.Token, ".")
		refused("payload of an access token", parts[0]+"."+strings.Split(access, ".")[1]+"."+parts[2], "invalide")
		refused("access token", access, "invalide")
		refused("garbage", "pas-un-jeton", "invalide")

		// A preview token opens no admin endpoint.
		for _, u := range []string{"/api/v1/admin/me", base + "/journeys/aides", base + "/journeys/aides/preview"} {
			if rec := e.do(t, http.MethodGet, u, pt.Token, ""); rec.Code != http.StatusUnauthorized {
				t.Errorf("preview token as bearer on %s: %d", u, rec.Code)
			}
		}
		if rec := e.do(t, http.MethodPost, issue, pt.Token, ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("preview token as bearer to get another: %d", rec.Code)
		}

		// Still valid at 29 minutes, expired after 30 (and the clock skew allowed).
		e.clock.Add(29 * time.Minute)
		e.getPreview(t, pt.Token)
		e.clock.Add(2 * time.Minute)
		refused("expired token", pt.Token, "expiré")
	})
}

// Preview reads count against the public read limit of the address.
func TestPreviewRateLimited(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s, func(d *httpapi.Deps) {
		l := httpapi.DefaultPublicRateLimits()
		l.Read = httpapi.RateLimit{Rate: 0.001, Burst: 2}
		d.PublicRateLimits = &l
	})
	if rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/journeys", e.login(t, "a-admin").AccessToken, testJourney); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	pt := e.previewToken(t, "a-viewer")
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		if rec := e.do(t, http.MethodGet, "/api/v1/public/previews/"+pt.Token, "", ""); rec.Code != want {
			t.Fatalf("read %d: %d, want %d", i+1, rec.Code, want)
		}
	}
}
