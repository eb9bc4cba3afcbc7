// Package httpapi is the HTTP layer, and the only package that imports Echo.
//
//	@title						Aiguillage API
//	@version					1.0
//	@description				Tells a resident of France which administration and which service to contact for their problem, and how. Public endpoints need no authentication, allow any origin (CORS) and are cacheable (ETag, Cache-Control). They are rate-limited per client address; a third-party portal given an API key by the platform admins sends it in the X-API-Key header to get raised limits, counted per portal, and its usage attributed to it in the statistics. A malformed, unknown or revoked key is refused with 401 (never served as anonymous): drop the header to call anonymously. Errors are RFC 9457 problem+json with a French title.
//	@license.name				AGPL-3.0-or-later
//	@license.url				https://www.gnu.org/licenses/agpl-3.0.html
//	@BasePath					/
//	@tag.name					public
//	@tag.description			Public read API for the widget and third-party portals.
//	@tag.name					auth
//	@tag.description			Référents' sessions: login, refresh, logout, invitations.
//	@tag.name					admin
//	@tag.description			Back office, scoped to the organisations of the authenticated référent.
//	@tag.name					journeys
//	@tag.description			Orientation journeys: drafts, validation, publication, history, entry points.
//	@tag.name					operations
//	@tag.description			Health and readiness probes.
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by the access token returned by /api/v1/auth/login.
package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
)

// routes registers every route of the API, grouped with their middleware.
func (s *Server) routes(e *echo.Echo) {
	// The widget and its pages; without them / is the API's home page.
	getHead := []string{http.MethodGet, http.MethodHead}
	if s.widget.has("pages/index.html") {
		e.Match(getHead, "/", s.widget.serve("pages/index.html", false))
		e.GET("/api", s.ops.homePage)
	} else {
		e.GET("/", s.ops.homePage)
	}
	e.Match(getHead, "/integration", s.widget.serve("pages/embed.html", false))
	e.Match(getHead, "/widget.js", s.widget.serve("dist/widget.js", false))
	e.Match(getHead, "/widget/chunks/:name", s.widget.chunk)
	e.Match(getHead, "/widget/:name", s.widget.bundle)
	// The référents' app and its client-side routes.
	if s.adminApp.has("dist/index.html") {
		e.Match(getHead, "/admin", s.adminApp.adminApp) // also /admin/: trailing slashes are removed
		e.Match(getHead, "/admin/*", s.adminApp.adminApp)
	}
	e.GET("/healthz", s.ops.healthz)
	e.GET("/readyz", s.ops.readyz)
	e.GET("/metrics", echo.WrapHandler(s.metricsHandler))
	e.GET("/openapi.json", with(s.ops.openapiJSON, s.cache.cacheable(5*time.Minute, time.Hour)))
	// echo-swagger would send /docs/ to /docs//index.html.
	toDocs := func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/docs/index.html") }
	e.GET("/docs", toDocs)
	e.GET("/docs/", toDocs)
	e.GET("/docs/*", echoSwagger.EchoWrapHandler(echoSwagger.URL("/openapi.json"), echoSwagger.DocExpansion("list")))

	// Public routes: no authentication, any origin (CORS is applied to this
	// prefix by publicCORS in server.go, so preflights and errors get it too).
	// Those that embed contact points also answer a signed-in agent in
	// agent mode (s.agents.mode, visibility.go): privately, never cached.
	const public = "/api/v1/public"
	e.GET(public+"/communes", with(s.public.searchCommunes, s.cache.cacheable(referenceMaxAge, referenceStale)))
	e.GET(public+"/organisations", with(s.journeys.publicPartners, s.cache.cacheable(dataMaxAge, dataStale)))
	e.GET(public+"/organisations/:slug", with(s.public.getOrganisation, s.cache.cacheable(dataMaxAge, dataStale)))
	e.GET(public+"/contact-points", with(s.public.listContactPoints, s.agents.mode, s.cache.cacheable(dataMaxAge, dataStale)))
	e.GET(public+"/contact-points/:id", with(s.public.getContactPoint, s.agents.mode, s.cache.cacheable(dataMaxAge, dataStale)))
	e.POST(public+"/contact-points/:id/reports", s.admin.reportContactPoint)
	if s.impact != nil {
		// Feedback and usage events (written in batches), open statistics
		// as JSON and as a page.
		e.POST(public+"/feedback", s.impact.postFeedback)
		e.POST(public+"/events", s.impact.postEvents)
		e.GET(public+"/stats", with(s.impact.nationalStats, s.statsCache.cacheable(time.Minute, time.Minute)))
		e.GET(public+"/stats/:slug", with(s.impact.partnerStats, s.statsCache.cacheable(time.Minute, time.Minute)))
		e.GET("/stats", with(s.impact.statsPage, statsPageCSP, s.statsCache.cacheable(time.Minute, time.Minute)))
		e.GET("/stats/:slug", with(s.impact.statsPage, statsPageCSP, s.statsCache.cacheable(time.Minute, time.Minute)))
	}
	e.GET(public+"/pivots", with(s.public.listPivots, s.cache.cacheable(referenceMaxAge, referenceStale)))
	e.GET(public+"/languages", with(s.public.listLanguages, s.cache.cacheable(referenceMaxAge, referenceStale)))
	e.GET(public+"/emergency", with(s.public.emergency, s.cache.cacheable(dataMaxAge, dataStale)))
	e.GET(public+"/organisations/:slug/logo", with(s.admin.publicLogo, s.cache.cacheable(dataMaxAge, dataStale)))
	e.GET(public+"/organisations/:slug/themes", with(s.public.listThemes, s.cache.cacheable(dataMaxAge, dataStale)))
	e.GET(public+"/organisations/:slug/journeys/:entry", with(s.journeys.publicJourney, s.cache.cacheable(dataMaxAge, dataStale)))
	e.GET(public+"/outcomes/:id", with(s.journeys.outcome, s.agents.mode, s.cache.cacheable(dataMaxAge, dataStale)))
	if s.journeys.previews != nil {
		// Journey drafts for the back office's preview in the widget: a
		// token in the path, never cached (the draft changes).
		e.GET(public+"/previews/:token", s.journeys.publicPreview)
		e.GET(public+"/previews/:token/outcomes/:id", with(s.journeys.previewOutcome, s.agents.mode))
	}
	// Search is not cached: each miss is recorded, and the index refreshes on its own.
	e.GET(public+"/search", with(s.search.search, s.agents.mode))

	if s.exports != nil {
		// The national commons as open data (Licence Ouverte 2.0), at stable addresses.
		e.Match(getHead, "/opendata", with(s.exports.openDataIndex, statsPageCSP, s.cache.cacheable(dataMaxAge, dataStale)))
		e.Match(getHead, "/opendata/:file", s.exports.openDataFile)
	}

	// Référents' sessions. CORS restricted to the admin origins (adminCORS).
	e.POST("/api/v1/auth/login", s.auth.login)
	e.POST("/api/v1/auth/refresh", s.auth.refresh)
	e.POST("/api/v1/auth/logout", s.auth.logout)
	e.POST("/api/v1/auth/invitations/accept", s.auth.acceptInvitation)
	e.GET("/api/v1/auth/providers", s.proconnect.providers)
	if s.proconnect.pc != nil {
		// Sign-in with ProConnect; the agent popup's landing page.
		limit := rateLimiter(s.proconnect.rateLimit())
		e.GET("/api/v1/auth/proconnect/start", with(s.proconnect.start, limit))
		e.GET("/api/v1/auth/proconnect/callback", with(s.proconnect.callback, limit))
		e.POST("/api/v1/auth/proconnect/exchange", with(s.proconnect.exchange, limit))
		e.Match(getHead, "/agent/callback", s.proconnect.agentCallback)
	}

	// Back office: bearer token; every handler goes through the admin
	// service, which scopes by organisation and checks the role.
	adm := e.Group("/api/v1/admin", s.auth.bearer)
	adm.GET("/me", s.admin.me)
	adm.POST("/readability", newReadabilityHandler().analyse)
	if s.portals != nil {
		// Third-party portals' API keys (platform admins).
		adm.GET("/portals", s.portals.list)
		adm.POST("/portals", s.portals.create)
		adm.POST("/portals/:id/revoke", s.portals.revoke)
		if s.portals.impact != nil || s.portals.requests != nil {
			adm.GET("/portals/stats", s.portals.usage)
		}
	}
	adm.GET("/organisations", s.admin.listOrganisations)
	adm.POST("/organisations", s.admin.createOrganisation)
	org := "/organisations/:org"
	adm.GET(org, s.admin.getOrganisation)
	adm.PATCH(org, s.admin.updateOrganisation)
	adm.DELETE(org, s.admin.deleteOrganisation)
	adm.PUT(org+"/logo", s.admin.uploadLogo)
	adm.GET(org+"/themes", s.admin.listThemes)
	adm.POST(org+"/themes", s.admin.createTheme)
	adm.GET(org+"/themes/:theme", s.admin.getTheme)
	adm.PATCH(org+"/themes/:theme", s.admin.updateTheme)
	adm.DELETE(org+"/themes/:theme", s.admin.deleteTheme)
	adm.GET(org+"/contact-points", s.admin.listContactPoints)
	adm.POST(org+"/contact-points", s.admin.createContactPoint)
	adm.GET(org+"/contact-points/import/template.csv", s.admin.importTemplate)
	adm.POST(org+"/contact-points/import", s.admin.importContactPoints)
	adm.GET(org+"/contact-points/:id", s.admin.getContactPoint)
	adm.PATCH(org+"/contact-points/:id", s.admin.updateContactPoint)
	adm.DELETE(org+"/contact-points/:id", s.admin.deleteContactPoint)
	adm.GET(org+"/members", s.admin.listMembers)
	adm.PATCH(org+"/members/:user", s.admin.setMemberRole)
	adm.DELETE(org+"/members/:user", s.admin.removeMember)
	adm.POST(org+"/invitations", s.admin.invite)
	adm.GET(org+"/audit", s.admin.auditLog)
	adm.GET(org+"/search-misses", s.admin.searchMisses)
	adm.GET(org+"/reports", s.admin.listReports)
	adm.POST(org+"/reports/:id/resolve", s.admin.resolveReport)
	if s.impact != nil {
		adm.GET(org+"/feedback", s.impact.listFeedback)
		adm.GET(org+"/feedback.csv", s.impact.exportFeedback)
	}
	if s.exports != nil {
		adm.GET(org+"/exports/contact-points", s.exports.contactPoints)
		adm.GET(org+"/exports/journeys", s.exports.journeys)
	}
	adm.GET(org+"/journeys", s.journeys.list)
	adm.GET(org+"/journey-reviews", s.journeys.reviews)
	adm.POST(org+"/journeys", s.journeys.create)
	jy := org + "/journeys/:journey"
	adm.GET(jy, s.journeys.get)
	adm.PUT(jy, s.journeys.save)
	adm.DELETE(jy, s.journeys.delete)
	adm.GET(jy+"/export", s.journeys.export)
	adm.PUT(jy+"/steps/:step", s.journeys.putStep)
	adm.DELETE(jy+"/steps/:step", s.journeys.deleteStep)
	adm.POST(jy+"/validate", s.journeys.validate)
	adm.POST(jy+"/publish", s.journeys.publish)
	adm.GET(jy+"/versions", s.journeys.versions)
	adm.POST(jy+"/rollback", s.journeys.rollback)
	adm.GET(jy+"/diff", s.journeys.diff)
	adm.GET(jy+"/translations", s.journeys.translations)
	adm.GET(jy+"/preview", s.journeys.preview)
	if s.journeys.previews != nil {
		adm.POST(jy+"/preview-token", s.journeys.previewToken)
	}
	adm.PUT(org+"/entry-points/:entry", s.journeys.putEntryPoint)
	adm.DELETE(org+"/entry-points/:entry", s.journeys.deleteEntryPoint)
}

// with applies route middleware to a handler once, when the route is
// registered (Echo would compose them again on every request).
func with(h echo.HandlerFunc, mw ...echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
