package admin

import (
	"context"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ThemeInput edits a theme. Nil fields are left unchanged.
type ThemeInput struct {
	Slug        *string
	ParentSlug  *string
	Label       *string
	Description *string
	Synonyms    *[]string
}

func (in ThemeInput) apply(t *domain.Theme) {
	if in.Slug != nil {
		t.Slug = strings.TrimSpace(*in.Slug)
	}
	if in.ParentSlug != nil {
		t.ParentSlug = strings.TrimSpace(*in.ParentSlug)
	}
	if in.Label != nil {
		t.Label = strings.TrimSpace(*in.Label)
	}
	if in.Description != nil {
		t.Description = strings.TrimSpace(*in.Description)
	}
	if in.Synonyms != nil {
		t.Synonyms = nil
		for _, syn := range *in.Synonyms {
			if syn = strings.TrimSpace(syn); syn != "" {
				t.Synonyms = append(t.Synonyms, syn)
			}
		}
	}
}

// ListThemes lists an organisation's own themes.
func (s *Service) ListThemes(ctx context.Context, a Actor, slug string) ([]*domain.Theme, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	return s.store.FindThemes(ctx, org.ID)
}

func (s *Service) findTheme(ctx context.Context, orgID, themeSlug string) (*domain.Theme, error) {
	themes, err := s.store.FindThemes(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, t := range themes {
		if t.Slug == themeSlug {
			return t, nil
		}
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "Thème introuvable dans cette organisation.")
}

// GetTheme returns one of the organisation's themes.
func (s *Service) GetTheme(ctx context.Context, a Actor, slug, themeSlug string) (*domain.Theme, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleViewer)
	if err != nil {
		return nil, err
	}
	return s.findTheme(ctx, org.ID, themeSlug)
}

// CreateTheme adds a theme (with its synonyms in residents' words).
func (s *Service) CreateTheme(ctx context.Context, a Actor, slug string, in ThemeInput) (*domain.Theme, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	t := &domain.Theme{OrganisationID: org.ID}
	in.apply(t)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.CreateTheme(ctx, t, s.audit(a, org.ID, "create", "theme", t.Slug, diff(&domain.Theme{}, t))); err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTheme edits a theme made on version expectedVersion. The slug is its identity.
func (s *Service) UpdateTheme(ctx context.Context, a Actor, slug, themeSlug string, expectedVersion int, in ThemeInput) (*domain.Theme, error) {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	old, err := s.findTheme(ctx, org.ID, themeSlug)
	if err != nil {
		return nil, err
	}
	if in.Slug != nil && *in.Slug != old.Slug {
		return nil, domain.Invalid("L'identifiant d'un thème ne change pas.", domain.FieldError{Field: "slug", Message: "créez un nouveau thème et supprimez l'ancien"})
	}
	t := *old
	in.apply(&t)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	changes := diff(old, &t)
	if len(changes) == 0 && old.Version == expectedVersion {
		return old, nil
	}
	if err := s.store.UpdateTheme(ctx, &t, expectedVersion, s.audit(a, org.ID, "update", "theme", t.Slug, changes)); err != nil {
		return nil, err
	}
	return &t, nil
}

// DeleteTheme removes a theme.
func (s *Service) DeleteTheme(ctx context.Context, a Actor, slug, themeSlug string) error {
	org, err := s.Authorize(ctx, a, slug, domain.RoleEditor)
	if err != nil {
		return err
	}
	old, err := s.findTheme(ctx, org.ID, themeSlug)
	if err != nil {
		return err
	}
	return s.store.DeleteTheme(ctx, org.ID, themeSlug, s.audit(a, org.ID, "delete", "theme", themeSlug, diff(old, &domain.Theme{})))
}
