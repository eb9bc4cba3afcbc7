package search_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/search/searchtest"
)

// BenchmarkSearch measures search latency with the whole national
// annuaire extract loaded (20,786 offices on top of the demo directory and
// the fiches), over the queries of the development and team sets, each
// with its commune. It reports p50 and p99 per query alongside ns/op.
func BenchmarkSearch(b *testing.B) {
	dir := b.TempDir()
	env, err := searchtest.Setup(context.Background(), searchtest.Options{Dir: dir, National: true})
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	cases := append(evalSet(b, "dev.tsv"), evalSet(b, "extra.tsv")...)
	ctx := context.Background()
	// Warm up once over every query.
	for _, c := range cases {
		if _, err := env.Search.Search(ctx, search.Query{Text: c.Query, Commune: c.Commune}); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	slowest := map[string]time.Duration{}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := cases[i%len(cases)]
		start := time.Now()
		if _, err := env.Search.Search(ctx, search.Query{Text: c.Query, Commune: c.Commune}); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		lat = append(lat, d)
		slowest[c.Query] = max(slowest[c.Query], d)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	if os.Getenv("SEARCH_BENCH_VERBOSE") != "" {
		b.Logf("%d searches, max %v", len(lat), lat[len(lat)-1])
		for q, d := range slowest {
			if d > 5*time.Millisecond {
				b.Logf("%v %q", d, q)
			}
		}
	}
}
