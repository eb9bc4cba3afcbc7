package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.AccountStore = (*Store)(nil)

type userRow struct {
	ID            string `gorm:"primaryKey"`
	Email         string
	PasswordHash  string
	PlatformAdmin bool
	Demo          bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (userRow) TableName() string { return "users" }

type membershipRow struct {
	UserID         string `gorm:"primaryKey"`
	OrganisationID string `gorm:"primaryKey"`
	Role           string
	CreatedAt      time.Time
}

func (membershipRow) TableName() string { return "memberships" }

type refreshTokenRow struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	FamilyID  string
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

func (refreshTokenRow) TableName() string { return "refresh_tokens" }

type invitationRow struct {
	ID             string `gorm:"primaryKey"`
	OrganisationID string
	Email          string
	Role           string
	TokenHash      string
	CreatedBy      string
	ExpiresAt      time.Time
	AcceptedAt     *time.Time
	CreatedAt      time.Time
}

func (invitationRow) TableName() string { return "invitations" }

type auditRow struct {
	ID             string `gorm:"primaryKey"`
	OrganisationID string
	UserID         string
	UserEmail      string
	Action         string
	EntityType     string
	EntityID       string
	Changes        string
	CreatedAt      time.Time
}

func (auditRow) TableName() string { return "audit_log" }

func userFromRow(r *userRow) *domain.User {
	return &domain.User{ID: r.ID, Email: r.Email, PasswordHash: r.PasswordHash, PlatformAdmin: r.PlatformAdmin,
		Demo: r.Demo, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// CreateUser stores a new user; u.ID is set when empty.
func (s *Store) CreateUser(ctx context.Context, u *domain.User) error {
	if u.ID == "" {
		u.ID = domain.NewID()
	}
	now := s.now().UTC()
	row := userRow{ID: u.ID, Email: u.Email, PasswordHash: u.PasswordHash, PlatformAdmin: u.PlatformAdmin, Demo: u.Demo, CreatedAt: now, UpdatedAt: now}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return domain.Invalid("Ce compte existe déjà.", domain.FieldError{Field: "email", Message: "un compte utilise déjà cette adresse"})
		}
		return translate(err, "Compte")
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

func (s *Store) FindUserByID(ctx context.Context, id string) (*domain.User, error) {
	var r userRow
	if err := s.r.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, translate(err, "Compte")
	}
	return userFromRow(&r), nil
}

func (s *Store) FindUserByEmail(ctx context.Context, email string) (*domain.User, error) {
	var r userRow
	if err := s.r.WithContext(ctx).Where("email = ?", email).Take(&r).Error; err != nil {
		return nil, translate(err, "Compte")
	}
	return userFromRow(&r), nil
}

func (s *Store) UpdateUserPassword(ctx context.Context, id, hash string) error {
	res := s.w.WithContext(ctx).Model(&userRow{}).Where("id = ?", id).
		Updates(map[string]any{"password_hash": hash, "updated_at": s.now().UTC()})
	if res.Error != nil {
		return translate(res.Error, "Compte")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.ENOTFOUND, "Compte introuvable.")
	}
	return nil
}

// UpsertMembership gives the user that role in the organisation.
func (s *Store) UpsertMembership(ctx context.Context, m *domain.Membership) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var old membershipRow
		err := tx.Where("user_id = ? AND organisation_id = ?", m.UserID, m.OrganisationID).Take(&old).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			m.CreatedAt = s.now().UTC()
			return translate(tx.Create(&membershipRow{UserID: m.UserID, OrganisationID: m.OrganisationID, Role: string(m.Role), CreatedAt: m.CreatedAt}).Error, "Membre")
		case err != nil:
			return translate(err, "Membre")
		}
		m.CreatedAt = old.CreatedAt
		return translate(tx.Model(&old).Where("user_id = ? AND organisation_id = ?", m.UserID, m.OrganisationID).
			Update("role", string(m.Role)).Error, "Membre")
	})
}

func (s *Store) DeleteMembership(ctx context.Context, userID, organisationID string) error {
	res := s.w.WithContext(ctx).Where("user_id = ? AND organisation_id = ?", userID, organisationID).Delete(&membershipRow{})
	if res.Error != nil {
		return translate(res.Error, "Membre")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.ENOTFOUND, "Membre introuvable.")
	}
	return nil
}

type membershipView struct {
	UserID         string
	OrganisationID string
	Role           string
	CreatedAt      time.Time
	Email          string
	Slug           string
}

func (s *Store) memberships(ctx context.Context, where string, args ...any) ([]*domain.Membership, error) {
	var rows []membershipView
	err := s.r.WithContext(ctx).Table("memberships").
		Select("memberships.user_id, memberships.organisation_id, memberships.role, memberships.created_at, users.email AS email, organisations.slug AS slug").
		Joins("JOIN users ON users.id = memberships.user_id").
		Joins("JOIN organisations ON organisations.id = memberships.organisation_id").
		Where(where, args...).Order("users.email, organisations.slug").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "Membres")
	}
	out := make([]*domain.Membership, len(rows))
	for i, r := range rows {
		out[i] = &domain.Membership{UserID: r.UserID, OrganisationID: r.OrganisationID, Role: domain.Role(r.Role),
			CreatedAt: r.CreatedAt.UTC(), Email: r.Email, OrganisationSlug: r.Slug}
	}
	return out, nil
}

func (s *Store) FindMembership(ctx context.Context, userID, organisationID string) (*domain.Membership, error) {
	ms, err := s.memberships(ctx, "memberships.user_id = ? AND memberships.organisation_id = ?", userID, organisationID)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "Membre introuvable.")
	}
	return ms[0], nil
}

func (s *Store) FindMembershipsOfUser(ctx context.Context, userID string) ([]*domain.Membership, error) {
	return s.memberships(ctx, "memberships.user_id = ?", userID)
}

func (s *Store) FindMembers(ctx context.Context, organisationID string) ([]*domain.Membership, error) {
	return s.memberships(ctx, "memberships.organisation_id = ?", organisationID)
}

func (s *Store) CreateRefreshToken(ctx context.Context, t *domain.RefreshToken) error {
	if t.ID == "" {
		t.ID = domain.NewID()
	}
	t.CreatedAt = s.now().UTC()
	row := refreshTokenRow{ID: t.ID, UserID: t.UserID, FamilyID: t.FamilyID, TokenHash: t.TokenHash,
		ExpiresAt: t.ExpiresAt.UTC(), CreatedAt: t.CreatedAt}
	return translate(s.w.WithContext(ctx).Create(&row).Error, "Session")
}

// UseRefreshToken marks the token used in one conditional update, so two
// concurrent uses cannot both succeed; it returns the token as it was.
func (s *Store) UseRefreshToken(ctx context.Context, hash string) (*domain.RefreshToken, error) {
	var out *domain.RefreshToken
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r refreshTokenRow
		if err := tx.Where("token_hash = ?", hash).Take(&r).Error; err != nil {
			return translate(err, "Session")
		}
		out = &domain.RefreshToken{ID: r.ID, UserID: r.UserID, FamilyID: r.FamilyID, TokenHash: r.TokenHash,
			ExpiresAt: r.ExpiresAt.UTC(), UsedAt: utcPtr(r.UsedAt), RevokedAt: utcPtr(r.RevokedAt), CreatedAt: r.CreatedAt.UTC()}
		if r.UsedAt != nil {
			return nil
		}
		res := tx.Model(&refreshTokenRow{}).Where("id = ? AND used_at IS NULL", r.ID).Update("used_at", s.now().UTC())
		if res.Error != nil {
			return translate(res.Error, "Session")
		}
		if res.RowsAffected == 0 {
			// Used concurrently: report it as already used.
			now := s.now().UTC()
			out.UsedAt = &now
		}
		return nil
	})
	return out, err
}

func (s *Store) RevokeRefreshFamily(ctx context.Context, familyID string) error {
	return translate(s.w.WithContext(ctx).Model(&refreshTokenRow{}).
		Where("family_id = ? AND revoked_at IS NULL", familyID).Update("revoked_at", s.now().UTC()).Error, "Session")
}

func (s *Store) CreateInvitation(ctx context.Context, inv *domain.Invitation) error {
	if inv.ID == "" {
		inv.ID = domain.NewID()
	}
	inv.CreatedAt = s.now().UTC()
	row := invitationRow{ID: inv.ID, OrganisationID: inv.OrganisationID, Email: inv.Email, Role: string(inv.Role),
		TokenHash: inv.TokenHash, CreatedBy: inv.CreatedBy, ExpiresAt: inv.ExpiresAt.UTC(), CreatedAt: inv.CreatedAt}
	return translate(s.w.WithContext(ctx).Create(&row).Error, "Invitation")
}

func invitationFromRow(r *invitationRow) *domain.Invitation {
	return &domain.Invitation{ID: r.ID, OrganisationID: r.OrganisationID, Email: r.Email, Role: domain.Role(r.Role),
		TokenHash: r.TokenHash, CreatedBy: r.CreatedBy, ExpiresAt: r.ExpiresAt.UTC(), AcceptedAt: utcPtr(r.AcceptedAt), CreatedAt: r.CreatedAt.UTC()}
}

func (s *Store) FindInvitationByHash(ctx context.Context, hash string) (*domain.Invitation, error) {
	var r invitationRow
	if err := s.r.WithContext(ctx).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return nil, translate(err, "Invitation")
	}
	return invitationFromRow(&r), nil
}

// AcceptInvitation consumes an invitation once.
func (s *Store) AcceptInvitation(ctx context.Context, hash string, now time.Time) (*domain.Invitation, error) {
	var out *domain.Invitation
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&invitationRow{}).Where("token_hash = ? AND accepted_at IS NULL AND expires_at > ?", hash, now.UTC()).
			Update("accepted_at", now.UTC())
		if res.Error != nil {
			return translate(res.Error, "Invitation")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Invitation inconnue, déjà utilisée ou expirée.")
		}
		var r invitationRow
		if err := tx.Where("token_hash = ?", hash).Take(&r).Error; err != nil {
			return translate(err, "Invitation")
		}
		out = invitationFromRow(&r)
		return nil
	})
	return out, err
}

func (s *Store) AppendAudit(ctx context.Context, e *domain.AuditEntry) error {
	return appendAudit(s.w.WithContext(ctx), s.now(), e)
}

func appendAudit(tx *gorm.DB, now time.Time, e *domain.AuditEntry) error {
	row, err := auditRowOf(now, e)
	if err != nil {
		return err
	}
	return translate(tx.Create(&row).Error, "Journal")
}

// auditRowOf gives e its id and time, and returns its row.
func auditRowOf(now time.Time, e *domain.AuditEntry) (auditRow, error) {
	if e.ID == "" {
		e.ID = domain.NewID()
	}
	e.CreatedAt = now.UTC()
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		return auditRow{}, fmt.Errorf("encode audit changes: %w", err)
	}
	if e.Changes == nil {
		changes = []byte("{}")
	}
	return auditRow{ID: e.ID, OrganisationID: e.OrganisationID, UserID: e.UserID, UserEmail: e.UserEmail, Action: e.Action,
		EntityType: e.EntityType, EntityID: e.EntityID, Changes: string(changes), CreatedAt: e.CreatedAt}, nil
}

func (s *Store) FindAudit(ctx context.Context, organisationID string, p domain.Page) ([]*domain.AuditEntry, int, error) {
	q := s.r.WithContext(ctx).Model(&auditRow{}).Where("organisation_id = ?", organisationID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "Journal")
	}
	var rows []auditRow
	if err := q.Order("created_at DESC, id").Offset(p.Offset).Limit(p.Limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err, "Journal")
	}
	out := make([]*domain.AuditEntry, len(rows))
	for i, r := range rows {
		e := &domain.AuditEntry{ID: r.ID, OrganisationID: r.OrganisationID, UserID: r.UserID, UserEmail: r.UserEmail,
			Action: r.Action, EntityType: r.EntityType, EntityID: r.EntityID, CreatedAt: r.CreatedAt.UTC()}
		if err := json.Unmarshal([]byte(r.Changes), &e.Changes); err != nil {
			return nil, 0, fmt.Errorf("audit %s: %w", r.ID, err)
		}
		out[i] = e
	}
	return out, int(total), nil
}
