package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ContactPointInput is a référent's edit. Nil fields are left unchanged on
// update; on creation, name and channels are required.
type ContactPointInput struct {
	Name        *string
	Description *string
	// Translations replaces every translation of the description (an
	// empty map removes them; blank ones are dropped).
	Translations *map[string]domain.ContactPointText
	Granularity  *domain.Granularity
	// Visibility reserves the contact point to agents (public, the
	// default, organisation_agents or all_agents).
	Visibility *domain.Visibility
	Pivot      *string
	Themes     *[]string
	Channels   *[]domain.Channel
	Address    **domain.Address
	Hours      *domain.OpeningHours
	Coverage   *domain.Coverage
	// Overrides makes this contact point a local adjustment of a national
	// one (its non-empty fields win for this partner's residents).
	Overrides *string
}

func (in ContactPointInput) apply(c *domain.ContactPoint) {
	if in.Name != nil {
		c.Name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		c.Description = strings.TrimSpace(*in.Description)
	}
	if in.Translations != nil {
		c.Translations = nil
		for l, t := range *in.Translations {
			if t.Description = strings.TrimSpace(t.Description); t.Description == "" {
				continue
			}
			if c.Translations == nil {
				c.Translations = map[string]domain.ContactPointText{}
			}
			c.Translations[l] = t
		}
	}
	if in.Granularity != nil {
		c.Granularity = *in.Granularity
	}
	if in.Visibility != nil {
		c.Visibility = domain.Visibility(strings.TrimSpace(string(*in.Visibility))).Or()
	}
	if in.Pivot != nil {
		c.Pivot = *in.Pivot
	}
	if in.Themes != nil {
		c.Themes = *in.Themes
	}
	if in.Channels != nil {
		c.Channels = *in.Channels
	}
	if in.Address != nil {
		c.Address = *in.Address
	}
	if in.Hours != nil {
		c.Hours = *in.Hours
	}
	if in.Overrides != nil {
		c.OverridesID = strings.TrimSpace(*in.Overrides)
	}
	if in.Coverage != nil {
		c.Coverage = *in.Coverage
		if c.Coverage.Rule == "" {
			c.Coverage.Rule = domain.CoverageExplicit
		}
		c.Coverage.Inferred = false
	}
}

// validate checks a contact point as a référent edits it: the domain's
// editing rules, the national contact point it overrides, a kind of office
// the annuaire knows, and themes that exist (national or the
// organisation's). Themes it already carried (old) are not checked again, so
// a theme deleted since does not block other edits. themes is the set of
// known themes when the caller has it (an import), else nil: loaded when
// needed.
func (s *Service) validate(ctx context.Context, c, old *domain.ContactPoint, themes map[string]bool) error {
	err := c.ValidateForEditing(s.communes)
	for i, t := range c.Themes {
		if !domain.ValidSlug(t) || (old != nil && slices.Contains(old.Themes, t)) {
			continue
		}
		if themes == nil {
			var terr error
			if themes, terr = s.knownThemes(ctx, c.OrganisationID); terr != nil {
				return terr
			}
		}
		if !themes[t] {
			err = addField(err, domain.FieldError{Field: fmt.Sprintf("themes[%d]", i), Message: "thème inconnu : « " + t + " » (ni thème national, ni thème de votre organisation)"})
		}
	}
	if c.OverridesID != "" && domain.ValidID(c.OverridesID) {
		target, ferr := s.store.FindContactPointByID(ctx, c.OverridesID)
		if ferr == nil {
			commons, cerr := s.store.FindOrganisationByID(ctx, target.OrganisationID)
			if cerr != nil || commons.Kind != domain.KindCommons {
				ferr = domain.Errorf(domain.ENOTFOUND, "not national")
			}
		}
		if ferr != nil {
			err = addField(err, domain.FieldError{Field: "overrides", Message: "aucun point de contact national ne porte cet identifiant"})
		}
	}
	if c.Pivot != "" && domain.ValidPivot(c.Pivot) && !s.knownPivot(c.Pivot) {
		err = addField(err, domain.FieldError{Field: "pivot", Message: "type d'établissement inconnu de l'annuaire : " + c.Pivot})
	}
	return err
}

// addField adds a field error to a validation error (nil: a new one).
func addField(err error, f domain.FieldError) error {
	if err == nil {
		return domain.Invalid("Le point de contact contient des erreurs.", f)
	}
	if e, ok := err.(*domain.Error); ok {
		e.Fields = append(e.Fields, f)
	}
	return err
}

// rowFieldErrors validates a contact point an imported row describes:
// its field errors (none when valid), or the error that is not about the
// row's fields.
func (s *Service) rowFieldErrors(ctx context.Context, c, old *domain.ContactPoint, themes map[string]bool) ([]domain.FieldError, error) {
	err := s.validate(ctx, c, old, themes)
	var de *domain.Error
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &de) && de.Code == domain.EINVALID:
		return de.Fields, nil
	default:
		return nil, err
	}
}

// knownThemes returns the slugs a contact point of the organisation may
// carry: the national taxonomy and the organisation's own themes.
func (s *Service) knownThemes(ctx context.Context, orgID string) (map[string]bool, error) {
	out := map[string]bool{}
	ids := []string{orgID}
	commons, err := s.store.FindOrganisationBySlug(ctx, domain.CommonsSlug)
	switch {
	case err == nil:
		ids = append(ids, commons.ID)
	case domain.ErrorCode(err) != domain.ENOTFOUND:
		return nil, err
	}
	for _, id := range ids {
		themes, err := s.store.FindThemes(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, t := range themes {
			out[t.Slug] = true
		}
	}
	return out, nil
}

// ListContactPoints lists an organisation's own contact points.
func (s *Service) ListContactPoints(ctx context.Context, a Actor, slug string, f domain.ContactPointFilter) ([]*domain.ContactPoint, int, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, 0, err
	}
	f.OrganisationID = org.ID // never the caller's choice
	f.Commune, f.NearestDepartement = nil, ""
	return s.store.FindContactPoints(ctx, f)
}

// GetContactPoint returns one of the organisation's contact points.
func (s *Service) GetContactPoint(ctx context.Context, a Actor, slug, id string) (*domain.ContactPoint, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	return s.find(ctx, org.ID, id)
}

func (s *Service) find(ctx context.Context, orgID, id string) (*domain.ContactPoint, error) {
	if !domain.ValidID(id) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Point de contact introuvable.")
	}
	c, err := s.store.FindContactPointInOrganisation(ctx, orgID, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "Point de contact introuvable dans cette organisation.")
	}
	return c, err
}

// keepVisibility gives a contact point read from a source file (which knows
// nothing of agents) the visibility of the stored one it updates (public
// when new), and each of its channels the visibility of the stored
// channel of the same kind and value: what a référent reserved to agents
// stays so after an import.
func keepVisibility(c, old *domain.ContactPoint) {
	if old == nil {
		c.Visibility = c.Visibility.Or()
		return
	}
	c.Visibility = old.Visibility.Or()
	for i, ch := range c.Channels {
		if j := slices.IndexFunc(old.Channels, func(o domain.Channel) bool { return o.Kind == ch.Kind && o.Value == ch.Value }); j >= 0 {
			c.Channels[i].Visibility = old.Channels[j].Visibility
		}
	}
}

// newContactPoint is a new contact point of the organisation made of in,
// verified as of now.
func newContactPoint(org *domain.Organisation, id string, src domain.Source, now time.Time, in ContactPointInput) *domain.ContactPoint {
	c := &domain.ContactPoint{ID: id, OrganisationID: org.ID, Granularity: domain.GranularityService, Visibility: domain.VisibilityPublic,
		Coverage: domain.Coverage{Rule: domain.CoverageExplicit}, Source: src, VerifiedAt: &now}
	in.apply(c)
	if in.Coverage == nil && len(org.Territory) > 0 && c.OverridesID == "" {
		// By default a partner's contact point serves the partner's territory.
		c.Coverage.Communes = slices.Clone(org.Territory)
	}
	return c
}

// CreateContactPoint adds a contact point to the organisation.
func (s *Service) CreateContactPoint(ctx context.Context, a Actor, slug string, in ContactPointInput) (*domain.ContactPoint, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	c := newContactPoint(org, domain.NewID(), domain.Source{Kind: domain.SourceManual}, s.now().UTC(), in)
	if err := s.validate(ctx, c, nil, nil); err != nil {
		return nil, err
	}
	if err := s.store.CreateContactPoint(ctx, c, s.audit(a, org.ID, "create", "contact_point", c.ID, diff(&domain.ContactPoint{}, c))); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateContactPoint applies an edit made on version expectedVersion.
func (s *Service) UpdateContactPoint(ctx context.Context, a Actor, slug, id string, expectedVersion int, in ContactPointInput) (*domain.ContactPoint, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	old, err := s.find(ctx, org.ID, id)
	if err != nil {
		return nil, err
	}
	if expectedVersion < 1 {
		return nil, domain.Invalid("Indiquez la version que vous modifiez.",
			domain.FieldError{Field: "If-Match", Message: `en-tête If-Match obligatoire, par exemple If-Match: "3"`})
	}
	c := *old
	in.apply(&c)
	now := s.now().UTC()
	c.VerifiedAt = &now
	if err := s.validate(ctx, &c, old, nil); err != nil {
		return nil, err
	}
	changes := diff(old, &c)
	delete(changes, "VerifiedAt")
	action := "update"
	if len(changes) == 0 {
		// Nothing changed: the référent checked the information and found
		// it right ("Marquer comme vérifié"); only the date moves.
		action = "verify"
		changes = map[string][2]any{"verified_at": {date(old.VerifiedAt), now.Format(time.DateOnly)}}
	}
	if err := s.store.UpdateContactPoint(ctx, &c, expectedVersion, s.audit(a, org.ID, action, "contact_point", c.ID, changes)); err != nil {
		return nil, err
	}
	return &c, nil
}

// DeleteContactPoint removes one of the organisation's contact points.
// expectedVersion 0 skips the version check.
func (s *Service) DeleteContactPoint(ctx context.Context, a Actor, slug, id string, expectedVersion int) error {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return err
	}
	old, err := s.find(ctx, org.ID, id)
	if err != nil {
		return err
	}
	return s.store.DeleteContactPoint(ctx, org.ID, id, expectedVersion,
		s.audit(a, org.ID, "delete", "contact_point", id, diff(old, &domain.ContactPoint{})))
}

// date formats an optional date for the audit log ("" when unset).
func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
