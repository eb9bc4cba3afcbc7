package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	env := func(extra map[string]string) func(string) string {
		base := getenv(dbURL)
		return func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return base(k)
		}
	}
	settings := map[string]string{"AIGUILLAGE_PROCONNECT_ISSUER": m.Issuer(), "AIGUILLAGE_PROCONNECT_CLIENT_ID": m.ClientID,
		"AIGUILLAGE_PROCONNECT_CLIENT_SECRET": m.ClientSecret, "AIGUILLAGE_PROCONNECT_SCOPES": "openid email"}

	var out syncBuffer
	err = app.Run(ctx, []string{"aiguillage", "serve"}, env(map[string]string{"AIGUILLAGE_PROCONNECT_CLIENT_ID": m.ClientID}), &out)
	if err == nil || !strings.Contains(err.Error(), "ProConnect is half configured") {
		t.Fatalf("half configuration: %v", err)
	}

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	out = syncBuffer{}
	go func() { done <- app.Run(sctx, []string{"aiguillage", "serve"}, env(settings), &out) }()
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, out.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("server did not start:\n%s", out.String())
	}
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
	if strings.Contains(out.String(), m.ClientSecret) {
		t.Fatal("the client secret is in the logs")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
