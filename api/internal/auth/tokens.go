package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Access token lifetimes, and the clock skew Verify tolerates.
const (
	DefaultAccessTTL = 10 * time.Minute
	MaxAccessTTL     = 15 * time.Minute
	ClockLeeway      = 30 * time.Second
)

// accessTokenType is the JOSE "typ" of access tokens (RFC 9068), so that no
// other JWT signed with the same keys can pass for one.
const accessTokenType = "at+jwt"

// Errors of Verify. A client answered ErrTokenExpired should refresh; one
// answered ErrTokenInvalid should log in again.
var (
	ErrTokenExpired = errors.New("auth: access token expired")
	ErrTokenInvalid = errors.New("auth: access token invalid")
)

// Key is an Ed25519 signing key and its key id (the JWT "kid").
type Key struct {
	ID   string
	priv ed25519.PrivateKey
}

// PublicKey returns the key that checks k's signatures.
func (k Key) PublicKey() ed25519.PublicKey {
	if len(k.priv) != ed25519.PrivateKeySize {
		return nil
	}
	return k.priv.Public().(ed25519.PublicKey)
}

// String names the key without showing its secret, should it be logged.
func (k Key) String() string { return "auth.Key(" + k.ID + ")" }

// GoString is String, for %#v.
func (k Key) GoString() string { return k.String() }

// newKey builds a Key from a 32-byte Ed25519 seed. Its errors show neither
// kid nor seed: a misplaced seed could be taken for a kid.
func newKey(kid string, seed []byte) (Key, error) {
	if err := checkKeyID(kid); err != nil {
		return Key{}, err
	}
	if len(seed) != ed25519.SeedSize {
		return Key{}, fmt.Errorf("the seed must be %d bytes in base64url", ed25519.SeedSize)
	}
	return Key{ID: kid, priv: ed25519.NewKeyFromSeed(seed)}, nil
}

// checkKeyID accepts 1 to 64 characters among letters, digits, '.', '_', '-'.
func checkKeyID(kid string) error {
	if kid == "" || len(kid) > 64 {
		return errors.New("the key id must have 1 to 64 characters")
	}
	for _, r := range kid {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("._-", r)) {
			return errors.New("the key id must have only letters, digits, '.', '_' and '-'")
		}
	}
	return nil
}

// GenerateKey returns a new random key and its entry for ParseKeys,
// "kid:base64url(seed)".
func GenerateKey(kid string) (Key, string, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return Key{}, "", fmt.Errorf("auth: key seed: %w", err)
	}
	k, err := newKey(kid, seed)
	if err != nil {
		return Key{}, "", fmt.Errorf("auth: key %q: %w", kid, err)
	}
	return k, kid + ":" + base64.RawURLEncoding.EncodeToString(seed), nil
}

// ParseKeys reads keys from a comma-separated list of "kid:seed" entries,
// seed being a 32-byte Ed25519 seed in base64url (padding tolerated). Spaces
// and line breaks around entries are ignored. The first key should be the
// active one. Errors never show the seeds.
func ParseKeys(spec string) ([]Key, error) {
	var keys []Key
	seen := make(map[string]int)
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		kid, seed64, found := strings.Cut(entry, ":")
		if !found {
			return nil, fmt.Errorf("key entry %d: want kid:base64url-seed", i+1)
		}
		seed, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seed64, "="))
		if err != nil {
			seed = nil // newKey reports the length
		}
		k, err := newKey(kid, seed)
		if err != nil {
			return nil, fmt.Errorf("key entry %d: %w", i+1, err)
		}
		if j, dup := seen[kid]; dup {
			return nil, fmt.Errorf("key entry %d: same key id as entry %d", i+1, j)
		}
		seen[kid] = i + 1
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no key: want kid:base64url-seed[,kid:base64url-seed…]")
	}
	return keys, nil
}

// AccessClaims are what an access token says about its bearer.
type AccessClaims struct {
	UserID        string
	PlatformAdmin bool
	SessionID     string // refresh token family
}

// accessJWT is the token body: sub, iss, aud, iat, nbf, exp, jti, plus ours.
type accessJWT struct {
	jwt.RegisteredClaims
	PlatformAdmin bool   `json:"platform_admin,omitempty"`
	SessionID     string `json:"sid,omitempty"`
}

// Validate adds to the library's checks: iat and sub are required.
func (c *accessJWT) Validate() error {
	if c.IssuedAt == nil {
		return fmt.Errorf("%w: iat", jwt.ErrTokenRequiredClaimMissing)
	}
	if c.Subject == "" {
		return fmt.Errorf("%w: sub", jwt.ErrTokenRequiredClaimMissing)
	}
	return nil
}

// KeyRing issues access tokens with its active key and verifies those of any
// of its keys. It is immutable and safe for concurrent use. To rotate, build
// a new KeyRing with the new key active and the previous one still listed
// until the tokens it signed have expired (MaxAccessTTL + ClockLeeway).
type KeyRing struct {
	issuer, audience string
	active           Key
	public           map[string]ed25519.PublicKey
	ttl              time.Duration
	now              func() time.Time
	parser           *jwt.Parser
}

// KeyRingOption changes a KeyRing's defaults.
type KeyRingOption func(*KeyRing)

// WithAccessTTL sets the lifetime of access tokens (DefaultAccessTTL by
// default); NewKeyRing refuses more than MaxAccessTTL.
func WithAccessTTL(d time.Duration) KeyRingOption { return func(r *KeyRing) { r.ttl = d } }

// NewKeyRing returns a KeyRing that signs with the key whose ID is active and
// stamps tokens with issuer and audience. now is the clock (time.Now if nil).
func NewKeyRing(issuer, audience string, keys []Key, active string, now func() time.Time, opts ...KeyRingOption) (*KeyRing, error) {
	if issuer == "" || audience == "" {
		return nil, errors.New("auth: issuer and audience are required")
	}
	if now == nil {
		now = time.Now
	}
	r := &KeyRing{issuer: issuer, audience: audience, public: make(map[string]ed25519.PublicKey, len(keys)), ttl: DefaultAccessTTL, now: now}
	for _, o := range opts {
		o(r)
	}
	if r.ttl <= 0 || r.ttl > MaxAccessTTL {
		return nil, fmt.Errorf("auth: access token lifetime %v: want more than 0 and at most %v", r.ttl, MaxAccessTTL)
	}
	for _, k := range keys {
		if err := checkKeyID(k.ID); err != nil {
			return nil, fmt.Errorf("auth: key %q: %w", k.ID, err)
		}
		if len(k.priv) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("auth: key %q has no private key (use ParseKeys or GenerateKey)", k.ID)
		}
		if _, dup := r.public[k.ID]; dup {
			return nil, fmt.Errorf("auth: key id %q appears twice", k.ID)
		}
		r.public[k.ID] = k.PublicKey()
		if k.ID == active {
			r.active = k
		}
	}
	if r.active.ID == "" {
		return nil, fmt.Errorf("auth: active key %q is not among the keys", active)
	}
	r.parser = jwt.NewParser(append(r.claimChecks(now),
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithStrictDecoding(),
	)...)
	return r, nil
}

// claimChecks are the parser options on claims, with clock now.
func (r *KeyRing) claimChecks(now func() time.Time) []jwt.ParserOption {
	return []jwt.ParserOption{
		jwt.WithIssuer(r.issuer),
		jwt.WithAudience(r.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(ClockLeeway),
		jwt.WithTimeFunc(now),
	}
}

// Issue signs an access token for c with the active key and returns it with
// its expiry time.
func (r *KeyRing) Issue(c AccessClaims) (string, time.Time, error) {
	if c.UserID == "" {
		return "", time.Time{}, errors.New("auth: access token without user ID")
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", time.Time{}, fmt.Errorf("auth: token id: %w", err)
	}
	now := r.now()
	body := accessJWT{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    r.issuer,
			Subject:   c.UserID,
			Audience:  jwt.ClaimStrings{r.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(r.ttl)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        base64.RawURLEncoding.EncodeToString(jti),
		},
		PlatformAdmin: c.PlatformAdmin,
		SessionID:     c.SessionID,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, body)
	t.Header["typ"] = accessTokenType
	t.Header["kid"] = r.active.ID
	s, err := t.SignedString(r.active.priv)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign access token: %w", err)
	}
	return s, body.ExpiresAt.Time, nil
}

// Verify checks an access token's signature and claims and returns its
// claims. Its errors are ErrTokenExpired, for a token that is right in every
// other way, or ErrTokenInvalid (wrapped, with the reason).
func (r *KeyRing) Verify(token string) (*AccessClaims, error) {
	var c accessJWT
	_, err := r.parser.ParseWithClaims(token, &c, r.verificationKey)
	if err != nil {
		// The signature is checked before the claims, so c is trustworthy
		// here: it was expired if it was valid when issued.
		if errors.Is(err, jwt.ErrTokenExpired) && c.IssuedAt != nil &&
			jwt.NewValidator(r.claimChecks(func() time.Time { return c.IssuedAt.Time })...).Validate(&c) == nil {
			return nil, ErrTokenExpired
		}
		return nil, fmt.Errorf("%w: %v", ErrTokenInvalid, err)
	}
	return &AccessClaims{UserID: c.Subject, PlatformAdmin: c.PlatformAdmin, SessionID: c.SessionID}, nil
}

func (r *KeyRing) verificationKey(t *jwt.Token) (any, error) {
	if typ, _ := t.Header["typ"].(string); typ != accessTokenType {
		return nil, errors.New("not an access token (typ)")
	}
	kid, _ := t.Header["kid"].(string)
	pub, ok := r.public[kid]
	if !ok {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	return pub, nil
}

// NewOpaqueToken returns a random token for refresh tokens and invitations
// (32 bytes, unpadded base64url) and the hash to store instead of it.
func NewOpaqueToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: opaque token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashOpaqueToken(token), nil
}

// HashOpaqueToken returns the hex SHA-256 of token, the form in which opaque
// tokens are stored and looked up. The tokens have 256 bits of entropy, so an
// unsalted fast hash is enough.
func HashOpaqueToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
