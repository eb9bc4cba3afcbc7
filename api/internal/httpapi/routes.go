// Package httpapi is the HTTP layer, and the only package that imports Echo.
//
//	@title						Aiguillage API
//	@version					1.0
//	@description				Tells a resident of France which administration and which service to contact for their problem, and how. Public endpoints need no authentication, allow any origin (CORS) and are cacheable (ETag, Cache-Control). Errors are RFC 9457 problem+json with a French title.
//	@license.name				AGPL-3.0-or-later
//	@license.url				https://www.gnu.org/licenses/agpl-3.0.html
//	@BasePath					/
//	@tag.name					public
//	@tag.description			Public read API for the widget and third-party portals.
//	@tag.name					operations
//	@tag.description			Health and readiness probes.
package httpapi

import (
	"time"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
)

// routes registers every route of the API, grouped with their middleware.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/", s.ops.homePage)
	e.GET("/healthz", s.ops.healthz)
	e.GET("/readyz", s.ops.readyz)
	e.GET("/metrics", echo.WrapHandler(s.metricsHandler))
	e.GET("/openapi.json", s.ops.openapiJSON, cacheable(5*time.Minute))
	e.GET("/docs", func(c echo.Context) error { return c.Redirect(301, "/docs/") })
	e.GET("/docs/*", echoSwagger.EchoWrapHandler(echoSwagger.URL("/openapi.json"), echoSwagger.DocExpansion("list")))

	// Public routes: no authentication, any origin (CORS is applied to this
	// prefix by publicCORS in server.go, so preflights and errors get it too).
	const public = "/api/v1/public"
	e.GET(public+"/communes", s.public.searchCommunes, cacheable(24*time.Hour))
	e.GET(public+"/organisations/:slug", s.public.getOrganisation, cacheable(5*time.Minute))
	e.GET(public+"/contact-points", s.public.listContactPoints, cacheable(5*time.Minute))
	e.GET(public+"/contact-points/:id", s.public.getContactPoint, cacheable(5*time.Minute))
	e.GET(public+"/emergency", s.public.emergency, cacheable(5*time.Minute))
}
