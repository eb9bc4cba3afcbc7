package search_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"sync/atomic"
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
	benchmarkSearch(b, nationalEnv(b))
}

// BenchmarkSearchScale10 does the same with the load benchmark's 10×
// synthetic directory on top (100,000 more contact points, 500 partners).
// It takes a minute to set up: run it with SEARCH_BENCH_SCALE=10.
func BenchmarkSearchScale10(b *testing.B) {
	if os.Getenv("SEARCH_BENCH_SCALE") != "10" {
		b.Skip("SEARCH_BENCH_SCALE=10 runs it")
	}
	dir := b.TempDir()
	env, err := searchtest.Setup(context.Background(), searchtest.Options{Dir: dir, National: true, Scale: 10})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = env.Close() })
	benchmarkSearch(b, env)
}

func benchmarkSearch(b *testing.B, env *searchtest.Env) {
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

var (
	nationalOnce sync.Once
	national     *searchtest.Env
	nationalErr  error
)

// nationalEnv loads the whole national annuaire extract once for every
// benchmark of the run (it is closed with the process).
func nationalEnv(b *testing.B) *searchtest.Env {
	b.Helper()
	nationalOnce.Do(func() {
		dir, err := os.MkdirTemp("", "searchbench")
		if err != nil {
			nationalErr = err
			return
		}
		national, nationalErr = searchtest.Setup(context.Background(), searchtest.Options{Dir: dir, National: true})
	})
	if nationalErr != nil {
		b.Fatal(nationalErr)
	}
	return national
}

// BenchmarkSearchParallel measures throughput with every core searching
// (searches per second, the dev and team queries in turn).
func BenchmarkSearchParallel(b *testing.B) {
	env := nationalEnv(b)
	cases := append(evalSet(b, "dev.tsv"), evalSet(b, "extra.tsv")...)
	ctx := context.Background()
	var next atomic.Int64
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c := cases[int(next.Add(1))%len(cases)]
			if _, err := env.Search.Search(ctx, search.Query{Text: c.Query, Commune: c.Commune}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "searches/s")
}
