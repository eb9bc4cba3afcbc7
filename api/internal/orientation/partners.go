package orientation

import (
	"context"
	"fmt"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Partner is an organisation with the entry points that start on one of its
// published journeys.
type Partner struct {
	Organisation *domain.Organisation
	EntryPoints  []domain.EntryPoint
}

// partnersPage is how many organisations PublishedPartners reads at a time.
const partnersPage = 100

// PublishedPartners lists, by slug, the organisations that have at least one
// entry point starting on a published journey, each with those entry points
// in their order: what the agents' quick switch between partners' journeys
// offers. Entry points without a journey, or whose journey is only a draft,
// are left out.
func (s *Service) PublishedPartners(ctx context.Context) ([]Partner, error) {
	var out []Partner
	for offset := 0; ; offset += partnersPage {
		orgs, total, err := s.store.FindOrganisations(ctx, nil, domain.Page{Offset: offset, Limit: partnersPage})
		if err != nil {
			return nil, fmt.Errorf("published partners: %w", err)
		}
		for _, o := range orgs {
			p, err := s.publishedEntryPoints(ctx, o)
			if err != nil {
				return nil, err
			}
			if len(p.EntryPoints) > 0 {
				out = append(out, p)
			}
		}
		if len(orgs) == 0 || offset+len(orgs) >= total {
			return out, nil
		}
	}
}

// publishedEntryPoints keeps the entry points of o whose journey is published.
func (s *Service) publishedEntryPoints(ctx context.Context, o *domain.Organisation) (Partner, error) {
	p := Partner{Organisation: o}
	if len(o.EntryPoints) == 0 {
		return p, nil
	}
	recs, err := s.store.FindJourneys(ctx, o.ID)
	if err != nil {
		return p, fmt.Errorf("journeys of %s: %w", o.Slug, err)
	}
	live := make(map[string]bool, len(recs))
	for _, r := range recs {
		live[r.Slug] = r.PublishedVersion > 0
	}
	for _, e := range o.EntryPoints {
		if e.Journey != "" && live[e.Journey] {
			p.EntryPoints = append(p.EntryPoints, e)
		}
	}
	return p, nil
}
