package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/portals"
)

// fixedKeys accepts any key as the one portal's.
type fixedKeys struct{ p *domain.Portal }

func (k fixedKeys) Authenticate(context.Context, string) (*domain.Portal, error) { return k.p, nil }

// BenchmarkPublicRateLimit measures the public rate limit middleware alone
// around an empty handler: a request without key (the widget's, the bulk
// of the traffic), and one with a portal's key, counted for the portal.
func BenchmarkPublicRateLimit(b *testing.B) {
	// The default limits, reads never refused.
	limits := DefaultPublicRateLimits()
	limits.Read = RateLimit{Rate: 1e9, Burst: 1e9}
	e := echo.New()
	counter := portals.NewRequestCounter(nil, nil, nil) // never flushed here
	keyed := newPortalRequests(counter, prometheus.NewRegistry())
	e.Use(publicRateLimit(&limits, fixedKeys{&domain.Portal{ID: "p1", KeyPrefix: "3f9a0c1e", RateMultiplier: 10}}, keyed))
	e.GET("/api/v1/public/search", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	for _, tc := range []struct {
		name, key string
	}{{"no-key", ""}, {"key", "agk_3f9a0c1e_x"}} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/public/search?q=loyer", nil)
			req.RemoteAddr = "198.51.100.7:5000"
			if tc.key != "" {
				req.Header.Set("X-API-Key", tc.key)
			}
			rec := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				e.ServeHTTP(rec, req)
			}
		})
	}
}
