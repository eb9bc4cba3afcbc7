// Package i18n names the languages residents can read Aiguillage in and
// turns whatever a client sends (a lang attribute, a query parameter, an
// Accept-Language entry) into one of them.
//
// French (fr) is the source language: every text exists in French, and every
// other language is a translation of it that may be missing. FALC (« facile à
// lire et à comprendre », easy-to-read French) is a variant of French with
// its own texts, tagged fr-x-falc (a BCP 47 private-use subtag).
package i18n

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Codes of the shipped languages.
const (
	French = "fr"
	FALC   = "fr-x-falc"
)

// Language is one shipped language.
type Language struct {
	Code string `json:"code" example:"ar"`
	// Name is the language's name in itself.
	Name string `json:"name" example:"العربية"`
	// Dir is the writing direction: ltr or rtl.
	Dir string `json:"dir" enums:"ltr,rtl" example:"rtl"`
} // @name Language

var shipped = [...]Language{
	{French, "Français", "ltr"},
	{FALC, "Facile à lire (FALC)", "ltr"},
	{"en", "English", "ltr"},
	{"ar", "العربية", "rtl"},
	{"uk", "Українська", "ltr"},
	{"es", "Español", "ltr"},
	{"pt", "Português", "ltr"},
	{"tr", "Türkçe", "ltr"},
}

// Languages returns the shipped languages, French first.
func Languages() []Language {
	out := make([]Language, len(shipped))
	copy(out, shipped[:])
	return out
}

// Translations returns the codes a text may be translated into: every
// shipped language but French.
func Translations() []string {
	out := make([]string, 0, len(shipped)-1)
	for _, l := range shipped[1:] {
		out = append(out, l.Code)
	}
	return out
}

// Supported reports whether code is a shipped language's code, as Normalize
// returns it.
func Supported(code string) bool {
	for _, l := range shipped {
		if l.Code == code {
			return true
		}
	}
	return false
}

// Dir returns the writing direction of a shipped language: "rtl" or "ltr".
func Dir(code string) string {
	for _, l := range shipped {
		if l.Code == code {
			return l.Dir
		}
	}
	return "ltr"
}

// ErrMalformed is returned (wrapped) for a tag that is not BCP 47.
var ErrMalformed = errors.New("malformed language tag")

// maxTag bounds what is parsed: the longest sensible tag is far shorter.
const maxTag = 35

// Normalize maps a BCP 47 tag to a shipped language's code. Case does not
// matter and region or script subtags are dropped (en-GB → en, pt-BR → pt);
// fr-x-falc and the alias falc give FALC. A well-formed tag of a language
// that is not shipped gives French and ok=false; an empty tag gives French
// and ok=true; a malformed one gives an error wrapping ErrMalformed.
func Normalize(tag string) (code string, ok bool, err error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return French, true, nil
	}
	if len(tag) > maxTag {
		return "", false, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, maxTag)
	}
	lower := strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	if lower == "falc" || lower == FALC || strings.HasPrefix(lower, "fr-") && strings.HasSuffix(lower, "-x-falc") {
		return FALC, true, nil
	}
	t, err := language.Parse(lower)
	if err != nil {
		return "", false, fmt.Errorf("%w: %q", ErrMalformed, tag)
	}
	base, _ := t.Base()
	code = base.String()
	if Supported(code) {
		return code, true, nil
	}
	return French, false, nil
}

// Pick returns the first shipped language among tags (most preferred
// first, as in a lang attribute then the page's then the browser's), or
// French. Malformed and unsupported tags are skipped.
func Pick(tags ...string) string {
	for _, t := range tags {
		if strings.TrimSpace(t) == "" {
			continue
		}
		if code, ok, err := Normalize(t); err == nil && ok {
			return code
		}
	}
	return French
}

// ParseAcceptLanguage returns the shipped language an Accept-Language
// header prefers, or French.
func ParseAcceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return French
	}
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.String()
	}
	return Pick(names...)
}

// Fallback tells whether a text in served language lang must be marked as
// French: it is when the resident asked for another language than French
// and the translation is missing. FALC falls back to ordinary French.
func Fallback(lang string, translated bool) bool {
	return lang != French && !translated
}
