package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
)

// JourneyDoc is a journey: the import/export format and the draft.
type JourneyDoc struct {
	Slug        string    `json:"slug" example:"logement-loyer"`
	Title       string    `json:"title" example:"Logement et loyer"`
	Description string    `json:"description,omitempty"`
	Themes      []string  `json:"themes,omitempty"`
	FirstStep   string    `json:"first_step" example:"besoin"`
	Steps       []StepDoc `json:"steps"`
} // @name JourneyDoc

// StepDoc is one step: a question, a location (the commune), or an outcome.
type StepDoc struct {
	ID      string      `json:"id" example:"besoin"`
	Kind    string      `json:"kind" enums:"question,location,outcome"`
	Text    string      `json:"text"`
	Help    string      `json:"help,omitempty"`
	Options []OptionDoc `json:"options,omitempty"`
	Next    string      `json:"next,omitempty"`
	Outcome *OutcomeDoc `json:"outcome,omitempty"`
} // @name StepDoc

// OptionDoc is an answer to a question.
type OptionDoc struct {
	Label string `json:"label"`
	Next  string `json:"next"`
} // @name OptionDoc

// OutcomeDoc says where to go.
type OutcomeDoc struct {
	Explanation   string   `json:"explanation"`
	Documents     []string `json:"documents,omitempty"`
	ContactPoints []string `json:"contact_points,omitempty"`
	// Pivots are resolved from the resident's commune ("your CAF").
	Pivots    []string `json:"pivots,omitempty"`
	Emergency bool     `json:"emergency,omitempty"`
} // @name OutcomeDoc

func journeyDoc(j *journeys.Journey) JourneyDoc {
	var d JourneyDoc
	b, _ := json.Marshal(j) // same JSON shape by construction
	_ = json.Unmarshal(b, &d)
	if d.Steps == nil {
		d.Steps = []StepDoc{}
	}
	return d
}

// PublicJourney is a published journey, whole, as the widget walks it.
type PublicJourney struct {
	Organisation string      `json:"organisation" example:"var"`
	EntryPoint   *EntryPoint `json:"entry_point,omitempty"`
	Version      int         `json:"version"`
	Journey      JourneyDoc  `json:"journey"`
	// Outcomes maps each outcome step to the id to resolve at /api/v1/public/outcomes/{id}.
	Outcomes map[string]string `json:"outcomes"`
} // @name PublicJourney

func publicJourneyDTO(p *orientation.Published) PublicJourney {
	out := PublicJourney{Organisation: p.Organisation.Slug, Version: p.Version, Journey: journeyDoc(p.Journey), Outcomes: p.OutcomeIDs}
	if p.Entry != nil {
		e := EntryPoint{Slug: p.Entry.Slug, Name: p.Entry.Name, Description: p.Entry.Description, Themes: orEmpty(p.Entry.Themes), Journey: p.Entry.Journey}
		if p.Entry.Branding != nil {
			b := brandingDTO(*p.Entry.Branding)
			e.Branding = &b
		}
		out.EntryPoint = &e
	}
	return out
}

// OutcomeResponse is an outcome resolved for a commune.
type OutcomeResponse struct {
	ID          string         `json:"id" format:"uuid"`
	Journey     string         `json:"journey"`
	Step        string         `json:"step"`
	Title       string         `json:"title"`
	Explanation string         `json:"explanation"`
	Documents   []string       `json:"documents"`
	Emergency   bool           `json:"emergency"`
	Commune     *Commune       `json:"commune,omitempty"`
	Contacts    []ContactPoint `json:"contact_points"`
} // @name OutcomeResponse

type journeyHandlers struct {
	svc      *orientation.Service
	communes domain.Communes
	// previews issues and checks draft preview tokens (previews.go).
	previews PreviewTokens
}

// publicJourney godoc
//
//	@Summary		A partner's published journey, by entry point
//	@Description	The whole published graph in one cacheable answer (strong ETag, 304 on If-None-Match). Drafts are never served here.
//	@Tags			public
//	@Produce		json
//	@Param			slug	path		string	true	"Partner"		example(var)
//	@Param			entry	path		string	true	"Entry point"	example(social)
//	@Success		200		{object}	PublicJourney
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/organisations/{slug}/journeys/{entry} [get]
func (h *journeyHandlers) publicJourney(c echo.Context) error {
	p, err := h.svc.PublishedJourney(c.Request().Context(), c.Param("slug"), c.Param("entry"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, publicJourneyDTO(p))
}

// outcome godoc
//
//	@Summary		Resolve an outcome for a commune
//	@Description	The contact points of a published outcome for the resident's commune: fixed ones, then for each dynamic kind the offices serving the commune (the partner's own first, then the national directory; coverage precedence commune, EPCI, département, région, national, then distance), each with the reason it was chosen. The partner's local overrides of national contact points are applied.
//	@Tags			public
//	@Produce		json
//	@Param			id		path		string	true	"Outcome id (from the journey's outcomes)"	format(uuid)
//	@Param			commune	query		string	false	"INSEE code; required for dynamic outcomes"	example(83137)
//	@Success		200		{object}	OutcomeResponse
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/outcomes/{id} [get]
func (h *journeyHandlers) outcome(c echo.Context) error {
	ans, err := h.svc.Outcome(c.Request().Context(), c.Param("id"), c.QueryParam("commune"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.outcomeDTO(ans))
}

func (h *journeyHandlers) outcomeDTO(ans *orientation.OutcomeAnswer) OutcomeResponse {
	o := ans.Step.Outcome
	out := OutcomeResponse{ID: ans.ID, Journey: ans.JourneySlug, Step: ans.Step.ID, Title: ans.Step.Text, Explanation: o.Explanation,
		Documents: orEmpty(o.Documents), Emergency: o.Emergency, Contacts: make([]ContactPoint, len(ans.Contacts))}
	if ans.Commune != nil {
		co := communeDTO(ans.Commune, h.communes)
		out.Commune = &co
	}
	for i, r := range ans.Contacts {
		cp := contactPointDTO(r.ContactPoint)
		if ans.Commune != nil && r.Pivot != "" {
			cp = locatedDTO(r.Located, ans.Commune)
		}
		cp.Reason = r.Reason
		out.Contacts[i] = cp
	}
	return out
}

// ---- back office ----

// JourneySummary lists a journey.
type JourneySummary struct {
	Slug             string `json:"slug"`
	Title            string `json:"title"`
	DraftVersion     int    `json:"draft_version"`
	PublishedVersion int    `json:"published_version"`
	UpdatedAt        string `json:"updated_at"`
} // @name JourneySummary

// JourneyList lists journeys.
type JourneyList struct {
	Journeys []JourneySummary `json:"journeys"`
} // @name JourneyList

// JourneyDraft is a journey's draft.
type JourneyDraft struct {
	JourneySummary
	Journey JourneyDoc `json:"journey"`
} // @name JourneyDraft

func summaryDTO(r *domain.JourneyRecord) JourneySummary {
	return JourneySummary{Slug: r.Slug, Title: r.Title, DraftVersion: r.DraftVersion, PublishedVersion: r.PublishedVersion, UpdatedAt: r.UpdatedAt.Format(time.RFC3339)}
}

func draftDTO(d *orientation.Draft) JourneyDraft {
	return JourneyDraft{JourneySummary: summaryDTO(d.Record), Journey: journeyDoc(d.Journey)}
}

// ValidationReport lists what stops a publication.
type ValidationReport struct {
	Valid    bool           `json:"valid"`
	Problems []ProblemField `json:"problems"`
} // @name ValidationReport

// PublishRequest publishes the draft.
type PublishRequest struct {
	Note string `json:"note,omitempty" example:"Ajout des horaires d'été"`
} // @name PublishRequest

// RollbackRequest republishes an earlier version.
type RollbackRequest struct {
	Version int `json:"version" example:"2"`
} // @name RollbackRequest

// JourneyVersion is one published version.
type JourneyVersion struct {
	Number    int    `json:"number"`
	Author    string `json:"author"`
	Note      string `json:"note,omitempty"`
	CreatedAt string `json:"created_at"`
} // @name JourneyVersion

// VersionList is a journey's history, newest first.
type VersionList struct {
	PublishedVersion int              `json:"published_version"`
	Versions         []JourneyVersion `json:"versions"`
} // @name VersionList

// Change is one difference between the live version and the draft.
type Change struct {
	Step  string `json:"step,omitempty"`
	Field string `json:"field"`
	Kind  string `json:"kind" enums:"added,removed,changed"`
	From  any    `json:"from,omitempty"`
	To    any    `json:"to,omitempty"`
} // @name Change

// DiffResponse compares the draft with the live version.
type DiffResponse struct {
	PublishedVersion int      `json:"published_version"`
	Changes          []Change `json:"changes"`
} // @name DiffResponse

// EntryPointRequest creates or replaces an entry point.
type EntryPointRequest struct {
	Name        string    `json:"name" example:"Aides et action sociale"`
	Description string    `json:"description,omitempty"`
	Themes      []string  `json:"themes,omitempty"`
	Journey     string    `json:"journey,omitempty" example:"famille-prestations"`
	Branding    *Branding `json:"branding,omitempty"`
} // @name EntryPointRequest

func versionDTO(v *domain.JourneyVersion) JourneyVersion {
	return JourneyVersion{Number: v.Number, Author: v.Author, Note: v.Note, CreatedAt: v.CreatedAt.Format(time.RFC3339)}
}

func readDoc(c echo.Context) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(c.Request().Body, 256<<10+1))
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "Lecture du document impossible.").SetInternal(err)
	}
	if len(b) > 256<<10 {
		return nil, domain.Errorf(domain.ETOOLARGE, "Le document de parcours dépasse 256 Ko.")
	}
	return b, nil
}

// listJourneys godoc
//
//	@Summary	The organisation's journeys
//	@Tags		journeys
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org	path		string	true	"Organisation slug"
//	@Success	200	{object}	JourneyList
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys [get]
func (h *journeyHandlers) list(c echo.Context) error {
	rs, err := h.svc.ListJourneys(c.Request().Context(), actor(c), c.Param("org"))
	if err != nil {
		return err
	}
	out := JourneyList{Journeys: make([]JourneySummary, len(rs))}
	for i, r := range rs {
		out.Journeys[i] = summaryDTO(r)
	}
	return c.JSON(http.StatusOK, out)
}

// createJourney godoc
//
//	@Summary		Create (or import) a journey
//	@Description	The body is a journey document, e.g. one exported from another partner. It becomes a draft; nothing is published.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org		path		string		true	"Organisation slug"
//	@Param			body	body		JourneyDoc	true	"The journey"
//	@Success		201		{object}	JourneyDraft
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/journeys [post]
func (h *journeyHandlers) create(c echo.Context) error {
	doc, err := readDoc(c)
	if err != nil {
		return err
	}
	d, err := h.svc.CreateJourney(c.Request().Context(), actor(c), c.Param("org"), doc)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(d.Record.DraftVersion))
	return c.JSON(http.StatusCreated, draftDTO(d))
}

// getJourney godoc
//
//	@Summary	A journey's draft
//	@Tags		journeys
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org		path		string	true	"Organisation slug"
//	@Param		journey	path		string	true	"Journey slug"
//	@Success	200		{object}	JourneyDraft
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey} [get]
func (h *journeyHandlers) get(c echo.Context) error {
	d, err := h.svc.GetJourney(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(d.Record.DraftVersion))
	return c.JSON(http.StatusOK, draftDTO(d))
}

// exportJourney godoc
//
//	@Summary	Export a journey's draft as a document
//	@Tags		journeys
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org		path		string	true	"Organisation slug"
//	@Param		journey	path		string	true	"Journey slug"
//	@Success	200		{object}	JourneyDoc
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey}/export [get]
func (h *journeyHandlers) export(c echo.Context) error {
	d, err := h.svc.GetJourney(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+d.Journey.Slug+`.json"`)
	return c.JSON(http.StatusOK, journeyDoc(d.Journey))
}

// saveJourney godoc
//
//	@Summary	Replace a journey's draft
//	@Tags		journeys
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org			path		string		true	"Organisation slug"
//	@Param		journey		path		string		true	"Journey slug"
//	@Param		If-Match	header		string		true	"Draft version being edited"
//	@Param		body		body		JourneyDoc	true	"The journey"
//	@Success	200			{object}	JourneyDraft
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Failure	403			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Failure	409			{object}	Problem
//	@Failure	413			{object}	Problem
//	@Failure	428			{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey} [put]
func (h *journeyHandlers) save(c echo.Context) error {
	version, err := requireIfMatch(c)
	if err != nil {
		return err
	}
	doc, err := readDoc(c)
	if err != nil {
		return err
	}
	d, err := h.svc.SaveDraft(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), version, doc)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(d.Record.DraftVersion))
	return c.JSON(http.StatusOK, draftDTO(d))
}

// putStep godoc
//
//	@Summary	Add or replace one step of the draft
//	@Tags		journeys
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org			path		string	true	"Organisation slug"
//	@Param		journey		path		string	true	"Journey slug"
//	@Param		step		path		string	true	"Step id"
//	@Param		If-Match	header		string	true	"Draft version being edited"
//	@Param		body		body		StepDoc	true	"The step"
//	@Success	200			{object}	JourneyDraft
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Failure	403			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Failure	409			{object}	Problem
//	@Failure	428			{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey}/steps/{step} [put]
func (h *journeyHandlers) putStep(c echo.Context) error {
	version, err := requireIfMatch(c)
	if err != nil {
		return err
	}
	var st journeys.Step
	if err := c.Bind(&st); err != nil {
		return err
	}
	if st.ID == "" {
		st.ID = c.Param("step")
	}
	if st.ID != c.Param("step") {
		return domain.Invalid("Identifiant d'étape incohérent.", domain.FieldError{Field: "id", Message: "doit être celui de l'adresse : " + c.Param("step")})
	}
	d, err := h.svc.PutStep(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), version, st)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(d.Record.DraftVersion))
	return c.JSON(http.StatusOK, draftDTO(d))
}

// deleteStep godoc
//
//	@Summary	Remove one step of the draft
//	@Tags		journeys
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org			path		string	true	"Organisation slug"
//	@Param		journey		path		string	true	"Journey slug"
//	@Param		step		path		string	true	"Step id"
//	@Param		If-Match	header		string	true	"Draft version being edited"
//	@Success	200			{object}	JourneyDraft
//	@Failure	401			{object}	Problem
//	@Failure	403			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Failure	409			{object}	Problem
//	@Failure	428			{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey}/steps/{step} [delete]
func (h *journeyHandlers) deleteStep(c echo.Context) error {
	version, err := requireIfMatch(c)
	if err != nil {
		return err
	}
	d, err := h.svc.DeleteStep(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), version, c.Param("step"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(d.Record.DraftVersion))
	return c.JSON(http.StatusOK, draftDTO(d))
}

// deleteJourney godoc
//
//	@Summary	Delete a journey, its versions and its outcomes
//	@Tags		journeys
//	@Security	BearerAuth
//	@Param		org		path	string	true	"Organisation slug"
//	@Param		journey	path	string	true	"Journey slug"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem	"An entry point starts on it"
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey} [delete]
func (h *journeyHandlers) delete(c echo.Context) error {
	if err := h.svc.DeleteJourney(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// validateJourney godoc
//
//	@Summary		Check the draft as publishing would
//	@Description	Unreachable steps, dead ends, cycles, options without target, outcomes without contact point, dynamic outcomes that resolve to nothing for some communes of the territory (listed), texts too long.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			journey	path		string	true	"Journey slug"
//	@Success		200		{object}	ValidationReport
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/journeys/{journey}/validate [post]
func (h *journeyHandlers) validate(c echo.Context) error {
	ps, err := h.svc.ValidateDraft(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	out := ValidationReport{Valid: len(ps) == 0, Problems: []ProblemField{}}
	for _, f := range orientation.ProblemFields(ps) {
		out.Problems = append(out.Problems, ProblemField{Field: f.Field, Detail: f.Message, Communes: f.Communes})
	}
	return c.JSON(http.StatusOK, out)
}

// publishJourney godoc
//
//	@Summary		Publish the draft
//	@Description	Validates the draft (400 with every problem, naming the step and the communes concerned) and stores it as the next immutable version, served from then on.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org		path		string			true	"Organisation slug"
//	@Param			journey	path		string			true	"Journey slug"
//	@Param			body	body		PublishRequest	false	"Note"
//	@Success		201		{object}	JourneyVersion
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/journeys/{journey}/publish [post]
func (h *journeyHandlers) publish(c echo.Context) error {
	var req PublishRequest
	if c.Request().ContentLength != 0 {
		if err := c.Bind(&req); err != nil {
			return err
		}
	}
	v, err := h.svc.Publish(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, versionDTO(v))
}

// versions godoc
//
//	@Summary	A journey's published versions, newest first
//	@Tags		journeys
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org		path		string	true	"Organisation slug"
//	@Param		journey	path		string	true	"Journey slug"
//	@Success	200		{object}	VersionList
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey}/versions [get]
func (h *journeyHandlers) versions(c echo.Context) error {
	vs, live, err := h.svc.Versions(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	out := VersionList{PublishedVersion: live, Versions: make([]JourneyVersion, len(vs))}
	for i, v := range vs {
		out.Versions[i] = versionDTO(v)
	}
	return c.JSON(http.StatusOK, out)
}

// rollback godoc
//
//	@Summary		Publish an earlier version again
//	@Description	Its content becomes the next version (the history stays linear); it is validated again first.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org		path		string			true	"Organisation slug"
//	@Param			journey	path		string			true	"Journey slug"
//	@Param			body	body		RollbackRequest	true	"Version to republish"
//	@Success		201		{object}	JourneyVersion
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/journeys/{journey}/rollback [post]
func (h *journeyHandlers) rollback(c echo.Context) error {
	var req RollbackRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	v, err := h.svc.Rollback(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), req.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, versionDTO(v))
}

// diff godoc
//
//	@Summary	What the draft changes from the live version
//	@Tags		journeys
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org		path		string	true	"Organisation slug"
//	@Param		journey	path		string	true	"Journey slug"
//	@Success	200		{object}	DiffResponse
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey}/diff [get]
func (h *journeyHandlers) diff(c echo.Context) error {
	cs, live, err := h.svc.Diff(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	out := DiffResponse{PublishedVersion: live, Changes: make([]Change, len(cs))}
	for i, ch := range cs {
		out.Changes[i] = Change{Step: ch.Step, Field: ch.Field, Kind: ch.Kind, From: ch.From, To: ch.To}
	}
	return c.JSON(http.StatusOK, out)
}

// preview godoc
//
//	@Summary	The draft in the published shape, for a preview
//	@Tags		journeys
//	@Security	BearerAuth
//	@Produce	json
//	@Param		org		path		string	true	"Organisation slug"
//	@Param		journey	path		string	true	"Journey slug"
//	@Success	200		{object}	PublicJourney
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey}/preview [get]
func (h *journeyHandlers) preview(c echo.Context) error {
	p, err := h.svc.Preview(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, publicJourneyDTO(p))
}

// putEntryPoint godoc
//
//	@Summary	Create or replace an entry point (admins)
//	@Tags		journeys
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org		path		string				true	"Organisation slug"
//	@Param		entry	path		string				true	"Entry point slug"
//	@Param		body	body		EntryPointRequest	true	"The entry point"
//	@Success	200		{object}	AdminOrganisation
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	409		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/entry-points/{entry} [put]
func (h *journeyHandlers) putEntryPoint(c echo.Context) error {
	var req EntryPointRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	in := orientation.EntryPointInput{Name: req.Name, Description: req.Description, Themes: req.Themes, Journey: req.Journey}
	if req.Branding != nil {
		in.Branding = &domain.Branding{PrimaryColor: req.Branding.PrimaryColor, SecondaryColor: req.Branding.SecondaryColor}
	}
	o, err := h.svc.PutEntryPoint(c.Request().Context(), actor(c), c.Param("org"), c.Param("entry"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, adminOrganisationDTO(o))
}

// deleteEntryPoint godoc
//
//	@Summary	Delete an entry point (admins)
//	@Tags		journeys
//	@Security	BearerAuth
//	@Param		org		path	string	true	"Organisation slug"
//	@Param		entry	path	string	true	"Entry point slug"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/entry-points/{entry} [delete]
func (h *journeyHandlers) deleteEntryPoint(c echo.Context) error {
	if err := h.svc.DeleteEntryPoint(c.Request().Context(), actor(c), c.Param("org"), c.Param("entry")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
