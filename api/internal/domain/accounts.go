package domain

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Role is what a user may do in one organisation.
type Role string

const (
	// RoleAdmin manages the organisation's members, and edits.
	RoleAdmin Role = "admin"
	// RoleEditor edits and publishes the organisation's data.
	RoleEditor Role = "editor"
	// RoleViewer reads the organisation's data.
	RoleViewer Role = "viewer"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleEditor, RoleViewer}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// Allows reports whether a member with role r may act with role need.
func (r Role) Allows(need Role) bool {
	rank := func(x Role) int { return len(Roles) - slices.Index(Roles, x) }
	return ValidRole(r) && rank(r) >= rank(need)
}

// User is a référent account.
type User struct {
	ID            string
	Email         string // lower-cased
	PasswordHash  string
	PlatformAdmin bool
	// Demo accounts have published passwords: serve refuses them outside demo mode.
	Demo      bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NormalizeEmail trims and lower-cases an address and checks its shape.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return s, false
	}
	return s, true
}

// Membership gives a user a role in an organisation.
type Membership struct {
	UserID         string
	OrganisationID string
	Role           Role
	CreatedAt      time.Time
	// Filled by reads for display.
	Email            string
	OrganisationSlug string
}

// RefreshToken is one opaque refresh token of a session family. Only its
// hash is stored. Using it once replaces it; using it again revokes the family.
type RefreshToken struct {
	ID        string
	UserID    string
	FamilyID  string
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// Invitation lets someone join an organisation with a role, once, before it expires.
type Invitation struct {
	ID             string
	OrganisationID string
	Email          string
	Role           Role
	TokenHash      string
	CreatedBy      string
	ExpiresAt      time.Time
	AcceptedAt     *time.Time
	CreatedAt      time.Time
}

// AuditEntry records one write: who, when, what changed.
type AuditEntry struct {
	ID             string
	OrganisationID string
	UserID         string
	UserEmail      string
	Action         string // create, update, delete, invite, join, role, login…
	EntityType     string // contact_point, theme, organisation, membership…
	EntityID       string
	// Changes maps a field to its old and new values ({"name": ["A", "B"]}).
	Changes   map[string][2]any
	CreatedAt time.Time
}

// Page asks for one page of a list.
type Page struct {
	Offset, Limit int
	// Sort is a field name, "-" prefixed for descending.
	Sort string
}

// AccountStore persists users, memberships, sessions, invitations and the audit log.
type AccountStore interface {
	CreateUser(ctx context.Context, u *User) error
	FindUserByID(ctx context.Context, id string) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	UpdateUserPassword(ctx context.Context, id, hash string) error

	UpsertMembership(ctx context.Context, m *Membership) error
	DeleteMembership(ctx context.Context, userID, organisationID string) error
	FindMembership(ctx context.Context, userID, organisationID string) (*Membership, error)
	FindMembershipsOfUser(ctx context.Context, userID string) ([]*Membership, error)
	FindMembers(ctx context.Context, organisationID string) ([]*Membership, error)

	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	// UseRefreshToken marks the token with that hash used, atomically; it
	// returns the token as it was before (UsedAt nil when this call used it).
	UseRefreshToken(ctx context.Context, hash string) (*RefreshToken, error)
	RevokeRefreshFamily(ctx context.Context, familyID string) error

	CreateInvitation(ctx context.Context, inv *Invitation) error
	FindInvitationByHash(ctx context.Context, hash string) (*Invitation, error)
	// AcceptInvitation marks the invitation with that hash accepted,
	// atomically, if it is neither accepted nor expired.
	AcceptInvitation(ctx context.Context, hash string, now time.Time) (*Invitation, error)

	AppendAudit(ctx context.Context, e *AuditEntry) error
	FindAudit(ctx context.Context, organisationID string, p Page) ([]*AuditEntry, int, error)
}
