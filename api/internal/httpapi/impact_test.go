package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/impact"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

func init() {
	// The feedback export separates cells with « ; » (what spreadsheets in
	// French read); the spec checker's CSV decoder expects « , ».
	openapi3filter.RegisterBodyDecoder("text/csv", func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		r := csv.NewReader(body)
		r.Comma = ';'
		records, err := r.ReadAll()
		return fmt.Sprint(records), err
	})
}

// noRateLimits lets a test post as often as it needs from one address.
func noRateLimits(d *httpapi.Deps) { d.PublicRateLimits = &httpapi.PublicRateLimits{} }

// publishTestJourney publishes testJourney on partenaire-a, reached from
// its entry point "social", and returns the public ids of its outcomes.
func publishTestJourney(t *testing.T, e *adminEnv) map[string]string {
	t.Helper()
	tok := e.login(t, "a-admin").AccessToken
	base := "/api/v1/admin/organisations/partenaire-a"
	for _, step := range []struct{ method, url, body string }{
		{http.MethodPost, base + "/journeys", testJourney},
		{http.MethodPut, base + "/entry-points/social", `{"name":"Social","journey":"aides"}`},
		{http.MethodPost, base + "/journeys/aides/publish", ""},
	} {
		if rec := e.do(t, step.method, step.url, tok, step.body); rec.Code >= 300 {
			t.Fatalf("%s %s: %d %s", step.method, step.url, rec.Code, rec.Body)
		}
	}
	rec := e.do(t, http.MethodGet, "/api/v1/public/organisations/partenaire-a/journeys/social", "", "")
	var pj httpapi.PublicJourney
	mustJSON(t, rec.Body.Bytes(), &pj)
	return pj.Outcomes
}

// stats reads statistics once written events have reached them: it asks
// again until check passes or 5 seconds have passed.
func (e *adminEnv) stats(t *testing.T, url string, check func(httpapi.Stats) error) httpapi.Stats {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := e.do(t, http.MethodGet, url, "", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", url, rec.Code, rec.Body)
		}
		var st httpapi.Stats
		mustJSON(t, rec.Body.Bytes(), &st)
		err := check(st)
		if err == nil {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v\n%s", url, err, rec.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func rateIs(r *float64, want float64) bool { return r != nil && *r == want }

// TestWidgetSessionMovesStats drives a widget session through the public
// API, as the widget would (loaded → search → steps → outcome → contact →
// feedback), and sees each figure of the statistics move.
func TestWidgetSessionMovesStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s, noRateLimits)
		outcomes := publishTestJourney(t, e)
		session := "Zq3-x_9kLmN0pQrStUvW"
		post := func(events string, contentType string) {
			t.Helper()
			body := fmt.Sprintf(`{"partner":"partenaire-a","entry":"social","session":%q,"events":[%s]}`, session, events)
			rec := e.do(t, http.MethodPost, "/api/v1/public/events", "", body, "Content-Type", contentType)
			if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), `"status":"received"`) {
				t.Fatalf("POST events: %d %s", rec.Code, rec.Body)
			}
		}
		partner := "/api/v1/public/stats/partenaire-a"
		national := "/api/v1/public/stats"

		st := e.stats(t, partner, func(st httpapi.Stats) error { return nil })
		if st.Totals.Loads != 0 || st.Scope != "partner" || st.Partner.Slug != "partenaire-a" || len(st.Daily) != 30 || st.To != "2026-11-27" ||
			len(st.Channels) != 6 || len(st.Journeys) != 1 || st.Journeys[0].Started != 0 || len(st.EntryPoints) != 1 {
			t.Fatalf("before the session: %+v", st)
		}

		// The widget loads: navigator.sendBeacon sends text/plain.
		post(`{"type":"loaded","at":"2026-11-27T09:59:58Z"}`, "text/plain;charset=UTF-8")
		e.stats(t, partner, func(st httpapi.Stats) error {
			if st.Totals.Loads != 1 || st.Daily[29].Loads != 1 || st.EntryPoints[0].Loads != 1 {
				return fmt.Errorf("loads %d", st.Totals.Loads)
			}
			return nil
		})

		// A search with results, and one without.
		post(`{"type":"search","query":"J'ai plus de sous pour le LOYER","results":3},{"type":"search","query":"piscine","results":0}`, "application/json")
		e.stats(t, partner, func(st httpapi.Stats) error {
			if st.Totals.Searches != 2 || st.Totals.SearchesUnanswered != 1 || st.Totals.SessionsEngaged != 1 || st.Totals.SessionsAnswered != 0 ||
				!rateIs(st.Totals.UnansweredShare, 1) || len(st.TopSearches) != 0 {
				return fmt.Errorf("searches %+v", st.Totals)
			}
			return nil
		})

		// The journey: first question shown and answered, commune shown
		// and given.
		post(`{"type":"step","journey":"aides","step":"besoin"},{"type":"step","journey":"aides","step":"besoin","answered":true},`+
			`{"type":"step","journey":"aides","step":"ou"},{"type":"step","journey":"aides","step":"ou","answered":true}`, "application/json")
		e.stats(t, partner, func(st httpapi.Stats) error {
			j := st.Journeys[0]
			if st.Totals.JourneysStarted != 1 || st.Totals.JourneysCompleted != 0 || j.Slug != "aides" || j.Title != "Aides sociales" ||
				j.Started != 1 || !rateIs(j.UnansweredShare, 1) || j.Steps[0].ID != "besoin" || j.Steps[0].Reached != 1 || j.Steps[0].Answered != 1 ||
				j.Steps[0].DropOff != 0 || j.Steps[1].Reached != 1 {
				return fmt.Errorf("journey %+v", j)
			}
			return nil
		})

		// The outcome lists the partner's MDS; the resident calls it.
		post(fmt.Sprintf(`{"type":"outcome","journey":"aides","step":"mds","outcome":%q,"contact_points":[%q]},`+
			`{"type":"contact","contact_point":%q,"channel":"phone","outcome":%q}`, outcomes["mds"], e.cpA, e.cpA, outcomes["mds"]), "application/json")
		e.stats(t, partner, func(st httpapi.Stats) error {
			j := st.Journeys[0]
			mds := j.Steps[2]
			if st.Totals.JourneysCompleted != 1 || !rateIs(st.Totals.CompletionRate, 1) || st.Totals.SessionsAnswered != 1 ||
				!rateIs(st.Totals.UnansweredShare, 0) || st.Totals.ContactClicks != 1 || st.Totals.CallsDiverted != 1 ||
				st.Channels[0].Channel != "phone" || st.Channels[0].Clicks != 1 ||
				len(st.ContactPoints) != 1 || st.ContactPoints[0].ID != e.cpA || st.ContactPoints[0].Name != "MDS de partenaire-a" ||
				st.ContactPoints[0].Shown != 1 || st.ContactPoints[0].Clicks != 1 || st.ContactPoints[0].Switchboard ||
				mds.ID != "mds" || mds.Kind != "outcome" || mds.Reached != 1 || mds.Outcome != outcomes["mds"] || j.Completed != 1 {
				return fmt.Errorf("outcome %+v %+v", st.Totals, j)
			}
			return nil
		})

		// Feedback: useful, with a comment; the widget also counts it.
		rec := e.do(t, http.MethodPost, "/api/v1/public/feedback", "",
			fmt.Sprintf(`{"partner":"partenaire-a","entry":"social","outcome":%q,"useful":true,"comment":"Merci, j'ai appelé le 04 94 00 00 00"}`, outcomes["mds"]))
		if rec.Code != http.StatusAccepted {
			t.Fatalf("feedback: %d %s", rec.Code, rec.Body)
		}
		post(fmt.Sprintf(`{"type":"feedback","outcome":%q},{"type":"emergency"},{"type":"exit"}`, outcomes["mds"]), "text/plain")
		st = e.stats(t, partner, func(st httpapi.Stats) error {
			mds := st.Journeys[0].Steps[2]
			if st.Totals.Feedback != 1 || !rateIs(st.Totals.SatisfactionRate, 1) || mds.Feedback != 1 || !rateIs(mds.SatisfactionRate, 1) ||
				st.Totals.EmergencyOpenings != 1 || st.Daily[29].Feedback != 1 {
				return fmt.Errorf("feedback %+v", st.Totals)
			}
			return nil
		})
		if st.Totals.Loads != 1 || st.Totals.SessionsEngaged != 1 {
			t.Fatalf("one session: %+v", st.Totals)
		}

		// The national figures hold the partner's; the other partner's
		// are untouched.
		e.stats(t, national, func(st httpapi.Stats) error {
			if st.Scope != "national" || st.Totals.Loads != 1 || st.Totals.Searches != 2 || len(st.Partners) != 1 || st.Partners[0].Slug != "partenaire-a" {
				return fmt.Errorf("national %+v", st)
			}
			return nil
		})
		e.stats(t, "/api/v1/public/stats/partenaire-b", func(st httpapi.Stats) error {
			if st.Totals.Loads != 0 || st.Totals.Feedback != 0 {
				return fmt.Errorf("partner B %+v", st.Totals)
			}
			return nil
		})
		// The same search five times makes it public (k-anonymity).
		for i := range 4 {
			session = "other-session-" + strconv.Itoa(i) + "aaaaaa"
			post(`{"type":"search","query":"j'ai plus de sous pour le loyer","results":2}`, "application/json")
		}
		e.stats(t, partner+"?entry=social", func(st httpapi.Stats) error {
			if len(st.TopSearches) != 1 || st.TopSearches[0].Query != "j'ai plus de sous pour le loyer" || st.TopSearches[0].Count != 5 || st.Entry != "social" {
				return fmt.Errorf("top searches %+v", st.TopSearches)
			}
			return nil
		})
		// Référents read the feedback, scrubbed.
		tok := e.login(t, "a-viewer").AccessToken
		rec = e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/feedback?useful=true", tok, "")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"comment":"Merci, j'ai appelé le [téléphone]"`) ||
			!strings.Contains(rec.Body.String(), `"journey":"aides","step":"mds"`) || !strings.Contains(rec.Body.String(), `"total":1`) {
			t.Fatalf("feedback inbox: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/feedback?useful=false", tok, ""); !strings.Contains(rec.Body.String(), `"total":0`) {
			t.Fatalf("not useful: %s", rec.Body)
		}
	})
}

func TestEventsAndFeedbackErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s, noRateLimits)
		full := newAdminEnv(t, storetest.New(t, s.Dialect()), noRateLimits, func(d *httpapi.Deps) {
			// A buffer smaller than a batch: every batch is refused.
			d.Impact = impact.New(impact.Options{Store: s, Admin: d.Admin, BufferSize: 1, FlushEvery: time.Hour})
			t.Cleanup(func() { _ = d.Impact.Close(context.Background()) })
		})
		ok := `{"partner":"partenaire-a","session":"abcdefghijklmnop","events":[{"type":"loaded"},{"type":"exit"}]}`
		tests := []struct {
			name        string
			env         *adminEnv
			url, body   string
			contentType string
			wantStatus  int
			wantBody    string
		}{
			{"events accepted", e, "/api/v1/public/events", ok, "application/json", 202, `"accepted":2`},
			{"events as text/plain", e, "/api/v1/public/events", ok, "text/plain;charset=UTF-8", 202, `"accepted":2`},
			{"events as a form", e, "/api/v1/public/events", ok, "application/x-www-form-urlencoded", 415, "unsupported-media-type"},
			{"events not JSON", e, "/api/v1/public/events", `{"partner":`, "text/plain", 400, "Corps JSON invalide"},
			{"events with an unknown field", e, "/api/v1/public/events", `{"partner":"partenaire-a","ip":"1.2.3.4"}`, "application/json", 400, "unknown field"},
			{"events: bad time", e, "/api/v1/public/events", `{"partner":"partenaire-a","session":"abcdefghijklmnop","events":[{"type":"loaded","at":"hier"}]}`, "application/json", 400, `"field":"events[0].at"`},
			{"events: bad session", e, "/api/v1/public/events", `{"partner":"partenaire-a","session":"court","events":[{"type":"loaded"}]}`, "application/json", 400, `"field":"session"`},
			{"events: unknown partner", e, "/api/v1/public/events", `{"partner":"personne","session":"abcdefghijklmnop","events":[{"type":"loaded"}]}`, "application/json", 404, "personne"},
			{"events: buffer full", full, "/api/v1/public/events", ok, "text/plain", 503, "urn:aiguillage:problem:unavailable"},
			{"feedback accepted", e, "/api/v1/public/feedback", `{"partner":"partenaire-a","useful":false,"looking_for":"un rendez-vous"}`, "text/plain", 202, `"status":"received"`},
			{"feedback without useful", e, "/api/v1/public/feedback", `{"partner":"partenaire-a"}`, "application/json", 400, `"field":"useful"`},
			{"feedback: unknown outcome", e, "/api/v1/public/feedback", `{"partner":"partenaire-a","useful":true,"outcome":"6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b11"}`, "application/json", 404, "not-found"},
			{"feedback: unknown entry point", e, "/api/v1/public/feedback", `{"partner":"partenaire-a","entry":"sport","useful":true}`, "application/json", 404, "sport"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec := tt.env.do(t, http.MethodPost, tt.url, "", tt.body, "Content-Type", tt.contentType)
				if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
					t.Fatalf("%d %s; want %d with %q", rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
				}
				if rec.Code == 503 && rec.Header().Get("Retry-After") != "2" {
					t.Fatalf("503 without Retry-After: %v", rec.Header())
				}
				if rec.Header().Get("Access-Control-Allow-Origin") != "" {
					return
				}
			})
		}
		// Any origin may post (the widget runs on partners' sites).
		req := httptest.NewRequest(http.MethodOptions, "/api/v1/public/events", nil)
		req.Header.Set("Origin", "https://www.exemple.fr")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") {
			t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
		}
	})
}

func TestFeedbackExportCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s, noRateLimits)
		for _, body := range []string{
			`{"partner":"partenaire-a","useful":true,"comment":"=1+1","looking_for":"@SUM(A1)","query":"-2 pour le loyer"}`,
			`{"partner":"partenaire-a","useful":false,"comment":"Texte avec ; et \"guillemets\"\net un retour"}`,
			`{"partner":"partenaire-b","useful":false,"comment":"chez B"}`,
		} {
			if rec := e.do(t, http.MethodPost, "/api/v1/public/feedback", "", body); rec.Code != http.StatusAccepted {
				t.Fatalf("feedback: %d %s", rec.Code, rec.Body)
			}
			e.clock.Add(time.Minute)
		}
		tok := e.login(t, "a-viewer").AccessToken
		rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/feedback.csv", tok, "")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.Contains(rec.Header().Get("Content-Disposition"), `filename="avis-partenaire-a-2026-11-27.csv"`) {
			t.Fatalf("export: %d %v", rec.Code, rec.Header())
		}
		body := rec.Body.String()
		lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
		if !strings.HasPrefix(body, "\ufeffDate;Point d'entrée;Parcours;Étape;Issue;Recherche;Utile;Commentaire;Ce qui manquait\n") || len(lines) != 3 {
			t.Fatalf("export:\n%s", body)
		}
		// Newest first; formulas neutralised; separators and quotes escaped.
		if !strings.HasSuffix(lines[2], ";'-2 pour le loyer;oui;'=1+1;'@SUM(A1)") {
			t.Errorf("formulas not neutralised: %q", lines[2])
		}
		if !strings.HasSuffix(lines[1], `;non;"Texte avec ; et ""guillemets"" et un retour";`) {
			t.Errorf("quoting: %q", lines[1])
		}
		if strings.Contains(body, "chez B") {
			t.Error("B's feedback in A's export")
		}
		if rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/feedback.csv?from=demain", tok, ""); rec.Code != http.StatusBadRequest {
			t.Fatalf("bad period: %d", rec.Code)
		}
	})
}

// TestStatsPage reads the public statistics page as a browser without
// JavaScript would: numbers in HTML, charts in SVG with their tables, no
// script and no external asset.
func TestStatsPage(t *testing.T) {
	s := storetest.New(t, storetest.Dialects(t)[0])
	e := newAdminEnv(t, s, noRateLimits)
	publishTestJourney(t, e)
	rec := e.do(t, http.MethodPost, "/api/v1/public/events", "", `{"partner":"partenaire-a","entry":"social","session":"abcdefghijklmnop","events":[{"type":"loaded"},{"type":"search","query":"loyer","results":1}]}`)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("events: %d %s", rec.Code, rec.Body)
	}
	e.stats(t, "/api/v1/public/stats", func(st httpapi.Stats) error {
		if st.Totals.Loads != 1 {
			return fmt.Errorf("loads %d", st.Totals.Loads)
		}
		return nil
	})
	get := func(url string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, url, nil)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	styleRE := regexp.MustCompile(`(?s)<style>(.*)</style>`)
	tests := []struct {
		name       string
		url        string
		wantStatus int
		want       []string
	}{
		{"national", "/stats", 200, []string{`<html lang="fr">`, "Statistiques d&#39;Aiguillage", "Affichages du module", `<span class="value">1</span>`,
			`<svg viewBox="0 0 640 260" role="img"`, "<polyline", "<caption>Utilisation : valeurs par période</caption>",
			`<a href="/stats/partenaire-a?from=2026-10-29&amp;to=2026-11-27">partenaire-a</a>`, "Du 29/10/2026 au 27/11/2026"}},
		{"partner", "/stats/partenaire-a", 200, []string{"Statistiques — partenaire-a", "Parcours « Aides sociales » : étape par étape",
			"De quoi avez-vous besoin ?", "Par point d'entrée", "<caption>Satisfaction : valeurs par période</caption>"}},
		{"a year, by week", "/stats/partenaire-a?from=2025-11-28&to=2026-11-27", 200, []string{"semaine du 24/11/2025"}},
		{"two years, by month", "/stats?from=2024-11-28&to=2026-11-27", 200, []string{"novembre 2026"}},
		{"bad period", "/stats?from=hier", 200, []string{`role="alert"`, "Période invalide"}},
		{"unknown partner", "/stats/personne", 404, []string{"Statistiques introuvables", "personne"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(tt.url)
			body := rec.Body.String()
			if rec.Code != tt.wantStatus || rec.Header().Get("Content-Type") != "text/html; charset=UTF-8" {
				t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
			}
			checkBody(t, body, tt.want, []string{"<script", "<link", " src=", "https://", "<img"})
			// The Content-Security-Policy allows exactly the inline style.
			m := styleRE.FindStringSubmatch(body)
			sum := sha256.Sum256([]byte(m[1]))
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("CSP %q does not allow the page's style", csp)
			}
		})
	}
	// Cached answers keep the policy.
	if rec := get("/stats"); rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("ETag") == "" {
		t.Fatalf("cached page headers: %v", rec.Header())
	}
}
