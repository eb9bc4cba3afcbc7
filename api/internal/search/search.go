// Package search turns a resident's own words into the needs they mean and
// the contact points that serve them where they live.
//
// The text is folded (case, accents, apostrophes: package textnorm), SMS
// spellings are rewritten, run-together elisions split ("dargent"), and the
// lexicon (data/search_lexicon.csv) adds the administrative words behind lay
// phrases and acronyms. The index is Bleve's (an in-memory Scorch index with
// the Snowball French stemmer, BM25 ranking and Levenshtein-automaton fuzzy
// matching). It holds the needs of the national taxonomy and of partners'
// themes, the kinds of office of the annuaire, the service-public.fr fiches,
// helplines and partners' contact points, and the outcomes of published
// journeys. Each result embeds the contact points it leads to for the
// resident's commune, resolved by coverage from a snapshot of the directory
// held in memory with the index. The emergency detector runs first.
//
// The index is rebuilt in the background when the data changes.
package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/emergency"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Bounds of a query.
const (
	MaxQueryRunes = 500
	MaxWords      = 32
	DefaultLimit  = 5
	MaxLimit      = 20
	// maxContacts is how many contact points one result embeds.
	maxContacts = 6
)

// Options configure the service.
type Options struct {
	Source    Source
	Directory *directory.Service
	Detector  *emergency.Detector
	Lexicon   *Lexicon
	Pivots    []PivotType
	// Misses records searches that found nothing (nil: not recorded).
	Misses domain.SearchMissStore
	// Generation changes when public data is written, through this
	// process or (announced over PostgreSQL NOTIFY) through another replica.
	Generation func() uint64
	// Stamp summarises the data of every replica (see store.ChangeStamp);
	// polled every StampEvery so writes made elsewhere are seen too.
	Stamp      func(context.Context) (string, error)
	StampEvery time.Duration
	Logger     *slog.Logger
	Now        func() time.Time
}

// Service answers searches from the current snapshot.
type Service struct {
	opt  Options
	cur  atomic.Pointer[snapshot]
	mu   sync.Mutex // serialises rebuilds
	gen  uint64
	stmp string
	// missSlots bounds the background writes of missed searches.
	missSlots chan struct{}
}

// New returns a service; call Refresh before the first search.
func New(opt Options) *Service {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.StampEvery == 0 {
		opt.StampEvery = 10 * time.Second
	}
	return &Service{opt: opt, missSlots: make(chan struct{}, 4)}
}

// Refresh rebuilds the index from the source and swaps it in.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshLocked(ctx)
}

func (s *Service) refreshLocked(ctx context.Context) error {
	start := time.Now()
	var gen uint64
	if s.opt.Generation != nil {
		gen = s.opt.Generation()
	}
	var stamp string
	if s.opt.Stamp != nil {
		st, err := s.opt.Stamp(ctx)
		if err != nil {
			return fmt.Errorf("search: change stamp: %w", err)
		}
		stamp = st
	}
	snap, err := build(ctx, s.opt.Source, s.opt.Directory, s.opt.Lexicon, s.opt.Pivots)
	if err != nil {
		return err
	}
	if old := s.cur.Swap(snap); old != nil {
		// Searches still running on the old index hold it; Scorch closes
		// after they finish reading, and an in-memory index only frees memory.
		go func() { time.Sleep(5 * time.Second); _ = old.index.Close() }()
	}
	s.gen, s.stmp = gen, stamp
	s.opt.Logger.InfoContext(ctx, "search index built", "documents", len(snap.docs), "contact_points", snap.contacts, "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// Run rebuilds the index whenever the data changes, until ctx ends: within
// half a second of a move of the generation (writes of this process, and of
// other replicas when they are announced), and within StampEvery for any
// write the change stamp reveals (announcements lost).
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	lastStamp := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.mu.Lock()
		stale := s.opt.Generation != nil && s.opt.Generation() != s.gen
		if !stale && s.opt.Stamp != nil && time.Since(lastStamp) >= s.opt.StampEvery {
			lastStamp = time.Now()
			st, err := s.opt.Stamp(ctx)
			if err != nil && ctx.Err() == nil {
				s.opt.Logger.WarnContext(ctx, "search: change stamp", "err", err)
			}
			stale = err == nil && st != s.stmp
		}
		if stale {
			if err := s.refreshLocked(ctx); err != nil && ctx.Err() == nil {
				s.opt.Logger.ErrorContext(ctx, "search: rebuild", "err", err)
			}
		}
		s.mu.Unlock()
	}
}

// Query is a resident's search.
type Query struct {
	Text    string
	Commune string // INSEE code, optional
	Partner string // organisation slug, optional
	Entry   string // entry point slug of the partner, optional
	Limit   int
	// Lang is the language the resident reads (a code of package i18n);
	// empty: the query's language is guessed (languages.go).
	Lang string
}

// Result is one answer: what matched and where it leads.
type Result struct {
	Kind        Kind
	Ref         string
	Title       string
	Description string
	URL         string
	Score       float64
	Emergency   bool
	// Organisation is the slug of the organisation whose data matched.
	Organisation  string
	Journey, Step string
	Pivots        []string
	// NeedsCommune is true when offices of Pivots would be proposed for a commune.
	NeedsCommune bool
	Contacts     []orientation.Resolved
	Online       []domain.FicheLink
}

// Response is the answer to a query.
type Response struct {
	Query      string
	Emergency  bool
	Categories []emergency.Category
	Commune    *domain.Commune
	// Understood lists the lexicon's rules that applied ("loyer → aide au logement").
	Understood []string
	Results    []Result
	// Lang is the language to answer in: the query's Lang, or the guessed one.
	Lang string
}

// Search answers a query.
func (s *Service) Search(ctx context.Context, q Query) (*Response, error) {
	snap := s.cur.Load()
	if snap == nil {
		return nil, errors.New("search: the index is not built yet")
	}
	text := strings.TrimSpace(strings.ToValidUTF8(q.Text, " "))
	var v domain.Validation
	switch n := utf8.RuneCountInString(text); {
	case textnorm.Fold(text) == "":
		v.Add("q", "décrivez votre besoin en quelques mots, par exemple « aide au logement »")
	case n > MaxQueryRunes:
		v.Add("q", "%d caractères au plus (reçu %d) : décrivez votre besoin en quelques mots", MaxQueryRunes, n)
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.Limit < 1 || q.Limit > MaxLimit {
		v.Add("limit", "doit être compris entre 1 et %d", MaxLimit)
	}
	if err := v.Err("Recherche invalide."); err != nil {
		return nil, err
	}
	var commune *domain.Commune
	if q.Commune != "" {
		c, err := s.opt.Directory.Commune("commune", q.Commune)
		if err != nil {
			return nil, err
		}
		commune = c
	}
	var org *domain.Organisation
	if q.Partner != "" {
		o, ok := snap.orgs[q.Partner]
		if !ok || !domain.ValidSlug(q.Partner) {
			return nil, domain.Errorf(domain.ENOTFOUND, "Aucun partenaire ne porte l'identifiant %q.", truncate(q.Partner, 64))
		}
		org = o
		if q.Entry != "" && !slices.ContainsFunc(o.EntryPoints, func(e domain.EntryPoint) bool { return e.Slug == q.Entry }) {
			return nil, domain.Errorf(domain.ENOTFOUND, "%s n'a pas de point d'entrée %q.", o.Name, truncate(q.Entry, 64))
		}
	} else if q.Entry != "" {
		return nil, domain.Invalid("Recherche invalide.", domain.FieldError{Field: "entry", Message: "un point d'entrée s'utilise avec le partenaire (partner)"})
	}

	resp := &Response{Query: text, Commune: commune}
	allowed := map[string]bool{snap.commonsID: true}
	if org != nil {
		allowed[org.ID] = true
	}
	reading := s.opt.Lexicon.Languages().Read(text, q.Lang, snap.french(s.opt.Lexicon))
	resp.Lang = cmp.Or(q.Lang, reading.Lang)
	if det := s.detect(text, reading); det.Emergency {
		resp.Emergency = true
		resp.Categories = det.Categories
		resp.Results = append(resp.Results, snap.emergencyResult(det))
	}

	words := snap.prepare(s.opt.Lexicon, reading.Words)
	expansions := snap.rules.Expand(words)
	resp.Understood = reading.Understood
	for _, e := range expansions {
		resp.Understood = append(resp.Understood, e.Matched+" → "+strings.Join(e.Words, " "))
	}
	hits, err := snap.query(ctx, words, expansions, allowed, commune, q.Limit*4)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, h := range hits {
		if len(resp.Results) >= q.Limit {
			break
		}
		r := snap.result(h.doc, h.score, org, allowed, commune)
		if len(r.Contacts) == 0 && len(r.Online) == 0 && !r.NeedsCommune {
			continue // nothing to act on for this commune
		}
		key := destinations(r)
		if seen[key] {
			continue // the same contacts as a better result
		}
		seen[key] = true
		resp.Results = append(resp.Results, r)
	}
	if len(resp.Results) == 0 {
		s.recordMiss(text, org, commune)
	}
	return resp, nil
}

// destinations identifies what a result leads to, to drop repeats.
func destinations(r Result) string {
	var b strings.Builder
	for _, c := range r.Contacts {
		b.WriteString(c.ID)
		b.WriteByte(',')
	}
	for _, p := range r.Pivots {
		b.WriteString(p)
		b.WriteByte(',')
	}
	for _, o := range r.Online {
		b.WriteString(o.URL)
		b.WriteByte(',')
	}
	return b.String()
}

// recordMiss stores a search that found nothing, scrubbed of personal data,
// in the background; when too many writes are pending it is dropped.
func (s *Service) recordMiss(text string, org *domain.Organisation, commune *domain.Commune) {
	if s.opt.Misses == nil {
		return
	}
	m := &domain.SearchMiss{Query: domain.SearchMissQuery(text), Count: 1, FirstSeen: s.opt.Now(), LastSeen: s.opt.Now()}
	if org != nil {
		m.OrganisationID = org.ID
	}
	if commune != nil {
		m.Departement = commune.Departement
	}
	select {
	case s.missSlots <- struct{}{}:
	default:
		return
	}
	go func() {
		defer func() { <-s.missSlots }()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.opt.Misses.RecordSearchMiss(ctx, m); err != nil {
			s.opt.Logger.Warn("search: record a missed search", "err", err)
		}
	}()
}

// prepare rewrites SMS spellings and splits run-together elisions
// ("dargent" → "d argent") when only the split form is a known word.
func (s *snapshot) prepare(lx *Lexicon, words []string) []string {
	words = lx.Rewrite(words)
	if len(words) > MaxWords {
		words = words[:MaxWords]
	}
	out := make([]string, 0, len(words))
	for _, w := range words {
		if len(w) >= 4 && strings.IndexByte("dljmnst", w[0]) >= 0 && strings.IndexByte("aeiouyh", w[1]) >= 0 &&
			!lx.Stop(w) && !s.known(w) && s.known(w[1:]) {
			out = append(out, w[:1], w[1:])
			continue
		}
		out = append(out, w)
	}
	return out
}

type hit struct {
	doc   *doc
	score float64
}

// queryTerm is how a term of the query is looked for.
type queryTerm struct {
	weight float64
	fuzz   int // typos allowed
}

// queryTerms are the index terms of a query's words, each with its weight
// and typo budget, and with a lower weight those of the words the lexicon
// added; order lists them as they first came.
func (s *snapshot) queryTerms(words []string, exps []Expansion) (order []string, terms map[string]queryTerm) {
	terms = map[string]queryTerm{}
	addTerm := func(w string, weight float64, fuzz int) {
		for _, t := range s.terms(w) {
			cur, ok := terms[t]
			if !ok {
				order = append(order, t)
			}
			if weight > cur.weight {
				cur.weight = weight
			}
			cur.fuzz = max(cur.fuzz, fuzz)
			terms[t] = cur
		}
	}
	for _, w := range words {
		addTerm(w, 1, fuzziness(w))
	}
	for _, e := range exps {
		for _, w := range e.Words {
			addTerm(w, 0.6, 0)
		}
	}
	return order, terms
}

// fuzziness follows Meilisearch's defaults: one typo from 5 letters, two
// from 9.
func fuzziness(word string) int {
	switch n := len(word); {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// query runs the Bleve query: each term of the query, and with a lower
// weight each word the lexicon added, is a clause matching the title
// (weighted most), all the text, and all the text within the typo budget,
// in each scope the search reads.
func (s *snapshot) query(ctx context.Context, words []string, exps []Expansion, allowed map[string]bool, commune *domain.Commune, size int) ([]hit, error) {
	order, terms := s.queryTerms(words, exps)
	if len(terms) == 0 {
		return nil, nil
	}
	scopes := s.scopes(allowed, commune)
	if len(scopes) == 0 {
		return nil, nil
	}
	// Scores are those of the plain index's query (scoped.go): the same
	// term queries, weighed as there, and the same query norm.
	type termQuery struct {
		queryTerm
		titleIDF, allIDF float64
		cands            []fuzzyCandidate
	}
	tqs := make([]termQuery, len(order))
	var norm plainNorm
	for i, t := range order {
		tq := termQuery{queryTerm: terms[t], titleIDF: s.stats.idf(s.stats.titleDF[t]), allIDF: s.stats.idf(s.stats.allDF[t])}
		norm.add(2*tq.weight, tq.titleIDF)
		norm.add(tq.weight, tq.allIDF)
		if tq.fuzz > 0 {
			cands, err := s.stats.fuzzy(t, tq.fuzz)
			if err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
			tq.cands = cands
			if len(cands) == 0 {
				norm.add(0.5*tq.weight, tq.allIDF) // bleve's fuzzy query is then a term query
			}
			for _, c := range cands {
				norm.add(0.5*tq.weight/float64(c.distance+1), s.stats.idf(s.stats.allDF[c.term]))
			}
		}
		tqs[i] = tq
	}
	// The plain index's query also held the allowed organisations, as a
	// filter that scored (bleve ignores a disjunction's own boost): each
	// document gained its organisation's score (orgScore), which is large
	// for a partner holding few documents. Its journey outcomes owe their
	// rank to it.
	for _, org := range slices.Sorted(maps.Keys(allowed)) {
		norm.add(1, s.stats.idf(s.stats.orgDF[org]))
	}
	// One query per scope, each a clause per term as the plain index's
	// query: every clause has as many subqueries whatever its term
	// matches, since bleve scales a disjunction's score by the share of
	// its subqueries that match.
	groups := make([]query.Query, 0, len(scopes))
	for _, sc := range scopes {
		clauses := make([]query.Query, 0, len(order))
		for i, t := range order {
			tq := tqs[i]
			sub := []query.Query{
				&scoredTerm{term: sc.prefix + t, field: sc.title, boost: 2 * tq.weight, target: tq.titleIDF, stats: s.stats},
				&scoredTerm{term: sc.prefix + t, field: sc.all, boost: tq.weight, target: tq.allIDF, stats: s.stats},
			}
			if tq.fuzz > 0 {
				// bleve's fuzzy query: the candidates, each weighed down by its typos.
				fz := make([]query.Query, 0, max(len(tq.cands), 1))
				for _, c := range tq.cands {
					fz = append(fz, &scoredTerm{term: sc.prefix + c.term, field: sc.all, boost: 0.5 * tq.weight / float64(c.distance+1),
						target: s.stats.idf(s.stats.allDF[c.term]), stats: s.stats})
				}
				if len(fz) == 0 {
					fz = append(fz, &scoredTerm{term: sc.prefix + t, field: sc.all, stats: s.stats}) // matches nothing
				}
				sub = append(sub, anyOf(fz))
			}
			clauses = append(clauses, anyOf(sub))
		}
		// A document matches in its own scope only, one of len(scopes):
		// the disjunction of the scopes divides its score by len(scopes).
		// It gains its organisation's score as one of the len(allowed)
		// terms of the plain index's filter.
		groups = append(groups, &scopeQuery{Query: anyOf(clauses), scale: float64(len(scopes)),
			bonus: norm.value() * s.stats.orgScore(sc.org) / float64(len(allowed))})
	}
	q := &normalised{Query: anyOf(groups), norm: norm.value()}
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	res, err := s.index.SearchInContext(context.WithValue(ctx, search.BM25StatsKey, s.stats.bm25Stats), req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make([]hit, 0, len(res.Hits))
	seen := make(map[*doc]bool, len(res.Hits))
	for _, h := range res.Hits {
		d, ok := s.docs[h.ID]
		if !ok {
			d, ok = s.aliases[h.ID]
		}
		if !ok || seen[d] {
			// A contact point serving several of the commune's areas
			// matches once per area; hits come best first.
			continue
		}
		seen[d] = true
		out = append(out, hit{doc: d, score: h.Score * kindBoost[d.Kind]})
	}
	slices.SortStableFunc(out, func(a, b hit) int { return cmp.Compare(b.score, a.score) })
	return out, nil
}

// emergencyResult is the first result when the detector fires: the numbers
// of the categories it recognised, most specific first.
func (s *snapshot) emergencyResult(det emergency.Result) Result {
	r := Result{Kind: KindEmergency, Emergency: true, Title: "Urgence"}
	if len(det.Categories) > 0 {
		r.Ref = det.Categories[0].Slug
		r.Title = det.Categories[0].Label
	}
	seen := map[string]bool{}
	for _, c := range det.Categories {
		for _, n := range c.Numbers {
			cp, ok := s.byNumber[n]
			if !ok || seen[cp.ID] {
				continue
			}
			seen[cp.ID] = true
			r.Contacts = append(r.Contacts, orientation.Resolved{Located: directory.Located{ContactPoint: cp, Level: directory.LevelNational}, Reason: "numéro d'urgence : " + c.Label})
		}
	}
	return r
}

// result resolves where a document leads for the commune.
func (s *snapshot) result(d *doc, score float64, org *domain.Organisation, allowed map[string]bool, commune *domain.Commune) Result {
	r := Result{Kind: d.Kind, Ref: d.Ref, Title: d.Title, Description: d.Description, URL: d.URL, Score: score, Emergency: d.Emergency,
		Journey: d.Journey, Step: d.Step, Pivots: d.Pivots, Online: d.Online}
	if o, ok := s.orgsByID[d.OrgID]; ok {
		r.Organisation = o.Slug
	}
	seen := map[string]bool{}
	addContact := func(rs orientation.Resolved) {
		if !seen[rs.ID] && len(r.Contacts) < maxContacts {
			seen[rs.ID] = true
			r.Contacts = append(r.Contacts, rs)
		}
	}
	for _, id := range d.ContactPoints {
		if c, ok := s.cps[id]; ok && allowed[c.OrganisationID] {
			addContact(orientation.Resolved{Located: directory.Located{ContactPoint: c, Level: directory.LevelNone}, Reason: "correspond à votre recherche"})
		}
	}
	for _, t := range d.Themes {
		themed := s.byTheme[t]
		if commune == nil {
			for _, c := range themed.list() {
				if !allowed[c.OrganisationID] {
					continue
				}
				if c.Coverage.National {
					addContact(orientation.Resolved{Located: directory.Located{ContactPoint: c, Level: directory.LevelNational}, Reason: "service national"})
					continue
				}
				r.NeedsCommune = true
			}
			continue
		}
		var cands []*domain.ContactPoint
		for _, c := range themed.near(commune) {
			if allowed[c.OrganisationID] {
				cands = append(cands, c)
			}
		}
		for _, l := range s.local(cands, org, commune) {
			addContact(l)
		}
	}
	for _, p := range d.Pivots {
		if commune == nil {
			r.NeedsCommune = r.NeedsCommune || len(s.byPivot[p].list()) > 0
			continue
		}
		var cands []*domain.ContactPoint
		for _, c := range s.byPivot[p].near(commune) {
			if allowed[c.OrganisationID] {
				cands = append(cands, c)
			}
		}
		for i, l := range s.local(cands, org, commune) {
			if i == orientation.MaxPerPivot {
				break
			}
			l.Pivot = p
			addContact(l)
		}
	}
	if org != nil {
		for i := range r.Contacts {
			if ov, ok := s.overrides[org.ID][r.Contacts[i].ID]; ok {
				r.Contacts[i].ContactPoint = orientation.ApplyOverride(r.Contacts[i].ContactPoint, ov)
				r.Contacts[i].Overridden = true
			}
		}
	}
	return r
}

// local resolves candidates for the commune by coverage, the partner's own
// contact points first.
func (s *snapshot) local(cands []*domain.ContactPoint, org *domain.Organisation, commune *domain.Commune) []orientation.Resolved {
	located := s.dir.Resolve(cands, commune)
	if org != nil {
		slices.SortStableFunc(located, func(a, b directory.Located) int {
			ao, bo := a.OrganisationID == org.ID, b.OrganisationID == org.ID
			switch {
			case ao == bo:
				return 0
			case ao:
				return -1
			}
			return 1
		})
	}
	out := make([]orientation.Resolved, len(located))
	for i, l := range located {
		out[i] = orientation.Resolved{Located: l, Reason: l.Reason(commune)}
		if org != nil && l.OrganisationID == org.ID {
			out[i].Reason += ", proposé par " + org.Name
		}
	}
	return out
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
