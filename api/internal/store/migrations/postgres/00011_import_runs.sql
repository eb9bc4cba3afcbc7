-- +goose Up
-- Import runs of the service-public.fr annuaire and of the France services
-- list (issue 10, README of api/internal/importer, « Runs »).
--
-- One row per run: the file (name and SHA-256), its source kind, whether it
-- is a full file (absent records are withdrawn at the end), the status,
-- the counts, and the checkpoint: the records read and committed so far,
-- from which a failed run of the same file resumes. withdrawn_ids and
-- reinstated_ids list (capped) the contact points concerned; journeys lists
-- the journeys to review after the run.
CREATE TABLE import_runs (
    id             TEXT PRIMARY KEY,
    source_kind    TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    full_file      BOOLEAN NOT NULL DEFAULT FALSE,
    status         TEXT NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    resumed        INTEGER NOT NULL DEFAULT 0,
    checkpoint     INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL DEFAULT 0,
    updated        INTEGER NOT NULL DEFAULT 0,
    unchanged      INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    withdrawn      INTEGER NOT NULL DEFAULT 0,
    reinstated     INTEGER NOT NULL DEFAULT 0,
    withdrawn_ids  TEXT NOT NULL DEFAULT '[]',
    reinstated_ids TEXT NOT NULL DEFAULT '[]',
    journeys       TEXT NOT NULL DEFAULT '[]',
    error          TEXT NOT NULL DEFAULT '',
    CHECK (status IN ('running', 'completed', 'failed'))
);
CREATE INDEX import_runs_file ON import_runs (source_kind, sha256, status);
CREATE INDEX import_runs_started ON import_runs (started_at);

-- A contact point the last complete full file of its source no longer lists
-- is withdrawn (withdrawn_at set), not deleted: hidden from residents, kept
-- for the journeys that name it, reinstated if it comes back.
ALTER TABLE contact_points ADD COLUMN withdrawn_at TIMESTAMPTZ;
CREATE INDEX contact_points_source_kind ON contact_points (organisation_id, source_kind);

-- +goose Down
DROP INDEX contact_points_source_kind;
ALTER TABLE contact_points DROP COLUMN withdrawn_at;
DROP TABLE import_runs;
