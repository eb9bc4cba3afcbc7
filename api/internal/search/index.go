package search

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
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
	// Keywords are indexed with the title: synonyms, the labels of the
	// options leading to an outcome, a fiche's subject.
	Keywords []string
}

// text is the folded text a document is indexed by: its title with its
// keywords, and all of it.
func (d *doc) text() (title, all string) {
	title = textnorm.Fold(d.Title + " " + strings.Join(d.Keywords, " "))
	return title, title + " " + textnorm.Fold(d.Description)
}

// indexed is a document as bleve stores it: its folded words, stemmed, each
// prefixed by a scope (scoped.go), so a search reads the documents of the
// organisations and areas it asks for only.
type indexed struct {
	Title string `json:"title"` // title and keywords, "<org code>|<area key>|<stem>"
	All   string `json:"all"`   // everything, title included
	// OrgTitle and OrgAll hold a contact point's words scoped by its
	// organisation only ("<org code>|<stem>"), for searches without a commune.
	OrgTitle string `json:"otitle,omitempty"`
	OrgAll   string `json:"oall,omitempty"`
}

// anyArea marks the documents that are not tied to an area.
const anyArea = "*"

// Analyzer names registered in the index mapping.
const (
	analyzerText = "aiguillage_fr"       // folded words, stop words removed, snowball stems
	analyzerStem = "aiguillage_fr_light" // plural endings only, for the lexicon's phrases
	// analyzerScoped splits the indexed fields, whose words are analysed beforehand.
	analyzerScoped = "aiguillage_scoped"
	stopMapName    = "aiguillage_fr_stop"
)

// newMapping builds the index mapping. Text arrives folded (textnorm), is
// split on spaces, loses its stop words and is stemmed by the Snowball
// French stemmer (analyzerText, applied before indexing); the indexed
// fields hold these stems scoped, which the index only splits.
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
	if err := m.AddCustomAnalyzer(analyzerScoped, map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}); err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerScoped
	text.Store = false
	text.IncludeTermVectors = false
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"title", "all", fieldOrgTitle, fieldOrgAll} {
		dm.AddFieldMappingsAt(f, text)
	}
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
	// stats are the statistics of the corpus as plain words; its allDF
	// holds every indexed stem, to split run-together elisions too.
	stats *corpusStats
	// orgCodes are the short codes of the organisations in scoped terms.
	orgCodes map[string]string
	// aliases are the index ids of the extra documents of contact points
	// serving several areas (scoped.go).
	aliases map[string]*doc
	// scoped holds the scope prefixes of the indexed words.
	scoped map[string]bool

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
		docs: map[string]*doc{}, stats: newCorpusStats(), orgCodes: map[string]string{}, aliases: map[string]*doc{}, scoped: map[string]bool{},
		orgs: map[string]*domain.Organisation{}, orgsByID: map[string]*domain.Organisation{}, cps: map[string]*domain.ContactPoint{},
		byPivot: map[string]*byArea{}, byTheme: map[string]*byArea{},
		byNumber: map[string]*domain.ContactPoint{}, overrides: map[string]map[string]*domain.ContactPoint{},
	}
	s.rules = lx.Compile(s.stem)
	orgs, _, err := src.FindOrganisations(ctx, nil, domain.Page{Limit: math.MaxInt32})
	if err != nil {
		return nil, fmt.Errorf("search index: organisations: %w", err)
	}
	for i, o := range orgs {
		s.orgs[o.Slug] = o
		s.orgsByID[o.ID] = o
		s.orgCodes[o.ID] = strconv.FormatInt(int64(i), 36)
		if o.Slug == domain.CommonsSlug {
			s.commonsID = o.ID
		}
	}
	// The index is public: no contact point nor channel reserved to agents
	// is in it (an agent's search finds what the public finds).
	public := domain.Viewer{}
	cps, _, err := src.FindContactPoints(ctx, domain.ContactPointFilter{Limit: math.MaxInt32, Viewer: &public})
	if err != nil {
		return nil, fmt.Errorf("search index: contact points: %w", err)
	}
	visible := cps[:0]
	for _, c := range cps {
		if c = public.Visible(c); c != nil {
			visible = append(visible, c)
		}
	}
	cps = visible
	s.contacts = len(cps)
	batch := idx.NewBatch()
	add := func(d *doc, area []string, keywords ...string) error {
		if d.ID == "" {
			d.ID = string(d.Kind) + "/" + d.OrgID + "/" + d.Ref
		}
		d.Keywords = keywords
		title, all := d.text()
		s.docs[d.ID] = d
		titleTerms, allTerms := s.terms(title), s.terms(all)
		s.stats.add(d.OrgID, titleTerms, allTerms)
		if area == nil {
			area = []string{anyArea}
		}
		return s.addScoped(batch, d, area, titleTerms, allTerms)
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
	s.stats.seal()
	if err := s.stats.sealVocabulary(); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return s, nil
}

// addScoped indexes a document's words within its scopes: one index
// document per area key (the first under the document's id, the others as
// aliases: a contact point serving several areas), the first of a contact
// point also holding its words scoped by organisation only.
func (s *snapshot) addScoped(batch *bleve.Batch, d *doc, area, titleTerms, allTerms []string) error {
	code := s.orgCodes[d.OrgID]
	for i, k := range area {
		p := scope(code, k)
		s.scoped[p] = true
		sd := indexed{Title: prefixed(p, titleTerms), All: prefixed(p, allTerms)}
		id := d.ID
		switch {
		case i > 0:
			id += "@" + k
			s.aliases[id] = d
		case d.Kind == KindContactPoint:
			s.scoped[code+"|"] = true
			sd.OrgTitle, sd.OrgAll = prefixed(code+"|", titleTerms), prefixed(code+"|", allTerms)
		}
		if err := batch.Index(id, sd); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	return nil
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
	return len(t) == 1 && s.stats.allDF[t[0]] > 0
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
