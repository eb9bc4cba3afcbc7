// Package orientation runs partners' journeys: it resolves outcomes to the
// contact points that serve a resident's commune (the layered catalogue:
// the partner's own contact points, then the national commons, with the
// partner's local overrides applied), validates drafts, and publishes
// immutable versions with history, rollback and diff.
package orientation

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
)

// Store is what the service needs from the database.
type Store interface {
	domain.DirectoryStore
	domain.JourneyStore
	domain.OrganisationEditor
	// FindContactPointsByIDs returns those of ids that exist, by id.
	FindContactPointsByIDs(ctx context.Context, ids []string) (map[string]*domain.ContactPoint, error)
}

// Service runs and manages journeys.
type Service struct {
	store      Store
	dir        *directory.Service
	admin      *admin.Service
	communes   domain.Communes
	knownPivot func(string) bool
	now        func() time.Time
}

// New wires the service.
func New(store Store, dir *directory.Service, adm *admin.Service, communes domain.Communes, knownPivot func(string) bool, now func() time.Time) *Service {
	return &Service{store: store, dir: dir, admin: adm, communes: communes, knownPivot: knownPivot, now: now}
}

// Resolved is a contact point chosen for a resident, with the reason.
type Resolved struct {
	directory.Located
	// Pivot is the dynamic kind it answers ("" for a fixed contact point).
	Pivot string
	// Reason explains the choice in French.
	Reason string
	// Overridden is true when the partner's local adjustments were applied.
	Overridden bool
}

// MaxPerPivot is how many offices a dynamic outcome proposes.
const MaxPerPivot = 3

// allowed lists the organisations whose contact points an organisation's
// journeys may use: its own and the national commons (when loaded).
func (s *Service) allowed(ctx context.Context, org *domain.Organisation) ([]string, error) {
	c, err := s.store.FindOrganisationBySlug(ctx, domain.CommonsSlug)
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		return []string{org.ID}, nil
	case err != nil:
		return nil, err
	}
	return []string{org.ID, c.ID}, nil
}

// resolve returns the contact points of an outcome for a commune (nil for
// an outcome without dynamic part), in the order shown to the resident, as
// the viewer may see them: contact points and channels reserved to agents
// only for the agents they are meant for; a partner's local adjustment
// reserved to its agents applies to them only.
func (s *Service) resolve(ctx context.Context, org *domain.Organisation, o *journeys.Outcome, commune *domain.Commune, v domain.Viewer) ([]Resolved, error) {
	allowed, err := s.allowed(ctx, org)
	if err != nil {
		return nil, err
	}
	var out []Resolved
	if len(o.ContactPoints) > 0 {
		// One query for all of them, however many the outcome lists.
		fixed, err := s.store.FindContactPointsByIDs(ctx, o.ContactPoints)
		if err != nil {
			return nil, err
		}
		for _, id := range o.ContactPoints {
			c, ok := fixed[id]
			if !ok || c.Withdrawn() || !slices.Contains(allowed, c.OrganisationID) {
				continue // deleted or withdrawn since publication: the others still help
			}
			if c = v.Visible(c); c == nil {
				continue // reserved to agents this viewer is not
			}
			out = append(out, Resolved{Located: directory.Located{ContactPoint: c, Level: directory.LevelNone}, Reason: "choisi par " + org.Name})
		}
	}
	if commune != nil {
		for _, pivot := range o.Pivots {
			rs, err := s.resolvePivot(ctx, allowed, org, pivot, commune, v)
			if err != nil {
				return nil, err
			}
			out = append(out, rs...)
		}
	}
	overrides, err := s.store.FindOverrides(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if ov, ok := overrides[out[i].ID]; ok {
			if ov = v.Visible(ov); ov == nil {
				continue // an adjustment reserved to agents this viewer is not
			}
			out[i].ContactPoint = ApplyOverride(out[i].ContactPoint, ov)
			out[i].Overridden = true
		}
	}
	return out, nil
}

// resolvePivot finds the offices of a kind serving the commune: the
// partner's own first, then the national directory; by coverage
// precedence (commune, EPCI, département, région, national), then distance.
func (s *Service) resolvePivot(ctx context.Context, allowed []string, org *domain.Organisation, pivot string, commune *domain.Commune, v domain.Viewer) ([]Resolved, error) {
	res, err := s.dir.FindContactPoints(ctx, directory.LocalQuery{Organisations: allowed, Pivot: pivot, Commune: commune.Code, Limit: 100, Viewer: v})
	if err != nil {
		return nil, err
	}
	located := slices.Clone(res.ContactPoints)
	slices.SortStableFunc(located, func(a, b directory.Located) int {
		ao, bo := a.OrganisationID == org.ID, b.OrganisationID == org.ID
		if ao != bo {
			if ao {
				return -1
			}
			return 1
		}
		return 0
	})
	var out []Resolved
	for _, l := range located[:min(len(located), MaxPerPivot)] {
		r := Resolved{Located: l, Pivot: pivot, Reason: l.Reason(commune)}
		if l.OrganisationID == org.ID {
			r.Reason += ", proposé par " + org.Name
		}
		out = append(out, r)
	}
	return out, nil
}

// Resolvable reports whether a dynamic pivot finds at least one office for
// the commune, among the organisation's and the commons' contact points.
func (s *Service) resolvable(ctx context.Context, allowed []string, pivot, commune string) (bool, error) {
	res, err := s.dir.FindContactPoints(ctx, directory.LocalQuery{Organisations: allowed, Pivot: pivot, Commune: commune, Limit: 1})
	if err != nil {
		return false, err
	}
	return res.Total > 0, nil
}

// ApplyOverride returns the national contact point with the partner's
// local adjustments: a description, opening hours, and channels (listed
// first) when the override has them. The partner's description comes with
// its translations (the national ones translate another text); without a
// description of its own, its translations complete the national ones.
func ApplyOverride(national, ov *domain.ContactPoint) *domain.ContactPoint {
	c := *national
	if ov.Description != "" {
		c.Description, c.Translations = ov.Description, ov.Translations
	} else if len(ov.Translations) > 0 {
		c.Translations = maps.Clone(national.Translations)
		if c.Translations == nil {
			c.Translations = map[string]domain.ContactPointText{}
		}
		maps.Copy(c.Translations, ov.Translations)
	}
	if len(ov.Hours.Weekly) > 0 || len(ov.Hours.Exceptions) > 0 || ov.Hours.Note != "" {
		c.Hours = ov.Hours
	}
	if len(ov.Channels) > 0 {
		c.Channels = append(slices.Clone(ov.Channels), national.Channels...)
	}
	if len(ov.Themes) > 0 {
		c.Themes = ov.Themes
	}
	return &c
}

// resolverFunc adapts a function to journeys.Resolver.
type resolverFunc func(ctx context.Context, pivot, commune string) (bool, error)

func (f resolverFunc) Resolve(ctx context.Context, pivot, commune string) (bool, error) {
	return f(ctx, pivot, commune)
}

func parse(b []byte) (*journeys.Journey, error) {
	return journeys.Parse(bytes.NewReader(b))
}
