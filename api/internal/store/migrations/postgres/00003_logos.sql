-- +goose Up
CREATE TABLE logos (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    content_type    TEXT NOT NULL,
    data            BYTEA NOT NULL,
    sha256          TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE logos;
