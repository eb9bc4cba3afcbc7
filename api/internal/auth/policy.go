package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Length bounds of a password, in characters after NFKC normalisation.
// 12 is ANSSI's minimum for a password guarding an account without a second
// factor; 128 leaves room for passphrases while bounding the work.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

// Messages of CheckPassword, shown to the user as they are.
const (
	msgTooShort = "Le mot de passe doit comporter au moins 12 caractères."
	msgTooLong  = "Le mot de passe doit comporter au plus 128 caractères."
	msgEmail    = "Le mot de passe ne doit pas reprendre votre adresse e-mail."
	msgSequence = "Le mot de passe ne doit pas être une répétition ou une suite simple de caractères (« aaaa », « 1234 », « azerty »…)."
	msgCommon   = "Ce mot de passe fait partie des plus courants : choisissez-en un autre."
)

// commonPasswords holds one common password a line, folded (see fold) and
// without trailing digits or punctuation unless it has nothing else.
//
//go:embed common_passwords.txt
var commonPasswords string

// CheckPassword returns what is wrong with pw as a new password for the
// account with that e-mail, as French sentences for the user; none when it is
// acceptable. Following NIST SP 800-63B and ANSSI it checks length and
// guessability, not composition: no rule asks for digits or symbols.
func CheckPassword(pw, email string) []string {
	var msgs []string
	pw = norm.NFKC.String(pw)
	n := utf8.RuneCountInString(pw)
	switch {
	case n > MaxPasswordLength:
		return []string{msgTooLong} // and check no further: bounds the work
	case n == 0:
		return []string{msgTooShort}
	case n < MinPasswordLength:
		msgs = append(msgs, msgTooShort)
	}
	folded := fold(pw)
	stripped := stripTrailing(folded)
	if sameAsEmail(folded, stripped, email) {
		msgs = append(msgs, msgEmail)
	}
	if isSimple([]rune(folded)) {
		msgs = append(msgs, msgSequence)
	}
	if isCommon(folded, stripped) {
		msgs = append(msgs, msgCommon)
	}
	return msgs
}

// fold NFKC-normalises s, removes its accents and lower-cases it.
func fold(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFKC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = norm.NFKC.String(s)
	}
	return strings.ToLower(out)
}

// stripTrailing removes trailing digits, punctuation, symbols and spaces:
// "azerty2024!" becomes "azerty".
func stripTrailing(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.N, unicode.P, unicode.S, unicode.Z)
	})
}

func sameAsEmail(folded, stripped, email string) bool {
	email = fold(strings.TrimSpace(email))
	if email == "" {
		return false
	}
	local := email
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		local = email[:i]
	}
	bare := strings.Map(func(r rune) rune {
		if strings.ContainsRune("._-+", r) {
			return -1
		}
		return r
	}, local)
	for _, c := range []string{email, local, bare} {
		if c != "" && (folded == c || stripped == c) {
			return true
		}
	}
	return false
}

func isCommon(folded, stripped string) bool {
	for line := range strings.Lines(commonPasswords) {
		w := strings.TrimSuffix(line, "\n")
		if w != "" && (w == folded || w == stripped) {
			return true
		}
	}
	return false
}

// sequences returns the orders in which people type "simple" passwords:
// digits, the alphabet, AZERTY and QWERTY rows and columns. Each is read
// cyclically.
func sequences() []string {
	return []string{
		"0123456789",
		"abcdefghijklmnopqrstuvwxyz",
		"azertyuiopqsdfghjklmwxcvbn",
		"qwertyuiopasdfghjklzxcvbnm",
		"1aqw2zsx3edc4rfv5tgb6yhn7uj8ik9ol0pm",
		"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
		"aqwzsxedcrfvtgbyhnujikolpm",
		"qazwsxedcrfvtgbyhnujmikolp",
	}
}

// isSimple reports whether s (at least 4 characters) is a short motif
// repeated at least three times ("abcabcabc"), or is covered by at most two
// runs each of which repeats one character or walks one of the sequences
// forwards or backwards ("aaaaaaaaaaaa", "123456789012", "azertyuiop!!").
func isSimple(s []rune) bool {
	if len(s) < 4 {
		return false
	}
	for p := 1; p <= 4 && 3*p <= len(s); p++ {
		periodic := true
		for i := p; i < len(s) && periodic; i++ {
			periodic = s[i] == s[i-p]
		}
		if periodic {
			return true
		}
	}
	runs := 0
	for i := 0; i < len(s); i += longestRun(s[i:]) {
		if runs++; runs > 2 {
			return false
		}
	}
	return true
}

// longestRun returns the length of the longest prefix of s that repeats its
// first character or walks one sequence with a fixed step of ±1.
func longestRun(s []rune) int {
	best := 1
	for best < len(s) && s[best] == s[0] {
		best++
	}
	for _, seq := range sequences() {
		n := len(seq) // ASCII
		for _, step := range []int{1, n - 1} {
			prev := strings.IndexRune(seq, s[0])
			if prev < 0 {
				break
			}
			k := 1
			for ; k < len(s); k++ {
				i := strings.IndexRune(seq, s[k])
				if i < 0 || i != (prev+step)%n {
					break
				}
				prev = i
			}
			best = max(best, k)
		}
	}
	return best
}
