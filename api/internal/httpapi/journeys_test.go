package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

const testJourney = `{
  "slug": "aides",
  "title": "Aides sociales",
  "first_step": "besoin",
  "steps": [
    {"id": "besoin", "kind": "question", "text": "De quoi avez-vous besoin ?", "options": [
      {"label": "Un accompagnement social", "next": "ou"},
      {"label": "Je suis en danger", "next": "danger"}]},
    {"id": "ou", "kind": "location", "text": "Dans quelle commune habitez-vous ?", "next": "mds"},
    {"id": "mds", "kind": "outcome", "text": "Votre maison des solidarités", "outcome": {"explanation": "Un travailleur social vous reçoit.", "pivots": ["mds"]}},
    {"id": "danger", "kind": "outcome", "text": "Appelez les secours", "outcome": {"explanation": "Appelez le 17.", "emergency": true}}
  ]
}`

func TestJourneyLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-admin").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a"

		// Import, then the entry point "social" starts on it.
		rec := e.do(t, http.MethodPost, base+"/journeys", tok, testJourney)
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPut, base+"/entry-points/social", tok, `{"name":"Social","journey":"aides"}`); rec.Code != http.StatusOK {
			t.Fatalf("entry point: %d %s", rec.Code, rec.Body)
		}
		public := "/api/v1/public/organisations/partenaire-a/journeys/social"
		if rec := e.do(t, http.MethodGet, public, "", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("unpublished journey served: %d", rec.Code)
		}
		// A dead end cannot be published; the error names the step.
		deadEnd := strings.Replace(testJourney, `"next": "mds"}`, `"next": "nulle-part"}`, 1)
		if rec := e.do(t, http.MethodPut, base+"/journeys/aides", tok, deadEnd, "If-Match", `"1"`); rec.Code != http.StatusOK {
			t.Fatalf("save draft: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodPost, base+"/journeys/aides/publish", tok, "")
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"steps[ou]`) {
			t.Fatalf("publish dead end: %d %s", rec.Code, rec.Body)
		}
		// Back to the good draft; the territory now holds a commune no MDS serves.
		if rec := e.do(t, http.MethodPut, base+"/journeys/aides", tok, testJourney, "If-Match", `"2"`); rec.Code != http.StatusOK {
			t.Fatalf("save draft: %d %s", rec.Code, rec.Body)
		}
		ctx := context.Background()
		org, _ := s.FindOrganisationBySlug(ctx, "partenaire-a")
		org.Territory = []string{"83137", "62041"}
		if err := s.UpsertOrganisation(ctx, org); err != nil {
			t.Fatal(err)
		}
		rec = e.do(t, http.MethodPost, base+"/journeys/aides/publish", tok, "")
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"communes":["62041"]`) || !strings.Contains(rec.Body.String(), `steps[mds]`) {
			t.Fatalf("publish unresolvable: %d %s", rec.Code, rec.Body)
		}
		org, _ = s.FindOrganisationBySlug(ctx, "partenaire-a")
		org.Territory = []string{"83137"}
		if err := s.UpsertOrganisation(ctx, org); err != nil {
			t.Fatal(err)
		}

		// Version 1.
		if rec := e.do(t, http.MethodPost, base+"/journeys/aides/publish", tok, `{"note":"première"}`); rec.Code != http.StatusCreated {
			t.Fatalf("publish: %d %s", rec.Code, rec.Body)
		}
		get := func() (httpapi.PublicJourney, string) {
			rec := e.do(t, http.MethodGet, public, "", "")
			if rec.Code != http.StatusOK {
				t.Fatalf("public journey: %d %s", rec.Code, rec.Body)
			}
			var pj httpapi.PublicJourney
			mustJSON(t, rec.Body.Bytes(), &pj)
			return pj, rec.Header().Get("ETag")
		}
		v1, etag1 := get()
		if v1.Version != 1 || v1.Journey.Title != "Aides sociales" || v1.Outcomes["mds"] == "" {
			t.Fatalf("v1: %+v", v1)
		}
		if rec := e.do(t, http.MethodGet, public, "", "", "If-None-Match", etag1); rec.Code != http.StatusNotModified {
			t.Fatalf("conditional GET = %d", rec.Code)
		}
		// The outcome resolves for Toulon with the reason.
		rec = e.do(t, http.MethodGet, "/api/v1/public/outcomes/"+v1.Outcomes["mds"]+"?commune=83137", "", "")
		var out httpapi.OutcomeResponse
		mustJSON(t, rec.Body.Bytes(), &out)
		if rec.Code != http.StatusOK || len(out.Contacts) == 0 || out.Contacts[0].Channels[0].Kind != "phone" || !strings.Contains(out.Contacts[0].Reason, "83137") {
			t.Fatalf("outcome: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodGet, "/api/v1/public/outcomes/"+v1.Outcomes["mds"], "", ""); rec.Code != http.StatusBadRequest {
			t.Fatalf("dynamic outcome without commune = %d", rec.Code)
		}

		// Version 2 changes the title; the draft diff shows it before publishing.
		v2doc := strings.Replace(testJourney, "Aides sociales", "Aides et solidarités", 1)
		if rec := e.do(t, http.MethodPut, base+"/journeys/aides", tok, v2doc, "If-Match", `"3"`); rec.Code != http.StatusOK {
			t.Fatalf("save v2 draft: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodGet, base+"/journeys/aides/diff", tok, "")
		if !strings.Contains(rec.Body.String(), `"field":"title"`) || !strings.Contains(rec.Body.String(), "Aides et solidarités") {
			t.Fatalf("diff: %s", rec.Body)
		}
		if v, _ := get(); v.Journey.Title != "Aides sociales" {
			t.Fatal("the draft leaked to the public before publication")
		}
		if rec := e.do(t, http.MethodPost, base+"/journeys/aides/publish", tok, ""); rec.Code != http.StatusCreated {
			t.Fatalf("publish v2: %d %s", rec.Code, rec.Body)
		}
		v2, etag2 := get()
		if v2.Version != 2 || v2.Journey.Title != "Aides et solidarités" || etag2 == etag1 {
			t.Fatalf("v2: %+v %s", v2, etag2)
		}
		// Rollback to 1 publishes version 3 with version 1's content and ETag body.
		if rec := e.do(t, http.MethodPost, base+"/journeys/aides/rollback", tok, `{"version":1}`); rec.Code != http.StatusCreated {
			t.Fatalf("rollback: %d %s", rec.Code, rec.Body)
		}
		v3, _ := get()
		if v3.Version != 3 || v3.Journey.Title != "Aides sociales" {
			t.Fatalf("after rollback: %+v", v3)
		}
		rec = e.do(t, http.MethodGet, base+"/journeys/aides/versions", tok, "")
		var vl httpapi.VersionList
		mustJSON(t, rec.Body.Bytes(), &vl)
		if vl.PublishedVersion != 3 || len(vl.Versions) != 3 || vl.Versions[0].Author != "a-admin@exemple.fr" || !strings.Contains(vl.Versions[0].Note, "1") {
			t.Fatalf("history: %+v", vl)
		}
		if rec := e.do(t, http.MethodPost, base+"/journeys/aides/rollback", tok, `{"version":9}`); rec.Code != http.StatusBadRequest {
			t.Fatalf("rollback to unknown version = %d", rec.Code)
		}
		// Publish again: v4 is the draft (v2's content).
		if rec := e.do(t, http.MethodPost, base+"/journeys/aides/publish", tok, ""); rec.Code != http.StatusCreated {
			t.Fatalf("publish again: %d", rec.Code)
		}
		v4, etag4 := get()
		if v4.Version != 4 || v4.Journey.Title != "Aides et solidarités" || etag4 == etag2 {
			t.Fatalf("v4: %+v (etag %s vs %s)", v4, etag4, etag2)
		}

		// Export, then another organisation imports it; B cannot read A's.
		rec = e.do(t, http.MethodGet, base+"/journeys/aides/export", tok, "")
		var exported map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &exported); err != nil || exported["slug"] != "aides" {
			t.Fatalf("export: %s", rec.Body)
		}
		btok := e.login(t, "b-admin").AccessToken
		if rec := e.do(t, http.MethodGet, base+"/journeys/aides", btok, ""); rec.Code != http.StatusNotFound {
			t.Fatalf("B reads A's journey: %d", rec.Code)
		}
		if rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-b/journeys", btok, rec.Body.String()); rec.Code != http.StatusCreated {
			t.Fatalf("import into B: %d %s", rec.Code, rec.Body)
		}
		// Bad documents are field errors and change nothing.
		for _, bad := range []string{`{"slug":"x","unknown":1}`, `not json`, `{"slug":"Bad Slug","title":"x","first_step":"a","steps":[]}`} {
			if rec := e.do(t, http.MethodPost, base+"/journeys", tok, bad); rec.Code != http.StatusBadRequest {
				t.Errorf("import %q = %d", bad, rec.Code)
			}
		}
		// Steps edited one by one.
		rec = e.do(t, http.MethodPut, base+"/journeys/aides/steps/danger", tok,
			`{"id":"danger","kind":"outcome","text":"Appelez les secours","outcome":{"explanation":"Appelez le 17 ou le 112.","emergency":true}}`, "If-Match", `"4"`)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "112") {
			t.Fatalf("put step: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPut, base+"/journeys/aides/steps/danger", tok, `{"id":"danger","kind":"outcome"}`, "If-Match", `"4"`); rec.Code != http.StatusConflict {
			t.Fatalf("stale step edit = %d", rec.Code)
		}
		_ = domain.RoleAdmin
	})
}

// Journey endpoints keep tenants apart like the others: A's référents get 404
// on B's journeys and change nothing.
func TestJourneyTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		btok := e.login(t, "b-admin").AccessToken
		B := "/api/v1/admin/organisations/partenaire-b"
		if rec := e.do(t, http.MethodPost, B+"/journeys", btok, testJourney); rec.Code != http.StatusCreated {
			t.Fatalf("create in B: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPost, B+"/journeys/aides/publish", btok, ""); rec.Code != http.StatusCreated {
			t.Fatalf("publish in B: %d %s", rec.Code, rec.Body)
		}
		snapshot := func() string {
			rec := e.do(t, http.MethodGet, B+"/journeys/aides/versions", btok, "")
			d := e.do(t, http.MethodGet, B+"/journeys/aides", btok, "")
			o := e.do(t, http.MethodGet, B, btok, "")
			return rec.Body.String() + d.Body.String() + o.Body.String()
		}
		before := snapshot()
		step := `{"id":"danger","kind":"outcome","text":"x","outcome":{"explanation":"x","emergency":true}}`
		calls := []struct{ method, path, body string }{
			{http.MethodGet, "/journeys", ""},
			{http.MethodPost, "/journeys", strings.Replace(testJourney, `"aides"`, `"intrus"`, 1)},
			{http.MethodGet, "/journeys/aides", ""},
			{http.MethodPut, "/journeys/aides", testJourney},
			{http.MethodDelete, "/journeys/aides", ""},
			{http.MethodGet, "/journeys/aides/export", ""},
			{http.MethodPut, "/journeys/aides/steps/danger", step},
			{http.MethodDelete, "/journeys/aides/steps/danger", ""},
			{http.MethodPost, "/journeys/aides/validate", ""},
			{http.MethodPost, "/journeys/aides/publish", ""},
			{http.MethodGet, "/journeys/aides/versions", ""},
			{http.MethodPost, "/journeys/aides/rollback", `{"version":1}`},
			{http.MethodGet, "/journeys/aides/diff", ""},
			{http.MethodGet, "/journeys/aides/preview", ""},
			{http.MethodPost, "/journeys/aides/preview-token", ""},
			{http.MethodPut, "/entry-points/social", `{"name":"x","journey":"aides"}`},
			{http.MethodDelete, "/entry-points/social", ""},
		}
		for _, caller := range []string{"a-admin", "a-editor", "a-viewer"} {
			tok := e.login(t, caller).AccessToken
			for _, c := range calls {
				rec := e.do(t, c.method, B+c.path, tok, c.body, "If-Match", `"1"`)
				if rec.Code != http.StatusNotFound {
					t.Errorf("%s %s as %s = %d, want 404", c.method, c.path, caller, rec.Code)
				}
			}
		}
		for _, c := range calls {
			if rec := e.do(t, c.method, B+c.path, "", c.body); rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s without token = %d, want 401", c.method, c.path, rec.Code)
			}
		}
		if after := snapshot(); after != before {
			t.Fatalf("B's journey changed under attack")
		}
	})
}

// A partner adjusts a national contact point locally (its own hours) without
// copying it; its residents see the adjusted version, others the national one.
func TestLocalOverride(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	ctx := context.Background()
	commons := &domain.Organisation{Slug: domain.CommonsSlug, Name: "Communs nationaux", Kind: domain.KindCommons}
	if err := s.UpsertOrganisation(ctx, commons); err != nil {
		t.Fatal(err)
	}
	national := &domain.ContactPoint{ID: domain.StableID("helpline:3230"), OrganisationID: commons.ID, Name: "Caf (3230)",
		Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "3230"}}, Source: domain.Source{Kind: domain.SourceHelplines, ID: "3230"},
		Coverage: domain.Coverage{Rule: domain.CoverageExplicit, National: true}}
	if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{national}); err != nil {
		t.Fatal(err)
	}
	tok := e.login(t, "a-admin").AccessToken
	base := "/api/v1/admin/organisations/partenaire-a"
	rec := e.do(t, http.MethodPost, base+"/contact-points", tok, `{"name":"Caf — accueil local","overrides":"`+national.ID+`",
		"opening_hours":{"weekly":[{"day":3,"opens":"09:00","closes":"12:00"}],"note":"Permanence le mercredi à la mairie"}}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("override: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodPost, base+"/contact-points", tok, `{"name":"x","overrides":"`+domain.NewID()+`"}`); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `"field":"overrides"`) {
		t.Fatalf("override of unknown contact point: %d %s", rec.Code, rec.Body)
	}
	doc := `{"slug":"caf","title":"Caf","first_step":"fin","steps":[{"id":"fin","kind":"outcome","text":"Appelez la Caf",
		"outcome":{"explanation":"La Caf répond à vos questions.","contact_points":["` + national.ID + `"]}}]}`
	for _, org := range []string{"partenaire-a", "partenaire-b"} {
		adm := map[string]string{"partenaire-a": "a-admin", "partenaire-b": "b-admin"}[org]
		tk := e.login(t, adm).AccessToken
		b := "/api/v1/admin/organisations/" + org
		if rec := e.do(t, http.MethodPost, b+"/journeys", tk, doc); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPost, b+"/journeys/caf/publish", tk, ""); rec.Code != http.StatusCreated {
			t.Fatalf("publish: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPut, b+"/entry-points/caf", tk, `{"name":"Caf","journey":"caf"}`); rec.Code != http.StatusOK {
			t.Fatalf("entry point: %d %s", rec.Code, rec.Body)
		}
		var pj httpapi.PublicJourney
		mustJSON(t, e.do(t, http.MethodGet, "/api/v1/public/organisations/"+org+"/journeys/caf", "", "").Body.Bytes(), &pj)
		var out httpapi.OutcomeResponse
		mustJSON(t, e.do(t, http.MethodGet, "/api/v1/public/outcomes/"+pj.Outcomes["fin"], "", "").Body.Bytes(), &out)
		if len(out.Contacts) != 1 || out.Contacts[0].Name != "Caf (3230)" {
			t.Fatalf("%s: %+v", org, out.Contacts)
		}
		local := strings.Contains(out.Contacts[0].Hours.Note, "mercredi")
		if local != (org == "partenaire-a") {
			t.Errorf("%s sees local hours = %v", org, local)
		}
	}
}

// Two référents editing the organisation's entry points: a write carrying
// the organisation version it was made on (If-Match) is refused once
// another write moved it, and saves nothing.
func TestEntryPointIfMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-admin").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a"
		if rec := e.do(t, http.MethodPost, base+"/journeys", tok, testJourney); rec.Code != http.StatusCreated {
			t.Fatalf("create journey: %d %s", rec.Code, rec.Body)
		}
		rec := e.do(t, http.MethodGet, base, tok, "")
		v0 := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || v0 == "" {
			t.Fatalf("organisation: %d, ETag %q", rec.Code, v0)
		}
		// The first write, on the version read, passes and answers the new version.
		rec = e.do(t, http.MethodPut, base+"/entry-points/social", tok, `{"name":"Social","journey":"aides"}`, "If-Match", v0)
		v1 := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || v1 == "" || v1 == v0 {
			t.Fatalf("first write: %d, ETag %q after %q: %s", rec.Code, v1, v0, rec.Body)
		}
		cases := []struct {
			name, method, path, body, ifMatch string
			want                              int
		}{
			{"stale edit", http.MethodPut, "/entry-points/social", `{"name":"Écrasé","journey":"aides"}`, v0, http.StatusConflict},
			{"stale creation", http.MethodPut, "/entry-points/autre", `{"name":"Autre","journey":"aides"}`, v0, http.StatusConflict},
			{"stale deletion", http.MethodDelete, "/entry-points/social", "", v0, http.StatusConflict},
			{"malformed", http.MethodPut, "/entry-points/social", `{"name":"Écrasé","journey":"aides"}`, `"trois"`, http.StatusBadRequest},
		}
		for _, c := range cases {
			rec := e.do(t, c.method, base+c.path, tok, c.body, "If-Match", c.ifMatch)
			if rec.Code != c.want || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
				t.Errorf("%s: %d %s, want %d problem+json", c.name, rec.Code, rec.Body, c.want)
			}
		}
		// Nothing of the refused writes was saved.
		rec = e.do(t, http.MethodGet, base, tok, "")
		if rec.Header().Get("ETag") != v1 || strings.Contains(rec.Body.String(), "Écrasé") || strings.Contains(rec.Body.String(), `"autre"`) || !strings.Contains(rec.Body.String(), `"Social"`) {
			t.Fatalf("refused writes changed the organisation: ETag %q, %s", rec.Header().Get("ETag"), rec.Body)
		}
		// On the current version, and without If-Match (older clients), writes pass.
		if rec := e.do(t, http.MethodDelete, base+"/entry-points/social", tok, "", "If-Match", v1); rec.Code != http.StatusNoContent {
			t.Fatalf("delete on the current version: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPut, base+"/entry-points/social", tok, `{"name":"Social","journey":"aides"}`); rec.Code != http.StatusOK {
			t.Fatalf("write without If-Match: %d %s", rec.Code, rec.Body)
		}
	})
}
