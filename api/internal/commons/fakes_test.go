package commons

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// memStore is an in-memory test double of domain.DirectoryStore. Like the
// real stores, it leaves unchanged records alone: a contact point is
// unchanged when its JSON encoding, CreatedAt and UpdatedAt cleared, is the
// same; a theme when parent, label, description and synonyms are the same.
type memStore struct {
	mu     sync.Mutex
	orgs   map[string]*domain.Organisation // by slug
	cps    map[string]*domain.ContactPoint
	themes map[string]*domain.Theme // by organisation ID + "/" + slug
	fiches map[string]*domain.Fiche
	// orgWrites counts organisations created or changed.
	orgWrites int
}

func newMemStore() *memStore {
	return &memStore{orgs: map[string]*domain.Organisation{}, cps: map[string]*domain.ContactPoint{}, themes: map[string]*domain.Theme{},
		fiches: map[string]*domain.Fiche{}}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (s *memStore) FindOrganisationBySlug(_ context.Context, slug string) (*domain.Organisation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orgs[slug]; ok {
		c := *o
		return &c, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "organisation %s", slug)
}

func (s *memStore) FindOrganisationByID(_ context.Context, id string) (*domain.Organisation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orgs {
		if o.ID == id {
			c := *o
			return &c, nil
		}
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "organisation %s", id)
}

func (s *memStore) UpsertOrganisation(_ context.Context, o *domain.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *o
	if old, ok := s.orgs[o.Slug]; ok {
		c.ID, c.CreatedAt, c.UpdatedAt = old.ID, old.CreatedAt, old.UpdatedAt
		if mustJSON(c) == mustJSON(*old) {
			o.ID = old.ID
			return nil
		}
	} else if c.ID == "" {
		c.ID = domain.NewID()
	}
	s.orgWrites++
	s.orgs[o.Slug] = &c
	o.ID = c.ID
	return nil
}

func (s *memStore) FindContactPointByID(_ context.Context, id string) (*domain.ContactPoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cps[id]; ok {
		cp := *c
		return &cp, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "contact point %s", id)
}

// FindContactPoints filters by organisation, pivot, theme and emergency only.
func (s *memStore) FindContactPoints(_ context.Context, f domain.ContactPointFilter) ([]*domain.ContactPoint, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*domain.ContactPoint
	for _, c := range s.cps {
		if (f.OrganisationID != "" && c.OrganisationID != f.OrganisationID) || (f.Pivot != "" && c.Pivot != f.Pivot) ||
			(f.Theme != "" && !slices.Contains(c.Themes, f.Theme)) || (f.Emergency != nil && c.Emergency != *f.Emergency) {
			continue
		}
		cp := *c
		out = append(out, &cp)
	}
	slices.SortFunc(out, func(a, b *domain.ContactPoint) int { return strings.Compare(a.ID, b.ID) })
	total := len(out)
	out = out[min(f.Offset, len(out)):]
	if f.Limit > 0 {
		out = out[:min(f.Limit, len(out))]
	}
	return out, total, nil
}

func content(c *domain.ContactPoint) string {
	cp := *c
	cp.CreatedAt, cp.UpdatedAt = time.Time{}, time.Time{}
	return mustJSON(cp)
}

func (s *memStore) UpsertContactPoints(_ context.Context, cps []*domain.ContactPoint) (domain.ImportStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st domain.ImportStats
	seen := map[string]bool{}
	for _, c := range cps {
		if err := c.Validate(); err != nil {
			return domain.ImportStats{}, err
		}
		if c.ID == "" || seen[c.ID] {
			st.Skipped++
			continue
		}
		seen[c.ID] = true
		old, ok := s.cps[c.ID]
		switch {
		case !ok:
			st.Created++
		case content(old) == content(c):
			st.Unchanged++
			continue
		case old.Source.UpdatedAt != nil && c.Source.UpdatedAt != nil && c.Source.UpdatedAt.Before(*old.Source.UpdatedAt):
			st.Skipped++
			continue
		default:
			st.Updated++
		}
		cp := *c
		s.cps[c.ID] = &cp
	}
	return st, nil
}

func (s *memStore) FindThemes(_ context.Context, orgID string) ([]*domain.Theme, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*domain.Theme
	for _, t := range s.themes {
		if orgID == "" || t.OrganisationID == orgID {
			c := *t
			out = append(out, &c)
		}
	}
	slices.SortFunc(out, func(a, b *domain.Theme) int { return strings.Compare(a.Slug, b.Slug) })
	return out, nil
}

func (s *memStore) UpsertThemes(_ context.Context, themes []*domain.Theme) (domain.ImportStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st domain.ImportStats
	for _, t := range themes {
		if err := t.Validate(); err != nil {
			return domain.ImportStats{}, err
		}
		key := t.OrganisationID + "/" + t.Slug
		old, ok := s.themes[key]
		switch {
		case !ok:
			st.Created++
		case mustJSON([]any{old.ParentSlug, old.Label, old.Description, old.Synonyms}) == mustJSON([]any{t.ParentSlug, t.Label, t.Description, t.Synonyms}):
			st.Unchanged++
			continue
		default:
			st.Updated++
		}
		c := *t
		s.themes[key] = &c
	}
	return st, nil
}

// UpsertFiches leaves a fiche alone when its JSON encoding is the same.
func (s *memStore) UpsertFiches(_ context.Context, fiches []*domain.Fiche) (domain.ImportStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st domain.ImportStats
	for _, f := range fiches {
		if err := f.Validate(); err != nil {
			return domain.ImportStats{}, err
		}
	}
	seen := map[string]bool{}
	for _, f := range fiches {
		old, ok := s.fiches[f.ID]
		switch {
		case seen[f.ID]:
			st.Skipped++
			continue
		case !ok:
			st.Created++
		case mustJSON(old) == mustJSON(f):
			st.Unchanged++
			continue
		case f.UpdatedAt.Before(old.UpdatedAt):
			st.Skipped++
			continue
		default:
			st.Updated++
		}
		seen[f.ID] = true
		c := *f
		s.fiches[f.ID] = &c
	}
	return st, nil
}

func (s *memStore) AllFiches(context.Context) ([]*domain.Fiche, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*domain.Fiche, 0, len(s.fiches))
	for _, f := range s.fiches {
		c := *f
		out = append(out, &c)
	}
	slices.SortFunc(out, func(a, b *domain.Fiche) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *memStore) CountFiches(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fiches), nil
}

var _ Store = (*memStore)(nil)

// fakeCommunes knows the communes of the tests and every département of
// metropolitan France and the overseas départements.
type fakeCommunes struct{ deps map[string]string }

const departementRegions = "01:84 02:32 03:84 04:93 05:93 06:93 07:84 08:44 09:76 10:44 11:76 12:76 13:93 14:28 15:84 " +
	"16:75 17:75 18:24 19:75 21:27 22:53 23:75 24:75 25:27 26:84 27:28 28:24 29:53 2A:94 2B:94 30:76 31:76 32:76 33:75 " +
	"34:76 35:53 36:24 37:24 38:84 39:27 40:75 41:24 42:84 43:84 44:52 45:24 46:76 47:75 48:76 49:52 50:28 51:44 52:44 " +
	"53:52 54:44 55:44 56:53 57:44 58:27 59:32 60:32 61:28 62:32 63:84 64:75 65:76 66:76 67:44 68:44 69:84 70:27 71:27 " +
	"72:52 73:84 74:84 75:11 76:28 77:11 78:11 79:75 80:32 81:76 82:76 83:93 84:93 85:52 86:75 87:75 88:44 89:27 90:27 " +
	"91:11 92:11 93:11 94:11 95:11 971:01 972:02 973:03 974:04 976:06"

func newFakeCommunes() *fakeCommunes {
	f := &fakeCommunes{deps: map[string]string{}}
	for pair := range strings.FieldsSeq(departementRegions) {
		d, r, _ := strings.Cut(pair, ":")
		f.deps[d] = r
	}
	return f
}

func (f *fakeCommunes) Commune(code string) (*domain.Commune, bool) {
	names := map[string]string{"83137": "Toulon", "83126": "La Seyne-sur-Mer", "62041": "Arras", "59350": "Lille", "77188": "Fontaine-le-Port"}
	name, ok := names[code]
	if !ok {
		return nil, false
	}
	return &domain.Commune{Code: code, Name: name, Departement: code[:2], Region: f.deps[code[:2]]}, true
}

func (f *fakeCommunes) SearchCommunes(string, int) []*domain.Commune { return nil }

func (f *fakeCommunes) Departement(code string) (*domain.Departement, bool) {
	r, ok := f.deps[code]
	return &domain.Departement{Code: code, Region: r}, ok
}

func (f *fakeCommunes) Region(code string) (*domain.Region, bool) {
	return &domain.Region{Code: code}, code != ""
}
