package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/aiguillage/aiguillage/api/internal/app"
)

// TestServeWithProConnect starts `serve` configured for a local OpenID
// Connect provider, as an operator would: the providers endpoint says it is
// on, and the start redirects to the provider with PKCE; a half
// configuration stops the server at start.
func TestServeWithProConnect(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "aiguillage.db")
	ctx := context.Background()
	run(t, ctx, dbURL, "migrate")
	env := func(extra map[string]string) func(string) string { return withEnv(getenv(dbURL), extra) }
	settings := map[string]string{"AIGUILLAGE_PROCONNECT_ISSUER": m.Issuer(), "AIGUILLAGE_PROCONNECT_CLIENT_ID": m.ClientID,
		"AIGUILLAGE_PROCONNECT_CLIENT_SECRET": m.ClientSecret, "AIGUILLAGE_PROCONNECT_SCOPES": "openid email"}

	var out syncBuffer
	err = app.Run(ctx, []string{"aiguillage", "serve"}, env(map[string]string{"AIGUILLAGE_PROCONNECT_CLIENT_ID": m.ClientID}), &out)
	if err == nil || !strings.Contains(err.Error(), "ProConnect is half configured") {
		t.Fatalf("half configuration: %v", err)
	}

	srv := startServer(t, env(settings))
	base := srv.base
	var providers struct{ ProConnect bool }
	getJSON(t, base+"/api/v1/auth/providers", &providers)
	if !providers.ProConnect {
		t.Fatal("ProConnect off")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(base + "/api/v1/auth/proconnect/start")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	q := loc.Query()
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), m.AuthorizationEndpoint()) ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		q.Get("redirect_uri") != "http://localhost:8080/api/v1/auth/proconnect/callback" || q.Get("client_id") != m.ClientID {
		t.Fatalf("start: %d %s %s", res.StatusCode, loc, body)
	}
	if len(res.Cookies()) != 1 || !res.Cookies()[0].HttpOnly {
		t.Fatalf("cookies %v", res.Cookies())
	}
	if strings.Contains(srv.log.String(), m.ClientSecret) {
		t.Fatal("the client secret is in the logs")
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
}
