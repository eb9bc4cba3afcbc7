package geo

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName returns the form under which commune names are compared:
// lower-case ASCII letters and digits, accents removed (É→e, œ→oe), every
// run of other characters (spaces, hyphens, apostrophes ' and ’, brackets…)
// turned into one space, no leading or trailing space, and the words "saint"
// and "sainte" written "st" and "ste".
//
//	NormalizeName("Saint-Étienne")  == "st etienne"
//	NormalizeName("L'Haÿ-les-Roses") == "l hay les roses"
func NormalizeName(s string) string {
	return string(appendCanonical(nil, s))
}

// appendCanonical appends NormalizeName(s) to dst.
func appendCanonical(dst []byte, s string) []byte {
	start := len(dst)
	dst = appendFold(dst, s)
	// Abbreviate the words saint and sainte in place: the result is never
	// longer than the input.
	w := start
	for r := start; r < len(dst); {
		end := r
		for end < len(dst) && dst[end] != ' ' {
			end++
		}
		word := dst[r:end]
		switch string(word) {
		case "saint":
			word = append(word[:0], "st"...)
		case "sainte":
			word = append(word[:0], "ste"...)
		}
		if w > start {
			dst[w] = ' '
			w++
		}
		w += copy(dst[w:], word)
		r = end + 1
	}
	return dst[:w]
}

// appendFold appends to dst the folded form of s: lower-case ASCII letters
// and digits, every other run of characters as one space, trimmed.
func appendFold(dst []byte, s string) []byte {
	start := len(dst)
	sep := true // a separator is pending; true at start trims leading spaces
	emit := func(b byte) {
		if sep && len(dst) > start {
			dst = append(dst, ' ')
		}
		sep = false
		dst = append(dst, b)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				emit(c)
			case 'A' <= c && c <= 'Z':
				emit(c + 'a' - 'A')
			default:
				sep = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		f, ok := foldRune(r)
		switch {
		case ok && f == "":
			// A combining mark: part of the previous letter.
		case ok:
			for j := 0; j < len(f); j++ {
				emit(f[j])
			}
		default:
			sep = true
		}
	}
	return dst
}

// foldRune returns the ASCII letters that stand for r once lower-cased and
// stripped of its accents, "" with ok for a combining mark, and !ok for a
// character that is no letter or digit of the Latin script (a separator).
// The French letters are answered from a table; the others through the
// Unicode canonical decomposition.
func foldRune(r rune) (string, bool) {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å':
		return "a", true
	case 'ç', 'Ç':
		return "c", true
	case 'è', 'é', 'ê', 'ë', 'È', 'É', 'Ê', 'Ë':
		return "e", true
	case 'ì', 'í', 'î', 'ï', 'Ì', 'Í', 'Î', 'Ï':
		return "i", true
	case 'ñ', 'Ñ':
		return "n", true
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö':
		return "o", true
	case 'ù', 'ú', 'û', 'ü', 'Ù', 'Ú', 'Û', 'Ü':
		return "u", true
	case 'ý', 'ÿ', 'Ý', 'Ÿ':
		return "y", true
	case 'œ', 'Œ':
		return "oe", true
	case 'æ', 'Æ':
		return "ae", true
	case 'ß':
		return "ss", true
	case 'ø', 'Ø':
		return "o", true
	case 'đ', 'Đ':
		return "d", true
	case 'ł', 'Ł':
		return "l", true
	}
	return foldDecomposed(r)
}

// foldDecomposed is foldRune through the Unicode canonical decomposition.
func foldDecomposed(r rune) (string, bool) {
	if unicode.Is(unicode.Mn, r) {
		return "", true
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return "", false
	}
	var b strings.Builder
	for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
		switch {
		case 'a' <= d && d <= 'z', '0' <= d && d <= '9':
			b.WriteRune(d)
		case unicode.Is(unicode.Mn, d):
		default:
			return "", false // a letter of another script
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}
