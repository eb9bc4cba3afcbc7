package fiches

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
	"github.com/aiguillage/aiguillage/api/internal/importer"
)

// PivotAliases maps the annuaire pivot codes written in the fiches to the
// directory's vocabulary (commons/data/pivot_types.csv) when they differ:
// older codes (centre_impots → sip), finer ones (mairie_passeport_bio →
// mairie), Paris-specific ones (paris_ppp_* → prefecture).
type PivotAliases struct {
	exact map[string]string
	// prefixes are the aliases ending in "*", longest first.
	prefixes []prefixAlias
}

type prefixAlias struct{ prefix, code string }

// ParsePivotAliases reads a CSV file with the columns alias, code and note
// (in any order; note optional). An alias ending in "*" matches every code
// that starts with what precedes it.
func ParsePivotAliases(r io.Reader) (*PivotAliases, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("pivot aliases: header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	ai, okA := col["alias"]
	ci, okC := col["code"]
	if !okA || !okC {
		return nil, errors.New("pivot aliases: line 1: wrong header: want columns alias, code, note")
	}
	a := &PivotAliases{exact: map[string]string{}}
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("pivot aliases: %w", err)
		}
		line, _ := cr.FieldPos(0)
		alias, code := strings.ToLower(strings.TrimSpace(rec[ai])), strings.TrimSpace(rec[ci])
		prefix, wildcard := strings.CutSuffix(alias, "*")
		switch {
		case !domain.ValidPivot(strings.TrimSuffix(prefix, "_")) || strings.Contains(prefix, "*"):
			return nil, fmt.Errorf("pivot aliases: line %d: invalid alias %q", line, rec[ai])
		case !domain.ValidPivot(code):
			return nil, fmt.Errorf("pivot aliases: line %d: invalid code %q", line, code)
		case alias == code:
			return nil, fmt.Errorf("pivot aliases: line %d: %s is an alias of itself", line, code)
		case seen[alias]:
			return nil, fmt.Errorf("pivot aliases: line %d: %s is listed twice", line, alias)
		}
		seen[alias] = true
		if wildcard {
			a.prefixes = append(a.prefixes, prefixAlias{prefix, code})
		} else {
			a.exact[alias] = code
		}
	}
	slices.SortStableFunc(a.prefixes, func(x, y prefixAlias) int { return len(y.prefix) - len(x.prefix) })
	return a, nil
}

var defaultAliases = sync.OnceValues(func() (*PivotAliases, error) {
	f, err := data.FS.Open(data.PivotAliases)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePivotAliases(f)
})

// DefaultPivotAliases returns the aliases shipped with the commons
// (commons/data/pivot_aliases.csv). Its tests guarantee it parses; it
// panics otherwise.
func DefaultPivotAliases() *PivotAliases {
	a, err := defaultAliases()
	if err != nil {
		panic("fiches: embedded pivot aliases: " + err.Error())
	}
	return a
}

// KnownPivot reports whether code is one of the reviewed pivot types
// shipped with the commons (importer.DefaultPivots).
func KnownPivot(code string) bool {
	_, ok := importer.DefaultPivots().Lookup(code)
	return ok
}

// Map returns the directory's code for a pivot code of a fiche: the code
// itself (lower-cased, trimmed) when known, else the code of its alias when
// that code is known, else "" and false.
func (a *PivotAliases) Map(raw string, known func(string) bool) (string, bool) {
	code := strings.ToLower(strings.TrimSpace(raw))
	if code == "" {
		return "", false
	}
	if known(code) {
		return code, true
	}
	target, ok := a.exact[code]
	if !ok {
		for _, p := range a.prefixes {
			if strings.HasPrefix(code, p.prefix) {
				target, ok = p.code, true
				break
			}
		}
	}
	if ok && known(target) {
		return target, true
	}
	return "", false
}

// Aliases returns every alias (prefix aliases end in "*") and its code.
func (a *PivotAliases) Aliases() map[string]string {
	out := make(map[string]string, len(a.exact)+len(a.prefixes))
	for k, v := range a.exact {
		out[k] = v
	}
	for _, p := range a.prefixes {
		out[p.prefix+"*"] = p.code
	}
	return out
}

// mapPivots returns the directory codes of the places' pivots, in order,
// without repeats.
func mapPivots(places []domain.FichePlace, known func(string) bool) []string {
	if known == nil {
		known = KnownPivot
	}
	aliases := DefaultPivotAliases()
	var out []string
	for _, p := range places {
		if code, ok := aliases.Map(p.Pivot, known); ok && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}
