package search_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Fuzz tests of the query analysis (folding, words, SMS rewrites, lexicon
// expansions) and of the whole search. Seed corpora: testdata/fuzz/<FuzzName>/.

var fuzzQueries = []string{
	"J'ai perdu mon emploi", "loyer impayé", "c koi la CAF", "dargent", "APL", "qu'est-ce que l'apl",
	"'; DROP TABLE contact_points; --", "<script>alert(1)</script>", "\x00\x07\x1b[31m", "loy\xffer", "🏠 logement", "a\u0301",
}

func FuzzQueryAnalysis(f *testing.F) {
	lx, err := search.LoadLexicon()
	if err != nil {
		f.Fatal(err)
	}
	rules := lx.Compile(func(w string) string { return strings.TrimSuffix(w, "s") })
	for _, q := range fuzzQueries {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		words := lx.Rewrite(textnorm.Words(q))
		for _, w := range words {
			if w == "" || !utf8.ValidString(w) {
				t.Fatalf("%q: bad word %q in %q", q, w, words)
			}
		}
		for _, e := range rules.Expand(words) {
			if e.Matched == "" {
				t.Fatalf("%q: expansion without a matched phrase: %+v", q, e)
			}
		}
	})
}

// FuzzSearch runs the whole search over the demo directory: any text gives
// an answer or a validation error, never a panic or an internal error.
func FuzzSearch(f *testing.F) {
	env := setup(f)
	for _, q := range fuzzQueries {
		f.Add(q, "83137")
	}
	f.Add("caf", "2A004")
	f.Add("caf", "99999")
	f.Fuzz(func(t *testing.T, q, commune string) {
		resp, err := env.Search.Search(context.Background(), search.Query{Text: q, Commune: commune})
		if err != nil {
			if c := domain.ErrorCode(err); c != domain.EINVALID && c != domain.ENOTFOUND {
				t.Fatalf("Search(%q, %q): %v", q, commune, err)
			}
			return
		}
		if resp == nil {
			t.Fatalf("Search(%q, %q): nil response", q, commune)
		}
	})
}
