// Package privacy removes personal data from the free text residents write
// (search queries today, feedback comments later) before it is stored.
//
// Scrub first drops control and format characters and invalid UTF-8, and
// turns every run of white space into one space, trimmed at both ends. Then
// it replaces, in this order:
//
//   - e-mail addresses by [courriel];
//   - phone numbers, French or international, in any usual writing
//     (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, +33 (0)6…, 0033…)
//     by [téléphone];
//   - every other number of three digits or more, digits separated by
//     spaces, dots, dashes, slashes or brackets counting as one number (NIR,
//     IBAN, card numbers, postal codes, dates of birth, amounts…), by
//     [nombre]; numbers of one or two digits stay ("j'ai 62 ans"), and so do
//     short ranges of them ("18-25 ans", "le 12/05"), except a street number;
//   - the name after "je m'appelle", "mon nom est", "mon nom c'est",
//     "je suis madame/monsieur/mme/m.", "nom :", "prénom :", "signé", and after
//     a title, "famille" or "Cordialement" followed by a capital ("Madame
//     Durand", "M. Martin", "la famille Roux", "Cordialement, Jean Dupont"),
//     by [nom];
//   - the name of a street after rue, avenue, boulevard, bd, chemin,
//     impasse, allée or place, and its number, by [adresse] and [nombre]
//     ("12 rue des Lilas" → "[nombre] rue [adresse]").
//
// Years from 1900 to 2099 written alone ("taxe d'habitation 2024") or as a
// pair ("2023-2024") are kept: they are not personal and they matter to the
// référents reading the queries. A year inside a longer number (a date of
// birth 12/05/1985) goes with it.
//
// The rules are heuristics that err towards removing too much: short
// public numbers (the 3919 helpline, a CERFA number, an amount) become
// [nombre] too. They miss what no cue announces: a bare name ("Dupont
// caf"), an address without street type, an e-mail spelled out ("jean
// arobase gmail point com").
//
// Guarantees, checked by FuzzScrub: Scrub is idempotent, returns valid
// UTF-8 without any run of three ASCII digits or more other than kept
// years, stays scrubbed once lower-cased or cut by Truncate, and returns at
// most MaxGrowth times the length of its input (placeholders are longer than
// what they hide: "5 bd X" becomes "[nombre] bd [adresse]").
package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders put in place of what Scrub removes.
const (
	Email   = "[courriel]"
	Phone   = "[téléphone]"
	Number  = "[nombre]"
	Name    = "[nom]"
	Address = "[adresse]"
)

// MaxGrowth bounds the length of Scrub's result: len(Scrub(s)) <= MaxGrowth*len(s).
const MaxGrowth = 4

// Scrub returns s with personal data replaced by placeholders, as described
// in the package documentation.
func Scrub(s string) string {
	s = clean(s)
	s = scrubEmails(s)
	s = scrubNumbers(s)
	return scrubWords(s)
}

// Truncate shortens a text to at most max runes. It cuts at the last space
// that fits, or else before the word that does not fit, so that words and
// placeholders stay whole: a text returned by Scrub is still a fixed point
// of Scrub once truncated (or lower-cased and then truncated).
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	cut, n := 0, 0
	for cut < len(s) && n < max {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
		n++
	}
	if cut >= len(s) {
		return s
	}
	var t string
	switch {
	case s[cut] == ' ':
		t = s[:cut]
	case strings.LastIndexByte(s[:cut], ' ') > 0:
		t = s[:strings.LastIndexByte(s[:cut], ' ')]
	default:
		// No space: back off to the start of the word being cut.
		p := cut
		for p > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:p])
			if !isWordRune(r) && !isConnector(r) {
				break
			}
			p -= size
		}
		if p > 0 {
			t = s[:p]
		} else {
			// One word longer than max: no rule can apply inside it but the
			// digit rules, so drop the digits the cut may have shortened.
			t = strings.TrimRight(s[:cut], "0123456789")
		}
	}
	return strings.TrimRight(t, " ")
}

// clean drops control and format characters and invalid bytes, and turns
// runs of white space into single spaces, trimmed at both ends.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// isClean reports whether clean would return s unchanged.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c < ' ' || c == 0x7f:
				return false
			case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
		i += size
	}
	return true
}

// isWordRune reports whether r belongs to a word: letters, digits, marks.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isConnector reports whether r joins two parts of one word when it stands
// between them: apostrophes (j'ai, l’aide) and hyphens (Jean-Pierre).
func isConnector(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '-', '‐', '‑':
		return true
	}
	return false
}

// isDigit reports whether r is a decimal digit of any script.
func isDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}
