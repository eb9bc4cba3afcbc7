package httpapi

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// adminAppCSP is the policy of the back office: its own scripts, styles,
// fonts and images, the API of this origin, never framed.
const adminAppCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data: blob:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// adminApp serves the référents' single-page app (admin-spa/dist) under
// /admin/: its content-hashed assets as immutable, any other path the app's
// index.html (client-side routes), revalidated.
func (w *widgetAssets) adminApp(c echo.Context) error {
	p := strings.TrimPrefix(c.Param("*"), "/")
	h := c.Response().Header()
	h.Set("Content-Security-Policy", adminAppCSP)
	if strings.Contains(p, "..") {
		return echo.ErrNotFound
	}
	if p != "" && w.has("dist/"+p) {
		return w.serve("dist/"+p, strings.HasPrefix(p, "assets/"))(c)
	}
	if strings.HasPrefix(p, "assets/") || !w.has("dist/index.html") {
		return echo.ErrNotFound // a missing asset is not a route of the app
	}
	h.Set("Cache-Control", "no-cache")
	return w.serve("dist/index.html", false)(c)
}
