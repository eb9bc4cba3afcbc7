-- +goose Up
ALTER TABLE entry_points ADD COLUMN journey TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_points ADD COLUMN overrides_id TEXT NOT NULL DEFAULT '';
CREATE INDEX contact_points_overrides ON contact_points (organisation_id, overrides_id);

CREATE TABLE journeys (
    organisation_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    slug              TEXT NOT NULL,
    title             TEXT NOT NULL,
    draft             TEXT NOT NULL,
    draft_version     INTEGER NOT NULL,
    published_version INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, slug)
);

-- Every published version, immutable; a rollback publishes a copy.
CREATE TABLE journey_versions (
    organisation_id TEXT NOT NULL,
    slug            TEXT NOT NULL,
    number          INTEGER NOT NULL,
    content         TEXT NOT NULL,
    author          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, slug, number),
    FOREIGN KEY (organisation_id, slug) REFERENCES journeys(organisation_id, slug) ON DELETE CASCADE
);

-- Outcomes of the published versions, by their public id.
CREATE TABLE journey_outcomes (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    slug            TEXT NOT NULL,
    step_id         TEXT NOT NULL,
    FOREIGN KEY (organisation_id, slug) REFERENCES journeys(organisation_id, slug) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE journey_outcomes;
DROP TABLE journey_versions;
DROP TABLE journeys;
DROP INDEX contact_points_overrides;
ALTER TABLE contact_points DROP COLUMN overrides_id;
ALTER TABLE entry_points DROP COLUMN journey;
