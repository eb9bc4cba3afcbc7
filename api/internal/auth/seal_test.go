package auth_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/auth"
)

func TestSealer(t *testing.T) {
	k1, _, err := auth.GenerateKey("k.1")
	if err != nil {
		t.Fatal(err)
	}
	k2, _, err := auth.GenerateKey("k2")
	if err != nil {
		t.Fatal(err)
	}
	old, err := auth.NewSealer("proconnect", []auth.Key{k1}, "k.1")
	if err != nil {
		t.Fatal(err)
	}
	// Rotated: k2 seals, k1 still opens.
	rotated, err := auth.NewSealer("proconnect", []auth.Key{k2, k1}, "k2")
	if err != nil {
		t.Fatal(err)
	}
	other, err := auth.NewSealer("other", []auth.Key{k1}, "k.1")
	if err != nil {
		t.Fatal(err)
	}
	msg, aad := []byte(`{"s":"state"}`), []byte("aad")
	sealed, err := old.Seal(msg, aad)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sealed, "k.1.") || strings.Contains(sealed, "state") {
		t.Fatalf("sealed %q", sealed)
	}
	if got, err := rotated.Open(sealed, aad); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("open after rotation: %q %v", got, err)
	}
	again, _ := old.Seal(msg, aad)
	if again == sealed {
		t.Error("two seals of the same value are equal (nonce reused)")
	}
	flip := []byte(sealed)
	flip[len(flip)-3] ^= 1
	bad := map[string]struct {
		s      *auth.Sealer
		sealed string
		aad    []byte
	}{
		"other purpose":  {other, sealed, aad},
		"other aad":      {old, sealed, []byte("aae")},
		"tampered":       {old, string(flip), aad},
		"unknown kid":    {old, "k3" + sealed[3:], aad},
		"no kid":         {old, sealed[4:], aad},
		"empty":          {old, "", aad},
		"truncated":      {old, sealed[:10], aad},
		"not base64":     {old, "k.1.!!!", aad},
		"too long":       {old, "k.1." + strings.Repeat("A", 5000), aad},
		"sealed by new":  {old, mustSeal(t, rotated, msg, aad), aad},
		"kid only":       {old, "k.1.", aad},
		"trailing dot":   {old, sealed + ".", aad},
		"nonce only":     {old, "k.1.AAAAAAAAAAAAAAAA", aad},
		"garbage prefix": {old, "x" + sealed, aad},
	}
	for name, tt := range bad {
		if got, err := tt.s.Open(tt.sealed, tt.aad); !errors.Is(err, auth.ErrSealed) || got != nil {
			t.Errorf("%s: %q %v", name, got, err)
		}
	}
	if _, err := auth.NewSealer("", []auth.Key{k1}, "k.1"); err == nil {
		t.Error("sealer without purpose")
	}
	if _, err := auth.NewSealer("p", []auth.Key{k1}, "k2"); err == nil {
		t.Error("active key not among the keys")
	}
}

func mustSeal(t *testing.T, s *auth.Sealer, msg, aad []byte) string {
	t.Helper()
	v, err := s.Seal(msg, aad)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
