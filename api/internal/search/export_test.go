package search

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Hit is one document a search's index query found, before it is resolved
// into a result.
type Hit struct {
	ID    string
	Kind  Kind
	Score float64
	Raw   float64 // bleve's score, which picks the hits
}

// PlainComparison holds what the scoped index and the plain reference
// found for one query, best first (equal scores by id).
type PlainComparison struct {
	Query         Query
	Scoped, Plain []Hit
}

// ComparePlain runs the queries' index queries on the current snapshot's
// scoped index and on plainReference, an index of the same documents as
// plain words queried as before scoping (the index scoped.go reproduces),
// asking each for size hits.
func (s *Service) ComparePlain(ctx context.Context, qs []Query, size int) ([]PlainComparison, error) {
	snap := s.cur.Load()
	ref, err := snap.plainReference(s.opt.Lexicon)
	if err != nil {
		return nil, err
	}
	defer ref.Close()
	out := make([]PlainComparison, 0, len(qs))
	for _, q := range qs {
		// As Search reads a query.
		allowed := map[string]bool{snap.commonsID: true}
		if q.Partner != "" {
			o, ok := snap.orgs[q.Partner]
			if !ok {
				return nil, fmt.Errorf("no partner %q", q.Partner)
			}
			allowed[o.ID] = true
		}
		var commune *domain.Commune
		if q.Commune != "" {
			if commune, err = s.opt.Directory.Commune("commune", q.Commune); err != nil {
				return nil, err
			}
		}
		reading := s.opt.Lexicon.Languages().Read(q.Text, q.Lang, snap.french(s.opt.Lexicon))
		words := snap.prepare(s.opt.Lexicon, reading.Words)
		exps := snap.rules.Expand(words)
		scoped, err := snap.query(ctx, words, exps, allowed, commune, size)
		if err != nil {
			return nil, err
		}
		plain, err := snap.plainQuery(ctx, ref, words, exps, allowed, commune, size)
		if err != nil {
			return nil, err
		}
		out = append(out, PlainComparison{Query: q, Scoped: exportHits(scoped), Plain: exportHits(plain)})
	}
	return out, nil
}

func exportHits(hits []hit) []Hit {
	out := make([]Hit, len(hits))
	for i, h := range hits {
		out[i] = Hit{ID: h.doc.ID, Kind: h.doc.Kind, Score: h.score, Raw: h.score / kindBoost[h.doc.Kind]}
	}
	slices.SortStableFunc(out, func(a, b Hit) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID)) })
	return out
}

// plainIndexed is a document of the plain reference: folded text, the
// organisation and kind as keywords, and the area keys (areas.go) it may
// serve, each prefixed by its organisation.
type plainIndexed struct {
	Title string   `json:"title"`
	All   string   `json:"all"`
	Org   string   `json:"org"`
	Kind  string   `json:"kind"`
	Area  []string `json:"area"`
}

// plainReference indexes the snapshot's documents as plain words.
func (s *snapshot) plainReference(lx *Lexicon) (bleve.Index, error) {
	m, err := newMapping(lx)
	if err != nil {
		return nil, err
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerText
	text.Store = false
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
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("plain index: %w", err)
	}
	batch := idx.NewBatch()
	for id, d := range s.docs {
		area := []string{anyArea}
		if d.Kind == KindContactPoint {
			area = contactAreas(s.cps[d.Ref])
		}
		pd := plainIndexed{Org: d.OrgID, Kind: string(d.Kind)}
		pd.Title, pd.All = d.text()
		for _, k := range area {
			pd.Area = append(pd.Area, d.OrgID+"|"+k)
		}
		if err := batch.Index(id, pd); err != nil {
			idx.Close()
			return nil, fmt.Errorf("plain index: %w", err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("plain index: %w", err)
	}
	return idx, nil
}

// plainQuery is the index query of Search before scoping: for each term a
// clause matching the title, all the text and all the text within the typo
// budget, in a conjunction with the allowed organisations and, with a
// commune, the areas that may serve it.
func (s *snapshot) plainQuery(ctx context.Context, idx bleve.Index, words []string, exps []Expansion, allowed map[string]bool, commune *domain.Commune, size int) ([]hit, error) {
	order, terms := s.queryTerms(words, exps)
	if len(terms) == 0 {
		return nil, nil
	}
	var clauses []query.Query
	for _, t := range order {
		tm := terms[t]
		title := bleve.NewTermQuery(t)
		title.SetField("title")
		title.SetBoost(2 * tm.weight)
		all := bleve.NewTermQuery(t)
		all.SetField("all")
		all.SetBoost(tm.weight)
		sub := []query.Query{title, all}
		if tm.fuzz > 0 {
			fz := bleve.NewFuzzyQuery(t)
			fz.SetField("all")
			fz.SetFuzziness(tm.fuzz)
			fz.SetBoost(0.5 * tm.weight)
			sub = append(sub, fz)
		}
		clauses = append(clauses, bleve.NewDisjunctionQuery(sub...))
	}
	var orgs []query.Query
	for _, id := range slices.Sorted(maps.Keys(allowed)) {
		oq := bleve.NewTermQuery(id)
		oq.SetField("org")
		orgs = append(orgs, oq)
	}
	orgFilter := bleve.NewDisjunctionQuery(orgs...)
	orgFilter.SetBoost(0) // which bleve ignores: the organisations' terms score
	must := []query.Query{bleve.NewDisjunctionQuery(clauses...), orgFilter}
	if commune != nil {
		var areas []query.Query
		for org := range allowed {
			for _, k := range communeAreas(commune) {
				aq := bleve.NewTermQuery(org + "|" + k)
				aq.SetField("area")
				aq.SetBoost(0) // a filter
				areas = append(areas, aq)
			}
		}
		must = append(must, bleve.NewDisjunctionQuery(areas...))
	}
	res, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), size, 0, false))
	if err != nil {
		return nil, fmt.Errorf("plain search: %w", err)
	}
	out := make([]hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		d := s.docs[h.ID]
		out = append(out, hit{doc: d, score: h.Score * kindBoost[d.Kind]})
	}
	return out, nil
}
