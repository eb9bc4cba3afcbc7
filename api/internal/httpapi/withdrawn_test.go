package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// A contact point withdrawn by its source (the annuaire no longer lists it)
// is gone for residents: 410 on a direct read, absent from lists.
func TestWithdrawnContactPointIsGone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fixture(t, s)
		id := domain.StableID("annuaire:caf-83126-01")
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		storetest.MustExec(t, s, "UPDATE contact_points SET withdrawn_at = $1 WHERE id = $2", at, id)
		e := newEnv(t, s, false)
		for _, tt := range []struct {
			url        string
			wantStatus int
			want, not  string
		}{
			{"/api/v1/public/contact-points/" + id, http.StatusGone, "urn:aiguillage:problem:gone", "Caf du Var - La Seyne"},
			{"/api/v1/public/contact-points/" + domain.StableID("annuaire:caf-83050-01"), http.StatusOK, "Draguignan", ""},
			{"/api/v1/public/contact-points?pivot=caf&commune=83137", http.StatusOK, "Draguignan", id},
		} {
			req := httptest.NewRequest(http.MethodGet, tt.url, nil)
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != tt.wantStatus || !strings.Contains(body, tt.want) || (tt.not != "" && strings.Contains(body, tt.not)) {
				t.Errorf("%s → %d %s", tt.url, rec.Code, body)
			}
			if tt.wantStatus == http.StatusGone && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: content type %q", tt.url, rec.Header().Get("Content-Type"))
			}
			e.checkAgainstSpec(t, req, rec)
		}
	})
}

// A journey whose outcome names a contact point withdrawn since: listed for
// review, reported by validation at that outcome, and residents get the
// outcome's other contact points only.
func TestJourneyReviewsOfWithdrawnContactPoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-admin").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a"
		gone, kept := e.newContactPoint(t, base), e.newContactPoint(t, base)
		doc := `{"slug": "aides", "title": "Aides", "first_step": "fin", "steps": [{"id": "fin", "kind": "outcome", "text": "Votre interlocuteur",
			"outcome": {"explanation": "Il vous reçoit.", "contact_points": ["` + gone + `", "` + kept + `"]}}]}`
		for _, r := range []struct{ method, url, body string }{
			{http.MethodPost, base + "/journeys", doc},
			{http.MethodPut, base + "/entry-points/social", `{"name":"Social","journey":"aides"}`},
			{http.MethodPost, base + "/journeys/aides/publish", ""},
		} {
			if rec := e.do(t, r.method, r.url, tok, r.body); rec.Code >= 300 {
				t.Fatalf("%s %s: %d %s", r.method, r.url, rec.Code, rec.Body)
			}
		}
		if rec := e.do(t, http.MethodGet, base+"/journey-reviews", tok, ""); rec.Code != http.StatusOK || rec.Body.String() != `{"journeys":[]}`+"\n" {
			t.Fatalf("reviews before withdrawal: %d %s", rec.Code, rec.Body)
		}
		storetest.MustExec(t, s, "UPDATE contact_points SET withdrawn_at = $1 WHERE id = $2", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), gone)

		rec := e.do(t, http.MethodGet, base+"/journey-reviews", tok, "")
		want := `{"journeys":[{"slug":"aides","title":"Aides","outcomes":[{"step_id":"fin","contact_point_id":"` + gone + `","contact_point_name":"Point","in_draft":true,"in_published":true}]}]}`
		if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != want {
			t.Errorf("reviews: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodPost, base+"/journeys/aides/validate", tok, "")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"field":"steps[fin].outcome.contact_points[0]"`) ||
			!strings.Contains(rec.Body.String(), "retiré par sa source") || !strings.Contains(rec.Body.String(), `"valid":false`) {
			t.Errorf("validation: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/journeys/social", "", "")
		var pj httpapi.PublicJourney
		mustJSON(t, rec.Body.Bytes(), &pj)
		rec = e.do(t, http.MethodGet, "/api/v1/public/outcomes/"+pj.Outcomes["fin"], "", "")
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), gone) || !strings.Contains(rec.Body.String(), kept) {
			t.Errorf("public outcome: %d %s", rec.Code, rec.Body)
		}
	})
}
