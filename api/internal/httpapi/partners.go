package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/i18n"
)

// PartnerList lists the partners whose journeys a widget can start on.
type PartnerList struct {
	Organisations []PartnerJourneys `json:"organisations"`
} // @name PartnerList

// PartnerJourneys is a partner and the entry points that start on one of
// its published journeys.
type PartnerJourneys struct {
	Slug        string              `json:"slug" example:"var"`
	Name        string              `json:"name" example:"Département du Var"`
	EntryPoints []PartnerEntryPoint `json:"entry_points"`
} // @name PartnerJourneys

// PartnerEntryPoint is an entry point with a published journey: a widget
// with partner and entry set to these slugs starts on it.
type PartnerEntryPoint struct {
	Slug string `json:"slug" example:"logement"`
	Name string `json:"name" example:"Logement"`
	// TextLang is "fr" when another language than French was asked for:
	// the partner's names have no translation.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name PartnerEntryPoint

// publicPartners godoc
//
//	@Summary		Partners and their published journeys
//	@Description	Every partner with at least one entry point that starts on a published journey, by slug, with those entry points: the agents' quick switch between partners' journeys in the widget (mode="agent"). Entry points without a journey, or whose journey is only a draft, are left out. Public and cacheable.
//	@Tags			public
//	@Produce		json
//	@Param			lang	query		string	false	"Language (BCP 47, see /api/v1/public/languages). Absent or not shipped: fr. Malformed: 400."	example(en)
//	@Success		200		{object}	PartnerList
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem	"Malformed lang"
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/organisations [get]
func (h *journeyHandlers) publicPartners(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	ps, err := h.svc.PublishedPartners(c.Request().Context())
	if err != nil {
		return err
	}
	out := PartnerList{Organisations: make([]PartnerJourneys, len(ps))}
	for i, p := range ps {
		pj := PartnerJourneys{Slug: p.Organisation.Slug, Name: p.Organisation.Name, EntryPoints: make([]PartnerEntryPoint, len(p.EntryPoints))}
		for k, e := range p.EntryPoints {
			pj.EntryPoints[k] = PartnerEntryPoint{Slug: e.Slug, Name: e.Name, TextLang: textLang(lang != i18n.French)}
		}
		out.Organisations[i] = pj
	}
	return c.JSON(http.StatusOK, out)
}
