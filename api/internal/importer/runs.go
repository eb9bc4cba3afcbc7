package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// Import runs (see the README, « Runs »): an import of a file recorded in
// the store, committed batch by batch with its checkpoint, resumable after
// a failure, and, for a file that lists every record of its source,
// withdrawing at the end the contact points the file no longer lists.

// FullFormat reports whether files of that format list every record of
// their source: the v4 bulk file, the 2017 national CSV and the France
// services list. A département folder of GeoJSON files, a TSV extract or
// an API page do not (unless the caller says so).
func FullFormat(f Format) bool {
	switch f {
	case FormatV4Bulk, FormatV1CSV, FormatFranceServices:
		return true
	}
	return false
}

// SourceKindOf is the source kind of the contact points a format yields.
func SourceKindOf(f Format) domain.SourceKind {
	if f == FormatFranceServices {
		return domain.SourceFranceServices
	}
	return domain.SourceAnnuaire
}

// MaxAutoWithdrawnShare is the largest share of the active contact points
// of its source a run may withdraw when the file is full by its format
// (not by RunOptions.Full): beyond it, nothing is withdrawn and the run
// says so.
const MaxAutoWithdrawnShare = 0.5

// RunOptions configures ImportFileRun.
type RunOptions struct {
	Options
	// Runs records the run and commits its batches (the store).
	Runs domain.ImportRunStore
	// Full, when set, says whether the file lists every record of its
	// source; when nil, it does when every file read is of a FullFormat.
	Full *bool
}

// ImportFileRun imports path (as ImportFile does) as a recorded run:
//
//   - the run is keyed by the SHA-256 of the file's bytes (of every file
//     read, with their names, for a directory) and its source kind;
//   - each batch of contact points is committed with the run's checkpoint
//     (the records read so far) and counts, in one transaction;
//   - when the latest run of the source kind failed (an error, a cancelled
//     context) or was left running (a killed process) on the same file, it
//     is resumed: the records up to its checkpoint are read again, to find
//     duplicates as an uninterrupted run would, but not written;
//   - at the end of a complete run of a full file, the contact points of
//     the organisation and source kind the file did not list are
//     withdrawn, and the journeys naming them listed on the run.
//
// On failure the run is marked failed (when it was started) and returned
// with the error.
func ImportFileRun(ctx context.Context, path string, opts RunOptions) (*domain.ImportRun, error) {
	if opts.Runs == nil {
		return nil, errors.New("importer: no run store")
	}
	abs, err := filepath.Abs(path)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	fsys, name := os.DirFS(filepath.Dir(abs)), filepath.Base(abs)
	sum, err := hashFiles(fsys, name)
	if err != nil {
		return nil, err
	}
	r, err := newRun(opts.Options)
	if err != nil {
		return nil, err
	}
	// Parsing stops when a write fails: the writer cancels pctx.
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	t := &tracking{runs: opts.Runs, file: path, sum: sum, parent: ctx, cancel: cancel, listed: map[string]bool{}}
	r.tracked = t
	err = r.importFS(pctx, fsys, name)
	if err == nil {
		err = r.flush(pctx)
	}
	if werr := t.wait(); werr != nil {
		err = werr // the cause; parsing only saw its context cancelled
	}
	if err == nil && t.run == nil {
		err = fmt.Errorf("importer: %s: no data file", path)
	}
	if err != nil {
		if t.run != nil {
			if ferr := opts.Runs.FailImportRun(context.WithoutCancel(ctx), t.run.ID, err.Error()); ferr != nil {
				err = errors.Join(err, ferr)
			}
			t.run.Status, t.run.Error = domain.ImportFailed, err.Error()
		}
		return t.run, err
	}
	full := !t.partial
	if opts.Full != nil {
		full = *opts.Full
	}
	for id := range r.seen {
		t.listed[id] = true
	}
	finish := domain.ImportFinish{OrganisationID: opts.OrganisationID, Full: full, Listed: t.listed}
	if opts.Full == nil {
		// Full by its format only: a file of that format holding part of
		// the source (a département's extract) must not withdraw the rest.
		finish.MaxWithdrawnShare = MaxAutoWithdrawnShare
	}
	done, err := opts.Runs.FinishImportRun(ctx, t.run.ID, finish)
	if err != nil {
		return t.run, err
	}
	r.log.InfoContext(ctx, "annuaire: import run completed", "run", done.ID, "file", path, "full", full,
		"resumed", t.resumed, "created", done.Stats.Created, "updated", done.Stats.Updated, "unchanged", done.Stats.Unchanged,
		"skipped", done.Stats.Skipped, "withdrawn", done.Stats.Withdrawn, "reinstated", done.Stats.Reinstated)
	return done, nil
}

// tracking is the recorded run of an import.
type tracking struct {
	runs domain.ImportRunStore
	file string
	sum  string
	run  *domain.ImportRun
	// resumed is set when run is a failed run taken up again; from is its
	// checkpoint: records up to it are not written again.
	resumed bool
	from    int
	// committed is the checkpoint last committed.
	committed int
	// partial is set once a file of a format that is not full is read.
	partial bool
	// skipped counts the records left out since the last batch.
	skipped int
	// listed holds the identifiers of the records the file lists that the
	// importer skipped (those it kept are in run.seen): present, if
	// unusable, so not withdrawn. A resumed run reads the records before
	// its checkpoint again, so both sets are whole at the end.
	listed map[string]bool

	// Batches are committed by a goroutine of their own while the next one
	// is read (parsing and writing each take a core): jobs holds at most
	// one batch waiting, so memory stays that of three batches. The writer
	// uses the caller's context (parent); on failure it records the error
	// (werr, read once wdone is closed) and cancels the parsing (cancel).
	parent context.Context
	cancel context.CancelCauseFunc
	jobs   chan job
	wdone  chan struct{}
	werr   error
}

// job is one batch handed to the writer.
type job struct {
	batch               []*domain.ContactPoint
	skipped, checkpoint int
}

// begin starts (or resumes) the run when the first file is about to be
// parsed, its format, hence its source kind, known.
func (t *tracking) begin(ctx context.Context, format Format, name string) error {
	if !FullFormat(format) {
		t.partial = true
	}
	kind := SourceKindOf(format)
	if t.run != nil {
		if kind != t.run.SourceKind {
			return fmt.Errorf("%s: a run imports one source: %s records after %s ones", name, kind, t.run.SourceKind)
		}
		return nil
	}
	t.run = &domain.ImportRun{SourceKind: kind, FileName: t.file, SHA256: t.sum}
	resumed, err := t.runs.StartImportRun(ctx, t.run)
	if err != nil {
		return fmt.Errorf("importer: start the run: %w", err)
	}
	t.resumed, t.from, t.committed = resumed, t.run.Checkpoint, t.run.Checkpoint
	t.jobs, t.wdone = make(chan job, 1), make(chan struct{})
	go t.write(t.jobs) // its own reference: wait() sets t.jobs to nil, maybe before the goroutine starts
	return nil
}

// write commits the batches in order, until jobs is closed.
func (t *tracking) write(jobs <-chan job) {
	defer close(t.wdone)
	for j := range jobs {
		if t.werr != nil {
			continue // drain: the parsing is being stopped
		}
		st, err := t.runs.CommitImportBatch(t.parent, domain.ImportBatch{
			RunID: t.run.ID, ContactPoints: j.batch, Checkpoint: j.checkpoint, Skipped: j.skipped,
		})
		if err != nil {
			t.werr = fmt.Errorf("importer: writing %d contact points: %w", len(j.batch), err)
			t.cancel(t.werr)
			continue
		}
		t.run.Stats.Add(st)
		t.run.Stats.Skipped += j.skipped
		t.run.Checkpoint = j.checkpoint
	}
}

// wait lets the writer finish the batches handed to it and returns its
// error, if any.
func (t *tracking) wait() error {
	if t.jobs == nil {
		return nil
	}
	close(t.jobs)
	t.jobs = nil
	<-t.wdone
	return t.werr
}

// replaying reports whether the record being read was committed by the
// run this one resumes.
func (r *run) replaying() bool {
	return r.tracked != nil && r.records <= r.tracked.from
}

// commit hands the pending batch, with the checkpoint reached, to the
// writer.
func (t *tracking) commit(ctx context.Context, r *run) error {
	if t.run == nil || len(r.batch) == 0 && t.skipped == 0 && r.records <= t.committed {
		return nil
	}
	select {
	case t.jobs <- job{batch: r.batch, skipped: t.skipped, checkpoint: r.records}:
	case <-ctx.Done():
		return ctx.Err()
	}
	t.committed, t.skipped = r.records, 0
	r.batch = make([]*domain.ContactPoint, 0, r.opts.BatchSize)
	return nil
}

// hashFiles returns the hex SHA-256 of the file name, or, for a directory,
// of the names and contents of the files ImportFS reads in it.
func hashFiles(fsys fs.FS, name string) (string, error) {
	files, err := dataFiles(fsys, name)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, p := range files {
		if len(files) > 1 || p != name {
			fmt.Fprintf(h, "%s\x00", p)
		}
		f, err := fsys.Open(p)
		if err != nil {
			return "", fmt.Errorf("importer: %w", err)
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("importer: hash %s: %w", p, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
