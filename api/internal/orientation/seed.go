package orientation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// SeedFile is a journey shipped with data (the demo): the partner, the
// entry points that start on it, and the journey document, whose fixed
// contact points may be symbolic keys ("helpline:3230",
// "annuaire:caf-83126-01", "demo:var:cg-83137-01") turned into their stable ids.
type SeedFile struct {
	Partner     string          `json:"partner"`
	EntryPoints []string        `json:"entry_points"`
	Journey     json.RawMessage `json:"journey"`
}

// Seed makes a shipped journey live: created or updated as a draft,
// validated, published when its content differs from the live version, and
// set as the start of its entry points. Running it again changes nothing.
func (s *Service) Seed(ctx context.Context, f SeedFile, author string) (changed bool, err error) {
	org, err := s.organisation(ctx, f.Partner)
	if err != nil {
		return false, err
	}
	doc, err := resolveKeys(f.Journey)
	if err != nil {
		return false, err
	}
	j, canonical, err := shape(doc)
	if err != nil {
		return false, fmt.Errorf("journey of %s: %w", f.Partner, err)
	}
	problems, err := s.validate(ctx, org, j)
	if err != nil {
		return false, err
	}
	if len(problems) > 0 {
		return false, fmt.Errorf("journey %s of %s: %w", j.Slug, f.Partner, problemsError(problems))
	}
	system := admin.Actor{Email: author}
	rec, err := s.store.FindJourney(ctx, org.ID, j.Slug)
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		rec = &domain.JourneyRecord{OrganisationID: org.ID, Slug: j.Slug, Title: j.Title, Draft: canonical}
		if err := s.store.CreateJourney(ctx, rec, audit(system, org.ID, "create", j.Slug, nil)); err != nil {
			return false, err
		}
		changed = true
	case err != nil:
		return false, err
	case !bytes.Equal(rec.Draft, canonical):
		next := *rec
		next.Title, next.Draft = j.Title, canonical
		if err := s.store.SaveJourneyDraft(ctx, &next, rec.DraftVersion, audit(system, org.ID, "update", j.Slug, nil)); err != nil {
			return false, err
		}
		changed = true
	}
	live := []byte(nil)
	if rec.PublishedVersion > 0 {
		v, err := s.store.FindJourneyVersion(ctx, org.ID, j.Slug, rec.PublishedVersion)
		if err != nil {
			return false, err
		}
		live = v.Content
	}
	if !bytes.Equal(live, canonical) {
		if _, err := s.publish(ctx, system, org, j, canonical, "chargé par "+author); err != nil {
			return false, err
		}
		changed = true
	}
	o := *org
	o.EntryPoints = slices.Clone(org.EntryPoints)
	moved := false
	for _, slug := range f.EntryPoints {
		i := slices.IndexFunc(o.EntryPoints, func(e domain.EntryPoint) bool { return e.Slug == slug })
		if i < 0 {
			return false, fmt.Errorf("journey %s: %s has no entry point %q", j.Slug, f.Partner, slug)
		}
		if o.EntryPoints[i].Journey != j.Slug {
			o.EntryPoints[i].Journey = j.Slug
			moved = true
		}
	}
	if moved {
		if err := s.store.UpdateOrganisation(ctx, &o, org.Version, &domain.AuditEntry{OrganisationID: org.ID, UserEmail: author,
			Action: "update", EntityType: "entry_point", EntityID: j.Slug}); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// resolveKeys replaces symbolic contact point keys by their stable ids.
func resolveKeys(raw json.RawMessage) ([]byte, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("journey document: %w", err)
	}
	steps, _ := doc["steps"].([]any)
	for _, st := range steps {
		step, _ := st.(map[string]any)
		outcome, _ := step["outcome"].(map[string]any)
		ids, _ := outcome["contact_points"].([]any)
		for i, id := range ids {
			if key, ok := id.(string); ok && !domain.ValidID(key) {
				ids[i] = domain.StableID(key)
			}
		}
	}
	return json.Marshal(doc)
}
