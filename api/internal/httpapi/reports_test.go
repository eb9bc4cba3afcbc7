package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// withRateLimits sets the public API's rate limits of a test server.
func withRateLimits(l httpapi.PublicRateLimits) func(*httpapi.Deps) {
	return func(d *httpapi.Deps) { d.PublicRateLimits = &l }
}

// withoutWriteLimit lifts the write limit, for tests that post many
// reports from one address; reads keep their default limit.
var withoutWriteLimit = withRateLimits(httpapi.PublicRateLimits{Read: httpapi.DefaultPublicRateLimits().Read})

func TestContactPointReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var logs bytes.Buffer
		e := newAdminEnv(t, s, withoutWriteLimit, func(d *httpapi.Deps) {
			d.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		})
		ctx := context.Background()
		// A national office, which partner A adjusts locally.
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
		override := &domain.ContactPoint{ID: domain.NewID(), OrganisationID: e.orgA.ID, Name: "Caf — accueil local", OverridesID: national.ID,
			Hours:    domain.OpeningHours{Note: "Permanence le mercredi"},
			Coverage: domain.Coverage{Rule: domain.CoverageExplicit}, Source: domain.Source{Kind: domain.SourceManual}}
		if err := s.CreateContactPoint(ctx, override, &domain.AuditEntry{OrganisationID: e.orgA.ID, Action: "create", EntityType: "contact_point"}); err != nil {
			t.Fatal(err)
		}

		const personal = `Je m'appelle Jean Dupont, rappelez-moi au 06 12 34 56 78 : ce numéro ne répond plus`
		tests := []struct {
			name, id, body string
			want           int
			field          string
		}{
			{"phone number and name", e.cpA, `{"message":"` + personal + `","partner":"partenaire-b"}`, http.StatusAccepted, ""},
			{"national, from the partner that adjusts it", national.ID, `{"message":"La permanence du mercredi n'existe plus","partner":"partenaire-a"}`, http.StatusAccepted, ""},
			{"national, from another partner", national.ID, `{"message":"Le numéro national est saturé","partner":"partenaire-b"}`, http.StatusAccepted, ""},
			{"unknown contact point", domain.NewID(), `{"message":"Le bureau a fermé"}`, http.StatusNotFound, ""},
			{"malformed identifier", "42", `{"message":"Le bureau a fermé"}`, http.StatusBadRequest, "id"},
			{"unknown partner", e.cpA, `{"message":"Le bureau a fermé","partner":"inconnu"}`, http.StatusNotFound, ""},
			{"empty message", e.cpA, `{"message":" \n "}`, http.StatusBadRequest, "message"},
			{"no message", e.cpA, `{"partner":"partenaire-a"}`, http.StatusBadRequest, "message"},
			{"too short", e.cpA, `{"message":"ok"}`, http.StatusBadRequest, "message"},
			{"too long", e.cpA, `{"message":"` + strings.Repeat("é", 501) + `"}`, http.StatusBadRequest, "message"},
			{"unknown field", e.cpA, `{"message":"Le bureau a fermé","email":"jean@exemple.fr"}`, http.StatusBadRequest, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec := e.do(t, http.MethodPost, "/api/v1/public/contact-points/"+tt.id+"/reports", "", tt.body)
				if rec.Code != tt.want {
					t.Fatalf("= %d %s, want %d", rec.Code, rec.Body, tt.want)
				}
				if tt.want == http.StatusAccepted && strings.TrimSpace(rec.Body.String()) != `{"status":"received"}` {
					t.Fatalf("body %s", rec.Body)
				}
				if tt.field != "" && !strings.Contains(rec.Body.String(), `"field":"`+tt.field+`"`) {
					t.Fatalf("%s does not name the field %s", rec.Body, tt.field)
				}
			})
		}

		list := func(t *testing.T, user, org, query string) httpapi.ReportList {
			t.Helper()
			rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/"+org+"/reports"+query, e.login(t, user).AccessToken, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("list %s as %s: %d %s", org, user, rec.Code, rec.Body)
			}
			var l httpapi.ReportList
			mustJSON(t, rec.Body.Bytes(), &l)
			return l
		}
		// The owner reads them, scrubbed; the partner whose widget took
		// the report does not.
		own := list(t, "a-viewer", "partenaire-a", "")
		if own.Total != 2 || len(own.Reports) != 2 {
			t.Fatalf("A's reports: %+v", own)
		}
		byPoint := map[string]httpapi.Report{}
		for _, r := range own.Reports {
			byPoint[r.ContactPointID] = r
		}
		scrubbed := byPoint[e.cpA]
		if scrubbed.Partner != "partenaire-b" || scrubbed.Status != "open" || scrubbed.ContactPointName != "MDS de partenaire-a" ||
			!strings.Contains(scrubbed.Message, "[téléphone]") || !strings.Contains(scrubbed.Message, "[nom]") ||
			strings.Contains(scrubbed.Message, "Dupont") || strings.Contains(scrubbed.Message, "56 78") {
			t.Fatalf("report on A's contact point: %+v", scrubbed)
		}
		if local := byPoint[override.ID]; local.Partner != "partenaire-a" || local.ContactPointName != "Caf (3230)" {
			t.Fatalf("report on A's adjustment of the national office: %+v (all: %+v)", local, own.Reports)
		}
		if other := list(t, "b-admin", "partenaire-b", ""); other.Total != 0 || len(other.Reports) != 0 {
			t.Fatalf("B reads %+v", other)
		}
		if national := list(t, "platform", domain.CommonsSlug, ""); national.Total != 1 || national.Reports[0].Message != "Le numéro national est saturé" {
			t.Fatalf("commons' reports: %+v", national)
		}
		if strings.Contains(logs.String(), "Dupont") || strings.Contains(logs.String(), "56 78") {
			t.Fatalf("the message reached the logs:\n%s", logs.String())
		}

		// An editor resolves; once.
		tok := e.login(t, "a-editor").AccessToken
		resolve := "/api/v1/admin/organisations/partenaire-a/reports/" + scrubbed.ID + "/resolve"
		rec := e.do(t, http.MethodPost, resolve, tok, "")
		var done httpapi.Report
		mustJSON(t, rec.Body.Bytes(), &done)
		if rec.Code != http.StatusOK || done.Status != "resolved" || done.ResolvedAt == "" || done.ResolvedBy != e.users["a-editor"].ID ||
			done.CreatedAt != "2026-11-27T10:00:00Z" {
			t.Fatalf("resolve = %d %+v", rec.Code, done)
		}
		if rec := e.do(t, http.MethodPost, resolve, tok, ""); rec.Code != http.StatusConflict {
			t.Fatalf("second resolve = %d %s", rec.Code, rec.Body)
		}
		// Its deadline is 15 days after the report; resolving it marks the
		// contact point verified as of the resolution.
		if done.DueAt != "2026-12-12T10:00:00Z" || done.Overdue {
			t.Fatalf("deadline: %+v", done)
		}
		cp, err := e.store.FindContactPointByID(context.Background(), e.cpA)
		if err != nil {
			t.Fatal(err)
		}
		if cp.VerifiedAt == nil || cp.VerifiedAt.Format(time.RFC3339) != done.ResolvedAt {
			t.Fatalf("contact point verified at %v, resolved at %s", cp.VerifiedAt, done.ResolvedAt)
		}
		if open := list(t, "a-viewer", "partenaire-a", "?status=open"); open.Total != 1 || open.Reports[0].ContactPointID != override.ID {
			t.Fatalf("open: %+v", open)
		}
		if closed := list(t, "a-viewer", "partenaire-a", "?status=resolved&limit=1"); closed.Total != 1 || closed.Reports[0].ID != scrubbed.ID {
			t.Fatalf("resolved: %+v", closed)
		}
		if rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/reports?status=ferme", tok, ""); rec.Code != http.StatusBadRequest ||
			!strings.Contains(rec.Body.String(), `"field":"status"`) {
			t.Fatalf("unknown status = %d %s", rec.Code, rec.Body)
		}
		// The resolution is in the audit log.
		var audit httpapi.AuditList
		mustJSON(t, e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/audit", e.login(t, "a-admin").AccessToken, "").Body.Bytes(), &audit)
		// The fixture's own entries carry the wall-clock time while the
		// resolution carries the test clock's: look the entry up rather than
		// rely on its rank.
		resolved := 0
		for _, entry := range audit.Entries {
			if entry.Action == "resolve" {
				resolved++
				if entry.EntityID != scrubbed.ID || entry.UserEmail != "a-editor@exemple.fr" || entry.EntityType != "report" {
					t.Fatalf("audit entry: %+v", entry)
				}
			}
		}
		if resolved != 1 {
			t.Fatalf("audit: %d resolutions in %+v", resolved, audit.Entries)
		}
	})
}
