package search

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Kind is what a search result is.
type Kind string

// The kinds of result, from the most tailored to the most general.
const (
	// KindEmergency: the words signal danger; the emergency numbers.
	KindEmergency Kind = "emergency"
	// KindOutcome: an outcome of one of the partner's published journeys.
	KindOutcome Kind = "journey_outcome"
	// KindContactPoint: a contact point found by its own name or description.
	KindContactPoint Kind = "contact_point"
	// KindTheme: a need of the taxonomy (national or the partner's).
	KindTheme Kind = "theme"
	// KindPivot: a kind of office of the service-public.fr annuaire.
	KindPivot Kind = "pivot"
	// KindFiche: a service-public.fr "Vos droits et démarches" fiche.
	KindFiche Kind = "fiche"
)

// kindBoost weighs the kinds: what a partner or the national taxonomy wrote
// for residents ranks before the fiches, written for the general public.
var kindBoost = map[Kind]float64{
	KindOutcome:      1.6,
	KindContactPoint: 1.2,
	KindTheme:        1.5,
	KindPivot:        1.2,
	KindFiche:        1.0,
}

// doc is one searchable need and where it leads.
type doc struct {
	ID          string // index id: kind/org/ref
	Kind        Kind
	OrgID       string
	Ref         string // theme slug, fiche id, pivot code, contact point id, outcome id
	Title       string
	Description string
	URL         string
	// Journey and Step locate a journey outcome.
	Journey, Step string
	Emergency     bool
	// Where it leads: fixed contact points, contact points carrying one of
	// the themes, and offices of the pivots (resolved by commune).
	ContactPoints []string
	Themes        []string
	Pivots        []string
	Online        []domain.FicheLink
}

// indexed is the document as bleve stores it: folded text in three fields.
type indexed struct {
	Title string `json:"title"` // title and keywords
	All   string `json:"all"`   // everything, title included
	Org   string `json:"org"`   // owning organisation (keyword)
	Kind  string `json:"kind"`  // keyword
	// Area lists the area buckets (areas.go) a contact point may serve,
	// each prefixed by the owning organisation ("<org>|d:83"), so a search
	// for a commune filters in the index rather than after it, on the
	// documents of the organisations it reads only; "<org>|*" (anyArea) for
	// every other kind of document.
	Area []string `json:"area"`
}

// anyArea marks the documents that are not tied to an area.
const anyArea = "*"

// Analyzer names registered in the index mapping.
const (
	analyzerText = "aiguillage_fr"       // folded words, stop words removed, snowball stems
	analyzerStem = "aiguillage_fr_light" // plural endings only, for the lexicon's phrases
	stopMapName  = "aiguillage_fr_stop"
)

// newMapping builds the index mapping: text arrives folded (textnorm), is
// split on spaces, loses its stop words and is stemmed by the Snowball
// French stemmer; org and kind are keywords.
func newMapping(lx *Lexicon) (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	if err := m.AddCustomTokenMap(stopMapName, map[string]any{"type": tokenmap.Name, "tokens": toAny(lx.IndexStopWords())}); err != nil {
		return nil, fmt.Errorf("stop words: %w", err)
	}
	if err := m.AddCustomTokenFilter("aiguillage_stop", map[string]any{"type": stop.Name, "stop_token_map": stopMapName}); err != nil {
		return nil, fmt.Errorf("stop filter: %w", err)
	}
	if err := m.AddCustomAnalyzer(analyzerText, map[string]any{
		"type": custom.Name, "tokenizer": whitespace.Name,
		"token_filters": []any{"aiguillage_stop", fr.SnowballStemmerName},
	}); err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	if err := m.AddCustomAnalyzer(analyzerStem, map[string]any{
		"type": custom.Name, "tokenizer": whitespace.Name,
		"token_filters": []any{fr.MinimalStemmerName},
	}); err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerText
	text.Store = false
	text.IncludeTermVectors = false
	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("title", text)
	dm.AddFieldMappingsAt("all", text)
	dm.AddFieldMappingsAt("org", kw)
	dm.AddFieldMappingsAt("kind", kw)
	dm.AddFieldMappingsAt("area", kw)
	m.DefaultMapping = dm
	m.DefaultAnalyzer = analyzerText
	return m, nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Source is what the index is built from.
type Source interface {
	FindOrganisations(ctx context.Context, ids []string, p domain.Page) ([]*domain.Organisation, int, error)
	FindContactPoints(ctx context.Context, f domain.ContactPointFilter) ([]*domain.ContactPoint, int, error)
	FindThemes(ctx context.Context, organisationID string) ([]*domain.Theme, error)
	FindJourneys(ctx context.Context, organisationID string) ([]*domain.JourneyRecord, error)
	FindJourneyVersion(ctx context.Context, organisationID, slug string, number int) (*domain.JourneyVersion, error)
	AllFiches(ctx context.Context) ([]*domain.Fiche, error)
}

// PivotType describes a kind of office for the index.
type PivotType struct {
	Code, Label string
	Themes      []string
}

// snapshot is an immutable index of everything searchable, with the
// directory in memory so results resolve without a database round trip.
type snapshot struct {
	index    bleve.Index
	dir      *directory.Service
	analyzer analysis.Analyzer // analyzerText
	stemmer  analysis.Analyzer // analyzerStem
	docs     map[string]*doc
	rules    *Rules
	// vocabulary holds every indexed stem, to split run-together elisions.
	vocabulary map[string]bool

	commonsID string
	orgs      map[string]*domain.Organisation // by slug
	orgsByID  map[string]*domain.Organisation
	cps       map[string]*domain.ContactPoint
	byPivot   map[string]*byArea
	byTheme   map[string]*byArea
	byNumber  map[string]*domain.ContactPoint // commons' helplines by digits
	// overrides[org][national id] is the organisation's local override.
	overrides map[string]map[string]*domain.ContactPoint
	contacts  int
}

// areas returns m[k], created when missing.
func areas(m map[string]*byArea, k string) *byArea {
	b := m[k]
	if b == nil {
		b = &byArea{}
		m[k] = b
	}
	return b
}

// digitsRE keeps the digits of a phone number.
var nonDigitRE = regexp.MustCompile(`\D`)

func build(ctx context.Context, src Source, dir *directory.Service, lx *Lexicon, pivots []PivotType) (*snapshot, error) {
	m, err := newMapping(lx)
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	s := &snapshot{
		index: idx, dir: dir, analyzer: m.AnalyzerNamed(analyzerText), stemmer: m.AnalyzerNamed(analyzerStem),
		docs: map[string]*doc{}, vocabulary: map[string]bool{},
		orgs: map[string]*domain.Organisation{}, orgsByID: map[string]*domain.Organisation{}, cps: map[string]*domain.ContactPoint{},
		byPivot: map[string]*byArea{}, byTheme: map[string]*byArea{},
		byNumber: map[string]*domain.ContactPoint{}, overrides: map[string]map[string]*domain.ContactPoint{},
	}
	s.rules = lx.Compile(s.stem)
	orgs, _, err := src.FindOrganisations(ctx, nil, domain.Page{Limit: math.MaxInt32})
	if err != nil {
		return nil, fmt.Errorf("search index: organisations: %w", err)
	}
	for _, o := range orgs {
		s.orgs[o.Slug] = o
		s.orgsByID[o.ID] = o
		if o.Slug == domain.CommonsSlug {
			s.commonsID = o.ID
		}
	}
	cps, _, err := src.FindContactPoints(ctx, domain.ContactPointFilter{Limit: math.MaxInt32})
	if err != nil {
		return nil, fmt.Errorf("search index: contact points: %w", err)
	}
	s.contacts = len(cps)
	batch := idx.NewBatch()
	add := func(d *doc, area []string, keywords ...string) error {
		if d.ID == "" {
			d.ID = string(d.Kind) + "/" + d.OrgID + "/" + d.Ref
		}
		title := textnorm.Fold(d.Title + " " + strings.Join(keywords, " "))
		all := title + " " + textnorm.Fold(d.Description)
		s.docs[d.ID] = d
		for _, tok := range s.analyzer.Analyze([]byte(all)) {
			s.vocabulary[string(tok.Term)] = true
		}
		if area == nil {
			area = []string{anyArea}
		}
		for i, k := range area {
			area[i] = d.OrgID + "|" + k
		}
		return batch.Index(d.ID, indexed{Title: title, All: all, Org: d.OrgID, Kind: string(d.Kind), Area: area})
	}
	for _, c := range cps {
		s.cps[c.ID] = c
		if c.OverridesID != "" {
			if s.overrides[c.OrganisationID] == nil {
				s.overrides[c.OrganisationID] = map[string]*domain.ContactPoint{}
			}
			s.overrides[c.OrganisationID][c.OverridesID] = c
			continue
		}
		if c.Pivot != "" {
			areas(s.byPivot, c.Pivot).add(c)
		}
		for _, t := range c.Themes {
			areas(s.byTheme, t).add(c)
		}
		if c.OrganisationID == s.commonsID && c.Source.Kind == domain.SourceHelplines {
			for _, ch := range c.Channels {
				if ch.Kind == domain.ChannelPhone {
					s.byNumber[nonDigitRE.ReplaceAllString(ch.Value, "")] = c
				}
			}
		}
		// Offices of the annuaire are found through their kind (pivot);
		// helplines and partners' own contact points by name too.
		if c.Pivot == "" || c.Source.Kind == domain.SourceManual || c.Source.Kind == domain.SourceCSV {
			if err := add(&doc{Kind: KindContactPoint, OrgID: c.OrganisationID, Ref: c.ID, Title: c.Name, Description: c.Description,
				Emergency: c.Emergency, ContactPoints: []string{c.ID}}, contactAreas(c)); err != nil {
				return nil, err
			}
		}
	}
	themePivots := map[string][]string{}
	for _, p := range pivots {
		for _, t := range p.Themes {
			themePivots[t] = append(themePivots[t], p.Code)
		}
		if err := add(&doc{Kind: KindPivot, OrgID: s.commonsID, Ref: p.Code, Title: p.Label, Pivots: []string{p.Code}}, nil, p.Code); err != nil {
			return nil, err
		}
	}
	for _, o := range orgs {
		themes, err := src.FindThemes(ctx, o.ID)
		if err != nil {
			return nil, fmt.Errorf("search index: themes of %s: %w", o.Slug, err)
		}
		for _, t := range themes {
			d := &doc{Kind: KindTheme, OrgID: o.ID, Ref: t.Slug, Title: t.Label, Description: t.Description,
				Themes: []string{t.Slug}, Pivots: themePivots[t.Slug], Emergency: t.Slug == "urgences" || t.ParentSlug == "urgences"}
			if err := add(d, nil, t.Synonyms...); err != nil {
				return nil, err
			}
		}
		if err := s.addJourneys(ctx, src, o, add); err != nil {
			return nil, err
		}
	}
	fiches, err := src.AllFiches(ctx)
	if err != nil {
		return nil, fmt.Errorf("search index: fiches: %w", err)
	}
	for _, f := range fiches {
		d := &doc{Kind: KindFiche, OrgID: s.commonsID, Ref: f.ID, Title: f.Title, Description: f.Description, URL: f.URL,
			Pivots: withRenamed(f.Pivots), Online: f.Online}
		for _, p := range f.Places {
			for _, n := range p.Phones {
				if c, ok := s.byNumber[n]; ok && !slices.Contains(d.ContactPoints, c.ID) {
					d.ContactPoints = append(d.ContactPoints, c.ID)
				}
			}
			if p.Pivot == "" && p.URL != "" && len(d.Online) < 4 {
				d.Online = append(d.Online, domain.FicheLink{Title: p.Title, URL: p.URL, Kind: "Site"})
			}
		}
		if len(d.Pivots) == 0 && len(d.ContactPoints) == 0 && len(d.Online) == 0 {
			continue // leads nowhere: the resident could not act on it
		}
		if err := add(d, nil, f.Subject, strings.Join(f.Breadcrumb[min(1, len(f.Breadcrumb)):], " ")); err != nil {
			return nil, err
		}
	}
	if err := idx.Batch(batch); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return s, nil
}

// addJourneys indexes the outcomes of an organisation's published journeys,
// each with the labels of the options that lead to it.
func (s *snapshot) addJourneys(ctx context.Context, src Source, o *domain.Organisation, add func(*doc, []string, ...string) error) error {
	recs, err := src.FindJourneys(ctx, o.ID)
	if err != nil {
		return fmt.Errorf("search index: journeys of %s: %w", o.Slug, err)
	}
	for _, rec := range recs {
		if rec.PublishedVersion == 0 {
			continue
		}
		v, err := src.FindJourneyVersion(ctx, o.ID, rec.Slug, rec.PublishedVersion)
		if err != nil {
			return fmt.Errorf("search index: journey %s of %s: %w", rec.Slug, o.Slug, err)
		}
		j, err := journeys.Parse(bytes.NewReader(v.Content))
		if err != nil {
			return fmt.Errorf("search index: journey %s of %s: %w", rec.Slug, o.Slug, err)
		}
		labels := map[string][]string{} // step id → labels of options leading to it
		for _, st := range j.Steps {
			for _, opt := range st.Options {
				labels[opt.Next] = append(labels[opt.Next], opt.Label)
			}
		}
		for _, st := range j.Steps {
			if st.Kind != journeys.KindOutcome || st.Outcome == nil {
				continue
			}
			d := &doc{Kind: KindOutcome, OrgID: o.ID, Ref: orientation.OutcomeID(o.ID, j.Slug, st.ID), Title: st.Text,
				Description: j.Title + " " + st.Outcome.Explanation, Journey: j.Slug, Step: st.ID, Emergency: st.Outcome.Emergency,
				ContactPoints: st.Outcome.ContactPoints, Pivots: st.Outcome.Pivots}
			if err := add(d, nil, labels[st.ID]...); err != nil {
				return err
			}
		}
	}
	return nil
}

// terms analyses folded text into index terms.
func (s *snapshot) terms(text string) []string {
	var out []string
	for _, tok := range s.analyzer.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// stem returns the light stem of one folded word (plural endings removed).
func (s *snapshot) stem(w string) string {
	toks := s.stemmer.Analyze([]byte(w))
	if len(toks) == 0 {
		return w
	}
	return string(toks[0].Term)
}

// known reports whether a folded word's index stem occurs in the index.
func (s *snapshot) known(w string) bool {
	t := s.terms(w)
	return len(t) == 1 && s.vocabulary[t[0]]
}

// renamed pairs the kinds of office that changed code: the fiches still say
// pole_emploi, current annuaire records france_travail (Pôle emploi became
// France Travail on 1 January 2024); both are kept so either finds offices.
var renamed = map[string]string{"pole_emploi": "france_travail", "france_travail": "pole_emploi"}

func withRenamed(pivots []string) []string {
	out := slices.Clone(pivots)
	for _, p := range pivots {
		if q, ok := renamed[p]; ok && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}
