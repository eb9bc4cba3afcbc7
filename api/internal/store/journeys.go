package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.JourneyStore = (*Store)(nil)

type journeyRow struct {
	OrganisationID   string `gorm:"primaryKey"`
	Slug             string `gorm:"primaryKey"`
	Title            string
	Draft            string
	DraftVersion     int
	PublishedVersion int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (journeyRow) TableName() string { return "journeys" }

type journeyVersionRow struct {
	OrganisationID string `gorm:"primaryKey"`
	Slug           string `gorm:"primaryKey"`
	Number         int    `gorm:"primaryKey"`
	Content        string
	Author         string
	Note           string
	CreatedAt      time.Time
}

func (journeyVersionRow) TableName() string { return "journey_versions" }

type journeyOutcomeRow struct {
	ID             string `gorm:"primaryKey"`
	OrganisationID string
	Slug           string
	StepID         string
}

func (journeyOutcomeRow) TableName() string { return "journey_outcomes" }

func journeyFromRow(r *journeyRow) *domain.JourneyRecord {
	return &domain.JourneyRecord{OrganisationID: r.OrganisationID, Slug: r.Slug, Title: r.Title, Draft: []byte(r.Draft),
		DraftVersion: r.DraftVersion, PublishedVersion: r.PublishedVersion, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (s *Store) FindJourneys(ctx context.Context, organisationID string) ([]*domain.JourneyRecord, error) {
	var rows []journeyRow
	if err := s.r.WithContext(ctx).Where("organisation_id = ?", organisationID).Order("slug").Find(&rows).Error; err != nil {
		return nil, translate(err, "Parcours")
	}
	out := make([]*domain.JourneyRecord, len(rows))
	for i := range rows {
		out[i] = journeyFromRow(&rows[i])
	}
	return out, nil
}

func (s *Store) FindJourney(ctx context.Context, organisationID, slug string) (*domain.JourneyRecord, error) {
	var r journeyRow
	if err := s.r.WithContext(ctx).Where("organisation_id = ? AND slug = ?", organisationID, slug).Take(&r).Error; err != nil {
		return nil, translate(err, "Parcours")
	}
	return journeyFromRow(&r), nil
}

func (s *Store) CreateJourney(ctx context.Context, j *domain.JourneyRecord, audit *domain.AuditEntry) error {
	now := s.now().UTC()
	j.DraftVersion, j.PublishedVersion, j.CreatedAt, j.UpdatedAt = 1, 0, now, now
	row := journeyRow{OrganisationID: j.OrganisationID, Slug: j.Slug, Title: j.Title, Draft: string(j.Draft), DraftVersion: 1, CreatedAt: now, UpdatedAt: now}
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return domain.Invalid("Ce parcours existe déjà.", domain.FieldError{Field: "slug", Message: "un parcours porte déjà l'identifiant " + j.Slug})
			}
			return translate(err, "Parcours")
		}
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) SaveJourneyDraft(ctx context.Context, j *domain.JourneyRecord, expectedVersion int, audit *domain.AuditEntry) error {
	now := s.now().UTC()
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&journeyRow{}).Where("organisation_id = ? AND slug = ? AND draft_version = ?", j.OrganisationID, j.Slug, expectedVersion).
			Updates(map[string]any{"title": j.Title, "draft": string(j.Draft), "draft_version": expectedVersion + 1, "updated_at": now})
		if res.Error != nil {
			return translate(res.Error, "Parcours")
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&journeyRow{}).Where("organisation_id = ? AND slug = ?", j.OrganisationID, j.Slug).Count(&n).Error; err != nil {
				return translate(err, "Parcours")
			}
			if n == 0 {
				return domain.Errorf(domain.ENOTFOUND, "Parcours introuvable.")
			}
			return domain.Errorf(domain.ECONFLICT, "Ce brouillon a été modifié entre-temps : rechargez-le avant d'enregistrer.")
		}
		j.DraftVersion, j.UpdatedAt = expectedVersion+1, now
		return appendAudit(tx, now, audit)
	})
}

func (s *Store) DeleteJourney(ctx context.Context, organisationID, slug string, audit *domain.AuditEntry) error {
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		res := tx.Where("organisation_id = ? AND slug = ?", organisationID, slug).Delete(&journeyRow{})
		if res.Error != nil {
			return translate(res.Error, "Parcours")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Parcours introuvable.")
		}
		return appendAudit(tx, s.now(), audit)
	})
}

// PublishJourney appends the next version and makes it live, in one transaction.
func (s *Store) PublishJourney(ctx context.Context, v *domain.JourneyVersion, outcomes []domain.OutcomeRef, audit *domain.AuditEntry) error {
	now := s.now().UTC()
	return s.publicWrite(ctx, func(tx *gorm.DB) error {
		var j journeyRow
		if err := tx.Where("organisation_id = ? AND slug = ?", v.OrganisationID, v.Slug).Take(&j).Error; err != nil {
			return translate(err, "Parcours")
		}
		var last int
		if err := tx.Model(&journeyVersionRow{}).Where("organisation_id = ? AND slug = ?", v.OrganisationID, v.Slug).
			Select("COALESCE(MAX(number), 0)").Scan(&last).Error; err != nil {
			return translate(err, "Versions")
		}
		v.Number, v.CreatedAt = last+1, now
		row := journeyVersionRow{OrganisationID: v.OrganisationID, Slug: v.Slug, Number: v.Number, Content: string(v.Content),
			Author: v.Author, Note: v.Note, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "Version")
		}
		if err := tx.Model(&journeyRow{}).Where("organisation_id = ? AND slug = ?", v.OrganisationID, v.Slug).
			Updates(map[string]any{"published_version": v.Number, "updated_at": now}).Error; err != nil {
			return translate(err, "Parcours")
		}
		if err := tx.Where("organisation_id = ? AND slug = ?", v.OrganisationID, v.Slug).Delete(&journeyOutcomeRow{}).Error; err != nil {
			return translate(err, "Issues")
		}
		if len(outcomes) > 0 {
			rows := make([]journeyOutcomeRow, len(outcomes))
			for i, o := range outcomes {
				rows[i] = journeyOutcomeRow{ID: o.ID, OrganisationID: o.OrganisationID, Slug: o.Slug, StepID: o.StepID}
			}
			if err := tx.Create(&rows).Error; err != nil {
				return translate(err, "Issues")
			}
		}
		return appendAudit(tx, now, audit)
	})
}

func versionFromRow(r *journeyVersionRow) *domain.JourneyVersion {
	return &domain.JourneyVersion{OrganisationID: r.OrganisationID, Slug: r.Slug, Number: r.Number, Content: []byte(r.Content),
		Author: r.Author, Note: r.Note, CreatedAt: r.CreatedAt.UTC()}
}

func (s *Store) FindJourneyVersions(ctx context.Context, organisationID, slug string) ([]*domain.JourneyVersion, error) {
	var rows []journeyVersionRow
	if err := s.r.WithContext(ctx).Where("organisation_id = ? AND slug = ?", organisationID, slug).Order("number DESC").Find(&rows).Error; err != nil {
		return nil, translate(err, "Versions")
	}
	out := make([]*domain.JourneyVersion, len(rows))
	for i := range rows {
		out[i] = versionFromRow(&rows[i])
	}
	return out, nil
}

func (s *Store) FindJourneyVersion(ctx context.Context, organisationID, slug string, number int) (*domain.JourneyVersion, error) {
	var r journeyVersionRow
	if err := s.r.WithContext(ctx).Where("organisation_id = ? AND slug = ? AND number = ?", organisationID, slug, number).Take(&r).Error; err != nil {
		return nil, translate(err, "Version")
	}
	return versionFromRow(&r), nil
}

func (s *Store) FindOutcome(ctx context.Context, id string) (*domain.OutcomeRef, error) {
	var r journeyOutcomeRow
	if err := s.r.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, translate(err, "Issue")
	}
	return &domain.OutcomeRef{ID: r.ID, OrganisationID: r.OrganisationID, Slug: r.Slug, StepID: r.StepID}, nil
}

func (s *Store) FindOverrides(ctx context.Context, organisationID string) (map[string]*domain.ContactPoint, error) {
	var rows []contactPointRow
	if err := s.r.WithContext(ctx).Where("organisation_id = ? AND overrides_id <> ''", organisationID).Find(&rows).Error; err != nil {
		return nil, translate(err, "Points de contact")
	}
	out := make(map[string]*domain.ContactPoint, len(rows))
	for i := range rows {
		c, err := contactPointFromRow(&rows[i])
		if err != nil {
			return nil, err
		}
		out[c.OverridesID] = c
	}
	return out, nil
}
