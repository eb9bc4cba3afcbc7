package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// benchLimits keeps the rate limiter in the measured path (one client
// address sends every request) without ever refusing one.
var benchLimits = withRateLimits(httpapi.PublicRateLimits{Read: httpapi.RateLimit{Rate: 1e9, Burst: 1e9}})

// BenchmarkPublicRead compares a public read through the whole stack
// (middleware, service, SQLite, DTOs, ETag) with a bare Echo handler that
// returns the same bytes: the ratio of the two ns/op is the overhead.
func BenchmarkPublicRead(b *testing.B) {
	s := storetest.New(b, store.SQLite)
	fixture(b, s)
	e := newEnv(b, s, false, benchLimits)
	for _, url := range []string{
		"/api/v1/public/contact-points?pivot=caf&commune=83137",
		"/api/v1/public/communes?q=tou",
	} {
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		body := rec.Body.Bytes()
		bare := echo.New()
		bare.GET("/*", func(c echo.Context) error { return c.JSONBlob(http.StatusOK, body) })

		b.Run("aiguillage"+url, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, url, nil)
			for b.Loop() {
				e.handler.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
		b.Run("bare-echo"+url, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, url, nil)
			for b.Loop() {
				bare.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}

// BenchmarkPublicReadHTTP does the same over real loopback connections with
// 100 concurrent clients, as the DESIGN target is stated: compare the ns/op
// of the two sub-benchmarks (throughput ratio = bare / aiguillage).
func BenchmarkPublicReadHTTP(b *testing.B) {
	s := storetest.New(b, store.SQLite)
	fixture(b, s)
	e := newEnv(b, s, false, benchLimits)
	const url = "/api/v1/public/contact-points?pivot=caf&commune=83137"
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	body := rec.Body.Bytes()
	bare := echo.New()
	bare.GET("/*", func(c echo.Context) error { return c.JSONBlob(http.StatusOK, body) })
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{{"aiguillage", e.handler}, {"bare-echo", bare}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100, MaxConnsPerHost: 100}}
			b.SetParallelism(50) // × GOMAXPROCS (2 here) = 100 clients
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					res, err := client.Get(srv.URL + url)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			})
		})
	}
}
