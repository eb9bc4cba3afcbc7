package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
)

// AdminOrganisation is an organisation as the back office sees it.
type AdminOrganisation struct {
	PublicOrganisation
	AllowedOrigins []string `json:"allowed_origins"`
	// Version changes on every edit; send it back in If-Match.
	Version   int    `json:"version"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
} // @name AdminOrganisation

// AdminOrganisationList is one page of organisations.
type AdminOrganisationList struct {
	Total         int                 `json:"total"`
	Organisations []AdminOrganisation `json:"organisations"`
} // @name AdminOrganisationList

// OrganisationRequest creates or edits an organisation. Slug, name, kind and
// territory are for platform admins; branding and allowed origins for the
// organisation's admins too. The logo is uploaded apart (PUT …/logo).
type OrganisationRequest struct {
	Slug           *string   `json:"slug,omitempty" example:"ville-de-toulon"`
	Name           *string   `json:"name,omitempty" example:"Ville de Toulon"`
	Kind           *string   `json:"kind,omitempty" enums:"region,departement,epci,commune,public_body"`
	Territory      *[]string `json:"territory,omitempty"`
	Branding       *Branding `json:"branding,omitempty"`
	AllowedOrigins *[]string `json:"allowed_origins,omitempty"`

	EntryPoints json.RawMessage `json:"entry_points,omitempty" swaggerignore:"true"`
	Version     json.RawMessage `json:"version,omitempty" swaggerignore:"true"`
	CreatedAt   json.RawMessage `json:"created_at,omitempty" swaggerignore:"true"`
	UpdatedAt   json.RawMessage `json:"updated_at,omitempty" swaggerignore:"true"`
} // @name OrganisationRequest

func (r *OrganisationRequest) input() admin.OrganisationInput {
	in := admin.OrganisationInput{Slug: r.Slug, Name: r.Name, Territory: r.Territory, AllowedOrigins: r.AllowedOrigins}
	if r.Kind != nil {
		k := domain.OrganisationKind(*r.Kind)
		in.Kind = &k
	}
	if r.Branding != nil {
		in.Branding = &domain.Branding{PrimaryColor: r.Branding.PrimaryColor, SecondaryColor: r.Branding.SecondaryColor}
	}
	return in
}

func adminOrganisationDTO(o *domain.Organisation) AdminOrganisation {
	return AdminOrganisation{PublicOrganisation: publicOrganisationDTO(o, i18n.French), AllowedOrigins: orEmpty(o.AllowedOrigins), Version: o.Version,
		CreatedAt: o.CreatedAt.Format(time.RFC3339), UpdatedAt: o.UpdatedAt.Format(time.RFC3339)}
}

// listOrganisations godoc
//
//	@Summary	Organisations of the référent (all of them for platform admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		limit	query		int	false	"Page size"		minimum(1)	maximum(200)	default(50)
//	@Param		offset	query		int	false	"Page start"	minimum(0)	default(0)
//	@Success	200		{object}	AdminOrganisationList
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Router		/api/v1/admin/organisations [get]
func (h *adminHandlers) listOrganisations(c echo.Context) error {
	var v domain.Validation
	offset, limit := pageParams(c, &v)
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	orgs, total, err := h.svc.ListOrganisations(c.Request().Context(), actor(c), domain.Page{Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := AdminOrganisationList{Total: total, Organisations: make([]AdminOrganisation, len(orgs))}
	for i, o := range orgs {
		out.Organisations[i] = adminOrganisationDTO(o)
	}
	return c.JSON(http.StatusOK, out)
}

// createOrganisation godoc
//
//	@Summary	Create an organisation (platform admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		body	body		OrganisationRequest	true	"The organisation"
//	@Success	201		{object}	AdminOrganisation
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Router		/api/v1/admin/organisations [post]
func (h *adminHandlers) createOrganisation(c echo.Context) error {
	var req OrganisationRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	o, err := h.svc.CreateOrganisation(c.Request().Context(), actor(c), req.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(o.Version))
	return c.JSON(http.StatusCreated, adminOrganisationDTO(o))
}

// getOrganisation godoc
//
//	@Summary	One of the référent's organisations
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org	path		string	true	"Organisation slug"
//	@Success	200	{object}	AdminOrganisation
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org} [get]
func (h *adminHandlers) getOrganisation(c echo.Context) error {
	o, err := h.svc.GetOrganisation(c.Request().Context(), actor(c), c.Param("org"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(o.Version))
	return c.JSON(http.StatusOK, adminOrganisationDTO(o))
}

// updateOrganisation godoc
//
//	@Summary		Edit an organisation
//	@Description	Organisation admins edit branding and allowed origins; platform admins everything. If-Match must carry the version read.
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org			path		string				true	"Organisation slug"
//	@Param			If-Match	header		string				true	"Version being edited, e.g. \"3\""
//	@Param			body		body		OrganisationRequest	true	"The changes"
//	@Success		200			{object}	AdminOrganisation
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Router			/api/v1/admin/organisations/{org} [patch]
func (h *adminHandlers) updateOrganisation(c echo.Context) error {
	var req OrganisationRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	version, err := requireIfMatch(c)
	if err != nil {
		return err
	}
	o, err := h.svc.UpdateOrganisation(c.Request().Context(), actor(c), c.Param("org"), version, req.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(o.Version))
	return c.JSON(http.StatusOK, adminOrganisationDTO(o))
}

// deleteOrganisation godoc
//
//	@Summary	Delete an organisation and all it owns (platform admins)
//	@Tags		admin
//	@Security	BearerAuth
//	@Param		org	path	string	true	"Organisation slug"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org} [delete]
func (h *adminHandlers) deleteOrganisation(c echo.Context) error {
	if err := h.svc.DeleteOrganisation(c.Request().Context(), actor(c), c.Param("org")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// uploadLogo godoc
//
//	@Summary		Upload the organisation's logo (admins)
//	@Description	The request body is the image itself: PNG, JPEG or WebP, at most 512 KB and 2048 px; SVG is refused. PNG and JPEG are re-encoded (metadata dropped). The logo is then served publicly and named in the branding.
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			image/png,image/jpeg,image/webp
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			image	body		string	true	"The image file (PNG, JPEG or WebP, at most 512 KB), sent as is with its Content-Type"	format(binary)
//	@Success		200		{object}	AdminOrganisation
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/logo [put]
func (h *adminHandlers) uploadLogo(c echo.Context) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if !strings.HasPrefix(ct, "image/png") && !strings.HasPrefix(ct, "image/jpeg") && !strings.HasPrefix(ct, "image/webp") {
		return domain.Invalid("Logo refusé.", domain.FieldError{Field: "Content-Type", Message: "envoyez l'image avec Content-Type image/png, image/jpeg ou image/webp"})
	}
	data, err := io.ReadAll(io.LimitReader(c.Request().Body, admin.MaxLogoBytes+1))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Lecture du fichier impossible.").SetInternal(err)
	}
	o, err := h.svc.SetLogo(c.Request().Context(), actor(c), c.Param("org"), data, h.publicURL)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, adminOrganisationDTO(o))
}

// Theme is a grouping of needs in residents' words.
type Theme struct {
	Slug        string   `json:"slug" example:"loyer-impaye"`
	ParentSlug  string   `json:"parent_slug,omitempty" example:"logement"`
	Label       string   `json:"label" example:"Loyer impayé, expulsion"`
	Description string   `json:"description,omitempty"`
	Synonyms    []string `json:"synonyms"`
	Version     int      `json:"version"`
} // @name Theme

// ThemeList lists themes.
type ThemeList struct {
	Themes []Theme `json:"themes"`
} // @name ThemeList

// ThemeRequest creates or edits a theme.
type ThemeRequest struct {
	Slug        *string         `json:"slug,omitempty"`
	ParentSlug  *string         `json:"parent_slug,omitempty"`
	Label       *string         `json:"label,omitempty"`
	Description *string         `json:"description,omitempty"`
	Synonyms    *[]string       `json:"synonyms,omitempty"`
	Version     json.RawMessage `json:"version,omitempty" swaggerignore:"true"`
} // @name ThemeRequest

func (r *ThemeRequest) input() admin.ThemeInput {
	return admin.ThemeInput{Slug: r.Slug, ParentSlug: r.ParentSlug, Label: r.Label, Description: r.Description, Synonyms: r.Synonyms}
}

func themeDTO(t *domain.Theme) Theme {
	return Theme{Slug: t.Slug, ParentSlug: t.ParentSlug, Label: t.Label, Description: t.Description, Synonyms: orEmpty(t.Synonyms), Version: t.Version}
}

// listThemes godoc
//
//	@Summary	The organisation's themes
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org	path		string	true	"Organisation slug"
//	@Success	200	{object}	ThemeList
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/themes [get]
func (h *adminHandlers) listThemes(c echo.Context) error {
	ts, err := h.svc.ListThemes(c.Request().Context(), actor(c), c.Param("org"))
	if err != nil {
		return err
	}
	out := ThemeList{Themes: make([]Theme, len(ts))}
	for i, t := range ts {
		out.Themes[i] = themeDTO(t)
	}
	return c.JSON(http.StatusOK, out)
}

// getTheme godoc
//
//	@Summary	One of the organisation's themes
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org		path		string	true	"Organisation slug"
//	@Param		theme	path		string	true	"Theme slug"
//	@Success	200		{object}	Theme
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/themes/{theme} [get]
func (h *adminHandlers) getTheme(c echo.Context) error {
	t, err := h.svc.GetTheme(c.Request().Context(), actor(c), c.Param("org"), c.Param("theme"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(t.Version))
	return c.JSON(http.StatusOK, themeDTO(t))
}

// createTheme godoc
//
//	@Summary	Create a theme
//	@Tags		admin
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org		path		string			true	"Organisation slug"
//	@Param		body	body		ThemeRequest	true	"The theme"
//	@Success	201		{object}	Theme
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/themes [post]
func (h *adminHandlers) createTheme(c echo.Context) error {
	var req ThemeRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	t, err := h.svc.CreateTheme(c.Request().Context(), actor(c), c.Param("org"), req.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(t.Version))
	return c.JSON(http.StatusCreated, themeDTO(t))
}

// updateTheme godoc
//
//	@Summary	Edit a theme
//	@Tags		admin
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org			path		string			true	"Organisation slug"
//	@Param		theme		path		string			true	"Theme slug"
//	@Param		If-Match	header		string			true	"Version being edited"
//	@Param		body		body		ThemeRequest	true	"The changes"
//	@Success	200			{object}	Theme
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Failure	403			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Failure	409			{object}	Problem
//	@Failure	428			{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/themes/{theme} [patch]
func (h *adminHandlers) updateTheme(c echo.Context) error {
	var req ThemeRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	version, err := requireIfMatch(c)
	if err != nil {
		return err
	}
	t, err := h.svc.UpdateTheme(c.Request().Context(), actor(c), c.Param("org"), c.Param("theme"), version, req.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(t.Version))
	return c.JSON(http.StatusOK, themeDTO(t))
}

// deleteTheme godoc
//
//	@Summary	Delete a theme
//	@Tags		admin
//	@Security	BearerAuth
//	@Param		org		path	string	true	"Organisation slug"
//	@Param		theme	path	string	true	"Theme slug"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/themes/{theme} [delete]
func (h *adminHandlers) deleteTheme(c echo.Context) error {
	if err := h.svc.DeleteTheme(c.Request().Context(), actor(c), c.Param("org"), c.Param("theme")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// publicLogo godoc
//
//	@Summary	A partner's logo
//	@Tags		public
//	@Produce	image/png,image/jpeg,image/webp
//	@Param		slug	path	string	true	"Partner identifier"
//	@Success	200
//	@Failure	404	{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router		/api/v1/public/organisations/{slug}/logo [get]
func (h *adminHandlers) publicLogo(c echo.Context) error {
	l, err := h.svc.Logo(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'")
	return c.Blob(http.StatusOK, l.ContentType, l.Data)
}
