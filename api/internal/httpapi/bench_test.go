package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// BenchmarkPublicRead compares a public read through the whole stack
// (middleware, service, SQLite, DTOs, ETag) with a bare Echo handler that
// returns the same bytes: the ratio of the two ns/op is the overhead.
func BenchmarkPublicRead(b *testing.B) {
	s := storetest.New(b, store.SQLite)
	fixture(b, s)
	e := newEnv(b, s, false)
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
