package domain_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

func TestReportMessage(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"plain", "Le bureau a déménagé.", "Le bureau a déménagé.", false},
		{"trimmed, spaces folded", "  Le numéro\n\tne répond   plus  ", "Le numéro ne répond plus", false},
		{"control characters dropped", "fer\x00mé\x07 le lundi", "fermé le lundi", false},
		{"phone scrubbed", "Appelez-moi au 06 12 34 56 78 svp", "Appelez-moi au [téléphone] svp", false},
		{"name scrubbed", "Je m'appelle Jean Dupont, le numéro est faux", "Je m'appelle [nom], le numéro est faux", false},
		{"e-mail scrubbed", "écrivez à jean.dupont@exemple.fr", "écrivez à [courriel]", false},
		{"three characters", "abc", "abc", false},
		{"500 characters", strings.Repeat("é", 500), strings.Repeat("é", 500), false},
		{"empty", "", "", true},
		{"only spaces", " \n\t ", "", true},
		{"two characters once cleaned", " a\x00b ", "", true},
		{"501 characters", strings.Repeat("é", 501), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ReportMessage(tt.in)
			if tt.wantErr {
				if !slices.Equal(fieldsOf(err), []string{"message"}) {
					t.Fatalf("ReportMessage(%q) = %q, %v; want an error naming message", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ReportMessage(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestReportValidate(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	valid := func() *domain.Report {
		return &domain.Report{ContactPointID: domain.NewID(), OrganisationID: "org", Message: "Le bureau a déménagé.", Status: domain.ReportOpen}
	}
	tests := []struct {
		name       string
		mutate     func(r *domain.Report)
		wantFields []string
	}{
		{"valid", func(*domain.Report) {}, nil},
		{"resolved", func(r *domain.Report) {
			r.Status, r.ResolvedAt, r.ResolvedBy = domain.ReportResolved, &at, domain.NewID()
		}, nil},
		{"bad contact point id", func(r *domain.Report) { r.ContactPointID = "42" }, []string{"contact_point_id"}},
		{"no owner", func(r *domain.Report) { r.OrganisationID = "" }, []string{"organisation_id"}},
		{"no message", func(r *domain.Report) { r.Message = " " }, []string{"message"}},
		{"unscrubbed phone", func(r *domain.Report) { r.Message = "rappelez le 06 12 34 56 78" }, []string{"message"}},
		{"unscrubbed name", func(r *domain.Report) { r.Message = "je m'appelle Jean Dupont" }, []string{"message"}},
		{"unknown status", func(r *domain.Report) { r.Status = "closed" }, []string{"status"}},
		{"resolved without date", func(r *domain.Report) { r.Status = domain.ReportResolved }, []string{"resolved_at"}},
		{"open with a resolution", func(r *domain.Report) { r.ResolvedAt = &at }, []string{"status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.mutate(r)
			if got := fieldsOf(r.Validate()); !slices.Equal(got, tt.wantFields) {
				t.Fatalf("fields = %v, want %v", got, tt.wantFields)
			}
		})
	}
}
