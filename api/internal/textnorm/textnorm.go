// Package textnorm folds French text the way residents type it into the form
// under which search and emergency detection compare words: lower-case ASCII
// letters and digits, accents removed (é→e, œ→oe, ç→c), every other run of
// characters (spaces, apostrophes ' and ’, hyphens, punctuation, emoji,
// control characters) turned into one space. Elisions fall apart on their
// own: "l'aide" folds to "l aide", "qu'il" to "qu il".
package textnorm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ligatures are the letters that decompose into more than one ASCII letter.
var ligatures = map[rune]string{'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss"}

// Fold returns the folded form of s.
//
//	Fold("J'ai perdu ma Carte d’identité !") == "j ai perdu ma carte d identite"
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	emit := func(r rune) {
		if sep && b.Len() > 0 {
			b.WriteByte(' ')
		}
		sep = false
		b.WriteRune(r)
	}
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			emit(r)
		case r < 0x80 && r >= 'A' && r <= 'Z':
			emit(r + 'a' - 'A')
		case unicode.Is(unicode.Mn, r):
			// A combining accent of the previous letter: dropped.
		default:
			if l, ok := ligatures[r]; ok {
				for _, c := range l {
					emit(c)
				}
				continue
			}
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				// A letter outside Latin (Arabic, Cyrillic…): kept lower-cased
				// so a query in another script still compares with itself.
				emit(unicode.ToLower(r))
				continue
			}
			sep = true
		}
	}
	return b.String()
}

// Words returns the words of the folded form of s.
//
//	Words("Qu'est-ce que l'APL ?") == []string{"qu", "est", "ce", "que", "l", "apl"}
func Words(s string) []string {
	return strings.Fields(Fold(s))
}
