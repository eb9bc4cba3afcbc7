package textnorm

import (
	"slices"
	"testing"
)

// TestWordsOtherScripts checks that folding keeps the letters of Arabic and
// Cyrillic (only case and combining marks go), and that Arabic, Ukrainian
// and Turkish queries split into words.
func TestWordsOtherScripts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"ضاعت بطاقة التأمين الصحي", []string{"ضاعت", "بطاقة", "التامين", "الصحي"}},   // hamza (a combining mark) dropped
		{"زَوْجِي يَضْرِبُنِي!", []string{"زوجي", "يضربني"}},                          // vowel marks dropped
		{"Втратив РОБОТУ, що робити?", []string{"втратив", "роботу", "що", "робити"}}, // lower-cased
		{"Чоловік мене б’є", []string{"чоловік", "мене", "б", "є"}},
		{"Її житло", []string{"іі", "житло"}}, // ї is і with a diaeresis
		{"Kiramı ödeyemiyorum, işsizim", []string{"kiramı", "odeyemiyorum", "issizim"}},
		{"İŞTEN ÇIKARILDIM", []string{"isten", "cikarildim"}}, // upper-case I is Latin I
		{"3646 ١٢٣", []string{"3646", "١٢٣"}},
	}
	for _, tc := range tests {
		if got := Words(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
