package auth_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/auth"
)

// cheap are parameters that keep tests fast; never use them for real.
var cheap = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func newHasher(t testing.TB, p auth.Argon2Params) *auth.Hasher {
	t.Helper()
	h, err := auth.NewHasher(p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashFormat(t *testing.T) {
	h := newHasher(t, cheap)
	a, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(a) {
		t.Errorf("hash %q does not match %s", a, re)
	}
	if a == b {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerify(t *testing.T) {
	h := newHasher(t, cheap)
	slower := cheap
	slower.Time = 2
	hs := newHasher(t, slower)
	// Made by the reference implementation (libargon2) with salt "0123456789abcdef".
	const reference = "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$aq42HBL+IPAitHspChw/8mx5JRX2jFDkTmlsBskwH/0"
	hashOf := func(h *auth.Hasher, pw string) string {
		s, err := h.Hash(pw)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name           string
		verifier       *auth.Hasher
		encoded, pw    string
		wantOK, wantRe bool
		wantMalformed  bool
	}{
		{"right password", h, hashOf(h, "s3cret passphrase"), "s3cret passphrase", true, false, false},
		{"wrong password", h, hashOf(h, "s3cret passphrase"), "s3cret passphrasE", false, false, false},
		{"empty password", h, hashOf(h, ""), "", true, false, false},
		{"empty against non-empty", h, hashOf(h, "x"), "", false, false, false},
		{"composed and decomposed é", h, hashOf(h, "caf\u00e9 crème"), "cafe\u0301 cre\u0300me", true, false, false},
		{"fullwidth is NFKC-equal", h, hashOf(h, "ABC123"), "ＡＢＣ１２３", true, false, false},
		{"reference vector", h, reference, "correct horse battery staple", true, false, false},
		{"reference vector, wrong password", h, reference, "correct horse battery stapler", false, false, false},
		{"old parameters: rehash", hs, hashOf(h, "s3cret passphrase"), "s3cret passphrase", true, true, false},
		{"old parameters, wrong password: no rehash", hs, hashOf(h, "s3cret passphrase"), "nope", false, false, false},
		{"longer salt: rehash", h, hashOf(newHasher(t, auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32}), "pw"), "pw", true, true, false},
		{"malformed", h, "$2a$10$abcdefghijklmnopqrstuv", "pw", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, re, err := tt.verifier.Verify(tt.encoded, tt.pw)
			if tt.wantMalformed {
				if !errors.Is(err, auth.ErrMalformedHash) {
					t.Fatalf("err = %v, want ErrMalformedHash", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || re != tt.wantRe {
				t.Errorf("Verify = (%v, %v), want (%v, %v)", ok, re, tt.wantOK, tt.wantRe)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := newHasher(t, cheap)
	const salt, key = "MDEyMzQ1Njc4OWFiY2RlZg", "aq42HBL+IPAitHspChw/8mx5JRX2jFDkTmlsBskwH/0"
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"version 16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"no leading $", "argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"trailing $", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$"},
		{"parameters out of order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"extra parameter", "$argon2id$v=19$m=64,t=1,p=1,k=2$" + salt + "$" + key},
		{"m=0", "$argon2id$v=19$m=0,t=1,p=1$" + salt + "$" + key},
		{"m below 8p", "$argon2id$v=19$m=15,t=1,p=2$" + salt + "$" + key},
		{"t=0", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"p=0", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"p=256", "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key},
		{"m too large", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"m overflows uint32", "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + key},
		{"t too large", "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"sign", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key},
		{"empty number", "$argon2id$v=19$m=,t=1,p=1$" + salt + "$" + key},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"url alphabet", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.ReplaceAll(key, "+", "-")},
		{"non-canonical base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:len(salt)-1] + "h$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$YWJj$" + key},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$YWJjZGVmZ2g"},
		{"empty key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, re, err := h.Verify(tt.encoded, "correct horse battery staple")
			if !errors.Is(err, auth.ErrMalformedHash) || ok || re {
				t.Errorf("Verify = (%v, %v, %v), want ErrMalformedHash", ok, re, err)
			}
		})
	}
}

func TestNewHasherRejects(t *testing.T) {
	tests := []struct {
		name string
		p    auth.Argon2Params
	}{
		{"zero", auth.Argon2Params{}},
		{"no threads", auth.Argon2Params{Memory: 64, Time: 1, SaltLen: 16, KeyLen: 32}},
		{"no passes", auth.Argon2Params{Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"too little memory", auth.Argon2Params{Memory: 8, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}},
		{"too much memory", auth.Argon2Params{Memory: 1<<20 + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"short salt", auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}},
		{"short key", auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := auth.NewHasher(tt.p); err == nil {
				t.Errorf("NewHasher(%+v) accepted", tt.p)
			}
		})
	}
}

// TestDefaultParams is the one test that pays for the real parameters.
func TestDefaultParams(t *testing.T) {
	want := auth.Argon2Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	if got := auth.DefaultArgon2Params(); got != want {
		t.Fatalf("DefaultArgon2Params() = %+v, want %+v", got, want)
	}
	encoded, err := auth.HashPassword("Un long mot de passe")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("HashPassword = %q", encoded)
	}
	if ok, re, err := auth.VerifyPassword(encoded, "Un long mot de passe"); !ok || re || err != nil {
		t.Errorf("VerifyPassword = (%v, %v, %v), want (true, false, nil)", ok, re, err)
	}
	// Made by the reference implementation (libargon2) with salt "saltsaltsaltsalt".
	const reference = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$XYoMIsx8eWOk5GmaNuLa730JZnQAclngu1aHdzWIpfc"
	if ok, re, err := auth.VerifyPassword(reference, "motdepasse-de-test"); !ok || re || err != nil {
		t.Errorf("VerifyPassword(reference) = (%v, %v, %v), want (true, false, nil)", ok, re, err)
	}
	if ok, _, _ := auth.VerifyPassword(encoded, "un long mot de passe"); ok {
		t.Error("VerifyPassword accepted a wrong password")
	}
	// The cheaper hashes the tests make would be upgraded.
	cheapHash, err := newHasher(t, cheap).Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	if ok, re, err := auth.VerifyPassword(cheapHash, "pw"); !ok || !re || err != nil {
		t.Errorf("VerifyPassword(cheap) = (%v, %v, %v), want (true, true, nil)", ok, re, err)
	}
}

// TestDummyVerifyCost checks that DummyVerify does the work Verify does,
// comparing the fastest of several runs with a loose margin.
func BenchmarkHashPasswordDefault(b *testing.B) {
	for b.Loop() {
		if _, err := auth.HashPassword("Un long mot de passe"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDummyVerifyDefault(b *testing.B) {
	for b.Loop() {
		auth.DummyVerify("Un long mot de passe")
	}
}

// BenchmarkVerifyDefault beside BenchmarkDummyVerifyDefault shows that an
// unknown account costs the same as a wrong password (compare their ns/op).
func BenchmarkVerifyDefault(b *testing.B) {
	encoded, err := auth.HashPassword("Un long mot de passe")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, _, _ = auth.VerifyPassword(encoded, "Un autre mot de passe")
	}
}
