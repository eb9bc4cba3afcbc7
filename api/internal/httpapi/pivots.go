package httpapi

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// Pivot is a kind of public office that a journey outcome can name instead
// of a fixed contact point ("your CAF"): resolved from the resident's commune.
type Pivot struct {
	Code  string `json:"code" example:"caf"`
	Label string `json:"label" example:"Caisse d'allocations familiales (CAF)"`
	// Scope is the territory one office serves: nearest, departement, region or national.
	Scope  string   `json:"scope" enums:"nearest,departement,region,national"`
	Themes []string `json:"themes"`
	// TextLang is "fr" when the label is the French original for want of
	// a translation into the language asked for.
	TextLang string `json:"text_lang,omitempty" enums:"fr"`
} // @name Pivot

// PivotList lists the pivot types, by label (in the language served).
type PivotList struct {
	Pivots []Pivot `json:"pivots"`
} // @name PivotList

// pivotList reads the reviewed pivot table shipped with the commons, sorted
// by label for pickers.
func pivotList() (PivotList, error) {
	m, err := commons.PivotTypes()
	if err != nil {
		return PivotList{}, fmt.Errorf("load pivot types: %w", err)
	}
	out := PivotList{Pivots: make([]Pivot, 0, len(m))}
	for _, p := range m {
		out.Pivots = append(out.Pivots, Pivot{Code: p.Code, Label: p.Label, Scope: string(p.Scope), Themes: orEmpty(p.Themes)})
	}
	slices.SortFunc(out.Pivots, func(a, b Pivot) int {
		return cmp.Or(cmp.Compare(textnorm.Fold(a.Label), textnorm.Fold(b.Label)), cmp.Compare(a.Code, b.Code))
	})
	return out, nil
}

// listPivots godoc
//
//	@Summary		Kinds of public office a journey can point to
//	@Description	The reviewed annuaire pivot types (CAF, CPAM, mairie, France services…): what a journey outcome names in `pivots` to send each resident to the office serving their commune. Labels in the language asked for (`lang`; a label without a translation carries `text_lang: "fr"`), sorted by label.
//	@Tags			public
//	@Produce		json
//	@Param			lang	query		string	false	"Language of the labels (BCP 47: fr, fr-x-falc, en, ar, uk, es, pt, tr; region ignored; absent or not shipped: fr)"	example(en)
//	@Success		200	{object}	PivotList
//	@Header			200	{string}	Content-Language	"The language served"
//	@Failure		400	{object}	Problem
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/pivots [get]
func (h *publicHandlers) listPivots(c echo.Context) error {
	lang, err := servedLanguage(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pivotsIn(h.pivots, lang, h.commons))
}
