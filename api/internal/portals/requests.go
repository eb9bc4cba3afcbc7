package portals

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// DefaultFlushEvery is how often a server adds the requests it counted to
// the database.
const DefaultFlushEvery = 30 * time.Second

// RequestCounter counts, in memory, the public API requests made with each
// portal's key, by Europe/Paris day, family of endpoints and status class,
// and adds them to the store on Flush (every DefaultFlushEvery, and at
// shutdown). Counting costs a map lookup and an atomic increment; only the
// requests that carry a valid key are counted. Nothing else is kept about
// a request.
type RequestCounter struct {
	store domain.PortalRequestStore
	now   func() time.Time
	log   *slog.Logger
	paris *time.Location

	day    atomic.Pointer[dayWindow]
	counts sync.Map // counterKey → *counterCells

	flushMu   sync.Mutex
	lastToday string // the day of the previous flush (under flushMu)
}

type counterKey struct{ day, portal string }

type counterCells [domain.NumRequestFamilies][domain.NumStatusClasses]atomic.Int64

// dayWindow is a Europe/Paris day and its bounds, in Unix nanoseconds.
type dayWindow struct {
	start, end int64
	day        string
}

// NewRequestCounter returns a counter over the store. now and log may be
// nil.
func NewRequestCounter(store domain.PortalRequestStore, now func() time.Time, log *slog.Logger) *RequestCounter {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &RequestCounter{store: store, now: now, log: log, paris: domain.Paris()}
}

// today returns the Europe/Paris date of now, computed once a day.
func (c *RequestCounter) today() string {
	now := c.now()
	ns := now.UnixNano()
	if w := c.day.Load(); w != nil && ns >= w.start && ns < w.end {
		return w.day
	}
	t := now.In(c.paris)
	y, m, d := t.Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, c.paris)
	w := &dayWindow{start: start.UnixNano(), end: start.AddDate(0, 0, 1).UnixNano(), day: t.Format(time.DateOnly)}
	c.day.Store(w)
	return w.day
}

func (c *RequestCounter) cells(day, portalID string) *counterCells {
	k := counterKey{day, portalID}
	if v, ok := c.counts.Load(k); ok {
		return v.(*counterCells)
	}
	v, _ := c.counts.LoadOrStore(k, new(counterCells))
	return v.(*counterCells)
}

// Count counts one request made with the portal's key to an endpoint of
// the family, answered with status.
func (c *RequestCounter) Count(portalID string, family domain.RequestFamily, status int) {
	if family >= domain.NumRequestFamilies {
		family = domain.FamilyOther
	}
	c.cells(c.today(), portalID)[family][domain.ClassOfStatus(status)].Add(1)
}

// Flush adds the counts made since the last flush to the store. Should the
// store fail, they are kept for the next flush. Flushes run one at a time.
func (c *RequestCounter) Flush(ctx context.Context) error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	today := c.today()
	var batch []domain.PortalRequests
	c.counts.Range(func(k, v any) bool {
		key, cells := k.(counterKey), v.(*counterCells)
		// A past day's cells are dropped one flush after the day ended, so
		// that a request counted at midnight is not lost; then a last swap
		// collects what came meanwhile.
		if key.day < today && key.day < c.lastToday {
			c.counts.Delete(k)
		}
		for f := range cells {
			for s := range cells[f] {
				if n := cells[f][s].Swap(0); n > 0 {
					batch = append(batch, domain.PortalRequests{Day: key.day, PortalID: key.portal,
						Family: domain.RequestFamily(f), Status: domain.StatusClass(s), Count: n})
				}
			}
		}
		return true
	})
	c.lastToday = today
	if len(batch) == 0 {
		return nil
	}
	if err := c.store.AddPortalRequests(ctx, batch); err != nil {
		for _, r := range batch {
			c.cells(r.Day, r.PortalID)[r.Family][r.Status].Add(r.Count)
		}
		return err
	}
	return nil
}

// Run flushes every `every` until ctx ends; the caller flushes a last time
// once requests are over (see Flush).
func (c *RequestCounter) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultFlushEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fctx, cancel := context.WithTimeout(ctx, every)
			if err := c.Flush(fctx); err != nil && ctx.Err() == nil {
				c.log.WarnContext(ctx, "portals: cannot write the requests counted, kept for the next try", "err", err)
			}
			cancel()
		}
	}
}

// Requests sums the requests written to the store over the days from to to
// (YYYY-MM-DD, both included) by portal: each portal's counts by family
// and status class. The counts of the last DefaultFlushEvery may be
// missing: they are still in the servers' memory.
func (c *RequestCounter) Requests(ctx context.Context, from, to string) (map[string]*RequestTotals, error) {
	rows, err := c.store.SumPortalRequests(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := map[string]*RequestTotals{}
	for _, r := range rows {
		t := out[r.PortalID]
		if t == nil {
			t = &RequestTotals{}
			out[r.PortalID] = t
		}
		t.Counts[r.Family][r.Status] += r.Count
	}
	return out, nil
}

// RequestTotals are a portal's requests by family and status class.
type RequestTotals struct {
	Counts [domain.NumRequestFamilies][domain.NumStatusClasses]int64
}

// Total is the number of requests.
func (t *RequestTotals) Total() int64 {
	var n int64
	for f := range t.Counts {
		n += t.Family(domain.RequestFamily(f))
	}
	return n
}

// Family is the number of requests to the family's endpoints.
func (t *RequestTotals) Family(f domain.RequestFamily) int64 {
	var n int64
	for _, v := range t.Counts[f] {
		n += v
	}
	return n
}

// Class is the number of requests answered with a status of the class.
func (t *RequestTotals) Class(s domain.StatusClass) int64 {
	var n int64
	for f := range t.Counts {
		n += t.Counts[f][s]
	}
	return n
}
