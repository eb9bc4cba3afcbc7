package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/accounts"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/proconnect"
)

// ProConnect is what the sign-in with ProConnect needs (Deps.ProConnect).
type ProConnect struct {
	Client   ProConnectClient
	Accounts ProConnectAccounts
	// Sealer seals the sign-in state into a cookie any replica can open.
	Sealer proconnect.Sealer
	// Origins says which sites, besides the server's own, may receive an
	// agent's login code (the organisations' allowed origins).
	Origins AgentOrigins
	// RateLimit bounds the start, callback and exchange requests of one
	// client address (zero: DefaultProConnectRateLimit).
	RateLimit RateLimit
}

// DefaultProConnectRateLimit allows 30 requests at once per client address,
// then one a second: a sign-in takes three, and a France services desk
// shares one address between its agents.
var DefaultProConnectRateLimit = RateLimit{Rate: 1, Burst: 30}

// ProConnectClient is the OpenID Connect relying party.
type ProConnectClient interface {
	AuthCodeURL(ctx context.Context, st *proconnect.State) (string, error)
	Exchange(ctx context.Context, code string, st *proconnect.State) (*proconnect.Identity, error)
}

// ProConnectAccounts links identities to accounts and opens sessions.
type ProConnectAccounts interface {
	LinkIdentity(ctx context.Context, id accounts.ExternalIdentity) (*domain.User, error)
	IssueLoginCode(ctx context.Context, u *domain.User, method string) (string, error)
	ExchangeLoginCode(ctx context.Context, code, clientIP string) (*accounts.Session, error)
}

// AgentOrigins tells whether an organisation lists an origin among the
// sites that embed its widget.
type AgentOrigins interface {
	OriginAllowed(ctx context.Context, origin string) (bool, error)
}

// Cookies of the sign-in: the sealed state, from the start to the
// provider's callback, and the agent popup's target origin, from the
// callback to the page that posts the result.
const (
	stateCookie  = "aiguillage_proconnect"
	statePath    = "/api/v1/auth/proconnect"
	targetCookie = "aiguillage_agent_target"
	agentPage    = "/agent/callback"
	// adminLanding is the admin app's sign-in landing page, under its
	// address (Deps.AdminURL); without one, on this server.
	adminLanding = "/connexion/proconnect"
)

// Error codes a sign-in ends with, in the landing page's fragment
// (#error=…); the admin app and the widget show a French message for each.
const (
	pcUnknownAccount  = "unknown_account"  // no account, no invitation for that address
	pcEmailUnverified = "email_unverified" // the provider says the address is not verified
	pcNoEmail         = "no_email"         // the provider gave no address
	pcDenied          = "access_denied"    // the agent cancelled, or the provider refused
	pcInvalidState    = "invalid_state"    // expired or forged sign-in (state, nonce, cookie)
	pcForbidden       = "forbidden"        // an account that may not sign in (demo)
	pcUnavailable     = "unavailable"      // ProConnect unreachable
	pcServerError     = "server_error"
)

// AuthProviders says which sign-in methods the server offers.
type AuthProviders struct {
	// Password sign-in (POST /api/v1/auth/login) is always on.
	Password bool `json:"password" example:"true"`
	// ProConnect is true when GET /api/v1/auth/proconnect/start works.
	ProConnect bool `json:"proconnect" example:"true"`
	// DemoAccounts are the demo accounts, whose passwords are published,
	// for the sign-in page to offer; only on a server in demo mode
	// (AIGUILLAGE_DEMO_MODE=true), absent otherwise.
	DemoAccounts []DemoAccount `json:"demo_accounts,omitempty"`
} // @name AuthProviders

// DemoAccount is an account of the demo, with its published password.
type DemoAccount struct {
	Email    string `json:"email" example:"admin@var.demo.aiguillage.fr"`
	Password string `json:"password" example:"demo-var-admin-2026"`
	// Role says what the account may do, in French.
	Role string `json:"role" example:"Administrateur de var"`
} // @name DemoAccount

// LoginCodeRequest exchanges a single-use login code for a session.
type LoginCodeRequest struct {
	Code string `json:"code"`
} // @name LoginCodeRequest

type proconnectHandlers struct {
	pc *ProConnect // nil: ProConnect off
	// own is the server's origin, always allowed for agents.
	own    string
	secure bool
	// landing is where an admin sign-in ends (the admin app's page).
	landing string
	// demo are the demo accounts shown on the sign-in page (demo mode).
	demo []DemoAccount
	auth *authHandlers
	now  func() time.Time
	log  *slog.Logger
	page *template.Template
}

func newProConnectHandlers(d Deps, auth *authHandlers) (*proconnectHandlers, error) {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	h := &proconnectHandlers{pc: d.ProConnect, auth: auth, now: now, log: d.Logger, demo: d.DemoAccounts}
	// Without an admin URL, the sign-in lands on this server's /admin/,
	// whatever address the browser reached it by.
	h.landing = "/admin" + adminLanding
	if d.AdminURL != "" {
		h.landing = strings.TrimRight(d.AdminURL, "/") + adminLanding
	}
	if h.pc == nil {
		return h, nil
	}
	if h.pc.Client == nil || h.pc.Accounts == nil || h.pc.Sealer == nil {
		return nil, errors.New("ProConnect needs a client, accounts and a sealer")
	}
	u, err := url.Parse(d.PublicURL)
	if err != nil {
		return nil, err
	}
	h.secure = u.Scheme == "https"
	if h.own, err = proconnect.ParseOrigin(u.Scheme + "://" + u.Host); err != nil {
		return nil, err
	}
	if h.page, err = template.New("agent").Parse(agentCallbackHTML); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *proconnectHandlers) rateLimit() RateLimit {
	if h.pc.RateLimit == (RateLimit{}) {
		return DefaultProConnectRateLimit
	}
	return h.pc.RateLimit
}

// providers godoc
//
//	@Summary		Sign-in methods
//	@Description	Whether sign-in with ProConnect is offered (the admin app shows its button, the widget its agent mode), and, on a demo server only (AIGUILLAGE_DEMO_MODE=true), the demo accounts and their published passwords. Public and cacheable (5 minutes).
//	@Tags			auth
//	@Produce		json
//	@Success		200	{object}	AuthProviders
//	@Router			/api/v1/auth/providers [get]
func (h *proconnectHandlers) providers(c echo.Context) error {
	// Short: the demo accounts disappear soon after demo mode is turned off.
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=300")
	return c.JSON(http.StatusOK, AuthProviders{Password: true, ProConnect: h.pc != nil, DemoAccounts: h.demo})
}

// start godoc
//
//	@Summary		Sign in with ProConnect
//	@Description	Redirects the browser to ProConnect (authorization code flow with PKCE S256, state and nonce), the sign-in state sealed in a 10-minute HttpOnly cookie. `purpose=admin` (default) ends on the admin app, `/admin/connexion/proconnect#code=…` (under AIGUILLAGE_ADMIN_URL when set: its address + `/connexion/proconnect#code=…`); `purpose=agent` ends on `/agent/callback#code=…`, a page that posts `{type: "aiguillage-agent", code}` (or `{type, error}`) to `window.opener` with targetOrigin `origin`, then closes. `origin` (agent only) is the page that opened the popup: the server's own origin or one of an organisation's allowed origins. Exchange the code with POST /api/v1/auth/proconnect/exchange within 60 seconds.
//	@Tags			auth
//	@Param			purpose	query	string	false	"Where the result goes"	Enums(admin, agent)
//	@Param			origin	query	string	false	"Origin of the page that opened the agent popup, such as https://www.exemple.fr"
//	@Success		302
//	@Failure		400	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Router			/api/v1/auth/proconnect/start [get]
func (h *proconnectHandlers) start(c echo.Context) error {
	ctx := c.Request().Context()
	purpose, origin := c.QueryParam("purpose"), c.QueryParam("origin")
	switch purpose {
	case "", proconnect.PurposeAdmin:
		purpose = proconnect.PurposeAdmin
		if origin != "" {
			return domain.Invalid("Paramètre inattendu.", domain.FieldError{Field: "origin", Message: "seulement avec purpose=agent"})
		}
	case proconnect.PurposeAgent:
		o, err := proconnect.ParseOrigin(origin)
		if err != nil {
			return domain.Invalid("Origine invalide.", domain.FieldError{Field: "origin", Message: "doit être une origine http(s) comme https://www.exemple.fr"})
		}
		if err := h.checkOrigin(ctx, o); err != nil {
			return err
		}
		origin = o
	default:
		return domain.Invalid("Usage inconnu.", domain.FieldError{Field: "purpose", Message: "doit valoir admin ou agent"})
	}
	st, err := proconnect.NewState(purpose, origin, h.now())
	if err != nil {
		return err
	}
	authURL, err := h.pc.Client.AuthCodeURL(ctx, st)
	if err != nil {
		h.log.ErrorContext(ctx, "proconnect unavailable", "error", err)
		return h.finish(c, st, "", pcUnavailable)
	}
	sealed, err := proconnect.SealState(h.pc.Sealer, st)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: stateCookie, Value: sealed, Path: statePath, MaxAge: int(proconnect.StateTTL.Seconds()),
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Redirect(http.StatusFound, authURL)
}

// checkOrigin allows the server's own origin and the organisations'
// allowed origins: another site could otherwise open the popup and
// receive the code of an agent already signed in to ProConnect.
func (h *proconnectHandlers) checkOrigin(ctx context.Context, origin string) error {
	if origin == h.own {
		return nil
	}
	if h.pc.Origins != nil {
		ok, err := h.pc.Origins.OriginAllowed(ctx, origin)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	return domain.Errorf(domain.EFORBIDDEN, "Ce site n'est pas autorisé à connecter des agents : "+
		"ajoutez son origine aux sites qui intègrent le widget, dans la fiche de l'organisation.")
}

// callback godoc
//
//	@Summary		ProConnect's callback
//	@Description	Where ProConnect sends the browser back. Checks the state against the cookie, exchanges the code (with the PKCE verifier), verifies the ID token and its nonce, reads userinfo, and links the identity to an account: already linked, else the account with that (verified) address, else a pending invitation to it, which is accepted; otherwise refused, and no account is created. Redirects to the landing page of the sign-in's purpose with `#code=…` (single use, 60 s) or `#error=…` (unknown_account, email_unverified, no_email, access_denied, invalid_state, forbidden, unavailable, server_error).
//	@Tags			auth
//	@Param			code	query	string	false	"Authorization code"
//	@Param			state	query	string	false	"State"
//	@Param			error	query	string	false	"Error of the provider"
//	@Success		302
//	@Failure		429	{object}	Problem
//	@Router			/api/v1/auth/proconnect/callback [get]
func (h *proconnectHandlers) callback(c echo.Context) error {
	ctx := c.Request().Context()
	c.SetCookie(&http.Cookie{Name: stateCookie, Path: statePath, MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	admin := &proconnect.State{Purpose: proconnect.PurposeAdmin}
	ck, err := c.Cookie(stateCookie)
	if err != nil {
		return h.finish(c, admin, "", pcInvalidState)
	}
	st, err := proconnect.OpenState(h.pc.Sealer, ck.Value, h.now())
	if err != nil {
		return h.finish(c, admin, "", pcInvalidState)
	}
	q := c.QueryParams()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(st.State)) != 1 {
		h.log.WarnContext(ctx, "proconnect callback: state mismatch")
		return h.finish(c, st, "", pcInvalidState)
	}
	if e := q.Get("error"); e != "" {
		h.log.InfoContext(ctx, "proconnect refused the sign-in", "provider_error", truncate(e, 64))
		return h.finish(c, st, "", pcDenied)
	}
	code := q.Get("code")
	if code == "" {
		return h.finish(c, st, "", pcInvalidState)
	}
	id, err := h.pc.Client.Exchange(ctx, code, st)
	switch {
	case errors.Is(err, proconnect.ErrEmailUnverified):
		return h.finish(c, st, "", pcEmailUnverified)
	case errors.Is(err, proconnect.ErrNoEmail):
		return h.finish(c, st, "", pcNoEmail)
	case errors.Is(err, proconnect.ErrNonce):
		h.log.WarnContext(ctx, "proconnect callback: nonce mismatch")
		return h.finish(c, st, "", pcInvalidState)
	case err != nil:
		h.log.ErrorContext(ctx, "proconnect sign-in failed", "error", err)
		return h.finish(c, st, "", pcServerError)
	}
	u, err := h.pc.Accounts.LinkIdentity(ctx, accounts.ExternalIdentity{Issuer: id.Issuer, Subject: id.Subject, Email: id.Email})
	switch {
	case errors.Is(err, accounts.ErrNoAccount):
		h.log.InfoContext(ctx, "proconnect sign-in refused: no account")
		return h.finish(c, st, "", pcUnknownAccount)
	case domain.ErrorCode(err) == domain.EFORBIDDEN:
		return h.finish(c, st, "", pcForbidden)
	case err != nil:
		h.log.ErrorContext(ctx, "proconnect account linking failed", "error", err)
		return h.finish(c, st, "", pcServerError)
	}
	login, err := h.pc.Accounts.IssueLoginCode(ctx, u, "proconnect")
	if err != nil {
		h.log.ErrorContext(ctx, "proconnect login code", "error", err)
		return h.finish(c, st, "", pcServerError)
	}
	return h.finish(c, st, login, "")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// finish sends the browser to the landing page of the sign-in's purpose,
// with the login code or the error in the fragment: never sent to a
// server, so never in logs nor in a Referer.
func (h *proconnectHandlers) finish(c echo.Context, st *proconnect.State, code, errCode string) error {
	frag := url.Values{}
	if code != "" {
		frag.Set("code", code)
	} else {
		frag.Set("error", errCode)
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderCacheControl, "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	if st.Purpose != proconnect.PurposeAgent {
		return c.Redirect(http.StatusFound, h.landing+"#"+frag.Encode())
	}
	sealed, err := proconnect.SealTarget(h.pc.Sealer, st.Origin, h.now())
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: targetCookie, Value: sealed, Path: agentPage, MaxAge: int(proconnect.TargetTTL.Seconds()),
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusFound, agentPage+"#"+frag.Encode())
}

// exchange godoc
//
//	@Summary		Exchange a login code for a session
//	@Description	Trades the single-use code a sign-in with ProConnect ended with (60 s) for a session, as POST /api/v1/auth/login does. Unknown, used or expired codes: 401, and they count against the client's address like refused passwords (429 with Retry-After beyond). Any origin may call it (the code is the credential: the widget's agent mode runs on partners' sites).
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginCodeRequest	true	"Login code"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Router			/api/v1/auth/proconnect/exchange [post]
func (h *proconnectHandlers) exchange(c echo.Context) error {
	var req LoginCodeRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if err := requireFields(map[string]string{"code": req.Code}); err != nil {
		return err
	}
	s, err := h.pc.Accounts.ExchangeLoginCode(c.Request().Context(), req.Code, c.RealIP())
	if err != nil {
		return err
	}
	return h.auth.session(c, s)
}

// agentCallback serves the page the agent popup lands on: it posts the
// login code (or the error) in its fragment to the window that opened it,
// only to the origin sealed in the cookie, then closes.
func (h *proconnectHandlers) agentCallback(c echo.Context) error {
	c.SetCookie(&http.Cookie{Name: targetCookie, Path: agentPage, MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	var origin string
	if ck, err := c.Cookie(targetCookie); err == nil {
		origin, _ = proconnect.OpenTarget(h.pc.Sealer, ck.Value, h.now())
	}
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	nonce := base64.RawURLEncoding.EncodeToString(b[:])
	hd := c.Response().Header()
	hd.Set(echo.HeaderCacheControl, "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+"'; "+
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	hd.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	return h.page.Execute(c.Response(), struct{ Origin, Nonce string }{origin, nonce})
}

// agentCallbackHTML is the agent popup's landing page. html/template
// writes Origin into the script as an escaped JavaScript string.
const agentCallbackHTML = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Connexion agent — Aiguillage</title>
<style nonce="{{.Nonce}}">body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.5;color:#161616}</style>
</head>
<body>
<main>
<h1>Connexion agent</h1>
<p id="status" role="status">{{if .Origin}}Connexion en cours…{{else}}La connexion a expiré ou a été interrompue. Fermez cette fenêtre et recommencez depuis le widget.{{end}}</p>
</main>
{{if .Origin}}<script nonce="{{.Nonce}}">
(function () {
  var targetOrigin = {{.Origin}};
  var params = new URLSearchParams(location.hash.slice(1));
  history.replaceState(null, "", location.pathname);
  var message = { type: "aiguillage-agent" };
  if (params.get("code")) message.code = params.get("code");
  else message.error = params.get("error") || "server_error";
  if (window.opener && !window.opener.closed) {
    window.opener.postMessage(message, targetOrigin);
    window.close();
  }
  document.getElementById("status").textContent = "Vous pouvez fermer cette fenêtre et revenir au widget.";
})();
</script>{{end}}
</body>
</html>
`
