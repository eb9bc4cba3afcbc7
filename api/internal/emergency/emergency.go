// Package emergency tells whether a resident's words signal a danger that
// calls for an emergency number now (someone hits them, wants to die, has no
// roof tonight, a fire, a person unconscious…) and which numbers to put
// first.
//
// The knowledge is data, not code: data/emergencies.csv lists the categories
// (French label, numbers in order), the patterns that fire them, the
// negative contexts that must not fire ("me met dehors" is an eviction, not
// a night outside) and the SMS spellings to expand ("chui" → "je suis").
// data/SOURCES.md describes the format; Parse reports any error with its
// line.
//
// A Detector is immutable once built: Detect is safe for concurrent use.
package emergency

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

// Category is a kind of emergency and the numbers to offer first, most
// useful first (a dialable number of data/helplines.csv).
type Category struct {
	Slug    string
	Label   string
	Numbers []string
}

// Result is what Detect found in a text.
type Result struct {
	// Emergency is true when at least one category fired.
	Emergency bool
	// Categories lists the categories that fired, most specific first (the
	// order in which the data file declares them).
	Categories []Category
	// Matched lists the patterns that fired, as written in the data file,
	// in the order of Categories: for tests and debugging.
	Matched []string
}

// Numbers returns the numbers of every category of r, in order, each once.
func (r Result) Numbers() []string {
	var out []string
	for _, c := range r.Categories {
		for _, n := range c.Numbers {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// Detector finds emergencies in residents' words. Build it with Load or
// Parse; it is read-only afterwards.
type Detector struct {
	categories []Category
	spellings  map[string][]string // SMS spelling → canonical words
	atoms      []atom
	trie       []trieNode       // every atom, for exact matches
	fuzzy      [256][]fuzzyAtom // the atoms that accept typos, by first letter
	masks      []rule           // negative contexts, evaluated first
	rules      []rule           // emergency patterns, in file order
	// maskKeys and ruleKeys index masks and rules by the atoms of their
	// rarest term: a rule is only evaluated when one of them is in the text.
	maskKeys [][]int32
	ruleKeys [][]int32
}

// Load returns the detector of the embedded data/emergencies.csv, and
// checks that every number it offers is a line of data/helplines.csv.
func Load() (*Detector, error) {
	f, err := data.FS.Open(data.Emergencies)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := Parse(f)
	if err != nil {
		return nil, err
	}
	h, err := data.FS.Open(data.Helplines)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	known, err := helplineNumbers(h)
	if err != nil {
		return nil, err
	}
	if err := d.checkNumbers(known); err != nil {
		return nil, err
	}
	return d, nil
}

// checkNumbers reports the first number of a category that is not known.
func (d *Detector) checkNumbers(known map[string]bool) error {
	for _, c := range d.categories {
		for _, n := range c.Numbers {
			if !known[n] {
				return fmt.Errorf("emergencies: category %s: number %s is not in %s", c.Slug, n, data.Helplines)
			}
		}
	}
	return nil
}

// helplineNumbers reads the number column of a helplines file.
func helplineNumbers(r io.Reader) (map[string]bool, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", data.Helplines, err)
	}
	col := slices.Index(header, "number")
	if col < 0 {
		return nil, fmt.Errorf("%s: no number column", data.Helplines)
	}
	known := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return known, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", data.Helplines, err)
		}
		known[rec[col]] = true
	}
}

// Categories returns the categories the detector knows, most specific first.
func (d *Detector) Categories() []Category {
	out := make([]Category, len(d.categories))
	for i, c := range d.categories {
		out[i] = Category{Slug: c.Slug, Label: c.Label, Numbers: slices.Clone(c.Numbers)}
	}
	return out
}

// Detect tells whether text signals an emergency. It accepts any input
// (any length, control characters, invalid UTF-8) and is deterministic.
func (d *Detector) Detect(text string) Result {
	words := d.expand(textnorm.Words(text))
	if len(words) == 0 {
		return Result{}
	}
	s := d.scan(words)

	masked := make([]bool, len(words))
	for _, i := range s.candidates(d.maskKeys) {
		d.masks[i].mark(s, masked)
	}
	var fired []int
	for _, i := range s.candidates(d.ruleKeys) {
		if d.rules[i].matches(s, masked) {
			fired = append(fired, i)
		}
	}
	if len(fired) == 0 {
		return Result{}
	}
	// Most specific category first, then file order.
	slices.SortStableFunc(fired, func(a, b int) int { return d.rules[a].category - d.rules[b].category })
	res := Result{Emergency: true}
	last := -1
	for _, i := range fired {
		r := &d.rules[i]
		if r.category != last {
			c := d.categories[r.category]
			res.Categories = append(res.Categories, Category{Slug: c.Slug, Label: c.Label, Numbers: slices.Clone(c.Numbers)})
			last = r.category
		}
		res.Matched = append(res.Matched, r.text)
	}
	return res
}

// expand replaces SMS spellings by their canonical words.
func (d *Detector) expand(words []string) []string {
	n := 0
	for _, w := range words {
		if _, ok := d.spellings[w]; ok {
			n++
		}
	}
	if n == 0 {
		return words
	}
	out := make([]string, 0, len(words)+n)
	for _, w := range words {
		if canon, ok := d.spellings[w]; ok {
			out = append(out, canon...)
			continue
		}
		out = append(out, w)
	}
	return out
}

// foldedWord reports whether w is a folded word: lower-case ASCII letters and
// digits only.
func foldedWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// foldHint suggests the folded form of a pattern word written with accents
// or capitals.
func foldHint(w string) string {
	f := textnorm.Fold(w)
	if f == "" || f == w {
		return ""
	}
	return fmt.Sprintf(" (write %q)", strings.ReplaceAll(f, " ", "+"))
}
