package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/oauth2"

	"github.com/aiguillage/aiguillage/api/internal/accounts"
	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/proconnect"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// agentUser is a ProConnect agent as the local provider describes it: the
// address only in userinfo (as ProConnect does), email_verified given or
// absent.
type agentUser struct {
	sub, email string
	verified   *bool
}

func (a agentUser) ID() string { return a.sub }

func (a agentUser) Userinfo([]string) ([]byte, error) {
	m := map[string]any{"sub": a.sub, "given_name": "Camille", "usual_name": "Agent"}
	if a.email != "" {
		m["email"] = a.email
	}
	if a.verified != nil {
		m["email_verified"] = *a.verified
	}
	return json.Marshal(m)
}

type agentClaims struct {
	*mockoidc.IDTokenClaims
	EmailVerified *bool `json:"email_verified,omitempty"`
}

func (a agentUser) Claims(_ []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &agentClaims{IDTokenClaims: c, EmailVerified: a.verified}, nil
}

func ptr[T any](v T) *T { return &v }

// provider is the local OpenID Connect provider, with what the tests
// record and alter on its way.
type provider struct {
	*mockoidc.MockOIDC
	mu sync.Mutex
	// Recorded: the PKCE parameters of the last authorization and token
	// requests, and the acr_values asked for.
	challenge, method, verifier, acr string
	// Alterations.
	forgeNonce     bool
	forgeVerifier  bool
	userinfoAsJWT  bool
	userinfoForged *mockoidc.Keypair
}

func (p *provider) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch r.URL.Path {
		case mockoidc.AuthorizationEndpoint:
			q := r.URL.Query()
			p.challenge, p.method, p.acr = q.Get("code_challenge"), q.Get("code_challenge_method"), q.Get("acr_values")
			if p.forgeNonce {
				q.Set("nonce", "forged-nonce")
				r.URL.RawQuery = q.Encode()
			}
		case mockoidc.TokenEndpoint:
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			p.verifier = r.PostForm.Get("code_verifier")
			if p.forgeVerifier {
				r.Form.Set("code_verifier", oauth2.GenerateVerifier())
			}
		case mockoidc.UserinfoEndpoint:
			if p.userinfoAsJWT {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				var claims jwt.MapClaims
				if err := json.Unmarshal(rec.Body.Bytes(), &claims); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				kp := p.Keypair
				if p.userinfoForged != nil {
					kp = p.userinfoForged
				}
				signed, err := kp.SignJWT(claims)
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				w.Header().Set("Content-Type", "application/jwt")
				_, _ = io.WriteString(w, signed)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// pcEnv is the whole server, listening, signing in with the local provider.
type pcEnv struct {
	*adminEnv
	url string
	idp *provider
}

const partnerOrigin = "https://www.partenaire-a.fr"

// newPCEnv builds it over s; opts adjust the server's dependencies.
func newPCEnv(t *testing.T, s *store.Store, opts ...func(*httpapi.Deps)) *pcEnv {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	idp := &provider{MockOIDC: m}
	if err := m.AddMiddleware(idp.middleware); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })

	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	k, _, err := auth.GenerateKey("seal")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := auth.NewSealer("proconnect", []auth.Key{k}, "seal")
	if err != nil {
		t.Fatal(err)
	}
	client, err := proconnect.New(proconnect.Config{Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
		Scopes: []string{"openid", "email"}, ACR: "eidas1", RedirectURL: srv.URL + "/api/v1/auth/proconnect/callback"})
	if err != nil {
		t.Fatal(err)
	}
	e := newAdminEnv(t, s, func(d *httpapi.Deps) {
		d.PublicURL = srv.URL
		d.ProConnect = &httpapi.ProConnect{Client: client, Accounts: d.Accounts.(*accounts.Service), Sealer: sealer, Origins: s,
			RateLimit: httpapi.RateLimit{Rate: 1000, Burst: 1000}}
		for _, o := range opts {
			o(d)
		}
	})
	handler = e.handler
	e.orgA.AllowedOrigins = []string{partnerOrigin}
	if err := s.UpsertOrganisation(context.Background(), e.orgA); err != nil {
		t.Fatal(err)
	}
	return &pcEnv{adminEnv: e, url: srv.URL, idp: idp}
}

// browser is an HTTP client with a cookie jar that follows redirects until
// one of the stop paths, whose redirect it returns.
func browser(t *testing.T, stop ...string) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(stop) == 0 {
		stop = []string{"/admin/connexion/proconnect", "/agent/callback"}
	}
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		for _, p := range stop {
			if req.URL.Path == p {
				return http.ErrUseLastResponse
			}
		}
		if len(via) > 10 {
			return fmt.Errorf("too many redirects")
		}
		return nil
	}}
}

// get runs a request and returns its response, body read.
func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// landing follows a sign-in from start to its landing page and returns the
// page's path and fragment.
func (p *pcEnv) landing(t *testing.T, c *http.Client, query string) (string, url.Values) {
	t.Helper()
	resp, body := get(t, c, p.url+"/api/v1/auth/proconnect/start?"+query)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("sign-in stopped at %s: %d %s", resp.Request.URL.Path, resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	frag, err := url.ParseQuery(loc.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if loc.RawQuery != "" || strings.Contains(resp.Header.Get("Location"), "?code") {
		t.Errorf("the login code must travel in the fragment only: %s", loc)
	}
	return loc.Path, frag
}

func (p *pcEnv) exchange(t *testing.T, code string) (int, httpapi.TokenResponse) {
	t.Helper()
	rec := p.do(t, http.MethodPost, "/api/v1/auth/proconnect/exchange", "", fmt.Sprintf(`{"code":%q}`, code))
	var tr httpapi.TokenResponse
	if rec.Code == http.StatusOK {
		mustJSON(t, rec.Body.Bytes(), &tr)
	} else if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("exchange refused with %s", ct)
	}
	return rec.Code, tr
}

func (p *pcEnv) me(t *testing.T, token string) httpapi.Me {
	t.Helper()
	rec := p.do(t, http.MethodGet, "/api/v1/admin/me", token, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("me: %d %s", rec.Code, rec.Body)
	}
	var me httpapi.Me
	mustJSON(t, rec.Body.Bytes(), &me)
	return me
}

func countUsers(t *testing.T, s *store.Store) int {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM users").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestProConnectSignIn runs the whole sign-in through a real HTTP client
// and the local provider, on SQLite and PostgreSQL.
func TestProConnectSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPCEnv(t, s)
		ctx := context.Background()

		t.Run("providers", func(t *testing.T) {
			rec := p.do(t, http.MethodGet, "/api/v1/auth/providers", "", "")
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"proconnect":true`) ||
				!strings.Contains(rec.Header().Get("Cache-Control"), "public") {
				t.Fatalf("%d %s %v", rec.Code, rec.Body, rec.Header())
			}
		})

		t.Run("linked by e-mail, case-insensitive, then by identity", func(t *testing.T) {
			p.idp.QueueUser(agentUser{sub: "agent-editor", email: "A-Editor@Exemple.FR", verified: ptr(true)})
			path, frag := p.landing(t, browser(t), "purpose=admin")
			if path != "/admin/connexion/proconnect" || frag.Get("code") == "" {
				t.Fatalf("landed on %s %v", path, frag)
			}
			// PKCE: an S256 challenge at the authorization, its verifier at the token request.
			p.idp.mu.Lock()
			sum := sha256.Sum256([]byte(p.idp.verifier))
			challenge, method, verifier, acr := p.idp.challenge, p.idp.method, p.idp.verifier, p.idp.acr
			p.idp.mu.Unlock()
			if method != "S256" || verifier == "" || challenge != base64.RawURLEncoding.EncodeToString(sum[:]) {
				t.Errorf("PKCE: method %q, challenge %q, verifier %q", method, challenge, verifier)
			}
			if acr != "eidas1" {
				t.Errorf("acr_values %q", acr)
			}
			status, tr := p.exchange(t, frag.Get("code"))
			if status != http.StatusOK || tr.AccessToken == "" || tr.RefreshToken == "" {
				t.Fatalf("exchange: %d", status)
			}
			if me := p.me(t, tr.AccessToken); me.Email != "a-editor@exemple.fr" {
				t.Fatalf("signed in as %s", me.Email)
			}
			// Single use.
			if status, _ := p.exchange(t, frag.Get("code")); status != http.StatusUnauthorized {
				t.Fatalf("replayed code: %d", status)
			}
			// The identity is linked: a new address at the provider still
			// signs in to the same account.
			p.idp.QueueUser(agentUser{sub: "agent-editor", email: "camille.nouvelle@exemple.fr"})
			_, frag = p.landing(t, browser(t), "")
			_, tr = p.exchange(t, frag.Get("code"))
			if me := p.me(t, tr.AccessToken); me.Email != "a-editor@exemple.fr" {
				t.Fatalf("second sign-in as %s", me.Email)
			}
			audit, _, err := s.FindAudit(ctx, p.orgA.ID, domain.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(audit) == 0 || audit[0].Action != "login" || audit[0].Changes["method"][1] != "proconnect" {
				t.Errorf("audit: %+v", audit)
			}
		})

		t.Run("pending invitation accepted", func(t *testing.T) {
			adm := p.login(t, "a-admin")
			rec := p.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/invitations", adm.AccessToken, `{"email":"Nouvelle.Agente@Exemple.fr","role":"editor"}`)
			if rec.Code != http.StatusCreated {
				t.Fatalf("invite: %d %s", rec.Code, rec.Body)
			}
			var inv httpapi.InvitationResponse
			mustJSON(t, rec.Body.Bytes(), &inv)
			p.idp.QueueUser(agentUser{sub: "nouvelle", email: "nouvelle.agente@exemple.fr"})
			_, frag := p.landing(t, browser(t), "purpose=admin")
			status, tr := p.exchange(t, frag.Get("code"))
			if status != http.StatusOK {
				t.Fatalf("exchange %d (%v)", status, frag)
			}
			me := p.me(t, tr.AccessToken)
			if me.Email != "nouvelle.agente@exemple.fr" || len(me.Memberships) != 1 || me.Memberships[0].Role != "editor" {
				t.Fatalf("me: %+v", me)
			}
			// The invitation is used up; the account has no password.
			rec = p.do(t, http.MethodPost, "/api/v1/auth/invitations/accept", "", fmt.Sprintf(`{"token":%q,"password":"un autre mot de passe assez long"}`, inv.Token))
			if rec.Code != http.StatusNotFound {
				t.Errorf("invitation still usable: %d", rec.Code)
			}
			rec = p.do(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":"nouvelle.agente@exemple.fr","password":"n'importe quel mot de passe"}`)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("password login of a ProConnect account: %d %s", rec.Code, rec.Body)
			}
		})

		refusals := []struct {
			name   string
			user   agentUser
			before func()
			after  func()
			want   string
		}{
			{name: "unknown address", user: agentUser{sub: "inconnu", email: "inconnu@exemple.fr", verified: ptr(true)}, want: "unknown_account"},
			{name: "address not verified", user: agentUser{sub: "pas-verifie", email: "a-viewer@exemple.fr", verified: ptr(false)}, want: "email_unverified"},
			{name: "no address", user: agentUser{sub: "sans-adresse"}, want: "no_email"},
			{name: "nonce mismatch", user: agentUser{sub: "agent-viewer", email: "a-viewer@exemple.fr"}, want: "invalid_state",
				before: func() { p.idp.mu.Lock(); p.idp.forgeNonce = true; p.idp.mu.Unlock() },
				after:  func() { p.idp.mu.Lock(); p.idp.forgeNonce = false; p.idp.mu.Unlock() }},
			{name: "wrong PKCE verifier", user: agentUser{sub: "agent-viewer", email: "a-viewer@exemple.fr"}, want: "server_error",
				before: func() { p.idp.mu.Lock(); p.idp.forgeVerifier = true; p.idp.mu.Unlock() },
				after:  func() { p.idp.mu.Lock(); p.idp.forgeVerifier = false; p.idp.mu.Unlock() }},
			{name: "userinfo JWT signed by another key", user: agentUser{sub: "agent-viewer", email: "a-viewer@exemple.fr"}, want: "server_error",
				before: func() {
					kp, err := mockoidc.RandomKeypair(2048)
					if err != nil {
						t.Fatal(err)
					}
					p.idp.mu.Lock()
					p.idp.userinfoAsJWT, p.idp.userinfoForged = true, kp
					p.idp.mu.Unlock()
				},
				after: func() { p.idp.mu.Lock(); p.idp.userinfoAsJWT, p.idp.userinfoForged = false, nil; p.idp.mu.Unlock() }},
		}
		for _, tt := range refusals {
			t.Run("refused: "+tt.name, func(t *testing.T) {
				if tt.before != nil {
					tt.before()
					defer tt.after()
				}
				users := countUsers(t, s)
				p.idp.QueueUser(tt.user)
				path, frag := p.landing(t, browser(t), "purpose=admin")
				if path != "/admin/connexion/proconnect" || frag.Get("error") != tt.want || frag.Get("code") != "" {
					t.Fatalf("landed on %s %v, want error=%s", path, frag, tt.want)
				}
				if n := countUsers(t, s); n != users {
					t.Errorf("%d accounts before, %d after", users, n)
				}
				if _, err := s.FindUserByIdentity(ctx, p.idp.Issuer(), tt.user.sub); domain.ErrorCode(err) != domain.ENOTFOUND {
					t.Errorf("identity linked: %v", err)
				}
			})
		}

		t.Run("userinfo as a signed JWT", func(t *testing.T) {
			p.idp.mu.Lock()
			p.idp.userinfoAsJWT = true
			p.idp.mu.Unlock()
			defer func() { p.idp.mu.Lock(); p.idp.userinfoAsJWT = false; p.idp.mu.Unlock() }()
			p.idp.QueueUser(agentUser{sub: "agent-viewer", email: "a-viewer@exemple.fr"})
			_, frag := p.landing(t, browser(t), "")
			status, tr := p.exchange(t, frag.Get("code"))
			if status != http.StatusOK || p.me(t, tr.AccessToken).Email != "a-viewer@exemple.fr" {
				t.Fatalf("exchange %d %v", status, frag)
			}
		})

		t.Run("wrong state", func(t *testing.T) {
			c := browser(t, "/api/v1/auth/proconnect/callback", "/admin/connexion/proconnect")
			p.idp.QueueUser(agentUser{sub: "agent-editor", email: "a-editor@exemple.fr"})
			resp, _ := get(t, c, p.url+"/api/v1/auth/proconnect/start")
			cb, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || cb.Query().Get("code") == "" {
				t.Fatalf("provider answered %d %s at %s", resp.StatusCode, resp.Header.Get("Location"), resp.Request.URL)
			}
			q := cb.Query()
			q.Set("state", q.Get("state")+"x")
			cb.RawQuery = q.Encode()
			resp, _ = get(t, c, cb.String())
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusFound || loc != "/admin/connexion/proconnect#error=invalid_state" {
				t.Fatalf("%d %s", resp.StatusCode, loc)
			}
			// The cookie is gone: the right state no longer works either.
			q.Set("state", strings.TrimSuffix(q.Get("state"), "x"))
			cb.RawQuery = q.Encode()
			resp, _ = get(t, c, cb.String())
			if loc := resp.Header.Get("Location"); loc != "/admin/connexion/proconnect#error=invalid_state" {
				t.Fatalf("replayed callback: %s", loc)
			}
		})

		t.Run("provider error and no cookie", func(t *testing.T) {
			resp, _ := get(t, browser(t), p.url+"/api/v1/auth/proconnect/callback?error=access_denied&state=x")
			if loc := resp.Header.Get("Location"); loc != "/admin/connexion/proconnect#error=invalid_state" {
				t.Fatalf("%s", loc)
			}
		})

		t.Run("expired login code", func(t *testing.T) {
			p.idp.QueueUser(agentUser{sub: "agent-editor", email: "a-editor@exemple.fr"})
			_, frag := p.landing(t, browser(t), "")
			p.clock.Add(accounts.LoginCodeTTL + 1)
			if status, _ := p.exchange(t, frag.Get("code")); status != http.StatusUnauthorized {
				t.Fatalf("expired code: %d", status)
			}
		})

		t.Run("agent popup posts to its origin only", func(t *testing.T) {
			c := browser(t)
			p.idp.QueueUser(agentUser{sub: "agent-editor", email: "a-editor@exemple.fr"})
			path, frag := p.landing(t, c, "purpose=agent&origin="+url.QueryEscape(partnerOrigin))
			if path != "/agent/callback" || frag.Get("code") == "" {
				t.Fatalf("landed on %s %v", path, frag)
			}
			resp, body := get(t, c, p.url+"/agent/callback")
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %s", resp.StatusCode, resp.Header)
			}
			if want := `var targetOrigin = "https://www.partenaire-a.fr";`; !strings.Contains(body, want) {
				t.Fatalf("page does not post to %s:\n%s", want, body)
			}
			if strings.Count(body, "postMessage(") != 1 || strings.Contains(body, `"*"`) || strings.Contains(body, "'*'") {
				t.Errorf("page may post elsewhere:\n%s", body)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'nonce-") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q", csp)
			}
			// The target cookie is single use: reloading shows no script.
			if _, again := get(t, c, p.url+"/agent/callback"); strings.Contains(again, "postMessage") {
				t.Errorf("second load still posts")
			}
			status, tr := p.exchange(t, frag.Get("code"))
			if status != http.StatusOK || p.me(t, tr.AccessToken).Email != "a-editor@exemple.fr" {
				t.Fatalf("exchange %d", status)
			}
			// The server's own origin is allowed too; refusals end on the popup page.
			p.idp.QueueUser(agentUser{sub: "inconnu-2", email: "inconnue@exemple.fr"})
			path, frag = p.landing(t, c, "purpose=agent&origin="+url.QueryEscape(p.url))
			if path != "/agent/callback" || frag.Get("error") != "unknown_account" {
				t.Fatalf("landed on %s %v", path, frag)
			}
			_, body = get(t, c, p.url+"/agent/callback")
			if want := fmt.Sprintf("var targetOrigin = %q;", p.url); !strings.Contains(body, want) {
				t.Fatalf("want %s in\n%s", want, body)
			}
		})

		t.Run("start refuses bad requests", func(t *testing.T) {
			for _, tt := range []struct {
				query string
				want  int
			}{
				{"purpose=agent&origin=javascript:alert(1)", http.StatusBadRequest},
				{"purpose=agent&origin=" + url.QueryEscape("data:text/html,x"), http.StatusBadRequest},
				{"purpose=agent&origin=" + url.QueryEscape(partnerOrigin+"/page"), http.StatusBadRequest},
				{"purpose=agent&origin=" + url.QueryEscape(partnerOrigin+"?x=1"), http.StatusBadRequest},
				{"purpose=agent&origin=" + url.QueryEscape("https://user@www.partenaire-a.fr"), http.StatusBadRequest},
				{"purpose=agent", http.StatusBadRequest},
				{"purpose=admin&origin=" + url.QueryEscape(partnerOrigin), http.StatusBadRequest},
				{"purpose=autre", http.StatusBadRequest},
				{"purpose=agent&origin=" + url.QueryEscape("https://pirate.example"), http.StatusForbidden},
			} {
				resp, body := get(t, browser(t), p.url+"/api/v1/auth/proconnect/start?"+tt.query)
				if resp.StatusCode != tt.want || resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s: %d %s", tt.query, resp.StatusCode, body)
				}
				if len(resp.Cookies()) != 0 {
					t.Errorf("%s: cookie set", tt.query)
				}
			}
		})

		t.Run("state cookie", func(t *testing.T) {
			resp, _ := get(t, browser(t, mockoidc.AuthorizationEndpoint), p.url+"/api/v1/auth/proconnect/start")
			var ck *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == "aiguillage_proconnect" {
					ck = c
				}
			}
			if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge != 600 || ck.Path != "/api/v1/auth/proconnect" {
				t.Fatalf("cookie %+v", ck)
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if strings.Contains(ck.Value, loc.Query().Get("state")) || strings.Contains(ck.Value, loc.Query().Get("nonce")) {
				t.Errorf("the cookie shows the state or nonce in clear")
			}
		})
	})
}

// TestProConnectAdminURL: with the admin app hosted apart
// (AIGUILLAGE_ADMIN_URL), an admin sign-in ends on its page, a success as
// a refusal; the agent popup still lands on the server's own page.
func TestProConnectAdminURL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const app = "https://referents.exemple.fr/back-office"
		p := newPCEnv(t, s, func(d *httpapi.Deps) { d.AdminURL = app + "/" })
		landing := func(t *testing.T, c *http.Client, u string) *url.URL {
			t.Helper()
			resp, body := get(t, c, u)
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("sign-in stopped at %s: %d %s", resp.Request.URL, resp.StatusCode, body)
			}
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			return loc
		}
		stop := "/back-office/connexion/proconnect"

		p.idp.QueueUser(agentUser{sub: "agent-editor", email: "a-editor@exemple.fr", verified: ptr(true)})
		loc := landing(t, browser(t, stop), p.url+"/api/v1/auth/proconnect/start?purpose=admin")
		frag, _ := url.ParseQuery(loc.Fragment)
		if got := loc.Scheme + "://" + loc.Host + loc.Path; got != app+"/connexion/proconnect" || frag.Get("code") == "" || loc.RawQuery != "" {
			t.Fatalf("landed on %s", loc)
		}
		if status, tr := p.exchange(t, frag.Get("code")); status != http.StatusOK || p.me(t, tr.AccessToken).Email != "a-editor@exemple.fr" {
			t.Fatalf("exchange: %d", status)
		}

		// A refusal lands there too.
		p.idp.QueueUser(agentUser{sub: "inconnu", email: "inconnu@exemple.fr", verified: ptr(true)})
		if loc := landing(t, browser(t, stop), p.url+"/api/v1/auth/proconnect/start"); loc.String() != app+"/connexion/proconnect#error=unknown_account" {
			t.Fatalf("refusal landed on %s", loc)
		}
		// So does a callback without its cookie.
		if loc := landing(t, browser(t, stop), p.url+"/api/v1/auth/proconnect/callback?code=x&state=y"); loc.String() != app+"/connexion/proconnect#error=invalid_state" {
			t.Fatalf("callback without cookie landed on %s", loc)
		}
		// The agent popup's page is the server's, not the admin app's.
		p.idp.QueueUser(agentUser{sub: "agent-viewer", email: "a-viewer@exemple.fr"})
		path, frag := p.landing(t, browser(t), "purpose=agent&origin="+url.QueryEscape(partnerOrigin))
		if path != "/agent/callback" || frag.Get("code") == "" {
			t.Fatalf("agent landed on %s %v", path, frag)
		}

		// Invitation links open the admin app where it is hosted.
		adm := p.login(t, "a-admin").AccessToken
		rec := p.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/invitations", adm, `{"email":"loin@exemple.fr","role":"viewer"}`)
		var inv httpapi.InvitationResponse
		mustJSON(t, rec.Body.Bytes(), &inv)
		if rec.Code != http.StatusCreated || inv.URL != app+"/invitation#"+inv.Token {
			t.Fatalf("invitation: %d %+v", rec.Code, inv)
		}
	})
}

// TestProConnectExchangeThrottled: failed exchanges count against the
// client's address like refused passwords.
func TestProConnectExchangeThrottled(t *testing.T) {
	p := newPCEnv(t, storetest.New(t, store.SQLite))
	var last int
	for i := 0; i < 60 && last != http.StatusTooManyRequests; i++ {
		last, _ = p.exchange(t, fmt.Sprintf("code-%d", i))
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("never throttled: %d", last)
	}
}

// TestProConnectOff: without configuration, no route but the providers'.
func TestProConnectOff(t *testing.T) {
	e := newAdminEnv(t, storetest.New(t, store.SQLite))
	rec := e.do(t, http.MethodGet, "/api/v1/auth/providers", "", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"proconnect":false`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	for _, u := range []string{"/api/v1/auth/proconnect/start", "/api/v1/auth/proconnect/callback?code=x&state=y", "/agent/callback"} {
		req := httptest.NewRequest(http.MethodGet, u, nil)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", u, rec.Code)
		}
	}
}

// TestAuthProvidersDemoAccounts: the sign-in page learns the demo accounts
// from the providers only on a demo server; otherwise the key is absent.
func TestAuthProvidersDemoAccounts(t *testing.T) {
	demo := []httpapi.DemoAccount{
		{Email: "plateforme@demo.aiguillage.fr", Password: "demo-plateforme-2026", Role: "Administrateur de la plateforme"},
		{Email: "admin@var.demo.aiguillage.fr", Password: "demo-var-admin-2026", Role: "Administrateur de var"},
	}
	tests := []struct {
		name string
		demo []httpapi.DemoAccount
	}{
		{"demo mode", demo},
		{"not in demo mode", nil},
		{"demo mode without accounts", []httpapi.DemoAccount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAdminEnv(t, storetest.New(t, store.SQLite), func(d *httpapi.Deps) { d.DemoAccounts = tt.demo })
			rec := e.do(t, http.MethodGet, "/api/v1/auth/providers", "", "")
			if rec.Code != http.StatusOK {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			var raw map[string]json.RawMessage
			mustJSON(t, rec.Body.Bytes(), &raw)
			var got httpapi.AuthProviders
			mustJSON(t, rec.Body.Bytes(), &got)
			want := tt.demo
			if len(want) == 0 {
				want = nil
			}
			if _, present := raw["demo_accounts"]; present != (want != nil) || !reflect.DeepEqual(got.DemoAccounts, want) {
				t.Fatalf("providers: %s", rec.Body)
			}
			// Short-lived in caches: the accounts go soon after demo mode does.
			var maxAge int
			if _, err := fmt.Sscanf(rec.Header().Get("Cache-Control"), "public, max-age=%d", &maxAge); err != nil || maxAge > 300 {
				t.Fatalf("Cache-Control %q", rec.Header().Get("Cache-Control"))
			}
		})
	}
}
