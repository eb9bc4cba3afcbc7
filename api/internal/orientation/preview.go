package orientation

import (
	"context"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// draftPublished is a draft in the published shape. Its entry point is the
// first one that starts on the journey, if any (its name and branding, as
// residents will see them); its version is 0: it is not published.
func draftPublished(org *domain.Organisation, d *Draft) *Published {
	p := &Published{Organisation: org, Journey: d.Journey, Version: 0, OutcomeIDs: outcomeIDs(org.ID, d.Journey)}
	for i, e := range org.EntryPoints {
		if e.Journey == d.Record.Slug {
			p.Entry = &org.EntryPoints[i]
			break
		}
	}
	return p
}

// previewDraft loads the current draft a preview token names. The caller
// has checked the token; the organisation or the journey may have been
// deleted since it was issued.
func (s *Service) previewDraft(ctx context.Context, orgID, slug string) (*domain.Organisation, *Draft, error) {
	org, err := s.store.FindOrganisationByID(ctx, orgID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil, domain.Errorf(domain.ENOTFOUND, "Ce parcours n'existe plus.")
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := s.draft(ctx, org.ID, slug)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil, domain.Errorf(domain.ENOTFOUND, "Ce parcours n'existe plus.")
	}
	if err != nil {
		return nil, nil, err
	}
	return org, d, nil
}

// DraftPreview returns the current draft of an organisation's journey (the
// organisation by id, as a preview token names it) in the published shape:
// a draft saved after the token was issued is the one returned.
func (s *Service) DraftPreview(ctx context.Context, orgID, slug string) (*Published, error) {
	org, d, err := s.previewDraft(ctx, orgID, slug)
	if err != nil {
		return nil, err
	}
	return draftPublished(org, d), nil
}

// DraftOutcome resolves an outcome of a journey's current draft for a
// commune exactly as Outcome does for published journeys; id is one of the
// draft's outcome ids (DraftPreview's OutcomeIDs). v is who it is for
// (see OutcomeFor).
func (s *Service) DraftOutcome(ctx context.Context, orgID, slug, id, communeCode string, v domain.Viewer) (*OutcomeAnswer, error) {
	org, d, err := s.previewDraft(ctx, orgID, slug)
	if err != nil {
		return nil, err
	}
	for step, oid := range outcomeIDs(org.ID, d.Journey) {
		if oid != id {
			continue
		}
		if st, ok := d.Journey.Step(step); ok && st.Outcome != nil {
			return s.answer(ctx, id, org, d.Journey, st, communeCode, v)
		}
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "Aucune issue de ce brouillon ne porte cet identifiant.")
}
