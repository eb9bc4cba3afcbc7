package httpapi_test

import (
	"context"
	"encoding/json"
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

// Numbers reserved to agents in the visibility tests (the ARCEP range for
// fiction): none may ever be in a public answer's bytes.
const (
	lineOrgAgents    = "04 65 71 83 01" // a channel of a public contact point of A, for A's agents
	lineAllAgents    = "04 65 71 83 02" // a channel of the same contact point, for every agent
	pointOrgAgents   = "04 65 71 83 03" // a contact point of A reserved to A's agents
	pointAllAgents   = "04 65 71 83 04" // a contact point of A reserved to all agents
	commonsLineAgent = "04 65 71 83 05" // an agents' channel of a public contact point of the commons
	commonsAgents    = "04 65 71 83 06" // a contact point of the commons reserved to agents
	publicLine       = "04 94 00 00 01" // the public channel of the public contact point of A
)

var agentNumbers = []string{lineOrgAgents, lineAllAgents, pointOrgAgents, pointAllAgents, commonsLineAgent, commonsAgents}

type visibilityEnv struct {
	*adminEnv
	cpPublic, cpOrgAgents, cpAllAgents string
	outcome                            string
}

// newVisibilityEnv seeds partner A with a public contact point carrying
// direct lines reserved to agents, two contact points reserved to agents,
// the commons with the same, and publishes a journey of A whose outcome
// names the public contact point and resolves the kind mds in Toulon.
func newVisibilityEnv(t *testing.T, s *store.Store) *visibilityEnv {
	t.Helper()
	ctx := context.Background()
	commons := &domain.Organisation{Slug: domain.CommonsSlug, Name: "Communs nationaux", Kind: domain.KindCommons}
	if err := s.UpsertOrganisation(ctx, commons); err != nil {
		t.Fatal(err)
	}
	e := &visibilityEnv{adminEnv: newAdminEnv(t, s, withOpenData(s))}
	phone := func(value string, vis domain.Visibility) domain.Channel {
		return domain.Channel{Kind: domain.ChannelPhone, Value: value, Label: "Ligne directe partenaires", Visibility: vis}
	}
	toulon := domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}
	mk := func(org *domain.Organisation, name, pivot string, vis domain.Visibility, chs ...domain.Channel) string {
		c := &domain.ContactPoint{ID: domain.NewID(), OrganisationID: org.ID, Name: name, Pivot: pivot, Visibility: vis,
			Channels: chs, Coverage: toulon, Source: domain.Source{Kind: domain.SourceManual}}
		if err := s.CreateContactPoint(ctx, c, &domain.AuditEntry{OrganisationID: org.ID, Action: "create", EntityType: "contact_point", EntityID: c.ID}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	e.cpPublic = mk(e.orgA, "Accueil des solidarités", "", domain.VisibilityPublic,
		phone(publicLine, domain.VisibilityPublic), phone(lineOrgAgents, domain.VisibilityOrganisationAgents), phone(lineAllAgents, domain.VisibilityAllAgents))
	e.cpOrgAgents = mk(e.orgA, "Cellule des agents de A", "mds", domain.VisibilityOrganisationAgents, phone(pointOrgAgents, ""))
	e.cpAllAgents = mk(e.orgA, "Cellule de tous les agents", "mds", domain.VisibilityAllAgents, phone(pointAllAgents, ""))
	mk(commons, "Service national", "", domain.VisibilityPublic, phone("3230", ""), phone(commonsLineAgent, domain.VisibilityAllAgents))
	mk(commons, "Service national des agents", "", domain.VisibilityAllAgents, phone(commonsAgents, ""))

	tok := e.login(t, "a-admin").AccessToken
	base := "/api/v1/admin/organisations/partenaire-a"
	doc := strings.Replace(testJourney, `"pivots": ["mds"]`, `"contact_points": ["`+e.cpPublic+`"], "pivots": ["mds"]`, 1)
	if rec := e.do(t, http.MethodPost, base+"/journeys", tok, doc); rec.Code != http.StatusCreated {
		t.Fatalf("create journey: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodPut, base+"/entry-points/social", tok, `{"name":"Social","journey":"aides"}`); rec.Code != http.StatusOK {
		t.Fatalf("entry point: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodPost, base+"/journeys/aides/publish", tok, ""); rec.Code != http.StatusCreated {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/journeys/social", "", "")
	var pj httpapi.PublicJourney
	mustJSON(t, rec.Body.Bytes(), &pj)
	if e.outcome = pj.Outcomes["mds"]; e.outcome == "" {
		t.Fatalf("no outcome id: %s", rec.Body)
	}
	return e
}

// noAgentNumber fails when a public answer holds a number reserved to
// agents, or marks anything with a visibility.
func noAgentNumber(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.String()
	for _, n := range agentNumbers {
		if strings.Contains(body, n) {
			t.Errorf("%s: the public answer holds %s, reserved to agents:\n%s", what, n, body)
		}
	}
	if strings.Contains(body, `"visibility"`) {
		t.Errorf("%s: a public answer shows visibilities: %s", what, body)
	}
}

// TestAgentOnlyContactsNeverPublic: the public outcome, from the handler
// and from the response cache, before and after agents asked, never holds
// a line reserved to agents; the agent's answer does, privately.
func TestAgentOnlyContactsNeverPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newVisibilityEnv(t, s)
		url := "/api/v1/public/outcomes/" + e.outcome + "?commune=83137"
		aViewer, bAdmin, platform := e.login(t, "a-viewer").AccessToken, e.login(t, "b-admin").AccessToken, e.login(t, "platform").AccessToken

		public := e.do(t, http.MethodGet, url, "", "")
		if public.Code != http.StatusOK || !strings.Contains(public.Body.String(), publicLine) || !strings.Contains(public.Body.String(), "MDS de partenaire-a") {
			t.Fatalf("public outcome: %d %s", public.Code, public.Body)
		}
		noAgentNumber(t, "public outcome", public)
		etag := public.Header().Get("ETag")
		if etag == "" || !strings.HasPrefix(public.Header().Get("Cache-Control"), "public") {
			t.Fatalf("public outcome headers: %v", public.Header())
		}

		// A member of A in agent mode: everything of A, and what is for all agents.
		agent := e.do(t, http.MethodGet, url+"&mode=agent", aViewer, "")
		if agent.Code != http.StatusOK {
			t.Fatalf("agent outcome: %d %s", agent.Code, agent.Body)
		}
		for _, n := range []string{publicLine, lineOrgAgents, lineAllAgents, pointOrgAgents, pointAllAgents} {
			if !strings.Contains(agent.Body.String(), n) {
				t.Errorf("the agent of A does not see %s: %s", n, agent.Body)
			}
		}
		h := agent.Header()
		if h.Get("Cache-Control") != "private, no-store" || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Authorization") || h.Get("ETag") != "" {
			t.Errorf("agent answer headers: %v", h)
		}
		var out httpapi.OutcomeResponse
		mustJSON(t, agent.Body.Bytes(), &out)
		marks := map[string]string{}
		for _, cp := range out.Contacts {
			marks[cp.ID] = cp.Visibility
			for _, ch := range cp.Channels {
				marks[ch.Value] = ch.Visibility
			}
		}
		for key, want := range map[string]string{e.cpPublic: "public", e.cpOrgAgents: "organisation_agents", e.cpAllAgents: "all_agents",
			publicLine: "public", lineOrgAgents: "organisation_agents", lineAllAgents: "all_agents"} {
			if marks[key] != want {
				t.Errorf("agent answer: %s marked %q, want %q", key, marks[key], want)
			}
		}

		// A member of B: only what is for all agents.
		other := e.do(t, http.MethodGet, url+"&mode=agent", bAdmin, "")
		body := other.Body.String()
		if other.Code != http.StatusOK || !strings.Contains(body, lineAllAgents) || !strings.Contains(body, pointAllAgents) ||
			strings.Contains(body, lineOrgAgents) || strings.Contains(body, pointOrgAgents) {
			t.Errorf("agent of B: %d %s", other.Code, body)
		}
		// The platform admins see every organisation's.
		if rec := e.do(t, http.MethodGet, url+"&mode=agent", platform, ""); !strings.Contains(rec.Body.String(), lineOrgAgents) || !strings.Contains(rec.Body.String(), pointOrgAgents) {
			t.Errorf("platform admin: %d %s", rec.Code, rec.Body)
		}

		// After the agents: the public answer, from the cache, is the same
		// bytes, the same ETag, and revalidates.
		again := e.do(t, http.MethodGet, url, "", "")
		noAgentNumber(t, "public outcome after agents", again)
		if again.Body.String() != public.Body.String() || again.Header().Get("ETag") != etag {
			t.Errorf("public answer changed after agent requests:\n%s\n%s", public.Body, again.Body)
		}
		if rec := e.do(t, http.MethodGet, url, "", "", "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("revalidation: %d %s", rec.Code, rec.Body)
		}
		// A token without mode=agent: the public answer (from the cache too).
		withToken := e.do(t, http.MethodGet, url, aViewer, "")
		noAgentNumber(t, "public outcome with a token", withToken)
		if withToken.Body.String() != public.Body.String() || withToken.Header().Get("ETag") != etag {
			t.Errorf("a token without mode=agent changed the answer: %s", withToken.Body)
		}
		// The agent's answer was not cached: a later agent request without
		// a token is refused, not served from the cache.
		for name, tok := range map[string]string{"no token": "", "invalid token": "not.a.jwt"} {
			rec := e.do(t, http.MethodGet, url+"&mode=agent", tok, "")
			if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(rec.Body.String(), "Mode agent") && !strings.Contains(rec.Body.String(), "mode agent") {
				t.Errorf("mode=agent with %s: %d %v %s", name, rec.Code, rec.Header(), rec.Body)
			}
			noAgentNumber(t, "refused agent request", rec)
		}
		// An expired token is refused too.
		expired := e.login(t, "a-viewer").AccessToken
		e.clock.Add(16 * time.Minute)
		if rec := e.do(t, http.MethodGet, url+"&mode=agent", expired, ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("mode=agent with an expired token: %d", rec.Code)
		}
	})
}

// TestAgentOnlyContactPointEndpoints: the public contact point reads.
func TestAgentOnlyContactPointEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newVisibilityEnv(t, s)
		aViewer, bAdmin := e.login(t, "a-viewer").AccessToken, e.login(t, "b-admin").AccessToken
		one := "/api/v1/public/contact-points/"
		for _, c := range []struct {
			name, url, token string
			wantStatus       int
			want, notWant    []string
		}{
			{"public, public point", one + e.cpPublic, "", 200, []string{publicLine}, agentNumbers},
			{"public, agents' point", one + e.cpOrgAgents, "", 404, nil, agentNumbers},
			{"public, all agents' point", one + e.cpAllAgents, "", 404, nil, agentNumbers},
			{"token without mode", one + e.cpOrgAgents, aViewer, 404, nil, agentNumbers},
			{"agent of A, public point", one + e.cpPublic + "?mode=agent", aViewer, 200, []string{publicLine, lineOrgAgents, lineAllAgents}, nil},
			{"agent of A, A's agents' point", one + e.cpOrgAgents + "?mode=agent", aViewer, 200, []string{pointOrgAgents, `"visibility":"organisation_agents"`}, nil},
			{"agent of B, public point", one + e.cpPublic + "?mode=agent", bAdmin, 200, []string{publicLine, lineAllAgents}, []string{lineOrgAgents}},
			{"agent of B, A's agents' point", one + e.cpOrgAgents + "?mode=agent", bAdmin, 404, nil, []string{pointOrgAgents}},
			{"agent of B, all agents' point", one + e.cpAllAgents + "?mode=agent", bAdmin, 200, []string{pointAllAgents}, nil},
			{"no token", one + e.cpPublic + "?mode=agent", "", 401, nil, agentNumbers},
			{"list, public", "/api/v1/public/contact-points?pivot=mds&commune=83137", "", 200, []string{"MDS de partenaire-a"}, agentNumbers},
			{"list nationwide, public", "/api/v1/public/contact-points?pivot=mds", "", 200, []string{`"total":2`}, agentNumbers},
			{"list, agent of A", "/api/v1/public/contact-points?pivot=mds&commune=83137&mode=agent", aViewer, 200, []string{pointOrgAgents, pointAllAgents}, nil},
			{"list nationwide, agent of B", "/api/v1/public/contact-points?pivot=mds&mode=agent", bAdmin, 200, []string{pointAllAgents, `"total":3`}, []string{pointOrgAgents}},
		} {
			t.Run(c.name, func(t *testing.T) {
				rec := e.do(t, http.MethodGet, c.url, c.token, "")
				if rec.Code != c.wantStatus {
					t.Fatalf("%s = %d, want %d: %s", c.url, rec.Code, c.wantStatus, rec.Body)
				}
				checkBody(t, rec.Body.String(), c.want, c.notWant)
				if c.token == "" || !strings.Contains(c.url, "mode=agent") {
					if strings.Contains(rec.Body.String(), `"visibility"`) {
						t.Errorf("public answer shows visibilities: %s", rec.Body)
					}
				}
			})
		}
	})
}

// TestAgentOnlyContactsNotInOpenData: the open data dump never holds a
// contact point or a channel reserved to agents; the partner's own JSON
// export does, marked, and its HSDS export does not.
func TestAgentOnlyContactsNotInOpenData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newVisibilityEnv(t, s)
		for _, name := range []string{"contact-points.csv", "contact-points.json", "hsds.json", "data-inclusion.json"} {
			rec := e.raw(t, http.MethodGet, "/opendata/"+name)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Service national") {
				t.Fatalf("%s: %d %.300s", name, rec.Code, rec.Body)
			}
			noAgentNumber(t, name, rec)
			if strings.Contains(rec.Body.String(), "Service national des agents") {
				t.Errorf("%s holds the commons' contact point reserved to agents", name)
			}
		}
		tok := e.login(t, "a-viewer").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a/exports/contact-points?format="
		rec := e.do(t, http.MethodGet, base+"json", tok, "")
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, pointOrgAgents) || !strings.Contains(body, lineOrgAgents) ||
			!strings.Contains(body, `"visibility":"organisation_agents"`) || !strings.Contains(body, `"visibility":"all_agents"`) {
			t.Errorf("partner's JSON export: %d %s", rec.Code, body)
		}
		if rec := e.do(t, http.MethodGet, base+"csv", tok, ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), pointOrgAgents) {
			t.Errorf("partner's CSV export (the import template: all of it): %d %s", rec.Code, rec.Body)
		}
		for _, f := range []string{"hsds", "data-inclusion"} {
			rec := e.do(t, http.MethodGet, base+f, tok, "")
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), publicLine) {
				t.Fatalf("partner's %s export: %d %.300s", f, rec.Code, rec.Body)
			}
			noAgentNumber(t, "partner's "+f+" export", rec)
		}
	})
}

// TestContactPointVisibilityEditing: the back office reads and writes the
// visibilities, and refuses unknown ones in French.
func TestContactPointVisibilityEditing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-editor").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a/contact-points"
		rec := e.do(t, http.MethodPost, base, tok, `{"name":"Accueil","pivot":"mds","channels":[{"kind":"phone","value":"04 94 00 00 01"},
			{"kind":"phone","value":"`+lineOrgAgents+`","label":"Ligne directe partenaires","visibility":"organisation_agents"}]}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		var cp httpapi.AdminContactPoint
		mustJSON(t, rec.Body.Bytes(), &cp)
		if cp.Visibility != "public" || cp.Channels[0].Visibility != "public" || cp.Channels[1].Visibility != "organisation_agents" {
			t.Fatalf("created: %s", rec.Body)
		}
		url := base + "/" + cp.ID
		rec = e.do(t, http.MethodPatch, url, tok, `{"visibility":"all_agents"}`, "If-Match", `"1"`)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"visibility":"all_agents"`) {
			t.Fatalf("patch: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodGet, url, tok, "")
		mustJSON(t, rec.Body.Bytes(), &cp)
		if cp.Visibility != "all_agents" || cp.Channels[1].Visibility != "organisation_agents" || cp.Version != 2 {
			t.Fatalf("get: %s", rec.Body)
		}
		for _, c := range []struct{ name, body, field, message string }{
			{"unknown visibility", `{"visibility":"secret"}`, "visibility", "doit valoir l'un de : public, organisation_agents, all_agents"},
			{"unknown channel visibility", `{"channels":[{"kind":"phone","value":"3230","visibility":"agents"}]}`, "channels[0].visibility", "doit valoir l'un de"},
			{"public point without public line", `{"visibility":"public","channels":[{"kind":"phone","value":"3230","visibility":"all_agents"}]}`, "channels", "au moins un moyen de contact public"},
		} {
			t.Run(c.name, func(t *testing.T) {
				rec := e.do(t, http.MethodPatch, url, tok, c.body, "If-Match", `"2"`)
				if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+c.field+`"`) || !strings.Contains(rec.Body.String(), c.message) {
					t.Errorf("%d %s", rec.Code, rec.Body)
				}
			})
		}
		// The edit is in the audit log.
		rec = e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/audit", e.login(t, "a-admin").AccessToken, "")
		if rec.Code != http.StatusOK || !json.Valid(rec.Body.Bytes()) || !strings.Contains(rec.Body.String(), "visibility") {
			t.Errorf("audit log lacks the visibility change: %s", rec.Body)
		}
	})
}

// TestAgentOnlyContactsNotSearchable: the search index is public: a
// contact point reserved to agents is not found, and a public one's lines
// reserved to agents are not in the results.
func TestAgentOnlyContactsNotSearchable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fixture(t, s)
		ctx := context.Background()
		commons, err := s.FindOrganisationBySlug(ctx, domain.CommonsSlug)
		if err != nil {
			t.Fatal(err)
		}
		national := domain.Coverage{Rule: domain.CoverageExplicit, National: true}
		hidden := &domain.ContactPoint{ID: domain.StableID("test:cellule"), OrganisationID: commons.ID, Name: "Cellule confidentielle des allocations",
			Visibility: domain.VisibilityAllAgents, Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: pointAllAgents}},
			Coverage: national, Source: domain.Source{Kind: domain.SourceManual}}
		line := &domain.ContactPoint{ID: domain.StableID("test:accueil"), OrganisationID: commons.ID, Name: "Accueil confidentiel des familles",
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "3230"}, {Kind: domain.ChannelPhone, Value: lineAllAgents, Visibility: domain.VisibilityAllAgents}},
			Coverage: national, Source: domain.Source{Kind: domain.SourceManual}}
		if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{hidden, line}); err != nil {
			t.Fatal(err)
		}
		e := newSearchEnv(t, s)
		for _, q := range []string{"cellule confidentielle", "accueil confidentiel des familles", "allocations familiales"} {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/public/search?commune=83137&q="+strings.ReplaceAll(q, " ", "+"), nil)
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%q: %d %s", q, rec.Code, rec.Body)
			}
			noAgentNumber(t, "search "+q, rec)
			if strings.Contains(rec.Body.String(), hidden.ID) || strings.Contains(rec.Body.String(), "Cellule confidentielle") {
				t.Errorf("%q finds the contact point reserved to agents: %s", q, rec.Body)
			}
			if q == "accueil confidentiel des familles" && !strings.Contains(rec.Body.String(), line.ID) {
				t.Errorf("%q does not find the public contact point: %s", q, rec.Body)
			}
		}
		// Agent mode needs an agent: this server knows none.
		req := httptest.NewRequest(http.MethodGet, "/api/v1/public/search?q=allocations&mode=agent", nil)
		req.Header.Set("Authorization", "Bearer not.a.jwt")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("agent search without accounts: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestAgentOnlyLinesSurviveReimport: the partner's CSV export imported
// again changes nothing: what was reserved to agents stays so.
func TestAgentOnlyLinesSurviveReimport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newVisibilityEnv(t, s)
		tok := e.login(t, "a-editor").AccessToken
		rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/exports/contact-points?format=csv", tok, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("export: %d %s", rec.Code, rec.Body)
		}
		rec, rep := e.importFile(t, tok, "", rec.Body.String(), "text/csv")
		if rec.Code != http.StatusOK || rep.Updated != 0 || rep.Created != 0 {
			t.Fatalf("import of the export: %d %s", rec.Code, rec.Body)
		}
		outcome := e.do(t, http.MethodGet, "/api/v1/public/outcomes/"+e.outcome+"?commune=83137", "", "")
		noAgentNumber(t, "public outcome after the re-import", outcome)
		got, err := s.FindContactPointByID(context.Background(), e.cpPublic)
		if err != nil {
			t.Fatal(err)
		}
		if got.Channels[1].Value != lineOrgAgents || got.Channels[1].Visibility != domain.VisibilityOrganisationAgents {
			t.Errorf("after the re-import: %+v", got.Channels)
		}
	})
}

// A journey whose outcome offers residents only contact points reserved to
// agents cannot be published: the problem is named at that outcome's
// contact points, and a pivot beside them lifts it.
func TestPublishRefusesOutcomeOnlyForAgents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newVisibilityEnv(t, s)
		tok := e.login(t, "a-admin").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a/journeys/aides"
		agentsOnly := strings.Replace(testJourney, `"pivots": ["mds"]`, `"contact_points": ["`+e.cpOrgAgents+`", "`+e.cpAllAgents+`"]`, 1)
		if rec := e.do(t, http.MethodPut, base, tok, agentsOnly, "If-Match", `"1"`); rec.Code != http.StatusOK {
			t.Fatalf("save draft: %d %s", rec.Code, rec.Body)
		}
		rec := e.do(t, http.MethodPost, base+"/publish", tok, "")
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"steps[mds].outcome.contact_points"`) ||
			!strings.Contains(rec.Body.String(), "réservés aux agents") {
			t.Fatalf("publish an outcome for agents only: %d %s", rec.Code, rec.Body)
		}
		withPivot := strings.Replace(testJourney, `"pivots": ["mds"]`, `"contact_points": ["`+e.cpOrgAgents+`"], "pivots": ["mds"]`, 1)
		if rec := e.do(t, http.MethodPut, base, tok, withPivot, "If-Match", `"2"`); rec.Code != http.StatusOK {
			t.Fatalf("save draft: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPost, base+"/publish", tok, ""); rec.Code != http.StatusCreated {
			t.Fatalf("publish with a pivot beside: %d %s", rec.Code, rec.Body)
		}
	})
}
