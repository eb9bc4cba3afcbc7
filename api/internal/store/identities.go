package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.IdentityStore = (*Store)(nil)

type identityRow struct {
	UserID      string
	Issuer      string `gorm:"primaryKey"`
	Subject     string `gorm:"primaryKey"`
	Email       string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

func (identityRow) TableName() string { return "user_identities" }

type loginCodeRow struct {
	CodeHash  string `gorm:"primaryKey"`
	UserID    string
	Method    string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (loginCodeRow) TableName() string { return "login_codes" }

// loginCodeKeep is how long used or expired login codes stay before they
// are deleted (by the next CreateLoginCode).
const loginCodeKeep = time.Hour

func (s *Store) FindUserByIdentity(ctx context.Context, issuer, subject string) (*domain.User, error) {
	var r userRow
	err := s.r.WithContext(ctx).Table("users").Select("users.*").
		Joins("JOIN user_identities ON user_identities.user_id = users.id").
		Where("user_identities.issuer = ? AND user_identities.subject = ?", issuer, subject).Take(&r).Error
	if err != nil {
		return nil, translate(err, "Compte")
	}
	return userFromRow(&r), nil
}

func (s *Store) LinkIdentity(ctx context.Context, id *domain.Identity) error {
	now := s.now().UTC()
	row := identityRow{UserID: id.UserID, Issuer: id.Issuer, Subject: id.Subject, Email: id.Email, CreatedAt: now, LastLoginAt: now}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return domain.Errorf(domain.ECONFLICT, "Cette identité ProConnect est déjà liée à un compte.")
		}
		return translate(err, "Identité")
	}
	id.CreatedAt, id.LastLoginAt = now, now
	return nil
}

func (s *Store) TouchIdentity(ctx context.Context, issuer, subject, email string, at time.Time) error {
	res := s.w.WithContext(ctx).Model(&identityRow{}).Where("issuer = ? AND subject = ?", issuer, subject).
		Updates(map[string]any{"email": email, "last_login_at": at.UTC()})
	if res.Error != nil {
		return translate(res.Error, "Identité")
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.ENOTFOUND, "Identité introuvable.")
	}
	return nil
}

func (s *Store) FindPendingInvitations(ctx context.Context, email string, now time.Time) ([]*domain.Invitation, error) {
	var rows []invitationRow
	err := s.r.WithContext(ctx).Where("email = ? AND accepted_at IS NULL AND expires_at > ?", email, now.UTC()).
		Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, translate(err, "Invitation")
	}
	out := make([]*domain.Invitation, len(rows))
	for i := range rows {
		out[i] = invitationFromRow(&rows[i])
	}
	return out, nil
}

// CreateLoginCode stores a login code, and deletes the codes that expired
// more than an hour ago.
func (s *Store) CreateLoginCode(ctx context.Context, c *domain.LoginCode) error {
	now := s.now().UTC()
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("expires_at < ?", now.Add(-loginCodeKeep)).Delete(&loginCodeRow{}).Error; err != nil {
			return translate(err, "Code de connexion")
		}
		row := loginCodeRow{CodeHash: c.CodeHash, UserID: c.UserID, Method: c.Method, ExpiresAt: c.ExpiresAt.UTC(), CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "Code de connexion")
		}
		c.CreatedAt = now
		return nil
	})
}

var errLoginCode = domain.Errorf(domain.ENOTFOUND, "Code de connexion inconnu, déjà utilisé ou expiré.")

// UseLoginCode consumes a login code in one conditional update, so two
// concurrent uses cannot both succeed.
func (s *Store) UseLoginCode(ctx context.Context, hash string, now time.Time) (*domain.LoginCode, error) {
	var out *domain.LoginCode
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&loginCodeRow{}).Where("code_hash = ? AND used_at IS NULL AND expires_at > ?", hash, now.UTC()).
			Update("used_at", now.UTC())
		if res.Error != nil {
			return translate(res.Error, "Code de connexion")
		}
		if res.RowsAffected == 0 {
			return errLoginCode
		}
		var r loginCodeRow
		if err := tx.Where("code_hash = ?", hash).Take(&r).Error; err != nil {
			return translate(err, "Code de connexion")
		}
		out = &domain.LoginCode{CodeHash: r.CodeHash, UserID: r.UserID, Method: r.Method, ExpiresAt: r.ExpiresAt.UTC(),
			UsedAt: utcPtr(r.UsedAt), CreatedAt: r.CreatedAt.UTC()}
		return nil
	})
	return out, err
}

// OriginAllowed reports whether an organisation lists origin among the
// sites that embed its widget (allowed_origins).
func (s *Store) OriginAllowed(ctx context.Context, origin string) (bool, error) {
	var lists []string
	err := s.r.WithContext(ctx).Table("organisations").Where("allowed_origins <> ?", "[]").
		Pluck("allowed_origins", &lists).Error
	if err != nil {
		return false, translate(err, "Organisations")
	}
	for _, l := range lists {
		var origins []string
		if err := unmarshal("allowed_origins", l, &origins); err != nil {
			return false, err
		}
		for _, o := range origins {
			if o == origin {
				return true, nil
			}
		}
	}
	return false, nil
}
