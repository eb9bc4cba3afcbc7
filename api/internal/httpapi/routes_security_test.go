package httpapi_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// anonymousPrefixes are the only places a route may serve without a
// session: the public API, the sessions' own endpoints, the static
// front-ends and pages, the probes and the metrics (kept off the internet
// by the reverse proxy, see deploy/).
var anonymousPrefixes = []string{
	"/api/v1/public/", "/api/v1/auth/", "/widget", "/integration", "/admin", "/stats", "/opendata", "/docs",
	"/openapi.json", "/healthz", "/readyz", "/metrics", "/agent/callback",
}

var routeParam = regexp.MustCompile(`:[a-z_]+|\*`)

// TestEveryAdminRouteRejectsAnonymous walks the routes registered on the
// server: every one under /api/v1/admin refuses a request without a valid
// access token (none, malformed, alg none, signed by a stranger's key,
// expired) with a 401 problem; every other route is on the list of
// anonymous prefixes, so a route added outside both fails here.
func TestEveryAdminRouteRejectsAnonymous(t *testing.T) {
	e := newAdminEnv(t, storetest.New(t, store.SQLite))
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	now := e.clock.Now()
	claims := jwt.MapClaims{"iss": "http://test", "aud": "http://test/api/v1/admin", "sub": e.users["platform"].ID, "platform_admin": true,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(m, c)
		tok.Header["kid"], tok.Header["typ"] = "test", "at+jwt"
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	expired := jwt.MapClaims{}
	for k, v := range claims {
		expired[k] = v
	}
	expired["iat"], expired["exp"] = now.Add(-time.Hour).Unix(), now.Add(-50*time.Minute).Unix()
	tokens := map[string]string{
		"none":               "",
		"malformed":          "Bearer not.a.token",
		"basic":              "Basic cGxhdGZvcm1AZXhlbXBsZS5mcjp4",
		"alg none":           "Bearer " + sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims),
		"stranger":           "Bearer " + sign(jwt.SigningMethodEdDSA, stranger, claims),
		"expired (stranger)": "Bearer " + sign(jwt.SigningMethodEdDSA, stranger, expired),
	}
	admin := 0
	for _, r := range httpapi.RouteList(e.handler.(*httpapi.Server)) {
		method, path := r[0], r[1]
		if method == "echo_route_not_found" || method == http.MethodOptions {
			continue
		}
		if !strings.HasPrefix(path, "/api/v1/admin") {
			ok := path == "/" || path == "/api"
			for _, p := range anonymousPrefixes {
				ok = ok || strings.HasPrefix(path, p)
			}
			if !ok {
				t.Errorf("%s %s is neither an admin route nor on the list of anonymous prefixes", method, path)
			}
			continue
		}
		admin++
		url := routeParam.ReplaceAllStringFunc(path, func(p string) string {
			if p == ":org" {
				return "partenaire-a"
			}
			return "00000000-0000-0000-0000-000000000001"
		})
		for name, auth := range tokens {
			headers := []string{"Content-Type", "application/json"}
			if auth != "" {
				headers = append(headers, "Authorization", auth)
			}
			rec := e.send(method, url, "", `{}`, headers...)
			if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s with %s token: %d %s", method, path, name, rec.Code, rec.Body)
			}
		}
	}
	if admin < 40 {
		t.Fatalf("only %d admin routes found", admin)
	}
}
