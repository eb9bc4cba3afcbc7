package domain

import (
	"context"
	"time"
)

// Identity is an account of an OpenID Connect provider (ProConnect) linked
// to a user: the pair (Issuer, Subject) names it for good; Email is the
// address the provider gave at the last sign-in.
type Identity struct {
	UserID      string
	Issuer      string
	Subject     string
	Email       string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// LoginCode is a single-use code that opens a session, handed to the
// browser at the end of a sign-in with a provider. Only its hash is stored.
type LoginCode struct {
	CodeHash string
	UserID   string
	// Method is how the user signed in ("proconnect"), for the audit log.
	Method    string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// IdentityStore persists the provider identities linked to users and the
// login codes.
type IdentityStore interface {
	// FindUserByIdentity returns the user the identity is linked to
	// (ENOTFOUND when it is linked to none).
	FindUserByIdentity(ctx context.Context, issuer, subject string) (*User, error)
	// LinkIdentity links an identity to a user; ECONFLICT when it already is.
	LinkIdentity(ctx context.Context, id *Identity) error
	// TouchIdentity records a sign-in with the identity, and the address
	// the provider gave.
	TouchIdentity(ctx context.Context, issuer, subject, email string, at time.Time) error
	// FindPendingInvitations lists the invitations sent to that address
	// (lower-cased) that are neither accepted nor expired at now.
	FindPendingInvitations(ctx context.Context, email string, now time.Time) ([]*Invitation, error)

	CreateLoginCode(ctx context.Context, c *LoginCode) error
	// UseLoginCode marks the code with that hash used, atomically, if it is
	// neither used nor expired at now, and returns it; ENOTFOUND otherwise.
	UseLoginCode(ctx context.Context, hash string, now time.Time) (*LoginCode, error)
}
