package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.ReportStore = (*Store)(nil)

type reportRow struct {
	ID               string `gorm:"primaryKey"`
	OrganisationID   string
	ContactPointID   string
	ContactPointName string
	PartnerID        *string // NULL: no partner
	Message          string
	Status           string
	CreatedAt        time.Time
	ResolvedAt       *time.Time
	ResolvedBy       string
}

func (reportRow) TableName() string { return "reports" }

func reportFromRow(r *reportRow) *domain.Report {
	out := &domain.Report{ID: r.ID, OrganisationID: r.OrganisationID, ContactPointID: r.ContactPointID,
		ContactPointName: r.ContactPointName, Message: r.Message, Status: r.Status,
		CreatedAt: r.CreatedAt.UTC(), ResolvedBy: r.ResolvedBy}
	if r.PartnerID != nil {
		out.PartnerID = *r.PartnerID
	}
	if r.ResolvedAt != nil {
		at := r.ResolvedAt.UTC()
		out.ResolvedAt = &at
	}
	return out
}

func (s *Store) CreateReport(ctx context.Context, r *domain.Report) error {
	if r.ID == "" {
		r.ID = domain.NewID()
	}
	if r.Status == "" {
		r.Status = domain.ReportOpen
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.now()
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if err := r.Validate(); err != nil {
		return err
	}
	row := reportRow{ID: r.ID, OrganisationID: r.OrganisationID, ContactPointID: r.ContactPointID,
		ContactPointName: r.ContactPointName, Message: r.Message, Status: r.Status, CreatedAt: r.CreatedAt,
		ResolvedAt: r.ResolvedAt, ResolvedBy: r.ResolvedBy}
	if r.PartnerID != "" {
		row.PartnerID = &r.PartnerID
	}
	// Reports are not public data: the response caches' generation stays.
	return translate(s.w.WithContext(ctx).Create(&row).Error, "Signalement")
}

func (s *Store) FindReports(ctx context.Context, organisationID, status string, p domain.Page) ([]*domain.Report, int, error) {
	q := s.r.WithContext(ctx).Model(&reportRow{}).Where("organisation_id = ?", organisationID)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "Signalements")
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	var rows []reportRow
	if err := q.Order("created_at DESC, id").Offset(p.Offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err, "Signalements")
	}
	out := make([]*domain.Report, len(rows))
	for i := range rows {
		out[i] = reportFromRow(&rows[i])
	}
	if err := s.fillPartnerSlugs(ctx, s.r.WithContext(ctx), out); err != nil {
		return nil, 0, err
	}
	return out, int(total), nil
}

// fillPartnerSlugs sets PartnerSlug from PartnerID, in one query.
func (s *Store) fillPartnerSlugs(ctx context.Context, db *gorm.DB, reports []*domain.Report) error {
	var ids []string
	for _, r := range reports {
		if r.PartnerID != "" {
			ids = append(ids, r.PartnerID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var orgs []struct{ ID, Slug string }
	if err := db.WithContext(ctx).Model(&organisationRow{}).Select("id, slug").Where("id IN ?", ids).Find(&orgs).Error; err != nil {
		return translate(err, "Organisations")
	}
	slugs := make(map[string]string, len(orgs))
	for _, o := range orgs {
		slugs[o.ID] = o.Slug
	}
	for _, r := range reports {
		r.PartnerSlug = slugs[r.PartnerID]
	}
	return nil
}

func (s *Store) ResolveReport(ctx context.Context, organisationID, id string, by string, at time.Time, audit *domain.AuditEntry) (*domain.Report, error) {
	at = at.UTC()
	var out *domain.Report
	err := s.publicWrite(ctx, func(tx *gorm.DB) error {
		var row reportRow
		if err := tx.Where("id = ? AND organisation_id = ?", id, organisationID).Take(&row).Error; err != nil {
			return translate(err, "Signalement")
		}
		if row.Status != domain.ReportOpen {
			return domain.Errorf(domain.ECONFLICT, "Ce signalement est déjà traité.")
		}
		res := tx.Model(&reportRow{}).Where("id = ? AND organisation_id = ? AND status = ?", id, organisationID, domain.ReportOpen).
			Updates(map[string]any{"status": domain.ReportResolved, "resolved_at": at, "resolved_by": by})
		if res.Error != nil {
			return translate(res.Error, "Signalement")
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.ECONFLICT, "Ce signalement est déjà traité.")
		}
		// The référent checked the contact point: it is verified as of now.
		if err := tx.Model(&contactPointRow{}).Where("id = ? AND organisation_id = ?", row.ContactPointID, organisationID).
			Updates(map[string]any{"verified_at": at, "updated_at": at, "version": gorm.Expr("version + 1")}).Error; err != nil {
			return translate(err, "Point de contact")
		}
		row.Status, row.ResolvedAt, row.ResolvedBy = domain.ReportResolved, &at, by
		out = reportFromRow(&row)
		if err := s.fillPartnerSlugs(ctx, tx, []*domain.Report{out}); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return appendAudit(tx, at, audit)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
