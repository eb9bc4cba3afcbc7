-- +goose Up
CREATE TABLE organisations (
    id              TEXT PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    territory       TEXT NOT NULL DEFAULT '[]',
    branding        TEXT NOT NULL DEFAULT '{}',
    allowed_origins TEXT NOT NULL DEFAULT '[]',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);

CREATE TABLE entry_points (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    slug            TEXT NOT NULL,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    themes          TEXT NOT NULL DEFAULT '[]',
    branding        TEXT,
    PRIMARY KEY (organisation_id, slug)
);

CREATE TABLE themes (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    slug            TEXT NOT NULL,
    parent_slug     TEXT NOT NULL DEFAULT '',
    label           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    synonyms        TEXT NOT NULL DEFAULT '[]',
    content_hash    TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    PRIMARY KEY (organisation_id, slug)
);

CREATE TABLE contact_points (
    id                TEXT PRIMARY KEY,
    organisation_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    granularity       TEXT NOT NULL DEFAULT '',
    pivot             TEXT NOT NULL DEFAULT '',
    themes            TEXT NOT NULL DEFAULT '[]',
    channels          TEXT NOT NULL DEFAULT '[]',
    address           TEXT,
    hours             TEXT NOT NULL DEFAULT '{}',
    coverage          TEXT NOT NULL DEFAULT '{}',
    emergency         BOOLEAN NOT NULL DEFAULT FALSE,
    emergency_rank    INTEGER NOT NULL DEFAULT 0,
    commune_code      TEXT NOT NULL DEFAULT '',
    latitude          REAL,
    longitude         REAL,
    source_kind       TEXT NOT NULL,
    source_id         TEXT NOT NULL DEFAULT '',
    source_dataset    TEXT NOT NULL DEFAULT '',
    source_updated_at DATETIME,
    verified_at       DATETIME,
    content_hash      TEXT NOT NULL,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
CREATE INDEX contact_points_organisation ON contact_points (organisation_id);
CREATE INDEX contact_points_pivot ON contact_points (pivot);
CREATE INDEX contact_points_emergency ON contact_points (emergency, emergency_rank);

-- One row per territory a contact point serves. level: national (code ''),
-- region, departement, epci, commune; nearest (code = département of the
-- office, resolved at query time to the office in or nearest the commune).
CREATE TABLE contact_point_coverage (
    contact_point_id TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    level            TEXT NOT NULL,
    code             TEXT NOT NULL,
    PRIMARY KEY (contact_point_id, level, code)
);
CREATE INDEX contact_point_coverage_lookup ON contact_point_coverage (level, code);

-- +goose Down
DROP TABLE contact_point_coverage;
DROP TABLE contact_points;
DROP TABLE themes;
DROP TABLE entry_points;
DROP TABLE organisations;
