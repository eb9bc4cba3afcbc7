package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.PortalRequestStore = (*Store)(nil)

// portalRequestsPerInsert bounds the rows of one INSERT (5 parameters
// each): the pure-Go SQLite driver binds parameters in quadratic time.
const portalRequestsPerInsert = 100

// AddPortalRequests adds the counts to portal_requests_daily. Every
// dialect upserts with ON CONFLICT DO UPDATE SET n = n + excluded.n, so
// replicas writing at once add up. The rows are written in key order: two
// PostgreSQL transactions then lock the rows they share in the same order,
// and never deadlock.
func (s *Store) AddPortalRequests(ctx context.Context, counts []domain.PortalRequests) error {
	rows := make([]domain.PortalRequests, 0, len(counts))
	for _, c := range counts {
		if c.Count > 0 {
			rows = append(rows, c)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	slices.SortFunc(rows, func(a, b domain.PortalRequests) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.PortalID, b.PortalID),
			cmp.Compare(a.Family.String(), b.Family.String()), cmp.Compare(a.Status.String(), b.Status.String()))
	})
	// Duplicated keys in one statement are an error on PostgreSQL ("ON
	// CONFLICT DO UPDATE command cannot affect row a second time"): merge.
	merged := rows[:1]
	for _, r := range rows[1:] {
		last := &merged[len(merged)-1]
		if r.Day == last.Day && r.PortalID == last.PortalID && r.Family == last.Family && r.Status == last.Status {
			last.Count += r.Count
			continue
		}
		merged = append(merged, r)
	}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for batch := range slices.Chunk(merged, portalRequestsPerInsert) {
			var q strings.Builder
			q.WriteString("INSERT INTO portal_requests_daily (day, portal_id, family, status_class, n) VALUES ")
			args := make([]any, 0, 5*len(batch))
			for i, r := range batch {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?)")
				args = append(args, r.Day, r.PortalID, r.Family.String(), r.Status.String(), r.Count)
			}
			q.WriteString(" ON CONFLICT (day, portal_id, family, status_class) DO UPDATE SET n = portal_requests_daily.n + excluded.n")
			if err := tx.Exec(q.String(), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return translate(err, "Appels des portails")
}

// SumPortalRequests sums portal_requests_daily over the days from to to by
// portal, family and status class.
func (s *Store) SumPortalRequests(ctx context.Context, from, to string) ([]domain.PortalRequests, error) {
	q := s.r.WithContext(ctx).Table("portal_requests_daily").
		Select("portal_id, family, status_class, CAST(SUM(n) AS BIGINT) AS n").Group("portal_id, family, status_class")
	if from != "" {
		q = q.Where("day >= ?", from)
	}
	if to != "" {
		q = q.Where("day <= ?", to)
	}
	var rows []struct {
		PortalID    string
		Family      string
		StatusClass string
		N           int64
	}
	if err := q.Order("portal_id, family, status_class").Scan(&rows).Error; err != nil {
		return nil, translate(err, "Appels des portails")
	}
	out := make([]domain.PortalRequests, 0, len(rows))
	for _, r := range rows {
		// A family or class unknown to this binary (written by a newer
		// one) is counted as other / 5xx rather than dropped.
		f, _ := domain.ParseRequestFamily(r.Family)
		c, _ := domain.ParseStatusClass(r.StatusClass)
		out = append(out, domain.PortalRequests{PortalID: r.PortalID, Family: f, Status: c, Count: r.N})
	}
	return out, nil
}
