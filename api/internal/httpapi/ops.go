package httpapi

import (
	"context"
	_ "embed"
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Readiness is what /readyz checks.
type Readiness interface {
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// MigrationsPending reports whether the schema is behind the binary.
	MigrationsPending(ctx context.Context) (bool, error)
}

// Draining is implemented by a Readiness whose server may be shutting
// down: /readyz then answers 503 at once, while requests are still served,
// so that load balancers stop routing to it before it closes.
type Draining interface {
	Draining() bool
}

type opsHandlers struct {
	ready Readiness
	spec  []byte
	home  *template.Template
	info  HomeInfo
}

// healthz godoc
//
//	@Summary	Liveness probe
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	Health
//	@Router		/healthz [get]
func (h *opsHandlers) healthz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, Health{Status: "ok"})
}

// readyz godoc
//
//	@Summary		Readiness probe
//	@Description	Ready when the database answers and every migration is applied.
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Health
//	@Failure		503	{object}	Health
//	@Router			/readyz [get]
//
// Once the server is shutting down (Draining), it answers 503 with the
// status "draining" (no checks).
func (h *opsHandlers) readyz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if d, ok := h.ready.(Draining); ok && d.Draining() {
		return c.JSON(http.StatusServiceUnavailable, Health{Status: "draining"})
	}
	out := Health{Status: "ok", Checks: map[string]string{"database": "ok", "migrations": "ok"}}
	if err := h.ready.Ping(ctx); err != nil {
		out.Status, out.Checks["database"], out.Checks["migrations"] = "unavailable", "unreachable", "unknown"
		return c.JSON(http.StatusServiceUnavailable, out)
	}
	pending, err := h.ready.MigrationsPending(ctx)
	switch {
	case err != nil:
		out.Status, out.Checks["migrations"] = "unavailable", "unknown"
	case pending:
		out.Status, out.Checks["migrations"] = "unavailable", "pending"
	}
	if out.Status != "ok" {
		return c.JSON(http.StatusServiceUnavailable, out)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *opsHandlers) openapiJSON(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, h.spec)
}

//go:embed static/home.html
var homeHTML string

// HomeInfo fills the home page.
type HomeInfo struct {
	PublicURL string
	Version   string
}

func (h *opsHandlers) homePage(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(http.StatusOK)
	return h.home.Execute(c.Response(), h.info)
}
