package portals_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/testclock"
)

// memRequests keeps the added counts; fail makes the next Add fail.
type memRequests struct {
	mu   sync.Mutex
	rows map[domain.PortalRequests]int64 // key with Count 0 → count
	adds int
	fail bool
}

func (m *memRequests) AddPortalRequests(_ context.Context, counts []domain.PortalRequests) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		m.fail = false
		return errors.New("database unreachable")
	}
	m.adds++
	for _, c := range counts {
		n := c.Count
		c.Count = 0
		m.rows[c] += n
	}
	return nil
}

func (m *memRequests) SumPortalRequests(_ context.Context, from, to string) ([]domain.PortalRequests, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.PortalRequests
	for k, n := range m.rows {
		if (from == "" || k.Day >= from) && (to == "" || k.Day <= to) {
			k.Day, k.Count = "", n
			out = append(out, k)
		}
	}
	return out, nil
}

func (m *memRequests) get(day, portal string, f domain.RequestFamily, s domain.StatusClass) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rows[domain.PortalRequests{Day: day, PortalID: portal, Family: f, Status: s}]
}

func TestStatusClassesAndFamilies(t *testing.T) {
	for status, want := range map[int]string{200: "2xx", 204: "2xx", 304: "3xx", 400: "4xx", 401: "4xx", 429: "4xx", 500: "5xx", 503: "5xx"} {
		if got := domain.ClassOfStatus(status).String(); got != want {
			t.Errorf("class of %d: %s, want %s", status, got, want)
		}
	}
	for f := range domain.NumRequestFamilies {
		if g, ok := domain.ParseRequestFamily(f.String()); !ok || g != f {
			t.Errorf("family %d: %q parses as %d", f, f.String(), g)
		}
	}
	if f, ok := domain.ParseRequestFamily("inconnue"); ok || f != domain.FamilyOther {
		t.Errorf("unknown family: %v %v", f, ok)
	}
}

// TestRequestCounter: requests are counted by Europe/Paris day, portal,
// family and status class; a flush adds them to the store once; counts a
// failed flush could not write are written by the next one.
func TestRequestCounter(t *testing.T) {
	ctx := t.Context()
	// 23:59:58 in Paris (UTC+1 in November).
	clk := testclock.New(time.Date(2026, 11, 27, 22, 59, 58, 0, time.UTC))
	m := &memRequests{rows: map[domain.PortalRequests]int64{}}
	c := portals.NewRequestCounter(m, clk.Now, nil)

	if err := c.Flush(ctx); err != nil || m.adds != 0 {
		t.Fatalf("empty flush: %v, %d writes", err, m.adds)
	}
	c.Count("p1", domain.FamilySearch, 200)
	c.Count("p1", domain.FamilySearch, 304)
	c.Count("p1", domain.FamilySearch, 200)
	c.Count("p1", domain.FamilyOutcomes, 429)
	c.Count("p2", domain.FamilyEmergency, 500)
	c.Count("p2", domain.RequestFamily(200), 200) // out of range: other
	clk.Add(3 * time.Second)                      // the next day in Paris
	c.Count("p1", domain.FamilySearch, 200)

	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day, portal string
		f           domain.RequestFamily
		s           domain.StatusClass
		want        int64
	}{
		{"2026-11-27", "p1", domain.FamilySearch, domain.Status2xx, 2},
		{"2026-11-27", "p1", domain.FamilySearch, domain.Status3xx, 1},
		{"2026-11-27", "p1", domain.FamilyOutcomes, domain.Status4xx, 1},
		{"2026-11-27", "p2", domain.FamilyEmergency, domain.Status5xx, 1},
		{"2026-11-27", "p2", domain.FamilyOther, domain.Status2xx, 1},
		{"2026-11-28", "p1", domain.FamilySearch, domain.Status2xx, 1},
	} {
		if got := m.get(tc.day, tc.portal, tc.f, tc.s); got != tc.want {
			t.Errorf("%s %s %s %s: %d, want %d", tc.day, tc.portal, tc.f, tc.s, got, tc.want)
		}
	}
	// Flushed once: nothing more to write.
	if err := c.Flush(ctx); err != nil || m.adds != 1 {
		t.Fatalf("second flush: %v, %d writes", err, m.adds)
	}

	// The store fails: the counts wait for the next flush.
	c.Count("p1", domain.FamilySearch, 200)
	m.fail = true
	if err := c.Flush(ctx); err == nil {
		t.Fatal("a failed write was not reported")
	}
	c.Count("p1", domain.FamilySearch, 200)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := m.get("2026-11-28", "p1", domain.FamilySearch, domain.Status2xx); got != 3 {
		t.Fatalf("after a failed flush: %d, want 3", got)
	}

	totals, err := c.Requests(ctx, "2026-11-27", "2026-11-28")
	if err != nil {
		t.Fatal(err)
	}
	p1 := totals["p1"]
	if p1 == nil || p1.Total() != 7 || p1.Family(domain.FamilySearch) != 6 || p1.Class(domain.Status4xx) != 1 || p1.Class(domain.Status3xx) != 1 {
		t.Fatalf("p1 totals %+v", p1)
	}
	if p2 := totals["p2"]; p2 == nil || p2.Total() != 2 || p2.Class(domain.Status5xx) != 1 {
		t.Fatalf("p2 totals %+v", p2)
	}
	if len(totals) != 2 {
		t.Fatalf("%d portals, want 2", len(totals))
	}
}

// TestRequestCounterRun: Run flushes periodically until its context ends.
func TestRequestCounterRun(t *testing.T) {
	m := &memRequests{rows: map[domain.PortalRequests]int64{}}
	c := portals.NewRequestCounter(m, nil, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx, 5*time.Millisecond) }()
	c.Count("p1", domain.FamilyCommunes, 200)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if totals, _ := c.Requests(t.Context(), "", ""); totals["p1"] != nil && totals["p1"].Family(domain.FamilyCommunes) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not flush")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}

// BenchmarkRequestCounter measures counting one request (the hot path of
// a request with a key), from one goroutine and from concurrent ones.
func BenchmarkRequestCounter(b *testing.B) {
	c := portals.NewRequestCounter(&memRequests{rows: map[domain.PortalRequests]int64{}}, nil, nil)
	const portal = "6a0c7a4e-3f0e-4d8b-9f59-0d6b7e0c1a11"
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.Count(portal, domain.FamilySearch, 200)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c.Count(portal, domain.FamilySearch, 200)
			}
		})
	})
}
