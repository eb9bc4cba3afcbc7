package auth

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckPassword(t *testing.T) {
	const email = "Jean.Dupont@Example.fr"
	tests := []struct {
		name, pw, email string
		want            []string
	}{
		{"passphrase", "correct horse battery staple", email, nil},
		{"french passphrase", "le chat de la voisine dort", email, nil},
		{"12 characters", "x7Kp2mQ9vLr4", email, nil},
		{"12 accented letters", "àéèùçôîêâûëï", email, nil},
		{"128 characters", strings.Repeat("chou fleur!", 12)[:128], email, nil},
		{"a common word inside a phrase", "azerty est nul", email, nil},
		{"email with a different local part", "jean.dupont2", "marie@example.fr", nil},

		{"empty", "", email, []string{msgTooShort}},
		{"11 characters", "Tr0ub4dor&3", email, []string{msgTooShort}},
		{"12 code points, 11 characters after NFKC", "ae\u0301iouyae\u0301iou", email, []string{msgTooShort}},
		{"129 characters", strings.Repeat("chou fleur!", 12)[:129], email, []string{msgTooLong}},
		{"129 repeated characters: only the length", strings.Repeat("a", 129), email, []string{msgTooLong}},

		{"the e-mail", "jean.dupont@example.fr", email, []string{msgEmail}},
		{"the local part and digits", "Jean.Dupont2024!", email, []string{msgEmail}},
		{"the local part without dots", "jeandupont123", email, []string{msgEmail}},
		{"no e-mail given", "jeandupont123", "", nil},

		{"one repeated character", "aaaaaaaaaaaa", email, []string{msgSequence}},
		{"repeated accented character", "éééééééééééé", email, []string{msgSequence}},
		{"digits, wrapping", "123456789012", email, []string{msgSequence}},
		{"digits backwards", "987654321098", email, []string{msgSequence}},
		{"azerty rows", "azertyuiopqs", email, []string{msgSequence}},
		{"qwerty rows", "QWERTYUIOPASDF", email, []string{msgSequence}},
		{"alphabet", "abcdefghijklmn", email, []string{msgSequence}},
		{"keyboard columns", "1qaz2wsx3edc", email, []string{msgSequence}},
		{"two runs", "defghi987654", email, []string{msgSequence}},
		{"run and repeats", "zyxwvuts!!!!", email, []string{msgSequence}},
		{"repeated motif", "abcabcabcabc", email, []string{msgSequence}},
		{"repeated pair", "1212121212121", email, []string{msgSequence}},
		{"repeated word of 4", "motsmotsmots", email, []string{msgSequence}},
		{"short and a sequence", "bcde", email, []string{msgTooShort, msgSequence}},

		{"common", "motdepasse123", email, []string{msgCommon}},
		{"common, capitals and symbols", "MotDePasse2024!", email, []string{msgCommon}},
		{"common, accents", "Bébé-Chérie-2024", "", nil},
		{"common with accents folded", "Liberté12345!", email, []string{msgCommon}},
		{"common leet", "P@ssw0rd1234", email, []string{msgCommon}},
		{"common fullwidth", "ｐａｓｓｗｏｒｄ１２３４", email, []string{msgCommon}},
		{"common city", "Marseille13013", email, []string{msgCommon}},
		{"common and a sequence", "qwertyuiop!!", email, []string{msgSequence, msgCommon}},
		{"common digits", "123456789", email, []string{msgTooShort, msgSequence, msgCommon}},
		{"short common", "soleil", email, []string{msgTooShort, msgCommon}},
		{"service name", "Aiguillage2025", email, []string{msgCommon}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPassword(tt.pw, tt.email); !slices.Equal(got, tt.want) {
				t.Errorf("CheckPassword(%q) = %q, want %q", tt.pw, got, tt.want)
			}
		})
	}
}

func TestPasswordMessagesMatchConstants(t *testing.T) {
	if !strings.Contains(msgTooShort, " "+strconv.Itoa(MinPasswordLength)+" ") ||
		!strings.Contains(msgTooLong, " "+strconv.Itoa(MaxPasswordLength)+" ") {
		t.Errorf("messages %q and %q do not state %d and %d", msgTooShort, msgTooLong, MinPasswordLength, MaxPasswordLength)
	}
}

// TestCommonPasswordsList checks that entries are in the form isCommon
// compares: folded, stripped, unique, sorted, long enough to matter.
func TestCommonPasswordsList(t *testing.T) {
	var words []string
	for line := range strings.Lines(commonPasswords) {
		w, ok := strings.CutSuffix(line, "\n")
		if !ok {
			t.Errorf("entry %q does not end with a line break", line)
		}
		words = append(words, w)
		if fold(w) != w {
			t.Errorf("entry %q is not folded (%q)", w, fold(w))
		}
		if s := stripTrailing(w); s != w && s != "" {
			t.Errorf("entry %q has trailing digits or punctuation: write %q", w, s)
		}
		if utf8.RuneCountInString(w) < 4 {
			t.Errorf("entry %q is shorter than 4 characters", w)
		}
	}
	if len(words) < 300 {
		t.Errorf("%d entries, want a few hundred", len(words))
	}
	if !slices.IsSorted(words) {
		t.Error("entries are not sorted")
	}
	if c := slices.Compact(slices.Clone(words)); len(c) != len(words) {
		t.Errorf("%d duplicate entries", len(words)-len(c))
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	for b.Loop() {
		CheckPassword("correct horse battery staple", "jean.dupont@example.fr")
	}
}
