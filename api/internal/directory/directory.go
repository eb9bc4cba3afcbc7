// Package directory is the read service of the directory: partners' public
// configuration, contact points, the local offices that serve a commune and
// the emergency numbers. It applies the coverage rules over the store.
package directory

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
)

// Service answers the public read questions.
type Service struct {
	store    domain.DirectoryStore
	communes domain.Communes
	// knownPivot reports whether a pivot code is in the national vocabulary.
	knownPivot func(string) bool
}

// New wires the service.
func New(store domain.DirectoryStore, communes domain.Communes, knownPivot func(string) bool) *Service {
	return &Service{store: store, communes: communes, knownPivot: knownPivot}
}

// Located is a contact point with its distance to the resident's commune.
type Located struct {
	*domain.ContactPoint
	// DistanceKm from the commune's centre to the office, when both are located.
	DistanceKm *float64
	// InCommune is true when the office stands in the resident's commune.
	InCommune bool
	// Level is why it serves the commune: commune, epci, departement,
	// region, national (its coverage), or nearest (the nearest office of its
	// kind in the département). Precedence follows that order.
	Level Level
}

// Level is the coverage level by which a contact point serves a commune.
type Level int

// Coverage levels, most specific first.
const (
	LevelCommune Level = iota
	LevelEPCI
	LevelDepartement
	LevelRegion
	LevelNational
	LevelNearest
	LevelNone
)

// Reason explains in French why a contact point was chosen for a commune.
func (l Located) Reason(c *domain.Commune) string {
	switch l.Level {
	case LevelCommune:
		return "sert la commune " + c.Code + " (" + c.Name + ")"
	case LevelEPCI:
		return "sert l'intercommunalité de " + c.Name + " (EPCI " + c.EPCI + ")"
	case LevelDepartement:
		return "sert tout le département " + c.Departement
	case LevelRegion:
		return "sert toute la région " + c.Region
	case LevelNational:
		return "service national"
	case LevelNearest:
		if l.InCommune {
			return "se trouve dans la commune " + c.Code + " (" + c.Name + ")"
		}
		if l.DistanceKm != nil {
			return "le plus proche de " + c.Name + " dans le département " + c.Departement + " (" + strconv.FormatFloat(*l.DistanceKm, 'f', 1, 64) + " km)"
		}
		return "le plus proche dans le département " + c.Departement
	}
	return ""
}

func coverageLevel(c *domain.ContactPoint, commune *domain.Commune) Level {
	cov := c.Coverage
	switch {
	case cov.Rule == domain.CoverageNearest:
		return LevelNearest
	case slices.Contains(cov.Communes, commune.Code):
		return LevelCommune
	case commune.EPCI != "" && slices.Contains(cov.EPCIs, commune.EPCI):
		return LevelEPCI
	case slices.Contains(cov.Departements, commune.Departement):
		return LevelDepartement
	case slices.Contains(cov.Regions, commune.Region):
		return LevelRegion
	case cov.National:
		return LevelNational
	}
	return LevelNone
}

// Organisation returns a partner's configuration by slug.
func (s *Service) Organisation(ctx context.Context, slug string) (*domain.Organisation, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Aucun partenaire ne porte l'identifiant %q.", truncate(slug, 64))
	}
	o, err := s.store.FindOrganisationBySlug(ctx, slug)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "Aucun partenaire ne porte l'identifiant %q.", slug)
	}
	return o, err
}

// ContactPoint returns one contact point by ID, as the public sees it
// (ContactPointFor the public).
func (s *Service) ContactPoint(ctx context.Context, id string) (*domain.ContactPoint, error) {
	return s.ContactPointFor(ctx, id, domain.Viewer{})
}

// ContactPointFor returns one contact point by ID, as the viewer may see
// it: one reserved to agents is not found by the public (nor by an agent it
// is not meant for), and channels reserved to others are left out.
func (s *Service) ContactPointFor(ctx context.Context, id string, v domain.Viewer) (*domain.ContactPoint, error) {
	if !domain.ValidID(id) {
		return nil, domain.Invalid("Identifiant de point de contact mal formé.",
			domain.FieldError{Field: "id", Message: "doit être un UUID, par exemple 3f2b8c1e-0d4a-5b6c-8d7e-9f0a1b2c3d4e"})
	}
	c, err := s.store.FindContactPointByID(ctx, id)
	if err == nil {
		if visible := v.Visible(c); visible != nil {
			c = visible
		} else {
			// The same answer as for an unknown id: its existence is not told.
			err = domain.Errorf(domain.ENOTFOUND, "hidden from the viewer")
		}
	}
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "Aucun point de contact ne porte l'identifiant %s.", id)
	}
	if err == nil && c.Withdrawn() {
		// Never shown to residents once its source no longer lists it.
		return nil, domain.Errorf(domain.EGONE, "Ce point de contact n'existe plus : sa source (%s) ne le référence plus depuis le %s.",
			c.Source.Kind, c.WithdrawnAt.UTC().Format("02/01/2006"))
	}
	return c, err
}

// Commune returns a commune of the reference, or a validation error naming
// the query field.
func (s *Service) Commune(field, code string) (*domain.Commune, error) {
	if !domain.ValidINSEE(code) {
		return nil, domain.Invalid("Code commune invalide.",
			domain.FieldError{Field: field, Message: "doit être un code INSEE à 5 caractères, par exemple 83137 pour Toulon"})
	}
	c, ok := s.communes.Commune(code)
	if !ok {
		return nil, domain.Invalid("Commune inconnue.",
			domain.FieldError{Field: field, Message: "aucune commune ne porte le code INSEE " + code})
	}
	return c, nil
}

// SearchCommunes autocompletes communes by name or postal code.
func (s *Service) SearchCommunes(q string, limit int) ([]*domain.Commune, error) {
	q = strings.TrimSpace(q)
	var v domain.Validation
	if len([]rune(q)) < 2 {
		v.Add("q", "saisissez au moins 2 caractères du nom ou du code postal")
	} else if len(q) > 100 {
		v.Add("q", "ne doit pas dépasser 100 caractères")
	}
	if limit < 1 || limit > 50 {
		v.Add("limit", "doit être compris entre 1 et 50")
	}
	if err := v.Err("Recherche de commune invalide."); err != nil {
		return nil, err
	}
	return s.communes.SearchCommunes(q, limit), nil
}

// LocalQuery asks for the contact points of a kind serving a commune.
type LocalQuery struct {
	// Organisations restricts the answer to these organisations' contact
	// points (empty: every organisation).
	Organisations []string
	Pivot         string
	Theme         string
	Commune       string // INSEE code; empty for a nationwide listing
	Offset        int
	Limit         int
	// Viewer is who the answer is for: the public (zero value) sees no
	// contact point nor channel reserved to agents.
	Viewer domain.Viewer
}

// LocalResult is the answer to a LocalQuery.
type LocalResult struct {
	Commune       *domain.Commune
	Total         int
	ContactPoints []Located
}

// FindContactPoints lists contact points by pivot and/or theme. With a
// commune, coverage is resolved: offices whose explicit coverage includes the
// commune (national, région, département, commune), plus, for offices under
// the nearest-in-département rule, those in the commune or else the nearest
// one of each kind in the département. Offices in the commune come first,
// then by distance.
func (s *Service) FindContactPoints(ctx context.Context, q LocalQuery) (*LocalResult, error) {
	var v domain.Validation
	if q.Pivot == "" && q.Theme == "" {
		v.Add("pivot", "indiquez un type d'établissement (pivot), par exemple caf, ou un thème (theme)")
	}
	if q.Pivot != "" && (!domain.ValidPivot(q.Pivot) || !s.knownPivot(q.Pivot)) {
		v.Add("pivot", "type d'établissement inconnu : %q (voir la liste des types de l'annuaire service-public.fr, par exemple caf, cpam, mairie, prefecture)", truncate(q.Pivot, 64))
	}
	if q.Theme != "" && !domain.ValidSlug(q.Theme) {
		v.Add("theme", "identifiant de thème invalide")
	}
	if q.Limit < 1 || q.Limit > 100 {
		v.Add("limit", "doit être compris entre 1 et 100")
	}
	if q.Offset < 0 || q.Offset > 100000 {
		v.Add("offset", "doit être compris entre 0 et 100000")
	}
	if err := v.Err("Paramètres de recherche invalides."); err != nil {
		return nil, err
	}
	if q.Commune == "" {
		cps, total, err := s.store.FindContactPoints(ctx, domain.ContactPointFilter{Pivot: q.Pivot, Theme: q.Theme, Offset: q.Offset, Limit: q.Limit, Viewer: &q.Viewer})
		if err != nil {
			return nil, err
		}
		out := make([]Located, 0, len(cps))
		for _, c := range cps {
			if c = q.Viewer.Visible(c); c != nil {
				out = append(out, Located{ContactPoint: c})
			}
		}
		return &LocalResult{Total: total, ContactPoints: out}, nil
	}
	commune, err := s.Commune("commune", q.Commune)
	if err != nil {
		return nil, err
	}
	// Every match is read (coverage and distance order them here), so the
	// total is their number: no COUNT query.
	explicit, _, err := s.store.FindContactPoints(ctx, domain.ContactPointFilter{OrganisationIDs: q.Organisations, Pivot: q.Pivot, Theme: q.Theme, Commune: commune, SkipTotal: true, Viewer: &q.Viewer})
	if err != nil {
		return nil, err
	}
	nearest, _, err := s.store.FindContactPoints(ctx, domain.ContactPointFilter{OrganisationIDs: q.Organisations, Pivot: q.Pivot, Theme: q.Theme, NearestDepartement: commune.Departement, SkipTotal: true, Viewer: &q.Viewer})
	if err != nil {
		return nil, err
	}
	explicit, nearest = visibleTo(q.Viewer, explicit), visibleTo(q.Viewer, nearest)
	all := make([]Located, 0, len(explicit)+len(nearest))
	for _, c := range explicit {
		all = append(all, s.locate(c, commune))
	}
	all = append(all, s.resolveNearest(nearest, commune)...)
	slices.SortStableFunc(all, compareLocated)
	all = dedupeBySource(all)
	res := &LocalResult{Commune: commune, Total: len(all)}
	if q.Offset < len(all) {
		all = all[q.Offset:]
		res.ContactPoints = all[:min(len(all), q.Limit)]
	}
	return res, nil
}

// resolveNearest keeps, for each pivot, the offices in the commune, or else
// the nearest one (ties: all at the same distance, rounded to 100 m).
func (s *Service) resolveNearest(cps []*domain.ContactPoint, commune *domain.Commune) []Located {
	byPivot := map[string][]Located{}
	for _, c := range cps {
		byPivot[c.Pivot] = append(byPivot[c.Pivot], s.locate(c, commune))
	}
	var out []Located
	for _, offices := range byPivot {
		var in []Located
		for _, l := range offices {
			if l.InCommune {
				in = append(in, l)
			}
		}
		if len(in) > 0 {
			out = append(out, in...)
			continue
		}
		slices.SortStableFunc(offices, compareLocated)
		best := offices[0]
		out = append(out, best)
		if best.DistanceKm == nil {
			continue
		}
		for _, l := range offices[1:] {
			if l.DistanceKm != nil && math.Round(*l.DistanceKm*10) == math.Round(*best.DistanceKm*10) {
				out = append(out, l)
			}
		}
	}
	return out
}

func (s *Service) locate(c *domain.ContactPoint, commune *domain.Commune) Located {
	l := Located{ContactPoint: c, Level: coverageLevel(c, commune)}
	a := c.Address
	if a == nil {
		return l
	}
	l.InCommune = a.CommuneCode == commune.Code
	lat, lon := a.Latitude, a.Longitude
	if (lat == nil || lon == nil) && a.CommuneCode != "" {
		// Fall back on the centre of the office's commune.
		if oc, ok := s.communes.Commune(a.CommuneCode); ok && oc.HasLocation {
			lat, lon = &oc.Latitude, &oc.Longitude
		}
	}
	if lat != nil && lon != nil && commune.HasLocation {
		d := math.Round(geo.DistanceKm(commune.Latitude, commune.Longitude, *lat, *lon)*10) / 10
		l.DistanceKm = &d
	}
	return l
}

func compareLocated(a, b Located) int {
	if a.Emergency != b.Emergency {
		if a.Emergency {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.EmergencyRank, b.EmergencyRank); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Level, b.Level); c != 0 && a.Level != LevelNearest && b.Level != LevelNearest {
		return c
	}
	if a.InCommune != b.InCommune {
		if a.InCommune {
			return -1
		}
		return 1
	}
	switch {
	case a.DistanceKm != nil && b.DistanceKm != nil:
		if c := cmp.Compare(*a.DistanceKm, *b.DistanceKm); c != 0 {
			return c
		}
	case a.DistanceKm != nil:
		return -1
	case b.DistanceKm != nil:
		return 1
	}
	return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}

// Emergency returns the emergency numbers, most urgent first. With a commune
// code, the commune is checked and returned so the caller can show it.
func (s *Service) Emergency(ctx context.Context, communeCode string) ([]*domain.ContactPoint, *domain.Commune, error) {
	var commune *domain.Commune
	if communeCode != "" {
		c, err := s.Commune("commune", communeCode)
		if err != nil {
			return nil, nil, err
		}
		commune = c
	}
	yes := true
	// Emergency numbers are for everyone: the public ones only.
	f := domain.ContactPointFilter{Emergency: &yes, Limit: 100, SkipTotal: true, Viewer: &domain.Viewer{}}
	if commune != nil {
		f.Commune = commune
	}
	cps, _, err := s.store.FindContactPoints(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	return visibleTo(domain.Viewer{}, cps), commune, nil
}

// visibleTo returns the contact points as the viewer may see them (see
// domain.Viewer.Visible): the store already left out those hidden from
// it; their channels reserved to others are removed here.
func visibleTo(v domain.Viewer, cps []*domain.ContactPoint) []*domain.ContactPoint {
	out := cps[:0:0]
	for _, c := range cps {
		if c = v.Visible(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// dedupeBySource keeps one contact point per imported source record: a
// partner may copy an office of the national directory into its own data,
// and the resident must not see it twice.
func dedupeBySource(in []Located) []Located {
	seen := map[string]bool{}
	out := in[:0]
	for _, l := range in {
		if l.Source.ID != "" && l.Source.Kind != domain.SourceManual {
			key := string(l.Source.Kind) + ":" + l.Source.ID
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		out = append(out, l)
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Resolve applies the coverage rules to contact points already in memory
// (the search index holds a snapshot of the directory): it keeps those whose
// explicit coverage includes the commune, plus, under the nearest-in-
// département rule, the offices in the commune or else the nearest of each
// kind, in the same order and with the same deduplication as
// FindContactPoints.
func (s *Service) Resolve(cands []*domain.ContactPoint, commune *domain.Commune) []Located {
	var all []Located
	var nearest []*domain.ContactPoint
	for _, c := range cands {
		if c.Coverage.Rule == domain.CoverageNearest {
			if c.Address != nil && domain.DepartementOf(c.Address.CommuneCode) == commune.Departement {
				nearest = append(nearest, c)
			}
			continue
		}
		if coverageLevel(c, commune) != LevelNone {
			all = append(all, s.locate(c, commune))
		}
	}
	all = append(all, s.resolveNearest(nearest, commune)...)
	slices.SortStableFunc(all, compareLocated)
	return dedupeBySource(all)
}

// Themes returns the needs a partner's residents can pick from: the national
// taxonomy, then the partner's own themes (a partner's theme with the slug of
// a national one replaces it), parents before their children.
func (s *Service) Themes(ctx context.Context, slug string) (*domain.Organisation, []*domain.Theme, error) {
	org, err := s.Organisation(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	var out []*domain.Theme
	if org.Slug != domain.CommonsSlug {
		commons, err := s.store.FindOrganisationBySlug(ctx, domain.CommonsSlug)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
		case err != nil:
			return nil, nil, err
		default:
			if out, err = s.store.FindThemes(ctx, commons.ID); err != nil {
				return nil, nil, err
			}
		}
	}
	own, err := s.store.FindThemes(ctx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range own {
		if i := slices.IndexFunc(out, func(n *domain.Theme) bool { return n.Slug == t.Slug }); i >= 0 {
			out[i] = t
			continue
		}
		out = append(out, t)
	}
	return org, out, nil
}
