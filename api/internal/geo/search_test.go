package geo

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzSearchCommunes(f *testing.F) {
	ref := mustLoad(f)
	for _, q := range []string{"arras", "83000", "saint etienne", "ÉVRY", "l'haÿ", "st e", "2A004", "sa", "-", "\xff", "83", "0"} {
		f.Add(q, 10)
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		got := ref.SearchCommunes(q, limit)
		if len(got) > max(limit, 1) || len(got) > MaxSearchResults {
			t.Fatalf("SearchCommunes(%q, %d) gave %d results", q, limit, len(got))
		}
		if utf8.RuneCountInString(strings.TrimSpace(q)) < 2 && len(got) > 0 {
			t.Fatalf("SearchCommunes(%q) gave results for under 2 characters", q)
		}
		seen := map[string]bool{}
		for _, c := range got {
			if c == nil || seen[c.Code] {
				t.Fatalf("SearchCommunes(%q): nil or repeated commune", q)
			}
			seen[c.Code] = true
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	ref := mustLoad(b)
	for _, q := range []string{"toulon", "sa", "saint etienne", "st", "83000", "62", "zzz"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ref.SearchCommunes(q, 10)
			}
		})
	}
}
