package main

import (
	"strings"
	"testing"
	"time"
)

func samples(heap func(i int) float64, goroutines func(i int) int, n int) []Sample {
	out := make([]Sample, n)
	for i := range out {
		out[i] = Sample{At: time.Duration(i) * 5 * time.Second, HeapGoal: heap(i), HeapInuse: heap(i), RSS: 200 << 20, Goroutines: goroutines(i), FDs: 20}
	}
	return out
}

func TestEvaluate(t *testing.T) {
	flat := func(int) float64 { return 100 << 20 }
	growing := func(i int) float64 { return float64(100+10*i) * (1 << 20) }
	steady := func(int) int { return 30 }
	leaking := func(i int) int { return 30 + 3*i }
	base := Sample{Goroutines: 28, FDs: 16}
	ok := []KindStat{{Kind: "public read", Requests: 1000}}
	for _, tc := range []struct {
		name   string
		run    Run
		failed []string
	}{
		{"flat", Run{Kinds: ok, Samples: samples(flat, steady, 40), Baseline: base, After: Sample{Goroutines: 29, FDs: 20}}, nil},
		{"errors", Run{Kinds: []KindStat{{Kind: "search", Requests: 10, Errors: 1}}, Samples: samples(flat, steady, 40), Baseline: base, After: base}, []string{"no failed request"}},
		{"heap grows", Run{Kinds: ok, Samples: samples(growing, steady, 40), Baseline: base, After: base}, []string{"live heap (GC goal, 10th percentile) flat"}},
		{"goroutines leak", Run{Kinds: ok, Samples: samples(flat, leaking, 40), Baseline: base, After: Sample{Goroutines: 150, FDs: 16}},
			[]string{"goroutines (median) flat", "goroutines back to the baseline after the load"}},
		{"files leak", Run{Kinds: ok, Samples: samples(flat, steady, 40), Baseline: base, After: Sample{Goroutines: 28, FDs: 100}}, []string{"open files back to the baseline after the load"}},
		{"too short", Run{Kinds: ok, Samples: samples(flat, steady, 3), Baseline: base, After: base}, []string{"enough samples for the trends"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var failed []string
			for _, c := range Evaluate(tc.run) {
				if !c.OK {
					failed = append(failed, c.Name)
				}
			}
			if strings.Join(failed, ";") != strings.Join(tc.failed, ";") {
				t.Fatalf("failed checks %q, want %q", failed, tc.failed)
			}
		})
	}
}

func TestSparkline(t *testing.T) {
	if got := sparkline([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 60); got != "▁▂▃▄▅▆▇█" {
		t.Fatalf("sparkline = %q", got)
	}
	if got := []rune(sparkline(make([]float64, 500), 60)); len(got) != 60 {
		t.Fatalf("sparkline of 500 values is %d wide, want 60", len(got))
	}
}

func TestWriteReport(t *testing.T) {
	var b strings.Builder
	r := Run{Database: "postgres", Elapsed: 3 * time.Minute, Kinds: []KindStat{{Kind: "public read", Requests: 1000, P50: time.Millisecond}},
		Minutes: []MinuteStat{{Minute: 0, Requests: 6000}}, Samples: samples(func(int) float64 { return 100 << 20 }, func(int) int { return 30 }, 36),
		Baseline: Sample{Goroutines: 28, FDs: 16}, After: Sample{Goroutines: 28, FDs: 16}}
	if failed := WriteReport(&b, Report{Rate: 100, Duration: 3 * time.Minute, Runs: []Run{r}}); failed != 0 {
		t.Fatalf("%d checks failed:\n%s", failed, b.String())
	}
	for _, want := range []string{"# Soak test", "## postgres", "| no failed request | ✅ |", "| public read | 1000 | 0 |", "| 1 | 6000 | 100 | 0 |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
