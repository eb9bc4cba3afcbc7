package httpapi

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// RateLimit bounds the requests of one client address: Burst at once, then
// Rate per second on average (a token bucket). A Rate of 0 turns it off.
type RateLimit struct {
	Rate  float64
	Burst int
}

// PublicRateLimits are the per-address limits of the public API. The
// counters live in memory, per server, and forget an address a few minutes
// after its last request; addresses are neither logged nor stored.
type PublicRateLimits struct {
	// Read applies to GET and HEAD requests.
	Read RateLimit
	// Write applies to the other methods: reports, feedback.
	Write RateLimit
	// Events applies to the widget's usage events (POST …/events).
	Events RateLimit
}

// DefaultPublicRateLimits are the defaults of the AIGUILLAGE_PUBLIC_*_RATE
// and _BURST settings: 20 reads per second with bursts of 60 (a widget's
// page load is a handful), and 10 writes per minute with bursts of 5.
func DefaultPublicRateLimits() PublicRateLimits {
	return PublicRateLimits{Read: RateLimit{Rate: 20, Burst: 60}, Write: RateLimit{Rate: 10.0 / 60, Burst: 5}, Events: RateLimit{Rate: 2, Burst: 60}}
}

// publicRateLimit applies the read or the write limit, by method, to the
// requests of the public API; it lets the others through. nil: the defaults.
// Usage events, sent several times per page view, have their own budget so
// they never spend the reports' and feedback's.
//
// A request with an X-API-Key header is a third-party portal's: the key
// must be valid (else 401, never a silent fall back to the anonymous
// limits), and the limits, multiplied by the portal's multiplier, count
// per portal instead of per address. No header: the per-address limits.
//
// The requests with a valid key are counted for the portal once answered
// (requests, nil: not counted): their errors are handled here, so that
// the status is known.
func publicRateLimit(limits *PublicRateLimits, keys PortalKeys, requests *portalRequests) echo.MiddlewareFunc {
	l := DefaultPublicRateLimits()
	if limits != nil {
		l = *limits
	}
	pl := &publicLimits{read: rateLimiter(l.Read), write: rateLimiter(l.Write), event: rateLimiter(l.Events),
		keys: keys, keyed: newPortalLimiters(l), requests: requests}
	// Echo applies this to the route's handler on every request: the
	// closure holds two words, and only the limiter of the request's class
	// is applied.
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return pl.serve(c, next) }
	}
}

// publicLimits are the limiters of publicRateLimit.
type publicLimits struct {
	read, write, event echo.MiddlewareFunc
	keys               PortalKeys
	keyed              *portalLimiters
	requests           *portalRequests
}

func (pl *publicLimits) serve(c echo.Context, next echo.HandlerFunc) error {
	req := c.Request()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/public/") {
		return next(c)
	}
	anonymous, kind := pl.read, classRead
	switch {
	case req.Method == http.MethodGet, req.Method == http.MethodHead, req.Method == http.MethodOptions:
	case req.URL.Path == "/api/v1/public/events":
		anonymous, kind = pl.event, classEvents
	default:
		anonymous, kind = pl.write, classWrite
	}
	// A preflight never carries the key (browsers send no custom header
	// with it): it stays anonymous.
	if values, sent := req.Header[apiKeyHeader]; sent && req.Method != http.MethodOptions {
		if pl.keys == nil {
			return invalidAPIKey(c, "Ce serveur n'accepte pas de clé d'API. Retirez l'en-tête X-API-Key.")
		}
		if len(values) != 1 {
			return invalidAPIKey(c, "Envoyez une seule clé d'API (en-tête X-API-Key).")
		}
		p, err := pl.keys.Authenticate(req.Context(), values[0])
		if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
			return invalidAPIKey(c, domain.ErrorMessage(err))
		}
		if err != nil {
			return err
		}
		c.Set(portalKey, p.ID)
		err = pl.keyed.serve(c, next, p, kind)
		if pl.requests == nil {
			return err
		}
		// Count the answer's status: the error is answered here. (A
		// panicking handler is not counted: Recover, above, answers it.)
		if err != nil {
			c.Error(err)
		}
		pl.requests.count(c, p)
		return nil
	}
	return anonymous(next)(c)
}

// serve passes a request made with p's key to next if the portal's bucket
// of that class has a token, else answers 429.
func (pl *portalLimiters) serve(c echo.Context, next echo.HandlerFunc, p *domain.Portal, kind int) error {
	if ok, retryAfter := pl.allow(p, kind); !ok {
		c.Response().Header().Set("Retry-After", retryAfter)
		wait := retryAfter + " secondes"
		if retryAfter == "1" {
			wait = "une seconde"
		}
		return echo.NewHTTPError(http.StatusTooManyRequests, "Trop de requêtes avec la clé de ce portail : réessayez dans "+wait+".")
	}
	return next(c)
}

// apiKeyHeader carries a third-party portal's API key.
const apiKeyHeader = "X-Api-Key" // canonical form of X-API-Key

// portalKey names, in the Echo context, the id of the portal whose key
// came with the request.
const portalKey = "portal"

// portalID returns the id of the portal whose key came with the request,
// or "".
func portalID(c echo.Context) string {
	id, _ := c.Get(portalKey).(string)
	return id
}

// invalidAPIKey answers 401: a key was sent that is not valid.
func invalidAPIKey(c echo.Context, detail string) error {
	return writeProblem(c, Problem{Type: problemType("invalid-api-key"), Title: "Clé d'API invalide", Status: http.StatusUnauthorized,
		Detail: detail, Instance: c.Request().URL.Path, RequestID: c.Response().Header().Get(echo.HeaderXRequestID)})
}

// The classes of public requests, each with its own limit.
const (
	classRead = iota
	classWrite
	classEvents
)

// portalLimiters are the token buckets of the portals, one per portal and
// class, created on first use. Only valid keys reach them, so they are as
// many as the portals.
type portalLimiters struct {
	base    [3]RateLimit
	mu      sync.Mutex
	buckets map[portalBucket]*rate.Limiter
}

type portalBucket struct {
	portal string
	kind   int
}

func newPortalLimiters(l PublicRateLimits) *portalLimiters {
	return &portalLimiters{base: [3]RateLimit{l.Read, l.Write, l.Events}, buckets: map[portalBucket]*rate.Limiter{}}
}

// allow takes a token from the portal's bucket of that class; if there is
// none, it returns the seconds to wait for one.
func (pl *portalLimiters) allow(p *domain.Portal, kind int) (bool, string) {
	base := pl.base[kind]
	if base.Rate <= 0 {
		return true, ""
	}
	m := float64(max(p.RateMultiplier, 1))
	r := base.Rate * m
	pl.mu.Lock()
	k := portalBucket{p.ID, kind}
	lim := pl.buckets[k]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(r), max(base.Burst, 1)*int(m))
		pl.buckets[k] = lim
	}
	pl.mu.Unlock()
	if lim.Allow() {
		return true, ""
	}
	return false, strconv.Itoa(max(1, int(math.Ceil(1/r))))
}

// rateLimiter is Echo's rate limiter over its in-memory store, keyed by
// client address (clientKey). Over the limit, it answers 429 with
// Retry-After: the time one request's worth of the bucket takes to refill.
func rateLimiter(l RateLimit) echo.MiddlewareFunc {
	if l.Rate <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	burst := max(l.Burst, 1)
	// An address forgotten early would get a full bucket back too soon:
	// keep it at least as long as its bucket takes to refill.
	expires := max(3*time.Minute, time.Duration(float64(burst)/l.Rate*float64(time.Second)))
	retryAfter := strconv.Itoa(max(1, int(math.Ceil(1/l.Rate))))
	detail := "Trop de requêtes : réessayez dans " + retryAfter + " secondes."
	if retryAfter == "1" {
		detail = "Trop de requêtes : réessayez dans une seconde."
	}
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(l.Rate), Burst: burst, ExpiresIn: expires,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return clientKey(c.RealIP()), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", retryAfter)
			return echo.NewHTTPError(http.StatusTooManyRequests, detail)
		},
	})
}

// clientKey is the rate-limiting key of a client address: the address
// itself for IPv4, its /64 network for IPv6 (one subscriber's usual
// allocation, within which addresses cost nothing to change).
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return a.String()
	}
	return p.String()
}

// clientIP finds the client's address (Echo's RealIP, used by the public
// rate limits and the login throttle). X-Forwarded-For is believed only
// from loopback, private networks and the configured trusted proxies, so
// that a client cannot choose its own address: a proxy with a public
// address (a CDN, a load balancer elsewhere) must be listed, or every
// resident behind it shares its limits.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	opts := []echo.TrustOption{echo.TrustLoopback(true), echo.TrustPrivateNet(true), echo.TrustLinkLocal(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
