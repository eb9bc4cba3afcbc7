package httpapi

import (
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/portals"
)

// routeFamilies are the families of the public routes (route templates, as
// c.Path() gives them) counted for the portals; any other route is
// FamilyOther.
var routeFamilies = map[string]domain.RequestFamily{
	"/api/v1/public/search":                              domain.FamilySearch,
	"/api/v1/public/organisations/:slug/journeys/:entry": domain.FamilyJourneys,
	"/api/v1/public/outcomes/:id":                        domain.FamilyOutcomes,
	"/api/v1/public/contact-points":                      domain.FamilyContactPoints,
	"/api/v1/public/contact-points/:id":                  domain.FamilyContactPoints,
	"/api/v1/public/contact-points/:id/reports":          domain.FamilyContactPoints,
	"/api/v1/public/communes":                            domain.FamilyCommunes,
	"/api/v1/public/organisations/:slug":                 domain.FamilyOrganisations,
	"/api/v1/public/organisations/:slug/logo":            domain.FamilyOrganisations,
	"/api/v1/public/organisations/:slug/themes":          domain.FamilyOrganisations,
	"/api/v1/public/emergency":                           domain.FamilyEmergency,
}

// routeFamily returns the family of a route template.
func routeFamily(route string) domain.RequestFamily {
	if f, ok := routeFamilies[route]; ok {
		return f
	}
	return domain.FamilyOther
}

// portalRequests counts the public requests made with a portal's key: in
// the portals' daily statistics (counter, nil: not counted) and in the
// aiguillage_portal_requests_total metric. Only the keyed path calls it:
// requests without key cost nothing more.
type portalRequests struct {
	counter *portals.RequestCounter
	metric  *prometheus.CounterVec
	// series caches the counter of each (key prefix, family).
	series sync.Map // portalSeries → prometheus.Counter
}

type portalSeries struct {
	prefix string
	family domain.RequestFamily
}

func newPortalRequests(counter *portals.RequestCounter, reg prometheus.Registerer) *portalRequests {
	pr := &portalRequests{counter: counter, metric: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aiguillage_portal_requests_total",
		Help: "Public API requests made with a third-party portal's API key, by key prefix and family of endpoints.",
	}, []string{"portal_prefix", "family"})}
	if reg != nil {
		reg.MustRegister(pr.metric)
	}
	return pr
}

// count counts a request made with p's key, once answered.
func (pr *portalRequests) count(c echo.Context, p *domain.Portal) {
	if pr == nil {
		return
	}
	f := routeFamily(c.Path())
	if pr.counter != nil {
		pr.counter.Count(p.ID, f, c.Response().Status)
	}
	k := portalSeries{p.KeyPrefix, f}
	v, ok := pr.series.Load(k)
	if !ok {
		v, _ = pr.series.LoadOrStore(k, pr.metric.WithLabelValues(p.KeyPrefix, f.String()))
	}
	v.(prometheus.Counter).Inc()
}
