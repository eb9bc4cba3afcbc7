package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
)

// headerContentLanguage names the language of a public answer.
const headerContentLanguage = "Content-Language"

// servedLanguage reads the lang query parameter of a public read: the
// shipped language it names (region ignored: en-GB is en; falc is
// fr-x-falc), French when it is absent or names a language not shipped,
// and a 400 problem on field lang when it is not a language tag. It sets
// Content-Language. The cache keys on the whole URL, lang included, so
// answers in different languages never mix.
func servedLanguage(c echo.Context) (string, error) {
	code, _, err := i18n.Normalize(c.QueryParam("lang"))
	if err != nil {
		return "", domain.Invalid("Langue invalide.", domain.FieldError{Field: "lang",
			Message: "étiquette de langue BCP 47 attendue, par exemple " + strings.Join(i18n.Translations(), ", ") + " ou fr"})
	}
	c.Response().Header().Set(headerContentLanguage, code)
	return code, nil
}

// contactPointIn is a contact point with its description in lang, marked
// text_lang "fr" when it is the French original for want of a translation.
func contactPointIn(c *domain.ContactPoint, lang string) ContactPoint {
	out := contactPointDTO(c)
	var french bool
	out.Description, french = c.DescriptionIn(lang)
	out.TextLang = textLang(french)
	return out
}

// locatedIn is locatedDTO with the description in lang (contactPointIn).
func locatedIn(l directory.Located, commune *domain.Commune, lang string) ContactPoint {
	out := locatedDTO(l, commune)
	var french bool
	out.Description, french = l.DescriptionIn(lang)
	out.TextLang = textLang(french)
	return out
}

// Language is a language residents can read Aiguillage in.
type Language struct {
	Code string `json:"code" example:"ar"`
	// Name is the language's name in itself.
	Name string `json:"name" example:"العربية"`
	// Dir is its writing direction.
	Dir string `json:"dir" enums:"ltr,rtl" example:"rtl"`
} // @name Language

// LanguageList lists the languages residents can read Aiguillage in.
type LanguageList struct {
	Languages []Language `json:"languages"`
} // @name LanguageList

// listLanguages godoc
//
//	@Summary		The languages residents can read Aiguillage in
//	@Description	French first (the source: every text exists in French), then FALC (« facile à lire et à comprendre », easy-to-read French: fr-x-falc) and the translations, each named in itself, with its writing direction. Any of these codes goes in the lang parameter of the public reads; a text without a translation is served in French, marked text_lang "fr".
//	@Tags			public
//	@Produce		json
//	@Success		200	{object}	LanguageList
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401			{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/languages [get]
func (h *publicHandlers) listLanguages(c echo.Context) error {
	ls := i18n.Languages()
	out := LanguageList{Languages: make([]Language, len(ls))}
	for i, l := range ls {
		out.Languages[i] = Language{Code: l.Code, Name: l.Name, Dir: l.Dir}
	}
	return c.JSON(http.StatusOK, out)
}
