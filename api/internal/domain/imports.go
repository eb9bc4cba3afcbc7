package domain

import (
	"context"
	"time"
)

// ImportRunStatus is where an import run stands.
type ImportRunStatus string

const (
	// ImportRunning: started, not finished (or killed: a run left running
	// by a process that died is resumed like a failed one).
	ImportRunning ImportRunStatus = "running"
	// ImportCompleted: every record of the file was read and committed.
	ImportCompleted ImportRunStatus = "completed"
	// ImportFailed: stopped by an error or a cancellation; resumable.
	ImportFailed ImportRunStatus = "failed"
)

// MaxRunIDs caps the withdrawn and reinstated identifiers kept on a run.
const MaxRunIDs = 200

// ImportRun is one import of a source file into the directory: what was
// read, how far it got, and what changed.
type ImportRun struct {
	ID string
	// SourceKind is the source of the contact points written (annuaire,
	// france_services); withdrawal only concerns contact points of that kind.
	SourceKind SourceKind
	// FileName is the path given; SHA256 the hex digest of its bytes (of
	// every file, in order, for a directory).
	FileName string
	SHA256   string
	// Full says the file lists every record of its source: at the end of a
	// complete run, the contact points of that kind it does not list are
	// withdrawn. Decided when the run completes.
	Full       bool
	Status     ImportRunStatus
	StartedAt  time.Time
	FinishedAt *time.Time
	// Resumed counts the times the run was resumed after a failure.
	Resumed int
	// Checkpoint is the number of source records read whose result is
	// committed: a resumed run skips them.
	Checkpoint int
	Stats      ImportStats
	// WithdrawnIDs and ReinstatedIDs list (at most MaxRunIDs) the contact
	// points concerned.
	WithdrawnIDs  []string
	ReinstatedIDs []string
	// Journeys lists the journeys whose outcomes name a contact point
	// withdrawn by this run.
	Journeys []JourneyReview
	// Error says why the run failed.
	Error string
}

// ImportBatch is what one batch of an import run commits, in one
// transaction: the contact points and the checkpoint reached.
type ImportBatch struct {
	RunID         string
	ContactPoints []*ContactPoint
	// Checkpoint is the number of source records read once this batch is
	// committed; Skipped the records left out by the importer since the
	// previous batch.
	Checkpoint int
	Skipped    int
}

// ImportFinish says how a run ends.
type ImportFinish struct {
	// OrganisationID owns the contact points withdrawal may concern.
	OrganisationID string
	// Full: the file lists every record of its source.
	Full bool
	// Listed holds the identifiers of every record the file holds (kept or
	// skipped): the others are withdrawn when Full.
	Listed map[string]bool
	// MaxWithdrawnShare, when positive, is the largest share of the active
	// contact points of the kind a run may withdraw: beyond it, nothing is
	// withdrawn and the run says why (a file taken for the whole source
	// that is only part of it must not empty the directory).
	MaxWithdrawnShare float64
}

// JourneyReview is a journey whose draft or published version names, in an
// outcome, a contact point withdrawn by its source: its référents should
// choose another one.
type JourneyReview struct {
	OrganisationID string `json:"organisation_id"`
	Slug           string `json:"slug"`
	Title          string `json:"title"`
	// Outcomes lists the outcome steps at fault.
	Outcomes []ReviewOutcome `json:"outcomes"`
}

// ReviewOutcome is one outcome step naming a withdrawn contact point.
type ReviewOutcome struct {
	StepID         string `json:"step_id"`
	ContactPointID string `json:"contact_point_id"`
	// ContactPointName is its name (withdrawn contact points are no longer
	// shown anywhere else to the organisations that named them).
	ContactPointName string `json:"contact_point_name"`
	// Draft and Published say where the outcome names it.
	Draft     bool `json:"draft"`
	Published bool `json:"published"`
}

// ImportRunStore records import runs and commits their batches.
type ImportRunStore interface {
	// StartImportRun resumes the last run of the source kind when it
	// failed (or was abandoned running) on the same file (same hash), or
	// records a new one.
	StartImportRun(ctx context.Context, run *ImportRun) (resumed bool, err error)
	// CommitImportBatch writes a batch and moves the run's checkpoint and
	// counts on, in one transaction.
	CommitImportBatch(ctx context.Context, b ImportBatch) (ImportStats, error)
	// FinishImportRun marks the run completed; for a full run, it first
	// withdraws the contact points of its kind and organisation that are
	// not listed, and lists the journeys to review.
	FinishImportRun(ctx context.Context, runID string, f ImportFinish) (*ImportRun, error)
	// FailImportRun marks the run failed, with the reason.
	FailImportRun(ctx context.Context, runID, reason string) error
	// FindImportRuns lists the latest runs, newest first.
	FindImportRuns(ctx context.Context, limit int) ([]*ImportRun, error)
}
