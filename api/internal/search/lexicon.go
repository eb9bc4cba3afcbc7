package search

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Lexicon is the search's knowledge of how residents write, kept as data
// (data/search_lexicon.csv) so it can be reviewed and extended without code:
//
//   - stop: function words that carry no need ("le", "pour", "est");
//   - weak: words too common in needs to search on ("aide", "besoin"),
//     still significant in the lexicon's phrases;
//   - sms: spellings rewritten before anything else ("jai" → "j ai",
//     "chui" → "je suis", "taf" → "travail");
//   - synonym: a lay phrase and what it means in administrative language,
//     one way ("loyer" → "aide au logement");
//   - acronym: an acronym and its expansion, both ways ("apl" ↔ "aide
//     personnalisée au logement").
//
// Partners extend the vocabulary of their own needs through their themes'
// synonyms, which the index holds as keywords of the theme.
type Lexicon struct {
	stop map[string]bool
	// weak words carry no need on their own ("aide", "besoin"): the index
	// ignores them, but they count in the lexicon's phrases ("aide
	// alimentaire" is not "pension alimentaire").
	weak map[string]bool
	sms  map[string][]string
	// rules are the synonyms and acronyms as folded word sequences.
	rules []rule
	// langs reads queries in the other shipped languages (nil: French only).
	langs *Languages
}

// rule expands a phrase (any of From) into To.
type rule struct {
	From [][]string
	To   []string
	// Acronym rules also work backwards: the expansion adds the acronym.
	Acronym bool
}

// LoadLexicon reads the embedded lexicon, with the knowledge of the other
// shipped languages (LoadLanguages).
func LoadLexicon() (*Lexicon, error) {
	f, err := data.FS.Open(data.SearchLexicon)
	if err != nil {
		return nil, fmt.Errorf("search lexicon: %w", err)
	}
	defer f.Close()
	lx, err := ParseLexicon(f)
	if err != nil {
		return nil, err
	}
	if lx.langs, err = LoadLanguages(); err != nil {
		return nil, err
	}
	return lx, nil
}

// WithLanguages returns a copy of the lexicon that reads queries in the
// languages of l (nil: French only).
func (lx *Lexicon) WithLanguages(l *Languages) *Lexicon {
	c := *lx
	c.langs = l
	return &c
}

// Languages returns the lexicon's knowledge of the other languages (nil
// when it reads French only).
func (lx *Lexicon) Languages() *Languages { return lx.langs }

// ParseLexicon reads a lexicon CSV with the columns kind, terms (|-separated
// alternatives), expansion and note. Lines starting with # are comments.
func ParseLexicon(r io.Reader) (*Lexicon, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("search lexicon: header: %w", err)
	}
	if len(header) < 3 || header[0] != "kind" || header[1] != "terms" || header[2] != "expansion" {
		return nil, errors.New("search lexicon: the header must start with kind,terms,expansion")
	}
	lx := &Lexicon{stop: map[string]bool{}, weak: map[string]bool{}, sms: map[string][]string{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return lx, nil
		}
		if err != nil {
			return nil, fmt.Errorf("search lexicon: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 3 {
			return nil, fmt.Errorf("search lexicon: line %d: expected kind,terms,expansion", line)
		}
		var terms [][]string
		for t := range strings.SplitSeq(rec[1], "|") {
			if w := textnorm.Words(t); len(w) > 0 {
				terms = append(terms, w)
			}
		}
		to := textnorm.Words(rec[2])
		if len(terms) == 0 {
			return nil, fmt.Errorf("search lexicon: line %d: no terms", line)
		}
		switch kind := strings.TrimSpace(rec[0]); kind {
		case "stop", "weak":
			for _, t := range terms {
				for _, w := range t {
					if kind == "stop" {
						lx.stop[w] = true
					} else {
						lx.weak[w] = true
					}
				}
			}
		case "sms":
			if len(to) == 0 {
				return nil, fmt.Errorf("search lexicon: line %d: an sms rewrite needs an expansion", line)
			}
			for _, t := range terms {
				if len(t) != 1 {
					return nil, fmt.Errorf("search lexicon: line %d: an sms rewrite applies to one word, not %q", line, strings.Join(t, " "))
				}
				lx.sms[t[0]] = to
			}
		case "synonym", "acronym":
			if len(to) == 0 {
				return nil, fmt.Errorf("search lexicon: line %d: a %s needs an expansion", line, kind)
			}
			lx.rules = append(lx.rules, rule{From: terms, To: to, Acronym: kind == "acronym"})
		default:
			return nil, fmt.Errorf("search lexicon: line %d: unknown kind %q (stop, weak, sms, synonym or acronym)", line, kind)
		}
	}
}

// Stop reports whether a folded word is a stop word.
func (lx *Lexicon) Stop(w string) bool { return lx.stop[w] }

// French reports whether a folded word is one of the lexicon's French
// words: a stop or weak word, or an SMS spelling.
func (lx *Lexicon) French(w string) bool {
	_, sms := lx.sms[w]
	return lx.stop[w] || lx.weak[w] || sms
}

// IndexStopWords returns the words the index ignores (stop and weak), sorted.
func (lx *Lexicon) IndexStopWords() []string {
	out := make([]string, 0, len(lx.stop)+len(lx.weak))
	for w := range lx.stop {
		out = append(out, w)
	}
	for w := range lx.weak {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// Rewrite applies the sms rewrites to folded words.
func (lx *Lexicon) Rewrite(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if to, ok := lx.sms[w]; ok {
			out = append(out, to...)
			continue
		}
		out = append(out, w)
	}
	return out
}

// Expansion is what the lexicon adds to a query: the words of a rule's other
// side, and which rule phrase matched.
type Expansion struct {
	Matched string
	Words   []string
}

// Rules are the lexicon's synonyms and acronyms compiled with a light
// stemmer (plural and feminine endings): a phrase occurs in a query when its
// words appear in order, function words aside, so "loyers" matches "loyer"
// and "payer mon loyer" matches "payer le loyer", but "aidant" is not "aide".
type Rules struct {
	lx    *Lexicon
	stem  func(string) string
	rules []compiledRule
}

type compiledRule struct {
	keys    [][]string // stemmed words of each phrase
	phrases []string
	to      []string
	// back is the stemmed expansion of an acronym rule, which adds the acronym.
	back []string
}

// Compile stems every phrase of the rules once.
func (lx *Lexicon) Compile(stem func(string) string) *Rules {
	key := func(phrase []string) []string {
		k := make([]string, len(phrase))
		for i, w := range phrase {
			if lx.stop[w] {
				k[i] = w
			} else {
				k[i] = stem(w)
			}
		}
		return k
	}
	rs := &Rules{lx: lx, stem: stem}
	for _, r := range lx.rules {
		cr := compiledRule{to: r.To}
		for _, from := range r.From {
			from = lx.Rewrite(from)
			cr.keys = append(cr.keys, key(from))
			cr.phrases = append(cr.phrases, strings.Join(from, " "))
		}
		if r.Acronym {
			cr.back = key(r.To)
		}
		rs.rules = append(rs.rules, cr)
	}
	return rs
}

// Expand finds the rules whose phrase occurs in the query's folded words
// and returns their expansions.
func (rs *Rules) Expand(words []string) []Expansion {
	q := make([]string, len(words))
	for i, w := range words {
		if rs.lx.stop[w] {
			q[i] = w
		} else {
			q[i] = rs.stem(w)
		}
	}
	var out []Expansion
	for _, r := range rs.rules {
		for i, k := range r.keys {
			if rs.occurs(q, k) {
				out = append(out, Expansion{Matched: r.phrases[i], Words: r.to})
				break
			}
		}
		if len(r.back) > 0 && rs.occurs(q, r.back) {
			out = append(out, Expansion{Matched: strings.Join(r.to, " "), Words: []string{r.phrases[0]}})
		}
	}
	return out
}

// occurs reports whether the phrase appears in the query: its words in
// order, the query's function words between them skipped, and the phrase's
// own function words optional ("payer le loyer" in "payer mon loyer").
func (rs *Rules) occurs(q, phrase []string) bool {
	stop := rs.lx.stop
	for start := range q {
		if stop[q[start]] {
			continue
		}
		i, j, content := start, 0, 0
		for j < len(phrase) {
			switch {
			case i < len(q) && q[i] == phrase[j]:
				if !stop[phrase[j]] {
					content++
				}
				i++
				j++
			case stop[phrase[j]]:
				j++
			case i < len(q) && stop[q[i]] && i > start:
				i++
			default:
				j = len(phrase) + 1 // no match from this start
			}
		}
		if j == len(phrase) && content > 0 {
			return true
		}
	}
	return false
}
