package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
	"github.com/aiguillage/aiguillage/api/internal/orientation"
)

// JourneyDoc is a journey: the import/export format and the draft. Its
// texts are French; the i18n maps hold their translations by language code
// (GET /api/v1/public/languages; never fr), each within the limit of the
// French field it translates (checked on publication, like the French).
type JourneyDoc struct {
	Slug        string                    `json:"slug" example:"logement-loyer"`
	Title       string                    `json:"title" example:"Logement et loyer"`
	Description string                    `json:"description,omitempty"`
	I18n        map[string]JourneyTextDoc `json:"i18n,omitempty"`
	Themes      []string                  `json:"themes,omitempty"`
	// Languages the référent maintains translations in: publishing warns
	// about each text missing in one of them (never blocks).
	Languages []string  `json:"languages,omitempty" example:"en,fr-x-falc"`
	FirstStep string    `json:"first_step" example:"besoin"`
	Steps     []StepDoc `json:"steps"`
} // @name JourneyDoc

// JourneyTextDoc is a journey's title and description in one language.
type JourneyTextDoc struct {
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
} // @name JourneyText

// StepDoc is one step: a question, a location (the commune), or an outcome.
type StepDoc struct {
	ID      string                 `json:"id" example:"besoin"`
	Kind    string                 `json:"kind" enums:"question,location,outcome"`
	Text    string                 `json:"text"`
	Help    string                 `json:"help,omitempty"`
	I18n    map[string]StepTextDoc `json:"i18n,omitempty"`
	Options []OptionDoc            `json:"options,omitempty"`
	Next    string                 `json:"next,omitempty"`
	Outcome *OutcomeDoc            `json:"outcome,omitempty"`
} // @name StepDoc

// StepTextDoc is a step's text (an outcome's title) and help in one language.
type StepTextDoc struct {
	Text string `json:"text,omitempty"`
	Help string `json:"help,omitempty"`
} // @name StepText

// OptionDoc is an answer to a question.
type OptionDoc struct {
	Label string                   `json:"label"`
	Next  string                   `json:"next"`
	I18n  map[string]OptionTextDoc `json:"i18n,omitempty"`
} // @name OptionDoc

// OptionTextDoc is an option's label in one language.
type OptionTextDoc struct {
	Label string `json:"label,omitempty"`
} // @name OptionText

// OutcomeDoc says where to go.
type OutcomeDoc struct {
	Explanation   string                    `json:"explanation"`
	Documents     []string                  `json:"documents,omitempty"`
	I18n          map[string]OutcomeTextDoc `json:"i18n,omitempty"`
	ContactPoints []string                  `json:"contact_points,omitempty"`
	// Pivots are resolved from the resident's commune ("your CAF").
	Pivots    []string `json:"pivots,omitempty"`
	Emergency bool     `json:"emergency,omitempty"`
} // @name OutcomeDoc

// OutcomeTextDoc is an outcome's explanation and documents in one
// language; documents is the whole list, item for item the French one.
type OutcomeTextDoc struct {
	Explanation string   `json:"explanation,omitempty"`
	Documents   []string `json:"documents,omitempty"`
} // @name OutcomeText

func journeyDoc(j *journeys.Journey) JourneyDoc {
	var d JourneyDoc
	b, _ := json.Marshal(j) // same JSON shape by construction
	_ = json.Unmarshal(b, &d)
	if d.Steps == nil {
		d.Steps = []StepDoc{}
	}
	return d
}

// PublicJourney is a published journey, whole, as the widget walks it, in
// one language: texts without a translation are the French original, and
// the objects holding them say so (text_lang: fr).
type PublicJourney struct {
	Organisation string `json:"organisation" example:"var"`
	// EntryPoint's name and description are the partner's, in French.
	EntryPoint *EntryPoint       `json:"entry_point,omitempty"`
	Version    int               `json:"version"`
	Journey    PublicJourneyBody `json:"journey"`
	// Outcomes maps each outcome step to the id to resolve at /api/v1/public/outcomes/{id}.
	Outcomes map[string]string `json:"outcomes"`
	// Lang is the language served: the lang parameter normalized (fr when
	// absent or not shipped), also in the Content-Language header.
	Lang string `json:"lang" example:"en"`
	// Dir is the writing direction of Lang.
	Dir string `json:"dir" enums:"ltr,rtl" example:"ltr"`
	// Languages the journey can be read in: fr, then every language with
	// at least one translated text, in the order of /api/v1/public/languages.
	Languages []string `json:"languages" example:"fr,en,ar"`
} // @name PublicJourney

// PublicJourneyBody is a journey in one language.
type PublicJourneyBody struct {
	Slug        string       `json:"slug" example:"logement-loyer"`
	Title       string       `json:"title" example:"Logement et loyer"`
	Description string       `json:"description,omitempty"`
	Themes      []string     `json:"themes,omitempty"`
	FirstStep   string       `json:"first_step" example:"besoin"`
	Steps       []PublicStep `json:"steps"`
	// TextLang is "fr" when the title or the description is the French
	// original for want of a translation.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name PublicJourneyBody

// PublicStep is a step in one language.
type PublicStep struct {
	ID      string         `json:"id" example:"besoin"`
	Kind    string         `json:"kind" enums:"question,location,outcome"`
	Text    string         `json:"text"`
	Help    string         `json:"help,omitempty"`
	Options []PublicOption `json:"options,omitempty"`
	Next    string         `json:"next,omitempty"`
	Outcome *PublicOutcome `json:"outcome,omitempty"`
	// TextLang is "fr" when the text or the help is the French original
	// for want of a translation.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name PublicStep

// PublicOption is an answer in one language.
type PublicOption struct {
	Label string `json:"label"`
	Next  string `json:"next"`
	// TextLang is "fr" when the label is the French original.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name PublicOption

// PublicOutcome is an outcome step's content in one language.
type PublicOutcome struct {
	Explanation   string   `json:"explanation"`
	Documents     []string `json:"documents,omitempty"`
	ContactPoints []string `json:"contact_points,omitempty"`
	Pivots        []string `json:"pivots,omitempty"`
	Emergency     bool     `json:"emergency,omitempty"`
	// TextLang is "fr" when the explanation or the documents are the
	// French original.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name PublicOutcome

// textLang marks a text served in French for want of a translation.
func textLang(french bool) string {
	if french {
		return i18n.French
	}
	return ""
}

// entryPointDTO is a partner's entry point; its texts have no
// translation: marked French when another language is served.
func entryPointDTO(e *domain.EntryPoint, lang string) EntryPoint {
	out := EntryPoint{Slug: e.Slug, Name: e.Name, Description: e.Description, Themes: orEmpty(e.Themes), Journey: e.Journey,
		TextLang: textLang(lang != i18n.French)}
	if e.Branding != nil {
		b := brandingDTO(*e.Branding)
		out.Branding = &b
	}
	return out
}

func publicJourneyDTO(p *orientation.Published, lang string) PublicJourney {
	j := p.Journey
	jt, french := j.In(lang)
	body := PublicJourneyBody{Slug: j.Slug, Title: jt.Title, Description: jt.Description, Themes: j.Themes, FirstStep: j.FirstStep,
		Steps: make([]PublicStep, len(j.Steps)), TextLang: textLang(french)}
	for i := range j.Steps {
		s := &j.Steps[i]
		st, french := s.In(lang)
		ps := PublicStep{ID: s.ID, Kind: string(s.Kind), Text: st.Text, Help: st.Help, Next: s.Next, TextLang: textLang(french)}
		for k := range s.Options {
			o := &s.Options[k]
			ot, french := o.In(lang)
			ps.Options = append(ps.Options, PublicOption{Label: ot.Label, Next: o.Next, TextLang: textLang(french)})
		}
		if o := s.Outcome; o != nil {
			ot, french := o.In(lang)
			ps.Outcome = &PublicOutcome{Explanation: ot.Explanation, Documents: ot.Documents, ContactPoints: o.ContactPoints,
				Pivots: o.Pivots, Emergency: o.Emergency, TextLang: textLang(french)}
		}
		body.Steps[i] = ps
	}
	out := PublicJourney{Organisation: p.Organisation.Slug, Version: p.Version, Journey: body, Outcomes: p.OutcomeIDs,
		Lang: lang, Dir: i18n.Dir(lang), Languages: j.Translated()}
	if p.Entry != nil {
		e := entryPointDTO(p.Entry, lang)
		out.EntryPoint = &e
	}
	return out
}

// OutcomeResponse is an outcome resolved for a commune, in one language.
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
	// TextLang is "fr" when the title, the explanation or the documents
	// are the French original for want of a translation (each contact
	// point says so of its own description).
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
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
//	@Description	The whole published graph in one cacheable answer (strong ETag, 304 on If-None-Match), in the language asked for: each text without a translation is the French original, and the object holding it carries text_lang "fr". Drafts are never served here.
//	@Tags			public
//	@Produce		json
//	@Param			slug	path		string	true	"Partner"		example(var)
//	@Param			entry	path		string	true	"Entry point"	example(social)
//	@Param			lang	query		string	false	"Language (BCP 47, see /api/v1/public/languages; region ignored, falc = fr-x-falc). Absent or not shipped: fr. Malformed: 400."	example(en)
//	@Success		200		{object}	PublicJourney
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem	"Malformed lang"
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/organisations/{slug}/journeys/{entry} [get]
func (h *journeyHandlers) publicJourney(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	p, err := h.svc.PublishedJourney(c.Request().Context(), c.Param("slug"), c.Param("entry"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, publicJourneyDTO(p, lang))
}

// outcome godoc
//
//	@Summary		Resolve an outcome for a commune
//	@Description	The contact points of a published outcome for the resident's commune: fixed ones, then for each dynamic kind the offices serving the commune (the partner's own first, then the national directory; coverage precedence commune, EPCI, département, région, national, then distance), each with the reason it was chosen. The partner's local overrides of national contact points are applied.
//	@Tags			public
//	@Produce		json
//	@Param			id		path		string	true	"Outcome id (from the journey's outcomes)"	format(uuid)
//	@Param			commune	query		string	false	"INSEE code; required for dynamic outcomes"	example(83137)
//	@Param			lang	query		string	false	"Language (BCP 47, see /api/v1/public/languages). Absent or not shipped: fr. Malformed: 400."	example(en)
//	@Success		200		{object}	OutcomeResponse
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key; or mode=agent without a valid access token"
//	@Param			mode	query		string	false	"agent: the answer for a signed-in agent (access token in Authorization), with the contact points and channels reserved to agents, each item marked with its visibility; private (Cache-Control: private, no-store; Vary: Authorization), never cached. Without a valid token: 401. Absent: the public answer, token or not."	Enums(agent)
//	@Param			Authorization	header	string	false	"Bearer <access token> (POST /api/v1/auth/login or ProConnect), with mode=agent"
//	@Router			/api/v1/public/outcomes/{id} [get]
func (h *journeyHandlers) outcome(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	ans, err := h.svc.OutcomeFor(c.Request().Context(), c.Param("id"), c.QueryParam("commune"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.outcomeDTO(ans, lang, v))
}

func (h *journeyHandlers) outcomeDTO(ans *orientation.OutcomeAnswer, lang string, v domain.Viewer) OutcomeResponse {
	title, titleFrench := ans.Step.TextIn(lang)
	ot, french := ans.Step.Outcome.In(lang)
	out := OutcomeResponse{ID: ans.ID, Journey: ans.JourneySlug, Step: ans.Step.ID, Title: title, Explanation: ot.Explanation,
		Documents: orEmpty(ot.Documents), Emergency: ans.Step.Outcome.Emergency, Contacts: make([]ContactPoint, len(ans.Contacts)),
		TextLang: textLang(titleFrench || french)}
	if ans.Commune != nil {
		co := communeDTO(ans.Commune, h.communes)
		out.Commune = &co
	}
	for i, r := range ans.Contacts {
		cp := contactPointIn(r.ContactPoint, lang)
		if ans.Commune != nil && r.Pivot != "" {
			cp = locatedIn(r.Located, ans.Commune, lang)
		}
		cp.Reason = r.Reason
		out.Contacts[i] = forViewer(cp, r.ContactPoint, v)
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

// ValidationReport lists what stops a publication, and the missing
// translations that do not.
type ValidationReport struct {
	// Valid is false when there are problems; warnings do not change it.
	Valid    bool           `json:"valid"`
	Problems []ProblemField `json:"problems"`
	// Warnings are the texts missing in the journey's target languages
	// (its languages): residents read the French original instead.
	Warnings []ValidationWarning `json:"warnings"`
} // @name ValidationReport

// ValidationWarning is a text missing in a target language.
type ValidationWarning struct {
	// Field is the French text's field, named as the problems' are.
	Field  string `json:"field" example:"steps[besoin].options[1].label"`
	Lang   string `json:"lang" example:"en"`
	Detail string `json:"detail" example:"Traduction manquante (English) : libellé du choix « Oui »"`
} // @name ValidationWarning

func warningsDTO(ws []journeys.Warning) []ValidationWarning {
	out := []ValidationWarning{}
	for _, w := range orientation.WarningFields(ws) {
		out = append(out, ValidationWarning{Field: w.Field, Lang: w.Lang, Detail: w.Message})
	}
	return out
}

// PublishResponse is the version a publication (or a rollback) made, with
// the warnings of its content.
type PublishResponse struct {
	JourneyVersion
	Warnings []ValidationWarning `json:"warnings"`
} // @name PublishResponse

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
//	@Description	Problems (they stop a publication): unreachable steps, dead ends, cycles, options without target, outcomes without contact point, dynamic outcomes that resolve to nothing for some communes of the territory (listed), texts too long (translations included), translations in unknown languages. Warnings (they do not): each text missing in a target language of the journey (its languages), and translated documents lists of another length than the French one.
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
	ps, ws, err := h.svc.ValidateDraft(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	out := ValidationReport{Valid: len(ps) == 0, Problems: []ProblemField{}, Warnings: warningsDTO(ws)}
	for _, f := range orientation.ProblemFields(ps) {
		out.Problems = append(out.Problems, ProblemField{Field: f.Field, Detail: f.Message, Communes: f.Communes})
	}
	return c.JSON(http.StatusOK, out)
}

// publishJourney godoc
//
//	@Summary		Publish the draft
//	@Description	Validates the draft (400 with every problem, naming the step and the communes concerned) and stores it as the next immutable version, served from then on. Missing translations do not stop it: they come back as warnings.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org		path		string			true	"Organisation slug"
//	@Param			journey	path		string			true	"Journey slug"
//	@Param			body	body		PublishRequest	false	"Note"
//	@Success		201		{object}	PublishResponse
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
	v, ws, err := h.svc.Publish(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, PublishResponse{JourneyVersion: versionDTO(v), Warnings: warningsDTO(ws)})
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
//	@Description	Its content becomes the next version (the history stays linear); it is validated again first. Its missing translations come back as warnings.
//	@Tags			journeys
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			org		path		string			true	"Organisation slug"
//	@Param			journey	path		string			true	"Journey slug"
//	@Param			body	body		RollbackRequest	true	"Version to republish"
//	@Success		201		{object}	PublishResponse
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
	v, ws, err := h.svc.Rollback(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), req.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, PublishResponse{JourneyVersion: versionDTO(v), Warnings: warningsDTO(ws)})
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

// TranslationList is a draft's French texts with their translations in
// one language, in document order.
type TranslationList struct {
	Lang string `json:"lang" example:"en"`
	// Total is the number of French texts; Missing, those without a translation.
	Total   int               `json:"total"`
	Missing int               `json:"missing"`
	Items   []TranslationItem `json:"items"`
} // @name TranslationList

// TranslationItem is one French text and its translation.
type TranslationItem struct {
	// Field is named as the validation problems' are.
	Field   string `json:"field" example:"steps[besoin].options[1].label"`
	French  string `json:"fr" example:"Je suis en danger"`
	Text    string `json:"text" example:"I am in danger"`
	Missing bool   `json:"missing"`
} // @name TranslationItem

// translations godoc
//
//	@Summary		The draft's texts and their translations in one language
//	@Description	Every non-empty French text of the draft (title, description, step texts and help, option labels, outcome explanations and each document), in document order, with its translation in lang ("" and missing when there is none).
//	@Tags			journeys
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			journey	path		string	true	"Journey slug"
//	@Param			lang	query		string	true	"A translation language (not fr), see /api/v1/public/languages"	example(en)
//	@Success		200		{object}	TranslationList
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/journeys/{journey}/translations [get]
func (h *journeyHandlers) translations(c echo.Context) error {
	lang := c.QueryParam("lang")
	if code, ok, err := i18n.Normalize(lang); err == nil && ok {
		lang = code // en-GB is en; French and the others are refused below
	}
	fs, err := h.svc.DraftTranslations(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"), lang)
	if err != nil {
		return err
	}
	out := TranslationList{Lang: lang, Total: len(fs), Items: make([]TranslationItem, len(fs))}
	for i, f := range fs {
		out.Items[i] = TranslationItem{Field: f.Field, French: f.French, Text: f.Text, Missing: f.Text == ""}
		if f.Text == "" {
			out.Missing++
		}
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
//	@Param		lang	query		string	false	"Language, as for the public journey"	example(en)
//	@Success	200		{object}	PublicJourney
//	@Failure	400		{object}	Problem	"Malformed lang"
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/journeys/{journey}/preview [get]
func (h *journeyHandlers) preview(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	p, err := h.svc.Preview(c.Request().Context(), actor(c), c.Param("org"), c.Param("journey"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, publicJourneyDTO(p, lang))
}

// putEntryPoint godoc
//
//	@Summary	Create or replace an entry point (admins)
//	@Tags		journeys
//	@Security	BearerAuth
//	@Accept		json
//	@Produce	json
//	@Param		org		path		string				true	"Organisation slug"
//	@Param		entry		path		string				true	"Entry point slug"
//	@Param		If-Match	header		string				false	"Organisation version the edit was made on (its ETag), e.g. \"3\": another version answers 409 and saves nothing"
//	@Param		body		body		EntryPointRequest	true	"The entry point"
//	@Success	200			{object}	AdminOrganisation
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
	version, err := optionalIfMatch(c)
	if err != nil {
		return err
	}
	in := orientation.EntryPointInput{Name: req.Name, Description: req.Description, Themes: req.Themes, Journey: req.Journey, ExpectedVersion: version}
	if req.Branding != nil {
		in.Branding = &domain.Branding{PrimaryColor: req.Branding.PrimaryColor, SecondaryColor: req.Branding.SecondaryColor}
	}
	o, err := h.svc.PutEntryPoint(c.Request().Context(), actor(c), c.Param("org"), c.Param("entry"), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(o.Version))
	return c.JSON(http.StatusOK, adminOrganisationDTO(o))
}

// deleteEntryPoint godoc
//
//	@Summary	Delete an entry point (admins)
//	@Tags		journeys
//	@Security	BearerAuth
//	@Param		org			path	string	true	"Organisation slug"
//	@Param		entry		path	string	true	"Entry point slug"
//	@Param		If-Match	header	string	false	"Organisation version the deletion was decided on (its ETag): another version answers 409 and deletes nothing"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/api/v1/admin/organisations/{org}/entry-points/{entry} [delete]
func (h *journeyHandlers) deleteEntryPoint(c echo.Context) error {
	version, err := optionalIfMatch(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteEntryPoint(c.Request().Context(), actor(c), c.Param("org"), c.Param("entry"), version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
