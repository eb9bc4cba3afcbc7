package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// PublicTheme is a need residents can pick.
type PublicTheme struct {
	Slug        string `json:"slug" example:"aide-au-logement"`
	ParentSlug  string `json:"parent_slug,omitempty" example:"logement"`
	Label       string `json:"label" example:"Aide au logement (APL)"`
	Description string `json:"description,omitempty"`
	// Organisation is the slug of the organisation that wrote it (the partner or the national commons).
	Organisation string `json:"organisation" example:"communs-nationaux"`
	// TextLang is "fr" when the label or the description is the French
	// original for want of a translation into the language asked for.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name PublicTheme

// PublicThemeList lists the needs of a partner's widget.
type PublicThemeList struct {
	Themes []PublicTheme `json:"themes"`
} // @name PublicThemeList

// listThemes godoc
//
//	@Summary		Needs residents can pick
//	@Description	The national taxonomy of needs, then the partner's own themes (a partner's theme with the slug of a national one replaces it), parents before their children. The widget shows them when the resident prefers picking to typing. National themes come in the language asked for (`lang`); partners' themes have no translation and carry `text_lang: "fr"` when another language is asked for.
//	@Tags			public
//	@Produce		json
//	@Param			slug	path		string	true	"Partner slug"	example(var)
//	@Param			lang	query		string	false	"Language of the texts (BCP 47: fr, fr-x-falc, en, ar, uk, es, pt, tr; region ignored; absent or not shipped: fr)"	example(en)
//	@Success		200		{object}	PublicThemeList
//	@Header			200		{string}	Content-Language	"The language served"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/organisations/{slug}/themes [get]
func (h *publicHandlers) listThemes(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	org, themes, err := h.dir.Themes(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	out := PublicThemeList{Themes: make([]PublicTheme, len(themes))}
	for i, t := range themes {
		owner := org.Slug
		if t.OrganisationID != org.ID {
			owner = domain.CommonsSlug
		}
		label, description, french := themeIn(t, owner == domain.CommonsSlug, lang, h.commons)
		out.Themes[i] = PublicTheme{Slug: t.Slug, ParentSlug: t.ParentSlug, Label: label, Description: description, Organisation: owner,
			TextLang: textLang(french)}
	}
	return c.JSON(http.StatusOK, out)
}
