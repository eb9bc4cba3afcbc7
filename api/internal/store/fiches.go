package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

var _ domain.FicheStore = (*Store)(nil)

type ficheRow struct {
	ID              string `gorm:"primaryKey"`
	Title           string
	Description     string
	Subject         string
	URL             string
	Breadcrumb      string
	Pivots          string
	Places          string
	Online          string
	SourceUpdatedAt *time.Time
	ContentHash     string
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (ficheRow) TableName() string { return "fiches" }

// ficheBatch is the number of rows per INSERT (14 parameters each).
const ficheBatch = 300

func ficheToRow(f *domain.Fiche) ficheRow {
	row := ficheRow{
		ID: f.ID, Title: f.Title, Description: f.Description, Subject: f.Subject, URL: f.URL,
		Breadcrumb: jsonList(f.Breadcrumb), Pivots: jsonList(f.Pivots),
		Places: mustJSON(nonNil(f.Places)), Online: mustJSON(nonNil(f.Online)),
	}
	if !f.UpdatedAt.IsZero() {
		t := f.UpdatedAt.UTC()
		row.SourceUpdatedAt = &t
	}
	// The hash covers what the fiche says, its date included.
	sum := sha256.Sum256([]byte(mustJSON([]any{row.Title, row.Description, row.Subject, row.URL,
		row.Breadcrumb, row.Pivots, row.Places, row.Online, row.SourceUpdatedAt})))
	row.ContentHash = hex.EncodeToString(sum[:])
	return row
}

func ficheFromRow(row *ficheRow) (*domain.Fiche, error) {
	f := &domain.Fiche{ID: row.ID, Title: row.Title, Description: row.Description, Subject: row.Subject, URL: row.URL}
	if row.SourceUpdatedAt != nil {
		f.UpdatedAt = row.SourceUpdatedAt.UTC()
	}
	if err := errors.Join(
		unmarshal("breadcrumb", row.Breadcrumb, &f.Breadcrumb),
		unmarshal("pivots", row.Pivots, &f.Pivots),
		unmarshal("places", row.Places, &f.Places),
		unmarshal("online", row.Online, &f.Online),
	); err != nil {
		return nil, fmt.Errorf("fiche %s: %w", row.ID, err)
	}
	// Stored empty lists read back as nil, like fiches that never had any.
	if len(f.Breadcrumb) == 0 {
		f.Breadcrumb = nil
	}
	if len(f.Pivots) == 0 {
		f.Pivots = nil
	}
	if len(f.Places) == 0 {
		f.Places = nil
	}
	if len(f.Online) == 0 {
		f.Online = nil
	}
	return f, nil
}

// storedFiche is what an upsert compares with.
type storedFiche struct {
	ID              string
	ContentHash     string
	SourceUpdatedAt *time.Time
	Version         int
	CreatedAt       time.Time
}

// UpsertFiches creates or updates fiches by ID in one transaction, in
// batches. A fiche whose content hash is unchanged is left alone, and so is
// a fiche whose source date is older than the stored one (Skipped), as is a
// repeated ID. When nothing changes, nothing is written: the generation
// stays, so caches and the search index are not rebuilt for nothing.
func (s *Store) UpsertFiches(ctx context.Context, fiches []*domain.Fiche) (domain.ImportStats, error) {
	if len(fiches) == 0 {
		return domain.ImportStats{}, nil
	}
	rows := make([]ficheRow, len(fiches))
	ids := make([]string, len(fiches))
	for i, f := range fiches {
		if err := f.Validate(); err != nil {
			return domain.ImportStats{}, fmt.Errorf("fiche %s: %w", f.ID, err)
		}
		rows[i] = ficheToRow(f)
		ids[i] = f.ID
	}
	// A first look on the readers: a re-import of the same data ends here.
	existing, err := storedFiches(s.r.WithContext(ctx), ids)
	if err != nil {
		return domain.ImportStats{}, err
	}
	if writes, stats := planFiches(rows, existing, time.Time{}); len(writes) == 0 {
		return stats, nil
	}
	var stats domain.ImportStats
	err = s.publicWrite(ctx, func(tx *gorm.DB) error {
		existing, err := storedFiches(tx, ids)
		if err != nil {
			return err
		}
		var writes []ficheRow
		writes, stats = planFiches(rows, existing, s.now().UTC())
		for chunk := range slices.Chunk(writes, ficheBatch) {
			err := tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "id"}},
				DoUpdates: clause.AssignmentColumns([]string{"title", "description", "subject", "url", "breadcrumb",
					"pivots", "places", "online", "source_updated_at", "content_hash", "version", "updated_at"}),
			}).Create(&chunk).Error
			if err != nil {
				return translate(err, "Fiche")
			}
		}
		return nil
	})
	if err != nil {
		return domain.ImportStats{}, err
	}
	return stats, nil
}

// storedFiches reads the hash, date and version of the stored fiches
// among ids.
func storedFiches(db *gorm.DB, ids []string) (map[string]storedFiche, error) {
	existing := make(map[string]storedFiche, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var found []storedFiche
		if err := db.Model(&ficheRow{}).Select("id, content_hash, source_updated_at, version, created_at").
			Where("id IN ?", chunk).Find(&found).Error; err != nil {
			return nil, translate(err, "Fiches")
		}
		for _, e := range found {
			existing[e.ID] = e
		}
	}
	return existing, nil
}

// planFiches returns the rows to insert or update (stamped with now) and
// the stats of the upsert.
func planFiches(rows []ficheRow, existing map[string]storedFiche, now time.Time) ([]ficheRow, domain.ImportStats) {
	var stats domain.ImportStats
	var writes []ficheRow
	seen := make(map[string]bool, len(rows))
	for _, row := range rows {
		if seen[row.ID] {
			stats.Skipped++
			continue
		}
		seen[row.ID] = true
		old, ok := existing[row.ID]
		switch {
		case !ok:
			row.CreatedAt, row.UpdatedAt, row.Version = now, now, 1
			stats.Created++
		case old.ContentHash == row.ContentHash:
			stats.Unchanged++
			continue
		case old.SourceUpdatedAt != nil && row.SourceUpdatedAt != nil && row.SourceUpdatedAt.Before(*old.SourceUpdatedAt):
			stats.Skipped++
			continue
		default:
			row.CreatedAt, row.UpdatedAt, row.Version = old.CreatedAt, now, old.Version+1
			stats.Updated++
		}
		writes = append(writes, row)
	}
	return writes, stats
}

// AllFiches returns every fiche, by ID.
func (s *Store) AllFiches(ctx context.Context) ([]*domain.Fiche, error) {
	var rows []ficheRow
	if err := s.r.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err, "Fiches")
	}
	out := make([]*domain.Fiche, 0, len(rows))
	for i := range rows {
		f, err := ficheFromRow(&rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// CountFiches returns the number of stored fiches.
func (s *Store) CountFiches(ctx context.Context) (int, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&ficheRow{}).Count(&n).Error; err != nil {
		return 0, translate(err, "Fiches")
	}
	return int(n), nil
}
