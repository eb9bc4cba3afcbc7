package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/accounts"
	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/impact"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
	"github.com/aiguillage/aiguillage/api/internal/testclock"
)

type adminEnv struct {
	*env
	handler http.Handler
	store   *store.Store
	acc     *accounts.Service
	clock   *testclock.Clock
	orgA    *domain.Organisation
	orgB    *domain.Organisation
	cpA     string // a contact point of A
	cpB     string // a contact point of B
	users   map[string]*domain.User
}

const testPassword = "un mot de passe de test assez long"

// newAdminEnv builds the whole server over s with two partners and their
// référents; opts adjust its dependencies (rate limits…).
func newAdminEnv(t testing.TB, s *store.Store, opts ...func(*httpapi.Deps)) *adminEnv {
	t.Helper()
	ctx := context.Background()
	ref, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := testclock.New(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	k, _, err := auth.GenerateKey("test")
	if err != nil {
		t.Fatal(err)
	}
	ring, err := auth.NewKeyRing("http://test", "http://test/api/v1/admin", []auth.Key{k}, "test", clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	previews, err := auth.NewPreviewTokens("http://test", "http://test/api/v1/public/previews", []auth.Key{k}, "test", clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := auth.NewHasher(auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	acc := accounts.New(accounts.Options{Store: s, Identities: s, Hasher: hasher, Tokens: ring,
		PerAccount: auth.NewLimiter(10, 15*time.Minute, clk.Now), PerIP: auth.NewLimiter(50, 15*time.Minute, clk.Now),
		Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	known := map[string]bool{"caf": true, "mds": true, "mairie": true}
	knownPivot := func(p string) bool { return known[p] }
	adm := admin.New(s, ref, knownPivot, clk.Now)
	reg := prometheus.NewRegistry()
	dir := directory.New(s, ref, knownPivot)
	deps := httpapi.Deps{Logger: slog.New(slog.DiscardHandler), Directory: dir, Communes: ref,
		Accounts: acc, Admin: adm, Journeys: orientation.New(s, dir, adm, ref, knownPivot, clk.Now), Previews: previews, AdminOrigins: []string{"https://admin.exemple.fr"}, Now: clk.Now,
		Readiness: readiness{s, false}, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20, PublicURL: "http://test", Version: "test", Generation: s.Generation}
	deps.Impact = impact.New(impact.Options{Store: s, Admin: adm, Now: clk.Now, Generation: s.Generation, FlushEvery: 10 * time.Millisecond})
	t.Cleanup(func() { _ = deps.Impact.Close(context.Background()) })
	for _, o := range opts {
		o(&deps)
	}
	srv, err := httpapi.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e := &adminEnv{env: &env{handler: srv, spec: specRouter(t)}, handler: srv, store: s, acc: acc, clock: clk, users: map[string]*domain.User{}}
	for _, slug := range []string{"partenaire-a", "partenaire-b"} {
		o := &domain.Organisation{Slug: slug, Name: slug, Kind: domain.KindDepartement, Territory: []string{"83137"}}
		if err := s.UpsertOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		if slug == "partenaire-a" {
			e.orgA = o
		} else {
			e.orgB = o
		}
	}
	for _, u := range []struct {
		name, org string
		role      domain.Role
		platform  bool
	}{
		{"a-admin", "partenaire-a", domain.RoleAdmin, false},
		{"a-editor", "partenaire-a", domain.RoleEditor, false},
		{"a-viewer", "partenaire-a", domain.RoleViewer, false},
		{"b-admin", "partenaire-b", domain.RoleAdmin, false},
		{"b-editor", "partenaire-b", domain.RoleEditor, false},
		{"b-viewer", "partenaire-b", domain.RoleViewer, false},
		{"platform", "", "", true},
	} {
		usr, err := acc.CreateUser(ctx, u.name+"@exemple.fr", testPassword, u.org, u.role, u.platform, false)
		if err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		e.users[u.name] = usr
	}
	for _, o := range []*domain.Organisation{e.orgA, e.orgB} {
		c := &domain.ContactPoint{ID: domain.NewID(), OrganisationID: o.ID, Name: "MDS de " + o.Slug, Pivot: "mds",
			Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "04 94 00 00 00"}},
			Coverage: domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}, Source: domain.Source{Kind: domain.SourceManual}}
		if err := s.CreateContactPoint(ctx, c, &domain.AuditEntry{OrganisationID: o.ID, Action: "create", EntityType: "contact_point", EntityID: c.ID}); err != nil {
			t.Fatal(err)
		}
		if o == e.orgA {
			e.cpA = c.ID
		} else {
			e.cpB = c.ID
		}
	}
	return e
}

func (e *adminEnv) do(t *testing.T, method, url, token, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.1:1234"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	// Every answer must be what the published contract says.
	e.checkAgainstSpec(t, httptest.NewRequest(method, url, nil), rec)
	return rec
}

func (e *adminEnv) login(t *testing.T, user string) httpapi.TokenResponse {
	t.Helper()
	rec := e.do(t, http.MethodPost, "/api/v1/auth/login", "", fmt.Sprintf(`{"email":%q,"password":%q}`, user+"@exemple.fr", testPassword))
	if rec.Code != http.StatusOK {
		t.Fatalf("login %s: %d %s", user, rec.Code, rec.Body)
	}
	var tr httpapi.TokenResponse
	mustJSON(t, rec.Body.Bytes(), &tr)
	return tr
}

// snapshot is everything of organisation B that an attack could change.
func (e *adminEnv) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	cps, _, err := e.store.FindContactPoints(ctx, domain.ContactPointFilter{OrganisationID: e.orgB.ID})
	if err != nil {
		t.Fatal(err)
	}
	members, err := e.store.FindMembers(ctx, e.orgB.ID)
	if err != nil {
		t.Fatal(err)
	}
	audit, _, err := e.store.FindAudit(ctx, e.orgB.ID, domain.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	reports, _, err := e.store.FindReports(ctx, e.orgB.ID, "", domain.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal([]any{cps, members, audit, reports})
	return string(b)
}

// TestAdminTenantMatrix runs every admin endpoint as every kind of caller.
// An attempt on another organisation's objects answers 404 and changes
// nothing there.
func TestAdminTenantMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tokens := map[string]string{}
		for _, u := range []string{"a-admin", "a-editor", "a-viewer", "b-admin", "platform"} {
			tokens[u] = e.login(t, u).AccessToken
		}
		// An access token that has expired.
		expiredSession := e.login(t, "a-admin")
		e.clock.Add(16 * time.Minute)
		tokens["expired"] = expiredSession.AccessToken
		tokens["none"] = ""
		tokens["garbage"] = "not.a.jwt"
		// The clock moved: log the others in again.
		for _, u := range []string{"a-admin", "a-editor", "a-viewer", "b-admin", "platform"} {
			tokens[u] = e.login(t, u).AccessToken
		}

		A, B := "/api/v1/admin/organisations/partenaire-a", "/api/v1/admin/organisations/partenaire-b"
		cpBody := `{"name":"Nouveau point","pivot":"mds","channels":[{"kind":"phone","value":"3230"}]}`
		logo := string(testPNG(t))
		type endpoint struct {
			name, method, path, body string
			headers                  []string
			// fresh makes the object the call acts on, and returns its path.
			fresh func(base string) string
		}
		freshCP := func(base string) string { return "/contact-points/" + e.newContactPoint(t, base) }
		freshTheme := func(base string) string { return "/themes/" + e.newTheme(t, base) }
		freshReport := func(base string) string { return "/reports/" + e.newReport(t, base) + "/resolve" }
		endpoints := []endpoint{
			{name: "get organisation", method: http.MethodGet},
			{name: "update organisation", method: http.MethodPatch, body: `{"branding":{"primary_color":"#000000"}}`, headers: []string{"If-Match", `"1"`}},
			{name: "upload logo", method: http.MethodPut, path: "/logo", body: logo, headers: []string{"Content-Type", "image/png"}},
			{name: "list contact points", method: http.MethodGet, path: "/contact-points"},
			{name: "get contact point", method: http.MethodGet, fresh: freshCP},
			{name: "create contact point", method: http.MethodPost, path: "/contact-points", body: cpBody},
			{name: "update contact point", method: http.MethodPatch, body: `{"name":"Modifié"}`, headers: []string{"If-Match", `"1"`}, fresh: freshCP},
			{name: "set contact point visibility", method: http.MethodPatch, body: `{"visibility":"organisation_agents","channels":[{"kind":"phone","value":"3230","visibility":"all_agents"}]}`,
				headers: []string{"If-Match", `"1"`}, fresh: freshCP},
			{name: "delete contact point", method: http.MethodDelete, fresh: freshCP},
			{name: "import template", method: http.MethodGet, path: "/contact-points/import/template.csv"},
			{name: "import contact points", method: http.MethodPost, path: "/contact-points/import?dry_run=true", body: "Référence;Nom;Téléphones\nM-1;Point importé;3230\n",
				headers: []string{"Content-Type", "text/csv"}},
			{name: "list themes", method: http.MethodGet, path: "/themes"},
			{name: "get theme", method: http.MethodGet, fresh: freshTheme},
			{name: "create theme", method: http.MethodPost, path: "/themes", body: `{"slug":"nouveau-theme","label":"Nouveau"}`},
			{name: "update theme", method: http.MethodPatch, body: `{"label":"Modifié"}`, headers: []string{"If-Match", `"1"`}, fresh: freshTheme},
			{name: "delete theme", method: http.MethodDelete, fresh: freshTheme},
			{name: "list members", method: http.MethodGet, path: "/members"},
			{name: "set member role", method: http.MethodPatch, path: "/members/{editor}", body: `{"role":"viewer"}`},
			{name: "remove member", method: http.MethodDelete, path: "/members/{viewer}"},
			{name: "invite", method: http.MethodPost, path: "/invitations", body: `{"email":"x@exemple.fr","role":"admin"}`},
			{name: "audit log", method: http.MethodGet, path: "/audit"},
			{name: "search misses", method: http.MethodGet, path: "/search-misses"},
			{name: "list reports", method: http.MethodGet, path: "/reports?status=open"},
			{name: "resolve report", method: http.MethodPost, fresh: freshReport},
			{name: "feedback", method: http.MethodGet, path: "/feedback?useful=false&from=2026-01-01&entry=social"},
			{name: "feedback csv", method: http.MethodGet, path: "/feedback.csv?to=2026-12-31"},
			{name: "delete organisation", method: http.MethodDelete},
		}
		target := func(ep endpoint, base, org string) string {
			path := ep.path
			if ep.fresh != nil {
				path = ep.fresh(base)
			}
			return strings.NewReplacer("{editor}", e.users[org+"-editor"].ID, "{viewer}", e.users[org+"-viewer"].ID).Replace(base + path)
		}

		// Attacks on organisation B: 404 for A's référents, 401 without a
		// valid token; B unchanged.
		for _, ep := range endpoints {
			url := target(ep, B, "b")
			before := e.snapshot(t) // after the fresh objects were made in B
			for _, caller := range []string{"a-admin", "a-editor", "a-viewer", "none", "expired", "garbage"} {
				want := http.StatusNotFound
				if caller == "none" || caller == "expired" || caller == "garbage" {
					want = http.StatusUnauthorized
				}
				t.Run("other org/"+ep.name+"/"+caller, func(t *testing.T) {
					rec := e.do(t, ep.method, url, tokens[caller], ep.body, ep.headers...)
					if rec.Code != want {
						t.Fatalf("%s %s as %s = %d, want %d: %s", ep.method, url, caller, rec.Code, want, rec.Body)
					}
					if rec.Header().Get("Content-Type") != "application/problem+json" {
						t.Errorf("content type %q", rec.Header().Get("Content-Type"))
					}
				})
			}
			if after := e.snapshot(t); after != before {
				t.Fatalf("organisation B changed by %s:\nbefore %s\nafter  %s", ep.name, before, after)
			}
		}

		// Own organisation A, by role.
		want := map[string]map[string]int{
			"a-viewer": {"get organisation": 200, "list contact points": 200, "get contact point": 200, "list themes": 200, "get theme": 200, "search misses": 200,
				"list reports": 200, "feedback": 200, "feedback csv": 200, "import template": 200},
			"a-editor": {"get organisation": 200, "list contact points": 200, "get contact point": 200, "list themes": 200, "get theme": 200, "search misses": 200,
				"create contact point": 201, "update contact point": 200, "set contact point visibility": 200, "delete contact point": 204,
				"import template": 200, "import contact points": 200,
				"create theme": 201, "update theme": 200, "delete theme": 204, "list reports": 200, "resolve report": 200,
				"feedback": 200, "feedback csv": 200},
			"a-admin": {"get organisation": 200, "update organisation": 200, "upload logo": 200,
				"list contact points": 200, "get contact point": 200, "create contact point": 201, "update contact point": 200,
				"set contact point visibility": 200, "delete contact point": 204,
				"import template": 200, "import contact points": 200,
				"list themes": 200, "get theme": 200, "create theme": 201, "update theme": 200, "delete theme": 204,
				"list members": 200, "set member role": 200, "remove member": 204, "invite": 201, "audit log": 200, "search misses": 200,
				"list reports": 200, "resolve report": 200, "feedback": 200, "feedback csv": 200},
		}
		for _, caller := range []string{"a-viewer", "a-editor", "a-admin"} {
			for _, ep := range endpoints {
				if caller == "a-admin" && ep.name == "create theme" {
					ep.body = `{"slug":"autre-theme","label":"Autre"}`
				}
				url := target(ep, A, "a")
				code, ok := want[caller][ep.name]
				if !ok {
					code = http.StatusForbidden
				}
				t.Run("own org/"+ep.name+"/"+caller, func(t *testing.T) {
					rec := e.do(t, ep.method, url, tokens[caller], ep.body, ep.headers...)
					if rec.Code != code {
						t.Fatalf("%s %s as %s = %d, want %d: %s", ep.method, url, caller, rec.Code, code, rec.Body)
					}
				})
			}
		}
		// The platform admin reaches B, and only it deletes organisations.
		if rec := e.do(t, http.MethodGet, B+"/contact-points", tokens["platform"], ""); rec.Code != http.StatusOK {
			t.Fatalf("platform admin on B = %d", rec.Code)
		}
		if rec := e.do(t, http.MethodDelete, B, tokens["platform"], ""); rec.Code != http.StatusNoContent {
			t.Fatalf("platform admin deletes B = %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-b", "", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("deleted organisation still public: %d", rec.Code)
		}
	})
}

// newContactPoint makes a contact point in the organisation of base, directly in the store.
func (e *adminEnv) newContactPoint(t *testing.T, base string) string {
	t.Helper()
	org := e.orgA
	if strings.HasSuffix(base, "partenaire-b") {
		org = e.orgB
	}
	c := &domain.ContactPoint{ID: domain.NewID(), OrganisationID: org.ID, Name: "Point", Pivot: "mds",
		Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "3230"}},
		Coverage: domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}, Source: domain.Source{Kind: domain.SourceManual}}
	if err := e.store.CreateContactPoint(context.Background(), c, &domain.AuditEntry{OrganisationID: org.ID, Action: "create", EntityType: "contact_point"}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// newReport makes an open report on the first contact point of the
// organisation of base, directly in the store.
func (e *adminEnv) newReport(t *testing.T, base string) string {
	t.Helper()
	org, cp := e.orgA, e.cpA
	if strings.HasSuffix(base, "partenaire-b") {
		org, cp = e.orgB, e.cpB
	}
	r := &domain.Report{ContactPointID: cp, ContactPointName: "MDS", OrganisationID: org.ID, Message: "Le bureau a déménagé."}
	if err := e.store.CreateReport(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// newTheme makes a theme in the organisation of base, directly in the store.
func (e *adminEnv) newTheme(t *testing.T, base string) string {
	t.Helper()
	org := e.orgA
	if strings.HasSuffix(base, "partenaire-b") {
		org = e.orgB
	}
	slug := "theme-" + strings.ToLower(domain.NewID()[:8])
	if err := e.store.CreateTheme(context.Background(), &domain.Theme{OrganisationID: org.ID, Slug: slug, Label: "Thème"},
		&domain.AuditEntry{OrganisationID: org.ID, Action: "create", EntityType: "theme"}); err != nil {
		t.Fatal(err)
	}
	return slug
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestContactPointEditing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-editor").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a/contact-points"
		// Themes must exist: national ones, or the partner's own.
		if err := s.CreateTheme(context.Background(), &domain.Theme{OrganisationID: e.orgA.ID, Slug: "logement", Label: "Logement"},
			&domain.AuditEntry{OrganisationID: e.orgA.ID, Action: "create", EntityType: "theme"}); err != nil {
			t.Fatal(err)
		}

		// Create with read-only fields: they are ignored.
		rec := e.do(t, http.MethodPost, base, tok, `{"id":"00000000-0000-0000-0000-000000000000","version":42,"source":{"kind":"annuaire"},
			"name":"Maison des solidarités","pivot":"mds","themes":["logement"],
			"channels":[{"kind":"phone","value":"04 94 00 00 00"},{"kind":"email","value":"mds@exemple.fr"}],
			"opening_hours":{"weekly":[{"day":1,"opens":"09:00","closes":"12:00"}]}}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		var cp httpapi.AdminContactPoint
		mustJSON(t, rec.Body.Bytes(), &cp)
		if cp.ID == "00000000-0000-0000-0000-000000000000" || cp.Version != 1 || cp.Source.Kind != "manual" || len(cp.Coverage.Communes) != 1 {
			t.Fatalf("read-only fields not ignored or defaults missing: %+v", cp)
		}
		url := base + "/" + cp.ID

		// Field-level errors; nothing saved.
		bad := []struct{ body, field string }{
			{`{"channels":[{"kind":"phone","value":"123456789"}]}`, "channels[0].value"},
			{`{"channels":[{"kind":"phone","value":"01 23"}]}`, "channels[0].value"},
			{`{"channels":[{"kind":"email","value":"pas-une-adresse"}]}`, "channels[0].value"},
			{`{"channels":[{"kind":"website","value":"javascript:alert(1)"}]}`, "channels[0].value"},
			{`{"opening_hours":{"weekly":[{"day":1,"opens":"09:00","closes":"12:00"},{"day":1,"opens":"11:00","closes":"14:00"}]}}`, "hours.weekly[1]"},
			{`{"opening_hours":{"weekly":[{"day":2,"opens":"14:00","closes":"09:00"}]}}`, "hours.weekly[0].closes"},
			{`{"coverage":{"communes":["99999"]}}`, "coverage.communes[0]"},
			{`{"pivot":"licorne"}`, "pivot"},
		}
		for _, b := range bad {
			rec := e.do(t, http.MethodPatch, url, tok, b.body, "If-Match", `"1"`)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+b.field+`"`) {
				t.Errorf("PATCH %s = %d %s, want 400 naming %s", b.body, rec.Code, rec.Body, b.field)
			}
		}
		if rec := e.do(t, http.MethodPatch, url, tok, `{"nom":"x"}`, "If-Match", `"1"`); rec.Code != http.StatusBadRequest {
			t.Errorf("unknown field accepted: %d", rec.Code)
		}
		if rec := e.do(t, http.MethodPatch, url, tok, `{"name":"x"}`); rec.Code != http.StatusPreconditionRequired {
			t.Errorf("PATCH without If-Match = %d, want 428", rec.Code)
		}

		// Two référents edit version 1: the second is refused, nothing lost.
		if rec := e.do(t, http.MethodPatch, url, tok, `{"name":"Première version"}`, "If-Match", `"1"`); rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"2"` {
			t.Fatalf("first edit: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodPatch, url, tok, `{"description":"Seconde"}`, "If-Match", `"1"`); rec.Code != http.StatusConflict {
			t.Fatalf("stale edit = %d, want 409", rec.Code)
		}
		rec = e.do(t, http.MethodGet, url, tok, "")
		mustJSON(t, rec.Body.Bytes(), &cp)
		if cp.Name != "Première version" || cp.Description != "" || cp.Version != 2 || len(cp.Channels) != 2 {
			t.Fatalf("after conflict: %+v", cp)
		}
		// "Marquer comme vérifié": an empty edit moves only the verification
		// date, as a new version, audited as a verification.
		e.clock.Add(48 * time.Hour)
		tok = e.login(t, "a-editor").AccessToken
		rec = e.do(t, http.MethodPatch, url, tok, `{}`, "If-Match", `"2"`)
		mustJSON(t, rec.Body.Bytes(), &cp)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"3"` || cp.VerifiedAt != e.clock.Now().Format(time.DateOnly) || cp.Name != "Première version" {
			t.Fatalf("verify: %d %+v", rec.Code, cp)
		}
		// The public API sees the edit.
		if rec := e.do(t, http.MethodGet, "/api/v1/public/contact-points/"+cp.ID, "", ""); !strings.Contains(rec.Body.String(), "Première version") {
			t.Fatalf("public read: %s", rec.Body)
		}
		// The audit log says who changed what.
		admTok := e.login(t, "a-admin").AccessToken
		rec = e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/audit", admTok, "")
		var audit httpapi.AuditList
		mustJSON(t, rec.Body.Bytes(), &audit)
		found := false
		for _, en := range audit.Entries {
			if en.Action == "update" && en.EntityID == cp.ID && en.UserEmail == "a-editor@exemple.fr" &&
				reflect.DeepEqual(en.Changes["Name"], [2]any{"Maison des solidarités", "Première version"}) {
				found = true
			}
		}
		if !found {
			t.Fatalf("update not in audit log: %+v", audit.Entries)
		}
		if audit.Entries[0].Action != "verify" || audit.Entries[0].EntityID != cp.ID {
			t.Fatalf("verification not in audit log: %+v", audit.Entries[0])
		}
		// Delete, then it is gone.
		if rec := e.do(t, http.MethodDelete, url, tok, "", "If-Match", `"1"`); rec.Code != http.StatusConflict {
			t.Fatalf("stale delete = %d", rec.Code)
		}
		if rec := e.do(t, http.MethodDelete, url, tok, "", "If-Match", `"3"`); rec.Code != http.StatusNoContent {
			t.Fatalf("delete = %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodGet, url, tok, ""); rec.Code != http.StatusNotFound {
			t.Fatalf("deleted still readable: %d", rec.Code)
		}
	})
}

func TestRefreshRotationAndReuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		first := e.login(t, "a-editor")
		refresh := func(token string) *httptest.ResponseRecorder {
			return e.do(t, http.MethodPost, "/api/v1/auth/refresh", "", fmt.Sprintf(`{"refresh_token":%q}`, token))
		}
		rec := refresh(first.RefreshToken)
		if rec.Code != http.StatusOK {
			t.Fatalf("legitimate refresh: %d %s", rec.Code, rec.Body)
		}
		var second httpapi.TokenResponse
		mustJSON(t, rec.Body.Bytes(), &second)
		if second.RefreshToken == first.RefreshToken || second.ExpiresIn > 15*60 || second.ExpiresIn <= 0 {
			t.Fatalf("rotation: %+v", second)
		}
		// The thief replays the stolen (already rotated) token: refused, and
		// the whole family is revoked, including the legitimate new token.
		if rec := refresh(first.RefreshToken); rec.Code != http.StatusUnauthorized {
			t.Fatalf("reuse = %d, want 401", rec.Code)
		}
		if rec := refresh(second.RefreshToken); rec.Code != http.StatusUnauthorized {
			t.Fatalf("family not revoked after reuse: %d", rec.Code)
		}
		// Another session is unaffected; logout revokes it.
		other := e.login(t, "a-editor")
		if rec := e.do(t, http.MethodPost, "/api/v1/auth/logout", "", fmt.Sprintf(`{"refresh_token":%q}`, other.RefreshToken)); rec.Code != http.StatusNoContent {
			t.Fatalf("logout = %d", rec.Code)
		}
		if rec := refresh(other.RefreshToken); rec.Code != http.StatusUnauthorized {
			t.Fatalf("refresh after logout = %d", rec.Code)
		}
		if rec := refresh("n'importe quoi"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("unknown refresh token = %d", rec.Code)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	login := func(password string) *httptest.ResponseRecorder {
		return e.do(t, http.MethodPost, "/api/v1/auth/login", "", fmt.Sprintf(`{"email":"a-viewer@exemple.fr","password":%q}`, password))
	}
	for i := range 10 {
		if rec := login("mauvais mot de passe"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d = %d, want 401", i+1, rec.Code)
		}
	}
	for _, pw := range []string{"mauvais mot de passe", testPassword} {
		rec := login(pw)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("after 10 failures = %d (Retry-After %q), want 429", rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	e.clock.Add(16 * time.Minute)
	if rec := login(testPassword); rec.Code != http.StatusOK {
		t.Fatalf("after the window = %d %s", rec.Code, rec.Body)
	}
	// Unknown account and wrong password answer alike.
	a := e.do(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":"personne@exemple.fr","password":"x"}`)
	b := login("x")
	if a.Code != b.Code || !strings.Contains(a.Body.String(), "incorrect") {
		t.Fatalf("enumeration: %d %s vs %d %s", a.Code, a.Body, b.Code, b.Body)
	}
}

func TestInvitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		adm := e.login(t, "a-admin").AccessToken
		rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/invitations", adm, `{"email":"Nouvelle@Exemple.fr","role":"editor"}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("invite: %d %s", rec.Code, rec.Body)
		}
		var inv httpapi.InvitationResponse
		mustJSON(t, rec.Body.Bytes(), &inv)
		// Without AIGUILLAGE_ADMIN_URL, the link opens /admin/ of the public URL.
		if inv.Email != "nouvelle@exemple.fr" || inv.URL != "http://test/admin/invitation#"+inv.Token {
			t.Fatalf("invitation: %+v", inv)
		}
		accept := func(pw string) *httptest.ResponseRecorder {
			return e.do(t, http.MethodPost, "/api/v1/auth/invitations/accept", "", fmt.Sprintf(`{"token":%q,"password":%q}`, inv.Token, pw))
		}
		// A weak password is refused with the policy's reason; the invitation stays usable.
		if rec := accept("azerty"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"password"`) {
			t.Fatalf("weak password = %d %s", rec.Code, rec.Body)
		}
		if rec := accept(testPassword); rec.Code != http.StatusOK {
			t.Fatalf("accept = %d %s", rec.Code, rec.Body)
		}
		if rec := accept(testPassword); rec.Code != http.StatusNotFound {
			t.Fatalf("second use = %d, want 404", rec.Code)
		}
		var me httpapi.Me
		tok := e.do(t, http.MethodPost, "/api/v1/auth/login", "", fmt.Sprintf(`{"email":"nouvelle@exemple.fr","password":%q}`, testPassword))
		var tr httpapi.TokenResponse
		mustJSON(t, tok.Body.Bytes(), &tr)
		mustJSON(t, e.do(t, http.MethodGet, "/api/v1/admin/me", tr.AccessToken, "").Body.Bytes(), &me)
		if len(me.Memberships) != 1 || me.Memberships[0].Organisation != "partenaire-a" || me.Memberships[0].Role != "editor" {
			t.Fatalf("me: %+v", me)
		}
		// Expired invitations are refused.
		rec = e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/invitations", adm, `{"email":"tard@exemple.fr","role":"viewer"}`)
		mustJSON(t, rec.Body.Bytes(), &inv)
		e.clock.Add(admin.InvitationTTL + time.Minute)
		if rec := accept(testPassword); rec.Code != http.StatusNotFound {
			t.Fatalf("expired invitation = %d", rec.Code)
		}
		// The last admin cannot be demoted.
		adm = e.login(t, "a-admin").AccessToken
		rec = e.do(t, http.MethodPatch, "/api/v1/admin/organisations/partenaire-a/members/"+e.users["a-admin"].ID, adm, `{"role":"viewer"}`)
		if rec.Code != http.StatusConflict {
			t.Fatalf("demote last admin = %d %s", rec.Code, rec.Body)
		}
	})
}

func TestLogoAndOrganisationEditing(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	tok := e.login(t, "a-admin").AccessToken
	base := "/api/v1/admin/organisations/partenaire-a"
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
	bad := []struct {
		name, contentType, body string
		want                    int
	}{
		{"svg declared as svg", "image/svg+xml", svg, 400},
		{"svg declared as png", "image/png", svg, 400},
		{"truncated png", "image/png", string(testPNG(t)[:60]), 400},
		{"empty", "image/png", "", 400},
		{"too large", "image/png", strings.Repeat("x", 600<<10), 400},
	}
	for _, b := range bad {
		if rec := e.do(t, http.MethodPut, base+"/logo", tok, b.body, "Content-Type", b.contentType); rec.Code != b.want {
			t.Errorf("%s: %d %s", b.name, rec.Code, rec.Body)
		}
	}
	if rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/logo", "", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("logo before upload = %d", rec.Code)
	}
	rec := e.do(t, http.MethodPut, base+"/logo", tok, string(testPNG(t)), "Content-Type", "image/png")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "/api/v1/public/organisations/partenaire-a/logo") {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	rec = e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/logo", "", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" || rec.Header().Get("ETag") == "" {
		t.Fatalf("public logo: %d %v", rec.Code, rec.Header())
	}
	if _, err := png.Decode(bytes.NewReader(rec.Body.Bytes())); err != nil {
		t.Fatalf("served logo is not a PNG: %v", err)
	}

	// An organisation admin edits branding and origins, not the name.
	var o httpapi.AdminOrganisation
	mustJSON(t, e.do(t, http.MethodGet, base, tok, "").Body.Bytes(), &o)
	v := fmt.Sprintf(`"%d"`, o.Version)
	if rec := e.do(t, http.MethodPatch, base, tok, `{"name":"Autre nom"}`, "If-Match", v); rec.Code != http.StatusForbidden {
		t.Fatalf("org admin renames = %d", rec.Code)
	}
	if rec := e.do(t, http.MethodPatch, base, tok, `{"allowed_origins":["https://www.exemple.fr/page"]}`, "If-Match", v); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `"field":"allowed_origins[0]"`) {
		t.Fatalf("bad origin = %d %s", rec.Code, rec.Body)
	}
	rec = e.do(t, http.MethodPatch, base, tok, `{"allowed_origins":["https://www.exemple.fr"],"branding":{"primary_color":"#123456"}}`, "If-Match", v)
	if rec.Code != http.StatusOK {
		t.Fatalf("branding edit = %d %s", rec.Code, rec.Body)
	}
	mustJSON(t, rec.Body.Bytes(), &o)
	if o.Branding.PrimaryColor != "#123456" || o.Branding.LogoURL == "" || o.AllowedOrigins[0] != "https://www.exemple.fr" {
		t.Fatalf("after edit: %+v", o)
	}
	// A platform admin creates an organisation; a duplicate slug is a field error.
	ptok := e.login(t, "platform").AccessToken
	body := `{"slug":"ville-de-toulon","name":"Ville de Toulon","kind":"commune","territory":["83137"]}`
	if rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations", ptok, body); rec.Code != http.StatusCreated {
		t.Fatalf("create org = %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations", ptok, body); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"slug"`) {
		t.Fatalf("duplicate org = %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations", tok, `{"slug":"x","name":"X","kind":"commune"}`); rec.Code != http.StatusForbidden {
		t.Fatalf("org admin creates org = %d", rec.Code)
	}
	if rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations", ptok, `{"slug":"y","name":"Y","kind":"commune","territory":["99999"]}`); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `"field":"territory[0]"`) {
		t.Fatalf("unknown commune in territory = %d %s", rec.Code, rec.Body)
	}
	var list httpapi.AdminOrganisationList
	mustJSON(t, e.do(t, http.MethodGet, "/api/v1/admin/organisations", tok, "").Body.Bytes(), &list)
	if list.Total != 1 || list.Organisations[0].Slug != "partenaire-a" {
		t.Fatalf("org admin sees %+v", list)
	}
}

func TestAdminCORSAndSecurityHeaders(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	preflight := func(origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, "/api/v1/admin/me", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "authorization")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	if got := preflight("https://admin.exemple.fr").Header().Get("Access-Control-Allow-Origin"); got != "https://admin.exemple.fr" {
		t.Fatalf("allowed admin origin: ACAO = %q", got)
	}
	if got := preflight("https://evil.example").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("other origin: ACAO = %q, want none", got)
	}
	rec := e.do(t, http.MethodGet, "/api/v1/admin/me", e.login(t, "a-viewer").AccessToken, "")
	for h, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"Cache-Control":           "no-store",
	} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
}

// An admin SPA on another origin edits journeys (PUT with If-Match) and
// reads the new version in ETag.
func TestAdminCORSEdits(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		req := httptest.NewRequest(http.MethodOptions, "/api/v1/admin/organisations/partenaire-a/journeys/aides", nil)
		req.Header.Set("Origin", "https://admin.exemple.fr")
		req.Header.Set("Access-Control-Request-Method", method)
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type, if-match")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		h := rec.Header()
		if h.Get("Access-Control-Allow-Origin") != "https://admin.exemple.fr" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), method) ||
			!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "if-match") {
			t.Errorf("preflight %s: %d %v", method, rec.Code, h)
		}
	}
	rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/journeys", e.login(t, "a-editor").AccessToken, testJourney, "Origin", "https://admin.exemple.fr")
	if rec.Code != http.StatusCreated || rec.Header().Get("ETag") != `"1"` || !strings.Contains(rec.Header().Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("create from the admin origin: %d %v", rec.Code, rec.Header())
	}
}
