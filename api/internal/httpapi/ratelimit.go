package httpapi

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
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
func publicRateLimit(limits *PublicRateLimits) echo.MiddlewareFunc {
	l := DefaultPublicRateLimits()
	if limits != nil {
		l = *limits
	}
	read, write, event := rateLimiter(l.Read), rateLimiter(l.Write), rateLimiter(l.Events)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		reads, writes, events := read(next), write(next), event(next)
		return func(c echo.Context) error {
			if !strings.HasPrefix(c.Request().URL.Path, "/api/v1/public/") {
				return next(c)
			}
			switch c.Request().Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return reads(c)
			}
			if c.Request().URL.Path == "/api/v1/public/events" {
				return events(c)
			}
			return writes(c)
		}
	}
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
