package store_test

import (
	"context"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

func createReport(t *testing.T, s *store.Store, r domain.Report) *domain.Report {
	t.Helper()
	if r.Message == "" {
		r.Message = "Le bureau a déménagé."
	}
	if err := s.CreateReport(context.Background(), &r); err != nil {
		t.Fatalf("create report %+v: %v", r, err)
	}
	return &r
}

func reportIDs(rs []*domain.Report) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestReportsFindAndResolve(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := seedOrg(t, s, "var"), seedOrg(t, s, "lille")
		dep := domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}}
		cpA, cpB := office(a.ID, "report-a", "caf", dep, "83137"), office(b.ID, "report-b", "caf", dep, "83137")
		if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{cpA, cpB}); err != nil {
			t.Fatal(err)
		}
		r1 := createReport(t, s, domain.Report{ContactPointID: cpA.ID, ContactPointName: cpA.Name, OrganisationID: a.ID, PartnerID: b.ID, CreatedAt: day(1)})
		r2 := createReport(t, s, domain.Report{ContactPointID: cpA.ID, OrganisationID: a.ID, CreatedAt: day(2)})
		createReport(t, s, domain.Report{ContactPointID: cpB.ID, OrganisationID: b.ID, CreatedAt: day(3)})
		if r1.ID == "" || r1.Status != domain.ReportOpen {
			t.Fatalf("created %+v: want an id and the open status", r1)
		}

		list := func(org, status string, p domain.Page) ([]*domain.Report, int) {
			t.Helper()
			rs, total, err := s.FindReports(ctx, org, status, p)
			if err != nil {
				t.Fatal(err)
			}
			return rs, total
		}
		rs, total := list(a.ID, "", domain.Page{})
		if total != 2 || len(rs) != 2 || rs[0].ID != r2.ID || rs[1].ID != r1.ID {
			t.Fatalf("A's reports = %v (total %d), want newest first [%s %s]", reportIDs(rs), total, r2.ID, r1.ID)
		}
		if got := rs[1]; got.PartnerSlug != "lille" || got.PartnerID != b.ID || got.ContactPointName != cpA.Name ||
			got.Message != "Le bureau a déménagé." || !got.CreatedAt.Equal(day(1)) || got.ResolvedAt != nil {
			t.Fatalf("stored report %+v", got)
		}
		if rs, total := list(a.ID, domain.ReportOpen, domain.Page{Limit: 1, Offset: 1}); total != 2 || len(rs) != 1 || rs[0].ID != r1.ID {
			t.Fatalf("second page = %v (total %d)", reportIDs(rs), total)
		}

		// Resolving is scoped to the owner, audited, and happens once.
		at := day(4)
		audit := func() *domain.AuditEntry {
			return &domain.AuditEntry{OrganisationID: a.ID, UserID: "u", Action: "resolve", EntityType: "report", EntityID: r1.ID}
		}
		if _, err := s.ResolveReport(ctx, b.ID, r1.ID, "u", at, audit()); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("resolve from another organisation: %v, want not found", err)
		}
		got, err := s.ResolveReport(ctx, a.ID, r1.ID, "u", at, audit())
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.ReportResolved || got.ResolvedAt == nil || !got.ResolvedAt.Equal(at) || got.ResolvedBy != "u" || got.PartnerSlug != "lille" {
			t.Fatalf("resolved = %+v", got)
		}
		if _, err := s.ResolveReport(ctx, a.ID, r1.ID, "v", day(5), audit()); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("second resolve: %v, want conflict", err)
		}
		if rs, _ := list(a.ID, domain.ReportResolved, domain.Page{}); len(rs) != 1 || rs[0].ID != r1.ID || rs[0].ResolvedBy != "u" {
			t.Fatalf("resolved list = %+v", rs)
		}
		if rs, _ := list(a.ID, domain.ReportOpen, domain.Page{}); len(rs) != 1 || rs[0].ID != r2.ID {
			t.Fatalf("open list = %v", reportIDs(rs))
		}
		entries, _, err := s.FindAudit(ctx, a.ID, domain.Page{Limit: 10})
		if err != nil || len(entries) != 1 || entries[0].Action != "resolve" || entries[0].EntityID != r1.ID {
			t.Fatalf("audit = %+v, %v; want the one resolution", entries, err)
		}
	})
}

func TestReportsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := seedOrg(t, s, "var")
		cp := office(a.ID, "report-a", "caf", domain.Coverage{Rule: domain.CoverageExplicit, National: true}, "83137")
		if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{cp}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			report domain.Report
			code   string
		}{
			{"unscrubbed phone", domain.Report{ContactPointID: cp.ID, OrganisationID: a.ID, Message: "rappelez le 06 12 34 56 78"}, domain.EINVALID},
			{"unscrubbed e-mail", domain.Report{ContactPointID: cp.ID, OrganisationID: a.ID, Message: "jean.dupont@gmail.com"}, domain.EINVALID},
			{"unknown contact point", domain.Report{ContactPointID: domain.NewID(), OrganisationID: a.ID, Message: "fermé"}, domain.EINVALID},
			{"unknown owner", domain.Report{ContactPointID: cp.ID, OrganisationID: domain.NewID(), Message: "fermé"}, domain.EINVALID},
			{"unknown partner", domain.Report{ContactPointID: cp.ID, OrganisationID: a.ID, PartnerID: domain.NewID(), Message: "fermé"}, domain.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.report
				if err := s.CreateReport(ctx, &r); domain.ErrorCode(err) != tt.code {
					t.Fatalf("create = %v, want %s", err, tt.code)
				}
			})
		}
		if _, total, err := s.FindReports(ctx, a.ID, "", domain.Page{}); err != nil || total != 0 {
			t.Fatalf("stored %d reports (%v), want none", total, err)
		}
	})
}

// A report goes with its contact point and with its owner; the partner it
// came from may go without it.
func TestReportsCascade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := seedOrg(t, s, "var"), seedOrg(t, s, "lille")
		dep := domain.Coverage{Rule: domain.CoverageExplicit, Departements: []string{"83"}}
		cp1, cp2 := office(a.ID, "report-1", "caf", dep, "83137"), office(a.ID, "report-2", "caf", dep, "83137")
		if _, err := s.UpsertContactPoints(ctx, []*domain.ContactPoint{cp1, cp2}); err != nil {
			t.Fatal(err)
		}
		gone := createReport(t, s, domain.Report{ContactPointID: cp1.ID, OrganisationID: a.ID, CreatedAt: day(1)})
		kept := createReport(t, s, domain.Report{ContactPointID: cp2.ID, OrganisationID: a.ID, PartnerID: b.ID, CreatedAt: day(2)})
		count := func() []*domain.Report {
			t.Helper()
			rs, _, err := s.FindReports(ctx, a.ID, "", domain.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}

		if err := s.DeleteContactPoint(ctx, a.ID, cp1.ID, 0, &domain.AuditEntry{OrganisationID: a.ID, Action: "delete", EntityType: "contact_point"}); err != nil {
			t.Fatal(err)
		}
		if rs := count(); len(rs) != 1 || rs[0].ID != kept.ID {
			t.Fatalf("after deleting %s's contact point: %v", gone.ID, reportIDs(rs))
		}
		if err := s.DeleteOrganisation(ctx, b.ID, &domain.AuditEntry{Action: "delete", EntityType: "organisation"}); err != nil {
			t.Fatal(err)
		}
		if rs := count(); len(rs) != 1 || rs[0].PartnerID != "" || rs[0].PartnerSlug != "" {
			t.Fatalf("after deleting the partner: %+v, want the report without partner", rs)
		}
		if err := s.DeleteOrganisation(ctx, a.ID, &domain.AuditEntry{Action: "delete", EntityType: "organisation"}); err != nil {
			t.Fatal(err)
		}
		if rs := count(); len(rs) != 0 {
			t.Fatalf("after deleting the owner: %v", reportIDs(rs))
		}
	})
}
