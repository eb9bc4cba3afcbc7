package domain

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/privacy"
)

// Report statuses.
const (
	// ReportOpen is a report no référent has dealt with yet.
	ReportOpen = "open"
	// ReportResolved is a report a référent has dealt with.
	ReportResolved = "resolved"
)

// ReportResponseTime is the freshness deadline of a report: the référents
// are expected to check the contact point within it (the inbox shows the
// reports past it first).
const ReportResponseTime = 15 * 24 * time.Hour

// DueAt is when the report should have been dealt with.
func (r *Report) DueAt() time.Time { return r.CreatedAt.Add(ReportResponseTime) }

// Overdue reports whether an open report is past its deadline at now.
func (r *Report) Overdue(now time.Time) bool { return r.Status == ReportOpen && now.After(r.DueAt()) }

// Bounds of a report's message, in characters, counted on what the
// resident wrote once trimmed and cleaned of control characters.
const (
	MinReportMessageRunes = 3
	MaxReportMessageRunes = 500
)

// maxReportMessageBytes bounds a stored (scrubbed) message: placeholders
// are longer than what they hide, by at most privacy.MaxGrowth.
const maxReportMessageBytes = MaxReportMessageRunes * utf8.UTFMax * privacy.MaxGrowth

// Report is a resident's "Information incorrecte ?" about a contact point.
// It reaches the référents of the organisation that owns the contact point.
type Report struct {
	ID             string
	ContactPointID string
	// ContactPointName is the name the resident saw, kept as it was then.
	ContactPointName string
	// OrganisationID owns the contact point, and so the report: the
	// national commons for the national directory (read by platform admins),
	// the partner for its own contact points and local overrides.
	OrganisationID string
	// PartnerID is the organisation whose widget the report came from, ""
	// when none.
	PartnerID string
	// PartnerSlug is filled by reads, for display.
	PartnerSlug string
	// Message is what the resident wrote, in the form ReportMessage
	// returns: cleaned and scrubbed of personal data.
	Message    string
	Status     string
	CreatedAt  time.Time
	ResolvedAt *time.Time
	// ResolvedBy is the id of the user who resolved it.
	ResolvedBy string
}

// ReportMessage returns the form of a resident's message that may be
// stored: white space runs turned into one space and trimmed, control and
// format characters and invalid bytes removed, then personal data replaced
// by placeholders (privacy.Scrub). The cleaned text must hold between
// MinReportMessageRunes and MaxReportMessageRunes characters; otherwise the
// error names the field "message".
func ReportMessage(raw string) (string, error) {
	s := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(raw, ""))
	s = strings.Join(strings.Fields(s), " ")
	var v Validation
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		v.Add("message", "est obligatoire")
	case n < MinReportMessageRunes:
		v.Add("message", "doit faire au moins %d caractères", MinReportMessageRunes)
	case n > MaxReportMessageRunes:
		v.Add("message", "ne doit pas dépasser %d caractères", MaxReportMessageRunes)
	}
	if err := v.Err("Signalement invalide."); err != nil {
		return "", err
	}
	return privacy.Scrub(s), nil
}

// ValidReportStatus reports whether s is a report status.
func ValidReportStatus(s string) bool { return s == ReportOpen || s == ReportResolved }

// Validate checks a report before it is stored. A message not in the form
// ReportMessage gives is refused, so nothing unscrubbed is ever stored.
func (r *Report) Validate() error {
	var v Validation
	if r.ID != "" && !ValidID(r.ID) {
		v.Add("id", "doit être un UUID")
	}
	if !ValidID(r.ContactPointID) {
		v.Add("contact_point_id", "doit être un UUID")
	}
	if r.OrganisationID == "" {
		v.Add("organisation_id", "est obligatoire")
	}
	if utf8.RuneCountInString(r.ContactPointName) > 300 {
		v.Add("contact_point_name", "ne doit pas dépasser 300 caractères")
	}
	switch {
	case strings.TrimSpace(r.Message) == "":
		v.Add("message", "est obligatoire")
	case len(r.Message) > maxReportMessageBytes || !utf8.ValidString(r.Message) || r.Message != privacy.Scrub(r.Message):
		v.Add("message", "doit être nettoyé des données personnelles (ReportMessage)")
	}
	switch r.Status {
	case ReportOpen:
		if r.ResolvedAt != nil || r.ResolvedBy != "" {
			v.Add("status", "un signalement ouvert n'a ni date ni auteur de résolution")
		}
	case ReportResolved:
		if r.ResolvedAt == nil {
			v.Add("resolved_at", "est obligatoire pour un signalement traité")
		}
	default:
		v.Add("status", "doit valoir open ou resolved")
	}
	return v.Err("Signalement invalide.")
}

// ReportStore persists the residents' reports.
type ReportStore interface {
	// CreateReport stores r, giving it an ID when it has none and a
	// CreatedAt when zero.
	CreateReport(ctx context.Context, r *Report) error
	// FindReports lists the reports an organisation owns, with one status
	// ("" for all), newest first, and their total number.
	FindReports(ctx context.Context, organisationID, status string, p Page) ([]*Report, int, error)
	// ResolveReport marks an open report of the organisation resolved by
	// that user at that time and appends the audit entry, in one
	// transaction. ENOTFOUND when the organisation has no such report,
	// ECONFLICT when it is already resolved.
	ResolveReport(ctx context.Context, organisationID, id string, by string, at time.Time, audit *AuditEntry) (*Report, error)
}
