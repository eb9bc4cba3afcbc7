package emergency

import (
	"math/bits"
	"slices"
)

// trieNode is a node of the trie of atom words: the atoms that end there,
// as whole words (full) or as stems (prefix).
type trieNode struct {
	edges        []trieEdge
	full, prefix []int32
}

type trieEdge struct {
	b  byte
	to int32
}

// child returns the child of node n along byte c, creating it when asked;
// -1 when there is none.
func (d *Detector) child(n int, c byte, create bool) int {
	for _, e := range d.trie[n].edges {
		if e.b == c {
			return int(e.to)
		}
	}
	if !create {
		return -1
	}
	d.trie = append(d.trie, trieNode{})
	to := len(d.trie) - 1
	d.trie[n].edges = append(d.trie[n].edges, trieEdge{c, int32(to)})
	return to
}

// scan holds the atoms found at each word of one text.
type scan struct {
	atoms   []int32 // atoms of word i: atoms[start[i]:start[i+1]]
	start   []int32
	present []uint64 // bit a: atom a matches some word of the text
	reach   []bool   // pattern matching table, reused from rule to rule
}

// words returns the number of words of the text.
func (s *scan) words() int { return len(s.start) - 1 }

// hasAtom reports whether word i matches atom a.
func (s *scan) hasAtom(i int, a int32) bool {
	return slices.Contains(s.atoms[s.start[i]:s.start[i+1]], a)
}

// starts appends to dst the first word of each alternative of t that
// matches the words ending at word j, none of them masked.
func (s *scan) starts(t *term, j int, masked []bool, dst []int) []int {
	here := s.atoms[s.start[j]:s.start[j+1]]
	if len(here) == 0 || masked != nil && masked[j] {
		return dst
	}
	single := false
	for _, a := range here {
		if t.in[a/64]&(1<<(a%64)) == 0 {
			continue
		}
		if !single {
			_, single = slices.BinarySearch(t.atoms, a)
		}
		if len(t.lasts) == 0 {
			continue
		}
		i, _ := slices.BinarySearch(t.lasts, a)
	phrases:
		for ; i < len(t.lasts) && t.lasts[i] == a; i++ {
			p := t.phrases[i]
			first := j - len(p) + 1
			if first < 0 {
				continue
			}
			for k, b := range p[:len(p)-1] {
				w := first + k
				if masked != nil && masked[w] || !s.hasAtom(w, b) {
					continue phrases
				}
			}
			dst = append(dst, first)
		}
	}
	if single {
		dst = append(dst, j)
	}
	return dst
}

// candidates returns, sorted, the rules indexed under an atom of the text.
func (s *scan) candidates(keys [][]int32) []int {
	var out []int
	for _, a := range s.atoms {
		for _, r := range keys[a] {
			out = append(out, int(r))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// scan finds the atoms of every word.
func (d *Detector) scan(words []string) *scan {
	s := &scan{start: make([]int32, 0, len(words)+1)}
	for _, w := range words {
		s.start = append(s.start, int32(len(s.atoms)))
		d.matchWord(w, s)
	}
	s.start = append(s.start, int32(len(s.atoms)))
	s.present = make([]uint64, (len(d.atoms)+63)/64)
	for _, a := range s.atoms {
		s.present[a/64] |= 1 << (a % 64)
	}
	return s
}

func (s *scan) isPresent(a int32) bool { return s.present[a/64]&(1<<(a%64)) != 0 }

// mayMatch is a quick necessary condition for r to match: every term has
// an alternative whose words all occur somewhere in the text.
func (s *scan) mayMatch(r *rule) bool {
	for _, part := range r.parts {
	terms:
		for k := range part {
			t := &part[k]
			for _, a := range t.atoms {
				if s.isPresent(a) {
					continue terms
				}
			}
		phrases:
			for _, p := range t.phrases {
				for _, a := range p {
					if !s.isPresent(a) {
						continue phrases
					}
				}
				continue terms
			}
			return false
		}
	}
	return true
}

// matchWord appends to s.atoms the atoms that word w matches: equal to a
// whole-word atom, or starting with a stem, within the typos the atom allows
// (Damerau-Levenshtein distance: substitution, insertion, deletion or swap of
// two neighbours). The first letter must be right: Meilisearch counts a typo
// there as two; here it is never accepted.
func (d *Detector) matchWord(w string, s *scan) {
	if w == "" {
		return
	}
	// Exact: walk the trie along w.
	n := 0
	for i := 0; i < len(w); i++ {
		if n = d.child(n, w[i], false); n < 0 {
			break
		}
		s.atoms = append(s.atoms, d.trie[n].prefix...)
		if i == len(w)-1 {
			s.atoms = append(s.atoms, d.trie[n].full...)
		}
	}
	// Typos: no atom accepts one against a word of fewer than 4 letters
	// (atoms accept a typo from 5 letters; one deletion makes 4).
	if len(w) < 4 {
		return
	}
	mask := letters(w)
	for i := range d.fuzzy[w[0]] {
		f := &d.fuzzy[w[0]][i]
		if f.prefix && len(f.word)-f.typos > len(w) ||
			!f.prefix && (len(f.word) > len(w)+f.typos || len(w) > len(f.word)+f.typos) ||
			bits.OnesCount64(f.letters&^mask) > f.typos {
			continue // too short or too long, or too many letters missing
		}
		// Distance 0 is an exact match, already found by the walk.
		if dist := distance(f.word, w, f.prefix, f.typos); dist > 0 && dist <= f.typos {
			s.atoms = append(s.atoms, f.id)
		}
	}
}

// fuzzyAtom is an atom that accepts typos, with what the quick filters of
// matchWord need.
type fuzzyAtom struct {
	id      int32
	word    string
	prefix  bool
	typos   int
	letters uint64
}

// letters returns the set of letters and digits of w, one bit each.
func letters(w string) uint64 {
	var m uint64
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= 'a' && c <= 'z':
			m |= 1 << (c - 'a')
		case c >= '0' && c <= '9':
			m |= 1 << (26 + c - '0')
		default:
			m |= 1 << 63
		}
	}
	return m
}

// maxWidth bounds the words distance compares, to keep its rows on the
// stack; atoms are far shorter.
const maxWidth = 48

// distance returns the Damerau-Levenshtein distance (optimal string
// alignment) between atom a and word w, or between a and the closest
// beginning of w when prefix is set; any value above limit means "more
// than limit".
func distance(a, w string, prefix bool, limit int) int {
	if prefix {
		w = w[:min(len(w), len(a)+limit)]
	}
	if len(a) >= maxWidth || len(w) >= maxWidth {
		return limit + 1
	}
	var rows [3][maxWidth]int
	pp, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(w); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		lowest := i
		for j := 1; j <= len(w); j++ {
			cost := 1
			if a[i-1] == w[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == w[j-2] && a[i-2] == w[j-1] {
				v = min(v, pp[j-2]+1)
			}
			cur[j] = v
			lowest = min(lowest, v)
		}
		if lowest > limit {
			return limit + 1
		}
		pp, prev, cur = prev, cur, pp
	}
	if !prefix {
		return prev[len(w)]
	}
	best := prev[0]
	for j := 1; j <= len(w); j++ {
		best = min(best, prev[j])
	}
	return best
}

// matches reports whether every part of r matches the text, without using
// masked words.
func (r *rule) matches(s *scan, masked []bool) bool {
	if !s.mayMatch(r) {
		return false
	}
	for i := range r.parts {
		if !s.part(r.parts[i], masked, nil) {
			return false
		}
	}
	return true
}

// mark masks the words matched by the terms of r, when r matches.
func (r *rule) mark(s *scan, masked []bool) {
	if !r.matches(s, nil) {
		return
	}
	for i := range r.parts {
		s.part(r.parts[i], nil, masked)
	}
}

// part reports whether the sequence of terms matches somewhere in the text:
// each term after the previous one, with at most gap other words between
// them. Masked words match nothing. When mark is not nil, the words of one
// match ending at each possible last word are marked in it.
func (s *scan) part(terms []term, masked, mark []bool) bool {
	n, m := s.words(), len(terms)
	if cap(s.reach) < n*m {
		s.reach = make([]bool, n*m)
	}
	reach := s.reach[:n*m] // reach[k*n+j]: terms 0..k match, term k ending at word j
	clear(reach)
	// follows reports whether term k-1 ends within gap words before word first.
	follows := func(k, first int) bool {
		if k == 0 {
			return true
		}
		lo := max(first-1-gap, 0)
		return first > 0 && slices.Contains(reach[(k-1)*n+lo:(k-1)*n+first], true)
	}
	var buf [8]int
	starts := buf[:0]
	for k := range terms {
		found := false
		for j := 0; j < n; j++ {
			starts = s.starts(&terms[k], j, masked, starts[:0])
			for _, first := range starts {
				if follows(k, first) {
					reach[k*n+j] = true
					found = true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	if mark == nil {
		return true
	}
	for j := 0; j < n; j++ {
		if !reach[(m-1)*n+j] {
			continue
		}
		end := j
		for k := m - 1; k >= 0; k-- {
			starts = s.starts(&terms[k], end, masked, starts[:0])
			first := -1
			for _, f := range starts {
				if follows(k, f) {
					first = f
					break
				}
			}
			if first < 0 {
				break // cannot happen: reach says there is one
			}
			for w := first; w <= end; w++ {
				mark[w] = true
			}
			if k > 0 {
				for e := first - 1; e >= max(first-1-gap, 0); e-- {
					if reach[(k-1)*n+e] {
						end = e
						break
					}
				}
			}
		}
	}
	return true
}
