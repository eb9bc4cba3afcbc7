package auth

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/testclock"
)

func newFakeClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
}

// step is one event of a limiter scenario: after advancing the clock, fail
// the key, reset it, or check what Allow answers.
type step struct {
	advance   time.Duration
	op        string // "fail", "reset", "allow"
	key       string
	wantOK    bool
	wantRetry time.Duration // checked when not zero; -1: any positive
}

func fails(n int, key string) []step {
	s := make([]step, n)
	for i := range s {
		s[i] = step{op: "fail", key: key}
	}
	return s
}

func TestLimiter(t *testing.T) {
	const w = FailureWindow
	cat := func(parts ...[]step) []step {
		var all []step
		for _, p := range parts {
			all = append(all, p...)
		}
		return all
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"unknown key allowed", []step{{op: "allow", key: "a", wantOK: true}}},
		{"9 failures allowed", cat(fails(9, "a"), []step{{op: "allow", key: "a", wantOK: true}})},
		{"10 failures lock for the window", cat(fails(10, "a"), []step{
			{op: "allow", key: "a", wantOK: false, wantRetry: w + 1},
			{advance: time.Minute, op: "allow", key: "a", wantOK: false, wantRetry: w - time.Minute + 1},
			{advance: w - time.Minute - 1, op: "allow", key: "a", wantOK: false, wantRetry: 2},
			{advance: 2, op: "allow", key: "a", wantOK: true},
		})},
		{"keys are independent", cat(fails(10, "a"), []step{
			{op: "allow", key: "a", wantOK: false, wantRetry: -1},
			{op: "allow", key: "b", wantOK: true},
		})},
		{"reset clears", cat(fails(10, "a"), []step{
			{op: "reset", key: "a"},
			{op: "allow", key: "a", wantOK: true},
		}, fails(9, "a"), []step{{op: "allow", key: "a", wantOK: true}})},
		{"reset of an unknown key", []step{{op: "reset", key: "a"}, {op: "allow", key: "a", wantOK: true}}},
		{"failures beyond the limit do not extend the lock", cat(fails(30, "a"), []step{
			{advance: w + 1, op: "allow", key: "a", wantOK: true},
		})},
		{"after the window, failures fade out", cat(fails(10, "a"), []step{
			{advance: w + 1, op: "allow", key: "a", wantOK: true},
			{op: "fail", key: "a"},
			// count = 1 + 10×(w−e)/w: below 10 once e > w/10.
			{op: "allow", key: "a", wantOK: false, wantRetry: w/10 - 1 + 1},
			{advance: w / 10, op: "allow", key: "a", wantOK: true},
		})},
		{"spread failures", cat(
			fails(5, "a"),
			[]step{{advance: 10 * time.Minute, op: "fail", key: "a"}},
			fails(4, "a"),
			[]step{
				{op: "allow", key: "a", wantOK: false, wantRetry: 5*time.Minute + 1},
				{advance: 5*time.Minute + 1, op: "allow", key: "a", wantOK: true},
			},
		)},
		{"two windows later, all forgotten", cat(fails(10, "a"), []step{
			{advance: 2 * w, op: "allow", key: "a", wantOK: true},
		}, fails(9, "a"), []step{{op: "allow", key: "a", wantOK: true}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newFakeClock()
			l := NewLimiter(AccountFailureLimit, FailureWindow, c.Now)
			for i, s := range tt.steps {
				c.Add(s.advance)
				switch s.op {
				case "fail":
					l.Fail(s.key)
				case "reset":
					l.Reset(s.key)
				case "allow":
					ok, retry := l.Allow(s.key)
					if ok != s.wantOK || (ok && retry != 0) || (!ok && retry <= 0) ||
						(s.wantRetry > 0 && retry != s.wantRetry) {
						t.Fatalf("step %d: Allow(%q) = (%v, %v), want (%v, %v)", i, s.key, ok, retry, s.wantOK, s.wantRetry)
					}
				}
			}
		})
	}
}

// TestLimiterRetryAfterIsExact replays random failures and checks that each
// refusal's retryAfter is the first instant at which Allow says yes.
func TestLimiterRetryAfterIsExact(t *testing.T) {
	const limit, window = 5, time.Minute
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 300 {
		var gaps []time.Duration
		for range 1 + rng.IntN(15) {
			gaps = append(gaps, time.Duration(rng.Int64N(int64(window/3))))
		}
		// replay builds a limiter with the failures and returns Allow at end+d.
		replay := func(d time.Duration) (bool, time.Duration) {
			c := newFakeClock()
			l := NewLimiter(limit, window, c.Now)
			for _, g := range gaps {
				c.Add(g)
				l.Fail("k")
			}
			c.Add(d)
			return l.Allow("k")
		}
		ok, retry := replay(0)
		if ok {
			continue
		}
		if okAt, _ := replay(retry); !okAt {
			t.Fatalf("run %d %v: refused, retry after %v, still refused then", run, gaps, retry)
		}
		if okBefore, _ := replay(retry - 1); okBefore {
			t.Fatalf("run %d %v: refused, retry after %v, but allowed 1 ns earlier", run, gaps, retry)
		}
	}
}

func TestLimiterMemoryBound(t *testing.T) {
	c := newFakeClock()
	l := NewLimiter(3, time.Minute, c.Now, WithMaxKeys(3))
	for _, k := range []string{"a", "b", "c"} {
		l.Fail(k)
		l.Fail(k)
		l.Fail(k)
		c.Add(time.Second)
	}
	l.Fail("a") // a becomes the most recent failure; b the oldest
	l.Fail("d") // evicts b
	if n := l.len(); n != 3 {
		t.Errorf("%d keys, want 3", n)
	}
	for k, wantOK := range map[string]bool{"a": false, "b": true, "c": false} {
		if ok, _ := l.Allow(k); ok != wantOK {
			t.Errorf("Allow(%q) = %v, want %v", k, ok, wantOK)
		}
	}
	c.Add(2 * time.Minute)
	l.Allow("anything")
	if n := l.len(); n != 0 {
		t.Errorf("%d keys two windows later, want 0", n)
	}
}

func TestLimiterExpiredKeysAreForgotten(t *testing.T) {
	c := newFakeClock()
	l := NewLimiter(10, time.Minute, c.Now)
	for i := range 1000 {
		l.Fail(fmt.Sprint("ip-", i))
		c.Add(time.Second)
	}
	// Only keys that failed in the last two minutes remain.
	if n := l.len(); n != 120 {
		t.Errorf("%d keys, want 120", n)
	}
}

func TestNewLimiterPanics(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		window time.Duration
		opts   []LimiterOption
	}{
		{"zero limit", 0, time.Minute, nil},
		{"limit too large", maxLimit + 1, time.Minute, nil},
		{"zero window", 10, 0, nil},
		{"window too long", 10, 25 * time.Hour, nil},
		{"no keys", 10, time.Minute, []LimiterOption{WithMaxKeys(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("NewLimiter did not panic")
				}
			}()
			NewLimiter(tt.limit, tt.window, nil, tt.opts...)
		})
	}
}

// TestLimiterConcurrent is meant for -race: many goroutines on shared keys,
// with eviction, then an exact count on one key.
func TestLimiterConcurrent(t *testing.T) {
	c := newFakeClock()
	l := NewLimiter(1000, time.Minute, c.Now, WithMaxKeys(20))
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 500 {
				key := fmt.Sprint("k", (g*7+i)%40)
				switch i % 4 {
				case 0, 1:
					l.Fail(key)
				case 2:
					l.Allow(key)
				case 3:
					if i%40 == 3 {
						l.Reset(key)
					}
					c.Add(time.Millisecond)
				}
			}
			for range 25 {
				l.Fail("shared")
			}
		})
	}
	wg.Wait()
	if n := l.len(); n > 20 {
		t.Errorf("%d keys, want at most 20", n)
	}
	// "shared" may have been evicted by the churn; count on a quiet limiter.
	quiet := NewLimiter(1000, time.Minute, c.Now)
	for range 20 {
		wg.Go(func() {
			for range 50 {
				quiet.Fail("shared")
			}
		})
	}
	wg.Wait()
	if ok, _ := quiet.Allow("shared"); ok {
		t.Error("1000 concurrent failures did not lock the key")
	}
	quiet.Reset("shared")
	for range 999 {
		quiet.Fail("shared")
	}
	if ok, _ := quiet.Allow("shared"); !ok {
		t.Error("999 failures locked the key")
	}
}
