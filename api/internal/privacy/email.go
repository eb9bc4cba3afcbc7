package privacy

import (
	"strings"
	"unicode/utf8"
)

// scrubEmails replaces e-mail addresses by Email. An address is a non-empty
// local part, "@" (a space on either side is tolerated, as phone keyboards
// insert them) and a domain with at least one dot.
func scrubEmails(s string) string {
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	var b strings.Builder
	done := 0 // s[:done] is written or replaced
	for from := 0; from < len(s); {
		i := strings.IndexByte(s[from:], '@')
		if i < 0 {
			break
		}
		at := from + i
		start, end, ok := emailAround(s, at, done)
		if !ok {
			from = at + 1
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[done:start])
		b.WriteString(Email)
		done, from = end, end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// emailAround returns the bounds of the address around the "@" at index at,
// not reaching before min.
func emailAround(s string, at, min int) (start, end int, ok bool) {
	l := at
	if l > min && s[l-1] == ' ' {
		l--
	}
	start = l
	for start > min {
		r, size := utf8.DecodeLastRuneInString(s[min:start])
		if !isLocalRune(r) {
			break
		}
		start -= size
	}
	for start < l && s[start] == '.' {
		start++
	}
	if start == l {
		return 0, 0, false
	}
	d := at + 1
	if d < len(s) && s[d] == ' ' {
		d++
	}
	end = d
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !isDomainRune(r) {
			break
		}
		end += size
	}
	for end > d && (s[end-1] == '.' || s[end-1] == '-') {
		end--
	}
	domain := s[d:end]
	dot := strings.IndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return 0, 0, false
	}
	return start, end, true
}

func isLocalRune(r rune) bool {
	switch r {
	case '.', '_', '%', '+', '-':
		return true
	}
	return isWordRune(r)
}

func isDomainRune(r rune) bool {
	return r == '.' || r == '-' || isWordRune(r)
}
