package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// PreviewTokens issues and checks the tokens of journey draft previews
// (auth.PreviewTokens).
type PreviewTokens interface {
	Issue(c auth.PreviewClaims) (string, time.Time, error)
	Verify(token string) (*auth.PreviewClaims, error)
}

// PreviewToken opens a journey's draft in the widget for 30 minutes.
type PreviewToken struct {
	// Token goes in the widget's preview attribute; the widget then reads
	// /api/v1/public/previews/{token}.
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at" format:"date-time" example:"2026-11-27T10:30:00Z"`
} // @name PreviewToken

// previewToken godoc
//
//	@Summary		A token to preview the draft in the widget
//	@Description	Any member who can read the journey gets one. The token is valid 30 minutes and names only the organisation and the journey: set it as the widget's preview attribute (used by the back office). It is not an access token, and an access token is not a preview token.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			journey	path		string	true	"Journey slug"
//	@Success		201		{object}	PreviewToken
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/journeys/{journey}/preview-token [post]
func (h *journeyHandlers) previewToken(c echo.Context) error {
	p, err := h.svc.Preview(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	token, expires, err := h.previews.Issue(auth.PreviewClaims{OrganisationID: p.Organisation.ID, Journey: p.Journey.Slug})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, PreviewToken{Token: token, ExpiresAt: expires.UTC().Format(time.RFC3339)})
}

// previewClaims checks the token in the path. Preview answers are never
// stored anywhere: the draft they show changes.
func (h *journeyHandlers) previewClaims(c echo.Context) (*auth.PreviewClaims, error) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	cl, err := h.previews.Verify(c.Param("token"))
	switch {
	case errors.Is(err, auth.ErrPreviewExpired):
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Cet aperçu a expiré : rouvrez-le depuis l'espace référents.")
	case err != nil:
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Lien d'aperçu invalide : rouvrez l'aperçu depuis l'espace référents.")
	}
	return cl, nil
}

// publicPreview godoc
//
//	@Summary		A journey's draft, for a preview in the widget
//	@Description	The current draft of the journey the token names (a draft saved after the token was issued is served), in the shape of a published journey; its outcomes resolve at /api/v1/public/previews/{token}/outcomes/{id}. Never cached (Cache-Control: no-store). An invalid or expired token gets 401; a journey deleted since, 404.
//	@Tags			public
//	@Produce		json
//	@Param			token	path		string	true	"Preview token (POST …/journeys/{journey}/preview-token)"
//	@Param			lang	query		string	false	"Language, as for the published journey (the back office previews each language)"	example(en)
//	@Success		200		{object}	PublicJourney
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem	"Malformed lang"
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/previews/{token} [get]
func (h *journeyHandlers) publicPreview(c echo.Context) error {
	cl, err := h.previewClaims(c)
	if err != nil {
		return err
	}
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	p, err := h.svc.DraftPreview(c.Request().Context(), cl.OrganisationID, cl.Journey)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, publicJourneyDTO(p, lang))
}

// previewOutcome godoc
//
//	@Summary		Resolve an outcome of a previewed draft for a commune
//	@Description	As /api/v1/public/outcomes/{id} does for published journeys (same coverage precedence, the partner's contact points first, its local overrides applied), on the current draft of the journey the token names. Never cached.
//	@Tags			public
//	@Produce		json
//	@Param			token	path		string	true	"Preview token"
//	@Param			id		path		string	true	"Outcome id (from the preview's outcomes)"	format(uuid)
//	@Param			commune	query		string	false	"INSEE code; required for dynamic outcomes"	example(83137)
//	@Param			lang	query		string	false	"Language, as for published outcomes"	example(en)
//	@Success		200		{object}	OutcomeResponse
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key; or mode=agent without a valid access token"
//	@Param			mode	query		string	false	"agent: the answer for a signed-in agent (access token in Authorization), with the contact points and channels reserved to agents, each item marked with its visibility; private (Cache-Control: private, no-store; Vary: Authorization), never cached. Without a valid token: 401. Absent: the public answer, token or not."	Enums(agent)
//	@Param			Authorization	header	string	false	"Bearer <access token> (POST /api/v1/auth/login or ProConnect), with mode=agent"
//	@Router			/api/v1/public/previews/{token}/outcomes/{id} [get]
func (h *journeyHandlers) previewOutcome(c echo.Context) error {
	cl, err := h.previewClaims(c)
	if err != nil {
		return err
	}
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	ans, err := h.svc.DraftOutcome(c.Request().Context(), cl.OrganisationID, cl.Journey, c.Param("id"), c.QueryParam("commune"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.outcomeDTO(ans, lang, v))
}
