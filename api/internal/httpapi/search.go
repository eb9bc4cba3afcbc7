package httpapi

import (
	"cmp"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
	"github.com/aiguillage/aiguillage/api/internal/search"
)

// EmergencyCategory is a kind of danger the words signal, with its numbers.
type EmergencyCategory struct {
	Slug  string `json:"slug" example:"violences-conjugales"`
	Label string `json:"label" example:"Violences conjugales"`
	// Numbers to call, most relevant first.
	Numbers []string `json:"numbers" example:"3919,17"`
} // @name EmergencyCategory

// OnlineLink is an online procedure or an official page.
type OnlineLink struct {
	Title string `json:"title"`
	URL   string `json:"url" format:"uri"`
	Kind  string `json:"kind,omitempty" example:"Téléservice"`
} // @name OnlineLink

// SearchResult is one answer to a search: what matched and where it leads.
type SearchResult struct {
	// Kind of what matched: emergency (the emergency numbers), journey_outcome (an outcome of the partner's journey),
	// contact_point, theme (a need of the taxonomy), pivot (a kind of office), fiche (a service-public.fr fiche).
	Kind string `json:"kind" enums:"emergency,journey_outcome,contact_point,theme,pivot,fiche"`
	// Ref identifies it: emergency category, outcome id, contact point id, theme slug, pivot code or fiche id.
	Ref         string `json:"ref"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// URL of the service-public.fr fiche.
	URL       string  `json:"url,omitempty"`
	Score     float64 `json:"score"`
	Emergency bool    `json:"emergency"`
	// Organisation is the slug of the organisation whose data matched (the partner or the national commons).
	Organisation string `json:"organisation,omitempty"`
	// Journey and Step locate a journey outcome: GET /api/v1/public/outcomes/{ref} resolves it.
	Journey string `json:"journey,omitempty"`
	Step    string `json:"step,omitempty"`
	// Pivots are the kinds of office it leads to, resolved for the commune.
	Pivots []string `json:"pivots"`
	// NeedsCommune is true when local offices would be proposed once the commune is known.
	NeedsCommune bool           `json:"needs_commune"`
	Contacts     []ContactPoint `json:"contact_points"`
	Online       []OnlineLink   `json:"online"`
	// TextLang is "fr" when the title or the description is the French
	// original (service-public.fr fiches, partners' texts, a missing
	// translation) while another language is served.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name SearchResult

// SearchResponse answers a search.
type SearchResponse struct {
	Query string `json:"query"`
	// Emergency is true when the words signal danger: the emergency numbers come first.
	Emergency  bool                `json:"emergency"`
	Categories []EmergencyCategory `json:"emergency_categories"`
	Commune    *Commune            `json:"commune,omitempty"`
	// Understood lists the lay phrases recognised and what they were read as.
	Understood []string       `json:"understood"`
	Results    []SearchResult `json:"results"`
	// Lang is the language of the texts: the one asked for, or else the
	// language the query was guessed to be written in. Also in Content-Language.
	Lang string `json:"lang" example:"en"`
} // @name SearchResponse

type searchHandlers struct {
	svc      *search.Service
	communes domain.Communes
	// commons holds the national themes, helplines and kinds of office in
	// the other languages.
	commons *commons.Translations
}

// search godoc
//
//	@Summary		Search in the resident's own words
//	@Description	Turns the resident's words ("jai plus de sous pour le loyer", "mon mari me frappe") into the needs they mean and the contact points that serve them in their commune. Accents, case, elisions, SMS spellings, typos (one from 5 letters, two from 9), stems, lay synonyms and acronyms are understood. Queries in English, Arabic, Ukrainian, Spanish, Portuguese and Turkish are understood too (the translated synonyms of the national themes and a multilingual lexicon read them into French); without `lang`, the query's language is guessed (script, then known words) and the answer comes in it: `lang` says which. Texts of the national commons come in that language; others carry `text_lang: "fr"`. When the words signal danger, `emergency` is true and the emergency numbers come first. Results span the partner's data and the national commons; each embeds the contact points it leads to for the commune (local offices resolved by coverage). Searches that find nothing are recorded, scrubbed of personal data, for the partner's référents.
//	@Tags			public
//	@Produce		json
//	@Param			q		query		string	true	"The resident's words (at most 500 characters)"	example(j'arrive pas à payer mon loyer)
//	@Param			commune	query		string	false	"INSEE code of the resident's commune"			example(83137)
//	@Param			partner	query		string	false	"Partner slug: its own contact points, themes and journeys are searched too"	example(var)
//	@Param			entry	query		string	false	"Entry point slug of the partner"
//	@Param			limit	query		int		false	"Number of results"	minimum(1)	maximum(20)	default(5)
//	@Param			lang	query		string	false	"Language of the answer (BCP 47: fr, fr-x-falc, en, ar, uk, es, pt, tr; region ignored); absent or not shipped: the query's language, guessed"	example(en)
//	@Success		200		{object}	SearchResponse
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key; or mode=agent without a valid access token"
//	@Param			mode	query		string	false	"agent: the answer for a signed-in agent (access token in Authorization), with the contact points and channels reserved to agents, each item marked with its visibility; private (Cache-Control: private, no-store; Vary: Authorization), never cached. Without a valid token: 401. Absent: the public answer, token or not."	Enums(agent)
//	@Param			Authorization	header	string	false	"Bearer <access token> (POST /api/v1/auth/login or ProConnect), with mode=agent"
//	@Router			/api/v1/public/search [get]
func (h *searchHandlers) search(c echo.Context) error {
	lang, err := searchLanguage(c)
	if err != nil {
		return err
	}
	var v domain.Validation
	q := search.Query{Text: c.QueryParam("q"), Commune: c.QueryParam("commune"), Partner: c.QueryParam("partner"), Entry: c.QueryParam("entry"),
		Limit: intParam(c, &v, "limit", search.DefaultLimit), Lang: lang}
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	resp, err := h.svc.Search(c.Request().Context(), q)
	if err != nil {
		return err
	}
	served := cmp.Or(resp.Lang, i18n.French)
	c.Response().Header().Set(headerContentLanguage, served)
	out := SearchResponse{Query: resp.Query, Emergency: resp.Emergency, Categories: []EmergencyCategory{}, Understood: orEmpty(resp.Understood),
		Results: make([]SearchResult, len(resp.Results)), Lang: served}
	for _, cat := range resp.Categories {
		label, _ := h.categoryIn(cat.Slug, cat.Label, served)
		out.Categories = append(out.Categories, EmergencyCategory{Slug: cat.Slug, Label: label, Numbers: orEmpty(cat.Numbers)})
	}
	if resp.Commune != nil {
		co := communeDTO(resp.Commune, h.communes)
		out.Commune = &co
	}
	for i, r := range resp.Results {
		sr := SearchResult{Kind: string(r.Kind), Ref: r.Ref, Title: r.Title, Description: r.Description, URL: r.URL, Score: r.Score,
			Emergency: r.Emergency, Organisation: r.Organisation, Journey: r.Journey, Step: r.Step, Pivots: orEmpty(r.Pivots),
			NeedsCommune: r.NeedsCommune, Contacts: make([]ContactPoint, len(r.Contacts)), Online: []OnlineLink{}}
		for j, rc := range r.Contacts {
			cp := locatedHelplineIn(rc.Located, resp.Commune, served, h.commons)
			cp.Reason = rc.Reason
			sr.Contacts[j] = forViewer(cp, rc.ContactPoint, viewer(c))
		}
		h.resultIn(&sr, r, served)
		for _, o := range r.Online {
			sr.Online = append(sr.Online, OnlineLink{Title: o.Title, URL: o.URL, Kind: o.Kind})
		}
		out.Results[i] = sr
	}
	return c.JSON(http.StatusOK, out)
}

// SearchMiss is a search that found nothing, scrubbed of personal data.
type SearchMiss struct {
	Query string `json:"query" example:"aide pour le permis piscine"`
	// Departement of the residents' communes (the latest one), never the commune.
	Departement string `json:"departement,omitempty" example:"83"`
	Count       int    `json:"count"`
	FirstSeen   string `json:"first_seen" format:"date-time"`
	LastSeen    string `json:"last_seen" format:"date-time"`
} // @name SearchMiss

// SearchMissList lists missed searches, most frequent first.
type SearchMissList struct {
	Total    int          `json:"total"`
	Searches []SearchMiss `json:"searches"`
} // @name SearchMissList

// searchMisses godoc
//
//	@Summary		Searches that found nothing
//	@Description	What residents looked for on the partner's widget without finding an answer, scrubbed of personal data (numbers, e-mails, names, addresses) before storage, most frequent first: the needs to add as themes, synonyms or contact points. On the national commons (platform admins), searches made without a partner. Viewers and up.
//	@Tags			admin
//	@Security		BearerAuth
//	@Produce		json
//	@Param			org		path		string	true	"Organisation slug"
//	@Param			limit	query		int		false	"Page size"		minimum(1)	maximum(200)	default(50)
//	@Param			offset	query		int		false	"Page start"	minimum(0)	default(0)
//	@Success		200		{object}	SearchMissList
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/admin/organisations/{org}/search-misses [get]
func (h *adminHandlers) searchMisses(c echo.Context) error {
	var v domain.Validation
	offset, limit := pageParams(c, &v)
	if err := v.Err("Paramètres invalides."); err != nil {
		return err
	}
	ms, total, err := h.svc.SearchMisses(c.Request().Context(), actor(c), c.Param("org"), domain.Page{Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := SearchMissList{Total: total, Searches: make([]SearchMiss, len(ms))}
	for i, m := range ms {
		out.Searches[i] = SearchMiss{Query: m.Query, Departement: m.Departement, Count: m.Count,
			FirstSeen: m.FirstSeen.UTC().Format(time.RFC3339), LastSeen: m.LastSeen.UTC().Format(time.RFC3339)}
	}
	return c.JSON(http.StatusOK, out)
}
