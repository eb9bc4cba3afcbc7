package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Scope is the territory an office of a pivot type serves when the source
// does not list its communes.
type Scope string

const (
	// ScopeNearest: the office in the resident's commune, else the nearest
	// one of that type in the département (resolved at query time).
	ScopeNearest Scope = "nearest"
	// ScopeDepartement: the whole département where the office stands.
	ScopeDepartement Scope = "departement"
	// ScopeRegion: the whole région where the office stands.
	ScopeRegion Scope = "region"
	// ScopeNational: the whole country.
	ScopeNational Scope = "national"
)

// PivotType is one reviewed annuaire pivot type.
type PivotType struct {
	Code   string
	Label  string
	Scope  Scope
	Themes []string
	Note   string
}

// PivotTable is the reviewed list of pivot types: label, coverage scope and
// themes. Pivot types missing from it get ScopeNearest and no theme.
type PivotTable struct {
	byCode map[string]PivotType
	codes  []string
}

// ParsePivotTable reads a CSV file with the columns code, label, scope,
// themes (|-separated theme slugs) and note, in any order.
func ParsePivotTable(r io.Reader) (*PivotTable, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("pivot types: header: %w", err)
	}
	col, err := columns(header, "code", "label", "scope", "themes")
	if err != nil {
		return nil, fmt.Errorf("pivot types: line 1: %w", err)
	}
	t := &PivotTable{byCode: map[string]PivotType{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("pivot types: %w", err)
		}
		line, _ := cr.FieldPos(0)
		p := PivotType{
			Code:  strings.TrimSpace(rec[col["code"]]),
			Label: strings.TrimSpace(rec[col["label"]]),
			Scope: Scope(strings.TrimSpace(rec[col["scope"]])),
		}
		if i, ok := col["note"]; ok {
			p.Note = strings.TrimSpace(rec[i])
		}
		for th := range strings.SplitSeq(rec[col["themes"]], "|") {
			if th = strings.TrimSpace(th); th != "" {
				p.Themes = append(p.Themes, th)
			}
		}
		switch {
		case !domain.ValidPivot(p.Code):
			return nil, fmt.Errorf("pivot types: line %d: invalid code %q", line, p.Code)
		case p.Label == "":
			return nil, fmt.Errorf("pivot types: line %d: %s has no label", line, p.Code)
		case !slices.Contains([]Scope{ScopeNearest, ScopeDepartement, ScopeRegion, ScopeNational}, p.Scope):
			return nil, fmt.Errorf("pivot types: line %d: %s: scope %q is not nearest, departement, region or national", line, p.Code, p.Scope)
		case len(p.Themes) == 0:
			return nil, fmt.Errorf("pivot types: line %d: %s has no theme", line, p.Code)
		}
		for _, th := range p.Themes {
			if !domain.ValidSlug(th) {
				return nil, fmt.Errorf("pivot types: line %d: %s: invalid theme slug %q", line, p.Code, th)
			}
		}
		if _, dup := t.byCode[p.Code]; dup {
			return nil, fmt.Errorf("pivot types: line %d: %s is listed twice", line, p.Code)
		}
		t.byCode[p.Code] = p
		t.codes = append(t.codes, p.Code)
	}
	slices.Sort(t.codes)
	return t, nil
}

var defaultPivots = sync.OnceValues(func() (*PivotTable, error) {
	f, err := data.FS.Open(data.PivotTypes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePivotTable(f)
})

// DefaultPivots returns the reviewed pivot types shipped with the commons
// (api/internal/commons/data/pivot_types.csv). Its tests guarantee it
// parses; it panics otherwise.
func DefaultPivots() *PivotTable {
	t, err := defaultPivots()
	if err != nil {
		panic("importer: embedded pivot types: " + err.Error())
	}
	return t
}

// Lookup returns the reviewed pivot type with that code.
func (t *PivotTable) Lookup(code string) (PivotType, bool) {
	p, ok := t.byCode[code]
	return p, ok
}

// Scope returns the coverage scope of a pivot type; ScopeNearest when the
// type is not in the table.
func (t *PivotTable) Scope(code string) Scope {
	if p, ok := t.byCode[code]; ok {
		return p.Scope
	}
	return ScopeNearest
}

// Themes returns the theme slugs of a pivot type (a fresh slice; nil when
// the type is not in the table).
func (t *PivotTable) Themes(code string) []string {
	return slices.Clone(t.byCode[code].Themes)
}

// All returns every pivot type, by code.
func (t *PivotTable) All() []PivotType {
	out := make([]PivotType, 0, len(t.codes))
	for _, c := range t.codes {
		out = append(out, t.byCode[c])
	}
	return out
}

// columns maps required column names to their index in a header row.
func columns(header []string, required ...string) (map[string]int, error) {
	col := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	var missing []string
	for _, name := range required {
		if _, ok := col[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("wrong header: missing column(s) %s", strings.Join(missing, ", "))
	}
	return col, nil
}
