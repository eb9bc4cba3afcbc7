package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/admin"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ContactPointRequest creates or edits a contact point. On PATCH, absent
// fields are left unchanged. Read-only fields (id, version, source…) are
// accepted and ignored, so a client may send back what it read.
type ContactPointRequest struct {
	Name        *string `json:"name,omitempty" example:"Maison départementale des solidarités de Toulon"`
	Description *string `json:"description,omitempty"`
	// Translations replaces every translation of the description, by
	// language code (GET /api/v1/public/languages; not fr); {} removes them.
	Translations *map[string]ContactPointText `json:"translations,omitempty"`
	Granularity  *string                      `json:"granularity,omitempty" enums:"administration,service,agent_group,person"`
	// Visibility reserves the contact point to agents: public (everyone,
	// the default), organisation_agents (the members of the organisation,
	// in the widget's agent mode) or all_agents (every signed-in user, in
	// agent mode). Each channel has its own (a public contact point may
	// carry a direct line reserved to agents).
	Visibility *string       `json:"visibility,omitempty" enums:"public,organisation_agents,all_agents"`
	Pivot      *string       `json:"pivot,omitempty" example:"mds"`
	Themes     *[]string     `json:"themes,omitempty"`
	Channels   *[]Channel    `json:"channels,omitempty"`
	Address    *Address      `json:"address,omitempty"`
	Hours      *OpeningHours `json:"opening_hours,omitempty"`
	Coverage   *Coverage     `json:"coverage,omitempty"`
	// Overrides is the id of a national contact point this one adjusts
	// locally: its non-empty fields (description, channels, opening hours)
	// win for this partner's residents, without copying the rest.
	Overrides *string `json:"overrides,omitempty" format:"uuid"`

	ID         json.RawMessage `json:"id,omitempty" swaggerignore:"true"`
	Version    json.RawMessage `json:"version,omitempty" swaggerignore:"true"`
	Emergency  json.RawMessage `json:"emergency,omitempty" swaggerignore:"true"`
	Rank       json.RawMessage `json:"emergency_rank,omitempty" swaggerignore:"true"`
	Source     json.RawMessage `json:"source,omitempty" swaggerignore:"true"`
	VerifiedAt json.RawMessage `json:"verified_at,omitempty" swaggerignore:"true"`
	CreatedAt  json.RawMessage `json:"created_at,omitempty" swaggerignore:"true"`
	UpdatedAt  json.RawMessage `json:"updated_at,omitempty" swaggerignore:"true"`
	Distance   json.RawMessage `json:"distance_km,omitempty" swaggerignore:"true"`
	InCommune  json.RawMessage `json:"in_commune,omitempty" swaggerignore:"true"`
	Reason     json.RawMessage `json:"reason,omitempty" swaggerignore:"true"`
	TextLang   json.RawMessage `json:"text_lang,omitempty" swaggerignore:"true"`
} // @name ContactPointRequest

// ContactPointText is a contact point's description in one language.
type ContactPointText struct {
	Description string `json:"description,omitempty" maxLength:"2000"`
} // @name ContactPointText

func (r *ContactPointRequest) input() admin.ContactPointInput {
	in := admin.ContactPointInput{Name: r.Name, Description: r.Description, Pivot: r.Pivot, Themes: r.Themes, Overrides: r.Overrides}
	if r.Translations != nil {
		ts := make(map[string]domain.ContactPointText, len(*r.Translations))
		for l, t := range *r.Translations {
			ts[l] = domain.ContactPointText{Description: t.Description}
		}
		in.Translations = &ts
	}
	if r.Granularity != nil {
		g := domain.Granularity(*r.Granularity)
		in.Granularity = &g
	}
	if r.Visibility != nil {
		v := domain.Visibility(*r.Visibility)
		in.Visibility = &v
	}
	if r.Channels != nil {
		chs := make([]domain.Channel, len(*r.Channels))
		for i, c := range *r.Channels {
			chs[i] = domain.Channel{Kind: domain.ChannelKind(c.Kind), Value: strings.TrimSpace(c.Value), Label: c.Label, CostNote: c.CostNote,
				AccessibilityNote: c.AccessibilityNote, Visibility: domain.Visibility(strings.TrimSpace(c.Visibility))}
		}
		in.Channels = &chs
	}
	if r.Address != nil {
		a := &domain.Address{Lines: r.Address.Lines, PostalCode: r.Address.PostalCode, City: r.Address.City, CommuneCode: r.Address.CommuneCode,
			Latitude: r.Address.Latitude, Longitude: r.Address.Longitude, Accessibility: r.Address.Accessibility}
		in.Address = &a
	}
	if r.Hours != nil {
		h := domain.OpeningHours{Weekly: slotsDomain(r.Hours.Weekly), Note: r.Hours.Note, Indicative: r.Hours.Indicative}
		for _, e := range r.Hours.Exceptions {
			h.Exceptions = append(h.Exceptions, domain.OpeningException{Date: e.Date, Closed: e.Closed, Slots: slotsDomain(e.Slots), Note: e.Note})
		}
		in.Hours = &h
	}
	if r.Coverage != nil {
		in.Coverage = &domain.Coverage{Rule: domain.CoverageRule(r.Coverage.Rule), National: r.Coverage.National, Regions: r.Coverage.Regions,
			Departements: r.Coverage.Departements, Communes: r.Coverage.Communes}
	}
	return in
}

func slotsDomain(in []OpeningSlot) []domain.OpeningSlot {
	out := make([]domain.OpeningSlot, len(in))
	for i, s := range in {
		out[i] = domain.OpeningSlot{Day: s.Day, Opens: s.Opens, Closes: s.Closes}
	}
	return out
}

// AdminContactPoint is a contact point as the back office sees it.
type AdminContactPoint struct {
	ContactPoint
	// Overrides is the national contact point this one adjusts, if any.
	Overrides string `json:"overrides,omitempty"`
	// Translations of the description, by language code.
	Translations map[string]ContactPointText `json:"translations"`
	// Version changes on every edit; send it back in If-Match.
	Version   int    `json:"version"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
} // @name AdminContactPoint

// AdminContactPointList is one page of contact points.
type AdminContactPointList struct {
	Total         int                 `json:"total"`
	ContactPoints []AdminContactPoint `json:"contact_points"`
} // @name AdminContactPointList

func adminContactPointDTO(c *domain.ContactPoint) AdminContactPoint {
	out := AdminContactPoint{ContactPoint: withVisibility(contactPointDTO(c), c), Overrides: c.OverridesID, Version: c.Version,
		Translations: make(map[string]ContactPointText, len(c.Translations)),
		CreatedAt:    c.CreatedAt.Format("2006-01-02T15:04:05Z"), UpdatedAt: c.UpdatedAt.Format("2006-01-02T15:04:05Z")}
	for l, t := range c.Translations {
		out.Translations[l] = ContactPointText{Description: t.Description}
	}
	return out
}

type adminHandlers struct {
	svc       *admin.Service
	publicURL string
	// adminURL is where the référents' app is served (invitation links).
	adminURL string
}

func versionETag(v int) string { return `"` + strconv.Itoa(v) + `"` }

// ifMatchVersion reads the version from If-Match ("3" or W/"3").
func ifMatchVersion(c echo.Context) (int, bool) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	n, err := strconv.Atoi(h)
	return n, err == nil && n > 0
}

// requireIfMatch reads the version an edit was made on; without it the edit
// could silently overwrite someone else's (428 Precondition Required).
func requireIfMatch(c echo.Context) (int, error) {
	v, ok := ifMatchVersion(c)
	if !ok {
		return 0, echo.NewHTTPError(http.StatusPreconditionRequired, `En-tête If-Match obligatoire : renvoyez la version lue (ETag), par exemple If-Match: "3".`)
	}
	return v, nil
}

// optionalIfMatch reads If-Match when the client sent one (0 when it did
// not); a malformed one is refused rather than ignored.
func optionalIfMatch(c echo.Context) (int, error) {
	if strings.TrimSpace(c.Request().Header.Get("If-Match")) == "" {
		return 0, nil
	}
	v, ok := ifMatchVersion(c)
	if !ok {
		return 0, domain.Invalid("En-tête If-Match invalide.", domain.FieldError{Field: "If-Match", Message: `renvoyez la version lue (ETag), par exemple "3"`})
	}
	return v, nil
}

func pageParams(c echo.Context, v *domain.Validation) (offset, limit int) {
	limit = intParam(c, v, "limit", 50)
	offset = intParam(c, v, "offset", 0)
	if limit < 1 || limit > 200 {
		v.Add("limit", "doit être compris entre 1 et 200")
	}
	if offset < 0 {
		v.Add("offset", "doit être positif")
	}
	return offset, limit
}

// instantParam reads an RFC 3339 date-time, or a YYYY-MM-DD date meaning
// its midnight UTC; empty: nil. ok is false for anything else.
func instantParam(raw string) (t *time.Time, ok bool) {
	if raw == "" {
		return nil, true
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if v, err := time.Parse(layout, raw); err == nil {
			v = v.UTC()
			return &v, true
		}
	}
	return nil, false
}

// listContactPoints godoc
//
//	@Summary		List an organisation's contact points
//	@Description	`verified_before` keeps the contact points last verified before that instant and those never verified: an RFC 3339 date-time, or a date (YYYY-MM-DD) meaning its midnight UTC. `sort=verified_at` lists the never verified first, then the oldest verified; `-verified_at` the latest verified first, the never verified last. `total` counts every match.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org				path		string	true	"Organisation slug"
//	@Param			q				query		string	false	"Part of the name"
//	@Param			pivot			query		string	false	"Kind of office"
//	@Param			theme			query		string	false	"Theme slug"
//	@Param			verified_before	query		string	false	"Not verified since (date or date-time)"	example(2026-01-01)
//	@Param			sort			query		string	false	"Sort order"								Enums(name,-name,updated_at,-updated_at,verified_at,-verified_at)
//	@Param			limit			query		int		false	"Page size"									minimum(1)	maximum(200)	default(50)
//	@Param			offset			query		int		false	"Page start"								minimum(0)	default(0)
//	@Success		200				{object}	AdminContactPointList
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/contact-points [get]
func (h *adminHandlers) listContactPoints(c echo.Context) error {
	var v domain.Validation
	offset, limit := pageParams(c, &v)
	sort := c.QueryParam("sort")
	switch sort {
	case "", "name", "-name", "updated_at", "-updated_at", "verified_at", "-verified_at":
	default:
		v.Add("sort", "doit valoir name, -name, updated_at, -updated_at, verified_at ou -verified_at")
	}
	verifiedBefore, ok := instantParam(c.QueryParam("verified_before"))
	if !ok {
		v.Add("verified_before", "date attendue au format AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ (RFC 3339)")
	}
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	f := domain.ContactPointFilter{Query: c.QueryParam("q"), Pivot: c.QueryParam("pivot"), Theme: c.QueryParam("theme"),
		VerifiedBefore: verifiedBefore, Sort: sort, Offset: offset, Limit: limit}
	cps, total, err := h.svc.ListContactPoints(c.Request().Context(), actor(c), c.Param("org"), f)
	if err != nil {
		return err
	}
	out := AdminContactPointList{Total: total, ContactPoints: make([]AdminContactPoint, len(cps))}
	for i, cp := range cps {
		out.ContactPoints[i] = adminContactPointDTO(cp)
	}
	return c.JSON(http.StatusOK, out)
}

// getContactPoint godoc
//
//	@Summary	One of the organisation's contact points
//	@Tags		admin
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org	path		string	true	"Organisation slug"
//	@Param		id	path		string	true	"Contact point id"	format(uuid)
//	@Success	200	{object}	AdminContactPoint
//	@Header		200	{string}	ETag	"The version, to send back in If-Match"
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/contact-points/{id} [get]
func (h *adminHandlers) getContactPoint(c echo.Context) error {
	cp, err := h.svc.GetContactPoint(c.Request().Context(), actor(c), c.Param("org"), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(cp.Version))
	return c.JSON(http.StatusOK, adminContactPointDTO(cp))
}

// createContactPoint godoc
//
//	@Summary	Create a contact point
//	@Tags		admin
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org		path		string				true	"Organisation slug"
//	@Param		body	body		ContactPointRequest	true	"The contact point"
//	@Success	201		{object}	AdminContactPoint
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/contact-points [post]
func (h *adminHandlers) createContactPoint(c echo.Context) error {
	var req ContactPointRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	cp, err := h.svc.CreateContactPoint(c.Request().Context(), actor(c), c.Param("org"), req.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(cp.Version))
	return c.JSON(http.StatusCreated, adminContactPointDTO(cp))
}

// updateContactPoint godoc
//
//	@Summary		Edit a contact point
//	@Description	Absent fields are left unchanged. If-Match must carry the version read (ETag); a stale version answers 409 and changes nothing.
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org			path		string				true	"Organisation slug"
//	@Param			id			path		string				true	"Contact point id"	format(uuid)
//	@Param			If-Match	header		string				true	"Version being edited, e.g. \"3\""
//	@Param			body		body		ContactPointRequest	true	"The changes"
//	@Success		200			{object}	AdminContactPoint
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/contact-points/{id} [patch]
func (h *adminHandlers) updateContactPoint(c echo.Context) error {
	var req ContactPointRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	version, err := requireIfMatch(c)
	if err != nil {
		return err
	}
	cp, err := h.svc.UpdateContactPoint(c.Request().Context(), actor(c), c.Param("org"), c.Param("id"), version, req.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(cp.Version))
	return c.JSON(http.StatusOK, adminContactPointDTO(cp))
}

// deleteContactPoint godoc
//
//	@Summary	Delete a contact point
//	@Tags		admin
//	@Security	BearerAuth
//	@Param		org			path	string	true	"Organisation slug"
//	@Param		id			path	string	true	"Contact point id"	format(uuid)
//	@Param		If-Match	header	string	false	"Version being deleted"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/contact-points/{id} [delete]
func (h *adminHandlers) deleteContactPoint(c echo.Context) error {
	version, _ := ifMatchVersion(c)
	if err := h.svc.DeleteContactPoint(c.Request().Context(), actor(c), c.Param("org"), c.Param("id"), version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
