package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// TestContactPointsNotVerifiedSince lists the contact points to check
// again: verified_before keeps those verified before an instant and those
// never verified; sort=verified_at and -verified_at order them, never
// verified first or last; total counts the filtered set; another
// organisation's stale contact points never appear.
func TestContactPointsNotVerifiedSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		ctx := context.Background()
		at := func(v string) *time.Time {
			tm, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t.Fatal(err)
			}
			return &tm
		}
		add := func(org *domain.Organisation, name string, verified *time.Time) string {
			c := &domain.ContactPoint{ID: domain.NewID(), OrganisationID: org.ID, Name: name, Pivot: "mds", VerifiedAt: verified,
				Channels: []domain.Channel{{Kind: domain.ChannelPhone, Value: "3230"}},
				Coverage: domain.Coverage{Rule: domain.CoverageExplicit, Communes: []string{"83137"}}, Source: domain.Source{Kind: domain.SourceManual}}
			if err := s.CreateContactPoint(ctx, c, &domain.AuditEntry{OrganisationID: org.ID, Action: "create", EntityType: "contact_point"}); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		// Organisation A: e.cpA and one more never verified, four verified.
		never := []string{e.cpA, add(e.orgA, "Jamais vérifié", nil)}
		slices.Sort(never) // ties are broken by id
		june := add(e.orgA, "Juin 2025", at("2025-06-01T10:00:00Z"))
		newYearsEve := add(e.orgA, "Saint-Sylvestre", at("2025-12-31T23:59:59.5Z"))
		midnight := add(e.orgA, "Minuit", at("2026-01-01T00:00:00Z"))
		march := add(e.orgA, "Mars 2026", at("2026-03-15T08:30:00Z"))
		// Organisation B: stale ones, which A must never see.
		staleB := []string{e.cpB, add(e.orgB, "Ancien de B", at("2020-01-01T00:00:00Z"))}

		A := "/api/v1/admin/organisations/partenaire-a/contact-points"
		tok := e.login(t, "a-viewer").AccessToken
		list := func(t *testing.T, url string) httpapi.AdminContactPointList {
			t.Helper()
			rec := e.do(t, http.MethodGet, url, tok, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", url, rec.Code, rec.Body)
			}
			var l httpapi.AdminContactPointList
			mustJSON(t, rec.Body.Bytes(), &l)
			return l
		}
		ids := func(l httpapi.AdminContactPointList) []string {
			out := make([]string, len(l.ContactPoints))
			for i, cp := range l.ContactPoints {
				out[i] = cp.ID
			}
			return out
		}
		sorted := func(v ...string) []string { return slices.Sorted(slices.Values(v)) }

		tests := []struct {
			name, query string
			want        []string // in order when ordered, else sorted
			ordered     bool
			total       int
		}{
			{name: "no filter", query: "", want: sorted(never[0], never[1], june, newYearsEve, midnight, march), total: 6},
			{name: "date: midnight UTC, excluded", query: "?verified_before=2026-01-01",
				want: sorted(never[0], never[1], june, newYearsEve), total: 4},
			{name: "date-time just after midnight", query: "?verified_before=2026-01-01T00:00:01Z",
				want: sorted(never[0], never[1], june, newYearsEve, midnight), total: 5},
			{name: "date-time with an offset", query: "?verified_before=2026-01-01T01:00:00%2B01:00",
				want: sorted(never[0], never[1], june, newYearsEve), total: 4},
			{name: "date-time with fractional seconds", query: "?verified_before=2025-12-31T23:59:59.4Z",
				want: sorted(never[0], never[1], june), total: 3},
			{name: "long ago: never verified only", query: "?verified_before=2000-01-01", want: never, total: 2},
			{name: "far ahead: all", query: "?verified_before=2100-01-01T00:00:00Z",
				want: sorted(never[0], never[1], june, newYearsEve, midnight, march), total: 6},
			{name: "sort verified_at: never verified first", query: "?sort=verified_at",
				want: []string{never[0], never[1], june, newYearsEve, midnight, march}, ordered: true, total: 6},
			{name: "sort -verified_at: never verified last", query: "?sort=-verified_at",
				want: []string{march, midnight, newYearsEve, june, never[0], never[1]}, ordered: true, total: 6},
			{name: "filtered and sorted", query: "?verified_before=2026-01-01&sort=-verified_at",
				want: []string{newYearsEve, june, never[0], never[1]}, ordered: true, total: 4},
			{name: "a page counts the filtered set", query: "?verified_before=2026-01-01&sort=verified_at&limit=2&offset=1",
				want: []string{never[1], june}, ordered: true, total: 4},
			{name: "with another filter", query: "?verified_before=2026-01-01&q=juin", want: []string{june}, total: 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				l := list(t, A+tt.query)
				got := ids(l)
				if !tt.ordered {
					slices.Sort(got)
				}
				if !slices.Equal(got, tt.want) || l.Total != tt.total {
					t.Fatalf("%s: got %v (total %d), want %v (total %d)", tt.query, got, l.Total, tt.want, tt.total)
				}
				for _, id := range staleB {
					if slices.Contains(got, id) {
						t.Fatalf("%s: organisation B's contact point %s listed for A", tt.query, id)
					}
				}
			})
		}

		t.Run("malformed", func(t *testing.T) {
			for _, q := range []string{"verified_before=hier", "verified_before=2026-13-01", "verified_before=2026-01-01T10:00:00",
				"verified_before=01%2F01%2F2026", "verified_before=2026-1-1", "sort=verified"} {
				rec := e.do(t, http.MethodGet, A+"?"+q, tok, "")
				field, _, _ := strings.Cut(q, "=")
				if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/problem+json" ||
					!strings.Contains(rec.Body.String(), `"field":"`+field+`"`) {
					t.Errorf("%s = %d %s, want 400 naming %s", q, rec.Code, rec.Body, field)
				}
			}
			rec := e.do(t, http.MethodGet, A+"?verified_before=hier", tok, "")
			if !strings.Contains(rec.Body.String(), "AAAA-MM-JJ") {
				t.Errorf("message not in French: %s", rec.Body)
			}
		})

		t.Run("tenant isolation", func(t *testing.T) {
			// B's référent sees only B's stale contact points.
			tokB := e.login(t, "b-viewer").AccessToken
			rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-b/contact-points?verified_before=2026-01-01&sort=verified_at", tokB, "")
			var l httpapi.AdminContactPointList
			mustJSON(t, rec.Body.Bytes(), &l)
			if got := ids(l); rec.Code != http.StatusOK || l.Total != 2 || !slices.Equal(sorted(got...), sorted(staleB...)) {
				t.Fatalf("B: %d %v (total %d), want %v", rec.Code, got, l.Total, staleB)
			}
			// A's référent cannot list B's, filter or not.
			if rec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-b/contact-points?verified_before=2026-01-01", tok, ""); rec.Code != http.StatusNotFound {
				t.Fatalf("A on B = %d, want 404", rec.Code)
			}
		})
	})
}
