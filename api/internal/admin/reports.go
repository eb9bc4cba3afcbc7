package admin

import (
	"context"
	"errors"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ReportContactPoint records a resident's "Information incorrecte ?" about
// a contact point, seen on the widget of the partner named by partnerSlug
// ("" when none). Like Logo, it is a public entry point of this service,
// without actor: the report is a message to the référents, and this
// service is where they read and resolve it, so the rule deciding who
// receives it lives next to the rules on who reads it.
//
// The report goes to the organisation that owns the contact point: the
// national commons for the national directory, the partner for its own
// contact points. When the partner adjusts that national contact point
// locally (an override, which residents see merged into it under the
// national id), the report goes to the partner and names its override:
// what the resident saw is the partner's presentation, which the partner
// can correct.
//
// The message is cleaned and scrubbed of personal data (domain.ReportMessage)
// before it is stored; it is never logged.
func (s *Service) ReportContactPoint(ctx context.Context, contactPointID, partnerSlug, message string) (*domain.Report, error) {
	var v domain.Validation
	if !domain.ValidID(contactPointID) {
		v.Add("id", "doit être un UUID, par exemple 3f2b8c1e-0d4a-5b6c-8d7e-9f0a1b2c3d4e")
	}
	msg, err := domain.ReportMessage(message)
	var de *domain.Error
	switch {
	case errors.As(err, &de) && de.Code == domain.EINVALID:
		v.Fields = append(v.Fields, de.Fields...)
	case err != nil:
		return nil, err
	}
	if err := v.Err("Signalement invalide."); err != nil {
		return nil, err
	}
	cp, err := s.store.FindContactPointByID(ctx, contactPointID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "Aucun point de contact ne porte l'identifiant %s.", contactPointID)
	}
	if err != nil {
		return nil, err
	}
	r := &domain.Report{ContactPointID: cp.ID, ContactPointName: cp.Name, OrganisationID: cp.OrganisationID,
		Message: msg, Status: domain.ReportOpen, CreatedAt: s.now().UTC()}
	if partnerSlug != "" {
		partner, err := s.partner(ctx, partnerSlug)
		if err != nil {
			return nil, err
		}
		r.PartnerID = partner.ID
		if partner.ID != cp.OrganisationID && cp.OverridesID == "" {
			overrides, err := s.store.FindOverrides(ctx, partner.ID)
			if err != nil {
				return nil, err
			}
			if ov, ok := overrides[cp.ID]; ok {
				r.ContactPointID, r.OrganisationID = ov.ID, partner.ID
			}
		}
	}
	if err := s.store.CreateReport(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// partner finds the organisation whose widget a public request came from.
func (s *Service) partner(ctx context.Context, slug string) (*domain.Organisation, error) {
	notFound := domain.Errorf(domain.ENOTFOUND, "Aucun partenaire ne porte l'identifiant %q.", slug)
	if !domain.ValidSlug(slug) {
		return nil, notFound
	}
	o, err := s.store.FindOrganisationBySlug(ctx, slug)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	}
	return o, err
}

// Reports lists the reports an organisation owns, with one status ("" for
// all), newest first (viewers and up; on the national commons, platform
// admins).
func (s *Service) Reports(ctx context.Context, a Actor, slug, status string, p domain.Page) ([]*domain.Report, int, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, 0, err
	}
	if status != "" && !domain.ValidReportStatus(status) {
		return nil, 0, domain.Invalid("Paramètres invalides.", domain.FieldError{Field: "status", Message: "doit valoir open ou resolved"})
	}
	return s.store.FindReports(ctx, org.ID, status, p)
}

// ResolveReport marks a report dealt with (editors and up), and records it
// in the audit log. A report already resolved is a conflict.
func (s *Service) ResolveReport(ctx context.Context, a Actor, slug, id string) (*domain.Report, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	if !domain.ValidID(id) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Signalement introuvable.")
	}
	return s.store.ResolveReport(ctx, org.ID, id, a.UserID, s.now(),
		s.audit(a, org.ID, "resolve", "report", id, map[string][2]any{"status": {domain.ReportOpen, domain.ReportResolved}}))
}
