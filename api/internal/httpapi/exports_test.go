package httpapi_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/opendata"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// withOpenData serves the exports and the open data dump, reading s.
func withOpenData(s *store.Store) func(*httpapi.Deps) {
	return func(d *httpapi.Deps) {
		d.OpenData = opendata.New(opendata.Options{Store: s, Auth: d.Admin, Communes: d.Communes, PublicURL: "http://test",
			Revision: "test", Now: d.Now, PageSize: 2})
	}
}

// raw sends a request outside the OpenAPI document (pages and files).
func (e *adminEnv) raw(t *testing.T, method, url string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, url, nil)
	req.RemoteAddr = "192.0.2.1:1234"
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

// TestExportTenantMatrix: the exports answer the organisation's viewers,
// editors and admins, and 404 (or 401) to anyone else.
func TestExportTenantMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s, withOpenData(s))
		tokens := map[string]string{"none": "", "garbage": "not.a.jwt"}
		for _, u := range []string{"a-admin", "a-editor", "a-viewer", "b-admin", "b-viewer", "platform"} {
			tokens[u] = e.login(t, u).AccessToken
		}
		type export struct{ path, contentType, filename, body string }
		exports := []export{
			{"/exports/contact-points", "text/csv", "points-de-contact-%s.csv", "Référence;Nom;Type;Description;Thèmes;Téléphones"},
			{"/exports/contact-points?format=csv", "text/csv", "points-de-contact-%s.csv", "MDS de partenaire-%s"},
			{"/exports/contact-points?format=json", "application/json", "points-de-contact-%s.json", `"format":"aiguillage/contact-points"`},
			{"/exports/contact-points?format=hsds", "application/json", "points-de-contact-%s-hsds.json", `"version":"3.0"`},
			{"/exports/contact-points?format=data-inclusion", "application/json", "points-de-contact-%s-data-inclusion.json", `"schema_version":"1.0.8"`},
			{"/exports/journeys", "application/json", "parcours-%s.json", `"format":"aiguillage/journeys"`},
			{"/exports/journeys?format=csv", "text/csv", "parcours-%s.csv", "Parcours;Titre du parcours;Version"},
		}
		for _, org := range []string{"a", "b"} {
			base := "/api/v1/admin/organisations/partenaire-" + org
			for _, ex := range exports {
				for caller := range tokens {
					want := http.StatusNotFound
					switch {
					case caller == "none" || caller == "garbage":
						want = http.StatusUnauthorized
					case strings.HasPrefix(caller, org+"-") || caller == "platform":
						want = http.StatusOK
					}
					t.Run(org+ex.path+"/"+caller, func(t *testing.T) {
						rec := e.do(t, http.MethodGet, base+ex.path, tokens[caller], "")
						if rec.Code != want {
							t.Fatalf("%s as %s = %d, want %d: %s", ex.path, caller, rec.Code, want, rec.Body)
						}
						if want != http.StatusOK {
							if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
								t.Errorf("content type %q", ct)
							}
							if strings.Contains(rec.Body.String(), "MDS de") {
								t.Errorf("the answer leaks contact points: %s", rec.Body)
							}
							return
						}
						if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, ex.contentType) {
							t.Errorf("content type %q, want %s", ct, ex.contentType)
						}
						if cd, want := rec.Header().Get("Content-Disposition"), `attachment; filename="`+strings.ReplaceAll(ex.filename, "%s", "partenaire-"+org)+`"`; cd != want {
							t.Errorf("Content-Disposition %q, want %q", cd, want)
						}
						if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
							t.Errorf("Cache-Control %q", cc)
						}
						body := rec.Body.String()
						if !strings.Contains(body, strings.ReplaceAll(ex.body, "%s", org)) {
							t.Errorf("body lacks %q: %.300s", ex.body, body)
						}
						other := map[string]string{"a": "b", "b": "a"}[org]
						if strings.Contains(body, "MDS de partenaire-"+other) {
							t.Errorf("the export of %s holds the other organisation's contact point", org)
						}
					})
				}
			}
		}
		// An unknown format is a 400 problem naming the parameter.
		for _, path := range []string{"/exports/contact-points?format=xml", "/exports/journeys?format=hsds"} {
			rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a"+path, tokens["a-viewer"], "")
			if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(rec.Body.String(), `"field":"format"`) {
				t.Errorf("%s: %d %s %s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		}
	})
}

// The CSV export of imported contact points imports back unchanged, and
// the journeys export holds the published version and the draft.
func TestExportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withNationalThemes(t, s)
		e := newAdminEnv(t, s, withOpenData(s))
		editor := e.login(t, "a-editor").AccessToken
		// The fixture's hand-made contact point is exported under its id
		// and comes back as itself, beside the imported ones.
		const n = 7
		rec, rep := e.importFile(t, editor, "?dry_run=false", importFile(n, func(i int, cells []string) {
			switch i {
			case 3:
				cells[14] = "lundi, mercredi 09:00-12:00 ; samedi-dimanche 10:00-24:00" // hours
				cells[2], cells[16] = "", "83137"                                       // no kind of office, one commune
			case 4:
				cells[16] = "" // the organisation's territory
			case 5:
				cells[4], cells[5], cells[7], cells[11], cells[12] = "", "", "", "", "" // a website only: no phone, street or coordinates
				cells[13] = "non accessible"
			}
		}), "text/csv")
		if rec.Code != http.StatusOK || rep.Created != n {
			t.Fatalf("import: %d %s", rec.Code, summary(rep))
		}
		viewer := e.login(t, "a-viewer").AccessToken
		rec = e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/exports/contact-points?format=csv", viewer, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("export: %d %s", rec.Code, rec.Body)
		}
		exported := rec.Body.String()
		rec, rep = e.importFile(t, editor, "?dry_run=true", exported, "text/csv")
		if rec.Code != http.StatusOK || rep.Unchanged != n+1 || rep.Created+rep.Updated+rep.Rejected != 0 || len(rep.IgnoredColumns) > 0 ||
			!strings.Contains(exported, e.cpA+";") {
			t.Fatalf("re-import of the export: %d %s\n%s", rec.Code, summary(rep), exported)
		}

		// Journeys: published version 1, then a draft edited since.
		admin := e.login(t, "a-admin").AccessToken
		base := "/api/v1/admin/organisations/partenaire-a"
		if rec := e.do(t, http.MethodPost, base+"/journeys", admin, testJourney); rec.Code != http.StatusCreated {
			t.Fatalf("create journey: %d %s", rec.Code, rec.Body)
		}
		if err := s.UpsertOrganisation(context.Background(), e.orgA); err != nil {
			t.Fatal(err)
		}
		if rec := e.do(t, http.MethodPost, base+"/journeys/aides/publish", admin, ""); rec.Code != http.StatusCreated {
			t.Fatalf("publish: %d %s", rec.Code, rec.Body)
		}
		draft := strings.Replace(testJourney, "Aides sociales", "Aides sociales et logement", 1)
		if rec := e.do(t, http.MethodPut, base+"/journeys/aides", admin, draft, "If-Match", `"1"`); rec.Code != http.StatusOK {
			t.Fatalf("save draft: %d %s", rec.Code, rec.Body)
		}
		rec = e.do(t, http.MethodGet, base+"/exports/journeys?format=json", viewer, "")
		var file opendata.JourneysFile
		mustJSON(t, rec.Body.Bytes(), &file)
		if len(file.Journeys) != 1 {
			t.Fatalf("journeys: %s", rec.Body)
		}
		j := file.Journeys[0]
		if j.PublishedVersion != 1 || j.Published == nil || j.Published.Title != "Aides sociales" || j.Draft.Title != "Aides sociales et logement" || j.PublishedAt == nil {
			t.Fatalf("journey %+v", j)
		}
		rec = e.do(t, http.MethodGet, base+"/exports/journeys?format=csv", viewer, "")
		if lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\r\n"); len(lines) != 1+2*5 ||
			!strings.Contains(rec.Body.String(), "aides;Aides sociales;publiée (v1);besoin;question;oui;De quoi avez-vous besoin ?;;Un accompagnement social;ou") {
			t.Fatalf("journeys CSV:\n%s", rec.Body)
		}
	})
}

// TestOpenDataDump: the national commons at stable public addresses, with
// their licence, ETag and Cache-Control.
func TestOpenDataDump(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		withNationalThemes(t, s)
		ctx := context.Background()
		org, err := s.FindOrganisationBySlug(ctx, domain.CommonsSlug)
		if err != nil {
			t.Fatal(err)
		}
		helplines, err := commons.Helplines(org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertContactPoints(ctx, helplines); err != nil {
			t.Fatal(err)
		}
		e := newAdminEnv(t, s, withOpenData(s))

		rec := e.raw(t, http.MethodGet, "/opendata/")
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, "Licence Ouverte / Open Licence 2.0") ||
			!strings.Contains(body, `href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"`) || !strings.Contains(body, "DILA") ||
			!strings.Contains(body, "France services") || !strings.Contains(body, `href="/opendata/hsds.json"`) ||
			rec.Header().Get("ETag") == "" || rec.Header().Get("Content-Security-Policy") == "" {
			t.Fatalf("index: %d %v\n%s", rec.Code, rec.Header(), body)
		}

		etags := map[string]string{}
		for _, f := range []struct{ name, contentType, want string }{
			{"contact-points.csv", "text/csv", "Référence;Nom;Type"},
			{"contact-points.json", "application/json", `"licence":{"name":"Licence Ouverte / Open Licence 2.0"`},
			{"hsds.json", "application/json", `"licence":{"name":"Licence Ouverte / Open Licence 2.0"`},
			{"data-inclusion.json", "application/json", `"licence":{"name":"Licence Ouverte / Open Licence 2.0"`},
		} {
			url := "/opendata/" + f.name
			rec := e.raw(t, http.MethodGet, url)
			h := rec.Header()
			if rec.Code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), f.contentType) || !strings.Contains(rec.Body.String(), f.want) {
				t.Fatalf("%s: %d %v %.300s", url, rec.Code, h, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), "3919") {
				t.Errorf("%s lacks the national helplines", url)
			}
			if h.Get("ETag") == "" || !strings.HasPrefix(h.Get("Cache-Control"), "public, max-age=3600") || h.Get("Last-Modified") == "" ||
				!strings.Contains(h.Get("Link"), `<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>; rel="license"`) || h.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("%s headers %v", url, h)
			}
			if strings.HasSuffix(f.name, ".json") && !json.Valid(rec.Body.Bytes()) {
				t.Errorf("%s is not valid JSON", url)
			}
			etags[f.name] = h.Get("ETag")
			// The same data, the same ETag: a conditional request costs nothing.
			if rec := e.raw(t, http.MethodGet, url, "If-None-Match", h.Get("ETag")); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Errorf("%s If-None-Match: %d", url, rec.Code)
			}
			if rec := e.raw(t, http.MethodHead, url); rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("ETag") != h.Get("ETag") {
				t.Errorf("%s HEAD: %d %d bytes", url, rec.Code, rec.Body.Len())
			}
			if again := e.raw(t, http.MethodGet, url); again.Body.String() != rec.Body.String() {
				t.Errorf("%s: the same ETag, different bytes", url)
			}
			// Compressed on request: its own representation and ETag, the same bytes once inflated.
			gz := e.raw(t, http.MethodGet, url, "Accept-Encoding", "gzip, br")
			if gz.Code != http.StatusOK || gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == h.Get("ETag") ||
				!strings.Contains(gz.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s gzip: %d %v", url, gz.Code, gz.Header())
			} else if zr, err := gzip.NewReader(gz.Body); err != nil {
				t.Error(err)
			} else if plain, err := io.ReadAll(zr); err != nil || string(plain) != rec.Body.String() {
				t.Errorf("%s gzip: %v, %d bytes inflated, want %d", url, err, len(plain), rec.Body.Len())
			}
			if rec := e.raw(t, http.MethodGet, url, "Accept-Encoding", "gzip", "If-None-Match", gz.Header().Get("ETag")); rec.Code != http.StatusNotModified {
				t.Errorf("%s gzip If-None-Match: %d", url, rec.Code)
			}
		}
		if rec := e.raw(t, http.MethodGet, "/opendata/secrets.json"); rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("unknown file: %d", rec.Code)
		}
		// A partner's contact points are not in the commons' dump.
		if rec := e.raw(t, http.MethodGet, "/opendata/contact-points.csv"); strings.Contains(rec.Body.String(), "MDS de partenaire") {
			t.Error("a partner's contact point is in the open data")
		}

		// A change of the commons changes every ETag.
		helplines[0].Description += " Modifié."
		if _, err := s.UpsertContactPoints(ctx, helplines[:1]); err != nil {
			t.Fatal(err)
		}
		for name, old := range etags {
			if rec := e.raw(t, http.MethodGet, "/opendata/"+name, "If-None-Match", old); rec.Code != http.StatusOK || rec.Header().Get("ETag") == old {
				t.Errorf("%s after a change: %d, ETag %s", name, rec.Code, rec.Header().Get("ETag"))
			}
		}
	})
}
