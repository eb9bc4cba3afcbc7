package search

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/emergency"
)

// Shipped is the knowledge the binary ships for the search: the lexicon,
// the emergency detector and the reviewed kinds of office, sorted by code.
type Shipped struct {
	Lexicon  *Lexicon
	Detector *emergency.Detector
	Pivots   []PivotType
}

// LoadShipped reads the embedded lexicon, emergency patterns and pivot types.
func LoadShipped() (*Shipped, error) {
	lx, err := LoadLexicon()
	if err != nil {
		return nil, err
	}
	det, err := emergency.Load()
	if err != nil {
		return nil, fmt.Errorf("emergency detector: %w", err)
	}
	types, err := commons.PivotTypes()
	if err != nil {
		return nil, fmt.Errorf("load pivot types: %w", err)
	}
	pivots := make([]PivotType, 0, len(types))
	for _, p := range types {
		pivots = append(pivots, PivotType{Code: p.Code, Label: p.Label, Themes: p.Themes})
	}
	slices.SortFunc(pivots, func(a, b PivotType) int { return strings.Compare(a.Code, b.Code) })
	return &Shipped{Lexicon: lx, Detector: det, Pivots: pivots}, nil
}
