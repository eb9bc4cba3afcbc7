// Package proconnect signs agents in with ProConnect, the French public
// agents' OpenID Connect federation, through a standard OIDC client
// (coreos/go-oidc and golang.org/x/oauth2): authorization code flow with
// PKCE (S256), state and nonce.
//
// The state of a sign-in in progress (state, nonce, PKCE verifier, purpose,
// origin) is sealed (AES-GCM, see auth.Sealer) into a short-lived cookie,
// so that any replica can finish what another started. It knows neither
// HTTP handlers nor the database: the httpapi package drives it, and the
// accounts package links the identity it returns to an account.
package proconnect

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Production and integration issuers of ProConnect.
const (
	IssuerProduction  = "https://auth.proconnect.gouv.fr/api/v2"
	IssuerIntegration = "https://fca.integ01.dev-agentconnect.fr/api/v2"
)

// DefaultScopes are the scopes asked for when none are configured: the
// address, the names and the SIRET of the agent's organisation.
const DefaultScopes = "openid email given_name usual_name siret"

// Errors of Exchange the caller tells the agent about.
var (
	// ErrNonce: the ID token does not carry the nonce of this sign-in
	// (a replayed or injected token).
	ErrNonce = errors.New("proconnect: ID token nonce mismatch")
	// ErrNoEmail: the provider gave no e-mail address.
	ErrNoEmail = errors.New("proconnect: no e-mail address")
	// ErrEmailUnverified: the provider says the address is not verified.
	ErrEmailUnverified = errors.New("proconnect: e-mail address not verified")
)

// Config configures the client.
type Config struct {
	// Issuer is the provider's issuer URL (discovery at
	// Issuer/.well-known/openid-configuration).
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// ACR, when set, is sent as acr_values (e.g. eidas1).
	ACR string
	// RedirectURL is the callback registered with the provider.
	RedirectURL string
	// HTTPClient calls the provider (nil: a client with a 10 s timeout).
	HTTPClient *http.Client
	// Now is the clock the ID token's expiry is checked with (nil: time.Now).
	Now func() time.Time
}

// Client is a ProConnect relying party. The provider's metadata are read
// at the first use and kept; a failed discovery is retried at the next.
// It is safe for concurrent use.
type Client struct {
	cfg Config

	mu sync.Mutex
	d  *discovered
}

type discovered struct {
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
}

// New checks the configuration and returns a client; it makes no request.
func New(cfg Config) (*Client, error) {
	var missing []string
	for name, v := range map[string]string{"issuer": cfg.Issuer, "client id": cfg.ClientID, "client secret": cfg.ClientSecret, "redirect URL": cfg.RedirectURL} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("proconnect: missing %s", strings.Join(missing, ", "))
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = strings.Fields(DefaultScopes)
	}
	if !slices.Contains(cfg.Scopes, oidc.ScopeOpenID) {
		return nil, errors.New("proconnect: the scopes must include openid")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg}, nil
}

// Issuer returns the configured issuer.
func (c *Client) Issuer() string { return c.cfg.Issuer }

func (c *Client) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.cfg.HTTPClient)
}

// discover reads the provider's metadata once.
func (c *Client) discover(ctx context.Context) (*discovered, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.d != nil {
		return c.d, nil
	}
	p, err := oidc.NewProvider(c.ctx(ctx), c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("proconnect: discovery of %s: %w", c.cfg.Issuer, err)
	}
	ep := p.Endpoint()
	// client_secret_post, which ProConnect accepts: no round trip to guess.
	ep.AuthStyle = oauth2.AuthStyleInParams
	c.d = &discovered{
		provider: p,
		verifier: p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID, Now: c.cfg.Now}),
		oauth: &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: ep,
			RedirectURL: c.cfg.RedirectURL, Scopes: c.cfg.Scopes},
	}
	return c.d, nil
}

// AuthCodeURL returns the provider's authorization URL for one sign-in:
// its state, its nonce, and the S256 challenge of its PKCE verifier.
func (c *Client) AuthCodeURL(ctx context.Context, st *State) (string, error) {
	d, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)}
	if c.cfg.ACR != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", c.cfg.ACR))
	}
	return d.oauth.AuthCodeURL(st.State, opts...), nil
}

// Identity is what the provider says of the agent who signed in.
type Identity struct {
	Issuer, Subject string
	// Email is lower-cased.
	Email     string
	GivenName string
	UsualName string
	SIRET     string
}

// claims are the identity claims read from the ID token and userinfo.
type claims struct {
	Subject       string          `json:"sub"`
	Email         string          `json:"email"`
	EmailVerified json.RawMessage `json:"email_verified"`
	GivenName     string          `json:"given_name"`
	UsualName     string          `json:"usual_name"`
	SIRET         string          `json:"siret"`
}

// verified reads email_verified: true, false, or absent (nil). Some
// providers send it as a string.
func (c *claims) verified() (*bool, error) {
	raw := strings.TrimSpace(string(c.EmailVerified))
	switch raw {
	case "", "null":
		return nil, nil
	case "true", `"true"`:
		t := true
		return &t, nil
	case "false", `"false"`:
		f := false
		return &f, nil
	}
	return nil, fmt.Errorf("proconnect: email_verified is %.20q", raw)
}

// Exchange trades the authorization code for tokens (with the PKCE
// verifier), verifies the ID token (signature, issuer, audience, expiry)
// and its nonce, reads userinfo (JSON, or a JWT signed with the provider's
// keys, as ProConnect sends it) and returns the identity. The address is
// required; email_verified false refuses it (absent: ProConnect's
// addresses are verified by the federation).
func (c *Client) Exchange(ctx context.Context, code string, st *State) (*Identity, error) {
	d, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	ctx = c.ctx(ctx)
	tok, err := d.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		// Not the body: a provider may echo the code in it.
		status := ""
		if re.Response != nil {
			status = re.Response.Status
		}
		return nil, fmt.Errorf("proconnect: code exchange refused: %s, error %q", status, truncate(re.ErrorCode, 64))
	}
	if err != nil {
		return nil, fmt.Errorf("proconnect: code exchange: %w", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, errors.New("proconnect: no ID token in the token response")
	}
	idt, err := d.verifier.Verify(ctx, rawID)
	if err != nil {
		return nil, fmt.Errorf("proconnect: ID token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return nil, ErrNonce
	}
	var fromID claims
	if err := idt.Claims(&fromID); err != nil {
		return nil, fmt.Errorf("proconnect: ID token claims: %w", err)
	}
	info, err := d.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, fmt.Errorf("proconnect: userinfo: %w", err)
	}
	var fromInfo claims
	if err := info.Claims(&fromInfo); err != nil {
		return nil, fmt.Errorf("proconnect: userinfo claims: %w", err)
	}
	if fromInfo.Subject != idt.Subject {
		return nil, errors.New("proconnect: userinfo is about another subject than the ID token")
	}
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject,
		Email:     strings.ToLower(strings.TrimSpace(first(fromInfo.Email, fromID.Email))),
		GivenName: first(fromInfo.GivenName, fromID.GivenName), UsualName: first(fromInfo.UsualName, fromID.UsualName),
		SIRET: first(fromInfo.SIRET, fromID.SIRET)}
	if id.Email == "" {
		return nil, ErrNoEmail
	}
	for _, cl := range []*claims{&fromInfo, &fromID} {
		v, err := cl.verified()
		if err != nil {
			return nil, err
		}
		if v != nil && !*v {
			return nil, ErrEmailUnverified
		}
	}
	return id, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
