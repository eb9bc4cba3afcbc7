package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// jsonSerializer writes JSON without HTML escaping (French text with "<" or
// "&" stays readable) and decodes strictly: unknown fields are errors.
type jsonSerializer struct{}

func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	enc := json.NewEncoder(c.Response())
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(i)
}

func (jsonSerializer) Deserialize(c echo.Context, i any) error {
	// The body limit bounds what is read here (a body past it is a 413,
	// also when it comes chunked, without Content-Length).
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		return echo.NewHTTPError(http.StatusBadRequest, "Lecture du corps de la requête impossible.").SetInternal(err)
	}
	// encoding/json would silently turn invalid bytes into U+FFFD.
	if !utf8.Valid(body) {
		return echo.NewHTTPError(http.StatusBadRequest, "Corps JSON invalide : le texte n'est pas encodé en UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(i); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Corps JSON invalide : "+err.Error()).SetInternal(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return echo.NewHTTPError(http.StatusBadRequest, "Corps JSON invalide : contenu après la fin du document.")
	}
	return nil
}

// jsonBinder binds request bodies as JSON only. Echo's default binder
// also reads XML and forms (a form posted from another site would reach
// the handlers): any other Content-Type is refused with 415.
type jsonBinder struct{}

func (jsonBinder) Bind(i any, c echo.Context) error {
	req := c.Request()
	if req.ContentLength == 0 {
		return nil
	}
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
		return echo.ErrUnsupportedMediaType
	}
	return c.Echo().JSONSerializer.Deserialize(c, i)
}

// bufferedWriter holds a response so its ETag can be computed.
type bufferedWriter struct {
	http.ResponseWriter
	buf    bytes.Buffer
	status int
}

func (w *bufferedWriter) WriteHeader(code int)        { w.status = code }
func (w *bufferedWriter) Write(b []byte) (int, error) { return w.buf.Write(b) }

// responseCache keeps the answers of public reads in memory, so a repeated
// read costs a map lookup. An entry is served only while the store's
// generation is the one it was made at: any write of public data drops
// every entry, at once for a write through this server, and within
// milliseconds for a write through another replica on the same PostgreSQL
// (its announcement moves the generation on: store.Listener). cacheTTL
// bounds an entry's life should announcements be lost.
type responseCache struct {
	lru        *expirable.LRU[string, *cachedResponse]
	generation func() uint64
}

type cachedResponse struct {
	generation  uint64
	contentType string
	// contentLanguage is the answer's Content-Language, if any (the
	// language is in the URL's query: one entry per language).
	contentLanguage string
	etag            string
	body            []byte
}

const (
	cacheEntries  = 4096
	cacheTTL      = 30 * time.Second
	cacheMaxBytes = 256 << 10
)

// newResponseCache returns a cache; with a nil generation it never stores.
func newResponseCache(generation func() uint64) *responseCache {
	return &responseCache{lru: expirable.NewLRU[string, *cachedResponse](cacheEntries, nil, cacheTTL), generation: generation}
}

// Cache lifetimes of public answers for browsers and CDNs (Cache-Control).
// The origin itself is fresh within a second of a write; a CDN or browser
// may serve an answer up to max-age old, then revalidates it with the
// ETag (a 304 costs the origin a map lookup), serving the stale copy
// meanwhile for up to stale-while-revalidate more.
const (
	// Partners' data: configuration, journeys, themes, contact points.
	dataMaxAge, dataStale = time.Minute, time.Minute
	// Reference data embedded in the binary (communes, kinds of office):
	// changes with a release only.
	referenceMaxAge, referenceStale = 24 * time.Hour, 7 * 24 * time.Hour
)

// cacheControl is the Cache-Control of a public answer. stale-if-error
// lets a CDN keep answering for a day while the origin is down.
func cacheControl(maxAge, stale time.Duration) string {
	v := "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
	if stale > 0 {
		v += ", stale-while-revalidate=" + strconv.Itoa(int(stale.Seconds())) + ", stale-if-error=86400"
	}
	return v
}

// cacheable serves successful GET answers from the cache, sets a strong ETag
// and Cache-Control on them, and answers 304 Not Modified when If-None-Match
// matches. The ETag is a digest of the bytes, so every replica gives the
// same answer the same ETag, and a CDN or browser revalidates against any.
func (rc *responseCache) cacheable(maxAge, stale time.Duration) echo.MiddlewareFunc {
	cacheControl := cacheControl(maxAge, stale)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodGet && req.Method != http.MethodHead {
				return next(c)
			}
			if agentModeRequest(req) {
				// Agent-mode answers are private (visibility.go): neither
				// read from nor written to the cache, no ETag.
				return next(c)
			}
			key := req.URL.Path + "?" + req.URL.RawQuery
			if rc.generation != nil {
				if hit, ok := rc.lru.Get(key); ok && hit.generation == rc.generation() {
					return writeCached(c, hit, cacheControl)
				}
			}
			var gen uint64
			if rc.generation != nil {
				gen = rc.generation() // before the read: a write during it makes the entry stale
			}
			res := c.Response()
			orig := res.Writer
			bw := &bufferedWriter{ResponseWriter: orig, status: http.StatusOK}
			res.Writer = bw
			err := next(c)
			res.Writer = orig
			if err != nil {
				// Nothing was written by a failing handler: let the error
				// handler answer on the real writer.
				res.Committed = false
				return err
			}
			if bw.status != http.StatusOK {
				res.Header().Set(echo.HeaderContentLength, strconv.Itoa(bw.buf.Len()))
				orig.WriteHeader(bw.status)
				_, werr := orig.Write(bw.buf.Bytes())
				return werr
			}
			sum := sha256.Sum256(bw.buf.Bytes())
			entry := &cachedResponse{generation: gen, contentType: res.Header().Get(echo.HeaderContentType),
				contentLanguage: res.Header().Get(headerContentLanguage),
				etag:            `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, body: bytes.Clone(bw.buf.Bytes())}
			if rc.generation != nil && len(entry.body) <= cacheMaxBytes {
				rc.lru.Add(key, entry)
			}
			res.Committed, res.Size = false, 0
			return writeCached(c, entry, cacheControl)
		}
	}
}

func writeCached(c echo.Context, e *cachedResponse, cacheControl string) error {
	res := c.Response()
	h := res.Header()
	h.Set("ETag", e.etag)
	h.Set(echo.HeaderCacheControl, cacheControl)
	if e.contentLanguage != "" {
		h.Set(headerContentLanguage, e.contentLanguage)
	}
	if publicCORSPath(c.Request().URL.Path) {
		sameForEveryOrigin(h)
	}
	if etagMatch(c.Request().Header.Get("If-None-Match"), e.etag) {
		h.Del(echo.HeaderContentType)
		h.Del(echo.HeaderContentLength)
		res.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set(echo.HeaderContentType, e.contentType)
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(e.body)))
	res.WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := res.Write(e.body)
	return err
}

// sameForEveryOrigin makes a public answer's CORS headers independent of
// the request's Origin: "Access-Control-Allow-Origin: *" always, and no
// "Vary: Origin", so a CDN keeps one copy for every site embedding the
// widget (and for requests without Origin) instead of one per site. No
// public answer depends on another request header.
func sameForEveryOrigin(h http.Header) {
	h.Set(echo.HeaderAccessControlAllowOrigin, "*")
	h.Set(echo.HeaderAccessControlExposeHeaders, publicExposedHeaders)
	var vary []string
	for _, v := range h.Values(echo.HeaderVary) {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" && !strings.EqualFold(part, echo.HeaderOrigin) {
				vary = append(vary, part)
			}
		}
	}
	h.Del(echo.HeaderVary)
	if len(vary) > 0 {
		h.Set(echo.HeaderVary, strings.Join(vary, ", "))
	}
}

func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}

// metrics counts requests and their durations by route template.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	// series caches the counter and histogram of each (method, route,
	// status): looking them up by label values hashes on every request.
	series sync.Map // seriesKey → *routeSeries
}

type seriesKey struct {
	method, route string
	status        int
}

type routeSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func (m *metrics) of(k seriesKey) *routeSeries {
	if v, ok := m.series.Load(k); ok {
		return v.(*routeSeries)
	}
	v, _ := m.series.LoadOrStore(k, &routeSeries{
		requests: m.requests.WithLabelValues(k.method, k.route, strconv.Itoa(k.status)),
		duration: m.duration.WithLabelValues(k.method, k.route),
	})
	return v.(*routeSeries)
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aiguillage_http_requests_total", Help: "HTTP requests by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aiguillage_http_request_duration_seconds", Help: "HTTP request duration by method and route template.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aiguillage_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

// observe logs each request and counts it in the metrics (one middleware
// for both: one clock, one route lookup). Successful reads of the public
// API and of the static files (GET or HEAD answered below 400) are logged
// at debug level: at national scale they are the bulk of the traffic,
// counted by the metrics; every write, admin call and error stays at info
// (5xx at error).
func observe(log *slog.Logger, m *metrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			m.inFlight.Inc()
			err := next(c)
			m.inFlight.Dec()
			if err != nil {
				c.Error(err)
			}
			req, res := c.Request(), c.Response()
			took := time.Since(start)
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			sr := m.of(seriesKey{method: req.Method, route: route, status: res.Status})
			sr.requests.Inc()
			sr.duration.Observe(took.Seconds())
			level := slog.LevelInfo
			switch {
			case res.Status >= 500:
				level = slog.LevelError
			case res.Status < 400 && (req.Method == http.MethodGet || req.Method == http.MethodHead) && !strings.HasPrefix(req.URL.Path, "/api/v1/admin"):
				level = slog.LevelDebug
			}
			if !log.Enabled(req.Context(), level) {
				return nil
			}
			log.LogAttrs(req.Context(), level, "request",
				slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
				slog.String("method", req.Method),
				slog.String("route", route),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Duration("duration", took),
			)
			return nil
		}
	}
}
