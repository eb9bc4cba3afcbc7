package commons

import (
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/commons/data"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/i18n"
)

// ThemeText is a national theme in one language.
type ThemeText struct {
	Label, Description string
	// Synonyms are the words residents type in that language; they feed
	// the search like the French ones.
	Synonyms []string
}

// HelplineText is a national helpline in one language.
type HelplineText struct {
	Name, Purpose, HoursText string
}

// Translations holds the national commons in every shipped language but
// French (data/translations/*.csv). It is read-only once loaded; a missing
// text is the caller's cue to fall back to French.
type Translations struct {
	themes    map[string]map[string]ThemeText    // slug → lang → text
	helplines map[string]map[string]HelplineText // number → lang → text
	pivots    map[string]map[string]string       // code → lang → label
}

// Theme returns the theme slug in language lang.
func (t *Translations) Theme(slug, lang string) (ThemeText, bool) {
	if t == nil {
		return ThemeText{}, false
	}
	tt, ok := t.themes[slug][lang]
	return tt, ok
}

// Helpline returns the helpline of that number (digits) in language lang.
func (t *Translations) Helpline(number, lang string) (HelplineText, bool) {
	if t == nil {
		return HelplineText{}, false
	}
	h, ok := t.helplines[number][lang]
	return h, ok
}

// PivotLabel returns the label of the pivot type code in language lang.
func (t *Translations) PivotLabel(code, lang string) (string, bool) {
	if t == nil {
		return "", false
	}
	l, ok := t.pivots[code][lang]
	return l, ok
}

// ThemeSlugs returns the slugs that have at least one translation, sorted.
func (t *Translations) ThemeSlugs() []string {
	out := make([]string, 0, len(t.themes))
	for s := range t.themes {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// HelplineNumbers returns the numbers that have at least one translation, sorted.
func (t *Translations) HelplineNumbers() []string {
	out := make([]string, 0, len(t.helplines))
	for n := range t.helplines {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// PivotCodes returns the pivot codes that have at least one translation, sorted.
func (t *Translations) PivotCodes() []string {
	out := make([]string, 0, len(t.pivots))
	for c := range t.pivots {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Known lists what translations may refer to: the slugs of the national
// themes, the numbers of the helplines and the codes of the pivot types.
type Known struct {
	Themes, Helplines, Pivots map[string]bool
}

// knownCommons reads the French commons the translations refer to.
func knownCommons() (Known, error) {
	k := Known{Themes: map[string]bool{}, Helplines: map[string]bool{}, Pivots: map[string]bool{}}
	themes, err := Themes()
	if err != nil {
		return k, err
	}
	for _, t := range themes {
		k.Themes[t.Slug] = true
	}
	cps, err := Helplines("")
	if err != nil {
		return k, err
	}
	for _, cp := range cps {
		k.Helplines[cp.Source.ID] = true
	}
	pivots, err := PivotTypes()
	if err != nil {
		return k, err
	}
	for code := range pivots {
		k.Pivots[code] = true
	}
	return k, nil
}

// LoadTranslations reads the embedded translations of the national commons
// and checks them against the French files: a slug, number or code that
// does not exist, a language that is not shipped, a text listed twice or an
// empty label is an error naming the file and line.
func LoadTranslations() (*Translations, error) {
	known, err := knownCommons()
	if err != nil {
		return nil, err
	}
	open := func(name string) (io.ReadCloser, error) {
		f, err := data.FS.Open(name)
		if err != nil {
			return nil, fmt.Errorf("commons: %w", err)
		}
		return f, nil
	}
	files := make([]io.Reader, 3)
	for i, name := range []string{data.ThemeTranslations, data.HelplineTranslations, data.PivotTranslations} {
		f, err := open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		files[i] = f
	}
	return ParseTranslations(known, files[0], files[1], files[2])
}

// ParseTranslations reads the three translation tables (themes, helplines,
// pivot types; see data/SOURCES.md) and checks every row against known.
func ParseTranslations(known Known, themes, helplines, pivots io.Reader) (*Translations, error) {
	t := &Translations{themes: map[string]map[string]ThemeText{}, helplines: map[string]map[string]HelplineText{},
		pivots: map[string]map[string]string{}}
	rows, err := readTable(themes, data.ThemeTranslations, "slug", "lang", "label", "description", "synonyms")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		slug, lang, err := translationKey(r, data.ThemeTranslations, "slug", known.Themes)
		if err != nil {
			return nil, err
		}
		tt := ThemeText{Label: r.get("label"), Description: r.get("description"), Synonyms: splitList(r.get("synonyms"))}
		if err := checkTexts(r, data.ThemeTranslations, map[string]int{"label": 120, "description": 500}); err != nil {
			return nil, err
		}
		if err := put(t.themes, slug, lang, tt, r, data.ThemeTranslations); err != nil {
			return nil, err
		}
	}
	rows, err = readTable(helplines, data.HelplineTranslations, "number", "lang", "name", "purpose", "hours_text")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		number, lang, err := translationKey(r, data.HelplineTranslations, "number", known.Helplines)
		if err != nil {
			return nil, err
		}
		if err := checkTexts(r, data.HelplineTranslations, map[string]int{"name": 120, "purpose": 600, "hours_text": 200}); err != nil {
			return nil, err
		}
		h := HelplineText{Name: r.get("name"), Purpose: r.get("purpose"), HoursText: r.get("hours_text")}
		if err := put(t.helplines, number, lang, h, r, data.HelplineTranslations); err != nil {
			return nil, err
		}
	}
	rows, err = readTable(pivots, data.PivotTranslations, "code", "lang", "label")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		code, lang, err := translationKey(r, data.PivotTranslations, "code", known.Pivots)
		if err != nil {
			return nil, err
		}
		if err := checkTexts(r, data.PivotTranslations, map[string]int{"label": 200}); err != nil {
			return nil, err
		}
		if err := put(t.pivots, code, lang, r.get("label"), r, data.PivotTranslations); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// translationKey reads and checks the key column and the language of a row.
func translationKey(r row, file, keyCol string, known map[string]bool) (key, lang string, err error) {
	key = r.get(keyCol)
	if !known[key] {
		return "", "", fmt.Errorf("%s:%d: unknown %s %q", file, r.line, keyCol, key)
	}
	lang = r.get("lang")
	if lang == i18n.French || !slices.Contains(i18n.Translations(), lang) {
		return "", "", fmt.Errorf("%s:%d: %s %s: language %q is not one of %v", file, r.line, keyCol, key, lang, i18n.Translations())
	}
	return key, lang, nil
}

// checkTexts checks that the first column is set and that no column is
// longer than its bound (in runes).
func checkTexts(r row, file string, bounds map[string]int) error {
	cols := make([]string, 0, len(bounds))
	for c := range bounds {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		v := r.get(c)
		if (c == "label" || c == "name") && v == "" {
			return fmt.Errorf("%s:%d: %s is empty", file, r.line, c)
		}
		if n := utf8.RuneCountInString(v); n > bounds[c] {
			return fmt.Errorf("%s:%d: %s is %d characters long (at most %d)", file, r.line, c, n, bounds[c])
		}
	}
	return nil
}

func put[T any](m map[string]map[string]T, key, lang string, v T, r row, file string) error {
	if m[key] == nil {
		m[key] = map[string]T{}
	}
	if _, dup := m[key][lang]; dup {
		return fmt.Errorf("%s:%d: %s in %s is listed twice", file, r.line, key, lang)
	}
	m[key][lang] = v
	return nil
}

// WithHelplineTranslations sets each helpline's description translations
// (domain.ContactPoint.Translations) to its translated purposes, so every
// answer that embeds a helpline serves its purpose in the resident's
// language. Names and hours are served from the Translations themselves.
func WithHelplineTranslations(helplines []*domain.ContactPoint, tr *Translations) {
	for _, cp := range helplines {
		for _, lang := range i18n.Translations() {
			h, ok := tr.Helpline(cp.Source.ID, lang)
			if !ok || h.Purpose == "" {
				continue
			}
			if cp.Translations == nil {
				cp.Translations = map[string]domain.ContactPointText{}
			}
			cp.Translations[lang] = domain.ContactPointText{Description: h.Purpose}
		}
	}
}
