package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/accounts"
	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Accounts is what the auth handlers need.
type Accounts interface {
	Login(ctx context.Context, email, password, clientIP string) (*accounts.Session, error)
	Refresh(ctx context.Context, token string) (*accounts.Session, error)
	Logout(ctx context.Context, token string) error
	AcceptInvitation(ctx context.Context, token, password string) (*accounts.Session, error)
	Authenticate(ctx context.Context, token string) (*domain.User, error)
}

// LoginRequest opens a session.
type LoginRequest struct {
	Email    string `json:"email" example:"referent@exemple.fr"`
	Password string `json:"password" example:"un mot de passe assez long"`
} // @name LoginRequest

// RefreshRequest carries a refresh token (to rotate, or to revoke on logout).
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
} // @name RefreshRequest

// AcceptInvitationRequest joins an organisation with an invitation.
type AcceptInvitationRequest struct {
	Token string `json:"token"`
	// Password of the new account, or of the existing account with that e-mail.
	Password string `json:"password"`
} // @name AcceptInvitationRequest

// TokenResponse is an open session.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type" example:"Bearer"`
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn    int    `json:"expires_in" example:"600"`
	RefreshToken string `json:"refresh_token"`
	// RefreshExpiresIn is the refresh token's lifetime in seconds; it is
	// single-use: each refresh returns a new one.
	RefreshExpiresIn int `json:"refresh_expires_in"`
} // @name TokenResponse

type authHandlers struct {
	accounts Accounts
	now      func() time.Time
}

func (h *authHandlers) session(c echo.Context, s *accounts.Session) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	now := h.now()
	return c.JSON(http.StatusOK, TokenResponse{AccessToken: s.AccessToken, TokenType: "Bearer",
		ExpiresIn: int(s.AccessExpiresAt.Sub(now).Seconds()), RefreshToken: s.RefreshToken,
		RefreshExpiresIn: int(s.RefreshExpires.Sub(now).Seconds())})
}

func requireFields(fields map[string]string) error {
	var v domain.Validation
	for name, val := range fields {
		if strings.TrimSpace(val) == "" {
			v.Add(name, "est obligatoire")
		}
	}
	return v.Err("Champs manquants.")
}

// login godoc
//
//	@Summary		Log in
//	@Description	Returns a short-lived access token (JWT, ≤ 15 min) and a single-use refresh token. Failed attempts are throttled per account and per address: 429 with Retry-After.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"Credentials"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Router			/api/v1/auth/login [post]
func (h *authHandlers) login(c echo.Context) error {
	var req LoginRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if err := requireFields(map[string]string{"email": req.Email, "password": req.Password}); err != nil {
		return err
	}
	s, err := h.accounts.Login(c.Request().Context(), req.Email, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	return h.session(c, s)
}

// refresh godoc
//
//	@Summary		Rotate a refresh token
//	@Description	Each refresh token works once. Presenting one that was already used revokes the whole session.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RefreshRequest	true	"Refresh token"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Router			/api/v1/auth/refresh [post]
func (h *authHandlers) refresh(c echo.Context) error {
	var req RefreshRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if err := requireFields(map[string]string{"refresh_token": req.RefreshToken}); err != nil {
		return err
	}
	s, err := h.accounts.Refresh(c.Request().Context(), req.RefreshToken)
	if err != nil {
		return err
	}
	return h.session(c, s)
}

// logout godoc
//
//	@Summary	Log out (revoke the session)
//	@Tags		auth
//	@Accept		json
//	@Param		body	body	RefreshRequest	true	"Refresh token of the session"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Router		/api/v1/auth/logout [post]
func (h *authHandlers) logout(c echo.Context) error {
	var req RefreshRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if err := requireFields(map[string]string{"refresh_token": req.RefreshToken}); err != nil {
		return err
	}
	if err := h.accounts.Logout(c.Request().Context(), req.RefreshToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// acceptInvitation godoc
//
//	@Summary		Accept an invitation
//	@Description	Creates the account with that password (or, if an account already uses the invited e-mail, checks its password), adds the membership, and opens a session. The invitation works once.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		AcceptInvitationRequest	true	"Invitation token and password"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/auth/invitations/accept [post]
func (h *authHandlers) acceptInvitation(c echo.Context) error {
	var req AcceptInvitationRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if err := requireFields(map[string]string{"token": req.Token, "password": req.Password}); err != nil {
		return err
	}
	s, err := h.accounts.AcceptInvitation(c.Request().Context(), req.Token, req.Password)
	if err != nil {
		return err
	}
	return h.session(c, s)
}

const actorKey = "aiguillage.actor"

// bearer authenticates the request with its access token.
func (h *authHandlers) bearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		authz := c.Request().Header.Get(echo.HeaderAuthorization)
		token, ok := strings.CutPrefix(authz, "Bearer ")
		if !ok || token == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="aiguillage"`)
			return domain.Errorf(domain.EUNAUTHORIZED, "Authentification requise : en-tête Authorization: Bearer <jeton>.")
		}
		u, err := h.accounts.Authenticate(c.Request().Context(), token)
		if err != nil {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="aiguillage", error="invalid_token"`)
			return err
		}
		c.Set(actorKey, admin.Actor{UserID: u.ID, Email: u.Email, PlatformAdmin: u.PlatformAdmin})
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

func actor(c echo.Context) admin.Actor {
	a, _ := c.Get(actorKey).(admin.Actor)
	return a
}
