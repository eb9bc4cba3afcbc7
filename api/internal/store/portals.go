package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.PortalStore = (*Store)(nil)

type portalRow struct {
	ID             string `gorm:"primaryKey"`
	Name           string
	ContactEmail   string
	KeyPrefix      string
	KeyHash        string
	RateMultiplier int
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	CreatedBy      string
	LastUsedAt     *time.Time
	RevokedAt      *time.Time
	RevokedBy      string
}

func (portalRow) TableName() string { return "portals" }

func (r *portalRow) portal() *domain.Portal {
	p := &domain.Portal{ID: r.ID, Name: r.Name, ContactEmail: r.ContactEmail, KeyPrefix: r.KeyPrefix, KeyHash: r.KeyHash,
		RateMultiplier: r.RateMultiplier, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, RevokedBy: r.RevokedBy}
	if r.LastUsedAt != nil {
		t := r.LastUsedAt.UTC()
		p.LastUsedAt = &t
	}
	if r.RevokedAt != nil {
		t := r.RevokedAt.UTC()
		p.RevokedAt = &t
	}
	return p
}

// PortalsTopic is the topic of the announcements, on ChangesChannel, of a
// portal created or revoked: the other replicas drop their cache of API
// keys, and only it (their response caches and search index stay).
const PortalsTopic = "portals"

// portalWrite runs fn in a transaction and, once committed, moves the
// portal generation on; on PostgreSQL the transaction announces the change
// to the other replicas (delivered on commit only).
func (s *Store) portalWrite(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		if s.dialect == Postgres {
			if err := tx.Exec("SELECT pg_notify(?, ?)", ChangesChannel, s.instance+":"+PortalsTopic).Error; err != nil {
				return fmt.Errorf("announce the change: %w", err)
			}
		}
		return nil
	})
	if err == nil {
		s.portalGeneration.Add(1)
	}
	return err
}

// PortalGeneration changes after every portal created or revoked through
// this store and, on PostgreSQL with a running Listener, through another
// replica.
func (s *Store) PortalGeneration() uint64 { return s.portalGeneration.Load() }

func (s *Store) CreatePortal(ctx context.Context, p *domain.Portal, audit *domain.AuditEntry) error {
	if p.ID == "" {
		p.ID = domain.NewID()
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	p.CreatedAt = p.CreatedAt.UTC().Truncate(time.Microsecond)
	row := portalRow{ID: p.ID, Name: p.Name, ContactEmail: p.ContactEmail, KeyPrefix: p.KeyPrefix, KeyHash: p.KeyHash,
		RateMultiplier: p.RateMultiplier, CreatedAt: p.CreatedAt, CreatedBy: p.CreatedBy}
	err := s.portalWrite(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if audit != nil {
			audit.EntityID = p.ID
			return appendAudit(tx, s.now(), audit)
		}
		return nil
	})
	return translate(err, "Portail")
}

func (s *Store) findPortal(ctx context.Context, where string, arg any) (*domain.Portal, error) {
	var row portalRow
	if err := s.r.WithContext(ctx).Where(where, arg).Take(&row).Error; err != nil {
		return nil, translate(err, "Portail")
	}
	return row.portal(), nil
}

func (s *Store) FindPortalByID(ctx context.Context, id string) (*domain.Portal, error) {
	return s.findPortal(ctx, "id = ?", id)
}

func (s *Store) FindPortalByPrefix(ctx context.Context, prefix string) (*domain.Portal, error) {
	return s.findPortal(ctx, "key_prefix = ?", prefix)
}

func (s *Store) FindPortals(ctx context.Context) ([]*domain.Portal, error) {
	var rows []portalRow
	if err := s.r.WithContext(ctx).Order("created_at DESC, id").Find(&rows).Error; err != nil {
		return nil, translate(err, "Portails")
	}
	out := make([]*domain.Portal, len(rows))
	for i := range rows {
		out[i] = rows[i].portal()
	}
	return out, nil
}

func (s *Store) RevokePortal(ctx context.Context, id, by string, at time.Time, audit *domain.AuditEntry) (*domain.Portal, error) {
	at = at.UTC().Truncate(time.Microsecond)
	var out *domain.Portal
	err := s.portalWrite(ctx, func(tx *gorm.DB) error {
		var row portalRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		if row.RevokedAt != nil {
			out = row.portal()
			return nil
		}
		res := tx.Model(&portalRow{}).Where("id = ? AND revoked_at IS NULL", id).Updates(map[string]any{"revoked_at": at, "revoked_by": by})
		if res.Error != nil {
			return res.Error
		}
		row.RevokedAt, row.RevokedBy = &at, by
		out = row.portal()
		if audit != nil && res.RowsAffected == 1 {
			return appendAudit(tx, s.now(), audit)
		}
		return nil
	})
	if err != nil {
		return nil, translate(err, "Portail")
	}
	return out, nil
}

func (s *Store) TouchPortal(ctx context.Context, id string, at time.Time) error {
	err := s.w.WithContext(ctx).Model(&portalRow{}).Where("id = ?", id).Update("last_used_at", at.UTC().Truncate(time.Microsecond)).Error
	return translate(err, "Portail")
}
