package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ContactPointsAfter returns, in id order, up to limit contact points of
// the organisation whose id sorts after afterID ("" for the first page):
// a keyset page, so that reading a whole directory page by page costs one
// indexed query per page and holds one page in memory, however large the
// directory (exports, open data dump). Withdrawn contact points are
// included; callers filter them.
func (s *Store) ContactPointsAfter(ctx context.Context, organisationID, afterID string, limit int) ([]*domain.ContactPoint, error) {
	if limit <= 0 {
		limit = 500
	}
	q := s.r.WithContext(ctx).Where("organisation_id = ?", organisationID)
	if afterID != "" {
		q = q.Where("id > ?", afterID)
	}
	var rows []contactPointRow
	if err := q.Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "Points de contact")
	}
	out := make([]*domain.ContactPoint, 0, len(rows))
	for i := range rows {
		c, err := contactPointFromRow(&rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// DirectoryStamp summarises what an export of the organisation's directory
// shows (the organisation, its themes, its contact points: row counts and
// latest update of each) in one string that changes whenever any of them
// is created, updated or deleted, and returns the latest update. Cheap
// next to the export itself, it lets the open data dump answer
// If-None-Match with 304 without reading the contact points.
func (s *Store) DirectoryStamp(ctx context.Context, organisationID string) (string, time.Time, error) {
	var parts []string
	var latest time.Time
	for _, t := range []struct {
		model any
		where string
	}{
		{&organisationRow{}, "id = ?"},
		{&themeRow{}, "organisation_id = ?"},
		{&contactPointRow{}, "organisation_id = ?"},
	} {
		var n int64
		q := s.r.WithContext(ctx).Model(t.model).Where(t.where, organisationID)
		if err := q.Count(&n).Error; err != nil {
			return "", time.Time{}, fmt.Errorf("directory stamp: %w", err)
		}
		var last []time.Time
		if err := s.r.WithContext(ctx).Model(t.model).Where(t.where, organisationID).
			Order("updated_at DESC").Limit(1).Pluck("updated_at", &last).Error; err != nil {
			return "", time.Time{}, fmt.Errorf("directory stamp: %w", err)
		}
		part := strconv.FormatInt(n, 10)
		if len(last) > 0 {
			part += "@" + last[0].UTC().Format(time.RFC3339Nano)
			if last[0].After(latest) {
				latest = last[0].UTC()
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ";"), latest, nil
}
