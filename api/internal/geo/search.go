package geo

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// MaxSearchResults is the most communes SearchCommunes returns.
const MaxSearchResults = 50

// isArticle reports whether a name that starts with the normalised word w
// is also found without it: "rochelle" finds La Rochelle.
func isArticle(w string) bool {
	switch w {
	case "l", "la", "le", "les":
		return true
	}
	return false
}

// buildIndexes computes the search indexes of the parsed communes. It runs
// at every Load: it avoids comparing strings where integers do.
func (ref *Reference) buildIndexes() {
	n := len(ref.communes)

	// Normalised names share one string; a name that starts with an article
	// has a second key, a suffix of the first.
	var arena []byte
	ends := make([]int32, n)
	for i := range ref.communes {
		arena = appendCanonical(arena, ref.communes[i].Name)
		ends[i] = int32(len(arena))
	}
	all := string(arena)
	ref.names = make([]nameKey, 0, n+n/8)
	start := int32(0)
	for i, end := range ends {
		key := all[start:end]
		start = end
		if key == "" {
			continue
		}
		ref.names = append(ref.names, nameKey{prefix8(key), key, int32(i)})
		if sp := strings.IndexByte(key, ' '); sp > 0 && isArticle(key[:sp]) {
			ref.names = append(ref.names, nameKey{prefix8(key[sp+1:]), key[sp+1:], int32(i)})
		}
	}
	// Sort the names while the ranks and postal codes are computed.
	var wg sync.WaitGroup
	wg.Go(ref.sortNames)
	ref.rankCommunes(func(i uint32) string {
		if i == 0 {
			return all[:ends[0]]
		}
		return all[ends[i-1]:ends[i]]
	})
	ref.indexPostalCodes()
	wg.Wait()
}

func (ref *Reference) sortNames() {
	slices.SortFunc(ref.names, func(a, b nameKey) int {
		if a.prefix != b.prefix {
			if a.prefix < b.prefix {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(a.idx - b.idx)
	})
}

// rankCommunes orders the communes by population descending, then
// normalised name, name and code: it sorts integers first, then the runs
// of equal population.
func (ref *Reference) rankCommunes(key func(i uint32) string) {
	n := len(ref.communes)
	order := make([]uint64, n)
	for i := range ref.communes {
		order[i] = uint64(math.MaxUint32-uint32(ref.communes[i].Population))<<32 | uint64(i)
	}
	slices.Sort(order)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && order[hi]>>32 == order[lo]>>32 {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(order[lo:hi], func(a, b uint64) int {
				ca, cb := &ref.communes[uint32(a)], &ref.communes[uint32(b)]
				if c := strings.Compare(key(uint32(a)), key(uint32(b))); c != 0 {
					return c
				}
				if c := strings.Compare(ca.Name, cb.Name); c != 0 {
					return c
				}
				return strings.Compare(ca.Code, cb.Code)
			})
		}
		lo = hi
	}
	ref.rank = make([]int32, n)
	for r, o := range order {
		ref.rank[uint32(o)] = int32(r)
	}
}

// indexPostalCodes lists every (postal code, commune) pair in order.
func (ref *Reference) indexPostalCodes() {
	np := 0
	for i := range ref.communes {
		np += len(ref.communes[i].PostalCodes)
	}
	ref.postal = make([]uint64, 0, np)
	for i := range ref.communes {
		for _, p := range ref.communes[i].PostalCodes {
			ref.postal = append(ref.postal, uint64(atoi5(p))<<32|uint64(i))
		}
	}
	slices.Sort(ref.postal)
}

// prefix8 packs the first 8 bytes of s, big-endian, so that comparing two
// prefixes compares the strings' beginnings.
func prefix8(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// atoi5 converts a string of up to 5 ASCII digits.
func atoi5(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// SearchCommunes finds communes by name or postal code, best first. q is
// trimmed; under 2 characters it finds nothing. limit is brought within
// 1..MaxSearchResults.
//
// A q of 2 to 5 digits finds the communes with a postal code that starts
// with it, and the commune with that INSEE code. Otherwise q finds the
// communes whose name starts with it once both are normalised (see
// NormalizeName: case, accents and separators ignored, "st" for "saint"),
// also after a leading article (le, la, les, l'): "rochelle" finds La
// Rochelle. The last word of q may be incomplete, so "sain" finds
// Saint-Étienne too.
//
// Communes whose name (or postal or INSEE code) equals q come first, then
// the most populous, then by name. A q longer than 200 bytes finds nothing.
func (ref *Reference) SearchCommunes(q string, limit int) []*domain.Commune {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) < 2 || len(q) > 200 || len(ref.communes) == 0 {
		return nil
	}
	limit = min(max(limit, 1), MaxSearchResults)
	t := topK{ref: ref, limit: limit, hits: make([]hit, 0, limit)}
	if isDigits(q) {
		if len(q) > 5 {
			return nil
		}
		ref.searchPostal(&t, q)
	} else {
		ref.searchName(&t, q)
		if len(q) == 5 {
			if i, ok := ref.index(strings.ToUpper(q)); ok {
				t.add(i, true) // an INSEE code of Corsica, 2A004
			}
		}
	}
	if len(t.hits) == 0 {
		return nil
	}
	out := make([]*domain.Commune, len(t.hits))
	for i, h := range t.hits {
		out[i] = ref.ptrs[h.idx]
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// searchPostal adds the communes with a postal code that starts with the
// digits q, and the commune whose INSEE code is q.
func (ref *Reference) searchPostal(t *topK, q string) {
	lo := atoi5(q)
	span := 1
	for range 5 - len(q) {
		lo *= 10
		span *= 10
	}
	from, _ := slices.BinarySearch(ref.postal, uint64(lo)<<32)
	for _, p := range ref.postal[from:] {
		code := int(p >> 32)
		if code >= lo+span {
			break
		}
		t.add(int(uint32(p)), len(q) == 5)
	}
	if i, ok := ref.index(q); ok {
		t.add(i, true)
	}
}

// searchName adds the communes whose normalised name starts with q's.
func (ref *Reference) searchName(t *topK, q string) {
	canon := string(appendCanonical(nil, q))
	if len(canon) < 2 {
		return
	}
	// The complete words of q are abbreviated (saint → st); its last word
	// may be the start of saint or sainte, and then also stands for st and
	// ste. Folding q without abbreviating gives that word as typed.
	folded := string(appendFold(nil, q))
	prefix, last := "", folded
	if sp := strings.LastIndexByte(folded, ' '); sp >= 0 {
		prefix, last = canon[:strings.LastIndexByte(canon, ' ')+1], folded[sp+1:]
	}
	ref.scanPrefix(t, prefix+last, canon)
	if len(last) >= 2 && strings.HasPrefix("saint", last) {
		ref.scanPrefix(t, prefix+"st ", canon)
	}
	if len(last) >= 2 && strings.HasPrefix("sainte", last) {
		ref.scanPrefix(t, prefix+"ste ", canon)
	}
}

// scanPrefix adds the communes with a key that starts with p; those whose
// key is exact come first.
func (ref *Reference) scanPrefix(t *topK, p, exact string) {
	from, _ := slices.BinarySearchFunc(ref.names, p, func(k nameKey, p string) int {
		return strings.Compare(k.key, p)
	})
	for _, k := range ref.names[from:] {
		if !strings.HasPrefix(k.key, p) {
			break
		}
		t.add(int(k.idx), k.key == exact)
	}
}

// topK keeps the best limit hits, best first.
type topK struct {
	ref   *Reference
	limit int
	hits  []hit
}

type hit struct {
	score int64 // lower is better
	idx   int
}

func (t *topK) add(idx int, exact bool) {
	score := int64(t.ref.rank[idx])
	if !exact {
		score += int64(len(t.ref.rank))
	}
	n := len(t.hits)
	if n == t.limit && score >= t.hits[n-1].score {
		return
	}
	for j, h := range t.hits {
		if h.idx == idx {
			if score >= h.score {
				return
			}
			t.hits = slices.Delete(t.hits, j, j+1)
			break
		}
	}
	at, _ := slices.BinarySearchFunc(t.hits, score, func(h hit, s int64) int {
		switch {
		case h.score < s:
			return -1
		case h.score > s:
			return 1
		}
		return 0
	})
	if len(t.hits) == t.limit {
		t.hits = t.hits[:len(t.hits)-1]
	}
	t.hits = slices.Insert(t.hits, at, hit{score, idx})
}
