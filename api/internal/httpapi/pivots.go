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
} // @name Pivot

// PivotList lists the pivot types, by label.
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
//	@Description	The reviewed annuaire pivot types (CAF, CPAM, mairie, France services…): what a journey outcome names in `pivots` to send each resident to the office serving their commune. Sorted by label.
//	@Tags			public
//	@Produce		json
//	@Success		200	{object}	PivotList
//	@Param			X-API-Key	header		string	false	"A third-party portal's API key: raised rate limits, usage attributed to the portal"
//	@Failure		401		{object}	Problem	"The X-API-Key header holds a malformed, unknown or revoked key"
//	@Router			/api/v1/public/pivots [get]
func (h *publicHandlers) listPivots(c echo.Context) error {
	return c.JSON(http.StatusOK, h.pivots)
}
