package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.OrganisationEditor = (*Store)(nil)

type logoRow struct {
	OrganisationID string `gorm:"primaryKey"`
	ContentType    string
	Data           []byte
	SHA256         string `gorm:"column:sha256"`
	UpdatedAt      time.Time
}

func (logoRow) TableName() string { return "logos" }

// FindOrganisations lists organisations by slug; ids restricts the list
// (nil: all of them).
func (s *Store) FindOrganisations(ctx context.Context, ids []string, p domain.Page) ([]*domain.Organisation, int, error) {
	q := s.r.WithContext(ctx).Model(&organisationRow{})
	if ids != nil {
		if len(ids) == 0 {
			return nil, 0, nil
		}
		q = q.Where("id IN ?", ids)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "Organisations")
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	var rows []organisationRow
	if err := q.Order("slug").Offset(p.Offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err, "Organisations")
	}
	out := make([]*domain.Organisation, 0, len(rows))
	for _, r := range rows {
		var eps []entryPointRow
		if err := s.r.WithContext(ctx).Where("organisation_id = ?", r.ID).Order("position").Find(&eps).Error; err != nil {
			return nil, 0, translate(err, "Points d'entrée")
		}
		o, err := organisationFromRow(r, eps)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	return out, int(total), nil
}

func organisationToRow(o *domain.Organisation) organisationRow {
	return organisationRow{ID: o.ID, Slug: o.Slug, Name: o.Name, Kind: string(o.Kind), Territory: jsonList(o.Territory),
		Branding: mustJSON(o.Branding), AllowedOrigins: jsonList(o.AllowedOrigins), Version: o.Version}
}

func (s *Store) CreateOrganisation(ctx context.Context, o *domain.Organisation, audit *domain.AuditEntry) error {
	if err := o.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	if o.ID == "" {
		o.ID = domain.NewID()
	}
	o.Version, o.CreatedAt, o.UpdatedAt = 1, now, now
	row := organisationToRow(o)
	row.CreatedAt, row.UpdatedAt = now, now
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return organisationWriteError(err, o.Slug)
		}
		if rows := entryPointRows(o.ID, o.EntryPoints); len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return translate(err, "Point d'entrée")
			}
		}
		audit.OrganisationID, audit.EntityID = o.ID, o.ID
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) UpdateOrganisation(ctx context.Context, o *domain.Organisation, expectedVersion int, audit *domain.AuditEntry) error {
	if err := o.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		o.Version, o.UpdatedAt = expectedVersion+1, now
		row := organisationToRow(o)
		row.UpdatedAt = now
		res := tx.Model(&organisationRow{}).Where("id = ? AND version = ?", o.ID, expectedVersion).
			Select("slug", "name", "kind", "territory", "branding", "allowed_origins", "version", "updated_at").Updates(&row)
		if res.Error != nil {
			return organisationWriteError(res.Error, o.Slug)
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&organisationRow{}).Where("id = ?", o.ID).Count(&n).Error; err != nil {
				return translate(err, "Organisation")
			}
			if n == 0 {
				return domain.Errorf(domain.ENOTFOUND, "Organisation introuvable.")
			}
			return domain.Errorf(domain.ECONFLICT, "Cette organisation a été modifiée entre-temps : rechargez-la avant d'enregistrer.")
		}
		if err := tx.Where("organisation_id = ?", o.ID).Delete(&entryPointRow{}).Error; err != nil {
			return translate(err, "Points d'entrée")
		}
		if rows := entryPointRows(o.ID, o.EntryPoints); len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return translate(err, "Point d'entrée")
			}
		}
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) DeleteOrganisation(ctx context.Context, id string, audit *domain.AuditEntry) error {
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ?", id).Delete(&organisationRow{})
		if res.Error != nil {
			return translate(res.Error, "Organisation")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Organisation introuvable.")
		}
		return appendAudit(tx, s.now(), audit)
	})
}

// organisationWriteError names the slug when it is already taken.
func organisationWriteError(err error, slug string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.Invalid("Cet identifiant est déjà pris.", domain.FieldError{Field: "slug", Message: "une organisation porte déjà l'identifiant " + slug})
	}
	return translate(err, "Organisation")
}

func themeToRow(t *domain.Theme) themeRow {
	hash := sha256.Sum256([]byte(mustJSON([]any{t.ParentSlug, t.Label, t.Description, nonNil(t.Synonyms)})))
	return themeRow{OrganisationID: t.OrganisationID, Slug: t.Slug, ParentSlug: t.ParentSlug, Label: t.Label,
		Description: t.Description, Synonyms: jsonList(t.Synonyms), ContentHash: hex.EncodeToString(hash[:]), Version: t.Version}
}

func (s *Store) CreateTheme(ctx context.Context, t *domain.Theme, audit *domain.AuditEntry) error {
	if err := t.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	t.Version, t.CreatedAt, t.UpdatedAt = 1, now, now
	row := themeToRow(t)
	row.CreatedAt, row.UpdatedAt = now, now
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return domain.Invalid("Ce thème existe déjà.", domain.FieldError{Field: "slug", Message: "un thème porte déjà l'identifiant " + t.Slug})
			}
			return translate(err, "Thème")
		}
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) UpdateTheme(ctx context.Context, t *domain.Theme, expectedVersion int, audit *domain.AuditEntry) error {
	if err := t.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		t.Version, t.UpdatedAt = expectedVersion+1, now
		row := themeToRow(t)
		row.UpdatedAt = now
		res := tx.Model(&themeRow{}).Where("organisation_id = ? AND slug = ? AND version = ?", t.OrganisationID, t.Slug, expectedVersion).
			Select("parent_slug", "label", "description", "synonyms", "content_hash", "version", "updated_at").Updates(&row)
		if res.Error != nil {
			return translate(res.Error, "Thème")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.ECONFLICT, "Ce thème a été modifié entre-temps : rechargez-le avant d'enregistrer.")
		}
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) DeleteTheme(ctx context.Context, organisationID, slug string, audit *domain.AuditEntry) error {
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		res := tx.Where("organisation_id = ? AND slug = ?", organisationID, slug).Delete(&themeRow{})
		if res.Error != nil {
			return translate(res.Error, "Thème")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Thème introuvable.")
		}
		return appendAudit(tx, s.now(), audit)
	})
}

func (s *Store) SaveLogo(ctx context.Context, organisationID string, l *domain.Logo, audit *domain.AuditEntry) error {
	now := s.now().UTC()
	sum := sha256.Sum256(l.Data)
	l.SHA256, l.UpdatedAt = hex.EncodeToString(sum[:]), now
	row := logoRow{OrganisationID: organisationID, ContentType: l.ContentType, Data: l.Data, SHA256: l.SHA256, UpdatedAt: now}
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		if err := tx.Save(&row).Error; err != nil {
			return translate(err, "Logo")
		}
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) FindLogo(ctx context.Context, organisationID string) (*domain.Logo, error) {
	var r logoRow
	if err := s.r.WithContext(ctx).Where("organisation_id = ?", organisationID).Take(&r).Error; err != nil {
		return nil, translate(err, "Logo")
	}
	return &domain.Logo{ContentType: r.ContentType, Data: r.Data, SHA256: r.SHA256, UpdatedAt: r.UpdatedAt.UTC()}, nil
}
