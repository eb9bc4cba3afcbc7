package emergency

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// The kinds of rows of a detector file, told by the category column.
const (
	kindCategory = '@' // @slug: declares a category; pattern = its numbers, note = its label
	kindSet      = '$' // $name: a named set of alternative words, used in patterns as $name
	kindSpelling = "~" // ~: SMS spellings, "variant|variant > canonical words"
	kindMask     = "-" // -: a negative context; the words it matches fire nothing
)

// gap is how many other words may stand between two consecutive terms of a
// pattern.
const gap = 2

// minPrefix is the shortest stem a prefix term (word*) may have.
const minPrefix = 3

var (
	slugRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	setRE    = regexp.MustCompile(`^[a-z0-9_-]+$`)
	numberRE = regexp.MustCompile(`^[0-9]+$`)
)

// atom is one word of a pattern: a whole word or a prefix (stem*), typos
// allowed or not (=word).
type atom struct {
	word   string
	prefix bool
	exact  bool
}

// maxTypos is the number of typos an atom accepts: one from 5 letters, two
// from 9 (as Meilisearch does), none for exact atoms.
func (a atom) maxTypos() int {
	switch {
	case a.exact || len(a.word) < 5:
		return 0
	case len(a.word) < 9:
		return 1
	}
	return 2
}

// term is one position of a pattern: any of its alternatives matches
// there, a single word (atom) or a phrase of adjacent words.
type term struct {
	atoms   []int32   // single-word alternatives, sorted
	phrases [][]int32 // phrase alternatives, one atom per word, sorted by last word
	lasts   []int32   // lasts[i]: the last atom of phrases[i]
	// in has bit a set when atom a is a single-word alternative or the
	// last word of a phrase: the quick test of scan.starts. Built by index.
	in []uint64
}

// rule is a compiled pattern: every part must match somewhere in the text;
// a part is a sequence of terms.
type rule struct {
	category int    // index in Detector.categories; -1 for a mask
	text     string // the pattern as written, for Result.Matched
	parts    [][]term
}

// builder compiles a detector file.
type builder struct {
	d       *Detector
	catIdx  map[string]int
	sets    map[string]term
	atomIdx map[atom]int32
}

// Parse reads a detector file: a CSV file with the header
// category,pattern,note, comment lines starting with #, and four kinds of
// rows told by the category column (format in data/SOURCES.md):
//
//	@slug     declares a category: pattern = its numbers, space-separated, most useful first; note = its French label
//	$name     a set of alternative words, usable in patterns as $name
//	~         SMS spellings: "variant|variant > canonical words"
//	-         a negative context: the words it matches cannot fire an emergency
//	slug      an emergency pattern of that category
//
// Every error names its line.
func Parse(r io.Reader) (*Detector, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 3
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("emergencies: header: %w", err)
	}
	if h := strings.Join(header, ","); strings.TrimPrefix(h, "\ufeff") != "category,pattern,note" {
		return nil, fmt.Errorf("emergencies: line 1: header %q, want category,pattern,note", h)
	}
	type row struct {
		line                int
		kind, pattern, note string
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("emergencies: %w", err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, row{line, strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])})
	}

	b := &builder{
		d:       &Detector{spellings: map[string][]string{}},
		catIdx:  map[string]int{},
		sets:    map[string]term{},
		atomIdx: map[atom]int32{},
	}
	// First pass: categories, sets and spellings, so that patterns may come
	// in any order.
	for _, r := range rows {
		var err error
		switch {
		case strings.HasPrefix(r.kind, string(kindCategory)):
			err = b.category(r.kind[1:], r.pattern, r.note)
		case strings.HasPrefix(r.kind, string(kindSet)):
			err = b.set(r.kind[1:], r.pattern)
		case r.kind == kindSpelling:
			err = b.spelling(r.pattern)
		}
		if err != nil {
			return nil, fmt.Errorf("emergencies: line %d: %w", r.line, err)
		}
	}
	if len(b.d.categories) == 0 {
		return nil, errors.New("emergencies: no category declared")
	}
	used := make([]bool, len(b.d.categories))
	for _, r := range rows {
		if r.kind == "" {
			return nil, fmt.Errorf("emergencies: line %d: empty category", r.line)
		}
		cat := -1
		switch {
		case r.kind[0] == kindCategory || r.kind[0] == kindSet || r.kind == kindSpelling:
			continue
		case r.kind == kindMask:
		default:
			i, ok := b.catIdx[r.kind]
			if !ok {
				return nil, fmt.Errorf("emergencies: line %d: unknown category %q", r.line, r.kind)
			}
			cat = i
			used[i] = true
		}
		ru, err := b.rule(r.pattern)
		if err != nil {
			return nil, fmt.Errorf("emergencies: line %d: %w", r.line, err)
		}
		ru.category = cat
		if cat < 0 {
			b.d.masks = append(b.d.masks, ru)
		} else {
			b.d.rules = append(b.d.rules, ru)
		}
	}
	for i, u := range used {
		if !u {
			return nil, fmt.Errorf("emergencies: category %s has no pattern", b.d.categories[i].Slug)
		}
	}
	b.index()
	return b.d, nil
}

func (b *builder) category(slug, numbers, label string) error {
	if !slugRE.MatchString(slug) {
		return fmt.Errorf("bad category slug %q: lower-case letters, digits and hyphens", slug)
	}
	if _, dup := b.catIdx[slug]; dup {
		return fmt.Errorf("category %s declared twice", slug)
	}
	if label == "" {
		return fmt.Errorf("category %s: no label (note column)", slug)
	}
	nums := strings.Fields(numbers)
	if len(nums) == 0 {
		return fmt.Errorf("category %s: no number (pattern column)", slug)
	}
	for _, n := range nums {
		if !numberRE.MatchString(n) {
			return fmt.Errorf("category %s: number %q must be digits only (the number to dial)", slug, n)
		}
	}
	b.catIdx[slug] = len(b.d.categories)
	b.d.categories = append(b.d.categories, Category{Slug: slug, Label: label, Numbers: nums})
	return nil
}

func (b *builder) set(name, pattern string) error {
	if !setRE.MatchString(name) {
		return fmt.Errorf("bad set name %q", name)
	}
	if _, dup := b.sets[name]; dup {
		return fmt.Errorf("set $%s defined twice", name)
	}
	if pattern == "" {
		return fmt.Errorf("set $%s is empty", name)
	}
	if strings.ContainsAny(pattern, " &") {
		return fmt.Errorf("set $%s: a set is one term: words, phrases or sets defined above, separated by |", name)
	}
	t, err := b.term(pattern)
	if err != nil {
		return fmt.Errorf("set $%s: %w", name, err)
	}
	b.sets[name] = t
	return nil
}

func (b *builder) spelling(pattern string) error {
	variants, canonical, ok := strings.Cut(pattern, ">")
	if !ok {
		return fmt.Errorf("spelling %q: want \"variant|variant > canonical words\"", pattern)
	}
	canon := strings.Fields(canonical)
	if len(canon) == 0 {
		return fmt.Errorf("spelling %q: no canonical words", pattern)
	}
	for _, w := range canon {
		if !foldedWord(w) {
			return fmt.Errorf("spelling %q: %q is not a folded word%s", pattern, w, foldHint(w))
		}
	}
	for v := range strings.SplitSeq(variants, "|") {
		v = strings.TrimSpace(v)
		if !foldedWord(v) {
			return fmt.Errorf("spelling %q: variant %q is not one folded word%s", pattern, v, foldHint(v))
		}
		if _, dup := b.d.spellings[v]; dup {
			return fmt.Errorf("spelling %q: variant %q listed twice", pattern, v)
		}
		b.d.spellings[v] = canon
	}
	return nil
}

// rule compiles a pattern: parts separated by &, each a sequence of terms
// separated by spaces (up to gap other words between them), each term a
// list of alternatives separated by |, each alternative a word or a phrase
// of adjacent words joined by +.
func (b *builder) rule(pattern string) (rule, error) {
	if pattern == "" {
		return rule{}, errors.New("empty pattern")
	}
	ru := rule{text: pattern}
	for part := range strings.SplitSeq(pattern, "&") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			return rule{}, fmt.Errorf("pattern %q: empty part around &", pattern)
		}
		var terms []term
		for _, f := range fields {
			tm, err := b.term(f)
			if err != nil {
				return rule{}, fmt.Errorf("pattern %q: %w", pattern, err)
			}
			terms = append(terms, tm)
		}
		ru.parts = append(ru.parts, terms)
	}
	return ru, nil
}

func (b *builder) term(s string) (term, error) {
	var t term
	for alt := range strings.SplitSeq(s, "|") {
		if name, ok := strings.CutPrefix(alt, string(kindSet)); ok {
			set, ok := b.sets[name]
			if !ok {
				return term{}, fmt.Errorf("unknown set $%s", name)
			}
			t.atoms = append(t.atoms, set.atoms...)
			t.phrases = append(t.phrases, set.phrases...)
			continue
		}
		words := strings.Split(alt, "+")
		ids := make([]int32, len(words))
		for i, w := range words {
			if strings.HasPrefix(w, string(kindSet)) {
				return term{}, fmt.Errorf("%q: a set cannot be part of a phrase", alt)
			}
			a, err := parseAtom(w)
			if err != nil {
				return term{}, err
			}
			ids[i] = b.atom(a)
		}
		if len(ids) == 1 {
			t.atoms = append(t.atoms, ids[0])
		} else {
			t.phrases = append(t.phrases, ids)
		}
	}
	slices.Sort(t.atoms)
	t.atoms = slices.Compact(t.atoms)
	slices.SortStableFunc(t.phrases, func(a, b []int32) int { return int(a[len(a)-1] - b[len(b)-1]) })
	t.lasts = make([]int32, len(t.phrases))
	for i, p := range t.phrases {
		t.lasts[i] = p[len(p)-1]
	}
	return t, nil
}

// atom returns the id of a, adding it when new.
func (b *builder) atom(a atom) int32 {
	id, ok := b.atomIdx[a]
	if !ok {
		id = int32(len(b.d.atoms))
		b.atomIdx[a] = id
		b.d.atoms = append(b.d.atoms, a)
	}
	return id
}

// parseAtom reads [=]word[*].
func parseAtom(s string) (atom, error) {
	var a atom
	w := s
	if rest, ok := strings.CutPrefix(w, "="); ok {
		a.exact, w = true, rest
	}
	if rest, ok := strings.CutSuffix(w, "*"); ok {
		a.prefix, w = true, rest
	}
	if w == "" {
		return atom{}, fmt.Errorf("empty word in %q (two | in a row?)", s)
	}
	if !foldedWord(w) {
		return atom{}, fmt.Errorf("bad word %q: lower-case letters and digits without accents%s", s, foldHint(w))
	}
	if a.prefix && len(w) < minPrefix {
		return atom{}, fmt.Errorf("prefix %q too short: at least %d letters before *", s, minPrefix)
	}
	a.word = w
	return a, nil
}

// index builds the trie of atoms and the key indexes of masks and rules.
func (b *builder) index() {
	d := b.d
	d.trie = []trieNode{{}}
	for id, a := range d.atoms {
		n := 0
		for i := 0; i < len(a.word); i++ {
			n = d.child(n, a.word[i], true)
		}
		if a.prefix {
			d.trie[n].prefix = append(d.trie[n].prefix, int32(id))
		} else {
			d.trie[n].full = append(d.trie[n].full, int32(id))
		}
	}
	for id, a := range d.atoms {
		if t := a.maxTypos(); t > 0 {
			d.fuzzy[a.word[0]] = append(d.fuzzy[a.word[0]],
				fuzzyAtom{id: int32(id), word: a.word, prefix: a.prefix, typos: t, letters: letters(a.word)})
		}
	}
	for _, rules := range [][]rule{d.masks, d.rules} {
		for i := range rules {
			for _, part := range rules[i].parts {
				for k := range part {
					t := &part[k]
					t.in = make([]uint64, (len(d.atoms)+63)/64)
					for _, a := range t.atoms {
						t.in[a/64] |= 1 << (a % 64)
					}
					for _, a := range t.lasts {
						t.in[a/64] |= 1 << (a % 64)
					}
				}
			}
		}
	}
	d.maskKeys = keys(d.masks, d.atoms)
	d.ruleKeys = keys(d.rules, d.atoms)
}

// keys indexes each rule under the atoms of its rarest term: every term of
// every part must match for the rule to match, so the rule need only be
// evaluated when one of those atoms is in the text. For a phrase the
// longest word stands for it.
func keys(rules []rule, atoms []atom) [][]int32 {
	idx := make([][]int32, len(atoms))
	for i, r := range rules {
		var best []int32
		bestCost := -1
		for _, part := range r.parts {
			for _, t := range part {
				key := slices.Clone(t.atoms)
				for _, p := range t.phrases {
					longest := p[0]
					for _, a := range p[1:] {
						if len(atoms[a].word) > len(atoms[longest].word) {
							longest = a
						}
					}
					key = append(key, longest)
				}
				cost := 0
				for _, a := range key {
					cost += commonness(atoms[a])
				}
				if bestCost < 0 || cost < bestCost {
					best, bestCost = key, cost
				}
			}
		}
		slices.Sort(best)
		for _, a := range slices.Compact(best) {
			idx[a] = append(idx[a], int32(i))
		}
	}
	return idx
}

// commonness guesses how often an atom occurs in residents' texts: short
// words (je, me, de, la, pas) and short stems occur in most of them.
func commonness(a atom) int {
	switch n := len(a.word); {
	case n <= 3:
		return 100
	case n == 4 || a.prefix && n <= 5:
		return 10
	}
	return 1
}
