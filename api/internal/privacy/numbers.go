package privacy

import (
	"strings"
	"unicode/utf8"
)

// scrubNumbers replaces phone numbers by Phone, other numbers of three
// digits or more by Number, and street numbers of any length by Number. A
// number is a run of digits possibly cut by short runs of separators
// (spaces, dots, dashes, slashes, brackets), so "1 85 05 78 006 084 36" and
// "FR76 3000 6000" are one number each.
func scrubNumbers(s string) string {
	first := indexDigit(s)
	if first < 0 {
		return s
	}
	if first > 0 && s[first-1] == '+' {
		first--
	}
	var b strings.Builder
	done := 0 // s[:done] is written or replaced
	for i := first; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		plus := r == '+' && i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '9' && !wordRuneBefore(s, i)
		if !plus && !isDigit(r) {
			i += size
			continue
		}
		start := i
		if plus {
			i++
		}
		g := readNumber(s, i)
		with, replace := g.replacement(plus, followedByStreet(s, g.end))
		if replace {
			if with != Phone && plus {
				start++ // "+" stays before a number that is not a phone
			}
			if b.Len() == 0 {
				b.Grow(len(s) + 16)
			}
			b.WriteString(s[done:start])
			b.WriteString(with)
			done = g.end
		}
		i = g.end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// indexDigit returns the index of the first digit of s, or -1.
func indexDigit(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if '0' <= c && c <= '9' {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isDigit(r) {
			return i
		}
		i += size
	}
	return -1
}

func wordRuneBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

// number describes a run of digits and separators.
type number struct {
	end     int // index after the last digit
	digits  int // digits in all
	chunks  int // runs of digits between separators
	longest int // digits in the longest chunk
	years   int // chunks that are a year from 1900 to 2099, in ASCII digits
	// ascii holds the first ASCII digits, for phone numbers; onlyASCII is
	// false when some digit is of another script.
	ascii     [20]byte
	nascii    int
	onlyASCII bool
}

func isSeparator(c byte) bool {
	switch c {
	case ' ', '.', '-', '/', '(', ')':
		return true
	}
	return false
}

// readNumber reads the number whose first digit is at s[i].
func readNumber(s string, i int) number {
	g := number{onlyASCII: true}
	for {
		n, year := 0, 0
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isDigit(r) {
				break
			}
			if r < utf8.RuneSelf {
				if g.nascii < len(g.ascii) {
					g.ascii[g.nascii] = byte(r)
					g.nascii++
				}
				year = year*10 + int(r-'0')
			} else {
				g.onlyASCII = false
				year = -1 << 20
			}
			n++
			i += size
		}
		g.end = i
		g.digits += n
		g.chunks++
		g.longest = max(g.longest, n)
		if n == 4 && 1900 <= year && year <= 2099 {
			g.years++
		}
		// At most three separators, then a digit, continue the number.
		j := i
		for j < len(s) && j-i < 3 && isSeparator(s[j]) {
			j++
		}
		if j == i || j >= len(s) {
			return g
		}
		if r, _ := utf8.DecodeRuneInString(s[j:]); !isDigit(r) {
			return g
		}
		i = j
	}
}

// replacement says what replaces the number, if anything. plus tells that
// a "+" comes before it; street that a street name follows it.
func (g *number) replacement(plus, street bool) (string, bool) {
	switch {
	case g.isPhone(plus):
		return Phone, true
	case street:
		return Number, true
	case g.digits <= 2:
		return "", false
	case g.years == g.chunks && g.chunks <= 2:
		return "", false // 2024, 2023-2024
	case g.longest <= 2 && g.digits <= 4:
		return "", false // 18-25, 12/05
	}
	return Number, true
}

func (g *number) isPhone(plus bool) bool {
	if !g.onlyASCII || g.digits != g.nascii {
		return false
	}
	d := g.ascii[:g.nascii]
	switch {
	case plus:
		return 8 <= len(d) && len(d) <= 15 // E.164
	case len(d) == 10:
		return d[0] == '0' && d[1] != '0'
	default:
		return 10 <= len(d) && len(d) <= 17 && d[0] == '0' && d[1] == '0'
	}
}

// followedByStreet reports whether s[i:] starts with a street type after a
// space or a comma, maybe after "bis", "ter"…: "12 rue", "12bis, avenue",
// "3 ter bd".
func followedByStreet(s string, i int) bool {
	rest := s[i:]
	if w := leadingLetters(rest); w != "" {
		if !isStreetSuffix(w, true) {
			return false
		}
		rest = rest[len(w):]
	}
	if rest == "" || rest[0] != ' ' && rest[0] != ',' {
		return false
	}
	if rest[0] == ' ' {
		if w := leadingLetters(rest[1:]); isStreetSuffix(w, false) {
			rest = rest[1+len(w):]
		}
	}
	rest = strings.TrimPrefix(rest, ",")
	rest = strings.TrimPrefix(rest, " ")
	_, ok := streetType(leadingLetters(rest))
	return ok
}

// leadingLetters returns the letters (and marks) s starts with.
func leadingLetters(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) || isDigit(r) {
			break
		}
		i += size
	}
	return s[:i]
}

// isStreetSuffix reports whether w is a repetition index after a street
// number; single letters only when attached ("12b").
func isStreetSuffix(w string, attached bool) bool {
	var buf [16]byte
	switch string(appendKey(buf[:0], w)) {
	case "bis", "ter", "quater":
		return true
	case "a", "b", "c":
		return attached
	}
	return false
}

// streetType reports whether w names a street type, and whether that type
// is strong (rarely anything but a street: rue, avenue, boulevard) or weak
// (also a common word: place, chemin, impasse, allée).
func streetType(w string) (strong, ok bool) {
	if len(w) == 0 || len(w) > 12 {
		return false, false
	}
	var buf [16]byte
	switch string(appendKey(buf[:0], w)) {
	case "rue", "avenue", "av", "boulevard", "bd":
		return true, true
	case "chemin", "impasse", "allee", "place":
		return false, true
	}
	return false, false
}
