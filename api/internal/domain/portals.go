package domain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Portal is a third-party portal given an API key by a platform admin: its
// requests to the public API carry the key (header X-API-Key), get raised
// rate limits and are attributed to it in the statistics. Only the SHA-256
// of the key's secret is stored; the key itself is shown once, at creation.
type Portal struct {
	ID   string
	Name string
	// ContactEmail is optional, for the platform admins only: never logged
	// nor written to the audit log.
	ContactEmail string
	// KeyPrefix is the key's public identifier, shown in lists.
	KeyPrefix string
	// KeyHash is the hex SHA-256 of the key's secret.
	KeyHash string
	// RateMultiplier multiplies the public rate limits of an address for
	// the requests carrying the key (counted per portal, not per address).
	RateMultiplier int
	CreatedAt      time.Time
	CreatedBy      string
	// LastUsedAt is updated at most once a minute per server.
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	RevokedBy  string
}

// Bounds of a portal's fields.
const (
	MaxPortalNameRunes    = 120
	MinRateMultiplier     = 1
	MaxRateMultiplier     = 100
	DefaultRateMultiplier = 10
)

// Revoked reports whether the portal's key was revoked.
func (p *Portal) Revoked() bool { return p.RevokedAt != nil }

// Validate checks the fields a platform admin chooses.
func (p *Portal) Validate() error {
	var v Validation
	name := strings.TrimSpace(p.Name)
	switch {
	case name == "":
		v.Add("name", "est obligatoire")
	case utf8.RuneCountInString(name) > MaxPortalNameRunes:
		v.Add("name", "ne doit pas dépasser %d caractères", MaxPortalNameRunes)
	case name != p.Name || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		v.Add("name", "ne doit contenir ni espaces en début ou fin ni caractères de contrôle")
	}
	if p.ContactEmail != "" {
		if e, ok := NormalizeEmail(p.ContactEmail); !ok || e != p.ContactEmail {
			v.Add("contact_email", "adresse électronique invalide")
		}
	}
	if p.RateMultiplier < MinRateMultiplier || p.RateMultiplier > MaxRateMultiplier {
		v.Add("rate_multiplier", "doit être compris entre %d et %d", MinRateMultiplier, MaxRateMultiplier)
	}
	return v.Err("Le portail contient des erreurs.")
}

// API keys read "agk_" + an 8-character hexadecimal prefix + "_" + a
// 43-character secret (32 random bytes, base64url without padding).
const (
	apiKeyScheme    = "agk_"
	apiKeyPrefixLen = 8
	apiKeySecretLen = 32
)

// NewAPIKey draws a key: it returns the whole key (shown once), its
// prefix and the hash of its secret (stored).
func NewAPIKey() (key, prefix, hash string) {
	var p [apiKeyPrefixLen / 2]byte
	var s [apiKeySecretLen]byte
	_, _ = rand.Read(p[:]) // never fails (crypto/rand)
	_, _ = rand.Read(s[:])
	prefix = hex.EncodeToString(p[:])
	secret := base64.RawURLEncoding.EncodeToString(s[:])
	return apiKeyScheme + prefix + "_" + secret, prefix, HashAPIKeySecret(secret)
}

// ParseAPIKey splits a key into its prefix and secret; ok is false when
// the key is not in the form NewAPIKey gives.
func ParseAPIKey(key string) (prefix, secret string, ok bool) {
	rest, found := strings.CutPrefix(key, apiKeyScheme)
	if !found {
		return "", "", false
	}
	prefix, secret, found = strings.Cut(rest, "_")
	if !found || len(prefix) != apiKeyPrefixLen || !isLowerHex(prefix) {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(secret)
	if err != nil || len(b) != apiKeySecretLen {
		return "", "", false
	}
	return prefix, secret, true
}

// ValidAPIKeyPrefix reports whether s can be a key's prefix.
func ValidAPIKeyPrefix(s string) bool { return len(s) == apiKeyPrefixLen && isLowerHex(s) }

func isLowerHex(s string) bool {
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// HashAPIKeySecret returns the stored form of a key's secret: its SHA-256,
// in hexadecimal. The secret has 256 random bits: no salt nor slow hash
// is needed.
func HashAPIKeySecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// MatchesSecret compares a secret with the portal's hash in constant time.
func (p *Portal) MatchesSecret(secret string) bool {
	return subtle.ConstantTimeCompare([]byte(HashAPIKeySecret(secret)), []byte(p.KeyHash)) == 1
}

// PortalStore persists the portals.
type PortalStore interface {
	// CreatePortal stores p, giving it an id, and appends the audit entry
	// in the same transaction.
	CreatePortal(ctx context.Context, p *Portal, audit *AuditEntry) error
	FindPortalByID(ctx context.Context, id string) (*Portal, error)
	FindPortalByPrefix(ctx context.Context, prefix string) (*Portal, error)
	// FindPortals lists every portal, newest first.
	FindPortals(ctx context.Context) ([]*Portal, error)
	// RevokePortal marks the portal revoked, if it is not already, and
	// appends the audit entry in the same transaction; every server
	// sharing the database forgets the key within a second.
	RevokePortal(ctx context.Context, id, by string, at time.Time, audit *AuditEntry) (*Portal, error)
	// TouchPortal sets the portal's last use.
	TouchPortal(ctx context.Context, id string, at time.Time) error
	// PortalGeneration changes after every portal created or revoked
	// through any server sharing the database.
	PortalGeneration() uint64
}
