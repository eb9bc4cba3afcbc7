package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/impact"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// benchEvents is a typical batch: a page's session from load to contact,
// ten events of which the outcome lists three contact points.
const benchEvents = `{"partner":"var","entry":"logement","session":"bench-session-0123456789","events":[
{"type":"loaded"},{"type":"search","query":"j'ai plus de sous pour le loyer","results":4},
{"type":"step","journey":"logement-loyer","step":"situation"},{"type":"step","journey":"logement-loyer","step":"situation","answered":true},
{"type":"step","journey":"logement-loyer","step":"commune"},{"type":"step","journey":"logement-loyer","step":"commune","answered":true},
{"type":"outcome","journey":"logement-loyer","step":"caf","outcome":"6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b11","contact_points":["6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b12","6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b13","6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b14"]},
{"type":"contact","contact_point":"6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b12","channel":"phone"},{"type":"feedback"},{"type":"exit"}]}`

// BenchmarkEventsIngest posts batches of 10 events from parallel clients
// through the whole stack (rate limiter included, never refusing), as
// navigator.sendBeacon sends them (text/plain). ns/op is the cost of one
// request, which never waits for the database; events/s-written includes
// the background writer draining the buffer into the database once the
// posting is over.
func BenchmarkEventsIngest(b *testing.B) {
	for _, d := range storetest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.New(b, d)
			org := &domain.Organisation{Slug: "var", Name: "Var", Kind: domain.KindDepartement, EntryPoints: []domain.EntryPoint{{Slug: "logement", Name: "Logement"}}}
			if err := s.UpsertOrganisation(context.Background(), org); err != nil {
				b.Fatal(err)
			}
			svc := impact.New(impact.Options{Store: s, BufferSize: 100_000_000, Generation: s.Generation})
			reg := prometheus.NewRegistry()
			srv, err := httpapi.New(httpapi.Deps{Logger: slog.New(slog.DiscardHandler), Impact: svc, Registry: reg, Gatherer: reg, BodyLimit: 1 << 20,
				PublicRateLimits: &httpapi.PublicRateLimits{Write: httpapi.RateLimit{Rate: 1e9, Burst: 1e9}}})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodPost, "/api/v1/public/events", strings.NewReader(benchEvents))
					req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code != http.StatusAccepted {
						b.Errorf("POST events: %d %s", rec.Code, rec.Body)
						return
					}
				}
			})
			posted := time.Since(start)
			b.StopTimer()
			if err := svc.Close(context.Background()); err != nil {
				b.Fatal(err)
			}
			written := time.Since(start)
			events := float64(b.N * 10)
			b.ReportMetric(events/posted.Seconds(), "events/s-accepted")
			b.ReportMetric(events/written.Seconds(), "events/s-written")
		})
	}
}
