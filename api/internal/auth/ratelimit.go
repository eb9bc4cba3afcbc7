package auth

import (
	"container/list"
	"sync"
	"time"
)

// The login throttling policy: a key is locked once it has this many failures
// in the window.
const (
	AccountFailureLimit = 10 // per account (normalised e-mail)
	IPFailureLimit      = 50 // per client IP (an IPv6 /64)
	FailureWindow       = 15 * time.Minute
	DefaultMaxKeys      = 100_000 // per Limiter
)

// Bounds of NewLimiter's arguments; they keep the arithmetic within int64.
const (
	maxLimit  = 10_000
	maxWindow = 24 * time.Hour
)

// Limiter counts failures per key over a sliding window and refuses a key
// that has reached its limit. It approximates the sliding window with two
// fixed windows: the count at a time e into the current window is
// curr + prev×(window−e)/window, where prev is the previous window's count,
// so failures fade out linearly instead of all at once. Each key costs two
// counters, and a key with no failure in the last two windows is forgotten.
// When more than its maximum number of keys have failures, the key whose
// last failure is the oldest is forgotten first.
//
// A Limiter is safe for concurrent use. Its zero value is not usable.
type Limiter struct {
	limit   int64
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu    sync.Mutex
	keys  map[string]*list.Element // of *bucket
	order *list.List               // of *bucket, oldest last failure first
}

type bucket struct {
	key        string
	start      time.Time // of the current window
	prev, curr int64     // failures in the previous and current windows, at most limit
	last       time.Time // of the last failure
}

// LimiterOption changes a Limiter's defaults.
type LimiterOption func(*Limiter)

// WithMaxKeys sets how many keys a Limiter remembers (DefaultMaxKeys by default).
func WithMaxKeys(n int) LimiterOption { return func(l *Limiter) { l.maxKeys = n } }

// NewLimiter returns a Limiter that refuses a key after limit failures within
// window. now is the clock (time.Now if nil). Like time.NewTicker, it panics
// on arguments out of range: limit in [1, 10 000], window in (0, 24 h],
// at least one key.
func NewLimiter(limit int, window time.Duration, now func() time.Time, opts ...LimiterOption) *Limiter {
	if now == nil {
		now = time.Now
	}
	l := &Limiter{
		limit: int64(limit), window: window, maxKeys: DefaultMaxKeys, now: now,
		keys: make(map[string]*list.Element), order: list.New(),
	}
	for _, o := range opts {
		o(l)
	}
	if limit < 1 || limit > maxLimit || window <= 0 || window > maxWindow || l.maxKeys < 1 {
		panic("auth: NewLimiter: limit, window or maximum number of keys out of range")
	}
	return l
}

// Allow reports whether key may make an attempt now; if not, retryAfter is
// how long to wait, assuming no more failures.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	l.sweep(t)
	el, found := l.keys[key]
	if !found {
		return true, 0
	}
	b := el.Value.(*bucket)
	l.roll(b, t)
	retryAfter = l.wait(b, t)
	return retryAfter == 0, retryAfter
}

// Fail records a failed attempt by key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	l.sweep(t)
	if el, found := l.keys[key]; found {
		b := el.Value.(*bucket)
		l.roll(b, t)
		b.curr = min(b.curr+1, l.limit)
		b.last = t
		l.order.MoveToBack(el)
		return
	}
	for len(l.keys) >= l.maxKeys {
		l.remove(l.order.Front())
	}
	l.keys[key] = l.order.PushBack(&bucket{key: key, start: t, curr: 1, last: t})
}

// Reset forgets key's failures, as after a successful login.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, found := l.keys[key]; found {
		l.remove(el)
	}
}

// len returns the number of keys remembered.
func (l *Limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

func (l *Limiter) remove(el *list.Element) {
	delete(l.keys, l.order.Remove(el).(*bucket).key)
}

// sweep forgets the keys whose last failure is two windows old or more:
// both their counts are zero.
func (l *Limiter) sweep(t time.Time) {
	for el := l.order.Front(); el != nil && t.Sub(el.Value.(*bucket).last) >= 2*l.window; el = l.order.Front() {
		l.remove(el)
	}
}

// roll moves b's windows forward to the one that holds t.
func (l *Limiter) roll(b *bucket, t time.Time) {
	elapsed := t.Sub(b.start)
	if elapsed < l.window {
		return
	}
	n := elapsed / l.window
	if n == 1 {
		b.prev = b.curr
	} else {
		b.prev = 0
	}
	b.curr = 0
	b.start = b.start.Add(n * l.window)
}

// wait returns 0 when b's count at t is below the limit, else the shortest
// time after which it will be. b must have been rolled to t. In nanoseconds,
// with w the window, e the time into it and L the limit, the count is below
// the limit when prev×(w−e) + curr×w < L×w.
func (l *Limiter) wait(b *bucket, t time.Time) time.Duration {
	w, lim := int64(l.window), l.limit
	e := max(0, int64(t.Sub(b.start)))
	if b.curr >= lim {
		// Locked for this window. In the next, prev' = curr and the count
		// is below the limit once curr×(w−e') < L×w.
		return time.Duration((w - e) + (w - (lim*w-1)/b.curr))
	}
	room := (lim - b.curr) * w
	if b.prev*(w-e) < room {
		return 0
	}
	// Below the limit once prev×(w−e−d) < room, within this window.
	return time.Duration(w - e - (room-1)/b.prev)
}
