package i18n

import (
	"errors"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		ok      bool
		wantErr bool
	}{
		{"", "fr", true, false},
		{"fr", "fr", true, false},
		{"FR-fr", "fr", true, false},
		{"fr-x-falc", "fr-x-falc", true, false},
		{"FR-X-FALC", "fr-x-falc", true, false},
		{"falc", "fr-x-falc", true, false},
		{"fr-FR-x-falc", "fr-x-falc", true, false},
		{"en", "en", true, false},
		{"en-GB", "en", true, false},
		{"en_US", "en", true, false},
		{"pt-BR", "pt", true, false},
		{"ar-MA", "ar", true, false},
		{"uk-UA", "uk", true, false},
		{"es-419", "es", true, false},
		{"tr", "tr", true, false},
		{"de", "fr", false, false},
		{"zh-Hant-TW", "fr", false, false},
		{"not a tag", "", false, true},
		{"<script>", "", false, true},
		{"en-\x00", "", false, true},
		{"abcdefghijabcdefghijabcdefghijabcdefghij", "", false, true},
	}
	for _, tt := range tests {
		got, ok, err := Normalize(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Normalize(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("Normalize(%q) error %v does not wrap ErrMalformed", tt.in, err)
			}
			continue
		}
		if got != tt.want || ok != tt.ok {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPickAndAcceptLanguage(t *testing.T) {
	if got := Pick("", "de", "bad tag!", "uk-UA", "en"); got != "uk" {
		t.Errorf("Pick = %q, want uk", got)
	}
	if got := Pick("de"); got != "fr" {
		t.Errorf("Pick(de) = %q, want fr", got)
	}
	if got := ParseAcceptLanguage("de-DE,de;q=0.9,ar;q=0.8,en;q=0.7"); got != "ar" {
		t.Errorf("ParseAcceptLanguage = %q, want ar", got)
	}
	if got := ParseAcceptLanguage("%%%"); got != "fr" {
		t.Errorf("ParseAcceptLanguage(garbage) = %q, want fr", got)
	}
}

func TestLanguages(t *testing.T) {
	ls := Languages()
	if len(ls) != 8 || ls[0].Code != French {
		t.Fatalf("Languages() = %v", ls)
	}
	for _, l := range ls {
		code, ok, err := Normalize(l.Code)
		if err != nil || !ok || code != l.Code {
			t.Errorf("Normalize(%q) = %q, %v, %v: a shipped code must normalize to itself", l.Code, code, ok, err)
		}
		if want := map[bool]string{true: "rtl", false: "ltr"}[l.Code == "ar"]; Dir(l.Code) != want || l.Dir != want {
			t.Errorf("Dir(%q) = %q, want %q", l.Code, Dir(l.Code), want)
		}
	}
	if len(Translations()) != 7 || Supported("de") {
		t.Errorf("Translations() = %v", Translations())
	}
	if Fallback("fr", false) || !Fallback("en", false) || Fallback("en", true) || !Fallback(FALC, false) {
		t.Error("Fallback rules")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"fr", "fr-x-falc", "en-GB", "ar", "x", "<>", "zh-Hant-TW"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok, err := Normalize(s)
		if err != nil {
			return
		}
		if !Supported(code) {
			t.Fatalf("Normalize(%q) = %q, not a shipped code", s, code)
		}
		if ok {
			again, ok2, err2 := Normalize(code)
			if err2 != nil || !ok2 || again != code {
				t.Fatalf("Normalize(%q) = %q is not stable: %q %v %v", s, code, again, ok2, err2)
			}
		}
	})
}
