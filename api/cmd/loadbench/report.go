package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Result is one measured step: an endpoint at one concurrency (closed
// loop) or one rate (open loop), on one database at one scale.
type Result struct {
	Scale    int    `json:"scale"`
	Dialect  string `json:"dialect"`
	Endpoint string `json:"endpoint"`
	// Conc is the number of connections of a closed-loop step (0: open loop).
	Conc int `json:"conc,omitempty"`
	// Rate is the requested rate of an open-loop step, per second.
	Rate     int           `json:"rate,omitempty"`
	Requests uint64        `json:"requests"`
	Errors   uint64        `json:"errors"`
	RPS      float64       `json:"rps"`
	P50      time.Duration `json:"p50"`
	P99      time.Duration `json:"p99"`
	// EventsPerSec is, for event ingestion, the events whose rows are in
	// the database per second of the whole run (posting and writing).
	EventsPerSec float64 `json:"events_per_sec,omitempty"`
	// Rows is how many usage_events rows the run added (ingestion only).
	Rows int64 `json:"rows,omitempty"`
	// CeilingRPS is, for a cached read, the ceiling's throughput at the
	// same concurrency measured just before and just after this step
	// (their mean): the machine's state drifts over a run of minutes, and
	// the ratio compares what ran side by side.
	CeilingRPS float64 `json:"ceiling_rps,omitempty"`
}

// Endpoint names.
const (
	Ceiling  = "ceiling (bare Echo, fixed bytes)"
	Journey  = "public journey"
	OrgConf  = "organisation config"
	Communes = "commune autocomplete"
	Search   = "search"
	Events   = "event ingestion"
)

// Targets of the issue.
const (
	CachedRatio      = 0.60
	CachedP99        = 5 * time.Millisecond
	CachedConc       = 100
	SearchRate       = 200
	SearchP99        = 20 * time.Millisecond
	EventsPerSecGoal = 5000
	// PacedRate is the rate of the paced step at CachedConc connections.
	PacedRate = 1000
)

// Check is one target, measured.
type Check struct {
	Target, Where, Measured string
	OK                      bool
}

// find returns the result of an endpoint at a concurrency (or rate).
func find(rs []Result, scale int, dialect, endpoint string, conc, rate int) (Result, bool) {
	for _, r := range rs {
		if r.Scale == scale && r.Dialect == dialect && r.Endpoint == endpoint && r.Conc == conc && r.Rate == rate {
			return r, true
		}
	}
	return Result{}, false
}

// Ratio is r's throughput over the ceiling's at the same concurrency:
// the ceiling measured around r when there is one, else the ceiling's
// step of the same run (0 when there is no ceiling).
func Ratio(rs []Result, r Result) float64 {
	if c := ceilingRPS(rs, r); c > 0 {
		return r.RPS / c
	}
	return 0
}

// ceilingRPS is the ceiling's throughput r is compared with.
func ceilingRPS(rs []Result, r Result) float64 {
	if r.CeilingRPS > 0 {
		return r.CeilingRPS
	}
	c, _ := find(rs, r.Scale, r.Dialect, Ceiling, r.Conc, 0)
	return c.RPS
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// Evaluate checks every target on every database and scale measured.
func Evaluate(rs []Result) []Check {
	runs := runsOf(rs)
	var out []Check
	for _, k := range runs {
		where := fmt.Sprintf("%s, %d×", k.dialect, k.scale)
		for _, e := range []string{Journey, OrgConf, Communes} {
			r, ok := find(rs, k.scale, k.dialect, e, CachedConc, 0)
			if !ok {
				continue
			}
			ratio := Ratio(rs, r)
			c, _ := find(rs, k.scale, k.dialect, Ceiling, CachedConc, 0)
			out = append(out, Check{
				Target:   fmt.Sprintf("%s (cached): ≥ %.0f %% of the ceiling's throughput at %d connections", e, CachedRatio*100, CachedConc),
				Where:    where,
				Measured: fmt.Sprintf("%.0f %% (%.0f vs %.0f req/s), %d errors", ratio*100, r.RPS, ceilingRPS(rs, r), r.Errors),
				OK:       ratio >= CachedRatio && r.Errors == 0,
			}, Check{
				Target:   fmt.Sprintf("%s (cached): p99 ≤ %s at %d connections, closed loop (saturated)", e, ms(CachedP99), CachedConc),
				Where:    where,
				Measured: fmt.Sprintf("p99 %s (the ceiling's: %s)", ms(r.P99), ms(c.P99)),
				OK:       r.P99 <= CachedP99 && r.Errors == 0,
			})
			if p, ok := find(rs, k.scale, k.dialect, e, CachedConc, PacedRate); ok {
				out = append(out, Check{
					Target:   fmt.Sprintf("%s (cached): p99 ≤ %s at %d connections paced at %d req/s", e, ms(CachedP99), CachedConc, PacedRate),
					Where:    where,
					Measured: fmt.Sprintf("p99 %s, p50 %s, %d errors", ms(p.P99), ms(p.P50), p.Errors),
					OK:       p.P99 <= CachedP99 && p.Errors == 0,
				})
			}
		}
		if r, ok := find(rs, k.scale, k.dialect, Search, 0, SearchRate); ok {
			out = append(out, Check{
				Target:   fmt.Sprintf("search: p99 ≤ %s at %d req/s, whole national directory", ms(SearchP99), SearchRate),
				Where:    where,
				Measured: fmt.Sprintf("p99 %s (p50 %s), %.0f req/s, %d errors", ms(r.P99), ms(r.P50), r.RPS, r.Errors),
				OK:       r.P99 <= SearchP99 && r.Errors == 0,
			})
		}
		for _, r := range rs {
			if r.Scale == k.scale && r.Dialect == k.dialect && r.Endpoint == Events {
				out = append(out, Check{
					Target:   fmt.Sprintf("event ingestion: ≥ %d events/s persisted", EventsPerSecGoal),
					Where:    where,
					Measured: fmt.Sprintf("%.0f events/s (%d rows written, %d errors)", r.EventsPerSec, r.Rows, r.Errors),
					OK:       r.EventsPerSec >= EventsPerSecGoal && r.Errors == 0,
				})
			}
		}
	}
	return out
}

// Meta describes the run.
type Meta struct {
	Date, Machine, GoVersion, Commit, Command string
	Duration                                  time.Duration
	Data                                      []string
	Notes                                     []string
	// Recorded holds results of an earlier run at other scales (the 10×
	// run is opt-in), shown in the scale table with Recorded.Note.
	Recorded     []Result
	RecordedNote string
}

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

// WriteReport writes the Markdown report.
func WriteReport(w io.Writer, m Meta, rs []Result) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Aiguillage load benchmark\n\n")
	p("Generated by `%s` on %s. Machine: %s; %s; commit %s; the whole run took %s.\n\n", m.Command, m.Date, m.Machine, m.GoVersion, m.Commit, m.Duration.Round(time.Second))
	p("Load generator: [vegeta](https://github.com/tsenart/vegeta) v12 as a library, on loopback, in the same process as the servers ")
	p("(the ceiling, a bare Echo handler returning fixed bytes, shares the same CPUs and client, so ratios to it are comparable within one run; ")
	p("each cached read's ratio is to the ceiling measured just before and just after it at the same concurrency, as the machine drifts over minutes). ")
	p("Closed loop: a fixed number of connections and workers, each sending its next request as soon as the previous answer arrives (vegeta rate 0). ")
	p("Rate limits are off (`AIGUILLAGE_PUBLIC_*_RATE=0`); the server is built by `app.NewServer`, as `aiguillage serve` builds it.\n\n")
	p("This measures ceilings over seconds; sustained load over minutes (memory, goroutines and open files staying flat) is in [SOAK.md](SOAK.md) (`make soak`).\n\n")
	if len(m.Data) > 0 {
		p("Data:\n\n")
		for _, d := range m.Data {
			p("- %s\n", d)
		}
		p("\n")
	}
	checks := Evaluate(rs)
	p("## Targets\n\n| | Target | Where | Measured |\n|---|---|---|---|\n")
	for _, c := range checks {
		p("| %s | %s | %s | %s |\n", mark(c.OK), c.Target, c.Where, c.Measured)
	}
	p("\n")
	runs := runsOf(rs)
	for _, k := range runs {
		p("## %s, %d× data\n\n", k.dialect, k.scale)
		p("| Endpoint | Connections | Load | req/s | p50 | p99 | errors | vs ceiling |\n|---|---:|---|---:|---:|---:|---:|---:|\n")
		for _, r := range rs {
			if r.Scale != k.scale || r.Dialect != k.dialect || r.Conc == 0 || r.Endpoint == Events {
				continue
			}
			ratio, load := "—", "closed loop"
			if r.Rate > 0 {
				load = fmt.Sprintf("paced, %d req/s", r.Rate)
			} else if r.Endpoint != Ceiling {
				ratio = fmt.Sprintf("%.0f %%", Ratio(rs, r)*100)
			}
			p("| %s | %d | %s | %.0f | %s | %s | %d | %s |\n", r.Endpoint, r.Conc, load, r.RPS, ms(r.P50), ms(r.P99), r.Errors, ratio)
		}
		p("\n")
		for _, r := range rs {
			if r.Scale == k.scale && r.Dialect == k.dialect && r.Rate > 0 && r.Conc == 0 {
				p("Open loop: %s at %d req/s for %d requests: p50 %s, p99 %s, %d errors.\n\n", r.Endpoint, r.Rate, r.Requests, ms(r.P50), ms(r.P99), r.Errors)
			}
			if r.Scale == k.scale && r.Dialect == k.dialect && r.Endpoint == Events {
				p("Event ingestion, %d connections posting batches: %d batches accepted (%.0f/s, p50 %s, p99 %s, %d errors); "+
					"**%.0f events/s persisted** (%d rows counted in `usage_events` after the writer drained its buffer, over the posting and writing time).\n\n",
					r.Conc, r.Requests, r.RPS, ms(r.P50), ms(r.P99), r.Errors, r.EventsPerSec, r.Rows)
			}
		}
	}
	writeScaleTable(&b, rs, m)
	if len(m.Notes) > 0 {
		p("## Notes\n\n")
		for _, n := range m.Notes {
			p("- %s\n", n)
		}
		p("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeScaleTable shows how each figure grows with the data: throughput at
// the highest concurrency, p99, search open loop and ingestion, per scale.
func writeScaleTable(b *strings.Builder, rs []Result, m Meta) {
	all := append(slices.Clone(rs), m.Recorded...)
	var scales []int
	var dialects []string
	for _, r := range all {
		if !slices.Contains(scales, r.Scale) {
			scales = append(scales, r.Scale)
		}
		if !slices.Contains(dialects, r.Dialect) {
			dialects = append(dialects, r.Dialect)
		}
	}
	if len(scales) < 2 {
		return
	}
	slices.Sort(scales)
	fmt.Fprintf(b, "## From 1× to 10× data\n\n")
	if m.RecordedNote != "" {
		fmt.Fprintf(b, "%s\n\n", m.RecordedNote)
	}
	fmt.Fprintf(b, "| Database | Figure |")
	for _, s := range scales {
		fmt.Fprintf(b, " %d× |", s)
	}
	fmt.Fprintf(b, " %d× / %d× |\n|---|---|", scales[len(scales)-1], scales[0])
	for range scales {
		fmt.Fprintf(b, "---:|")
	}
	fmt.Fprintf(b, "---:|\n")
	maxConc := 0
	for _, r := range all {
		maxConc = max(maxConc, r.Conc)
	}
	type fig struct {
		name string
		get  func(Result) (float64, string)
		pick func(r Result) bool
	}
	var figs []fig
	for _, e := range []string{Journey, OrgConf, Communes, Search} {
		// Throughput relative to the ceiling of the same run: comparable
		// across runs, whatever else the machine was doing.
		figs = append(figs, fig{e + ": % of the ceiling at " + fmt.Sprint(maxConc) + " connections",
			func(r Result) (float64, string) {
				v := Ratio(all, r)
				return v, fmt.Sprintf("%.0f %%", v*100)
			},
			func(r Result) bool { return r.Endpoint == e && r.Conc == maxConc && r.Rate == 0 }})
	}
	for _, e := range []string{Ceiling, Journey, OrgConf, Communes, Search} {
		figs = append(figs,
			fig{e + ": req/s at " + fmt.Sprint(maxConc) + " connections", func(r Result) (float64, string) { return r.RPS, fmt.Sprintf("%.0f", r.RPS) },
				func(r Result) bool { return r.Endpoint == e && r.Conc == maxConc && r.Rate == 0 }},
			fig{e + ": p99 at " + fmt.Sprint(maxConc) + " connections", func(r Result) (float64, string) { return float64(r.P99), ms(r.P99) },
				func(r Result) bool { return r.Endpoint == e && r.Conc == maxConc && r.Rate == 0 }})
	}
	figs = append(figs,
		fig{"search at 200 req/s: p99", func(r Result) (float64, string) { return float64(r.P99), ms(r.P99) },
			func(r Result) bool { return r.Endpoint == Search && r.Rate > 0 && r.Conc == 0 }},
		fig{"event ingestion: events/s persisted", func(r Result) (float64, string) { return r.EventsPerSec, fmt.Sprintf("%.0f", r.EventsPerSec) },
			func(r Result) bool { return r.Endpoint == Events }})
	slices.SortStableFunc(dialects, func(a, b string) int { return cmp.Compare(b, a) })
	for _, d := range dialects {
		for _, f := range figs {
			var vals []float64
			var cells []string
			for _, s := range scales {
				i := slices.IndexFunc(all, func(r Result) bool { return r.Scale == s && r.Dialect == d && f.pick(r) })
				if i < 0 {
					cells = append(cells, "—")
					vals = append(vals, 0)
					continue
				}
				v, txt := f.get(all[i])
				vals = append(vals, v)
				cells = append(cells, txt)
			}
			if slices.Equal(cells, slices.Repeat([]string{"—"}, len(cells))) {
				continue
			}
			growth := "—"
			if vals[0] > 0 && vals[len(vals)-1] > 0 {
				growth = fmt.Sprintf("%.2f", vals[len(vals)-1]/vals[0])
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", d, f.name, strings.Join(cells, " | "), growth)
		}
	}
	fmt.Fprintf(b, "\n")
}

// runKey is one database at one data scale.
type runKey struct {
	scale   int
	dialect string
}

// runsOf lists the runs of rs, in the order they were measured.
func runsOf(rs []Result) []runKey {
	var runs []runKey
	for _, r := range rs {
		if k := (runKey{r.Scale, r.Dialect}); !slices.Contains(runs, k) {
			runs = append(runs, k)
		}
	}
	return runs
}
