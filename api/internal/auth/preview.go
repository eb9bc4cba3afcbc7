package auth

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// PreviewTTL is the lifetime of a preview token.
const PreviewTTL = 30 * time.Minute

// previewTokenType is the JOSE "typ" of preview tokens.
const previewTokenType = "preview+jwt"

// previewKeyInfo is the HKDF "info" that derives a preview signing key from
// an access-token key's seed. Changing it invalidates every preview token.
const previewKeyInfo = "aiguillage preview-token signing key v1"

// Errors of PreviewTokens.Verify.
var (
	ErrPreviewExpired = errors.New("auth: preview token expired")
	ErrPreviewInvalid = errors.New("auth: preview token invalid")
)

// PreviewClaims name the journey draft a preview token opens: an
// organisation, by id, and one of its journeys, by slug. Nothing about the
// référent who asked for it.
type PreviewClaims struct {
	OrganisationID string
	Journey        string
}

// previewJWT is the token body: iss, aud, iat, nbf, exp, plus ours.
type previewJWT struct {
	jwt.RegisteredClaims
	Organisation string `json:"org"`
	Journey      string `json:"journey"`
}

// Validate adds to the library's checks: iat, org and journey are required.
func (c *previewJWT) Validate() error {
	switch {
	case c.IssuedAt == nil:
		return fmt.Errorf("%w: iat", jwt.ErrTokenRequiredClaimMissing)
	case c.Organisation == "":
		return fmt.Errorf("%w: org", jwt.ErrTokenRequiredClaimMissing)
	case c.Journey == "":
		return fmt.Errorf("%w: journey", jwt.ErrTokenRequiredClaimMissing)
	}
	return nil
}

// PreviewTokens issues and verifies preview tokens: short-lived JWTs that let
// the widget, which has no session, read one journey's draft.
//
// They are signed with Ed25519 keys derived (HKDF-SHA256) from the
// access-token keys, under the same key ids, so they rotate with them; but
// the keys differ, and so do the "typ" (preview+jwt) and the audience: a
// preview token never verifies as an access token, nor the reverse. It is
// immutable and safe for concurrent use.
type PreviewTokens struct {
	issuer, audience string
	activeID         string
	active           ed25519.PrivateKey
	public           map[string]ed25519.PublicKey
	now              func() time.Time
	parser           *jwt.Parser
}

// NewPreviewTokens derives the preview keys from the access-token keys (the
// KeyRing's, with the same active key) and stamps tokens with issuer and
// audience, which must differ from the access tokens' audience. now is the
// clock (time.Now if nil).
func NewPreviewTokens(issuer, audience string, keys []Key, active string, now func() time.Time) (*PreviewTokens, error) {
	if issuer == "" || audience == "" {
		return nil, errors.New("auth: issuer and audience are required")
	}
	if now == nil {
		now = time.Now
	}
	p := &PreviewTokens{issuer: issuer, audience: audience, public: make(map[string]ed25519.PublicKey, len(keys)), now: now}
	for _, k := range keys {
		if err := checkKeyID(k.ID); err != nil {
			return nil, fmt.Errorf("auth: key %q: %w", k.ID, err)
		}
		if len(k.priv) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("auth: key %q has no private key (use ParseKeys or GenerateKey)", k.ID)
		}
		if _, dup := p.public[k.ID]; dup {
			return nil, fmt.Errorf("auth: key id %q appears twice", k.ID)
		}
		seed, err := hkdf.Key(sha256.New, k.priv.Seed(), nil, previewKeyInfo, ed25519.SeedSize)
		if err != nil {
			return nil, fmt.Errorf("auth: derive the preview key of %q: %w", k.ID, err)
		}
		priv := ed25519.NewKeyFromSeed(seed)
		p.public[k.ID] = priv.Public().(ed25519.PublicKey)
		if k.ID == active {
			p.activeID, p.active = k.ID, priv
		}
	}
	if p.active == nil {
		return nil, fmt.Errorf("auth: active key %q is not among the keys", active)
	}
	p.parser = jwt.NewParser(append(p.claimChecks(now),
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithStrictDecoding(),
	)...)
	return p, nil
}

func (p *PreviewTokens) claimChecks(now func() time.Time) []jwt.ParserOption {
	return []jwt.ParserOption{
		jwt.WithIssuer(p.issuer),
		jwt.WithAudience(p.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(ClockLeeway),
		jwt.WithTimeFunc(now),
	}
}

// Issue signs a preview token for c, valid PreviewTTL, and returns it with
// its expiry time.
func (p *PreviewTokens) Issue(c PreviewClaims) (string, time.Time, error) {
	if c.OrganisationID == "" || c.Journey == "" {
		return "", time.Time{}, errors.New("auth: preview token without organisation or journey")
	}
	now := p.now()
	body := previewJWT{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    p.issuer,
			Audience:  jwt.ClaimStrings{p.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(PreviewTTL)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
		},
		Organisation: c.OrganisationID,
		Journey:      c.Journey,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, body)
	t.Header["typ"] = previewTokenType
	t.Header["kid"] = p.activeID
	s, err := t.SignedString(p.active)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign preview token: %w", err)
	}
	return s, body.ExpiresAt.Time, nil
}

// Verify checks a preview token's signature and claims and returns its
// claims. Its errors are ErrPreviewExpired, for a token that is right in
// every other way, or ErrPreviewInvalid (wrapped, with the reason).
func (p *PreviewTokens) Verify(token string) (*PreviewClaims, error) {
	var c previewJWT
	_, err := p.parser.ParseWithClaims(token, &c, p.verificationKey)
	if err != nil {
		// The signature is checked before the claims: c is trustworthy here.
		if errors.Is(err, jwt.ErrTokenExpired) && c.IssuedAt != nil &&
			jwt.NewValidator(p.claimChecks(func() time.Time { return c.IssuedAt.Time })...).Validate(&c) == nil {
			return nil, ErrPreviewExpired
		}
		return nil, fmt.Errorf("%w: %v", ErrPreviewInvalid, err)
	}
	return &PreviewClaims{OrganisationID: c.Organisation, Journey: c.Journey}, nil
}

func (p *PreviewTokens) verificationKey(t *jwt.Token) (any, error) {
	if typ, _ := t.Header["typ"].(string); typ != previewTokenType {
		return nil, errors.New("not a preview token (typ)")
	}
	kid, _ := t.Header["kid"].(string)
	pub, ok := p.public[kid]
	if !ok {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	return pub, nil
}
