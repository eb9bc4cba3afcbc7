package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Directory is what the public handlers need from the directory service.
type Directory interface {
	Organisation(ctx context.Context, slug string) (*domain.Organisation, error)
	// ContactPointFor returns a contact point as the viewer may see it.
	ContactPointFor(ctx context.Context, id string, v domain.Viewer) (*domain.ContactPoint, error)
	FindContactPoints(ctx context.Context, q directory.LocalQuery) (*directory.LocalResult, error)
	Emergency(ctx context.Context, communeCode string) ([]*domain.ContactPoint, *domain.Commune, error)
	SearchCommunes(q string, limit int) ([]*domain.Commune, error)
	Themes(ctx context.Context, slug string) (*domain.Organisation, []*domain.Theme, error)
}

type publicHandlers struct {
	dir      Directory
	communes domain.Communes
	pivots   PivotList
	// commons holds the national themes, helplines and kinds of office in
	// the other languages.
	commons *commons.Translations
}

// intParam reads an optional integer query parameter.
func intParam(c echo.Context, v *domain.Validation, name string, def int) int {
	raw := c.QueryParam(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		v.Add(name, "doit être un nombre entier")
		return def
	}
	return n
}

// searchCommunes godoc
//
//	@Summary		Autocomplete communes
//	@Description	Finds communes by the start of their name (case, accents, hyphens and apostrophes ignored; "st" = "saint") or by postal code, most populous first.
//	@Tags			public
//	@Produce		json
//	@Param			q		query		string	true	"Start of a commune name, or a postal code (at least 2 characters)"	minlength(2)	maxlength(100)
//	@Param			limit	query		int		false	"Maximum number of communes"										minimum(1)		maximum(50)	default(10)
//	@Success		200		{object}	CommuneList
//	@Failure		400		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/communes [get]
func (h *publicHandlers) searchCommunes(c echo.Context) error {
	var v domain.Validation
	limit := intParam(c, &v, "limit", 10)
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	found, err := h.dir.SearchCommunes(c.QueryParam("q"), limit)
	if err != nil {
		return err
	}
	out := CommuneList{Communes: make([]Commune, len(found))}
	for i, co := range found {
		out.Communes[i] = communeDTO(co, h.communes)
	}
	return c.JSON(http.StatusOK, out)
}

// getOrganisation godoc
//
//	@Summary		A partner's public configuration
//	@Description	Name, branding, entry points and territory of a partner, as the widget needs them. The partner's texts (entry points' names and descriptions) have no translation: with another lang than fr they stay French, marked text_lang "fr".
//	@Tags			public
//	@Produce		json
//	@Param			slug	path		string	true	"Partner identifier"	example(var)
//	@Param			lang	query		string	false	"Language (BCP 47, see /api/v1/public/languages). Absent or not shipped: fr. Malformed: 400."	example(en)
//	@Success		200		{object}	PublicOrganisation
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem	"Malformed lang"
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/organisations/{slug} [get]
func (h *publicHandlers) getOrganisation(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	o, err := h.dir.Organisation(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, publicOrganisationDTO(o, lang))
}

// getContactPoint godoc
//
//	@Summary		One contact point
//	@Description	Its description in the language asked for, or the French original marked text_lang "fr".
//	@Tags			public
//	@Produce		json
//	@Param			id		path		string	true	"Contact point identifier (UUID)"	format(uuid)
//	@Param			lang	query		string	false	"Language (BCP 47, see /api/v1/public/languages). Absent or not shipped: fr. Malformed: 400."	example(en)
//	@Success		200		{object}	ContactPoint
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem	"Malformed identifier or lang"
//	@Failure		404	{object}	Problem
//	@Failure		410	{object}	Problem	"Withdrawn: its source (the service-public.fr annuaire…) no longer lists it"
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key; or mode=agent without a valid access token"
//	@Param			mode	query		string	false	"agent: the answer for a signed-in agent (access token in Authorization), with the contact points and channels reserved to agents, each item marked with its visibility; private (Cache-Control: private, no-store; Vary: Authorization), never cached. Without a valid token: 401. Absent: the public answer, token or not."	Enums(agent)
//	@Param			Authorization	header	string	false	"Bearer <access token> (POST /api/v1/auth/login or ProConnect), with mode=agent"
//	@Router			/api/v1/public/contact-points/{id} [get]
func (h *publicHandlers) getContactPoint(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	cp, err := h.dir.ContactPointFor(c.Request().Context(), c.Param("id"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, forViewer(contactPointIn(cp, lang), cp, v))
}

// listContactPoints godoc
//
//	@Summary		Contact points of a kind, serving a commune
//	@Description	With `commune`, coverage is resolved: offices whose territory includes the commune (national, région, département, commune), and for kinds served locally (mairie, France Travail, France services…) the office in the commune or else the nearest one in the département. Offices in the commune come first, then by distance. Without `commune`, a nationwide paginated listing.
//	@Tags			public
//	@Produce		json
//	@Param			pivot	query		string	false	"Kind of office (service-public.fr annuaire pivot type), e.g. caf, cpam, mairie, prefecture, pole_emploi, maison_handicapees, msap. Required unless theme is given."	example(caf)
//	@Param			theme	query		string	false	"Theme slug"
//	@Param			commune	query		string	false	"INSEE code of the resident's commune"	example(83137)
//	@Param			limit	query		int		false	"Page size"								minimum(1)	maximum(100)	default(20)
//	@Param			offset	query		int		false	"Page start"							minimum(0)	default(0)
//	@Param			lang	query		string	false	"Language of the descriptions (BCP 47, see /api/v1/public/languages). Absent or not shipped: fr. Malformed: 400."	example(en)
//	@Success		200		{object}	ContactPointList
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key; or mode=agent without a valid access token"
//	@Param			mode	query		string	false	"agent: the answer for a signed-in agent (access token in Authorization), with the contact points and channels reserved to agents, each item marked with its visibility; private (Cache-Control: private, no-store; Vary: Authorization), never cached. Without a valid token: 401. Absent: the public answer, token or not."	Enums(agent)
//	@Param			Authorization	header	string	false	"Bearer <access token> (POST /api/v1/auth/login or ProConnect), with mode=agent"
//	@Router			/api/v1/public/contact-points [get]
func (h *publicHandlers) listContactPoints(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	var v domain.Validation
	q := directory.LocalQuery{
		Pivot: c.QueryParam("pivot"), Theme: c.QueryParam("theme"), Commune: c.QueryParam("commune"),
		Limit: intParam(c, &v, "limit", 20), Offset: intParam(c, &v, "offset", 0), Viewer: viewer(c),
	}
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	res, err := h.dir.FindContactPoints(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := ContactPointList{Total: res.Total, ContactPoints: make([]ContactPoint, len(res.ContactPoints))}
	for i, l := range res.ContactPoints {
		out.ContactPoints[i] = forViewer(locatedIn(l, res.Commune, lang), l.ContactPoint, q.Viewer)
	}
	if res.Commune != nil {
		co := communeDTO(res.Commune, h.communes)
		out.Commune = &co
	}
	return c.JSON(http.StatusOK, out)
}

// emergency godoc
//
//	@Summary		Emergency numbers
//	@Description	The emergency numbers, most urgent first (15, 17, 18, 112, 114…). Free, 24/7 unless stated. Names, purposes and hours come in the language asked for (`lang`); a number without a translation carries `text_lang: "fr"`.
//	@Tags			public
//	@Produce		json
//	@Param			commune	query		string	false	"INSEE code of the resident's commune"	example(83137)
//	@Param			lang	query		string	false	"Language of the texts (BCP 47: fr, fr-x-falc, en, ar, uk, es, pt, tr; region ignored; absent or not shipped: fr)"	example(en)
//	@Success		200		{object}	EmergencyList
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/emergency [get]
func (h *publicHandlers) emergency(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	cps, commune, err := h.dir.Emergency(c.Request().Context(), c.QueryParam("commune"))
	if err != nil {
		return err
	}
	out := EmergencyList{Numbers: make([]ContactPoint, len(cps))}
	for i, cp := range cps {
		out.Numbers[i] = forViewer(helplineIn(cp, lang, h.commons), cp, domain.Viewer{})
	}
	if commune != nil {
		co := communeDTO(commune, h.communes)
		out.Commune = &co
	}
	return c.JSON(http.StatusOK, out)
}
