package auth

import (
	"errors"
	"testing"
)

// FuzzParsePHC checks that the parser never panics, and that what it accepts
// is within bounds and written back exactly as read.
func FuzzParsePHC(f *testing.F) {
	for _, s := range []string{
		"$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$aq42HBL+IPAitHspChw/8mx5JRX2jFDkTmlsBskwH/0",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$XYoMIsx8eWOk5GmaNuLa730JZnQAclngu1aHdzWIpfc",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$XYoMIsx8eWOk5GmaNuLa730JZnQAclngu1aHdzWIpfc",
		"$argon2id$v=19$m=64,t=0,p=0$$",
		"$argon2i$v=19$m=64,t=1,p=1$MDEy$MDEy",
		"$$$$$",
		"",
	} {
		f.Add(s)
	}
	h := &Hasher{params: Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePHC(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("parsePHC(%q) error %v is not ErrMalformedHash", s, err)
			}
			return
		}
		if err := p.validate(); err != nil {
			t.Fatalf("parsePHC(%q) accepted %+v: %v", s, p, err)
		}
		if got := encodePHC(p, salt, key); got != s {
			t.Fatalf("parsePHC(%q) then encodePHC = %q", s, got)
		}
		if p.Memory <= 1024 && p.Time <= 2 && p.Threads <= 4 {
			if _, _, err := h.Verify(s, "pw"); err != nil {
				t.Fatalf("Verify(%q): %v", s, err)
			}
		}
	})
}
