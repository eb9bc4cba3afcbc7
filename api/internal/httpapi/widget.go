package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// widgetAssets serves the built <orientation-widget> (widget/dist) and its
// pages (widget/pages): /widget.js, its content-hashed chunks, the demo page
// at / and the integration guide at /integration.
type widgetAssets struct {
	files map[string]asset
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

// pagesCSP is the policy of the widget's pages; the widget itself needs
// neither inline scripts nor eval (its browser tests check it on a page with
// a strict policy).
const pagesCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// newWidgetAssets reads every file of the widget once. fsys holds dist/ and
// pages/; nil serves nothing.
func newWidgetAssets(fsys fs.FS) (*widgetAssets, error) {
	w := &widgetAssets{files: map[string]asset{}}
	if fsys == nil {
		return w, nil
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		if strings.HasPrefix(ct, "text/javascript") {
			ct = "text/javascript; charset=utf-8"
		}
		w.files[p] = asset{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	return w, err
}

// serve answers with a file: immutable when its name is content-hashed,
// revalidated after a few minutes otherwise (widget.js keeps its URL).
func (w *widgetAssets) serve(name string, immutable bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, ok := w.files[name]
		if !ok {
			return echo.ErrNotFound
		}
		h := c.Response().Header()
		h.Set("ETag", a.etag)
		switch {
		case immutable:
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		case h.Get("Cache-Control") == "":
			h.Set("Cache-Control", "public, max-age=300")
		}
		if strings.HasPrefix(a.contentType, "text/html") {
			// The demo and integration pages: their own scripts and inline
			// styles, the API of this origin, nothing else.
			h.Set("Content-Security-Policy", pagesCSP)
		}
		if strings.HasPrefix(a.contentType, "text/javascript") {
			// Partners' pages load the script and its chunks from another
			// origin; module chunks are fetched in CORS mode.
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		}
		h.Set("Content-Type", a.contentType)
		// ServeContent answers If-None-Match with 304 from the ETag set above.
		http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(a.body))
		return nil
	}
}

// chunk serves a lazily loaded, content-hashed part of the widget.
func (w *widgetAssets) chunk(c echo.Context) error {
	name := c.Param("name")
	if strings.Contains(name, "/") || strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	return w.serve("dist/chunks/"+name, true)(c)
}

// has reports whether the widget was built into the binary.
func (w *widgetAssets) has(name string) bool {
	_, ok := w.files[name]
	return ok
}
