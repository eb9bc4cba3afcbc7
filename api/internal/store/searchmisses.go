package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.SearchMissStore = (*Store)(nil)

type searchMissRow struct {
	OrganisationID *string // NULL: no partner
	Query          string
	Departement    string
	Count          int
	FirstSeen      time.Time
	LastSeen       time.Time
}

func (searchMissRow) TableName() string { return "search_misses" }

func searchMissFromRow(r *searchMissRow) *domain.SearchMiss {
	m := &domain.SearchMiss{Query: r.Query, Departement: r.Departement, Count: r.Count,
		FirstSeen: r.FirstSeen.UTC(), LastSeen: r.LastSeen.UTC()}
	if r.OrganisationID != nil {
		m.OrganisationID = *r.OrganisationID
	}
	return m
}

// RecordSearchMiss upserts in one statement, so concurrent writers (other
// replicas included) never lose a count. Searches without a partner have a
// NULL organisation, hence two conflict targets, one per partial unique index.
func (s *Store) RecordSearchMiss(ctx context.Context, m *domain.SearchMiss) error {
	if err := m.Validate(); err != nil {
		return err
	}
	add := max(m.Count, 1)
	seen := m.LastSeen
	if seen.IsZero() {
		seen = s.now()
	}
	first := m.FirstSeen
	if first.IsZero() || first.After(seen) {
		first = seen
	}
	var org *string
	target := "(query) WHERE organisation_id IS NULL"
	if m.OrganisationID != "" {
		org = &m.OrganisationID
		target = "(organisation_id, query) WHERE organisation_id IS NOT NULL"
	}
	least, greatest := "LEAST", "GREATEST"
	if s.dialect == SQLite {
		least, greatest = "MIN", "MAX"
	}
	query := `INSERT INTO search_misses (organisation_id, query, departement, count, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT ` + target + ` DO UPDATE SET
    count = search_misses.count + excluded.count,
    first_seen = ` + least + `(search_misses.first_seen, excluded.first_seen),
    last_seen = ` + greatest + `(search_misses.last_seen, excluded.last_seen),
    departement = CASE WHEN excluded.departement <> '' AND excluded.last_seen >= search_misses.last_seen
        THEN excluded.departement ELSE search_misses.departement END
RETURNING organisation_id, query, departement, count, first_seen, last_seen`
	var rows []searchMissRow
	err := s.w.WithContext(ctx).Raw(query, org, m.Query, m.Departement, add, first.UTC(), seen.UTC()).Scan(&rows).Error
	if err != nil {
		// GORM runs Raw(…).Scan through its row callback, which does not
		// apply TranslateError: translate here, so that an unknown
		// organisation is reported as such.
		if tr, ok := s.w.Dialector.(gorm.ErrorTranslator); ok {
			err = tr.Translate(err)
		}
		return translate(err, "Recherche sans résultat")
	}
	if len(rows) != 1 {
		return fmt.Errorf("record search miss: %d rows returned", len(rows))
	}
	*m = *searchMissFromRow(&rows[0])
	return nil
}

func (s *Store) FindSearchMisses(ctx context.Context, organisationID string, p domain.Page) ([]*domain.SearchMiss, int, error) {
	q := s.r.WithContext(ctx).Model(&searchMissRow{})
	if organisationID == "" {
		q = q.Where("organisation_id IS NULL")
	} else {
		q = q.Where("organisation_id = ?", organisationID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "Recherches sans résultat")
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	var rows []searchMissRow
	if err := q.Order("count DESC, last_seen DESC, query").Offset(p.Offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err, "Recherches sans résultat")
	}
	out := make([]*domain.SearchMiss, len(rows))
	for i := range rows {
		out[i] = searchMissFromRow(&rows[i])
	}
	return out, int(total), nil
}

func (s *Store) PurgeSearchMisses(ctx context.Context, before time.Time) (int, error) {
	res := s.w.WithContext(ctx).Where("last_seen < ?", before.UTC()).Delete(&searchMissRow{})
	if res.Error != nil {
		return 0, translate(res.Error, "Recherches sans résultat")
	}
	return int(res.RowsAffected), nil
}
