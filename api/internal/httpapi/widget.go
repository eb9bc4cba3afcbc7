package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// widgetAssets serves the built <orientation-widget> (widget/dist) and its
// pages (widget/pages): the loader /widget.js, the content-hashed bundle it
// loads (/widget/widget-HASH.js) and lazy chunks (/widget/chunks/…), the demo
// page at / and the integration guide at /integration. The admin app
// (admin-spa/dist) is served by another instance (adminapp.go).
//
// The builds write NAME.br (brotli) and NAME.gz (gzip) beside the files worth
// compressing; each file is served in the best encoding the client accepts,
// with an ETag per encoding, and the .br and .gz files are never served under
// their own names.
type widgetAssets struct {
	files map[string]*asset
}

type asset struct {
	contentType string
	identity    encoded
	br, gzip    *encoded // nil when the build wrote none
}

// encoded is one representation of an asset.
type encoded struct {
	body []byte
	etag string
}

// pagesCSP is the policy of the widget's pages; the widget itself needs
// neither inline scripts nor eval (its browser tests check it on a page with
// a strict policy).
const pagesCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Cache policies: content-hashed names never change content; other names
// (widget.js, the pages) are revalidated after a few minutes, so a release
// reaches every partner page within that time.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "public, max-age=300"
)

// newWidgetAssets reads every file once. fsys holds dist/ (and pages/ for the
// widget); nil serves nothing.
func newWidgetAssets(fsys fs.FS) (*widgetAssets, error) {
	w := &widgetAssets{files: map[string]*asset{}}
	if fsys == nil {
		return w, nil
	}
	compressed := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") {
			compressed[p] = b
			return nil
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		if strings.HasPrefix(ct, "text/javascript") {
			ct = "text/javascript; charset=utf-8"
		}
		w.files[p] = &asset{contentType: ct, identity: encoded{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// NAME.br and NAME.gz become encodings of NAME; without NAME they are
	// leftovers, never served.
	for p, b := range compressed {
		a, ok := w.files[p[:len(p)-3]]
		if !ok {
			continue
		}
		tag := strings.TrimSuffix(a.identity.etag, `"`)
		if strings.HasSuffix(p, ".br") {
			a.br = &encoded{body: b, etag: tag + `-br"`}
		} else {
			a.gzip = &encoded{body: b, etag: tag + `-gzip"`}
		}
	}
	return w, nil
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
		switch {
		case immutable:
			h.Set("Cache-Control", cacheImmutable)
		case h.Get("Cache-Control") == "":
			h.Set("Cache-Control", cacheShort)
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
		rep := &a.identity
		if a.br != nil || a.gzip != nil {
			h.Add("Vary", "Accept-Encoding")
			switch negotiateEncoding(c.Request().Header.Values("Accept-Encoding"), a.br != nil, a.gzip != nil) {
			case "br":
				rep = a.br
				h.Set("Content-Encoding", "br")
			case "gzip":
				rep = a.gzip
				h.Set("Content-Encoding", "gzip")
			}
		}
		h.Set("ETag", rep.etag)
		if rep != &a.identity {
			// ServeContent leaves Content-Length out of a whole answer once a
			// Content-Encoding is set (it expects a compressing writer); the
			// body is the stored variant, its length known. (Byte ranges
			// are of the encoded body, as HTTP defines them, and sized by
			// ServeContent.)
			h.Set("Content-Length", strconv.Itoa(len(rep.body)))
		}
		// ServeContent answers If-None-Match with 304 from the ETag set
		// above (dropping Content-Length and Content-Encoding), HEAD without
		// a body, and sets Content-Length of the identity body.
		http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(rep.body))
		return nil
	}
}

// negotiateEncoding picks the content coding for an Accept-Encoding header
// (RFC 9110, 12.5.3): the acceptable coding with the highest weight, brotli
// before gzip before identity when weights tie; "" is identity. A coding the
// header does not name takes the weight of "*", if any (none: not
// acceptable, except identity); q=0 refuses. When identity is refused too
// and nothing else is acceptable, identity is sent all the same (RFC 9110
// allows it rather than a 406).
func negotiateEncoding(header []string, haveBr, haveGzip bool) string {
	q := map[string]float64{}
	for _, line := range header {
		for _, part := range strings.Split(line, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			if name == "x-gzip" {
				name = "gzip"
			}
			weight := 1.0
			for _, p := range strings.Split(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
					continue
				}
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a malformed weight is not a reason to send what may not be read
				}
				weight = f
			}
			if old, seen := q[name]; !seen || weight > old {
				q[name] = weight
			}
		}
	}
	weight := func(name string) float64 {
		if v, ok := q[name]; ok {
			return v
		}
		if v, ok := q["*"]; ok {
			return v
		}
		if name == "identity" {
			return 0.001 // acceptable unless refused (RFC 9110)
		}
		return 0
	}
	best, bestQ := "", weight("identity")
	if haveGzip && weight("gzip") > 0 && weight("gzip") >= bestQ {
		best, bestQ = "gzip", weight("gzip")
	}
	if haveBr && weight("br") > 0 && weight("br") >= bestQ {
		best = "br"
	}
	return best
}

// chunk serves a lazily loaded, content-hashed part of the widget.
func (w *widgetAssets) chunk(c echo.Context) error {
	name := c.Param("name")
	if strings.Contains(name, "/") || strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	return w.serve("dist/chunks/"+name, true)(c)
}

// bundle serves the content-hashed main bundle of the widget
// (/widget/widget-HASH.js), which the loader /widget.js adds to the page.
func (w *widgetAssets) bundle(c echo.Context) error {
	name := c.Param("name")
	if !strings.HasPrefix(name, "widget-") || strings.Contains(name, "/") || strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	return w.serve("dist/"+name, true)(c)
}

// has reports whether the widget was built into the binary.
func (w *widgetAssets) has(name string) bool {
	_, ok := w.files[name]
	return ok
}
