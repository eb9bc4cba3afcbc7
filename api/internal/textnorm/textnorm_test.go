package textnorm

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"J'ai perdu ma Carte d’identité !", "j ai perdu ma carte d identite"},
		{"  Œuvre   SOCIALE\t", "oeuvre sociale"},
		{"ÇA BRÛLE", "ca brule"},
		{"l'aide-ménagère", "l aide menagere"},
		{"06.12.34.56.78", "06 12 34 56 78"},
		{"\x00\x07caf\u200b", "caf"},
		{"", ""},
		{"😀😀", ""},
		{"Привет", "привет"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	got := Words("Qu'est-ce que l'APL ?")
	if want := []string{"qu", "est", "ce", "que", "l", "apl"}; !slices.Equal(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"J'ai perdu", "ÇA BRÛLE", "\xff\xfe", "a  b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) is not UTF-8", s)
		}
		if Fold(got) != got {
			t.Fatalf("Fold is not idempotent on %q: %q then %q", s, got, Fold(got))
		}
	})
}
