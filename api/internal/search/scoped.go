package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"
	"github.com/blevesearch/vellum/levenshtein"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Contact points are the bulk of a national directory (100,000 offices at
// ten times the annuaire) and their names repeat the same few words ("CAF",
// "mairie", "France services", "accueil"). Indexed as plain words, every
// query walked their postings across the country before a filter on the
// commune's area threw them away. So every word is indexed within its
// document's scope: "<org code>|<area key>|<stem>" in the title and all
// fields, the area key being anyArea for the documents tied to no area and
// one of the area buckets (areas.go) a contact point may serve (one index
// document per bucket); "<org code>|<stem>" in otitle and oall for contact
// points, read by searches without a commune. A search asks for its words
// in the scopes of its organisations and its commune only: it walks the
// documents that may answer it, never the offices of other areas, and
// needs no filter.
//
// Scoping words changes the statistics BM25 reads (document frequencies,
// the number of distinct terms of a field), so scores are brought back to
// those of one index of plain words: searches pass that index's statistics
// (bm25Stats), each term's boost is corrected by the square of the ratio of
// its idf there to its idf in its scope (bleve scores a term idf² × boost ×
// a function of its frequency and its field's length), fuzzy terms expand
// against the plain vocabulary, and every word's clause has as many
// subqueries whatever matches (bleve multiplies a disjunction's score by
// the share of its subqueries that match). The query is one disjunction
// per scope (scopeQuery), which adds the score the plain index's filter on
// the organisation gave (orgScore: a partner's documents gain much), and
// its query norm is the plain query's (normalised): bleve computes it from
// the weights of the term queries, which scoping multiplies. The tests
// hold the scores to those of an index of plain words (export_test.go).

// Fields of the contact points' words scoped by organisation only.
const (
	fieldOrgTitle = "otitle"
	fieldOrgAll   = "oall"
)

// scope prefixes an area key with an organisation's code.
func scope(orgCode, areaKey string) string { return orgCode + "|" + areaKey + "|" }

// fieldScope is where a search reads: a scope prefix, its fields, and the
// organisation it belongs to.
type fieldScope struct{ prefix, title, all, org string }

// scopes are the scopes a search reads: the documents of the allowed
// organisations tied to no area, and their contact points that may serve
// the commune or, without a commune, all of them; those holding no document
// are left out. Organisations come in a fixed order, so scores add up the
// same way every time.
func (s *snapshot) scopes(allowed map[string]bool, commune *domain.Commune) []fieldScope {
	var cands []fieldScope
	for _, org := range slices.Sorted(maps.Keys(allowed)) {
		code := s.orgCodes[org]
		if commune == nil {
			cands = append(cands, fieldScope{scope(code, anyArea), "title", "all", org},
				fieldScope{code + "|", fieldOrgTitle, fieldOrgAll, org})
			continue
		}
		for _, k := range communeAreas(commune) {
			cands = append(cands, fieldScope{scope(code, k), "title", "all", org})
		}
	}
	return slices.DeleteFunc(cands, func(sc fieldScope) bool { return !s.scoped[sc.prefix] })
}

// prefixed joins the terms, each prefixed.
func prefixed(prefix string, terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(prefix)
		b.WriteString(t)
	}
	return b.String()
}

// corpusStats counts, over every searchable document once (a contact point
// serving several areas counts once), how many documents hold each stem in
// their title and in their whole text: the statistics of an index of plain
// words.
type corpusStats struct {
	docs    int
	titleDF map[string]int
	allDF   map[string]int
	// orgDF counts the documents of each organisation.
	orgDF     map[string]int
	bm25Stats *search.BM25Stats
	// vocabulary holds the stems of allDF, for fuzzy matching.
	vocabulary *vellum.FST
}

func newCorpusStats() *corpusStats {
	return &corpusStats{titleDF: map[string]int{}, allDF: map[string]int{}, orgDF: map[string]int{}}
}

// add counts one document of an organisation: its analysed title and text.
func (c *corpusStats) add(org string, title, all []string) {
	c.docs++
	c.orgDF[org]++
	countOnce(c.titleDF, title)
	countOnce(c.allDF, all)
}

func countOnce(df map[string]int, terms []string) {
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			df[t]++
		}
	}
}

// seal computes the BM25 statistics searches pass to bleve: the number of
// documents and, per field, the number of distinct terms, which bleve
// divides to get the average length it normalises by; the fields scoped by
// organisation take the figures of the others.
func (c *corpusStats) seal() {
	c.bm25Stats = &search.BM25Stats{DocCount: float64(max(c.docs, 1)), FieldCardinality: map[string]int{
		"title": len(c.titleDF), "all": len(c.allDF),
		fieldOrgTitle: len(c.titleDF), fieldOrgAll: len(c.allDF),
	}}
}

// orgScore is what the plain index's query scored a document of the
// organisation by, before bleve's query norm: the term query on the
// organisation, a keyword (one term in its field), with a boost of 1.
func (c *corpusStats) orgScore(org string) float64 {
	idf := c.idf(c.orgDF[org])
	// bleve's average field length: the number of distinct terms per document.
	avg := math.Ceil(float64(len(c.orgDF)) / c.bm25Stats.DocCount)
	return idf * idf * search.BM25_k1 / (1 + search.BM25_k1*(1-search.BM25_b+search.BM25_b/avg))
}

// idf is bleve's BM25 idf of a term held by df of the corpus' documents.
func (c *corpusStats) idf(df int) float64 {
	n := c.bm25Stats.DocCount
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// scoredTerm is a term query whose boost is corrected so that the term
// scores with the idf it has in the plain corpus (target) rather than its
// own: term is a scoped or a plain stem.
type scoredTerm struct {
	term, field string
	boost       float64
	target      float64 // idf in the plain corpus
	stats       *corpusStats
}

// Searcher implements query.Query.
func (q *scoredTerm) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opt search.SearcherOptions) (search.Searcher, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(q.term), q.field, false, false, false)
	if err != nil {
		return nil, fmt.Errorf("term %s: %w", q.field, err)
	}
	df := tfr.Count()
	if err := tfr.Close(); err != nil {
		return nil, fmt.Errorf("term %s: %w", q.field, err)
	}
	if df == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	ratio := q.target / q.stats.idf(int(df))
	return searcher.NewTermSearcher(ctx, r, q.term, q.field, q.boost*ratio*ratio, opt)
}

// fuzzyCandidate is a stem of the corpus within a query word's typo budget.
type fuzzyCandidate struct {
	term     string
	distance uint8
}

// levBuilders build Levenshtein automata for 1 and 2 typos, as bleve's
// (transpositions count as one typo); they are read-only once built.
var levBuilders = sync.OnceValues(func() ([3]*levenshtein.LevenshteinAutomatonBuilder, error) {
	var lbs [3]*levenshtein.LevenshteinAutomatonBuilder
	for d := 1; d <= 2; d++ {
		lb, err := levenshtein.NewLevenshteinAutomatonBuilder(uint8(d), true)
		if err != nil {
			return lbs, fmt.Errorf("levenshtein automaton: %w", err)
		}
		lbs[d] = lb
	}
	return lbs, nil
})

// sealVocabulary stores the corpus' stems in an FST, where the fuzzy
// candidates of a word are looked for once for every scope.
func (c *corpusStats) sealVocabulary() error {
	terms := make([]string, 0, len(c.allDF))
	for t := range c.allDF {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	var buf bytes.Buffer
	b, err := vellum.New(&buf, nil)
	if err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	for _, t := range terms {
		if err := b.Insert([]byte(t), 0); err != nil {
			return fmt.Errorf("vocabulary: %w", err)
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	c.vocabulary, err = vellum.Load(buf.Bytes())
	if err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	return nil
}

// fuzzy returns the stems of the corpus within fuzz typos of term: the
// candidates bleve's fuzzy query finds in an index of plain words.
func (c *corpusStats) fuzzy(term string, fuzz int) ([]fuzzyCandidate, error) {
	lbs, err := levBuilders()
	if err != nil {
		return nil, err
	}
	dfa, err := lbs[fuzz].BuildDfa(term, uint8(fuzz))
	if err != nil {
		return nil, fmt.Errorf("fuzzy %q: %w", term, err)
	}
	var out []fuzzyCandidate
	it, err := c.vocabulary.Search(dfa, nil, nil)
	for err == nil {
		k, _ := it.Current()
		out = append(out, fuzzyCandidate{term: string(k), distance: it.EditDistance()})
		err = it.Next()
	}
	if !errors.Is(err, vellum.ErrIteratorDone) {
		return nil, fmt.Errorf("fuzzy %q: %w", term, err)
	}
	return out, nil
}

// plainNorm sums the squared weights (boost × idf) of the term queries of
// the plain index's query, whose inverse square root bleve multiplies
// every score by (its query norm).
type plainNorm float64

func (n *plainNorm) add(boost, idf float64) { *n += plainNorm(boost * idf * boost * idf) }

func (n plainNorm) value() float64 { return 1 / math.Sqrt(float64(n)) }

// anyOf is bleve's disjunction query, but a searcher matching nothing when
// none of its subqueries can match: most scopes hold few of a query's
// words, and their clauses then cost nothing. It counts as one subquery of
// its parent either way, as a disjunction matching nothing would.
type anyOf []query.Query

// Searcher implements query.Query.
func (q anyOf) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opt search.SearcherOptions) (search.Searcher, error) {
	ss := make([]search.Searcher, 0, len(q))
	closeAll := func() {
		for _, sr := range ss {
			_ = sr.Close()
		}
	}
	none := true
	for _, sub := range q {
		sr, err := sub.Searcher(ctx, r, m, opt)
		if err != nil {
			closeAll()
			return nil, err
		}
		if _, ok := sr.(*searcher.MatchNoneSearcher); !ok {
			none = false
		}
		ss = append(ss, sr)
	}
	if none {
		closeAll()
		return searcher.NewMatchNoneSearcher(r)
	}
	sr, err := searcher.NewDisjunctionSearcher(ctx, r, ss, 0, opt)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("disjunction: %w", err)
	}
	return sr, nil
}

// scopeQuery scores the documents of one scope: its query's score plus
// bonus, times scale.
type scopeQuery struct {
	query.Query
	scale, bonus float64
}

// Searcher implements query.Query.
func (q *scopeQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opt search.SearcherOptions) (search.Searcher, error) {
	sr, err := q.Query.Searcher(ctx, r, m, opt)
	if err != nil {
		return nil, err
	}
	if _, none := sr.(*searcher.MatchNoneSearcher); none {
		return sr, nil
	}
	// Without an index reader nor a doc value reader, bleve neither looks
	// up the hit's id nor loads fields for the function.
	return searcher.NewCustomScoreSearcher(ctx, sr, func(_ context.Context, d *search.DocumentMatch) (float64, error) {
		return (d.Score + q.bonus) * q.scale, nil
	}, nil, nil, nil, opt.Explain), nil
}

// normalised is a query whose scores take the plain index's query norm:
// bleve computes it from the weights of the term queries, which scoping
// multiplies and changes.
type normalised struct {
	query.Query
	norm float64
}

// Searcher implements query.Query.
func (q *normalised) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opt search.SearcherOptions) (search.Searcher, error) {
	sr, err := q.Query.Searcher(ctx, r, m, opt)
	if err != nil {
		return nil, err
	}
	sr.SetQueryNorm(q.norm)
	return sr, nil
}
