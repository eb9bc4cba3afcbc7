package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/journeys"
)

var _ domain.ImportRunStore = (*Store)(nil)

type importRunRow struct {
	ID            string `gorm:"primaryKey"`
	SourceKind    string
	FileName      string
	SHA256        string `gorm:"column:sha256"`
	FullFile      bool
	Status        string
	StartedAt     time.Time
	FinishedAt    *time.Time
	Resumed       int
	Checkpoint    int
	Created       int
	Updated       int
	Unchanged     int
	Skipped       int
	Withdrawn     int
	Reinstated    int
	WithdrawnIDs  string `gorm:"column:withdrawn_ids"`
	ReinstatedIDs string `gorm:"column:reinstated_ids"`
	Journeys      string
	Error         string
}

func (importRunRow) TableName() string { return "import_runs" }

func importRunFromRow(r *importRunRow) (*domain.ImportRun, error) {
	run := &domain.ImportRun{
		ID: r.ID, SourceKind: domain.SourceKind(r.SourceKind), FileName: r.FileName, SHA256: r.SHA256, Full: r.FullFile,
		Status: domain.ImportRunStatus(r.Status), StartedAt: r.StartedAt.UTC(), FinishedAt: utcPtr(r.FinishedAt),
		Resumed: r.Resumed, Checkpoint: r.Checkpoint, Error: r.Error,
		Stats: domain.ImportStats{Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Skipped: r.Skipped,
			Withdrawn: r.Withdrawn, Reinstated: r.Reinstated},
	}
	if err := errors.Join(
		unmarshal("withdrawn_ids", r.WithdrawnIDs, &run.WithdrawnIDs),
		unmarshal("reinstated_ids", r.ReinstatedIDs, &run.ReinstatedIDs),
		unmarshal("journeys", r.Journeys, &run.Journeys),
	); err != nil {
		return nil, fmt.Errorf("import run %s: %w", r.ID, err)
	}
	return run, nil
}

// StartImportRun resumes the latest run of run.SourceKind when it failed
// (or was left running by a process that died) on the same file (same
// SHA-256); otherwise it records run as a new running run.
// run is filled with the stored run (ID, checkpoint, counts so far).
//
// Two imports of the same source kind must not run at once: the second
// would take the first, still running, for an abandoned one.
func (s *Store) StartImportRun(ctx context.Context, run *domain.ImportRun) (bool, error) {
	if run.SourceKind == "" || run.SHA256 == "" {
		return false, errors.New("import run: source kind and file hash are required")
	}
	now := s.now().UTC()
	resumed := false
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var last importRunRow
		err := tx.Where("source_kind = ?", string(run.SourceKind)).Order("started_at DESC, id DESC").Take(&last).Error
		switch {
		case err == nil && last.SHA256 == run.SHA256 &&
			(last.Status == string(domain.ImportFailed) || last.Status == string(domain.ImportRunning)):
			last.Status, last.Error, last.Resumed, last.FinishedAt = string(domain.ImportRunning), "", last.Resumed+1, nil
			if err := tx.Model(&importRunRow{}).Where("id = ?", last.ID).
				Updates(map[string]any{"status": last.Status, "error": "", "resumed": last.Resumed, "finished_at": nil}).Error; err != nil {
				return translate(err, "Import")
			}
			stored, err := importRunFromRow(&last)
			if err != nil {
				return err
			}
			*run = *stored
			resumed = true
			return nil
		case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
			return translate(err, "Import")
		}
		if run.ID == "" {
			run.ID = domain.NewID()
		}
		run.Status, run.StartedAt, run.FinishedAt, run.Checkpoint, run.Stats = domain.ImportRunning, now, nil, 0, domain.ImportStats{}
		row := importRunRow{ID: run.ID, SourceKind: string(run.SourceKind), FileName: run.FileName, SHA256: run.SHA256,
			Status: string(run.Status), StartedAt: now, WithdrawnIDs: "[]", ReinstatedIDs: "[]", Journeys: "[]"}
		return translate(tx.Create(&row).Error, "Import")
	})
	return resumed, err
}

// CommitImportBatch upserts the batch's contact points and moves the run's
// checkpoint and counts on, in one transaction: a run killed at any point
// resumes exactly after its last committed batch.
func (s *Store) CommitImportBatch(ctx context.Context, b domain.ImportBatch) (domain.ImportStats, error) {
	for _, c := range b.ContactPoints {
		if c.ID == "" {
			return domain.ImportStats{}, domain.Invalid("Point de contact sans identifiant.", domain.FieldError{Field: "id", Message: "est obligatoire"})
		}
		if err := c.Validate(); err != nil {
			return domain.ImportStats{}, fmt.Errorf("contact point %s: %w", c.ID, err)
		}
	}
	var stats domain.ImportStats
	err := s.publicWrite(ctx, func(tx *gorm.DB) error {
		var run importRunRow
		if err := tx.Where("id = ?", b.RunID).Take(&run).Error; err != nil {
			return translate(err, "Import")
		}
		if run.Status != string(domain.ImportRunning) {
			return domain.Errorf(domain.ECONFLICT, "L'import %s n'est pas en cours (%s).", b.RunID, run.Status)
		}
		var reinstated []string
		var err error
		if len(b.ContactPoints) > 0 {
			if stats, reinstated, err = s.upsertContactPoints(tx, b.ContactPoints); err != nil {
				return err
			}
		}
		upd := map[string]any{
			"checkpoint": b.Checkpoint,
			"created":    run.Created + stats.Created, "updated": run.Updated + stats.Updated,
			"unchanged": run.Unchanged + stats.Unchanged, "skipped": run.Skipped + stats.Skipped + b.Skipped,
			"reinstated": run.Reinstated + stats.Reinstated,
		}
		if len(reinstated) > 0 {
			var list []string
			if err := unmarshal("reinstated_ids", run.ReinstatedIDs, &list); err != nil {
				return err
			}
			upd["reinstated_ids"] = jsonList(capIDs(append(list, reinstated...)))
		}
		return translate(tx.Model(&importRunRow{}).Where("id = ?", b.RunID).Updates(upd).Error, "Import")
	})
	if err != nil {
		return domain.ImportStats{}, err
	}
	s.analyzeAfterBulk(ctx, stats.Created+stats.Updated, "contact_points", "contact_point_coverage")
	return stats, nil
}

func capIDs(ids []string) []string {
	if len(ids) > domain.MaxRunIDs {
		return ids[:domain.MaxRunIDs]
	}
	return ids
}

// FinishImportRun completes a running run, a full one (its file lists every
// record of its source) or not. For a full run that listed at least one
// record, the active contact points of the organisation and source kind
// whose ids are not in f.Listed are withdrawn (withdrawn_at set, version
// and updated_at moved on, so the search index and caches drop them), and
// the journeys whose outcomes name them are listed on the run; unless they
// are more than f.MaxWithdrawnShare of the active ones: then nothing is
// withdrawn and the run's error says why (the run is still completed).
func (s *Store) FinishImportRun(ctx context.Context, runID string, f domain.ImportFinish) (*domain.ImportRun, error) {
	organisationID, full, listed := f.OrganisationID, f.Full, f.Listed
	var out *domain.ImportRun
	err := s.publicWrite(ctx, func(tx *gorm.DB) error {
		var run importRunRow
		if err := tx.Where("id = ?", runID).Take(&run).Error; err != nil {
			return translate(err, "Import")
		}
		if run.Status != string(domain.ImportRunning) {
			return domain.Errorf(domain.ECONFLICT, "L'import %s n'est pas en cours (%s).", runID, run.Status)
		}
		now := s.now().UTC()
		upd := map[string]any{"status": string(domain.ImportCompleted), "finished_at": now, "full_file": full}
		if full && len(listed) > 0 {
			var active []string
			if err := tx.Model(&contactPointRow{}).Where("organisation_id = ? AND source_kind = ? AND withdrawn_at IS NULL", organisationID, run.SourceKind).
				Order("id").Pluck("id", &active).Error; err != nil {
				return translate(err, "Points de contact")
			}
			var ids []string
			for _, id := range active {
				if !listed[id] {
					ids = append(ids, id)
				}
			}
			if f.MaxWithdrawnShare > 0 && float64(len(ids)) > f.MaxWithdrawnShare*float64(len(active)) {
				upd["error"] = fmt.Sprintf("rien n'a été retiré : %d des %d points de contact actifs de la source sont absents du fichier "+
					"(plus de %.0f %%) ; s'il liste vraiment toute la source, relancez l'import avec --full", len(ids), len(active), 100*f.MaxWithdrawnShare)
				s.log.WarnContext(ctx, "import run: too many contact points absent, nothing withdrawn", "run", runID, "absent", len(ids), "active", len(active))
				ids = nil
			}
			if len(ids) > 0 {
				for chunk := range slices.Chunk(ids, s.idsPerQuery()) {
					if err := tx.Model(&contactPointRow{}).Where("id IN ?", chunk).
						Updates(map[string]any{"withdrawn_at": now, "updated_at": now, "version": gorm.Expr("version + 1")}).Error; err != nil {
						return translate(err, "Points de contact")
					}
				}
				reviews, err := journeyReviews(tx, "", ids)
				if err != nil {
					return err
				}
				upd["withdrawn"], upd["withdrawn_ids"], upd["journeys"] = len(ids), jsonList(capIDs(ids)), mustJSON(nonNil(reviews))
			}
		} else if full {
			s.log.WarnContext(ctx, "import run listed no contact point: nothing withdrawn", "run", runID, "file", run.FileName)
		}
		if err := tx.Model(&importRunRow{}).Where("id = ?", runID).Updates(upd).Error; err != nil {
			return translate(err, "Import")
		}
		if err := tx.Where("id = ?", runID).Take(&run).Error; err != nil {
			return translate(err, "Import")
		}
		var err error
		out, err = importRunFromRow(&run)
		return err
	})
	return out, err
}

// FailImportRun marks a running run failed; it stays resumable.
func (s *Store) FailImportRun(ctx context.Context, runID, reason string) error {
	now := s.now().UTC()
	err := s.w.WithContext(ctx).Model(&importRunRow{}).Where("id = ? AND status = ?", runID, string(domain.ImportRunning)).
		Updates(map[string]any{"status": string(domain.ImportFailed), "finished_at": now, "error": truncateText(reason, 2000)}).Error
	return translate(err, "Import")
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// FindImportRuns lists the latest runs, newest first (20 when limit ≤ 0).
func (s *Store) FindImportRuns(ctx context.Context, limit int) ([]*domain.ImportRun, error) {
	if limit <= 0 {
		limit = 20
	}
	var rows []importRunRow
	if err := s.r.WithContext(ctx).Order("started_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err, "Imports")
	}
	out := make([]*domain.ImportRun, 0, len(rows))
	for i := range rows {
		r, err := importRunFromRow(&rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// FindJourneysToReview lists the journeys of the organisation (of every
// organisation when empty) whose draft or published version names, in an
// outcome, a withdrawn contact point.
func (s *Store) FindJourneysToReview(ctx context.Context, organisationID string) ([]domain.JourneyReview, error) {
	return journeyReviews(s.r.WithContext(ctx), organisationID, nil)
}

// journeyReviews reads the journeys (of one organisation, or all) and
// their published versions, and returns those whose outcomes name one of
// ids, or, when ids is nil, any withdrawn contact point. Journeys are few
// (tens per partner): they are read whole and decoded here.
func journeyReviews(db *gorm.DB, organisationID string, ids []string) ([]domain.JourneyReview, error) {
	q := db.Model(&journeyRow{}).Order("organisation_id, slug")
	if organisationID != "" {
		q = q.Where("organisation_id = ?", organisationID)
	}
	var rows []journeyRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err, "Parcours")
	}
	type ref struct {
		journey   int
		step, cp  string
		published bool
	}
	var refs []ref
	collect := func(i int, doc string, published bool) {
		var j journeys.Journey
		if json.Unmarshal([]byte(doc), &j) != nil {
			return // a draft that does not decode has no outcome to review
		}
		for _, st := range j.Steps {
			if st.Outcome == nil {
				continue
			}
			for _, id := range st.Outcome.ContactPoints {
				refs = append(refs, ref{journey: i, step: st.ID, cp: id, published: published})
			}
		}
	}
	for i, r := range rows {
		collect(i, r.Draft, false)
		if r.PublishedVersion > 0 {
			var v journeyVersionRow
			err := db.Where("organisation_id = ? AND slug = ? AND number = ?", r.OrganisationID, r.Slug, r.PublishedVersion).Take(&v).Error
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, translate(err, "Version de parcours")
			}
			collect(i, v.Content, true)
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	// The contact points the outcomes name: their names, and which are
	// withdrawn (ids when given: those a run is withdrawing).
	var named []string
	for _, r := range refs {
		named = append(named, r.cp)
	}
	slices.Sort(named)
	names, withdrawn := map[string]string{}, map[string]bool{}
	for _, id := range ids {
		withdrawn[id] = true
	}
	for chunk := range slices.Chunk(slices.Compact(named), 500) {
		var found []struct {
			ID          string
			Name        string
			WithdrawnAt *time.Time
		}
		if err := db.Model(&contactPointRow{}).Select("id, name, withdrawn_at").Where("id IN ?", chunk).Find(&found).Error; err != nil {
			return nil, translate(err, "Points de contact")
		}
		for _, f := range found {
			names[f.ID] = f.Name
			if ids == nil && f.WithdrawnAt != nil {
				withdrawn[f.ID] = true
			}
		}
	}
	var out []domain.JourneyReview
	byJourney := map[int]int{}
	for _, r := range refs {
		if !withdrawn[r.cp] {
			continue
		}
		k, ok := byJourney[r.journey]
		if !ok {
			row := rows[r.journey]
			out = append(out, domain.JourneyReview{OrganisationID: row.OrganisationID, Slug: row.Slug, Title: row.Title})
			k = len(out) - 1
			byJourney[r.journey] = k
		}
		jr := &out[k]
		i := slices.IndexFunc(jr.Outcomes, func(o domain.ReviewOutcome) bool { return o.StepID == r.step && o.ContactPointID == r.cp })
		if i < 0 {
			jr.Outcomes = append(jr.Outcomes, domain.ReviewOutcome{StepID: r.step, ContactPointID: r.cp, ContactPointName: names[r.cp]})
			i = len(jr.Outcomes) - 1
		}
		if r.published {
			jr.Outcomes[i].Published = true
		} else {
			jr.Outcomes[i].Draft = true
		}
	}
	return out, nil
}
