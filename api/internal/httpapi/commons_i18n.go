package httpapi

import (
	"cmp"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/directory"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
	"github.com/aiguillage/aiguillage/api/internal/search"
	"github.com/aiguillage/aiguillage/api/internal/textnorm"
)

// The national commons (themes, helplines, kinds of office) are translated
// as data (commons.Translations); these helpers serve them in the
// resident's language, marking text_lang "fr" where French stands in.

// helplineIn is a contact point in lang: a national helpline takes its
// translated name, purpose and hours; any other contact point its
// translated description (contactPointIn).
func helplineIn(cp *domain.ContactPoint, lang string, tr *commons.Translations) ContactPoint {
	return withHelpline(contactPointIn(cp, lang), cp, lang, tr)
}

// locatedHelplineIn is locatedIn with the helpline's texts in lang.
func locatedHelplineIn(l directory.Located, commune *domain.Commune, lang string, tr *commons.Translations) ContactPoint {
	return withHelpline(locatedIn(l, commune, lang), l.ContactPoint, lang, tr)
}

func withHelpline(out ContactPoint, cp *domain.ContactPoint, lang string, tr *commons.Translations) ContactPoint {
	if cp.Source.Kind != domain.SourceHelplines || lang == i18n.French {
		return out
	}
	h, ok := tr.Helpline(cp.Source.ID, lang)
	if !ok {
		out.TextLang = i18n.French
		return out
	}
	out.Name = h.Name
	out.Description = cmp.Or(h.Purpose, out.Description)
	out.Hours.Note = cmp.Or(h.HoursText, out.Hours.Note)
	out.TextLang = ""
	return out
}

// themeIn returns a national theme's label and description in lang, and
// whether they are the French original.
func themeIn(t *domain.Theme, national bool, lang string, tr *commons.Translations) (label, description string, french bool) {
	if lang == i18n.French {
		return t.Label, t.Description, false
	}
	if national {
		if tt, ok := tr.Theme(t.Slug, lang); ok {
			return tt.Label, cmp.Or(tt.Description, t.Description), tt.Description == "" && t.Description != ""
		}
	}
	return t.Label, t.Description, true
}

// pivotsIn returns the kinds of office with their labels in lang, sorted
// by label in that language.
func pivotsIn(all PivotList, lang string, tr *commons.Translations) PivotList {
	if lang == i18n.French {
		return all
	}
	out := PivotList{Pivots: make([]Pivot, len(all.Pivots))}
	for i, p := range all.Pivots {
		if l, ok := tr.PivotLabel(p.Code, lang); ok {
			p.Label = l
		} else {
			p.TextLang = i18n.French
		}
		out.Pivots[i] = p
	}
	slices.SortStableFunc(out.Pivots, func(a, b Pivot) int {
		return cmp.Or(cmp.Compare(textnorm.Fold(a.Label), textnorm.Fold(b.Label)), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// searchLanguage reads the lang parameter of a search: "" when it is absent
// or names a language that is not shipped (the query's language is then
// guessed), a 400 problem on field lang when it is not a language tag.
func searchLanguage(c echo.Context) (string, error) {
	raw := c.QueryParam("lang")
	if raw == "" {
		return "", nil
	}
	code, ok, err := i18n.Normalize(raw)
	if err != nil {
		return servedLanguage(c) // the same 400 problem as the other reads
	}
	if !ok {
		return "", nil
	}
	return code, nil
}

// emergencyThemes names the theme whose label an emergency category takes
// when it is not a theme slug itself (emergencies.csv: suicide stands for
// the urgent part of sante-mentale).
var emergencyThemes = map[string]string{"suicide": "sante-mentale"}

// categoryIn returns an emergency category's label in lang: its theme's
// translated label, or the French one (and true).
func (h *searchHandlers) categoryIn(slug, label, lang string) (string, bool) {
	if lang == i18n.French {
		return label, false
	}
	if tt, ok := h.commons.Theme(cmp.Or(emergencyThemes[slug], slug), lang); ok {
		return tt.Label, false
	}
	return label, true
}

// resultIn puts a search result's title and description in lang when they
// are texts of the national commons, and marks the others French.
func (h *searchHandlers) resultIn(sr *SearchResult, r search.Result, lang string) {
	if lang == i18n.French {
		return
	}
	national := r.Organisation == domain.CommonsSlug
	french := true
	switch r.Kind {
	case search.KindEmergency:
		sr.Title, french = h.categoryIn(r.Ref, r.Title, lang)
	case search.KindTheme:
		if tt, ok := h.commons.Theme(r.Ref, lang); ok && national {
			sr.Title, sr.Description, french = tt.Label, cmp.Or(tt.Description, sr.Description), tt.Description == "" && sr.Description != ""
		}
	case search.KindPivot:
		if l, ok := h.commons.PivotLabel(r.Ref, lang); ok {
			sr.Title, french = l, false
		}
	case search.KindContactPoint:
		for i, c := range sr.Contacts {
			if c.ID == r.Ref {
				sr.Title, sr.Description, french = c.Name, c.Description, sr.Contacts[i].TextLang != ""
				break
			}
		}
	}
	sr.TextLang = textLang(french)
}
