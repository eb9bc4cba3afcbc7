package store

import (
	"context"
	"fmt"
	"strings"
)

// stampTables are the tables whose content the in-memory search index
// holds, with the column that changes on every update.
var stampTables = []struct{ table, column string }{
	{"organisations", "updated_at"},
	{"themes", "updated_at"},
	{"contact_points", "updated_at"},
	{"journeys", "updated_at"},
	{"journey_versions", "created_at"},
	{"fiches", "updated_at"},
}

// ChangeStamp summarises the searchable data (row counts and latest
// update of each table) in one string that changes whenever a replica
// creates, updates or deletes a row. Replicas poll it to rebuild their
// in-memory index after writes made elsewhere.
func (s *Store) ChangeStamp(ctx context.Context) (string, error) {
	parts := make([]string, 0, len(stampTables))
	for _, t := range stampTables {
		var row struct {
			N    int64
			Last string
		}
		// Both columns are read as text so the two dialects compare alike.
		q := fmt.Sprintf("SELECT COUNT(*) AS n, COALESCE(CAST(MAX(%s) AS TEXT), '') AS last FROM %s", t.column, t.table)
		if err := s.r.WithContext(ctx).Raw(q).Scan(&row).Error; err != nil {
			return "", fmt.Errorf("change stamp of %s: %w", t.table, err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d@%s", t.table, row.N, row.Last))
	}
	return strings.Join(parts, ";"), nil
}
