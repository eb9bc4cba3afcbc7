package auth_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/aiguillage/aiguillage/api/internal/auth"
	"github.com/aiguillage/aiguillage/api/internal/testclock"
)

func newClock() *testclock.Clock { return testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) }

const (
	issuer   = "https://aiguillage.example.fr"
	audience = "aiguillage-admin"
)

// testKey is a generated key and its seed, for forging tokens in tests.
type testKey struct {
	key  auth.Key
	priv ed25519.PrivateKey
}

func genKey(t *testing.T, kid string) testKey {
	t.Helper()
	k, entry, err := auth.GenerateKey(kid)
	if err != nil {
		t.Fatal(err)
	}
	_, seed64, _ := strings.Cut(entry, ":")
	seed, err := base64.RawURLEncoding.DecodeString(seed64)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{key: k, priv: ed25519.NewKeyFromSeed(seed)}
}

func newRing(t *testing.T, c *testclock.Clock, active string, keys ...testKey) *auth.KeyRing {
	t.Helper()
	var ks []auth.Key
	for _, k := range keys {
		ks = append(ks, k.key)
	}
	r, err := auth.NewKeyRing(issuer, audience, ks, active, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestIssueVerify(t *testing.T) {
	c := newClock()
	k := genKey(t, "2026-03")
	r := newRing(t, c, "2026-03", k)
	tests := []auth.AccessClaims{
		{UserID: "u-1", SessionID: "fam-1"},
		{UserID: "u-2", PlatformAdmin: true, SessionID: "fam-2"},
		{UserID: "u-3"},
	}
	for _, want := range tests {
		t.Run(want.UserID, func(t *testing.T) {
			tok, exp, err := r.Issue(want)
			if err != nil {
				t.Fatal(err)
			}
			if wantExp := c.Now().Add(auth.DefaultAccessTTL); !exp.Equal(wantExp) {
				t.Errorf("expiry = %v, want %v", exp, wantExp)
			}
			got, err := r.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			if *got != want {
				t.Errorf("Verify = %+v, want %+v", *got, want)
			}
		})
	}
}

func TestIssuedTokenShape(t *testing.T) {
	c := newClock()
	r := newRing(t, c, "k1", genKey(t, "k1"))
	tok, _, err := r.Issue(auth.AccessClaims{UserID: "u-1", PlatformAdmin: true, SessionID: "fam-1"})
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, claims)
	if err != nil {
		t.Fatal(err)
	}
	now := float64(c.Now().Unix())
	for name, want := range map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": "k1"} {
		if got := parsed.Header[name]; got != want {
			t.Errorf("header %s = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]any{
		"iss": issuer, "sub": "u-1", "aud": []any{audience}, "iat": now, "nbf": now,
		"exp": now + auth.DefaultAccessTTL.Seconds(), "sid": "fam-1", "platform_admin": true,
	} {
		if got := fmt.Sprint(claims[name]); got != fmt.Sprint(want) {
			t.Errorf("claim %s = %v, want %v", name, got, want)
		}
	}
	if jti, _ := claims["jti"].(string); len(jti) < 16 {
		t.Errorf("jti = %q, want a random id", jti)
	}
	tok2, _, _ := r.Issue(auth.AccessClaims{UserID: "u-1"})
	claims2 := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok2, claims2); err != nil || claims2["jti"] == claims["jti"] {
		t.Errorf("two tokens share jti %v (err %v)", claims["jti"], err)
	}
}

// forge signs body with the given method, key and header fields.
func forge(t *testing.T, method jwt.SigningMethod, key any, header map[string]any, body jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, body)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRejects(t *testing.T) {
	c := newClock()
	k := genKey(t, "k1")
	stranger := genKey(t, "k1") // same kid, other key
	r := newRing(t, c, "k1", k)
	now := c.Now()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{
			"iss": issuer, "aud": []string{audience}, "sub": "u-1",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": "x",
		}
	}
	without := func(name string) jwt.MapClaims { m := good(); delete(m, name); return m }
	with := func(name string, v any) jwt.MapClaims { m := good(); m[name] = v; return m }
	hdr := map[string]any{"kid": "k1", "typ": "at+jwt"}
	issued, _, err := r.Issue(auth.AccessClaims{UserID: "u-1"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(issued, ".")
	// A payload that makes the bearer platform administrator, under the old signature.
	adminPayload := base64.RawURLEncoding.EncodeToString(
		[]byte(`{"iss":"` + issuer + `","aud":["` + audience + `"],"sub":"u-1","platform_admin":true,"iat":` +
			fmt.Sprint(now.Unix()) + `,"exp":` + fmt.Sprint(now.Add(time.Minute).Unix()) + `}`))
	flip := func(s string, i int) string {
		b := []byte(s)
		b[i] ^= 'A' ^ 'B'
		if b[i] == s[i] {
			b[i] = 'C'
		}
		return string(b)
	}

	tests := []struct {
		name, token string
	}{
		{"control: forged with the right key passes", ""},
		{"empty", "x"},
		{"garbage", "not.a.token"},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2], 10)},
		{"signature's last character", parts[0] + "." + parts[1] + "." + flip(parts[2], len(parts[2])-1)},
		{"tampered payload", parts[0] + "." + adminPayload + "." + parts[2]},
		{"signature removed", parts[0] + "." + parts[1] + "."},
		{"alg none", forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, hdr, good())},
		{"HS256 with the public key", forge(t, jwt.SigningMethodHS256, []byte(k.key.PublicKey()), hdr, good())},
		{"HS256 with the public key as base64", forge(t, jwt.SigningMethodHS256, []byte(base64.RawURLEncoding.EncodeToString(k.key.PublicKey())), hdr, good())},
		{"another key with the same kid", forge(t, jwt.SigningMethodEdDSA, stranger.priv, hdr, good())},
		{"unknown kid", forge(t, jwt.SigningMethodEdDSA, k.priv, map[string]any{"kid": "k2", "typ": "at+jwt"}, good())},
		{"no kid", forge(t, jwt.SigningMethodEdDSA, k.priv, map[string]any{"typ": "at+jwt"}, good())},
		{"typ JWT", forge(t, jwt.SigningMethodEdDSA, k.priv, map[string]any{"kid": "k1"}, good())},
		{"wrong issuer", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, with("iss", "https://evil.example"))},
		{"no issuer", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, without("iss"))},
		{"wrong audience", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, with("aud", []string{"widget"}))},
		{"no audience", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, without("aud"))},
		{"no exp", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, without("exp"))},
		{"no iat", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, without("iat"))},
		{"no sub", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, without("sub"))},
		{"iat in the future", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, with("iat", now.Add(time.Minute).Unix()))},
		{"nbf in the future", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, with("nbf", now.Add(time.Minute).Unix()))},
		{"expired with a wrong audience is invalid", forge(t, jwt.SigningMethodEdDSA, k.priv, hdr,
			jwt.MapClaims{"iss": issuer, "aud": "widget", "sub": "u-1", "iat": now.Add(-time.Hour).Unix(), "exp": now.Add(-time.Hour + time.Minute).Unix()})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.token == "" {
				if _, err := r.Verify(forge(t, jwt.SigningMethodEdDSA, k.priv, hdr, good())); err != nil {
					t.Fatalf("the control token fails: %v", err)
				}
				return
			}
			got, err := r.Verify(tt.token)
			t.Log(err)
			if !errors.Is(err, auth.ErrTokenInvalid) || errors.Is(err, auth.ErrTokenExpired) {
				t.Errorf("Verify = (%+v, %v), want ErrTokenInvalid", got, err)
			}
		})
	}
}

func TestVerifyExpiry(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration
		wantErr error
	}{
		{"fresh", 0, nil},
		{"at expiry, within leeway", auth.DefaultAccessTTL + auth.ClockLeeway - time.Second, nil},
		{"past expiry and leeway", auth.DefaultAccessTTL + auth.ClockLeeway + time.Second, auth.ErrTokenExpired},
		{"a day later", 24 * time.Hour, auth.ErrTokenExpired},
		{"issued 20 s ahead of the verifier's clock", -20 * time.Second, nil},
		{"issued 1 min ahead of the verifier's clock", -time.Minute, auth.ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			r := newRing(t, c, "k1", genKey(t, "k1"))
			tok, _, err := r.Issue(auth.AccessClaims{UserID: "u-1"})
			if err != nil {
				t.Fatal(err)
			}
			c.Add(tt.advance)
			_, err = r.Verify(tok)
			if (tt.wantErr == nil) != (err == nil) || !errors.Is(err, tt.wantErr) {
				t.Errorf("Verify after %v: err = %v, want %v", tt.advance, err, tt.wantErr)
			}
		})
	}
}

func TestKeyRotation(t *testing.T) {
	c := newClock()
	k1, k2 := genKey(t, "k1"), genKey(t, "k2")
	before := newRing(t, c, "k1", k1)
	during := newRing(t, c, "k2", k2, k1) // k2 signs, k1 still verifies
	after := newRing(t, c, "k2", k2)      // k1 removed
	old, _, err := before.Issue(auth.AccessClaims{UserID: "u-1"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, err := during.Issue(auth.AccessClaims{UserID: "u-1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		ring   *auth.KeyRing
		token  string
		wantOK bool
	}{
		{"old token, old ring", before, old, true},
		{"old token after rotation", during, old, true},
		{"new token after rotation", during, fresh, true},
		{"new token, old ring", before, fresh, false},
		{"old token after removal", after, old, false},
		{"new token after removal", after, fresh, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.ring.Verify(tt.token)
			if tt.wantOK != (err == nil) || (err != nil && !errors.Is(err, auth.ErrTokenInvalid)) {
				t.Errorf("Verify: err = %v, want ok = %v", err, tt.wantOK)
			}
		})
	}
}

func TestNewKeyRingRejects(t *testing.T) {
	c := newClock()
	k1, k2 := genKey(t, "k1"), genKey(t, "k2")
	keys := []auth.Key{k1.key, k2.key}
	tests := []struct {
		name             string
		issuer, audience string
		keys             []auth.Key
		active           string
		opts             []auth.KeyRingOption
		wantOK           bool
	}{
		{"defaults", issuer, audience, keys, "k1", nil, true},
		{"TTL 15 min", issuer, audience, keys, "k1", []auth.KeyRingOption{auth.WithAccessTTL(auth.MaxAccessTTL)}, true},
		{"TTL 5 min", issuer, audience, keys, "k2", []auth.KeyRingOption{auth.WithAccessTTL(5 * time.Minute)}, true},
		{"TTL above 15 min", issuer, audience, keys, "k1", []auth.KeyRingOption{auth.WithAccessTTL(auth.MaxAccessTTL + time.Second)}, false},
		{"TTL 1 h", issuer, audience, keys, "k1", []auth.KeyRingOption{auth.WithAccessTTL(time.Hour)}, false},
		{"TTL 0", issuer, audience, keys, "k1", []auth.KeyRingOption{auth.WithAccessTTL(0)}, false},
		{"TTL negative", issuer, audience, keys, "k1", []auth.KeyRingOption{auth.WithAccessTTL(-time.Minute)}, false},
		{"no issuer", "", audience, keys, "k1", nil, false},
		{"no audience", issuer, "", keys, "k1", nil, false},
		{"no keys", issuer, audience, nil, "k1", nil, false},
		{"active key missing", issuer, audience, keys, "k3", nil, false},
		{"duplicate kid", issuer, audience, []auth.Key{k1.key, k1.key}, "k1", nil, false},
		{"key without private part", issuer, audience, []auth.Key{{ID: "k1"}}, "k1", nil, false},
		{"bad kid", issuer, audience, []auth.Key{{ID: "k 1"}}, "k 1", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auth.NewKeyRing(tt.issuer, tt.audience, tt.keys, tt.active, c.Now, tt.opts...)
			if (err == nil) != tt.wantOK {
				t.Errorf("NewKeyRing: err = %v, want ok = %v", err, tt.wantOK)
			}
		})
	}
}

func TestIssueTTL(t *testing.T) {
	c := newClock()
	k := genKey(t, "k1")
	r, err := auth.NewKeyRing(issuer, audience, []auth.Key{k.key}, "k1", c.Now, auth.WithAccessTTL(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	tok, exp, err := r.Issue(auth.AccessClaims{UserID: "u-1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := c.Now().Add(3 * time.Minute); !exp.Equal(want) {
		t.Errorf("expiry = %v, want %v", exp, want)
	}
	c.Add(3*time.Minute + auth.ClockLeeway + time.Second)
	if _, err := r.Verify(tok); !errors.Is(err, auth.ErrTokenExpired) {
		t.Errorf("Verify = %v, want ErrTokenExpired", err)
	}
	if _, _, err := r.Issue(auth.AccessClaims{}); err == nil {
		t.Error("Issue accepted claims without a user ID")
	}
}

func TestParseKeys(t *testing.T) {
	seed := func(b byte) string {
		return base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat(string(rune(b)), 32)))
	}
	a, b := seed('a'), seed('b')
	tests := []struct {
		name     string
		spec     string
		wantKIDs []string
	}{
		{"one", "k1:" + a, []string{"k1"}},
		{"two, first active", "2026-03:" + b + ",2026-01:" + a, []string{"2026-03", "2026-01"}},
		{"spaces, line breaks, trailing comma", " k1:" + a + " ,\n k2:" + b + ",\n", []string{"k1", "k2"}},
		{"padded seed", "k1:" + a + "=", []string{"k1"}},
		{"empty", "", nil},
		{"blank", " ,\n", nil},
		{"no kid", a, nil},
		{"empty kid", ":" + a, nil},
		{"bad kid", "k/1:" + a, nil},
		{"standard base64", "k1:" + strings.NewReplacer("-", "+", "_", "/").Replace(seed(0xfb)), nil},
		{"short seed", "k1:" + base64.RawURLEncoding.EncodeToString(make([]byte, 16)), nil},
		{"64-byte private key", "k1:" + base64.RawURLEncoding.EncodeToString(make([]byte, 64)), nil},
		{"not base64", "k1:!!!!", nil},
		{"duplicate kid", "k1:" + a + ",k1:" + b, nil},
		{"seed and kid swapped", a + ":k1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := auth.ParseKeys(tt.spec)
			if tt.wantKIDs == nil {
				if err == nil {
					t.Fatalf("ParseKeys accepted %q", tt.spec)
				}
				if strings.Contains(err.Error(), a) || strings.Contains(err.Error(), b) {
					t.Errorf("error %q shows a seed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var kids []string
			for _, k := range keys {
				kids = append(kids, k.ID)
			}
			if fmt.Sprint(kids) != fmt.Sprint(tt.wantKIDs) {
				t.Errorf("kids = %v, want %v", kids, tt.wantKIDs)
			}
		})
	}
}

func TestGenerateKey(t *testing.T) {
	k, entry, err := auth.GenerateKey("2026-03")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.ParseKeys(entry)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].ID != "2026-03" || !keys[0].PublicKey().Equal(k.PublicKey()) {
		t.Errorf("ParseKeys(GenerateKey entry) = %v, want %v", keys, k)
	}
	_, seed, _ := strings.Cut(entry, ":")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, k); strings.Contains(s, seed) || !strings.Contains(s, "2026-03") {
			t.Errorf("Sprintf(%s, key) = %q", verb, s)
		}
	}
	if _, _, err := auth.GenerateKey("bad kid"); err == nil {
		t.Error("GenerateKey accepted a kid with a space")
	}
}

func TestOpaqueToken(t *testing.T) {
	tok, hash, err := auth.NewOpaqueToken()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 || len(tok) != 43 {
		t.Errorf("token %q: %d bytes, err %v; want 32 bytes of unpadded base64url", tok, len(raw), err)
	}
	sum := sha256.Sum256([]byte(tok))
	if want := hex.EncodeToString(sum[:]); hash != want || auth.HashOpaqueToken(tok) != want {
		t.Errorf("hash = %q, want %q", hash, want)
	}
	tok2, hash2, _ := auth.NewOpaqueToken()
	if tok2 == tok || hash2 == hash {
		t.Error("two opaque tokens are equal")
	}
	// SHA-256("abc"), FIPS 180-2.
	if got := auth.HashOpaqueToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashOpaqueToken(abc) = %s", got)
	}
}
