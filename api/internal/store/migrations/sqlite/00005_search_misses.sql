-- +goose Up
-- Searches that found nothing useful, scrubbed of personal data, counted per
-- organisation and query. organisation_id is NULL for searches made without a
-- partner: a plain UNIQUE (organisation_id, query) would let NULLs repeat, so
-- two partial unique indexes keep one row per query on each side, and the
-- upsert names the one it targets.
CREATE TABLE search_misses (
    organisation_id TEXT REFERENCES organisations(id) ON DELETE CASCADE,
    query           TEXT NOT NULL,
    departement     TEXT NOT NULL DEFAULT '',
    count           INTEGER NOT NULL,
    first_seen      DATETIME NOT NULL,
    last_seen       DATETIME NOT NULL,
    CHECK (organisation_id IS NULL OR organisation_id <> '')
);
CREATE UNIQUE INDEX search_misses_organisation_query ON search_misses (organisation_id, query)
    WHERE organisation_id IS NOT NULL;
CREATE UNIQUE INDEX search_misses_no_organisation_query ON search_misses (query)
    WHERE organisation_id IS NULL;
CREATE INDEX search_misses_last_seen ON search_misses (last_seen);

-- +goose Down
DROP TABLE search_misses;
