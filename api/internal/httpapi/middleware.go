package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(i); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Corps JSON invalide : "+err.Error()).SetInternal(err)
	}
	return nil
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
// generation is the one it was made at (any local write of public data
// drops every entry) and for at most cacheTTL (writes by other replicas).
type responseCache struct {
	lru        *expirable.LRU[string, *cachedResponse]
	generation func() uint64
}

type cachedResponse struct {
	generation  uint64
	contentType string
	etag        string
	body        []byte
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

// cacheable serves successful GET answers from the cache, sets a strong ETag
// and Cache-Control on them, and answers 304 Not Modified when If-None-Match
// matches.
func (rc *responseCache) cacheable(maxAge time.Duration) echo.MiddlewareFunc {
	cacheControl := "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodGet && req.Method != http.MethodHead {
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
				etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, body: bytes.Clone(bw.buf.Bytes())}
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

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		m.inFlight.Inc()
		err := next(c)
		m.inFlight.Dec()
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(c.Response().Status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return nil
	}
}

// requestLog logs one line per request, without query strings (they may hold
// what residents typed) nor client addresses.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			res := c.Response()
			level := slog.LevelInfo
			if res.Status >= 500 {
				level = slog.LevelError
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
				slog.String("method", c.Request().Method),
				slog.String("route", route),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Duration("duration", time.Since(start)),
			)
			return nil
		}
	}
}
