package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Bounds of the checks: what "flat" means.
const (
	// HeapGrowth and RSSGrowth bound the growth of the last quarter's
	// median over the second quarter's (the first quarter is warm-up).
	HeapGrowth = 0.25
	RSSGrowth  = 0.25
	// GoroutineGrowth bounds the goroutines the same way, plus
	// GoroutineSlack.
	GoroutineGrowth = 0.25
	GoroutineSlack  = 5
	// AfterSlack bounds the goroutines 10 s after the load over the idle
	// baseline before it; FDSlack the open files, which may count a few
	// more pooled database connections (SQLite: 4 readers, 2 files each).
	AfterSlack = 5
	FDSlack    = 12
	// MinSamples is the fewest samples the trend checks need.
	MinSamples = 8
)

// Report is what bench/SOAK.md shows.
type Report struct {
	Started                 time.Time
	Machine, Commit         string
	LoadBefore, LoadAfter   string
	Rate                    int
	Duration                time.Duration
	AdminEvery, SampleEvery time.Duration
	Runs                    []Run
}

// Run is the soak of one database.
type Run struct {
	Database     string
	Elapsed      time.Duration
	Baseline     Sample
	After        Sample
	Samples      []Sample
	Kinds        []KindStat
	Minutes      []MinuteStat
	SampleErrors int
	FirstErrors  []string
}

// Check is one verdict.
type Check struct {
	Name, Detail string
	OK           bool
}

// quantile q of f over ss (nearest rank).
func quantile(ss []Sample, q float64, f func(Sample) float64) float64 {
	if len(ss) == 0 {
		return 0
	}
	vs := make([]float64, len(ss))
	for i, s := range ss {
		vs[i] = f(s)
	}
	slices.Sort(vs)
	return vs[min(len(vs)-1, int(q*float64(len(vs))))]
}

func median(ss []Sample, f func(Sample) float64) float64 { return quantile(ss, 0.5, f) }

// floor is the 10th percentile: the GC goal between two search index
// rebuilds, which hold two snapshots at once for a moment.
func floor(ss []Sample, f func(Sample) float64) float64 { return quantile(ss, 0.1, f) }

func mean(ss []Sample, f func(Sample) float64) float64 {
	if len(ss) == 0 {
		return 0
	}
	t := 0.0
	for _, s := range ss {
		t += f(s)
	}
	return t / float64(len(ss))
}

// Evaluate checks a run: no error, memory and goroutines flat, goroutines
// and files back to the baseline after the load.
func Evaluate(r Run) []Check {
	var errs, reqs uint64
	for _, k := range r.Kinds {
		errs += k.Errors
		reqs += k.Requests
	}
	out := []Check{{
		Name:   "no failed request",
		Detail: fmt.Sprintf("%d errors out of %d requests, %d failed samples", errs, reqs, r.SampleErrors),
		OK:     errs == 0 && reqs > 0 && r.SampleErrors == 0,
	}}
	if n := len(r.Samples); n < MinSamples {
		out = append(out, Check{Name: "enough samples for the trends", Detail: fmt.Sprintf("%d samples, want %d", n, MinSamples)})
	} else {
		q := n / 4
		second, last := r.Samples[q:2*q], r.Samples[n-q:]
		flat := func(name string, stat func([]Sample, func(Sample) float64) float64, f func(Sample) float64, growth, slack float64, unit func(float64) string) Check {
			a, b := stat(second, f), stat(last, f)
			return Check{Name: name + " flat", OK: b <= a*(1+growth)+slack,
				Detail: fmt.Sprintf("last quarter %s, second quarter %s (%+.1f %%; bound +%.0f %%)", unit(b), unit(a), 100*(b-a)/a, 100*growth)}
		}
		mb := func(v float64) string { return fmt.Sprintf("%.1f MiB", mib(v)) }
		num := func(v float64) string { return fmt.Sprintf("%.1f", v) }
		out = append(out,
			flat("live heap (GC goal, 10th percentile)", floor, func(s Sample) float64 { return s.HeapGoal }, HeapGrowth, 0, mb),
			flat("RSS (median)", median, func(s Sample) float64 { return s.RSS }, RSSGrowth, 0, mb),
			flat("goroutines (median)", median, func(s Sample) float64 { return float64(s.Goroutines) }, GoroutineGrowth, GoroutineSlack, num),
		)
	}
	out = append(out,
		Check{Name: "goroutines back to the baseline after the load", OK: r.After.Goroutines <= r.Baseline.Goroutines+AfterSlack,
			Detail: fmt.Sprintf("%d idle before, %d 10 s after (bound +%d)", r.Baseline.Goroutines, r.After.Goroutines, AfterSlack)},
		Check{Name: "open files back to the baseline after the load", OK: r.After.FDs <= r.Baseline.FDs+FDSlack,
			Detail: fmt.Sprintf("%d idle before, %d 10 s after (bound +%d)", r.Baseline.FDs, r.After.FDs, FDSlack)},
	)
	return out
}

var bars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws values in at most width characters (means of buckets),
// scaled from the smallest to the largest.
func sparkline(vs []float64, width int) string {
	if len(vs) == 0 {
		return ""
	}
	var pts []float64
	if len(vs) <= width {
		pts = vs
	} else {
		for i := range width {
			a, b := i*len(vs)/width, (i+1)*len(vs)/width
			t := 0.0
			for _, v := range vs[a:b] {
				t += v
			}
			pts = append(pts, t/float64(b-a))
		}
	}
	lo, hi := pts[0], pts[0]
	for _, v := range pts {
		lo, hi = min(lo, v), max(hi, v)
	}
	var sb strings.Builder
	for _, v := range pts {
		i := 0
		if hi > lo {
			i = int((v - lo) / (hi - lo) * float64(len(bars)-1))
		}
		sb.WriteRune(bars[i])
	}
	return sb.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// WriteReport writes bench/SOAK.md and returns how many checks failed.
func WriteReport(w io.Writer, rep Report) int {
	failed := 0
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("# Soak test\n\n")
	p("Written by `make soak` (api/cmd/soak): the `aiguillage` binary, started as in production (`aiguillage serve`, rate limits off, on loopback), ")
	p("under a sustained mixed load for %s per database: %d public requests per second, open loop ", rep.Duration, rep.Rate)
	p("(per 200: %d reads over %d communes, %d searches, %d batches of 3 usage events, %d feedbacks), ", wReads, len(communes), wSearches, wEvents, wFeedback)
	p("and a référent creating then deleting a theme every %s (each write drops the response cache and rebuilds the search index). ", rep.AdminEvery)
	p("Its `/metrics` are sampled every %s: heap in use (`go_memstats_heap_inuse_bytes`, from runtime/metrics), resident memory, goroutines, open files. ", rep.SampleEvery)
	p("`SOAK_DURATION`, `SOAK_RATE`, `SOAK_DATABASES` (postgres, sqlite or both) and `SOAK_ADMIN_EVERY` change the run.\n\n")
	p("- Run: %s UTC, commit %s\n- Machine: %s\n- Load average (1, 5, 15 min) before: %s; after: %s (other work shares the machine: the latencies are indicative, the trends are what is checked)\n\n",
		rep.Started.Format("2006-01-02 15:04"), rep.Commit, rep.Machine, rep.LoadBefore, rep.LoadAfter)
	p("Each request of the load opens its own connection, so the server's goroutines and open files count the requests in flight. ")
	p("Checks: no failed request; live heap (the GC goal, `go_memstats_next_gc_bytes`: twice the heap live after the last GC; its 10th percentile, ")
	p("since every référent write rebuilds the search index and the GC goal jumps while two snapshots are held), RSS (median) and goroutines (median) ")
	p("of the last quarter within +%.0f %%, +%.0f %% and +%.0f %% (+%d) of the second quarter's (the first quarter is warm-up); ",
		100*HeapGrowth, 100*RSSGrowth, 100*GoroutineGrowth, GoroutineSlack)
	p("10 s after the load, goroutines within +%d and open files within +%d (pooled database connections) of the idle baseline taken before it.\n\n", AfterSlack, FDSlack)
	for _, r := range rep.Runs {
		p("## %s\n\n", r.Database)
		p("Load for %s.\n\n", r.Elapsed.Round(time.Second))
		p("| Check | Result | Figures |\n|---|---|---|\n")
		for _, c := range Evaluate(r) {
			if !c.OK {
				failed++
			}
			p("| %s | %s | %s |\n", c.Name, map[bool]string{true: "✅", false: "❌"}[c.OK], c.Detail)
		}
		p("\n| Requests | Count | Errors | p50 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n")
		for _, k := range r.Kinds {
			p("| %s | %d | %d | %s | %s | %s |\n", k.Kind, k.Requests, k.Errors, ms(k.P50), ms(k.P99), ms(k.Max))
		}
		if len(r.FirstErrors) > 0 {
			p("\nFirst errors:\n\n")
			for _, e := range r.FirstErrors {
				p("- `%s`\n", strings.ReplaceAll(e, "`", "'"))
			}
		}
		goal := make([]float64, len(r.Samples))
		heap := make([]float64, len(r.Samples))
		rss := make([]float64, len(r.Samples))
		gor := make([]float64, len(r.Samples))
		for i, s := range r.Samples {
			goal[i], heap[i], rss[i], gor[i] = mib(s.HeapGoal), mib(s.HeapInuse), mib(s.RSS), float64(s.Goroutines)
		}
		p("\nOver the run (%d samples; each line scaled from its minimum to its maximum):\n\n```\n", len(r.Samples))
		rng := func(vs []float64) (float64, float64) {
			if len(vs) == 0 {
				return 0, 0
			}
			lo, hi := vs[0], vs[0]
			for _, v := range vs {
				lo, hi = min(lo, v), max(hi, v)
			}
			return lo, hi
		}
		for _, l := range []struct {
			name string
			vs   []float64
			unit string
		}{{"GC goal    ", goal, "MiB"}, {"heap in use", heap, "MiB"}, {"RSS        ", rss, "MiB"}, {"goroutines ", gor, ""}} {
			lo, hi := rng(l.vs)
			p("%s %s  %.0f–%.0f %s\n", l.name, sparkline(l.vs, 60), lo, hi, l.unit)
		}
		p("```\n\n| Minute | Requests | req/s | Errors | p50 | p99 | GC goal | Heap in use | RSS | Goroutines (max) | Open files (max) | DB connections (max) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, m := range r.Minutes {
			if float64(60*m.Minute) >= r.Elapsed.Seconds()-1 {
				continue // the last requests, sent as the load stopped
			}
			var in []Sample
			for _, s := range r.Samples {
				if int(s.At/time.Minute) == m.Minute {
					in = append(in, s)
				}
			}
			g, f, c := 0, 0, 0
			for _, s := range in {
				g, f, c = max(g, s.Goroutines), max(f, s.FDs), max(c, s.Conns)
			}
			p("| %d | %d | %.0f | %d | %s | %s | %.1f MiB | %.1f MiB | %.1f MiB | %d | %d | %d |\n", m.Minute+1, m.Requests, float64(m.Requests)/max(1, min(60, r.Elapsed.Seconds()-60*float64(m.Minute))), m.Errors, ms(m.P50), ms(m.P99),
				mib(mean(in, func(s Sample) float64 { return s.HeapGoal })), mib(mean(in, func(s Sample) float64 { return s.HeapInuse })), mib(mean(in, func(s Sample) float64 { return s.RSS })), g, f, c)
		}
		p("\nIdle before the load: heap in use %.1f MiB, RSS %.1f MiB, %d goroutines, %d open files. 10 s after: %.1f MiB, %.1f MiB, %d goroutines, %d open files.\n\n",
			mib(r.Baseline.HeapInuse), mib(r.Baseline.RSS), r.Baseline.Goroutines, r.Baseline.FDs, mib(r.After.HeapInuse), mib(r.After.RSS), r.After.Goroutines, r.After.FDs)
	}
	return failed
}
