package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/aiguillage/aiguillage/admin-spa"
	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/config"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/impact"
	"github.com/aiguillage/aiguillage/api/internal/opendata"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/widget"
)

// Server is the HTTP handler `serve` runs, with the background work it
// needs: the search index refresher and the usage events writer and
// maintenance. The load benchmark builds it the same way.
type Server struct {
	Handler http.Handler
	Impact  *impact.Service
	Search  *search.Service

	draining        *atomic.Bool
	portalRequests  *portalRequests
	stopMaintenance context.CancelFunc
	maintained      chan struct{}
	closeOnce       sync.Once
	closeErr        error
}

// ServerOption changes what NewServer starts.
type ServerOption func(*serverOptions)

type serverOptions struct{ noMaintenance bool }

// WithoutMaintenance does not start the usage maintenance (roll-up of the
// closed days, purge): for the load benchmark, whose generated history
// would otherwise be rolled up while it measures.
func WithoutMaintenance() ServerOption { return func(o *serverOptions) { o.noMaintenance = true } }

// NewServer builds the application over a migrated store, as `serve` does,
// and starts its background work (until ctx ends or Close).
func NewServer(ctx context.Context, cfg *config.Config, log *slog.Logger, s *store.Store, ref *geo.Reference, opts ...ServerOption) (*Server, error) {
	var o serverOptions
	for _, opt := range opts {
		opt(&o)
	}
	reg := prometheus.NewRegistry()
	draining := new(atomic.Bool)
	sqlDB, err := s.SQLDB()
	if err != nil {
		return nil, err
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(sqlDB, string(s.Dialect())),
	)
	svc, err := newServices(cfg, log, s, ref)
	if err != nil {
		return nil, err
	}
	acc, adm, knownPivot := svc.acc, svc.adm, svc.knownPivot
	if cfg.JWTKeys == "" {
		log.Warn("AIGUILLAGE_JWT_KEYS is empty: access tokens are signed with an ephemeral key (one server only; sessions are refreshed after a restart)")
	}
	dir := directory.New(s, ref, knownPivot)
	finder, err := newSearch(ctx, log, s, dir)
	if err != nil {
		return nil, err
	}
	go finder.Run(ctx)
	// Requests made with the portals' keys: counted in memory, written
	// every 30 s and at Close.
	requests := startPortalRequests(ctx, log, s)
	// Feedback and usage events: a background writer drains the events
	// buffer (see Close); the maintenance rolls closed days up and purges
	// what the retention period has passed.
	imp := impact.New(impact.Options{Store: s, Admin: adm, Logger: log, Now: time.Now, BufferSize: cfg.EventsBuffer,
		Cutoff: cfg.EventsRetention.Cutoff, Generation: s.Generation, Registerer: reg})
	h, err := httpapi.New(httpapi.Deps{
		Search: finder, Impact: imp,
		Logger: log, Directory: dir, Communes: ref, Readiness: readiness{s: s, draining: draining},
		Accounts: acc, Admin: adm, Journeys: orientation.New(s, dir, adm, ref, knownPivot, time.Now), Previews: svc.previews, AdminOrigins: cfg.AdminOrigins, Now: time.Now, Generation: s.Generation,
		Registry: reg, Gatherer: reg, BodyLimit: cfg.BodyLimit, PublicURL: cfg.PublicURL, AdminURL: cfg.AdminURL, Version: Version,
		DemoAccounts: shownDemoAccounts(cfg.DemoMode),
		PublicRateLimits: &httpapi.PublicRateLimits{
			Read:   httpapi.RateLimit{Rate: cfg.PublicReadLimit.PerSecond, Burst: cfg.PublicReadLimit.Burst},
			Write:  httpapi.RateLimit{Rate: cfg.PublicWriteLimit.PerSecond, Burst: cfg.PublicWriteLimit.Burst},
			Events: httpapi.RateLimit{Rate: cfg.PublicEventsLimit.PerSecond, Burst: cfg.PublicEventsLimit.Burst},
		},
		TrustedProxies: cfg.TrustedProxies,
		Portals:        portals.New(s, time.Now, log),
		PortalRequests: requests.counter,
		ProConnect:     svc.proconnect,
		OpenData:       opendata.New(opendata.Options{Store: s, Auth: adm, Communes: ref, PublicURL: cfg.PublicURL, Revision: Version}),
		Widget:         widget.FS(),
		AdminApp:       adminspa.FS(),
	})
	if err != nil {
		_ = imp.Close(context.WithoutCancel(ctx))
		_ = requests.close(context.WithoutCancel(ctx))
		return nil, err
	}
	mctx, stop := context.WithCancel(ctx)
	srv := &Server{Handler: h, Impact: imp, Search: finder, draining: draining, stopMaintenance: stop, maintained: make(chan struct{})}
	srv.portalRequests = requests
	go func() {
		defer close(srv.maintained)
		if !o.noMaintenance {
			imp.RunMaintenance(mctx, impact.DefaultMaintenanceEvery)
		}
	}()
	return srv, nil
}

// Drain marks the server as shutting down: /readyz answers 503 from now
// on, so that load balancers stop routing to it, while requests are still
// served.
func (srv *Server) Drain() { srv.draining.Store(true) }

// Close writes every accepted usage event (within ctx) and stops the
// maintenance. Requests must be over. Calling it again returns the first
// result.
func (srv *Server) Close(ctx context.Context) error {
	srv.closeOnce.Do(func() {
		srv.closeErr = srv.Impact.Close(ctx)
		// The requests counted with the portals' keys (app/portal_requests.go).
		srv.closeErr = errors.Join(srv.closeErr, srv.portalRequests.close(ctx))
		srv.stopMaintenance()
		<-srv.maintained
	})
	return srv.closeErr
}

// LoadDemo loads the national commons and the demo partners and publishes
// the demo journeys, as `aiguillage demo` does (without the demo accounts).
func LoadDemo(ctx context.Context, cfg *config.Config, log *slog.Logger, s *store.Store, ref *geo.Reference) error {
	if _, err := commons.LoadDemo(ctx, s, ref, log); err != nil {
		return err
	}
	_, err := seedJourneys(ctx, s, ref, cfg, log)
	return err
}
